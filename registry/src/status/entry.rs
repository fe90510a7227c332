//! W3C Bitstring Status List v1.0 §2.1 `BitstringStatusListEntry`: the `credentialStatus` object
//! of an issued credential — built by the issuer, parsed (as untrusted input) by a verifier.

use serde_json::{json, Map, Value};

use super::purpose::{StatusPurpose, UnknownPurpose};
use super::url::{StatusListUrl, UrlError};

/// The `type` of an entry.
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";

/// Longest `statusListIndex` text considered (a u64 has 20 digits; leading zeros are allowed).
const MAX_INDEX_DIGITS: usize = 64;

/// A checked `BitstringStatusListEntry` with a one-bit status (`statusSize` absent or 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusEntry {
    /// `statusPurpose`.
    pub purpose: StatusPurpose,
    /// `statusListCredential`: where the list credential is published.
    pub list_url: StatusListUrl,
    /// `statusListIndex`.
    pub index: u64,
}

/// Why a `credentialStatus` object is not an entry this verifier can check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The entry is not a JSON object.
    #[error("credentialStatus entry is not a JSON object")]
    NotAnObject,
    /// A required property is absent.
    #[error("credentialStatus entry has no {0}")]
    Missing(&'static str),
    /// A property has the wrong JSON type.
    #[error("credentialStatus.{field} must be {expected}")]
    WrongJsonType {
        /// The property.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// `type` is not `BitstringStatusListEntry`.
    #[error("credentialStatus type is not {ENTRY_TYPE}")]
    NotBitstringEntry,
    /// `statusPurpose` is neither `revocation` nor `suspension`.
    #[error(transparent)]
    Purpose(#[from] UnknownPurpose),
    /// `statusListIndex` is not a base-10 integer string of ASCII digits.
    #[error("statusListIndex is not a decimal integer")]
    IndexNotDecimal,
    /// `statusListIndex` does not fit in 64 bits.
    #[error("statusListIndex is larger than 2^64 - 1")]
    IndexTooLarge,
    /// `statusListCredential` is not an acceptable URL.
    #[error("statusListCredential: {0}")]
    ListUrl(#[from] UrlError),
    /// `statusSize` is present and not 1: multi-bit statuses (purpose `message`) are not supported.
    #[error("statusSize other than 1 is not supported")]
    UnsupportedStatusSize,
    /// `id` equals the list URL, which §2.1 forbids.
    #[error("credentialStatus id must not be the status list URL")]
    IdIsListUrl,
}

impl StatusEntry {
    /// The entry id: `<list URL>#<index>`.
    pub fn id(&self) -> String {
        self.list_url.with_fragment(&self.index.to_string())
    }

    /// The JSON object to put under `credentialStatus`; `statusListIndex` is a decimal string.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id(),
            "type": ENTRY_TYPE,
            "statusPurpose": self.purpose.as_str(),
            "statusListIndex": self.index.to_string(),
            "statusListCredential": self.list_url.as_str(),
        })
    }

    /// Parse one `credentialStatus` object received from outside.
    pub fn from_json(value: &Value) -> Result<Self, EntryError> {
        let obj = value.as_object().ok_or(EntryError::NotAnObject)?;
        if !has_type(obj.get("type").ok_or(EntryError::Missing("type"))?, ENTRY_TYPE) {
            return Err(EntryError::NotBitstringEntry);
        }
        let purpose = string(obj, "statusPurpose")?.parse::<StatusPurpose>()?;
        let index = parse_index(string(obj, "statusListIndex")?)?;
        let list_url = StatusListUrl::new(string(obj, "statusListCredential")?)?;
        match obj.get("statusSize") {
            None => {}
            Some(v) if v.as_u64() == Some(1) => {}
            Some(_) => return Err(EntryError::UnsupportedStatusSize),
        }
        match obj.get("id") {
            None => {}
            Some(Value::String(id)) if id == list_url.as_str() => return Err(EntryError::IdIsListUrl),
            Some(Value::String(_)) => {}
            Some(_) => return Err(EntryError::WrongJsonType { field: "id", expected: "a string" }),
        }
        Ok(StatusEntry { purpose, list_url, index })
    }
}

/// Whether a JSON-LD `type` value (a string or an array of strings) includes `wanted`.
pub(super) fn has_type(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(s) => s == wanted,
        Value::Array(items) => items.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn string<'a>(obj: &'a Map<String, Value>, field: &'static str) -> Result<&'a str, EntryError> {
    match obj.get(field) {
        None => Err(EntryError::Missing(field)),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(EntryError::WrongJsonType { field, expected: "a string" }),
    }
}

/// §2.1: "an arbitrary size integer greater than or equal to 0, expressed as a string in base 10".
/// No sign, no spaces, ASCII digits only; leading zeros do not change the value and are accepted.
fn parse_index(s: &str) -> Result<u64, EntryError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EntryError::IndexNotDecimal);
    }
    let significant = s.trim_start_matches('0');
    if significant.len() > MAX_INDEX_DIGITS {
        return Err(EntryError::IndexTooLarge);
    }
    if significant.is_empty() {
        return Ok(0);
    }
    significant.parse::<u64>().map_err(|_| EntryError::IndexTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> StatusEntry {
        StatusEntry {
            purpose: StatusPurpose::Revocation,
            list_url: StatusListUrl::new("https://example.com/credentials/status/3").expect("valid"),
            index: 94567,
        }
    }

    #[test]
    fn builds_the_spec_example_entry() {
        // W3C Bitstring Status List v1.0, Example 1, first entry.
        let spec = json!({
            "id": "https://example.com/credentials/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3"
        });
        assert_eq!(entry().to_json(), spec);
        assert_eq!(StatusEntry::from_json(&spec), Ok(entry()));
        let suspension = json!({
            "id": "https://example.com/credentials/status/4#23452",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "suspension",
            "statusListIndex": "23452",
            "statusListCredential": "https://example.com/credentials/status/4"
        });
        let parsed = StatusEntry::from_json(&suspension).expect("spec example");
        assert_eq!(parsed.purpose, StatusPurpose::Suspension);
        assert_eq!(parsed.index, 23452);
    }

    #[test]
    fn round_trips_extreme_indexes() {
        for index in [0, 1, u64::MAX] {
            let e = StatusEntry { index, ..entry() };
            assert_eq!(StatusEntry::from_json(&e.to_json()), Ok(e));
        }
    }

    #[test]
    fn accepts_what_the_spec_allows() {
        let mut v = entry().to_json();
        v["statusSize"] = json!(1);
        v["statusListIndex"] = json!("0094567");
        v["type"] = json!(["BitstringStatusListEntry"]);
        v.as_object_mut().expect("object").remove("id");
        assert_eq!(StatusEntry::from_json(&v), Ok(entry()));
    }

    #[test]
    fn typed_errors_for_hostile_entries() {
        let base = entry().to_json();
        let with = |field: &str, value: Value| {
            let mut v = base.clone();
            v[field] = value;
            StatusEntry::from_json(&v)
        };
        let without = |field: &str| {
            let mut v = base.clone();
            v.as_object_mut().expect("object").remove(field);
            StatusEntry::from_json(&v)
        };
        assert_eq!(StatusEntry::from_json(&json!([base.clone()])), Err(EntryError::NotAnObject));
        for field in ["type", "statusPurpose", "statusListIndex", "statusListCredential"] {
            assert_eq!(without(field), Err(EntryError::Missing(field)), "{field}");
        }
        assert_eq!(with("type", json!("StatusList2021Entry")), Err(EntryError::NotBitstringEntry));
        assert_eq!(with("type", json!(7)), Err(EntryError::NotBitstringEntry));
        assert_eq!(with("statusPurpose", json!("refresh")), Err(EntryError::Purpose(UnknownPurpose("refresh".into()))));
        assert_eq!(
            with("statusPurpose", json!(["revocation"])),
            Err(EntryError::WrongJsonType { field: "statusPurpose", expected: "a string" })
        );
        assert_eq!(
            with("statusListIndex", json!(94567)),
            Err(EntryError::WrongJsonType { field: "statusListIndex", expected: "a string" })
        );
        for bad in ["", "-1", "+1", " 1", "1 ", "1e3", "0x10", "١٢", "1.0"] {
            assert_eq!(with("statusListIndex", json!(bad)), Err(EntryError::IndexNotDecimal), "{bad:?}");
        }
        for big in ["18446744073709551616", "99999999999999999999999", &"9".repeat(100_000)] {
            assert_eq!(with("statusListIndex", json!(big)), Err(EntryError::IndexTooLarge));
        }
        assert_eq!(
            with("statusListIndex", json!(format!("{}{}", "0".repeat(1000), u64::MAX))).map(|e| e.index),
            Ok(u64::MAX)
        );
        assert_eq!(with("statusListCredential", json!("ftp://x/y")), Err(EntryError::ListUrl(UrlError::Scheme)));
        assert_eq!(with("statusSize", json!(2)), Err(EntryError::UnsupportedStatusSize));
        assert_eq!(with("statusSize", json!("1")), Err(EntryError::UnsupportedStatusSize));
        assert_eq!(with("id", json!("https://example.com/credentials/status/3")), Err(EntryError::IdIsListUrl));
        assert_eq!(with("id", json!(3)), Err(EntryError::WrongJsonType { field: "id", expected: "a string" }));
    }
}
