//! Presenting credentials over OpenID for Verifiable Presentations 1.0: read the link, check the
//! signed request object against the verifier's did:web ([`request`], [`did_web`]), choose the
//! credential and the disclosures the DCQL query needs and build the presentation ([`build`]),
//! encrypt the answer for `direct_post.jwt` ([`encrypt`], pure Rust). The steps are pure; the HTTP
//! is in [`crate::client`]. The CLI and the browser wallet run the same steps.

pub mod build;
pub mod did_web;
pub mod encrypt;
pub mod request;

pub use build::{answer, choose, presentation, vp_token, Choice};
pub use request::{parse_request_link, RequestRef, VerifiedRequest};
