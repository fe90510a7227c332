//! Compact JWS (RFC 7515 §7.1): signing, strict decoding (no verification), and EdDSA / ES256
//! signature checks.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::jwk::{JwsSigner, VerifierKey};
use crate::error::FormatError;

/// The largest compact JWS (or SD-JWT) accepted, in bytes.
pub const MAX_JWS_LEN: usize = 1 << 20;

/// A compact JWS split and decoded, its signature not yet checked.
#[derive(Debug, Clone)]
pub struct DecodedJws {
    /// The protected header (a JSON object).
    pub header: Map<String, Value>,
    /// The payload bytes.
    pub payload: Vec<u8>,
    signing_input: String,
    signature: Vec<u8>,
}

impl DecodedJws {
    /// The header's `alg`, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `typ`, if it is a string.
    pub fn typ(&self) -> Option<&str> {
        self.header.get("typ").and_then(Value::as_str)
    }

    /// The header's `kid`, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The payload as a JWT claims set (a JSON object).
    pub fn claims(&self) -> Result<Map<String, Value>, FormatError> {
        match serde_json::from_slice(&self.payload) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(FormatError::malformed("JWS payload", "not a JSON object")),
            Err(e) => Err(FormatError::malformed("JWS payload", e)),
        }
    }

    /// `base64url(header) '.' base64url(payload)`, the bytes the signature covers.
    pub fn signing_input(&self) -> &str {
        &self.signing_input
    }

    /// The raw signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
}

/// Strict base64url without padding (RFC 7515 §2); rejects padding, `+`, `/` and stray bits.
pub(crate) fn b64_decode(what: &'static str, s: &str) -> Result<Vec<u8>, FormatError> {
    URL_SAFE_NO_PAD.decode(s).map_err(|e| FormatError::malformed(what, format!("bad base64url: {e}")))
}

/// base64url without padding.
pub(crate) fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Sign `payload` as a compact JWS. `header` must be a JSON object whose `alg` is the signer's.
pub fn sign_compact(header: &Value, payload: &[u8], signer: &impl JwsSigner) -> Result<String, FormatError> {
    let alg = header.get("alg").and_then(Value::as_str);
    if !header.is_object() || alg != Some(signer.alg()) {
        return Err(FormatError::Signing(format!("JWS header must be an object with alg {:?}", signer.alg())));
    }
    let header_json = serde_json::to_vec(header).map_err(|e| FormatError::Signing(e.to_string()))?;
    let signing_input = format!("{}.{}", b64(header_json), b64(payload));
    let signature = signer.sign_jws(signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{}", b64(signature)))
}

/// Split and decode a compact JWS without checking its signature: at most [`MAX_JWS_LEN`] bytes,
/// exactly three parts, strict base64url, a JSON-object header with a string `alg`, no `crit`.
pub fn decode(jws: &str) -> Result<DecodedJws, FormatError> {
    if jws.len() > MAX_JWS_LEN {
        return Err(FormatError::malformed("JWS", format!("longer than {MAX_JWS_LEN} bytes")));
    }
    let mut parts = jws.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(FormatError::malformed("JWS", "not three dot-separated parts"));
    };
    if h.is_empty() || s.is_empty() {
        return Err(FormatError::malformed("JWS", "empty header or signature"));
    }
    let header = match serde_json::from_slice(&b64_decode("JWS header", h)?) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(FormatError::malformed("JWS header", "not a JSON object")),
        Err(e) => return Err(FormatError::malformed("JWS header", e)),
    };
    if !header.get("alg").is_some_and(Value::is_string) {
        return Err(FormatError::malformed("JWS header", "no string alg"));
    }
    if header.contains_key("crit") {
        return Err(FormatError::Unsupported("JWS header lists critical extensions (crit)".into()));
    }
    Ok(DecodedJws {
        header,
        payload: b64_decode("JWS payload", p)?,
        signing_input: format!("{h}.{p}"),
        signature: b64_decode("JWS signature", s)?,
    })
}

/// Check an `EdDSA` (Ed25519) signature, rejecting small-order keys and malleable signatures.
pub fn verify_ed25519(decoded: &DecodedJws, key: &ed25519_dalek::VerifyingKey) -> Result<(), FormatError> {
    // "Ed25519" is the fully-specified algorithm name of RFC 9864 for the same signature.
    if !matches!(decoded.alg(), Some("EdDSA" | "Ed25519")) {
        return Err(FormatError::BadSignature(format!(
            "JWS alg {:?} where EdDSA was expected",
            decoded.alg().unwrap_or_default()
        )));
    }
    let sig = ed25519_dalek::Signature::from_slice(&decoded.signature)
        .map_err(|_| FormatError::BadSignature("EdDSA signature is not 64 bytes".into()))?;
    key.verify_strict(decoded.signing_input.as_bytes(), &sig)
        .map_err(|_| FormatError::BadSignature("EdDSA signature does not match".into()))
}

/// Check an `ES256` (P-256, SHA-256, `r ‖ s`) signature.
pub fn verify_es256(decoded: &DecodedJws, key: &p256::ecdsa::VerifyingKey) -> Result<(), FormatError> {
    use p256::ecdsa::signature::Verifier;
    if decoded.alg() != Some("ES256") {
        return Err(FormatError::BadSignature(format!(
            "JWS alg {:?} where ES256 was expected",
            decoded.alg().unwrap_or_default()
        )));
    }
    let sig = p256::ecdsa::Signature::from_slice(&decoded.signature)
        .map_err(|_| FormatError::BadSignature("ES256 signature is not 64 bytes r ‖ s".into()))?;
    key.verify(decoded.signing_input.as_bytes(), &sig)
        .map_err(|_| FormatError::BadSignature("ES256 signature does not match".into()))
}

/// Check the signature with whichever key type is given; the header `alg` must match it.
pub fn verify(decoded: &DecodedJws, key: &VerifierKey) -> Result<(), FormatError> {
    match key {
        VerifierKey::Ed25519(k) => verify_ed25519(decoded, k),
        VerifierKey::P256(k) => verify_es256(decoded, k),
    }
}
