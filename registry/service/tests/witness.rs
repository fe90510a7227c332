//! The witness role over HTTP: a registry collects a cosignature after each batch from a witness
//! that follows its log; the witness refuses a forked checkpoint, a bad consistency proof, an
//! unknown origin and malformed requests.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use medcred_formats::Format;
use medcred_issuer::{FixedClock, Issuer, MasterKey, NewBoard};
use medcred_model::IssueRequest;
use medcred_registry::checkpoint::{Checkpoint, VerifiedCheckpoint};
use medcred_registry::merkle::Hash;
use medcred_registry::note::{Cosigner, KeyName, Note, VerifierKey};
use medcred_registry::witness::{AddCheckpointRequest, WitnessPolicy};
use medcred_registry_service::cosign::WitnessPeer;
use medcred_registry_service::status_api::change;
use medcred_registry_service::witness::{self, WitnessService};
use medcred_registry_service::{Action, Registry};
use serde_json::json;

async fn start_witness(dir: &std::path::Path) -> (WitnessService, String) {
    let db = medcred_store::testing::fresh_sqlite(&dir.join("w")).await.unwrap();
    let clock = Arc::new(FixedClock("2026-02-01T12:00:00Z".parse().unwrap()));
    let cosigner =
        Cosigner::new(KeyName::new("witness.example/w1").unwrap(), ed25519_dalek::SigningKey::from_bytes(&[5; 32]));
    let svc = WitnessService::new(db, cosigner, clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/witness", listener.local_addr().unwrap());
    let app = witness::router(svc.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (svc, url)
}

async fn post(url: &str, body: Vec<u8>) -> (u16, String, String) {
    let r = reqwest::Client::new().post(format!("{url}/add-checkpoint")).body(body).send().await.unwrap();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status().as_u16(), ct, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_gets_cosigned_and_witness_refuses_forks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("w")).unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    let (witness, witness_url) = start_witness(dir.path()).await;

    let db = medcred_store::testing::fresh_sqlite(&dir.path().join("a")).await.unwrap();
    let clock = Arc::new(FixedClock("2026-02-01T12:00:00Z".parse().unwrap()));
    let issuer = Issuer::new(db, MasterKey::generate(), clock, "http://localhost:8080");
    issuer.check_master_key().await.unwrap();
    let board = issuer
        .create_board(&NewBoard { slug: "nj-bon".into(), name: "NJ BON".into(), did_key: false, host_did: false })
        .await
        .unwrap()
        .board;
    let log = issuer.db().ledger_log(&board.id).await.unwrap();
    let log_key: VerifierKey = log.public_key.parse().unwrap();
    witness.follow(&log.origin, &log_key).await.unwrap();
    let peer = WitnessPeer { url: witness_url.clone(), key: witness.verifier_key() };
    let registry = Registry::with_witnesses(issuer.clone(), 5_000, vec![peer]);

    // Two batches; each checkpoint ends up cosigned (the second from the size the witness saw).
    let vc = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"], "validUntil": "2028-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": "A B", "licenseType": "RN", "licenseNumber": "RN1",
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-06-01"}});
    let req = IssueRequest::from_vc_json(&vc, issuer.clock().now()).unwrap();
    let issued = issuer.issue(&board, &req, Format::VcJwt).await.unwrap();
    let cred = issuer.db().credential(&issued.id).await.unwrap();
    for action in [Action::Suspend, Action::Reinstate] {
        let out = change(&registry, board.clone(), &cred, action, "review".into(), "test".into()).await.unwrap();
        let mut cosigned = None;
        for _ in 0..200 {
            let cp = issuer.db().checkpoint(&board.id, out.checkpoint_size as i64).await.unwrap();
            if cp.cosignatures > 0 {
                cosigned = cp.cosigned;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let text = cosigned.expect("checkpoint cosigned within 2 s");
        let cp = VerifiedCheckpoint::open(text.as_bytes(), &log.origin, &log_key).unwrap();
        let policy = WitnessPolicy::new(1, vec![witness.verifier_key()]).unwrap();
        policy.check(&cp).expect("one valid cosignature from the configured witness");
    }
    let size = issuer.db().ledger_log(&board.id).await.unwrap().size as u64;
    assert_eq!(size, 4);

    // A fork: the board signs another root for the size the witness already cosigned.
    let signer = issuer.log_signer(&log).unwrap();
    let forged = Checkpoint::new(&log.origin, size, Hash::leaf(b"another history")).unwrap().sign(&signer).unwrap();
    let req = AddCheckpointRequest::new(size, vec![], &forged).unwrap();
    let (status, _, body) = post(&witness_url, req.to_bytes()).await;
    assert_eq!(status, 409, "fork refused: {body}");
    assert!(body.contains("fork"), "{body}");
    // A larger forged checkpoint with a proof that does not hold.
    let forged = Checkpoint::new(&log.origin, size + 2, Hash::leaf(b"x")).unwrap().sign(&signer).unwrap();
    let req = AddCheckpointRequest::new(size, vec![Hash::leaf(b"p"), Hash::leaf(b"q")], &forged).unwrap();
    let (status, _, _) = post(&witness_url, req.to_bytes()).await;
    assert_eq!(status, 422);
    // Stale old size: 409 with the size the witness knows.
    let req = AddCheckpointRequest::new(1, vec![], &forged).unwrap();
    let (status, ct, body) = post(&witness_url, req.to_bytes()).await;
    assert_eq!((status, ct.as_str(), body.trim()), (409, "text/x.tlog.size", size.to_string().as_str()));
    // Unknown origin; not signed by the log; garbage.
    let other =
        Cosigner::new(KeyName::new("elsewhere.example/log").unwrap(), ed25519_dalek::SigningKey::from_bytes(&[7; 32]));
    let mut note = Note::new(Checkpoint::new("elsewhere.example/log", 1, Hash::leaf(b"a")).unwrap().body()).unwrap();
    note.push_signature(other.cosign(&note, 1).unwrap());
    let (status, _, _) = post(&witness_url, AddCheckpointRequest::new(0, vec![], &note).unwrap().to_bytes()).await;
    assert_eq!(status, 404);
    let unsigned = Note::new(Checkpoint::new(&log.origin, size + 1, Hash::leaf(b"a")).unwrap().body()).unwrap();
    let mut wrong = unsigned.clone();
    wrong.push_signature(other.cosign(&unsigned, 1).unwrap());
    let (status, _, _) = post(&witness_url, AddCheckpointRequest::new(size, vec![], &wrong).unwrap().to_bytes()).await;
    assert_eq!(status, 403);
    for garbage in [b"".to_vec(), b"old x\n\n".to_vec(), vec![0xff; 100], b"old 1\nnot base64\n\nx".to_vec()] {
        let (status, _, _) = post(&witness_url, garbage).await;
        assert!((400..500).contains(&status), "{status}");
    }
}
