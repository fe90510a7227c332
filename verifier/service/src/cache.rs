//! A small TTL cache with single-flight misses: concurrent verifications that need the same
//! uncached document wait for one fetch instead of each starting their own.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

/// Entries kept before the cache is cleared (a crude bound; documents are small).
const MAX_ENTRIES: usize = 10_000;

/// A value, until when it may be used, and the source generation it was fetched at (a newer
/// generation makes it stale at once).
#[derive(Debug, Clone)]
struct Stamped<V> {
    value: V,
    until: Instant,
    generation: u64,
}

impl<V> Stamped<V> {
    fn fresh(&self, now: Instant, generation: u64) -> bool {
        self.until > now && self.generation == generation
    }
}

/// Cached values of type `V` by string key, each with its own lifetime.
pub(crate) struct TtlCache<V> {
    entries: Mutex<HashMap<String, Arc<OnceCell<Stamped<V>>>>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<V: Clone + Send + Sync> TtlCache<V> {
    pub(crate) fn new() -> Self {
        Self { entries: Mutex::new(HashMap::new()), hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    /// The cached value of `key` if it is fresh at source `generation` (never waits).
    pub(crate) fn peek(&self, key: &str, generation: u64) -> Option<V> {
        let cell = self.entries.lock().ok()?.get(key).cloned()?;
        let hit = cell.get().filter(|s| s.fresh(Instant::now(), generation)).map(|s| s.value.clone());
        if hit.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    /// The value of `key`: cached if fresh at source `generation`, else from `fetch` (run once
    /// however many callers wait), which also says how long the value may be kept (zero: not).
    pub(crate) async fn get_or_fetch<F, Fut>(&self, key: &str, generation: u64, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = (V, Duration)>,
    {
        let cell = {
            let Ok(mut entries) = self.entries.lock() else {
                return fetch().await.0;
            };
            let now = Instant::now();
            let stale = entries.get(key).is_some_and(|c| c.get().is_some_and(|s| !s.fresh(now, generation)));
            if stale {
                entries.remove(key);
            }
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.entry(key.to_owned()).or_insert_with(|| Arc::new(OnceCell::new())).clone()
        };
        if cell.initialized() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        let stamped = cell
            .get_or_init(|| async {
                self.misses.fetch_add(1, Ordering::Relaxed);
                let (value, ttl) = fetch().await;
                Stamped { value, until: Instant::now() + ttl, generation }
            })
            .await;
        stamped.value.clone()
    }

    /// (hits, misses) so far.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_misses_fetch_once_and_expiry_refetches() {
        let cache = Arc::new(TtlCache::<u32>::new());
        let calls = Arc::new(AtomicU64::new(0));
        let fetch = |calls: Arc<AtomicU64>, ttl: Duration| {
            move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                (7, ttl)
            }
        };
        let a = cache.get_or_fetch("k", 0, fetch(calls.clone(), Duration::from_secs(60)));
        let b = cache.get_or_fetch("k", 0, fetch(calls.clone(), Duration::from_secs(60)));
        assert_eq!(futures::join!(a, b), (7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.peek("k", 0), Some(7));
        // A newer source generation makes the entry stale at once.
        assert_eq!(cache.peek("k", 1), None);
        cache.get_or_fetch("k", 1, fetch(calls.clone(), Duration::from_secs(60))).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // A value kept for no time is fetched again next time.
        cache.get_or_fetch("z", 0, fetch(calls.clone(), Duration::ZERO)).await;
        assert_eq!(cache.peek("z", 0), None);
        cache.get_or_fetch("z", 0, fetch(calls.clone(), Duration::ZERO)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }
}
