//! No personal data in the logs or on the ledger (THREATS.md T13), checked on the real binary as
//! an operator runs it: `medcred demo --log-json` with every crate logging at `debug`, driven
//! through issuance in three formats, verification (valid, tampered, malformed), a hospital
//! verification, OpenID4VCI with a PIN and OpenID4VP to the CLI wallet, a revocation with a
//! reason, sign-in (wrong password, unknown e-mail address, right password), a forged token and a
//! bulk CSV with a bad row. Then every log line and every ledger entry is searched for the
//! people's data, the secrets and anything that looks like a JWT, a disclosure or a holder DID.
//! The same search run over the demo's own console output (which prints tokens and passwords on
//! purpose) must find them, so a search that finds nothing is not a search that cannot find.
#![allow(clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use medcred_registry::tiles::Tile;
use serde_json::{json, Value};

/// The people's data the run feeds in: none of it may appear in a log line or a ledger entry.
const PERSONAL: &[&str] = &[
    "Zeynep",
    "Quillfeather",
    "QF-48213-LOG",
    "Orla",
    "Pemberton",
    "1979-04-17",
    "MRN-LOGSCAN-5521",
    "1234567893",
    // The demo's own seeded people and patient.
    "Lovelace",
    "1990-12-10",
    "MRN-000042",
    "Sam Example",
    "admin@nj-bon.demo",
    "verifier@st-mary.demo",
    "admin@st-mary.demo",
    "zeynep.q@hospital.example",
    "unprofessional conduct",
    "Why we ask: shift",
];

/// Shapes that carry credentials or keys: a base64url JSON object (JWT header or payload, SD-JWT
/// disclosure, did:jwk), a holder DID, an API token.
const SHAPES: &[&str] = &["eyJ", "did:jwk:", "mcb_"];

/// The secrets the run uses: tokens, passwords, the PIN. Found later from the demo's output.
struct Secrets(Vec<String>);

/// Every needle found in `text` (case-insensitively), with the line it was on.
fn findings(text: &str, needles: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let lower = line.to_lowercase();
        for n in needles {
            if !n.is_empty() && lower.contains(&n.to_lowercase()) {
                out.push(format!("{n:?} in: {}", line.chars().take(400).collect::<String>()));
            }
        }
    }
    out
}

/// `medcred demo` with JSON logs at debug into `log`; its console lines up to the verify hint.
struct Demo {
    child: Child,
    url: String,
    console: String,
}

impl Demo {
    fn start(data: &Path, log: &Path) -> Demo {
        let mut child = Command::new(common::BIN)
            .arg("--data-dir")
            .arg(data)
            .args(["--log-json", "demo", "--listen", "127.0.0.1:0"])
            .env_remove("DATABASE_URL")
            .env_remove("MEDCRED_PUBLIC_URL")
            .env_remove("MEDCRED_MASTER_KEY")
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).expect("log file"))
            .spawn()
            .expect("spawn demo");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let (mut url, mut console) = (None, String::new());
        for line in lines.by_ref() {
            let line = line.expect("console");
            console.push_str(&line);
            console.push('\n');
            if let Some(u) = line.strip_prefix("medcred demo is running at ") {
                url = Some(u.trim().to_owned());
            }
            if line.starts_with("Verify:") {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Demo { child, url: url.expect("the demo printed its URL"), console }
    }

    /// The value after `label` on the console line that has it.
    fn printed(&self, label: &str) -> String {
        self.console
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("{label} not printed:\n{}", self.console))
    }

    /// The password printed for `email`.
    fn password(&self, email: &str) -> String {
        self.console
            .lines()
            .find(|l| l.trim_start().starts_with(email))
            .and_then(|l| l.split("password: ").nth(1))
            .map(|p| p.trim().to_owned())
            .unwrap_or_else(|| panic!("no password for {email}"))
    }

    /// SIGTERM and wait: a graceful stop flushes the log.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "the demo stops cleanly: {status}");
    }
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn license() -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2031-06-30T23:59:59Z",
        "credentialSubject": {"practitionerName": "Zeynep Quillfeather", "licenseType": "RN",
            "licenseNumber": "QF-48213-LOG", "jurisdiction": "US-NJ", "originalIssueDate": "2012-03-01",
            "npi": "1234567893"}
    })
}

fn patient() -> Value {
    json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "credentialSubject": {"givenName": "Orla", "familyName": "Pemberton", "birthDate": "1979-04-17",
            "patientIdentifier": "MRN-LOGSCAN-5521"}
    })
}

/// Run `medcred wallet --wallet-dir DIR ARGS…` to success; its console output.
fn wallet(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(common::BIN)
        .arg("wallet")
        .arg("--wallet-dir")
        .arg(dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run the wallet");
    assert!(
        out.status.success(),
        "wallet {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn blocking_wallet(dir: &Path, args: &[&str]) -> String {
    let (dir, args) = (dir.to_owned(), args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>());
    tokio::task::spawn_blocking(move || wallet(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .expect("join")
}

/// Every entry bundle of the board's log, concatenated.
async fn ledger_bytes(http: &reqwest::Client, url: &str, slug: &str) -> (u64, Vec<u8>) {
    let note = http.get(format!("{url}/boards/{slug}/log/checkpoint")).send().await.expect("checkpoint");
    let note = note.text().await.expect("note");
    let size: u64 = note.lines().nth(1).and_then(|l| l.parse().ok()).expect("checkpoint size");
    let mut all = Vec::new();
    for index in 0..size.div_ceil(256) {
        let width = u16::try_from((size - index * 256).min(256)).expect("width");
        let path = Tile::new(0, index, width).expect("tile").path().replacen("tile/0/", "tile/entries/", 1);
        let resp = http.get(format!("{url}/boards/{slug}/log/{path}")).send().await.expect("bundle");
        assert_eq!(resp.status(), 200, "{path}");
        all.extend_from_slice(&resp.bytes().await.expect("bytes"));
    }
    (size, all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_or_secrets_in_the_logs_or_on_the_ledger() {
    let tmp = tempfile::tempdir().expect("tmp");
    let log = tmp.path().join("medcred.log");
    let demo = Demo::start(&tmp.path().join("data"), &log);
    let url = demo.url.clone();
    let board_token = demo.printed("admin token:");
    let hospital_token = demo.printed("hospital token:");
    let password = demo.password("admin@nj-bon.demo");
    let mut secrets = Secrets(vec![board_token.clone(), hospital_token.clone(), password.clone()]);
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");

    // Issuance in three formats; the licenses are verified, one tampered, one malformed.
    let mut issued = Vec::new();
    for (credential, format) in [(license(), "eddsa-jcs-2022"), (license(), "vc+jwt"), (patient(), "dc+sd-jwt")] {
        let (status, body) = send(
            http.post(format!("{url}/credentials/issue"))
                .bearer_auth(&board_token)
                .json(&json!({"credential": credential, "options": {"format": format}})),
        )
        .await;
        assert_eq!(status, 201, "{format}: {body}");
        issued.push(body["verifiableCredential"].clone());
    }
    let jcs = issued[0].clone();
    let id = jcs["id"].as_str().expect("credential id").to_owned();
    for vc in &issued {
        let (status, report) =
            send(http.post(format!("{url}/credentials/verify")).json(&json!({"verifiableCredential": vc}))).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["verified"], true, "{report:#}");
    }
    let mut tampered = jcs.clone();
    tampered["credentialSubject"]["practitionerName"] = json!("Zeynep Quillfeather-Pemberton");
    let (status, report) =
        send(http.post(format!("{url}/credentials/verify")).json(&json!({"verifiableCredential": tampered}))).await;
    assert_eq!((status, report["verified"].clone()), (422, json!(false)), "{report}");
    let (status, _) = send(
        http.post(format!("{url}/credentials/verify"))
            .json(&json!({"verifiableCredential": {"credentialSubject": {"name": "Zeynep Quillfeather"}}})),
    )
    .await;
    assert_eq!(status, 400, "a credential that is not one is refused");
    let (status, body) = send(
        http.post(format!("{url}/credentials/verify"))
            .header("content-type", "application/json")
            .body("{\"verifiableCredential\": \"Zeynep Quillfeather 1979-04-17"),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // A hospital verification, kept with a receipt.
    let (status, body) = send(
        http.post(format!("{url}/hospitals/st-mary/verifications"))
            .bearer_auth(&hospital_token)
            .json(&json!({"verifiableCredential": issued[1]})),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // OpenID4VCI with a PIN into the CLI wallet, then OpenID4VP to the hospital.
    let (status, offer) = send(
        http.post(format!("{url}/boards/nj-bon/credentials/{id}/offer"))
            .bearer_auth(&board_token)
            .json(&json!({"format": "dc+sd-jwt"})),
    )
    .await;
    assert_eq!(status, 201, "{offer}");
    let pin = offer["tx_code"].as_str().expect("PIN").to_owned();
    secrets.0.push(pin.clone());
    let dir = tmp.path().join("wallet");
    blocking_wallet(&dir, &["init"]).await;
    let link = offer["openid_credential_offer_url"].as_str().expect("offer link").to_owned();
    blocking_wallet(&dir, &["receive", &link, "--pin", &pin]).await;
    let (status, asked) = send(
        http.post(format!("{url}/hospitals/st-mary/presentation-requests"))
            .bearer_auth(&hospital_token)
            .json(&json!({"template": "rn_license", "purpose": "Why we ask: shift"})),
    )
    .await;
    assert_eq!(status, 201, "{asked}");
    let out =
        blocking_wallet(&dir, &["present", asked["authorization_request"].as_str().expect("link"), "--yes"]).await;
    assert!(out.contains("sent to did:web:"), "{out}");
    let request = format!("{url}/hospitals/st-mary/presentation-requests/{}", asked["id"].as_str().expect("id"));
    let (_, state) = send(http.get(&request).bearer_auth(&hospital_token)).await;
    assert_eq!(state["status"], "verified", "{state}");

    // A revocation with a reason, then the license verifies as revoked.
    let (status, body) = send(
        http.post(format!("{url}/boards/nj-bon/credentials/{id}/status"))
            .bearer_auth(&board_token)
            .json(&json!({"action": "revoke", "reason": "unprofessional conduct by Zeynep Quillfeather"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, report) =
        send(http.post(format!("{url}/credentials/verify")).json(&json!({"verifiableCredential": jcs}))).await;
    assert_eq!(report["verified"], false, "revoked: {report:#}");

    // Sign-in: a wrong password, an unknown address, then the right password.
    let wrong = format!("{password}-wrong");
    secrets.0.push(wrong.clone());
    for (email, pass, to_board) in [
        ("admin@nj-bon.demo", wrong.as_str(), false),
        ("zeynep.q@hospital.example", password.as_str(), false),
        ("admin@nj-bon.demo", password.as_str(), true),
    ] {
        let resp = http
            .post(format!("{url}/session/signin"))
            .header("origin", &url)
            .form(&[("email", email), ("password", pass), ("next", "")])
            .send()
            .await
            .expect("sign in");
        let to = resp.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(to.starts_with("/board"), to_board, "{email}: {} → {to}", resp.status());
        if let Some(cookie) = resp.headers().get("set-cookie").and_then(|c| c.to_str().ok()) {
            if let Some(value) = cookie.split(';').next().and_then(|kv| kv.split_once('=')).map(|(_, v)| v) {
                secrets.0.push(value.to_owned());
            }
        }
    }

    // A forged token, and a bulk upload with a bad row.
    let forged = "mcb_LOGSCANforgedTokenValue48213";
    secrets.0.push(forged.to_owned());
    let (status, _) = send(http.get(format!("{url}/boards/nj-bon/credentials")).bearer_auth(forged)).await;
    assert_eq!(status, 401);
    let csv = "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n\
               Zeynep Quillfeather,RN,QF-48213-LOG,US-NJ,1979-04-17,not-a-date\n";
    let (status, body) = send(
        http.post(format!("{url}/boards/nj-bon/credentials/bulk?format=vc%2Bjwt"))
            .bearer_auth(&board_token)
            .header("content-type", "text/csv")
            .body(csv),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["progress"]["failed"], 1, "the bad row is reported, not issued: {body}");
    assert_eq!(body["errors"][0]["errors"][0]["code"], "malformed_date_time", "{body}");

    let (entries, ledger) = ledger_bytes(&http, &url, "nj-bon").await;
    assert!(entries >= 2, "the ledger holds the issuance snapshots and the revocation: {entries}");
    let console = demo.console.clone();
    demo.stop();

    let mut needles: Vec<String> = PERSONAL.iter().chain(SHAPES).map(|s| (*s).to_owned()).collect();
    needles.extend(secrets.0.iter().filter(|s| s.len() >= 6).cloned());
    // The search finds what is there: the console prints the tokens and passwords on purpose.
    let printed = findings(&console, &needles);
    for s in [&board_token, &hospital_token, &password] {
        assert!(printed.iter().any(|f| f.starts_with(&format!("{s:?}"))), "the search misses {s:?} in the console");
    }

    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 50, "a debug run logs plenty: {} lines", lines.len());
    for line in &lines {
        let parsed: Result<Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not a JSON log line: {line}");
    }
    let requests = lines.iter().filter(|l| l.contains("\"request_id\"") && l.contains("\"route\"")).count();
    assert!(requests >= 20, "every request is logged with its id and route: {requests}");
    eprintln!("searched {} log lines ({requests} request lines) and {entries} ledger entries", lines.len());
    let found = findings(&text, &needles);
    assert!(found.is_empty(), "{} findings in the logs:\n{}", found.len(), found.join("\n"));
    let ledger = String::from_utf8_lossy(&ledger);
    let found = findings(&ledger, &needles);
    assert!(found.is_empty(), "on the ledger:\n{}", found.join("\n"));
}
