//! medcred hospitals: verifier organisations with their own did:web and signing key. Each
//! verification done for a hospital is recorded and can be exported as a receipt the hospital
//! signs (primary-source verification evidence); the credentials it verified can be watched, and
//! a change of standing (revoked, suspended, expiring, …) becomes a stored notification posted
//! to the hospital's webhook with a detached JWS signature.

pub mod api;
pub mod error;
pub mod monitor;
pub mod oid4vp;
pub mod receipt;
pub mod service;
pub mod verify;
pub mod webhook;

pub use api::{public_router, router};
pub use error::HospitalError;
pub use monitor::RoundSummary;
pub use service::{
    create_hospital, create_hospital_token, did_document, hospital_did, CreatedHospital, Hospitals, MonitorSettings,
    HOSPITAL_TOKEN_PREFIX,
};
pub use verify::{Presented, Recorded};
