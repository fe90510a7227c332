//! Securing formats for medcred credentials, each a pair of pure functions (sign, verify):
//!
//! - [`di_rdfc`]: W3C Data Integrity `eddsa-rdfc-2022` (RDF canonicalization, through ssi);
//! - [`di_jcs`]: W3C Data Integrity `eddsa-jcs-2022` (RFC 8785 JCS, ours: ssi lacks it);
//! - [`jwt`]: W3C VC-JOSE-COSE `vc+jwt` (compact JWS, EdDSA);
//! - [`sd_jwt`]: IETF SD-JWT VC `dc+sd-jwt` (RFC 9901 selective disclosure, `cnf` holder key).
//!
//! No I/O: verification takes the already-resolved public key; resolving DIDs and deciding whether
//! the key may speak for the issuer is the verifier's job.

pub mod di_jcs;
#[cfg(feature = "rdfc")]
pub mod di_rdfc;
pub mod error;
pub mod format;
#[cfg(feature = "rdfc")]
mod iri_escapes;
pub mod jcs;
pub mod jwt;
pub mod keys;
pub mod sd_jwt;

pub use error::FormatError;
pub use format::Format;
pub use keys::IssuerKey;
