//! Getting documents from outside the engine: did:web DID documents and status lists (with their
//! ledger bundles). [`Fetcher`] is object safe and async; [`HttpFetcher`] goes over the network,
//! [`RouterFetcher`] answers this deployment's own URLs in process (always fresh, no network),
//! and [`LocalFirst`] sends each URL to the right one.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The largest document fetched (a status list bundle is ~25 KB; a DID document a few KB).
pub const MAX_DOCUMENT_LEN: usize = 2 << 20;

/// A fetched document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The body, as text.
    pub body: String,
    /// How long it may be cached (`Cache-Control: max-age`); `None`: not at all.
    pub max_age: Option<Duration>,
}

/// Why a document could not be had. None of these says a credential is bad.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The server says there is no such document (404, 410).
    #[error("not found")]
    NotFound,
    /// The server could not be reached, timed out, or answered with an error.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The URL is not one this verifier fetches (not http(s), credentials in it...).
    #[error("refused: {0}")]
    Refused(String),
    /// The body is larger than [`MAX_DOCUMENT_LEN`] or not UTF-8.
    #[error("unreadable response: {0}")]
    Unreadable(String),
}

/// Fetches a URL.
pub trait Fetcher: Send + Sync {
    /// GET `url`.
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Fetched, FetchError>>;

    /// The generation of the source behind `url`: what was fetched at an older one is stale,
    /// whatever its max-age. Sources that cannot tell say 0.
    fn generation(&self, _url: &str) -> u64 {
        0
    }
}

/// The current generation of a source (e.g. the registry's count of committed batches).
pub type Generation = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Over the network with reqwest: short timeouts, no redirects, bounded bodies.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    default_max_age: Duration,
    max_max_age: Duration,
}

impl HttpFetcher {
    /// A fetcher that caches what servers allow, from 0 up to 5 minutes, 60 s when they say
    /// nothing.
    pub fn new() -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(2))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("medcred-verifier/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Unavailable(e.to_string()))?;
        Ok(Self { client, default_max_age: Duration::from_secs(60), max_max_age: Duration::from_secs(300) })
    }

    fn max_age(&self, cache_control: Option<&str>) -> Option<Duration> {
        let Some(cc) = cache_control else { return Some(self.default_max_age) };
        let directives: Vec<String> = cc.split(',').map(|d| d.trim().to_ascii_lowercase()).collect();
        if directives.iter().any(|d| d == "no-store" || d == "no-cache") {
            return None;
        }
        let secs = directives.iter().find_map(|d| d.strip_prefix("max-age=")?.parse::<u64>().ok());
        match secs {
            Some(0) => None,
            Some(s) => Some(Duration::from_secs(s).min(self.max_max_age)),
            None => Some(self.default_max_age),
        }
    }
}

impl Fetcher for HttpFetcher {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        Box::pin(async move {
            let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::Refused(e.to_string()))?;
            if !matches!(parsed.scheme(), "http" | "https")
                || !parsed.username().is_empty()
                || parsed.password().is_some()
            {
                return Err(FetchError::Refused("only plain http(s) URLs are fetched".into()));
            }
            let mut response = self.client.get(parsed).send().await.map_err(|e| FetchError::Unavailable(why(&e)))?;
            match response.status() {
                s if s.is_success() => {}
                StatusCode::NOT_FOUND | StatusCode::GONE => return Err(FetchError::NotFound),
                s => return Err(FetchError::Unavailable(format!("HTTP {s}"))),
            }
            let cache_control =
                response.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| FetchError::Unavailable(why(&e)))? {
                if body.len() + chunk.len() > MAX_DOCUMENT_LEN {
                    return Err(FetchError::Unreadable(format!("larger than {MAX_DOCUMENT_LEN} bytes")));
                }
                body.extend_from_slice(&chunk);
            }
            let body = String::from_utf8(body).map_err(|_| FetchError::Unreadable("not UTF-8".into()))?;
            Ok(Fetched { body, max_age: self.max_age(cache_control.as_deref()) })
        })
    }
}

/// What went wrong with a request, said plainly: reqwest's own message ("error sending request
/// for url …") does not tell a server that never answered from one that refused the connection.
fn why(e: &reqwest::Error) -> String {
    let url = e.url().map(|u| format!(" ({u})")).unwrap_or_default();
    if e.is_timeout() {
        format!("no answer within the fetch timeout{url}")
    } else if e.is_connect() {
        format!("could not connect{url}")
    } else {
        e.to_string()
    }
}

/// This deployment's own documents, answered by its router in process, with no network. They
/// may be cached for [`LOCAL_MAX_AGE`] and only while the generation (the registry's committed
/// batches) stays the same: a revocation acknowledged here is seen by the next verification, one
/// made by another process of the deployment within a second.
#[derive(Clone)]
pub struct RouterFetcher {
    base: String,
    router: Router,
    generation: Option<Generation>,
}

/// How long this deployment's own documents are cached.
pub const LOCAL_MAX_AGE: Duration = Duration::from_secs(1);

impl RouterFetcher {
    /// Answer URLs under `base` (the public URL, e.g. `http://localhost:8080`) with `router`;
    /// without a generation nothing is cached.
    pub fn new(base: &str, router: Router) -> Self {
        Self { base: base.trim_end_matches('/').to_owned(), router, generation: None }
    }

    /// Cache answers for [`LOCAL_MAX_AGE`] while `generation` does not move.
    pub fn with_generation(self, generation: Generation) -> Self {
        Self { generation: Some(generation), ..self }
    }

    /// The path of `url` if it is under the base.
    fn path_of<'u>(&self, url: &'u str) -> Option<&'u str> {
        let rest = url.strip_prefix(&self.base)?;
        rest.starts_with('/').then_some(rest)
    }
}

impl Fetcher for RouterFetcher {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        Box::pin(async move {
            let path = self.path_of(url).ok_or_else(|| FetchError::Refused(format!("{url} is not local")))?;
            let request = Request::get(path).body(Body::empty()).map_err(|e| FetchError::Refused(e.to_string()))?;
            let response =
                self.router.clone().oneshot(request).await.map_err(|e| FetchError::Unavailable(e.to_string()))?;
            match response.status() {
                s if s.is_success() => {}
                StatusCode::NOT_FOUND | StatusCode::GONE => return Err(FetchError::NotFound),
                s => return Err(FetchError::Unavailable(format!("HTTP {s}"))),
            }
            let body = http_body_util::Limited::new(response.into_body(), MAX_DOCUMENT_LEN)
                .collect()
                .await
                .map_err(|e| FetchError::Unreadable(e.to_string()))?
                .to_bytes();
            let body = String::from_utf8(body.to_vec()).map_err(|_| FetchError::Unreadable("not UTF-8".into()))?;
            Ok(Fetched { body, max_age: self.generation.as_ref().map(|_| LOCAL_MAX_AGE) })
        })
    }

    fn generation(&self, _url: &str) -> u64 {
        self.generation.as_ref().map_or(0, |g| g())
    }
}

/// This deployment's URLs in process, every other URL through `remote`.
pub struct LocalFirst {
    local: RouterFetcher,
    remote: Arc<dyn Fetcher>,
}

impl LocalFirst {
    /// Route between `local` and `remote`.
    pub fn new(local: RouterFetcher, remote: Arc<dyn Fetcher>) -> Self {
        Self { local, remote }
    }
}

impl Fetcher for LocalFirst {
    fn get<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Fetched, FetchError>> {
        if self.local.path_of(url).is_some() {
            self.local.get(url)
        } else {
            self.remote.get(url)
        }
    }

    fn generation(&self, url: &str) -> u64 {
        if self.local.path_of(url).is_some() {
            self.local.generation(url)
        } else {
            self.remote.generation(url)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_is_honoured_within_bounds() {
        let f = HttpFetcher::new().expect("client");
        assert_eq!(f.max_age(None), Some(Duration::from_secs(60)));
        assert_eq!(f.max_age(Some("public, max-age=5")), Some(Duration::from_secs(5)));
        assert_eq!(f.max_age(Some("max-age=86400")), Some(Duration::from_secs(300)));
        assert_eq!(f.max_age(Some("no-store")), None);
        assert_eq!(f.max_age(Some("max-age=0")), None);
    }

    #[tokio::test]
    async fn only_http_urls_are_fetched() {
        let f = HttpFetcher::new().expect("client");
        for url in ["file:///etc/passwd", "ftp://x.example/a", "http://user:pw@x.example/", "not a url"] {
            assert!(matches!(f.get(url).await, Err(FetchError::Refused(_))), "{url}");
        }
    }

    #[tokio::test]
    async fn the_router_fetcher_answers_only_its_base() {
        let router = Router::new().route("/a", axum::routing::get(|| async { "hello" }));
        let f = RouterFetcher::new("http://localhost:8080/", router);
        assert_eq!(f.get("http://localhost:8080/a").await.expect("local").body, "hello");
        assert_eq!(f.get("http://localhost:8080/b").await, Err(FetchError::NotFound));
        assert!(matches!(f.get("http://localhost:80801/a").await, Err(FetchError::Refused(_))));
        assert!(matches!(f.get("http://elsewhere.example/a").await, Err(FetchError::Refused(_))));
    }
}
