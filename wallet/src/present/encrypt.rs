//! Encrypting the answer for `direct_post.jwt` (OpenID4VP 1.0 §8.3): a compact JWE with `alg`
//! `ECDH-ES` (direct key agreement, RFC 7518 §4.6) to the verifier's P-256 key from
//! `client_metadata.jwks`, `enc` `A128GCM` or `A256GCM`, the key's `kid` in the header and the
//! response parameters as the JSON payload.
//!
//! Pure Rust (p256, aes-gcm, sha2) so the browser wallet (wasm32) encrypts exactly as the CLI
//! does; the verifier decrypts with josekit (OpenSSL), and the tests cross-check the two.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdh::EphemeralSecret;
use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use p256::PublicKey;
use rand::rngs::OsRng;
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::request::Encryption;
use crate::error::WalletError;

fn fail(why: impl Into<String>) -> WalletError {
    WalletError::Encryption(why.into())
}

/// The verifier's P-256 public key from its JWK (`kty` EC, `crv` P-256, `x`, `y`; other members
/// such as `kid`, `use` and `alg` are not the key).
fn public_key(jwk: &Value) -> Result<PublicKey, WalletError> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    if member("kty") != Some("EC") || member("crv") != Some("P-256") {
        return Err(fail("the verifier's key is not an EC P-256 JWK"));
    }
    let coordinate = |name: &str| -> Result<p256::FieldBytes, WalletError> {
        let bytes = member(name)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .filter(|b| b.len() == 32)
            .ok_or_else(|| fail(format!("the verifier's key has no 32-byte {name}")))?;
        Ok(*p256::FieldBytes::from_slice(&bytes))
    };
    let point = p256::EncodedPoint::from_affine_coordinates(&coordinate("x")?, &coordinate("y")?, false);
    Option::from(PublicKey::from_encoded_point(&point))
        .ok_or_else(|| fail("the verifier's key is not a point on P-256"))
}

/// Concat KDF (NIST SP 800-56A §5.8.1, RFC 7518 §4.6.2) for direct key agreement: the
/// AlgorithmID is `enc`, PartyUInfo and PartyVInfo are empty. One SHA-256 round covers ≤ 256 bits.
fn concat_kdf(z: &[u8], enc: &str, key_bits: u32) -> Zeroizing<Vec<u8>> {
    let mut hash = Sha256::new();
    hash.update(1u32.to_be_bytes());
    hash.update(z);
    hash.update((enc.len() as u32).to_be_bytes());
    hash.update(enc.as_bytes());
    hash.update(0u32.to_be_bytes()); // PartyUInfo
    hash.update(0u32.to_be_bytes()); // PartyVInfo
    hash.update(key_bits.to_be_bytes()); // SuppPubInfo
    let digest = hash.finalize();
    Zeroizing::new(digest[..(key_bits / 8) as usize].to_vec())
}

/// The compact JWE of `payload` for the verifier.
pub fn encrypt_response(payload: &Value, encryption: &Encryption) -> Result<String, WalletError> {
    let key_bits = match encryption.enc.as_str() {
        "A128GCM" => 128,
        "A256GCM" => 256,
        other => return Err(fail(format!("content encryption {other:?} is not supported (A128GCM, A256GCM)"))),
    };
    let verifier = public_key(&encryption.jwk)?;
    let ephemeral = EphemeralSecret::random(&mut OsRng);
    let epk = ephemeral.public_key().to_encoded_point(false);
    let (Some(x), Some(y)) = (epk.x(), epk.y()) else { return Err(fail("ephemeral key has no coordinates")) };
    let shared = ephemeral.diffie_hellman(&verifier);
    let cek = concat_kdf(shared.raw_secret_bytes().as_slice(), &encryption.enc, key_bits);

    let mut header = json!({
        "alg": "ECDH-ES",
        "enc": encryption.enc,
        "epk": {"kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y)},
    });
    if let Some(kid) = encryption.jwk.get("kid").and_then(Value::as_str) {
        header["kid"] = Value::String(kid.to_owned());
    }
    let protected = URL_SAFE_NO_PAD.encode(header.to_string());
    let mut iv = [0u8; 12];
    OsRng.fill_bytes(&mut iv);
    let plaintext = payload.to_string();
    let message = Payload { msg: plaintext.as_bytes(), aad: protected.as_bytes() };
    let sealed = match key_bits {
        128 => {
            Aes128Gcm::new_from_slice(&cek).map_err(|e| fail(e.to_string()))?.encrypt(Nonce::from_slice(&iv), message)
        }
        _ => Aes256Gcm::new_from_slice(&cek).map_err(|e| fail(e.to_string()))?.encrypt(Nonce::from_slice(&iv), message),
    }
    .map_err(|_| fail("AES-GCM failed"))?;
    // aes-gcm appends the 16-byte tag to the ciphertext.
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    Ok(format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use josekit::jwe::ECDH_ES;
    use josekit::jwk::alg::ec::EcCurve;
    use josekit::jwk::Jwk;

    fn verifier_key() -> (Jwk, Value) {
        let mut private = Jwk::generate_ec_key(EcCurve::P256).expect("generate");
        private.set_key_id("k1");
        let mut public = private.to_public_key().expect("public");
        public.set_key_id("k1");
        let value = serde_json::to_value(public.as_ref()).expect("json");
        (private, value)
    }

    /// josekit (OpenSSL), as the verifier uses it, decrypts what this module encrypts.
    #[test]
    fn josekit_decrypts_both_encodings() {
        let (private, public) = verifier_key();
        let decrypter = ECDH_ES.decrypter_from_jwk(&private).expect("decrypter");
        for enc in ["A128GCM", "A256GCM"] {
            let payload = json!({"vp_token": {"q": ["x.y.z~"]}, "state": "s-1"});
            let jwe =
                encrypt_response(&payload, &Encryption { jwk: public.clone(), enc: enc.into() }).expect("encrypt");
            let (plain, header) = josekit::jwe::deserialize_compact(&jwe, &decrypter).expect("josekit decrypts");
            assert_eq!(serde_json::from_slice::<Value>(&plain).expect("json"), payload);
            assert_eq!(header.content_encryption(), Some(enc));
            assert_eq!(header.key_id(), Some("k1"));
        }
    }

    #[test]
    fn a_tampered_header_does_not_decrypt() {
        let (private, public) = verifier_key();
        let decrypter = ECDH_ES.decrypter_from_jwk(&private).expect("decrypter");
        let jwe =
            encrypt_response(&json!({"a": 1}), &Encryption { jwk: public, enc: "A256GCM".into() }).expect("encrypt");
        let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
        let mut header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[0]).expect("b64")).expect("json");
        header["kid"] = json!("k2");
        parts[0] = URL_SAFE_NO_PAD.encode(header.to_string());
        assert!(josekit::jwe::deserialize_compact(&parts.join("."), &decrypter).is_err());
    }

    #[test]
    fn refuses_keys_and_encodings_it_cannot_use() {
        let (_, public) = verifier_key();
        let cbc = Encryption { jwk: public, enc: "A128CBC-HS256".into() };
        assert!(matches!(encrypt_response(&json!({}), &cbc), Err(WalletError::Encryption(_))));
        let okp = Encryption { jwk: json!({"kty": "OKP", "crv": "Ed25519", "x": "AA"}), enc: "A128GCM".into() };
        assert!(matches!(encrypt_response(&json!({}), &okp), Err(WalletError::Encryption(_))));
        let short =
            Encryption { jwk: json!({"kty": "EC", "crv": "P-256", "x": "AQ", "y": "AQ"}), enc: "A128GCM".into() };
        assert!(matches!(encrypt_response(&json!({}), &short), Err(WalletError::Encryption(_))));
        let one = URL_SAFE_NO_PAD.encode([1u8; 32]);
        let off_curve =
            Encryption { jwk: json!({"kty": "EC", "crv": "P-256", "x": one, "y": one}), enc: "A128GCM".into() };
        assert!(matches!(encrypt_response(&json!({}), &off_curve), Err(WalletError::Encryption(_))));
    }
}
