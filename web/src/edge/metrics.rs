//! Prometheus metrics (`GET /metrics`, text exposition format 0.0.4): request rates and latencies
//! per route, requests shed or rate limited, verifications by verdict, verifier cache hits, and per
//! board the ledger size, checkpoint age and cosignatures. Labels are route templates and board
//! slugs, never raw paths or query strings (which could carry personal data).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use medcred_issuer::Issuer;
use medcred_verifier_service::Verifier;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// One (method, route, status) series.
#[derive(Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The server's own counters. Cheap to clone.
#[derive(Clone, Default)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
    in_flight: AtomicU64,
    shed: AtomicU64,
    limited: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

impl Metrics {
    /// Count one answered request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Ok(mut m) = self.inner.requests.lock() {
            let s = m.entry((method.to_owned(), route.to_owned(), status)).or_default();
            s.count += 1;
            s.sum_seconds += secs;
            if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
                s.buckets[i] += 1;
            }
        }
    }

    /// A request started (`+1`) or ended (`-1`).
    pub(crate) fn in_flight(&self, started: bool) {
        if started {
            self.inner.in_flight.fetch_add(1, Ordering::Relaxed);
        } else {
            self.inner.in_flight.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// A request refused because the server was at capacity.
    pub(crate) fn shed(&self) {
        self.inner.shed.fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused by the rate limit of `class`, per client or per account (`per`).
    pub(crate) fn limited(&self, class: &'static str, per: &'static str) {
        if let Ok(mut m) = self.inner.limited.lock() {
            *m.entry((class, per)).or_default() += 1;
        }
    }

    /// The counters in the exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP medcred_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE medcred_http_requests_total counter\n");
        let requests = self.inner.requests.lock().map(|m| snapshot(&m)).unwrap_or_default();
        for ((method, route, status), s) in &requests {
            let _ = writeln!(
                out,
                "medcred_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP medcred_http_request_duration_seconds Time to answer, by method and route.\n");
        out.push_str("# TYPE medcred_http_request_duration_seconds histogram\n");
        for ((method, route), s) in by_route(&requests) {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(&route));
            let mut cumulative = 0;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += s.buckets[i];
                let _ = writeln!(
                    out,
                    "medcred_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(out, "medcred_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "medcred_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_seconds);
            let _ = writeln!(out, "medcred_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        gauge(
            &mut out,
            "medcred_http_in_flight",
            "Requests being answered now.",
            self.inner.in_flight.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "medcred_http_shed_total",
            "Requests refused with 503 at capacity.",
            self.inner.shed.load(Ordering::Relaxed),
        );
        out.push_str(
            "# HELP medcred_http_rate_limited_total Requests refused with 429, by limit, per client or per account.\n",
        );
        out.push_str("# TYPE medcred_http_rate_limited_total counter\n");
        if let Ok(m) = self.inner.limited.lock() {
            for ((class, per), n) in m.iter() {
                let _ = writeln!(out, "medcred_http_rate_limited_total{{limit=\"{class}\",per=\"{per}\"}} {n}");
            }
        }
        out
    }
}

fn snapshot(m: &BTreeMap<(String, String, u16), Series>) -> BTreeMap<(String, String, u16), Series> {
    m.iter()
        .map(|(k, s)| (k.clone(), Series { count: s.count, sum_seconds: s.sum_seconds, buckets: s.buckets }))
        .collect()
}

/// Series merged over status codes.
fn by_route(requests: &BTreeMap<(String, String, u16), Series>) -> BTreeMap<(String, String), Series> {
    let mut out: BTreeMap<(String, String), Series> = BTreeMap::new();
    for ((method, route, _), s) in requests {
        let t = out.entry((method.clone(), route.clone())).or_default();
        t.count += s.count;
        t.sum_seconds += s.sum_seconds;
        for (i, b) in s.buckets.iter().enumerate() {
            t.buckets[i] += b;
        }
    }
    out
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
}

fn counter(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
}

/// What `GET /metrics` reads.
#[derive(Clone)]
pub struct MetricsState {
    /// The request counters.
    pub metrics: Metrics,
    /// The deployment's verifier (verdicts, cache counts).
    pub verifier: Verifier,
    /// The issuer (the database: ledgers and checkpoints).
    pub issuer: Issuer,
}

/// `GET /metrics`: everything above, plus what the verifier and the database report now.
pub async fn handler(State(s): State<MetricsState>) -> Response {
    let mut out = s.metrics.render();
    verifier_metrics(&mut out, &s.verifier);
    if let Err(e) = ledger_metrics(&mut out, &s.issuer).await {
        tracing::warn!(error = %e, "metrics: the ledger could not be read");
        gauge(&mut out, "medcred_database_up", "Whether the database answered this scrape.", 0);
    } else {
        gauge(&mut out, "medcred_database_up", "Whether the database answered this scrape.", 1);
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}

fn verifier_metrics(out: &mut String, v: &Verifier) {
    let t = v.tally();
    out.push_str("# HELP medcred_verifications_total Verifications done, by kind and verdict.\n");
    out.push_str("# TYPE medcred_verifications_total counter\n");
    for (kind, counts) in [("credential", t.credentials), ("presentation", t.presentations)] {
        for (verdict, n) in ["valid", "invalid", "could_not_check"].iter().zip(counts) {
            let _ = writeln!(out, "medcred_verifications_total{{kind=\"{kind}\",verdict=\"{verdict}\"}} {n}");
        }
    }
    let ((doc_hits, doc_misses), (list_hits, list_misses)) = v.sources().cache_counts();
    let (conf_hits, conf_misses) = v.sources().configuration_cache_counts();
    out.push_str("# HELP medcred_verifier_cache_total Verifier cache lookups, by cache and result.\n");
    out.push_str("# TYPE medcred_verifier_cache_total counter\n");
    for (cache, hits, misses) in [
        ("did_document", doc_hits, doc_misses),
        ("status_list", list_hits, list_misses),
        ("did_configuration", conf_hits, conf_misses),
    ] {
        let _ = writeln!(out, "medcred_verifier_cache_total{{cache=\"{cache}\",result=\"hit\"}} {hits}");
        let _ = writeln!(out, "medcred_verifier_cache_total{{cache=\"{cache}\",result=\"miss\"}} {misses}");
    }
}

async fn ledger_metrics(out: &mut String, issuer: &Issuer) -> Result<(), medcred_store::StoreError> {
    let db = issuer.db();
    let boards = db.boards().await?;
    let now = issuer.clock().now().timestamp();
    let mut size = String::new();
    let mut age = String::new();
    let mut cosigned = String::new();
    let mut lag_leaves = String::new();
    let mut lag_seconds = String::new();
    for board in boards {
        let log = match db.ledger_log(&board.id).await {
            Ok(l) => l,
            Err(medcred_store::StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        let slug = escape(&board.slug);
        let _ = writeln!(size, "medcred_ledger_size{{board=\"{slug}\"}} {}", log.size);
        let recent = db.recent_checkpoints(&board.id, LAG_WINDOW).await?;
        if let Some(c) = recent.first() {
            let _ = writeln!(age, "medcred_checkpoint_age_seconds{{board=\"{slug}\"}} {}", (now - c.created_at).max(0));
            let _ = writeln!(cosigned, "medcred_checkpoint_cosignatures{{board=\"{slug}\"}} {}", c.cosignatures);
            let (leaves, seconds) = cosign_lag(&recent, now);
            let _ = writeln!(lag_leaves, "medcred_cosign_lag_leaves{{board=\"{slug}\"}} {leaves}");
            let _ = writeln!(lag_seconds, "medcred_cosign_lag_seconds{{board=\"{slug}\"}} {seconds}");
        }
    }
    let _ = write!(
        out,
        "# HELP medcred_ledger_size Leaves in each board's ledger.\n# TYPE medcred_ledger_size gauge\n{size}"
    );
    let _ = write!(
        out,
        "# HELP medcred_checkpoint_age_seconds Age of each board's newest checkpoint.\n# TYPE medcred_checkpoint_age_seconds gauge\n{age}"
    );
    let _ = write!(
        out,
        "# HELP medcred_checkpoint_cosignatures Witness cosignatures on each board's newest checkpoint.\n# TYPE medcred_checkpoint_cosignatures gauge\n{cosigned}"
    );
    let _ = write!(
        out,
        "# HELP medcred_cosign_lag_leaves Leaves appended since each board's newest checkpoint with a witness cosignature.\n# TYPE medcred_cosign_lag_leaves gauge\n{lag_leaves}"
    );
    let _ = write!(
        out,
        "# HELP medcred_cosign_lag_seconds How long each board's ledger has had leaves no witness cosigned (0: none).\n# TYPE medcred_cosign_lag_seconds gauge\n{lag_seconds}"
    );
    Ok(())
}

/// Checkpoints read per board to find the newest cosigned one.
const LAG_WINDOW: i64 = 64;

/// Witness lag from a board's recent checkpoints (newest first): leaves and seconds since the
/// newest checkpoint that carries a cosignature. With none in the window, every leaf of the newest
/// checkpoint and the age of the oldest one read.
fn cosign_lag(recent: &[medcred_store::CheckpointRow], now: i64) -> (i64, i64) {
    let Some(newest) = recent.first() else { return (0, 0) };
    let cosigned = recent.iter().position(|c| c.cosignatures > 0);
    let covered = cosigned.map_or(0, |i| recent[i].size);
    // The oldest checkpoint made after the newest cosigned one: the lag started then.
    let first_uncosigned = match cosigned {
        Some(0) => None,
        Some(i) => recent.get(i - 1),
        None => recent.last(),
    };
    let seconds = first_uncosigned.map_or(0, |c| (now - c.created_at).max(0));
    (newest.size - covered, seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_match() {
        let m = Metrics::default();
        m.record("GET", "/a/{id}", 200, Duration::from_micros(800));
        m.record("GET", "/a/{id}", 404, Duration::from_millis(30));
        m.record("GET", "/a/{id}", 200, Duration::from_secs(20));
        let text = m.render();
        assert!(text.contains("medcred_http_requests_total{method=\"GET\",route=\"/a/{id}\",status=\"200\"} 2"));
        assert!(text.contains("medcred_http_requests_total{method=\"GET\",route=\"/a/{id}\",status=\"404\"} 1"));
        assert!(text
            .contains("medcred_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"0.001\"} 1"));
        assert!(text
            .contains("medcred_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"0.05\"} 2"));
        assert!(
            text.contains("medcred_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"10\"} 2")
        );
        assert!(text
            .contains("medcred_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"+Inf\"} 3"));
        assert!(text.contains("medcred_http_request_duration_seconds_count{method=\"GET\",route=\"/a/{id}\"} 3"));
    }

    fn checkpoint(size: i64, cosignatures: i64, created_at: i64) -> medcred_store::CheckpointRow {
        medcred_store::CheckpointRow {
            board_id: "b".into(),
            size,
            root: vec![0; 32],
            note: String::new(),
            cosigned: None,
            cosignatures,
            created_at,
            anchor: None,
        }
    }

    #[test]
    fn cosign_lag_counts_from_the_newest_cosigned_checkpoint() {
        assert_eq!(cosign_lag(&[], 100), (0, 0));
        assert_eq!(cosign_lag(&[checkpoint(9, 2, 90), checkpoint(5, 2, 50)], 100), (0, 0));
        let witness_down = [checkpoint(9, 0, 90), checkpoint(7, 0, 70), checkpoint(5, 1, 50)];
        assert_eq!(cosign_lag(&witness_down, 100), (4, 30));
        assert_eq!(cosign_lag(&[checkpoint(3, 0, 60), checkpoint(2, 0, 40)], 100), (3, 60));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
