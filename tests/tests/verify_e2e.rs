//! Over real HTTP, on both databases: a board issues a license in every format; the VC-API
//! verifier of the same deployment verifies it — issuer binding, proof, validity, and status
//! proven against the board's ledger — then the board revokes it and the very next verification,
//! with no waiting, says revoked. Also: the VC-API error shapes and DID resolution.

use medcred_tests::{start, Backend, Server};
use serde_json::{json, Value};

const FORMATS: [&str; 4] = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc+jwt", "dc+sd-jwt"];

fn license(n: usize) -> Value {
    json!({
        "id": format!("urn:uuid:00000000-0000-4000-8000-00000000000{n}"),
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": format!("RN-10{n}"),
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    })
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = http.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

async fn verify(http: &reqwest::Client, server: &Server, vc: &Value) -> (u16, Value) {
    post(http, format!("{}/credentials/verify", server.url), None, &json!({"verifiableCredential": vc})).await
}

fn check<'a>(result: &'a Value, name: &str) -> &'a Value {
    result["report"]["checks"].as_array().expect("checks").iter().find(|c| c["name"] == name).expect("check")
}

async fn revoke_is_seen_at_once(backend: Backend) {
    let server = start(backend).await.expect("server");
    let http = reqwest::Client::new();
    for (n, format) in FORMATS.iter().enumerate() {
        let (status, issued) = post(
            &http,
            format!("{}/credentials/issue", server.url),
            Some(&server.admin_token),
            &json!({"credential": license(n), "options": {"format": format}}),
        )
        .await;
        assert_eq!(status, 201, "{format}: {issued}");
        let vc = issued["verifiableCredential"].clone();

        let (status, result) = verify(&http, &server, &vc).await;
        assert_eq!(status, 200, "{format}: {result:#}");
        assert_eq!(result["verified"], true);
        assert_eq!(result["errors"], json!([]));
        let status_check = check(&result, "status");
        assert_eq!(status_check["outcome"], "passed", "{format}: {status_check}");
        let detail = status_check["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("proven by snapshot leaf") && detail.contains("boards/e2e"), "{format}: {detail}");
        // No trust list is configured: trust is reported as a warning, not an error.
        assert_eq!(result["warnings"][0]["check"], "issuer_trust", "{format}: {result}");

        let id = license(n)["id"].as_str().expect("id").to_owned();
        let (status, body) = post(
            &http,
            format!("{}/boards/e2e/credentials/{id}/status", server.url),
            Some(&server.admin_token),
            &json!({"action": "revoke", "reason": "e2e"}),
        )
        .await;
        assert_eq!(status, 200, "{format}: {body}");

        // The revocation was acknowledged: the next verification must see it.
        let (status, result) = verify(&http, &server, &vc).await;
        assert_eq!(status, 422, "{format}: {result:#}");
        assert_eq!((&result["verified"], &result["verdict"]), (&json!(false), &json!("invalid")));
        let error = &result["errors"][0];
        assert_eq!((&error["check"], &error["outcome"]), (&json!("status"), &json!("failed")), "{format}: {result}");
        assert!(error["message"].as_str().unwrap_or_default().starts_with("revoked"), "{format}: {error}");
        assert_eq!(result["problemDetails"][0]["type"], "https://medcred.org/problems#status");
    }
}

#[tokio::test]
async fn a_revocation_is_seen_by_the_next_verification_sqlite() {
    revoke_is_seen_at_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_revocation_is_seen_by_the_next_verification_postgres() {
    revoke_is_seen_at_once(Backend::Postgres).await;
}

#[tokio::test]
async fn bad_requests_get_typed_errors() {
    let server = start(Backend::Sqlite).await.expect("server");
    let http = reqwest::Client::new();
    let url = format!("{}/credentials/verify", server.url);
    let raw = |body: &'static str, content_type: &'static str| {
        http.post(url.clone()).header("content-type", content_type).body(body).send()
    };
    for (body, content_type, status, code) in [
        ("{", "application/json", 400, "malformed_json"),
        ("[]", "application/json", 400, "invalid_request"),
        ("{}", "application/json", 400, "missing_credential"),
        ("{}", "text/plain", 415, "unsupported_media_type"),
        (r#"{"verifiableCredential": 5}"#, "application/json", 400, "invalid_request"),
        (
            r#"{"verifiableCredential": "x", "options": {"checks": ["telepathy"]}}"#,
            "application/json",
            400,
            "unknown_check",
        ),
    ] {
        let resp = raw(body, content_type).await.expect("request");
        assert_eq!(resp.status().as_u16(), status, "{body}");
        let v: Value = resp.json().await.expect("JSON error");
        assert_eq!(v["code"], code, "{body}: {v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let deep = format!("{{\"verifiableCredential\": {}{}}}", "[".repeat(1000), "]".repeat(1000));
    let resp = http.post(url.clone()).header("content-type", "application/json").body(deep).send().await.expect("deep");
    assert_eq!(resp.status().as_u16(), 400);
    let huge = format!("{{\"verifiableCredential\": \"{}\"}}", "a".repeat(10 << 20));
    let resp = http.post(url.clone()).header("content-type", "application/json").body(huge).send().await.expect("huge");
    assert_eq!(resp.status().as_u16(), 413);
    // Well-formed JSON that is not a credential: the full result, answered 400.
    let (status, result) = verify(&http, &server, &json!({"hello": "world"})).await;
    assert_eq!(status, 400);
    assert_eq!((&result["verified"], &result["errors"][0]["check"]), (&json!(false), &json!("syntax")));
}

#[tokio::test]
async fn did_resolution_answers_results_and_typed_errors() {
    let server = start(Backend::Sqlite).await.expect("server");
    let http = reqwest::Client::new();
    let get = |did: String| {
        let http = http.clone();
        let url = format!("{}/1.0/identifiers/{did}", server.url);
        async move {
            let resp = http.get(url).send().await.expect("request");
            (resp.status().as_u16(), resp.json::<Value>().await.expect("JSON"))
        }
    };
    let (status, result) = get(server.board_did.clone()).await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["didDocument"]["id"], server.board_did.as_str());
    assert!(result["didDocument"]["assertionMethod"].as_array().is_some_and(|a| !a.is_empty()));
    let did_key = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    assert_eq!(get(did_key.into()).await.1["didDocument"]["id"], did_key);
    for (did, status, error) in [
        ("did:example:123".to_owned(), 501, "methodNotSupported"),
        ("not-a-did".to_owned(), 400, "invalidDid"),
        ("did:key:z0OIl".to_owned(), 400, "invalidDid"),
        (server.board_did.replace(":e2e", ":nobody"), 404, "notFound"),
    ] {
        let (got, result) = get(did.clone()).await;
        assert_eq!(got, status, "{did}: {result}");
        assert_eq!(result["didResolutionMetadata"]["error"], error, "{did}");
        assert_eq!(result["didDocument"], Value::Null);
    }
}

/// A holder (did:key) presents a license issued to it, signed for the verifier's challenge and
/// domain; the VC-API checks the presentation and the credential inside, and refuses a replay
/// against another challenge.
#[tokio::test]
async fn a_presentation_verifies_over_the_vc_api() {
    use medcred_formats::{di_jcs, IssuerKey};
    let server = start(Backend::Sqlite).await.expect("server");
    let http = reqwest::Client::new();
    let holder = IssuerKey::did_key(ed25519_dalek::SigningKey::from_bytes(&[42; 32]));
    let mut credential = license(7);
    credential["credentialSubject"]["id"] = json!(holder.did());
    let (status, issued) = post(
        &http,
        format!("{}/credentials/issue", server.url),
        Some(&server.admin_token),
        &json!({"credential": credential, "options": {"format": "vc+jwt"}}),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did(),
        "verifiableCredential": [issued["verifiableCredential"]]
    });
    let options = di_jcs::ProofOptions::authentication(Some("n-123".into()), Some("hospital.example".into()));
    let signed = di_jcs::sign_with(&vp, &holder, chrono::Utc::now(), &options).expect("sign");
    let url = format!("{}/presentations/verify", server.url);
    let body = |challenge: &str| json!({"verifiablePresentation": signed, "options": {"challenge": challenge, "domain": "hospital.example"}});
    let (status, result) = post(&http, url.clone(), None, &body("n-123")).await;
    assert_eq!(status, 200, "{result:#}");
    assert_eq!(result["report"]["credentials"][0]["verdict"], "valid");
    assert!(result["checks"].as_array().expect("checks").contains(&json!("holder_binding")));
    let (status, result) = post(&http, url, None, &body("n-456")).await;
    assert_eq!(status, 422, "{result:#}");
    assert_eq!(result["errors"][0]["check"], "holder_binding");
}

/// The deployment publishes a DID Configuration linking its did:web board to its origin (DIF
/// Well-Known DID Configuration), and its verifier reports the link in the issuer trust check.
#[tokio::test]
async fn a_board_credential_shows_its_domain_linkage() {
    let server = start(Backend::Sqlite).await.expect("server");
    let http = reqwest::Client::new();
    let resp = http.get(format!("{}/.well-known/did-configuration.json", server.url)).send().await.expect("get");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let configuration: Value = resp.json().await.expect("JSON");
    assert_eq!(configuration["linked_dids"].as_array().map(Vec::len), Some(1), "{configuration}");

    let (status, issued) = post(
        &http,
        format!("{}/credentials/issue", server.url),
        Some(&server.admin_token),
        &json!({"credential": license(8), "options": {"format": "vc+jwt"}}),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    let (status, result) = verify(&http, &server, &issued["verifiableCredential"]).await;
    assert_eq!(status, 200, "{result:#}");
    let trust = check(&result, "issuer_trust");
    let detail = trust["detail"].as_str().unwrap_or_default();
    assert_eq!(detail, format!("domain linkage: {} verified", server.url), "{trust}");
}

/// Revoking a suspended credential lifts its suspension too, so the token status list (one value
/// per entry) and the two bitstrings the ledger commits to still agree: the revoked credential
/// says revoked, and every other SD-JWT VC on that list keeps verifying (it was "could not check").
async fn revoking_a_suspended_credential(backend: Backend) {
    let server = start(backend).await.expect("server");
    let http = reqwest::Client::new();
    let mut vcs = Vec::new();
    for n in 0..2 {
        let (status, issued) = post(
            &http,
            format!("{}/credentials/issue", server.url),
            Some(&server.admin_token),
            &json!({"credential": license(n), "options": {"format": "dc+sd-jwt"}}),
        )
        .await;
        assert_eq!(status, 201, "{issued}");
        vcs.push(issued["verifiableCredential"].clone());
    }
    let id = license(0)["id"].as_str().expect("id").to_owned();
    for action in ["suspend", "revoke"] {
        let (status, body) = post(
            &http,
            format!("{}/boards/e2e/credentials/{id}/status", server.url),
            Some(&server.admin_token),
            &json!({"action": action, "reason": "e2e"}),
        )
        .await;
        assert_eq!(status, 200, "{action}: {body}");
        if action == "revoke" {
            assert_eq!((&body["revoked"], &body["suspended"]), (&json!(true), &json!(false)), "{body}");
        }
    }
    let (status, result) = verify(&http, &server, &vcs[0]).await;
    assert_eq!((status, &result["verdict"]), (422, &json!("invalid")), "{result:#}");
    assert!(result["errors"][0]["message"].as_str().unwrap_or_default().starts_with("revoked"), "{result}");
    let (status, result) = verify(&http, &server, &vcs[1]).await;
    assert_eq!((status, &result["verdict"]), (200, &json!("valid")), "the neighbour on the list: {result:#}");
}

#[tokio::test]
async fn revoking_a_suspended_credential_keeps_the_list_consistent_sqlite() {
    revoking_a_suspended_credential(Backend::Sqlite).await;
}

#[tokio::test]
async fn revoking_a_suspended_credential_keeps_the_list_consistent_postgres() {
    revoking_a_suspended_credential(Backend::Postgres).await;
}
