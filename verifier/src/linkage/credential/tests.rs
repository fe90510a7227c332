//! One Domain Linkage Credential: what links, and each way it does not.

use chrono::Duration;
use serde_json::{json, Value};

use medcred_formats::IssuerKey;

use super::*;
use crate::linkage::testing::{claims, document, key, now, sign, DID, ORIGIN};

fn check(jwt: &str) -> Result<(), LinkageError> {
    verify_jwt_linkage(jwt, DID, ORIGIN, &document(), now(), Duration::minutes(5))
}

fn remove(v: &mut Value, name: &str) {
    if let Some(o) = v.as_object_mut() {
        o.remove(name);
    }
}

fn with(edit: impl FnOnce(&mut Value)) -> String {
    let mut c = claims(DID, ORIGIN);
    edit(&mut c);
    sign(&c, &key(1))
}

#[test]
fn a_valid_linkage_verifies() {
    assert_eq!(check(&sign(&claims(DID, ORIGIN), &key(1))), Ok(()));
    // The origin as the specification's own example writes it (no scheme), with a slash, any case.
    for origin in ["board.example", "https://Board.Example/", "https://board.example:443"] {
        assert_eq!(check(&with(|c| c["vc"]["credentialSubject"]["origin"] = json!(origin))), Ok(()), "{origin}");
    }
    // exp is optional; a relative kid is resolved against the DID.
    assert_eq!(check(&with(|c| remove(c, "exp"))), Ok(()));
    let relative = IssuerKey::new(ed25519_dalek::SigningKey::from_bytes(&[1; 32]), "#key-1");
    assert_eq!(check(&sign(&claims(DID, ORIGIN), &relative)), Ok(()));
}

#[test]
fn wrong_origin() {
    for origin in ["https://evil.example", "http://board.example", "https://board.example:8443", "not an origin"] {
        let jwt = with(|c| c["vc"]["credentialSubject"]["origin"] = json!(origin));
        assert!(matches!(check(&jwt), Err(LinkageError::WrongOrigin { .. })), "{origin}");
    }
    let jwt = with(|c| remove(&mut c["vc"]["credentialSubject"], "origin"));
    assert!(matches!(check(&jwt), Err(LinkageError::Malformed(_))));
}

#[test]
fn wrong_did() {
    let other = "did:web:board.example:boards:ny";
    for (claim, edit) in [
        ("iss", Box::new(|c: &mut Value| c["iss"] = json!(other)) as Box<dyn Fn(&mut Value)>),
        ("sub", Box::new(|c: &mut Value| c["sub"] = json!(other))),
        ("vc.issuer", Box::new(|c: &mut Value| c["vc"]["issuer"] = json!({"id": other}))),
        ("vc.credentialSubject.id", Box::new(|c: &mut Value| c["vc"]["credentialSubject"]["id"] = json!(other))),
    ] {
        let jwt = with(|c| edit(c));
        assert_eq!(check(&jwt), Err(LinkageError::OtherDid { claim, found: other.into() }), "{claim}");
    }
    // A key of another DID, even one that signed correctly.
    let foreign = IssuerKey::new(ed25519_dalek::SigningKey::from_bytes(&[1; 32]), format!("{other}#key-1"));
    assert!(matches!(check(&sign(&claims(DID, ORIGIN), &foreign)), Err(LinkageError::ForeignKey { .. })));
    // Verified against the document of another DID.
    let mut doc = document();
    doc["id"] = json!(other);
    let jwt = sign(&claims(DID, ORIGIN), &key(1));
    let got = verify_jwt_linkage(&jwt, DID, ORIGIN, &doc, now(), Duration::zero());
    assert!(matches!(got, Err(LinkageError::Unbound { .. })), "{got:?}");
}

#[test]
fn bad_signature() {
    let jwt = sign(&claims(DID, ORIGIN), &key(1));
    // Claims swapped under the same signature.
    let (header, rest) = jwt.split_once('.').unwrap_or_default();
    let signature = rest.rsplit_once('.').map(|(_, s)| s).unwrap_or_default();
    let forged_claims = sign(&claims(DID, "https://evil.example"), &key(1));
    let forged_payload = forged_claims.split('.').nth(1).unwrap_or_default();
    let forged = format!("{header}.{forged_payload}.{signature}");
    assert!(matches!(check(&forged), Err(LinkageError::BadSignature(_))));
    // Signed by a key other than the one kid names.
    let impostor = IssuerKey::new(ed25519_dalek::SigningKey::from_bytes(&[9; 32]), format!("{DID}#key-1"));
    assert!(matches!(check(&sign(&claims(DID, ORIGIN), &impostor)), Err(LinkageError::BadSignature(_))));
    for garbage in ["", "a.b", "not a jwt at all", "e30.e30.e30"] {
        assert!(matches!(check(garbage), Err(LinkageError::Malformed(_) | LinkageError::BadSignature(_))), "{garbage}");
    }
    let no_kid = medcred_formats::jwt::sign_compact(
        &json!({"alg": "EdDSA"}),
        claims(DID, ORIGIN).to_string().as_bytes(),
        &key(1),
    )
    .unwrap_or_default();
    assert!(matches!(check(&no_kid), Err(LinkageError::Malformed(_))));
}

#[test]
fn expired_or_not_yet_valid() {
    let t = now().timestamp();
    let expired = with(|c| c["exp"] = json!(t - 3_600));
    assert!(matches!(check(&expired), Err(LinkageError::Expired(_))));
    let early = with(|c| c["nbf"] = json!(t + 3_600));
    assert!(matches!(check(&early), Err(LinkageError::NotYetValid(_))));
    // Within the skew either way.
    assert_eq!(check(&with(|c| c["exp"] = json!(t - 60))), Ok(()));
    assert_eq!(check(&with(|c| c["nbf"] = json!(t + 60))), Ok(()));
    let no_nbf = with(|c| remove(c, "nbf"));
    assert!(matches!(check(&no_nbf), Err(LinkageError::Malformed(_))));
    assert!(matches!(check(&with(|c| c["nbf"] = json!("yesterday"))), Err(LinkageError::Malformed(_))));
}

#[test]
fn key_not_under_assertion_method() {
    let jwt = sign(&claims(DID, ORIGIN), &key(2));
    let got = check(&jwt);
    assert!(
        matches!(
            &got,
            Err(LinkageError::Unbound { error: BindingError::NotListed { relationship: "assertionMethod", .. }, .. })
        ),
        "{got:?}"
    );
    let unknown = sign(&claims(DID, ORIGIN), &key(3));
    assert!(matches!(check(&unknown), Err(LinkageError::Unbound { error: BindingError::UnknownMethod(_), .. })));
}

#[test]
fn not_a_domain_linkage_credential() {
    let jwt = with(|c| c["vc"]["type"] = json!(["VerifiableCredential", "MedicalLicenseCredential"]));
    assert_eq!(check(&jwt), Err(LinkageError::NotDomainLinkage));
    let jwt = with(|c| remove(c, "vc"));
    assert!(matches!(check(&jwt), Err(LinkageError::Malformed(_))));
}
