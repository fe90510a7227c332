//! medcred registry service: status changes through a group-committing ledger, the board's status
//! lists (W3C Bitstring Status List credentials and IETF Token Status Lists), the ledger's read API
//! (checkpoints, C2SP tlog-tiles, RFC 9162 proofs, tlog-proof bundles), and the witness role.

pub mod anchoring;
pub mod committer;
pub mod cosign;
pub mod error;
mod leader;
pub mod ledger;

pub use committer::{Action, ChangeOutcome, ChangeRequest, Committer};
pub use error::RegistryError;
pub mod lists;
pub mod log_api;
pub mod proofs;
pub mod reissue;
pub mod state;
pub mod status_api;
pub mod witness;

pub use state::{Registry, RegistryOptions};

use axum::routing::get;
use axum::Router;

/// Every registry route.
pub fn router(reg: Registry) -> Router {
    Router::new()
        .route("/boards/{slug}/credentials/{id}/status", get(status_api::get_status).post(status_api::post_status))
        .route("/boards/{slug}/status/{list}/{kind}", get(lists::get_list))
        .route("/boards/{slug}/status/{list}/{kind}/proof", get(proofs::get_proof))
        .route("/boards/{slug}/status/{list}/{kind}/bundle", get(proofs::get_bundle))
        .route("/boards/{slug}/log/checkpoint", get(log_api::checkpoint))
        .route("/boards/{slug}/log/checkpoints", get(log_api::checkpoints))
        .route("/boards/{slug}/log/anchor", axum::routing::post(anchoring::post_anchor))
        .route("/boards/{slug}/log/tile/{*path}", get(log_api::tile))
        .route("/boards/{slug}/log/proof/inclusion", get(log_api::inclusion))
        .route("/boards/{slug}/log/proof/consistency", get(log_api::consistency))
        .route("/boards/{slug}/keys/{key_id}/compromised", axum::routing::post(reissue::post_compromised))
        .route("/boards/{slug}/reissue", get(reissue::get_reissue).post(reissue::post_reissue))
        .with_state(reg)
}
