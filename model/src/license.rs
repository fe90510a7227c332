//! The claims of a `MedicalLicenseCredential`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::vocab::{Jurisdiction, LicenseType, Npi};

/// Longest practitioner name, specialty or restriction text accepted.
pub const MAX_NAME: usize = 200;
/// Longest license number accepted.
pub const MAX_LICENSE_NUMBER: usize = 64;
/// Most restrictions / encumbrances on one license.
pub const MAX_RESTRICTIONS: usize = 20;
/// Longest single restriction text.
pub const MAX_RESTRICTION: usize = 500;

/// What a board attests about a licensed practitioner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseClaims {
    /// Full name as on the license.
    pub practitioner_name: String,
    /// Controlled-vocabulary license type.
    pub license_type: LicenseType,
    /// The board's license number (letters, digits, `-`, `.`, `/`).
    pub license_number: String,
    /// ISO 3166-2 jurisdiction of the license.
    pub jurisdiction: Jurisdiction,
    /// Date the license was first issued (before renewals).
    pub original_issue_date: NaiveDate,
    /// Specialty or scope of practice.
    pub specialty: Option<String>,
    /// Restrictions or encumbrances (empty when unrestricted).
    pub restrictions: Vec<String>,
    /// National Provider Identifier, when known.
    pub npi: Option<Npi>,
    /// Whether the license carries a Nurse Licensure Compact multistate privilege.
    pub multistate_privilege: bool,
}

/// Characters allowed in a license number.
pub(crate) fn license_number_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_LICENSE_NUMBER
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/'))
}
