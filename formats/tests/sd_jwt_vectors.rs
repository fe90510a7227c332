//! SD-JWT (RFC 9901) against the sd-jwt-python test suite (P-256, fixed salts), and medcred's own
//! issue → present → verify round trip with tampering and hostile input.
#![allow(clippy::panic)] // a test names the failing vector case

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::SigningKey;
use medcred_formats::jwt::{sign_compact, SignerKey, VerifierKey};
use medcred_formats::sd_jwt::{self, disclosure_digest, sd_hash, KbExpectation, KbParams};
use medcred_formats::{FormatError, IssuerKey};
use medcred_model::document::{sd_jwt_claims, IssuerRef};
use medcred_model::request::IssueRequest;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Map, Value};

/// The compact cases of the suite (`json_serialization_*` are skipped: medcred only produces and
/// accepts the compact serialization, which is what SD-JWT VC and OpenID4VP use).
const CASES: [&str; 15] = [
    "array_data_types",
    "array_full_sd",
    "array_in_sd",
    "array_nested_in_plain",
    "array_none_disclosed",
    "array_of_nulls",
    "array_of_objects",
    "array_of_scalars",
    "array_recursive_sd",
    "array_recursive_sd_some_disclosed",
    "header_mod",
    "key_binding",
    "no_sd",
    "object_data_types",
    "recursions",
];

fn fixture(path: &str) -> Option<String> {
    std::fs::read_to_string(format!("{}/tests/fixtures/sd-jwt/{path}", env!("CARGO_MANIFEST_DIR"))).ok()
}

fn json_fixture(path: &str) -> Option<Value> {
    fixture(path).map(|s| serde_json::from_str(&s).expect("json"))
}

fn keys() -> Value {
    json_fixture("keys.json").expect("keys.json")
}

fn vector_issuer() -> VerifierKey {
    VerifierKey::from_jwk(&keys()["issuer_public_jwk"]).expect("issuer key")
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("time")
}

/// What the suite's verifier expects of a key-binding JWT, at the vector's own `iat`.
fn vector_expectation(case: &str) -> Option<KbExpectation> {
    let kb = json_fixture(&format!("{case}/kb_jwt_payload.json"))?;
    Some(KbExpectation {
        aud: keys()["verifier"].as_str().expect("aud").into(),
        nonce: keys()["key_binding_nonce"].as_str().expect("nonce").into(),
        now: at(kb["iat"].as_i64().expect("iat") + 5),
        max_age: Duration::minutes(5),
    })
}

#[test]
fn rfc9901_presentations_verify_to_the_expected_claims() {
    for case in CASES {
        let presentation = fixture(&format!("{case}/sd_jwt_presentation.txt")).expect("presentation");
        let expect = vector_expectation(case);
        let v = sd_jwt::verify(presentation.trim(), &vector_issuer(), expect.as_ref())
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let expected = json_fixture(&format!("{case}/verified_contents.json")).expect("verified_contents");
        assert_eq!(Value::Object(v.claims().clone()), expected, "{case}");
        assert_eq!(v.key_binding().is_some(), expect.is_some(), "{case}");
        for p in v.disclosed() {
            assert!(expected.pointer(p).is_some(), "{case}: {p}");
        }
    }
}

/// Every digest an issuer-signed payload references (in `_sd` arrays and `{"...": d}` elements).
fn payload_digests(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(sd)) = o.get("_sd") {
                out.extend(sd.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            if let (1, Some(Value::String(d))) = (o.len(), o.get("...")) {
                out.push(d.clone());
            }
            o.values().for_each(|x| payload_digests(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| payload_digests(x, out)),
        _ => {}
    }
}

#[test]
fn rfc9901_disclosure_digests_are_found_in_the_payload() {
    for case in CASES {
        let issuance = fixture(&format!("{case}/sd_jwt_issuance.txt")).expect("issuance");
        let payload = json_fixture(&format!("{case}/sd_jwt_payload.json")).expect("payload");
        let disclosures: Vec<&str> = issuance.trim().trim_end_matches('~').split('~').skip(1).collect();
        // Digests live in the payload and, for recursive disclosures, inside other disclosures.
        let mut digests = Vec::new();
        payload_digests(&payload, &mut digests);
        for d in &disclosures {
            let array: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(d).expect("b64")).expect("json");
            payload_digests(array.as_array().and_then(|a| a.last()).expect("value"), &mut digests);
        }
        for d in disclosures {
            assert!(digests.contains(&disclosure_digest(d)), "{case}: digest of {d} not in payload");
        }
        let (_, raw) = sd_jwt::issuer_header_and_payload(issuance.trim()).expect("peek");
        assert_eq!(Value::Object(raw), payload, "{case}");
    }
}

#[test]
fn rfc9901_full_disclosure_gives_back_the_user_claims() {
    for case in CASES {
        let issuance = fixture(&format!("{case}/sd_jwt_issuance.txt")).expect("issuance");
        let (mut claims, _) = sd_jwt::disclosable_claims(issuance.trim()).unwrap_or_else(|e| panic!("{case}: {e}"));
        for k in ["iss", "iat", "exp", "cnf"] {
            claims.remove(k);
        }
        assert_eq!(
            Value::Object(claims),
            json_fixture(&format!("{case}/user_claims.json")).expect("user claims"),
            "{case}"
        );
    }
}

#[test]
fn rfc9901_vectors_reject_the_wrong_issuer_key_and_missing_key_binding() {
    let presentation = fixture("key_binding/sd_jwt_presentation.txt").expect("p");
    let presentation = presentation.trim();
    let holder = VerifierKey::from_jwk(&keys()["holder_public_jwk"]).expect("holder");
    assert!(matches!(sd_jwt::verify(presentation, &holder, None), Err(FormatError::BadSignature(_))));
    let expect = vector_expectation("key_binding").expect("kb");
    let stripped = &presentation[..=presentation.rfind('~').expect("~")];
    assert!(sd_jwt::verify(stripped, &vector_issuer(), Some(&expect)).is_err());
    let wrong_nonce = KbExpectation { nonce: "0987654321".into(), ..expect.clone() };
    assert!(sd_jwt::verify(presentation, &vector_issuer(), Some(&wrong_nonce)).is_err());
    let later = KbExpectation { now: expect.now + Duration::hours(1), ..expect };
    assert!(sd_jwt::verify(presentation, &vector_issuer(), Some(&later)).is_err());
}

#[test]
fn rfc9901_vector_presented_again_with_our_es256_key_binding() {
    let issuance = fixture("key_binding/sd_jwt_issuance.txt").expect("issuance");
    let d = URL_SAFE_NO_PAD.decode(keys()["holder_private_d"].as_str().expect("d")).expect("b64");
    let holder = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&d).expect("p256"));
    let kb = KbParams { aud: "https://verifier.example".into(), nonce: "n-1".into(), iat: 1_800_000_000, holder };
    let keep = ["/given_name".to_owned(), "/address".to_owned()];
    let p = sd_jwt::present(issuance.trim(), &keep, Some(&kb)).expect("present");
    let expect =
        KbExpectation { aud: kb.aud.clone(), nonce: kb.nonce.clone(), now: at(kb.iat), max_age: Duration::minutes(1) };
    let v = sd_jwt::verify(&p, &vector_issuer(), Some(&expect)).expect("verify");
    let mut disclosed = v.disclosed().to_vec();
    disclosed.sort();
    assert_eq!(disclosed, ["/address", "/given_name"]);
    assert_eq!(v.claims()["address"]["locality"], "Anytown");
    assert!(v.claims().get("family_name").is_none());
}

// ---- medcred's own credentials ----

const NOW: i64 = 1_772_323_200; // 2026-03-01T00:00:00Z

fn issuer_key() -> IssuerKey {
    IssuerKey::new(SigningKey::from_bytes(&[11u8; 32]), "did:web:board.example#key-1")
}

fn holder_key() -> SigningKey {
    SigningKey::from_bytes(&[12u8; 32])
}

fn patient_claims() -> (Map<String, Value>, Vec<String>) {
    let req = IssueRequest::from_vc_json(
        &json!({
            "type": ["VerifiableCredential", "PatientIdentityCredential"],
            "validFrom": "2026-03-01T00:00:00Z",
            "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-01-02", "patientIdentifier": "MRN-7"}
        }),
        at(NOW),
    )
    .expect("valid request");
    let issuer = IssuerRef { id: "did:web:board.example".into(), name: "Board".into() };
    sd_jwt_claims(&req, "urn:uuid:0b6c1e2a-1f1e-4c53-9f0e-3f8f5f3d9a01", &issuer)
}

fn issued() -> String {
    let (claims, disclosable) = patient_claims();
    let holder_jwk = medcred_formats::keys::public_jwk(&holder_key().verifying_key());
    sd_jwt::issue(claims, &disclosable, Some(&holder_jwk), &issuer_key(), &mut StdRng::seed_from_u64(7)).expect("issue")
}

fn kb_params() -> KbParams {
    KbParams {
        aud: "https://verifier.example".into(),
        nonce: "nonce-123".into(),
        iat: NOW + 10,
        holder: SignerKey::Ed25519(holder_key()),
    }
}

fn expectation() -> KbExpectation {
    KbExpectation {
        aud: "https://verifier.example".into(),
        nonce: "nonce-123".into(),
        now: at(NOW + 20),
        max_age: Duration::minutes(5),
    }
}

fn presented_over_18() -> String {
    sd_jwt::present(&issued(), &["/age_equal_or_over/18".to_owned()], Some(&kb_params())).expect("present")
}

fn verify(p: &str) -> Result<sd_jwt::VerifiedSdJwt, FormatError> {
    sd_jwt::verify_sd_jwt_vc(p, &VerifierKey::Ed25519(issuer_key().verifying_key()), Some(&expectation()))
}

/// The presentation's parts: issuer JWT, disclosures, KB-JWT.
fn parts(p: &str) -> (String, Vec<String>, String) {
    let pieces: Vec<&str> = p.split('~').collect();
    let (kb, rest) = pieces.split_last().expect("parts");
    (rest[0].to_owned(), rest[1..].iter().map(|s| (*s).to_owned()).collect(), (*kb).to_owned())
}

/// Reassemble a presentation from parts, re-signing the KB-JWT over the new disclosures.
fn rebuild(jwt: &str, disclosures: &[String], kb: &KbParams) -> String {
    let mut presented = format!("{jwt}~");
    for d in disclosures {
        presented.push_str(d);
        presented.push('~');
    }
    let payload = json!({"iat": kb.iat, "aud": kb.aud, "nonce": kb.nonce, "sd_hash": sd_hash(&presented)});
    let alg = kb.holder.verifier_key().alg();
    let kb_jwt =
        sign_compact(&json!({"alg": alg, "typ": "kb+jwt"}), payload.to_string().as_bytes(), &kb.holder).expect("kb");
    presented + &kb_jwt
}

#[test]
fn patient_credential_issues_with_sd_jwt_vc_shape() {
    let issued = issued();
    let (header, payload) = sd_jwt::issuer_header_and_payload(&issued).expect("peek");
    assert_eq!(
        Value::Object(header),
        json!({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": "did:web:board.example#key-1"})
    );
    assert_eq!(payload["_sd_alg"], "sha-256");
    assert_eq!(payload["iss"], "did:web:board.example");
    assert_eq!(payload["cnf"]["jwk"]["crv"], "Ed25519");
    assert!(payload.get("given_name").is_none());
    let sd = payload["_sd"].as_array().expect("_sd");
    assert!(sd.windows(2).all(|w| w[0].as_str() < w[1].as_str()), "sorted digests");
    assert!(payload["age_equal_or_over"]["_sd"].is_array());
    let (full, pointers) = sd_jwt::disclosable_claims(&issued).expect("holder view");
    assert_eq!(full["given_name"], "Ada");
    assert_eq!(full["birthdate"], "1990-01-02");
    assert_eq!(full["age_equal_or_over"]["18"], true);
    assert!(pointers.contains(&"/age_equal_or_over/18".to_owned()));
    // Salts are 128-bit base64url.
    let d = parts(&issued).1[0].clone();
    let array: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(d).expect("b64")).expect("json");
    assert_eq!(URL_SAFE_NO_PAD.decode(array[0].as_str().expect("salt")).expect("salt").len(), 16);
}

#[test]
fn patient_discloses_only_age_over_18() {
    let p = presented_over_18();
    let v = verify(&p).expect("verify");
    assert_eq!(v.disclosed(), ["/age_equal_or_over/18"]);
    assert_eq!(parts(&p).1.len(), 1, "one disclosure travels");
    let claims = Value::Object(v.claims().clone());
    assert_eq!(claims["age_equal_or_over"], json!({"18": true}));
    let mut names: Vec<&str> = v.claims().keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["age_equal_or_over", "cnf", "iat", "iss", "jti", "nbf", "vct"]);
    let text = claims.to_string();
    for secret in ["Ada", "Lovelace", "1990", "MRN-7"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let kb = v.key_binding().expect("kb");
    assert_eq!((kb.aud.as_str(), kb.nonce.as_str(), kb.iat), ("https://verifier.example", "nonce-123", NOW + 10));
}

#[test]
fn decoys_do_not_change_what_verifies() {
    let (claims, disclosable) = patient_claims();
    let holder_jwk = medcred_formats::keys::public_jwk(&holder_key().verifying_key());
    let options = sd_jwt::IssueOptions { decoys_per_object: 3 };
    let issued = sd_jwt::issue_with(
        claims,
        &disclosable,
        Some(&holder_jwk),
        &issuer_key(),
        &mut StdRng::seed_from_u64(1),
        &options,
    )
    .expect("issue");
    let (_, payload) = sd_jwt::issuer_header_and_payload(&issued).expect("peek");
    assert_eq!(payload["_sd"].as_array().expect("_sd").len(), 4 + 3);
    let p = sd_jwt::present(&issued, &["/given_name".to_owned()], Some(&kb_params())).expect("present");
    assert_eq!(verify(&p).expect("verify").claims()["given_name"], "Ada");
}

#[test]
fn present_refuses_unknown_pointers_and_foreign_holder_keys() {
    let issued = issued();
    assert!(sd_jwt::present(&issued, &["/no_such_claim".to_owned()], None).is_err());
    let other = KbParams { holder: SignerKey::Ed25519(SigningKey::from_bytes(&[13u8; 32])), ..kb_params() };
    assert!(sd_jwt::present(&issued, &["/given_name".to_owned()], Some(&other)).is_err());
    let presented = presented_over_18();
    assert!(sd_jwt::present(&presented, &[], None).is_err(), "already has a KB-JWT");
}

#[test]
fn issue_refuses_bad_disclosable_lists() {
    let (claims, _) = patient_claims();
    let key = issuer_key();
    let mut rng = StdRng::seed_from_u64(0);
    for bad in [&["/iss"][..], &["/vct"], &["/no_such"], &[""], &["given_name"], &["/given_name", "/given_name"]] {
        let bad: Vec<String> = bad.iter().map(|s| (*s).to_owned()).collect();
        assert!(sd_jwt::issue(claims.clone(), &bad, None, &key, &mut rng).is_err(), "{bad:?}");
    }
    let private = json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"});
    assert!(sd_jwt::issue(claims.clone(), &[], Some(&private), &key, &mut rng).is_err());
    let mut reserved = claims;
    reserved.insert("x".into(), json!({"_sd": []}));
    assert!(sd_jwt::issue(reserved, &[], None, &key, &mut rng).is_err());
}

#[test]
fn tampered_disclosure_is_rejected() {
    let (jwt, mut ds, _) = parts(&presented_over_18());
    let salt = URL_SAFE_NO_PAD.encode([0u8; 16]);
    ds[0] = URL_SAFE_NO_PAD.encode(json!([salt, "18", false]).to_string());
    assert!(matches!(verify(&rebuild(&jwt, &ds, &kb_params())), Err(FormatError::Malformed { .. })));
}

#[test]
fn extra_unreferenced_disclosure_is_rejected() {
    let (jwt, mut ds, _) = parts(&presented_over_18());
    ds.push(URL_SAFE_NO_PAD.encode(json!(["c2FsdHNhbHRzYWx0", "given_name", "Eve"]).to_string()));
    assert!(verify(&rebuild(&jwt, &ds, &kb_params())).is_err());
}

#[test]
fn duplicated_disclosure_is_rejected() {
    let (jwt, mut ds, _) = parts(&presented_over_18());
    ds.push(ds[0].clone());
    assert!(verify(&rebuild(&jwt, &ds, &kb_params())).is_err());
}

#[test]
fn wrong_sd_hash_is_rejected() {
    let full =
        sd_jwt::present(&issued(), &["/given_name".to_owned(), "/age_equal_or_over/18".to_owned()], Some(&kb_params()))
            .expect("present");
    let (jwt, ds, kb) = parts(&full);
    // Drop a disclosure but keep the KB-JWT that covered it.
    let dropped = format!("{jwt}~{}~{kb}", ds[0]);
    assert!(matches!(verify(&dropped), Err(FormatError::BadSignature(m)) if m.contains("sd_hash")));
}

#[test]
fn wrong_nonce_or_audience_or_stale_iat_is_rejected() {
    let p = presented_over_18();
    let key = VerifierKey::Ed25519(issuer_key().verifying_key());
    let cases = [
        KbExpectation { nonce: "other".into(), ..expectation() },
        KbExpectation { aud: "https://evil.example".into(), ..expectation() },
        KbExpectation { now: at(NOW + 3600), ..expectation() },
        KbExpectation { now: at(NOW - 3600), ..expectation() },
    ];
    for e in cases {
        assert!(matches!(sd_jwt::verify(&p, &key, Some(&e)), Err(FormatError::BadSignature(_))), "{e:?}");
    }
}

#[test]
fn key_binding_by_another_key_is_rejected() {
    let (jwt, ds, _) = parts(&presented_over_18());
    for holder in [
        SignerKey::Ed25519(SigningKey::from_bytes(&[13u8; 32])),
        SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[13u8; 32]).expect("p256")),
    ] {
        let forged = rebuild(&jwt, &ds, &KbParams { holder, ..kb_params() });
        assert!(matches!(verify(&forged), Err(FormatError::BadSignature(_))));
    }
    // The honest rebuild verifies, so the failures above are about the key.
    verify(&rebuild(&jwt, &ds, &kb_params())).expect("honest");
}

#[test]
fn stripped_key_binding_is_rejected_when_required() {
    let p = presented_over_18();
    let stripped = &p[..=p.rfind('~').expect("~")];
    assert!(matches!(verify(stripped), Err(FormatError::BadSignature(m)) if m.contains("required")));
    // Without an expectation it verifies, and says there was no key binding.
    let v = sd_jwt::verify(stripped, &VerifierKey::Ed25519(issuer_key().verifying_key()), None).expect("no KB needed");
    assert!(v.key_binding().is_none());
}

#[test]
fn truncated_or_mangled_presentations_never_verify_or_panic() {
    let p = presented_over_18();
    for n in 0..p.len() {
        assert!(verify(&p[..n]).is_err(), "prefix {n}");
    }
    for garbage in ["~", "~~", "a~", "a.b.c~", "a.b.c~~", "....~", "\u{0}~"] {
        assert!(verify(garbage).is_err());
    }
    let (jwt, ds, kb) = parts(&p);
    assert!(verify(&format!("{jwt}~~{}~{kb}", ds[0])).is_err(), "empty disclosure");
    assert!(verify(&format!("{jwt}x~{}~{kb}", ds[0])).is_err(), "bad signature");
}

/// Sign an arbitrary issuer payload with the medcred issuer key.
fn forge(payload: &Value, disclosures: &[String]) -> String {
    let jwt = sign_compact(&json!({"alg": "EdDSA", "typ": "dc+sd-jwt"}), payload.to_string().as_bytes(), &issuer_key())
        .expect("sign");
    let mut s = format!("{jwt}~");
    for d in disclosures {
        s.push_str(d);
        s.push('~');
    }
    s
}

fn plain_verify(s: &str) -> Result<sd_jwt::VerifiedSdJwt, FormatError> {
    sd_jwt::verify(s, &VerifierKey::Ed25519(issuer_key().verifying_key()), None)
}

#[test]
fn structurally_hostile_payloads_are_rejected() {
    let disc = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let name = disc(json!(["c2FsdA", "given_name", "Eve"]));
    let elem = disc(json!(["c2FsdA", "x"]));
    let (dn, de) = (disclosure_digest(&name), disclosure_digest(&elem));
    // Sanity: a well-formed payload verifies.
    plain_verify(&forge(&json!({"_sd": [dn], "list": [{"...": de}]}), &[name.clone(), elem.clone()])).expect("valid");
    let cases = [
        (json!({"given_name": "Ada", "_sd": [dn]}), vec![name.clone()]),
        (json!({"_sd": [dn, dn]}), vec![name.clone()]),
        (json!({"_sd": [de]}), vec![elem.clone()]),
        (json!({"list": [{"...": dn}]}), vec![name.clone()]),
        (json!({"_sd": dn}), vec![name.clone()]),
        (json!({"_sd": [1]}), vec![]),
        (json!({"_sd": [dn], "_sd_alg": "sha-512"}), vec![name.clone()]),
        (json!({"a": {"_sd": ["x"]}, "b": {"_sd": ["x"]}}), vec![]),
        (json!({}), vec![disc(json!(["s", "k", "v", "extra"]))]),
        (json!({}), vec![URL_SAFE_NO_PAD.encode("not json")]),
    ];
    for (payload, ds) in cases {
        assert!(plain_verify(&forge(&payload, &ds)).is_err(), "{payload}");
    }
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    for depth in [100, 1000] {
        let mut v = json!(1);
        for _ in 0..depth {
            v = json!({"a": v});
        }
        let s = forge(&v, &[]);
        assert!(matches!(plain_verify(&s), Err(FormatError::Malformed { .. })), "depth {depth}");
    }
    let mut s = "1".to_owned();
    for _ in 0..1000 {
        s = format!("[{s}]");
    }
    let deep_disclosure = URL_SAFE_NO_PAD.encode(format!("[\"s\",\"k\",{s}]"));
    assert!(plain_verify(&forge(&json!({"_sd": [disclosure_digest(&deep_disclosure)]}), &[deep_disclosure])).is_err());
}

#[test]
fn recursive_and_array_disclosures_round_trip() {
    let claims = json!({
        "iss": "did:web:board.example",
        "vct": "https://example.com/vct",
        "address": {"street": "1 Main St", "city": "Springfield"},
        "nationalities": ["DE", "FR", "US"],
        "odd~/name": 1
    });
    let disclosable: Vec<String> =
        ["/address", "/address/street", "/nationalities/1", "/nationalities/2", "/odd~0~1name"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    let Value::Object(claims) = claims else { unreachable!() };
    let key = issuer_key();
    let issued = sd_jwt::issue(claims.clone(), &disclosable, None, &key, &mut StdRng::seed_from_u64(3)).expect("issue");
    let (full, pointers) = sd_jwt::disclosable_claims(&issued).expect("view");
    assert_eq!(full, claims);
    let mut sorted = pointers.clone();
    sorted.sort();
    let mut expected = disclosable.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    // Asking for the street brings its enclosing disclosure along; array indices in `disclosed`
    // are those of the reassembled claims (the undisclosed "FR" is gone).
    let p = sd_jwt::present(&issued, &["/address/street".to_owned(), "/nationalities/2".to_owned()], None)
        .expect("present");
    let v = plain_verify(&p).expect("verify");
    assert_eq!(v.claims()["address"], json!({"street": "1 Main St", "city": "Springfield"}));
    assert_eq!(v.claims()["nationalities"], json!(["DE", "US"]));
    assert!(v.claims().get("odd~/name").is_none());
    let mut disclosed = v.disclosed().to_vec();
    disclosed.sort();
    assert_eq!(disclosed, ["/address", "/address/street", "/nationalities/1"]);
    // Asking for the parent reveals everything inside it.
    let p = sd_jwt::present(&issued, &["/address".to_owned()], None).expect("present");
    let v = plain_verify(&p).expect("verify");
    assert_eq!(v.claims()["address"], json!({"street": "1 Main St", "city": "Springfield"}));
}
