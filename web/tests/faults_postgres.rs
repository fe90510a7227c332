//! Fault: PostgreSQL goes away under a running `medcred serve` and comes back.
//!
//! The test runs its own throwaway cluster (`common::pg`: initdb into a temporary directory, a
//! free loopback port, trust auth; as the `postgres` user when run as root) — never the shared
//! server on :5432.
//! While the cluster is down, writes and database reads answer 503 `database_unavailable` with
//! `Retry-After` (never a 500), `/ready` says not ready within its own timeout, and `/health`
//! still answers. When the cluster is back the same server process recovers by itself (the pool
//! reconnects), every change acknowledged before the outage is there, the change refused during
//! it is not, and the ledger after is consistent with the checkpoint signed before.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pg::Cluster;
use common::{eventually, free_port, get_status, issue, run_ok, set_status, Server};
use medcred_registry::checkpoint::VerifiedCheckpoint;
use medcred_registry::merkle::{verify_consistency, Hash};
use medcred_registry::note::VerifierKey;
use serde_json::Value;

/// Answered 503 with `database_unavailable` and a `Retry-After`, in bounded time.
async fn assert_database_unavailable(what: &str, sent: reqwest::RequestBuilder) {
    let started = Instant::now();
    let r = sent.send().await.unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
    let status = r.status().as_u16();
    let retry_after = r.headers().contains_key("retry-after");
    let body: Value = r.json().await.unwrap_or_default();
    assert_eq!(status, 503, "{what}: {body}");
    assert_eq!(body["code"], "database_unavailable", "{what}: {body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: a human message: {body}");
    assert!(retry_after, "{what}: 503 says when to retry");
    // The pool's acquire timeout (10 s) bounds how long a request waits for the database.
    assert!(started.elapsed() < Duration::from_secs(25), "{what}: answered after {:?}", started.elapsed());
}

async fn checkpoint(http: &reqwest::Client, url: &str, origin: &str, key: &VerifierKey) -> VerifiedCheckpoint {
    let text = http.get(format!("{url}/boards/bon/log/checkpoint")).send().await.unwrap().text().await.unwrap();
    VerifiedCheckpoint::open(text.as_bytes(), origin, key).expect("checkpoint signed by the log key")
}

fn create_board(data: &Path, public_url: &str, db: &str) -> String {
    let out = run_ok(data, public_url, &["--database-url", db, "board", "create", "--slug", "bon", "--name", "Bon"]);
    out.lines()
        .find_map(|l| l.strip_prefix("admin token: "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("admin token printed")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_answers_503_and_the_server_recovers_without_losing_anything() {
    let cluster = Cluster::init();
    cluster.start();
    let db = cluster.url();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port("127.0.0.1");
    let public_url = format!("http://127.0.0.1:{port}");
    let token = create_board(&data, &public_url, &db);
    let (origin, key) = {
        let doc: Value =
            serde_json::from_str(&run_ok(&data, &public_url, &["--database-url", &db, "board", "show", "bon"]))
                .unwrap();
        let s = doc["service"].as_array().unwrap().iter().find(|s| s["type"] == "MedcredLedger").unwrap().clone();
        (s["origin"].as_str().unwrap().to_owned(), s["noteKey"].as_str().unwrap().parse::<VerifierKey>().unwrap())
    };
    let server = Server::start(&data, &public_url, &format!("127.0.0.1:{port}"), &["--database-url", &db]);
    let http = reqwest::Client::new();
    let url = server.url.clone();

    // Before: three licenses; one revoked, one suspended, one left active.
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (status, body, id) = issue(&http, &url, &token, "vc+jwt").await;
        assert_eq!(status, 201, "{body}");
        ids.push(id);
    }
    let (revoked, suspended, active) = (&ids[0], &ids[1], &ids[2]);
    assert_eq!(set_status(&http, &url, &token, "bon", revoked, "revoke").await.0, 200);
    assert_eq!(set_status(&http, &url, &token, "bon", suspended, "suspend").await.0, 200);
    let before = checkpoint(&http, &url, &origin, &key).await;
    assert_eq!(http.get(format!("{url}/ready")).send().await.unwrap().status(), 200);

    // Down.
    cluster.stop();
    let started = Instant::now();
    let ready = http.get(format!("{url}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "not ready while the database is down");
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["code"], "database_unavailable", "{body}");
    assert!(started.elapsed() < Duration::from_secs(5), "readiness answered after {:?}", started.elapsed());
    assert_eq!(http.get(format!("{url}/health")).send().await.unwrap().status(), 200, "liveness is not readiness");
    // Writes and reads that need the database: each a clear 503, concurrently.
    let body = common::license(&uuid::Uuid::new_v4().to_string(), "vc+jwt");
    let revoke = serde_json::json!({"action": "revoke", "reason": "during the outage"});
    tokio::join!(
        assert_database_unavailable(
            "issue",
            http.post(format!("{url}/credentials/issue")).bearer_auth(&token).json(&body)
        ),
        assert_database_unavailable(
            "revoke",
            http.post(format!("{url}/boards/bon/credentials/{active}/status")).bearer_auth(&token).json(&revoke)
        ),
        assert_database_unavailable(
            "read status",
            http.get(format!("{url}/boards/bon/credentials/{revoked}/status")).bearer_auth(&token)
        ),
        assert_database_unavailable("read checkpoint", http.get(format!("{url}/boards/bon/log/checkpoint"))),
    );
    let mut server = server;
    assert!(server.child.try_wait().unwrap().is_none(), "the server is still running");

    // Back: the same process recovers once the pool reconnects.
    cluster.start();
    let back = eventually(30, || async {
        let r = http.get(format!("{url}/ready")).send().await.ok()?;
        (r.status() == 200).then_some(())
    })
    .await;
    assert!(back.is_some(), "ready again after the database came back");

    // Nothing acknowledged was lost, nothing refused was applied.
    let (_, r) = get_status(&http, &url, &token, "bon", revoked).await;
    assert_eq!((r["revoked"].as_bool(), r["suspended"].as_bool()), (Some(true), Some(false)), "{r}");
    let (_, s) = get_status(&http, &url, &token, "bon", suspended).await;
    assert_eq!((s["revoked"].as_bool(), s["suspended"].as_bool()), (Some(false), Some(true)), "{s}");
    let (_, a) = get_status(&http, &url, &token, "bon", active).await;
    assert_eq!((a["revoked"].as_bool(), a["suspended"].as_bool()), (Some(false), Some(false)), "{a}");
    assert!(a["history"].as_array().unwrap().is_empty(), "the refused revocation left no trace: {a}");

    // The ledger extends what was signed before the outage.
    let after = checkpoint(&http, &url, &origin, &key).await;
    let (old, new) = (before.checkpoint(), after.checkpoint());
    assert_eq!(new.size(), old.size(), "no leaf was appended while the database was down");
    assert_eq!(new.root(), old.root());
    // And it keeps growing consistently.
    assert_eq!(set_status(&http, &url, &token, "bon", active, "revoke").await.0, 200);
    let (status, body, _) = issue(&http, &url, &token, "vc+jwt").await;
    assert_eq!(status, 201, "issuance works again: {body}");
    let grown = checkpoint(&http, &url, &origin, &key).await;
    let grown = grown.checkpoint();
    assert!(grown.size() > old.size());
    let proof: Value = http
        .get(format!("{url}/boards/bon/log/proof/consistency?old={}&new={}", old.size(), grown.size()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path: Vec<Hash> =
        proof["path"].as_array().unwrap().iter().map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap()).collect();
    verify_consistency(old.size(), grown.size(), &path, old.root(), grown.root())
        .expect("the ledger after the outage extends the checkpoint signed before it");
    server.kill();
}
