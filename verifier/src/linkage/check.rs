//! The domain linkage of a did:web issuer: read the DID Configuration resource its origin
//! publishes and decide whether one of its credentials links the DID ([`Linkage`]).

use chrono::{DateTime, Duration, Utc};
use medcred_formats::jwt::decode;
use serde_json::Value;

use super::credential::{verify_jwt_linkage, LinkageError};
use super::{FetchedConfiguration, LinkageSourceError};
use crate::engine::VerifyContext;

/// Most `linked_dids` entries read.
const MAX_ENTRIES: usize = 64;
/// Most credentials naming the DID that are verified.
const MAX_CANDIDATES: usize = 8;

/// What the origin serving a did:web DID says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Linkage {
    /// A Domain Linkage Credential links the DID to the origin.
    Verified { origin: String },
    /// The origin publishes no DID Configuration (404), or what it serves there is not one.
    NotPublished { origin: String, why: Option<String> },
    /// The resource could not be fetched: nothing is known either way.
    Unavailable { origin: String, why: String },
    /// Only credentials in the JSON-LD form, which are not verified here, name the DID.
    Unverifiable { origin: String },
    /// The origin publishes a DID Configuration that does not link the DID.
    Refuted { origin: String, did: String, why: String },
}

impl Linkage {
    /// For the detail of the issuer trust check.
    pub(crate) fn detail(&self) -> String {
        match self {
            Linkage::Verified { origin } => format!("domain linkage: {origin} verified"),
            Linkage::NotPublished { origin, why: None } => {
                format!("domain linkage: no DID configuration published at {origin}")
            }
            Linkage::NotPublished { origin, why: Some(why) } => {
                format!("domain linkage: no DID configuration published at {origin} ({why})")
            }
            Linkage::Unavailable { origin, why } => {
                format!("domain linkage: not checked, the DID configuration of {origin} could not be fetched ({why})")
            }
            Linkage::Unverifiable { origin } => format!(
                "domain linkage: not checked, {origin} links the DID only with JSON-LD credentials, which this \
                 verifier does not verify"
            ),
            Linkage::Refuted { .. } => self.refutation().unwrap_or_default(),
        }
    }

    /// Why the issuer trust check fails, when the origin refutes the link.
    pub(crate) fn refutation(&self) -> Option<String> {
        match self {
            Linkage::Refuted { origin, did, why } => {
                Some(format!("the board's domain {origin} does not link the DID {did}: {why}"))
            }
            _ => None,
        }
    }
}

/// The domain linkage of `did`, when it is a did:web and the context has a linkage source.
pub(crate) fn check(did: &str, ctx: &VerifyContext<'_>) -> Option<Linkage> {
    let source = ctx.linkage?;
    let host = did.strip_prefix("did:web:")?.split(':').next().filter(|h| !h.is_empty())?;
    let FetchedConfiguration { origin, resource } = source.did_configuration(host);
    let text = match resource {
        Ok(text) => text,
        Err(LinkageSourceError::NotPublished) => return Some(Linkage::NotPublished { origin, why: None }),
        Err(LinkageSourceError::Unavailable(why)) => return Some(Linkage::Unavailable { origin, why }),
    };
    let doc = match ctx.resolver.resolve(did) {
        Ok(doc) => doc,
        Err(e) => return Some(Linkage::Unavailable { origin, why: format!("the DID could not be resolved: {e}") }),
    };
    Some(decide(did, origin, &text, &doc, ctx.now, ctx.skew))
}

/// Whether the resource `text` fetched from `origin` links `did` (whose document is `doc`).
fn decide(did: &str, origin: String, text: &str, doc: &Value, now: DateTime<Utc>, skew: Duration) -> Linkage {
    let resource = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => o,
        _ => return Linkage::NotPublished { origin, why: Some("what it serves there is not a JSON object".into()) },
    };
    let Some(Value::Array(entries)) = resource.get("linked_dids") else {
        return Linkage::NotPublished { origin, why: Some("what it serves there has no linked_dids list".into()) };
    };
    let mut failures: Vec<LinkageError> = Vec::new();
    let mut json_ld = false;
    for entry in entries.iter().take(MAX_ENTRIES) {
        match entry {
            Value::String(jwt) if names_did(jwt, did) => {
                match verify_jwt_linkage(jwt, did, &origin, doc, now, skew) {
                    Ok(()) => return Linkage::Verified { origin },
                    Err(e) => failures.push(e),
                }
                if failures.len() >= MAX_CANDIDATES {
                    break;
                }
            }
            Value::Object(credential) => {
                let subject = credential.get("credentialSubject").and_then(|s| s.get("id")).and_then(Value::as_str);
                json_ld |= subject == Some(did);
            }
            _ => {}
        }
    }
    let why = match failures.first() {
        Some(e) => e.to_string(),
        None if json_ld => return Linkage::Unverifiable { origin },
        None => "its DID configuration lists no domain linkage credential for it".into(),
    };
    Linkage::Refuted { origin, did: did.to_owned(), why }
}

/// Whether a JWT entry speaks about `did` (`iss`, `sub`, the subject's id, or its `kid`), read
/// before its signature is checked.
fn names_did(jwt: &str, did: &str) -> bool {
    let Ok(decoded) = decode(jwt) else { return false };
    let kid_did = decoded.kid().map(|k| k.split_once('#').map_or(k, |(d, _)| d));
    let Ok(claims) = decoded.claims() else { return kid_did == Some(did) };
    let subject = claims.get("vc").and_then(|vc| vc.get("credentialSubject")).and_then(|s| s.get("id"));
    [claims.get("iss"), claims.get("sub"), subject].into_iter().any(|v| v.and_then(Value::as_str) == Some(did))
        || kid_did == Some(did)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::linkage::testing::{claims, document, key, now, resource, sign, DID, ORIGIN};

    fn run(text: &str) -> Linkage {
        decide(DID, ORIGIN.into(), text, &document(), now(), Duration::minutes(5))
    }

    #[test]
    fn a_linked_did_among_others_verifies() {
        let other = "did:web:board.example:boards:ny";
        let good = sign(&claims(DID, ORIGIN), &key(1));
        let entries = json!([sign(&claims(other, ORIGIN), &key(4)), {"credentialSubject": {"id": other}}, good]);
        let l = run(&resource(entries));
        assert_eq!(l, Linkage::Verified { origin: ORIGIN.into() });
        assert_eq!(l.detail(), format!("domain linkage: {ORIGIN} verified"));
        assert_eq!(l.refutation(), None);
    }

    #[test]
    fn a_configuration_without_the_did_refutes_the_link() {
        let other = "did:web:elsewhere.example";
        let l = run(&resource(json!([sign(&claims(other, ORIGIN), &key(4))])));
        let why = l.refutation().expect("refuted");
        assert!(why.starts_with(&format!("the board's domain {ORIGIN} does not link the DID {DID}")), "{why}");
        assert!(run(&resource(json!([]))).refutation().is_some());
    }

    #[test]
    fn a_credential_for_the_did_that_fails_refutes_the_link() {
        let wrong_origin = sign(&claims(DID, "https://evil.example"), &key(1));
        let why = run(&resource(json!([wrong_origin]))).refutation().expect("refuted");
        assert!(why.contains("links the origin \"https://evil.example\""), "{why}");
        let wrong_key = sign(&claims(DID, ORIGIN), &key(2));
        let why = run(&resource(json!([wrong_key]))).refutation().expect("refuted");
        assert!(why.contains("assertionMethod"), "{why}");
        // One good credential is enough, whatever else is listed.
        let good = sign(&claims(DID, ORIGIN), &key(1));
        assert!(matches!(run(&resource(json!([wrong_key, good]))), Linkage::Verified { .. }));
    }

    #[test]
    fn what_is_not_a_configuration_is_not_published() {
        for text in ["<html>hello</html>", "[]", "{\"linked_dids\": 5}", "{}"] {
            let l = run(text);
            assert!(matches!(l, Linkage::NotPublished { why: Some(_), .. }), "{text}: {l:?}");
            assert!(l.refutation().is_none());
            assert!(l.detail().contains("no DID configuration published"), "{}", l.detail());
        }
    }

    #[test]
    fn json_ld_entries_are_not_verified_either_way() {
        let entry = json!({"type": ["VerifiableCredential", "DomainLinkageCredential"],
                           "credentialSubject": {"id": DID, "origin": ORIGIN}, "proof": {}});
        let l = run(&resource(json!([entry])));
        assert_eq!(l, Linkage::Unverifiable { origin: ORIGIN.into() });
        assert!(l.refutation().is_none());
    }
}
