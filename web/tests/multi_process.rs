//! Past one machine: two `medcred serve` processes on loopback over one fresh PostgreSQL
//! database, with a third process as their witness. Hundreds of issuances and status changes go
//! through both at once; then every acknowledged change is in the published status lists, the
//! ledger is one linear log (each checkpoint signed by the board's log key and consistent with the
//! next, proofs checked with the registry crate), no size has two roots, credentials issued by
//! either verify through the other, and one process holds the board's sequencer lease. A revoke
//! through one process is seen by a verification on the other within the documented bound (the
//! 1 s local cache lifetime). Killing the lease holder moves the lease — and witness cosigning —
//! to the survivor within the lease time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{command, eventually, Server};
use medcred_registry::checkpoint::VerifiedCheckpoint;
use medcred_registry::merkle::{verify_consistency, Hash};
use medcred_registry::note::VerifierKey;
use medcred_registry::status::{BitstringStatusList, StatusSize};
use medcred_store::Db;
use serde_json::{json, Value};
use tokio::sync::{Mutex, Semaphore};

const PUBLIC_URL: &str = "https://medcred-cluster.test";
const LEASE_MS: u64 = 3000;
/// Credentials issued in all; the first CHANGED get a status change.
const ISSUED: usize = 240;
const CHANGED: usize = 200;

fn run_db(data: &Path, db: &str, args: &[&str]) -> String {
    let out = command(data, PUBLIC_URL).env("DATABASE_URL", db).args(args).output().expect("run medcred");
    assert!(out.status.success(), "medcred {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn license(n: usize) -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2031-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": format!("Nurse {n}"), "licenseType": "RN",
            "licenseNumber": format!("RN-{n}"), "jurisdiction": "US-NJ", "originalIssueDate": "2015-01-01"}
    })
}

/// One issued credential: which process issued it, the VC, its status list and index.
#[derive(Clone)]
struct Issued {
    by: usize,
    vc: Value,
    list: String,
    index: u64,
}

impl Issued {
    fn id(&self) -> &str {
        self.vc["id"].as_str().unwrap()
    }
}

async fn issue(http: &reqwest::Client, url: &str, token: &str, n: usize, by: usize) -> Issued {
    let body = json!({"credential": license(n), "options": {"format": "eddsa-jcs-2022"}});
    let r = http.post(format!("{url}/credentials/issue")).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let vc = r.json::<Value>().await.unwrap()["verifiableCredential"].clone();
    let entry = &vc["credentialStatus"][0];
    assert_eq!(entry["statusPurpose"], "revocation");
    let list_url = entry["statusListCredential"].as_str().unwrap();
    let list = list_url.strip_prefix(PUBLIC_URL).unwrap().trim_end_matches("/revocation").to_owned();
    let index = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    Issued { by, vc, list, index }
}

async fn change(http: &reqwest::Client, url: &str, token: &str, id: &str, action: &str) -> Value {
    let r = http
        .post(format!("{url}/boards/mp/credentials/{id}/status"))
        .bearer_auth(token)
        .json(&json!({"action": action, "reason": "cluster test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{action} {id}");
    r.json().await.unwrap()
}

async fn verify(http: &reqwest::Client, url: &str, vc: &Value) -> Value {
    let r = http.post(format!("{url}/credentials/verify")).json(&json!({"verifiableCredential": vc})).send().await;
    r.unwrap().json().await.unwrap()
}

fn revoked(report: &Value) -> bool {
    report["errors"].as_array().is_some_and(|e| {
        e.iter().any(|e| e["check"] == "status" && e["message"].as_str().unwrap_or_default().starts_with("revoked"))
    })
}

async fn bits(http: &reqwest::Client, url: &str, list: &str, purpose: &str) -> BitstringStatusList {
    let doc: Value = http.get(format!("{url}{list}/{purpose}")).send().await.unwrap().json().await.unwrap();
    let encoded = doc["credentialSubject"]["encodedList"].as_str().unwrap();
    BitstringStatusList::decode_list(encoded, StatusSize::One).unwrap()
}

async fn holder(db: &Db, name: &str) -> Option<String> {
    db.lease(name).await.unwrap().map(|l| l.holder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_postgres_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("cluster");
    let url = medcred_store::testing::fresh_postgres_url().await.expect("postgres");
    let out = run_db(&data, &url, &["board", "create", "--slug", "mp", "--name", "Cluster Board"]);
    let token = out.lines().find_map(|l| l.strip_prefix("admin token: ")).unwrap().split_whitespace().next().unwrap();
    let token = token.to_owned();
    let doc: Value = serde_json::from_str(&run_db(&data, &url, &["board", "show", "mp"])).unwrap();
    let ledger = doc["service"].as_array().unwrap().iter().find(|s| s["type"] == "MedcredLedger").unwrap().clone();
    let (origin, log_key) = (ledger["origin"].as_str().unwrap().to_owned(), ledger["noteKey"].as_str().unwrap());
    let log_key: VerifierKey = log_key.parse().unwrap();

    // The witness: its own SQLite database, following the board's log.
    let wdata = dir.path().join("witness");
    common::run_ok(&wdata, "http://witness.test", &["witness", "follow", &origin, &log_key.to_string()]);
    let wkey = common::run_ok(&wdata, "http://witness.test", &["witness", "key"]).trim().to_owned();
    let witness = Server::start(&wdata, "http://witness.test", "127.0.0.1:0", &["--witness"]);
    let peer = format!("--witness-peer={}/witness={wkey}", witness.url);

    let lease = LEASE_MS.to_string();
    let start = |node: &str| {
        let args = [
            "--database-url",
            url.as_str(),
            "--node-id",
            node,
            "--lease-ms",
            lease.as_str(),
            peer.as_str(),
            "--rate-limit=issue=off",
            "--rate-limit=verify=off",
        ];
        Server::start(&data, PUBLIC_URL, "127.0.0.1:0", &args)
    };
    let mut servers = vec![start("node-a"), start("node-b")];
    let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();
    let db = Db::open(&url).await.unwrap();
    let board = db.board_by_slug("mp").await.unwrap();
    let board_lease = format!("board:{}", board.id);
    let http = reqwest::Client::new();

    // Concurrent load: each credential is issued through one process and changed through the other.
    let limit = Arc::new(Semaphore::new(16));
    let acks = Arc::new(Mutex::new(Vec::new()));
    let seen_checkpoints = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for n in 0..ISSUED {
        let (http, urls, token, limit) = (http.clone(), urls.clone(), token.clone(), limit.clone());
        let (acks, seen) = (acks.clone(), seen_checkpoints.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = limit.acquire().await.unwrap();
            let by = n % 2;
            let issued = issue(&http, &urls[by], &token, n, by).await;
            if n < CHANGED {
                let action = if n % 4 == 3 { "suspend" } else { "revoke" };
                let outcome = change(&http, &urls[1 - by], &token, issued.id(), action).await;
                assert_eq!(outcome["changed"], true, "{outcome}");
                acks.lock().await.push((issued.clone(), action, outcome));
                let text = http.get(format!("{}/boards/mp/log/checkpoint", urls[n % 2])).send().await.unwrap();
                seen.lock().await.push(text.text().await.unwrap());
            }
            issued
        }));
    }
    let mut issued = Vec::new();
    for t in tasks {
        issued.push(t.await.expect("a load task failed"));
    }
    let acks = acks.lock().await.clone();
    assert_eq!(acks.len(), CHANGED);

    // Every acknowledged change is in the published lists (read through either process), each
    // at its own leaf: no two processes appended at the same position.
    let mut leaves = std::collections::BTreeSet::new();
    let mut lists: BTreeMap<(String, &str, usize), BitstringStatusList> = BTreeMap::new();
    for (c, action, outcome) in &acks {
        let purpose = if *action == "revoke" { "revocation" } else { "suspension" };
        let via = c.index as usize % 2;
        let key = (c.list.clone(), purpose, via);
        if !lists.contains_key(&key) {
            lists.insert(key.clone(), bits(&http, &urls[via], &c.list, purpose).await);
        }
        assert_eq!(lists[&key].get(c.index).unwrap(), 1, "{} {action} is in the {purpose} list", c.id());
        assert!(leaves.insert(outcome["leafIndex"].as_u64().unwrap()), "leaf {outcome} used twice");
    }
    for c in &issued[CHANGED..] {
        let list = bits(&http, &urls[c.by], &c.list, "revocation").await;
        assert_eq!(list.get(c.index).unwrap(), 0, "{} was not changed", c.id());
    }

    // One linear log: every stored checkpoint is signed by the log key and consistent with the
    // next (proofs served alternately by the two processes); no size has two roots, including
    // the checkpoints the processes served during the load.
    let mut stored = db.recent_checkpoints(&board.id, 1_000_000).await.unwrap();
    stored.reverse();
    let mut roots: BTreeMap<u64, Hash> = BTreeMap::new();
    for cp in &stored {
        let opened = VerifiedCheckpoint::open(cp.note.as_bytes(), &origin, &log_key).expect("signed by the log key");
        assert_eq!(opened.checkpoint().size(), cp.size as u64);
        assert_eq!(opened.checkpoint().root().as_bytes().as_slice(), cp.root.as_slice());
        assert!(roots.insert(cp.size as u64, *opened.checkpoint().root()).is_none());
    }
    for text in seen_checkpoints.lock().await.iter() {
        let opened = VerifiedCheckpoint::open(text.as_bytes(), &origin, &log_key).expect("a served checkpoint");
        let size = opened.checkpoint().size();
        assert_eq!(roots.get(&size), Some(opened.checkpoint().root()), "size {size} has one root");
    }
    let sizes: Vec<u64> = roots.keys().copied().collect();
    for (i, pair) in sizes.windows(2).enumerate().filter(|(_, p)| p[0] > 0) {
        let (old, new) = (pair[0], pair[1]);
        let proof: Value = http
            .get(format!("{}/boards/mp/log/proof/consistency?old={old}&new={new}", urls[i % 2]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let path: Vec<Hash> =
            proof["path"].as_array().unwrap().iter().map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap()).collect();
        verify_consistency(old, new, &path, &roots[&old], &roots[&new])
            .unwrap_or_else(|e| panic!("checkpoint {old} is not consistent with {new}: {e}"));
    }
    let head = *sizes.last().unwrap();
    assert!(leaves.iter().all(|l| *l < head), "every acknowledged change is inside the newest checkpoint");
    assert!(head as usize > CHANGED, "{head} leaves for {CHANGED} changes");

    // Credentials issued by either verify through the other, revoked ones as revoked.
    for c in issued[CHANGED..].iter().take(10) {
        let report = verify(&http, &urls[1 - c.by], &c.vc).await;
        assert_eq!(report["verdict"], "valid", "{} issued by {} checked by {}: {report}", c.id(), c.by, 1 - c.by);
    }
    for (c, _, _) in acks.iter().filter(|(_, a, _)| *a == "revoke").take(6) {
        assert!(revoked(&verify(&http, &urls[1 - c.by], &c.vc).await));
    }

    // One process holds the board's sequencer lease, and monitoring's; the newest checkpoint gets
    // cosigned by the witness through it.
    let leader = holder(&db, &board_lease).await.expect("the board lease is held");
    assert!(leader == "node-a" || leader == "node-b", "{leader}");
    let leases = db.leases().await.unwrap();
    assert!(leases.iter().all(|l| l.holder == "node-a" || l.holder == "node-b"), "{leases:?}");
    let cosigned = eventually(20, || async {
        let cp = db.recent_checkpoints(&board.id, 1).await.ok()?.into_iter().next()?;
        (cp.size as u64 == head && cp.cosignatures == 1).then_some(())
    })
    .await;
    assert!(cosigned.is_some(), "the newest checkpoint was cosigned by the sequencer");

    // Cache bound: B has verified X (and cached its list); X is revoked through A. Every
    // verification on B that starts more than the bound after the acknowledgement sees it.
    let bound = Duration::from_millis(1000 + 250);
    let x = &issued[CHANGED];
    let (a, b) = (x.by, 1 - x.by);
    assert_eq!(verify(&http, &urls[b], &x.vc).await["verdict"], "valid");
    change(&http, &urls[a], &token, x.id(), "revoke").await;
    let acked = Instant::now();
    loop {
        let started = Instant::now();
        if revoked(&verify(&http, &urls[b], &x.vc).await) {
            println!("revocation through one process seen by the other after {:?}", started - acked);
            break;
        }
        assert!(started - acked <= bound, "a verification {:?} after the revoke still passed", started - acked);
    }

    // Kill the holder: the survivor takes the lease over within the lease time (plus one renewal
    // interval and scheduling slack), and cosigning moves with it.
    let before = db.lease(&board_lease).await.unwrap().unwrap();
    let (leader, term) = (before.holder, before.term);
    let (dead, survivor) = if leader == "node-a" { (0, 1) } else { (1, 0) };
    let killed = Instant::now();
    servers[dead].kill();
    let deadline = Duration::from_millis(LEASE_MS + LEASE_MS / 4 + 1000);
    let took_over = loop {
        let l = db.lease(&board_lease).await.unwrap().unwrap();
        if l.holder != leader {
            break l;
        }
        assert!(killed.elapsed() <= deadline, "no takeover within {deadline:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = killed.elapsed();
    println!("lease moved from {leader} to {} after {took:?}", took_over.holder);
    assert_eq!(took_over.holder, if survivor == 0 { "node-a" } else { "node-b" });
    assert_eq!(took_over.term, term + 1);
    let c = &issued[CHANGED + 1];
    let outcome = change(&http, &urls[survivor], &token, c.id(), "revoke").await;
    let size = outcome["checkpointSize"].as_i64().unwrap();
    let cosigned = eventually(20, || async {
        let cp = db.recent_checkpoints(&board.id, 1).await.ok()?.into_iter().next()?;
        (cp.size >= size && cp.cosignatures == 1).then_some(())
    })
    .await;
    assert!(cosigned.is_some(), "the survivor cosigns as the new sequencer");
    drop(servers);
    drop(witness);
}
