//! The registry under load, on SQLite and on PostgreSQL (127.0.0.1:5432), in one run:
//!
//! 1. ledger append throughput: many status changes in flight at once through the group-committing
//!    committer (event leaves per second, checkpoints signed, mean batch size);
//! 2. checkpoint rate at rest: one change at a time (each is its own batch and checkpoint);
//! 3. revoke-to-visible over HTTP: from sending the revocation until a fresh GET of the status list
//!    shows the bit, at rest and while a revocation burst runs;
//! 4. status list fetch cost over HTTP, with and without ETag revalidation (304).
//!
//! Run: `cargo bench -p medcred-registry-service --bench registry` (release). Prints Markdown.
//! `MEDCRED_BENCH_CHANGES` sets the burst size (default 4000).

use std::sync::Arc;
use std::time::{Duration, Instant};

use medcred_formats::Format;
use medcred_issuer::{Issuer, MasterKey, NewBoard, SystemClock};
use medcred_registry::status::ReceivedStatusList;
use medcred_registry_service::committer::ChangeRequest;
use medcred_registry_service::{Action, Registry};
use medcred_store::{BoardRow, CredentialRow, Db};

struct Setup {
    issuer: Issuer,
    board: BoardRow,
    creds: Vec<CredentialRow>,
    url: String,
    token: String,
    registry: Registry,
}

fn csv(rows: usize) -> String {
    let mut s =
        String::from("practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n");
    for i in 0..rows {
        s.push_str(&format!("Nurse {i},RN,RN-{i:07},US-NJ,2020-01-01,2030-01-01T00:00:00Z\n"));
    }
    s
}

async fn setup(db: Db, rows: usize) -> Setup {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let issuer = Issuer::new(db, MasterKey::generate(), Arc::new(SystemClock), url.clone());
    issuer.check_master_key().await.expect("master key");
    let created = issuer
        .create_board(&NewBoard { slug: "bench".into(), name: "Bench Board".into(), did_key: false, host_did: false })
        .await
        .expect("board");
    let board = created.board;
    issuer.issue_bulk(&board, csv(rows).as_bytes(), Format::VcJwt, &|_| {}).await.expect("bulk");
    let creds = issuer.db().board_credentials(&board.id).await.expect("credentials");
    let registry = Registry::new(issuer.clone(), 5_000);
    let app = medcred_issuer::router(issuer.clone()).merge(medcred_registry_service::router(registry.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    Setup { issuer, board, creds, url, token: created.admin_token.to_string(), registry }
}

fn request(c: &CredentialRow, action: Action) -> ChangeRequest {
    ChangeRequest {
        credential_id: c.id.clone(),
        list: c.status_list.expect("list"),
        index: c.status_index.expect("index") as u64,
        action,
        reason: "benchmark".into(),
        actor: "bench".into(),
    }
}

async fn checkpoints(s: &Setup) -> usize {
    s.issuer.db().recent_checkpoints(&s.board.id, i64::MAX).await.expect("checkpoints").len()
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

/// 1. Many changes in flight at once.
async fn burst(s: &Setup, creds: &[CredentialRow], in_flight: usize) -> String {
    let before = checkpoints(s).await;
    let t = Instant::now();
    let mut next = 0;
    let mut running = tokio::task::JoinSet::new();
    while next < creds.len() || !running.is_empty() {
        while running.len() < in_flight && next < creds.len() {
            let (reg, board, req) = (s.registry.clone(), s.board.clone(), request(&creds[next], Action::Revoke));
            running.spawn(async move { reg.committer().submit(board, req).await.expect("revoke") });
            next += 1;
        }
        running.join_next().await.expect("task").expect("join");
    }
    let secs = t.elapsed().as_secs_f64();
    let batches = checkpoints(s).await - before;
    format!(
        "| {} changes, {in_flight} in flight | {:.0} leaves/s | {batches} checkpoints ({:.1}/s) | {:.1} changes/batch |",
        creds.len(),
        creds.len() as f64 / secs,
        batches as f64 / secs,
        creds.len() as f64 / batches.max(1) as f64
    )
}

/// 2. One change at a time.
async fn serial(s: &Setup, creds: &[CredentialRow]) -> String {
    let mut lat = Vec::new();
    let t = Instant::now();
    for c in creds {
        let t0 = Instant::now();
        s.registry.committer().submit(s.board.clone(), request(c, Action::Suspend)).await.expect("suspend");
        lat.push(t0.elapsed());
    }
    let secs = t.elapsed().as_secs_f64();
    lat.sort();
    format!(
        "| {} changes, 1 in flight | {:.0} checkpoints/s | ack p50 {:.2} ms | ack p99 {:.2} ms |",
        creds.len(),
        creds.len() as f64 / secs,
        pct(&lat, 0.5),
        pct(&lat, 0.99)
    )
}

/// 3. Revoke-to-visible over HTTP for `probes`, optionally under a concurrent burst on `load`.
async fn revoke_to_visible(s: &Setup, probes: &[CredentialRow], load: Option<&[CredentialRow]>) -> String {
    let http = reqwest::Client::new();
    let burst = load.map(|load| {
        let (reg, board, load) = (s.registry.clone(), s.board.clone(), load.to_vec());
        tokio::spawn(async move {
            let mut set = tokio::task::JoinSet::new();
            for chunk in load.chunks(load.len().div_ceil(32)) {
                let (reg, board, chunk) = (reg.clone(), board.clone(), chunk.to_vec());
                set.spawn(async move {
                    for c in chunk {
                        reg.committer().submit(board.clone(), request(&c, Action::Revoke)).await.expect("revoke");
                    }
                });
            }
            while set.join_next().await.is_some() {}
        })
    });
    let mut lat = Vec::new();
    for c in probes {
        let index = c.status_index.expect("index") as u64;
        let list_url = format!("{}/boards/bench/status/{}/revocation", s.url, c.status_list.expect("list"));
        let t0 = Instant::now();
        let r = http
            .post(format!("{}/boards/bench/credentials/{}/status", s.url, c.id))
            .bearer_auth(&s.token)
            .json(&serde_json::json!({"action": "revoke", "reason": "probe"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 200);
        loop {
            let vc: serde_json::Value = http.get(&list_url).send().await.expect("get").json().await.expect("json");
            let list = ReceivedStatusList::from_json(&vc).expect("list");
            if list.list.get(index).expect("bit") == 1 {
                break;
            }
        }
        lat.push(t0.elapsed());
    }
    if let Some(b) = burst {
        b.await.expect("burst");
    }
    lat.sort();
    let when = if load.is_some() { "under a 32-client revocation burst" } else { "at rest" };
    format!(
        "| {when} | {} probes | p50 {:.1} ms | p99 {:.1} ms | max {:.1} ms |",
        probes.len(),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    )
}

/// 4. Fetching one list `n` times, fresh or revalidated.
async fn fetch(s: &Setup, n: usize) -> Vec<String> {
    let http = reqwest::Client::new();
    let url = format!("{}/boards/bench/status/0/revocation", s.url);
    let first = http.get(&url).send().await.expect("get");
    let etag = first.headers().get("etag").expect("etag").to_str().expect("ascii").to_owned();
    let size = first.bytes().await.expect("body").len();
    let mut rows = Vec::new();
    for revalidate in [false, true] {
        let t = Instant::now();
        let mut bytes = 0;
        for _ in 0..n {
            let mut req = http.get(&url);
            if revalidate {
                req = req.header("if-none-match", &etag);
            }
            let r = req.send().await.expect("get");
            assert_eq!(r.status().as_u16(), if revalidate { 304 } else { 200 });
            bytes += r.bytes().await.expect("body").len();
        }
        let secs = t.elapsed().as_secs_f64();
        let how = if revalidate { "If-None-Match (304)" } else { "full GET (200)" };
        rows.push(format!(
            "| {how} | {:.0} req/s | {:.3} ms/req | {} bytes/req (list body {size} B) |",
            n as f64 / secs,
            secs * 1e3 / n as f64,
            bytes / n
        ));
    }
    rows
}

async fn run(name: &str, db: Db, changes: usize) {
    let probes = 50;
    let s = setup(db, changes + 3 * probes + 500).await;
    let (burst_set, rest) = s.creds.split_at(changes);
    let (serial_set, rest) = rest.split_at(500);
    let (rest_probes, rest) = rest.split_at(probes);
    let (load_probes, rest) = rest.split_at(probes);
    println!("\n### {name}\n");
    println!("| workload | throughput | checkpoints | batching |\n|---|---|---|---|");
    println!("{}", burst(&s, burst_set, 256).await);
    println!("\n| workload | rate | latency | |\n|---|---|---|---|");
    println!("{}", serial(&s, serial_set).await);
    println!("\n| revoke-to-visible | probes | p50 | p99 | max |\n|---|---|---|---|---|");
    println!("{}", revoke_to_visible(&s, rest_probes, None).await);
    let load = &rest[..rest.len().min(probes * 10)];
    println!("{}", revoke_to_visible(&s, load_probes, Some(load)).await);
    println!("\n| status list fetch | rate | latency | transfer |\n|---|---|---|---|");
    for row in fetch(&s, 2000).await {
        println!("{row}");
    }
}

fn main() {
    let changes: usize = std::env::var("MEDCRED_BENCH_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(4000);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let sqlite = medcred_store::testing::fresh_sqlite(dir.path()).await.expect("sqlite");
        run("SQLite", sqlite, changes).await;
        let pg = medcred_store::testing::fresh_postgres().await.expect("PostgreSQL on 127.0.0.1:5432");
        run("PostgreSQL", pg, changes).await;
    });
}
