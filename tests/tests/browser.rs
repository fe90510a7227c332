//! The web app in a real browser: a server on a random port with the hydration bundle
//! (`MEDCRED_SITE_ROOT`, built by `scripts/build-app.sh`, which `scripts/test.sh` runs first), a
//! board that issues two licenses and revokes one, and `tests/browser/verify.mjs` driving Debian's
//! Chromium through the "verify a credential" page. Screenshots go to `target/screenshots` (or
//! `$MEDCRED_SCREENSHOTS`).

use std::path::PathBuf;

use medcred_tests::{start_trusted, Backend};
use serde_json::{json, Value};

fn license(id: &str, number: &str) -> Value {
    json!({
        "id": id,
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Mary Seacole", "licenseType": "RN", "licenseNumber": number,
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-03-01"
        }
    })
}

#[tokio::test]
async fn verify_page_in_chromium() {
    let site = std::env::var("MEDCRED_SITE_ROOT").expect(
        "MEDCRED_SITE_ROOT must name the built web app (run ./scripts/test.sh, which builds it with scripts/build-app.sh)",
    );
    assert!(PathBuf::from(&site).join("pkg/medcred_app_bg.wasm").exists(), "no hydration bundle in {site}/pkg");
    let server = start_trusted(Backend::Sqlite).await.expect("server");
    let http = reqwest::Client::new();
    let mut files = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    for (id, number) in [
        ("urn:uuid:b0000000-0000-4000-8000-000000000001", "RN-7001"),
        ("urn:uuid:b0000000-0000-4000-8000-000000000002", "RN-7002"),
    ] {
        let resp = http
            .post(format!("{}/credentials/issue", server.url))
            .bearer_auth(&server.admin_token)
            .json(&json!({"credential": license(id, number), "options": {"format": "eddsa-jcs-2022"}}))
            .send()
            .await
            .expect("issue");
        assert_eq!(resp.status().as_u16(), 201);
        let issued: Value = resp.json().await.expect("json");
        let path = dir.path().join(format!("{number}.json"));
        std::fs::write(&path, issued["verifiableCredential"].to_string()).expect("write");
        files.push(path);
    }
    let resp = http
        .post(format!("{}/boards/e2e/credentials/urn:uuid:b0000000-0000-4000-8000-000000000002/status", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"action": "revoke", "reason": "browser test"}))
        .send()
        .await
        .expect("revoke");
    assert_eq!(resp.status().as_u16(), 200);

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shots =
        std::env::var("MEDCRED_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|_| root.join("../target/screenshots"));
    let out = tokio::process::Command::new("node")
        .arg(root.join("browser/verify.mjs"))
        .env("MEDCRED_URL", &server.url)
        .env("VALID_FILE", &files[0])
        .env("REVOKED_FILE", &files[1])
        .env("SCREENSHOTS", &shots)
        .output()
        .await
        .expect("node runs (scripts/test.sh installs playwright-core and Chromium)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{stdout}");
    assert!(stdout.contains("all browser checks passed"));
}
