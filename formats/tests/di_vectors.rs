//! Both EdDSA Data Integrity suites against the W3C vc-di-eddsa test vectors (byte for byte, every
//! intermediate), then on a medcred license: tampering, wrong keys and malformed proofs must fail.
//!
//! Fixtures: `tests/fixtures/vc-di-eddsa/` (see its README for provenance). The rdfc `employ`
//! vector is skipped only because its `https://w3id.org/citizenship/v4rc1` context is not
//! bundled; the vectors' `https://www.w3.org/ns/credentials/examples/v2` context is bundled by ssi.

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use medcred_formats::keys::{decode_multibase_public, decode_multibase_secret};
use medcred_formats::{di_jcs, di_rdfc, jcs, FormatError, IssuerKey};
use medcred_model::context::{CONTEXT_URL, VC_V2};
use medcred_model::document::{w3c_credential, IssuerRef};
use medcred_model::IssueRequest;
use serde_json::{json, Value};

const KEY_PAIR: &str = include_str!("fixtures/vc-di-eddsa/keyPair.json");
const UNSIGNED: &str = include_str!("fixtures/vc-di-eddsa/unsigned.json");

/// One suite's vector files.
struct Vector {
    proof_config: &'static str,
    canon_doc: &'static str,
    canon_proof: &'static str,
    doc_hash: &'static str,
    proof_hash: &'static str,
    combined_hash: &'static str,
    sig_hex: &'static str,
    sig_b58: &'static str,
    signed: &'static str,
}

const JCS: Vector = Vector {
    proof_config: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/proofConfigJCS.json"),
    canon_doc: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/canonDocJCS.txt"),
    canon_proof: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/proofCanonJCS.txt"),
    doc_hash: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/docHashJCS.txt"),
    proof_hash: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/proofHashJCS.txt"),
    combined_hash: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/combinedHashJCS.txt"),
    sig_hex: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/sigHexJCS.txt"),
    sig_b58: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/sigBTC58JCS.txt"),
    signed: include_str!("fixtures/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json"),
};

const RDFC: Vector = Vector {
    proof_config: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"),
    canon_doc: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"),
    canon_proof: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt"),
    doc_hash: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/docHashDataInt.txt"),
    proof_hash: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/proofHashDataInt.txt"),
    combined_hash: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/combinedHashDataInt.txt"),
    sig_hex: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/sigHexDataInt.txt"),
    sig_b58: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/sigBTC58DataInt.txt"),
    signed: include_str!("fixtures/vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"),
};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

/// The vectors' key under the vectors' did:key verification method.
fn vector_key(proof_config: &Value) -> IssuerKey {
    let pair = parse(KEY_PAIR);
    let secret = decode_multibase_secret(pair["privateKeyMultibase"].as_str().expect("secret")).expect("secret key");
    let public = decode_multibase_public(pair["publicKeyMultibase"].as_str().expect("public")).expect("public key");
    assert_eq!(secret.verifying_key(), public);
    let vm = proof_config["verificationMethod"].as_str().expect("vm");
    assert_eq!(IssuerKey::did_key(secret.clone()).verification_method(), vm);
    IssuerKey::new(secret, vm)
}

/// `created` of a vector's proof configuration.
fn created_of(proof_config: &Value) -> DateTime<Utc> {
    proof_config["created"].as_str().expect("created").parse().expect("dateTime")
}

/// The hashes and signature of `hash` (= proof hash ‖ document hash) against the vector's files.
fn check_hashes_and_signature(v: &Vector, hash: &[u8; 64], key: &IssuerKey) {
    assert_eq!(hex::encode(&hash[..32]), v.proof_hash.trim());
    assert_eq!(hex::encode(&hash[32..]), v.doc_hash.trim());
    assert_eq!(hex::encode(hash), v.combined_hash.trim());
    let signature = key.sign(hash);
    assert_eq!(hex::encode(signature), v.sig_hex.trim());
    assert_eq!(format!("z{}", bs58::encode(signature).into_string()), v.sig_b58.trim());
}

#[test]
fn eddsa_jcs_2022_w3c_vector_byte_for_byte() {
    let unsigned = parse(UNSIGNED);
    let config = parse(JCS.proof_config);
    let key = vector_key(&config);

    assert_eq!(jcs::canonicalize(&unsigned).expect("jcs"), JCS.canon_doc);
    assert_eq!(jcs::canonicalize(&config).expect("jcs"), JCS.canon_proof);
    let hash = di_jcs::hash_data(&unsigned, &config).expect("hash");
    check_hashes_and_signature(&JCS, &hash, &key);

    let signed = di_jcs::sign(&unsigned, &key, created_of(&config)).expect("sign");
    assert_eq!(signed, parse(JCS.signed));
    let info = di_jcs::verify(&parse(JCS.signed), &key.verifying_key()).expect("the W3C document verifies");
    assert_eq!(info.verification_method, config["verificationMethod"]);
    assert_eq!(info.created.as_deref(), Some("2023-02-24T23:36:38Z"));
    assert_eq!(di_jcs::proof_of(&parse(JCS.signed)).expect("proof_of"), info);
}

#[tokio::test]
async fn eddsa_rdfc_2022_w3c_vector_byte_for_byte() {
    let unsigned = parse(UNSIGNED);
    let config = parse(RDFC.proof_config);
    let key = vector_key(&config);

    assert_eq!(di_rdfc::canonicalize(&unsigned).await.expect("rdfc"), RDFC.canon_doc);
    assert_eq!(di_rdfc::canonicalize(&config).await.expect("rdfc"), RDFC.canon_proof);
    let hash = di_rdfc::hash_data(&unsigned, &config).await.expect("hash");
    check_hashes_and_signature(&RDFC, &hash, &key);

    let signed = di_rdfc::sign(&unsigned, &key, created_of(&config)).await.expect("sign");
    assert_eq!(signed, parse(RDFC.signed));
    let info = di_rdfc::verify(&parse(RDFC.signed), &key.verifying_key()).await.expect("the W3C document verifies");
    assert_eq!(info.verification_method, config["verificationMethod"]);
    assert_eq!(di_rdfc::proof_of(&parse(RDFC.signed)).expect("proof_of"), info);
}

#[tokio::test]
async fn a_suite_does_not_accept_the_other_suites_proof() {
    let public = vector_key(&parse(JCS.proof_config)).verifying_key();
    assert!(matches!(di_rdfc::verify(&parse(JCS.signed), &public).await, Err(FormatError::Unsupported(_))));
    assert!(matches!(di_jcs::verify(&parse(RDFC.signed), &public), Err(FormatError::Unsupported(_))));
}

// ---- a medcred license ---------------------------------------------------------------------

const BOARD: &str = "did:web:board.medcred.example";

fn now() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().expect("time")
}

fn board_key(seed: u8) -> IssuerKey {
    IssuerKey::new(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]), format!("{BOARD}#key-1"))
}

/// An unsigned MedicalLicenseCredential, built the way the issuer builds it.
fn license() -> Value {
    let request = json!({
        "@context": [VC_V2, CONTEXT_URL],
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2028-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "practitionerName": "Jane Q. Doe",
            "licenseType": "RN",
            "licenseNumber": "RN-0012345",
            "jurisdiction": "US-NJ",
            "originalIssueDate": "2015-06-01",
            "restrictions": [],
            "npi": "1234567893",
            "multistatePrivilege": true
        }
    });
    let req = IssueRequest::from_vc_json(&request, now()).expect("valid license request");
    let issuer = IssuerRef { id: BOARD.into(), name: "New Jersey Board of Nursing".into() };
    let vc = w3c_credential(&req, "urn:uuid:3f1c2a4e-8b7d-4c55-9a10-2b6f0e9d7c31", &issuer);
    assert_eq!(vc["@context"], json!([VC_V2, CONTEXT_URL]));
    assert_eq!(vc["type"][1], "MedicalLicenseCredential");
    vc
}

/// A named single change to a signed document.
type Tampering = (&'static str, fn(&mut Value));

/// Single changes to a signed license, each of which must break its proof.
fn tamperings() -> Vec<Tampering> {
    vec![
        ("licenseNumber", |v| v["credentialSubject"]["licenseNumber"] = json!("RN-0012346")),
        ("practitionerName", |v| v["credentialSubject"]["practitionerName"] = json!("Jane Q. Roe")),
        ("licenseType", |v| v["credentialSubject"]["licenseType"] = json!("APRN")),
        ("restrictions", |v| v["credentialSubject"]["restrictions"] = json!(["supervised practice only"])),
        ("multistatePrivilege", |v| v["credentialSubject"]["multistatePrivilege"] = json!(false)),
        ("validUntil", |v| v["validUntil"] = json!("2030-01-01T00:00:00Z")),
        ("issuer.name", |v| v["issuer"]["name"] = json!("Some Other Board")),
        ("issuer.id", |v| v["issuer"]["id"] = json!("did:web:evil.example")),
        ("subject id", |v| v["credentialSubject"]["id"] = json!("did:example:someone-else")),
        ("type", |v| v["type"] = json!(["VerifiableCredential", "PatientIdentityCredential"])),
        ("proof.created", |v| v["proof"]["created"] = json!("2026-01-01T00:00:01Z")),
        ("proof.verificationMethod", |v| v["proof"]["verificationMethod"] = json!(format!("{BOARD}#key-2"))),
        ("proof.proofPurpose", |v| v["proof"]["proofPurpose"] = json!("authentication")),
        ("proof.extra", |v| v["proof"]["expires"] = json!("2030-01-01T00:00:00Z")),
        ("signature bit", |v| {
            let pv = v["proof"]["proofValue"].as_str().expect("proofValue");
            let mut sig = bs58::decode(&pv[1..]).into_vec().expect("base58");
            sig[10] ^= 1;
            v["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(sig).into_string()));
        }),
    ]
}

/// Inputs that are not a single well-formed proof; each must be an error, never a panic.
fn malformed(signed: &Value) -> Vec<(&'static str, Value)> {
    let with_proof = |proof: Value| {
        let mut v = signed.clone();
        v["proof"] = proof;
        v
    };
    let mut no_proof = signed.clone();
    no_proof.as_object_mut().expect("object").remove("proof");
    let pv = signed["proof"]["proofValue"].as_str().expect("proofValue");
    let mut proof = signed["proof"].clone();
    proof["proofValue"] = json!(format!("m{}", &pv[1..]));
    let not_multibase = with_proof(proof);
    let mut proof = signed["proof"].clone();
    proof.as_object_mut().expect("object").remove("verificationMethod");
    let no_vm = with_proof(proof);
    vec![
        ("no proof", no_proof),
        ("proof not an object", with_proof(json!("zabc"))),
        ("proof null", with_proof(Value::Null)),
        ("proof set", with_proof(json!([signed["proof"].clone(), signed["proof"].clone()]))),
        ("proofValue not multibase", not_multibase),
        ("no verificationMethod", no_vm),
        ("document not an object", json!(["VerifiableCredential"])),
        ("a string", json!("eyJhbGciOiJFZERTQSJ9.e30.c2ln")),
    ]
}

fn assert_tamper_fails(suite: &str, what: &str, result: Result<di_jcs::ProofInfo, FormatError>) {
    assert!(matches!(result, Err(FormatError::BadSignature(_))), "{suite}: changing {what} must fail, got {result:?}");
}

#[test]
fn jcs_license_verifies_and_every_change_breaks_it() {
    let key = board_key(1);
    let signed = di_jcs::sign(&license(), &key, now()).expect("sign");
    let info = di_jcs::verify(&signed, &key.verifying_key()).expect("verifies");
    assert_eq!(info.verification_method, format!("{BOARD}#key-1"));
    assert_eq!(info.proof_purpose, "assertionMethod");

    for (what, change) in tamperings() {
        let mut t = signed.clone();
        change(&mut t);
        assert_tamper_fails("jcs", what, di_jcs::verify(&t, &key.verifying_key()));
    }
    assert_tamper_fails("jcs", "the key", di_jcs::verify(&signed, &board_key(2).verifying_key()));
    for (what, input) in malformed(&signed) {
        assert!(di_jcs::verify(&input, &key.verifying_key()).is_err(), "jcs verify: {what}");
        assert!(di_jcs::proof_of(&input).is_err(), "jcs proof_of: {what}");
    }
}

#[tokio::test]
async fn rdfc_license_verifies_and_every_change_breaks_it() {
    let key = board_key(1);
    let signed = di_rdfc::sign(&license(), &key, now()).await.expect("sign");
    let info = di_rdfc::verify(&signed, &key.verifying_key()).await.expect("verifies");
    assert_eq!(info.verification_method, format!("{BOARD}#key-1"));
    assert_eq!(info.cryptosuite, "eddsa-rdfc-2022");

    for (what, change) in tamperings() {
        let mut t = signed.clone();
        change(&mut t);
        assert_tamper_fails("rdfc", what, di_rdfc::verify(&t, &key.verifying_key()).await);
    }
    assert_tamper_fails("rdfc", "the key", di_rdfc::verify(&signed, &board_key(2).verifying_key()).await);
    for (what, input) in malformed(&signed) {
        assert!(di_rdfc::verify(&input, &key.verifying_key()).await.is_err(), "rdfc verify: {what}");
        assert!(di_rdfc::proof_of(&input).is_err(), "rdfc proof_of: {what}");
    }
}

#[tokio::test]
async fn rdfc_rejects_a_context_that_is_not_bundled() {
    let mut unsigned = license();
    unsigned["@context"] = json!([VC_V2, CONTEXT_URL, "https://example.org/not-bundled/v1"]);
    assert!(matches!(di_rdfc::sign(&unsigned, &board_key(1), now()).await, Err(FormatError::Malformed { .. })));
}

/// JSON-LD would drop a term no context defines, leaving it unsigned; the expansion is strict,
/// so such a claim is an error when signing and when verifying.
#[tokio::test]
async fn rdfc_rejects_a_claim_no_context_defines() {
    let key = board_key(1);
    let mut unsigned = license();
    unsigned["credentialSubject"]["favouriteColour"] = json!("blue");
    assert!(matches!(di_rdfc::sign(&unsigned, &key, now()).await, Err(FormatError::Malformed { .. })));

    let mut signed = di_rdfc::sign(&license(), &key, now()).await.expect("sign");
    signed["credentialSubject"]["favouriteColour"] = json!("blue");
    assert!(matches!(di_rdfc::verify(&signed, &key.verifying_key()).await, Err(FormatError::Malformed { .. })));
}

#[tokio::test]
async fn the_two_suites_sign_the_same_license_differently() {
    let key = board_key(3);
    let a = di_jcs::sign(&license(), &key, now()).expect("jcs");
    let b = di_rdfc::sign(&license(), &key, now()).await.expect("rdfc");
    assert_ne!(a["proof"]["proofValue"], b["proof"]["proofValue"]);
    let public: VerifyingKey = key.verifying_key();
    di_jcs::verify(&a, &public).expect("jcs verifies");
    di_rdfc::verify(&b, &public).await.expect("rdfc verifies");
}

/// ssi's own Data Integrity pipeline as an oracle: for a did:key issuer (resolvable offline) it
/// must produce our `proofValue` for the same license and instant, and accept our document.
#[tokio::test]
async fn ssi_pipeline_agrees_with_our_rdfc() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use medcred_model::context::CONTEXT_JSON;
    use ssi::claims::data_integrity::{from_json_str, AnySuite, CryptographicSuite, ProofOptions};
    use ssi::claims::vc::v2::JsonCredential;
    use ssi::claims::{SignatureEnvironment, VerificationParameters};
    use ssi::dids::{DIDKey, VerificationMethodDIDResolver};
    use ssi::json_ld::{ContextLoader, IriBuf};
    use ssi::verification_methods::{AnyMethod, SingleSecretSigner};

    let signing = ed25519_dalek::SigningKey::from_bytes(&[4u8; 32]);
    let key = IssuerKey::did_key(signing.clone());
    let ours = di_rdfc::sign(&license(), &key, now()).await.expect("sign");

    let map = std::collections::HashMap::from([(CONTEXT_URL.to_owned(), CONTEXT_JSON.to_owned())]);
    let loader = ContextLoader::default().with_context_map_from(map).expect("context");
    let resolver = VerificationMethodDIDResolver::<_, AnyMethod>::new(DIDKey);
    let jwk: ssi::JWK = serde_json::from_value(json!({
        "kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
        "d": URL_SAFE_NO_PAD.encode(signing.to_bytes()),
    }))
    .expect("jwk");
    let vc: JsonCredential = serde_json::from_value(license()).expect("ssi reads the license");
    let mut options = ProofOptions::from_method(IriBuf::new(key.verification_method().to_owned()).expect("iri").into());
    options.created = Some("2026-01-01T00:00:00Z".parse().expect("xsd dateTime"));
    let env = SignatureEnvironment { json_ld_loader: loader.clone(), eip712_loader: () };
    let signer = SingleSecretSigner::new(jwk).into_local();
    let theirs = AnySuite::EdDsaRdfc2022
        .sign_with(env, vc, &resolver, signer, options, Default::default())
        .await
        .expect("ssi signs");
    let theirs = serde_json::to_value(&theirs).expect("json");
    assert_eq!(theirs["proof"]["proofValue"], ours["proof"]["proofValue"]);
    di_rdfc::verify(&theirs, &key.verifying_key()).await.expect("we accept ssi's document");

    let params = VerificationParameters::from_resolver(&resolver).with_json_ld_loader(loader).with_date_time(now());
    let verify_with_ssi =
        |doc: &Value| from_json_str::<JsonCredential, AnySuite>(&doc.to_string()).expect("ssi parses");
    verify_with_ssi(&ours).verify(&params).await.expect("no error").expect("ssi accepts our document");
    let mut tampered = ours.clone();
    tampered["credentialSubject"]["licenseNumber"] = json!("RN-0012346");
    assert!(verify_with_ssi(&tampered).verify(&params).await.expect("no error").is_err());
}
