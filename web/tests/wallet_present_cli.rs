//! `medcred wallet present` as a holder runs it, against a real server on a loopback port: a
//! hospital asks for an RN license (OpenID4VP, encrypted answer); the CLI shows who asks, what and
//! why and which claims it would disclose; answering "n" declines (the request fails with
//! `access_denied`), `--yes` sends only the asked claims and the hospital's request is verified
//! with a passing `dcql` check. (No trust list here, so the verdict itself is not asserted: the
//! full verdicts are in tests/tests/oid4vp_e2e.rs.)

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use medcred_hospital::create_hospital;
use medcred_issuer::oid4vci::offer::{percent_encode, NewOffer};
use medcred_issuer::{Issuer, MasterKey, NewBoard, SystemClock};
use medcred_model::IssueRequest;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_medcred");

fn wallet(dir: &Path, args: &[String], stdin: Option<&str>) -> Output {
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

async fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let (dir, args, stdin) =
        (dir.to_owned(), args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(), stdin.map(str::to_owned));
    let out = tokio::task::spawn_blocking(move || wallet(&dir, &args, stdin.as_deref())).await.expect("join");
    assert!(
        out.status.success(),
        "medcred wallet failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn ask(http: &reqwest::Client, url: &str, token: &str) -> Value {
    let resp = http
        .post(format!("{url}/hospitals/st-mary/presentation-requests"))
        .bearer_auth(token)
        .json(&json!({"template": "rn_license", "purpose": "Checking your license before your shift"}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 201);
    resp.json().await.expect("json")
}

async fn state(http: &reqwest::Client, url: &str, token: &str, id: &str) -> Value {
    let resp = http
        .get(format!("{url}/hospitals/st-mary/presentation-requests/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("state");
    resp.json().await.expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_sees_who_asks_declines_then_consents() {
    let tmp = tempfile::tempdir().expect("tmp");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://localhost:{}", listener.local_addr().expect("addr").port());
    let db = medcred_store::testing::fresh_sqlite(tmp.path()).await.expect("sqlite");
    let issuer = Issuer::new(db, MasterKey::generate(), Arc::new(SystemClock), url.clone());
    issuer.check_master_key().await.expect("master key");
    let board = issuer
        .create_board(&NewBoard {
            slug: "nj-bon".into(),
            name: "NJ Board of Nursing".into(),
            did_key: false,
            host_did: false,
        })
        .await
        .expect("board")
        .board;
    let license = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "RN", "licenseNumber": "RN-77",
            "jurisdiction": "US-NJ", "originalIssueDate": "2010-01-01", "npi": "1234567893"}
    });
    let req = IssueRequest::from_vc_json(&license, chrono::Utc::now()).expect("license");
    let issued = issuer.issue(&board, &req, "eddsa-jcs-2022".parse().expect("format")).await.expect("issued");
    let hospital = create_hospital(&issuer, "st-mary", "St Mary's Hospital").await.expect("hospital");
    let token = hospital.admin_token.to_string();
    let app = medcred_web::server::app(issuer.clone());
    let task = tokio::spawn(async move {
        let _ = medcred_web::server::serve(listener, app, None).await;
    });

    let dir = tmp.path().join("wallet");
    run(&dir, &["init"], None).await;
    let offer = issuer
        .create_offer(&board, &issued.id, &NewOffer { format: Some("dc+sd-jwt".into()), ..NewOffer::default() })
        .await
        .expect("offer");
    let offer_uri = format!("{url}/oid4vci/offers/{}", *offer.reference);
    let offer_url = format!("openid-credential-offer://?credential_offer_uri={}", percent_encode(&offer_uri));
    run(&dir, &["receive", &offer_url, "--pin", offer.tx_code.as_str()], None).await;

    let http = reqwest::Client::new();
    // Shown who, what and why; "n" declines.
    let created = ask(&http, &url, &token).await;
    let link = created["authorization_request"].as_str().expect("link");
    let out = run(&dir, &["present", link], Some("n\n")).await;
    assert!(out.contains("St Mary's Hospital (the name it gives itself) asks"), "{out}");
    assert!(out.contains(&format!("verifier:  {}", hospital.hospital.did)), "{out}");
    assert!(out.contains("why:       Checking your license before your shift"), "{out}");
    assert!(out.contains("disclosing /name, /license_type, /license_number, /jurisdiction"), "{out}");
    assert!(out.contains("declined"), "{out}");
    let s = state(&http, &url, &token, created["id"].as_str().expect("id")).await;
    assert_eq!(s["status"], "failed", "{s}");

    // --yes: sent, verified, only what was asked.
    let created = ask(&http, &url, &token).await;
    let out = run(&dir, &["present", created["authorization_request"].as_str().expect("link"), "--yes"], None).await;
    assert!(out.contains("sent to did:web:") && out.contains("direct_post.jwt"), "{out}");
    let s = state(&http, &url, &token, created["id"].as_str().expect("id")).await;
    assert_eq!(s["status"], "verified", "{s}");
    let v: Value = http
        .get(format!("{url}/hospitals/st-mary/verifications/{}", s["verification"].as_str().expect("id")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("verification")
        .json()
        .await
        .expect("json");
    let dcql = v["report"]["checks"].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == "dcql")).cloned();
    assert_eq!(dcql.as_ref().map(|c| c["outcome"].clone()), Some(json!("passed")), "{v:#}");
    assert!(v["report"]["credentials"][0]["subject"].get("npi").is_none(), "only what was asked: {v:#}");
    task.abort();
}
