//! Credential configurations (OpenID4VCI 1.0 §12.2.4, Appendix A): one per credential type and
//! format — `dc+sd-jwt` (SD-JWT VC, bound with `cnf.jwk`), `ldp_vc` (Data Integrity
//! eddsa-rdfc-2022) and `jwt_vc_json` (VC-JOSE-COSE `vc+jwt`), the W3C two bound through
//! `credentialSubject.id` — and the claim names each carries. Pure.

use medcred_formats::Format;
use medcred_model::context::{CONTEXT_URL, VC_V2};
use medcred_model::CredentialKind;

/// One entry of `credential_configurations_supported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Configuration {
    /// The `credential_configuration_id`.
    pub id: &'static str,
    /// The credential type.
    pub kind: CredentialKind,
    /// How it is secured.
    pub format: Format,
}

/// Every configuration this issuer offers, in metadata order.
pub const CONFIGURATIONS: [Configuration; 6] = [
    Configuration { id: "MedicalLicenseCredential_dc+sd-jwt", kind: CredentialKind::License, format: Format::SdJwtVc },
    Configuration {
        id: "MedicalLicenseCredential_ldp_vc",
        kind: CredentialKind::License,
        format: Format::EddsaRdfc2022,
    },
    Configuration { id: "MedicalLicenseCredential_jwt_vc_json", kind: CredentialKind::License, format: Format::VcJwt },
    Configuration { id: "PatientIdentityCredential_dc+sd-jwt", kind: CredentialKind::Patient, format: Format::SdJwtVc },
    Configuration {
        id: "PatientIdentityCredential_ldp_vc",
        kind: CredentialKind::Patient,
        format: Format::EddsaRdfc2022,
    },
    Configuration { id: "PatientIdentityCredential_jwt_vc_json", kind: CredentialKind::Patient, format: Format::VcJwt },
];

/// The OpenID4VCI Credential Format Identifier of a securing format (Appendix A), for the three
/// formats that have one; eddsa-jcs-2022 has no OpenID4VCI profile (`ldp_vc` requires RDF
/// canonicalization).
pub fn oid4vci_format(format: Format) -> Option<&'static str> {
    match format {
        Format::SdJwtVc => Some("dc+sd-jwt"),
        Format::EddsaRdfc2022 => Some("ldp_vc"),
        Format::VcJwt => Some("jwt_vc_json"),
        Format::EddsaJcs2022 => None,
    }
}

/// The securing format named by an OpenID4VCI format identifier or by medcred's own name.
pub fn format_named(name: &str) -> Option<Format> {
    match name {
        "dc+sd-jwt" => Some(Format::SdJwtVc),
        "ldp_vc" | "eddsa-rdfc-2022" => Some(Format::EddsaRdfc2022),
        "jwt_vc_json" | "vc+jwt" => Some(Format::VcJwt),
        _ => None,
    }
}

/// The configuration with this id.
pub fn configuration(id: &str) -> Option<Configuration> {
    CONFIGURATIONS.into_iter().find(|c| c.id == id)
}

/// The configuration for a type and a format.
pub fn configuration_for(kind: CredentialKind, format: Format) -> Option<Configuration> {
    CONFIGURATIONS.into_iter().find(|c| c.kind == kind && c.format == format)
}

/// A claim as each format names it, with its display label.
#[derive(Debug, Clone, Copy)]
pub struct ClaimName {
    /// The `credentialSubject` member (W3C formats).
    pub w3c: &'static str,
    /// The path in the SD-JWT VC claims.
    pub sd_jwt: &'static [&'static str],
    /// English display name.
    pub label: &'static str,
    /// Whether every credential of the type carries it.
    pub mandatory: bool,
}

const fn claim(w3c: &'static str, sd_jwt: &'static [&'static str], label: &'static str, mandatory: bool) -> ClaimName {
    ClaimName { w3c, sd_jwt, label, mandatory }
}

/// License claims (`medcred_model::document` writes them).
pub const LICENSE_CLAIMS: &[ClaimName] = &[
    claim("practitionerName", &["name"], "Practitioner name", true),
    claim("licenseType", &["license_type"], "License type", true),
    claim("licenseNumber", &["license_number"], "License number", true),
    claim("jurisdiction", &["jurisdiction"], "Jurisdiction", true),
    claim("originalIssueDate", &["original_issue_date"], "Original issue date", true),
    claim("specialty", &["specialty"], "Specialty", false),
    claim("restrictions", &["restrictions"], "Restrictions", true),
    claim("npi", &["npi"], "NPI", false),
    claim("multistatePrivilege", &["multistate_privilege"], "Multistate privilege (Nurse Licensure Compact)", true),
];

/// Patient identity claims; the age flags are derived by the issuer from the birth date.
pub const PATIENT_CLAIMS: &[ClaimName] = &[
    claim("givenName", &["given_name"], "Given name", true),
    claim("familyName", &["family_name"], "Family name", true),
    claim("birthDate", &["birthdate"], "Date of birth", true),
    claim("patientIdentifier", &["patient_identifier"], "Patient identifier", true),
    claim("portrait", &["picture"], "Portrait", false),
    claim("ageOver18", &["age_equal_or_over", "18"], "Age 18 or over", true),
    claim("ageOver21", &["age_equal_or_over", "21"], "Age 21 or over", true),
    claim("ageOver65", &["age_equal_or_over", "65"], "Age 65 or over", true),
];

/// The claims of a credential type.
pub fn claims_of(kind: CredentialKind) -> &'static [ClaimName] {
    match kind {
        CredentialKind::License => LICENSE_CLAIMS,
        CredentialKind::Patient => PATIENT_CLAIMS,
    }
}

/// English display name and description of a credential type.
pub fn display_of(kind: CredentialKind) -> (&'static str, &'static str) {
    match kind {
        CredentialKind::License => (
            "Medical license",
            "A professional license issued by a licensing board, with its status on the board's ledger",
        ),
        CredentialKind::Patient => {
            ("Patient identity", "A patient's identity; the holder may disclose only what is asked, e.g. age over 18")
        }
    }
}

/// The `@context` of the W3C credentials.
pub fn w3c_context() -> [&'static str; 2] {
    [VC_V2, CONTEXT_URL]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_name_type_and_format() {
        for c in CONFIGURATIONS {
            assert_eq!(CONFIGURATIONS.iter().filter(|o| o.id == c.id).count(), 1);
            let f = oid4vci_format(c.format).expect("offered formats have an identifier");
            assert_eq!(c.id, format!("{}_{f}", c.kind.type_name()));
            assert_eq!(configuration(c.id), Some(c));
            assert_eq!(configuration_for(c.kind, c.format), Some(c));
            assert_eq!(format_named(f), Some(c.format));
        }
        assert_eq!(configuration_for(CredentialKind::License, Format::EddsaJcs2022), None);
        assert_eq!(configuration("MedicalLicenseCredential"), None);
        assert_eq!(format_named("eddsa-jcs-2022"), None);
    }
}
