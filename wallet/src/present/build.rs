//! Answering a request from what the wallet holds: pick the credential that answers the DCQL
//! query with the fewest claims asked (§6.4: the first `claim_sets` option it can satisfy), and
//! build its presentation bound to the request — SD-JWT VC: only the needed disclosures and a
//! KB-JWT (`aud` the client id, `nonce`, `iat`, `sd_hash`); `jwt_vc_json`: a `vp+jwt` (`nonce`,
//! `aud`); `ldp_vc`: a presentation with an `eddsa-jcs-2022` proof (`challenge` the nonce,
//! `domain` the client id, §B.1.3). Pure: the clock and the key are passed in.

use chrono::{DateTime, Utc};
use medcred_formats::di_jcs::{self, ProofOptions};
use medcred_formats::jwt::{decode, sign_vp_jwt, VpJwtBinding};
use medcred_formats::sd_jwt::{self, KbParams};
use medcred_model::context::VC_V2;
use medcred_model::dcql::{disclosure_for, CredentialQuery, Holding};
use serde_json::{json, Value};

use super::request::VerifiedRequest;
use crate::error::WalletError;
use crate::key::HolderKey;
use crate::received::StoredCredential;

/// The credential chosen for one Credential Query, and what of it is disclosed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The Credential Query answered.
    pub query_id: String,
    /// Index of the credential in the wallet.
    pub index: usize,
    /// The claims disclosed (JSON pointers into the credential).
    pub disclose: Vec<String>,
}

/// The claims of a held credential as claims paths see them.
fn claims_view(c: &StoredCredential) -> Option<Value> {
    match (c.format.as_str(), &c.credential) {
        ("dc+sd-jwt", Value::String(s)) => sd_jwt::disclosable_claims(s).ok().map(|(claims, _)| Value::Object(claims)),
        ("ldp_vc", v @ Value::Object(_)) => Some(v.clone()),
        ("jwt_vc_json", Value::String(s)) => decode(s).and_then(|d| d.claims()).ok().map(Value::Object),
        _ => None,
    }
}

/// The first credential (oldest first) that answers `cq`, with its disclosures.
pub fn choose(cq: &CredentialQuery, credentials: &[StoredCredential]) -> Option<Choice> {
    credentials.iter().enumerate().find_map(|(index, c)| {
        let view = claims_view(c)?;
        let holding = Holding { format: &c.format, types: &c.types, claims: &view, disclosed: None };
        disclosure_for(cq, &holding).map(|disclose| Choice { query_id: cq.id.clone(), index, disclose })
    })
}

fn signing(e: impl std::fmt::Display) -> WalletError {
    WalletError::Signing(e.to_string())
}

/// The holder DID and verification method a W3C credential is bound to (did:jwk or did:key).
fn w3c_holder(view: &Value, key: &HolderKey) -> (String, String) {
    let (did_key, did_key_vm) = key.did_key();
    let subject = view.get("credentialSubject").and_then(|s| s.get("id")).and_then(Value::as_str);
    if subject == Some(did_key.as_str()) {
        (did_key, did_key_vm)
    } else {
        (key.did().to_owned(), key.did_jwk_kid())
    }
}

/// The presentation of `credential` for `request`, disclosing `disclose`: a string (SD-JWT,
/// `vp+jwt`) or a JSON object (Data Integrity).
pub fn presentation(
    request: &VerifiedRequest,
    key: &HolderKey,
    credential: &StoredCredential,
    disclose: &[String],
    now: DateTime<Utc>,
) -> Result<Value, WalletError> {
    match (credential.format.as_str(), &credential.credential) {
        ("dc+sd-jwt", Value::String(s)) => {
            let kb = KbParams {
                aud: request.client_id.clone(),
                nonce: request.nonce.clone(),
                iat: now.timestamp(),
                holder: key.signer(),
            };
            Ok(Value::String(sd_jwt::present(s, disclose, Some(&kb)).map_err(signing)?))
        }
        ("jwt_vc_json", Value::String(s)) => {
            let view = claims_view(credential).unwrap_or(Value::Null);
            let (holder, kid) = w3c_holder(&view, key);
            let vp = json!({
                "@context": [VC_V2],
                "type": ["VerifiablePresentation"],
                "holder": holder,
                "verifiableCredential": [{"@context": VC_V2, "type": "EnvelopedVerifiableCredential",
                                          "id": format!("data:application/vc+jwt,{s}")}],
            });
            let binding = VpJwtBinding {
                kid,
                nonce: Some(request.nonce.clone()),
                aud: Some(request.client_id.clone()),
                iat: now.timestamp(),
            };
            Ok(Value::String(sign_vp_jwt(&vp, &key.signer(), &binding).map_err(signing)?))
        }
        ("ldp_vc", vc @ Value::Object(_)) => {
            let (holder, vm) = w3c_holder(vc, key);
            let vp = json!({
                "@context": [VC_V2],
                "type": ["VerifiablePresentation"],
                "holder": holder,
                "verifiableCredential": [vc],
            });
            let options = ProofOptions::authentication(Some(request.nonce.clone()), Some(request.client_id.clone()));
            di_jcs::sign_with(&vp, &key.issuer_key(&vm), now, &options).map_err(signing)
        }
        (f, _) => Err(WalletError::NoMatchingCredential(format!("a {f} credential cannot be presented"))),
    }
}

/// The `vp_token` answering every query of `request` with the credentials `choices` name (each
/// an index into `credentials`), disclosing only what each choice lists.
pub fn answer(
    request: &VerifiedRequest,
    key: &HolderKey,
    credentials: &[StoredCredential],
    choices: &[Choice],
    now: DateTime<Utc>,
) -> Result<Value, WalletError> {
    let mut token = serde_json::Map::new();
    for c in choices {
        let held = credentials
            .get(c.index)
            .ok_or_else(|| WalletError::NoMatchingCredential(format!("no credential {}", c.index + 1)))?;
        token.insert(c.query_id.clone(), json!([presentation(request, key, held, &c.disclose, now)?]));
    }
    Ok(Value::Object(token))
}

/// The `vp_token`: `{<query id>: [<presentation>]}` (§8.1).
pub fn vp_token(query_id: &str, presentation: Value) -> Value {
    json!({ query_id: [presentation] })
}

#[cfg(test)]
mod tests {
    use medcred_model::dcql::Template;

    use super::*;

    fn held(format: &str, types: &[&str], credential: Value) -> StoredCredential {
        StoredCredential {
            id: "1".into(),
            format: format.into(),
            configuration_id: "c".into(),
            credential_issuer: "https://i.example".into(),
            issuer: "did:web:b".into(),
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            received_at: "2026-01-01T00:00:00Z".into(),
            status: None,
            credential,
        }
    }

    #[test]
    fn chooses_the_first_credential_that_answers() {
        let q = Template::PractitionerLicense.query("ldp_vc").expect("q");
        let cq = &q.credentials[0];
        let patient = held(
            "ldp_vc",
            &["VerifiableCredential", "PatientIdentityCredential"],
            json!({"credentialSubject": {"givenName": "Ada"}}),
        );
        let license = held(
            "ldp_vc",
            &["VerifiableCredential", "MedicalLicenseCredential"],
            json!({"credentialSubject": {"practitionerName": "G", "licenseType": "RN", "licenseNumber": "1", "jurisdiction": "US-NJ"}}),
        );
        let sd = held("dc+sd-jwt", &["https://medcred.org/vct/MedicalLicense"], json!("not-an-sd-jwt"));
        let c = choose(cq, &[patient.clone(), sd, license]).expect("license");
        assert_eq!(c.index, 2);
        assert_eq!(c.disclose.len(), 4);
        assert!(choose(cq, &[patient]).is_none());
    }
}
