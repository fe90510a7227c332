//! The registry service's error, mapped to HTTP once (same `{code, message}` shape as the issuer).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_issuer::api::error::ApiError;
use medcred_issuer::IssuerError;
use medcred_store::StoreError;
use serde_json::json;

/// Why a registry operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// From the issuer layer (boards, keys, authentication).
    #[error(transparent)]
    Issuer(#[from] IssuerError),
    /// The client's mistake (malformed id, index out of range, bad tile path…).
    #[error("{message}")]
    BadRequest {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// The change contradicts the credential's state (e.g. reinstating a revoked credential).
    #[error("{message}")]
    Conflict {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// Not there (or not the caller's).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The committer is gone (shutting down) or the list kept changing: retry later.
    #[error("registry unavailable: {0}")]
    Unavailable(String),
    /// The database could not be reached: nothing was changed, retry later.
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(String),
    /// Storage is full: nothing was changed; reads go on working.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The chain node could not be reached or refused the anchor; the periodic round retries.
    /// The message is safe to show (no RPC URL path or key).
    #[error("anchoring failed: {0}")]
    Chain(String),
    /// This process serves a read-only replica (`medcred serve --read-only`): the operation would
    /// write. The message says what to send to the primary instead.
    #[error("read-only: {0}")]
    ReadOnly(String),
    /// A bug or corrupt stored data.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for RegistryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => RegistryError::NotFound(what),
            StoreError::Unavailable(why) => RegistryError::DatabaseUnavailable(why),
            StoreError::Full(why) => RegistryError::StorageFull(why),
            other => RegistryError::Internal(other.to_string()),
        }
    }
}

impl RegistryError {
    /// A client error.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        RegistryError::BadRequest { code, message: message.into() }
    }

    /// The same error again, for each waiter of a failed batch (server faults keep their kind,
    /// so a client still sees 503 or 507 with its code rather than a 500).
    pub fn duplicate(&self) -> Self {
        match self {
            RegistryError::BadRequest { code, message } => RegistryError::BadRequest { code, message: message.clone() },
            RegistryError::Conflict { code, message } => RegistryError::Conflict { code, message: message.clone() },
            RegistryError::NotFound(what) => RegistryError::NotFound(what),
            RegistryError::Unavailable(why) => RegistryError::Unavailable(why.clone()),
            RegistryError::DatabaseUnavailable(why) => RegistryError::DatabaseUnavailable(why.clone()),
            RegistryError::StorageFull(why) => RegistryError::StorageFull(why.clone()),
            RegistryError::Chain(why) => RegistryError::Chain(why.clone()),
            RegistryError::ReadOnly(why) => RegistryError::ReadOnly(why.clone()),
            RegistryError::Issuer(IssuerError::Store(StoreError::Unavailable(why))) => {
                RegistryError::DatabaseUnavailable(why.clone())
            }
            RegistryError::Issuer(IssuerError::Store(StoreError::Full(why))) => RegistryError::StorageFull(why.clone()),
            other => RegistryError::Internal(other.to_string()),
        }
    }

    /// Whether this is the client's mistake (4xx), not ours.
    pub fn is_client_error(&self) -> bool {
        matches!(self, RegistryError::BadRequest { .. } | RegistryError::Conflict { .. } | RegistryError::NotFound(_))
    }
}

impl IntoResponse for RegistryError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            RegistryError::Issuer(e) => return ApiError::Service(e).into_response(),
            RegistryError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            RegistryError::Conflict { code, message } => (StatusCode::CONFLICT, code, message),
            RegistryError::NotFound(what) => (StatusCode::NOT_FOUND, "not_found", format!("{what} not found")),
            RegistryError::Unavailable(why) => {
                tracing::error!(error = %why, "registry unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the registry is unavailable; retry later".into())
            }
            RegistryError::DatabaseUnavailable(why) => {
                tracing::error!(error = %why, "database unavailable");
                let message = String::from("the database is unavailable; nothing was changed, retry later");
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", message)
            }
            RegistryError::StorageFull(why) => {
                tracing::error!(error = %why, "storage full");
                let message = String::from("storage is full; nothing was changed (reads still work)");
                (StatusCode::INSUFFICIENT_STORAGE, "storage_full", message)
            }
            RegistryError::Chain(why) => {
                tracing::warn!(error = %why, "anchoring failed");
                (StatusCode::SERVICE_UNAVAILABLE, "chain_unavailable", format!("{why}; the periodic round retries"))
            }
            // Not a fault: this process cannot write, and retrying here will not help (no
            // Retry-After below); the client goes to the primary.
            RegistryError::ReadOnly(why) => {
                let mut resp = (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"code": "read_only", "message": why})))
                    .into_response();
                resp.headers_mut()
                    .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
                return resp;
            }
            RegistryError::Internal(why) => {
                tracing::error!(error = %why, "registry error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; it has been logged".into())
            }
        };
        let mut resp = (status, Json(json!({"code": code, "message": message}))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("1"));
        }
        resp
    }
}
