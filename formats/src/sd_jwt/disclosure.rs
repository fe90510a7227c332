//! SD-JWT disclosures (RFC 9901 §4.2): `base64url([salt, name, value])` for an object member,
//! `base64url([salt, value])` for an array element, and their SHA-256 digests.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::FormatError;
use crate::jwt::jws::{b64, b64_decode};

/// One disclosure, parsed and hashed.
#[derive(Debug, Clone)]
pub(crate) struct Disclosure {
    /// The disclosure as it travels (base64url of the JSON array).
    pub(crate) encoded: String,
    /// `base64url(SHA-256(encoded))`, what the issuer-signed JWT references.
    pub(crate) digest: String,
    /// The claim name; `None` for an array element.
    pub(crate) name: Option<String>,
    /// The claim value.
    pub(crate) value: Value,
}

/// `base64url(SHA-256(ascii(s)))`, the digest of a disclosure and the `sd_hash` of a presentation.
pub(crate) fn sha256_b64(s: &str) -> String {
    b64(Sha256::digest(s.as_bytes()))
}

impl Disclosure {
    /// Build a disclosure; `name` is `None` for an array element.
    pub(crate) fn new(salt: &str, name: Option<&str>, value: Value) -> Result<Self, FormatError> {
        let array = match name {
            Some(n) => Value::Array(vec![salt.into(), n.into(), value.clone()]),
            None => Value::Array(vec![salt.into(), value.clone()]),
        };
        let json = serde_json::to_string(&array).map_err(|e| FormatError::Signing(e.to_string()))?;
        let encoded = b64(json);
        Ok(Self { digest: sha256_b64(&encoded), encoded, name: name.map(str::to_owned), value })
    }

    /// Parse a received disclosure: strict base64url of a JSON array of two or three elements
    /// with a string salt and, for three, a string claim name other than `_sd` and `...`.
    pub(crate) fn parse(encoded: &str) -> Result<Self, FormatError> {
        let bytes = b64_decode("disclosure", encoded)?;
        let array = match serde_json::from_slice(&bytes) {
            Ok(Value::Array(a)) => a,
            Ok(_) => return Err(FormatError::malformed("disclosure", "not a JSON array")),
            Err(e) => return Err(FormatError::malformed("disclosure", e)),
        };
        let mut items = array.into_iter();
        let (salt, name, value) = match (items.next(), items.next(), items.next(), items.next()) {
            (Some(salt), Some(value), None, None) => (salt, None, value),
            (Some(salt), Some(name), Some(value), None) => (salt, Some(name), value),
            _ => return Err(FormatError::malformed("disclosure", "not an array of 2 or 3 elements")),
        };
        if !salt.is_string() {
            return Err(FormatError::malformed("disclosure", "salt is not a string"));
        }
        let name = match name {
            None => None,
            Some(Value::String(n)) if n == "_sd" || n == "..." => {
                return Err(FormatError::malformed("disclosure", format!("reserved claim name {n:?}")));
            }
            Some(Value::String(n)) => Some(n),
            Some(_) => return Err(FormatError::malformed("disclosure", "claim name is not a string")),
        };
        Ok(Self { digest: sha256_b64(encoded), encoded: encoded.to_owned(), name, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc9901_example_digest() {
        // RFC 9901 §4.2.1 / §4.2.3: the `family_name` disclosure and its digest.
        let d = Disclosure::parse("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
            .expect("parse");
        assert_eq!(d.name.as_deref(), Some("family_name"));
        assert_eq!(d.value, json!("Möbius"));
        assert_eq!(d.digest, "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
    }

    #[test]
    fn rejects_hostile_disclosures() {
        for bad in [
            b64(r#"["s"]"#),
            b64(r#"["s","a","b","c"]"#),
            b64(r#"[1,"a","b"]"#),
            b64(r#"["s",2,"b"]"#),
            b64(r#"["s","_sd","b"]"#),
            b64(r#"["s","...","b"]"#),
            b64(r#"{"a":1}"#),
            b64("not json"),
            "WyJz==".to_owned(),
            "W+/".to_owned(),
        ] {
            assert!(Disclosure::parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_round_trips_through_parse() {
        let d = Disclosure::new("c2FsdA", Some("given_name"), json!("Ada")).expect("new");
        let p = Disclosure::parse(&d.encoded).expect("parse");
        assert_eq!((p.digest, p.name, p.value), (d.digest, d.name, d.value));
    }
}
