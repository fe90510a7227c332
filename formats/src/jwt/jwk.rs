//! JOSE keys: public keys read from JWKs (Ed25519 OKP, P-256 EC), signing keys, and RFC 7638
//! JWK thumbprints.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::FormatError;
use crate::keys::{public_jwk, verifying_key_from_jwk, IssuerKey};

/// A public key that can check a JWS: Ed25519 (`EdDSA`) or P-256 (`ES256`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifierKey {
    /// Ed25519, JWS `alg` `EdDSA` (RFC 8037).
    Ed25519(ed25519_dalek::VerifyingKey),
    /// NIST P-256, JWS `alg` `ES256` (RFC 7518 §3.4).
    P256(p256::ecdsa::VerifyingKey),
}

impl VerifierKey {
    /// Read a public key from a JWK (`kty` `OKP`/`crv` `Ed25519`, or `kty` `EC`/`crv` `P-256`).
    /// Private members, if any, are ignored.
    pub fn from_jwk(jwk: &Value) -> Result<Self, FormatError> {
        match jwk.get("kty").and_then(Value::as_str) {
            Some("OKP") => verifying_key_from_jwk(jwk).map(VerifierKey::Ed25519),
            Some("EC") => p256_from_jwk(jwk).map(VerifierKey::P256),
            Some(other) => Err(FormatError::Unsupported(format!("JWK key type {other:?}"))),
            None => Err(FormatError::malformed("jwk", "no kty")),
        }
    }

    /// The public JWK (only the members RFC 7638 names, no `kid`).
    pub fn to_jwk(&self) -> Value {
        match self {
            VerifierKey::Ed25519(k) => public_jwk(k),
            VerifierKey::P256(k) => {
                let point = k.to_encoded_point(false);
                let coord = |c: Option<&p256::FieldBytes>| c.map(|b| URL_SAFE_NO_PAD.encode(b)).unwrap_or_default();
                json!({"kty": "EC", "crv": "P-256", "x": coord(point.x()), "y": coord(point.y())})
            }
        }
    }

    /// The JWS `alg` this key verifies.
    pub fn alg(&self) -> &'static str {
        match self {
            VerifierKey::Ed25519(_) => "EdDSA",
            VerifierKey::P256(_) => "ES256",
        }
    }
}

/// Read a P-256 public key from an EC JWK.
fn p256_from_jwk(jwk: &Value) -> Result<p256::ecdsa::VerifyingKey, FormatError> {
    if jwk.get("crv").and_then(Value::as_str) != Some("P-256") {
        return Err(FormatError::Unsupported("EC JWK is not on curve P-256".into()));
    }
    let coord = |name: &str| -> Result<[u8; 32], FormatError> {
        let s =
            jwk.get(name).and_then(Value::as_str).ok_or_else(|| FormatError::malformed("jwk", format!("no {name}")))?;
        let raw = URL_SAFE_NO_PAD.decode(s).map_err(|e| FormatError::malformed("jwk", e))?;
        raw.as_slice().try_into().map_err(|_| FormatError::malformed("jwk", format!("{name} is not 32 bytes")))
    };
    let (x, y) = (coord("x")?, coord("y")?);
    let point = p256::EncodedPoint::from_affine_coordinates(&x.into(), &y.into(), false);
    p256::ecdsa::VerifyingKey::from_encoded_point(&point)
        .map_err(|_| FormatError::malformed("jwk", "not a point on P-256"))
}

/// A private key that signs JWS: the holder's key for a key-binding JWT, or any test signer.
#[derive(Clone)]
pub enum SignerKey {
    /// Ed25519 (`EdDSA`).
    Ed25519(ed25519_dalek::SigningKey),
    /// P-256 (`ES256`, deterministic RFC 6979 nonces).
    P256(p256::ecdsa::SigningKey),
}

impl std::fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            SignerKey::Ed25519(_) => "Ed25519",
            SignerKey::P256(_) => "P256",
        };
        write!(f, "SignerKey::{kind}([redacted])")
    }
}

impl SignerKey {
    /// The matching public key.
    pub fn verifier_key(&self) -> VerifierKey {
        match self {
            SignerKey::Ed25519(k) => VerifierKey::Ed25519(k.verifying_key()),
            SignerKey::P256(k) => VerifierKey::P256(*k.verifying_key()),
        }
    }
}

/// Something that produces JWS signatures.
pub trait JwsSigner {
    /// The JWS `alg` of the signatures.
    fn alg(&self) -> &'static str;
    /// The JWS signature over `signing_input` (64 bytes for both EdDSA and ES256).
    fn sign_jws(&self, signing_input: &[u8]) -> Result<Vec<u8>, FormatError>;
}

impl JwsSigner for SignerKey {
    fn alg(&self) -> &'static str {
        self.verifier_key().alg()
    }

    fn sign_jws(&self, signing_input: &[u8]) -> Result<Vec<u8>, FormatError> {
        use p256::ecdsa::signature::Signer;
        match self {
            SignerKey::Ed25519(k) => Ok(k.sign(signing_input).to_bytes().to_vec()),
            SignerKey::P256(k) => {
                let sig: p256::ecdsa::Signature =
                    k.try_sign(signing_input).map_err(|e| FormatError::Signing(e.to_string()))?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    }
}

impl JwsSigner for IssuerKey {
    fn alg(&self) -> &'static str {
        "EdDSA"
    }

    fn sign_jws(&self, signing_input: &[u8]) -> Result<Vec<u8>, FormatError> {
        Ok(self.sign(signing_input).to_vec())
    }
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url) of an OKP or EC public key.
pub fn jwk_thumbprint(jwk: &Value) -> Result<String, FormatError> {
    let members: &[&str] = match jwk.get("kty").and_then(Value::as_str) {
        Some("OKP") => &["crv", "kty", "x"],
        Some("EC") => &["crv", "kty", "x", "y"],
        Some(other) => return Err(FormatError::Unsupported(format!("thumbprint of JWK key type {other:?}"))),
        None => return Err(FormatError::malformed("jwk", "no kty")),
    };
    // Required members only, lexicographic order, no whitespace (RFC 7638 §3.2).
    let mut canonical = String::from("{");
    for (i, name) in members.iter().enumerate() {
        let value = jwk
            .get(*name)
            .and_then(Value::as_str)
            .ok_or_else(|| FormatError::malformed("jwk", format!("no {name}")))?;
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&format!("\"{name}\":{}", Value::from(value)));
    }
    canonical.push('}');
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}
