//! Verification receipts: a W3C Verifiable Credential (`VerificationReceipt`) that the hospital
//! signs with its own did:web key (`eddsa-jcs-2022`), recording what was presented (only what
//! the holder disclosed, plus the SHA-256 of the exact bytes), what each check found, which
//! ledger checkpoint the status was proven against, when, and who asked — the evidence a
//! credentialing file needs for primary-source verification.

use chrono::{DateTime, SecondsFormat, Utc};
use medcred_formats::di_jcs;
use medcred_model::context::VC_V2;
use medcred_store::{HospitalRow, VerificationRow};
use medcred_verifier::{Check, PresentationReport, Report};
use serde_json::{json, Map, Value};

use crate::error::HospitalError;
use crate::service::Hospitals;

/// The receipt's credential type.
pub const RECEIPT_TYPE: &str = "VerificationReceipt";

fn time(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A check as the receipt records it.
fn check(c: &Check) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(c.name.as_str()));
    let outcome = serde_json::to_value(&c.outcome).ok();
    m.insert("outcome".into(), outcome.as_ref().and_then(|o| o.get("outcome")).cloned().unwrap_or(Value::Null));
    if let Some(reason) = c.outcome.reason() {
        m.insert("reason".into(), json!(reason));
    }
    if let Some(detail) = &c.detail {
        m.insert("detail".into(), json!(detail));
    }
    if c.advisory {
        m.insert("advisory".into(), json!(true));
    }
    Value::Object(m)
}

/// One credential as the receipt records it: what it claims and what the holder disclosed.
fn credential(r: &Report) -> Value {
    let mut m = Map::new();
    m.insert("verdict".into(), json!(r.verdict));
    if let Some(f) = r.format {
        m.insert("format".into(), json!(f.as_str()));
    }
    if let Some(id) = &r.id {
        m.insert("id".into(), json!(id));
    }
    if let Some(issuer) = &r.issuer {
        m.insert("issuer".into(), json!(issuer));
    }
    m.insert("type".into(), json!(r.types));
    if let Some(until) = r.valid_until {
        m.insert("validUntil".into(), json!(until.to_rfc3339_opts(SecondsFormat::Secs, true)));
    }
    if !r.subject.is_null() {
        m.insert("disclosed".into(), r.subject.clone());
    }
    m.insert("checks".into(), Value::Array(r.checks.iter().map(check).collect()));
    Value::Object(m)
}

/// The unsigned receipt for `row`.
pub(crate) fn document(hospital: &HospitalRow, row: &VerificationRow) -> Result<Value, HospitalError> {
    let corrupt = |e: serde_json::Error| HospitalError::Internal(format!("stored report of {}: {e}", row.id));
    let mut subject = Map::new();
    subject.insert("type".into(), json!("CredentialVerification"));
    subject.insert("verifiedAt".into(), json!(time(row.at)));
    subject.insert("verdict".into(), json!(row.verdict));
    subject.insert("verifiedBy".into(), json!(row.actor));
    subject.insert("presentedSha256".into(), json!(row.presented_sha256));
    if row.kind == "presentation" {
        let r: PresentationReport = serde_json::from_str(&row.report).map_err(corrupt)?;
        let mut p = Map::new();
        if let Some(f) = r.format {
            p.insert("format".into(), json!(f.as_str()));
        }
        if let Some(h) = &r.holder {
            p.insert("holder".into(), json!(h));
        }
        p.insert("checks".into(), Value::Array(r.checks.iter().map(check).collect()));
        subject.insert("presentation".into(), Value::Object(p));
        subject.insert("credentials".into(), Value::Array(r.credentials.iter().map(credential).collect()));
    } else {
        let r: Report = serde_json::from_str(&row.report).map_err(corrupt)?;
        subject.insert("credentials".into(), json!([credential(&r)]));
    }
    Ok(json!({
        "@context": [VC_V2],
        "id": row.id,
        "type": ["VerifiableCredential", RECEIPT_TYPE],
        "issuer": {"id": hospital.did, "name": hospital.name},
        "validFrom": time(row.at),
        "credentialSubject": Value::Object(subject),
    }))
}

impl Hospitals {
    /// The receipt for verification `id` of `hospital`, signed now with the hospital's key.
    pub async fn receipt(&self, hospital: &HospitalRow, id: &str) -> Result<Value, HospitalError> {
        let row = self.db().verification(&hospital.id, id).await?;
        let unsigned = document(hospital, &row)?;
        let key = self.signing_key(hospital).await?;
        Ok(di_jcs::sign(&unsigned, &key, self.now())?)
    }
}

#[cfg(test)]
mod tests {
    use medcred_verifier::{CheckName, Outcome};

    use super::*;

    fn hospital() -> HospitalRow {
        HospitalRow {
            id: "h1".into(),
            slug: "st-mary".into(),
            name: "St Mary".into(),
            did: "did:web:h.example:hospitals:st-mary".into(),
            webhook_url: None,
            created_at: 0,
        }
    }

    #[test]
    fn records_checks_disclosed_claims_and_the_digest() {
        let mut r = Report::new(vec![
            Check::new(CheckName::Proof, Outcome::Passed),
            Check::new(CheckName::Status, Outcome::Passed).with_detail(Some("checkpoint h.example/boards/x 12".into())),
            Check::new(CheckName::IssuerTrust, Outcome::failed("not listed")).advisory(),
        ]);
        r.issuer = Some("did:web:b.example".into());
        r.subject = json!({"licenseNumber": "RN-1"});
        let row = VerificationRow {
            id: "urn:uuid:1".into(),
            hospital_id: "h1".into(),
            kind: "credential".into(),
            verdict: "valid".into(),
            presented: "x".into(),
            presented_sha256: "2d71".into(),
            report: serde_json::to_string(&r).expect("json"),
            actor: "token:t (front desk)".into(),
            at: 1_780_000_000,
        };
        let doc = document(&hospital(), &row).expect("document");
        let s = &doc["credentialSubject"];
        assert_eq!(doc["issuer"]["id"], "did:web:h.example:hospitals:st-mary");
        assert_eq!(doc["type"][1], RECEIPT_TYPE);
        assert_eq!(s["presentedSha256"], "2d71");
        assert_eq!(s["credentials"][0]["disclosed"]["licenseNumber"], "RN-1");
        assert_eq!(s["credentials"][0]["checks"][1]["detail"], "checkpoint h.example/boards/x 12");
        assert_eq!(s["credentials"][0]["checks"][2]["outcome"], "failed");
        assert_eq!(s["credentials"][0]["checks"][2]["advisory"], true);
        let bad = VerificationRow { report: "{".into(), ..row };
        assert!(document(&hospital(), &bad).is_err());
    }
}
