//! A C2SP tlog-proof of a snapshot leaf, checked against the issuer's ledger key and the witness
//! policy ([`medcred_registry::proof_bundle`]), and how fresh its evidence is.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use medcred_registry::checkpoint::VerifiedCheckpoint;
use medcred_registry::merkle::{verify_inclusion, Hash};
use medcred_registry::proof_bundle::{self, BundleError, ProofBundle};
use medcred_registry::status::{LedgerLeaf, StatusSnapshot};
use medcred_registry::witness::WitnessPolicy;

use super::service::LedgerKey;
use crate::report::Outcome;

/// A snapshot leaf proven in a checkpoint of the issuer's log.
#[derive(Debug)]
pub(crate) struct Proven {
    /// The checkpoint's tree size.
    pub(crate) size: u64,
    /// The snapshot leaf's index.
    pub(crate) index: u64,
    /// The snapshot.
    pub(crate) snapshot: StatusSnapshot,
    /// The policy witnesses that cosigned, with their cosignature times (none without a policy).
    pub(crate) witnesses: Vec<(String, Option<u64>)>,
}

impl Proven {
    /// POSIX time of the newest evidence: the snapshot's batch time or a policy witness's
    /// cosignature, whichever is later.
    pub(crate) fn newest(&self) -> u64 {
        self.witnesses.iter().filter_map(|(_, t)| *t).fold(self.snapshot.time(), u64::max)
    }
}

/// Verify the tlog-proof `text`: the checkpoint is signed by `ledger` (and cosigned per `policy`,
/// if any), and its tree includes the `extra` leaf, which must be a snapshot.
pub(crate) fn open(text: &str, ledger: &LedgerKey, policy: Option<&WitnessPolicy>) -> Result<Proven, Outcome> {
    let unproven = |why: String| Outcome::could_not_check(format!("status not proven in the ledger: {why}"));
    let bundle = ProofBundle::parse(text.as_bytes()).map_err(|e| unproven(format!("malformed tlog-proof: {e}")))?;
    let (checkpoint, leaf, witnesses) = match policy {
        Some(policy) => {
            let v = proof_bundle::verify(&bundle, &ledger.origin, &ledger.key, policy).map_err(|e| match e {
                BundleError::Inclusion(e) => contradiction(format!("the inclusion proof does not verify: {e}")),
                BundleError::Quorum(e) => unproven(format!("witness policy not met: {e}")),
                e => unproven(e.to_string()),
            })?;
            let witnesses = v.cosigners().iter().map(|c| (c.name.as_str().to_owned(), c.timestamp)).collect();
            (v.checkpoint().clone(), v.leaf_data().to_vec(), witnesses)
        }
        None => {
            let cp = VerifiedCheckpoint::open(bundle.checkpoint_bytes(), &ledger.origin, &ledger.key)
                .map_err(|e| unproven(format!("checkpoint: {e}")))?;
            let leaf = bundle.extra().ok_or_else(|| unproven("the tlog-proof carries no leaf data".into()))?;
            let c = cp.checkpoint();
            verify_inclusion(&Hash::leaf(leaf), bundle.index(), c.size(), bundle.path(), c.root())
                .map_err(|e| contradiction(format!("the inclusion proof does not verify: {e}")))?;
            (cp, leaf.to_vec(), Vec::new())
        }
    };
    let snapshot = match LedgerLeaf::decode(&leaf) {
        Ok(LedgerLeaf::Snapshot(s)) => s,
        Ok(LedgerLeaf::Event(_)) => return Err(contradiction("the proven leaf is an event, not a snapshot".into())),
        Err(e) => return Err(contradiction(format!("the proven leaf is not a ledger leaf: {e}"))),
    };
    Ok(Proven { size: checkpoint.checkpoint().size(), index: bundle.index(), snapshot, witnesses })
}

/// The server's proof contradicts the ledger it points at.
pub(crate) fn contradiction(why: String) -> Outcome {
    Outcome::failed(format!("the status list contradicts the issuer's ledger: {why}"))
}

/// Could not check unless the newest evidence of `proven` is at most `max_age` old at `now` (and
/// not more than `skew` in the future).
pub(crate) fn fresh(proven: &Proven, now: DateTime<Utc>, skew: Duration, max_age: Duration) -> Result<(), Outcome> {
    let newest = proven.newest();
    let at = i64::try_from(newest).ok().and_then(|t| DateTime::from_timestamp(t, 0));
    let latest = now.checked_add_signed(skew.abs()).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let Some(at) = at.filter(|at| *at <= latest) else {
        return Err(Outcome::could_not_check(format!(
            "status not proven in the ledger: its newest evidence (POSIX time {newest}) is in the future"
        )));
    };
    let age = now - at;
    if age > max_age {
        return Err(Outcome::could_not_check(format!(
            "status not proven in the ledger: stale, its newest evidence ({}) is {} old, more than the allowed {}",
            at.to_rfc3339_opts(SecondsFormat::Secs, true),
            show(age),
            show(max_age)
        )));
    }
    Ok(())
}

/// A duration as `1d 2h 3m 4s` (zero parts left out).
pub(crate) fn show(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let parts = [(s / 86_400, "d"), (s / 3_600 % 24, "h"), (s / 60 % 60, "m"), (s % 60, "s")];
    let text: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, u)| format!("{n}{u}")).collect();
    if text.is_empty() {
        "0s".to_owned()
    } else {
        text.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(show(Duration::seconds(0)), "0s");
        assert_eq!(show(Duration::seconds(90_061)), "1d 1h 1m 1s");
        assert_eq!(show(Duration::hours(24)), "1d");
    }
}
