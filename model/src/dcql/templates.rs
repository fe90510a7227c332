//! What hospitals ask for most, as DCQL: an active RN license (any US state), any practitioner
//! license, a patient's name and date of birth (with the portrait when the credential has one),
//! and age over 18. Each can be asked in any of the three formats medcred issues; the SD-JWT VC
//! form discloses only the claims named here. "Active" is the verifier's status check, not a
//! claim.

use serde_json::{json, Value};

use super::error::DcqlError;
use super::query::{DcqlQuery, FORMAT_JWT_VC_JSON, FORMAT_LDP_VC, FORMAT_SD_JWT};
use crate::context::{VCT_LICENSE, VCT_PATIENT};
use crate::dcql::expand_type;

/// US states, DC and the territories (ISO 3166-2:US): "any US state".
pub const US_JURISDICTIONS: [&str; 56] = [
    "US-AL", "US-AK", "US-AZ", "US-AR", "US-CA", "US-CO", "US-CT", "US-DE", "US-FL", "US-GA", "US-HI", "US-ID",
    "US-IL", "US-IN", "US-IA", "US-KS", "US-KY", "US-LA", "US-ME", "US-MD", "US-MA", "US-MI", "US-MN", "US-MS",
    "US-MO", "US-MT", "US-NE", "US-NV", "US-NH", "US-NJ", "US-NM", "US-NY", "US-NC", "US-ND", "US-OH", "US-OK",
    "US-OR", "US-PA", "US-RI", "US-SC", "US-SD", "US-TN", "US-TX", "US-UT", "US-VT", "US-VA", "US-WA", "US-WV",
    "US-WI", "US-WY", "US-DC", "US-AS", "US-GU", "US-MP", "US-PR", "US-VI",
];

/// A request template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// An active registered nurse license from any US jurisdiction.
    RnLicense,
    /// Any active practitioner license.
    PractitionerLicense,
    /// A patient's name and date of birth, and the portrait if the credential has one.
    PatientIdentity,
    /// Proof that a patient is 18 or over, nothing else.
    AgeOver18,
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 4] =
        [Template::RnLicense, Template::PractitionerLicense, Template::PatientIdentity, Template::AgeOver18];

    /// The name used in APIs.
    pub fn name(self) -> &'static str {
        match self {
            Template::RnLicense => "rn_license",
            Template::PractitionerLicense => "practitioner_license",
            Template::PatientIdentity => "patient_identity",
            Template::AgeOver18 => "age_over_18",
        }
    }

    /// The template named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// For people.
    pub fn title(self) -> &'static str {
        match self {
            Template::RnLicense => "Active RN license (any US state)",
            Template::PractitionerLicense => "Any active practitioner license",
            Template::PatientIdentity => "Patient name and date of birth (and portrait if present)",
            Template::AgeOver18 => "Age over 18",
        }
    }

    /// The default purpose shown to the holder.
    pub fn purpose(self) -> &'static str {
        match self {
            Template::RnLicense | Template::PractitionerLicense => "Primary-source verification of your license",
            Template::PatientIdentity => "Confirming your identity at registration",
            Template::AgeOver18 => "Confirming you are 18 or over",
        }
    }

    /// The DCQL query in `format` (`dc+sd-jwt`, `ldp_vc` or `jwt_vc_json`).
    pub fn query(self, format: &str) -> Result<DcqlQuery, DcqlError> {
        let sd = format == FORMAT_SD_JWT;
        if !matches!(format, FORMAT_SD_JWT | FORMAT_LDP_VC | FORMAT_JWT_VC_JSON) {
            return Err(DcqlError::Invalid {
                at: "format".into(),
                why: format!("{format:?} is not a supported format"),
            });
        }
        // A claim by its SD-JWT VC path and its W3C credentialSubject member.
        let claim = |sd_path: &[&str], w3c: &str| -> Value {
            if sd {
                json!(sd_path)
            } else {
                json!(["credentialSubject", w3c])
            }
        };
        let (id, kind, claims, claim_sets) = match self {
            Template::RnLicense | Template::PractitionerLicense => {
                let mut claims = vec![
                    json!({"id": "name", "path": claim(&["name"], "practitionerName")}),
                    json!({"id": "license_type", "path": claim(&["license_type"], "licenseType")}),
                    json!({"id": "license_number", "path": claim(&["license_number"], "licenseNumber")}),
                    json!({"id": "jurisdiction", "path": claim(&["jurisdiction"], "jurisdiction")}),
                ];
                if self == Template::RnLicense {
                    claims[1]["values"] = json!(["RN"]);
                    claims[3]["values"] = json!(US_JURISDICTIONS.as_slice());
                }
                ("license", "MedicalLicenseCredential", claims, None)
            }
            Template::PatientIdentity => (
                "patient",
                "PatientIdentityCredential",
                vec![
                    json!({"id": "given_name", "path": claim(&["given_name"], "givenName")}),
                    json!({"id": "family_name", "path": claim(&["family_name"], "familyName")}),
                    json!({"id": "birthdate", "path": claim(&["birthdate"], "birthDate")}),
                    json!({"id": "portrait", "path": claim(&["picture"], "portrait")}),
                ],
                Some(json!([
                    ["given_name", "family_name", "birthdate", "portrait"],
                    ["given_name", "family_name", "birthdate"]
                ])),
            ),
            Template::AgeOver18 => (
                "age",
                "PatientIdentityCredential",
                vec![
                    json!({"id": "age_over_18", "path": claim(&["age_equal_or_over", "18"], "ageOver18"), "values": [true]}),
                ],
                None,
            ),
        };
        let meta = if sd {
            let vct = if kind == "MedicalLicenseCredential" { VCT_LICENSE } else { VCT_PATIENT };
            json!({"vct_values": [vct]})
        } else {
            json!({"type_values": [[expand_type("VerifiableCredential"), expand_type(kind)]]})
        };
        let mut cq = json!({"id": id, "format": format, "meta": meta, "claims": claims});
        if let Some(sets) = claim_sets {
            cq["claim_sets"] = sets;
        }
        DcqlQuery::from_json(&json!({"credentials": [cq]}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dcql::{check_answer, Holding};

    #[test]
    fn every_template_is_a_valid_query_in_every_format() {
        for t in Template::ALL {
            assert_eq!(Template::from_name(t.name()), Some(t));
            for f in [FORMAT_SD_JWT, FORMAT_LDP_VC, FORMAT_JWT_VC_JSON] {
                let q = t.query(f).expect("valid");
                assert_eq!(q.credentials.len(), 1);
                assert_eq!(DcqlQuery::from_json(&q.to_json()).expect("round trip"), q);
            }
        }
        assert!(Template::AgeOver18.query("mso_mdoc").is_err());
    }

    #[test]
    fn the_age_template_asks_for_the_flag_only() {
        let q = Template::AgeOver18.query(FORMAT_SD_JWT).expect("q");
        let cq = &q.credentials[0];
        let types = vec![VCT_PATIENT.to_owned()];
        let over = json!({"age_equal_or_over": {"18": true, "21": true}, "given_name": "Ada"});
        let a = check_answer(cq, &Holding { format: FORMAT_SD_JWT, types: &types, claims: &over, disclosed: None });
        assert_eq!(a.requested, ["/age_equal_or_over/18"]);
        let under = json!({"age_equal_or_over": {"18": false}});
        assert!(!check_answer(cq, &Holding { format: FORMAT_SD_JWT, types: &types, claims: &under, disclosed: None })
            .is_ok());
    }

    #[test]
    fn rn_template_refuses_other_license_types() {
        let q = Template::RnLicense.query(FORMAT_LDP_VC).expect("q");
        let types = vec!["VerifiableCredential".to_owned(), "MedicalLicenseCredential".to_owned()];
        let vc = |t: &str| json!({"credentialSubject": {"practitionerName": "G", "licenseType": t, "licenseNumber": "1", "jurisdiction": "US-NJ"}});
        let (rn, md) = (vc("RN"), vc("MD"));
        assert!(check_answer(
            &q.credentials[0],
            &Holding { format: FORMAT_LDP_VC, types: &types, claims: &rn, disclosed: None }
        )
        .is_ok());
        assert!(!check_answer(
            &q.credentials[0],
            &Holding { format: FORMAT_LDP_VC, types: &types, claims: &md, disclosed: None }
        )
        .is_ok());
    }
}
