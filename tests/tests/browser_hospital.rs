//! The hospital's pages in a real browser: a server on a random port with the hydration bundle
//! (`MEDCRED_SITE_ROOT`, built by `scripts/build-app.sh`), a trusted board that issues an RN
//! license, a holder who receives it with the CLI wallet (`medcred wallet receive`, OpenID4VCI
//! with the PIN), a hospital verifier, and `tests/browser/hospital.mjs` driving Debian's Chromium
//! through "Verify a clinician": the QR page, the holder answering with `medcred wallet present
//! --yes`, VALID without a reload, the receipt, then — after the board revokes — NOT VALID with
//! the reason. Screenshots go to `target/screenshots` (or `$MEDCRED_SCREENSHOTS`).
//!
//! The `medcred` binary is `$MEDCRED_BIN`, else the one cargo built next to this test's
//! directory (`target/debug/medcred`, built with the workspace's tests).

use std::path::{Path, PathBuf};

use medcred_app::auth::{Accounts, NewUser};
use medcred_formats::sd_jwt;
use medcred_store::{OrgKind, UserRole};
use medcred_tests::{start_trusted, Backend};
use medcred_wallet::Wallet;
use serde_json::{json, Value};

fn medcred_bin() -> PathBuf {
    if let Ok(bin) = std::env::var("MEDCRED_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("test binary path");
    // target/debug/deps/browser_hospital-… → target/debug/medcred
    let bin = exe.parent().and_then(Path::parent).expect("target dir").join("medcred");
    assert!(bin.exists(), "no medcred binary at {} (build the workspace, or set MEDCRED_BIN)", bin.display());
    bin
}

async fn wallet(bin: &Path, dir: &Path, args: &[&str]) -> String {
    let out = tokio::process::Command::new(bin)
        .arg("wallet")
        .arg("--wallet-dir")
        .arg(dir)
        .args(args)
        .env("NO_PROXY", "localhost,127.0.0.1")
        .env("no_proxy", "localhost,127.0.0.1")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("run medcred");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "medcred wallet {args:?} failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hospital_pages_in_chromium() {
    let site = std::env::var("MEDCRED_SITE_ROOT").expect(
        "MEDCRED_SITE_ROOT must name the built web app (run ./scripts/test.sh, which builds it with scripts/build-app.sh)",
    );
    assert!(PathBuf::from(&site).join("pkg/medcred_app_bg.wasm").exists(), "no hydration bundle in {site}/pkg");
    let bin = medcred_bin();
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

    // The board issues an RN license and offers it to the holder's wallet (SD-JWT VC).
    let http = reqwest::Client::new();
    let license = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": "RN-4242",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    });
    let issued: Value = http
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": license, "options": {"format": "eddsa-jcs-2022"}}))
        .send()
        .await
        .expect("issue")
        .json()
        .await
        .expect("json");
    let source = issued["verifiableCredential"]["id"].as_str().expect("issued").to_owned();
    let resp = http
        .post(format!("{}/boards/e2e/credentials/{source}/offer", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"format": "dc+sd-jwt"}))
        .send()
        .await
        .expect("offer");
    assert_eq!(resp.status().as_u16(), 201);
    let offer: Value = resp.json().await.expect("json");

    // The holder receives it with the CLI wallet, typing the PIN.
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("wallet");
    wallet(&bin, &dir, &["init"]).await;
    let url = offer["openid_credential_offer_url"].as_str().expect("offer url");
    let pin = offer["tx_code"].as_str().expect("pin");
    wallet(&bin, &dir, &["receive", url, "--pin", pin]).await;
    let held = Wallet::open(&dir).expect("wallet");
    let sd = held.credentials().iter().find(|c| c.format == "dc+sd-jwt").expect("an SD-JWT VC");
    let (claims, _) = sd_jwt::disclosable_claims(sd.credential.as_str().expect("compact")).expect("claims");
    let received = claims["jti"].as_str().expect("jti").to_owned();

    // And a patient identity, for "Verify a patient".
    let patient = json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10",
            "patientIdentifier": "MRN-000042"}
    });
    let issued: Value = http
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": patient, "options": {"format": "eddsa-jcs-2022"}}))
        .send()
        .await
        .expect("issue")
        .json()
        .await
        .expect("json");
    let source = issued["verifiableCredential"]["id"].as_str().expect("issued patient identity").to_owned();
    let offer: Value = http
        .post(format!("{}/boards/e2e/credentials/{source}/offer", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"format": "dc+sd-jwt"}))
        .send()
        .await
        .expect("offer")
        .json()
        .await
        .expect("json");
    let url = offer["openid_credential_offer_url"].as_str().expect("offer url");
    wallet(&bin, &dir, &["receive", url, "--pin", offer["tx_code"].as_str().expect("pin")]).await;

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shots =
        std::env::var("MEDCRED_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|_| root.join("../target/screenshots"));
    let out = tokio::process::Command::new("node")
        .arg(root.join("browser/hospital.mjs"))
        .env("MEDCRED_URL", &server.url)
        .env("DESK_EMAIL", "verifier@st-mary.example")
        .env("DESK_PASSWORD", &password)
        .env("MEDCRED_BIN", &bin)
        .env("WALLET_DIR", &dir)
        .env("REVOKE_URL", format!("{}/boards/e2e/credentials/{received}/status", server.url))
        .env("BOARD_TOKEN", &server.admin_token)
        .env("SCREENSHOTS", &shots)
        .output()
        .await
        .expect("node runs (scripts/test.sh installs playwright-core and Chromium)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{stdout}");
    assert!(stdout.contains("all browser checks passed"));
}
