//! Where the engine's inputs come from on a server: DID documents (did:key and did:jwk derived,
//! did:web fetched) and status lists with their ledger bundles, fetched through a [`Fetcher`] and
//! cached for as long as their servers allow (this deployment's own: never cached).
//!
//! Status lists: for a W3C list URL `U` the medcred bundle at `U/bundle` (list + tlog-proof) is
//! tried first, then `U` itself (another issuer's list, unproven); a token list `…/{n}/token` is
//! fetched as is, with the tlog-proof of `…/{n}/revocation/bundle`, whose snapshot leaf records
//! both bitstrings of the list.
//!
//! DID Configuration resources (domain linkage) are fetched per did:web host from
//! `<origin>/.well-known/did-configuration.json`; an origin that publishes none (404) is
//! remembered for [`NOT_PUBLISHED_TTL`], so issuers without one cost no fetch on most requests.

use std::sync::Arc;
use std::time::Duration;

use medcred_verifier::{
    DidResolver, FetchedConfiguration, FetchedStatusList, LinkageSourceError, OfflineResolver, ResolveError,
    StatusSourceError,
};
use serde_json::Value;

use crate::cache::TtlCache;
use crate::did_web::{configuration_url, document_url, origin};
use crate::fetch::{FetchError, Fetched, Fetcher};

/// How long a failure is remembered (so a down server is not asked on every request).
const NEGATIVE_TTL: Duration = Duration::from_secs(2);

/// How long an origin's answer that it publishes no DID Configuration is remembered.
pub const NOT_PUBLISHED_TTL: Duration = Duration::from_secs(60);

/// A DID resolution outcome.
pub type DidResult = Result<Value, ResolveError>;
/// A status list fetch outcome.
pub type ListResult = Result<FetchedStatusList, StatusSourceError>;

/// Fetching and caching of DID documents and status lists.
pub struct Sources {
    fetcher: Arc<dyn Fetcher>,
    docs: TtlCache<DidResult>,
    lists: TtlCache<ListResult>,
    configurations: TtlCache<FetchedConfiguration>,
}

impl Sources {
    /// Sources fetching through `fetcher`.
    pub fn new(fetcher: Arc<dyn Fetcher>) -> Self {
        Self { fetcher, docs: TtlCache::new(), lists: TtlCache::new(), configurations: TtlCache::new() }
    }

    /// The DID document of `did`, if it can be had without waiting (derived or cached).
    pub(crate) fn peek_did(&self, did: &str) -> Option<DidResult> {
        if is_derived(did) {
            return Some(OfflineResolver::new().resolve(did));
        }
        let url = document_url(did).ok()?;
        self.docs.peek(did, self.fetcher.generation(&url))
    }

    /// The cached list at `url`, if fresh.
    pub(crate) fn peek_list(&self, url: &str) -> Option<ListResult> {
        self.lists.peek(url, self.fetcher.generation(url))
    }

    /// The cached DID Configuration of the did:web host `host`, if fresh.
    pub(crate) fn peek_configuration(&self, host: &str) -> Option<FetchedConfiguration> {
        let url = configuration_url(host).ok()?;
        self.configurations.peek(host, self.fetcher.generation(&url))
    }

    /// The DID Configuration resource published by the origin serving the did:web host `host`
    /// (as written in the DID).
    pub async fn did_configuration(&self, host: &str) -> FetchedConfiguration {
        let (origin, url) = match (origin(host), configuration_url(host)) {
            (Ok(origin), Ok(url)) => (origin, url),
            _ => {
                let why = LinkageSourceError::Unavailable(format!("{host:?} is not a did:web host"));
                return FetchedConfiguration { origin: host.to_owned(), resource: Err(why) };
            }
        };
        self.configurations
            .get_or_fetch(host, self.fetcher.generation(&url), || async {
                let fetched = self.fetcher.get(&url).await;
                let ttl = match &fetched {
                    Err(FetchError::NotFound) => NOT_PUBLISHED_TTL,
                    other => ttl_of(other),
                };
                let resource = fetched.map(|f| f.body).map_err(|e| match e {
                    FetchError::NotFound => LinkageSourceError::NotPublished,
                    other => LinkageSourceError::Unavailable(other.to_string()),
                });
                (FetchedConfiguration { origin, resource }, ttl)
            })
            .await
    }

    /// Resolve `did`: did:key and did:jwk are derived; did:web is fetched (and checked to be the
    /// document of `did`); other methods are not supported.
    pub async fn did_document(&self, did: &str) -> DidResult {
        if is_derived(did) {
            return OfflineResolver::new().resolve(did);
        }
        if !did.starts_with("did:web:") {
            return Err(if did.starts_with("did:") {
                ResolveError::MethodNotSupported
            } else {
                ResolveError::InvalidDid
            });
        }
        let url = document_url(did)?;
        self.docs
            .get_or_fetch(did, self.fetcher.generation(&url), || async {
                let fetched = self.fetcher.get(&url).await;
                let ttl = ttl_of(&fetched);
                let doc = fetched.map_err(resolve_error).and_then(|f| {
                    let doc: Value = serde_json::from_str(&f.body)
                        .map_err(|e| ResolveError::Unavailable(format!("the DID document is not JSON: {e}")))?;
                    if doc.get("id").and_then(Value::as_str) != Some(did) {
                        return Err(ResolveError::Unavailable(format!("{url} holds the document of another DID")));
                    }
                    Ok(doc)
                });
                (doc, ttl)
            })
            .await
    }

    /// The status list published at `url`, with its ledger proof when the issuer has one.
    pub async fn status_list(&self, url: &str) -> ListResult {
        self.lists
            .get_or_fetch(url, self.fetcher.generation(url), || async {
                let (list, ttl) = self.fetch_list(url).await;
                (list, ttl)
            })
            .await
    }

    async fn fetch_list(&self, url: &str) -> (ListResult, Duration) {
        if let Some(base) = url.strip_suffix("/token") {
            let token = self.fetcher.get(url).await;
            let ttl = ttl_of(&token);
            let token = match token {
                Ok(t) => t,
                Err(e) => return (Err(list_error(e)), ttl),
            };
            let proof = match self.fetcher.get(&format!("{base}/revocation/bundle")).await {
                Ok(b) => serde_json::from_str::<Value>(&b.body)
                    .ok()
                    .and_then(|v| FetchedStatusList::from_bundle_json(&v).ok())
                    .and_then(|b| b.tlog_proof),
                Err(_) => None,
            };
            let list = FetchedStatusList::new(token.body.trim());
            return (
                Ok(match proof {
                    Some(p) => list.with_tlog_proof(p),
                    None => list,
                }),
                ttl,
            );
        }
        match self.fetcher.get(&format!("{url}/bundle")).await {
            Ok(bundle) => {
                let ttl = ttl_of(&Ok::<_, FetchError>(bundle.clone()));
                let parsed = serde_json::from_str::<Value>(&bundle.body)
                    .map_err(|e| StatusSourceError::Malformed(format!("status list bundle: {e}")))
                    .and_then(|v| FetchedStatusList::from_bundle_json(&v));
                (parsed, ttl)
            }
            Err(FetchError::NotFound) => {
                let plain = self.fetcher.get(url).await;
                let ttl = ttl_of(&plain);
                (plain.map(|f| FetchedStatusList::new(f.body)).map_err(list_error), ttl)
            }
            Err(e) => (Err(list_error(e)), NEGATIVE_TTL),
        }
    }

    /// Cache (hits, misses) for DID documents and for status lists.
    pub fn cache_counts(&self) -> ((u64, u64), (u64, u64)) {
        (self.docs.counts(), self.lists.counts())
    }

    /// Cache (hits, misses) for DID Configuration resources.
    pub fn configuration_cache_counts(&self) -> (u64, u64) {
        self.configurations.counts()
    }
}

fn is_derived(did: &str) -> bool {
    did.starts_with("did:key:") || did.starts_with("did:jwk:")
}

/// How long to keep what a fetch gave: what the server allows, a short while for failures.
fn ttl_of(fetched: &Result<Fetched, FetchError>) -> Duration {
    match fetched {
        Ok(f) => f.max_age.unwrap_or(Duration::ZERO),
        Err(_) => NEGATIVE_TTL,
    }
}

fn resolve_error(e: FetchError) -> ResolveError {
    match e {
        FetchError::NotFound => ResolveError::NotFound,
        other => ResolveError::Unavailable(other.to_string()),
    }
}

fn list_error(e: FetchError) -> StatusSourceError {
    match e {
        FetchError::NotFound => StatusSourceError::NotFound,
        FetchError::Unreadable(why) => StatusSourceError::Malformed(why),
        other => StatusSourceError::Unavailable(other.to_string()),
    }
}
