//! OpenID4VP 1.0 requests as the wallet reads them: the first line is the link the verifier shows
//! (`openid4vp://?client_id=…&request_uri=…`), the rest a request object. Links either give an
//! https (or loopback http) request URI or are refused. The rest is also read as the request
//! object's claims, signed by the hospital's did:web key, so the fuzzer reaches every check
//! behind the signature; a request the wallet accepts answers to an https (or loopback) URI
//! with a nonce, a response mode it supports, the link's client id and a DCQL query that
//! round-trips, and its signature stops verifying under another key.
#![no_main]

use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use medcred_formats::jwt::sign_compact;
use medcred_formats::keys::multibase_public;
use medcred_formats::IssuerKey;
use medcred_fuzz::{first_line, now};
use medcred_model::dcql::DcqlQuery;
use medcred_wallet::metadata::check_url;
use medcred_wallet::present::parse_request_link;
use medcred_wallet::present::request::{read_request_object, verify_request_object, RequestRef};
use serde_json::{json, Value};

const HOSPITAL: &str = "did:web:hospital.example";

fn hospital_key(secret: u8) -> IssuerKey {
    IssuerKey::new(SigningKey::from_bytes(&[secret; 32]), format!("{HOSPITAL}#key-1"))
}

fn hospital_document() -> Value {
    let public = multibase_public(&SigningKey::from_bytes(&[4; 32]).verifying_key());
    json!({"id": HOSPITAL, "verificationMethod": [{"id": format!("{HOSPITAL}#key-1"), "type": "Multikey",
        "controller": HOSPITAL, "publicKeyMultibase": public}], "assertionMethod": [format!("{HOSPITAL}#key-1")]})
}

fn signed(claims: &[u8], key: &IssuerKey) -> Option<String> {
    let header = json!({"alg": "EdDSA", "typ": "oauth-authz-req+jwt", "kid": key.verification_method()});
    sign_compact(&header, claims, key).ok()
}

fuzz_target!(|data: &[u8]| {
    let (link, rest) = first_line(data);
    let link = parse_request_link(&String::from_utf8_lossy(link)).ok();
    if let Some(l) = &link {
        assert!(check_url(&l.request_uri).is_ok(), "a request URI the wallet's URL policy refuses");
    }
    let rest = String::from_utf8_lossy(rest);
    let _ = read_request_object(&rest);
    let Some(jwt) = signed(rest.as_bytes(), &hospital_key(4)) else { return };
    let Ok(unverified) = read_request_object(&jwt) else { return };
    let link = link.unwrap_or(RequestRef { client_id: None, request_uri: "https://hospital.example/r/1".into() });
    let Ok(request) = verify_request_object(unverified, &hospital_document(), &link, now()) else { return };
    assert_eq!(request.did, HOSPITAL);
    assert!(check_url(&request.response_uri).is_ok());
    assert!(!request.nonce.is_empty());
    assert!(matches!(request.response_mode.as_str(), "direct_post" | "direct_post.jwt"));
    assert_eq!(request.encryption.is_some(), request.response_mode == "direct_post.jwt");
    assert!(link.client_id.as_ref().is_none_or(|c| *c == request.client_id));
    assert_eq!(DcqlQuery::from_json(&request.dcql.to_json()).as_ref(), Ok(&request.dcql));
    // The same claims signed by another key do not verify.
    let forged = signed(rest.as_bytes(), &hospital_key(5)).and_then(|j| read_request_object(&j).ok());
    if let Some(forged) = forged {
        assert!(
            verify_request_object(forged, &hospital_document(), &link, now()).is_err(),
            "a forged request verified"
        );
    }
});
