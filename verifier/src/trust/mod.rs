//! The trust list: which boards (issuer DIDs) a deployment accepts, for which credential types and
//! jurisdictions. It is kept by the deployment or a federation and travels as a compact JWS
//! (`typ` [`TRUST_LIST_TYP`], EdDSA) so that it can be loaded from a file or a URL and checked
//! against the signer keys a verifier is configured with.
//!
//! A list expires (`exp`) and carries a `sequence` number: a verifier that already holds sequence
//! n refuses an older list, so an attacker cannot replay a list from before a board lost its
//! accreditation.

mod list;
mod signed;

pub use list::{Accreditation, TrustDecision, TrustList};
pub use signed::{TrustListError, MAX_ENTRIES, TRUST_LIST_TYP};
