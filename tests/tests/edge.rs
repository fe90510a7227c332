//! The HTTP edge over a real server on loopback: per-client rate limits answer 429 with
//! `Retry-After` and a machine code; security headers (a fresh CSP nonce per page that matches
//! the hydration script's); request ids; and `/metrics` reporting what happened, by route
//! template. (Shedding past the in-flight limit is tested in `web/src/edge/mod.rs`, where a
//! handler can be held open deterministically.)

use medcred_tests::seed::rn_license;
use medcred_tests::{start_with_edge, Backend};
use medcred_web::edge::{Edge, LimitSetting, Limits};
use serde_json::{json, Value};

fn limits(s: &[&str]) -> Limits {
    Limits::with(&s.iter().map(|x| x.parse::<LimitSetting>().expect("setting")).collect::<Vec<_>>())
}

#[tokio::test]
async fn rate_limits_headers_request_ids_and_metrics() {
    let edge = Edge::new(limits(&["verify=3/min", "issue=off"]), 64, false);
    let server = start_with_edge(Backend::Sqlite, edge).await.expect("server");
    let http = reqwest::Client::new();

    // A real verification, so that the verdict counters move.
    let issued: Value = http
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": rn_license(), "options": {"format": "eddsa-jcs-2022"}}))
        .send()
        .await
        .expect("issue")
        .json()
        .await
        .expect("json");
    let vc = issued["verifiableCredential"].clone();
    let r = http.post(format!("{}/credentials/verify", server.url)).json(&json!({"verifiableCredential": vc})).send();
    assert_eq!(r.await.expect("verify").status(), 200);
    // Two more within the limit (malformed: 400, still counted), then the fourth is refused.
    for _ in 0..2 {
        let r = http
            .post(format!("{}/credentials/verify", server.url))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 400);
    }
    let r = http.post(format!("{}/credentials/verify", server.url)).json(&json!({})).send().await.expect("post");
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=20).contains(&retry), "Retry-After {retry}");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    // Another limit class is unaffected (issuance is off here), and reads are never limited.
    for _ in 0..5 {
        let r = http
            .post(format!("{}/credentials/issue", server.url))
            .bearer_auth(&server.admin_token)
            .json(&json!({"credential": {}}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 422);
    }

    // Security headers and a CSP nonce that the page's hydration script carries.
    let page = http.get(format!("{}/verify", server.url)).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let h = page.headers().clone();
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    // The app's pages send same-origin (so that their own form posts carry an Origin to check);
    // nothing leaves the site either way.
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    let csp = h["content-security-policy"].to_str().expect("ascii").to_owned();
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP").to_owned();
    let html = page.text().await.expect("html");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the CSP nonce");
    let again = http.get(format!("{}/verify", server.url)).send().await.expect("page");
    assert_ne!(again.headers()["content-security-policy"].to_str().expect("ascii"), csp, "a fresh nonce per page");
    let json_csp = http.get(format!("{}/health", server.url)).send().await.expect("health");
    assert_eq!(json_csp.headers()["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    assert_eq!(json_csp.headers()["referrer-policy"], "no-referrer");

    // Request ids: a plain one is echoed, anything else replaced.
    let r = http.get(format!("{}/health", server.url)).header("x-request-id", "desk-7_abc").send().await.expect("get");
    assert_eq!(r.headers()["x-request-id"], "desk-7_abc");
    let r = http.get(format!("{}/health", server.url)).header("x-request-id", "<script>").send().await.expect("get");
    let id = r.headers()["x-request-id"].to_str().expect("ascii");
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");

    // Metrics: by route template (the board's slug appears only as a label of its own gauges).
    let m = http.get(format!("{}/metrics", server.url)).send().await.expect("metrics");
    assert_eq!(m.status(), 200);
    assert!(m.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain; version=0.0.4"));
    let text = m.text().await.expect("text");
    for line in [
        "medcred_http_requests_total{method=\"POST\",route=\"/credentials/verify\",status=\"200\"} 1",
        "medcred_http_requests_total{method=\"POST\",route=\"/credentials/verify\",status=\"400\"} 2",
        "medcred_http_requests_total{method=\"POST\",route=\"(refused)\",status=\"429\"} 1",
        "medcred_http_rate_limited_total{limit=\"verify\",per=\"client\"} 1",
        "medcred_verifications_total{kind=\"credential\",verdict=\"valid\"} 1",
        "medcred_database_up 1",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(text.contains("medcred_ledger_size{board=\"e2e\"}"), "{text}");
    assert!(text.contains("medcred_checkpoint_age_seconds{board=\"e2e\"}"), "{text}");
    assert!(
        text.contains("medcred_http_request_duration_seconds_bucket{method=\"GET\",route=\"/verify\",le=\"+Inf\"} 2")
    );
    assert!(!text.contains("RN-4242") && !text.contains("Grace"), "no personal data in metrics");
}
