//! Where an issuer's ledger is: the `MedcredLedger` service of its DID document (the log's
//! origin and C2SP note verifier key), and which ledger list a medcred list URL names.

use medcred_registry::note::{SignatureType, VerifierKey};
use medcred_registry::status::ListId;
use serde_json::Value;

use crate::report::Outcome;
use crate::resolve::DidResolver;
use crate::status::entry::StatusRef;

/// The DID document service type naming a board's ledger.
pub(crate) const LEDGER_SERVICE_TYPE: &str = "MedcredLedger";

/// The log an issuer publishes its status in.
#[derive(Debug, Clone)]
pub(crate) struct LedgerKey {
    /// The checkpoint origin line.
    pub(crate) origin: String,
    /// The log's note verifier key (type 0x01).
    pub(crate) key: VerifierKey,
}

/// The ledger named by the DID document of `issuer`.
pub(crate) fn ledger_of(issuer: &str, resolver: &dyn DidResolver) -> Result<LedgerKey, Outcome> {
    let unproven = |why: String| Outcome::could_not_check(format!("status not proven in a ledger: {why}"));
    let doc = resolver.resolve(issuer).map_err(|e| unproven(format!("could not resolve the issuer {issuer}: {e}")))?;
    let services: Vec<&Value> = match doc.get("service") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    let mut ledgers = services.into_iter().filter(|s| has_type(s.get("type")));
    let (Some(service), None) = (ledgers.next(), ledgers.next()) else {
        return Err(unproven(format!(
            "the DID document of {issuer} does not name exactly one {LEDGER_SERVICE_TYPE} service"
        )));
    };
    let malformed = |why: &str| unproven(format!("the {LEDGER_SERVICE_TYPE} service of {issuer} {why}"));
    let origin = service.get("origin").and_then(Value::as_str).ok_or_else(|| malformed("has no string origin"))?;
    let key: VerifierKey = service
        .get("noteKey")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("has no string noteKey"))?
        .parse()
        .map_err(|_| malformed("has a noteKey that is not a C2SP note verifier key"))?;
    if key.kind() != SignatureType::Ed25519 {
        return Err(malformed("has a noteKey that is not an Ed25519 (type 0x01) log key"));
    }
    Ok(LedgerKey { origin: origin.to_owned(), key })
}

fn has_type(t: Option<&Value>) -> bool {
    match t {
        Some(Value::String(s)) => s == LEDGER_SERVICE_TYPE,
        Some(Value::Array(items)) => items.iter().any(|t| t.as_str() == Some(LEDGER_SERVICE_TYPE)),
        _ => false,
    }
}

/// The ledger's number for the list `entry` points at: medcred publishes list `n` at
/// `…/status/{n}/{revocation|suspension|token}`.
pub(crate) fn list_id(entry: &StatusRef) -> Result<ListId, Outcome> {
    let url = entry.url.as_str();
    let mut segments = url.rsplit('/');
    let (Some(last), Some(number), Some("status")) = (segments.next(), segments.next(), segments.next()) else {
        return Err(not_a_ledger_list(url));
    };
    let canonical = !number.is_empty()
        && number.len() <= 19
        && number.bytes().all(|b| b.is_ascii_digit())
        && (number == "0" || !number.starts_with('0'));
    if url.contains('?') || last != entry.kind.segment() || !canonical {
        return Err(not_a_ledger_list(url));
    }
    number.parse().map(ListId).map_err(|_| not_a_ledger_list(url))
}

fn not_a_ledger_list(url: &str) -> Outcome {
    Outcome::could_not_check(format!(
        "status not proven in a ledger: {url} is not a ledger list URL (…/status/<number>/<purpose or token>)"
    ))
}

#[cfg(test)]
mod tests {
    use medcred_registry::status::{StatusListUrl, StatusPurpose};
    use serde_json::json;

    use super::*;
    use crate::resolve::OfflineResolver;
    use crate::status::entry::ListKind;

    fn entry(url: &str, kind: ListKind) -> StatusRef {
        StatusRef { kind, url: StatusListUrl::new(url).expect("url"), index: 1 }
    }

    #[test]
    fn list_numbers_come_from_medcred_urls() {
        let rev = ListKind::Bitstring(StatusPurpose::Revocation);
        assert_eq!(list_id(&entry("https://m.example/boards/nj/status/12/revocation", rev)), Ok(ListId(12)));
        assert_eq!(list_id(&entry("https://m.example/boards/nj/status/0/token", ListKind::Token)), Ok(ListId(0)));
        for (url, kind) in [
            ("https://m.example/boards/nj/status/12/suspension", rev),
            ("https://m.example/boards/nj/status/012/revocation", rev),
            ("https://m.example/boards/nj/lists/12/revocation", rev),
            ("https://m.example/status/x/revocation", rev),
            ("https://m.example/status/1/revocation?v=2", rev),
            ("https://m.example/status/99999999999999999999/revocation", rev),
            ("https://m.example/revocation", rev),
        ] {
            assert!(matches!(list_id(&entry(url, kind)), Err(Outcome::CouldNotCheck { .. })), "{url}");
        }
    }

    #[test]
    fn the_ledger_service_must_be_unique_and_well_formed() {
        let key = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let doc = |service: Value| json!({"id": "did:web:b.example", "service": service});
        let svc = json!({"type": "MedcredLedger", "origin": "b.example/log", "noteKey": key});
        let found = |d: Value| ledger_of("did:web:b.example", &OfflineResolver::new().with_document(d));
        let ok = found(doc(json!([svc.clone()]))).expect("ledger");
        assert_eq!((ok.origin.as_str(), ok.key.to_string()), ("b.example/log", key.to_owned()));
        let cosigner = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
        for bad in [
            json!([]),
            json!([svc.clone(), svc.clone()]),
            json!([{"type": "MedcredLedger", "noteKey": key}]),
            json!([{"type": "MedcredLedger", "origin": "o", "noteKey": "not a key"}]),
            json!([{"type": "MedcredLedger", "origin": "o", "noteKey": cosigner}]),
        ] {
            assert!(matches!(found(doc(bad.clone())), Err(Outcome::CouldNotCheck { .. })), "{bad}");
        }
    }
}
