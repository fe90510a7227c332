//! Checking a key proof of type `jwt` (OpenID4VCI 1.0 Appendix F.1, F.4): `typ`
//! `openid4vci-proof+jwt`, `alg` EdDSA or ES256, the key in the header as `jwk` or as a `kid`
//! DID URL (did:jwk, or an Ed25519 did:key), the signature by that key, `aud` the Credential
//! Issuer, `iat` fresh, a `nonce`. Pure: whether the nonce is live is the caller's question.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use medcred_formats::jwt::{decode, verify, VerifierKey};
use medcred_formats::keys::decode_multibase_public;
use medcred_model::Did;
use serde_json::Value;

/// The `typ` of a key proof JWT.
pub const PROOF_TYP: &str = "openid4vci-proof+jwt";
/// The proof signing algorithms accepted (and advertised).
pub const PROOF_ALGS: [&str; 2] = ["EdDSA", "ES256"];
/// Longest `c_nonce` accepted in a proof.
const MAX_NONCE_LEN: usize = 256;

/// What a proof must show.
#[derive(Debug, Clone)]
pub struct ProofExpectation<'a> {
    /// The Credential Issuer Identifier (`aud`).
    pub audience: &'a str,
    /// Now.
    pub now: DateTime<Utc>,
    /// How old `iat` may be.
    pub max_age: Duration,
    /// How far in the future `iat` may be (clock skew).
    pub skew: Duration,
}

/// A proof that passed every check but the nonce's liveness. Only [`check_proof`] makes one.
#[derive(Debug, Clone)]
pub struct CheckedProof {
    holder: Did,
    key: VerifierKey,
    nonce: String,
}

impl CheckedProof {
    /// The holder's DID the credential is bound to: the `kid`'s DID, or the did:jwk of the `jwk`.
    pub fn holder(&self) -> &Did {
        &self.holder
    }
    /// The holder's public key.
    pub fn key(&self) -> &VerifierKey {
        &self.key
    }
    /// The `c_nonce` the proof carries.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }
}

/// Why a proof was refused (an `invalid_proof`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProofError(pub String);

fn refuse<T>(why: impl Into<String>) -> Result<T, ProofError> {
    Err(ProofError(why.into()))
}

/// The did:jwk (did:jwk method §2) of a public key: base64url of its JWK in JCS form, so that
/// the same key always gives the same DID.
pub fn did_jwk(key: &VerifierKey) -> Result<Did, ProofError> {
    let jcs = medcred_formats::jcs::canonicalize(&key.to_jwk()).map_err(|e| ProofError(e.to_string()))?;
    format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jcs)).parse().map_err(|_| ProofError("key makes no DID".into()))
}

/// The public key a `jwk` header carries (never a private one).
fn key_from_jwk(jwk: &Value) -> Result<VerifierKey, ProofError> {
    if !jwk.is_object() {
        return refuse("jwk header is not a JSON object");
    }
    if jwk.get("d").is_some() {
        return refuse("jwk header carries a private key");
    }
    VerifierKey::from_jwk(jwk).map_err(|e| ProofError(format!("jwk header: {e}")))
}

/// The DID and key a `kid` DID URL names: `did:jwk:…#0` or `did:key:z6Mk…#z6Mk…`.
fn key_from_kid(kid: &str) -> Result<(Did, VerifierKey), ProofError> {
    let (did, fragment) = match kid.split_once('#') {
        Some((d, f)) => (d, Some(f)),
        None => (kid, None),
    };
    let parsed: Did = did.parse().map_err(|_| ProofError("kid is not a DID URL".into()))?;
    if let Some(b64) = did.strip_prefix("did:jwk:") {
        if fragment.is_some_and(|f| f != "0") {
            return refuse("a did:jwk key is named #0");
        }
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| ProofError("did:jwk is not base64url".into()))?;
        let jwk: Value = serde_json::from_slice(&bytes).map_err(|_| ProofError("did:jwk is not a JWK".into()))?;
        return Ok((parsed, key_from_jwk(&jwk)?));
    }
    if let Some(mb) = did.strip_prefix("did:key:") {
        if fragment.is_some_and(|f| f != mb) {
            return refuse("a did:key key is named by its own multibase value");
        }
        let key = decode_multibase_public(mb).map_err(|e| ProofError(format!("did:key: {e}")))?;
        return Ok((parsed, VerifierKey::Ed25519(key)));
    }
    refuse(format!("kid DID method {:?} is not supported (did:jwk, did:key)", parsed.method()))
}

/// Check a `jwt` key proof against `expect`.
pub fn check_proof(jwt: &str, expect: &ProofExpectation<'_>) -> Result<CheckedProof, ProofError> {
    let decoded = decode(jwt).map_err(|e| ProofError(format!("not a compact JWS: {e}")))?;
    if decoded.typ() != Some(PROOF_TYP) {
        return refuse(format!("typ must be {PROOF_TYP}"));
    }
    let alg = decoded.alg().unwrap_or_default();
    if !PROOF_ALGS.contains(&alg) {
        return refuse(format!("alg {alg:?} is not one of EdDSA, ES256"));
    }
    let header = &decoded.header;
    if header.contains_key("x5c") || header.contains_key("trust_chain") {
        return refuse("x5c and trust_chain keys are not supported; use jwk or a did:jwk / did:key kid");
    }
    let (holder, key) = match (header.get("jwk"), decoded.kid()) {
        (Some(jwk), None) => {
            let key = key_from_jwk(jwk)?;
            (did_jwk(&key)?, key)
        }
        (None, Some(kid)) => key_from_kid(kid)?,
        (Some(_), Some(_)) => return refuse("jwk and kid must not both be present"),
        (None, None) => return refuse("the header names no key (jwk or kid)"),
    };
    verify(&decoded, &key).map_err(|e| ProofError(format!("signature: {e}")))?;
    let claims = decoded.claims().map_err(|e| ProofError(e.to_string()))?;
    match claims.get("aud") {
        Some(Value::String(aud)) if aud == expect.audience => {}
        Some(_) => return refuse("aud is not this Credential Issuer"),
        None => return refuse("aud is required"),
    }
    let iat = match claims.get("iat") {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    };
    let Some(iat) = iat else { return refuse("iat (a number) is required") };
    let now = expect.now.timestamp();
    if iat > now + expect.skew.num_seconds() {
        return refuse("iat is in the future");
    }
    if iat < now - expect.max_age.num_seconds() {
        return refuse("iat is too old; sign a fresh proof");
    }
    let nonce = match claims.get("nonce") {
        Some(Value::String(n)) if !n.is_empty() && n.len() <= MAX_NONCE_LEN => n.clone(),
        Some(_) => return refuse("nonce must be a c_nonce string"),
        None => return refuse("nonce is required: get a c_nonce from the nonce endpoint"),
    };
    Ok(CheckedProof { holder, key, nonce })
}

#[cfg(test)]
mod tests {
    use medcred_formats::jwt::{sign_compact, SignerKey};
    use serde_json::json;

    use super::*;

    const AUD: &str = "https://issuer.example";

    fn now() -> DateTime<Utc> {
        "2026-03-01T12:00:00Z".parse().expect("time")
    }

    fn expect() -> ProofExpectation<'static> {
        ProofExpectation { audience: AUD, now: now(), max_age: Duration::seconds(300), skew: Duration::seconds(60) }
    }

    fn ed() -> SignerKey {
        SignerKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7; 32]))
    }

    fn p256() -> SignerKey {
        SignerKey::P256(p256_key())
    }

    fn p256_key() -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[9; 32]).expect("scalar")
    }

    fn proof(signer: &SignerKey, header: Value, claims: Value) -> String {
        sign_compact(&header, claims.to_string().as_bytes(), signer).expect("sign")
    }

    fn good_claims() -> Value {
        json!({"aud": AUD, "iat": now().timestamp() - 5, "nonce": "n-1"})
    }

    #[test]
    fn accepts_jwk_header_proofs_in_both_algorithms() {
        for signer in [ed(), p256()] {
            let vk = signer.verifier_key();
            let header = json!({"typ": PROOF_TYP, "alg": vk.alg(), "jwk": vk.to_jwk()});
            let checked = check_proof(&proof(&signer, header, good_claims()), &expect()).expect("valid");
            assert_eq!(checked.key(), &vk);
            assert_eq!(checked.nonce(), "n-1");
            assert_eq!(checked.holder(), &did_jwk(&vk).expect("did"));
        }
    }

    #[test]
    fn accepts_did_kids() {
        let signer = ed();
        let vk = signer.verifier_key();
        let did = did_jwk(&vk).expect("did");
        let header = json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": format!("{did}#0")});
        assert_eq!(check_proof(&proof(&signer, header, good_claims()), &expect()).expect("did:jwk").holder(), &did);
        let mb =
            medcred_formats::keys::multibase_public(&ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key());
        let header = json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": format!("did:key:{mb}#{mb}")});
        let checked = check_proof(&proof(&signer, header, good_claims()), &expect()).expect("did:key");
        assert_eq!(checked.holder().as_str(), format!("did:key:{mb}"));
    }

    #[test]
    fn refuses_what_the_spec_refuses() {
        let signer = ed();
        let vk = signer.verifier_key();
        let header = || json!({"typ": PROOF_TYP, "alg": "EdDSA", "jwk": vk.to_jwk()});
        let why = |header: Value, claims: Value| {
            check_proof(&proof(&signer, header, claims), &expect()).expect_err("refused").0
        };
        let mut h = header();
        h["typ"] = json!("JWT");
        assert!(why(h, good_claims()).contains("typ"));
        let mut c = good_claims();
        c["aud"] = json!("https://other.example");
        assert!(why(header(), c).contains("aud"));
        let mut c = good_claims();
        c["iat"] = json!(now().timestamp() - 301);
        assert!(why(header(), c).contains("too old"));
        let mut c = good_claims();
        c["iat"] = json!(now().timestamp() + 61);
        assert!(why(header(), c).contains("future"));
        let mut c = good_claims();
        c.as_object_mut().expect("obj").remove("nonce");
        assert!(why(header(), c).contains("nonce"));
        let mut h = header();
        h["kid"] = json!("did:jwk:x#0");
        assert!(why(h, good_claims()).contains("both"));
        let mut h = header();
        h["jwk"]["d"] = json!("c2VjcmV0");
        assert!(why(h, good_claims()).contains("private"));
        let h = json!({"typ": PROOF_TYP, "alg": "EdDSA", "kid": "did:web:holder.example#k"});
        assert!(why(h, good_claims()).contains("not supported"));
        // Signed by another key than the header names.
        let other = p256().verifier_key();
        let h = json!({"typ": PROOF_TYP, "alg": "EdDSA", "jwk": other.to_jwk()});
        assert!(why(h, good_claims()).contains("signature"));
        assert!(check_proof("not.a.jwt", &expect()).is_err());
    }
}
