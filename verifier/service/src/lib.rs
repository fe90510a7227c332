//! The verifier as a service: W3C VC-API `POST /credentials/verify` and `POST
//! /presentations/verify`, DID resolution at `GET /1.0/identifiers/{did}`, and the cached,
//! single-flight fetching of DID documents and status lists that feeds the pure engine
//! (`medcred-verifier`). This deployment's own documents are answered in process (see
//! [`fetch::RouterFetcher`]), so a revocation here is seen by the next verification.

mod cache;
pub mod did_web;
pub mod error;
pub mod fetch;
mod json;
mod resolution;
mod snapshot;
pub mod sources;
mod trust_list;
mod vc_api;
pub mod verifier;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

pub use error::ApiError;
pub use fetch::{FetchError, Fetched, Fetcher, HttpFetcher, LocalFirst, RouterFetcher};
pub use sources::Sources;
pub use verifier::{Clock, Policy, Settings, VerdictTally, Verifier, MAX_ROUNDS};

/// The verifier's routes.
pub fn router(verifier: Verifier) -> Router {
    Router::new()
        .route("/credentials/verify", post(vc_api::verify_credential))
        .route("/presentations/verify", post(vc_api::verify_presentation))
        .route("/1.0/identifiers/{*did}", get(resolution::resolve))
        .route("/trust-list", get(trust_list::show))
        .layer(DefaultBodyLimit::max(json::MAX_BODY))
        .with_state(verifier)
}
