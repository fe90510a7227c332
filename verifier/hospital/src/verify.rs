//! Verification for a hospital: the engine runs under the hospital's policy (issuer trust is
//! required), the presented input and the report are recorded (the evidence a receipt is signed
//! from; only what the holder disclosed is kept), and on request the credentials start being
//! watched.

use medcred_store::{HospitalRow, VerificationRow, WatchRow};
use medcred_verifier::{
    presented_credentials, CheckName, Outcome, PresentationExpectations, Report, Standing, Verdict,
};
use medcred_verifier_service::Policy;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::HospitalError;
use crate::service::Hospitals;

/// What a hospital was shown.
#[derive(Debug, Clone)]
pub enum Presented {
    /// A credential, in any supported format.
    Credential(String),
    /// A presentation, with what the hospital's request asked for.
    Presentation {
        /// The presentation.
        text: String,
        /// The challenge (nonce) the request issued.
        challenge: Option<String>,
        /// The hospital's domain (audience).
        domain: Option<String>,
    },
}

/// A recorded verification.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The stored row.
    pub row: VerificationRow,
    /// The verdict.
    pub verdict: Verdict,
    /// The engine's report (a credential or a presentation report), as JSON.
    pub report: Value,
    /// The watches started with it.
    pub watches: Vec<WatchRow>,
}

/// The hospital policy: every check counts, issuer trust included.
pub(crate) fn hospital_policy() -> Policy {
    Policy { require_trust: true, advisory: Vec::new() }
}

impl Hospitals {
    /// Verify `presented` for `hospital`, record it (durably, before answering) and, when
    /// `watch`, keep watching the credentials it carried. Input that is not a credential (or
    /// presentation) at all is refused with its report and not recorded.
    pub async fn verify(
        &self,
        hospital: &HospitalRow,
        presented: Presented,
        actor: &str,
        watch: bool,
    ) -> Result<Recorded, HospitalError> {
        let policy = hospital_policy();
        let (kind, text, verdict, report, credentials) = match presented {
            Presented::Credential(text) => {
                let r = self.verifier().credential(&text, &policy).await;
                refuse_unreadable(&r.checks, &r)?;
                let json = to_json(&r)?;
                (KIND_CREDENTIAL, text.clone(), r.verdict, json, vec![(text, r)])
            }
            Presented::Presentation { text, challenge, domain } => {
                let expect = PresentationExpectations::new(challenge, domain);
                let r = self.verifier().presentation(&text, &expect, &policy).await;
                refuse_unreadable(&r.checks, &r)?;
                let carried: Vec<(String, Report)> =
                    presented_credentials(&text).into_iter().zip(r.credentials.iter().cloned()).collect();
                (KIND_PRESENTATION, text, r.verdict, to_json(&r)?, carried)
            }
        };
        let now = self.now();
        let row = VerificationRow {
            id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            hospital_id: hospital.id.clone(),
            kind: kind.to_owned(),
            verdict: verdict_name(verdict).to_owned(),
            presented_sha256: hex::encode(Sha256::digest(text.as_bytes())),
            presented: text,
            report: report.to_string(),
            actor: actor.to_owned(),
            at: now.timestamp(),
        };
        self.db().insert_verification(&row).await?;
        let mut watches = Vec::new();
        if watch {
            for (credential, r) in credentials {
                watches.push(self.start_watch(hospital, &row.id, credential, &r).await?);
            }
        }
        Ok(Recorded { row, verdict, report, watches })
    }

    /// Start watching `credential` (verified in `verification` with `report`).
    pub(crate) async fn start_watch(
        &self,
        hospital: &HospitalRow,
        verification: &str,
        credential: String,
        report: &Report,
    ) -> Result<WatchRow, HospitalError> {
        let now = self.now();
        let w = WatchRow {
            id: uuid::Uuid::new_v4().to_string(),
            hospital_id: hospital.id.clone(),
            verification_id: verification.to_owned(),
            credential,
            label: label(report),
            issuer: report.issuer.clone().unwrap_or_default(),
            valid_until: report.valid_until.map(|t| t.timestamp()),
            standing: Standing::of(report, now, self.settings().warn_before).as_str().to_owned(),
            checked_at: now.timestamp(),
            active: true,
            created_at: now.timestamp(),
        };
        self.db().insert_watch(&w).await?;
        Ok(w)
    }

    /// Watch the credentials a recorded verification carried (verifying each again now).
    pub async fn watch_verification(
        &self,
        hospital: &HospitalRow,
        verification_id: &str,
    ) -> Result<Vec<WatchRow>, HospitalError> {
        let row = self.db().verification(&hospital.id, verification_id).await?;
        let credentials = match row.kind.as_str() {
            KIND_CREDENTIAL => vec![row.presented.clone()],
            _ => presented_credentials(&row.presented),
        };
        let mut out = Vec::new();
        for c in credentials {
            let report = self.verifier().credential(&c, &hospital_policy()).await;
            out.push(self.start_watch(hospital, &row.id, c, &report).await?);
        }
        Ok(out)
    }
}

const KIND_CREDENTIAL: &str = "credential";
pub(crate) const KIND_PRESENTATION: &str = "presentation";

/// The snake_case name of a verdict.
pub(crate) fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::CouldNotCheck => "could_not_check",
    }
}

pub(crate) fn to_json(report: &impl serde::Serialize) -> Result<Value, HospitalError> {
    serde_json::to_value(report).map_err(|e| HospitalError::Internal(format!("report to JSON: {e}")))
}

/// Refuse an input whose syntax check failed: nothing was presented to record.
fn refuse_unreadable(checks: &[medcred_verifier::Check], report: &impl serde::Serialize) -> Result<(), HospitalError> {
    let syntax = checks.iter().find(|c| c.name == CheckName::Syntax).map(|c| &c.outcome);
    match syntax {
        Some(Outcome::Failed { reason }) => Err(HospitalError::Unreadable {
            message: format!("not a verifiable credential or presentation: {reason}"),
            report: to_json(report)?,
        }),
        _ => Ok(()),
    }
}

/// What a credential is, for people: its type and, when disclosed, license type, number and
/// jurisdiction (W3C or SD-JWT VC claim names).
pub(crate) fn label(report: &Report) -> String {
    let kind = report
        .types
        .iter()
        .rev()
        .find(|t| t.as_str() != "VerifiableCredential")
        .map_or("credential", String::as_str)
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("credential")
        .to_owned();
    let field = |w3c: &str, sd: &str| {
        report.subject.get(w3c).or_else(|| report.subject.get(sd)).and_then(Value::as_str).map(str::to_owned)
    };
    let parts: Vec<String> = [
        field("licenseType", "license_type"),
        field("licenseNumber", "license_number"),
        field("jurisdiction", "jurisdiction"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        kind
    } else {
        format!("{kind} {}", parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn labels_name_the_type_and_license() {
        let mut r = Report::new(Vec::new());
        r.types = vec!["VerifiableCredential".into(), "MedicalLicenseCredential".into()];
        r.subject = json!({"licenseType": "RN", "licenseNumber": "26NR1", "jurisdiction": "US-NJ"});
        assert_eq!(label(&r), "MedicalLicenseCredential RN 26NR1 US-NJ");
        r.types = vec!["https://medcred.org/vct/MedicalLicense".into()];
        r.subject = json!({"license_type": "MD"});
        assert_eq!(label(&r), "MedicalLicense MD");
        r.types = Vec::new();
        r.subject = Value::Null;
        assert_eq!(label(&r), "credential");
    }
}
