//! Waking waiters when a presentation request changes: one `tokio::sync::watch` generation
//! counter per process, bumped after each change is committed. Waiters re-read the request from
//! the database, so a missed or spurious wake-up costs one query, never a wrong answer. (A
//! request answered by another process is seen when the waiter's timeout or the request's
//! expiry comes.)

use tokio::sync::watch;

/// The change counter.
#[derive(Debug, Clone)]
pub struct Changes(watch::Sender<u64>);

impl Default for Changes {
    fn default() -> Self {
        Changes(watch::channel(0).0)
    }
}

impl Changes {
    /// Tell every waiter that something changed.
    pub(crate) fn bump(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees the next bump.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}
