//! A syntactically checked DID (W3C DID Core §3.1), used for holders and issuers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::FieldError;

/// Longest DID accepted (did:jwk of a P-256 key is ~200 characters).
pub const MAX_DID_LEN: usize = 2048;

/// A DID: `did:` method-name `:` method-specific-id, without a path, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did(String);

impl Did {
    /// The DID string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The method name, e.g. `web`.
    pub fn method(&self) -> &str {
        self.0[4..].split(':').next().unwrap_or_default()
    }

    /// Parse `s`, naming `field` in the error.
    pub fn parse_field(s: &str, field: &str) -> Result<Self, FieldError> {
        let err = |why: &str| FieldError::new(field, "malformed_did", format!("{why}: {}", preview(s)));
        if s.len() > MAX_DID_LEN {
            return Err(err("DID too long"));
        }
        let rest = s.strip_prefix("did:").ok_or_else(|| err("not a DID (must start with did:)"))?;
        let (method, id) = rest.split_once(':').ok_or_else(|| err("DID has no method-specific id"))?;
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
            return Err(err("DID method name must be lowercase letters and digits"));
        }
        if id.is_empty() || id.ends_with(':') {
            return Err(err("DID method-specific id is empty"));
        }
        let mut bytes = id.bytes();
        while let Some(b) = bytes.next() {
            match b {
                b'%' => {
                    let hex_ok = matches!((bytes.next(), bytes.next()), (Some(a), Some(c)) if a.is_ascii_hexdigit() && c.is_ascii_hexdigit());
                    if !hex_ok {
                        return Err(err("bad percent-encoding in DID"));
                    }
                }
                b if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':') => {}
                _ => return Err(err("DID contains a character not allowed in a method-specific id")),
            }
        }
        Ok(Did(s.to_owned()))
    }
}

fn preview(s: &str) -> String {
    let p: String = s.chars().take(60).collect();
    if p.len() < s.len() {
        format!("{p}…")
    } else {
        p
    }
}

impl FromStr for Did {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        Did::parse_field(s, "did")
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Did {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Did {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e: FieldError| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_methods() {
        for ok in [
            "did:web:board.example.org",
            "did:web:localhost%3A8080:boards:nj",
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "did:jwk:eyJrdHkiOiJPS1AifQ",
        ] {
            let d: Did = ok.parse().expect(ok);
            assert_eq!(d.as_str(), ok);
        }
        assert_eq!("did:web:x".parse::<Did>().expect("ok").method(), "web");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "did:",
            "did:web",
            "did:web:",
            "DID:web:x",
            "did:Web:x",
            "did:web:a b",
            "did:web:%zz",
            "https://x",
            "did:web:x#frag",
        ] {
            assert!(bad.parse::<Did>().is_err(), "{bad:?} accepted");
        }
        assert!(format!("did:key:{}", "z".repeat(3000)).parse::<Did>().is_err());
    }
}
