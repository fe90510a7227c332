//! `GET /1.0/identifiers/{did}` (W3C DID Resolution, the universal resolver's HTTP binding): the
//! DID resolution result for did:key, did:jwk and did:web, or its `invalidDid`,
//! `methodNotSupported`, `notFound` or `internalError` error.
//!
//! The DID is read from the raw path, not percent-decoded: a did:web's `%3A` (port) is part of
//! the DID. A client that percent-encodes the whole DID sends `%253A`, decoded once here.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_verifier::ResolveError;
use serde_json::json;

use crate::verifier::Verifier;

/// The route's path prefix.
pub(crate) const PREFIX: &str = "/1.0/identifiers/";

/// `GET /1.0/identifiers/{did}`.
pub(crate) async fn resolve(State(v): State<Verifier>, uri: Uri) -> Response {
    let raw = uri.path().strip_prefix(PREFIX).unwrap_or_default();
    let did = raw.replace("%25", "%");
    let result = if did.len() > 4096 || !did.starts_with("did:") {
        Err(ResolveError::InvalidDid)
    } else {
        v.sources().did_document(&did).await
    };
    match result {
        Ok(doc) => (
            StatusCode::OK,
            [("content-type", "application/ld+json;profile=\"https://w3id.org/did-resolution\"")],
            Json(json!({
                "@context": "https://w3id.org/did-resolution/v1",
                "didDocument": doc,
                "didResolutionMetadata": {"contentType": "application/did+ld+json"},
                "didDocumentMetadata": {}
            })),
        )
            .into_response(),
        Err(e) => {
            let (status, code) = match &e {
                ResolveError::InvalidDid => (StatusCode::BAD_REQUEST, "invalidDid"),
                ResolveError::MethodNotSupported => (StatusCode::NOT_IMPLEMENTED, "methodNotSupported"),
                ResolveError::NotFound => (StatusCode::NOT_FOUND, "notFound"),
                ResolveError::Unavailable(_) => (StatusCode::BAD_GATEWAY, "internalError"),
            };
            let body = json!({
                "@context": "https://w3id.org/did-resolution/v1",
                "didDocument": null,
                "didResolutionMetadata": {"error": code, "errorMessage": e.to_string()},
                "didDocumentMetadata": {}
            });
            (status, Json(body)).into_response()
        }
    }
}
