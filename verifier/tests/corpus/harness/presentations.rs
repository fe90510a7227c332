//! The presentation cases, all answering the request of [`super::worlds`] (challenge
//! [`CHALLENGE`], domain [`DOMAIN`]): replayed challenges, other audiences, key-binding JWTs
//! with the wrong `sd_hash`, `nonce` or `aud`, and SD-JWT disclosures the issuer never made.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use medcred_formats::di_jcs::ProofOptions;
use medcred_formats::jwt::{sign_compact, sign_vp_jwt, SignerKey, VpJwtBinding};
use medcred_formats::sd_jwt::{self, sd_hash, KbParams};
use medcred_formats::{di_jcs, di_rdfc, Format, IssuerKey};
use medcred_model::document::sd_jwt_claims;
use medcred_model::IssuerRef;
use medcred_verifier::CheckName::{Credentials, HolderBinding, Proof};
use rand::SeedableRng;
use serde_json::{json, Value};

use super::generate::Made;
use super::manifest::{fails, filed, passes, Expect, Kind};
use super::worlds::{WorldName, CHALLENGE, DOMAIN};
use crate::common::{board_key, did_key, envelope, issue_edited, license, now, BOARD, ID};

/// The challenge of an earlier request, which a replayed presentation carries.
const EARLIER: &str = "c-earlier-request";
const ELSEWHERE: &str = "https://elsewhere.example";

fn case(name: &str, ext: &str, what: &str, e: Expect, input: String) -> Made {
    (filed("cases", name, ext, Kind::Presentation, WorldName::Board, what, e), input.into_bytes())
}

fn control(name: &str, ext: &str, what: &str, input: String) -> Made {
    let e = passes(HolderBinding);
    (filed("controls", name, ext, Kind::Presentation, WorldName::Board, what, e), input.into_bytes())
}

/// The Data Integrity holder: a did:key (Ed25519).
fn holder() -> IssuerKey {
    did_key(5)
}

/// The `vp+jwt` and SD-JWT holder: a did:jwk (P-256).
fn p256_holder() -> (SignerKey, String) {
    let key = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[6u8; 32]).expect("key"));
    let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(key.verifier_key().to_jwk().to_string()));
    (key, did)
}

/// The board's license about `subject` (a vc+jwt comes enveloped).
async fn license_about(format: Format, subject: &str) -> Value {
    let vc = issue_edited(format, &license(), BOARD, &board_key(1), |c| {
        c["credentialSubject"]["id"] = json!(subject);
    })
    .await;
    let text = if format == Format::VcJwt { envelope(format, &vc) } else { vc };
    serde_json::from_str(&text).expect("json")
}

/// A Data Integrity presentation by the holder in `format`, carrying one license about the
/// holder, with `challenge` and `domain` in its proof.
pub(crate) async fn di_vp(format: Format, challenge: &str, domain: &str) -> String {
    let h = holder();
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": h.did(),
        "verifiableCredential": [license_about(Format::EddsaJcs2022, h.did()).await]
    });
    let options = ProofOptions::authentication(Some(challenge.into()), Some(domain.into()));
    let created = now() - Duration::seconds(30);
    match format {
        Format::EddsaRdfc2022 => di_rdfc::sign_with(&vp, &h, created, &options).await.expect("rdfc").to_string(),
        _ => di_jcs::sign_with(&vp, &h, created, &options).expect("jcs").to_string(),
    }
}

/// A `vp+jwt` by the P-256 holder with `nonce` and `aud`, issued now.
async fn vp_jwt(nonce: &str, aud: &str) -> String {
    let (key, did) = p256_holder();
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did,
        "verifiableCredential": [license_about(Format::VcJwt, &did).await]
    });
    let binding = VpJwtBinding {
        kid: format!("{did}#0"),
        nonce: Some(nonce.into()),
        aud: Some(aud.into()),
        iat: now().timestamp(),
    };
    sign_vp_jwt(&vp, &key, &binding).expect("vp+jwt")
}

/// The board's SD-JWT VC license bound (`cnf`) to the P-256 holder, every disclosure included.
fn issued_sd_jwt() -> String {
    let (key, did) = p256_holder();
    let issuer = IssuerRef { id: BOARD.into(), name: "State Board of Nursing".into() };
    let (mut claims, disclosable) = sd_jwt_claims(&license(), ID, &issuer);
    claims.insert("sub".into(), json!(did));
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let jwk = key.verifier_key().to_jwk();
    sd_jwt::issue(claims, &disclosable, Some(&jwk), &board_key(1), &mut rng).expect("issue")
}

/// `presented` (issuer JWT and disclosures, ending in `~`) with a KB-JWT signed by the holder
/// over `hash_of` (normally `presented` itself) with `nonce` and `aud`.
fn with_kb(presented: &str, hash_of: &str, nonce: &str, aud: &str) -> String {
    let (key, _) = p256_holder();
    let payload = json!({"iat": now().timestamp(), "aud": aud, "nonce": nonce, "sd_hash": sd_hash(hash_of)});
    let kb = sign_compact(&json!({"alg": "ES256", "typ": "kb+jwt"}), payload.to_string().as_bytes(), &key).expect("kb");
    format!("{presented}{kb}")
}

/// The issued SD-JWT reduced to the `name` disclosure (no KB-JWT yet).
fn name_only(issued: &str) -> String {
    sd_jwt::present(issued, &["/name".into()], None).expect("present")
}

/// The presentation cases.
pub(crate) async fn cases() -> Vec<Made> {
    let issued = issued_sd_jwt();
    let presented = name_only(&issued);
    let forged = URL_SAFE_NO_PAD.encode(json!(["c2FsdHNhbHRzYWx0", "license_number", "RN-999999"]).to_string());
    let kept = presented.split('~').nth(1).expect("the name disclosure").to_owned();
    let sd_case = |name: &str, what: &str, e: Expect, input: String| case(name, "sd-jwt", what, e, input);
    vec![
        case(
            "replayed_challenge_jcs_vp",
            "json",
            "an eddsa-jcs-2022 presentation made for an earlier request's challenge, replayed",
            fails(HolderBinding, "not this request's"),
            di_vp(Format::EddsaJcs2022, EARLIER, DOMAIN).await,
        ),
        case(
            "wrong_domain_rdfc_vp",
            "json",
            "an eddsa-rdfc-2022 presentation with this challenge but made for another verifier's domain",
            fails(HolderBinding, "not for https://hospital.example"),
            di_vp(Format::EddsaRdfc2022, CHALLENGE, ELSEWHERE).await,
        ),
        case(
            "replayed_nonce_vp_jwt",
            "jwt",
            "a vp+jwt carrying an earlier request's nonce",
            fails(HolderBinding, "not this request's"),
            vp_jwt(EARLIER, DOMAIN).await,
        ),
        sd_case(
            "kb_jwt_wrong_sd_hash",
            "SD-JWT presenting one disclosure, its KB-JWT's sd_hash computed over all of them",
            fails(Proof, "sd_hash"),
            with_kb(&presented, &issued, CHALLENGE, DOMAIN),
        ),
        sd_case(
            "kb_jwt_wrong_nonce",
            "SD-JWT + KB-JWT whose nonce is an earlier request's",
            fails(HolderBinding, "nonce is not this request's"),
            with_kb(&presented, &presented, EARLIER, DOMAIN),
        ),
        sd_case(
            "kb_jwt_wrong_aud",
            "SD-JWT + KB-JWT addressed to another verifier",
            fails(HolderBinding, "not for https://hospital.example"),
            with_kb(&presented, &presented, CHALLENGE, ELSEWHERE),
        ),
        sd_case(
            "kb_disclosure_not_in_sd",
            "SD-JWT + KB-JWT (sd_hash over all of it) with a forged disclosure no _sd array references",
            fails(Credentials, "not referenced"),
            {
                let p = format!("{presented}{forged}~");
                with_kb(&p, &p, CHALLENGE, DOMAIN)
            },
        ),
        sd_case(
            "kb_duplicate_disclosure",
            "SD-JWT + KB-JWT (sd_hash over all of it) presenting one disclosure twice",
            fails(Credentials, "presented twice"),
            {
                let p = format!("{presented}{kept}~");
                with_kb(&p, &p, CHALLENGE, DOMAIN)
            },
        ),
    ]
}

/// A valid presentation of each shape, for the controls.
pub(crate) async fn controls() -> Vec<Made> {
    let issued = issued_sd_jwt();
    let kb = KbParams { aud: DOMAIN.into(), nonce: CHALLENGE.into(), iat: now().timestamp(), holder: p256_holder().0 };
    let sd = sd_jwt::present(&issued, &["/name".into(), "/license_type".into()], Some(&kb)).expect("present");
    vec![
        control(
            "valid_vp_jcs",
            "json",
            "an eddsa-jcs-2022 presentation for this request",
            di_vp(Format::EddsaJcs2022, CHALLENGE, DOMAIN).await,
        ),
        control(
            "valid_vp_rdfc",
            "json",
            "an eddsa-rdfc-2022 presentation for this request",
            di_vp(Format::EddsaRdfc2022, CHALLENGE, DOMAIN).await,
        ),
        control("valid_vp_jwt", "jwt", "a vp+jwt for this request", vp_jwt(CHALLENGE, DOMAIN).await),
        control("valid_sd_jwt_kb", "sd-jwt", "an SD-JWT + KB-JWT for this request, two claims disclosed", sd),
    ]
}
