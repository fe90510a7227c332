//! `medcred wallet` as a holder runs it, against a real server on a loopback port: init (key file
//! 0600), receive an offer with `--pin` and with the PIN typed on stdin, list, show; and the
//! refusals a user meets (no wallet yet, a wrong PIN, no such credential); `status` reading what
//! the board's lists say after it revokes one credential and suspends another.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use medcred_issuer::oid4vci::offer::{percent_encode, NewOffer};
use medcred_issuer::{Issuer, MasterKey, NewBoard, SystemClock};
use medcred_model::IssueRequest;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_medcred");

fn wallet(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .arg("wallet")
        .arg("--wallet-dir")
        .arg(dir)
        .args(args)
        .env("NO_PROXY", "localhost,127.0.0.1")
        .env("no_proxy", "localhost,127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run medcred");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("type");
    }
    drop(input);
    child.wait_with_output().expect("output")
}

fn stdout_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "medcred wallet failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A server with one board and one issued license; returns the issuer, the license id, the
/// board's admin API token and the server task.
async fn server(dir: &Path) -> (Issuer, String, String, tokio::task::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://localhost:{}", listener.local_addr().expect("addr").port());
    let db = medcred_store::testing::fresh_sqlite(dir).await.expect("sqlite");
    let issuer = Issuer::new(db, MasterKey::generate(), Arc::new(SystemClock), url);
    issuer.check_master_key().await.expect("master key");
    let created = issuer
        .create_board(&NewBoard {
            slug: "nj-bon".into(),
            name: "NJ Board of Nursing".into(),
            did_key: false,
            host_did: false,
        })
        .await
        .expect("board");
    let (board, token) = (created.board, created.admin_token.to_string());
    let license = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "RN", "licenseNumber": "RN-77",
            "jurisdiction": "US-NJ", "originalIssueDate": "2010-01-01"}
    });
    let req = IssueRequest::from_vc_json(&license, chrono::Utc::now()).expect("license");
    let issued = issuer.issue(&board, &req, "eddsa-jcs-2022".parse().expect("format")).await.expect("issued");
    let app = medcred_web::server::app(issuer.clone());
    let task = tokio::spawn(async move {
        let _ = medcred_web::server::serve(listener, app, None).await;
    });
    (issuer, issued.id, token, task)
}

/// A new offer of `credential`: (openid-credential-offer URL, PIN).
async fn offer(issuer: &Issuer, credential: &str, format: &str) -> (String, String) {
    let board = issuer.db().board_by_slug("nj-bon").await.expect("board");
    let body = NewOffer { format: Some(format.into()), ..NewOffer::default() };
    let created = issuer.create_offer(&board, credential, &body).await.expect("offer");
    let uri = format!("{}/oid4vci/offers/{}", issuer.public_url(), *created.reference);
    (format!("openid-credential-offer://?credential_offer_uri={}", percent_encode(&uri)), created.tx_code.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_receives_lists_and_shows_credentials() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (issuer, license, _, task) = server(tmp.path()).await;
    let dir = tmp.path().join("wallet");
    let run = |args: Vec<String>, stdin: Option<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            wallet(&dir, &args, stdin.as_deref())
        })
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let out = run(args(&["list"]), None).await.expect("join");
    assert!(!out.status.success(), "no wallet yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("medcred wallet init"));

    let out = stdout_ok(&run(args(&["init"]), None).await.expect("join"));
    assert!(out.contains("holder DID: did:jwk:"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("holder.jwk")).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the holder key is private");
    }
    assert!(!run(args(&["init"]), None).await.expect("join").status.success(), "init never overwrites");

    // --pin, SD-JWT VC.
    let (url, pin) = offer(&issuer, &license, "dc+sd-jwt").await;
    let out = stdout_ok(&run(args(&["receive", &url, "--pin", &pin]), None).await.expect("join"));
    assert!(out.contains("received https://medcred.org/vct/MedicalLicense (dc+sd-jwt)"), "{out}");

    // The PIN typed on stdin (after a wrong one was refused), Data Integrity.
    let (url, pin) = offer(&issuer, &license, "ldp_vc").await;
    let out = run(args(&["receive", &url]), Some("000000\n".into())).await.expect("join");
    if pin != "000000" {
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("invalid_grant"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = run(args(&["receive", &url]), Some(format!("{pin}\n"))).await.expect("join");
    let text = stdout_ok(&out);
    assert!(text.contains("received MedicalLicenseCredential (ldp_vc)"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Transaction code"), "the PIN is asked for");

    let listed = stdout_ok(&run(args(&["list"]), None).await.expect("join"));
    let lines: Vec<&str> = listed.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].contains("dc+sd-jwt") && lines[1].contains("ldp_vc"), "{listed}");
    let shown: serde_json::Value =
        serde_json::from_str(&stdout_ok(&run(args(&["show", "2"]), None).await.expect("join"))).expect("JSON");
    assert_eq!(shown["format"], "ldp_vc");
    assert_eq!(shown["credential"]["credentialSubject"]["licenseNumber"], "RN-77");
    assert!(shown["credential"]["credentialSubject"]["id"].as_str().expect("holder").starts_with("did:jwk:"));
    assert!(!run(args(&["show", "3"]), None).await.expect("join").status.success());
    task.abort();
}

/// The status lines of `medcred wallet status` output, by number.
fn status_lines(out: &str) -> Vec<String> {
    out.lines().filter(|l| l.trim_start().starts_with(char::is_numeric)).map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallet_reads_what_the_boards_lists_say() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (issuer, license, token, task) = server(tmp.path()).await;
    let dir = tmp.path().join("wallet");
    let run = |args: Vec<String>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            wallet(&dir, &args, None)
        })
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    stdout_ok(&run(args(&["init"])).await.expect("join"));
    for format in ["dc+sd-jwt", "jwt_vc_json", "ldp_vc"] {
        let (url, pin) = offer(&issuer, &license, format).await;
        stdout_ok(&run(args(&["receive", &url, "--pin", &pin])).await.expect("join"));
    }
    let out = stdout_ok(&run(args(&["status"])).await.expect("join"));
    let lines = status_lines(&out);
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines.iter().all(|l| l.ends_with("ACTIVE")), "{out}");
    let listed = stdout_ok(&run(args(&["list"])).await.expect("join"));
    assert_eq!(listed.matches(" active ").count(), 3, "the list shows the status read: {listed}");

    // The board revokes the SD-JWT VC and suspends the vc+jwt (each offer issued its own credential).
    let held = medcred_wallet::Wallet::open(&dir).expect("wallet");
    let sd = held.credentials()[0].credential.as_str().expect("compact").to_owned();
    let (claims, _) = medcred_formats::sd_jwt::disclosable_claims(&sd).expect("claims");
    let sd_id = claims["jti"].as_str().expect("jti").to_owned();
    let jwt = held.credentials()[1].credential.as_str().expect("compact").to_owned();
    let claims = medcred_formats::jwt::decode(&jwt).and_then(|d| d.claims()).expect("claims");
    let jwt_id = claims["id"].as_str().expect("id").to_owned();
    let http = reqwest::Client::new();
    for (id, action) in [(&sd_id, "revoke"), (&jwt_id, "suspend")] {
        let resp = http
            .post(format!("{}/boards/nj-bon/credentials/{id}/status", issuer.public_url()))
            .bearer_auth(&token)
            .json(&json!({"action": action, "reason": "wallet status test"}))
            .send()
            .await
            .expect("status change");
        assert_eq!(resp.status().as_u16(), 200, "{action} {id}: {}", resp.text().await.unwrap_or_default());
    }
    let out = stdout_ok(&run(args(&["status"])).await.expect("join"));
    let lines = status_lines(&out);
    assert!(lines[0].ends_with("REVOKED"), "{out}");
    assert!(lines[1].ends_with("SUSPENDED"), "{out}");
    assert!(lines[2].ends_with("ACTIVE"), "the third credential was not touched: {out}");
    let one = stdout_ok(&run(args(&["status", "2"])).await.expect("join"));
    assert_eq!(status_lines(&one).len(), 1, "{one}");
    let none = run(args(&["status", "4"])).await.expect("join");
    assert!(!none.status.success(), "no credential 4");
    assert!(String::from_utf8_lossy(&none.stderr).contains("no credential 4"));
    task.abort();
}
