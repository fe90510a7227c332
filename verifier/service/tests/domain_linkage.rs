//! Domain linkage over real HTTP: a did:web board on a loopback port serves its DID document and
//! (or not) a DID Configuration; the verifier service fetches both (http for loopback, as for
//! did:web) and reports the link in the issuer trust check: verified, not published (nothing
//! fails), or published without linking the DID (the check fails).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use ed25519_dalek::SigningKey;
use http_body_util::BodyExt;
use medcred_formats::jwt::{self, sign_compact};
use medcred_formats::keys::multibase_public;
use medcred_formats::IssuerKey;
use medcred_verifier_service::{router, Clock, HttpFetcher, Settings, Sources, Verifier};
use serde_json::{json, Value};
use tower::ServiceExt;

/// A board at `http://127.0.0.1:<port>` publishing `configuration` (none: 404).
struct Board {
    did: String,
    origin: String,
    key: IssuerKey,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Board {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the board's origin publishes, given its DID, origin and key.
type Publish = fn(&str, &str, &IssuerKey) -> Option<String>;

async fn board(publish: Publish) -> Board {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let did = format!("did:web:127.0.0.1%3A{port}:boards:nj");
    let origin = format!("http://127.0.0.1:{port}");
    let key = IssuerKey::new(SigningKey::from_bytes(&[11; 32]), format!("{did}#key-1"));
    let doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": key.verification_method(), "type": "Multikey", "controller": did,
                                "publicKeyMultibase": multibase_public(&key.verifying_key())}],
        "assertionMethod": [key.verification_method()]
    })
    .to_string();
    let configuration = publish(&did, &origin, &key);
    let app = Router::new().route("/boards/nj/did.json", get(move || async move { doc })).route(
        "/.well-known/did-configuration.json",
        get(move || async move {
            match configuration {
                Some(c) => ([(header::CONTENT_TYPE, "application/json")], c).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Board { did, origin, key, task }
}

/// A DID Configuration with a Domain Linkage Credential linking `did` to `origin`, by `key`.
fn linking(did: &str, origin: &str, key: &IssuerKey) -> Option<String> {
    let t = chrono::Utc::now().timestamp();
    let claims = json!({"iss": did, "sub": did, "nbf": t - 60, "exp": t + 86_400, "vc": {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://identity.foundation/.well-known/did-configuration/v1"],
        "type": ["VerifiableCredential", "DomainLinkageCredential"], "issuer": did,
        "credentialSubject": {"id": did, "origin": origin}}});
    let header = json!({"alg": "EdDSA", "kid": key.verification_method()});
    let jwt = sign_compact(&header, claims.to_string().as_bytes(), key).ok()?;
    Some(
        json!({"@context": "https://identity.foundation/.well-known/did-configuration/v1", "linked_dids": [jwt]})
            .to_string(),
    )
}

/// Verify a license-like credential of `board`, counting `checks`.
async fn verify(board: &Board, checks: Value) -> (StatusCode, Value) {
    let vc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                    "issuer": board.did, "credentialSubject": {"id": "did:example:1"}});
    let compact = jwt::sign_vc_jwt(&vc, &board.key).expect("sign");
    let clock: Clock = Arc::new(chrono::Utc::now);
    let verifier =
        Verifier::new(Sources::new(Arc::new(HttpFetcher::new().expect("client"))), Settings::default(), clock);
    let body = json!({"verifiableCredential": compact, "options": {"checks": checks}}).to_string();
    let req = Request::post("/credentials/verify").header("content-type", "application/json").body(Body::from(body));
    let resp = router(verifier).oneshot(req.expect("request")).await.expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

fn issuer_trust(result: &Value) -> &Value {
    let checks = result["report"]["checks"].as_array().expect("checks");
    checks.iter().find(|c| c["name"] == "issuer_trust").expect("issuer_trust")
}

#[tokio::test]
async fn a_linked_board_is_reported_verified() {
    let board = board(linking).await;
    let (status, result) = verify(&board, json!(["proof"])).await;
    assert_eq!(status, StatusCode::OK, "{result:#}");
    let trust = issuer_trust(&result);
    // No trust list here: trust itself could not be checked (a warning), the link could.
    assert_eq!(trust["outcome"], "could_not_check", "{trust}");
    assert_eq!(trust["detail"], format!("domain linkage: {} verified", board.origin), "{trust}");
}

#[tokio::test]
async fn a_board_publishing_nothing_fails_nothing() {
    let board = board(|_, _, _| None).await;
    let (status, result) = verify(&board, json!(["proof"])).await;
    assert_eq!(status, StatusCode::OK, "{result:#}");
    let detail = issuer_trust(&result)["detail"].as_str().unwrap_or_default().to_owned();
    assert_eq!(detail, format!("domain linkage: no DID configuration published at {}", board.origin));
}

#[tokio::test]
async fn a_configuration_not_linking_the_did_fails_issuer_trust() {
    let board = board(|did, _, key| linking(did, "https://elsewhere.example", key)).await;
    let expected = format!("the board's domain {} does not link the DID {}: ", board.origin, board.did);
    // Advisory on the generic endpoint: a warning.
    let (status, result) = verify(&board, json!(["proof"])).await;
    assert_eq!(status, StatusCode::OK, "{result:#}");
    let warning = &result["warnings"][0];
    assert_eq!((&warning["check"], &warning["outcome"]), (&json!("issuer_trust"), &json!("failed")), "{result:#}");
    assert!(warning["message"].as_str().unwrap_or_default().starts_with(&expected), "{warning}");
    // Counted when the caller asks for issuer trust.
    let (status, result) = verify(&board, json!(["proof", "issuer_trust"])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{result:#}");
    assert_eq!(result["verdict"], "invalid");
    let error = &result["errors"][0];
    assert_eq!(error["check"], "issuer_trust");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.starts_with(&expected) && message.contains("https://elsewhere.example"), "{message}");
}
