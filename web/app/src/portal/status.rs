//! `POST /board/actions/status` (board admin only): revoke, suspend or reinstate one of the
//! board's credentials with a reason, after the person ticked the confirmation; the change goes
//! through the registry's committer (the same path as the API) and is answered once it is on the
//! board's ledger.

use std::collections::BTreeMap;

use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use medcred_registry_service::Action;
use medcred_store::{StoreError, UserRole};

use super::flash::Flash;
use super::respond;
use super::{checked_post, Viewer};
use crate::server::AppState;

fn action(s: &str) -> Option<(Action, &'static str, &'static str)> {
    match s {
        "revoke" => Some((Action::Revoke, "Revoked", "revoked")),
        "suspend" => Some((Action::Suspend, "Suspended", "suspended")),
        "reinstate" => Some((Action::Reinstate, "Reinstated", "active")),
        _ => None,
    }
}

pub(super) async fn change(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let who = match checked_post(&state, &headers, &viewer, &form) {
        Ok(who) => who,
        Err(resp) => return resp,
    };
    if who.role != UserRole::BoardAdmin {
        return respond::forbidden("Only a board administrator can revoke, suspend or reinstate a credential.");
    }
    let (Some(accounts), Some(registry)) = (&state.accounts, &state.registry) else { return respond::unavailable() };
    let db = accounts.issuer().db();
    let id = form.get("credential_id").map(String::as_str).unwrap_or_default();
    let cred = match db.credential(id).await {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => return respond::not_found("There is no such credential."),
        Err(e) => {
            tracing::error!(error = %e, "credential look-up failed");
            return respond::unavailable();
        }
    };
    if cred.board_id != who.org.id {
        return respond::forbidden("This credential was issued by another board.");
    }
    let Some((act, done, state_word)) = form.get("action").map(String::as_str).and_then(action) else {
        return respond::bad_request("The action must be revoke, suspend or reinstate.");
    };
    let page = format!("/board/credentials/{}", cred.id);
    let reason = form.get("reason").map(|r| r.trim().to_owned()).unwrap_or_default();
    let refuse = |message: &str| {
        let id = state.flash.put(&who.session_hash, Flash::Error(message.to_owned()));
        respond::see_other(&format!("{page}?f={id}"))
    };
    if reason.is_empty() {
        return refuse("Give a reason: it is kept with the change (only its hash goes on the public ledger).");
    }
    if form.get("confirm").map(String::as_str) != Some("yes") {
        return refuse("Tick the box to confirm the change; nothing was changed.");
    }
    let board = match db.board(&who.org.id).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "board look-up failed");
            return respond::unavailable();
        }
    };
    match medcred_registry_service::status_api::change(registry, board, &cred, act, reason, who.actor()).await {
        Ok(outcome) => {
            tracing::info!(credential = %cred.id, action = ?act, changed = outcome.changed, user = %who.user_id, "status change from the web app");
            let text = if outcome.changed {
                format!(
                    "{done}. The change is recorded on the board's ledger (checkpoint of {} entries).",
                    outcome.checkpoint_size
                )
            } else {
                format!("Nothing changed: the credential was already {state_word}.")
            };
            let id = state.flash.put(&who.session_hash, Flash::Notice(text));
            respond::see_other(&format!("{page}?f={id}"))
        }
        Err(e) if e.is_client_error() => refuse(&e.to_string()),
        Err(e) => {
            tracing::error!(error = %e, "status change from the web app failed");
            respond::unavailable()
        }
    }
}
