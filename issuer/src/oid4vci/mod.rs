//! OpenID for Verifiable Credential Issuance 1.0 (final), issuer side: the pre-authorized code
//! flow with a transaction code, for the credentials boards have issued.
//!
//! One Credential Issuer per deployment (identifier: the public URL; it is also its own OAuth
//! Authorization Server). A board offers one of its stored credentials
//! (`POST /boards/{slug}/credentials/{id}/offer`); the wallet fetches the metadata, exchanges the
//! pre-authorized code and the transaction code for an access token (`/oid4vci/token`), gets a
//! `c_nonce` (`/oid4vci/nonce`), and sends a key proof to `/oid4vci/credential`, which re-issues
//! the stored claims in the offered format, signed by the board's key and bound to the proven key.
//!
//! Single use: an offer's code is redeemed once; its access token obtains one credential; a nonce
//! passes one proof. Limits: [`OFFER_TTL_SECS`], [`MAX_TX_ATTEMPTS`], [`TOKEN_TTL_SECS`],
//! [`NONCE_TTL_SECS`], [`PROOF_MAX_AGE_SECS`].

pub mod config;
pub mod credential;
pub mod error;
pub mod metadata;
pub mod nonce;
pub mod offer;
pub mod proof;
pub mod secrets;
pub mod source;
pub mod standing;
pub mod token;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

pub use error::Oid4vciError;

use crate::service::Issuer;

/// The pre-authorized code grant type (§4.1.1).
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// Token endpoint path.
pub const TOKEN_PATH: &str = "/oid4vci/token";
/// Nonce endpoint path.
pub const NONCE_PATH: &str = "/oid4vci/nonce";
/// Credential endpoint path.
pub const CREDENTIAL_PATH: &str = "/oid4vci/credential";
/// Offers by reference live under this path.
pub const OFFERS_PATH: &str = "/oid4vci/offers";

/// Default offer lifetime (the pre-authorized code dies with it).
pub const OFFER_TTL_SECS: i64 = 600;
/// Wrong transaction codes before an offer is dead.
pub const MAX_TX_ATTEMPTS: i64 = 5;
/// Access token lifetime.
pub const TOKEN_TTL_SECS: i64 = 300;
/// `c_nonce` lifetime.
pub const NONCE_TTL_SECS: i64 = 300;
/// Oldest key proof `iat` accepted.
pub const PROOF_MAX_AGE_SECS: i64 = 300;
/// Clock skew allowed for a key proof `iat` in the future.
pub const PROOF_SKEW_SECS: i64 = 60;
/// Largest request body of these routes.
pub const MAX_BODY: usize = 64 * 1024;

/// The OpenID4VCI routes (merged into [`crate::router`]).
pub fn router(issuer: Issuer) -> Router {
    Router::new()
        .route("/.well-known/openid-credential-issuer", get(metadata::credential_issuer))
        .route("/.well-known/oauth-authorization-server", get(metadata::authorization_server))
        .route("/boards/{slug}/credentials/{id}/offer", post(offer::create))
        .route(&format!("{OFFERS_PATH}/{{reference}}"), get(offer::by_reference))
        .route(TOKEN_PATH, post(token::token))
        .route(NONCE_PATH, post(nonce::nonce))
        .route(CREDENTIAL_PATH, post(credential::credential))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(issuer)
}
