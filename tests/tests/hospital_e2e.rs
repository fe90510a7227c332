//! Over real HTTP, on both databases: a hospital verifies a board's license (and a patient's
//! selectively disclosed identity) under its own policy, keeps the record, exports a receipt it
//! signed with its did:web key (which this deployment's verifier then verifies), and watches the
//! license; the board revokes it and the hospital's webhook receives a signed notification
//! without anyone asking, while the stored notification says the same. Also: who may do what.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use ed25519_dalek::SigningKey;
use medcred_formats::jwt::SignerKey;
use medcred_formats::keys::{decode_multibase_public, public_jwk};
use medcred_formats::sd_jwt::{present, KbParams};
use medcred_hospital::webhook::{verify_signature, SIGNATURE_HEADER};
use medcred_hospital::{create_hospital, HOSPITAL_TOKEN_PREFIX};
use medcred_tests::api::Api;
use medcred_tests::{start_trusted, Backend, Server};
use serde_json::{json, Value};
use tokio::sync::mpsc;

fn license(id: &str) -> Value {
    json!({
        "id": id,
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": "RN-4242",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    })
}

/// A webhook receiver on a random port: every POST's signature header and body.
async fn webhook() -> (String, mpsc::UnboundedReceiver<(String, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let sig = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                let _ = tx.send((sig, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().expect("addr").port());
    tokio::spawn(async move { axum::serve(listener, app).await.expect("webhook server") });
    (url, rx)
}

async fn issue(c: &Api, server: &Server, credential: Value, format: &str) -> Value {
    let (status, issued) = c
        .post(
            "/credentials/issue",
            Some(&server.admin_token),
            &json!({"credential": credential, "options": {"format": format}}),
        )
        .await;
    assert_eq!(status, 201, "{issued}");
    issued["verifiableCredential"].clone()
}

async fn hospital_flow(backend: Backend) {
    let server = start_trusted(backend).await.expect("server");
    let c = Api::new(server.url.clone());
    let hospital = create_hospital(&server.issuer, "st-mary", "St Mary's").await.expect("hospital");
    let admin = hospital.admin_token.to_string();
    assert!(admin.starts_with(HOSPITAL_TOKEN_PREFIX));
    let slug = "/hospitals/st-mary";

    // The hospital's DID document is public; its key checks receipts and webhooks.
    let (status, did_doc) = c.get(&format!("{slug}/did.json"), None).await;
    assert_eq!(status, 200, "{did_doc}");
    assert_eq!(did_doc["id"], hospital.hospital.did);
    let key = decode_multibase_public(did_doc["verificationMethod"][0]["publicKeyMultibase"].as_str().expect("key"))
        .expect("multikey");

    let (hook_url, mut hooks) = webhook().await;
    let (status, body) =
        c.send(reqwest::Method::PUT, &format!("{slug}/webhook"), Some(&admin), Some(&json!({"url": hook_url}))).await;
    assert_eq!(status, 200, "{body}");

    // Verify and watch a license.
    let id = "urn:uuid:7a1e0000-0000-4000-8000-000000000001";
    let vc = issue(&c, &server, license(id), "eddsa-jcs-2022").await;
    let (status, done) = c
        .post(&format!("{slug}/verifications"), Some(&admin), &json!({"verifiableCredential": vc, "watch": true}))
        .await;
    assert_eq!(status, 201, "{done:#}");
    assert_eq!(done["verdict"], "valid", "{done:#}");
    let trust = done["report"]["checks"].as_array().expect("checks").iter().find(|c| c["name"] == "issuer_trust");
    assert_eq!(trust.map(|t| (&t["outcome"], t.get("advisory"))), Some((&json!("passed"), None)), "trust counts");
    assert_eq!(done["watches"][0]["standing"], "good");
    assert_eq!(done["watches"][0]["label"], "MedicalLicenseCredential RN RN-4242 US-NJ");
    let verification = done["id"].as_str().expect("id").to_owned();

    // The receipt: signed by the hospital, verified by this deployment's own verifier.
    let (status, receipt) = c.get(&format!("{slug}/verifications/{verification}/receipt"), Some(&admin)).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["issuer"]["id"], hospital.hospital.did);
    let subject = &receipt["credentialSubject"];
    assert_eq!(subject["verdict"], "valid");
    assert_eq!(subject["credentials"][0]["id"], id);
    assert_eq!(subject["credentials"][0]["disclosed"]["licenseNumber"], "RN-4242");
    let status_detail = subject["credentials"][0]["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "status"))
        .and_then(|c| c["detail"].as_str())
        .unwrap_or_default();
    assert!(status_detail.contains("proven by snapshot leaf"), "which checkpoint: {status_detail}");
    let (status, checked) = c.post("/credentials/verify", None, &json!({"verifiableCredential": receipt})).await;
    assert_eq!(status, 200, "the receipt verifies: {checked:#}");
    let mut tampered = receipt.clone();
    tampered["credentialSubject"]["verdict"] = json!("invalid");
    let (status, _) = c.post("/credentials/verify", None, &json!({"verifiableCredential": tampered})).await;
    assert_eq!(status, 422, "a tampered receipt does not");

    // The board revokes: the watch notices on its own and the webhook gets a signed notice.
    let (status, body) = c
        .post(
            &format!("/boards/e2e/credentials/{id}/status"),
            Some(&server.admin_token),
            &json!({"action": "revoke", "reason": "board order"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (signature, bytes) =
        tokio::time::timeout(Duration::from_secs(30), hooks.recv()).await.expect("a webhook call").expect("open");
    assert!(verify_signature(&signature, &bytes, &key), "signed by the hospital's DID key");
    let note: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!((&note["standing"], &note["previous"]), (&json!("revoked"), &json!("good")), "{note}");
    assert_eq!(note["verification"], verification.as_str());
    assert!(note["detail"].as_str().unwrap_or_default().contains("revoked"), "{note}");
    assert!(!verify_signature(&signature, b"{}", &key));

    let (_, notes) = c.get(&format!("{slug}/notifications"), Some(&admin)).await;
    assert_eq!(notes["notifications"][0]["standing"], "revoked", "{notes}");
    let (_, watches) = c.get(&format!("{slug}/watches"), Some(&admin)).await;
    assert_eq!(watches["watches"][0]["standing"], "revoked", "{watches}");
    // A round now changes nothing more: one change, one notification.
    let (status, round) = c.post(&format!("{slug}/monitor"), Some(&admin), &json!({})).await;
    assert_eq!((status, &round["changed"]), (200, &json!(0)), "{round}");

    // Verifying the same license again: invalid, and the history keeps both.
    let (_, again) = c.post(&format!("{slug}/verifications"), Some(&admin), &json!({"verifiableCredential": vc})).await;
    assert_eq!(again["verdict"], "invalid", "{again:#}");
    let (_, history) = c.get(&format!("{slug}/verifications"), Some(&admin)).await;
    assert_eq!(history["verifications"].as_array().map(Vec::len), Some(2), "{history}");

    // A patient discloses only name and birth date with a key-binding JWT; the receipt holds
    // only that.
    let holder = SigningKey::from_bytes(&[9; 32]);
    let holder_did = format!("did:jwk:{}", {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public_jwk(&holder.verifying_key()).to_string())
    });
    let patient = json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "credentialSubject": {"id": holder_did, "givenName": "Ada", "familyName": "Lovelace",
            "birthDate": "1990-12-10", "patientIdentifier": "MRN-000042"}
    });
    let sd = issue(&c, &server, patient, "dc+sd-jwt").await;
    let sd = sd["id"]
        .as_str()
        .and_then(|s| s.split_once(','))
        .map(|(_, jwt)| jwt.to_owned())
        .unwrap_or_else(|| sd.as_str().expect("compact").to_owned());
    let kb = KbParams {
        aud: hospital.hospital.did.clone(),
        nonce: "n-2026-12-02".into(),
        iat: chrono::Utc::now().timestamp(),
        holder: SignerKey::Ed25519(holder),
    };
    let presented = present(&sd, &["/given_name".into(), "/birthdate".into()], Some(&kb)).expect("present");
    let body = json!({"verifiablePresentation": presented,
        "options": {"challenge": "n-2026-12-02", "domain": hospital.hospital.did}});
    let (status, done) = c.post(&format!("{slug}/verifications"), Some(&admin), &body).await;
    assert_eq!((status, &done["verdict"]), (201, &json!("valid")), "{done:#}");
    let pid = done["id"].as_str().expect("id");
    let (_, receipt) = c.get(&format!("{slug}/verifications/{pid}/receipt"), Some(&admin)).await;
    let disclosed = &receipt["credentialSubject"]["credentials"][0]["disclosed"];
    assert_eq!((&disclosed["given_name"], &disclosed["birthdate"]), (&json!("Ada"), &json!("1990-12-10")));
    let text = receipt.to_string();
    assert!(!text.contains("Lovelace") && !text.contains("MRN-000042"), "undisclosed claims stay out: {text}");

    // Who may do what.
    let (status, _) = c.get(&format!("{slug}/verifications"), None).await;
    assert_eq!(status, 401);
    let (status, _) = c.get(&format!("{slug}/verifications"), Some(&server.admin_token)).await;
    assert_eq!(status, 401, "a board token is not a hospital token");
    let other = create_hospital(&server.issuer, "other", "Other Hospital").await.expect("other");
    let (status, _) = c.get(&format!("{slug}/verifications/{verification}/receipt"), Some(&other.admin_token)).await;
    assert_eq!(status, 404, "another hospital cannot read this one's receipts");
    let (status, _) =
        c.get(&format!("/hospitals/other/verifications/{verification}/receipt"), Some(&other.admin_token)).await;
    assert_eq!(status, 404, "nor through its own path");
    let (status, token) =
        c.post(&format!("{slug}/tokens"), Some(&admin), &json!({"role": "verifier", "label": "front desk"})).await;
    assert_eq!(status, 201, "{token}");
    let desk = token["token"].as_str().expect("token").to_owned();
    let (status, _) =
        c.send(reqwest::Method::PUT, &format!("{slug}/webhook"), Some(&desk), Some(&json!({"url": null}))).await;
    assert_eq!(status, 403, "a verifier token cannot change the webhook");
    let (status, _) = c.post(&format!("{slug}/tokens"), Some(&desk), &json!({"role": "admin"})).await;
    assert_eq!(status, 403);

    // Bad input: typed 4xx, never a 500.
    let (status, bad) = c
        .post(&format!("{slug}/verifications"), Some(&desk), &json!({"verifiableCredential": "not a credential"}))
        .await;
    assert_eq!((status, &bad["code"]), (400, &json!("malformed_credential")), "{bad}");
    assert_eq!(bad["report"]["checks"][0]["outcome"], "failed");
    let (status, bad) = c.post(&format!("{slug}/verifications"), Some(&desk), &json!({})).await;
    assert_eq!((status, &bad["code"]), (400, &json!("invalid_request")), "{bad}");
    let (status, bad) =
        c.send(reqwest::Method::PUT, &format!("{slug}/webhook"), Some(&admin), Some(&json!({"url": "ftp://x"}))).await;
    assert_eq!((status, &bad["code"]), (400, &json!("malformed_webhook_url")), "{bad}");
    let (status, _) = c.get(&format!("{slug}/verifications/urn:uuid:nope/receipt"), Some(&desk)).await;
    assert_eq!(status, 404);
    let (status, _) = c.get("/hospitals/nobody/did.json", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn hospital_receipts_and_monitoring_sqlite() {
    hospital_flow(Backend::Sqlite).await;
}

#[tokio::test]
async fn hospital_receipts_and_monitoring_postgres() {
    hospital_flow(Backend::Postgres).await;
}
