//! The witness role, C2SP tlog-witness: `POST /witness/add-checkpoint`. A witness cosigns a log's
//! checkpoint only if the log signed it and it is consistent (RFC 9162 consistency proof) with the
//! last checkpoint this witness cosigned for that origin; the new size is stored with a
//! compare-and-set, so two racing requests can never both advance from the same size. A checkpoint
//! of an already-cosigned size with another root is a fork: refused with 409 and logged.
//!
//! Which logs a witness follows is data (the `witness_logs` table), added with
//! [`WitnessService::follow`] (`medcred witness follow ORIGIN KEY`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use medcred_issuer::Clock;
use medcred_registry::checkpoint::Checkpoint;
use medcred_registry::merkle::Hash;
use medcred_registry::note::{Cosigner, Note, VerifierKey};
use medcred_registry::witness::{
    format_size_body, AddCheckpointRequest, LogState, Witness, WitnessError, SIZE_CONTENT_TYPE,
};
use medcred_store::{Db, WitnessForkRow, WitnessLogRow};
use serde_json::json;

use crate::error::RegistryError;

/// Largest add-checkpoint body accepted.
pub const MAX_BODY: usize = medcred_registry::witness::MAX_REQUEST_SIZE;

/// The witness role's state. Cheap to clone.
#[derive(Clone)]
pub struct WitnessService {
    db: Db,
    cosigner: Arc<Cosigner>,
    clock: Arc<dyn Clock>,
}

impl WitnessService {
    /// A witness signing with `cosigner`, keeping state in `db`.
    pub fn new(db: Db, cosigner: Cosigner, clock: Arc<dyn Clock>) -> WitnessService {
        WitnessService { db, cosigner: Arc::new(cosigner), clock }
    }

    /// The cosignature verifier key to give to verifiers and logs.
    pub fn verifier_key(&self) -> VerifierKey {
        self.cosigner.verifier_key()
    }

    /// Start following the log `origin` signed by `key` (from size 0). Following an origin again
    /// with the same key is a no-op; with another key it is refused.
    pub async fn follow(&self, origin: &str, key: &VerifierKey) -> Result<(), RegistryError> {
        Witness::new((*self.cosigner).clone())
            .with_log(origin, key.clone())
            .map_err(|e| RegistryError::bad_request("bad_log", e.to_string()))?;
        let row = WitnessLogRow {
            origin: origin.to_owned(),
            log_key: key.to_string(),
            size: 0,
            root: Hash::empty_tree().as_bytes().to_vec(),
            updated_at: self.clock.now().timestamp(),
        };
        let mut tx = self.db.begin().await?;
        if !tx.advance_witness_log(&row, None).await? {
            let existing =
                tx.witness_log(origin).await?.ok_or(RegistryError::Unavailable("witness log vanished".into()))?;
            if existing.log_key != row.log_key {
                return Err(RegistryError::Conflict {
                    code: "log_key_mismatch",
                    message: format!("{origin} is already followed with another key"),
                });
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add(&self, body: &[u8]) -> Response {
        let req = match AddCheckpointRequest::parse(body) {
            Ok(r) => r,
            Err(e) => {
                return plain(StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST), &e.to_string())
            }
        };
        for _ in 0..3 {
            match self.try_add(&req).await {
                Ok(Some(body)) => return plain(StatusCode::OK, &body),
                Ok(None) => continue,
                Err(Refusal::Witness(e)) => return refusal(req.origin(), &e),
                Err(Refusal::Registry(e)) => return e.into_response(),
            }
        }
        plain(StatusCode::SERVICE_UNAVAILABLE, "concurrent updates; retry")
    }

    /// `Ok(None)`: another request advanced the log meanwhile; re-read and re-check.
    async fn try_add(&self, req: &AddCheckpointRequest) -> Result<Option<String>, Refusal> {
        let mut tx = self.db.begin().await.map_err(|e| Refusal::Registry(e.into()))?;
        let Some(row) = tx.witness_log(req.origin()).await.map_err(|e| Refusal::Registry(e.into()))? else {
            return Err(Refusal::Witness(WitnessError::UnknownOrigin(req.origin().to_owned())));
        };
        let key: VerifierKey =
            row.log_key.parse().map_err(|_| Refusal::Registry(RegistryError::Internal("stored log key".into())))?;
        let witness = Witness::new((*self.cosigner).clone())
            .with_log(&row.origin, key)
            .map_err(|e| Refusal::Registry(RegistryError::Internal(e.to_string())))?;
        let root: [u8; 32] = row
            .root
            .as_slice()
            .try_into()
            .map_err(|_| Refusal::Registry(RegistryError::Internal("stored root".into())))?;
        let state = LogState { size: row.size as u64, root: Hash(root) };
        let now = self.clock.now().timestamp().max(0) as u64;
        let cosigned = match witness.add_checkpoint(Some(state), req, now) {
            Ok(c) => c,
            Err(e) => {
                drop(tx);
                if matches!(e, WitnessError::Equivocation { .. } | WitnessError::InvalidProof(_)) {
                    self.keep_evidence(req, &row, &e, now).await;
                }
                return Err(Refusal::Witness(e));
            }
        };
        let next = WitnessLogRow {
            size: cosigned.state.size as i64,
            root: cosigned.state.root.as_bytes().to_vec(),
            updated_at: now as i64,
            ..row.clone()
        };
        if !tx.advance_witness_log(&next, Some(row.size)).await.map_err(|e| Refusal::Registry(e.into()))? {
            return Ok(None);
        }
        tx.commit().await.map_err(|e| Refusal::Registry(e.into()))?;
        Ok(Some(cosigned.response_body()))
    }
}

impl WitnessService {
    /// Keep a refused, log-signed checkpoint as fork evidence (failures only logged: the refusal
    /// stands either way).
    async fn keep_evidence(&self, req: &AddCheckpointRequest, known: &WitnessLogRow, e: &WitnessError, now: u64) {
        let checkpoint = String::from_utf8_lossy(req.checkpoint_bytes()).into_owned();
        let Ok(note) = Note::parse(req.checkpoint_bytes()) else { return };
        let Ok(cp) = Checkpoint::parse_body(note.text()) else { return };
        tracing::warn!(origin = %known.origin, size = cp.size(), known = known.size, "fork detected; evidence kept");
        let fork = WitnessForkRow {
            origin: known.origin.clone(),
            size: cp.size() as i64,
            offered_root: cp.root().as_bytes().to_vec(),
            known_size: known.size,
            known_root: known.root.clone(),
            checkpoint,
            reason: e.to_string(),
            seen_at: now as i64,
        };
        if let Err(err) = self.db.record_witness_fork(&fork).await {
            tracing::error!(error = %err, "could not keep fork evidence");
        }
    }

    /// What this witness is: its key, the logs it follows, and the forks it has seen.
    async fn describe(&self) -> Result<serde_json::Value, RegistryError> {
        let logs = self.db.witness_logs().await?;
        let forks = self.db.witness_forks(100).await?;
        Ok(json!({
            "key": self.verifier_key().to_string(),
            "logs": logs.iter().map(|l| json!({
                "origin": l.origin, "logKey": l.log_key, "size": l.size,
                "root": b64(&l.root), "updatedAt": l.updated_at,
            })).collect::<Vec<_>>(),
            "forks": forks.iter().map(|f| json!({
                "origin": f.origin, "size": f.size, "offeredRoot": b64(&f.offered_root),
                "knownSize": f.known_size, "knownRoot": b64(&f.known_root),
                "reason": f.reason, "seenAt": f.seen_at, "checkpoint": f.checkpoint,
            })).collect::<Vec<_>>(),
        }))
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

enum Refusal {
    Witness(WitnessError),
    Registry(RegistryError),
}

fn plain(status: StatusCode, body: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", body.trim_end())).into_response()
}

fn refusal(origin: &str, e: &WitnessError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    match e {
        WitnessError::SizeConflict { known } => {
            (status, [(header::CONTENT_TYPE, SIZE_CONTENT_TYPE)], format_size_body(*known)).into_response()
        }
        WitnessError::Equivocation { size, .. } => {
            tracing::warn!(origin, size, "fork detected: a second root for a cosigned size; refused");
            plain(status, &e.to_string())
        }
        _ => plain(status, &e.to_string()),
    }
}

async fn add_checkpoint(State(svc): State<WitnessService>, body: Bytes) -> Response {
    svc.add(&body).await
}

/// `GET /witness`: the witness's key, followed logs and fork evidence (public: evidence of a
/// log's misbehaviour is meant to be shared).
async fn get_witness(State(svc): State<WitnessService>) -> Result<Json<serde_json::Value>, RegistryError> {
    svc.describe().await.map(Json)
}

/// The witness routes.
pub fn router(svc: WitnessService) -> Router {
    Router::new()
        .route("/witness", get(get_witness))
        .route("/witness/add-checkpoint", post(add_checkpoint))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(svc)
}
