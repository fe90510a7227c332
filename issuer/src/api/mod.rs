//! The issuer's HTTP API: VC-API issue routes, board management, DID documents and contexts, and
//! the OpenID4VCI routes (`crate::oid4vci`).

mod auth;
pub use auth::Caller;
mod boards;
pub mod error;
mod json;
mod public;
mod vc_api;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::Router;

use crate::service::Issuer;

/// Largest issuance request (a credential with a 64 KiB portrait fits easily).
pub const MAX_ISSUE_BODY: usize = 256 * 1024;
/// Largest bulk CSV upload.
pub const MAX_BULK_BODY: usize = 64 * 1024 * 1024;

/// Every issuer route.
pub fn router(issuer: Issuer) -> Router {
    let bulk = Router::new()
        .route("/boards/{slug}/credentials/bulk", post(boards::bulk))
        .layer(DefaultBodyLimit::max(MAX_BULK_BODY));
    Router::new()
        .route("/credentials/issue", post(vc_api::issue))
        .route("/credentials/{id}", get(vc_api::get))
        .route("/boards/{slug}", get(boards::show))
        .route("/boards/{slug}/keys/rotate", post(boards::rotate))
        .route("/boards/{slug}/keys/{key_id}", delete(boards::remove_key))
        .route("/boards/{slug}/tokens", post(boards::create_token))
        .route("/boards/{slug}/tokens/{id}", delete(boards::revoke_token))
        .route("/boards/{slug}/credentials", get(boards::list))
        .route("/boards/{slug}/did.json", get(public::board_did))
        .route("/.well-known/did.json", get(public::host_did))
        .route("/.well-known/did-configuration.json", get(public::did_configuration))
        .route(medcred_model::context::CONTEXT_PATH, get(public::context))
        .layer(DefaultBodyLimit::max(MAX_ISSUE_BODY))
        .merge(bulk)
        .with_state(issuer.clone())
        .merge(crate::oid4vci::router(issuer))
}
