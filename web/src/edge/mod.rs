//! The HTTP edge around every router: a request id, writes refused in a read-only process
//! (`read_only`), load shedding at capacity, rate limits per
//! client address and per API token (and, through the web app, per signed-in person and per
//! e-mail address at sign-in), security headers (with a per-response CSP nonce for the web app's
//! scripts), one log line and one metrics sample per request. Logs and metrics name the matched
//! route template, never the raw path or query (which may carry names or license numbers).

pub mod headers;
pub mod metrics;
pub mod rate_limit;
mod read_only;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;
use tokio::sync::Semaphore;
use tracing::Instrument;

pub use metrics::Metrics;
pub use rate_limit::{AccountKey, LimitClass, LimitSetting, Limits, Per, RateLimiter, Subject};

/// Requests answered at once before the server sheds with 503 (health, readiness and metrics
/// are never shed).
pub const DEFAULT_MAX_IN_FLIGHT: usize = 512;

/// The id of one request: the caller's `X-Request-Id` when it is short and plain, else a new one.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The route template a request matched (set by the inner layer, read by the outer).
#[derive(Debug, Clone)]
struct RouteLabel(String);

/// The edge's settings and shared state. Cheap to clone.
#[derive(Clone)]
pub struct Edge {
    /// Request counters for `/metrics`.
    pub metrics: Metrics,
    limiter: RateLimiter,
    in_flight: Arc<Semaphore>,
    tls: bool,
    /// Refuse every request that would write (`serve --read-only`, [`read_only`]).
    read_only: bool,
}

impl Edge {
    /// An edge with `limits`, shedding past `max_in_flight` concurrent requests; `tls` adds HSTS.
    pub fn new(limits: Limits, max_in_flight: usize, tls: bool) -> Self {
        Self {
            metrics: Metrics::default(),
            limiter: RateLimiter::new(limits),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            tls,
            read_only: false,
        }
    }

    /// This edge refusing, before any handler runs, every request that would write: 503
    /// `read_only` (a process over a read-only replica).
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Whether this edge refuses writes.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The per-account limits for the web app to ask (signed-in people, sign-in e-mail
    /// addresses): the same buckets and metrics as the edge's own.
    pub fn account_limits(&self) -> Arc<dyn medcred_app::server::AccountLimiter> {
        Arc::new(AccountLimits { limiter: self.limiter.clone(), metrics: self.metrics.clone() })
    }

    /// Admit a limited request of `class` from `client`, carrying `headers`: its address's
    /// bucket, then its API token's, if it carries one. `Err` says which refused and for how long.
    fn admit(&self, class: LimitClass, client: IpAddr, headers: &HeaderMap) -> Result<(), (Per, Duration)> {
        let now = Instant::now();
        self.limiter.check(class, Subject::Client(client), now).map_err(|wait| (Per::Client, wait))?;
        if let Some(token) = bearer(headers).filter(|_| self.limiter.limits(class, Per::Account)) {
            self.limiter
                .check(class, Subject::Account(AccountKey::bearer(token)), now)
                .map_err(|w| (Per::Account, w))?;
        }
        Ok(())
    }

    /// `app` behind the edge.
    pub fn wrap(&self, app: Router) -> Router {
        app.route_layer(axum::middleware::from_fn(label_route))
            .layer(axum::middleware::from_fn_with_state(self.clone(), edge))
    }
}

impl Default for Edge {
    fn default() -> Self {
        Self::new(Limits::default(), DEFAULT_MAX_IN_FLIGHT, false)
    }
}

/// Inner layer (runs after routing): remember which route template matched (unless the request
/// was refused before its handler ran).
async fn label_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let mut res = next.run(req).await;
    if let Some(route) = route {
        if res.extensions().get::<RouteLabel>().is_none() {
            res.extensions_mut().insert(RouteLabel(route));
        }
    }
    res
}

/// The per-account limits the web app asks ([`medcred_app::server::AccountLimiter`]).
struct AccountLimits {
    limiter: RateLimiter,
    metrics: Metrics,
}

impl medcred_app::server::AccountLimiter for AccountLimits {
    fn check(&self, method: &Method, path: &str, account: medcred_app::server::Account<'_>) -> Option<Response> {
        let class = (*method == Method::POST).then(|| LimitClass::of_post(path)).flatten()?;
        let key = match account {
            medcred_app::server::Account::Person(user_id) => AccountKey::user(user_id),
            medcred_app::server::Account::Email(email) => AccountKey::email(email),
        };
        let wait = self.limiter.check(class, Subject::Account(key), Instant::now()).err()?;
        Some(rate_limited(&self.metrics, class, Per::Account, wait))
    }
}

/// The API token a request carries (`Authorization: Bearer …`, as the APIs read it), if any.
/// Only ever hashed ([`AccountKey::bearer`]).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 256).then_some(token)
}

fn is_exempt(path: &str) -> bool {
    matches!(path, "/health" | "/ready" | "/metrics")
}

fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

fn client_ip(req: &Request) -> IpAddr {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// A refusal with a machine code, a human message and `Retry-After`.
/// Counted under the route label `(refused)`: its handler never ran.
fn refusal(status: StatusCode, code: &str, message: String, retry_after: Duration) -> Response {
    let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    let mut res = (status, Json(json!({"code": code, "message": message}))).into_response();
    res.extensions_mut().insert(RouteLabel("(refused)".into()));
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// 429 `rate_limited`: the limit of `class` per client or per account, counted in the metrics.
fn rate_limited(metrics: &Metrics, class: LimitClass, per: Per, wait: Duration) -> Response {
    metrics.limited(class.name(), per.name());
    let whose = match per {
        Per::Client => "from this client",
        Per::Account => "for this account",
    };
    refusal(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("Too many {} requests {whose}; try again in a moment.", class.name()),
        wait,
    )
}

/// Outer layer: id, shedding, rate limits, span, headers, log line and metrics.
async fn edge(State(edge): State<Edge>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    let method = req.method().clone();
    let exempt = is_exempt(req.uri().path());
    let nonce = headers::new_nonce();
    req.extensions_mut().insert(RequestId(id.clone()));
    req.extensions_mut().insert(medcred_app::server::CspNonce(nonce.clone()));

    let permit = if exempt { None } else { edge.in_flight.clone().try_acquire_owned().ok() };
    // A write refused by a read-only process is the client's routing, not a fault here: logged
    // as a plain request line, not a server error.
    let refused_write = edge.read_only && !read_only::allows(&method, req.uri().path());
    let res = if refused_write {
        let mut refused = read_only::refusal();
        refused.extensions_mut().insert(RouteLabel("(refused)".into()));
        refused
    } else if !exempt && permit.is_none() {
        edge.metrics.shed();
        tracing::warn!(request_id = %id, "at capacity: request shed");
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "The server is at capacity; try again shortly.".into(),
            Duration::from_secs(1),
        )
    } else if let Some(class) = (method == Method::POST).then(|| LimitClass::of_post(req.uri().path())).flatten() {
        match edge.admit(class, client_ip(&req), req.headers()) {
            Ok(()) => run(&edge, req, next, &id).await,
            Err((per, wait)) => rate_limited(&edge.metrics, class, per, wait),
        }
    } else {
        run(&edge, req, next, &id).await
    };
    drop(permit);
    let mut res = res;

    let route = res.extensions().get::<RouteLabel>().map(|r| r.0.clone()).unwrap_or_else(|| "unmatched".into());
    let status = res.status();
    let elapsed = started.elapsed();
    edge.metrics.record(method.as_str(), &route, status.as_u16(), elapsed);
    headers::secure(res.headers_mut(), &nonce, edge.tls);
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    if status.is_server_error() && !refused_write {
        tracing::warn!(request_id = %id, %method, route, status = status.as_u16(), ms = elapsed.as_millis() as u64, "request");
    } else if !exempt {
        tracing::info!(request_id = %id, %method, route, status = status.as_u16(), ms = elapsed.as_millis() as u64, "request");
    }
    res
}

async fn run(edge: &Edge, req: Request, next: Next, id: &str) -> Response {
    edge.metrics.in_flight(true);
    let span = tracing::info_span!("request", request_id = %id);
    let res = next.run(req).instrument(span).await;
    edge.metrics.in_flight(false);
    res
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::routing::get;
    use tokio::sync::Notify;
    use tower::ServiceExt as _;

    use super::*;

    fn get_req(path: &str) -> Request {
        Request::builder().uri(path).body(Body::empty()).expect("request")
    }

    #[test]
    fn bearer_tokens_are_read_as_the_apis_read_them() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).expect("header"));
            bearer(&h).map(str::to_owned)
        };
        assert_eq!(with("Bearer mcb_abc").as_deref(), Some("mcb_abc"));
        assert_eq!(with("bearer  mch_abc ").as_deref(), Some("mch_abc"));
        assert_eq!(with("Basic dXNlcjpwdw=="), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(with(&format!("Bearer {}", "x".repeat(257))), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn a_token_is_limited_across_client_addresses() {
        let app = Router::new().route("/credentials/issue", axum::routing::post(|| async { "issued" }));
        let settings: Vec<LimitSetting> =
            ["issue=100/s", "issue.account=2/min"].iter().map(|s| s.parse().expect("setting")).collect();
        let edge = Edge::new(Limits::with(&settings), 8, false);
        let app = edge.wrap(app);
        let issue = |client: &str, token: &str| {
            let mut req = Request::builder()
                .method(Method::POST)
                .uri("/credentials/issue")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request");
            let addr: SocketAddr = format!("{client}:4000").parse().expect("address");
            req.extensions_mut().insert(ConnectInfo(addr));
            app.clone().oneshot(req)
        };
        assert_eq!(issue("10.0.0.1", "mcb_a").await.expect("infallible").status(), StatusCode::OK);
        assert_eq!(issue("10.0.0.2", "mcb_a").await.expect("infallible").status(), StatusCode::OK);
        let refused = issue("10.0.0.3", "mcb_a").await.expect("infallible");
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "30");
        assert_eq!(issue("10.0.0.3", "mcb_b").await.expect("infallible").status(), StatusCode::OK);
        let metrics = edge.metrics.render();
        assert!(metrics.contains("medcred_http_rate_limited_total{limit=\"issue\",per=\"account\"} 1"), "{metrics}");
        assert!(!metrics.contains("mcb_a"));
    }

    #[tokio::test]
    async fn past_the_in_flight_limit_requests_are_shed_then_served_again() {
        let entered = Arc::new(Notify::new());
        let release = Arc::new(Notify::new());
        let (e, r) = (entered.clone(), release.clone());
        let app = Router::new()
            .route(
                "/slow",
                get(move || {
                    let (e, r) = (e.clone(), r.clone());
                    async move {
                        e.notify_one();
                        r.notified().await;
                        "done"
                    }
                }),
            )
            .route("/health", get(|| async { "ok" }));
        let edge = Edge::new(Limits::off(), 1, false);
        let app = edge.wrap(app);

        let first = tokio::spawn(app.clone().oneshot(get_req("/slow")));
        entered.notified().await;
        // The one slot is taken: the next request is shed with 503, Retry-After and a code.
        let shed = app.clone().oneshot(get_req("/slow")).await.expect("infallible");
        assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(shed.headers()[header::RETRY_AFTER], "1");
        let body = axum::body::to_bytes(shed.into_body(), 1 << 16).await.expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["code"], "overloaded");
        // Health is never shed.
        let health = app.clone().oneshot(get_req("/health")).await.expect("infallible");
        assert_eq!(health.status(), StatusCode::OK);
        // Once the slow request ends, requests are served again.
        release.notify_one();
        assert_eq!(first.await.expect("task").expect("infallible").status(), StatusCode::OK);
        let again = tokio::spawn(app.clone().oneshot(get_req("/slow")));
        entered.notified().await;
        release.notify_one();
        assert_eq!(again.await.expect("task").expect("infallible").status(), StatusCode::OK);
        assert!(edge.metrics.render().contains("medcred_http_shed_total 1"));
        // A shed request never reached routing: it is counted as refused.
        assert!(edge.metrics.render().contains("route=\"(refused)\",status=\"503\"} 1"));
    }
}
