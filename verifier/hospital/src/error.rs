//! The hospital service's error, and its HTTP mapping (done once): a stable machine `code`, a
//! human `message`; server faults are logged here and the client sees a generic message.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_store::StoreError;
use serde_json::json;

/// What can go wrong in a hospital operation.
#[derive(Debug, thiserror::Error)]
pub enum HospitalError {
    /// The request is malformed; `code` is stable, `message` says how.
    #[error("{message}")]
    BadRequest {
        /// Machine-readable code.
        code: &'static str,
        /// For a human.
        message: String,
    },
    /// The input is not a verifiable credential or presentation at all; `report` says why.
    #[error("{message}")]
    Unreadable {
        /// For a human.
        message: String,
        /// The engine's report (its syntax check failed).
        report: serde_json::Value,
    },
    /// Refused at the HTTP layer (body too large, wrong media type, malformed JSON).
    #[error("{message}")]
    Refused {
        /// Status to answer with.
        status: StatusCode,
        /// Machine-readable code.
        code: &'static str,
        /// For a human.
        message: String,
    },
    /// No such hospital, verification, watch... (or not this caller's).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The name is taken.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// No valid bearer token.
    #[error("a valid bearer token is required")]
    Unauthenticated,
    /// The token may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The hospital has no active signing key.
    #[error("the hospital has no active signing key")]
    NoActiveKey,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// Key sealing failed (wrong master key, corrupt row).
    #[error("key store: {0}")]
    Keystore(#[from] medcred_issuer::keystore::KeystoreError),
    /// Signing failed.
    #[error("signing: {0}")]
    Signing(#[from] medcred_formats::FormatError),
    /// A fault of ours.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for HospitalError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => HospitalError::NotFound(what),
            StoreError::Conflict(what) => HospitalError::Conflict(what),
            other => HospitalError::Store(other),
        }
    }
}

impl HospitalError {
    /// Shorthand for [`HospitalError::BadRequest`].
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        HospitalError::BadRequest { code, message: message.into() }
    }
}

impl IntoResponse for HospitalError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            HospitalError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, *code, message.clone()),
            HospitalError::Refused { status, code, message } => (*status, *code, message.clone()),
            HospitalError::Unreadable { message, report } => {
                let body = json!({"code": "malformed_credential", "message": message, "report": report});
                return (StatusCode::BAD_REQUEST, Json(body)).into_response();
            }
            HospitalError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", self.to_string()),
            HospitalError::Conflict(_) => (StatusCode::CONFLICT, "conflict", self.to_string()),
            HospitalError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", self.to_string()),
            HospitalError::Forbidden(why) => (StatusCode::FORBIDDEN, "forbidden", (*why).to_owned()),
            HospitalError::NoActiveKey => (StatusCode::CONFLICT, "no_active_key", self.to_string()),
            HospitalError::Store(StoreError::Unavailable(_)) => {
                tracing::error!(error = %self, "storage unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "the database is unavailable; retry later".into(),
                )
            }
            HospitalError::Store(StoreError::Full(_)) => {
                tracing::error!(error = %self, "storage full");
                (StatusCode::INSUFFICIENT_STORAGE, "storage_full", "storage is full; nothing was changed".into())
            }
            HospitalError::Store(_)
            | HospitalError::Keystore(_)
            | HospitalError::Signing(_)
            | HospitalError::Internal(_) => {
                tracing::error!(error = %self, "server error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; it has been logged".into())
            }
        };
        let mut resp = (status, Json(json!({"code": code, "message": message}))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert("www-authenticate", HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert("retry-after", HeaderValue::from_static("5"));
        }
        resp
    }
}
