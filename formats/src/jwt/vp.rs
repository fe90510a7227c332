//! W3C VC-JOSE-COSE §3.2.1: a VC Data Model 2.0 presentation secured as a compact JWS with `typ`
//! `vp+jwt` and `cty` `vp`, the presentation itself as the JWT claims set, signed by the holder.
//!
//! The holder binds it to one verifier request with the JWT claims `nonce` (the verifier's
//! challenge) and `aud` (the verifier), as OpenID4VP does for `jwt_vc_json`; `iss` mirrors
//! `holder` and `iat` dates it. The embedded credentials are `EnvelopedVerifiableCredential`s.

use serde_json::{json, Map, Value};

use super::jwk::{JwsSigner, VerifierKey};
use super::jws::{decode, sign_compact, verify};
use crate::error::FormatError;

/// The `typ` of a JWT-secured presentation.
pub const TYP_VP_JWT: &str = "vp+jwt";

/// How the holder binds a `vp+jwt` to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpJwtBinding {
    /// The verification method (DID URL) of the holder's key: the header `kid`.
    pub kid: String,
    /// The verifier's nonce (challenge).
    pub nonce: Option<String>,
    /// The verifier the presentation is for.
    pub aud: Option<String>,
    /// Issued-at, seconds since the epoch (the holder's clock, passed in).
    pub iat: i64,
}

/// Sign `vp` (an unsecured presentation whose `holder` is the signer's DID) as a `vp+jwt`.
pub fn sign_vp_jwt(vp: &Value, signer: &impl JwsSigner, binding: &VpJwtBinding) -> Result<String, FormatError> {
    let mut claims =
        vp.as_object().cloned().ok_or_else(|| FormatError::malformed("presentation", "not a JSON object"))?;
    if claims.contains_key("vp") || claims.contains_key("vc") {
        return Err(FormatError::malformed("presentation", "carries a VC-JWT 1.1 claim vc or vp"));
    }
    if let Some(holder) = holder_id(&claims).map(str::to_owned) {
        claims.insert("iss".into(), holder.into());
    }
    if let Some(nonce) = &binding.nonce {
        claims.insert("nonce".into(), nonce.clone().into());
    }
    if let Some(aud) = &binding.aud {
        claims.insert("aud".into(), aud.clone().into());
    }
    claims.insert("iat".into(), binding.iat.into());
    let header = json!({"alg": signer.alg(), "typ": TYP_VP_JWT, "cty": "vp", "kid": binding.kid});
    let payload = serde_json::to_vec(&claims).map_err(|e| FormatError::Signing(e.to_string()))?;
    sign_compact(&header, &payload, signer)
}

/// Verify a `vp+jwt` with the holder's already-resolved key and return its claims (the
/// presentation with `iss`, `nonce`, `aud`, `iat`). Checks `typ`, the signature and that `iss`
/// agrees with `holder`; the nonce, audience and the holder's right to the key are the caller's.
pub fn verify_vp_jwt(jws: &str, key: &VerifierKey) -> Result<Map<String, Value>, FormatError> {
    let decoded = decode(jws)?;
    let typ = decoded.typ().unwrap_or_default().to_ascii_lowercase();
    if typ != TYP_VP_JWT && typ != "application/vp+jwt" {
        return Err(FormatError::Unsupported(format!("JWS typ {typ:?} where vp+jwt was expected")));
    }
    verify(&decoded, key)?;
    let claims = decoded.claims()?;
    if let (Some(iss), Some(holder)) = (claims.get("iss"), holder_id(&claims)) {
        if iss.as_str() != Some(holder) {
            return Err(FormatError::malformed("presentation", "JWT claim iss conflicts with holder"));
        }
    }
    Ok(claims)
}

/// The presentation's holder id (`holder` as a string, or `holder.id`).
pub fn holder_id(vp: &Map<String, Value>) -> Option<&str> {
    match vp.get("holder")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::SignerKey;

    #[test]
    fn round_trips_and_refuses_tampering() {
        let key = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("key"));
        let vp = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                        "holder": "did:jwk:abc"});
        let binding =
            VpJwtBinding { kid: "did:jwk:abc#0".into(), nonce: Some("n-1".into()), aud: Some("x509:v".into()), iat: 5 };
        let jws = sign_vp_jwt(&vp, &key, &binding).expect("sign");
        let claims = verify_vp_jwt(&jws, &key.verifier_key()).expect("verify");
        assert_eq!(
            (claims["nonce"].as_str(), claims["aud"].as_str(), claims["iss"].as_str()),
            (Some("n-1"), Some("x509:v"), Some("did:jwk:abc"))
        );
        let other = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[8u8; 32]).expect("key"));
        assert!(matches!(verify_vp_jwt(&jws, &other.verifier_key()), Err(FormatError::BadSignature(_))));
        assert!(sign_vp_jwt(&json!({"vp": {}}), &key, &binding).is_err());
    }
}
