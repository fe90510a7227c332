//! The wallet's error: one enum for the whole crate.

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The offer URL or offer object is not one this wallet can use.
    #[error("credential offer: {0}")]
    BadOffer(String),
    /// A URL is not allowed (not https, except on this machine) or does not parse.
    #[error("URL {url:?}: {why}")]
    BadUrl {
        /// The URL.
        url: String,
        /// Why.
        why: String,
    },
    /// The issuer's metadata is missing something needed or contradicts the offer.
    #[error("issuer metadata: {0}")]
    BadMetadata(String),
    /// The issuer answered with an OAuth / OpenID4VCI error.
    #[error("issuer refused ({status}): {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Refused {
        /// HTTP status.
        status: u16,
        /// The `error` code (`invalid_grant`, `invalid_proof`, …).
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// The issuer's answer could not be read.
    #[error("unexpected answer from {url}: {why}")]
    BadResponse {
        /// What was asked.
        url: String,
        /// Why it could not be used.
        why: String,
    },
    /// The offer needs a transaction code (PIN) and none was given.
    #[error("this offer needs the transaction code (PIN) the issuer sent you")]
    TxCodeRequired,
    /// The credential received is not bound to this wallet's key.
    #[error("the credential received is not bound to this wallet's key: {0}")]
    NotBound(String),
    /// The network failed.
    #[error("HTTP: {0}")]
    Http(String),
    /// The wallet directory or its files.
    #[error("wallet {path}: {why}")]
    Storage {
        /// The file or directory.
        path: String,
        /// What went wrong.
        why: String,
    },
    /// Building or signing a JWT.
    #[error("signing: {0}")]
    Signing(String),
    /// A presentation request (OpenID4VP) this wallet will not answer: unsigned, signed by a key
    /// the client's DID does not list, malformed, expired, asking for what is not supported.
    #[error("presentation request: {0}")]
    BadRequest(String),
    /// No credential in the wallet answers the request.
    #[error("no credential in this wallet answers the request: {0}")]
    NoMatchingCredential(String),
    /// Encrypting the response.
    #[error("encrypting the response: {0}")]
    Encryption(String),
}
