//! Issuer trust (the trust list of accredited boards; required in a hospital's flows, advisory
//! otherwise) and the credential type's rules, on credentials in every format.

mod common;

use common::*;
use medcred_formats::Format;
use medcred_verifier::trust::{Accreditation, TrustList};
use medcred_verifier::{verify_credential_with, CheckName, Outcome, Report, Verdict, VerifyContext};
use serde_json::json;

fn trust_list() -> TrustList {
    TrustList {
        iss: "did:web:federation.example".into(),
        iat: 0,
        exp: i64::MAX,
        sequence: 3,
        entries: vec![Accreditation {
            did: BOARD.into(),
            name: "State Board of Nursing".into(),
            credential_types: vec!["MedicalLicenseCredential".into(), "PatientIdentityCredential".into()],
            jurisdictions: vec!["US-NJ".into()],
            valid_from: None,
            valid_until: None,
        }],
    }
}

async fn check(credential: &str, require: bool) -> Report {
    let resolver = resolver();
    let list = trust_list();
    let ctx = VerifyContext::new(&resolver, now()).with_skew(skew()).with_trust_list(&list);
    let ctx = if require { ctx.requiring_trust() } else { ctx };
    verify_credential_with(credential, &ctx).await
}

#[tokio::test]
async fn an_accredited_board_is_trusted_in_every_format() {
    for format in Format::ALL {
        let r = check(&issue(format, &license(), BOARD, &board_key(1)).await, true).await;
        assert_eq!(r.verdict, Verdict::Valid, "{format}: {}", show(&r));
        let trust = r.checks.iter().find(|c| c.name == CheckName::IssuerTrust).expect("trust");
        assert!(!trust.advisory);
        assert!(trust.detail.as_deref().unwrap_or_default().contains("sequence 3"), "{trust:?}");
    }
}

#[tokio::test]
async fn unaccredited_issuers_fail_when_trust_is_required_and_warn_otherwise() {
    let stranger = did_key(9);
    let new_york = issue_edited(Format::VcJwt, &license(), BOARD, &board_key(1), |c| {
        c["credentialSubject"]["jurisdiction"] = json!("US-NY");
    })
    .await;
    for (credential, why) in [
        (issue(Format::EddsaJcs2022, &license(), stranger.did(), &stranger).await, "is not an accredited board"),
        (issue(Format::SdJwtVc, &license(), stranger.did(), &stranger).await, "is not an accredited board"),
        (new_york, "not accredited for the jurisdiction US-NY"),
    ] {
        let r = check(&credential, true).await;
        let reason = r.outcome(CheckName::IssuerTrust).and_then(Outcome::reason).unwrap_or_default().to_owned();
        assert!(reason.contains(why), "{reason}");
        assert_eq!(r.verdict, Verdict::Invalid);
        // On the generic endpoint the same credential is valid, with the trust failure as a warning.
        let r = check(&credential, false).await;
        assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
        assert_eq!(r.warnings().map(|c| c.name).collect::<Vec<_>>(), [CheckName::IssuerTrust]);
    }
    // Required trust without a trust list could not be checked.
    let resolver = resolver();
    let ctx = VerifyContext::new(&resolver, now()).requiring_trust();
    let r = verify_credential_with(&issue(Format::VcJwt, &license(), BOARD, &board_key(1)).await, &ctx).await;
    assert_eq!(r.verdict, Verdict::CouldNotCheck);
}

type Edit = fn(&mut serde_json::Map<String, serde_json::Value>);

#[tokio::test]
async fn credentials_that_break_their_types_rules_fail_schema() {
    let cases: [(Format, Edit, &str); 4] = [
        (Format::EddsaJcs2022, |c| c["credentialSubject"]["licenseType"] = json!("WIZARD"), "licenseType"),
        (Format::VcJwt, |c| c["credentialSubject"]["jurisdiction"] = json!("Narnia"), "jurisdiction"),
        (
            Format::SdJwtVc,
            |c| {
                c.insert("license_type".into(), json!("WIZARD"));
            },
            "licenseType",
        ),
        (
            Format::SdJwtVc,
            |c| {
                c.insert("favourite_colour".into(), json!("teal"));
            },
            "favourite_colour",
        ),
    ];
    for (format, edit, field) in cases {
        let r = check(&issue_edited(format, &license(), BOARD, &board_key(1), edit).await, true).await;
        assert_eq!(r.outcome(CheckName::Proof), Some(&Outcome::Passed), "{format}: the issuer signed it");
        let reason = r.outcome(CheckName::Schema).and_then(Outcome::reason).unwrap_or_default().to_owned();
        assert!(reason.contains(field), "{format} {field}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Invalid);
    }
    // An age flag that contradicts the birth date (born 1990: over 65 is false).
    let lie = issue_edited(Format::EddsaJcs2022, &patient(), BOARD, &board_key(1), |c| {
        c["credentialSubject"]["ageOver65"] = json!(true);
    })
    .await;
    let r = check(&lie, true).await;
    assert!(r
        .outcome(CheckName::Schema)
        .and_then(Outcome::reason)
        .unwrap_or_default()
        .contains("ageOver65: contradicts"));
    // A patient's honest flags pass.
    let honest = check(&issue(Format::EddsaRdfc2022, &patient(), BOARD, &board_key(1)).await, true).await;
    assert_eq!(honest.verdict, Verdict::Valid, "{}", show(&honest));
}
