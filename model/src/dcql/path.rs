//! Claims path pointers (OpenID4VP 1.0 §7): a non-empty array of strings (object keys), `null`
//! (every element of an array) and non-negative integers (one array element), applied to a
//! JSON credential from its root (§7.1.1).

use serde_json::Value;

use super::error::{invalid, DcqlError};

/// Longest claims path accepted.
pub(crate) const MAX_PATH: usize = 16;

/// One step of a claims path pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathElement {
    /// An object member.
    Key(String),
    /// One array element.
    Index(usize),
    /// Every array element (`null`).
    All,
}

/// A checked claims path pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath(Vec<PathElement>);

/// One claim a path selected: its JSON pointer (RFC 6901) in the credential, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected<'a> {
    /// Where it is, as a JSON pointer (`/credentialSubject/licenseType`).
    pub pointer: String,
    /// Its value.
    pub value: &'a Value,
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl ClaimPath {
    /// Read a claims path pointer; `at` names it in errors.
    pub fn from_json(v: &Value, at: &str) -> Result<Self, DcqlError> {
        let items = v.as_array().ok_or_else(|| invalid(at, "a claims path is an array"))?;
        if items.is_empty() || items.len() > MAX_PATH {
            return Err(invalid(at, format!("a claims path has 1 to {MAX_PATH} elements")));
        }
        let elements = items
            .iter()
            .map(|e| match e {
                Value::String(s) => Ok(PathElement::Key(s.clone())),
                Value::Null => Ok(PathElement::All),
                Value::Number(n) => n
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .map(PathElement::Index)
                    .ok_or_else(|| invalid(at, "an index is a non-negative integer")),
                _ => Err(invalid(at, "elements are strings, null or non-negative integers")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ClaimPath(elements))
    }

    /// A path of object keys.
    pub fn keys(keys: &[&str]) -> Self {
        ClaimPath(keys.iter().map(|k| PathElement::Key((*k).to_owned())).collect())
    }

    /// The steps.
    pub fn elements(&self) -> &[PathElement] {
        &self.0
    }

    /// The path as JSON (`["credentialSubject", "licenseType"]`).
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|e| match e {
                    PathElement::Key(k) => Value::String(k.clone()),
                    PathElement::Index(i) => Value::from(*i),
                    PathElement::All => Value::Null,
                })
                .collect(),
        )
    }

    /// For people: `credentialSubject.licenseType`, `degrees[*].type`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for e in &self.0 {
            match e {
                PathElement::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                PathElement::Index(i) => out.push_str(&format!("[{i}]")),
                PathElement::All => out.push_str("[*]"),
            }
        }
        out
    }

    /// Process the path over `root` (§7.1.1): the selected claims, or an error when a step meets
    /// the wrong type or nothing is selected.
    pub fn select<'a>(&self, root: &'a Value) -> Result<Vec<Selected<'a>>, DcqlError> {
        let fail = |why: &str| DcqlError::Path { path: self.to_json().to_string(), why: why.to_owned() };
        let mut current = vec![Selected { pointer: String::new(), value: root }];
        for e in &self.0 {
            let mut next = Vec::new();
            for s in current {
                match (e, s.value) {
                    (PathElement::Key(k), Value::Object(o)) => {
                        if let Some(v) = o.get(k) {
                            next.push(Selected { pointer: format!("{}/{}", s.pointer, escape(k)), value: v });
                        }
                    }
                    (PathElement::Key(_), _) => return Err(fail("a key step met something that is not an object")),
                    (PathElement::All, Value::Array(a)) => next.extend(
                        a.iter().enumerate().map(|(i, v)| Selected { pointer: format!("{}/{i}", s.pointer), value: v }),
                    ),
                    (PathElement::Index(i), Value::Array(a)) => {
                        if let Some(v) = a.get(*i) {
                            next.push(Selected { pointer: format!("{}/{i}", s.pointer), value: v });
                        }
                    }
                    (_, _) => return Err(fail("an array step met something that is not an array")),
                }
            }
            current = next;
        }
        if current.is_empty() {
            return Err(fail("no such claim"));
        }
        Ok(current)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(v: Value) -> ClaimPath {
        ClaimPath::from_json(&v, "p").expect("path")
    }

    fn pointers(p: &ClaimPath, root: &Value) -> Vec<String> {
        p.select(root).expect("selects").into_iter().map(|s| s.pointer).collect()
    }

    /// The example of §7.3.
    #[test]
    fn spec_example_selects_as_documented() {
        let c = json!({
            "name": "Arthur Dent",
            "address": {"street_address": "42 Market Street", "locality": "Milliways", "postal_code": "12345"},
            "degrees": [{"type": "Bachelor of Science", "university": "University of Betelgeuse"},
                        {"type": "Master of Science", "university": "University of Betelgeuse"}],
            "nationalities": ["British", "Betelgeusian"]
        });
        assert_eq!(path(json!(["name"])).select(&c).expect("name")[0].value, "Arthur Dent");
        assert_eq!(pointers(&path(json!(["address", "street_address"])), &c), ["/address/street_address"]);
        assert_eq!(pointers(&path(json!(["degrees", null, "type"])), &c), ["/degrees/0/type", "/degrees/1/type"]);
        assert_eq!(path(json!(["nationalities", 1])).select(&c).expect("second")[0].value, "Betelgeusian");
        assert!(path(json!(["nope"])).select(&c).is_err(), "nothing selected");
        assert!(path(json!(["name", 0])).select(&c).is_err(), "index into a string");
        assert!(path(json!(["degrees", "type"])).select(&c).is_err(), "key into an array");
        assert_eq!(path(json!(["degrees", null, "type"])).display(), "degrees[*].type");
        assert_eq!(pointers(&path(json!(["a/b"])), &json!({"a/b": 1})), ["/a~1b"]);
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in [json!([]), json!("name"), json!([-1]), json!([1.5]), json!([true]), json!([{}])] {
            assert!(ClaimPath::from_json(&bad, "p").is_err(), "{bad}");
        }
        assert!(ClaimPath::from_json(&json!(vec!["a"; MAX_PATH + 1]), "p").is_err());
        assert_eq!(path(json!(["a", null, 2])).to_json(), json!(["a", null, 2]));
    }
}
