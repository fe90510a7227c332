//! Ed25519 issuer keys and their public encodings: Multikey (`z6Mk…`), did:key, and JWK.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde_json::{json, Value};

use crate::error::FormatError;

/// Multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (0x1300, varint-encoded).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// A signing key together with the verification method (a DID URL) that names its public half.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
    verification_method: String,
}

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("verification_method", &self.verification_method)
            .field("signing", &"[redacted]")
            .finish()
    }
}

impl IssuerKey {
    /// Wrap a signing key and the verification method id it is published under.
    pub fn new(signing: SigningKey, verification_method: impl Into<String>) -> Self {
        Self { signing, verification_method: verification_method.into() }
    }

    /// A did:key issuer key for `signing` (verification method `did:key:z…#z…`).
    pub fn did_key(signing: SigningKey) -> Self {
        let mb = multibase_public(&signing.verifying_key());
        Self { signing, verification_method: format!("did:key:{mb}#{mb}") }
    }

    /// The verification method id (DID URL).
    pub fn verification_method(&self) -> &str {
        &self.verification_method
    }

    /// The DID part of the verification method.
    pub fn did(&self) -> &str {
        self.verification_method.split('#').next().unwrap_or_default()
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// Ed25519 signature over `msg`.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.signing.sign(msg).to_bytes()
    }

    /// The signing key (for libraries that need it, e.g. ssi's JWK).
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }
}

/// Multikey encoding of an Ed25519 public key: `z` + base58btc(0xed01 ‖ key).
pub fn multibase_public(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Decode a Multikey `publicKeyMultibase` holding an Ed25519 key.
pub fn decode_multibase_public(s: &str) -> Result<VerifyingKey, FormatError> {
    let b58 = s
        .strip_prefix('z')
        .ok_or_else(|| FormatError::malformed("publicKeyMultibase", "not base58btc (no z prefix)"))?;
    let bytes = bs58::decode(b58).into_vec().map_err(|e| FormatError::malformed("publicKeyMultibase", e))?;
    let raw = bytes
        .strip_prefix(&ED25519_PUB)
        .ok_or_else(|| FormatError::Unsupported("publicKeyMultibase is not an Ed25519 key".into()))?;
    let arr: [u8; 32] =
        raw.try_into().map_err(|_| FormatError::malformed("publicKeyMultibase", "Ed25519 key is not 32 bytes"))?;
    VerifyingKey::from_bytes(&arr).map_err(|e| FormatError::malformed("publicKeyMultibase", e))
}

/// Decode a multibase Ed25519 private key (`z3u2…`, as in the W3C test vectors).
pub fn decode_multibase_secret(s: &str) -> Result<SigningKey, FormatError> {
    let b58 = s.strip_prefix('z').ok_or_else(|| FormatError::malformed("secretKeyMultibase", "no z prefix"))?;
    let bytes = bs58::decode(b58).into_vec().map_err(|e| FormatError::malformed("secretKeyMultibase", e))?;
    let raw = bytes
        .strip_prefix(&ED25519_PRIV)
        .ok_or_else(|| FormatError::Unsupported("secretKeyMultibase is not an Ed25519 key".into()))?;
    let arr: [u8; 32] = raw.try_into().map_err(|_| FormatError::malformed("secretKeyMultibase", "not 32 bytes"))?;
    Ok(SigningKey::from_bytes(&arr))
}

/// The public JWK (RFC 8037 OKP) of an Ed25519 key.
pub fn public_jwk(key: &VerifyingKey) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(key.as_bytes())})
}

/// Read an Ed25519 public key from an OKP JWK.
pub fn verifying_key_from_jwk(jwk: &Value) -> Result<VerifyingKey, FormatError> {
    if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
        || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(FormatError::Unsupported("JWK is not an OKP Ed25519 key".into()));
    }
    let x = jwk.get("x").and_then(Value::as_str).ok_or_else(|| FormatError::malformed("jwk", "no x"))?;
    let raw = URL_SAFE_NO_PAD.decode(x).map_err(|e| FormatError::malformed("jwk", e))?;
    let arr: [u8; 32] = raw.as_slice().try_into().map_err(|_| FormatError::malformed("jwk", "x is not 32 bytes"))?;
    VerifyingKey::from_bytes(&arr).map_err(|e| FormatError::malformed("jwk", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w3c_vector_key_pair_round_trips() {
        // ../shared/vectors/vc-di-eddsa/keyPair.json
        let sk = decode_multibase_secret("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq").expect("secret");
        assert_eq!(multibase_public(&sk.verifying_key()), "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
        let pk = decode_multibase_public("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").expect("public");
        assert_eq!(pk, sk.verifying_key());
        assert_eq!(verifying_key_from_jwk(&public_jwk(&pk)).expect("jwk"), pk);
    }

    #[test]
    fn rejects_bad_multibase() {
        assert!(decode_multibase_public("6MkrJ").is_err());
        assert!(decode_multibase_public("z0OIl").is_err());
        assert!(decode_multibase_public("z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc").is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let k = IssuerKey::did_key(SigningKey::from_bytes(&[7u8; 32]));
        assert!(format!("{k:?}").contains("[redacted]"));
    }
}
