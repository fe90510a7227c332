//! Crash safety: `medcred serve` is SIGKILLed in the middle of a burst of revocations and
//! restarted. Every revocation that was acknowledged is in the status list and in the ledger, the
//! ledger after the restart is consistent with the checkpoint fetched before the crash, and no
//! change is half-applied (a credential's bit, its history and the ledger snapshot agree).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use common::{create_board, free_port, log_of, run_ok, Server};
use medcred_registry::checkpoint::VerifiedCheckpoint;
use medcred_registry::merkle::{verify_consistency, verify_inclusion, Hash};
use medcred_registry::note::VerifierKey;
use medcred_registry::proof_bundle::ProofBundle;
use medcred_registry::status::{snapshot_hash_of, LedgerLeaf, ListId, ReceivedStatusList, StatusPurpose};
use serde_json::{json, Value};

/// (The credential list API returns at most 200.)
const CREDENTIALS: usize = 200;
const WORKERS: usize = 6;
/// Kill once this many revocations were acknowledged (well before the burst ends).
const KILL_AFTER: usize = 40;

fn b64_hashes(v: &Value) -> Vec<Hash> {
    v.as_array().unwrap().iter().map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap()).collect()
}

async fn checkpoint(http: &reqwest::Client, url: &str, origin: &str, key: &VerifierKey) -> VerifiedCheckpoint {
    let text = http.get(format!("{url}/boards/bon/log/checkpoint")).send().await.unwrap().text().await.unwrap();
    VerifiedCheckpoint::open(text.as_bytes(), origin, key).expect("checkpoint signed by the log key")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_revocations_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port("127.0.0.1");
    let public_url = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    let token = create_board(&data, &public_url, "bon");
    let (origin, key) = log_of(&data, &public_url, "bon");
    let key: VerifierKey = key.parse().unwrap();
    let mut csv =
        String::from("practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n");
    for i in 0..CREDENTIALS {
        csv.push_str(&format!("Nurse {i},RN,RN-{i},US-NJ,2020-01-01,2030-01-01T00:00:00Z\n"));
    }
    let file = dir.path().join("licenses.csv");
    std::fs::write(&file, csv).unwrap();
    run_ok(&data, &public_url, &["issue-bulk", "--board", "bon", "--format", "vc+jwt", file.to_str().unwrap()]);

    // A burst from one token: not what the per-account rate limit is about here.
    let mut server = Server::start(&data, &public_url, &listen, &["--rate-limit", "status=off"]);
    let http = reqwest::Client::new();
    let list: Value = http
        .get(format!("{}/boards/bon/credentials", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<String> =
        list["credentials"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), CREDENTIALS);

    // The burst: WORKERS clients revoking their share one after another.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let enough = Arc::new(Notify::new());
    let mut tasks = Vec::new();
    for w in 0..WORKERS {
        let (http, url, token, acked, enough) =
            (http.clone(), server.url.clone(), token.clone(), acked.clone(), enough.clone());
        let mine: Vec<String> = ids.iter().skip(w).step_by(WORKERS).cloned().collect();
        tasks.push(tokio::spawn(async move {
            for id in mine {
                let sent = http
                    .post(format!("{url}/boards/bon/credentials/{id}/status"))
                    .bearer_auth(&token)
                    .json(&json!({"action": "revoke", "reason": "burst"}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => {
                        let mut acked = acked.lock().unwrap();
                        acked.push(id);
                        if acked.len() == KILL_AFTER {
                            enough.notify_one();
                        }
                    }
                    Ok(r) => panic!("revocation refused: {} {}", r.status(), r.text().await.unwrap_or_default()),
                    Err(_) => return, // the server died under us: unacknowledged
                }
            }
        }));
    }
    tokio::time::timeout(std::time::Duration::from_secs(60), enough.notified())
        .await
        .expect("revocations acknowledged");
    let before = checkpoint(&http, &server.url, &origin, &key).await;
    server.kill();
    for t in tasks {
        t.await.unwrap();
    }
    let acked: HashSet<String> = acked.lock().unwrap().iter().cloned().collect();
    eprintln!("killed after {} acknowledged revocations of {CREDENTIALS}", acked.len());
    assert!(acked.len() >= KILL_AFTER && acked.len() < CREDENTIALS, "killed mid-burst: {} acknowledged", acked.len());

    // Restart on the same address and data.
    let server = Server::start(&data, &public_url, &listen, &[]);
    let after = checkpoint(&http, &server.url, &origin, &key).await;
    let (old, new) = (before.checkpoint(), after.checkpoint());
    assert!(new.size() >= old.size());
    let proof: Value = http
        .get(format!("{}/boards/bon/log/proof/consistency?old={}&new={}", server.url, old.size(), new.size()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    verify_consistency(old.size(), new.size(), &b64_hashes(&proof["path"]), old.root(), new.root())
        .expect("the ledger after the crash extends the checkpoint seen before it");

    // The served list, proven by its bundle: snapshot leaf in the checkpoint, hash of this list.
    let bundle: Value = http
        .get(format!("{}/boards/bon/status/0/revocation/bundle", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let received = ReceivedStatusList::from_json(&bundle["statusListCredential"]).unwrap();
    let proof = ProofBundle::parse(bundle["tlogProof"].as_str().unwrap().as_bytes()).unwrap();
    let cp = VerifiedCheckpoint::open(proof.checkpoint_bytes(), &origin, &key).unwrap();
    let leaf = proof.extra().unwrap();
    verify_inclusion(&Hash::leaf(leaf), proof.index(), cp.checkpoint().size(), proof.path(), cp.checkpoint().root())
        .expect("snapshot leaf included");
    let LedgerLeaf::Snapshot(snap) = LedgerLeaf::decode(leaf).unwrap() else { panic!("not a snapshot leaf") };
    let digest = snap.find(ListId(0), StatusPurpose::Revocation).unwrap();
    assert_eq!(digest.bitstring_sha256, snapshot_hash_of(received.list.as_bytes()), "ledger snapshot = served list");

    // Every credential: bit, history and acknowledgement agree; nothing half-applied.
    let mut revoked = 0;
    for id in &ids {
        let status: Value = http
            .get(format!("{}/boards/bon/credentials/{id}/status", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let bit = received.list.get(status["statusIndex"].as_u64().unwrap()).unwrap() == 1;
        let recorded = status["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["purpose"] == "revocation" && h["value"] == 1 && h["leafIndex"].as_i64().is_some());
        assert_eq!(status["revoked"].as_bool().unwrap(), bit, "{id}: API and served list disagree");
        assert_eq!(bit, recorded, "{id}: bit and ledger-backed history disagree (half-applied)");
        if acked.contains(id) {
            assert!(bit, "{id}: acknowledged revocation lost in the crash");
        }
        revoked += usize::from(bit);
    }
    assert!(revoked >= acked.len());
    // The registry works after the restart: revoke one that was never reached.
    if let Some(id) = ids.iter().find(|id| !acked.contains(*id)) {
        let r = http
            .post(format!("{}/boards/bon/credentials/{id}/status", server.url))
            .bearer_auth(&token)
            .json(&json!({"action": "revoke", "reason": "after restart"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}
