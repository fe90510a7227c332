//! The trust list's content and the accreditation decision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One accredited issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Accreditation {
    /// The issuer's DID, exactly as credentials name it.
    pub did: String,
    /// Display name, e.g. "New Jersey Board of Nursing".
    pub name: String,
    /// Credential types it may issue (e.g. `MedicalLicenseCredential`).
    pub credential_types: Vec<String>,
    /// ISO 3166-2 codes it is accredited for (e.g. `US-NJ`), or `*` for any. A credential without
    /// a jurisdiction (a patient identity) only needs the type.
    pub jurisdictions: Vec<String>,
    /// Accredited from (inclusive), if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime<Utc>>,
    /// Accredited until (exclusive), if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<Utc>>,
}

/// A trust list: who signed it, when, and the accreditations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrustList {
    /// Who keeps the list (a DID or a URL).
    pub iss: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Increases with every new list of this `iss`.
    pub sequence: u64,
    /// The accredited issuers.
    pub entries: Vec<Accreditation>,
}

/// Whether an issuer is accredited for a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustDecision {
    /// Accredited; the board's display name.
    Accredited(String),
    /// The issuer is not on the list at all.
    NotListed,
    /// Listed, but not for this credential type.
    NotForType(String),
    /// Listed, but not for this jurisdiction.
    NotForJurisdiction(String),
    /// Listed, but the accreditation is not in force at this time.
    NotInForce,
}

impl TrustList {
    /// Decide whether `did` is accredited to issue a credential of (one of) `types` for
    /// `jurisdiction` at `now`. Base types (`VerifiableCredential`) are ignored.
    pub fn decide(&self, did: &str, types: &[String], jurisdiction: Option<&str>, now: DateTime<Utc>) -> TrustDecision {
        let listed: Vec<&Accreditation> = self.entries.iter().filter(|e| e.did == did).collect();
        if listed.is_empty() {
            return TrustDecision::NotListed;
        }
        let specific: Vec<&String> = types.iter().filter(|t| t.as_str() != "VerifiableCredential").collect();
        let mut last = TrustDecision::NotListed;
        for entry in listed {
            let in_force =
                entry.valid_from.is_none_or(|from| now >= from) && entry.valid_until.is_none_or(|until| now < until);
            let typed = !specific.is_empty() && specific.iter().all(|t| entry.credential_types.contains(t));
            let placed = match jurisdiction {
                None => true,
                Some(j) => entry.jurisdictions.iter().any(|allowed| allowed == "*" || allowed.eq_ignore_ascii_case(j)),
            };
            last = match (typed, placed, in_force) {
                (true, true, true) => return TrustDecision::Accredited(entry.name.clone()),
                (false, _, _) => {
                    TrustDecision::NotForType(specific.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "))
                }
                (true, false, _) => TrustDecision::NotForJurisdiction(jurisdiction.unwrap_or_default().to_owned()),
                (true, true, false) => TrustDecision::NotInForce,
            };
        }
        last
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn list() -> TrustList {
        TrustList {
            iss: "did:web:federation.example".into(),
            iat: 0,
            exp: i64::MAX,
            sequence: 1,
            entries: vec![
                Accreditation {
                    did: "did:web:nj.example".into(),
                    name: "NJ Board of Nursing".into(),
                    credential_types: vec!["MedicalLicenseCredential".into()],
                    jurisdictions: vec!["US-NJ".into()],
                    valid_from: None,
                    valid_until: Some("2030-01-01T00:00:00Z".parse().unwrap()),
                },
                Accreditation {
                    did: "did:web:hospital-id.example".into(),
                    name: "Patient ID office".into(),
                    credential_types: vec!["PatientIdentityCredential".into()],
                    jurisdictions: vec!["*".into()],
                    valid_from: None,
                    valid_until: None,
                },
            ],
        }
    }

    fn types(t: &str) -> Vec<String> {
        vec!["VerifiableCredential".into(), t.into()]
    }

    #[test]
    fn decisions() {
        let now: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();
        let l = list();
        let lic = types("MedicalLicenseCredential");
        assert_eq!(
            l.decide("did:web:nj.example", &lic, Some("US-NJ"), now),
            TrustDecision::Accredited("NJ Board of Nursing".into())
        );
        assert_eq!(
            l.decide("did:web:nj.example", &lic, Some("US-NY"), now),
            TrustDecision::NotForJurisdiction("US-NY".into())
        );
        assert_eq!(
            l.decide("did:web:nj.example", &types("PatientIdentityCredential"), None, now),
            TrustDecision::NotForType("PatientIdentityCredential".into())
        );
        assert_eq!(l.decide("did:web:other.example", &lic, Some("US-NJ"), now), TrustDecision::NotListed);
        let later: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(l.decide("did:web:nj.example", &lic, Some("US-NJ"), later), TrustDecision::NotInForce);
        assert_eq!(
            l.decide("did:web:hospital-id.example", &types("PatientIdentityCredential"), None, now),
            TrustDecision::Accredited("Patient ID office".into())
        );
        // Only the base type: no specific type to be accredited for.
        assert!(matches!(
            l.decide("did:web:nj.example", &["VerifiableCredential".into()], Some("US-NJ"), now),
            TrustDecision::NotForType(_)
        ));
    }
}
