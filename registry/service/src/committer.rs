//! Group commit of status changes. Handlers submit changes and wait; one task takes whatever is
//! queued (up to [`MAX_BATCH`]), applies it per board in one database transaction — status bits,
//! audit rows, event leaves, a snapshot leaf, subtree hashes, a signed checkpoint — commits, and
//! only then answers every waiter. At rest a change commits at once (no timer); under load the
//! changes that queue while a batch commits form the next batch.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use medcred_issuer::Issuer;
use medcred_registry::status::{
    snapshot_hash_of, LedgerLeaf, ListDigest, ListId, StatusEvent, StatusPurpose, StatusSnapshot,
};
use medcred_store::{BoardRow, StatusChangeRow, StatusListRow};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot, watch};

use crate::error::RegistryError;
use crate::ledger;

/// Most changes in one batch.
pub const MAX_BATCH: usize = 4096;
/// Longest reason kept.
pub const MAX_REASON: usize = 1000;

/// What a read-only process answers for a status change or a new snapshot.
const READ_ONLY: &str =
    "this process serves a read-only replica; status changes and new ledger entries go to the primary";

/// What board staff do to a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Cancel for good.
    Revoke,
    /// Hold back until reinstated.
    Suspend,
    /// Lift a suspension (refused for a revoked credential).
    Reinstate,
}

/// One requested change, with the credential's slot already looked up.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    /// The credential.
    pub credential_id: String,
    /// Its status list.
    pub list: i64,
    /// Its index in the list.
    pub index: u64,
    /// What to do.
    pub action: Action,
    /// Why (stays in the database; the ledger gets its hash).
    pub reason: String,
    /// Who (token label and id, or the CLI).
    pub actor: String,
}

/// The credential's state once the change committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeOutcome {
    /// The credential.
    pub credential_id: String,
    /// Revoked now.
    pub revoked: bool,
    /// Suspended now.
    pub suspended: bool,
    /// Whether this request changed anything (false when it repeated the current state).
    pub changed: bool,
    /// The event leaf recording the change, when there was one.
    pub leaf_index: Option<u64>,
    /// The log size of the checkpoint that includes the change (the current size for no-ops).
    pub checkpoint_size: u64,
}

enum Job {
    Change { board: BoardRow, req: ChangeRequest, reply: oneshot::Sender<Result<ChangeOutcome, RegistryError>> },
    Snapshot { board: BoardRow, reply: oneshot::Sender<Result<ChangeOutcome, RegistryError>> },
}

impl Job {
    fn board(&self) -> &BoardRow {
        match self {
            Job::Change { board, .. } | Job::Snapshot { board, .. } => board,
        }
    }
}

/// A handle to the committer task. Cheap to clone.
#[derive(Clone)]
pub struct Committer {
    queue: mpsc::Sender<Job>,
    generation: Arc<watch::Sender<u64>>,
    /// Over a read-only database (a replica): every job is refused before it is queued.
    read_only: bool,
}

impl Committer {
    /// Start the committer task on the current runtime. After each committed batch the board is
    /// sent to `committed` (witness cosigning, anchoring), if given.
    pub fn start(issuer: Issuer, committed: Option<mpsc::UnboundedSender<BoardRow>>) -> Committer {
        let (queue, rx) = mpsc::channel(MAX_BATCH * 4);
        let generation = Arc::new(watch::Sender::new(0));
        let read_only = issuer.db().read_only();
        tokio::spawn(run(issuer, rx, committed, generation.clone()));
        Committer { queue, generation, read_only }
    }

    /// How many batches this committer has committed: it moves before any caller of a batch is
    /// answered, so a cache stamped with an older generation knows it may be stale (the
    /// verifier's cache of this deployment's own status lists).
    pub fn generation(&self) -> u64 {
        *self.generation.borrow()
    }

    /// Move [`Committer::generation`] without a batch of this process's own: another process
    /// over the same database committed one ([`crate::leader`] saw a board's log grow), so what
    /// was cached of this deployment's lists may be stale, and hospital monitoring should look.
    pub fn bump(&self) {
        self.generation.send_modify(|g| *g += 1);
    }

    /// A receiver that sees [`Committer::generation`] move: woken after each committed batch
    /// (hospital monitoring re-checks what it watches then).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.generation.subscribe()
    }

    async fn send(
        &self,
        job: Job,
        rx: oneshot::Receiver<Result<ChangeOutcome, RegistryError>>,
    ) -> Result<ChangeOutcome, RegistryError> {
        if self.read_only {
            return Err(RegistryError::ReadOnly(READ_ONLY.into()));
        }
        self.queue.send(job).await.map_err(|_| RegistryError::Unavailable("committer stopped".into()))?;
        rx.await.map_err(|_| RegistryError::Unavailable("committer stopped before answering".into()))?
    }

    /// Apply a change; returns once it is committed to the database and the ledger.
    pub async fn submit(&self, board: BoardRow, req: ChangeRequest) -> Result<ChangeOutcome, RegistryError> {
        if req.reason.trim().is_empty() || req.reason.chars().count() > MAX_REASON {
            return Err(RegistryError::bad_request(
                "malformed_reason",
                format!("reason must be 1-{MAX_REASON} characters"),
            ));
        }
        let (reply, rx) = oneshot::channel();
        self.send(Job::Change { board, req, reply }, rx).await
    }

    /// Append a snapshot leaf (and checkpoint) even without changes: used when a list exists that
    /// the latest snapshot does not cover yet.
    pub async fn snapshot(&self, board: BoardRow) -> Result<u64, RegistryError> {
        let (reply, rx) = oneshot::channel();
        Ok(self.send(Job::Snapshot { board, reply }, rx).await?.checkpoint_size)
    }
}

async fn run(
    issuer: Issuer,
    mut rx: mpsc::Receiver<Job>,
    committed: Option<mpsc::UnboundedSender<BoardRow>>,
    generation: Arc<watch::Sender<u64>>,
) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let mut by_board: BTreeMap<String, Vec<Job>> = BTreeMap::new();
        for job in jobs {
            by_board.entry(job.board().id.clone()).or_default().push(job);
        }
        for (_, group) in by_board {
            if let Some(board) = commit_group(&issuer, group, &generation).await {
                if let Some(tx) = &committed {
                    let _ = tx.send(board);
                }
            }
        }
    }
}

/// Apply one board's jobs and answer them; the board when something was appended.
async fn commit_group(issuer: &Issuer, jobs: Vec<Job>, generation: &watch::Sender<u64>) -> Option<BoardRow> {
    let board = jobs.first().map(|j| j.board().clone())?;
    match apply(issuer, &board, &jobs).await {
        Ok((outcomes, appended)) => {
            generation.send_modify(|g| *g += 1);
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let reply = match job {
                    Job::Change { reply, .. } | Job::Snapshot { reply, .. } => reply,
                };
                let _ = reply.send(outcome);
            }
            appended.then_some(board)
        }
        Err(e) => {
            tracing::error!(board = %board.slug, error = %e, changes = jobs.len(), "status batch failed; nothing applied");
            for job in jobs {
                let reply = match job {
                    Job::Change { reply, .. } | Job::Snapshot { reply, .. } => reply,
                };
                let _ = reply.send(Err(e.duplicate()));
            }
            None
        }
    }
}

/// Entry `index` of a one-bit W3C bitstring (index 0 is the first byte's high bit); `None` when
/// the index is outside the list.
pub fn bit(bits: &[u8], index: u64) -> Option<bool> {
    let byte = bits.get(usize::try_from(index / 8).ok()?)?;
    Some(byte & (0x80 >> (index % 8)) != 0)
}

fn set_bit(bits: &mut [u8], index: u64, on: bool) {
    if let Some(byte) = usize::try_from(index / 8).ok().and_then(|i| bits.get_mut(i)) {
        let mask = 0x80 >> (index % 8);
        if on {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }
}

/// SHA-256 of the reason record: its random id (a salt, so common reasons cannot be guessed from
/// the hash), the credential, the change, the time, who and why.
fn reason_hash(c: &StatusChangeRow) -> [u8; 32] {
    let record = serde_json::json!([c.id, c.credential_id, c.purpose, c.value, c.at, c.actor, c.reason]);
    Sha256::digest(record.to_string().as_bytes()).into()
}

/// The (purpose, new value) a request asks for, given the current bits; `Ok(None)` = already so.
fn decide(action: Action, revoked: bool, suspended: bool) -> Result<Option<(StatusPurpose, bool)>, &'static str> {
    match action {
        Action::Revoke if revoked => Ok(None),
        Action::Revoke => Ok(Some((StatusPurpose::Revocation, true))),
        Action::Suspend if revoked => Err("the credential is revoked; it cannot be suspended"),
        Action::Suspend if suspended => Ok(None),
        Action::Suspend => Ok(Some((StatusPurpose::Suspension, true))),
        Action::Reinstate if revoked => Err("the credential is revoked; revocation is final and cannot be reinstated"),
        Action::Reinstate if !suspended => Ok(None),
        Action::Reinstate => Ok(Some((StatusPurpose::Suspension, false))),
    }
}

/// The outcome of each job, and whether the ledger grew.
type Applied = (Vec<Result<ChangeOutcome, RegistryError>>, bool);

async fn apply(issuer: &Issuer, board: &BoardRow, jobs: &[Job]) -> Result<Applied, RegistryError> {
    let now = issuer.clock().now().timestamp();
    let mut tx = issuer.db().begin().await?;
    tx.lock_board(&board.id).await?;
    let log = tx.ledger_log(&board.id).await?;
    let mut lists: BTreeMap<i64, StatusListRow> =
        tx.status_lists(&board.id).await?.into_iter().map(|l| (l.list_no, l)).collect();
    let base = u64::try_from(log.size).map_err(|_| RegistryError::Internal("negative log size".into()))?;
    let mut leaves: Vec<Vec<u8>> = Vec::new();
    let mut rows: Vec<StatusChangeRow> = Vec::new();
    let mut dirty = BTreeSet::new();
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut forced = false;
    for job in jobs {
        let req = match job {
            Job::Snapshot { .. } => {
                forced = true;
                outcomes.push(Ok(None));
                continue;
            }
            Job::Change { req, .. } => req,
        };
        let Some(list) = lists.get_mut(&req.list) else {
            outcomes.push(Err(RegistryError::Internal(format!("credential's status list {} is missing", req.list))));
            continue;
        };
        let (Some(revoked), Some(suspended)) = (bit(&list.revocation, req.index), bit(&list.suspension, req.index))
        else {
            outcomes.push(Err(RegistryError::Internal("credential's status index is outside its list".into())));
            continue;
        };
        let first = match decide(req.action, revoked, suspended) {
            Err(why) => {
                outcomes.push(Err(RegistryError::Conflict { code: "credential_revoked", message: why.into() }));
                continue;
            }
            Ok(None) => {
                outcomes.push(Ok(Some((req, revoked, suspended, None))));
                continue;
            }
            Ok(Some(change)) => change,
        };
        // Revoking a suspended credential also lifts the suspension (its own event): revocation is
        // final, and the token status list has one value per entry, so both bitstrings must agree
        // with what that value can say (1 revoked, 2 suspended, never both).
        let mut changes = vec![first];
        if req.action == Action::Revoke && suspended {
            changes.push((StatusPurpose::Suspension, false));
        }
        let (mut now_revoked, mut now_suspended) = (revoked, suspended);
        let mut first_leaf = None;
        for (purpose, value) in changes {
            let bits = match purpose {
                StatusPurpose::Revocation => &mut list.revocation,
                StatusPurpose::Suspension => &mut list.suspension,
            };
            set_bit(bits, req.index, value);
            dirty.insert(req.list);
            let leaf_index = base + leaves.len() as u64;
            first_leaf.get_or_insert(leaf_index);
            let mut row = StatusChangeRow {
                id: uuid::Uuid::new_v4().to_string(),
                board_id: board.id.clone(),
                credential_id: req.credential_id.clone(),
                purpose: purpose.as_str().to_owned(),
                value: i64::from(value),
                reason: req.reason.clone(),
                actor: req.actor.clone(),
                at: now,
                reason_hash: String::new(),
                leaf_index: leaf_index as i64,
            };
            let hash = reason_hash(&row);
            row.reason_hash = hex::encode(hash);
            let event = StatusEvent {
                list: ListId(req.list as u64),
                purpose,
                index: req.index,
                value: u8::from(value),
                time: now as u64,
                reason_hash: hash,
            };
            leaves.push(event.encode().to_vec());
            rows.push(row);
            match purpose {
                StatusPurpose::Revocation => now_revoked = value,
                StatusPurpose::Suspension => now_suspended = value,
            }
        }
        outcomes.push(Ok(Some((req, now_revoked, now_suspended, first_leaf))));
    }

    let appended = !leaves.is_empty() || forced;
    let size = if !appended {
        base
    } else {
        let mut digests = Vec::with_capacity(lists.len() * 2);
        for l in lists.values_mut() {
            if dirty.contains(&l.list_no) {
                l.version += 1;
                l.updated_at = now;
                tx.update_status_bits(l).await?;
            }
            let id = ListId(l.list_no as u64);
            digests.push(ListDigest {
                list: id,
                purpose: StatusPurpose::Revocation,
                bitstring_sha256: snapshot_hash_of(&l.revocation),
            });
            digests.push(ListDigest {
                list: id,
                purpose: StatusPurpose::Suspension,
                bitstring_sha256: snapshot_hash_of(&l.suspension),
            });
        }
        let snapshot = StatusSnapshot::new(now as u64, digests).map_err(|e| RegistryError::Internal(e.to_string()))?;
        leaves.push(LedgerLeaf::Snapshot(snapshot).encode());
        for row in &rows {
            tx.insert_status_change(row).await?;
        }
        let appended = ledger::append(&mut tx, issuer, &log, &leaves, now).await?;
        tx.commit().await?;
        tracing::info!(board = %board.slug, changes = rows.len(), size = appended.size, "status batch committed");
        appended.size
    };
    let outcomes = outcomes
        .into_iter()
        .map(|o| {
            o.map(|done| match done {
                Some((req, revoked, suspended, leaf_index)) => ChangeOutcome {
                    credential_id: req.credential_id.clone(),
                    revoked,
                    suspended,
                    changed: leaf_index.is_some(),
                    leaf_index,
                    checkpoint_size: size,
                },
                None => ChangeOutcome {
                    credential_id: String::new(),
                    revoked: false,
                    suspended: false,
                    changed: false,
                    leaf_index: None,
                    checkpoint_size: size,
                },
            })
        })
        .collect();
    Ok((outcomes, appended))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_follow_the_rules() {
        assert_eq!(decide(Action::Revoke, false, false), Ok(Some((StatusPurpose::Revocation, true))));
        assert_eq!(decide(Action::Revoke, true, false), Ok(None));
        assert_eq!(decide(Action::Revoke, false, true), Ok(Some((StatusPurpose::Revocation, true))));
        assert_eq!(decide(Action::Suspend, false, false), Ok(Some((StatusPurpose::Suspension, true))));
        assert_eq!(decide(Action::Suspend, false, true), Ok(None));
        assert!(decide(Action::Suspend, true, false).is_err());
        assert_eq!(decide(Action::Reinstate, false, true), Ok(Some((StatusPurpose::Suspension, false))));
        assert_eq!(decide(Action::Reinstate, false, false), Ok(None));
        assert!(decide(Action::Reinstate, true, true).is_err());
    }

    #[test]
    fn bits_are_msb_first() {
        let mut bits = vec![0u8; 2];
        set_bit(&mut bits, 0, true);
        set_bit(&mut bits, 9, true);
        assert_eq!(bits, vec![0x80, 0x40]);
        assert_eq!(bit(&bits, 9), Some(true));
        assert_eq!(bit(&bits, 10), Some(false));
        assert_eq!(bit(&bits, 16), None);
        set_bit(&mut bits, 0, false);
        assert_eq!(bits[0], 0);
    }
}
