//! The registry service's shared state: the issuer (boards, keys, database), the committer, and a
//! cache of signed status lists keyed by list version (a version is immutable once signed).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::FromRef;
use medcred_issuer::Issuer;

use crate::committer::Committer;

/// Signed lists kept in memory; the cache is cleared when it grows past this.
const MAX_CACHED_LISTS: usize = 4096;

/// What a list response is cached under: board id, list number, kind, version.
pub(crate) type ListKey = (String, i64, &'static str, i64);

/// A signed list body.
#[derive(Debug)]
pub(crate) struct SignedList {
    pub(crate) body: String,
}

/// Registry state. Cheap to clone.
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: Issuer,
    committer: Committer,
    ttl_ms: u64,
    lists: Mutex<HashMap<ListKey, Arc<SignedList>>>,
}

impl Registry {
    /// A registry over `issuer`'s database, starting its committer on the current runtime.
    /// Status lists say verifiers may cache them for `ttl_ms` milliseconds.
    pub fn new(issuer: Issuer, ttl_ms: u64) -> Registry {
        let committer = Committer::start(issuer.clone());
        Registry { inner: Arc::new(Inner { issuer, committer, ttl_ms, lists: Mutex::new(HashMap::new()) }) }
    }

    /// The issuer.
    pub fn issuer(&self) -> &Issuer {
        &self.inner.issuer
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

impl FromRef<Registry> for Issuer {
    fn from_ref(r: &Registry) -> Issuer {
        r.inner.issuer.clone()
    }
}
