//! DID resolution behind a small trait the engine defines, an offline resolver, and the issuer
//! binding rule that picks the key out of a resolved DID document ([`assertion_key`]).

mod binding;
mod derive;
mod multikey;
mod offline;

pub use binding::{assertion_key, assertion_method, related_method, verification_key, BindingError};
pub use offline::OfflineResolver;

use serde_json::Value;

/// Resolves a DID (no path, query or fragment) to its DID document, as JSON.
///
/// Synchronous on purpose: implementations answer from what they hold (derived documents, a
/// cache filled by the service before verifying), so the engine does no I/O of its own.
pub trait DidResolver: Send + Sync {
    /// The DID document of `did`.
    fn resolve(&self, did: &str) -> Result<Value, ResolveError>;
}

/// Why a DID could not be resolved. None of these says the credential is bad: the engine reports
/// them as "could not check".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The DID method says this DID does not exist (e.g. HTTP 404 for did:web).
    #[error("the DID does not exist")]
    NotFound,
    /// This resolver does not handle the DID's method (or the key type of a did:key).
    #[error("DID method not supported")]
    MethodNotSupported,
    /// The DID's document cannot be obtained right now (network needed, server down...).
    #[error("DID document unavailable: {0}")]
    Unavailable(String),
    /// Not a syntactically valid DID of its method.
    #[error("not a valid DID")]
    InvalidDid,
}
