//! OpenID for Verifiable Presentations 1.0 on the hospital's side: a hospital asks for
//! credentials with a DCQL query (a template or its own), passed by reference as a request object
//! it signs with its did:web key (client id prefix `decentralized_identifier`, §5.9.3); the
//! wallet answers once, by `direct_post` or encrypted `direct_post.jwt` (JWE ECDH-ES P-256 to a
//! key made for that request, §8.3); the presentation is verified with the request's nonce and
//! client id, checked against the query, and recorded as a hospital verification.
//!
//! Storage and signing are here; the pure parts (DCQL, templates) are `medcred_model::dcql`;
//! HTTP is in `crate::api` (`presentation_requests.rs`, `oid4vp.rs`).

mod changes;
mod create;
mod error;
mod jwe;
mod request_object;
mod response;
mod state;

pub use changes::Changes;
pub use create::{NewPresentationRequest, ResponseMode, DEFAULT_LIFETIME_SECS, MAX_LIFETIME_SECS};
pub use error::Oid4vpError;
pub use request_object::{client_id, REQUEST_OBJECT_TYP};
pub use response::{ResponseForm, WalletAnswer};
pub use state::{PresentationRequest, RequestStatus, MAX_WAIT};
