//! Presentations in every shape — Data Integrity (`eddsa-jcs-2022`, `eddsa-rdfc-2022`), `vp+jwt`,
//! SD-JWT + KB-JWT — verified against the verifier's challenge and domain: each test breaks one
//! binding and expects the check that catches it.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use common::*;
use medcred_formats::di_jcs::ProofOptions;
use medcred_formats::jwt::{sign_vp_jwt, SignerKey, VpJwtBinding};
use medcred_formats::sd_jwt::{self, KbParams};
use medcred_formats::{di_jcs, di_rdfc, Format, IssuerKey};
use medcred_model::document::sd_jwt_claims;
use medcred_model::IssuerRef;
use medcred_verifier::{
    verify_presentation, CheckName, Outcome, PresentationExpectations, PresentationFormat, PresentationReport, Verdict,
    VerifyContext,
};
use rand::SeedableRng;
use serde_json::{json, Value};

const CHALLENGE: &str = "c-7f3a9e";
const DOMAIN: &str = "https://hospital.example";

/// The holder: a did:key (Ed25519) for Data Integrity presentations.
fn holder() -> IssuerKey {
    did_key(5)
}

/// The holder: a did:jwk (P-256) for `vp+jwt` and as an SD-JWT `cnf` key.
fn p256_holder() -> (SignerKey, String) {
    let key = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[6u8; 32]).expect("key"));
    let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(key.verifier_key().to_jwk().to_string()));
    (key, did)
}

fn expect() -> PresentationExpectations {
    PresentationExpectations::new(Some(CHALLENGE.into()), Some(DOMAIN.into()))
}

/// A license about `subject`, in `format` (compact ones enveloped, for a W3C presentation).
async fn license_about(format: Format, subject: &str) -> Value {
    let vc = issue_edited(format, &license(), BOARD, &board_key(1), |c| {
        c["credentialSubject"]["id"] = json!(subject);
    })
    .await;
    match format {
        Format::VcJwt => serde_json::from_str(&envelope(format, &vc)).expect("envelope"),
        _ => serde_json::from_str(&vc).expect("json"),
    }
}

fn vp(holder: &str, credentials: Vec<Value>) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials
    })
}

fn created() -> DateTime<Utc> {
    now() - Duration::seconds(30)
}

/// `vp` signed by `key` in `format` with `options`.
async fn sign(format: Format, vp: &Value, key: &IssuerKey, options: &ProofOptions) -> String {
    match format {
        Format::EddsaRdfc2022 => di_rdfc::sign_with(vp, key, created(), options).await.expect("rdfc").to_string(),
        _ => di_jcs::sign_with(vp, key, created(), options).expect("jcs").to_string(),
    }
}

fn auth(challenge: &str, domain: &str) -> ProofOptions {
    ProofOptions::authentication(Some(challenge.into()), Some(domain.into()))
}

async fn check(input: &str, expect: &PresentationExpectations) -> PresentationReport {
    let resolver = resolver();
    verify_presentation(input, &VerifyContext::new(&resolver, now()).with_skew(skew()), expect).await
}

fn outcome_of(r: &PresentationReport, name: CheckName) -> Outcome {
    r.checks.iter().find(|c| c.name == name).map(|c| c.outcome.clone()).expect("check")
}

fn reason(r: &PresentationReport, name: CheckName) -> String {
    outcome_of(r, name).reason().unwrap_or_default().to_owned()
}

fn show(r: &PresentationReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default()
}

#[tokio::test]
async fn data_integrity_presentations_of_each_credential_format_verify() {
    let h = holder();
    for vp_format in [Format::EddsaJcs2022, Format::EddsaRdfc2022] {
        for vc_format in [Format::EddsaJcs2022, Format::EddsaRdfc2022, Format::VcJwt] {
            let vp = vp(h.did(), vec![license_about(vc_format, h.did()).await]);
            let r = check(&sign(vp_format, &vp, &h, &auth(CHALLENGE, DOMAIN)).await, &expect()).await;
            assert_eq!(r.verdict, Verdict::Valid, "{vp_format} carrying {vc_format}: {}", show(&r));
            assert_eq!(r.holder.as_deref(), Some(h.did()));
            assert_eq!(r.credentials.len(), 1);
            assert_eq!(r.credentials[0].verdict, Verdict::Valid);
            let detail = r.checks.iter().find(|c| c.name == CheckName::HolderBinding).and_then(|c| c.detail.clone());
            assert!(detail.unwrap_or_default().contains("credential 1 is about the holder"));
        }
    }
    let r =
        check(&sign(Format::EddsaJcs2022, &vp(h.did(), vec![]), &h, &auth(CHALLENGE, DOMAIN)).await, &expect()).await;
    assert_eq!(r.format, Some(PresentationFormat::EddsaJcs2022));
    assert_eq!((r.verdict, outcome_of(&r, CheckName::Credentials)), (Verdict::Valid, Outcome::NotApplicable));
}

#[tokio::test]
async fn another_requests_challenge_or_domain_fails_holder_binding() {
    let h = holder();
    let vp = vp(h.did(), vec![license_about(Format::EddsaJcs2022, h.did()).await]);
    let cases = [
        (auth("c-other", DOMAIN), "not this request's"),
        (auth(CHALLENGE, "https://elsewhere.example"), "not for https://hospital.example"),
        (ProofOptions::authentication(None, Some(DOMAIN.into())), "carries no challenge"),
        (ProofOptions::authentication(Some(CHALLENGE.into()), None), "names no domain"),
        (ProofOptions::assertion(), "signed for authentication"),
    ];
    for (options, why) in cases {
        let r = check(&sign(Format::EddsaJcs2022, &vp, &h, &options).await, &expect()).await;
        assert_eq!(outcome_of(&r, CheckName::Proof), Outcome::Passed, "{why}");
        assert!(matches!(outcome_of(&r, CheckName::HolderBinding), Outcome::Failed { .. }), "{why}: {}", show(&r));
        assert!(reason(&r, CheckName::HolderBinding).contains(why), "{why}: {}", reason(&r, CheckName::HolderBinding));
        assert_eq!(r.verdict, Verdict::Invalid);
    }
    // Without a required challenge the same presentation passes, and the detail warns of replay.
    let r =
        check(&sign(Format::EddsaJcs2022, &vp, &h, &auth("any", "any")).await, &PresentationExpectations::default())
            .await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    let detail = r.checks.iter().find(|c| c.name == CheckName::HolderBinding).and_then(|c| c.detail.clone());
    assert!(detail.unwrap_or_default().contains("replay is not prevented"));
}

#[tokio::test]
async fn a_presentation_signed_by_someone_else_fails() {
    let (h, thief) = (holder(), did_key(8));
    let credential = license_about(Format::EddsaJcs2022, h.did()).await;
    // The thief names the real holder but signs with its own key.
    let r = check(
        &sign(Format::EddsaJcs2022, &vp(h.did(), vec![credential.clone()]), &thief, &auth(CHALLENGE, DOMAIN)).await,
        &expect(),
    )
    .await;
    assert!(reason(&r, CheckName::HolderBinding).contains("does not belong to the holder"), "{}", show(&r));
    assert!(matches!(outcome_of(&r, CheckName::Proof), Outcome::CouldNotCheck { .. }));
    assert_eq!(r.verdict, Verdict::Invalid);
    // The thief presents as itself: the credential is about someone else.
    let r = check(
        &sign(Format::EddsaJcs2022, &vp(thief.did(), vec![credential]), &thief, &auth(CHALLENGE, DOMAIN)).await,
        &expect(),
    )
    .await;
    assert!(reason(&r, CheckName::HolderBinding).contains("not about the holder"), "{}", show(&r));
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[tokio::test]
async fn a_tampered_presentation_or_credential_fails() {
    let h = holder();
    let vp = vp(h.did(), vec![license_about(Format::EddsaJcs2022, h.did()).await]);
    let mut signed: Value =
        serde_json::from_str(&sign(Format::EddsaJcs2022, &vp, &h, &auth("c-other", DOMAIN)).await).expect("json");
    // Editing the challenge after signing breaks the signature.
    signed["proof"]["challenge"] = json!(CHALLENGE);
    let r = check(&signed.to_string(), &expect()).await;
    assert!(matches!(outcome_of(&r, CheckName::Proof), Outcome::Failed { .. }), "{}", show(&r));
    // A tampered credential inside a validly signed presentation fails the credentials check.
    let mut credential = license_about(Format::EddsaJcs2022, h.did()).await;
    credential["credentialSubject"]["licenseType"] = json!("APRN");
    let r = check(
        &sign(Format::EddsaJcs2022, &self::vp(h.did(), vec![credential]), &h, &auth(CHALLENGE, DOMAIN)).await,
        &expect(),
    )
    .await;
    assert_eq!(outcome_of(&r, CheckName::Proof), Outcome::Passed);
    assert!(reason(&r, CheckName::Credentials).starts_with("credential 1 — proof:"), "{}", show(&r));
    assert_eq!(r.verdict, Verdict::Invalid);
}

#[tokio::test]
async fn a_bearer_credential_cannot_be_bound_to_the_presenter() {
    let h = holder();
    let vc = issue_edited(Format::EddsaJcs2022, &license(), BOARD, &board_key(1), |c| {
        c["credentialSubject"].as_object_mut().expect("subject").remove("id");
    })
    .await;
    let vp = vp(h.did(), vec![serde_json::from_str(&vc).expect("json")]);
    let r = check(&sign(Format::EddsaJcs2022, &vp, &h, &auth(CHALLENGE, DOMAIN)).await, &expect()).await;
    assert!(matches!(outcome_of(&r, CheckName::HolderBinding), Outcome::CouldNotCheck { .. }), "{}", show(&r));
    assert_eq!(r.verdict, Verdict::CouldNotCheck);
}

/// A `vp+jwt` by the P-256 holder with `nonce`, `aud` and `iat`.
async fn vp_jwt(nonce: &str, aud: &str, iat: DateTime<Utc>) -> String {
    let (key, did) = p256_holder();
    let vp = vp(&did, vec![license_about(Format::VcJwt, &did).await]);
    let binding = VpJwtBinding {
        kid: format!("{did}#0"),
        nonce: Some(nonce.into()),
        aud: Some(aud.into()),
        iat: iat.timestamp(),
    };
    sign_vp_jwt(&vp, &key, &binding).expect("vp+jwt")
}

#[tokio::test]
async fn vp_jwt_presentations_bind_nonce_audience_and_time() {
    let r = check(&vp_jwt(CHALLENGE, DOMAIN, now()).await, &expect()).await;
    assert_eq!((r.format, r.verdict), (Some(PresentationFormat::VpJwt), Verdict::Valid), "{}", show(&r));
    let enveloped = json!({"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiablePresentation",
                           "id": format!("data:application/vp+jwt,{}", vp_jwt(CHALLENGE, DOMAIN, now()).await)});
    assert_eq!(check(&enveloped.to_string(), &expect()).await.verdict, Verdict::Valid);
    for (jwt, why) in [
        (vp_jwt("c-other", DOMAIN, now()).await, "not this request's"),
        (vp_jwt(CHALLENGE, "https://elsewhere.example", now()).await, "not for"),
        (vp_jwt(CHALLENGE, DOMAIN, now() - Duration::hours(1)).await, "older than"),
        (vp_jwt(CHALLENGE, DOMAIN, now() + Duration::hours(1)).await, "in the future"),
    ] {
        let r = check(&jwt, &expect()).await;
        assert!(reason(&r, CheckName::HolderBinding).contains(why), "{why}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Invalid);
    }
    // A flipped signature byte.
    let mut jwt = vp_jwt(CHALLENGE, DOMAIN, now()).await;
    let last = jwt.pop().expect("char");
    jwt.push(if last == 'A' { 'B' } else { 'A' });
    assert!(matches!(outcome_of(&check(&jwt, &expect()).await, CheckName::Proof), Outcome::Failed { .. }));
}

/// An SD-JWT license bound to the P-256 holder, presented with `keep` disclosed and a KB-JWT.
async fn sd_presentation(keep: &[&str], kb: Option<(&str, &str, DateTime<Utc>)>) -> String {
    let (key, did) = p256_holder();
    let issuer = IssuerRef { id: BOARD.into(), name: "State Board of Nursing".into() };
    let (mut claims, disclosable) = sd_jwt_claims(&license(), ID, &issuer);
    claims.insert("sub".into(), json!(did));
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let jwk = key.verifier_key().to_jwk();
    let issued = sd_jwt::issue(claims, &disclosable, Some(&jwk), &board_key(1), &mut rng).expect("issue");
    let keep: Vec<String> = keep.iter().map(|k| (*k).to_owned()).collect();
    let kb = kb.map(|(nonce, aud, iat)| KbParams {
        aud: aud.into(),
        nonce: nonce.into(),
        iat: iat.timestamp(),
        holder: key.clone(),
    });
    sd_jwt::present(&issued, &keep, kb.as_ref()).expect("present")
}

#[tokio::test]
async fn sd_jwt_presentations_check_the_key_binding_jwt() {
    let good = sd_presentation(&["/name", "/license_type"], Some((CHALLENGE, DOMAIN, now()))).await;
    let r = check(&good, &expect()).await;
    assert_eq!((r.format, r.verdict), (Some(PresentationFormat::SdJwtKb), Verdict::Valid), "{}", show(&r));
    assert_eq!(r.credentials[0].subject["name"], "Grace Hopper");
    assert!(r.credentials[0].subject.get("license_number").is_none(), "only what was disclosed");
    let (_, did) = p256_holder();
    assert_eq!(r.holder.as_deref(), Some(did.as_str()));

    for (p, why) in [
        (sd_presentation(&["/name"], Some(("c-other", DOMAIN, now()))).await, "not this request's"),
        (sd_presentation(&["/name"], Some((CHALLENGE, "https://elsewhere.example", now()))).await, "not for"),
        (sd_presentation(&["/name"], Some((CHALLENGE, DOMAIN, now() - Duration::days(1)))).await, "older than"),
    ] {
        let r = check(&p, &expect()).await;
        assert!(reason(&r, CheckName::HolderBinding).contains(why), "{why}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Invalid);
    }
    // A disclosure dropped after the KB-JWT was signed: the sd_hash no longer matches.
    let (presented, kb) = sd_jwt::split_key_binding(&good).expect("split");
    let first = presented.find('~').expect("~");
    let second = presented[first + 1..].find('~').expect("~") + first + 1;
    let trimmed = format!("{}{}{}", &presented[..first], &presented[second..], kb.expect("kb"));
    let r = check(&trimmed, &expect()).await;
    assert!(reason(&r, CheckName::Proof).contains("sd_hash"), "{}", show(&r));
    // Without a KB-JWT it is a credential, not a presentation.
    let bare = sd_presentation(&["/name"], None).await;
    assert!(reason(&check(&bare, &expect()).await, CheckName::Syntax).contains("without a key-binding JWT"));
}

#[tokio::test]
async fn garbage_is_reported_not_panicked_on() {
    for input in [
        "",
        "{}",
        "[]",
        "not a presentation",
        "a.b.c",
        "x~y",
        "{\"type\":\"VerifiablePresentation\"}",
        &"[".repeat(1000),
        "{\"type\":\"EnvelopedVerifiablePresentation\",\"id\":\"data:text/plain,hi\"}",
    ] {
        let r = check(input, &expect()).await;
        assert!(matches!(outcome_of(&r, CheckName::Syntax), Outcome::Failed { .. }), "{input:.40}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Invalid);
    }
}
