//! Status lists with their ledger proof (C2SP `tlog-proof`, leaf data as `extra`):
//! `GET /boards/{slug}/status/{list}/{purpose}/proof` (the proof alone, `text/plain`) and
//! `GET /boards/{slug}/status/{list}/{purpose}/bundle` (JSON: the signed list credential and a proof
//! whose snapshot leaf records exactly that list's bitstring), so a verifier or an offline wallet
//! can check a list against the board's log without trusting the server.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_registry::note::Note;
use medcred_registry::proof_bundle::ProofBundle;
use medcred_registry::status::{snapshot_hash_of, LedgerLeaf, ListId, StatusPurpose};
use medcred_store::{BoardRow, Db, StatusListRow};
use serde_json::json;

use crate::error::RegistryError;
use crate::ledger::inclusion_proof;
use crate::lists::{bits_of, parse_list_no, signed_list, ListKind};
use crate::state::Registry;

/// Attempts to line a list up with a checkpoint while changes keep landing.
const ATTEMPTS: usize = 5;

enum Lined {
    /// The proof text.
    Proof(String),
    /// The latest snapshot records another version of the list: re-read the list.
    Stale,
}

fn internal(e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Internal(e.to_string())
}

/// How old the newest snapshot may be before a proof request appends a fresh one: a quiet board's
/// ledger evidence stays fresh for verifiers (their default limit is a day) at the cost of at
/// most one leaf per hour per board whose lists are read.
pub(crate) const SNAPSHOT_REFRESH_SECS: u64 = 3600;

/// How old the newest snapshot may grow before the board's sequencer appends a fresh one on its
/// own ([`snapshot_due`]): under [`SNAPSHOT_REFRESH_SECS`], so proof requests seldom have to, and
/// read-only processes on a replica (which cannot) prove against snapshots at most this old plus
/// the sequencer's check interval and the replication lag.
pub const SNAPSHOT_KEEP_FRESH_SECS: u64 = SNAPSHOT_REFRESH_SECS * 3 / 4;

/// Whether `board`'s newest snapshot is older than [`SNAPSHOT_KEEP_FRESH_SECS`] at `now` (Unix
/// seconds) or leaves out one of its lists (one opened by an issuance since the last status
/// change). A board without lists needs none.
pub async fn snapshot_due(db: &Db, board: &BoardRow, now: u64) -> Result<bool, RegistryError> {
    let lists = db.status_list_count(&board.id).await?;
    if lists == 0 {
        return Ok(false);
    }
    let Some(cp) = db.latest_checkpoint(&board.id).await? else { return Ok(true) };
    let size = u64::try_from(cp.size).map_err(internal)?;
    let Some(leaf) = db.ledger_leaves(&board.id, size.saturating_sub(1), size).await?.pop() else {
        return Ok(true);
    };
    let LedgerLeaf::Snapshot(snapshot) = LedgerLeaf::decode(&leaf).map_err(internal)? else {
        return Err(internal("the last leaf of a checkpoint is not a snapshot"));
    };
    let covered = snapshot.lists().iter().map(|d| d.list).collect::<std::collections::BTreeSet<_>>().len();
    Ok(now.saturating_sub(snapshot.time()) > SNAPSHOT_KEEP_FRESH_SECS || (covered as i64) < lists)
}

/// The proof for `row`'s `purpose` bitstring against the latest checkpoint, appending a snapshot
/// first if no snapshot covers the list yet (a list opened since the last status change) or the
/// newest is older than [`SNAPSHOT_REFRESH_SECS`] (not on a read-only database: there a list no
/// snapshot covers is a 503 `read_only`, and an old snapshot is proven as it is).
async fn prove(
    reg: &Registry,
    board: &BoardRow,
    row: &StatusListRow,
    purpose: StatusPurpose,
) -> Result<Lined, RegistryError> {
    let db = reg.issuer().db();
    for attempt in 0..2 {
        let Some(cp) = db.latest_checkpoint(&board.id).await? else {
            reg.committer().snapshot(board.clone()).await?;
            continue;
        };
        let size = u64::try_from(cp.size).map_err(internal)?;
        let leaf =
            db.ledger_leaves(&board.id, size - 1, size).await?.pop().ok_or_else(|| internal("last leaf missing"))?;
        let LedgerLeaf::Snapshot(snapshot) = LedgerLeaf::decode(&leaf).map_err(internal)? else {
            return Err(internal("the last leaf of a checkpoint is not a snapshot"));
        };
        let now = u64::try_from(reg.issuer().clock().now().timestamp()).unwrap_or(0);
        // A read-only process (a replica) cannot append: it proves against the newest snapshot
        // there is, and the verifier judges its age by its own freshness policy.
        let refresh = attempt == 0 && !db.read_only();
        if now.saturating_sub(snapshot.time()) > SNAPSHOT_REFRESH_SECS && refresh {
            reg.committer().snapshot(board.clone()).await?;
            continue;
        }
        let Some(digest) = snapshot.find(ListId(row.list_no as u64), purpose) else {
            reg.committer().snapshot(board.clone()).await?;
            continue;
        };
        if digest.bitstring_sha256 != snapshot_hash_of(bits_of(row, purpose)) {
            return Ok(Lined::Stale);
        }
        let path = inclusion_proof(db, &board.id, size - 1, size).await?;
        let note = Note::parse(cp.cosigned.as_deref().unwrap_or(&cp.note).as_bytes()).map_err(internal)?;
        let bundle = ProofBundle::new(size - 1, path, &note).and_then(|b| b.with_extra(leaf)).map_err(internal)?;
        return String::from_utf8(bundle.to_bytes()).map(Lined::Proof).map_err(internal);
    }
    Ok(Lined::Stale)
}

async fn lined_up(
    reg: &Registry,
    slug: &str,
    list: &str,
    purpose: &str,
) -> Result<(BoardRow, StatusListRow, StatusPurpose, String), RegistryError> {
    let ListKind::Bitstring(purpose) = ListKind::parse(purpose)? else {
        return Err(RegistryError::bad_request(
            "no_proof",
            "token status lists are proven through their bitstring lists",
        ));
    };
    let list_no = parse_list_no(list)?;
    let board = reg.issuer().db().board_by_slug(slug).await?;
    for _ in 0..ATTEMPTS {
        let row = reg.issuer().db().status_list(&board.id, list_no).await?;
        if let Lined::Proof(text) = prove(reg, &board, &row, purpose).await? {
            return Ok((board, row, purpose, text));
        }
    }
    Err(RegistryError::Unavailable("the list kept changing; retry".into()))
}

/// `GET /boards/{slug}/status/{list}/{purpose}/proof`.
pub(crate) async fn get_proof(
    State(reg): State<Registry>,
    Path((slug, list, purpose)): Path<(String, String, String)>,
) -> Result<Response, RegistryError> {
    let (_, _, _, text) = lined_up(&reg, &slug, &list, &purpose).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], text)
        .into_response())
}

/// `GET /boards/{slug}/status/{list}/{purpose}/bundle`. Cacheable for the list's own TTL: a
/// verifier that keeps the bundle that long sees a revocation no later than one that keeps the
/// list (the checkpoint's age is still judged by the verifier's freshness policy).
pub(crate) async fn get_bundle(
    State(reg): State<Registry>,
    Path((slug, list, purpose)): Path<(String, String, String)>,
) -> Result<Response, RegistryError> {
    let (board, row, purpose, text) = lined_up(&reg, &slug, &list, &purpose).await?;
    let signed = signed_list(&reg, &board, &row, ListKind::Bitstring(purpose)).await?;
    let credential: serde_json::Value = serde_json::from_str(&signed.body).map_err(internal)?;
    let cache_control = format!("public, max-age={}, must-revalidate", (reg.ttl_ms() / 1000).max(1));
    let cache_control = HeaderValue::from_str(&cache_control).map_err(internal)?;
    Ok(([(header::CACHE_CONTROL, cache_control)], Json(json!({"statusListCredential": credential, "tlogProof": text})))
        .into_response())
}
