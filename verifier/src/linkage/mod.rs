//! DIF Well-Known DID Configuration (domain linkage): does the origin serving a did:web issuer's
//! DID publish, at `/.well-known/did-configuration.json`, a Domain Linkage Credential linking that
//! DID to itself? (identity.foundation/.well-known/resources/did-configuration, v1.0.)
//!
//! The resource comes through the [`LinkageSource`] trait, so the engine does no I/O. [`check`]
//! reads it and decides; [`verify_jwt_linkage`] checks one credential in the JSON Web Token proof
//! format: `kid` a method under the DID's `assertionMethod`, the signature, `iss` = `sub` =
//! `vc.credentialSubject.id` = the DID, `vc.type` with `DomainLinkageCredential`, `origin` the
//! origin the resource came from, `nbf` (required) and `exp` (when present) around now. Entries in
//! the JSON-LD (Linked Data Proof) form are not verified: they can neither pass nor fail a link.
//!
//! How it counts (in the `issuer_trust` check): verified → a detail; nothing published, or not
//! fetchable → a detail, nothing fails (publishing one is optional); published but not linking
//! the DID with a credential that verifies → the check fails.

mod check;
mod credential;
mod origin;
#[cfg(test)]
mod testing;

pub(crate) use check::{check, Linkage};
pub use credential::{verify_jwt_linkage, LinkageError, DOMAIN_LINKAGE_TYPE};
pub use origin::normalize_origin;

/// The `@context` of a DID Configuration resource.
pub const DID_CONFIGURATION_CONTEXT: &str = "https://identity.foundation/.well-known/did-configuration/v1";

/// Where an origin publishes its DID Configuration resource.
pub const DID_CONFIGURATION_PATH: &str = "/.well-known/did-configuration.json";

/// Gives the DID Configuration resource of the origin that serves a did:web host.
///
/// Synchronous on purpose, like [`crate::DidResolver`]: implementations answer from what the
/// caller fetched beforehand (and may remember what was asked for, to fetch it and run again).
pub trait LinkageSource: Send + Sync {
    /// The resource of the origin serving the did:web host `host`, as written in the DID
    /// (`board.example`, `localhost%3A8080`).
    fn did_configuration(&self, host: &str) -> FetchedConfiguration;
}

/// A DID Configuration resource as fetched, and the origin it was (or would be) fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedConfiguration {
    /// The origin (`https://board.example`, `http://localhost:8080`): what the credentials'
    /// `origin` must name.
    pub origin: String,
    /// The resource's body, verbatim, or why there is none.
    pub resource: Result<String, LinkageSourceError>,
}

/// Why there is no DID Configuration resource to read. Neither says anything against an issuer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkageSourceError {
    /// The origin publishes none (HTTP 404 or 410).
    #[error("no DID configuration published")]
    NotPublished,
    /// It could not be fetched (server unreachable, an error status, not fetched yet...).
    #[error("could not fetch the DID configuration: {0}")]
    Unavailable(String),
}
