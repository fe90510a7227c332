//! A board's public page (`/public/boards/{slug}`, no sign-in): over HTTP it shows the board's
//! DID, status lists and checkpoint, is a 404 for an unknown board, and its inclusion proof lookup
//! says "verified" for a real list and refuses a bad list number; then in Chromium
//! (`tests/browser/public_board.mjs`, needs `MEDCRED_SITE_ROOT`), with screenshots
//! `public-board.png` and `public-board-proof.png` in `target/screenshots` (or `$MEDCRED_SCREENSHOTS`).

use medcred_tests::browser::Browser;
use medcred_tests::{start, Backend, Server};
use serde_json::json;

/// Issue one license, so that the board has a status list and a ledger.
async fn issue_one(server: &Server) {
    let license = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "MD", "licenseNumber": "25MA09876",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    });
    let resp = reqwest::Client::new()
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": license}))
        .send()
        .await
        .expect("issue request");
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap_or_default());
}

async fn page(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.expect("page");
    (r.status().as_u16(), r.text().await.expect("body"))
}

#[tokio::test]
async fn public_board_page_over_http() {
    let server = start(Backend::Sqlite).await.expect("server");
    issue_one(&server).await;
    let base = format!("{}/public/boards/e2e", server.url);

    let (status, html) = page(&base).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("E2E Board of Medicine"));
    assert!(html.contains(&server.board_did), "the DID is shown");
    assert!(html.contains("id=\"status-lists\""), "the status lists are listed");
    assert!(html.contains("/boards/e2e/status/0/revocation/bundle"), "links to the proof bundles");
    assert!(html.contains("id=\"did-document\""), "the DID document is shown");

    let (status, html) = page(&format!("{base}?list=0&purpose=revocation")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-result=\"verified\""), "list 0 verifies: {html}");
    assert!(html.contains("Checkpoint signed by the board"), "the steps are shown");
    assert!(html.contains("id=\"checkpoint-note\""), "the checkpoint is shown once one exists");

    let (status, html) = page(&format!("{base}?list=0&purpose=suspension")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-result=\"verified\""), "the suspension list verifies too");

    for bad in ["x", "012", "-1"] {
        let (status, html) = page(&format!("{base}?list={bad}&purpose=revocation")).await;
        assert_eq!(status, 200);
        assert!(html.contains("data-result=\"refused\""), "{bad} is refused");
        assert!(html.contains("A list number is a whole number"), "{bad}: a clear message");
    }
    let (_, html) = page(&format!("{base}?list=7&purpose=revocation")).await;
    assert!(html.contains("This board has no status list 7."), "an unknown list is refused: {html}");

    let (status, html) = page(&format!("{}/public/boards/no-such-board", server.url)).await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn public_board_page_in_chromium() {
    let browser = Browser::require();
    let server = start(Backend::Sqlite).await.expect("server");
    issue_one(&server).await;

    browser.script("public_board.mjs").env("MEDCRED_URL", &server.url).env("BOARD_DID", &server.board_did).run().await;
}
