//! The status entries a verified credential carries: W3C `credentialStatus` (one object or an
//! array) or SD-JWT VC `status.status_list`, read into what the check needs.

use std::fmt;

use medcred_formats::Format;
use medcred_registry::status::{
    EntryError, StatusEntry, StatusListReference, StatusListUrl, StatusPurpose, TokenClaimError,
};
use serde_json::{Map, Value};

use crate::report::Outcome;

/// The claim holding the status entries of a credential in `format`.
pub(crate) fn member(format: Format) -> &'static str {
    if format == Format::SdJwtVc {
        "status"
    } else {
        "credentialStatus"
    }
}

/// Which kind of list an entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// A W3C `BitstringStatusListCredential` for one purpose.
    Bitstring(StatusPurpose),
    /// An IETF Token Status List (both purposes in one value).
    Token,
}

impl ListKind {
    /// The last path segment of a medcred list URL of this kind.
    pub(crate) fn segment(self) -> &'static str {
        match self {
            ListKind::Bitstring(p) => p.as_str(),
            ListKind::Token => "token",
        }
    }
}

/// One status entry: where the list is and which entry of it is the credential's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusRef {
    /// The kind of list.
    pub(crate) kind: ListKind,
    /// The list URL (`statusListCredential`, `status_list.uri`).
    pub(crate) url: StatusListUrl,
    /// The entry's index (`statusListIndex`, `status_list.idx`).
    pub(crate) index: u64,
}

impl fmt::Display for StatusRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ListKind::Bitstring(p) => write!(f, "{p} list {} index {}", self.url, self.index),
            ListKind::Token => write!(f, "token status list {} index {}", self.url, self.index),
        }
    }
}

/// The entries of `claims` (of a credential in `format`), each read or the outcome that stands
/// for it: an entry of a kind this engine does not check cannot be checked; a malformed one
/// fails (the issuer signed it).
pub(crate) fn read(format: Format, claims: &Map<String, Value>) -> Vec<Result<StatusRef, Outcome>> {
    let Some(value) = claims.get(member(format)) else { return Vec::new() };
    if format == Format::SdJwtVc {
        return vec![token_ref(value)];
    }
    match value {
        Value::Array(items) => items.iter().map(bitstring_ref).collect(),
        one => vec![bitstring_ref(one)],
    }
}

fn bitstring_ref(value: &Value) -> Result<StatusRef, Outcome> {
    match StatusEntry::from_json(value) {
        Ok(e) => Ok(StatusRef { kind: ListKind::Bitstring(e.purpose), url: e.list_url, index: e.index }),
        Err(e @ (EntryError::NotBitstringEntry | EntryError::Purpose(_) | EntryError::UnsupportedStatusSize)) => {
            Err(Outcome::could_not_check(format!("unsupported status entry: {e}")))
        }
        Err(e) => Err(Outcome::failed(format!("malformed status entry: {e}"))),
    }
}

fn token_ref(value: &Value) -> Result<StatusRef, Outcome> {
    match StatusListReference::from_status_claim(value) {
        Ok(r) => Ok(StatusRef { kind: ListKind::Token, url: r.uri, index: r.idx }),
        Err(e @ TokenClaimError::Missing("status.status_list")) => {
            Err(Outcome::could_not_check(format!("unsupported status mechanism: {e}")))
        }
        Err(e) => Err(Outcome::failed(format!("malformed status claim: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn reads_one_or_many_w3c_entries_and_the_sd_jwt_claim() {
        let entry = |purpose: &str, i: u64| {
            json!({"id": format!("https://b.example/s/1/{purpose}#{i}"), "type": "BitstringStatusListEntry",
                   "statusPurpose": purpose, "statusListIndex": i.to_string(),
                   "statusListCredential": format!("https://b.example/s/1/{purpose}")})
        };
        let two = claims(json!({"credentialStatus": [entry("revocation", 4), entry("suspension", 4)]}));
        let refs: Vec<_> = read(Format::EddsaRdfc2022, &two).into_iter().map(|r| r.expect("read")).collect();
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[1].kind, ListKind::Bitstring(StatusPurpose::Suspension));
        assert_eq!(refs[1].to_string(), "suspension list https://b.example/s/1/suspension index 4");
        let one = claims(json!({"credentialStatus": entry("revocation", 9)}));
        assert_eq!(read(Format::VcJwt, &one)[0].as_ref().expect("read").index, 9);
        let sd = claims(json!({"status": {"status_list": {"idx": 3, "uri": "https://b.example/s/1/token"}}}));
        assert_eq!(read(Format::SdJwtVc, &sd)[0].as_ref().expect("read").kind, ListKind::Token);
        assert!(read(Format::SdJwtVc, &one).is_empty());
    }

    #[test]
    fn unsupported_entries_cannot_be_checked_and_malformed_ones_fail() {
        let mut refresh = json!({"type": "BitstringStatusListEntry", "statusPurpose": "refresh",
            "statusListIndex": "1", "statusListCredential": "https://b.example/s/1"});
        let r = read(Format::EddsaJcs2022, &claims(json!({"credentialStatus": refresh.clone()})));
        assert!(matches!(r[0], Err(Outcome::CouldNotCheck { .. })));
        refresh["statusPurpose"] = json!("revocation");
        refresh["statusListIndex"] = json!(1);
        let r = read(Format::EddsaJcs2022, &claims(json!({"credentialStatus": refresh})));
        assert!(matches!(r[0], Err(Outcome::Failed { .. })));
        let other = claims(json!({"status": {"other_mechanism": {}}}));
        assert!(matches!(read(Format::SdJwtVc, &other)[0], Err(Outcome::CouldNotCheck { .. })));
        let bad = claims(json!({"status": {"status_list": {"idx": -1, "uri": "https://b.example/t"}}}));
        assert!(matches!(read(Format::SdJwtVc, &bad)[0], Err(Outcome::Failed { .. })));
    }
}
