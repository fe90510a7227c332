//! One process per role when several `medcred serve` processes share one database. Roles that
//! must run once — a board's sequencer (witness cosigning of its checkpoints), the anchoring
//! account (its nonces must not race), hospital monitoring (one webhook per change) — are held
//! through leases in the database (`medcred_store::Db::try_lease`): taken when free or expired,
//! renewed by the holder every [`Sequencer::renew_every`], taken over by another process once a
//! dead holder's lease runs out.
//!
//! Expiry is judged by the database's clock; the holder's own view is conservative: it counts its
//! lease from *before* it asked (the database set the expiry later than that) and stops acting at
//! nine tenths of the lease time, so it gives up before anyone else can take over, as long as the
//! two clocks run at about the same rate.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use medcred_store::{Db, StoreError};

/// The lease of a board's sequencer role.
pub fn board_lease(board_id: &str) -> String {
    format!("board:{board_id}")
}

/// The lease of the anchoring account (one for the deployment: every board anchors from it).
pub const ANCHORING_LEASE: &str = "anchoring";

/// The lease of hospital monitoring (rounds and webhook deliveries).
pub const MONITOR_LEASE: &str = "hospital-monitor";

/// How long a lease lasts unless renewed, by default.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15);

/// Shortest lease accepted (renewal every quarter of it must stay well above a round trip).
pub const MIN_LEASE: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, Copy)]
struct Held {
    until: Instant,
    term: i64,
}

/// This process's leases. Cheap to clone.
#[derive(Clone)]
pub struct Sequencer {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    node: String,
    lease: Duration,
    held: Mutex<BTreeMap<String, Held>>,
}

impl std::fmt::Debug for Sequencer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sequencer").field("node", &self.inner.node).field("lease", &self.inner.lease).finish()
    }
}

/// A node id unique to this process: host name, process id and a random suffix.
pub fn default_node_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}-{}-{}", std::process::id(), &suffix[..8])
}

impl Sequencer {
    /// Leases over `db` held as `node` for `lease` at a time (at least [`MIN_LEASE`]).
    pub fn new(db: Db, node: impl Into<String>, lease: Duration) -> Sequencer {
        let lease = lease.max(MIN_LEASE);
        Sequencer { inner: Arc::new(Inner { db, node: node.into(), lease, held: Mutex::new(BTreeMap::new()) }) }
    }

    /// This process's node id (what the `leases` table names as holder).
    pub fn node_id(&self) -> &str {
        &self.inner.node
    }

    /// How long a lease lasts unless renewed.
    pub fn lease(&self) -> Duration {
        self.inner.lease
    }

    /// How often the holder renews (and others try to take over): a quarter of the lease.
    pub fn renew_every(&self) -> Duration {
        self.inner.lease / 4
    }

    /// Whether this process holds `name` now, by its own conservative deadline (no round trip).
    pub fn holds(&self, name: &str) -> bool {
        let now = Instant::now();
        self.inner.held.lock().ok().and_then(|h| h.get(name).copied()).is_some_and(|h| h.until > now)
    }

    /// The term of `name` while this process holds it.
    pub fn term(&self, name: &str) -> Option<i64> {
        let now = Instant::now();
        self.inner.held.lock().ok()?.get(name).copied().filter(|h| h.until > now).map(|h| h.term)
    }

    /// Renew `name`, or take it when it is free or expired. Whether this process holds it now.
    pub async fn claim(&self, name: &str) -> Result<bool, StoreError> {
        let asked = Instant::now();
        let ttl_ms = i64::try_from(self.inner.lease.as_millis()).unwrap_or(i64::MAX / 2);
        let got = self.inner.db.try_lease(name, &self.inner.node, ttl_ms).await?;
        let Ok(mut held) = self.inner.held.lock() else { return Ok(false) };
        match got {
            Some(row) => {
                let first = held.get(name).is_none_or(|h| h.term != row.term);
                held.insert(name.to_owned(), Held { until: asked + self.inner.lease * 9 / 10, term: row.term });
                if first {
                    tracing::info!(lease = name, node = %self.inner.node, term = row.term, "lease taken");
                }
                Ok(true)
            }
            None => {
                if held.remove(name).is_some() {
                    tracing::warn!(lease = name, node = %self.inner.node, "lease lost to another process");
                }
                Ok(false)
            }
        }
    }

    /// Give every held lease up (graceful shutdown), so the next process takes over at once.
    pub async fn release_all(&self) {
        let names: Vec<String> = match self.inner.held.lock() {
            Ok(mut h) => std::mem::take(&mut *h).into_keys().collect(),
            Err(_) => return,
        };
        for name in names {
            if let Err(e) = self.inner.db.release_lease(&name, &self.inner.node).await {
                tracing::warn!(lease = %name, error = %e, "releasing a lease failed; it will expire");
            }
        }
    }

    /// Claim `name`, retrying every [`Sequencer::renew_every`] until `within` has passed (a
    /// one-shot command waiting for a stopped server's lease to run out). Whether it got it.
    pub async fn claim_within(&self, name: &str, within: Duration) -> Result<bool, StoreError> {
        let deadline = Instant::now() + within;
        loop {
            if self.claim(name).await? {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(self.renew_every().min(Duration::from_millis(500))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    async fn two(db: &Db, lease: Duration) -> (Sequencer, Sequencer) {
        (Sequencer::new(db.clone(), "a", lease), Sequencer::new(db.clone(), "b", lease))
    }

    async fn exclusive_then_taken_over(db: Db) {
        // Long enough that a claim on a loaded machine still returns inside the holder's nine
        // tenths; short enough to wait out below.
        let (a, b) = two(&db, Duration::from_secs(2)).await;
        assert!(a.claim("board:x").await.unwrap());
        assert!(!b.claim("board:x").await.unwrap(), "a live lease is not taken");
        assert!(a.claim("board:x").await.unwrap(), "the holder renews");
        assert!(a.holds("board:x") && !b.holds("board:x"));
        let term = db.lease("board:x").await.unwrap().unwrap().term;
        // a stops renewing; b takes over once the lease has run out (polled, with a deadline).
        let taken = b.claim_within("board:x", Duration::from_secs(10)).await.unwrap();
        assert!(taken);
        let row = db.lease("board:x").await.unwrap().unwrap();
        assert_eq!((row.holder.as_str(), row.term), ("b", term + 1));
        assert!(!a.claim("board:x").await.unwrap(), "the old holder lost it");
        assert!(!a.holds("board:x"));
        // A graceful release hands over at once.
        b.release_all().await;
        assert!(a.claim("board:x").await.unwrap());
    }

    #[tokio::test]
    async fn leases_are_exclusive_and_taken_over_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        exclusive_then_taken_over(medcred_store::testing::fresh_sqlite(dir.path()).await.unwrap()).await;
    }

    #[tokio::test]
    async fn leases_are_exclusive_and_taken_over_on_postgres() {
        exclusive_then_taken_over(medcred_store::testing::fresh_postgres().await.unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn racing_claims_have_one_winner() {
        let db = medcred_store::testing::fresh_postgres().await.unwrap();
        let nodes: Vec<Sequencer> =
            (0..8).map(|i| Sequencer::new(db.clone(), format!("n{i}"), Duration::from_secs(30))).collect();
        let racing: Vec<_> =
            nodes.into_iter().map(|n| tokio::spawn(async move { n.claim("anchoring").await })).collect();
        let mut wins = 0;
        for r in racing {
            wins += usize::from(r.await.unwrap().unwrap());
        }
        assert_eq!(wins, 1, "exactly one of the racing processes holds the lease");
    }
}
