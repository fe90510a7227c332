//! Turning checked claims into the unsigned documents each format signs: a VC Data Model 2.0
//! credential for the W3C formats, and SD-JWT VC claims with the list of disclosable ones.

use serde_json::{json, Map, Value};

use crate::context::{CONTEXT_URL, VCT_LICENSE, VCT_PATIENT, VC_V2};
use crate::request::{xsd_date_time, Claims, IssueRequest};

/// The two credential types medcred issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// `MedicalLicenseCredential`.
    License,
    /// `PatientIdentityCredential`.
    Patient,
}

impl CredentialKind {
    /// The VC `type` name.
    pub fn type_name(self) -> &'static str {
        match self {
            CredentialKind::License => "MedicalLicenseCredential",
            CredentialKind::Patient => "PatientIdentityCredential",
        }
    }

    /// The SD-JWT VC `vct`.
    pub fn vct(self) -> &'static str {
        match self {
            CredentialKind::License => VCT_LICENSE,
            CredentialKind::Patient => VCT_PATIENT,
        }
    }

    /// Short name used in storage and URLs.
    pub fn short(self) -> &'static str {
        match self {
            CredentialKind::License => "license",
            CredentialKind::Patient => "patient",
        }
    }

    /// The kind whose VC `type` name is `name`.
    pub fn from_type_name(name: &str) -> Option<Self> {
        [CredentialKind::License, CredentialKind::Patient].into_iter().find(|k| k.type_name() == name)
    }

    /// The kind whose short name is `name`.
    pub fn from_short(name: &str) -> Option<Self> {
        [CredentialKind::License, CredentialKind::Patient].into_iter().find(|k| k.short() == name)
    }
}

/// The issuing board as credentials name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerRef {
    /// The board's DID.
    pub id: String,
    /// The board's display name.
    pub name: String,
}

/// The `credentialSubject` claims in W3C (camelCase) form, in a fixed order.
fn w3c_subject(req: &IssueRequest) -> Map<String, Value> {
    let mut s = Map::new();
    if let Some(h) = &req.holder {
        s.insert("id".into(), json!(h.as_str()));
    }
    match &req.claims {
        Claims::License(l) => {
            s.insert("type".into(), json!("LicensedPractitioner"));
            s.insert("practitionerName".into(), json!(l.practitioner_name));
            s.insert("licenseType".into(), json!(l.license_type.code()));
            s.insert("licenseNumber".into(), json!(l.license_number));
            s.insert("jurisdiction".into(), json!(l.jurisdiction.as_str()));
            s.insert("originalIssueDate".into(), json!(l.original_issue_date.to_string()));
            if let Some(sp) = &l.specialty {
                s.insert("specialty".into(), json!(sp));
            }
            s.insert("restrictions".into(), json!(l.restrictions));
            if let Some(npi) = &l.npi {
                s.insert("npi".into(), json!(npi.as_str()));
            }
            s.insert("multistatePrivilege".into(), json!(l.multistate_privilege));
        }
        Claims::Patient(p) => {
            s.insert("type".into(), json!("Patient"));
            s.insert("givenName".into(), json!(p.given_name));
            s.insert("familyName".into(), json!(p.family_name));
            s.insert("birthDate".into(), json!(p.birth_date.to_string()));
            s.insert("patientIdentifier".into(), json!(p.patient_identifier));
            if let Some(portrait) = &p.portrait {
                s.insert("portrait".into(), json!(portrait.as_str()));
            }
            for (age, over) in p.age_flags(req.valid_from.date_naive()) {
                s.insert(format!("ageOver{age}"), json!(over));
            }
        }
    }
    s
}

/// The unsigned VC Data Model 2.0 credential (for eddsa-rdfc-2022, eddsa-jcs-2022 and vc+jwt).
pub fn w3c_credential(req: &IssueRequest, id: &str, issuer: &IssuerRef) -> Value {
    let mut vc = Map::new();
    vc.insert("@context".into(), json!([VC_V2, CONTEXT_URL]));
    vc.insert("id".into(), json!(id));
    vc.insert("type".into(), json!(["VerifiableCredential", req.claims.kind().type_name()]));
    vc.insert("issuer".into(), json!({"id": issuer.id, "name": issuer.name}));
    vc.insert("validFrom".into(), json!(xsd_date_time(req.valid_from)));
    if let Some(until) = req.valid_until {
        vc.insert("validUntil".into(), json!(xsd_date_time(until)));
    }
    vc.insert("credentialSubject".into(), Value::Object(w3c_subject(req)));
    Value::Object(vc)
}

/// SD-JWT VC claims: the payload before concealment, and JSON pointers of every claim the holder
/// may disclose on its own (every subject claim; each age threshold separately).
pub fn sd_jwt_claims(req: &IssueRequest, id: &str, issuer: &IssuerRef) -> (Map<String, Value>, Vec<String>) {
    let mut c = Map::new();
    c.insert("iss".into(), json!(issuer.id));
    c.insert("vct".into(), json!(req.claims.kind().vct()));
    c.insert("jti".into(), json!(id));
    c.insert("iat".into(), json!(req.valid_from.timestamp()));
    c.insert("nbf".into(), json!(req.valid_from.timestamp()));
    if let Some(until) = req.valid_until {
        c.insert("exp".into(), json!(until.timestamp()));
    }
    if let Some(h) = &req.holder {
        c.insert("sub".into(), json!(h.as_str()));
    }
    let mut disclosable = Vec::new();
    let mut put = |c: &mut Map<String, Value>, k: &str, v: Value| {
        disclosable.push(format!("/{k}"));
        c.insert(k.into(), v);
    };
    match &req.claims {
        Claims::License(l) => {
            put(&mut c, "name", json!(l.practitioner_name));
            put(&mut c, "license_type", json!(l.license_type.code()));
            put(&mut c, "license_number", json!(l.license_number));
            put(&mut c, "jurisdiction", json!(l.jurisdiction.as_str()));
            put(&mut c, "original_issue_date", json!(l.original_issue_date.to_string()));
            if let Some(sp) = &l.specialty {
                put(&mut c, "specialty", json!(sp));
            }
            put(&mut c, "restrictions", json!(l.restrictions));
            if let Some(npi) = &l.npi {
                put(&mut c, "npi", json!(npi.as_str()));
            }
            put(&mut c, "multistate_privilege", json!(l.multistate_privilege));
        }
        Claims::Patient(p) => {
            put(&mut c, "given_name", json!(p.given_name));
            put(&mut c, "family_name", json!(p.family_name));
            put(&mut c, "birthdate", json!(p.birth_date.to_string()));
            put(&mut c, "patient_identifier", json!(p.patient_identifier));
            if let Some(portrait) = &p.portrait {
                put(&mut c, "picture", json!(portrait.as_str()));
            }
            let mut ages = Map::new();
            for (age, over) in p.age_flags(req.valid_from.date_naive()) {
                ages.insert(age.to_string(), json!(over));
                disclosable.push(format!("/age_equal_or_over/{age}"));
            }
            c.insert("age_equal_or_over".into(), Value::Object(ages));
        }
    }
    (c, disclosable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient_request() -> IssueRequest {
        let v = json!({
            "type": ["VerifiableCredential", "PatientIdentityCredential"],
            "validFrom": "2026-03-01T00:00:00Z",
            "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "2000-12-10", "patientIdentifier": "MRN-42"}
        });
        IssueRequest::from_vc_json(&v, "2026-01-01T00:00:00Z".parse().expect("t")).expect("valid")
    }

    #[test]
    fn w3c_document_has_contexts_issuer_and_age_flags() {
        let issuer = IssuerRef { id: "did:web:b.example".into(), name: "Board".into() };
        let vc = w3c_credential(&patient_request(), "urn:uuid:1", &issuer);
        assert_eq!(vc["@context"], json!([VC_V2, CONTEXT_URL]));
        assert_eq!(vc["issuer"]["id"], "did:web:b.example");
        assert_eq!(vc["credentialSubject"]["ageOver18"], true);
        assert_eq!(vc["credentialSubject"]["ageOver21"], true);
        assert_eq!(vc["credentialSubject"]["ageOver65"], false);
        assert!(vc.get("validUntil").is_none());
    }

    #[test]
    fn every_patient_claim_is_disclosable() {
        let issuer = IssuerRef { id: "did:web:b.example".into(), name: "Board".into() };
        let (claims, sd) = sd_jwt_claims(&patient_request(), "urn:uuid:1", &issuer);
        assert_eq!(claims["vct"], VCT_PATIENT);
        for p in ["/given_name", "/family_name", "/birthdate", "/patient_identifier", "/age_equal_or_over/18"] {
            assert!(sd.iter().any(|s| s == p), "{p} not disclosable");
        }
        assert!(!sd.iter().any(|s| s == "/iss" || s == "/vct"));
    }
}
