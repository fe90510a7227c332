//! Errors of the wallet-facing OpenID4VCI endpoints, mapped to HTTP once: the OAuth shape
//! `{error, error_description}` with the codes of RFC 6749 §5.2 (token endpoint), RFC 6750 §3.1
//! (bearer token) and OpenID4VCI 1.0 §8.3.1.2 (credential request). `Cache-Control: no-store` on
//! every answer. Server faults are logged once and answered with a generic description.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::IssuerError;

/// Why an OpenID4VCI request failed.
#[derive(Debug, thiserror::Error)]
pub enum Oid4vciError {
    /// RFC 6749 `invalid_request`: a parameter is missing, repeated or malformed.
    #[error("{0}")]
    InvalidRequest(String),
    /// RFC 6749 `invalid_grant`: unknown, expired or used pre-authorized code, wrong or too many
    /// transaction codes.
    #[error("{0}")]
    InvalidGrant(String),
    /// RFC 6749 `unsupported_grant_type`.
    #[error("{0}")]
    UnsupportedGrantType(String),
    /// RFC 6750: no bearer token was presented (no error code in the challenge).
    #[error("a bearer access token is required")]
    NoToken,
    /// RFC 6750 `invalid_token`: unknown, expired or used access token.
    #[error("{0}")]
    InvalidToken(String),
    /// RFC 6750 `insufficient_scope`: the token does not cover the requested configuration.
    #[error("{0}")]
    InsufficientScope(String),
    /// `invalid_credential_request`: the credential request is malformed.
    #[error("{0}")]
    InvalidCredentialRequest(String),
    /// `unknown_credential_configuration`.
    #[error("{0}")]
    UnknownCredentialConfiguration(String),
    /// `invalid_proof`: the key proof is missing or does not check.
    #[error("{0}")]
    InvalidProof(String),
    /// `invalid_nonce`: the proof's `c_nonce` is unknown, used or expired.
    #[error("{0}")]
    InvalidNonce(String),
    /// `credential_request_denied`: the credential can no longer be issued (e.g. revoked).
    #[error("{0}")]
    Denied(String),
    /// The offer asked for by reference does not exist (or is no longer live).
    #[error("no live credential offer has this reference")]
    OfferNotFound,
    /// A fault of ours (storage, signing, keys).
    #[error(transparent)]
    Server(#[from] IssuerError),
}

impl From<medcred_store::StoreError> for Oid4vciError {
    fn from(e: medcred_store::StoreError) -> Self {
        Oid4vciError::Server(e.into())
    }
}

/// `error_description` may carry only `%x20-21 / %x23-5B / %x5D-7E` (RFC 6749 §5.2).
fn ascii_description(s: &str) -> String {
    s.chars().map(|c| if matches!(c, ' '..='~') && c != '"' && c != '\\' { c } else { '?' }).collect()
}

impl IntoResponse for Oid4vciError {
    fn into_response(self) -> Response {
        use Oid4vciError as E;
        let (status, code) = match &self {
            E::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            E::InvalidGrant(_) => (StatusCode::BAD_REQUEST, "invalid_grant"),
            E::UnsupportedGrantType(_) => (StatusCode::BAD_REQUEST, "unsupported_grant_type"),
            E::NoToken | E::InvalidToken(_) => (StatusCode::UNAUTHORIZED, "invalid_token"),
            E::InsufficientScope(_) => (StatusCode::FORBIDDEN, "insufficient_scope"),
            E::InvalidCredentialRequest(_) => (StatusCode::BAD_REQUEST, "invalid_credential_request"),
            E::UnknownCredentialConfiguration(_) => (StatusCode::BAD_REQUEST, "unknown_credential_configuration"),
            E::InvalidProof(_) => (StatusCode::BAD_REQUEST, "invalid_proof"),
            E::InvalidNonce(_) => (StatusCode::BAD_REQUEST, "invalid_nonce"),
            E::Denied(_) => (StatusCode::BAD_REQUEST, "credential_request_denied"),
            E::OfferNotFound => (StatusCode::NOT_FOUND, "not_found"),
            E::Server(IssuerError::Store(
                medcred_store::StoreError::Unavailable(_) | medcred_store::StoreError::Full(_),
            )) => {
                tracing::error!(error = %self, "storage unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable")
            }
            E::Server(_) => {
                tracing::error!(error = %self, "server error");
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error")
            }
        };
        let description = match &self {
            E::Server(_) => "internal error; it has been logged".to_owned(),
            other => ascii_description(&other.to_string()),
        };
        let mut resp = (status, Json(json!({"error": code, "error_description": description}))).into_response();
        let headers = resp.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        let challenge = match &self {
            E::NoToken => Some("Bearer".to_owned()),
            E::InvalidToken(_) | E::InsufficientScope(_) => {
                Some(format!("Bearer error=\"{code}\", error_description=\"{description}\""))
            }
            _ => None,
        };
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_stay_in_the_allowed_ascii_set() {
        assert_eq!(ascii_description("bad \"kid\" ‖ x\\y"), "bad ?kid? ? x?y");
        let r = Oid4vciError::InvalidToken("expired".into()).into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let challenge = r.headers()[header::WWW_AUTHENTICATE].to_str().expect("ascii");
        assert!(challenge.starts_with("Bearer error=\"invalid_token\""));
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        let r = Oid4vciError::NoToken.into_response();
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
        let r = Oid4vciError::Server(IssuerError::Internal("boom".into())).into_response();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
