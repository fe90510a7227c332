//! Multikey `publicKeyMultibase` values (W3C Controlled Identifiers §2.2.2): base58btc of a
//! multicodec-prefixed public key. Ed25519 (`z6Mk…`) and P-256, compressed (`zDn…`).

use medcred_formats::jwt::VerifierKey;
use medcred_formats::keys::decode_multibase_public;
use medcred_formats::FormatError;

/// Multicodec `p256-pub` (0x1200), varint-encoded.
const P256_PUB: [u8; 2] = [0x80, 0x24];

/// Decode a Multikey public key. Other key types are [`FormatError::Unsupported`].
pub(super) fn decode_multikey(mb: &str) -> Result<VerifierKey, FormatError> {
    match decode_multibase_public(mb) {
        Ok(k) => Ok(VerifierKey::Ed25519(k)),
        Err(FormatError::Unsupported(_)) => decode_p256(mb),
        Err(e) => Err(e),
    }
}

fn decode_p256(mb: &str) -> Result<VerifierKey, FormatError> {
    let b58 = mb.strip_prefix('z').ok_or_else(|| FormatError::malformed("publicKeyMultibase", "not base58btc"))?;
    let bytes = bs58_decode(b58)?;
    let Some(point) = bytes.strip_prefix(&P256_PUB) else {
        return Err(FormatError::Unsupported("publicKeyMultibase is neither an Ed25519 nor a P-256 key".into()));
    };
    if point.len() != 33 {
        return Err(FormatError::malformed("publicKeyMultibase", "a P-256 Multikey is a 33-byte compressed point"));
    }
    p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
        .map(VerifierKey::P256)
        .map_err(|_| FormatError::malformed("publicKeyMultibase", "not a point on P-256"))
}

fn bs58_decode(s: &str) -> Result<Vec<u8>, FormatError> {
    bs58::decode(s).into_vec().map_err(|e| FormatError::malformed("publicKeyMultibase", e))
}

/// The Multikey encoding of a key (for tests and derived documents).
pub(super) fn encode_multikey(key: &VerifierKey) -> String {
    match key {
        VerifierKey::Ed25519(k) => medcred_formats::keys::multibase_public(k),
        VerifierKey::P256(k) => {
            let mut bytes = P256_PUB.to_vec();
            bytes.extend_from_slice(k.to_encoded_point(true).as_bytes());
            format!("z{}", bs58::encode(bytes).into_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_key_spec_examples() {
        // did:key method spec, test vectors: Ed25519, P-256, and secp256k1 (unsupported).
        let ed = decode_multikey("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").expect("ed25519");
        assert_eq!(ed.alg(), "EdDSA");
        let p = decode_multikey("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169").expect("p256");
        assert_eq!(p.alg(), "ES256");
        assert_eq!(encode_multikey(&p), "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169");
        let k1 = decode_multikey("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme");
        assert!(matches!(k1, Err(FormatError::Unsupported(_))));
        assert!(decode_multikey("zDnae").is_err());
        assert!(matches!(decode_multikey("z0OIl"), Err(FormatError::Malformed { .. })));
    }
}
