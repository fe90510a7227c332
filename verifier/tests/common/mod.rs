//! Fixtures for the engine tests: credentials issued with medcred-formats in every format, by
//! did:key, did:jwk and did:web issuers, and the did:web documents the tests publish offline.
#![allow(dead_code, unreachable_pub)]

pub mod ledger;

use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::SigningKey;
use medcred_formats::keys::multibase_public;
use medcred_formats::{di_jcs, di_rdfc, jwt, sd_jwt, Format, IssuerKey};
use medcred_model::document::{sd_jwt_claims, w3c_credential};
use medcred_model::{IssueRequest, IssuerRef};
use medcred_verifier::{verify_credential, CheckName, DidResolver, OfflineResolver, Outcome, Report};
use rand::SeedableRng;
use serde_json::{json, Map, Value};

/// The verifier's clock in every test.
pub const NOW: &str = "2026-06-01T12:00:00Z";
/// The board's did:web.
pub const BOARD: &str = "did:web:board.example";
/// The credential id.
pub const ID: &str = "urn:uuid:4b0c3a8e-2f8e-4d4e-9a4c-3f1a2b6c7d8e";

pub fn now() -> DateTime<Utc> {
    NOW.parse().expect("now")
}

pub fn skew() -> Duration {
    Duration::minutes(5)
}

/// A license valid 2026-03-01 .. 2028-03-01.
pub fn license() -> IssueRequest {
    let v = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://medcred.org/ns/credentials/v1"],
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validFrom": "2026-03-01T00:00:00Z",
        "validUntil": "2028-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:nurse",
            "practitionerName": "Grace Hopper",
            "licenseType": "RN",
            "licenseNumber": "RN-123456",
            "jurisdiction": "US-NJ",
            "originalIssueDate": "2020-05-01"
        }
    });
    IssueRequest::from_vc_json(&v, now()).expect("license request")
}

/// A patient identity valid from 2026-03-01, without end.
pub fn patient() -> IssueRequest {
    let v = json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "validFrom": "2026-03-01T00:00:00Z",
        "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-01-02", "patientIdentifier": "MRN-7"}
    });
    IssueRequest::from_vc_json(&v, now()).expect("patient request")
}

pub fn signing(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// A did:key issuer.
pub fn did_key(n: u8) -> IssuerKey {
    IssuerKey::did_key(signing(n))
}

/// The board's key `#key-<n>`, with secret `[n; 32]`.
pub fn board_key(n: u8) -> IssuerKey {
    IssuerKey::new(signing(n), format!("{BOARD}#key-{n}"))
}

/// A Multikey verification method of the board.
pub fn board_vm(n: u8) -> Value {
    json!({
        "id": format!("{BOARD}#key-{n}"),
        "type": "Multikey",
        "controller": BOARD,
        "publicKeyMultibase": multibase_public(&signing(n).verifying_key())
    })
}

/// The board's DID document: `vms` defined, `assertion` (key numbers) under assertionMethod.
pub fn board_doc(vms: &[u8], assertion: &[u8]) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": BOARD,
        "verificationMethod": vms.iter().map(|n| board_vm(*n)).collect::<Vec<_>>(),
        "assertionMethod": assertion.iter().map(|n| format!("{BOARD}#key-{n}")).collect::<Vec<_>>(),
        "authentication": vms.iter().map(|n| format!("{BOARD}#key-{n}")).collect::<Vec<_>>()
    })
}

/// A resolver that knows the board publishing key 1 for assertions.
pub fn resolver() -> OfflineResolver {
    OfflineResolver::new().with_document(board_doc(&[1], &[1]))
}

/// Issue `req` in `format`, naming `issuer` as the issuer and signing with `key`, after `edit`
/// has changed the unsigned W3C credential or SD-JWT VC claims.
pub async fn issue_edited(
    format: Format,
    req: &IssueRequest,
    issuer: &str,
    key: &IssuerKey,
    edit: impl FnOnce(&mut Map<String, Value>),
) -> String {
    let issuer = IssuerRef { id: issuer.into(), name: "State Board of Nursing".into() };
    if format == Format::SdJwtVc {
        let (mut claims, disclosable) = sd_jwt_claims(req, ID, &issuer);
        edit(&mut claims);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        return sd_jwt::issue(claims, &disclosable, None, key, &mut rng).expect("sd-jwt");
    }
    let mut vc = w3c_credential(req, ID, &issuer);
    edit(vc.as_object_mut().expect("object"));
    let created: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().expect("created");
    match format {
        Format::EddsaJcs2022 => di_jcs::sign(&vc, key, created).expect("jcs").to_string(),
        Format::EddsaRdfc2022 => di_rdfc::sign(&vc, key, created).await.expect("rdfc").to_string(),
        _ => jwt::sign_vc_jwt(&vc, key).expect("vc+jwt"),
    }
}

/// [`issue_edited`] without edits.
pub async fn issue(format: Format, req: &IssueRequest, issuer: &str, key: &IssuerKey) -> String {
    issue_edited(format, req, issuer, key, |_| {}).await
}

/// An `EnvelopedVerifiableCredential` around a compact credential.
pub fn envelope(format: Format, compact: &str) -> String {
    let media = if format == Format::SdJwtVc { "application/dc+sd-jwt" } else { "application/vc+jwt" };
    json!({"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential", "id": format!("data:{media},{compact}")}).to_string()
}

pub async fn verify(input: &str, resolver: &dyn DidResolver) -> Report {
    verify_credential(input, resolver, now(), skew()).await
}

pub fn outcome(r: &Report, name: CheckName) -> Outcome {
    r.outcome(name).cloned().expect("check present")
}

pub fn failed(r: &Report, name: CheckName) -> bool {
    matches!(r.outcome(name), Some(Outcome::Failed { .. }))
}

pub fn could_not_check(r: &Report, name: CheckName) -> bool {
    matches!(r.outcome(name), Some(Outcome::CouldNotCheck { .. }))
}

/// A report for assertion messages.
pub fn show(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default()
}
