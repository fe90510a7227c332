//! Anchoring checkpoints on an EVM chain: periodically (every board whose newest checkpoint is not
//! yet anchored) and on demand (`POST /boards/{slug}/log/anchor`, board admins). The transaction
//! hash, block number and block time are stored next to the checkpoint and shown by
//! `GET /boards/{slug}/log/checkpoints`.
//!
//! One anchor per board per round at most: anchoring costs gas, and a root anchored later covers
//! everything before it (an anchored checkpoint of size n vouches for every smaller size through a
//! consistency proof).

use std::time::Duration;

use axum::extract::{Path, State};
use axum::Json;
use medcred_anchor::{anchor, ChainConfig};
use medcred_issuer::api::Caller;
use medcred_issuer::sequencer::ANCHORING_LEASE;
use medcred_issuer::{Issuer, IssuerError, Sequencer};
use medcred_store::{AnchorRow, BoardRow, Role};
use serde_json::json;
use tokio::sync::Mutex;

use crate::error::RegistryError;
use crate::state::Registry;

/// Where and how often to anchor.
#[derive(Clone, Debug)]
pub struct AnchorSettings {
    /// The chain and the account that pays.
    pub chain: ChainConfig,
    /// How often the periodic round runs.
    pub every: Duration,
}

/// What anchoring one board did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorOutcome {
    /// The board's log has no checkpoint yet.
    NothingToAnchor,
    /// The newest checkpoint was anchored before.
    AlreadyAnchored {
        /// Its size.
        size: i64,
        /// Where.
        anchor: AnchorRow,
    },
    /// Anchored now.
    Anchored {
        /// The size of the anchored checkpoint.
        size: i64,
        /// Where.
        anchor: AnchorRow,
    },
}

/// Anchors one board at a time (nonces of one account must not race): in this process under a
/// lock, among processes sharing the database under the anchoring account's lease.
pub struct Anchorer {
    settings: AnchorSettings,
    lock: Mutex<()>,
    lease: Option<Sequencer>,
}

impl Anchorer {
    /// An anchorer for `settings`.
    pub fn new(settings: AnchorSettings) -> Anchorer {
        Anchorer { settings, lock: Mutex::new(()), lease: None }
    }

    /// Anchor only while holding the anchoring account's lease ([`ANCHORING_LEASE`]), when given.
    pub fn with_lease(self, lease: Option<Sequencer>) -> Anchorer {
        Anchorer { lease, ..self }
    }

    /// How often the periodic round runs.
    pub fn every(&self) -> Duration {
        self.settings.every
    }

    /// Anchor `board`'s newest checkpoint unless it already is.
    pub async fn anchor_board(&self, issuer: &Issuer, board: &BoardRow) -> Result<AnchorOutcome, RegistryError> {
        let _one_at_a_time = self.lock.lock().await;
        let db = issuer.db();
        if let Some(seq) = &self.lease {
            if !seq.claim(ANCHORING_LEASE).await? {
                let holder = db.lease(ANCHORING_LEASE).await?.map(|l| l.holder).unwrap_or_default();
                return Err(RegistryError::Conflict {
                    code: "not_sequencer",
                    message: format!(
                        "another process ({holder}) holds the anchoring lease; it anchors in its periodic round, or \
                         retry once it is gone"
                    ),
                });
            }
        }
        let Some(cp) = db.latest_checkpoint(&board.id).await? else { return Ok(AnchorOutcome::NothingToAnchor) };
        if let Some(existing) = cp.anchor {
            return Ok(AnchorOutcome::AlreadyAnchored { size: cp.size, anchor: existing });
        }
        let log = db.ledger_log(&board.id).await?;
        let root: [u8; 32] =
            cp.root.as_slice().try_into().map_err(|_| RegistryError::Internal("stored root length".into()))?;
        let made = anchor(&self.settings.chain, &log.origin, cp.size as u64, root)
            .await
            .map_err(|e| RegistryError::Chain(e.to_string()))?;
        let row = AnchorRow {
            chain_id: made.chain_id as i64,
            tx_hash: format!("0x{}", hex::encode(made.tx_hash)),
            block: made.block_number as i64,
            time: made.block_time as i64,
        };
        db.set_anchor(&board.id, cp.size, &row).await?;
        tracing::info!(board = %board.slug, size = cp.size, block = row.block, "checkpoint anchored");
        Ok(AnchorOutcome::Anchored { size: cp.size, anchor: row })
    }

    /// One periodic round over every board; failures are logged and retried next round. With a
    /// lease, only its holder runs the round.
    pub async fn anchor_all(&self, issuer: &Issuer) -> usize {
        if let Some(seq) = &self.lease {
            match seq.claim(ANCHORING_LEASE).await {
                Ok(true) => {}
                Ok(false) => return 0,
                Err(e) => {
                    tracing::warn!(error = %e, "anchoring round: the lease could not be checked");
                    return 0;
                }
            }
        }
        let boards = match issuer.db().boards().await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "anchoring round: listing boards failed");
                return 0;
            }
        };
        let mut anchored = 0;
        for board in &boards {
            match self.anchor_board(issuer, board).await {
                Ok(AnchorOutcome::Anchored { .. }) => anchored += 1,
                Ok(_) => {}
                Err(e) => tracing::warn!(board = %board.slug, error = %e, "anchoring failed; will retry"),
            }
        }
        anchored
    }
}

/// Run [`Anchorer::anchor_all`] every `anchorer.every()` forever (spawn it).
pub async fn anchor_loop(issuer: Issuer, anchorer: std::sync::Arc<Anchorer>) {
    let mut tick = tokio::time::interval(anchorer.every());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        anchorer.anchor_all(&issuer).await;
    }
}

/// `POST /boards/{slug}/log/anchor` (board admin): anchor the newest checkpoint now.
pub(crate) async fn post_anchor(
    State(reg): State<Registry>,
    Path(slug): Path<String>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, RegistryError> {
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    caller.for_board(&board).map_err(|_| RegistryError::NotFound("board"))?;
    if caller.0.role != Role::Admin {
        return Err(IssuerError::Forbidden("anchoring needs a board admin token").into());
    }
    let Some(anchorer) = reg.anchorer() else {
        return Err(RegistryError::Conflict {
            code: "anchoring_disabled",
            message: "this registry has no chain configured (start it with --anchor-rpc-url)".into(),
        });
    };
    let outcome = anchorer.anchor_board(reg.issuer(), &board).await?;
    Ok(Json(outcome_json(&outcome)))
}

/// The JSON answer for an [`AnchorOutcome`].
pub fn outcome_json(outcome: &AnchorOutcome) -> serde_json::Value {
    let anchor_json = |a: &AnchorRow| json!({"chainId": a.chain_id, "tx": a.tx_hash, "block": a.block, "time": a.time});
    match outcome {
        AnchorOutcome::NothingToAnchor => json!({"anchored": false, "reason": "no checkpoint yet"}),
        AnchorOutcome::AlreadyAnchored { size, anchor } => {
            json!({"anchored": false, "reason": "already anchored", "size": size, "anchor": anchor_json(anchor)})
        }
        AnchorOutcome::Anchored { size, anchor } => {
            json!({"anchored": true, "size": size, "anchor": anchor_json(anchor)})
        }
    }
}
