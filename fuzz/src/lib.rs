//! What the fuzz targets share: the verifier's world (the board's DID document, the fixed clock
//! and request of `verifier/tests/common`, so the committed corpus seeds reach deep), the
//! invariants every report must keep whatever the input, and the keys of a log and a witness for
//! the transparency log targets.
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use medcred_formats::keys::multibase_public;
use medcred_formats::IssuerKey;
use medcred_registry::note::{Cosigner, KeyName, NoteSigner};
use medcred_verifier::{
    CheckName, OfflineResolver, Outcome, PresentationExpectations, PresentationReport, Report, Verdict, VerifyContext,
};
use serde_json::{json, Value};

/// The board's DID, as in the tests.
pub const BOARD: &str = "did:web:board.example";

/// The board's key-1 (secret `[1; 32]`), which the tests' credentials are signed with.
pub fn board_key() -> IssuerKey {
    IssuerKey::new(SigningKey::from_bytes(&[1; 32]), format!("{BOARD}#key-1"))
}

/// The resolver: the board publishing key-1 under assertionMethod; did:key and did:jwk derived.
pub static RESOLVER: LazyLock<OfflineResolver> = LazyLock::new(|| {
    let vm = json!({"id": format!("{BOARD}#key-1"), "type": "Multikey", "controller": BOARD,
        "publicKeyMultibase": multibase_public(&SigningKey::from_bytes(&[1; 32]).verifying_key())});
    let doc: Value = json!({"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": BOARD, "verificationMethod": [vm], "assertionMethod": [format!("{BOARD}#key-1")],
        "authentication": [format!("{BOARD}#key-1")]});
    OfflineResolver::new().with_document(doc)
});

/// The tests' clock, 2026-06-01T12:00:00Z.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_315_200, 0).unwrap_or_default()
}

/// The context: the resolver, the clock, no status source, no trust list.
pub fn context() -> VerifyContext<'static> {
    VerifyContext::new(&*RESOLVER, now())
}

/// The request the corpus presentations answer.
pub fn expectations() -> PresentationExpectations {
    PresentationExpectations::new(Some("c-7f3a9e".into()), Some("https://hospital.example".into()))
}

fn passed(checks: &[medcred_verifier::Check], name: CheckName) -> bool {
    checks.iter().any(|c| c.name == name && c.outcome == Outcome::Passed)
}

/// What every credential report must satisfy: all seven checks in order, the verdict the checks
/// imply, never valid without syntax, issuer binding and proof passing, and no subject unless
/// the proof passed.
pub fn check_report(r: &Report) {
    use CheckName::*;
    let names: Vec<CheckName> = r.checks.iter().map(|c| c.name).collect();
    assert_eq!(names, [Syntax, IssuerBinding, Proof, IssuerTrust, ValidityPeriod, Status, Schema]);
    assert_eq!(r.verdict, Verdict::of(&r.checks));
    if r.verdict == Verdict::Valid {
        assert!([Syntax, IssuerBinding, Proof].iter().all(|n| passed(&r.checks, *n)), "valid without a proof");
    }
    if !passed(&r.checks, Proof) {
        assert_eq!(r.subject, Value::Null, "a subject from an unverified credential");
    }
}

/// What every presentation report must satisfy: its four checks, its verdict, never valid
/// without the holder's proof and binding, and each credential report sound.
pub fn check_presentation(r: &PresentationReport) {
    use CheckName::*;
    let names: Vec<CheckName> = r.checks.iter().map(|c| c.name).collect();
    assert_eq!(names, [Syntax, Proof, HolderBinding, Credentials]);
    assert_eq!(r.verdict, Verdict::of(&r.checks));
    if r.verdict == Verdict::Valid {
        assert!([Syntax, Proof, HolderBinding].iter().all(|n| passed(&r.checks, *n)), "valid without binding");
        assert!(r.credentials.iter().all(|c| c.verdict == Verdict::Valid), "valid with a bad credential");
    }
    r.credentials.iter().for_each(check_report);
}

/// The log's origin (also its key name) in the checkpoint and witness targets.
pub const LOG_ORIGIN: &str = "board.example/log";

/// The log's signing key (secret `[2; 32]`); its verifier key signs the checkpoint seeds.
pub fn log_signer() -> NoteSigner {
    NoteSigner::new(key_name(LOG_ORIGIN), SigningKey::from_bytes(&[2; 32]))
}

/// The witness's cosigning key (secret `[3; 32]`).
pub fn witness_cosigner() -> Cosigner {
    Cosigner::new(key_name("witness.example/w1"), SigningKey::from_bytes(&[3; 32]))
}

fn key_name(name: &str) -> KeyName {
    match KeyName::new(name) {
        Ok(n) => n,
        Err(e) => unreachable!("{name} is a valid key name: {e}"),
    }
}

/// Splits `data` at its first newline: (the first line, the rest). No newline: (all, empty).
pub fn first_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}
