//! The browser wallet in a real browser (Debian's Chromium at a phone's size): a holder opens
//! `/wallet`, receives a board's offers (OpenID4VCI with the PIN; a wrong PIN first), answers a
//! hospital's requests (OpenID4VP, encrypted `direct_post.jwt`) while a hospital verifier watches
//! the verdict appear on the desk's page, declines one, sees the license REVOKED when the board
//! revokes it and checks its status, and the next presentation is NOT VALID. The holder key stays
//! in the browser: the server only serves the page. `tests/browser/wallet.mjs` drives it.

use std::path::PathBuf;

use medcred_app::auth::{Accounts, NewUser};
use medcred_store::{OrgKind, UserRole};
use medcred_tests::{start_trusted, Backend};
use serde_json::{json, Value};

async fn offer(http: &reqwest::Client, url: &str, token: &str, source: &str, format: &str) -> (String, String) {
    let resp = http
        .post(format!("{url}/boards/e2e/credentials/{source}/offer"))
        .bearer_auth(token)
        .json(&json!({"format": format}))
        .send()
        .await
        .expect("offer");
    assert_eq!(resp.status().as_u16(), 201, "offer {format}");
    let body: Value = resp.json().await.expect("json");
    (
        body["openid_credential_offer_url"].as_str().expect("offer url").to_owned(),
        body["tx_code"].as_str().expect("pin").to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_wallet_receives_and_presents() {
    let site = std::env::var("MEDCRED_SITE_ROOT").expect(
        "MEDCRED_SITE_ROOT must name the built web app (run ./scripts/test.sh, which builds it with scripts/build-app.sh)",
    );
    assert!(PathBuf::from(&site).join("pkg/medcred_app_bg.wasm").exists(), "no hydration bundle in {site}/pkg");
    let server = start_trusted(Backend::Sqlite).await.expect("server");
    medcred_hospital::create_hospital(&server.issuer, "st-mary", "St Mary's Hospital").await.expect("hospital");
    let accounts = Accounts::new(server.issuer.clone());
    let new = NewUser {
        org_kind: OrgKind::Hospital,
        org_slug: "st-mary".into(),
        email: "verifier@st-mary.example".into(),
        name: Some("Hal Desk".into()),
        role: UserRole::HospitalVerifier,
        password: None,
    };
    let (_, password) = accounts.add_user(new).await.expect("user");
    let password = password.expect("generated").to_string();

    // The board issues an RN license and offers it in two formats, and a patient identity.
    let http = reqwest::Client::new();
    let issue = |credential: Value| {
        let http = http.clone();
        let (url, token) = (server.url.clone(), server.admin_token.clone());
        async move {
            let body: Value = http
                .post(format!("{url}/credentials/issue"))
                .bearer_auth(&token)
                .json(&json!({"credential": credential, "options": {"format": "eddsa-jcs-2022"}}))
                .send()
                .await
                .expect("issue")
                .json()
                .await
                .expect("json");
            body["verifiableCredential"]["id"].as_str().expect("issued").to_owned()
        }
    };
    let license = issue(json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": "RN-4242",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    }))
    .await;
    let patient = issue(json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10",
            "patientIdentifier": "MRN-000042"}
    }))
    .await;
    let (sd_offer, sd_pin) = offer(&http, &server.url, &server.admin_token, &license, "dc+sd-jwt").await;
    let (jwt_offer, jwt_pin) = offer(&http, &server.url, &server.admin_token, &license, "jwt_vc_json").await;
    let (patient_offer, patient_pin) = offer(&http, &server.url, &server.admin_token, &patient, "dc+sd-jwt").await;

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shots =
        std::env::var("MEDCRED_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|_| root.join("../target/screenshots"));
    let out = tokio::process::Command::new("node")
        .arg(root.join("browser/wallet.mjs"))
        .env("MEDCRED_URL", &server.url)
        .env("DESK_EMAIL", "verifier@st-mary.example")
        .env("DESK_PASSWORD", &password)
        .env("SD_OFFER", &sd_offer)
        .env("SD_PIN", &sd_pin)
        .env("JWT_OFFER", &jwt_offer)
        .env("JWT_PIN", &jwt_pin)
        .env("PATIENT_OFFER", &patient_offer)
        .env("PATIENT_PIN", &patient_pin)
        .env("CREDENTIALS_URL", format!("{}/boards/e2e/credentials", server.url))
        .env("BOARD_TOKEN", &server.admin_token)
        .env("SCREENSHOTS", &shots)
        .output()
        .await
        .expect("node runs (scripts/test.sh installs playwright-core and Chromium)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser wallet checks failed:\n{stdout}");
    assert!(stdout.contains("all browser checks passed"));
}
