//! The verifier service when the outside world fails: an issuer whose did:web server is down, a
//! status list that cannot be fetched. The answer is "could not check" with the reason, never
//! "valid" and never a server error.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ed25519_dalek::SigningKey;
use http_body_util::BodyExt;
use medcred_formats::{jwt, IssuerKey};
use medcred_verifier_service::{router, Clock, HttpFetcher, Settings, Sources, Verifier};
use serde_json::{json, Value};
use tower::ServiceExt;

fn verifier() -> Verifier {
    let clock: Clock = Arc::new(chrono::Utc::now);
    Verifier::new(Sources::new(Arc::new(HttpFetcher::new().expect("client"))), Settings::default(), clock)
}

/// A free loopback port with nothing listening on it.
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

async fn verify(v: &Verifier, vc: &str) -> (StatusCode, Value) {
    let body = json!({"verifiableCredential": vc}).to_string();
    let req = Request::post("/credentials/verify").header("content-type", "application/json").body(Body::from(body));
    let resp = router(v.clone()).oneshot(req.expect("request")).await.expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

#[tokio::test]
async fn an_unreachable_issuer_could_not_be_checked() {
    let did = format!("did:web:127.0.0.1%3A{}", dead_port());
    let key = IssuerKey::new(SigningKey::from_bytes(&[5; 32]), format!("{did}#key-1"));
    let vc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                    "issuer": did, "credentialSubject": {"id": "did:example:1"}});
    let jwt = jwt::sign_vc_jwt(&vc, &key).expect("sign");
    let v = verifier();
    for _ in 0..2 {
        // Twice: the second answer comes from the remembered failure, and says the same.
        let (status, result) = verify(&v, &jwt).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{result:#}");
        assert_eq!(result["verdict"], "could_not_check");
        let error = &result["errors"][0];
        assert_eq!((&error["check"], &error["outcome"]), (&json!("issuer_binding"), &json!("could_not_check")));
        assert!(error["message"].as_str().unwrap_or_default().contains("could not resolve the issuer"), "{error}");
    }
}

#[tokio::test]
async fn an_unreachable_status_list_could_not_be_checked() {
    let issuer = IssuerKey::did_key(SigningKey::from_bytes(&[6; 32]));
    let list = format!("http://127.0.0.1:{}/status/1", dead_port());
    let vc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                    "issuer": issuer.did(), "credentialSubject": {"id": "did:example:1"},
                    "credentialStatus": {"id": format!("{list}#3"), "type": "BitstringStatusListEntry",
                                         "statusPurpose": "revocation", "statusListIndex": "3",
                                         "statusListCredential": list}});
    let (status, result) = verify(&verifier(), &jwt::sign_vc_jwt(&vc, &issuer).expect("sign")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{result:#}");
    assert_eq!(result["verdict"], "could_not_check");
    let error = &result["errors"][0];
    assert_eq!((&error["check"], &error["outcome"]), (&json!("status"), &json!("could_not_check")), "{result:#}");
    assert!(error["message"].as_str().unwrap_or_default().contains(&list), "{error}");
}
