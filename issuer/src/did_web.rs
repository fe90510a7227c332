//! did:web identifiers for boards and the DID documents the app serves for them
//! (W3C did:web method: `did:web:host%3Aport:path:segments` → `https://host:port/path/segments/did.json`,
//! and `did:web:host` → `/.well-known/did.json`).

use serde_json::{json, Value};

use medcred_formats::keys::multibase_public;
use medcred_registry::note::VerifierKey;
use medcred_store::{KeyRow, KeyStatus};

use crate::ledger_key::LOG_KEY_FRAGMENT;

/// Why a public URL cannot name a did:web.
#[derive(Debug, thiserror::Error)]
#[error("public URL {0:?} must look like https://host[:port] (no path, query or user info)")]
pub struct BadPublicUrl(pub String);

/// The did:web host part (`host` or `host%3Aport`) of a public base URL such as
/// `https://board.example.org` or `http://localhost:8080`.
pub fn did_web_host(public_url: &str) -> Result<String, BadPublicUrl> {
    let bad = || BadPublicUrl(public_url.to_owned());
    let rest = public_url
        .strip_prefix("https://")
        .or_else(|| public_url.strip_prefix("http://"))
        .ok_or_else(bad)?
        .trim_end_matches('/');
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '%']) {
        return Err(bad());
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    if host.is_empty() || !host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
        return Err(bad());
    }
    Ok(match port {
        Some(p) => format!("{}%3A{p}", host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    })
}

/// The DID of board `slug` on this deployment: `did:web:<host>:boards:<slug>`.
pub fn board_did(public_url: &str, slug: &str) -> Result<String, BadPublicUrl> {
    Ok(format!("did:web:{}:boards:{slug}", did_web_host(public_url)?))
}

/// The DID document of a board: every key that is not removed is a Multikey verification method
/// under `assertionMethod` (retired keys stay so that what they signed keeps verifying). The
/// board's log key, when given, is listed as `#log` under no relationship, with a `MedcredLedger`
/// service naming the log's origin, its C2SP verifier key and where its API lives.
pub fn did_document(did: &str, keys: &[KeyRow], log: Option<&LogPublication>) -> Value {
    let listed: Vec<&KeyRow> = keys.iter().filter(|k| k.status != KeyStatus::Removed).collect();
    let mut methods: Vec<Value> = listed
        .iter()
        .map(|k| {
            json!({
                "id": format!("{did}#{}", k.key_id),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": k.public_multibase,
            })
        })
        .collect();
    let refs: Vec<String> = listed.iter().map(|k| format!("{did}#{}", k.key_id)).collect();
    let mut doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [],
        "assertionMethod": refs,
    });
    if let Some(log) = log {
        methods.push(json!({
            "id": format!("{did}#{LOG_KEY_FRAGMENT}"),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multikey(log.key.public_key()),
        }));
        doc["service"] = json!([{
            "id": format!("{did}#ledger"),
            "type": "MedcredLedger",
            "serviceEndpoint": log.endpoint,
            "origin": log.key.name().as_str(),
            "noteKey": log.key.to_string(),
        }]);
    }
    doc["verificationMethod"] = Value::Array(methods);
    doc
}

/// What a DID document says about the board's log.
#[derive(Debug, Clone)]
pub struct LogPublication {
    /// The note verifier key (its name is the origin).
    pub key: VerifierKey,
    /// Base URL of the log's HTTP API (checkpoint, tiles, proofs).
    pub endpoint: String,
}

/// Multikey encoding of a dalek public key, re-exported for callers building rows.
pub fn multikey(key: &ed25519_dalek::VerifyingKey) -> String {
    multibase_public(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_did() {
        assert_eq!(did_web_host("https://Board.Example.org/").expect("ok"), "board.example.org");
        assert_eq!(board_did("http://localhost:8080", "nj-bon").expect("ok"), "did:web:localhost%3A8080:boards:nj-bon");
        for bad in ["ftp://x", "https://", "https://x/path", "https://u@x", "https://x:port", "https://x y"] {
            assert!(did_web_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn document_lists_active_and_retired_not_removed() {
        let key = |id: &str, status| KeyRow {
            board_id: "b".into(),
            key_id: id.into(),
            public_multibase: format!("z{id}"),
            secret_sealed: vec![],
            status,
            created_at: 0,
            retired_at: None,
        };
        let doc = did_document(
            "did:web:x",
            &[key("key-1", KeyStatus::Retired), key("key-2", KeyStatus::Active), key("key-0", KeyStatus::Removed)],
            None,
        );
        assert_eq!(doc["assertionMethod"], json!(["did:web:x#key-1", "did:web:x#key-2"]));
        assert_eq!(doc["verificationMethod"][1]["controller"], "did:web:x");
    }
}
