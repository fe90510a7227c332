//! A DCQL query (OpenID4VP 1.0 §6): Credential Queries with their format, `meta`, claims and
//! claim sets, checked once on the way in; unknown members are ignored as §6 requires.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::error::{invalid, DcqlError};
use super::path::ClaimPath;

/// IETF SD-JWT VC.
pub const FORMAT_SD_JWT: &str = "dc+sd-jwt";
/// W3C VC secured with Data Integrity.
pub const FORMAT_LDP_VC: &str = "ldp_vc";
/// W3C VC secured as a JWT.
pub const FORMAT_JWT_VC_JSON: &str = "jwt_vc_json";

/// Most Credential Queries in one query.
pub(crate) const MAX_CREDENTIALS: usize = 16;
/// Most Claims Queries in one Credential Query.
pub(crate) const MAX_CLAIMS: usize = 64;

/// A checked DCQL query.
#[derive(Debug, Clone, PartialEq)]
pub struct DcqlQuery {
    /// The Credential Queries (non-empty, ids unique).
    pub credentials: Vec<CredentialQuery>,
    /// `credential_sets`, kept as given (checked only for shape and known ids).
    pub credential_sets: Option<Vec<Value>>,
}

/// One Credential Query (§6.1).
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialQuery {
    /// Its id: the key of its presentations in the `vp_token`.
    pub id: String,
    /// The Credential Format Identifier.
    pub format: String,
    /// Whether several credentials may answer it.
    pub multiple: bool,
    /// The type constraints.
    pub meta: Meta,
    /// The claims asked for (`None`: no selectively disclosable claim).
    pub claims: Option<Vec<ClaimsQuery>>,
    /// Alternative combinations of claim ids, most preferred first.
    pub claim_sets: Option<Vec<Vec<String>>>,
    /// Whether a proof of holder binding is required (default true).
    pub require_cryptographic_holder_binding: bool,
}

/// The `meta` of a Credential Query.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    /// SD-JWT VC: the accepted `vct` values (§B.3.5).
    SdJwt {
        /// Accepted types.
        vct_values: Vec<String>,
    },
    /// W3C formats: alternatives, each a set of fully expanded type IRIs that must all be present
    /// (§B.1.1).
    W3c {
        /// Alternatives.
        type_values: Vec<Vec<String>>,
    },
    /// Another format's `meta`, kept as given.
    Other(Value),
}

/// One Claims Query (§6.3).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimsQuery {
    /// Its id (required when the Credential Query has `claim_sets`).
    pub id: Option<String>,
    /// Where the claim is.
    pub path: ClaimPath,
    /// Accepted values (strings, integers, booleans), if restricted.
    pub values: Option<Vec<Value>>,
}

fn check_id(s: &str, at: &str) -> Result<(), DcqlError> {
    if s.is_empty() || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(invalid(at, "an id is 1-64 of A-Z, a-z, 0-9, '_' and '-'"));
    }
    Ok(())
}

fn strings(v: &Value, at: &str) -> Result<Vec<String>, DcqlError> {
    let a = v.as_array().filter(|a| !a.is_empty()).ok_or_else(|| invalid(at, "a non-empty array of strings"))?;
    a.iter()
        .map(|s| {
            s.as_str().filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(|| invalid(at, "non-empty strings"))
        })
        .collect()
}

fn boolean(o: &Map<String, Value>, key: &str, default: bool, at: &str) -> Result<bool, DcqlError> {
    match o.get(key) {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(format!("{at}.{key}"), "a boolean")),
    }
}

impl ClaimsQuery {
    fn from_json(v: &Value, at: &str) -> Result<Self, DcqlError> {
        let o = v.as_object().ok_or_else(|| invalid(at, "a claims query is an object"))?;
        let id = match o.get("id") {
            None => None,
            Some(Value::String(s)) => {
                check_id(s, &format!("{at}.id"))?;
                Some(s.clone())
            }
            Some(_) => return Err(invalid(format!("{at}.id"), "a string")),
        };
        let path = ClaimPath::from_json(o.get("path").unwrap_or(&Value::Null), &format!("{at}.path"))?;
        let values = match o.get("values") {
            None => None,
            Some(Value::Array(a)) if !a.is_empty() => {
                if a.iter().any(|x| !(x.is_string() || x.is_i64() || x.is_u64() || x.is_boolean())) {
                    return Err(invalid(format!("{at}.values"), "values are strings, integers or booleans"));
                }
                Some(a.clone())
            }
            Some(_) => return Err(invalid(format!("{at}.values"), "a non-empty array")),
        };
        Ok(ClaimsQuery { id, path, values })
    }

    fn to_json(&self) -> Value {
        let mut o = Map::new();
        if let Some(id) = &self.id {
            o.insert("id".into(), json!(id));
        }
        o.insert("path".into(), self.path.to_json());
        if let Some(v) = &self.values {
            o.insert("values".into(), Value::Array(v.clone()));
        }
        Value::Object(o)
    }
}

impl Meta {
    fn from_json(format: &str, v: Option<&Value>, at: &str) -> Result<Self, DcqlError> {
        let o = v.and_then(Value::as_object).ok_or_else(|| invalid(at, "meta is a required object"))?;
        match format {
            FORMAT_SD_JWT => Ok(Meta::SdJwt {
                vct_values: strings(o.get("vct_values").unwrap_or(&Value::Null), &format!("{at}.vct_values"))?,
            }),
            FORMAT_LDP_VC | FORMAT_JWT_VC_JSON => {
                let at = format!("{at}.type_values");
                let outer = o
                    .get("type_values")
                    .and_then(Value::as_array)
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| invalid(&at, "a non-empty array of non-empty arrays of strings"))?;
                let type_values = outer.iter().map(|inner| strings(inner, &at)).collect::<Result<_, _>>()?;
                Ok(Meta::W3c { type_values })
            }
            _ => Ok(Meta::Other(Value::Object(o.clone()))),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Meta::SdJwt { vct_values } => json!({"vct_values": vct_values}),
            Meta::W3c { type_values } => json!({"type_values": type_values}),
            Meta::Other(v) => v.clone(),
        }
    }
}

impl CredentialQuery {
    fn from_json(v: &Value, at: &str) -> Result<Self, DcqlError> {
        let o = v.as_object().ok_or_else(|| invalid(at, "a credential query is an object"))?;
        let id = o.get("id").and_then(Value::as_str).ok_or_else(|| invalid(format!("{at}.id"), "a required string"))?;
        check_id(id, &format!("{at}.id"))?;
        let format = o
            .get("format")
            .and_then(Value::as_str)
            .filter(|f| !f.is_empty())
            .ok_or_else(|| invalid(format!("{at}.format"), "a required string"))?;
        let meta = Meta::from_json(format, o.get("meta"), &format!("{at}.meta"))?;
        let claims = match o.get("claims") {
            None => None,
            Some(Value::Array(a)) if !a.is_empty() && a.len() <= MAX_CLAIMS => Some(
                a.iter()
                    .enumerate()
                    .map(|(i, c)| ClaimsQuery::from_json(c, &format!("{at}.claims[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(_) => {
                return Err(invalid(format!("{at}.claims"), format!("a non-empty array of at most {MAX_CLAIMS}")))
            }
        };
        let mut ids = BTreeSet::new();
        for c in claims.iter().flatten() {
            if let Some(id) = &c.id {
                if !ids.insert(id.as_str()) {
                    return Err(invalid(format!("{at}.claims"), format!("claim id {id:?} appears twice")));
                }
            }
        }
        let claim_sets = match o.get("claim_sets") {
            None => None,
            Some(v) => {
                let at = format!("{at}.claim_sets");
                let Some(claims) = &claims else {
                    return Err(invalid(at, "claim_sets needs claims"));
                };
                if claims.iter().any(|c| c.id.is_none()) {
                    return Err(invalid(at, "with claim_sets every claims query needs an id"));
                }
                let sets = v.as_array().filter(|a| !a.is_empty()).ok_or_else(|| invalid(&at, "a non-empty array"))?;
                let sets: Vec<Vec<String>> = sets.iter().map(|s| strings(s, &at)).collect::<Result<_, _>>()?;
                if let Some(unknown) = sets.iter().flatten().find(|id| !ids.contains(id.as_str())) {
                    return Err(invalid(at, format!("{unknown:?} names no claims query")));
                }
                Some(sets)
            }
        };
        Ok(CredentialQuery {
            id: id.to_owned(),
            format: format.to_owned(),
            multiple: boolean(o, "multiple", false, at)?,
            meta,
            claims,
            claim_sets,
            require_cryptographic_holder_binding: boolean(o, "require_cryptographic_holder_binding", true, at)?,
        })
    }

    fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("format".into(), json!(self.format));
        if self.multiple {
            o.insert("multiple".into(), json!(true));
        }
        o.insert("meta".into(), self.meta.to_json());
        if let Some(c) = &self.claims {
            o.insert("claims".into(), Value::Array(c.iter().map(ClaimsQuery::to_json).collect()));
        }
        if let Some(s) = &self.claim_sets {
            o.insert("claim_sets".into(), json!(s));
        }
        if !self.require_cryptographic_holder_binding {
            o.insert("require_cryptographic_holder_binding".into(), json!(false));
        }
        Value::Object(o)
    }

    /// Whether the format is one this code understands.
    pub fn is_known_format(&self) -> bool {
        matches!(self.format.as_str(), FORMAT_SD_JWT | FORMAT_LDP_VC | FORMAT_JWT_VC_JSON)
    }
}

impl DcqlQuery {
    /// Parse and check a query.
    pub fn from_json(v: &Value) -> Result<Self, DcqlError> {
        let o = v.as_object().ok_or_else(|| invalid("query", "a DCQL query is a JSON object"))?;
        let list = o
            .get("credentials")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty() && a.len() <= MAX_CREDENTIALS)
            .ok_or_else(|| invalid("credentials", format!("a non-empty array of at most {MAX_CREDENTIALS}")))?;
        let credentials: Vec<CredentialQuery> = list
            .iter()
            .enumerate()
            .map(|(i, c)| CredentialQuery::from_json(c, &format!("credentials[{i}]")))
            .collect::<Result<_, _>>()?;
        let mut ids = BTreeSet::new();
        if let Some(dup) = credentials.iter().find(|c| !ids.insert(c.id.as_str())) {
            return Err(invalid("credentials", format!("id {:?} appears twice", dup.id)));
        }
        let credential_sets = match o.get("credential_sets") {
            None => None,
            Some(Value::Array(sets)) if !sets.is_empty() => {
                for (i, s) in sets.iter().enumerate() {
                    let at = format!("credential_sets[{i}].options");
                    let options = s
                        .get("options")
                        .and_then(Value::as_array)
                        .filter(|a| !a.is_empty())
                        .ok_or_else(|| invalid(&at, "a non-empty array"))?;
                    for option in options {
                        if let Some(unknown) = strings(option, &at)?.iter().find(|id| !ids.contains(id.as_str())) {
                            return Err(invalid(&at, format!("{unknown:?} names no credential query")));
                        }
                    }
                }
                Some(sets.clone())
            }
            Some(_) => return Err(invalid("credential_sets", "a non-empty array")),
        };
        Ok(DcqlQuery { credentials, credential_sets })
    }

    /// The query as JSON (what goes into a request).
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("credentials".into(), Value::Array(self.credentials.iter().map(CredentialQuery::to_json).collect()));
        if let Some(s) = &self.credential_sets {
            o.insert("credential_sets".into(), Value::Array(s.clone()));
        }
        Value::Object(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `simple.json` example of OpenID4VP 1.0 (§6.4).
    fn simple() -> Value {
        json!({"credentials": [{
            "id": "my_credential", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://credentials.example.com/identity_credential"]},
            "claims": [{"path": ["last_name"]}, {"path": ["first_name"]}, {"path": ["address", "street_address"]}]
        }]})
    }

    #[test]
    fn parses_the_spec_example_and_round_trips() {
        let q = DcqlQuery::from_json(&simple()).expect("valid");
        let c = &q.credentials[0];
        assert_eq!((c.id.as_str(), c.format.as_str(), c.multiple), ("my_credential", "dc+sd-jwt", false));
        assert!(c.require_cryptographic_holder_binding);
        assert_eq!(c.claims.as_ref().map(Vec::len), Some(3));
        assert_eq!(q.to_json(), simple());
        let mut with_unknown = simple();
        with_unknown["future"] = json!(1);
        with_unknown["credentials"][0]["future"] = json!(1);
        assert_eq!(DcqlQuery::from_json(&with_unknown).expect("unknown members ignored"), q);
    }

    #[test]
    fn claim_sets_and_w3c_meta() {
        let q = json!({"credentials": [{
            "id": "pid", "format": "ldp_vc",
            "meta": {"type_values": [["https://example.org/examples#IdentityCredential"]]},
            "claims": [{"id": "a", "path": ["credentialSubject", "given_name"]},
                       {"id": "b", "path": ["credentialSubject", "birthdate"], "values": ["1990-01-01"]}],
            "claim_sets": [["a", "b"], ["a"]]
        }]});
        let parsed = DcqlQuery::from_json(&q).expect("valid");
        assert_eq!(parsed.credentials[0].claim_sets.as_ref().map(Vec::len), Some(2));
        assert_eq!(parsed.to_json(), q);
    }

    #[test]
    fn breaking_a_rule_is_refused_with_where() {
        let cases: Vec<(Value, &str)> = vec![
            (json!([]), "query"),
            (json!({"credentials": []}), "credentials"),
            (
                json!({"credentials": [{"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}),
                "credentials[0].id",
            ),
            (json!({"credentials": [{"id": "a", "meta": {}}]}), "credentials[0].format"),
            (json!({"credentials": [{"id": "a", "format": "dc+sd-jwt"}]}), "credentials[0].meta"),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {}}]}),
                "credentials[0].meta.vct_values",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [[]]}}]}),
                "credentials[0].meta.type_values",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}},
                                    {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}),
                "credentials",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": []}]}),
                "credentials[0].claims",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                                     "claims": [{"path": ["x"], "values": [{}]}]}]}),
                "credentials[0].claims[0].values",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                                     "claims": [{"path": ["x"]}], "claim_sets": [["x"]]}]}),
                "credentials[0].claim_sets",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                                     "claims": [{"id": "c", "path": ["x"]}], "claim_sets": [["d"]]}]}),
                "credentials[0].claim_sets",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claim_sets": [["d"]]}]}),
                "credentials[0].claim_sets",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "multiple": "yes"}]}),
                "credentials[0].multiple",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}],
                    "credential_sets": [{"options": [["b"]]}]}),
                "credential_sets[0].options",
            ),
        ];
        for (q, at) in cases {
            let got = DcqlQuery::from_json(&q);
            assert!(matches!(&got, Err(DcqlError::Invalid { at: a, .. }) if a == at), "{q}: {got:?}");
        }
    }
}
