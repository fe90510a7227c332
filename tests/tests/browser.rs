//! The web app in a real browser: a server on a random port with the hydration bundle
//! (`MEDCRED_SITE_ROOT`, built by `scripts/build-app.sh`, which `scripts/test.sh` runs first), a
//! board that issues two licenses and revokes one, and `tests/browser/verify.mjs` driving Debian's
//! Chromium through the "verify a credential" page. Screenshots go to `target/screenshots` (or
//! `$MEDCRED_SCREENSHOTS`).

use medcred_tests::browser::Browser;
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
    let browser = Browser::require();
    let server = start_trusted(Backend::Sqlite).await.expect("server");
    let mut files = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    for (id, number) in [
        ("urn:uuid:b0000000-0000-4000-8000-000000000001", "RN-7001"),
        ("urn:uuid:b0000000-0000-4000-8000-000000000002", "RN-7002"),
    ] {
        let issued = server.issue(license(id, number)).await.expect("issue");
        let path = dir.path().join(format!("{number}.json"));
        std::fs::write(&path, issued.to_string()).expect("write");
        files.push(path);
    }
    let resp = reqwest::Client::new()
        .post(format!("{}/boards/e2e/credentials/urn:uuid:b0000000-0000-4000-8000-000000000002/status", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"action": "revoke", "reason": "browser test"}))
        .send()
        .await
        .expect("revoke");
    assert_eq!(resp.status().as_u16(), 200);

    browser
        .script("verify.mjs")
        .env("MEDCRED_URL", &server.url)
        .env("VALID_FILE", &files[0])
        .env("REVOKED_FILE", &files[1])
        .run()
        .await;
}
