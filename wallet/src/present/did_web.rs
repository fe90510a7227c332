//! did:web for verifiers (W3C CCG did:web method): where a DID's document lives, and the key a
//! DID URL names in it. Pure; the fetch is in [`crate::client`].

use medcred_formats::jwt::VerifierKey;
use medcred_formats::keys::decode_multibase_public;
use serde_json::Value;

use crate::error::WalletError;

fn bad(why: impl Into<String>) -> WalletError {
    WalletError::BadRequest(why.into())
}

/// The URL of `did`'s document: `did:web:host%3Aport:a:b` → `https://host:port/a/b/did.json`
/// (`/.well-known/did.json` without a path); `http` for this machine only, as the wallet's URL
/// policy allows.
pub fn document_url(did: &str) -> Result<String, WalletError> {
    let rest = did.strip_prefix("did:web:").ok_or_else(|| bad(format!("{did:?} is not a did:web")))?;
    let mut parts = rest.split(':');
    let host = parts.next().unwrap_or_default().replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    // A host name of non-empty labels, then an optional decimal port: `did:web:..` became
    // `https://../.well-known/did.json` (the did fuzz target's document URL assertion caught it).
    let (name, port) = host.split_once(':').map_or((host.as_str(), None), |(n, p)| (n, Some(p)));
    let name_ok = name.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if !name_ok || !port_ok || path.iter().any(|p| p.is_empty() || p.contains('/') || p.contains('%') || *p == "..") {
        return Err(bad(format!("{did:?} is not a well-formed did:web")));
    }
    let scheme = if matches!(name, "localhost" | "127.0.0.1") { "http" } else { "https" };
    let path = if path.is_empty() { ".well-known".to_owned() } else { path.join("/") };
    Ok(format!("{scheme}://{host}/{path}/did.json"))
}

/// The public key of verification method `kid` (a DID URL of `did`) in `did`'s document.
pub fn method_key(document: &Value, did: &str, kid: &str) -> Result<VerifierKey, WalletError> {
    if document.get("id").and_then(Value::as_str) != Some(did) {
        return Err(bad("the DID document is not the client's"));
    }
    let fragment = kid
        .strip_prefix(did)
        .filter(|f| f.starts_with('#'))
        .ok_or_else(|| bad("the request's kid is not a key of the client's DID"))?;
    let methods = document.get("verificationMethod").and_then(Value::as_array).cloned().unwrap_or_default();
    let method = methods
        .iter()
        .find(|m| m.get("id").and_then(Value::as_str).is_some_and(|id| id == kid || id == fragment))
        .ok_or_else(|| bad("the client's DID document does not list the key that signed the request"))?;
    if let Some(mb) = method.get("publicKeyMultibase").and_then(Value::as_str) {
        return decode_multibase_public(mb).map(VerifierKey::Ed25519).map_err(|e| bad(e.to_string()));
    }
    if let Some(jwk) = method.get("publicKeyJwk") {
        return VerifierKey::from_jwk(jwk).map_err(|e| bad(e.to_string()));
    }
    Err(bad("the signing key is neither a Multikey nor a JWK"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn did_web_urls() {
        assert_eq!(document_url("did:web:example.com").expect("ok"), "https://example.com/.well-known/did.json");
        assert_eq!(
            document_url("did:web:localhost%3A8443:hospitals:st-mary").expect("ok"),
            "http://localhost:8443/hospitals/st-mary/did.json"
        );
        assert_eq!(document_url("did:web:h.example:a:b").expect("ok"), "https://h.example/a/b/did.json");
        // Hosts with empty labels or a bad port (the first caught by fuzz/fuzz_targets/did.rs).
        let hosts = ["did:web:..", "did:web:a..b", "did:web:.example", "did:web:%3A8443", "did:web:h.example%3Ax"];
        for bad in ["did:key:z6Mk", "did:web:", "did:web:h.example:..:x", "did:web:h/x", "did:web:h.example::a"]
            .into_iter()
            .chain(hosts)
        {
            assert!(document_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_found_by_absolute_or_relative_id() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        let mb = medcred_formats::keys::multibase_public(&key);
        let did = "did:web:h.example";
        let doc = json!({"id": did, "verificationMethod": [
            {"id": "did:web:h.example#key-1", "type": "Multikey", "controller": did, "publicKeyMultibase": mb},
            {"id": "#key-2", "type": "Multikey", "controller": did, "publicKeyMultibase": mb}]});
        assert_eq!(method_key(&doc, did, "did:web:h.example#key-1").expect("abs"), VerifierKey::Ed25519(key));
        assert!(method_key(&doc, did, "did:web:h.example#key-2").is_ok());
        assert!(method_key(&doc, did, "did:web:h.example#key-3").is_err());
        assert!(method_key(&doc, did, "did:web:other#key-1").is_err());
        assert!(method_key(&json!({"id": "did:web:x"}), did, "did:web:h.example#key-1").is_err());
    }
}
