//! The registry service's shared state: the issuer (boards, keys, database), the committer, and a
//! cache of signed status lists keyed by list version (a version is immutable once signed).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRef;
use medcred_issuer::sequencer::board_lease;
use medcred_issuer::{Issuer, Sequencer};

use medcred_store::BoardRow;
use tokio::sync::mpsc;

use crate::anchoring::{anchor_loop, AnchorSettings, Anchorer};
use crate::committer::Committer;
use crate::cosign::{collect, KnownSizes, WitnessPeer};
use crate::leader::{lead_loop, watch_loop};

/// Signed lists kept in memory; the cache is cleared when it grows past this.
const MAX_CACHED_LISTS: usize = 4096;

/// What a list response is cached under: board id, list number, kind, version.
pub(crate) type ListKey = (String, i64, &'static str, i64);

/// A signed list body.
#[derive(Debug)]
pub(crate) struct SignedList {
    pub(crate) body: String,
}

/// How a registry runs beyond its database.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// How long verifiers may cache a status list, in milliseconds.
    pub ttl_ms: u64,
    /// Witnesses asked to cosign each new checkpoint.
    pub peers: Vec<WitnessPeer>,
    /// Where and how often to anchor checkpoints; `None` disables anchoring.
    pub anchor: Option<AnchorSettings>,
    /// Leases for the roles that must run once among several processes over one database
    /// (`medcred serve`); `None`: this process runs every role it has (one-shot commands, tests).
    pub sequencer: Option<Sequencer>,
}

/// Registry state. Cheap to clone.
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: Issuer,
    committer: Committer,
    anchorer: Option<Arc<Anchorer>>,
    sequencer: Option<Sequencer>,
    ttl_ms: u64,
    lists: Mutex<HashMap<ListKey, Arc<SignedList>>>,
}

impl Registry {
    /// A registry over `issuer`'s database, starting its committer on the current runtime.
    /// Status lists say verifiers may cache them for `ttl_ms` milliseconds.
    pub fn new(issuer: Issuer, ttl_ms: u64) -> Registry {
        Registry::with_witnesses(issuer, ttl_ms, Vec::new())
    }

    /// Like [`Registry::new`], asking `peers` to cosign every new checkpoint.
    pub fn with_witnesses(issuer: Issuer, ttl_ms: u64, peers: Vec<WitnessPeer>) -> Registry {
        Registry::start(issuer, RegistryOptions { ttl_ms, peers, anchor: None, sequencer: None })
    }

    /// A registry with every option: witnesses to ask after each batch, a chain to anchor on
    /// (periodically, in a background task, and on demand), and leases so that of several
    /// processes over one database only the holder of a role runs it.
    pub fn start(issuer: Issuer, options: RegistryOptions) -> Registry {
        let RegistryOptions { ttl_ms, peers, anchor, sequencer } = options;
        let notify = if peers.is_empty() {
            None
        } else {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(cosign_loop(issuer.clone(), peers, rx, sequencer.clone()));
            Some(tx)
        };
        let committer = Committer::start(issuer.clone(), notify.clone());
        let anchorer = anchor.map(|settings| {
            let anchorer = Arc::new(Anchorer::new(settings).with_lease(sequencer.clone()));
            tokio::spawn(anchor_loop(issuer.clone(), anchorer.clone()));
            anchorer
        });
        if let Some(seq) = &sequencer {
            tokio::spawn(lead_loop(issuer.clone(), seq.clone(), committer.clone(), notify, anchorer.is_some()));
        }
        let lists = Mutex::new(HashMap::new());
        Registry { inner: Arc::new(Inner { issuer, committer, anchorer, sequencer, ttl_ms, lists }) }
    }

    /// A registry over a read-only database (`medcred serve --read-only` over a PostgreSQL hot
    /// standby): no leases, cosigning or anchoring; its committer refuses every change
    /// ([`RegistryError::ReadOnly`](crate::RegistryError::ReadOnly)); every `head_every` it
    /// reads the log heads and moves [`Registry::generation`] when one moved, so what the verifier
    /// cached of this deployment's lists is dropped once the replica replays a batch.
    pub fn read_only(issuer: Issuer, ttl_ms: u64, head_every: Duration) -> Registry {
        let committer = Committer::start(issuer.clone(), None);
        tokio::spawn(watch_loop(issuer.clone(), committer.clone(), head_every));
        let lists = Mutex::new(HashMap::new());
        Registry { inner: Arc::new(Inner { issuer, committer, anchorer: None, sequencer: None, ttl_ms, lists }) }
    }

    /// Whether this registry is over a read-only database ([`Registry::read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.inner.issuer.db().read_only()
    }

    /// This process's leases, when it shares its database with other `medcred serve` processes.
    pub fn sequencer(&self) -> Option<&Sequencer> {
        self.inner.sequencer.as_ref()
    }

    /// The chain anchorer, when one is configured.
    pub fn anchorer(&self) -> Option<&Anchorer> {
        self.inner.anchorer.as_deref()
    }

    /// The issuer.
    pub fn issuer(&self) -> &Issuer {
        &self.inner.issuer
    }

    /// The committer's count of committed batches ([`Committer::generation`]).
    pub fn generation(&self) -> u64 {
        self.inner.committer.generation()
    }

    /// A receiver woken after each committed batch ([`Committer::subscribe`]).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.committer.subscribe()
    }

    /// The committer.
    pub fn committer(&self) -> &Committer {
        &self.inner.committer
    }

    /// How long verifiers may cache a list, in milliseconds.
    pub fn ttl_ms(&self) -> u64 {
        self.inner.ttl_ms
    }

    pub(crate) fn cached(&self, key: &ListKey) -> Option<Arc<SignedList>> {
        self.inner.lists.lock().ok()?.get(key).cloned()
    }

    pub(crate) fn cache(&self, key: ListKey, list: Arc<SignedList>) {
        if let Ok(mut lists) = self.inner.lists.lock() {
            if lists.len() >= MAX_CACHED_LISTS {
                lists.clear();
            }
            lists.insert(key, list);
        }
    }
}

/// The first wait before asking again for cosignatures that did not come (a witness down or
/// refusing); it doubles on each failed try up to [`COSIGN_RETRY_MAX`].
pub const COSIGN_RETRY_MIN: Duration = Duration::from_secs(1);
/// The longest wait between tries for missing cosignatures.
pub const COSIGN_RETRY_MAX: Duration = Duration::from_secs(60);

/// A board whose newest checkpoint some witness has not cosigned yet: when to ask again, and the
/// wait that led there.
struct Retry {
    board: BoardRow,
    at: Instant,
    wait: Duration,
}

/// Cosign each board's newest checkpoint after its batches, one board at a time; boards that
/// committed again meanwhile are asked once for their latest checkpoint. A checkpoint that did not
/// get every peer's cosignature (a witness down, slow or refusing) is asked for again with
/// backoff, so cosigning catches up when the witness comes back even if the board commits nothing
/// more. Status changes never wait for this: they are acknowledged when their batch commits.
///
/// With a `sequencer` (several processes over one database), only the process that holds a
/// board's lease cosigns it: a board whose lease went elsewhere is dropped from the retries.
async fn cosign_loop(
    issuer: Issuer,
    peers: Vec<WitnessPeer>,
    mut rx: mpsc::UnboundedReceiver<BoardRow>,
    sequencer: Option<Sequencer>,
) {
    let http = reqwest::Client::new();
    let known = KnownSizes::default();
    let mut retries: BTreeMap<String, Retry> = BTreeMap::new();
    loop {
        // Boards to ask now: `true` for a new checkpoint (the backoff starts again).
        let mut due: BTreeMap<String, (BoardRow, bool)> = BTreeMap::new();
        let next = retries.values().map(|r| r.at).min();
        tokio::select! {
            got = rx.recv() => match got {
                Some(board) => {
                    due.insert(board.id.clone(), (board, true));
                }
                None => return,
            },
            () = sleep_until(next), if next.is_some() => {}
        }
        while let Ok(board) = rx.try_recv() {
            due.insert(board.id.clone(), (board, true));
        }
        let now = Instant::now();
        for (id, r) in &retries {
            if r.at <= now && !due.contains_key(id) {
                due.insert(id.clone(), (r.board.clone(), false));
            }
        }
        for (id, (board, fresh)) in due {
            if sequencer.as_ref().is_some_and(|seq| !seq.holds(&board_lease(&board.id))) {
                retries.remove(&id);
                continue;
            }
            let got = collect(&issuer, &http, &peers, &known, &board).await;
            if let Err(e) = &got {
                tracing::warn!(board = %board.slug, error = %e, "collecting cosignatures failed");
            }
            if matches!(got, Ok(n) if n >= peers.len()) {
                retries.remove(&id);
                continue;
            }
            let wait = match retries.get(&id) {
                Some(r) if !fresh => (r.wait * 2).min(COSIGN_RETRY_MAX),
                _ => COSIGN_RETRY_MIN,
            };
            tracing::info!(board = %board.slug, retry_in = ?wait, "checkpoint not cosigned by every witness; will ask again");
            retries.insert(id, Retry { board, at: Instant::now() + wait, wait });
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

impl FromRef<Registry> for Issuer {
    fn from_ref(r: &Registry) -> Issuer {
        r.inner.issuer.clone()
    }
}
