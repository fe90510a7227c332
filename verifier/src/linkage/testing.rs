//! Test fixtures: a did:web board's DID document and Domain Linkage Credentials signed for it.

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use medcred_formats::jwt::sign_compact;
use medcred_formats::keys::multibase_public;
use medcred_formats::IssuerKey;
use serde_json::{json, Value};

/// The board's DID.
pub(super) const DID: &str = "did:web:board.example:boards:nj";
/// The origin serving it.
pub(super) const ORIGIN: &str = "https://board.example";

/// The board's key `n` (`#key-n`).
pub(super) fn key(n: u8) -> IssuerKey {
    IssuerKey::new(SigningKey::from_bytes(&[n; 32]), format!("{DID}#key-{n}"))
}

/// The board's DID document: `#key-1` under `assertionMethod`, `#key-2` under `authentication`
/// only.
pub(super) fn document() -> Value {
    let method = |n: u8| {
        json!({"id": format!("{DID}#key-{n}"), "type": "Multikey", "controller": DID,
               "publicKeyMultibase": multibase_public(&key(n).verifying_key())})
    };
    json!({"id": DID, "verificationMethod": [method(1), method(2)],
           "assertionMethod": [format!("{DID}#key-1")], "authentication": [format!("{DID}#key-2")]})
}

/// When the tests verify.
pub(super) fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

/// The claims of a credential linking `did` to `origin`, valid a day around [`now`].
pub(super) fn claims(did: &str, origin: &str) -> Value {
    let t = now().timestamp();
    json!({
        "iss": did, "sub": did, "nbf": t - 86_400, "exp": t + 86_400,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1", super::DID_CONFIGURATION_CONTEXT],
            "issuer": did,
            "type": ["VerifiableCredential", "DomainLinkageCredential"],
            "credentialSubject": {"id": did, "origin": origin}
        }
    })
}

/// `claims` signed by `key` (`kid` its verification method).
pub(super) fn sign(claims: &Value, key: &IssuerKey) -> String {
    let header = json!({"alg": "EdDSA", "kid": key.verification_method()});
    sign_compact(&header, claims.to_string().as_bytes(), key).unwrap_or_default()
}

/// A resource listing `entries`.
pub(super) fn resource(entries: Value) -> String {
    json!({"@context": super::DID_CONFIGURATION_CONTEXT, "linked_dids": entries}).to_string()
}
