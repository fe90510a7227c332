//! The messages of the pre-authorized code flow, built and read without I/O: the Token Request
//! (OpenID4VCI 1.0 §6.1), the key proof JWT (Appendix F.1), the Credential Request (§8.2), and the
//! answers and errors (§6.2, §7.2, §8.3). Pure.

use chrono::{DateTime, Utc};
use medcred_formats::jwt::sign_compact;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::WalletError;
use crate::key::HolderKey;
use crate::metadata::ConfigurationMetadata;
use crate::offer::PRE_AUTHORIZED_GRANT;

/// The `typ` of a key proof JWT.
pub const PROOF_TYP: &str = "openid4vci-proof+jwt";

/// The form parameters of a Token Request.
pub fn token_request(code: &str, tx_code: Option<&str>) -> Vec<(&'static str, String)> {
    let mut form = vec![("grant_type", PRE_AUTHORIZED_GRANT.to_owned()), ("pre-authorized_code", code.to_owned())];
    if let Some(tx) = tx_code {
        form.push(("tx_code", tx.to_owned()));
    }
    form
}

/// A successful Token Response.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// `Bearer` (DPoP-bound tokens are not supported).
    pub token_type: String,
    /// Seconds it lives, if said.
    pub expires_in: Option<i64>,
}

impl TokenResponse {
    /// Read a Token Response body.
    pub fn from_json(v: Value) -> Result<Self, String> {
        let t: TokenResponse = serde_json::from_value(v).map_err(|e| e.to_string())?;
        if !t.token_type.eq_ignore_ascii_case("bearer") {
            return Err(format!("token_type {:?} is not Bearer", t.token_type));
        }
        Ok(t)
    }
}

/// An OAuth / OpenID4VCI error body, if `body` is one.
pub fn error_of(status: u16, body: &Value) -> Option<WalletError> {
    let error = body.get("error")?.as_str()?.to_owned();
    let description = body.get("error_description").and_then(Value::as_str).map(|d| d.chars().take(500).collect());
    Some(WalletError::Refused { status, error, description })
}

/// How the proof names the holder key, chosen from what the configuration binds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `jwk` header (binding method `jwk`, e.g. SD-JWT VC `cnf.jwk`).
    Jwk,
    /// `kid` = the holder's did:jwk `#0`.
    DidJwk,
    /// `kid` = the holder's did:key verification method.
    DidKey,
}

/// Pick the binding for `config`, and check it takes EdDSA proofs (the holder key is Ed25519).
pub fn binding_for(config: &ConfigurationMetadata) -> Result<Binding, WalletError> {
    let algs = config
        .proof_types_supported
        .get("jwt")
        .and_then(|j| j.get("proof_signing_alg_values_supported"))
        .and_then(Value::as_array);
    match algs {
        Some(algs) if algs.iter().any(|a| a == "EdDSA" || a == "Ed25519") => {}
        Some(_) => return Err(WalletError::BadMetadata("the issuer does not take EdDSA key proofs".into())),
        None if config.cryptographic_binding_methods_supported.is_empty() => {}
        None => return Err(WalletError::BadMetadata("the issuer does not take jwt key proofs".into())),
    }
    let methods = &config.cryptographic_binding_methods_supported;
    let has = |m: &str| methods.iter().any(|x| x == m);
    if methods.is_empty() || has("jwk") {
        Ok(Binding::Jwk)
    } else if has("did:jwk") {
        Ok(Binding::DidJwk)
    } else if has("did:key") {
        Ok(Binding::DidKey)
    } else {
        Err(WalletError::BadMetadata(format!("no binding method this wallet has among {methods:?}")))
    }
}

/// The key proof JWT: `typ` `openid4vci-proof+jwt`, EdDSA, the key as `binding` says; `aud` the
/// Credential Issuer, `iat`, `nonce` when the issuer gave one. No `iss`: the token came from an
/// anonymous pre-authorized code exchange.
pub fn proof_jwt(
    key: &HolderKey,
    binding: Binding,
    audience: &str,
    nonce: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, WalletError> {
    let mut header = json!({"typ": PROOF_TYP, "alg": "EdDSA"});
    match binding {
        Binding::Jwk => header["jwk"] = key.public_jwk(),
        Binding::DidJwk => header["kid"] = json!(key.did_jwk_kid()),
        Binding::DidKey => header["kid"] = json!(key.did_key().1),
    }
    let mut claims = json!({"aud": audience, "iat": now.timestamp()});
    if let Some(n) = nonce {
        claims["nonce"] = json!(n);
    }
    sign_compact(&header, claims.to_string().as_bytes(), &key.signer()).map_err(|e| WalletError::Signing(e.to_string()))
}

/// The Credential Request body.
pub fn credential_request(configuration_id: &str, proof: &str) -> Value {
    json!({"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}})
}

/// The credentials of a Credential Response (deferred issuance is not supported).
pub fn credentials_of(body: &Value) -> Result<Vec<Value>, String> {
    if body.get("transaction_id").is_some() {
        return Err("the issuer deferred issuance (transaction_id), which this wallet does not support".into());
    }
    let list = body.get("credentials").and_then(Value::as_array).ok_or("no credentials array")?;
    let out: Vec<Value> = list.iter().filter_map(|c| c.get("credential").cloned()).collect();
    if out.is_empty() || out.len() != list.len() {
        return Err("each entry of credentials must hold a credential".into());
    }
    Ok(out)
}

/// The `c_nonce` of a Nonce Response.
pub fn nonce_of(body: &Value) -> Result<String, String> {
    body.get("c_nonce").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| "no c_nonce".into())
}

#[cfg(test)]
mod tests {
    use medcred_formats::jwt::{decode, verify, VerifierKey};

    use super::*;

    fn config(methods: &[&str], algs: &[&str]) -> ConfigurationMetadata {
        serde_json::from_value(json!({
            "format": "ldp_vc",
            "cryptographic_binding_methods_supported": methods,
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": algs}}
        }))
        .expect("config")
    }

    #[test]
    fn proof_is_typed_signed_and_names_the_key() {
        let key = HolderKey::generate();
        let now: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().expect("time");
        for (binding, kid) in
            [(Binding::Jwk, None), (Binding::DidJwk, Some(key.did_jwk_kid())), (Binding::DidKey, Some(key.did_key().1))]
        {
            let jwt = proof_jwt(&key, binding, "https://i.example", Some("n"), now).expect("proof");
            let d = decode(&jwt).expect("jws");
            assert_eq!(d.typ(), Some(PROOF_TYP));
            assert_eq!(d.kid().map(str::to_owned), kid);
            assert_eq!(d.header.contains_key("jwk"), binding == Binding::Jwk);
            verify(&d, &VerifierKey::from_jwk(&key.public_jwk()).expect("key")).expect("signed by the holder");
            let c = d.claims().expect("claims");
            assert_eq!(
                (c["aud"].as_str(), c["nonce"].as_str(), c["iat"].as_i64()),
                (Some("https://i.example"), Some("n"), Some(now.timestamp()))
            );
            assert!(!c.contains_key("iss"));
        }
    }

    #[test]
    fn binding_follows_the_configuration() {
        assert_eq!(binding_for(&config(&["jwk"], &["ES256", "EdDSA"])).expect("jwk"), Binding::Jwk);
        assert_eq!(binding_for(&config(&["did:key", "did:jwk"], &["EdDSA"])).expect("did"), Binding::DidJwk);
        assert_eq!(binding_for(&config(&["did:key"], &["EdDSA"])).expect("did:key"), Binding::DidKey);
        assert!(binding_for(&config(&["jwk"], &["ES256"])).is_err(), "ES256 only");
        assert!(binding_for(&config(&["cose_key"], &["EdDSA"])).is_err());
    }

    #[test]
    fn reads_answers_and_errors() {
        assert!(TokenResponse::from_json(json!({"access_token": "t", "token_type": "DPoP"})).is_err());
        assert_eq!(
            TokenResponse::from_json(json!({"access_token": "t", "token_type": "bearer"})).expect("ok").access_token,
            "t"
        );
        let e = error_of(400, &json!({"error": "invalid_grant", "error_description": "wrong"})).expect("error");
        assert!(matches!(e, WalletError::Refused { status: 400, ref error, .. } if error == "invalid_grant"));
        assert!(error_of(200, &json!({"ok": true})).is_none());
        assert_eq!(credentials_of(&json!({"credentials": [{"credential": "x"}]})).expect("one"), vec![json!("x")]);
        assert!(credentials_of(&json!({"transaction_id": "t", "interval": 5})).is_err());
        assert!(credentials_of(&json!({"credentials": []})).is_err());
        assert_eq!(nonce_of(&json!({"c_nonce": "n"})).expect("nonce"), "n");
    }
}
