//! End-to-end tests of the offline engine: credentials issued by medcred-formats in all four
//! formats, by did:key, did:jwk and did:web issuers, verified with the [`OfflineResolver`].

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use medcred_formats::jwt::{sign_compact, SignerKey, VerifierKey};
use medcred_formats::keys::public_jwk;
use medcred_formats::sd_jwt::{self, KbParams};
use medcred_formats::{Format, IssuerKey};
use medcred_model::document::{w3c_credential, CredentialKind};
use medcred_model::IssuerRef;
use medcred_verifier::{verify_credential, CheckName, DidResolver, OfflineResolver, Outcome, Verdict};
use serde_json::{json, Value};

const COMPACT: [Format; 2] = [Format::VcJwt, Format::SdJwtVc];

#[tokio::test]
async fn every_format_verifies_for_did_key_and_did_web_issuers() {
    let resolver = resolver();
    let issuers = [(did_key(3).did().to_owned(), did_key(3)), (BOARD.to_owned(), board_key(1))];
    for format in Format::ALL {
        for (issuer, key) in &issuers {
            for (req, kind) in [(license(), CredentialKind::License), (patient(), CredentialKind::Patient)] {
                let credential = issue(format, &req, issuer, key).await;
                let r = verify(&credential, &resolver).await;
                assert_eq!(r.verdict, Verdict::Valid, "{format} by {issuer}: {}", show(&r));
                assert_eq!(r.format, Some(format));
                assert_eq!(r.issuer.as_deref(), Some(issuer.as_str()));
                assert_eq!(r.verification_method.as_deref(), Some(key.verification_method()));
                let expected_type = if format == Format::SdJwtVc { kind.vct() } else { kind.type_name() };
                assert!(r.types.iter().any(|t| t == expected_type), "{:?}", r.types);
                for name in [CheckName::Syntax, CheckName::IssuerBinding, CheckName::Proof, CheckName::ValidityPeriod] {
                    assert_eq!(outcome(&r, name), Outcome::Passed, "{format} {name}");
                }
                assert_eq!(outcome(&r, CheckName::Status), Outcome::NotApplicable);
                let name = match (format, kind) {
                    (Format::SdJwtVc, CredentialKind::License) => &r.subject["name"],
                    (Format::SdJwtVc, CredentialKind::Patient) => &r.subject["given_name"],
                    (_, CredentialKind::License) => &r.subject["practitionerName"],
                    (_, CredentialKind::Patient) => &r.subject["givenName"],
                };
                assert!(name == "Grace Hopper" || name == "Ada", "{format}: {}", r.subject);

                if COMPACT.contains(&format) {
                    let r = verify(&envelope(format, &credential), &resolver).await;
                    assert_eq!(r.verdict, Verdict::Valid, "enveloped {format}: {}", show(&r));
                    assert!(r.enveloped);
                }
            }
        }
    }
}

fn did_jwk(jwk: &Value) -> String {
    format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jwk.to_string()))
}

#[tokio::test]
async fn did_jwk_and_p256_issuers() {
    let resolver = OfflineResolver::new();
    let did = did_jwk(&public_jwk(&signing(4).verifying_key()));
    let key = IssuerKey::new(signing(4), format!("{did}#0"));
    for format in Format::ALL {
        let r = verify(&issue(format, &license(), &did, &key).await, &resolver).await;
        assert_eq!(r.verdict, Verdict::Valid, "{format}: {}", show(&r));
    }

    // ES256 vc+jwt (formats issues EdDSA only, so sign the JWS by hand).
    let holder = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[5u8; 32]).expect("p256"));
    let did = did_jwk(&holder.verifier_key().to_jwk());
    let mut vc = w3c_credential(&license(), ID, &IssuerRef { id: did.clone(), name: "Board".into() });
    vc["iss"] = json!(did);
    let header = json!({"alg": "ES256", "typ": "vc+jwt", "cty": "vc", "kid": format!("{did}#0")});
    let jws = sign_compact(&header, vc.to_string().as_bytes(), &holder).expect("sign");
    let r = verify(&jws, &resolver).await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));

    // The same key as a P-256 did:key (multicodec 0x1200, compressed point).
    let VerifierKey::P256(public) = holder.verifier_key() else { unreachable!("P-256") };
    let mut multikey = vec![0x80, 0x24];
    multikey.extend_from_slice(public.to_encoded_point(true).as_bytes());
    let did_key = format!("did:key:z{}", bs58::encode(multikey).into_string());
    let fragment = did_key.trim_start_matches("did:key:").to_owned();
    let mut vc = w3c_credential(&license(), ID, &IssuerRef { id: did_key.clone(), name: "Board".into() });
    vc["iss"] = json!(did_key);
    let header = json!({"alg": "ES256", "typ": "vc+jwt", "cty": "vc", "kid": format!("{did_key}#{fragment}")});
    let jws = sign_compact(&header, vc.to_string().as_bytes(), &holder).expect("sign");
    let r = verify(&jws, &resolver).await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));

    // An eddsa proof naming the P-256 key: the binding holds, the proof cannot.
    let mislabelled = IssuerKey::new(signing(5), format!("{did}#0"));
    let r = verify(&issue(Format::EddsaJcs2022, &license(), &did, &mislabelled).await, &resolver).await;
    assert_eq!(outcome(&r, CheckName::IssuerBinding), Outcome::Passed);
    assert!(failed(&r, CheckName::Proof), "{}", show(&r));
}

/// Change a signed claim of a compact credential, keeping header and signature.
fn tamper_compact(s: &str) -> String {
    let (jwt, rest) = s.split_once('~').map_or((s, None), |(j, r)| (j, Some(r)));
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
    if payload.get("credentialSubject").is_some() {
        payload["credentialSubject"]["licenseNumber"] = json!("RN-999999");
    } else {
        payload["exp"] = json!(payload["exp"].as_i64().expect("exp") + 10 * 365 * 86400);
    }
    let jwt = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);
    match rest {
        Some(rest) => format!("{jwt}~{rest}"),
        None => jwt,
    }
}

#[tokio::test]
async fn tampered_claims_fail_the_proof() {
    let resolver = resolver();
    for format in Format::ALL {
        let credential = issue(format, &license(), BOARD, &board_key(1)).await;
        let tampered = if format.is_json() {
            let mut v: Value = serde_json::from_str(&credential).expect("json");
            v["credentialSubject"]["licenseNumber"] = json!("RN-999999");
            v.to_string()
        } else {
            tamper_compact(&credential)
        };
        let r = verify(&tampered, &resolver).await;
        assert_eq!(outcome(&r, CheckName::IssuerBinding), Outcome::Passed, "{format}");
        assert!(failed(&r, CheckName::Proof), "{format}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(r.subject, Value::Null, "unverified claims are not reported as the subject");
    }
}

#[tokio::test]
async fn forged_sd_jwt_disclosure_fails_the_proof() {
    let credential = issue(Format::SdJwtVc, &license(), BOARD, &board_key(1)).await;
    let forged = URL_SAFE_NO_PAD.encode(json!(["c2FsdHNhbHRzYWx0", "license_number", "RN-999999"]).to_string());
    let r = verify(&format!("{credential}{forged}~"), &resolver()).await;
    assert!(failed(&r, CheckName::Proof), "{}", show(&r));
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[tokio::test]
async fn credential_claiming_the_board_but_signed_by_a_did_key_fails_issuer_binding() {
    let with_board = resolver();
    let without_board = OfflineResolver::new();
    for format in Format::ALL {
        let credential = issue(format, &license(), BOARD, &did_key(9)).await;
        for resolver in [&with_board, &without_board] {
            let r = verify(&credential, resolver).await;
            assert!(failed(&r, CheckName::IssuerBinding), "{format}: {}", show(&r));
            assert!(could_not_check(&r, CheckName::Proof), "the proof is not checked with an unbound key");
            assert_eq!(r.verdict, Verdict::Invalid);
            assert_eq!(r.issuer.as_deref(), Some(BOARD));
        }
    }
}

#[tokio::test]
async fn board_keys_not_for_assertions_fail_issuer_binding() {
    // Key 2 is published (authentication) but not under assertionMethod; key 3 is not published.
    let resolver = OfflineResolver::new().with_document(board_doc(&[1, 2], &[1]));
    for format in Format::ALL {
        for n in [2, 3] {
            let r = verify(&issue(format, &license(), BOARD, &board_key(n)).await, &resolver).await;
            assert!(failed(&r, CheckName::IssuerBinding), "{format} key-{n}: {}", show(&r));
            assert_eq!(r.verdict, Verdict::Invalid);
        }
    }
    let Some(Outcome::Failed { reason }) =
        verify(&issue(Format::VcJwt, &license(), BOARD, &board_key(2)).await, &resolver)
            .await
            .outcome(CheckName::IssuerBinding)
            .cloned()
    else {
        unreachable!("checked above")
    };
    assert!(reason.contains("assertionMethod"), "{reason}");
}

#[tokio::test]
async fn method_controlled_by_another_did_fails_issuer_binding() {
    let mut doc = board_doc(&[1], &[1]);
    doc["verificationMethod"][0]["controller"] = json!("did:web:elsewhere.example");
    let resolver = OfflineResolver::new().with_document(doc);
    let r = verify(&issue(Format::EddsaJcs2022, &license(), BOARD, &board_key(1)).await, &resolver).await;
    assert!(failed(&r, CheckName::IssuerBinding), "{}", show(&r));
}

#[tokio::test]
async fn published_method_with_another_private_key_fails_the_proof() {
    let impostor = IssuerKey::new(signing(8), format!("{BOARD}#key-1"));
    for format in Format::ALL {
        let r = verify(&issue(format, &license(), BOARD, &impostor).await, &resolver()).await;
        assert_eq!(outcome(&r, CheckName::IssuerBinding), Outcome::Passed);
        assert!(failed(&r, CheckName::Proof), "{format}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Invalid);
    }
}

#[tokio::test]
async fn validity_period_with_skew() {
    // The license is valid 2026-03-01T00:00:00Z .. 2028-03-01T00:00:00Z; the skew is 5 minutes.
    let resolver = resolver();
    for format in Format::ALL {
        let credential = issue(format, &license(), BOARD, &board_key(1)).await;
        for (at, ok) in [
            ("2026-02-28T23:00:00Z", false),
            ("2026-02-28T23:56:00Z", true),
            ("2028-03-01T00:04:00Z", true),
            ("2028-03-01T00:05:00Z", false),
            ("2031-01-01T00:00:00Z", false),
        ] {
            let r = verify_credential(&credential, &resolver, at.parse().expect("t"), skew()).await;
            assert_eq!(outcome(&r, CheckName::Proof), Outcome::Passed);
            if ok {
                assert_eq!(r.verdict, Verdict::Valid, "{format} at {at}: {}", show(&r));
            } else {
                assert!(failed(&r, CheckName::ValidityPeriod), "{format} at {at}: {}", show(&r));
                assert_eq!(r.verdict, Verdict::Invalid);
            }
        }
    }
}

#[tokio::test]
async fn unresolvable_issuers_could_not_be_checked() {
    let empty = OfflineResolver::new();
    for format in Format::ALL {
        let r = verify(&issue(format, &license(), BOARD, &board_key(1)).await, &empty).await;
        assert!(could_not_check(&r, CheckName::IssuerBinding), "{format}: {}", show(&r));
        assert!(could_not_check(&r, CheckName::Proof));
        assert_eq!(r.verdict, Verdict::CouldNotCheck);
        assert!(r.problems().any(|c| c.outcome.reason().is_some_and(|why| why.contains("did:web needs network"))));
    }
    let other = IssuerKey::new(signing(1), "did:example:board#key-1");
    let r = verify(&issue(Format::VcJwt, &license(), "did:example:board", &other).await, &empty).await;
    assert_eq!(r.verdict, Verdict::CouldNotCheck, "{}", show(&r));
}

/// A resolver that is down.
struct Down;

impl DidResolver for Down {
    fn resolve(&self, _did: &str) -> Result<Value, medcred_verifier::ResolveError> {
        Err(medcred_verifier::ResolveError::Unavailable("connection refused".into()))
    }
}

#[tokio::test]
async fn resolver_outage_is_never_valid_and_never_invalid() {
    let r = verify(&issue(Format::SdJwtVc, &patient(), BOARD, &board_key(1)).await, &Down).await;
    assert_eq!(r.verdict, Verdict::CouldNotCheck, "{}", show(&r));
}

#[tokio::test]
async fn status_entries_could_not_be_checked_offline() {
    let resolver = resolver();
    for format in Format::ALL {
        let credential = issue_edited(format, &license(), BOARD, &board_key(1), |c| {
            if format == Format::SdJwtVc {
                c.insert("status".into(), json!({"status_list": {"idx": 7, "uri": "https://board.example/status/1"}}));
            } else {
                c.insert(
                    "credentialStatus".into(),
                    json!({
                        "id": "https://board.example/status/1#7",
                        "type": "BitstringStatusListEntry",
                        "statusPurpose": "revocation",
                        "statusListIndex": "7",
                        "statusListCredential": "https://board.example/status/1"
                    }),
                );
            }
        })
        .await;
        let r = verify(&credential, &resolver).await;
        assert_eq!(outcome(&r, CheckName::Proof), Outcome::Passed, "{format}: {}", show(&r));
        assert!(could_not_check(&r, CheckName::Status), "{format}");
        assert_eq!(r.verdict, Verdict::CouldNotCheck);
    }
}

#[tokio::test]
async fn sd_jwt_presentation_with_key_binding_reports_only_what_was_disclosed() {
    let holder = SignerKey::Ed25519(signing(21));
    let holder_jwk = holder.verifier_key().to_jwk();
    let (claims, disclosable) =
        medcred_model::document::sd_jwt_claims(&patient(), ID, &IssuerRef { id: BOARD.into(), name: "Board".into() });
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(3);
    let issued = sd_jwt::issue(claims, &disclosable, Some(&holder_jwk), &board_key(1), &mut rng).expect("issue");
    let kb = KbParams { aud: "https://hospital.example".into(), nonce: "n-1".into(), iat: now().timestamp(), holder };
    let presented =
        sd_jwt::present(&issued, &["/given_name".into(), "/age_equal_or_over/18".into()], Some(&kb)).expect("present");
    let r = verify(&presented, &resolver()).await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    assert_eq!(r.subject["given_name"], "Ada");
    assert_eq!(r.subject["age_equal_or_over"], json!({"18": true}));
    assert!(r.subject.get("family_name").is_none() && r.subject.get("birthdate").is_none());
    assert!(r.subject.get("cnf").is_none() && r.subject.get("iss").is_none());
    assert_eq!(VerifierKey::from_jwk(&holder_jwk).expect("jwk").alg(), "EdDSA");
}

#[tokio::test]
async fn report_serializes_for_the_api() {
    let r = verify(&issue(Format::VcJwt, &license(), BOARD, &board_key(1)).await, &resolver()).await;
    let v = serde_json::to_value(&r).expect("json");
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["format"], "vc+jwt");
    assert_eq!(v["issuer"], BOARD);
    assert_eq!(v["verification_method"], format!("{BOARD}#key-1"));
    assert_eq!(v["types"], json!(["VerifiableCredential", "MedicalLicenseCredential"]));
    assert_eq!(v["subject"]["licenseNumber"], "RN-123456");
    let names: Vec<&str> = v["checks"].as_array().expect("checks").iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["syntax", "issuer_binding", "proof", "issuer_trust", "validity_period", "status", "schema"]);
    assert_eq!(v["checks"][5], json!({"name": "status", "outcome": "not_applicable"}));
    let trust = json!({"name": "issuer_trust", "outcome": "could_not_check",
                       "reason": "no trust list of accredited boards is configured", "advisory": true});
    assert_eq!(v["checks"][3], trust, "without a trust list, trust is a warning, not part of the verdict");
    assert_eq!(v["checks"][6], json!({"name": "schema", "outcome": "passed"}));
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test]
async fn the_engine_future_is_send() {
    let credential = issue(Format::EddsaRdfc2022, &patient(), BOARD, &board_key(1)).await;
    let resolver = resolver();
    let r = assert_send(verify_credential(&credential, &resolver, now(), skew())).await;
    assert_eq!(r.verdict, Verdict::Valid);
}
