//! W3C CCG VC-API issuer routes: `POST /credentials/issue` (VC-API §3.2.1 "Issue Credential") and
//! `GET /credentials/{id}`. The board is the one the bearer token acts for.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use medcred_formats::Format;
use medcred_model::IssueRequest;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::ApiError;
use super::json::ApiJson;
use crate::error::IssuerError;
use crate::issue::Secured;
use crate::service::Issuer;

/// The request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssueBody {
    credential: Value,
    #[serde(default)]
    options: IssueOptions,
}

/// Issue options. `format` is medcred's: one of `eddsa-rdfc-2022` (default), `eddsa-jcs-2022`,
/// `vc+jwt`, `dc+sd-jwt`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct IssueOptions {
    format: Option<String>,
}

/// `POST /credentials/issue` → 201 `{verifiableCredential}`.
pub(crate) async fn issue(
    State(issuer): State<Issuer>,
    caller: Caller,
    ApiJson(body): ApiJson<IssueBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let format = match body.options.format.as_deref() {
        None => Format::EddsaRdfc2022,
        Some(f) => f.parse::<Format>().map_err(|e| ApiError::bad_request("unknown_format", e.to_string()))?,
    };
    let board = issuer.db().board(&caller.0.board_id).await?;
    let req = IssueRequest::from_vc_json(&body.credential, issuer.clock().now()).map_err(IssuerError::from)?;
    let issued = issuer.issue(&board, &req, format).await?;
    Ok((StatusCode::CREATED, Json(json!({ "verifiableCredential": issued.secured.to_vc_api(format) }))))
}

/// `GET /credentials/{id}`: a credential this board issued.
pub(crate) async fn get(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let row = issuer.db().credential(&id).await?;
    if row.board_id != caller.0.board_id {
        return Err(IssuerError::NotFound("credential").into());
    }
    let format: Format =
        row.format.parse().map_err(|_| IssuerError::Internal(format!("stored format {:?}", row.format)))?;
    Ok(Json(Secured::from_text(format, &row.secured)?.to_vc_api(format)))
}
