//! The accounts layer's error.

use medcred_store::StoreError;

/// Why an accounts operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong email or password, or the account is locked: one answer for all three, so that
    /// sign-in does not tell which emails have accounts.
    #[error("{}", crate::pages::signin::SIGN_IN_FAILED)]
    InvalidCredentials,
    /// A field of a new account is not acceptable.
    #[error("{message}")]
    Invalid {
        /// The field (`email`, `password`, `name`, `role`).
        field: &'static str,
        /// For people.
        message: String,
    },
    /// The organisation named does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Another account has this email.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// Storage failed (the detail is for logs).
    #[error("storage: {0}")]
    Store(StoreError),
    /// Hashing failed or a worker died.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for AuthError {
    fn from(e: StoreError) -> Self {
        AuthError::Store(e)
    }
}
