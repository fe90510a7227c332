//! The response encryption key of one `direct_post.jwt` request and decrypting the wallet's JWE
//! (OpenID4VP 1.0 §8.3: ECDH-ES with the key from `client_metadata.jwks`, `enc` one of
//! `encrypted_response_enc_values_supported`). josekit (OpenSSL) does the JOSE work; it stays in
//! this server-side crate.

use josekit::jwe::{self, ECDH_ES};
use josekit::jwk::{Jwk, P_256};
use serde_json::Value;
use zeroize::Zeroizing;

use super::error::{invalid, Oid4vpError};
use crate::error::HospitalError;

/// Content encryption this verifier accepts, in order of preference as offered.
pub(crate) const ENC_VALUES: [&str; 2] = ["A128GCM", "A256GCM"];

/// Largest encrypted response accepted.
const MAX_JWE: usize = 1024 * 1024;

/// A fresh P-256 key for ECDH-ES: the public JWK (with `kid`, `use: enc`, `alg: ECDH-ES`) and the
/// private JWK as text (to seal).
pub(crate) fn new_key(kid: &str) -> Result<(Value, Zeroizing<String>), HospitalError> {
    let fault = |e: josekit::JoseError| HospitalError::Internal(format!("response encryption key: {e}"));
    let mut private = Jwk::generate_ec_key(P_256).map_err(fault)?;
    private.set_key_id(kid);
    private.set_key_use("enc");
    private.set_algorithm("ECDH-ES");
    let public = public_jwk(&private).map_err(fault)?;
    Ok((public, Zeroizing::new(private.to_string())))
}

/// The public half, with the `kid`, `use` and `alg` the wallet needs (§8.3: `alg` must be there).
fn public_jwk(private: &Jwk) -> Result<Value, josekit::JoseError> {
    let mut public = private.to_public_key()?;
    if let Some(kid) = private.key_id() {
        public.set_key_id(kid);
    }
    public.set_key_use("enc");
    public.set_algorithm("ECDH-ES");
    Ok(Value::Object(public.as_ref().clone()))
}

/// The public half of a private JWK made by [`new_key`].
pub(crate) fn public_of(private_jwk: &str) -> Result<Value, HospitalError> {
    let fault = |e: josekit::JoseError| HospitalError::Internal(format!("response encryption key: {e}"));
    Jwk::from_bytes(private_jwk.as_bytes()).and_then(|k| public_jwk(&k)).map_err(fault)
}

/// Decrypt the wallet's `response` with the request's private key: the JSON object inside.
pub(crate) fn decrypt(jwe: &str, private_jwk: &str, kid: Option<&str>) -> Result<Value, Oid4vpError> {
    if jwe.len() > MAX_JWE {
        return Err(invalid("the encrypted response is too large"));
    }
    let jwk = Jwk::from_bytes(private_jwk.as_bytes())
        .map_err(|e| Oid4vpError::Server(HospitalError::Internal(format!("response key: {e}"))))?;
    let decrypter = ECDH_ES
        .decrypter_from_jwk(&jwk)
        .map_err(|e| Oid4vpError::Server(HospitalError::Internal(format!("response key: {e}"))))?;
    let (payload, header) =
        jwe::deserialize_compact(jwe, &decrypter).map_err(|_| invalid("the response could not be decrypted"))?;
    if header.algorithm() != Some("ECDH-ES") {
        return Err(invalid("the response must be encrypted with ECDH-ES"));
    }
    if !header.content_encryption().is_some_and(|e| ENC_VALUES.contains(&e)) {
        return Err(invalid("the response's enc is not one this verifier offered"));
    }
    if let (Some(expected), Some(got)) = (kid, header.key_id()) {
        if expected != got {
            return Err(invalid("the response was encrypted to another key"));
        }
    }
    let value: Value =
        serde_json::from_slice(&payload).map_err(|_| invalid("the decrypted response is not a JSON object"))?;
    if !value.is_object() {
        return Err(invalid("the decrypted response is not a JSON object"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use josekit::jwe::JweHeader;
    use serde_json::json;

    use super::*;

    fn encrypt(public: &Value, enc: &str, payload: &Value) -> String {
        let jwk = Jwk::from_map(public.as_object().expect("object").clone()).expect("jwk");
        let encrypter = ECDH_ES.encrypter_from_jwk(&jwk).expect("encrypter");
        let mut header = JweHeader::new();
        header.set_content_encryption(enc);
        header.set_key_id(public["kid"].as_str().expect("kid"));
        jwe::serialize_compact(payload.to_string().as_bytes(), &header, &encrypter).expect("jwe")
    }

    #[test]
    fn round_trips_and_refuses_what_it_did_not_offer() {
        let (public, private) = new_key("k1").expect("key");
        assert_eq!((public["kty"].as_str(), public["crv"].as_str()), (Some("EC"), Some("P-256")));
        assert_eq!((public["alg"].as_str(), public["use"].as_str()), (Some("ECDH-ES"), Some("enc")));
        assert!(public.get("d").is_none(), "public half only");
        assert_eq!(public_of(&private).expect("public"), public);
        let body = json!({"vp_token": {"q": ["x"]}, "state": "s"});
        for enc in ENC_VALUES {
            assert_eq!(decrypt(&encrypt(&public, enc, &body), &private, Some("k1")).expect("decrypts"), body);
        }
        assert!(decrypt(&encrypt(&public, "A192GCM", &body), &private, Some("k1")).is_err());
        let (other, _) = new_key("k2").expect("key");
        assert!(decrypt(&encrypt(&other, "A128GCM", &body), &private, Some("k1")).is_err(), "another key");
        assert!(decrypt("not.a.jwe.at.all", &private, None).is_err());
    }

    /// The encrypted response example of OpenID4VP 1.0 §8.3 (made by the spec's authors, with
    /// the private key the spec prints): our decryption reads it.
    #[test]
    fn decrypts_the_spec_example() {
        let key = json!({"kty": "EC", "kid": "ac", "use": "enc", "crv": "P-256", "alg": "ECDH-ES",
            "x": "YO4epjifD-KWeq1sL2tNmm36BhXnkJ0He-WqMYrp9Fk", "y": "Hekpm0zfK7C-YccH5iBjcIXgf6YdUvNUac_0At55Okk",
            "d": "Et-3ce0omz8_TuZ96Df9lp0GAaaDoUnDe6X-CRO7Aww"});
        let jwe = concat!(
            "eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSIsImtpZCI6ImFjIiwiZXBrIjp7Imt",
            "0eSI6IkVDIiwieCI6Im5ubVZwbTNWM2piaGNhZlFhUkJrU1ZOSGx3Wkh3dC05ck9wSnVmeVlJdWsiLCJ5I",
            "joicjRmakRxd0p5czlxVU9QLV9iM21SNVNaRy0tQ3dPMm1pYzVWU05UWU45ZyIsImNydiI6IlAtMjU2In1",
            "9..uAYcHRUSSn2X0WPX.yVzlGSYG4qbg0bq18JcUiDRw56yVnbKR8E7S7YlEtzT00RqE3Pw5oTpUG3hdLN",
            "4taHZ9gC1kwak8JOnJgQ.1wR024_3-qtAlx1oFIUpQQ"
        );
        let payload = decrypt(jwe, &key.to_string(), Some("ac")).expect("the spec's example decrypts");
        assert_eq!(payload, json!({"vp_token": {"example_credential_id": ["eyJhb...YMetA"]}}));
    }
}
