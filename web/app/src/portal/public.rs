//! The data of a board's public page (`/public/boards/:slug`), read in process: the board, its
//! DID document as served, its status lists and checkpoints — and the inclusion proof lookup, which
//! asks the registry's own `GET /boards/{slug}/status/{list}/{purpose}/bundle` route (in process)
//! and checks the bundle with the ledger crate against the log key the DID document publishes.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use leptos::prelude::*;
use medcred_registry::checkpoint::VerifiedCheckpoint;
use medcred_registry::merkle::{verify_inclusion, Hash};
use medcred_registry::note::{Note, VerifierKey};
use medcred_registry::proof_bundle::ProofBundle;
use medcred_registry::status::{snapshot_hash_of, BitstringStatusList, LedgerLeaf, ListId, StatusPurpose, StatusSize};
use medcred_registry_service::Registry;
use medcred_store::{CheckpointRow, StoreError};
use serde_json::Value;
use tower::ServiceExt;

use super::data::when;
use crate::pages::public_board::{
    ProofLookupView, ProofStep, PublicBoardView, PublicCheckpointView, PublicKeyView, PublicLedgerView, PublicListView,
};
use crate::server::AppState;

/// Checkpoints in the table.
const RECENT_CHECKPOINTS: i64 = 10;
/// The most bytes of a proof bundle read.
const MAX_BUNDLE: usize = 4 << 20;

fn unavailable(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "public page data unavailable");
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(StatusCode::SERVICE_UNAVAILABLE);
    }
    ServerFnError::new("The service is unavailable just now. Try again in a moment.")
}

fn not_found() {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(StatusCode::NOT_FOUND);
    }
}

/// The public page's data; `None` (and a 404) for a board that does not exist.
pub async fn board(
    slug: String,
    list: Option<String>,
    purpose: Option<String>,
) -> Result<Option<PublicBoardView>, ServerFnError> {
    let registry = use_context::<AppState>()
        .and_then(|s| s.registry)
        .ok_or_else(|| ServerFnError::new("the boards' pages are not served here"))?;
    let issuer = registry.issuer();
    let db = issuer.db();
    let board = match db.board_by_slug(&slug).await {
        Ok(b) => b,
        Err(StoreError::NotFound(_)) => {
            not_found();
            return Ok(None);
        }
        Err(e) => return Err(unavailable(e)),
    };
    let document = issuer.did_document_of(&board).await.map_err(unavailable)?;
    let keys = db.keys(&board.id).await.map_err(unavailable)?;
    let count = db.status_list_count(&board.id).await.map_err(unavailable)?;
    let mut lists = Vec::new();
    for n in 0..count {
        let row = db.status_list(&board.id, n).await.map_err(unavailable)?;
        lists.push(PublicListView { number: row.list_no, entries: row.entries, updated: when(row.updated_at) });
    }
    // The lookup first: it may add a snapshot and checkpoint, which the ledger below then shows.
    let proof = match list {
        Some(list) => Some(lookup(&registry, &slug, &document, list, purpose.unwrap_or_default()).await),
        None => None,
    };
    let ledger = match db.ledger_log(&board.id).await {
        Ok(log) => {
            let recent = db.recent_checkpoints(&board.id, RECENT_CHECKPOINTS).await.map_err(unavailable)?;
            let note = recent.first().map(|c| c.cosigned.clone().unwrap_or_else(|| c.note.clone()));
            Some(PublicLedgerView {
                origin: log.origin.clone(),
                key: log.public_key.clone(),
                note,
                checkpoints: recent.iter().map(|c| checkpoint(c, &log.origin)).collect(),
            })
        }
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(unavailable(e)),
    };
    Ok(Some(PublicBoardView {
        name: board.name,
        slug: board.slug,
        did: board.did.clone(),
        did_document: serde_json::to_string_pretty(&document).unwrap_or_default(),
        keys: keys
            .into_iter()
            .map(|k| PublicKeyView {
                id: format!("{}#{}", board.did, k.key_id),
                status: k.status.as_str().to_owned(),
                created: when(k.created_at),
            })
            .collect(),
        lists,
        ledger,
        proof,
    }))
}

/// The boards served here, (slug, name); none when this deployment serves no board.
pub async fn boards() -> Result<Vec<(String, String)>, ServerFnError> {
    let Some(registry) = use_context::<AppState>().and_then(|s| s.registry) else { return Ok(Vec::new()) };
    let boards = registry.issuer().db().boards().await.map_err(unavailable)?;
    Ok(boards.into_iter().map(|b| (b.slug, b.name)).collect())
}

fn checkpoint(c: &CheckpointRow, origin: &str) -> PublicCheckpointView {
    let witnesses = c
        .cosigned
        .as_deref()
        .and_then(|n| Note::parse(n.as_bytes()).ok())
        .map(|n| n.signatures().iter().map(|s| s.name.as_str().to_owned()).filter(|name| name != origin).collect())
        .unwrap_or_default();
    PublicCheckpointView {
        size: c.size,
        root: hex::encode(&c.root),
        at: when(c.created_at),
        witnesses,
        anchor: c.anchor.as_ref().map(|a| format!("chain {}, block {}, tx {}", a.chain_id, a.block, a.tx_hash)),
    }
}

/// The ledger service of a DID document: (origin, note key).
fn ledger_of(document: &Value) -> Option<(String, VerifierKey)> {
    let services = match document.get("service") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    services.iter().find_map(|s| {
        let origin = s.get("origin")?.as_str()?.to_owned();
        let key = s.get("noteKey")?.as_str()?.parse().ok()?;
        Some((origin, key))
    })
}

fn refused(list: String, purpose: String, why: impl Into<String>) -> ProofLookupView {
    ProofLookupView { list, purpose, verified: false, refused: Some(why.into()), steps: Vec::new() }
}

/// A list number as the registry spells it: digits, no leading zero.
fn list_number(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

/// Fetch the proof bundle of list `list`'s `purpose` bitstring from the registry (in process) and
/// check it step by step.
async fn lookup(registry: &Registry, slug: &str, document: &Value, list: String, purpose: String) -> ProofLookupView {
    let list = list.trim().to_owned();
    let Some(number) = list_number(&list) else {
        return refused(list, purpose, "A list number is a whole number such as 0 or 1, without a leading zero.");
    };
    let purpose_kind = match purpose.as_str() {
        "revocation" => StatusPurpose::Revocation,
        "suspension" => StatusPurpose::Suspension,
        _ => return refused(list, purpose, "The purpose is revocation or suspension."),
    };
    let Some((origin, key)) = ledger_of(document) else {
        return refused(list, purpose, "This board's DID document names no ledger.");
    };
    let uri = format!("/boards/{slug}/status/{number}/{purpose}/bundle");
    let Ok(request) = Request::get(&uri).body(Body::empty()) else {
        return refused(list, purpose, "That list cannot be asked for.");
    };
    let response = match medcred_registry_service::router(registry.clone()).oneshot(request).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), MAX_BUNDLE).await.unwrap_or_default();
    if status == StatusCode::NOT_FOUND {
        return refused(list, purpose, format!("This board has no status list {number}."));
    }
    if !status.is_success() {
        tracing::warn!(%status, "proof bundle for the public page not served");
        return refused(list, purpose, "The proof bundle could not be fetched just now. Try again in a moment.");
    }
    let steps = check(&body, number, purpose_kind, &origin, &key);
    ProofLookupView { list, purpose, verified: steps.iter().all(|s| s.ok), refused: None, steps }
}

/// The steps of checking a bundle (`{"statusListCredential", "tlogProof"}`); stops at the first
/// step that fails.
fn check(body: &[u8], number: u64, purpose: StatusPurpose, origin: &str, key: &VerifierKey) -> Vec<ProofStep> {
    let mut steps = Vec::new();
    let mut step = |what: &str, result: Result<String, String>| {
        let ok = result.is_ok();
        steps.push(ProofStep { what: what.to_owned(), ok, detail: result.unwrap_or_else(|e| e) });
        ok
    };
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let bits = json
        .pointer("/statusListCredential/credentialSubject/encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| "the bundle carries no encodedList".to_owned())
        .and_then(|e| BitstringStatusList::decode_list(e, StatusSize::One).map_err(|e| e.to_string()));
    let bits = match bits {
        Ok(b) => b,
        Err(e) => {
            step("The served list", Err(e));
            return steps;
        }
    };
    let digest = snapshot_hash_of(bits.as_bytes());
    step("The served list", Ok(format!("{} entries; SHA-256 of its bits {}", bits.len(), hex::encode(digest))));
    let bundle = match json
        .get("tlogProof")
        .and_then(Value::as_str)
        .ok_or_else(|| "the bundle carries no tlogProof".to_owned())
        .and_then(|t| ProofBundle::parse(t.as_bytes()).map_err(|e| e.to_string()))
    {
        Ok(b) => b,
        Err(e) => {
            step("The proof", Err(e));
            return steps;
        }
    };
    let checkpoint = match VerifiedCheckpoint::open(bundle.checkpoint_bytes(), origin, key) {
        Ok(c) => c,
        Err(e) => {
            step("Checkpoint signed by the board's log key", Err(format!("it is not: {e}")));
            return steps;
        }
    };
    let cp = checkpoint.checkpoint();
    step(
        "Checkpoint signed by the board's log key",
        Ok(format!("origin {origin}, tree size {}, root {}", cp.size(), cp.root().to_hex())),
    );
    let Some(leaf) = bundle.extra() else {
        step("The snapshot leaf", Err("the proof carries no leaf data".into()));
        return steps;
    };
    let snapshot = match LedgerLeaf::decode(leaf) {
        Ok(LedgerLeaf::Snapshot(s)) => s,
        Ok(LedgerLeaf::Event(_)) => {
            step("The snapshot leaf", Err("the proven leaf is an event, not a snapshot".into()));
            return steps;
        }
        Err(e) => {
            step("The snapshot leaf", Err(format!("not a ledger leaf: {e}")));
            return steps;
        }
    };
    let recorded = snapshot.find(ListId(number), purpose).map(|d| d.bitstring_sha256);
    let matches = match recorded {
        Some(h) if h == digest => {
            Ok(format!("leaf {} records list {number} ({}) with the same SHA-256", bundle.index(), purpose.as_str()))
        }
        Some(h) => Err(format!("leaf {} records another SHA-256: {}", bundle.index(), hex::encode(h))),
        None => Err(format!("leaf {} does not record list {number} ({})", bundle.index(), purpose.as_str())),
    };
    if !step("The snapshot leaf records the served list", matches) {
        return steps;
    }
    let included = verify_inclusion(&Hash::leaf(leaf), bundle.index(), cp.size(), bundle.path(), cp.root())
        .map(|()| {
            format!(
                "leaf {} of {}: {} hashes lead from the leaf to the checkpoint's root",
                bundle.index(),
                cp.size(),
                bundle.path().len()
            )
        })
        .map_err(|e| format!("the path does not lead to the root: {e}"));
    step("Inclusion proof", included);
    steps
}

#[cfg(test)]
mod tests {
    use super::list_number;

    #[test]
    fn list_numbers_are_canonical() {
        assert_eq!(list_number("0"), Some(0));
        assert_eq!(list_number("12"), Some(12));
        assert_eq!(list_number("012"), None);
        assert_eq!(list_number("-1"), None);
        assert_eq!(list_number("x"), None);
        assert_eq!(list_number(""), None);
        assert_eq!(list_number("99999999999999999999"), None);
    }
}
