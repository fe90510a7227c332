//! Status changes end to end in-process: issuance allocates slots, revoke/suspend/reinstate go
//! through the committer and the ledger, and lists, proofs, tiles and checkpoints read back and
//! verify — on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use medcred_formats::{di_jcs, di_rdfc, Format};
use medcred_issuer::{FixedClock, Issuer, MasterKey, NewBoard};
use medcred_model::IssueRequest;
use medcred_registry::checkpoint::VerifiedCheckpoint;
use medcred_registry::merkle::{root_from_inclusion_path, Hash};
use medcred_registry::note::VerifierKey;
use medcred_registry::proof_bundle::ProofBundle;
use medcred_registry::status::{snapshot_hash_of, LedgerLeaf, ListId, ReceivedStatusList, StatusPurpose};
use medcred_registry_service::proofs::{snapshot_due, SNAPSHOT_KEEP_FRESH_SECS};
use medcred_registry_service::Registry;
use medcred_store::{BoardRow, Db};
use serde_json::{json, Value};
use tower::ServiceExt;

struct Fixture {
    app: Router,
    issuer: Issuer,
    board: BoardRow,
    admin: String,
}

async fn fixture(db: Db) -> Fixture {
    let clock = Arc::new(FixedClock("2026-02-01T12:00:00Z".parse().unwrap()));
    let issuer = Issuer::new(db, MasterKey::generate(), clock, "http://localhost:8080");
    issuer.check_master_key().await.unwrap();
    let created = issuer
        .create_board(&NewBoard {
            slug: "nj-bon".into(),
            name: "NJ Board of Nursing".into(),
            did_key: false,
            host_did: false,
        })
        .await
        .unwrap();
    let registry = Registry::new(issuer.clone(), 5_000);
    let app = medcred_issuer::router(issuer.clone()).merge(medcred_registry_service::router(registry));
    Fixture { app, issuer, board: created.board, admin: created.admin_token.to_string() }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
    etag: Option<&str>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(e) = etag {
        req = req.header(header::IF_NONE_MATCH, e);
    }
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply { status, headers, body }
}

fn license(number: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://medcred.org/ns/credentials/v1"],
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2028-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Jane Q. Doe", "licenseType": "RN", "licenseNumber": number,
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-06-01"
        }
    })
}

async fn issue(f: &Fixture, number: &str) -> Value {
    let req = IssueRequest::from_vc_json(&license(number), f.issuer.clock().now()).unwrap();
    match f.issuer.issue(&f.board, &req, Format::EddsaJcs2022).await.unwrap().secured {
        medcred_issuer::Secured::Json(v) => v,
        other => panic!("expected JSON, got {other:?}"),
    }
}

fn slot(vc: &Value) -> (String, u64) {
    let entries = vc["credentialStatus"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["statusPurpose"], "revocation");
    assert_eq!(entries[1]["statusPurpose"], "suspension");
    assert_eq!(entries[0]["statusListIndex"], entries[1]["statusListIndex"]);
    let url = entries[0]["statusListCredential"].as_str().unwrap();
    (
        url.trim_start_matches("http://localhost:8080").to_owned(),
        entries[0]["statusListIndex"].as_str().unwrap().parse().unwrap(),
    )
}

async fn log_key(f: &Fixture) -> VerifierKey {
    let doc = f.issuer.did_document_of(&f.board).await.unwrap();
    assert!(!doc["assertionMethod"].as_array().unwrap().iter().any(|m| m.as_str().unwrap().ends_with("#log")));
    doc["service"][0]["noteKey"].as_str().unwrap().parse().unwrap()
}

async fn list_bits(f: &Fixture, path: &str) -> (ReceivedStatusList, Value, String) {
    let r = call(&f.app, "GET", path, None, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/vc+ld+json");
    assert!(r.headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age=5"));
    let vc = r.json();
    let key = f.issuer.signing_key(&f.board).await.unwrap().verifying_key();
    di_rdfc::verify(&vc, &key).await.expect("list credential signed by the board");
    let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
    (ReceivedStatusList::from_json(&vc).unwrap(), vc, etag)
}

async fn flow(db: Db) {
    let f = fixture(db).await;
    let creds = [issue(&f, "RN100").await, issue(&f, "RN101").await, issue(&f, "RN102").await];
    let slots: Vec<_> = creds.iter().map(slot).collect();
    let board_key = f.issuer.signing_key(&f.board).await.unwrap().verifying_key();
    di_jcs::verify(&creds[0], &board_key).expect("credential with status verifies");
    assert_ne!(slots[0].1, slots[1].1);

    // Before any change: the list exists, all clear.
    let (list, _, etag0) = list_bits(&f, &slots[0].0).await;
    assert_eq!(list.list.get(slots[0].1).unwrap(), 0);

    let id0 = creds[0]["id"].as_str().unwrap();
    let id1 = creds[1]["id"].as_str().unwrap();
    let status_uri = |id: &str| format!("/boards/nj-bon/credentials/{id}/status");
    let revoke = json!({"action": "revoke", "reason": "board order 2026-17"});
    let r = call(&f.app, "POST", &status_uri(id0), Some(&f.admin), Some(revoke.clone()), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["revoked"], true);
    assert_eq!(r.json()["changed"], true);
    let size_after_revoke = r.json()["checkpointSize"].as_u64().unwrap();
    assert_eq!(size_after_revoke, 2, "one event leaf and one snapshot leaf");

    // Idempotent repeat; reinstating a revoked credential is refused; suspending it too.
    let r = call(&f.app, "POST", &status_uri(id0), Some(&f.admin), Some(revoke), None).await;
    assert_eq!((r.status, r.json()["changed"].clone()), (StatusCode::OK, json!(false)));
    let r = call(
        &f.app,
        "POST",
        &status_uri(id0),
        Some(&f.admin),
        Some(json!({"action": "reinstate", "reason": "x"})),
        None,
    )
    .await;
    assert_eq!((r.status, r.json()["code"].clone()), (StatusCode::CONFLICT, json!("credential_revoked")));
    // Bad input: unknown action, empty reason, no token, someone else's credential id.
    let r =
        call(&f.app, "POST", &status_uri(id1), Some(&f.admin), Some(json!({"action": "delete", "reason": "x"})), None)
            .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r =
        call(&f.app, "POST", &status_uri(id1), Some(&f.admin), Some(json!({"action": "suspend", "reason": " "})), None)
            .await;
    assert_eq!((r.status, r.json()["code"].clone()), (StatusCode::BAD_REQUEST, json!("malformed_reason")));
    let r = call(&f.app, "POST", &status_uri(id1), None, Some(json!({"action": "suspend", "reason": "x"})), None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = call(
        &f.app,
        "POST",
        &status_uri("urn:uuid:nope"),
        Some(&f.admin),
        Some(json!({"action": "suspend", "reason": "x"})),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Suspend and reinstate the second.
    let r = call(
        &f.app,
        "POST",
        &status_uri(id1),
        Some(&f.admin),
        Some(json!({"action": "suspend", "reason": "under review"})),
        None,
    )
    .await;
    assert_eq!((r.status, r.json()["suspended"].clone()), (StatusCode::OK, json!(true)));
    let (susp, _, _) = list_bits(&f, &slots[1].0.replace("/revocation", "/suspension")).await;
    assert_eq!(susp.list.get(slots[1].1).unwrap(), 1);
    let r = call(
        &f.app,
        "POST",
        &status_uri(id1),
        Some(&f.admin),
        Some(json!({"action": "reinstate", "reason": "cleared"})),
        None,
    )
    .await;
    assert_eq!((r.status, r.json()["suspended"].clone()), (StatusCode::OK, json!(false)));
    let r = call(&f.app, "GET", &status_uri(id1), Some(&f.admin), None, None).await;
    assert_eq!(r.json()["history"].as_array().unwrap().len(), 2, "{}", r.text());

    // The revocation list shows the bit; the old ETag no longer matches, the new one gives 304.
    let (list, _, etag1) = list_bits(&f, &slots[0].0).await;
    assert_eq!(list.list.get(slots[0].1).unwrap(), 1);
    assert_eq!(list.list.get(slots[1].1).unwrap(), 0);
    assert_ne!(etag0, etag1);
    let r = call(&f.app, "GET", &slots[0].0, None, None, Some(&etag1)).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let r = call(&f.app, "GET", &slots[0].0, None, None, Some(&etag0)).await;
    assert_eq!(r.status, StatusCode::OK);

    // The bundle: the list credential and a tlog-proof of a snapshot recording exactly its bits.
    let log_key = log_key(&f).await;
    let origin = log_key.name().as_str().to_owned();
    let r = call(&f.app, "GET", &format!("{}/bundle", slots[0].0), None, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers[header::CACHE_CONTROL], "public, max-age=5, must-revalidate", "cacheable as long as the list");
    let bundle_json = r.json();
    let received = ReceivedStatusList::from_json(&bundle_json["statusListCredential"]).unwrap();
    let bundle = ProofBundle::parse(bundle_json["tlogProof"].as_str().unwrap().as_bytes()).unwrap();
    let cp = VerifiedCheckpoint::open(bundle.checkpoint_bytes(), &origin, &log_key)
        .expect("checkpoint signed by the log key");
    let leaf = bundle.extra().unwrap();
    let computed =
        root_from_inclusion_path(&Hash::leaf(leaf), bundle.index(), cp.checkpoint().size(), bundle.path()).unwrap();
    assert_eq!(&computed, cp.checkpoint().root(), "leaf is in the checkpointed tree");
    let LedgerLeaf::Snapshot(snap) = LedgerLeaf::decode(leaf).unwrap() else { panic!("not a snapshot") };
    let digest = snap.find(ListId(0), StatusPurpose::Revocation).unwrap();
    assert_eq!(digest.bitstring_sha256, snapshot_hash_of(received.list.as_bytes()));
    // A forged bundle (another leaf) does not lead to the root.
    let forged =
        root_from_inclusion_path(&Hash::leaf(b"forged"), bundle.index(), cp.checkpoint().size(), bundle.path())
            .unwrap();
    assert_ne!(&forged, cp.checkpoint().root());

    // Token status list: 1 for revoked, 0 for the reinstated one.
    let token_uri = slots[0].0.replace("/revocation", "/token");
    let r = call(&f.app, "GET", &token_uri, None, None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/statuslist+jwt");
    let decoded = medcred_formats::jwt::decode(&r.text()).unwrap();
    medcred_formats::jwt::verify_ed25519(&decoded, &board_key).expect("token list signed by the board");
    assert_eq!(decoded.typ(), Some("statuslist+jwt"));
    let claims = Value::Object(decoded.claims().unwrap());
    let token = medcred_registry::status::StatusListToken::from_claims(&claims).unwrap();
    assert_eq!(token.list.get(slots[0].1).unwrap(), 1);
    assert_eq!(token.list.get(slots[1].1).unwrap(), 0);

    // Checkpoint, tiles and proofs.
    let r = call(&f.app, "GET", "/boards/nj-bon/log/checkpoint", None, None, None).await;
    let cp = VerifiedCheckpoint::open(&r.body, &origin, &log_key).unwrap();
    let size = cp.checkpoint().size();
    assert_eq!(size, 6, "3 batches: revoke (2 leaves), suspend (2), reinstate (2)");
    let r = call(&f.app, "GET", &format!("/boards/nj-bon/log/tile/0/000.p/{size}"), None, None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.len(), 32 * size as usize);
    assert!(r.headers[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    let r = call(&f.app, "GET", &format!("/boards/nj-bon/log/tile/entries/000.p/{size}"), None, None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    for bad in ["tile/0/x", "tile/9/000", "tile/0/000.p/0", "../etc/passwd"] {
        let r = call(&f.app, "GET", &format!("/boards/nj-bon/log/{bad}"), None, None, None).await;
        assert!(r.status.is_client_error(), "{bad}: {}", r.status);
    }
    let r = call(&f.app, "GET", "/boards/nj-bon/log/tile/0/001", None, None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r =
        call(&f.app, "GET", &format!("/boards/nj-bon/log/proof/consistency?old=2&new={size}"), None, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = call(&f.app, "GET", "/boards/nj-bon/log/proof/inclusion?index=7&size=6", None, None, None).await;
    assert_eq!((r.status, r.json()["code"].clone()), (StatusCode::BAD_REQUEST, json!("out_of_range")));
    let r = call(&f.app, "GET", "/boards/nj-bon/log/proof/inclusion?index=1&size=99", None, None, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = call(&f.app, "GET", "/boards/nj-bon/log/proof/inclusion?index=-1&size=x", None, None, None).await;
    assert_eq!((r.status, r.json()["code"].clone()), (StatusCode::BAD_REQUEST, json!("malformed_query")));
    let r = call(&f.app, "GET", "/boards/nj-bon/status/abc/revocation", None, None, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = call(&f.app, "GET", "/boards/nj-bon/status/7/revocation", None, None, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn burst(db: Db) {
    let f = fixture(db).await;
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(issue(&f, &format!("RN2{i:03}")).await["id"].as_str().unwrap().to_owned());
    }
    let calls = ids.iter().map(|id| {
        let uri = format!("/boards/nj-bon/credentials/{id}/status");
        let app = f.app.clone();
        let admin = f.admin.clone();
        async move {
            call(&app, "POST", &uri, Some(&admin), Some(json!({"action": "revoke", "reason": "burst"})), None).await
        }
    });
    let replies = futures::future::join_all(calls).await;
    assert!(replies.iter().all(|r| r.status == StatusCode::OK));
    let checkpoints = f.issuer.db().recent_checkpoints(&f.board.id, 1000).await.unwrap();
    assert!(
        checkpoints.len() < ids.len(),
        "changes were grouped: {} checkpoints for {} changes",
        checkpoints.len(),
        ids.len()
    );
    let size = f.issuer.db().ledger_log(&f.board.id).await.unwrap().size as usize;
    assert_eq!(size, ids.len() + checkpoints.len(), "one event per change plus one snapshot per batch");
}

/// The sequencer's snapshot policy (`snapshot_due`, run by the lease loop every minute): nothing
/// is due before a board has lists; a list no snapshot covers is due at once; a snapshot covering
/// every list is not, until it is older than `SNAPSHOT_KEEP_FRESH_SECS`.
async fn snapshots_fall_due(db: Db) {
    let f = fixture(db).await;
    let now = u64::try_from(f.issuer.clock().now().timestamp()).unwrap();
    let due = |at: u64| {
        let (db, board) = (f.issuer.db().clone(), f.board.clone());
        async move { snapshot_due(&db, &board, at).await.unwrap() }
    };
    let lists = f.issuer.db().status_list_count(&f.board.id).await.unwrap();
    assert_eq!(due(now).await, lists > 0, "{lists} lists before any issuance");
    let (list, _) = slot(&issue(&f, "RN200").await);
    assert!(due(now).await, "a list no snapshot covers");
    // A proof request appends the snapshot that covers it.
    let r = call(&f.app, "GET", &format!("{list}/proof"), None, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(!due(now).await, "covered and fresh");
    assert!(!due(now + SNAPSHOT_KEEP_FRESH_SECS).await, "still fresh at the limit");
    assert!(due(now + SNAPSHOT_KEEP_FRESH_SECS + 1).await, "too old past it");
}

#[tokio::test]
async fn snapshots_fall_due_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    snapshots_fall_due(medcred_store::testing::fresh_sqlite(dir.path()).await.unwrap()).await;
}

#[tokio::test]
async fn snapshots_fall_due_on_postgres() {
    snapshots_fall_due(medcred_store::testing::fresh_postgres().await.unwrap()).await;
}

#[tokio::test]
async fn status_flow_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    flow(medcred_store::testing::fresh_sqlite(dir.path()).await.unwrap()).await;
}

#[tokio::test]
async fn status_flow_on_postgres() {
    flow(medcred_store::testing::fresh_postgres().await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_revocations_are_grouped_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    burst(medcred_store::testing::fresh_sqlite(dir.path()).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_revocations_are_grouped_on_postgres() {
    burst(medcred_store::testing::fresh_postgres().await.unwrap()).await;
}
