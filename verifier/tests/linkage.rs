//! Domain linkage (DIF Well-Known DID Configuration) in the issuer trust check: a did:web board
//! whose origin links its DID says so in the detail; one that publishes nothing loses nothing;
//! one whose published configuration does not link the DID fails the check. Looked at only for
//! did:web issuers whose proof verified.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use medcred_formats::jwt::sign_compact;
use medcred_formats::{Format, IssuerKey};
use medcred_verifier::linkage::DID_CONFIGURATION_CONTEXT;
use medcred_verifier::trust::{Accreditation, TrustList};
use medcred_verifier::{
    verify_credential_with, Check, CheckName, FetchedConfiguration, LinkageSource, LinkageSourceError, Outcome, Report,
    Verdict, VerifyContext,
};
use serde_json::json;

const ORIGIN: &str = "https://board.example";

/// The origin of `board.example`, publishing `resource` (none: 404), counting the lookups.
struct Origin {
    resource: Option<String>,
    asked: AtomicUsize,
}

impl Origin {
    fn new(resource: Option<String>) -> Self {
        Self { resource, asked: AtomicUsize::new(0) }
    }
}

impl LinkageSource for Origin {
    fn did_configuration(&self, host: &str) -> FetchedConfiguration {
        self.asked.fetch_add(1, Ordering::SeqCst);
        assert_eq!(host, "board.example");
        let resource = self.resource.clone().ok_or(LinkageSourceError::NotPublished);
        FetchedConfiguration { origin: ORIGIN.into(), resource }
    }
}

/// A DID Configuration with one Domain Linkage Credential linking `did` to `origin`, by `key`.
fn configuration(did: &str, origin: &str, key: &IssuerKey) -> String {
    let t = now().timestamp();
    let claims = json!({"iss": did, "sub": did, "nbf": t - 86_400, "exp": t + 86_400, "vc": {
        "@context": ["https://www.w3.org/2018/credentials/v1", DID_CONFIGURATION_CONTEXT],
        "type": ["VerifiableCredential", "DomainLinkageCredential"], "issuer": did,
        "credentialSubject": {"id": did, "origin": origin}}});
    let header = json!({"alg": "EdDSA", "kid": key.verification_method()});
    let jwt = sign_compact(&header, claims.to_string().as_bytes(), key).expect("sign");
    json!({"@context": DID_CONFIGURATION_CONTEXT, "linked_dids": [jwt]}).to_string()
}

fn trust_list() -> TrustList {
    TrustList {
        iss: "did:web:federation.example".into(),
        iat: 0,
        exp: i64::MAX,
        sequence: 3,
        entries: vec![Accreditation {
            did: BOARD.into(),
            name: "State Board of Nursing".into(),
            credential_types: vec!["MedicalLicenseCredential".into()],
            jurisdictions: vec!["US-NJ".into()],
            valid_from: None,
            valid_until: None,
        }],
    }
}

async fn check(credential: &str, origin: &Origin, require: bool) -> Report {
    let resolver = resolver();
    let list = trust_list();
    let ctx = VerifyContext::new(&resolver, now()).with_skew(skew()).with_trust_list(&list).with_linkage_source(origin);
    verify_credential_with(credential, &if require { ctx.requiring_trust() } else { ctx }).await
}

fn trust(r: &Report) -> &Check {
    r.checks.iter().find(|c| c.name == CheckName::IssuerTrust).expect("issuer trust")
}

#[tokio::test]
async fn a_linked_board_says_so_in_every_format() {
    let origin = Origin::new(Some(configuration(BOARD, ORIGIN, &board_key(1))));
    for format in Format::ALL {
        let r = check(&issue(format, &license(), BOARD, &board_key(1)).await, &origin, true).await;
        assert_eq!(r.verdict, Verdict::Valid, "{format}: {}", show(&r));
        let detail = trust(&r).detail.clone().unwrap_or_default();
        assert!(detail.contains("sequence 3"), "{format}: {detail}");
        assert!(detail.ends_with("; domain linkage: https://board.example verified"), "{format}: {detail}");
    }
}

#[tokio::test]
async fn a_board_publishing_nothing_loses_nothing() {
    let r = check(&issue(Format::VcJwt, &license(), BOARD, &board_key(1)).await, &Origin::new(None), true).await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    let detail = trust(&r).detail.clone().unwrap_or_default();
    assert!(detail.contains("domain linkage: no DID configuration published at https://board.example"), "{detail}");
}

#[tokio::test]
async fn a_configuration_that_does_not_link_the_did_fails_issuer_trust() {
    let elsewhere = IssuerKey::new(signing(7), "did:web:board.example:boards:other#key-1");
    let cases = [
        (configuration("did:web:board.example:boards:other", ORIGIN, &elsewhere), "lists no domain linkage credential"),
        (configuration(BOARD, "https://evil.example", &board_key(1)), "links the origin \"https://evil.example\""),
        (configuration(BOARD, ORIGIN, &board_key(2)), "cannot speak for the DID"),
    ];
    let credential = issue(Format::EddsaJcs2022, &license(), BOARD, &board_key(1)).await;
    for (resource, why) in cases {
        let origin = Origin::new(Some(resource));
        let r = check(&credential, &origin, true).await;
        assert_eq!(r.verdict, Verdict::Invalid, "{why}: {}", show(&r));
        let reason = trust(&r).outcome.reason().unwrap_or_default().to_owned();
        let expected = format!("the board's domain {ORIGIN} does not link the DID {BOARD}: ");
        assert!(reason.starts_with(&expected) && reason.contains(why), "{reason}");
        // Where trust is advisory (the generic VC-API endpoint) it is a warning.
        let r = check(&credential, &origin, false).await;
        assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
        assert!(trust(&r).advisory && matches!(trust(&r).outcome, Outcome::Failed { .. }));
    }
}

#[tokio::test]
async fn looked_at_only_for_did_web_issuers_whose_proof_verified() {
    let origin = Origin::new(Some(configuration(BOARD, ORIGIN, &board_key(1))));
    let forged = issue(Format::VcJwt, &license(), BOARD, &board_key(2)).await;
    let r = check(&forged, &origin, true).await;
    assert!(failed(&r, CheckName::IssuerBinding), "{}", show(&r));
    let stranger = did_key(9);
    let r = check(&issue(Format::VcJwt, &license(), stranger.did(), &stranger).await, &origin, true).await;
    assert!(!trust(&r).detail.clone().unwrap_or_default().contains("domain linkage"), "{}", show(&r));
    assert_eq!(origin.asked.load(Ordering::SeqCst), 0);
}
