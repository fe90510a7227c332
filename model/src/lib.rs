//! The medcred credential model: what a medical license and a patient identity credential say,
//! the controlled vocabularies they use, and the checks an issuer runs before signing anything.
//!
//! Pure: no I/O, no clock (callers pass dates in), compiles for `wasm32-unknown-unknown`.

pub mod context;
pub mod dcql;
pub mod did;
pub mod document;
pub mod error;
pub mod license;
pub mod patient;
pub mod request;
pub mod vocab;

pub use did::Did;
pub use document::{CredentialKind, IssuerRef};
pub use error::{FieldError, ValidationErrors};
pub use license::LicenseClaims;
pub use patient::{PatientClaims, Portrait};
pub use request::{Claims, IssueRequest};
pub use vocab::{Jurisdiction, LicenseType, Npi};
