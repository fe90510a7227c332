//! The holder's public key, read from a holder DID, for SD-JWT VC `cnf` binding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use medcred_formats::keys::{decode_multibase_public, public_jwk};
use medcred_model::Did;

/// The holder's public JWK when the DID carries it (did:jwk, or an Ed25519 did:key); `None` for
/// methods that need resolution.
pub fn holder_jwk(did: &Did) -> Option<Value> {
    let s = did.as_str();
    if let Some(mb) = s.strip_prefix("did:key:") {
        return decode_multibase_public(mb).ok().map(|k| public_jwk(&k));
    }
    if let Some(b64) = s.strip_prefix("did:jwk:") {
        let bytes = URL_SAFE_NO_PAD.decode(b64).ok()?;
        let jwk: Value = serde_json::from_slice(&bytes).ok()?;
        // Only public members: a did:jwk must never carry `d`.
        return (jwk.is_object() && jwk.get("d").is_none()).then_some(jwk);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_did_key_and_did_jwk() {
        let did: Did = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2".parse().expect("did");
        assert_eq!(holder_jwk(&did).expect("jwk")["crv"], "Ed25519");
        let jwk = URL_SAFE_NO_PAD.encode(br#"{"kty":"EC","crv":"P-256","x":"a","y":"b"}"#);
        let did: Did = format!("did:jwk:{jwk}").parse().expect("did");
        assert_eq!(holder_jwk(&did).expect("jwk")["kty"], "EC");
        let secret = URL_SAFE_NO_PAD.encode(br#"{"kty":"OKP","crv":"Ed25519","x":"a","d":"s"}"#);
        assert!(holder_jwk(&format!("did:jwk:{secret}").parse().expect("did")).is_none());
        assert!(holder_jwk(&"did:web:example.org".parse().expect("did")).is_none());
    }
}
