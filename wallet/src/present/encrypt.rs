//! Encrypting the answer for `direct_post.jwt` (OpenID4VP 1.0 §8.3): a JWE, ECDH-ES to the
//! verifier's key from `client_metadata.jwks`, `enc` as agreed, the key's `kid` in the header,
//! the response parameters as the JSON payload. josekit (OpenSSL): the CLI wallet only.

use josekit::jwe::{self, JweHeader, ECDH_ES};
use josekit::jwk::Jwk;
use serde_json::Value;

use super::request::Encryption;
use crate::error::WalletError;

/// The compact JWE of `payload` for the verifier.
pub fn encrypt_response(payload: &Value, encryption: &Encryption) -> Result<String, WalletError> {
    let fail = |e: josekit::JoseError| WalletError::Encryption(e.to_string());
    let map =
        encryption.jwk.as_object().cloned().ok_or_else(|| WalletError::Encryption("the key is not a JWK".into()))?;
    let jwk = Jwk::from_map(map).map_err(fail)?;
    let encrypter = ECDH_ES.encrypter_from_jwk(&jwk).map_err(fail)?;
    let mut header = JweHeader::new();
    header.set_content_encryption(&encryption.enc);
    if let Some(kid) = jwk.key_id() {
        header.set_key_id(kid);
    }
    jwe::serialize_compact(payload.to_string().as_bytes(), &header, &encrypter).map_err(fail)
}
