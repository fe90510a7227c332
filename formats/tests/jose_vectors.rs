//! Compact JWS and `vc+jwt` against published vectors (RFC 8037 Appendix A, the RFC 9901 suite's
//! ES256 key-binding JWT) and hostile input.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use medcred_formats::jwt::{self, jwk_thumbprint, sign_compact, SignerKey, VerifierKey};
use medcred_formats::{FormatError, IssuerKey};
use medcred_model::document::{w3c_credential, IssuerRef};
use medcred_model::request::IssueRequest;
use serde_json::{json, Value};

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

fn rfc8037() -> Value {
    serde_json::from_str(&fixture("rfc8037.json")).expect("json")
}

fn rfc8037_key() -> SigningKey {
    let d = URL_SAFE_NO_PAD.decode(rfc8037()["private_jwk"]["d"].as_str().expect("d")).expect("b64");
    SigningKey::from_bytes(&d.try_into().expect("32 bytes"))
}

#[test]
fn rfc8037_signs_the_exact_jws() {
    let v = rfc8037();
    let key = SignerKey::Ed25519(rfc8037_key());
    let jws =
        sign_compact(&v["protected_header"], v["payload_utf8"].as_str().expect("s").as_bytes(), &key).expect("sign");
    assert_eq!(jws, v["jws_compact"].as_str().expect("jws"));
    assert_eq!(key.verifier_key().to_jwk(), v["public_jwk"]);
}

#[test]
fn rfc8037_verifies_and_detects_tampering() {
    let v = rfc8037();
    let pk = VerifierKey::from_jwk(&v["public_jwk"]).expect("jwk");
    let jws = v["jws_compact"].as_str().expect("jws");
    let d = jwt::decode(jws).expect("decode");
    assert_eq!(d.payload, b"Example of Ed25519 signing");
    jwt::verify(&d, &pk).expect("valid");
    let tampered = jws.replacen(".RXhh", ".RXhi", 1);
    assert!(matches!(jwt::verify(&jwt::decode(&tampered).expect("decode"), &pk), Err(FormatError::BadSignature(_))));
}

#[test]
fn rfc8037_thumbprint() {
    let v = rfc8037();
    assert_eq!(jwk_thumbprint(&v["public_jwk"]).expect("tp"), v["jwk_thumbprint_sha256"].as_str().expect("s"));
    // Private and extra members do not change the thumbprint.
    let mut extra = v["private_jwk"].clone();
    extra["kid"] = json!("k1");
    assert_eq!(jwk_thumbprint(&extra).expect("tp"), v["jwk_thumbprint_sha256"].as_str().expect("s"));
}

#[test]
fn es256_verifies_the_sd_jwt_suite_kb_jwt() {
    let keys: Value = serde_json::from_str(&fixture("sd-jwt/keys.json")).expect("json");
    let holder = VerifierKey::from_jwk(&keys["holder_public_jwk"]).expect("p256");
    assert_eq!(holder.to_jwk(), keys["holder_public_jwk"]);
    let presentation = fixture("sd-jwt/key_binding/sd_jwt_presentation.txt");
    let kb = presentation.trim().rsplit('~').next().expect("kb");
    let d = jwt::decode(kb).expect("decode");
    jwt::verify_es256(
        &d,
        match &holder {
            VerifierKey::P256(k) => k,
            VerifierKey::Ed25519(_) => unreachable!(),
        },
    )
    .expect("valid ES256");
    // The issuer key did not sign it; an Ed25519 key cannot check ES256.
    let issuer = VerifierKey::from_jwk(&keys["issuer_public_jwk"]).expect("p256");
    assert!(jwt::verify(&d, &issuer).is_err());
    assert!(jwt::verify(&d, &VerifierKey::from_jwk(&rfc8037()["public_jwk"]).expect("ed")).is_err());
}

#[test]
fn es256_sign_round_trip() {
    let sk = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).expect("p256");
    let key = SignerKey::P256(sk);
    let jws = sign_compact(&json!({"alg": "ES256"}), b"{}", &key).expect("sign");
    jwt::verify(&jwt::decode(&jws).expect("decode"), &key.verifier_key()).expect("valid");
    assert!(sign_compact(&json!({"alg": "EdDSA"}), b"{}", &key).is_err());
}

#[test]
fn decode_rejects_hostile_input() {
    let b = |s: &str| URL_SAFE_NO_PAD.encode(s);
    let sig = URL_SAFE_NO_PAD.encode([0u8; 64]);
    let ok_header = b(r#"{"alg":"EdDSA"}"#);
    let cases = [
        String::new(),
        "a.b".to_owned(),
        format!("{ok_header}.e30.{sig}.x"),
        format!("{ok_header}.e30."),
        format!(".e30.{sig}"),
        format!("{ok_header}=.e30.{sig}"),
        format!("{ok_header}.e3+.{sig}"),
        format!("{}.e30.{sig}", b("[1]")),
        format!("{}.e30.{sig}", b("{}")),
        format!("{}.e30.{sig}", b(r#"{"alg":1}"#)),
        format!("{}.e30.{sig}", b(r#"{"alg":"EdDSA","crit":["b64"]}"#)),
        format!("{}.e30.{sig}", b("not json")),
        format!("{ok_header}.{}.{sig}", "A".repeat(jwt::MAX_JWS_LEN)),
    ];
    for c in cases {
        assert!(jwt::decode(&c).is_err(), "{:.80}", c);
    }
    // alg none and wrong signature lengths never verify.
    let pk = VerifierKey::from_jwk(&rfc8037()["public_jwk"]).expect("jwk");
    let none = jwt::decode(&format!("{}.e30.{sig}", b(r#"{"alg":"none"}"#))).expect("decodes");
    assert!(jwt::verify(&none, &pk).is_err());
    let short = jwt::decode(&format!("{ok_header}.e30.AAAA")).expect("decodes");
    assert!(jwt::verify(&short, &pk).is_err());
}

#[test]
fn medcred_patient_vc_jwt_round_trip() {
    let req = IssueRequest::from_vc_json(
        &json!({
            "type": ["VerifiableCredential", "PatientIdentityCredential"],
            "validFrom": "2026-03-01T00:00:00Z",
            "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-01-02", "patientIdentifier": "MRN-7"}
        }),
        "2026-01-01T00:00:00Z".parse().expect("t"),
    )
    .expect("valid request");
    let issuer = IssuerRef { id: "did:web:board.example".into(), name: "Board".into() };
    let vc = w3c_credential(&req, "urn:uuid:0b6c1e2a-1f1e-4c53-9f0e-3f8f5f3d9a01", &issuer);
    let key = IssuerKey::new(SigningKey::from_bytes(&[5u8; 32]), "did:web:board.example#key-1");
    let jws = jwt::sign_vc_jwt(&vc, &key).expect("sign");
    let header = jwt::decode(&jws).expect("decode").header;
    assert_eq!(header["kid"], "did:web:board.example#key-1");
    assert_eq!(header["typ"], "vc+jwt");
    let out = jwt::verify_vc_jwt(&jws, &VerifierKey::Ed25519(key.verifying_key())).expect("verify");
    assert_eq!(out["iss"], "did:web:board.example");
    assert_eq!(out["credentialSubject"], vc["credentialSubject"]);
    let other = VerifierKey::Ed25519(SigningKey::from_bytes(&[6u8; 32]).verifying_key());
    assert!(jwt::verify_vc_jwt(&jws, &other).is_err());
}
