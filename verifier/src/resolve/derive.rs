//! DID documents derived from the DID itself: did:key (Ed25519 Multikey, per the did:key method
//! spec with `publicKeyFormat` Multikey) and did:jwk (per the did:jwk method spec).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use medcred_formats::jwt::VerifierKey;
use medcred_formats::FormatError;
use serde_json::{json, Map, Value};

use super::multikey::{decode_multikey, encode_multikey};
use super::ResolveError;

const DID_V1: &str = "https://www.w3.org/ns/did/v1";

/// The document of `did:key:z6Mk…`: one Multikey method `did:key:z…#z…`, used for authentication,
/// assertion and capabilities. Ed25519 and P-256 keys are supported.
pub(super) fn did_key_document(did: &str) -> Result<Value, ResolveError> {
    let mb = did.strip_prefix("did:key:").ok_or(ResolveError::InvalidDid)?;
    let key = decode_multikey(mb).map_err(|e| match e {
        FormatError::Unsupported(_) => ResolveError::MethodNotSupported,
        _ => ResolveError::InvalidDid,
    })?;
    if encode_multikey(&key) != mb {
        return Err(ResolveError::InvalidDid);
    }
    let vm_id = format!("{did}#{mb}");
    let vm = json!({"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb});
    let mut doc = Map::new();
    doc.insert("@context".into(), json!([DID_V1, "https://w3id.org/security/multikey/v1"]));
    doc.insert("id".into(), json!(did));
    doc.insert("verificationMethod".into(), json!([vm]));
    for rel in ["authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"] {
        doc.insert(rel.into(), json!([vm_id]));
    }
    Ok(Value::Object(doc))
}

/// The document of `did:jwk:<base64url(JWK)>`: one JsonWebKey2020 method `#0`, whose
/// relationships follow the JWK's `use` (`sig`: no keyAgreement; `enc`: keyAgreement only).
/// Only Ed25519 and P-256 public JWKs are supported.
pub(super) fn did_jwk_document(did: &str) -> Result<Value, ResolveError> {
    let encoded = did.strip_prefix("did:jwk:").ok_or(ResolveError::InvalidDid)?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| ResolveError::InvalidDid)?;
    let jwk: Value = serde_json::from_slice(&bytes).map_err(|_| ResolveError::InvalidDid)?;
    if !jwk.is_object() || jwk.get("d").is_some() {
        return Err(ResolveError::InvalidDid);
    }
    VerifierKey::from_jwk(&jwk).map_err(|e| match e {
        FormatError::Unsupported(_) => ResolveError::MethodNotSupported,
        _ => ResolveError::InvalidDid,
    })?;
    let key_use = jwk.get("use").and_then(Value::as_str).map(str::to_owned);
    let vm_id = format!("{did}#0");
    let vm = json!({"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk});
    let mut doc = Map::new();
    doc.insert("@context".into(), json!([DID_V1, "https://w3id.org/security/suites/jws-2020/v1"]));
    doc.insert("id".into(), json!(did));
    doc.insert("verificationMethod".into(), json!([vm]));
    if key_use.as_deref() != Some("enc") {
        for rel in ["assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"] {
            doc.insert(rel.into(), json!([vm_id]));
        }
    }
    if key_use.as_deref() != Some("sig") {
        doc.insert("keyAgreement".into(), json!([vm_id]));
    }
    Ok(Value::Object(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The did:key method spec's Ed25519 example.
    const DID_KEY: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

    #[test]
    fn did_key_document_has_one_multikey_method_for_assertion() {
        let doc = did_key_document(DID_KEY).expect("doc");
        let vm_id = format!("{DID_KEY}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
        assert_eq!(doc["id"], DID_KEY);
        assert_eq!(doc["verificationMethod"][0]["id"], vm_id.as_str());
        assert_eq!(doc["verificationMethod"][0]["controller"], DID_KEY);
        assert_eq!(doc["verificationMethod"][0]["type"], "Multikey");
        assert_eq!(doc["assertionMethod"], json!([vm_id]));
        assert_eq!(doc["authentication"], json!([vm_id]));
    }

    #[test]
    fn did_key_rejects_unsupported_keys_and_garbage() {
        // A secp256k1 did:key (the did:key spec's example): a key type this resolver does not handle.
        let k1 = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme";
        assert_eq!(did_key_document(k1), Err(ResolveError::MethodNotSupported));
        let p256 = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169";
        assert!(did_key_document(p256).is_ok());
        for bad in ["did:key:", "did:key:6MkhaX", "did:key:z0OIl", "did:web:x"] {
            assert_eq!(did_key_document(bad), Err(ResolveError::InvalidDid), "{bad}");
        }
    }

    #[test]
    fn did_jwk_document_follows_use() {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jwk.to_string()));
        let doc = did_jwk_document(&did).expect("doc");
        assert_eq!(doc["verificationMethod"][0]["id"], format!("{did}#0"));
        assert_eq!(doc["verificationMethod"][0]["publicKeyJwk"], jwk);
        assert_eq!(doc["assertionMethod"], json!([format!("{did}#0")]));

        let mut enc = jwk.clone();
        enc["use"] = json!("enc");
        let doc = did_jwk_document(&format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(enc.to_string()))).expect("doc");
        assert!(doc.get("assertionMethod").is_none());
        assert!(doc.get("keyAgreement").is_some());

        let mut private = jwk;
        private["d"] = json!("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
        let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(private.to_string()));
        assert_eq!(did_jwk_document(&did), Err(ResolveError::InvalidDid));
        let rsa = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(r#"{"kty":"RSA","n":"x","e":"AQAB"}"#));
        assert_eq!(did_jwk_document(&rsa), Err(ResolveError::MethodNotSupported));
        assert_eq!(did_jwk_document("did:jwk:!!"), Err(ResolveError::InvalidDid));
    }
}
