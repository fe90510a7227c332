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

use medcred_formats::sd_jwt;
use medcred_tests::browser::Browser;
use medcred_tests::seed::{patient_identity, rn_license};
use medcred_tests::{start_trusted, Backend};
use medcred_wallet::Wallet;

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
    let browser = Browser::require();
    let bin = medcred_bin();
    let server = start_trusted(Backend::Sqlite).await.expect("server");
    let desk = server.st_marys_desk().await.expect("a hospital and its verifier");

    // The board issues an RN license and offers it to the holder's wallet (SD-JWT VC).
    let license = server.issue(rn_license()).await.expect("issue");
    let offer = server.offer(license["id"].as_str().expect("issued"), "dc+sd-jwt").await.expect("offer");

    // The holder receives it with the CLI wallet, typing the PIN.
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("wallet");
    wallet(&bin, &dir, &["init"]).await;
    wallet(&bin, &dir, &["receive", &offer.url, "--pin", &offer.pin]).await;
    let held = Wallet::open(&dir).expect("wallet");
    let sd = held.credentials().iter().find(|c| c.format == "dc+sd-jwt").expect("an SD-JWT VC");
    let (claims, _) = sd_jwt::disclosable_claims(sd.credential.as_str().expect("compact")).expect("claims");
    let received = claims["jti"].as_str().expect("jti").to_owned();

    // And a patient identity, for "Verify a patient".
    let patient = server.issue(patient_identity()).await.expect("issue");
    let offer =
        server.offer(patient["id"].as_str().expect("issued patient identity"), "dc+sd-jwt").await.expect("offer");
    wallet(&bin, &dir, &["receive", &offer.url, "--pin", &offer.pin]).await;

    browser
        .script("hospital.mjs")
        .env("MEDCRED_URL", &server.url)
        .env("DESK_EMAIL", &desk.email)
        .env("DESK_PASSWORD", &desk.password)
        .env("MEDCRED_BIN", &bin)
        .env("WALLET_DIR", &dir)
        .env("REVOKE_URL", format!("{}/boards/e2e/credentials/{received}/status", server.url))
        .env("BOARD_TOKEN", &server.admin_token)
        .run()
        .await;
}
