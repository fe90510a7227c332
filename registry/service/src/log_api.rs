//! A board's log, read side: `GET /boards/{slug}/log/checkpoint` (C2SP tlog-checkpoint, cosigned
//! when witnesses answered; short-lived), `GET /boards/{slug}/log/tile/…` (C2SP tlog-tiles: hash
//! tiles and entry bundles, immutable), `GET /boards/{slug}/log/proof/inclusion?index&size` and
//! `…/proof/consistency?old&new` (RFC 9162 §2.1.3, §2.1.4), and `GET /boards/{slug}/log/checkpoints`.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_registry::merkle::{Hash, NodeId};
use medcred_registry::tiles::{encode_entry_bundle, tile_bytes, TilePath};
use serde::Deserialize;
use serde_json::json;

use crate::error::RegistryError;
use crate::ledger::{consistency_proof, inclusion_proof, size_of};
use crate::state::Registry;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn internal(e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Internal(e.to_string())
}

/// `GET /boards/{slug}/log/checkpoint`.
pub(crate) async fn checkpoint(
    State(reg): State<Registry>,
    Path(slug): Path<String>,
) -> Result<Response, RegistryError> {
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    let cp = reg.issuer().db().latest_checkpoint(&board.id).await?.ok_or(RegistryError::NotFound("checkpoint"))?;
    let text = cp.cosigned.unwrap_or(cp.note);
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=1")], text)
        .into_response())
}

/// `GET /boards/{slug}/log/tile/{*path}`.
pub(crate) async fn tile(
    State(reg): State<Registry>,
    Path((slug, path)): Path<(String, String)>,
) -> Result<Response, RegistryError> {
    let parsed = TilePath::parse(&format!("tile/{path}"))
        .map_err(|e| RegistryError::bad_request("malformed_tile_path", e.to_string()))?;
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    let db = reg.issuer().db();
    let size = size_of(db, &board.id).await?;
    let body = match parsed {
        TilePath::Hashes(t) => {
            let ids: Vec<(u8, u64)> = t.nodes().map(|n| (n.level, n.index)).collect();
            let rows = db.ledger_nodes(&board.id, &ids).await?;
            if rows.len() != ids.len() {
                return Err(RegistryError::NotFound("tile"));
            }
            let mut map = BTreeMap::new();
            for ((level, index), h) in rows {
                let h: [u8; 32] = h.as_slice().try_into().map_err(|_| internal("stored hash length"))?;
                map.insert(NodeId { level, index }, Hash(h));
            }
            tile_bytes(&map, t).map_err(|_| RegistryError::NotFound("tile"))?
        }
        TilePath::Entries(e) => {
            let (first, width) = (e.first_entry(), u64::from(e.width()));
            if first.saturating_add(width) > size {
                return Err(RegistryError::NotFound("entry bundle"));
            }
            let leaves = db.ledger_leaves(&board.id, first, first + width).await?;
            encode_entry_bundle(leaves.iter().map(Vec::as_slice)).map_err(internal)?
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/octet-stream"), (header::CACHE_CONTROL, IMMUTABLE)], body).into_response())
}

/// Query of the inclusion proof route.
#[derive(Debug, Deserialize)]
pub(crate) struct InclusionQuery {
    index: u64,
    size: u64,
}

/// Query of the consistency proof route.
#[derive(Debug, Deserialize)]
pub(crate) struct ConsistencyQuery {
    old: u64,
    new: u64,
}

fn check_size(size: u64, current: u64) -> Result<(), RegistryError> {
    if size > current {
        return Err(RegistryError::bad_request("out_of_range", format!("the log has {current} leaves, not {size}")));
    }
    Ok(())
}

fn b64(path: &[Hash]) -> Vec<String> {
    path.iter().map(Hash::to_base64).collect()
}

/// `GET /boards/{slug}/log/proof/inclusion?index=&size=`.
pub(crate) async fn inclusion(
    State(reg): State<Registry>,
    Path(slug): Path<String>,
    q: Result<Query<InclusionQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, RegistryError> {
    let Query(q) = q.map_err(|e| RegistryError::bad_request("malformed_query", e.body_text()))?;
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    check_size(q.size, size_of(reg.issuer().db(), &board.id).await?)?;
    let path = inclusion_proof(reg.issuer().db(), &board.id, q.index, q.size).await?;
    Ok(Json(json!({"index": q.index, "size": q.size, "path": b64(&path)})))
}

/// `GET /boards/{slug}/log/proof/consistency?old=&new=`.
pub(crate) async fn consistency(
    State(reg): State<Registry>,
    Path(slug): Path<String>,
    q: Result<Query<ConsistencyQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, RegistryError> {
    let Query(q) = q.map_err(|e| RegistryError::bad_request("malformed_query", e.body_text()))?;
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    check_size(q.new, size_of(reg.issuer().db(), &board.id).await?)?;
    let path = consistency_proof(reg.issuer().db(), &board.id, q.old, q.new).await?;
    Ok(Json(json!({"old": q.old, "new": q.new, "path": b64(&path)})))
}

/// `GET /boards/{slug}/log/checkpoints`: the 100 newest, with cosignature counts and anchors.
pub(crate) async fn checkpoints(
    State(reg): State<Registry>,
    Path(slug): Path<String>,
) -> Result<Json<serde_json::Value>, RegistryError> {
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    let log = reg.issuer().db().ledger_log(&board.id).await?;
    let rows = reg.issuer().db().recent_checkpoints(&board.id, 100).await?;
    let items: Vec<_> = rows
        .iter()
        .map(|c| {
            json!({
                "size": c.size,
                "root": base64_of(&c.root),
                "createdAt": c.created_at,
                "cosignatures": c.cosignatures,
                "anchor": c.anchor.as_ref().map(|a| json!({"chainId": a.chain_id, "tx": a.tx_hash, "block": a.block, "time": a.time})),
            })
        })
        .collect();
    Ok(Json(json!({"origin": log.origin, "logKey": log.public_key, "checkpoints": items})))
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
