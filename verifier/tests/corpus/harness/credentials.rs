//! The credential cases outside the status check: tampering, forged issuers, unbound keys,
//! untrusted boards, validity dates, broken SD-JWT disclosures, and malformed encodings.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use medcred_formats::{Format, IssuerKey};
use medcred_verifier::CheckName::{IssuerBinding, IssuerTrust, Proof, Syntax, ValidityPeriod};
use serde_json::{json, Value};

use super::generate::Made;
use super::manifest::{fails, filed, passes, unchecked, Expect, Kind};
use super::worlds::WorldName::{self, Board, BoardTwoKeys, TrustRequired};
use crate::common::{board_key, did_key, envelope, issue, issue_edited, license, signing, BOARD};

/// The file extension of a credential in `format`.
pub(crate) fn ext(format: Format) -> &'static str {
    match format {
        Format::EddsaRdfc2022 | Format::EddsaJcs2022 => "json",
        Format::VcJwt => "jwt",
        Format::SdJwtVc => "sd-jwt",
    }
}

fn case(name: &str, format: Format, world: WorldName, what: &str, e: Expect, input: String) -> Made {
    (filed("cases", name, ext(format), Kind::Credential, world, what, e), input.into_bytes())
}

/// The board's license in `format`, unaltered.
async fn good(format: Format) -> String {
    issue(format, &license(), BOARD, &board_key(1)).await
}

/// Change a signed claim of a JSON credential, keeping its proof.
fn tamper_json(s: &str) -> String {
    let mut v: Value = serde_json::from_str(s).expect("json");
    v["credentialSubject"]["licenseNumber"] = json!("RN-999999");
    v.to_string()
}

/// Change a signed claim of a compact credential (`licenseNumber`, or an SD-JWT's `exp`),
/// keeping header and signature.
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
    rest.map_or_else(|| jwt.clone(), |rest| format!("{jwt}~{rest}"))
}

/// Replace the character at `at` of `s` by another of the same alphabet (`a`, or `b` if it was `a`).
fn flip(s: &str, at: usize) -> String {
    let replacement = if &s[at..=at] == "a" { "b" } else { "a" };
    format!("{}{replacement}{}", &s[..at], &s[at + 1..])
}

/// The tampering and forgery cases.
pub(crate) async fn tampered() -> Vec<Made> {
    let rdfc = good(Format::EddsaRdfc2022).await;
    let jcs = good(Format::EddsaJcs2022).await;
    let jwt = good(Format::VcJwt).await;
    let sd = good(Format::SdJwtVc).await;
    let signature_at = jwt.rfind('.').expect("dot") + 20;
    let mut jcs_bad_sig: Value = serde_json::from_str(&jcs).expect("json");
    let pv = jcs_bad_sig["proof"]["proofValue"].as_str().expect("proofValue").to_owned();
    jcs_bad_sig["proof"]["proofValue"] = json!(flip(&pv, 20));
    let impostor = IssuerKey::new(signing(8), format!("{BOARD}#key-1"));
    let stranger = did_key(9);
    vec![
        case(
            "tampered_claim_rdfc",
            Format::EddsaRdfc2022,
            Board,
            "eddsa-rdfc-2022 license whose licenseNumber was changed after signing",
            fails(Proof, "signature does not match"),
            tamper_json(&rdfc),
        ),
        case(
            "tampered_claim_vc_jwt",
            Format::VcJwt,
            Board,
            "vc+jwt license whose payload licenseNumber was changed, header and signature kept",
            fails(Proof, "signature does not match"),
            tamper_compact(&jwt),
        ),
        case(
            "tampered_claim_sd_jwt",
            Format::SdJwtVc,
            Board,
            "SD-JWT VC whose issuer-JWT exp was moved ten years on, signature kept",
            fails(Proof, "signature does not match"),
            tamper_compact(&sd),
        ),
        case(
            "tampered_signature_jcs",
            Format::EddsaJcs2022,
            Board,
            "eddsa-jcs-2022 license with one base58 character of proofValue changed",
            fails(Proof, "signature does not match"),
            jcs_bad_sig.to_string(),
        ),
        case(
            "tampered_signature_vc_jwt",
            Format::VcJwt,
            Board,
            "vc+jwt license with one base64url character in the middle of the signature changed",
            fails(Proof, "signature does not match"),
            flip(&jwt, signature_at),
        ),
        case(
            "forged_issuer_foreign_key_jcs",
            Format::EddsaJcs2022,
            Board,
            "claims the board as issuer, validly signed by a did:key the board does not control",
            fails(IssuerBinding, "does not belong to the issuer"),
            issue(Format::EddsaJcs2022, &license(), BOARD, &stranger).await,
        ),
        case(
            "forged_issuer_foreign_key_sd_jwt",
            Format::SdJwtVc,
            Board,
            "SD-JWT VC claiming the board as iss, kid and signature of a foreign did:key",
            fails(IssuerBinding, "does not belong to the issuer"),
            issue(Format::SdJwtVc, &license(), BOARD, &stranger).await,
        ),
        case(
            "forged_issuer_impostor_key_vc_jwt",
            Format::VcJwt,
            Board,
            "names the board's own key-1 as kid but is signed with another private key",
            fails(Proof, "signature does not match"),
            issue(Format::VcJwt, &license(), BOARD, &impostor).await,
        ),
        case(
            "key_not_under_assertion_method_vc_jwt",
            Format::VcJwt,
            BoardTwoKeys,
            "signed with the board's key-2, published under authentication only",
            fails(IssuerBinding, "not listed under assertionMethod"),
            issue(Format::VcJwt, &license(), BOARD, &board_key(2)).await,
        ),
        case(
            "key_not_published_rdfc",
            Format::EddsaRdfc2022,
            Board,
            "signed with a board key-3 the DID document does not define",
            fails(IssuerBinding, "does not define the verification method"),
            issue(Format::EddsaRdfc2022, &license(), BOARD, &board_key(3)).await,
        ),
    ]
}

/// Trust and validity cases: well signed, but not by an accredited board, or not now.
pub(crate) async fn untrusted_or_out_of_date() -> Vec<Made> {
    let stranger = did_key(9);
    let new_york = issue_edited(Format::VcJwt, &license(), BOARD, &board_key(1), |c| {
        c["credentialSubject"]["jurisdiction"] = json!("US-NY");
    })
    .await;
    let expired = issue_edited(Format::EddsaRdfc2022, &license(), BOARD, &board_key(1), |c| {
        c["validUntil"] = json!("2026-05-01T00:00:00Z");
    })
    .await;
    let expired_sd = issue_edited(Format::SdJwtVc, &license(), BOARD, &board_key(1), |c| {
        c["exp"] = json!(1_777_593_600); // 2026-05-01T00:00:00Z
    })
    .await;
    let not_yet = issue_edited(Format::EddsaJcs2022, &license(), BOARD, &board_key(1), |c| {
        c["validFrom"] = json!("2026-09-01T00:00:00Z");
    })
    .await;
    vec![
        case(
            "unknown_board_jcs",
            Format::EddsaJcs2022,
            TrustRequired,
            "a license self-issued by a did:key no trust list names, trust required",
            fails(IssuerTrust, "is not an accredited board"),
            issue(Format::EddsaJcs2022, &license(), stranger.did(), &stranger).await,
        ),
        case(
            "unaccredited_jurisdiction_vc_jwt",
            Format::VcJwt,
            TrustRequired,
            "the board's license for US-NY; the board is accredited for US-NJ only, trust required",
            fails(IssuerTrust, "not accredited for the jurisdiction US-NY"),
            new_york,
        ),
        case(
            "expired_rdfc",
            Format::EddsaRdfc2022,
            Board,
            "validUntil 2026-05-01, a month before the verifier's clock",
            fails(ValidityPeriod, "expired"),
            expired,
        ),
        case(
            "expired_sd_jwt",
            Format::SdJwtVc,
            Board,
            "SD-JWT VC with exp 2026-05-01, a month before the verifier's clock",
            fails(ValidityPeriod, "expired"),
            expired_sd,
        ),
        case(
            "not_yet_valid_jcs",
            Format::EddsaJcs2022,
            Board,
            "validFrom 2026-09-01, three months after the verifier's clock",
            fails(ValidityPeriod, "not yet valid"),
            not_yet,
        ),
    ]
}

/// SD-JWT disclosure cases presented without key binding.
pub(crate) async fn disclosures() -> Vec<Made> {
    let sd = good(Format::SdJwtVc).await;
    let forged = URL_SAFE_NO_PAD.encode(json!(["c2FsdHNhbHRzYWx0", "license_number", "RN-999999"]).to_string());
    let first = sd.split('~').nth(1).expect("a disclosure").to_owned();
    vec![
        case(
            "disclosure_not_in_sd_sd_jwt",
            Format::SdJwtVc,
            Board,
            "SD-JWT VC with an extra disclosure whose digest is in no _sd array",
            fails(Proof, "not referenced"),
            format!("{sd}{forged}~"),
        ),
        case(
            "duplicate_disclosure_sd_jwt",
            Format::SdJwtVc,
            Board,
            "SD-JWT VC presenting the same disclosure twice",
            fails(Proof, "presented twice"),
            format!("{sd}{first}~"),
        ),
        case(
            "bad_base64_disclosure_sd_jwt",
            Format::SdJwtVc,
            Board,
            "SD-JWT VC with a disclosure that is not base64url",
            fails(Proof, "bad base64url"),
            format!("{sd}!!not*base64~"),
        ),
    ]
}

/// Malformed encodings: truncation, base64url and multibase errors, non-UTF-8 bytes.
pub(crate) async fn malformed() -> Vec<Made> {
    let jwt = good(Format::VcJwt).await;
    let jcs = good(Format::EddsaJcs2022).await;
    let payload_at = jwt.find('.').expect("dot") + 10;
    let bad_b64 = format!("{}*{}", &jwt[..payload_at], &jwt[payload_at + 1..]);
    let mut bad_mb: Value = serde_json::from_str(&jcs).expect("json");
    let pv = bad_mb["proof"]["proofValue"].as_str().expect("proofValue").to_owned();
    bad_mb["proof"]["proofValue"] = json!(format!("z0OIl{}", &pv[5..]));
    let mut no_prefix: Value = serde_json::from_str(&jcs).expect("json");
    no_prefix["proof"]["proofValue"] = json!(pv[1..].to_owned());
    let bogus_did = "did:key:z6MkBAD0OIl";
    let bogus = IssuerKey::new(signing(9), format!("{bogus_did}#z6MkBAD0OIl"));
    let mut made = vec![
        case(
            "truncated_vc_jwt",
            Format::VcJwt,
            Board,
            "the first half of a vc+jwt",
            fails(Syntax, "malformed compact JWS"),
            jwt[..jwt.len() / 2].to_owned(),
        ),
        case(
            "truncated_enveloped_vc_jwt",
            Format::EddsaJcs2022,
            Board,
            "an EnvelopedVerifiableCredential whose data: URL holds a vc+jwt cut before its signature",
            fails(Syntax, "malformed compact JWS"),
            envelope(Format::VcJwt, &jwt[..jwt.rfind('.').expect("dot")]),
        ),
        case(
            "bad_base64_payload_vc_jwt",
            Format::VcJwt,
            Board,
            "vc+jwt with a '*' in its base64url payload",
            fails(Syntax, "bad base64url"),
            bad_b64,
        ),
        case(
            "bad_base64_padding_vc_jwt",
            Format::VcJwt,
            Board,
            "vc+jwt whose signature carries base64 '=' padding (RFC 7515 forbids it)",
            fails(Syntax, "bad base64url"),
            format!("{jwt}=="),
        ),
        case(
            "bad_multibase_proof_value_jcs",
            Format::EddsaJcs2022,
            Board,
            "eddsa-jcs-2022 proofValue with characters outside base58btc (0, O, I, l)",
            fails(Syntax, "proofValue"),
            bad_mb.to_string(),
        ),
        case(
            "no_multibase_prefix_proof_value_jcs",
            Format::EddsaJcs2022,
            Board,
            "eddsa-jcs-2022 proofValue without its multibase 'z' prefix",
            fails(Syntax, "no z prefix"),
            no_prefix.to_string(),
        ),
        case(
            "bad_multibase_did_key_issuer_vc_jwt",
            Format::VcJwt,
            Board,
            "issued by a did:key whose multibase is not base58btc: the DID cannot be resolved",
            unchecked(IssuerBinding, "could not resolve the issuer"),
            issue(Format::VcJwt, &license(), bogus_did, &bogus).await,
        ),
    ];
    made.extend(non_utf8(&jwt, &jcs));
    made
}

/// Two files that are not UTF-8: bytes inserted into a vc+jwt's payload segment, and into a
/// claim of an eddsa-jcs-2022 credential.
fn non_utf8(jwt: &str, jcs: &str) -> Vec<Made> {
    let mut in_jwt = jwt.as_bytes().to_vec();
    let at = jwt.find('.').expect("dot") + 8;
    in_jwt.splice(at..at, [0xff, 0xfe, 0x80]);
    let name_at = jcs.find("Grace Hopper").expect("name") + "Grace ".len();
    let mut in_json = jcs.as_bytes().to_vec();
    in_json.splice(name_at..name_at, [0xc3, 0x28]);
    let mut a = filed("cases", "non_utf8_vc_jwt", "bin", Kind::Credential, Board,
        "a vc+jwt with the bytes FF FE 80 inserted into its payload segment; read lossily, the U+FFFD replacements are not base64url",
        fails(Syntax, "bad base64url"));
    a.utf8 = false;
    let mut b = filed("cases", "non_utf8_claim_jcs", "bin", Kind::Credential, Board,
        "an eddsa-jcs-2022 license with the invalid sequence C3 28 inserted into practitionerName; read lossily it is JSON, but not what was signed",
        fails(Proof, "signature does not match"));
    b.utf8 = false;
    vec![(a, in_jwt), (b, in_json)]
}

/// Valid credentials in every format (and one enveloped), for the controls.
pub(crate) async fn controls() -> Vec<Made> {
    let mut made = Vec::new();
    for format in Format::ALL {
        let name = format!("valid_{}", format.as_str().replace(['-', '+'], "_"));
        let e = passes(medcred_verifier::CheckName::Proof);
        let what = format!("the board's license in {format}");
        made.push((
            filed("controls", &name, ext(format), Kind::Credential, Board, &what, e),
            good(format).await.into_bytes(),
        ));
    }
    let enveloped = envelope(Format::VcJwt, &good(Format::VcJwt).await);
    let e = passes(medcred_verifier::CheckName::Proof);
    let what = "the board's vc+jwt license in an EnvelopedVerifiableCredential";
    made.push((
        filed("controls", "valid_enveloped_vc_jwt", "json", Kind::Credential, Board, what, e),
        enveloped.into_bytes(),
    ));
    made
}
