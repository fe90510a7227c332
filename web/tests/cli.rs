//! The `medcred` binary as a user runs it: board create, issue, verify (offline), issue-bulk, and
//! the demo server over HTTP and HTTPS (self-signed), stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_medcred");

fn medcred(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("MEDCRED_MASTER_KEY")
        .env("MEDCRED_PUBLIC_URL", "https://board.example.org")
        .output()
        .expect("run medcred")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "medcred failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const LICENSE: &str = r#"{
  "type": ["VerifiableCredential", "MedicalLicenseCredential"],
  "validUntil": "2030-01-01T00:00:00Z",
  "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "MD", "licenseNumber": "MD-77",
    "jurisdiction": "US-NY", "originalIssueDate": "2010-01-01"}
}"#;

#[test]
fn board_issue_verify_and_bulk_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let out = ok(&medcred(&data, &["board", "create", "--slug", "ny-bom", "--name", "NY Board of Medicine"]));
    assert!(out.contains("did:web:board.example.org:boards:ny-bom"), "{out}");
    assert!(out.contains("admin token: mcb_"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("master.key")).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "master key file is private");
    }

    let license = dir.path().join("license.json");
    std::fs::write(&license, LICENSE).expect("write");
    let did_doc = dir.path().join("did.json");
    std::fs::write(&did_doc, ok(&medcred(&data, &["board", "show", "ny-bom"]))).expect("write");

    for format in ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc+jwt", "dc+sd-jwt"] {
        let issued =
            ok(&medcred(&data, &["issue", "--board", "ny-bom", "--format", format, license.to_str().expect("path")]));
        let file = dir.path().join("issued.txt");
        std::fs::write(&file, &issued).expect("write");
        // Every check passes but status: the credential carries a status entry and the offline
        // check has no list, so the honest verdict is "could not check", never "valid".
        let out = medcred(&data, &["verify", "--did-doc", did_doc.to_str().expect("p"), file.to_str().expect("p")]);
        assert!(!out.status.success(), "{format}: offline verify without a status list must not succeed");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        assert_eq!(report["verdict"], "could_not_check", "{format}: {report}");
        for check in report["checks"].as_array().expect("checks") {
            if check["name"] == "issuer_trust" {
                // No trust list offline: reported as a warning that does not decide the verdict.
                assert_eq!((&check["outcome"], &check["advisory"]), (&"could_not_check".into(), &true.into()));
                continue;
            }
            let expected = if check["name"] == "status" { "could_not_check" } else { "passed" };
            let outcome = check["outcome"].as_str().expect("outcome");
            assert!(outcome == expected || outcome == "not_applicable", "{format}: {check}");
        }

        // Without the issuer's DID document the check cannot run: never "valid".
        let out = medcred(&data, &["verify", file.to_str().expect("p")]);
        assert!(!out.status.success(), "{format} verified without its issuer's DID document");
        assert!(String::from_utf8_lossy(&out.stdout).contains("could_not_check"), "{format}");

        // Tampering with the license number makes it invalid.
        std::fs::write(&file, issued.replace("MD-77", "MD-78")).expect("write");
        if format == "eddsa-rdfc-2022" || format == "eddsa-jcs-2022" {
            let out = medcred(&data, &["verify", "--did-doc", did_doc.to_str().expect("p"), file.to_str().expect("p")]);
            assert!(!out.status.success(), "{format} tampered credential verified");
            assert!(String::from_utf8_lossy(&out.stdout).contains("\"invalid\""), "{format}");
        }
    }

    // A bad request is refused with the field named.
    std::fs::write(&license, LICENSE.replace("US-NY", "New York")).expect("write");
    let out = medcred(&data, &["issue", "--board", "ny-bom", license.to_str().expect("p")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("credentialSubject.jurisdiction"));

    // Bulk: good rows issue, the bad row goes to the error report, a re-run skips.
    let csv = dir.path().join("licenses.csv");
    std::fs::write(
        &csv,
        "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_until\n\
         A One,RN,RN-1,US-NY,2020-01-01,2028-01-01T00:00:00Z\n\
         B Two,ZZ,RN-2,US-NY,2020-01-01,2028-01-01T00:00:00Z\n\
         C Three,LPN,LPN-3,US-NY,2020-01-01,2028-01-01T00:00:00Z\n",
    )
    .expect("write");
    let out = ok(&medcred(&data, &["issue-bulk", "--board", "ny-bom", "--format", "vc+jwt", csv.to_str().expect("p")]));
    assert!(out.contains("3 rows: 2 issued, 0 already issued (skipped), 1 refused"), "{out}");
    let report = std::fs::read_to_string(dir.path().join("licenses.errors.csv")).expect("error report");
    assert!(report.contains("3,RN-2,credentialSubject.licenseType,unknown_license_type"), "{report}");
    let out = ok(&medcred(&data, &["issue-bulk", "--board", "ny-bom", "--format", "vc+jwt", csv.to_str().expect("p")]));
    assert!(out.contains("0 issued, 2 already issued (skipped), 1 refused"), "{out}");
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `medcred demo` on a free port and return the URL it prints.
fn demo(data: &Path, extra: &[&str]) -> (Running, String, String) {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(["demo", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env_remove("DATABASE_URL")
        .env_remove("MEDCRED_PUBLIC_URL")
        .env_remove("MEDCRED_MASTER_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let (mut url, mut token) = (None, None);
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(u) = line.strip_prefix("medcred demo is running at ") {
            url = Some(u.trim().to_owned());
        }
        if let Some(t) = line.trim().strip_prefix("admin token:") {
            token = Some(t.trim().to_owned());
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (Running(child), url.expect("demo printed its URL"), token.expect("demo printed a token"))
}

#[tokio::test]
async fn demo_serves_http_and_https_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut server, url, token) = demo(&dir.path().join("demo"), &[]);
    assert!(url.starts_with("http://localhost:"), "{url}");
    let client = reqwest::Client::new();
    let health = client.get(format!("{url}/health")).send().await.expect("health");
    assert_eq!(health.status(), 200);
    let list: serde_json::Value = client
        .get(format!("{url}/boards/nj-bon/credentials"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["credentials"].as_array().expect("list").len(), 5, "seeded: four licenses and a patient");
    let doc: serde_json::Value =
        client.get(format!("{url}/boards/nj-bon/did.json")).send().await.expect("did").json().await.expect("json");
    assert!(doc["id"].as_str().expect("id").starts_with("did:web:localhost%3A"));

    #[cfg(unix)]
    {
        let pid = server.0.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        let status = server.0.wait().expect("wait");
        assert!(status.success(), "graceful shutdown exits 0, got {status}");
    }

    let (_tls, url, _) = demo(&dir.path().join("tls"), &["--self-signed"]);
    assert!(url.starts_with("https://localhost:"), "{url}");
    let client = reqwest::Client::builder().danger_accept_invalid_certs(true).build().expect("client");
    let health = client.get(format!("{url}/health")).send().await.expect("https health");
    assert_eq!(health.status(), 200);
}
