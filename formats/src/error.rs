//! Errors of the securing formats.

/// Why a credential could not be signed, or why its proof does not verify.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The input is not well-formed for this format (bad JSON, bad base64, missing member...).
    #[error("malformed {what}: {why}")]
    Malformed {
        /// Which part was malformed.
        what: &'static str,
        /// Details.
        why: String,
    },
    /// The proof or signature does not verify against the given key.
    #[error("signature does not verify: {0}")]
    BadSignature(String),
    /// The proof uses a suite, algorithm or key type this format does not handle.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Signing failed (should not happen with a valid key).
    #[error("signing failed: {0}")]
    Signing(String),
}

impl FormatError {
    /// Shorthand for [`FormatError::Malformed`].
    pub fn malformed(what: &'static str, why: impl ToString) -> Self {
        FormatError::Malformed { what, why: why.to_string() }
    }
}
