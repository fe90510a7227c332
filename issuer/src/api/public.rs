//! Public routes: board DID documents (did:web method: `/.well-known/did.json` for a host DID,
//! `/boards/{slug}/did.json` for `did:web:host:boards:slug`), the DID Configuration linking them
//! to this origin (DIF Well-Known DID Configuration: `/.well-known/did-configuration.json`) and
//! the medcred JSON-LD context.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use medcred_model::context::CONTEXT_JSON;

use super::error::ApiError;
use crate::did_web::did_web_host;
use crate::error::IssuerError;
use crate::service::Issuer;

fn did_json(doc: serde_json::Value) -> Response {
    ([(header::CONTENT_TYPE, "application/did+json"), (header::CACHE_CONTROL, "public, max-age=300")], doc.to_string())
        .into_response()
}

async fn document_for(issuer: &Issuer, did: &str) -> Result<Response, ApiError> {
    let board = issuer.db().board_by_did(did).await?;
    Ok(did_json(issuer.did_document_of(&board).await?))
}

/// `GET /boards/{slug}/did.json`.
pub(crate) async fn board_did(State(issuer): State<Issuer>, Path(slug): Path<String>) -> Result<Response, ApiError> {
    let board = issuer.db().board_by_slug(&slug).await?;
    if !board.did.starts_with("did:web:") {
        return Err(IssuerError::NotFound("did:web document").into());
    }
    document_for(&issuer, &board.did).await
}

/// `GET /.well-known/did.json`: the host's own DID, when a board is the host.
pub(crate) async fn host_did(State(issuer): State<Issuer>) -> Result<Response, ApiError> {
    let host = did_web_host(issuer.public_url()).map_err(|e| IssuerError::Internal(e.to_string()))?;
    document_for(&issuer, &format!("did:web:{host}")).await
}

/// `GET /.well-known/did-configuration.json`: a Domain Linkage Credential (JWT) for each did:web
/// board of this deployment; 404 when there is none.
pub(crate) async fn did_configuration(State(issuer): State<Issuer>) -> Result<Response, ApiError> {
    let resource = issuer.did_configuration().await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=300")],
        resource.to_string(),
    )
        .into_response())
}

/// `GET /ns/credentials/v1`: the bundled JSON-LD context.
pub(crate) async fn context() -> Response {
    (
        [(header::CONTENT_TYPE, "application/ld+json"), (header::CACHE_CONTROL, "public, max-age=86400, immutable")],
        CONTEXT_JSON,
    )
        .into_response()
}
