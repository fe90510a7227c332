//! OpenID4VP, the wallet's side (no token; the request id and state are the capability):
//! `GET /oid4vp/requests/{id}` — the signed request object (RFC 9101 request URI,
//! `application/oauth-authz-req+jwt`) — and `POST /oid4vp/responses/{id}` — the Authorization
//! Response (`application/x-www-form-urlencoded`: `vp_token` and `state`, or `response` for
//! `direct_post.jwt`; OpenID4VP 1.0 §8.2, §8.3.1). Errors: 400 `{error, error_description}`.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};

use crate::oid4vp::{Oid4vpError, ResponseForm, REQUEST_OBJECT_TYP};
use crate::service::Hospitals;

/// `GET /oid4vp/requests/{id}`.
pub(crate) async fn request_object(
    State(h): State<Hospitals>,
    Path(id): Path<String>,
) -> Result<Response, Oid4vpError> {
    let jwt = h.request_object(&id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format!("application/{REQUEST_OBJECT_TYP}")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        jwt,
    )
        .into_response())
}

/// `POST /oid4vp/responses/{id}`: 200 `{}` once the answer is taken and recorded.
pub(crate) async fn response(
    State(h): State<Hospitals>,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, Oid4vpError> {
    let Form(pairs) = form.map_err(|e| {
        Oid4vpError::InvalidRequest(format!("the body must be application/x-www-form-urlencoded: {}", e.body_text()))
    })?;
    let answer = h.answer_presentation_request(&id, ResponseForm::from_pairs(pairs)?).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(answer.to_json())).into_response())
}
