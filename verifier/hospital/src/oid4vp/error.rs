//! Errors of the wallet-facing OpenID4VP endpoints (§8.5): HTTP 400 (404 for an unknown request)
//! with `{error, error_description}` and `Cache-Control: no-store`. Server faults are logged once
//! and answered with a generic description.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::HospitalError;

/// Why the request object could not be served or the response was refused.
#[derive(Debug, thiserror::Error)]
pub enum Oid4vpError {
    /// `invalid_request`: malformed, replayed, expired, wrong state, wrong mode.
    #[error("invalid_request: {0}")]
    InvalidRequest(String),
    /// No such request.
    #[error("unknown presentation request")]
    UnknownRequest,
    /// A fault of ours.
    #[error(transparent)]
    Server(HospitalError),
}

impl From<HospitalError> for Oid4vpError {
    fn from(e: HospitalError) -> Self {
        match e {
            HospitalError::NotFound(_) => Oid4vpError::UnknownRequest,
            other => Oid4vpError::Server(other),
        }
    }
}

pub(crate) fn invalid(why: impl Into<String>) -> Oid4vpError {
    Oid4vpError::InvalidRequest(why.into())
}

impl IntoResponse for Oid4vpError {
    fn into_response(self) -> Response {
        let (status, error, description) = match self {
            Oid4vpError::InvalidRequest(why) => (StatusCode::BAD_REQUEST, "invalid_request", why),
            Oid4vpError::UnknownRequest => {
                (StatusCode::NOT_FOUND, "invalid_request", "no such presentation request".to_owned())
            }
            Oid4vpError::Server(e) => return e.into_response(),
        };
        let mut resp = (status, Json(json!({"error": error, "error_description": description}))).into_response();
        resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        resp
    }
}
