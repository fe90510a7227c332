//! Verification over real HTTP on loopback, cold next to warm (issue 7: "cold path — first
//! resolution, list fetch — separately").
//!
//! A real medcred server (`medcred_tests::start`: SQLite, a did:web board on a random loopback
//! port) runs on its own multi-thread tokio runtime, as another process would. The board issues
//! one license per format through `POST /credentials/issue`. The verifier is built apart from
//! the server, the way a remote hospital deployment would build it: `Verifier` over `Sources`
//! over an `HttpFetcher` (reqwest to `http://localhost:<port>`, no in-process shortcut), on a
//! current-thread runtime on the main thread. Per format:
//!
//! - **cold**: a brand-new `HttpFetcher` (own reqwest client, so new TCP connections) and a
//!   brand-new `Verifier` (empty DID document, status list and DID Configuration caches, empty
//!   memo of checked list signatures) per iteration, verifying the credential once: did:web
//!   resolution, status list bundle(s) (list + tlog-proof) or token list + bundle, the DID
//!   Configuration (domain linkage), all over HTTP; the list signatures checked;
//! - **cold, pooled connections**: the same with one `HttpFetcher` shared by all iterations, so
//!   its reqwest connection pool is warm: cache misses without TCP connection setup;
//! - **warm**: one `Verifier` reused (after one untimed verification): whatever its caches keep
//!   per the server's `Cache-Control` is not fetched again.
//!
//! The verifier sits behind a counting `Fetcher` wrapper, so the HTTP requests (and body bytes)
//! each verification makes are counted exactly (one `Fetcher::get` = one HTTP GET: no redirects,
//! no retries). Only the `Verifier::credential` call is timed (building the reqwest client is not).
//! Policy: the VC-API default (proof, validity and status count; trust and schema run as
//! advisory). Before timing, each credential must verify `valid` with status `passed`.
//!
//! Run: `CARGO_TARGET_DIR=~/.cache/medcred-release cargo bench --locked -p medcred-tests --bench cold_path`. Iterations: `MEDCRED_BENCH_COLD`
//! (default 200, each cold variant), `MEDCRED_BENCH_WARM` (default 2000).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use medcred_tests::{start, Backend, Server};
use medcred_verifier::{CheckName, Outcome, Report, Verdict};
use medcred_verifier_service::{Clock, FetchError, Fetched, Fetcher, HttpFetcher, Policy, Settings, Sources, Verifier};
use serde_json::{json, Value};

const FORMATS: [&str; 4] = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc+jwt", "dc+sd-jwt"];

/// An [`HttpFetcher`] that counts what it fetches.
struct Counting {
    http: HttpFetcher,
    requests: AtomicU64,
    bytes: AtomicU64,
    log: Mutex<Vec<String>>,
}

impl Counting {
    fn new(http: HttpFetcher) -> Arc<Self> {
        Arc::new(Self { http, requests: AtomicU64::new(0), bytes: AtomicU64::new(0), log: Mutex::new(Vec::new()) })
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

impl Fetcher for Counting {
    fn get<'a>(&'a self, url: &'a str) -> Pin<Box<dyn Future<Output = Result<Fetched, FetchError>> + Send + 'a>> {
        Box::pin(async move {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let got = self.http.get(url).await;
            let size = got.as_ref().map_or(0, |f| f.body.len());
            self.bytes.fetch_add(size as u64, Ordering::Relaxed);
            if let Ok(mut log) = self.log.lock() {
                let outcome = match &got {
                    Ok(f) => format!("{size} B, max-age {:?}", f.max_age.map(|d| d.as_secs())),
                    Err(e) => e.to_string(),
                };
                log.push(format!("{url} ({outcome})"));
            }
            got
        })
    }
}

fn license(n: usize) -> Value {
    json!({
        "id": format!("urn:uuid:00000000-0000-4000-8000-0000000c01d{n}"),
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": format!("RN-C0{n}"),
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    })
}

/// Issue one license in `format` over the public API; the credential as the engine's input text.
async fn issue(server: &Server, n: usize, format: &str) -> anyhow::Result<String> {
    let response = reqwest::Client::new()
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": license(n), "options": {"format": format}}))
        .send()
        .await?;
    ensure!(response.status().as_u16() == 201, "{format}: issuance answered {}", response.status());
    let body: Value = response.json().await?;
    Ok(match &body["verifiableCredential"] {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    })
}

fn policy() -> Policy {
    Policy { require_trust: false, advisory: vec![CheckName::IssuerTrust, CheckName::Schema] }
}

fn verifier(fetcher: Arc<Counting>, clock: &Clock) -> Verifier {
    Verifier::new(Sources::new(fetcher), Settings::default(), clock.clone())
}

fn expect_valid(format: &str, report: &Report) -> anyhow::Result<()> {
    ensure!(report.verdict == Verdict::Valid, "{format}: verdict {:?}: {:?}", report.verdict, report.checks);
    ensure!(report.outcome(CheckName::Status) == Some(&Outcome::Passed), "{format}: status {:?}", report.checks);
    Ok(())
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

struct Row {
    format: &'static str,
    cold: Vec<Duration>,
    pooled: Vec<Duration>,
    warm: Vec<Duration>,
    cold_requests: f64,
    cold_bytes: f64,
    warm_requests: f64,
}

async fn measure(
    format: &'static str,
    input: &str,
    shared: &HttpFetcher,
    clock: &Clock,
    cold_n: usize,
    warm_n: usize,
) -> anyhow::Result<Row> {
    let policy = policy();
    // The first verification: what it fetches, and that it is valid.
    let first = Counting::new(HttpFetcher::new()?);
    let report = verifier(first.clone(), clock).credential(input, &policy).await;
    expect_valid(format, &report)?;
    eprintln!("{format}: a cold verification fetched {} documents:", first.requests());
    for line in first.log.lock().map(|l| l.clone()).unwrap_or_default() {
        eprintln!("  GET {line}");
    }
    for check in &report.checks {
        if matches!(check.name, CheckName::Status | CheckName::IssuerTrust) {
            eprintln!("  {}: {:?}; {}", check.name.as_str(), check.outcome, check.detail.as_deref().unwrap_or(""));
        }
    }

    // Cold, alternating a new client per iteration with the shared pool.
    let (mut cold, mut pooled) = (Vec::with_capacity(cold_n), Vec::with_capacity(cold_n));
    let (mut requests, mut bytes) = (0u64, 0u64);
    for _ in 0..cold_n {
        for fresh_client in [true, false] {
            let http = if fresh_client { HttpFetcher::new()? } else { shared.clone() };
            let counting = Counting::new(http);
            let v = verifier(counting.clone(), clock);
            let start = Instant::now();
            let report = v.credential(input, &policy).await;
            let took = start.elapsed();
            expect_valid(format, &report)?;
            if fresh_client {
                cold.push(took);
                requests += counting.requests();
                bytes += counting.bytes();
            } else {
                pooled.push(took);
            }
        }
    }

    // Warm: one verifier, reused.
    let counting = Counting::new(shared.clone());
    let v = verifier(counting.clone(), clock);
    expect_valid(format, &v.credential(input, &policy).await)?;
    let before = counting.requests();
    let mut warm = Vec::with_capacity(warm_n);
    for _ in 0..warm_n {
        let start = Instant::now();
        let report = v.credential(input, &policy).await;
        warm.push(start.elapsed());
        expect_valid(format, &report)?;
    }
    let warm_requests = (counting.requests() - before) as f64 / warm_n as f64;

    for samples in [&mut cold, &mut pooled, &mut warm] {
        samples.sort();
    }
    Ok(Row {
        format,
        cold,
        pooled,
        warm,
        cold_requests: requests as f64 / cold_n as f64,
        cold_bytes: bytes as f64 / cold_n as f64,
        warm_requests,
    })
}

fn env_count(name: &str, default: usize) -> anyhow::Result<usize> {
    match std::env::var(name) {
        Ok(v) => v.parse().with_context(|| format!("{name}={v}")),
        Err(_) => Ok(default),
    }
}

fn main() -> anyhow::Result<()> {
    let cold_n = env_count("MEDCRED_BENCH_COLD", 200)?.max(1);
    let warm_n = env_count("MEDCRED_BENCH_WARM", 2000)?.max(1);

    // The server, on its own runtime (as another process would be).
    let server_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let (server, inputs) = server_rt.block_on(async {
        let server = start(Backend::Sqlite).await?;
        let mut inputs = Vec::new();
        for (n, format) in FORMATS.iter().enumerate() {
            inputs.push(issue(&server, n, format).await?);
        }
        anyhow::Ok((server, inputs))
    })?;
    eprintln!("server at {}, issuer {}", server.url, server.board_did);

    // The remote verifier, on the main thread.
    let client_rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let clock: Clock = Arc::new(chrono::Utc::now);
    let started = Instant::now();
    let rows = client_rt.block_on(async {
        let shared = HttpFetcher::new()?;
        let mut rows = Vec::new();
        for (format, input) in FORMATS.iter().zip(&inputs) {
            rows.push(measure(format, input, &shared, &clock, cold_n, warm_n).await?);
        }
        anyhow::Ok(rows)
    })?;
    let seconds = started.elapsed().as_secs_f64();

    println!();
    println!("{cold_n} cold iterations per variant, {warm_n} warm iterations, per format; {seconds:.1} s measured");
    println!();
    println!(
        "| format | cold p50 | cold p99 | cold, pooled conn. p50 | cold, pooled conn. p99 | warm p50 | warm p99 | \
         HTTP GETs cold | bytes fetched cold | HTTP GETs warm (mean) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.0} | {:.3} |",
            r.format,
            ms(percentile(&r.cold, 50.0)),
            ms(percentile(&r.cold, 99.0)),
            ms(percentile(&r.pooled, 50.0)),
            ms(percentile(&r.pooled, 99.0)),
            ms(percentile(&r.warm, 50.0)),
            ms(percentile(&r.warm, 99.0)),
            r.cold_requests,
            r.cold_bytes,
            r.warm_requests,
        );
    }
    drop(server);
    Ok(())
}
