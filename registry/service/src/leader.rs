//! The lease loop of a `medcred serve` process that shares its database with others: every
//! [`Sequencer::renew_every`] it renews or takes over each board's sequencer lease (and the
//! anchoring and monitoring leases), and looks at every board's log head. A board whose log grew
//! since the last look — through another process's batch — moves this process's committer
//! generation (its verifier drops what it cached of the lists; hospital monitoring looks again),
//! and a board this process leads is handed to cosigning when its log grew or its lease was just
//! taken over, so no checkpoint waits for its own process's next batch to be cosigned.
//!
//! A read-only process (`medcred serve --read-only`, over a replica) takes no leases: its
//! [`watch_loop`] only reads the log heads and moves the generation the same way, so a revocation
//! the replica has replayed is seen by the next verification there.

use std::collections::BTreeMap;
use std::time::Duration;

use medcred_issuer::sequencer::{board_lease, ANCHORING_LEASE, MONITOR_LEASE};
use medcred_issuer::{Issuer, Sequencer};
use medcred_store::BoardRow;
use tokio::sync::mpsc;

use crate::committer::Committer;
use crate::proofs;

/// Run forever (spawn it). `cosign` receives the boards to cosign; `anchoring` says whether this
/// process anchors (and so competes for the anchoring account's lease).
pub(crate) async fn lead_loop(
    issuer: Issuer,
    seq: Sequencer,
    committer: Committer,
    cosign: Option<mpsc::UnboundedSender<BoardRow>>,
    anchoring: bool,
) {
    let mut heads = Heads::default();
    let mut tick = tokio::time::interval(seq.renew_every());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_fresh_check: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        let fresh_check = last_fresh_check.is_none_or(|t| t.elapsed() >= FRESH_CHECK_EVERY);
        if fresh_check {
            last_fresh_check = Some(tokio::time::Instant::now());
        }
        let mut roles = vec![MONITOR_LEASE];
        if anchoring {
            roles.push(ANCHORING_LEASE);
        }
        for name in roles {
            if let Err(e) = seq.claim(name).await {
                tracing::warn!(lease = name, error = %e, "lease round failed; retrying");
            }
        }
        let boards = match issuer.db().boards().await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "lease round: listing boards failed; retrying");
                continue;
            }
        };
        let Some(sizes) = log_sizes(&issuer, "lease round").await else { continue };
        let mut moved = false;
        for board in boards {
            let name = board_lease(&board.id);
            let led_before = seq.holds(&name);
            let leads = match seq.claim(&name).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(board = %board.slug, error = %e, "lease round failed; retrying");
                    continue;
                }
            };
            let Some(&size) = sizes.get(&board.id) else { continue };
            let grew = heads.moved(&board.id, size);
            moved |= grew;
            if leads && fresh_check {
                keep_fresh(&issuer, &committer, &board).await;
            }
            if leads && (grew || !led_before) {
                if let Some(tx) = &cosign {
                    let _ = tx.send(board);
                }
            }
        }
        if moved {
            committer.bump();
        }
    }
}

/// How often a sequencer looks whether its boards' newest snapshots are due ([`keep_fresh`]).
const FRESH_CHECK_EVERY: Duration = Duration::from_secs(60);

/// Append a snapshot for `board` when its newest is old or leaves out a list
/// ([`proofs::snapshot_due`]), so that proofs read on a replica (which cannot append) stay fresh
/// and cover every list, and proof requests on the primary seldom have to append one themselves.
async fn keep_fresh(issuer: &Issuer, committer: &Committer, board: &BoardRow) {
    let now = u64::try_from(issuer.clock().now().timestamp()).unwrap_or(0);
    match proofs::snapshot_due(issuer.db(), board, now).await {
        Ok(false) => {}
        Ok(true) => {
            if let Err(e) = committer.snapshot(board.clone()).await {
                tracing::warn!(board = %board.slug, error = %e, "fresh snapshot failed; retrying later");
            }
        }
        Err(e) => tracing::warn!(board = %board.slug, error = %e, "snapshot check failed; retrying later"),
    }
}

/// Run forever (spawn it), every `every`: read every board's log head (read-only queries) and move
/// the committer's generation when one moved, as [`lead_loop`] does, with no leases.
pub(crate) async fn watch_loop(issuer: Issuer, committer: Committer, every: Duration) {
    let mut heads = Heads::default();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(sizes) = log_sizes(&issuer, "head watch").await else { continue };
        let mut moved = false;
        for (board, size) in sizes {
            moved |= heads.moved(&board, size);
        }
        if moved {
            committer.bump();
        }
    }
}

/// Every board's log size (by board id); `None` (logged) when the database did not answer.
async fn log_sizes(issuer: &Issuer, round: &str) -> Option<BTreeMap<String, i64>> {
    match issuer.db().ledger_logs().await {
        Ok(logs) => Some(logs.into_iter().map(|l| (l.board_id, l.size)).collect()),
        Err(e) => {
            tracing::warn!(error = %e, round, "reading the log heads failed; retrying");
            None
        }
    }
}

/// The log sizes seen at the last look.
#[derive(Debug, Default)]
struct Heads(BTreeMap<String, i64>);

impl Heads {
    /// Record `size` for `board`: whether it moved since the last look (the first look at a board
    /// is not a move: there was nothing cached of it to drop).
    fn moved(&mut self, board: &str, size: i64) -> bool {
        self.0.insert(board.to_owned(), size).is_some_and(|before| before != size)
    }
}

#[cfg(test)]
mod tests {
    use super::Heads;

    #[test]
    fn a_head_moves_when_its_size_changes_after_the_first_look() {
        let mut heads = Heads::default();
        assert!(!heads.moved("a", 2), "the first look");
        assert!(!heads.moved("a", 2));
        assert!(heads.moved("a", 5));
        assert!(!heads.moved("b", 1), "another board's first look");
        assert!(!heads.moved("a", 5));
    }
}
