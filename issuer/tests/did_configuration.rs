//! `GET /.well-known/did-configuration.json` in-process (tower `oneshot`), on SQLite and
//! PostgreSQL: one Domain Linkage Credential per did:web board, each checked by the verifier's
//! own domain linkage check against the board's served DID document; after a key rotation the
//! credential is signed by the new key; no did:web board, no resource.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use http_body_util::BodyExt;
use medcred_formats::jwt::decode;
use medcred_issuer::{FixedClock, Issuer, MasterKey, NewBoard};
use medcred_store::Db;
use medcred_verifier::linkage::verify_jwt_linkage;
use serde_json::Value;
use tower::ServiceExt;

const PUBLIC_URL: &str = "http://localhost:8080";

fn now() -> DateTime<Utc> {
    "2026-02-01T12:00:00Z".parse().expect("time")
}

fn issuer(db: Db) -> Issuer {
    Issuer::new(db, MasterKey::generate(), Arc::new(FixedClock(now())), PUBLIC_URL)
}

async fn board(issuer: &Issuer, slug: &str, did_key: bool) -> String {
    let new = NewBoard { slug: slug.into(), name: format!("Board {slug}"), did_key, host_did: false };
    issuer.create_board(&new).await.expect("board").board.did
}

/// GET `path`: status, headers, body.
async fn get(app: &Router, path: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    let resp = app.clone().oneshot(Request::get(path).body(Body::empty()).expect("request")).await.expect("response");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The credential of the configuration that names `did`, checked against its served document.
async fn linkage_of(app: &Router, config: &Value, did: &str, slug: &str) -> String {
    let jwt = config["linked_dids"]
        .as_array()
        .expect("linked_dids")
        .iter()
        .filter_map(Value::as_str)
        .find(|j| decode(j).ok().and_then(|d| d.claims().ok()).is_some_and(|c| c["iss"] == did))
        .expect("a credential for the board")
        .to_owned();
    let (status, _, doc) = get(app, &format!("/boards/{slug}/did.json")).await;
    assert_eq!(status, StatusCode::OK);
    verify_jwt_linkage(&jwt, did, PUBLIC_URL, &doc, now(), Duration::zero()).expect("the link verifies");
    jwt
}

async fn lists_every_did_web_board(db: Db) {
    let issuer = issuer(db);
    issuer.check_master_key().await.expect("master key");
    let app = medcred_issuer::router(issuer.clone());
    let (status, _, body) = get(&app, "/.well-known/did-configuration.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no did:web board yet: {body}");

    let nj = board(&issuer, "nj-bon", false).await;
    let ny = board(&issuer, "ny-bon", false).await;
    board(&issuer, "keyed", true).await;
    let (status, headers, config) = get(&app, "/.well-known/did-configuration.json").await;
    assert_eq!(status, StatusCode::OK, "{config}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");
    assert_eq!(config["@context"], "https://identity.foundation/.well-known/did-configuration/v1");
    assert_eq!(config["linked_dids"].as_array().map(Vec::len), Some(2), "only the did:web boards: {config}");
    let jwt = linkage_of(&app, &config, &nj, "nj-bon").await;
    assert_eq!(decode(&jwt).expect("decode").kid(), Some(format!("{nj}#key-1").as_str()));
    linkage_of(&app, &config, &ny, "ny-bon").await;
    // The same day, the same bytes.
    assert_eq!(get(&app, "/.well-known/did-configuration.json").await.2, config);

    // After a rotation the credential is signed by the new active key.
    let nj_board = issuer.db().board_by_slug("nj-bon").await.expect("board");
    issuer.rotate_key(&nj_board).await.expect("rotate");
    let (_, _, config) = get(&app, "/.well-known/did-configuration.json").await;
    let jwt = linkage_of(&app, &config, &nj, "nj-bon").await;
    assert_eq!(decode(&jwt).expect("decode").kid(), Some(format!("{nj}#key-2").as_str()));
}

#[tokio::test]
async fn lists_every_did_web_board_sqlite() {
    let dir = tempfile::tempdir().expect("tmp");
    lists_every_did_web_board(medcred_store::testing::fresh_sqlite(dir.path()).await.expect("sqlite")).await;
}

#[tokio::test]
async fn lists_every_did_web_board_postgres() {
    lists_every_did_web_board(medcred_store::testing::fresh_postgres().await.expect("postgres on 127.0.0.1:5432"))
        .await;
}
