//! Cross-check: the did:key and did:jwk documents the offline resolver derives agree with ssi's
//! independent implementations (same verification method ids, controllers and keys, listed
//! under assertionMethod), so `assertion_key` picks the same key from either.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use medcred_formats::jwt::{SignerKey, VerifierKey};
use medcred_formats::keys::{multibase_public, public_jwk};
use medcred_verifier::{assertion_key, DidResolver, OfflineResolver};
use serde_json::Value;
use ssi::dids::{DIDResolver, DID, DIDJWK};

async fn ssi_document(did: &str) -> Value {
    let did = DID::new(did.as_bytes()).expect("DID");
    let output = if did.as_str().starts_with("did:key:") {
        ssi::dids::DIDKey.resolve(did).await.expect("ssi resolves did:key")
    } else {
        DIDJWK.resolve(did).await.expect("ssi resolves did:jwk")
    };
    serde_json::from_slice(&output.document.to_bytes()).expect("document JSON")
}

/// The first verification method's id, and the key `assertion_key` finds for it.
fn first_assertion_key(doc: &Value) -> (String, VerifierKey) {
    let vm = doc["verificationMethod"][0]["id"].as_str().expect("vm id").to_owned();
    let key = assertion_key(doc, &vm).expect("assertion key");
    (vm, key)
}

#[tokio::test]
async fn did_key_documents_match_ssi() {
    for n in [1u8, 2, 200] {
        let key = SigningKey::from_bytes(&[n; 32]).verifying_key();
        let did = format!("did:key:{}", multibase_public(&key));
        let ours = OfflineResolver::new().resolve(&did).expect("ours");
        let theirs = ssi_document(&did).await;
        assert_eq!(ours["id"], theirs["id"]);
        assert_eq!(first_assertion_key(&ours), first_assertion_key(&theirs), "{did}\nssi: {theirs:#}");
        assert_eq!(first_assertion_key(&ours).1, VerifierKey::Ed25519(key));
    }
}

#[tokio::test]
async fn did_jwk_documents_match_ssi() {
    let keys = [
        VerifierKey::Ed25519(SigningKey::from_bytes(&[3; 32]).verifying_key()),
        SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[4u8; 32]).expect("p256")).verifier_key(),
    ];
    for key in keys {
        let jwk = match &key {
            VerifierKey::Ed25519(k) => public_jwk(k),
            other => other.to_jwk(),
        };
        let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jwk.to_string()));
        let ours = OfflineResolver::new().resolve(&did).expect("ours");
        let theirs = ssi_document(&did).await;
        assert_eq!(ours["id"], theirs["id"]);
        assert_eq!(first_assertion_key(&ours), first_assertion_key(&theirs), "{did}\nssi: {theirs:#}");
        assert_eq!(first_assertion_key(&ours).1, key);
    }
}
