//! What the pages' server functions return, read in process from the issuer's database and
//! always scoped to the signed-in person's own board: another board's credential is a 403.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use medcred_model::LicenseType;
use medcred_store::{CredentialRow, Db, OrgKind, StatusChangeRow, StatusListRow, StoreError};

use super::flash::Flash;
use super::{current_target, viewer};
use crate::auth::SignedIn;
use crate::pages::board::model::{
    BatchJobView, BatchView, ChangeView, CheckpointView, CredentialSummary, CredentialView, DashboardView, Guarded,
    IssueFormView, KeyView, Me, OfferView, SearchView,
};
use crate::server::AppState;

/// Most recent changes on the dashboard.
const RECENT: i64 = 10;

fn status(code: axum::http::StatusCode) {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(code);
    }
}

/// A storage failure: logged once, a generic message for the page, 503.
fn unavailable(e: StoreError) -> ServerFnError {
    tracing::error!(error = %e, "page data unavailable");
    status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
    ServerFnError::new("The service is unavailable just now. Try again in a moment.")
}

/// A time for people.
pub(crate) fn when(ts: i64) -> String {
    Utc.timestamp_opt(ts, 0).single().map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

/// The page's view of a signed-in person.
pub fn me(who: &SignedIn) -> Me {
    Me {
        name: who.name.clone(),
        email: who.email.clone(),
        role: who.role.as_str().to_owned(),
        role_label: who.role.label().to_owned(),
        org_kind: who.org.kind.as_str().to_owned(),
        org_name: who.org.name.clone(),
        csrf: who.csrf.clone(),
    }
}

/// The person signed in, if any.
pub fn whoami() -> Option<Me> {
    viewer().map(|w| me(&w))
}

/// The board member signed in, or why the page is not shown: nobody signed in (redirect to the
/// sign-in page), or someone from a hospital (403).
fn board_member<T>() -> Result<SignedIn, Guarded<T>> {
    let next = current_target();
    match viewer() {
        None => {
            if !next.starts_with("/api/") {
                leptos_axum::redirect(&format!("/signin?next={}", super::respond::encode(&next)));
            }
            Err(Guarded::SignIn { next })
        }
        Some(w) if w.org.kind != OrgKind::Board => {
            status(axum::http::StatusCode::FORBIDDEN);
            Err(Guarded::Forbidden(format!(
                "This page is for licensing board staff. You are signed in for {}.",
                w.org.name
            )))
        }
        Some(w) => Ok(w),
    }
}

fn state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>()
        .filter(|s| s.accounts.is_some())
        .ok_or_else(|| ServerFnError::new("accounts are not set up"))
}

fn db(state: &AppState) -> Result<&Db, ServerFnError> {
    state.accounts.as_ref().map(|a| a.issuer().db()).ok_or_else(|| ServerFnError::new("accounts are not set up"))
}

fn change_word(c: &StatusChangeRow) -> &'static str {
    match (c.purpose.as_str(), c.value) {
        ("revocation", 1) => "Revoked",
        ("revocation", _) => "Revocation lifted",
        ("suspension", 1) => "Suspended",
        _ => "Reinstated",
    }
}

async fn actor_names(db: &Db, actors: impl Iterator<Item = &str>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for a in actors {
        if names.contains_key(a) {
            continue;
        }
        let name = match a.strip_prefix("user:") {
            Some(id) => db.user(id).await.map(|u| u.display_name).unwrap_or_else(|_| "a former user".into()),
            None if a.starts_with("token:") => "API token".into(),
            None => a.to_owned(),
        };
        names.insert(a.to_owned(), name);
    }
    names
}

fn change_view(
    c: &StatusChangeRow,
    name: &str,
    number: Option<String>,
    actors: &BTreeMap<String, String>,
) -> ChangeView {
    ChangeView {
        credential_id: c.credential_id.clone(),
        name: name.to_owned(),
        license_number: number,
        what: change_word(c).to_owned(),
        reason: c.reason.clone(),
        actor: actors.get(&c.actor).cloned().unwrap_or_else(|| c.actor.clone()),
        at: when(c.at),
        leaf_index: c.leaf_index,
    }
}

/// The dashboard's data.
pub async fn dashboard() -> Result<Guarded<DashboardView>, ServerFnError> {
    let who = match board_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let state = state()?;
    let db = db(&state)?;
    let board = db.board(&who.org.id).await.map_err(unavailable)?;
    let issued = db.count_credentials(&board.id).await.map_err(unavailable)?;
    let counts = db.status_counts(&board.id).await.map_err(unavailable)?;
    let keys = db.keys(&board.id).await.map_err(unavailable)?;
    let checkpoint = db.latest_checkpoint(&board.id).await.map_err(unavailable)?;
    let recent = db.recent_status_changes(&board.id, RECENT).await.map_err(unavailable)?;
    let actors = actor_names(db, recent.iter().map(|r| r.change.actor.as_str())).await;
    Ok(Guarded::Shown(DashboardView {
        board_name: board.name,
        slug: board.slug.clone(),
        did: board.did.clone(),
        issued,
        active: (issued - counts.revoked - counts.suspended).max(0),
        suspended: counts.suspended,
        revoked: counts.revoked,
        keys: keys
            .into_iter()
            .map(|k| KeyView {
                id: format!("{}#{}", board.did, k.key_id),
                status: k.status.as_str().to_owned(),
                created: when(k.created_at),
            })
            .collect(),
        checkpoint: checkpoint.map(|c| CheckpointView {
            size: c.size,
            at: when(c.created_at),
            cosignatures: c.cosignatures,
            anchor: c.anchor.map(|a| format!("chain {}, block {} ({})", a.chain_id, a.block, when(a.time))),
        }),
        recent: recent
            .iter()
            .map(|r| change_view(&r.change, &r.subject_label, r.license_number.clone(), &actors))
            .collect(),
    }))
}

/// The issue form's data: choices, and what came back from a refused post (`flash`).
pub async fn issue_form(flash: Option<String>) -> Result<Guarded<IssueFormView>, ServerFnError> {
    let who = match board_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let state = state()?;
    let (mut values, mut errors) = (Vec::new(), Vec::new());
    if let Some(Flash::IssueForm { values: v, errors: e }) =
        flash.and_then(|id| state.flash.get(&who.session_hash, &id))
    {
        values = v.into_iter().collect();
        errors = e.into_iter().collect();
    }
    Ok(Guarded::Shown(IssueFormView {
        license_types: LicenseType::ALL.iter().map(|t| (t.code().to_owned(), t.label().to_owned())).collect(),
        values,
        errors,
    }))
}

fn bit(bits: &[u8], index: i64) -> bool {
    u64::try_from(index).ok().and_then(|i| medcred_registry_service::committer::bit(bits, i)).unwrap_or(false)
}

/// Status lists read so far (a search reads each list once).
type Lists = BTreeMap<i64, StatusListRow>;

async fn summary(db: &Db, c: &CredentialRow, now: i64, lists: &mut Lists) -> Result<CredentialSummary, StoreError> {
    let state = match (c.status_list, c.status_index) {
        (Some(list), Some(index)) => {
            let row = match lists.entry(list) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => v.insert(db.status_list(&c.board_id, list).await?),
            };
            if bit(&row.revocation, index) {
                "revoked"
            } else if bit(&row.suspension, index) {
                "suspended"
            } else if c.valid_until.is_some_and(|u| u <= now) {
                "expired"
            } else {
                "active"
            }
        }
        _ if c.valid_until.is_some_and(|u| u <= now) => "expired",
        _ => "no status",
    };
    Ok(CredentialSummary {
        id: c.id.clone(),
        name: c.subject_label.clone(),
        license_number: c.license_number.clone(),
        jurisdiction: c.jurisdiction.clone(),
        kind: c.kind.clone(),
        format: c.format.clone(),
        issued: when(c.created_at),
        valid_until: c.valid_until.map(when),
        state: state.to_owned(),
    })
}

/// Search the board's credentials by name or license number (newest first; at most 200).
pub async fn search(q: String) -> Result<Guarded<SearchView>, ServerFnError> {
    let who = match board_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let state = state()?;
    let db = db(&state)?;
    let q: String = q.trim().chars().take(200).collect();
    let rows =
        db.search_credentials(&who.org.id, Some(q.as_str()).filter(|q| !q.is_empty())).await.map_err(unavailable)?;
    let now = Utc::now().timestamp();
    let mut results = Vec::with_capacity(rows.len());
    let mut lists = Lists::new();
    for r in &rows {
        results.push(summary(db, r, now, &mut lists).await.map_err(unavailable)?);
    }
    Ok(Guarded::Shown(SearchView { q, results }))
}

/// One of the board's credentials, its status history, and what a post just did (`flash`).
async fn own_credential(who: &SignedIn, db: &Db, id: &str) -> Result<Result<CredentialRow, String>, ServerFnError> {
    match db.credential(id).await {
        Ok(c) if c.board_id == who.org.id => Ok(Ok(c)),
        Ok(_) => {
            status(axum::http::StatusCode::FORBIDDEN);
            Ok(Err("This credential was issued by another board; you can see only your own board's.".into()))
        }
        Err(StoreError::NotFound(_)) => {
            status(axum::http::StatusCode::NOT_FOUND);
            Ok(Err(String::new()))
        }
        Err(e) => Err(unavailable(e)),
    }
}

/// A credential's page.
pub async fn credential(id: String, flash: Option<String>) -> Result<Guarded<CredentialView>, ServerFnError> {
    let who = match board_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let state = state()?;
    let db = db(&state)?;
    let c = match own_credential(&who, db, &id).await? {
        Ok(c) => c,
        Err(why) if why.is_empty() => return Ok(Guarded::Missing("There is no such credential.".into())),
        Err(why) => return Ok(Guarded::Forbidden(why)),
    };
    let now = Utc::now().timestamp();
    let summary = summary(db, &c, now, &mut Lists::new()).await.map_err(unavailable)?;
    let history = db.status_changes(&c.id).await.map_err(unavailable)?;
    let actors = actor_names(db, history.iter().map(|h| h.actor.as_str())).await;
    let (mut notice, mut error) = (None, None);
    match flash.and_then(|f| state.flash.get(&who.session_hash, &f)) {
        Some(Flash::Notice(t)) => notice = Some(t),
        Some(Flash::Error(t)) => error = Some(t),
        _ => {}
    }
    Ok(Guarded::Shown(CredentialView {
        slot: c.status_list.zip(c.status_index).map(|(l, i)| format!("list {l}, index {i}")),
        history: history.iter().map(|h| change_view(h, &c.subject_label, c.license_number.clone(), &actors)).collect(),
        summary,
        notice,
        error,
    }))
}

/// An offer just made for one of the board's credentials (kept a few minutes, for this session).
pub async fn offer(id: String, flash: String) -> Result<Guarded<OfferView>, ServerFnError> {
    let who = match board_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let state = state()?;
    let db = db(&state)?;
    let c = match own_credential(&who, db, &id).await? {
        Ok(c) => c,
        Err(why) if why.is_empty() => return Ok(Guarded::Missing("There is no such credential.".into())),
        Err(why) => return Ok(Guarded::Forbidden(why)),
    };
    match state.flash.get(&who.session_hash, &flash) {
        Some(Flash::Offer(o)) if o.credential_id == c.id => Ok(Guarded::Shown(OfferView {
            credential_id: c.id,
            name: c.subject_label,
            qr_svg: o.qr_svg,
            web_wallet_qr_svg: o.web_wallet_qr_svg,
            link: o.link,
            pin: o.pin,
            configuration: o.configuration,
            expires: when(o.expires_at),
        })),
        _ => {
            status(axum::http::StatusCode::NOT_FOUND);
            Ok(Guarded::Missing(
                "This offer is no longer shown here (offers are shown for ten minutes). Make a new one.".into(),
            ))
        }
    }
}

/// The batch page: the job `job` (while it runs, the page asks the browser to reload it every
/// second: a live progress bar with or without JavaScript), or a refused start (`f`).
pub async fn batch(job: Option<String>, f: Option<String>) -> Result<Guarded<BatchView>, ServerFnError> {
    let who = match board_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let state = state()?;
    let error = match f.and_then(|f| state.flash.get(&who.session_hash, &f)) {
        Some(Flash::Error(t)) => Some(t),
        _ => None,
    };
    let job = job.and_then(|id| match state.flash.get(&who.session_hash, &id) {
        Some(Flash::Batch(j)) => j.lock().ok().map(|j| BatchJobView {
            id: id.clone(),
            total: j.total,
            issued: j.issued,
            skipped: j.skipped,
            failed: j.failed,
            done: j.done,
            error: j.error.clone(),
            rows: j.rows.clone(),
            has_report: j.errors_csv.is_some(),
        }),
        _ => None,
    });
    if job.as_ref().is_some_and(|j| !j.done) {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.insert_header(axum::http::header::REFRESH, axum::http::HeaderValue::from_static("1"));
        }
    }
    Ok(Guarded::Shown(BatchView { job, error }))
}
