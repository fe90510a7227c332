//! HTTP mapping of issuer errors, done once: a stable machine `code`, a human `message`, and for
//! validation failures the list of field errors. Server faults are logged here and the client
//! sees a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::IssuerError;

/// An error response: a service error, or an HTTP-level refusal (body too large, wrong media
/// type) decided before the service ran.
#[derive(Debug)]
pub enum ApiError {
    /// From the issuer service.
    Service(IssuerError),
    /// Refused at the HTTP layer.
    Http {
        /// Status to answer with.
        status: StatusCode,
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
}

impl<E: Into<IssuerError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError::Service(e.into())
    }
}

impl ApiError {
    /// A client error with a code and message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Service(IssuerError::BadRequest { code, message: message.into() })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = match self {
            ApiError::Http { status, code, message } => {
                return (status, Json(json!({"code": code, "message": message}))).into_response()
            }
            ApiError::Service(e) => e,
        };
        let (status, code, message, fields) = match &err {
            IssuerError::Invalid(v) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_credential", err.to_string(), Some(&v.0))
            }
            IssuerError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, *code, message.clone(), None),
            IssuerError::IssuerMismatch { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "issuer_mismatch", err.to_string(), None)
            }
            IssuerError::NoActiveKey => (StatusCode::CONFLICT, "no_active_key", err.to_string(), None),
            IssuerError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", err.to_string(), None),
            IssuerError::Conflict(_) => (StatusCode::CONFLICT, "conflict", err.to_string(), None),
            IssuerError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "unauthenticated", "a valid bearer token is required".into(), None)
            }
            IssuerError::Forbidden(why) => (StatusCode::FORBIDDEN, "forbidden", (*why).into(), None),
            IssuerError::Store(medcred_store::StoreError::Unavailable(_)) => {
                tracing::error!(error = %err, "storage unavailable");
                let message = String::from("the database is unavailable; nothing was changed, retry later");
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", message, None)
            }
            IssuerError::Store(medcred_store::StoreError::Full(_)) => {
                tracing::error!(error = %err, "storage full");
                let message = String::from("storage is full; nothing was changed (reads still work)");
                (StatusCode::INSUFFICIENT_STORAGE, "storage_full", message, None)
            }
            IssuerError::Keystore(_) | IssuerError::Signing(_) | IssuerError::Store(_) | IssuerError::Internal(_) => {
                tracing::error!(error = %err, "server error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; it has been logged".into(), None)
            }
        };
        let mut body = json!({"code": code, "message": message});
        if let Some(fields) = fields {
            body["errors"] = json!(fields);
        }
        let mut resp = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert("www-authenticate", axum::http::HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("5"));
        }
        resp
    }
}
