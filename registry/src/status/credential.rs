//! W3C Bitstring Status List v1.0 §2.2 `BitstringStatusListCredential`: the unsigned list credential
//! a board signs and publishes, and a checked view of one received from outside (after its proof
//! has been verified elsewhere).

use chrono::{DateTime, Utc};
use medcred_model::request::xsd_date_time;
use medcred_model::Did;
use serde_json::{json, Map, Value};

use super::bitstring::{BitstringStatusList, DecodeListError};
use super::compress::CompressError;
use super::entry::has_type;
use super::purpose::StatusPurpose;
use super::size::StatusSize;
use super::url::{StatusListUrl, UrlError};

/// The VC 2.0 base context.
pub const CREDENTIALS_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The credential `type` that marks a status list.
pub const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
/// The `credentialSubject.type` of a status list.
pub const LIST_SUBJECT_TYPE: &str = "BitstringStatusList";

/// What a board publishes about one of its lists (everything but the bits and the proof).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListCredential {
    /// The list URL: the credential `id` and every entry's `statusListCredential`.
    pub url: StatusListUrl,
    /// The board's DID: `issuer`.
    pub issuer: Did,
    /// `credentialSubject.statusPurpose`.
    pub purpose: StatusPurpose,
    /// `validFrom`: when this version of the list was published.
    pub valid_from: DateTime<Utc>,
    /// `validUntil`, if the list version expires.
    pub valid_until: Option<DateTime<Utc>>,
    /// `credentialSubject.ttl`: milliseconds a verifier may cache the list.
    pub ttl_ms: Option<u64>,
}

/// The list credential could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildListError {
    /// `validUntil` is before `validFrom`.
    #[error("validUntil is before validFrom")]
    ValidityInverted,
    /// The list has multi-bit entries; revocation and suspension entries carry no `statusSize`.
    #[error("a {0}-bit list cannot serve revocation or suspension entries")]
    StatusSize(StatusSize),
    /// Compressing the bitstring failed.
    #[error(transparent)]
    Compress(#[from] CompressError),
}

impl StatusListCredential {
    /// The unsigned credential (VC Data Model 2.0) carrying `list`, ready for a proof.
    pub fn to_json(&self, list: &BitstringStatusList) -> Result<Value, BuildListError> {
        if self.valid_until.is_some_and(|until| until < self.valid_from) {
            return Err(BuildListError::ValidityInverted);
        }
        if list.status_size() != StatusSize::One {
            return Err(BuildListError::StatusSize(list.status_size()));
        }
        let mut subject = Map::new();
        subject.insert("id".into(), json!(self.url.with_fragment("list")));
        subject.insert("type".into(), json!(LIST_SUBJECT_TYPE));
        subject.insert("statusPurpose".into(), json!(self.purpose.as_str()));
        subject.insert("encodedList".into(), json!(list.encode_list()?));
        if let Some(ttl) = self.ttl_ms {
            subject.insert("ttl".into(), json!(ttl));
        }
        let mut vc = Map::new();
        vc.insert("@context".into(), json!([CREDENTIALS_V2_CONTEXT]));
        vc.insert("id".into(), json!(self.url.as_str()));
        vc.insert("type".into(), json!(["VerifiableCredential", LIST_CREDENTIAL_TYPE]));
        vc.insert("issuer".into(), json!(self.issuer.as_str()));
        vc.insert("validFrom".into(), json!(xsd_date_time(self.valid_from)));
        if let Some(until) = self.valid_until {
            vc.insert("validUntil".into(), json!(xsd_date_time(until)));
        }
        vc.insert("credentialSubject".into(), Value::Object(subject));
        Ok(Value::Object(vc))
    }
}

/// A list credential received from outside, checked against §2.2 and decoded.
///
/// Proof, issuer binding and validity period are checked by the verification engine; this only
/// reads the status-list parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedStatusList {
    /// The credential `id`, if present.
    pub id: Option<StatusListUrl>,
    /// The `issuer` id (a string, or the `id` of an issuer object).
    pub issuer: String,
    /// The known purposes in `credentialSubject.statusPurpose` (unknown ones are skipped).
    pub purposes: Vec<StatusPurpose>,
    /// `credentialSubject.ttl` in milliseconds.
    pub ttl_ms: Option<u64>,
    /// The decoded one-bit list.
    pub list: BitstringStatusList,
}

/// Why a received document is not a usable status list credential.
#[derive(Debug, thiserror::Error)]
pub enum ListCredentialError {
    /// The document, or its `credentialSubject`, is not a JSON object.
    #[error("{0} is not a JSON object")]
    NotAnObject(&'static str),
    /// A required property is absent.
    #[error("status list credential has no {0}")]
    Missing(&'static str),
    /// A property has the wrong JSON type.
    #[error("{field} must be {expected}")]
    WrongJsonType {
        /// The property.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// `type` does not include `BitstringStatusListCredential`.
    #[error("credential type does not include {LIST_CREDENTIAL_TYPE}")]
    NotAListCredential,
    /// `credentialSubject.type` is not `BitstringStatusList`.
    #[error("credentialSubject type is not {LIST_SUBJECT_TYPE}")]
    NotAList,
    /// The credential `id` is not an acceptable URL.
    #[error("status list credential id: {0}")]
    Id(#[from] UrlError),
    /// `encodedList` could not be decoded.
    #[error(transparent)]
    EncodedList(#[from] DecodeListError),
}

impl ReceivedStatusList {
    /// Read the status-list parts of `vc`, decoding `encodedList` as one-bit entries.
    pub fn from_json(vc: &Value) -> Result<Self, ListCredentialError> {
        use ListCredentialError as E;
        let obj = vc.as_object().ok_or(E::NotAnObject("status list credential"))?;
        if !has_type(obj.get("type").ok_or(E::Missing("type"))?, LIST_CREDENTIAL_TYPE) {
            return Err(E::NotAListCredential);
        }
        let id = match obj.get("id") {
            None => None,
            Some(Value::String(s)) => Some(StatusListUrl::new(s)?),
            Some(_) => return Err(E::WrongJsonType { field: "id", expected: "a string" }),
        };
        let issuer = match obj.get("issuer") {
            None => return Err(E::Missing("issuer")),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(o)) => match o.get("id") {
                Some(Value::String(s)) => s.clone(),
                _ => return Err(E::WrongJsonType { field: "issuer.id", expected: "a string" }),
            },
            Some(_) => return Err(E::WrongJsonType { field: "issuer", expected: "a string or an object" }),
        };
        let subject = obj
            .get("credentialSubject")
            .ok_or(E::Missing("credentialSubject"))?
            .as_object()
            .ok_or(E::NotAnObject("credentialSubject"))?;
        if !has_type(subject.get("type").ok_or(E::Missing("credentialSubject.type"))?, LIST_SUBJECT_TYPE) {
            return Err(E::NotAList);
        }
        let purposes = match subject.get("statusPurpose") {
            None => return Err(E::Missing("credentialSubject.statusPurpose")),
            Some(Value::String(s)) => s.parse().ok().into_iter().collect(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(|v| v.as_str()?.parse().ok()).collect()
            }
            Some(_) => {
                return Err(E::WrongJsonType {
                    field: "credentialSubject.statusPurpose",
                    expected: "a string or an array of strings",
                })
            }
        };
        let ttl_ms = match subject.get("ttl") {
            None => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or(E::WrongJsonType { field: "credentialSubject.ttl", expected: "a non-negative integer" })?,
            ),
        };
        let encoded = match subject.get("encodedList") {
            None => return Err(E::Missing("credentialSubject.encodedList")),
            Some(Value::String(s)) => s,
            Some(_) => return Err(E::WrongJsonType { field: "credentialSubject.encodedList", expected: "a string" }),
        };
        let list = BitstringStatusList::decode_list(encoded, StatusSize::One)?;
        Ok(ReceivedStatusList { id, issuer, purposes, ttl_ms, list })
    }

    /// Whether the list serves `purpose` (§3.2 step 5).
    pub fn has_purpose(&self, purpose: StatusPurpose) -> bool {
        self.purposes.contains(&purpose)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn params() -> StatusListCredential {
        StatusListCredential {
            url: StatusListUrl::new("https://example.com/credentials/status/3").expect("valid"),
            issuer: "did:example:12345".parse().expect("valid DID"),
            purpose: StatusPurpose::Revocation,
            valid_from: Utc.with_ymd_and_hms(2021, 4, 5, 14, 27, 40).single().expect("valid time"),
            valid_until: None,
            ttl_ms: None,
        }
    }

    /// W3C Bitstring Status List v1.0, Example 3.
    fn spec_example() -> Value {
        json!({
          "@context": ["https://www.w3.org/ns/credentials/v2"],
          "id": "https://example.com/credentials/status/3",
          "type": ["VerifiableCredential", "BitstringStatusListCredential"],
          "issuer": "did:example:12345",
          "validFrom": "2021-04-05T14:27:40Z",
          "credentialSubject": {
            "id": "https://example.com/status/3#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
          }
        })
    }

    #[test]
    fn matches_the_spec_example_shape() {
        let list = BitstringStatusList::with_min_entries(StatusSize::One);
        let mut ours = params().to_json(&list).expect("builds");
        let mut spec = spec_example();
        // The example's subject id uses another path, and its GZIP bytes come from another
        // compressor: compare everything else exactly, the bits by decoding.
        let ours_list = ours["credentialSubject"]["encodedList"].take();
        let spec_list = spec["credentialSubject"]["encodedList"].take();
        assert_eq!(ours["credentialSubject"]["id"], "https://example.com/credentials/status/3#list");
        spec["credentialSubject"]["id"] = ours["credentialSubject"]["id"].clone();
        assert_eq!(ours, spec);
        let decode = |v: &Value| BitstringStatusList::decode_list(v.as_str().expect("string"), StatusSize::One);
        assert_eq!(decode(&ours_list).expect("ours"), decode(&spec_list).expect("spec"));
        // Key order is stable (serde_json preserve_order): @context first.
        let text = serde_json::to_string(&params().to_json(&list).expect("builds")).expect("json");
        assert!(text.starts_with(r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"#), "{text}");
    }

    #[test]
    fn optional_fields_and_round_trip() {
        let mut list = BitstringStatusList::with_min_entries(StatusSize::One);
        list.set(94567, 1).expect("in range");
        let p = StatusListCredential {
            purpose: StatusPurpose::Suspension,
            valid_until: Some(Utc.with_ymd_and_hms(2021, 4, 6, 0, 0, 0).single().expect("valid time")),
            ttl_ms: Some(300_000),
            ..params()
        };
        let vc = p.to_json(&list).expect("builds");
        assert_eq!(vc["validUntil"], "2021-04-06T00:00:00Z");
        assert_eq!(vc["credentialSubject"]["ttl"], 300_000);
        assert_eq!(vc["credentialSubject"]["statusPurpose"], "suspension");
        let back = ReceivedStatusList::from_json(&vc).expect("parses");
        assert_eq!(back.id.as_ref(), Some(&p.url));
        assert_eq!(back.issuer, "did:example:12345");
        assert_eq!(back.purposes, vec![StatusPurpose::Suspension]);
        assert!(back.has_purpose(StatusPurpose::Suspension) && !back.has_purpose(StatusPurpose::Revocation));
        assert_eq!(back.ttl_ms, Some(300_000));
        assert_eq!(back.list, list);
        assert_eq!(back.list.get(94567), Ok(1));
    }

    #[test]
    fn build_errors() {
        let list = BitstringStatusList::with_min_entries(StatusSize::One);
        let p = StatusListCredential {
            valid_until: Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().expect("valid time")),
            ..params()
        };
        assert!(matches!(p.to_json(&list), Err(BuildListError::ValidityInverted)));
        let two = BitstringStatusList::with_min_entries(StatusSize::Two);
        assert!(matches!(params().to_json(&two), Err(BuildListError::StatusSize(StatusSize::Two))));
    }

    #[test]
    fn reads_the_spec_example_and_rejects_malformed_lists() {
        let spec = ReceivedStatusList::from_json(&spec_example()).expect("spec example");
        assert_eq!(spec.purposes, vec![StatusPurpose::Revocation]);
        assert_eq!(spec.list.len(), 131_072);

        let mut multi = spec_example();
        multi["credentialSubject"]["statusPurpose"] = json!(["refresh", "suspension", "revocation"]);
        multi["issuer"] = json!({"id": "did:example:12345", "name": "Board"});
        let m = ReceivedStatusList::from_json(&multi).expect("multi-purpose");
        assert_eq!(m.purposes, vec![StatusPurpose::Suspension, StatusPurpose::Revocation]);
        assert_eq!(m.issuer, "did:example:12345");

        let with = |path: &[&str], value: Value| {
            let mut v = spec_example();
            let mut at = &mut v;
            for p in &path[..path.len() - 1] {
                at = &mut at[*p];
            }
            at[path[path.len() - 1]] = value;
            ReceivedStatusList::from_json(&v)
        };
        use ListCredentialError as E;
        assert!(matches!(ReceivedStatusList::from_json(&json!("x")), Err(E::NotAnObject(_))));
        assert!(matches!(with(&["type"], json!(["VerifiableCredential"])), Err(E::NotAListCredential)));
        assert!(matches!(with(&["id"], json!("urn:uuid:1")), Err(E::Id(UrlError::Scheme))));
        assert!(matches!(with(&["issuer"], json!(5)), Err(E::WrongJsonType { field: "issuer", .. })));
        assert!(matches!(with(&["credentialSubject"], json!([])), Err(E::NotAnObject("credentialSubject"))));
        assert!(matches!(with(&["credentialSubject", "type"], json!("StatusList2021")), Err(E::NotAList)));
        assert!(matches!(with(&["credentialSubject", "statusPurpose"], json!([1])), Err(E::WrongJsonType { .. })));
        assert!(matches!(with(&["credentialSubject", "ttl"], json!(-1)), Err(E::WrongJsonType { .. })));
        assert!(matches!(with(&["credentialSubject", "encodedList"], json!(1)), Err(E::WrongJsonType { .. })));
        assert!(matches!(
            with(&["credentialSubject", "encodedList"], json!("H4sI")),
            Err(E::EncodedList(DecodeListError::Multibase))
        ));
    }
}
