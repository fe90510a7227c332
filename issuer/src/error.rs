//! The issuer's error: one enum for the service layer, mapped to HTTP once in `api::error`.

use medcred_formats::FormatError;
use medcred_model::ValidationErrors;
use medcred_store::StoreError;

use crate::keystore::KeystoreError;

/// Why an issuer operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    /// The request's fields are invalid (each named).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// A request-level problem that is the client's (bad option, unknown format, …).
    #[error("{message}")]
    BadRequest {
        /// Stable machine code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// The credential names an issuer other than the board the caller acts for.
    #[error("credential issuer {claimed} is not this board ({board})")]
    IssuerMismatch {
        /// What the request said.
        claimed: String,
        /// The board's DID.
        board: String,
    },
    /// The board has no active signing key.
    #[error("board has no active signing key")]
    NoActiveKey,
    /// The thing asked for does not exist (or is not the caller's).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// It already exists.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// No or unknown credentials.
    #[error("authentication required")]
    Unauthenticated,
    /// Authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Key material could not be unsealed (wrong master key, corruption).
    #[error("key store: {0}")]
    Keystore(#[from] KeystoreError),
    /// Signing failed.
    #[error("signing: {0}")]
    Signing(#[from] FormatError),
    /// Storage failed.
    #[error("storage: {0}")]
    Store(StoreError),
    /// A bug or an environment failure (e.g. a worker thread died).
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for IssuerError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => IssuerError::NotFound(what),
            StoreError::Conflict(what) => IssuerError::Conflict(what),
            other => IssuerError::Store(other),
        }
    }
}
