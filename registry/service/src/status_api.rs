//! Board staff change a credential's status:
//! `POST /boards/{slug}/credentials/{id}/status` with `{"action": "revoke" | "suspend" |
//! "reinstate", "reason": "…"}` (a board admin token, as on the board's pages: an issuer-role
//! token issues, it does not revoke), answered after the change committed to the ledger; `GET` on
//! the same path (any token of the board) gives the current status and its history.

use axum::extract::{Path, State};
use axum::Json;
use medcred_issuer::api::Caller;
use medcred_issuer::IssuerError;
use medcred_store::{BoardRow, CredentialRow, Role};
use serde::Deserialize;
use serde_json::json;

use crate::committer::{bit, Action, ChangeOutcome, ChangeRequest};
use crate::error::RegistryError;
use crate::state::Registry;

/// Body of a status change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    /// What to do.
    pub action: Action,
    /// Why.
    pub reason: String,
}

async fn board_credential(
    reg: &Registry,
    caller: &Caller,
    slug: &str,
    id: &str,
) -> Result<(BoardRow, CredentialRow), RegistryError> {
    let board = reg.issuer().db().board_by_slug(slug).await?;
    caller.for_board(&board).map_err(|_| RegistryError::NotFound("board"))?;
    let cred = reg.issuer().db().credential(id).await?;
    if cred.board_id != board.id {
        return Err(RegistryError::NotFound("credential"));
    }
    Ok((board, cred))
}

/// Apply `action` to the credential `id` of `board` as `actor`.
pub async fn change(
    reg: &Registry,
    board: BoardRow,
    cred: &CredentialRow,
    action: Action,
    reason: String,
    actor: String,
) -> Result<ChangeOutcome, RegistryError> {
    let (Some(list), Some(index)) = (cred.status_list, cred.status_index) else {
        return Err(RegistryError::Conflict {
            code: "no_status",
            message: "this credential was issued without a status entry; it cannot be revoked or suspended".into(),
        });
    };
    let index = u64::try_from(index).map_err(|_| RegistryError::Internal("negative status index".into()))?;
    let req = ChangeRequest { credential_id: cred.id.clone(), list, index, action, reason, actor };
    reg.committer().submit(board, req).await
}

/// `POST /boards/{slug}/credentials/{id}/status`.
pub(crate) async fn post_status(
    State(reg): State<Registry>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    body: Result<Json<ChangeBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ChangeOutcome>, RegistryError> {
    let (board, cred) = board_credential(&reg, &caller, &slug, &id).await?;
    if caller.0.role != Role::Admin {
        return Err(IssuerError::Forbidden("revoking, suspending or reinstating needs a board admin token").into());
    }
    let Json(body) = body.map_err(|e| RegistryError::bad_request("malformed_request", e.body_text()))?;
    let outcome = change(&reg, board, &cred, body.action, body.reason, caller.actor()).await?;
    tracing::info!(credential = %cred.id, action = ?body.action, changed = outcome.changed, "status change");
    Ok(Json(outcome))
}

/// `GET /boards/{slug}/credentials/{id}/status`.
pub(crate) async fn get_status(
    State(reg): State<Registry>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, RegistryError> {
    let (board, cred) = board_credential(&reg, &caller, &slug, &id).await?;
    let (mut revoked, mut suspended) = (false, false);
    if let (Some(list), Some(index)) = (cred.status_list, cred.status_index) {
        let row = reg.issuer().db().status_list(&board.id, list).await?;
        let index = u64::try_from(index).map_err(|_| RegistryError::Internal("negative status index".into()))?;
        (revoked, suspended) =
            (bit(&row.revocation, index).unwrap_or(false), bit(&row.suspension, index).unwrap_or(false));
    }
    let history: Vec<_> = reg
        .issuer()
        .db()
        .status_changes(&cred.id)
        .await?
        .into_iter()
        .map(|c| json!({"purpose": c.purpose, "value": c.value, "reason": c.reason, "actor": c.actor, "at": c.at, "leafIndex": c.leaf_index}))
        .collect();
    Ok(Json(json!({
        "credentialId": cred.id,
        "revoked": revoked,
        "suspended": suspended,
        "statusList": cred.status_list,
        "statusIndex": cred.status_index,
        "history": history,
    })))
}
