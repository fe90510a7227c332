//! `medcred serve --read-only` over a real PostgreSQL streaming replica.
//!
//! The test runs its own primary cluster (`common::pg`, a free loopback port), takes a hot
//! standby of it with `pg_basebackup -R` and starts that on another port. One `medcred serve`
//! runs on the primary as usual; another runs `--read-only` on the standby, with the same master
//! key and public URL. Checked: a credential issued on the primary verifies through the read-only
//! process; a revocation on the primary is seen there within a deadline (the replica replays it,
//! the head watch moves the generation); issuance, a status change, a sign-in and a hospital
//! verification sent to it answer 503 `read_only` with no Retry-After and write nothing; its
//! checkpoint, tiles and status lists are the primary's bytes once it has caught up; `/ready` says
//! `read-only`, `/metrics` answers; and it never logs an error. Starting `--read-only` against a
//! database that was never migrated (or SQLite) fails at once with a clear message, creating
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::time::Instant;

use common::pg::Cluster;
use common::{command, eventually, free_port, issue, set_status, Server};
use serde_json::{json, Value};

const PUBLIC_URL: &str = "https://medcred-replica.test";
const SLUG: &str = "rep";

fn run_db(data: &Path, db: &str, args: &[&str]) -> String {
    let out = command(data, PUBLIC_URL).arg("--database-url").arg(db).args(args).output().expect("run medcred");
    assert!(out.status.success(), "medcred {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn serve(data: &Path, db: &str, extra: &[&str]) -> Server {
    let listen = format!("127.0.0.1:{}", free_port("127.0.0.1"));
    let mut cmd = command(data, PUBLIC_URL);
    cmd.args(["serve", "--listen", &listen, "--database-url", db, "--lease-ms", "2000", "--rate-limit=verify=off"])
        .args(extra);
    Server::spawn_logged(cmd, &listen)
}

async fn verify(http: &reqwest::Client, url: &str, vc: &Value) -> Value {
    let r = http.post(format!("{url}/credentials/verify")).json(&json!({"verifiableCredential": vc})).send().await;
    let r = r.unwrap();
    // 200 for a valid credential, 422 for one that is not (VC-API); never a server error.
    assert!(matches!(r.status().as_u16(), 200 | 422), "verification answers: {}", r.status());
    r.json().await.unwrap()
}

fn revoked(report: &Value) -> bool {
    report["errors"].as_array().is_some_and(|e| {
        e.iter().any(|e| e["check"] == "status" && e["message"].as_str().unwrap_or_default().starts_with("revoked"))
    })
}

/// GET `path` from `url`: (status, body bytes).
async fn get(http: &reqwest::Client, url: &str, path: &str) -> (u16, Vec<u8>) {
    let r = http.get(format!("{url}{path}")).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

/// Refused with 503 `read_only`, a message naming the primary and no Retry-After.
async fn assert_read_only(what: &str, sent: reqwest::RequestBuilder) {
    let r = sent.send().await.unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
    let status = r.status().as_u16();
    let retry_after = r.headers().contains_key("retry-after");
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(status, 503, "{what}: {body}");
    assert_eq!(body["code"], "read_only", "{what}: {body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("primary")), "{what}: {body}");
    assert!(!retry_after, "{what}: asking the replica again will not help");
}

/// `medcred serve --read-only` with `db` must exit non-zero before listening; its stderr.
fn refused_start(data: &Path, db: Option<&str>) -> String {
    let mut cmd = command(data, PUBLIC_URL);
    cmd.args(["serve", "--read-only", "--listen", "127.0.0.1:0"]);
    if let Some(db) = db {
        cmd.args(["--database-url", db]);
    }
    let out = cmd.output().expect("run medcred");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "--read-only over {db:?} must not start");
    assert!(!stdout.contains("medcred listening on"), "{stdout}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_process_on_a_streaming_replica_serves_reads_and_refuses_writes() {
    let started = Instant::now();
    let primary = Cluster::init();
    primary.allow_replication();
    primary.start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The board (and the schema) on the primary, then the standby copies it and follows.
    let out = run_db(&data, &primary.url(), &["board", "create", "--slug", SLUG, "--name", "Replica Board"]);
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("admin token: "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("admin token printed")
        .to_owned();
    let standby = Cluster::standby_of(&primary);
    standby.start();
    assert_eq!(standby.psql("postgres", "SELECT pg_is_in_recovery()"), "t", "the standby is a hot standby");

    let a = serve(&data, &primary.url(), &[]);
    let b = serve(&data, &standby.url(), &["--read-only"]);
    let http = reqwest::Client::new();

    // /ready says which is which; /metrics answers on the replica.
    let ready: Value = http.get(format!("{}/ready", b.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready, json!({"status": "ready", "mode": "read-only"}));
    let ready: Value = http.get(format!("{}/ready", a.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["mode"], "read-write");

    // Two credentials on the primary: X will be revoked, Y stays active.
    let (status, x, x_id) = issue(&http, &a.url, &token, "eddsa-jcs-2022").await;
    assert_eq!(status, 201, "{x}");
    let (status, y, y_id) = issue(&http, &a.url, &token, "vc+jwt").await;
    assert_eq!(status, 201, "{y}");
    let x_vc = x["verifiableCredential"].clone();
    let list = x_vc["credentialStatus"][0]["statusListCredential"].as_str().unwrap().to_owned();
    let list_path = list.strip_prefix(PUBLIC_URL).unwrap().to_owned();
    // A new list has no snapshot on the ledger until a proof of it is asked for on the primary
    // (what any verifier of the primary's does first) or the primary's sequencer appends one (it
    // looks every minute: too long to wait for here); a replica cannot append one.
    let (status, _) = get(&http, &a.url, &format!("{list_path}/bundle")).await;
    assert_eq!(status, 200);

    // Verified through the read-only process once the replica has replayed the issuance.
    let report = eventually(10, || async {
        let r = verify(&http, &b.url, &x_vc).await;
        (r["verdict"] == "valid").then_some(r)
    })
    .await;
    assert!(report.is_some(), "X verifies through the replica");

    // Revoked on the primary → seen by the read-only process within the deadline.
    let (status, body) = set_status(&http, &a.url, &token, SLUG, &x_id, "revoke").await;
    assert_eq!(status, 200, "{body}");
    let revoked_at = Instant::now();
    let seen = eventually(10, || async { revoked(&verify(&http, &b.url, &x_vc).await).then_some(()) }).await;
    assert!(seen.is_some(), "the revocation is seen through the replica");
    eprintln!("revocation seen through the replica after {:?}", revoked_at.elapsed());

    // Writes to the read-only process: refused before any handler, nothing written.
    let new_id = uuid::Uuid::new_v4().to_string();
    assert_read_only(
        "issuance",
        http.post(format!("{}/credentials/issue", b.url)).bearer_auth(&token).json(&common::license(&new_id, "vc+jwt")),
    )
    .await;
    assert_read_only(
        "revocation",
        http.post(format!("{}/boards/{SLUG}/credentials/{y_id}/status", b.url))
            .bearer_auth(&token)
            .json(&json!({"action": "revoke", "reason": "sent to the replica"})),
    )
    .await;
    assert_read_only(
        "sign-in",
        http.post(format!("{}/session/signin", b.url))
            .header("origin", PUBLIC_URL)
            .form(&[("email", "someone@example.test"), ("password", "not-a-password")]),
    )
    .await;
    assert_read_only(
        "hospital verification",
        http.post(format!("{}/hospitals/st-mary/verifications", b.url)).json(&json!({"verifiableCredential": x_vc})),
    )
    .await;
    assert_read_only("token minting", http.post(format!("{}/boards/{SLUG}/tokens", b.url)).bearer_auth(&token)).await;
    assert_read_only("a DELETE", http.delete(format!("{}/boards/{SLUG}/tokens/t", b.url)).bearer_auth(&token)).await;
    assert_read_only("anchoring", http.post(format!("{}/boards/{SLUG}/log/anchor", b.url)).bearer_auth(&token)).await;
    let found = http.get(format!("{}/credentials/urn:uuid:{new_id}", a.url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(found.status(), 404, "the refused issuance wrote nothing");
    let kept = http.get(format!("{}/credentials/{x_id}", a.url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(kept.status(), 200, "the same look-up finds an issued credential");
    let y_vc = y["verifiableCredential"].clone();
    assert_eq!(verify(&http, &a.url, &y_vc).await["verdict"], "valid", "Y was not revoked");

    // The public ledger files: the replica's bytes are the primary's once it has caught up.
    let checkpoint = format!("/boards/{SLUG}/log/checkpoint");
    let (status, a_checkpoint) = get(&http, &a.url, &checkpoint).await;
    assert_eq!(status, 200);
    let caught_up = eventually(10, || async {
        let (status, b_checkpoint) = get(&http, &b.url, &checkpoint).await;
        (status == 200 && b_checkpoint == a_checkpoint).then_some(())
    })
    .await;
    assert!(caught_up.is_some(), "the replica serves the primary's checkpoint");
    let text = String::from_utf8(a_checkpoint).unwrap();
    let size: u64 = text.lines().nth(1).unwrap().parse().unwrap();
    assert!(size > 0 && size < 256, "one partial tile: {size}");
    let mut paths = vec![
        format!("/boards/{SLUG}/log/tile/0/000.p/{size}"),
        format!("/boards/{SLUG}/log/tile/entries/000.p/{size}"),
        format!("/boards/{SLUG}/log/checkpoints"),
    ];
    let list_base = list_path.trim_end_matches("/revocation");
    for purpose in ["revocation", "suspension", "token"] {
        paths.push(format!("{list_base}/{purpose}"));
    }
    paths.push(format!("{list_path}/bundle"));
    paths.push(format!("/boards/{SLUG}/did.json"));
    for path in &paths {
        let (a_status, a_bytes) = get(&http, &a.url, path).await;
        let (b_status, b_bytes) = get(&http, &b.url, path).await;
        assert_eq!(a_status, 200, "{path} on the primary");
        assert_eq!(b_status, 200, "{path} on the replica");
        assert!(a_bytes == b_bytes, "{path}: the replica's bytes differ from the primary's");
    }
    let metrics = http.get(format!("{}/metrics", b.url)).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics.text().await.unwrap().contains("route=\"(refused)\",status=\"503\""));
    // The public pages render on the replica.
    let (status, _) = get(&http, &b.url, &format!("/public/boards/{SLUG}")).await;
    assert_eq!(status, 200, "the public board page");

    // Never migrated, or SQLite: refused at start with a clear message, nothing created.
    primary.psql("postgres", "CREATE DATABASE fresh");
    let why = refused_start(&data, Some(&primary.url_of("fresh")));
    assert!(why.contains("schema is behind this binary"), "{why}");
    assert!(why.contains("against the primary first"), "{why}");
    assert_eq!(primary.psql("fresh", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
    let why = refused_start(&data, None);
    assert!(why.contains("--read-only needs --database-url"), "{why}");

    // The read-only process logged no error (no write reached the replica and failed there).
    let log = b.log.lock().unwrap().clone();
    for bad in ["ERROR", "read-only transaction", "database unavailable", "status=500", "status=503"] {
        assert!(!log.contains(bad), "the read-only process logged {bad:?}:\n{log}");
    }
    drop((a, b));
    eprintln!("read replica test: {:?} after the builds", started.elapsed());
}
