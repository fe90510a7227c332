//! Key compromise response over HTTP:
//! `POST /boards/{slug}/keys/{key_id}/compromised` (board admin, `{"since": RFC 3339}` optional)
//! retires the key at once — out of the DID document, a new active key when it was the active
//! one — and queues every credential it signed; `GET /boards/{slug}/reissue` lists the queue;
//! `POST /boards/{slug}/reissue?limit=N` (board admin) re-issues up to N queued credentials under
//! the new key and revokes each old one with reason "key compromise" through the ledger, so
//! verifiers see it. Idempotent and resumable: each credential moves pending → issued (the
//! replacement and its link committed together) → done (the old one revoked), and a run that
//! stopped anywhere is finished by the next; `remaining` says when to call again.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use medcred_issuer::api::Caller;
use medcred_issuer::compromise::CompromiseReport;
use medcred_issuer::IssuerError;
use medcred_store::{reissue_state, BoardRow, CredentialRow, ReissueRow, Role};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::committer::{bit, Action};
use crate::error::RegistryError;
use crate::state::Registry;
use crate::status_api::change;

/// The reason recorded when a replaced credential is revoked.
pub const COMPROMISE_REASON: &str = "key compromise";

/// Most credentials one `POST …/reissue` handles by default.
pub const DEFAULT_BATCH: usize = 200;
/// Most credentials one call may ask for.
pub const MAX_BATCH: usize = 5000;

/// What one re-issuance run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReissueReport {
    /// Replacements issued by this run.
    pub reissued: usize,
    /// Old credentials revoked by this run (replacements from this or an earlier run).
    pub revoked: usize,
    /// Queued credentials not replaced because they had been revoked already.
    pub skipped: usize,
    /// Queued credentials still waiting (call again).
    pub remaining: usize,
    /// Old id → new id for every credential finished by this run.
    pub replaced: Vec<(String, String)>,
}

fn admin_of(caller: &Caller, board: &BoardRow, what: &'static str) -> Result<(), RegistryError> {
    caller.for_board(board).map_err(|_| RegistryError::NotFound("board"))?;
    if caller.0.role != Role::Admin {
        return Err(IssuerError::Forbidden(what).into());
    }
    Ok(())
}

async fn status_bits(reg: &Registry, c: &CredentialRow) -> Result<(bool, bool), RegistryError> {
    let (Some(list), Some(index)) = (c.status_list, c.status_index) else { return Ok((false, false)) };
    let row = reg.issuer().db().status_list(&c.board_id, list).await?;
    let index = u64::try_from(index).map_err(|_| RegistryError::Internal("negative status index".into()))?;
    Ok((bit(&row.revocation, index).unwrap_or(false), bit(&row.suspension, index).unwrap_or(false)))
}

/// Report `key_id` stolen since `since` (Unix seconds) and move the verifier caches of this
/// process past it (the DID document changed).
pub async fn compromise(
    reg: &Registry,
    board: &BoardRow,
    key_id: &str,
    since: i64,
    actor: &str,
) -> Result<CompromiseReport, RegistryError> {
    let report = reg.issuer().compromise_key(board, key_id, since, actor).await?;
    reg.committer().bump();
    Ok(report)
}

/// Finish up to `limit` queued credentials of `board` (see the module docs), as `actor`.
pub async fn reissue_batch(
    reg: &Registry,
    board: &BoardRow,
    limit: usize,
    actor: &str,
) -> Result<ReissueReport, RegistryError> {
    let db = reg.issuer().db();
    let open: Vec<ReissueRow> = db
        .reissue_queue(&board.id)
        .await?
        .into_iter()
        .filter(|r| r.state == reissue_state::PENDING || r.state == reissue_state::ISSUED)
        .collect();
    let mut report = ReissueReport { remaining: open.len().saturating_sub(limit), ..ReissueReport::default() };
    for entry in open.into_iter().take(limit) {
        let old = db.credential(&entry.credential_id).await?;
        let now = reg.issuer().clock().now().timestamp();
        let (revoked, suspended) = status_bits(reg, &old).await?;
        let new_id = match entry.new_credential_id {
            Some(id) => id,
            None if revoked => {
                db.finish_reissue(&old.id, reissue_state::SKIPPED, now).await?;
                report.skipped += 1;
                continue;
            }
            None => match reg.issuer().reissue_credential(board, &old).await? {
                Some(issued) => {
                    report.reissued += 1;
                    issued.id
                }
                // Another run linked a replacement first: finish with that one.
                None => match db.reissue_queue(&board.id).await?.into_iter().find(|r| r.credential_id == old.id) {
                    Some(ReissueRow { new_credential_id: Some(id), .. }) => id,
                    _ => return Err(RegistryError::Internal(format!("re-issue of {} lost its link", old.id))),
                },
            },
        };
        if suspended {
            // The suspension moves to the replacement; the old one is then lifted so that the
            // old credential ends revoked only: a token status list cannot show the suspension
            // of a revoked entry, and a list whose snapshot says otherwise cannot be proven.
            // (The old key is out of the DID document: the old credential verifies at no point.)
            let new = db.credential(&new_id).await?;
            let reason = format!("suspension carried over from {} (key compromise)", old.id);
            change(reg, board.clone(), &new, Action::Suspend, reason, actor.to_owned()).await?;
            let reason = format!("key compromise: suspension moved to {new_id}");
            change(reg, board.clone(), &old, Action::Reinstate, reason, actor.to_owned()).await?;
        }
        let outcome =
            change(reg, board.clone(), &old, Action::Revoke, COMPROMISE_REASON.to_owned(), actor.to_owned()).await?;
        if outcome.changed {
            report.revoked += 1;
        }
        db.finish_reissue(&old.id, reissue_state::DONE, now).await?;
        report.replaced.push((old.id, new_id));
    }
    Ok(report)
}

/// Body of `POST …/keys/{key_id}/compromised`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompromiseBody {
    /// From when the key is believed to be in other hands (RFC 3339); default: its creation.
    #[serde(default)]
    pub since: Option<String>,
}

/// Parse an RFC 3339 time into Unix seconds.
pub fn parse_since(text: &str) -> Result<i64, RegistryError> {
    DateTime::parse_from_rfc3339(text.trim()).map(|t| t.timestamp()).map_err(|_| {
        RegistryError::bad_request("malformed_since", "since must be an RFC 3339 time such as 2026-01-31T00:00:00Z")
    })
}

fn rfc3339(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `POST /boards/{slug}/keys/{key_id}/compromised` (board admin).
pub(crate) async fn post_compromised(
    State(reg): State<Registry>,
    caller: Caller,
    Path((slug, key_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, RegistryError> {
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    admin_of(&caller, &board, "reporting a key compromise needs a board admin token")?;
    let body: CompromiseBody = if body.iter().all(u8::is_ascii_whitespace) {
        CompromiseBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| RegistryError::bad_request("malformed_request", e.to_string()))?
    };
    let since = match body.since.as_deref() {
        Some(text) => parse_since(text)?,
        None => {
            let keys = reg.issuer().db().keys(&board.id).await?;
            keys.iter().find(|k| k.key_id == key_id).ok_or(RegistryError::NotFound("key"))?.created_at
        }
    };
    let report = compromise(&reg, &board, &key_id, since, &caller.actor()).await?;
    Ok(Json(json!({
        "key": format!("{}#{}", board.did, key_id),
        "since": rfc3339(report.record.since),
        "reported": rfc3339(report.record.reported_at),
        "firstReport": report.first_report,
        "newKey": report.new_key.map(|k| format!("{}#{}", board.did, k.key_id)),
        "queued": report.queued,
    })))
}

/// `GET /boards/{slug}/reissue` (any token of the board): the queue, with each credential's
/// state and, when finished, its replacement. `signedAfterCompromise` marks credentials the
/// board's database recorded at or after the reported compromise time: the thief held the key
/// then too, so staff may want to look at those before handing replacements out.
pub(crate) async fn get_reissue(
    State(reg): State<Registry>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, RegistryError> {
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    caller.for_board(&board).map_err(|_| RegistryError::NotFound("board"))?;
    let db = reg.issuer().db();
    let mut items = Vec::new();
    let mut since = std::collections::BTreeMap::new();
    for r in db.reissue_queue(&board.id).await? {
        if !since.contains_key(&r.key_id) {
            let s = db.key_compromise(&board.id, &r.key_id).await?.map(|c| c.since);
            since.insert(r.key_id.clone(), s);
        }
        let signed_at = db.credential(&r.credential_id).await?.created_at;
        let after = since.get(&r.key_id).copied().flatten().is_some_and(|s| signed_at >= s);
        items.push(json!({
            "credentialId": r.credential_id,
            "key": format!("{}#{}", board.did, r.key_id),
            "state": r.state,
            "needsReissue": r.state == reissue_state::PENDING || r.state == reissue_state::ISSUED,
            "newCredentialId": r.new_credential_id,
            "signedAfterCompromise": after,
            "queued": rfc3339(r.marked_at),
            "finished": r.done_at.map(rfc3339),
        }));
    }
    let open = items.iter().filter(|i| i["needsReissue"] == true).count();
    Ok(Json(json!({"needsReissue": open, "credentials": items})))
}

/// Query of `POST …/reissue`.
#[derive(Debug, Deserialize)]
pub(crate) struct BatchQuery {
    limit: Option<usize>,
}

/// `POST /boards/{slug}/reissue?limit=N` (board admin).
pub(crate) async fn post_reissue(
    State(reg): State<Registry>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(q): Query<BatchQuery>,
) -> Result<Json<ReissueReport>, RegistryError> {
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    admin_of(&caller, &board, "re-issuance needs a board admin token")?;
    let limit = q.limit.unwrap_or(DEFAULT_BATCH);
    if limit == 0 || limit > MAX_BATCH {
        return Err(RegistryError::bad_request("malformed_limit", format!("limit must be 1-{MAX_BATCH}")));
    }
    let report = reissue_batch(&reg, &board, limit, &caller.actor()).await?;
    tracing::info!(board = %board.slug, reissued = report.reissued, revoked = report.revoked, remaining = report.remaining, "re-issuance run");
    Ok(Json(report))
}
