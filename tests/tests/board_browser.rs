//! The board's pages in a real browser: a server on a random port with the hydration bundle
//! (`MEDCRED_SITE_ROOT`, built by `scripts/build-app.sh`), a board admin and a hospital verifier,
//! and `tests/browser/board.mjs` driving Debian's Chromium through sign-in, issuance (with a field
//! error), an offer, a revocation and a forbidden page. Screenshots go to `target/screenshots` (or
//! `$MEDCRED_SCREENSHOTS`).

use medcred_store::UserRole;
use medcred_tests::browser::Browser;
use medcred_tests::{start, Backend};

#[tokio::test]
async fn board_pages_in_chromium() {
    let browser = Browser::require();
    let server = start(Backend::Sqlite).await.expect("server");
    server.add_hospital("st-x", "St X Hospital").await.expect("hospital");
    let admin = server.add_user("e2e", "admin@board.example", None, UserRole::BoardAdmin).await.expect("admin");
    let desk =
        server.add_user("st-x", "desk@hospital.example", None, UserRole::HospitalVerifier).await.expect("verifier");

    browser
        .script("board.mjs")
        .env("MEDCRED_URL", &server.url)
        .env("ADMIN_EMAIL", &admin.email)
        .env("ADMIN_PASSWORD", &admin.password)
        .env("DESK_EMAIL", &desk.email)
        .env("DESK_PASSWORD", &desk.password)
        .run()
        .await;
}
