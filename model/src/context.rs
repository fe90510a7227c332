//! JSON-LD contexts the credentials use. The medcred context ships inside the binary and is served
//! by the app at [`CONTEXT_PATH`]; nothing is fetched from the network to sign or verify.

/// The W3C VC Data Model 2.0 base context.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// The stable identifier of the medcred context (used as the `@context` value in credentials).
pub const CONTEXT_URL: &str = "https://medcred.org/ns/credentials/v1";

/// Where the app serves the same document.
pub const CONTEXT_PATH: &str = "/ns/credentials/v1";

/// The medcred context document itself.
pub const CONTEXT_JSON: &str = include_str!("../contexts/medcred-v1.jsonld");

/// SD-JWT VC type identifiers (`vct`).
pub const VCT_LICENSE: &str = "https://medcred.org/vct/MedicalLicense";
/// SD-JWT VC type identifier for patient identity.
pub const VCT_PATIENT: &str = "https://medcred.org/vct/PatientIdentity";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_json_with_every_term_protected() {
        let v: serde_json::Value = serde_json::from_str(CONTEXT_JSON).expect("context parses");
        let ctx = &v["@context"];
        assert_eq!(ctx["@protected"], true);
        for term in ["MedicalLicenseCredential", "PatientIdentityCredential", "licenseType", "ageOver18"] {
            assert!(ctx.get(term).is_some(), "context misses {term}");
        }
    }
}
