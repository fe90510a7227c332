//! W3C VC-JOSE-COSE (Recommendation, §3.1.1): a VC Data Model 2.0 credential secured as a compact
//! JWS with `typ` `vc+jwt`, `cty` `vc`, the credential itself as the JWT claims set; plus the
//! JOSE building blocks ([`jws`], [`jwk`]) shared with [`crate::sd_jwt`].

pub mod jwk;
pub mod jws;
pub mod vp;

use serde_json::{json, Map, Value};

pub use jwk::{jwk_thumbprint, JwsSigner, SignerKey, VerifierKey};
pub use jws::{decode, sign_compact, verify, verify_ed25519, verify_es256, DecodedJws, MAX_JWS_LEN};
pub use vp::{sign_vp_jwt, verify_vp_jwt, VpJwtBinding, TYP_VP_JWT};

use crate::error::FormatError;
use crate::keys::IssuerKey;

/// The `typ` of a JWT-secured credential.
pub const TYP_VC_JWT: &str = "vc+jwt";

/// Sign `vc` (an unsecured VC Data Model 2.0 credential) as a `vc+jwt`.
///
/// The header is `{alg: EdDSA, typ: vc+jwt, cty: vc, kid: <verification method>}`. The payload is
/// the credential; as VC-JOSE-COSE allows, the registered claims `iss` (issuer id), `jti` (`id`),
/// `sub` (the single `credentialSubject.id`), `nbf` (`validFrom`) and `exp` (`validUntil`) are
/// mirrored next to it with the same values, so that generic JWT libraries enforce the same facts.
/// Dates that are not RFC 3339 are not mirrored. A credential carrying `vc` or `vp` is refused.
pub fn sign_vc_jwt(vc: &Value, key: &IssuerKey) -> Result<String, FormatError> {
    let mut claims =
        vc.as_object().cloned().ok_or_else(|| FormatError::malformed("credential", "not a JSON object"))?;
    check_no_jwt_vc_claims(&claims)?;
    let mirrored = [
        ("iss", issuer_id(&claims).map(Value::from)),
        ("jti", claims.get("id").and_then(Value::as_str).map(Value::from)),
        ("sub", subject_id(&claims).map(Value::from)),
        ("nbf", numeric_date(claims.get("validFrom")).map(Value::from)),
        ("exp", numeric_date(claims.get("validUntil")).map(Value::from)),
    ];
    for (name, value) in mirrored {
        if let Some(value) = value {
            claims.entry(name).or_insert(value);
        }
    }
    check_mirrored_claims(&claims)?;
    let header = json!({"alg": "EdDSA", "typ": TYP_VC_JWT, "cty": "vc", "kid": key.verification_method()});
    let payload = serde_json::to_vec(&claims).map_err(|e| FormatError::Signing(e.to_string()))?;
    sign_compact(&header, &payload, key)
}

/// Verify a `vc+jwt` with an already-resolved key and return the credential (the JWT claims set,
/// mirrored registered claims included). Checks `typ`, the signature, the absence of `vc`/`vp`
/// and that the mirrored claims agree with the credential. Validity dates are the caller's job.
pub fn verify_vc_jwt(jws: &str, key: &VerifierKey) -> Result<Value, FormatError> {
    let decoded = decode(jws)?;
    let typ = decoded.typ().unwrap_or_default().to_ascii_lowercase();
    if typ != TYP_VC_JWT && typ != "application/vc+jwt" {
        return Err(FormatError::Unsupported(format!("JWS typ {typ:?} where vc+jwt was expected")));
    }
    verify(&decoded, key)?;
    let claims = decoded.claims()?;
    check_no_jwt_vc_claims(&claims)?;
    check_mirrored_claims(&claims)?;
    Ok(Value::Object(claims))
}

/// VC-JOSE-COSE: the JWT claim names `vc` and `vp` MUST NOT be present.
fn check_no_jwt_vc_claims(claims: &Map<String, Value>) -> Result<(), FormatError> {
    match ["vc", "vp"].into_iter().find(|k| claims.contains_key(*k)) {
        Some(k) => Err(FormatError::malformed("credential", format!("carries the VC-JWT 1.1 claim {k:?}"))),
        None => Ok(()),
    }
}

/// Registered claims that duplicate credential properties must carry the same value.
fn check_mirrored_claims(claims: &Map<String, Value>) -> Result<(), FormatError> {
    let pairs =
        [("iss", issuer_id(claims)), ("jti", claims.get("id").and_then(Value::as_str)), ("sub", subject_id(claims))];
    for (name, property) in pairs {
        if let (Some(claim), Some(property)) = (claims.get(name), property) {
            if claim.as_str() != Some(property) {
                return Err(FormatError::malformed(
                    "credential",
                    format!("JWT claim {name} conflicts with the credential"),
                ));
            }
        }
    }
    Ok(())
}

/// The credential's issuer id (`issuer` as a string, or `issuer.id`).
fn issuer_id(vc: &Map<String, Value>) -> Option<&str> {
    match vc.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// The id of the credential's only subject, if it has exactly one subject with an id.
fn subject_id(vc: &Map<String, Value>) -> Option<&str> {
    match vc.get("credentialSubject")? {
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        Value::Array(a) if a.len() == 1 => a[0].get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// An RFC 3339 date-time as a JWT NumericDate (seconds since the epoch).
fn numeric_date(v: Option<&Value>) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(v?.as_str()?).ok().map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn key() -> IssuerKey {
        IssuerKey::did_key(SigningKey::from_bytes(&[3u8; 32]))
    }

    fn vc() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential"],
            "issuer": {"id": "did:web:board.example", "name": "Board"},
            "validFrom": "2026-03-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:holder", "name": "x"}
        })
    }

    #[test]
    fn signs_with_vc_jwt_header_and_mirrored_claims() {
        let k = key();
        let jws = sign_vc_jwt(&vc(), &k).expect("sign");
        let d = decode(&jws).expect("decode");
        assert_eq!(
            Value::Object(d.header.clone()),
            json!({"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": k.verification_method()})
        );
        let out = verify_vc_jwt(&jws, &VerifierKey::Ed25519(k.verifying_key())).expect("verify");
        assert_eq!(out["iss"], "did:web:board.example");
        assert_eq!(out["jti"], "urn:uuid:1");
        assert_eq!(out["sub"], "did:example:holder");
        assert_eq!(out["nbf"], 1_772_323_200);
        assert!(out.get("exp").is_none());
        assert_eq!(out["credentialSubject"], vc()["credentialSubject"]);
    }

    #[test]
    fn refuses_vc_claim_and_conflicting_iss() {
        let mut v = vc();
        v["vc"] = json!({});
        assert!(sign_vc_jwt(&v, &key()).is_err());
        let mut v = vc();
        v["iss"] = json!("did:web:other.example");
        assert!(sign_vc_jwt(&v, &key()).is_err());
    }

    #[test]
    fn rejects_other_key_and_wrong_typ() {
        let k = key();
        let jws = sign_vc_jwt(&vc(), &k).expect("sign");
        let other = VerifierKey::Ed25519(SigningKey::from_bytes(&[4u8; 32]).verifying_key());
        assert!(matches!(verify_vc_jwt(&jws, &other), Err(FormatError::BadSignature(_))));
        let plain = sign_compact(&json!({"alg": "EdDSA", "typ": "JWT"}), b"{}", &k).expect("sign");
        assert!(matches!(
            verify_vc_jwt(&plain, &VerifierKey::Ed25519(k.verifying_key())),
            Err(FormatError::Unsupported(_))
        ));
    }
}
