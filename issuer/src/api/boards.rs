//! Board-scoped management routes (bearer token of that board): overview, key rotation and removal,
//! API tokens, issued credentials, bulk issuance from CSV.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use medcred_formats::Format;
use medcred_store::{BoardRow, Role};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::ApiError;
use super::json::ApiJson;
use crate::service::Issuer;

async fn board(issuer: &Issuer, slug: &str) -> Result<BoardRow, ApiError> {
    Ok(issuer.db().board_by_slug(slug).await?)
}

/// `GET /boards/{slug}`: the board, its public keys and counts.
pub(crate) async fn show(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.for_board(&b)?;
    let keys: Vec<Value> = issuer
        .db()
        .keys(&b.id)
        .await?
        .into_iter()
        .map(|k| json!({"id": format!("{}#{}", b.did, k.key_id), "publicKeyMultibase": k.public_multibase, "status": k.status.as_str(), "created": k.created_at, "retired": k.retired_at}))
        .collect();
    let issued = issuer.db().count_credentials(&b.id).await?;
    Ok(Json(json!({"slug": b.slug, "name": b.name, "did": b.did, "keys": keys, "credentialsIssued": issued})))
}

/// `POST /boards/{slug}/keys/rotate` (admin): a new active key; the old one is retired.
pub(crate) async fn rotate(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.admin_of(&b)?;
    let k = issuer.rotate_key(&b).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"id": format!("{}#{}", b.did, k.key_id), "publicKeyMultibase": k.public_multibase, "status": "active"}),
        ),
    ))
}

/// `DELETE /boards/{slug}/keys/{key_id}` (admin): drop a retired key from the DID document.
pub(crate) async fn remove_key(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path((slug, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.admin_of(&b)?;
    issuer.remove_key(&b, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /boards/{slug}/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    role: String,
    #[serde(default)]
    label: String,
}

/// `POST /boards/{slug}/tokens` (admin): a new token, shown once.
pub(crate) async fn create_token(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.admin_of(&b)?;
    let role =
        Role::parse(&body.role).ok_or_else(|| ApiError::bad_request("unknown_role", "role must be admin or issuer"))?;
    let (row, secret) = issuer.create_token(&b, role, &body.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": row.id, "role": row.role.as_str(), "label": row.label, "token": *secret})),
    ))
}

/// `DELETE /boards/{slug}/tokens/{id}` (admin).
pub(crate) async fn revoke_token(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.admin_of(&b)?;
    issuer.db().revoke_token(&b.id, &id, issuer.clock().now().timestamp()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of the credential list.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    q: Option<String>,
}

/// `GET /boards/{slug}/credentials?q=`: issued credentials, newest first, by name or number.
pub(crate) async fn list(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.for_board(&b)?;
    if q.q.as_ref().is_some_and(|q| q.len() > 200) {
        return Err(ApiError::bad_request("query_too_long", "search text is at most 200 characters"));
    }
    let rows = issuer.db().search_credentials(&b.id, q.q.as_deref()).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|c| {
            json!({"id": c.id, "kind": c.kind, "format": c.format, "name": c.subject_label, "licenseNumber": c.license_number,
                   "jurisdiction": c.jurisdiction, "validFrom": c.valid_from, "validUntil": c.valid_until, "issued": c.created_at})
        })
        .collect();
    Ok(Json(json!({"credentials": items})))
}

/// Query of a bulk run.
#[derive(Debug, Deserialize)]
pub(crate) struct BulkQuery {
    format: Option<String>,
}

/// `POST /boards/{slug}/credentials/bulk?format=` with a CSV body: issue one license per row.
pub(crate) async fn bulk(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(q): Query<BulkQuery>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let b = board(&issuer, &slug).await?;
    caller.for_board(&b)?;
    let format = match q.format.as_deref() {
        None => Format::EddsaRdfc2022,
        Some(f) => f.parse::<Format>().map_err(|e| ApiError::bad_request("unknown_format", e.to_string()))?,
    };
    let report = issuer.issue_bulk(&b, &body, format, &|_| {}).await?;
    Ok(Json(json!({"progress": report.progress, "errors": report.errors, "errorsCsv": report.errors_csv()})))
}
