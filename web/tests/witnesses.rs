//! Three registries on 127.0.0.1, 127.0.0.2 and 127.0.0.3, each a separate `medcred serve`
//! process witnessing the other two. Every board's checkpoints come back cosigned by both
//! witnesses (a 2-of-2 policy holds); when board A signs a forked checkpoint, every witness refuses
//! it (409 for a second root at a cosigned size, 422 for a size no consistency proof reaches),
//! keeps the signed checkpoint as evidence, reports it at `GET /witness` and in
//! `medcred witness show`, and keeps cosigning A's honest log afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{create_board, eventually, free_port, log_of, run_ok, Server};
use medcred_issuer::{FixedClock, Issuer, MasterKey};
use medcred_registry::checkpoint::{Checkpoint, VerifiedCheckpoint};
use medcred_registry::merkle::Hash;
use medcred_registry::note::VerifierKey;
use medcred_registry::witness::{AddCheckpointRequest, WitnessPolicy};
use medcred_store::Db;
use serde_json::{json, Value};

struct Node {
    data: PathBuf,
    public_url: String,
    ip: String,
    port: u16,
    token: String,
    origin: String,
    log_key: String,
    witness_key: String,
}

const LICENSE: &str = r#"{"type": ["VerifiableCredential", "MedicalLicenseCredential"], "validUntil": "2030-01-01T00:00:00Z",
  "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "RN", "licenseNumber": "RN-1",
    "jurisdiction": "US-NJ", "originalIssueDate": "2010-01-01"}}"#;

fn prepare(root: &Path, name: &str, ip: &str) -> Node {
    let data = root.join(name);
    let public_url = format!("http://registry-{name}.test");
    let token = create_board(&data, &public_url, "bon");
    let (origin, log_key) = log_of(&data, &public_url, "bon");
    let witness_key = run_ok(&data, &public_url, &["witness", "key"]).trim().to_owned();
    Node { data, public_url, ip: ip.to_owned(), port: free_port(ip), token, origin, log_key, witness_key }
}

async fn issue_and_revoke(http: &reqwest::Client, server: &Server, token: &str) -> String {
    let body = json!({"credential": serde_json::from_str::<Value>(LICENSE).unwrap()});
    let issued: Value = http
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = issued["verifiableCredential"]["id"].as_str().expect("credential id").to_owned();
    let r = http
        .post(format!("{}/boards/bon/credentials/{id}/status", server.url))
        .bearer_auth(token)
        .json(&json!({"action": "revoke", "reason": "test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    id
}

/// The newest checkpoint's size once it carries `want` cosignatures.
async fn cosigned_size(http: &reqwest::Client, server: &Server, min_size: i64, want: i64) -> Option<i64> {
    eventually(20, || async {
        let list: Value =
            http.get(format!("{}/boards/bon/log/checkpoints", server.url)).send().await.ok()?.json().await.ok()?;
        let newest = &list["checkpoints"][0];
        let size = newest["size"].as_i64()?;
        (size >= min_size && newest["cosignatures"].as_i64()? == want).then_some(size)
    })
    .await
}

async fn post_add_checkpoint(http: &reqwest::Client, witness: &Node, body: Vec<u8>) -> (u16, String) {
    let r = http
        .post(format!("http://{}:{}/witness/add-checkpoint", witness.ip, witness.port))
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_registries_cosign_each_other_and_refuse_a_fork() {
    let dir = tempfile::tempdir().unwrap();
    let nodes: Vec<Node> = [("a", "127.0.0.1"), ("b", "127.0.0.2"), ("c", "127.0.0.3")]
        .iter()
        .map(|(n, ip)| prepare(dir.path(), n, ip))
        .collect();
    // Each follows the other two boards' logs.
    for me in &nodes {
        for other in nodes.iter().filter(|o| o.origin != me.origin) {
            run_ok(&me.data, &me.public_url, &["witness", "follow", &other.origin, &other.log_key]);
        }
    }
    let servers: Vec<Server> = nodes
        .iter()
        .map(|me| {
            let peers: Vec<String> = nodes
                .iter()
                .filter(|o| o.origin != me.origin)
                .map(|o| format!("--witness-peer=http://{}:{}/witness={}", o.ip, o.port, o.witness_key))
                .collect();
            let mut args = vec!["--witness".to_owned()];
            args.extend(peers);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Server::start(&me.data, &me.public_url, &format!("{}:{}", me.ip, me.port), &args)
        })
        .collect();

    let http = reqwest::Client::new();
    let mut sizes = Vec::new();
    for (node, server) in nodes.iter().zip(&servers) {
        issue_and_revoke(&http, server, &node.token).await;
        let size = cosigned_size(&http, server, 1, 2)
            .await
            .unwrap_or_else(|| panic!("{} never got 2 cosignatures", node.origin));
        // A verifier with a 2-of-2 policy over the two other witnesses accepts it.
        let text =
            http.get(format!("{}/boards/bon/log/checkpoint", server.url)).send().await.unwrap().text().await.unwrap();
        let key: VerifierKey = node.log_key.parse().unwrap();
        let cp = VerifiedCheckpoint::open(text.as_bytes(), &node.origin, &key).expect("signed by the board's log key");
        let witnesses: Vec<VerifierKey> =
            nodes.iter().filter(|o| o.origin != node.origin).map(|o| o.witness_key.parse().unwrap()).collect();
        let policy = WitnessPolicy::new(2, witnesses).unwrap();
        assert_eq!(policy.check(&cp).expect("2-of-2 witness policy holds").len(), 2);
        sizes.push(size);
    }

    // Board A's key signs a fork: another root for the size both witnesses cosigned.
    let a = &nodes[0];
    let db = Db::open(&format!("sqlite://{}?mode=rw", a.data.join("medcred.sqlite").display())).await.unwrap();
    let master = MasterKey::load_or_create(&a.data.join("master.key")).unwrap();
    let issuer = Issuer::new(db, master, Arc::new(FixedClock("2026-03-01T00:00:00Z".parse().unwrap())), &a.public_url);
    let board = issuer.db().board_by_slug("bon").await.unwrap();
    let signer = issuer.log_signer(&issuer.db().ledger_log(&board.id).await.unwrap()).unwrap();
    let size = sizes[0] as u64;
    let forked = Checkpoint::new(&a.origin, size, Hash([0x66; 32])).unwrap().sign(&signer).unwrap();
    let grown = Checkpoint::new(&a.origin, size + 4, Hash([0x77; 32])).unwrap().sign(&signer).unwrap();
    for witness in &nodes[1..] {
        let same_size = AddCheckpointRequest::new(size, vec![], &forked).unwrap();
        let (status, body) = post_add_checkpoint(&http, witness, same_size.to_bytes()).await;
        assert_eq!(status, 409, "witness {} must refuse a second root for size {size}: {body}", witness.origin);
        assert!(body.contains("fork"), "{body}");
        let bogus = AddCheckpointRequest::new(size, vec![Hash([1; 32]), Hash([2; 32])], &grown).unwrap();
        let (status, body) = post_add_checkpoint(&http, witness, bogus.to_bytes()).await;
        assert_eq!(status, 422, "witness {} must refuse an unproven extension: {body}", witness.origin);

        // Detected and reported: both refused checkpoints are kept as signed evidence.
        let report: Value = http
            .get(format!("http://{}:{}/witness", witness.ip, witness.port))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let forks: Vec<&Value> =
            report["forks"].as_array().unwrap().iter().filter(|f| f["origin"] == a.origin.as_str()).collect();
        assert_eq!(forks.len(), 2, "{report}");
        for f in &forks {
            let text = f["checkpoint"].as_str().unwrap();
            VerifiedCheckpoint::open(text.as_bytes(), &a.origin, &a.log_key.parse().unwrap())
                .expect("the evidence is signed by the board's log key");
        }
        let shown = run_ok(&witness.data, &witness.public_url, &["witness", "show"]);
        assert!(shown.contains(&format!("FORK {}", a.origin)), "{shown}");
    }
    // The fork has no cosignatures: a verifier's policy rejects it.
    let policy = WitnessPolicy::new(1, nodes[1..].iter().map(|o| o.witness_key.parse().unwrap()).collect()).unwrap();
    let opened = VerifiedCheckpoint::open(&forked.to_bytes(), &a.origin, &a.log_key.parse().unwrap()).unwrap();
    assert!(policy.check(&opened).is_err(), "an uncosigned fork must not meet the policy");

    // The honest log goes on being cosigned.
    issue_and_revoke(&http, &servers[0], &a.token).await;
    let next = cosigned_size(&http, &servers[0], sizes[0] + 1, 2).await.expect("A's next checkpoint cosigned by both");
    assert!(next > sizes[0]);
    issuer.db().close().await;
}
