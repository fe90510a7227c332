//! The lease loop of a `medcred serve` process that shares its database with others: every
//! [`Sequencer::renew_every`] it renews or takes over each board's sequencer lease (and the
//! anchoring and monitoring leases), and looks at every board's log head. A board whose log grew
//! since the last look — through another process's batch — moves this process's committer
//! generation (its verifier drops what it cached of the lists; hospital monitoring looks again),
//! and a board this process leads is handed to cosigning when its log grew or its lease was just
//! taken over, so no checkpoint waits for its own process's next batch to be cosigned.

use std::collections::BTreeMap;

use medcred_issuer::sequencer::{board_lease, ANCHORING_LEASE, MONITOR_LEASE};
use medcred_issuer::{Issuer, Sequencer};
use medcred_store::BoardRow;
use tokio::sync::mpsc;

use crate::committer::Committer;

/// Run forever (spawn it). `cosign` receives the boards to cosign; `anchoring` says whether this
/// process anchors (and so competes for the anchoring account's lease).
pub(crate) async fn lead_loop(
    issuer: Issuer,
    seq: Sequencer,
    committer: Committer,
    cosign: Option<mpsc::UnboundedSender<BoardRow>>,
    anchoring: bool,
) {
    let mut heads: BTreeMap<String, i64> = BTreeMap::new();
    let mut tick = tokio::time::interval(seq.renew_every());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
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
        let sizes: BTreeMap<String, i64> = match issuer.db().ledger_logs().await {
            Ok(logs) => logs.into_iter().map(|l| (l.board_id, l.size)).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "lease round: reading the log heads failed; retrying");
                continue;
            }
        };
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
            let before = heads.insert(board.id.clone(), size);
            let grew = before.is_some_and(|b| b != size);
            moved |= grew;
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
