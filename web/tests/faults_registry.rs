//! Fault: the registry a remote verifier depends on is slow (accepts connections and never
//! answers) or gone (closed port).
//!
//! A real `medcred serve` issues the credentials; the verifier is built apart from it the way a
//! remote hospital deployment builds it (`Verifier` over `Sources` over an `HttpFetcher`: did:web
//! documents, status lists and their proof bundles over HTTP). Its fetcher sends some URLs to a
//! black hole instead of the registry: only the status lists, or everything. Whatever cannot be
//! fetched makes the verdict "could not check" with a reason, within the fetch timeout: never
//! "valid" (even for a credential the registry has revoked), never a hang. With the registry
//! stopped (closed port) the same, at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{create_board, free_port, issue, set_status, BlackHole, Server};
use medcred_verifier::{CheckName, Outcome, Report, Verdict};
use medcred_verifier_service::{Clock, FetchError, Fetched, Fetcher, HttpFetcher, Policy, Settings, Sources, Verifier};

/// The verifier's own per-request timeout (`HttpFetcher`), and how long a verification that
/// meets dead URLs may take at most: a few rounds of fetches, each bounded by it.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const VERIFY_BOUND: Duration = Duration::from_secs(12);

/// Sends the URLs under `from` that contain `only` (all of them when `None`) to `to` instead.
struct Rerouted {
    http: HttpFetcher,
    from: String,
    to: String,
    only: Option<&'static str>,
}

impl Fetcher for Rerouted {
    fn get<'a>(&'a self, url: &'a str) -> Pin<Box<dyn Future<Output = Result<Fetched, FetchError>> + Send + 'a>> {
        Box::pin(async move {
            let target = match url.strip_prefix(&self.from) {
                Some(rest) if self.only.is_none_or(|p| rest.contains(p)) => format!("{}{rest}", self.to),
                _ => url.to_owned(),
            };
            self.http.get(&target).await
        })
    }
}

fn verifier(fetcher: Arc<dyn Fetcher>) -> Verifier {
    let clock: Clock = Arc::new(chrono::Utc::now);
    Verifier::new(Sources::new(fetcher), Settings::default(), clock)
}

/// The VC-API default: proof, validity and status count; trust and schema are advisory.
fn policy() -> Policy {
    Policy { require_trust: false, advisory: vec![CheckName::IssuerTrust, CheckName::Schema] }
}

async fn verify(v: &Verifier, credential: &str) -> (Report, Duration) {
    let started = Instant::now();
    let report = v.credential(credential, &policy()).await;
    (report, started.elapsed())
}

/// "Could not check", never valid or invalid, because of `check`, with a reason; in bounded time.
fn assert_could_not_check(what: &str, report: &Report, took: Duration, check: CheckName) {
    assert_eq!(report.verdict, Verdict::CouldNotCheck, "{what}: {:?}", report.checks);
    match report.outcome(check) {
        Some(Outcome::CouldNotCheck { reason }) => assert!(!reason.is_empty(), "{what}: a reason"),
        other => panic!("{what}: {} should be could-not-check, is {other:?}: {:?}", check.as_str(), report.checks),
    }
    assert!(took < VERIFY_BOUND, "{what}: took {took:?}");
    eprintln!("{what}: could not check in {took:?}: {:?}", report.outcome(check).and_then(Outcome::reason));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_or_hanging_registry_means_could_not_check_never_valid() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port("127.0.0.1");
    let public_url = format!("http://127.0.0.1:{port}");
    let token = create_board(&data, &public_url, "bon");
    let mut server = Server::start(&data, &public_url, &format!("127.0.0.1:{port}"), &[]);
    let http = reqwest::Client::new();
    let mut credentials = Vec::new();
    for _ in 0..2 {
        let (status, body, id) = issue(&http, &server.url, &token, "vc+jwt").await;
        assert_eq!(status, 201, "{body}");
        credentials.push((id, common::credential_text(&body)));
    }
    let (revoked_id, revoked) = &credentials[1];
    let active = &credentials[0].1;
    assert_eq!(set_status(&http, &server.url, &token, "bon", revoked_id, "revoke").await.0, 200);

    // The registry up: the checks can pass and can fail.
    let direct = verifier(Arc::new(HttpFetcher::new().unwrap()));
    assert_eq!(verify(&direct, active).await.0.verdict, Verdict::Valid);
    let (report, _) = verify(&direct, revoked).await;
    assert_eq!(report.verdict, Verdict::Invalid, "{:?}", report.checks);

    let hole = BlackHole::start();
    let to = format!("http://127.0.0.1:{}", hole.port);
    let rerouted = |only| {
        verifier(Arc::new(Rerouted {
            http: HttpFetcher::new().unwrap(),
            from: public_url.clone(),
            to: to.clone(),
            only,
        }))
    };

    // Status lists hang (the DID document still comes): status could not be checked.
    let v = rerouted(Some("/status/"));
    let ((a, took_a), (r, took_r)) = tokio::join!(verify(&v, active), verify(&v, revoked));
    assert!(took_a >= FETCH_TIMEOUT - Duration::from_millis(500), "it waited for the list: {took_a:?}");
    assert_could_not_check("active, status list hangs", &a, took_a, CheckName::Status);
    let reason = a.outcome(CheckName::Status).and_then(Outcome::reason).unwrap_or_default();
    assert!(reason.contains("no answer within the fetch timeout"), "the reason says it timed out: {reason}");
    assert_could_not_check("revoked, status list hangs", &r, took_r, CheckName::Status);
    assert_eq!(a.outcome(CheckName::Proof), Some(&Outcome::Passed), "the rest was checked: {:?}", a.checks);

    // Everything hangs: not even the issuer's key can be had.
    let v = rerouted(None);
    let (report, took) = verify(&v, active).await;
    assert_could_not_check("active, registry hangs", &report, took, CheckName::IssuerBinding);

    // The registry is gone: a closed port is refused at once.
    server.kill();
    let v = verifier(Arc::new(HttpFetcher::new().unwrap()));
    let ((a, took_a), (r, took_r)) = tokio::join!(verify(&v, active), verify(&v, revoked));
    assert_could_not_check("active, registry down", &a, took_a, CheckName::IssuerBinding);
    assert_could_not_check("revoked, registry down", &r, took_r, CheckName::IssuerBinding);
    assert!(took_a < Duration::from_secs(3) && took_r < Duration::from_secs(3), "refused at once: {took_a:?}");
    let reason = a.outcome(CheckName::IssuerBinding).and_then(Outcome::reason).unwrap_or_default();
    assert!(reason.contains("could not resolve the issuer"), "the reason names what failed: {reason}");
    assert!(reason.contains("could not connect"), "the reason says the connection failed: {reason}");
    // A verifier with warm caches: what it still holds says revoked; what it lacks, it cannot
    // check. Never valid.
    let (report, took) = verify(&direct, revoked).await;
    assert_ne!(report.verdict, Verdict::Valid, "{:?}", report.checks);
    assert!(took < VERIFY_BOUND);
}
