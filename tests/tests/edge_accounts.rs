//! Per-account rate limits over a real server on loopback: an API token, a signed-in person and
//! the e-mail address a sign-in names each have one bucket, whichever address the requests come
//! from. The client connects from many loopback addresses (127.0.0.x), as a botnet would from
//! many hosts, so the per-client limits never bite here; the answer past an account's limit is
//! 429 `rate_limited` with `Retry-After`, counted in `/metrics` per account, and neither the
//! token nor the e-mail address appears in the metrics or the server's logs.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use medcred_app::auth::{Accounts, NewUser};
use medcred_store::{OrgKind, Role, UserRole};
use medcred_tests::{start_with_edge, Backend, Server};
use medcred_web::edge::{Edge, LimitSetting, Limits};
use reqwest::header::{COOKIE, LOCATION, ORIGIN};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";

/// Everything the server logs, at the level it logs in production.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture() -> Logs {
        let logs = Logs::default();
        let writer = logs.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info,sqlx=warn"))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init();
        logs
    }

    fn text(&self) -> String {
        self.0.lock().map(|v| String::from_utf8_lossy(&v).into_owned()).unwrap_or_default()
    }
}

/// A client connecting from `127.0.0.<n>`: another client address to the server.
fn from(n: u8) -> Client {
    Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// The server's URL by address (the clients bind IPv4 loopback addresses).
fn at(server: &Server, path: &str) -> String {
    format!("{}{path}", server.url.replace("localhost", "127.0.0.1"))
}

fn location(r: &Response) -> String {
    r.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// A 429 from the per-account limit: its code, its words, and a `Retry-After` within `max`.
async fn assert_account_limited(r: Response, max: u64) {
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=max).contains(&retry), "Retry-After {retry}");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("for this account")), "{body}");
}

fn license(number: &str) -> Value {
    json!({"credential": {
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2031-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": number,
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"}
    }, "options": {"format": "vc+jwt"}})
}

async fn issue(server: &Server, client: u8, token: &str, number: &str) -> Response {
    from(client)
        .post(at(server, "/credentials/issue"))
        .bearer_auth(token)
        .json(&license(number))
        .send()
        .await
        .expect("issue")
}

async fn person(server: &Server, kind: OrgKind, org: &str, email: &str, role: UserRole) {
    let new = NewUser {
        org_kind: kind,
        org_slug: org.into(),
        email: email.into(),
        name: None,
        role,
        password: Some(PASSWORD.to_owned().into()),
    };
    Accounts::new(server.issuer.clone()).add_user(new).await.expect("add user");
}

/// A new session of `email` (signed in directly, so that the e-mail's own bucket stays full):
/// the cookie and its CSRF token.
async fn session(server: &Server, email: &str) -> (String, String) {
    let (token, who) = Accounts::new(server.issuer.clone()).sign_in(email, PASSWORD).await.expect("sign in");
    (format!("medcred_session={}", *token), who.csrf)
}

async fn form(
    server: &Server,
    client: u8,
    session: &(String, String),
    path: &str,
    fields: &[(&str, &str)],
) -> Response {
    let mut fields = fields.to_vec();
    fields.push(("csrf", &session.1));
    from(client)
        .post(at(server, path))
        .header(COOKIE, &session.0)
        .header(ORIGIN, &server.url)
        .form(&fields)
        .send()
        .await
        .expect("post")
}

async fn sign_in(server: &Server, client: u8, email: &str, password: &str) -> Response {
    from(client)
        .post(at(server, "/session/signin"))
        .header(ORIGIN, &server.url)
        .form(&[("email", email), ("password", password), ("next", "")])
        .send()
        .await
        .expect("sign in")
}

#[tokio::test]
async fn accounts_are_limited_whatever_address_they_come_from() {
    let logs = Logs::capture();
    let settings: Vec<LimitSetting> = [
        "signin=1000/min",
        "signin.account=6/min",
        "issue=1000/s",
        "issue.account=3/min",
        "status=1000/s",
        "status.account=2/min",
        "verify=1000/s",
        "verify.account=2/min",
    ]
    .iter()
    .map(|s| s.parse().expect("setting"))
    .collect();
    let server = start_with_edge(Backend::Sqlite, Edge::new(Limits::with(&settings), 64, false)).await.expect("server");
    let token = server.admin_token.clone();

    // An API token: three issuances from three addresses, then a fourth address is refused.
    for (client, number) in [(2, "RN-1"), (3, "RN-2"), (4, "RN-3")] {
        assert_eq!(issue(&server, client, &token, number).await.status(), StatusCode::CREATED);
    }
    assert_account_limited(issue(&server, 5, &token, "RN-4").await, 20).await;
    // Another token of the same board, from the address just refused, has its own bucket.
    let board = server.issuer.db().board_by_slug("e2e").await.expect("board");
    let (_, other) = server.issuer.create_token(&board, Role::Admin, "second").await.expect("token");
    assert_eq!(issue(&server, 5, &other, "RN-5").await.status(), StatusCode::CREATED);

    // Status changes are their own class: two from two addresses, then refused.
    let listed: Value = from(6)
        .get(at(&server, "/boards/e2e/credentials"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let id = listed["credentials"][0]["id"].as_str().expect("a credential").to_owned();
    let status = |client: u8| {
        from(client)
            .post(at(&server, &format!("/boards/e2e/credentials/{id}/status")))
            .bearer_auth(&token)
            .json(&json!({"action": "suspend", "reason": "board order"}))
            .send()
    };
    assert_eq!(status(7).await.expect("status").status(), StatusCode::OK);
    assert_eq!(status(8).await.expect("status").status(), StatusCode::OK);
    assert_account_limited(status(9).await.expect("status"), 30).await;

    // A signed-in person: one bucket for all their sessions and addresses.
    person(&server, OrgKind::Board, "e2e", "admin@board.example", UserRole::BoardAdmin).await;
    person(&server, OrgKind::Board, "e2e", "clerk@board.example", UserRole::BoardIssuer).await;
    let (laptop, phone) =
        (session(&server, "admin@board.example").await, session(&server, "admin@board.example").await);
    let fields = |n: &'static str| {
        [
            ("practitionerName", "Mary Seacole"),
            ("licenseType", "RN"),
            ("licenseNumber", n),
            ("jurisdiction", "US-NJ"),
            ("originalIssueDate", "2015-03-01"),
            ("validUntil", "2031-01-31"),
            ("format", "vc+jwt"),
        ]
    };
    for (client, s, n) in [(10, &laptop, "F-1"), (11, &phone, "F-2"), (12, &laptop, "F-3")] {
        let r = form(&server, client, s, "/board/actions/issue", &fields(n)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(location(&r).starts_with("/board/credentials/urn:uuid:"), "{}", location(&r));
    }
    assert_account_limited(form(&server, 13, &phone, "/board/actions/issue", &fields("F-4")).await, 20).await;
    // Their colleague, from the same address, is not held back.
    let clerk = session(&server, "clerk@board.example").await;
    assert_eq!(form(&server, 13, &clerk, "/board/actions/issue", &fields("F-5")).await.status(), StatusCode::SEE_OTHER);

    // The hospital's ask form counts as verification, per person too.
    medcred_hospital::create_hospital(&server.issuer, "st-x", "St X").await.expect("hospital");
    person(&server, OrgKind::Hospital, "st-x", "desk@hospital.example", UserRole::HospitalVerifier).await;
    let desk = session(&server, "desk@hospital.example").await;
    for client in [14, 15] {
        let r = form(&server, client, &desk, "/hospital/actions/ask", &[("template", "rn_license")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = form(&server, 16, &desk, "/hospital/actions/ask", &[("template", "rn_license")]).await;
    assert_account_limited(r, 30).await;

    // Sign-in attempts count against the e-mail address, on top of the lockout: five failures
    // from five addresses (in any case) lock the account; the right password is then refused
    // in the same words; and the next attempt, from yet another address, is not even checked.
    for (client, email) in [
        (20, "admin@board.example"),
        (21, "ADMIN@board.example"),
        (22, " Admin@Board.Example"),
        (23, "admin@BOARD.example"),
        (24, "admin@board.example"),
    ] {
        let r = sign_in(&server, client, email, "not the password").await;
        assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/signin?failed=1".to_owned()));
    }
    let user = server.issuer.db().user_by_email("admin@board.example").await.expect("user");
    assert!(user.locked_until.is_some(), "five failures lock the account");
    let r = sign_in(&server, 25, "admin@board.example", PASSWORD).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/signin?failed=1".to_owned()));
    assert_account_limited(sign_in(&server, 26, "admin@board.example", PASSWORD).await, 10).await;
    // An address nobody has is limited alike (the answers tell nothing), in its own bucket.
    for client in 30..36 {
        let r = sign_in(&server, client, "nobody@board.example", "a guess").await;
        assert_eq!(location(&r), "/signin?failed=1");
    }
    assert_account_limited(sign_in(&server, 36, "nobody@board.example", "a guess").await, 10).await;
    // Someone else signs in from the last refused address at once.
    let r = sign_in(&server, 36, "clerk@board.example", PASSWORD).await;
    assert_eq!((r.status(), location(&r)), (StatusCode::SEE_OTHER, "/board".to_owned()));

    // Metrics: per account, never per client here; no token or e-mail address in them.
    let metrics = from(40).get(at(&server, "/metrics")).send().await.expect("metrics").text().await.expect("text");
    for line in [
        "medcred_http_rate_limited_total{limit=\"issue\",per=\"account\"} 2",
        "medcred_http_rate_limited_total{limit=\"status\",per=\"account\"} 1",
        "medcred_http_rate_limited_total{limit=\"verify\",per=\"account\"} 1",
        "medcred_http_rate_limited_total{limit=\"signin\",per=\"account\"} 2",
        "medcred_http_requests_total{method=\"POST\",route=\"(refused)\",status=\"429\"} 6",
    ] {
        assert!(metrics.contains(line), "missing {line:?} in\n{metrics}");
    }
    assert!(!metrics.contains("per=\"client\""), "{metrics}");

    // Logs: the server logged each request, and never a token or an e-mail address.
    let text = logs.text().to_lowercase();
    assert!(text.contains("/board/actions/issue") && text.contains("status=429"), "nothing captured:\n{text}");
    for secret in [token.as_str(), &*other, "admin@board.example", "nobody@board.example", "clerk@board.example"] {
        assert!(!text.contains(&secret.to_lowercase()), "the logs show {secret}");
    }
}
