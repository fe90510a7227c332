//! The HTTP edge around every router: a request id, load shedding at capacity, per-client rate
//! limits, security headers (with a per-response CSP nonce for the web app's scripts), one log
//! line and one metrics sample per request. Logs and metrics name the matched route template,
//! never the raw path or query (which may carry names or license numbers).

pub mod headers;
pub mod metrics;
pub mod rate_limit;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;
use tokio::sync::Semaphore;
use tracing::Instrument;

pub use metrics::Metrics;
pub use rate_limit::{LimitClass, LimitSetting, Limits, RateLimiter};

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
}

impl Edge {
    /// An edge with `limits`, shedding past `max_in_flight` concurrent requests; `tls` adds HSTS.
    pub fn new(limits: Limits, max_in_flight: usize, tls: bool) -> Self {
        Self {
            metrics: Metrics::default(),
            limiter: RateLimiter::new(limits),
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            tls,
        }
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

/// Inner layer (runs after routing): remember which route template matched.
async fn label_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let mut res = next.run(req).await;
    if let Some(route) = route {
        res.extensions_mut().insert(RouteLabel(route));
    }
    res
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
/// Counted under the route label `(refused)`: it never reached routing.
fn refusal(status: StatusCode, code: &str, message: String, retry_after: Duration) -> Response {
    let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    let mut res = (status, Json(json!({"code": code, "message": message}))).into_response();
    res.extensions_mut().insert(RouteLabel("(refused)".into()));
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
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
    let res = if !exempt && permit.is_none() {
        edge.metrics.shed();
        tracing::warn!(request_id = %id, "at capacity: request shed");
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "The server is at capacity; try again shortly.".into(),
            Duration::from_secs(1),
        )
    } else if let Some(class) = (method == Method::POST).then(|| LimitClass::of_post(req.uri().path())).flatten() {
        match edge.limiter.check(class, client_ip(&req), Instant::now()) {
            Ok(()) => run(&edge, req, next, &id).await,
            Err(wait) => {
                edge.metrics.limited(class.name());
                refusal(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("Too many {} requests from this client; try again in a moment.", class.name()),
                    wait,
                )
            }
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
    if status.is_server_error() {
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
