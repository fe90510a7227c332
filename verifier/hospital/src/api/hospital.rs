//! `GET /hospitals/{slug}` (the caller's hospital), `POST /hospitals/{slug}/tokens` (admin: mint
//! a token), `PUT /hospitals/{slug}/webhook` (admin: where notifications go) and the public
//! `GET /hospitals/{slug}/did.json`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_store::HospitalRole;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::json::ApiJson;
use crate::error::HospitalError;
use medcred_issuer::Issuer;

use crate::service::{did_document, Hospitals};

/// `GET /hospitals/{slug}/did.json`.
pub(crate) async fn did(State(issuer): State<Issuer>, Path(slug): Path<String>) -> Result<Response, HospitalError> {
    let hospital = issuer.db().hospital_by_slug(&slug).await?;
    let doc = did_document(issuer.db(), issuer.public_url(), &hospital).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/did+json"), (header::CACHE_CONTROL, "public, max-age=300")],
        doc.to_string(),
    )
        .into_response())
}

/// `GET /hospitals/{slug}`.
pub(crate) async fn show(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let watches = h.db().watches(&hospital.id, true).await?.len();
    Ok(Json(json!({
        "slug": hospital.slug,
        "name": hospital.name,
        "did": hospital.did,
        "webhook": hospital.webhook_url,
        "activeWatches": watches,
        "role": caller.0.role.as_str(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    role: String,
    #[serde(default)]
    label: String,
}

/// `POST /hospitals/{slug}/tokens` `{"role": "admin" | "verifier", "label": …}`: 201 with the
/// token, shown this once.
pub(crate) async fn create_token(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<Value>), HospitalError> {
    let hospital = caller.admin_of(&h, &slug).await?;
    let role = HospitalRole::parse(&body.role)
        .ok_or_else(|| HospitalError::bad_request("unknown_role", "role must be admin or verifier"))?;
    let label = if body.label.trim().is_empty() { role.as_str() } else { body.label.as_str() };
    let (row, secret) = h.create_token(&hospital, role, label).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": row.id, "role": role.as_str(), "label": row.label, "token": *secret}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Webhook {
    url: Option<String>,
}

/// `PUT /hospitals/{slug}/webhook` `{"url": "https://…" | null}`.
pub(crate) async fn set_webhook(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Webhook>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.admin_of(&h, &slug).await?;
    let url = match body.url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(u) => Some(check_webhook_url(u)?),
    };
    h.db().set_hospital_webhook(&hospital.id, url.as_deref()).await?;
    Ok(Json(json!({"webhook": url})))
}

fn check_webhook_url(u: &str) -> Result<String, HospitalError> {
    let bad = |why: &str| HospitalError::bad_request("malformed_webhook_url", format!("webhook URL: {why}"));
    let parsed = reqwest::Url::parse(u).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad("must be an http:// or https:// URL with a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() || u.len() > 2048 {
        return Err(bad("no user information, at most 2048 characters"));
    }
    Ok(parsed.to_string())
}
