//! The issuer's HTTP API in-process (tower `oneshot`), against SQLite and PostgreSQL.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use medcred_formats::keys::decode_multibase_public;
use medcred_formats::{di_jcs, jwt, sd_jwt};
use medcred_issuer::{FixedClock, Issuer, MasterKey, NewBoard};
use medcred_store::Db;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Fixture {
    app: Router,
    issuer: Issuer,
    admin: String,
    did: String,
}

async fn fixture(db: Db) -> Fixture {
    let clock = Arc::new(FixedClock("2026-02-01T12:00:00Z".parse().expect("time")));
    let issuer = Issuer::new(db, MasterKey::generate(), clock, "http://localhost:8080");
    issuer.check_master_key().await.expect("master key");
    let created = issuer
        .create_board(&NewBoard {
            slug: "nj-bon".into(),
            name: "NJ Board of Nursing".into(),
            did_key: false,
            host_did: false,
        })
        .await
        .expect("board");
    Fixture {
        app: medcred_issuer::router(issuer.clone()),
        admin: created.admin_token.to_string(),
        did: created.board.did,
        issuer,
    }
}

async fn call(app: &Router, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)))
    };
    (status, v)
}

fn license(number: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://medcred.org/ns/credentials/v1"],
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2028-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "practitionerName": "Jane Q. Doe", "licenseType": "RN", "licenseNumber": number,
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-06-01", "npi": "1234567893"
        }
    })
}

/// The board's current DID document, fetched from the app.
async fn did_doc(f: &Fixture) -> Value {
    let (s, doc) = call(&f.app, "GET", "/boards/nj-bon/did.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    doc
}

fn key_of(doc: &Value, vm: &str) -> ed25519_dalek::VerifyingKey {
    let m = doc["verificationMethod"].as_array().expect("vms").iter().find(|m| m["id"] == vm).expect("vm listed");
    assert!(doc["assertionMethod"].as_array().expect("am").iter().any(|r| r == vm), "{vm} not under assertionMethod");
    decode_multibase_public(m["publicKeyMultibase"].as_str().expect("mb")).expect("key")
}

fn envelope(v: &Value, media: &str) -> String {
    assert_eq!(v["type"], "EnvelopedVerifiableCredential");
    v["id"].as_str().expect("id").strip_prefix(&format!("data:{media},")).expect("data url").to_owned()
}

async fn issues_every_format_and_serves_it_back(f: Fixture) {
    let doc = did_doc(&f).await;
    assert_eq!(doc["id"], f.did);
    assert_eq!(f.did, "did:web:localhost%3A8080:boards:nj-bon");

    let (s, body) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": license("RN-1"), "options": {"format": "eddsa-jcs-2022"}})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let vc = &body["verifiableCredential"];
    assert_eq!(vc["issuer"]["id"], f.did);
    let vm = format!("{}#key-1", f.did);
    assert_eq!(vc["proof"]["verificationMethod"], vm);
    di_jcs::verify(vc, &key_of(&doc, &vm)).expect("jcs verifies with the DID document key");

    let (s, body) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": license("RN-2"), "options": {"format": "vc+jwt"}})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let jws = envelope(&body["verifiableCredential"], "application/vc+jwt");
    let payload = jwt::verify_vc_jwt(&jws, &jwt::VerifierKey::Ed25519(key_of(&doc, &vm))).expect("vc+jwt verifies");
    assert_eq!(payload["credentialSubject"]["licenseNumber"], "RN-2");

    let (s, body) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": license("RN-3"), "options": {"format": "dc+sd-jwt"}})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let sd = envelope(&body["verifiableCredential"], "application/dc+sd-jwt");
    let verified =
        sd_jwt::verify_sd_jwt_vc(&sd, &jwt::VerifierKey::Ed25519(key_of(&doc, &vm)), None).expect("sd-jwt verifies");
    assert_eq!(verified.claims()["license_number"], "RN-3");
    assert_eq!(verified.claims()["cnf"]["jwk"]["crv"], "Ed25519", "bound to the holder's did:key");

    let (s, body) =
        call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(json!({"credential": license("RN-4")}))).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let id = body["verifiableCredential"]["id"].as_str().expect("id").to_owned();
    assert_eq!(body["verifiableCredential"]["proof"]["cryptosuite"], "eddsa-rdfc-2022", "default format");

    let (s, got) = call(&f.app, "GET", &format!("/credentials/{id}"), Some(&f.admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got, body["verifiableCredential"]);
    let (s, list) = call(&f.app, "GET", "/boards/nj-bon/credentials?q=rn-", Some(&f.admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["credentials"].as_array().expect("list").len(), 4);

    // Another board's token sees nothing of this board.
    let other = f
        .issuer
        .create_board(&NewBoard { slug: "ny-bon".into(), name: "NY".into(), did_key: true, host_did: false })
        .await
        .expect("other board");
    let (s, _) = call(&f.app, "GET", &format!("/credentials/{id}"), Some(&other.admin_token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&f.app, "GET", "/boards/nj-bon/credentials", Some(&other.admin_token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn bad_requests_get_typed_errors(f: Fixture) {
    let (s, body) = call(&f.app, "POST", "/credentials/issue", None, Some(json!({"credential": license("X")}))).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    let (s, body) =
        call(&f.app, "POST", "/credentials/issue", Some("mcb_wrong"), Some(json!({"credential": license("X")}))).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));

    let mut bad = license("RN 1");
    bad["credentialSubject"]["licenseType"] = json!("Wizard");
    bad["credentialSubject"]["jurisdiction"] = json!("NJ");
    bad["validUntil"] = json!("2025-01-01T00:00:00Z");
    let (s, body) = call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(json!({"credential": bad}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "invalid_credential");
    let codes: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or("")))
        .collect();
    for want in [
        ("credentialSubject.licenseType", "unknown_license_type"),
        ("credentialSubject.jurisdiction", "malformed_jurisdiction"),
        ("credentialSubject.licenseNumber", "malformed_license_number"),
        ("validUntil", "validity_inverted"),
    ] {
        assert!(codes.contains(&want), "{want:?} missing from {codes:?}");
    }

    let mut foreign = license("RN-9");
    foreign["issuer"] = json!("did:web:evil.example");
    let (s, body) =
        call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(json!({"credential": foreign}))).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("issuer_mismatch")));

    let (s, body) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": license("RN-9"), "options": {"format": "pdf"}})),
    )
    .await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("unknown_format")));

    // Malformed JSON, wrong shape, huge body, deep nesting: 4xx with a code, never 500.
    let req = Request::builder()
        .method("POST")
        .uri("/credentials/issue")
        .header("authorization", format!("Bearer {}", f.admin))
        .header("content-type", "application/json")
        .body(Body::from("{\"credential\": "))
        .expect("req");
    let resp = f.app.clone().oneshot(req).await.expect("resp");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let (s, body) = call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(json!({"credentials": {}}))).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")));
    let mut deep = json!(1);
    for _ in 0..1000 {
        deep = json!([deep]);
    }
    let (s, _) = call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(json!({"credential": deep}))).await;
    assert!(s.is_client_error(), "deep nesting gave {s}");
    let big = json!({"credential": {"x": "a".repeat(400 * 1024)}});
    let (s, _) = call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);

    // Nothing half-written: none of the refused requests stored anything.
    let (_, list) = call(&f.app, "GET", "/boards/nj-bon/credentials", Some(&f.admin), None).await;
    assert_eq!(list["credentials"].as_array().expect("list").len(), 0);

    // An issuer-role token can issue but not manage keys.
    let (s, tok) = call(
        &f.app,
        "POST",
        "/boards/nj-bon/tokens",
        Some(&f.admin),
        Some(json!({"role": "issuer", "label": "hr-system"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let issuer_token = tok["token"].as_str().expect("token").to_owned();
    let (s, body) = call(&f.app, "POST", "/boards/nj-bon/keys/rotate", Some(&issuer_token), None).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (s, _) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&issuer_token),
        Some(json!({"credential": license("RN-10"), "options": {"format": "vc+jwt"}})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = call(
        &f.app,
        "DELETE",
        &format!("/boards/nj-bon/tokens/{}", tok["id"].as_str().expect("id")),
        Some(&f.admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) =
        call(&f.app, "POST", "/credentials/issue", Some(&issuer_token), Some(json!({"credential": license("RN-11")})))
            .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "revoked token refused");
}

async fn rotation_keeps_old_credentials_verifying(f: Fixture) {
    let (_, body) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": license("RN-1"), "options": {"format": "eddsa-jcs-2022"}})),
    )
    .await;
    let old = body["verifiableCredential"].clone();
    let (s, rotated) = call(&f.app, "POST", "/boards/nj-bon/keys/rotate", Some(&f.admin), None).await;
    assert_eq!(s, StatusCode::CREATED);
    let key2 = format!("{}#key-2", f.did);
    assert_eq!(rotated["id"], key2);
    let (_, body) = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": license("RN-2"), "options": {"format": "eddsa-jcs-2022"}})),
    )
    .await;
    let new = body["verifiableCredential"].clone();
    assert_eq!(new["proof"]["verificationMethod"], key2);

    let doc = did_doc(&f).await;
    let key1 = format!("{}#key-1", f.did);
    di_jcs::verify(&old, &key_of(&doc, &key1)).expect("old credential still verifies after rotation");
    di_jcs::verify(&new, &key_of(&doc, &key2)).expect("new credential verifies");
    assert!(di_jcs::verify(&new, &key_of(&doc, &key1)).is_err(), "new credential is not signed by the retired key");

    let (s, body) = call(&f.app, "DELETE", "/boards/nj-bon/keys/key-2", Some(&f.admin), None).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("key_active")));
    let (s, _) = call(&f.app, "DELETE", "/boards/nj-bon/keys/key-1", Some(&f.admin), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let doc = did_doc(&f).await;
    assert!(
        !doc["assertionMethod"].as_array().expect("am").iter().any(|r| r == &json!(key1)),
        "removed key left the DID document"
    );

    // The board overview lists keys but never secrets.
    let (s, overview) = call(&f.app, "GET", "/boards/nj-bon", Some(&f.admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let text = overview.to_string();
    assert!(!text.contains("secret") && !text.contains("sealed"), "{text}");
    assert_eq!(overview["keys"].as_array().expect("keys").len(), 2);
}

async fn bulk_reports_bad_rows_and_resumes(f: Fixture) {
    let csv = "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_from,valid_until,specialty,restrictions,npi,multistate_privilege,holder_did\n\
Jane Doe,RN,RN-100,US-NJ,2015-01-01,2026-01-01T00:00:00Z,2028-01-01T00:00:00Z,,,,true,\n\
Bad Type,XX,RN-101,US-NJ,2015-01-01,,2028-01-01T00:00:00Z,,,,,\n\
John Roe,MD,MD-102,US-NJ,2010-01-01,,2028-01-01T00:00:00Z,Cardiology,Probation until 2027|No DEA schedule II,1234567893,,\n\
Jane Doe,RN,RN-100,US-NJ,2015-01-01,2026-01-01T00:00:00Z,2028-01-01T00:00:00Z,,,,true,\n";
    let report = f
        .issuer
        .issue_bulk(
            &f.issuer.db().board_by_slug("nj-bon").await.expect("board"),
            csv.as_bytes(),
            medcred_formats::Format::VcJwt,
            &|_| {},
        )
        .await
        .expect("run");
    assert_eq!(
        (report.progress.total, report.progress.issued, report.progress.failed, report.progress.skipped),
        (4, 2, 2, 0)
    );
    assert_eq!(report.errors[0].line, 3);
    assert_eq!(report.errors[0].errors[0].code, "unknown_license_type");
    assert_eq!(report.errors[1].errors[0].code, "duplicate_row");
    assert!(report.errors_csv().contains("3,RN-101,credentialSubject.licenseType,unknown_license_type"));

    // Re-running skips what was issued.
    let board = f.issuer.db().board_by_slug("nj-bon").await.expect("board");
    let again =
        f.issuer.issue_bulk(&board, csv.as_bytes(), medcred_formats::Format::VcJwt, &|_| {}).await.expect("rerun");
    assert_eq!((again.progress.issued, again.progress.skipped), (0, 2));
    assert_eq!(f.issuer.db().count_credentials(&board.id).await.expect("count"), 2);

    // Over HTTP too, with a header problem as a clear 400.
    let req = Request::builder()
        .method("POST")
        .uri("/boards/nj-bon/credentials/bulk?format=eddsa-jcs-2022")
        .header("authorization", format!("Bearer {}", f.admin))
        .header("content-type", "text/csv")
        .body(Body::from("name,number\nx,y\n"))
        .expect("req");
    let resp = f.app.clone().oneshot(req).await.expect("resp");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

async fn master_key_rotation_reseals_keys(f: Fixture) {
    let new = MasterKey::generate();
    let new_b64 = new.to_base64().to_string();
    assert_eq!(f.issuer.reseal_all(&new).await.expect("reseal"), 2, "the board key and the board's log key");
    // The old master key no longer opens the board key; the new one does.
    let with_old = Issuer::new(
        f.issuer.db().clone(),
        MasterKey::generate(),
        Arc::new(FixedClock(chrono::Utc::now())),
        "http://localhost:8080",
    );
    assert!(with_old.check_master_key().await.is_err(), "a wrong master key is refused at start");
    let with_new = Issuer::new(
        f.issuer.db().clone(),
        MasterKey::from_base64(&new_b64).expect("b64"),
        Arc::new(FixedClock(chrono::Utc::now())),
        "http://localhost:8080",
    );
    with_new.check_master_key().await.expect("new key accepted");
    let board = with_new.db().board_by_slug("nj-bon").await.expect("board");
    let key = with_new.signing_key(&board).await.expect("unsealed with the new master key");
    assert_eq!(key.verification_method(), format!("{}#key-1", f.did));
}

async fn concurrent_rotations_each_get_their_own_key(f: Fixture) {
    // Rotations racing each other: each reads the keys, then writes. Without the board's write
    // lock taken first, SQLite refused the later upgrade to a write (SQLITE_BUSY) and PostgreSQL
    // let two rotations pick the same next key id.
    let board = f.issuer.db().board_by_slug("nj-bon").await.expect("board");
    let rotations: Vec<_> = (0..8)
        .map(|_| {
            let (issuer, board) = (f.issuer.clone(), board.clone());
            tokio::spawn(async move { issuer.rotate_key(&board).await.map(|k| k.key_id) })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for r in rotations {
        let id = r.await.expect("task").expect("every rotation succeeds");
        assert!(ids.insert(id.clone()), "{id} given twice");
    }
    let keys = f.issuer.db().keys(&board.id).await.expect("keys");
    assert_eq!(keys.len(), 9);
    let active: Vec<_> = keys.iter().filter(|k| k.status == medcred_store::KeyStatus::Active).collect();
    assert_eq!(active.len(), 1, "one active key");
    let (s, _) =
        call(&f.app, "POST", "/credentials/issue", Some(&f.admin), Some(json!({"credential": license("RN-9")}))).await;
    assert_eq!(s, StatusCode::CREATED, "the board still issues");
}

macro_rules! both_backends {
    ($($name:ident),*) => {
        mod sqlite { $(
            #[tokio::test]
            async fn $name() {
                let dir = tempfile::tempdir().expect("tmp");
                let db = medcred_store::testing::fresh_sqlite(dir.path()).await.expect("sqlite");
                super::$name(super::fixture(db).await).await;
            }
        )* }
        mod postgres { $(
            #[tokio::test]
            async fn $name() {
                let db = medcred_store::testing::fresh_postgres().await.expect("postgres on 127.0.0.1:5432");
                super::$name(super::fixture(db).await).await;
            }
        )* }
    };
}

both_backends!(
    issues_every_format_and_serves_it_back,
    bad_requests_get_typed_errors,
    rotation_keeps_old_credentials_verifying,
    bulk_reports_bad_rows_and_resumes,
    master_key_rotation_reseals_keys,
    concurrent_rotations_each_get_their_own_key
);
