//! Why a DCQL query or a claims path pointer was refused.

/// A DCQL query, or a claims path pointer, that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DcqlError {
    /// The query breaks a rule of OpenID4VP 1.0 §6 (shape, identifiers, required members).
    #[error("DCQL {at}: {why}")]
    Invalid {
        /// Where in the query (e.g. `credentials[0].claims[1].path`).
        at: String,
        /// What is wrong.
        why: String,
    },
    /// Processing a claims path pointer failed (§7.1.1: a step met the wrong JSON type, or
    /// nothing was selected).
    #[error("claims path {path}: {why}")]
    Path {
        /// The pointer, as JSON.
        path: String,
        /// What went wrong.
        why: String,
    },
}

pub(crate) fn invalid(at: impl Into<String>, why: impl Into<String>) -> DcqlError {
    DcqlError::Invalid { at: at.into(), why: why.into() }
}
