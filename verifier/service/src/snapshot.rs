//! What one verification sees: the DID documents, status lists and DID Configuration resources
//! fetched for it so far, served to the engine through its synchronous traits. A lookup of something not fetched yet is
//! answered "unavailable" and remembered, so the caller can fetch it and run the engine again.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use medcred_verifier::{
    DidResolver, FetchedConfiguration, FetchedStatusList, LinkageSource, LinkageSourceError, ResolveError,
    StatusSource, StatusSourceError,
};
use serde_json::Value;

use crate::did_web::origin;
use crate::sources::{DidResult, ListResult, Sources};

/// Something the engine asked for that was not there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Need {
    Did(String),
    List(String),
    /// The DID Configuration of a did:web host.
    Configuration(String),
}

/// The engine's view of the outside world during one verification.
pub(crate) struct Snapshot<'s> {
    sources: &'s Sources,
    docs: HashMap<String, DidResult>,
    lists: HashMap<String, ListResult>,
    configurations: HashMap<String, FetchedConfiguration>,
    /// What was found in the shared cache during a run, kept for the later runs of this
    /// verification: a cache entry that expires (or is invalidated by a new commit) between runs
    /// must not turn into a new miss, or a slow verification under load could run out of rounds.
    pinned: Mutex<Pinned>,
    missing: Mutex<BTreeSet<Need>>,
}

#[derive(Default)]
struct Pinned {
    docs: HashMap<String, DidResult>,
    lists: HashMap<String, ListResult>,
    configurations: HashMap<String, FetchedConfiguration>,
}

/// At most this many documents are fetched for one verification (a presentation of 16
/// credentials from distinct issuers, with two lists each, stays below).
const MAX_FETCHES: usize = 64;

impl<'s> Snapshot<'s> {
    pub(crate) fn new(sources: &'s Sources) -> Self {
        Self {
            sources,
            docs: HashMap::new(),
            lists: HashMap::new(),
            configurations: HashMap::new(),
            pinned: Mutex::new(Pinned::default()),
            missing: Mutex::new(BTreeSet::new()),
        }
    }

    /// What the last run asked for and did not find.
    pub(crate) fn take_missing(&self) -> BTreeSet<Need> {
        self.missing.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default()
    }

    /// Fetch `needs` (concurrently) into the snapshot; false when the fetch budget is spent.
    pub(crate) async fn fill(&mut self, needs: BTreeSet<Need>) -> bool {
        if self.docs.len() + self.lists.len() + self.configurations.len() + needs.len() > MAX_FETCHES {
            return false;
        }
        let sources = self.sources;
        let fetched = futures::future::join_all(needs.into_iter().map(|need| async move {
            match &need {
                Need::Did(did) => (need.clone(), Fill::Did(sources.did_document(did).await)),
                Need::List(url) => (need.clone(), Fill::List(sources.status_list(url).await)),
                Need::Configuration(host) => (need.clone(), Fill::Configuration(sources.did_configuration(host).await)),
            }
        }))
        .await;
        for (need, fill) in fetched {
            match (need, fill) {
                (Need::Did(did), Fill::Did(doc)) => {
                    self.docs.insert(did, doc);
                }
                (Need::List(url), Fill::List(list)) => {
                    self.lists.insert(url, list);
                }
                (Need::Configuration(host), Fill::Configuration(c)) => {
                    self.configurations.insert(host, c);
                }
                _ => {}
            }
        }
        true
    }

    fn missing(&self, need: Need) {
        if let Ok(mut m) = self.missing.lock() {
            m.insert(need);
        }
    }
}

enum Fill {
    Did(DidResult),
    List(ListResult),
    Configuration(FetchedConfiguration),
}

impl DidResolver for Snapshot<'_> {
    fn resolve(&self, did: &str) -> Result<Value, ResolveError> {
        if let Some(doc) = self.docs.get(did) {
            return doc.clone();
        }
        if let Ok(mut pinned) = self.pinned.lock() {
            if let Some(doc) = pinned.docs.get(did) {
                return doc.clone();
            }
            if let Some(doc) = self.sources.peek_did(did) {
                pinned.docs.insert(did.to_owned(), doc.clone());
                return doc;
            }
        }
        self.missing(Need::Did(did.to_owned()));
        Err(ResolveError::Unavailable("not fetched".into()))
    }
}

impl StatusSource for Snapshot<'_> {
    fn fetch(&self, url: &str) -> Result<FetchedStatusList, StatusSourceError> {
        if let Some(list) = self.lists.get(url) {
            return list.clone();
        }
        if let Ok(mut pinned) = self.pinned.lock() {
            if let Some(list) = pinned.lists.get(url) {
                return list.clone();
            }
            if let Some(list) = self.sources.peek_list(url) {
                pinned.lists.insert(url.to_owned(), list.clone());
                return list;
            }
        }
        self.missing(Need::List(url.to_owned()));
        Err(StatusSourceError::Unavailable("not fetched".into()))
    }
}

impl LinkageSource for Snapshot<'_> {
    fn did_configuration(&self, host: &str) -> FetchedConfiguration {
        if let Some(c) = self.configurations.get(host) {
            return c.clone();
        }
        if let Ok(mut pinned) = self.pinned.lock() {
            if let Some(c) = pinned.configurations.get(host) {
                return c.clone();
            }
            if let Some(c) = self.sources.peek_configuration(host) {
                pinned.configurations.insert(host.to_owned(), c.clone());
                return c;
            }
        }
        self.missing(Need::Configuration(host.to_owned()));
        let resource = Err(LinkageSourceError::Unavailable("not fetched".into()));
        FetchedConfiguration { origin: origin(host).unwrap_or_else(|_| host.to_owned()), resource }
    }
}
