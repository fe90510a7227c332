//! Reading a stored credential's claims back into an issuance request, so that an offer can
//! re-issue them bound to the holder's key in the format the offer names. Every format is read
//! into the VC-API `credential` shape and checked again by `IssueRequest::from_vc_json`, the one
//! gate every issuance passes. Pure; nothing is verified (the row is our own).

use chrono::{DateTime, TimeZone, Utc};
use medcred_formats::{jwt, sd_jwt, Format};
use medcred_model::request::xsd_date_time;
use medcred_model::{CredentialKind, IssueRequest};
use medcred_store::{CredentialRow, StoreError};
use serde_json::{json, Map, Value};

use super::config::claims_of;
use crate::error::IssuerError;

fn corrupt(why: impl std::fmt::Display) -> IssuerError {
    IssuerError::Store(StoreError::Corrupt(format!("stored credential: {why}")))
}

/// Members of a stored W3C credential that belong to that one issuance, not to its claims.
const ISSUANCE_MEMBERS: &[&str] =
    &["id", "proof", "credentialStatus", "iss", "jti", "sub", "nbf", "exp", "iat", "cnf", "status"];
/// Subject members that the issuer derives or binds rather than takes from the request.
const DERIVED_SUBJECT_MEMBERS: &[&str] = &["id", "ageOver18", "ageOver21", "ageOver65"];

/// The claims of a W3C credential (Data Integrity document or `vc+jwt` payload), as a request.
fn from_w3c(mut vc: Map<String, Value>) -> Value {
    for m in ISSUANCE_MEMBERS {
        vc.remove(*m);
    }
    if let Some(Value::Object(subject)) = vc.get_mut("credentialSubject") {
        for m in DERIVED_SUBJECT_MEMBERS {
            subject.remove(*m);
        }
    }
    Value::Object(vc)
}

fn time_of(claims: &Map<String, Value>, name: &str) -> Result<Option<DateTime<Utc>>, IssuerError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .and_then(|t| Utc.timestamp_opt(t, 0).single())
            .map(Some)
            .ok_or_else(|| corrupt(format!("{name} is not a time"))),
    }
}

/// The claims of an SD-JWT VC, renamed to the W3C members they came from.
fn from_sd_jwt(text: &str) -> Result<Value, IssuerError> {
    let (claims, _) = sd_jwt::disclosable_claims(text).map_err(corrupt)?;
    let vct = claims.get("vct").and_then(Value::as_str).unwrap_or_default();
    let kind = [CredentialKind::License, CredentialKind::Patient]
        .into_iter()
        .find(|k| k.vct() == vct)
        .ok_or_else(|| corrupt("unknown vct"))?;
    let mut subject = Map::new();
    for claim in claims_of(kind) {
        if let [name] = claim.sd_jwt {
            if let Some(v) = claims.get(*name) {
                subject.insert(claim.w3c.to_owned(), v.clone());
            }
        }
    }
    let mut vc = Map::new();
    vc.insert("@context".into(), json!(super::config::w3c_context()));
    vc.insert("type".into(), json!(["VerifiableCredential", kind.type_name()]));
    if let Some(from) = time_of(&claims, "nbf")?.or(time_of(&claims, "iat")?) {
        vc.insert("validFrom".into(), json!(xsd_date_time(from)));
    }
    if let Some(until) = time_of(&claims, "exp")? {
        vc.insert("validUntil".into(), json!(xsd_date_time(until)));
    }
    vc.insert("credentialSubject".into(), Value::Object(subject));
    Ok(Value::Object(vc))
}

/// The request that issues the stored credential's claims again: same type, claims and validity
/// period; no id (the new credential gets its own) and no holder (the caller binds one).
pub fn request_from_stored(row: &CredentialRow, now: DateTime<Utc>) -> Result<IssueRequest, IssuerError> {
    let format: Format = row.format.parse().map_err(corrupt)?;
    let credential = match format {
        Format::EddsaRdfc2022 | Format::EddsaJcs2022 => match serde_json::from_str(&row.secured) {
            Ok(Value::Object(vc)) => from_w3c(vc),
            Ok(_) => return Err(corrupt("not a JSON object")),
            Err(e) => return Err(corrupt(e)),
        },
        Format::VcJwt => from_w3c(jwt::decode(&row.secured).and_then(|d| d.claims()).map_err(corrupt)?),
        Format::SdJwtVc => from_sd_jwt(&row.secured)?,
    };
    let mut req = IssueRequest::from_vc_json(&credential, now).map_err(|e| corrupt(e.to_string()))?;
    req.id = None;
    req.holder = None;
    Ok(req)
}

#[cfg(test)]
mod tests {
    use medcred_formats::IssuerKey;
    use medcred_model::IssuerRef;

    use super::*;
    use crate::issue::{sign, Issued};

    fn now() -> DateTime<Utc> {
        "2026-02-01T00:00:00Z".parse().expect("time")
    }

    fn license() -> IssueRequest {
        let v = json!({
            "type": ["VerifiableCredential", "MedicalLicenseCredential"],
            "validFrom": "2026-01-01T00:00:00Z", "validUntil": "2028-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
                "practitionerName": "Jane Q. Doe", "licenseType": "RN", "licenseNumber": "RN-1", "jurisdiction": "US-NJ",
                "originalIssueDate": "2015-06-01", "npi": "1234567893", "restrictions": ["supervised"], "specialty": "ICU"}
        });
        IssueRequest::from_vc_json(&v, now()).expect("license")
    }

    fn patient() -> IssueRequest {
        let v = json!({
            "type": ["VerifiableCredential", "PatientIdentityCredential"],
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10", "patientIdentifier": "MRN-42"}
        });
        IssueRequest::from_vc_json(&v, now()).expect("patient")
    }

    async fn stored(req: &IssueRequest, format: Format) -> CredentialRow {
        let key = IssuerKey::did_key(ed25519_dalek::SigningKey::from_bytes(&[3; 32]));
        let issuer = IssuerRef { id: key.did().to_owned(), name: "Board".into() };
        let id = "urn:uuid:00000000-0000-4000-8000-000000000001";
        let secured = sign(req, id, &issuer, &key, format, now(), None).await.expect("sign");
        let board = medcred_store::BoardRow {
            id: "b".into(),
            slug: "b".into(),
            name: "Board".into(),
            did: key.did().into(),
            created_at: 0,
        };
        crate::issue::row(&board, req, &Issued { id: id.into(), format, secured }, &key, None, None, 0)
    }

    #[tokio::test]
    async fn every_format_reads_back_to_the_same_claims() {
        for original in [license(), patient()] {
            let mut expected = original.clone();
            expected.holder = None;
            expected.claimed_issuer = None;
            for format in Format::ALL {
                let row = stored(&original, format).await;
                let mut back = request_from_stored(&row, now()).expect("reads back");
                // The W3C formats name their issuer; the SD-JWT one by iss, which is dropped.
                back.claimed_issuer = None;
                assert_eq!(back, expected, "{format}");
            }
        }
    }

    #[test]
    fn a_corrupt_row_is_an_error_not_a_panic() {
        let mut row = futures::executor::block_on(stored(&license(), Format::VcJwt));
        row.secured = "garbage".into();
        assert!(matches!(request_from_stored(&row, now()), Err(IssuerError::Store(StoreError::Corrupt(_)))));
        row.format = "eddsa-jcs-2022".into();
        row.secured = "[1]".into();
        assert!(request_from_stored(&row, now()).is_err());
    }
}
