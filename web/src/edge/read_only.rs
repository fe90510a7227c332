//! A read-only process (`medcred serve --read-only`, over a PostgreSQL hot standby) refuses every
//! request that would write before any handler runs: anything but GET, HEAD and OPTIONS, except the
//! POSTs that only read — VC-API verification (`POST /credentials/verify`,
//! `POST /presentations/verify`) and the web app's public server functions (the verify page and
//! the public board pages, which keep nothing but an in-memory result). Hospital verifications
//! are refused: they write a record.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// POST paths that only read.
const READING_POSTS: &[&str] = &[
    "/credentials/verify",
    "/presentations/verify",
    // The web app's server functions behind the public pages (their `#[server]` endpoints).
    "/api/verify",
    "/api/verify-result",
    "/api/public-boards",
    "/api/public-board",
    "/api/whoami",
];

/// Whether a read-only process may run a `method` request for `path`.
pub(crate) fn allows(method: &Method, path: &str) -> bool {
    match *method {
        Method::GET | Method::HEAD | Method::OPTIONS => true,
        Method::POST => READING_POSTS.contains(&path.trim_end_matches('/')),
        _ => false,
    }
}

/// 503 `read_only`: this process cannot write; the client should send the request to the
/// primary. No `Retry-After`: asking this process again will not help.
pub(crate) fn refusal() -> Response {
    let body = json!({
        "code": "read_only",
        "message": "This server answers from a read-only replica; send writes (issuance, status changes, \
                    sign-in, hospital verifications and every other change) to the primary.",
    });
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_verification_pass_every_write_is_refused() {
        for (method, path) in [
            (Method::GET, "/boards/b/log/checkpoint"),
            (Method::HEAD, "/boards/b/status/1/revocation"),
            (Method::OPTIONS, "/credentials/issue"),
            (Method::POST, "/credentials/verify"),
            (Method::POST, "/presentations/verify"),
            (Method::POST, "/api/verify"),
            (Method::POST, "/api/public-board"),
        ] {
            assert!(allows(&method, path), "{method} {path}");
        }
        for (method, path) in [
            (Method::POST, "/credentials/issue"),
            (Method::POST, "/boards/b/credentials/urn:uuid:1/status"),
            (Method::POST, "/session/signin"),
            (Method::POST, "/hospitals/h/verifications"),
            (Method::POST, "/oid4vp/responses/x"),
            (Method::POST, "/witness/add-checkpoint"),
            (Method::POST, "/api/board-dashboard"),
            (Method::POST, "/credentials/verify/x"),
            (Method::PUT, "/hospitals/h/webhook"),
            (Method::DELETE, "/boards/b/tokens/t"),
            (Method::PATCH, "/credentials/verify"),
        ] {
            assert!(!allows(&method, path), "{method} {path}");
        }
    }

    #[tokio::test]
    async fn the_edge_refuses_a_write_before_its_handler_runs() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;

        use axum::body::Body;
        use axum::extract::Request;
        use axum::routing::post;
        use axum::Router;
        use tower::ServiceExt as _;

        let ran = Arc::new(AtomicUsize::new(0));
        let (a, b) = (ran.clone(), ran.clone());
        let app = Router::new()
            .route(
                "/credentials/issue",
                post(move || async move {
                    a.fetch_add(1, Ordering::SeqCst);
                    "issued"
                }),
            )
            .route(
                "/credentials/verify",
                post(move || async move {
                    b.fetch_add(1, Ordering::SeqCst);
                    "checked"
                }),
            );
        let edge = crate::edge::Edge::default().read_only();
        let app = edge.wrap(app);
        let send = |path: &str| {
            let req = Request::builder().method(Method::POST).uri(path).body(Body::empty()).expect("request");
            app.clone().oneshot(req)
        };
        let refused = send("/credentials/issue").await.expect("infallible");
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(refused.headers().get(header::RETRY_AFTER).is_none(), "retrying here does not help");
        let body = axum::body::to_bytes(refused.into_body(), 1 << 16).await.expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["code"], "read_only");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("primary")), "{body}");
        assert_eq!(ran.load(Ordering::SeqCst), 0, "the issuance handler never ran");
        assert_eq!(send("/credentials/verify").await.expect("infallible").status(), StatusCode::OK);
        assert_eq!(ran.load(Ordering::SeqCst), 1);
        assert!(edge.metrics.render().contains("route=\"(refused)\",status=\"503\"} 1"));
    }
}
