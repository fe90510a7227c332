//! Key compromise from the command line: `medcred board compromise-key` removes the stolen key
//! from the DID document and rotates, `medcred board reissue` replaces what it signed under the
//! new key and revokes the old credentials ("key compromise") through the ledger; a second run
//! has nothing left to do. Bad input is refused with a message, not a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{command, run_ok};
use serde_json::Value;

const URL: &str = "http://board.test";
const LICENSE: &str = r#"{"type": ["VerifiableCredential", "MedicalLicenseCredential"], "validUntil": "2030-01-01T00:00:00Z",
  "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "RN", "licenseNumber": "RN-1",
    "jurisdiction": "US-NJ", "originalIssueDate": "2010-01-01"}}"#;

#[test]
fn compromise_key_and_reissue_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::create_board(&data, URL, "bon");
    let license = dir.path().join("license.json");
    std::fs::write(&license, LICENSE).unwrap();
    let mut ids = Vec::new();
    for format in ["eddsa-jcs-2022", "eddsa-rdfc-2022"] {
        let issued: Value = serde_json::from_str(&run_ok(
            &data,
            URL,
            &["issue", "--board", "bon", "--format", format, license.to_str().unwrap()],
        ))
        .unwrap();
        assert!(issued["proof"]["verificationMethod"].as_str().unwrap().ends_with("#key-1"));
        ids.push(issued["id"].as_str().unwrap().to_owned());
    }

    for bad in [vec!["key-9"], vec!["key-1", "--since", "yesterday"]] {
        let mut args = vec!["board", "compromise-key", "bon"];
        args.extend(bad.iter().copied());
        let out = command(&data, URL).args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
    }

    let out = run_ok(&data, URL, &["board", "compromise-key", "bon", "key-1", "--since", "2024-05-01T00:00:00Z"]);
    assert!(out.contains("new active key: did:web:board.test:boards:bon#key-2"), "{out}");
    assert!(out.contains("queued for re-issuance: 2"), "{out}");
    let doc = run_ok(&data, URL, &["board", "show", "bon"]);
    assert!(!doc.contains("#key-1") && doc.contains("#key-2"), "{doc}");

    let out = run_ok(&data, URL, &["board", "reissue", "bon"]);
    assert!(out.contains("re-issued 2, revoked 2, skipped (already revoked) 0, remaining 0"), "{out}");
    for id in &ids {
        assert!(out.contains(&format!("{id} -> urn:uuid:")), "{out}");
        let status = run_ok(&data, URL, &["status", "--board", "bon", id]);
        assert!(status.contains("revoked: true") && status.contains("key compromise"), "{status}");
    }
    let again = run_ok(&data, URL, &["board", "reissue", "bon"]);
    assert!(again.contains("re-issued 0, revoked 0, skipped (already revoked) 0, remaining 0"), "{again}");
}
