//! The browser wallet in a real browser (Debian's Chromium at a phone's size): a holder opens
//! `/wallet`, receives a board's offers (OpenID4VCI with the PIN; a wrong PIN first), answers a
//! hospital's requests (OpenID4VP, encrypted `direct_post.jwt`) while a hospital verifier watches
//! the verdict appear on the desk's page, declines one, sees the license REVOKED when the board
//! revokes it and checks its status, and the next presentation is NOT VALID. The holder key stays
//! in the browser: the server only serves the page. `tests/browser/wallet.mjs` drives it.

use medcred_tests::browser::Browser;
use medcred_tests::seed::{patient_identity, rn_license};
use medcred_tests::{start_trusted, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_wallet_receives_and_presents() {
    let browser = Browser::require();
    let server = start_trusted(Backend::Sqlite).await.expect("server");
    let desk = server.st_marys_desk().await.expect("a hospital and its verifier");

    // The board issues an RN license and offers it in two formats, and a patient identity.
    let license = server.issue(rn_license()).await.expect("issue");
    let patient = server.issue(patient_identity()).await.expect("issue");
    let (license, patient) = (license["id"].as_str().expect("issued"), patient["id"].as_str().expect("issued"));
    let sd = server.offer(license, "dc+sd-jwt").await.expect("offer dc+sd-jwt");
    let jwt = server.offer(license, "jwt_vc_json").await.expect("offer jwt_vc_json");
    let patient = server.offer(patient, "dc+sd-jwt").await.expect("offer the patient identity");

    browser
        .script("wallet.mjs")
        .env("MEDCRED_URL", &server.url)
        .env("DESK_EMAIL", &desk.email)
        .env("DESK_PASSWORD", &desk.password)
        .env("SD_OFFER", &sd.url)
        .env("SD_PIN", &sd.pin)
        .env("JWT_OFFER", &jwt.url)
        .env("JWT_PIN", &jwt.pin)
        .env("PATIENT_OFFER", &patient.url)
        .env("PATIENT_PIN", &patient.pin)
        .env("CREDENTIALS_URL", format!("{}/boards/e2e/credentials", server.url))
        .env("BOARD_TOKEN", &server.admin_token)
        .run()
        .await;
}
