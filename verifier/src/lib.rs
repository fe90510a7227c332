//! medcred verification engine: detect a credential's format, resolve its issuer's DID, check
//! issuer binding, proof, validity period and status, and report each as a named check with a
//! verdict that is never "valid" when a check could not run.
//!
//! Pure and wasm-friendly: no runtime, no network, no clock (time is passed in); DID documents
//! come through the [`DidResolver`] trait, status lists and their ledger proofs through the
//! [`StatusSource`] trait, did:web issuers' DID Configuration resources (domain linkage) through
//! the [`LinkageSource`] trait.

pub mod danger;
pub mod detect;
pub mod engine;
pub mod limits;
pub mod linkage;
pub mod presentation;
pub mod report;
pub mod resolve;
pub mod standing;
pub mod status;
pub mod trust;

pub use danger::Danger;
pub use detect::{detect, Content, Detected, SyntaxError};
pub use engine::{verify_credential, verify_credential_with, VerifyContext, DEFAULT_MAX_CHECKPOINT_AGE, DEFAULT_SKEW};
pub use linkage::{FetchedConfiguration, LinkageSource, LinkageSourceError};
pub use presentation::{
    presented_credentials, verify_presentation, PresentationExpectations, PresentationFormat, PresentationReport,
};
pub use report::{Check, CheckName, Outcome, Report, Verdict};
pub use resolve::{assertion_key, BindingError, DidResolver, OfflineResolver, ResolveError};
pub use standing::Standing;
pub use status::{
    FetchedStatusList, MemoryStatusSource, MemoryVerifiedLists, StatusSource, StatusSourceError, VerifiedLists,
};
