//! The board's pages in a real browser: a server on a random port with the hydration bundle
//! (`MEDCRED_SITE_ROOT`, built by `scripts/build-app.sh`), a board admin and a hospital verifier,
//! and `tests/browser/board.mjs` driving Debian's Chromium through sign-in, issuance (with a field
//! error), an offer, a revocation and a forbidden page. Screenshots go to `target/screenshots` (or
//! `$MEDCRED_SCREENSHOTS`).

use std::path::PathBuf;

use medcred_app::auth::{Accounts, NewUser};
use medcred_store::{OrgKind, UserRole};
use medcred_tests::{start, Backend};

#[tokio::test]
async fn board_pages_in_chromium() {
    let site = std::env::var("MEDCRED_SITE_ROOT").expect(
        "MEDCRED_SITE_ROOT must name the built web app (run ./scripts/test.sh, which builds it with scripts/build-app.sh)",
    );
    assert!(PathBuf::from(&site).join("pkg/medcred_app_bg.wasm").exists(), "no hydration bundle in {site}/pkg");
    let server = start(Backend::Sqlite).await.expect("server");
    medcred_hospital::create_hospital(&server.issuer, "st-x", "St X Hospital").await.expect("hospital");
    let accounts = Accounts::new(server.issuer.clone());
    let mut passwords = Vec::new();
    for (kind, org, email, role) in [
        (OrgKind::Board, "e2e", "admin@board.example", UserRole::BoardAdmin),
        (OrgKind::Hospital, "st-x", "desk@hospital.example", UserRole::HospitalVerifier),
    ] {
        let new =
            NewUser { org_kind: kind, org_slug: org.into(), email: email.into(), name: None, role, password: None };
        let (_, password) = accounts.add_user(new).await.expect("user");
        passwords.push(password.expect("generated").to_string());
    }

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shots =
        std::env::var("MEDCRED_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|_| root.join("../target/screenshots"));
    let out = tokio::process::Command::new("node")
        .arg(root.join("browser/board.mjs"))
        .env("MEDCRED_URL", &server.url)
        .env("ADMIN_EMAIL", "admin@board.example")
        .env("ADMIN_PASSWORD", &passwords[0])
        .env("DESK_EMAIL", "desk@hospital.example")
        .env("DESK_PASSWORD", &passwords[1])
        .env("SCREENSHOTS", &shots)
        .output()
        .await
        .expect("node runs (scripts/test.sh installs playwright-core and Chromium)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{stdout}");
    assert!(stdout.contains("all browser checks passed"));
}
