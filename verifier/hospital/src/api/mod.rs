//! The hospital HTTP API: verification with records and signed receipts, watches, monitoring
//! notifications, tokens and the webhook; the hospital's public DID document.

mod auth;
mod hospital;
mod json;
mod oid4vp;
mod presentation_requests;
mod verifications;
mod watches;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use axum::Router;

use medcred_issuer::Issuer;

use crate::service::Hospitals;

/// Largest verification request (a presentation with a few credentials and portraits).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// The public routes: each hospital's DID document (did:web
/// `did:web:<host>:hospitals:<slug>` → `/hospitals/<slug>/did.json`).
/// It needs only the issuer's state, so this deployment's verifier can answer hospital DIDs in
/// process.
pub fn public_router(issuer: Issuer) -> Router {
    Router::new().route("/hospitals/{slug}/did.json", get(hospital::did)).with_state(issuer)
}

/// Every hospital route that needs a token (the DID documents are in [`public_router`]), and the
/// wallet-facing OpenID4VP routes, which need the hospitals' state.
pub fn router(hospitals: Hospitals) -> Router {
    Router::new()
        .route("/hospitals/{slug}", get(hospital::show))
        .route("/hospitals/{slug}/tokens", post(hospital::create_token))
        .route("/hospitals/{slug}/webhook", put(hospital::set_webhook))
        .route("/hospitals/{slug}/verifications", post(verifications::verify).get(verifications::list))
        .route("/hospitals/{slug}/verifications/{id}", get(verifications::show))
        .route("/hospitals/{slug}/verifications/{id}/receipt", get(verifications::receipt))
        .route("/hospitals/{slug}/watches", post(watches::create).get(watches::list))
        .route("/hospitals/{slug}/watches/{id}", delete(watches::stop))
        .route("/hospitals/{slug}/monitor", post(watches::run_round))
        .route("/hospitals/{slug}/notifications", get(watches::notifications))
        .route("/hospitals/{slug}/presentation-requests", post(presentation_requests::create))
        .route("/hospitals/{slug}/presentation-requests/{id}", get(presentation_requests::show))
        .route("/hospitals/{slug}/presentation-requests/{id}/events", get(presentation_requests::events))
        // The wallet-facing OpenID4VP endpoints (no token).
        .route("/oid4vp/requests/{id}", get(oid4vp::request_object))
        .route("/oid4vp/responses/{id}", post(oid4vp::response))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hospitals)
}
