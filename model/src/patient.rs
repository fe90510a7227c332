//! The claims of a `PatientIdentityCredential`, and the portrait image it may carry.

use base64::Engine;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::error::FieldError;

/// Largest portrait accepted, decoded (a front-desk comparison photo, not a print).
pub const MAX_PORTRAIT_BYTES: usize = 64 * 1024;
/// Longest patient identifier.
pub const MAX_PATIENT_ID: usize = 64;
/// Ages that get an `ageOverNN` boolean.
pub const AGE_THRESHOLDS: [u32; 3] = [18, 21, 65];

/// What an issuer attests about a patient's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientClaims {
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// The issuer's identifier for the patient (e.g. an MRN).
    pub patient_identifier: String,
    /// Optional small photo.
    pub portrait: Option<Portrait>,
}

impl PatientClaims {
    /// Whole years of age on `on`.
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        let mut years = on.year() - self.birth_date.year();
        if (on.month(), on.day()) < (self.birth_date.month(), self.birth_date.day()) {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }

    /// `(threshold, age >= threshold)` for each of [`AGE_THRESHOLDS`], as of `on`.
    pub fn age_flags(&self, on: NaiveDate) -> [(u32, bool); 3] {
        let age = self.age_on(on);
        AGE_THRESHOLDS.map(|t| (t, age >= t))
    }
}

/// A portrait image as a `data:` URL, checked for media type and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Portrait {
    data_url: String,
}

impl Portrait {
    /// Parse `data:image/(jpeg|png|webp);base64,...`, at most [`MAX_PORTRAIT_BYTES`] decoded, and
    /// check that the bytes start with that format's signature.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        const FIELD: &str = "credentialSubject.portrait";
        let err = |code, msg: String| FieldError::new(FIELD, code, msg);
        if s.len() > MAX_PORTRAIT_BYTES * 4 / 3 + 64 {
            return Err(err(
                "portrait_too_large",
                format!("portrait is larger than {} KiB", MAX_PORTRAIT_BYTES / 1024),
            ));
        }
        let rest =
            s.strip_prefix("data:").ok_or_else(|| err("malformed_portrait", "portrait must be a data: URL".into()))?;
        let (mime, b64) = rest
            .split_once(";base64,")
            .ok_or_else(|| err("malformed_portrait", "portrait must be a base64 data: URL".into()))?;
        let magic: &[u8] = match mime {
            "image/jpeg" => &[0xFF, 0xD8, 0xFF],
            "image/png" => b"\x89PNG",
            "image/webp" => b"RIFF",
            other => {
                return Err(err(
                    "unsupported_portrait_type",
                    format!("portrait type {other:?} is not image/jpeg, image/png or image/webp"),
                ))
            }
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| err("malformed_portrait", "portrait is not valid base64".into()))?;
        if bytes.len() > MAX_PORTRAIT_BYTES {
            return Err(err(
                "portrait_too_large",
                format!("portrait is larger than {} KiB", MAX_PORTRAIT_BYTES / 1024),
            ));
        }
        if !bytes.starts_with(magic) {
            return Err(err("malformed_portrait", format!("portrait bytes are not a {mime} image")));
        }
        Ok(Portrait { data_url: s.to_owned() })
    }

    /// The data URL.
    pub fn as_str(&self) -> &str {
        &self.data_url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient(birth: &str) -> PatientClaims {
        PatientClaims {
            given_name: "Ada".into(),
            family_name: "Lovelace".into(),
            birth_date: birth.parse().expect("date"),
            patient_identifier: "MRN-1".into(),
            portrait: None,
        }
    }

    #[test]
    fn age_counts_whole_years() {
        let p = patient("2008-06-15");
        assert_eq!(p.age_on("2026-06-14".parse().expect("d")), 17);
        assert_eq!(p.age_on("2026-06-15".parse().expect("d")), 18);
        assert_eq!(p.age_flags("2026-06-15".parse().expect("d")), [(18, true), (21, false), (65, false)]);
    }

    #[test]
    fn portrait_checks_type_size_and_magic() {
        let png = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\nrest")
        );
        assert!(Portrait::parse(&png).is_ok());
        assert_eq!(Portrait::parse("data:image/gif;base64,R0lG").expect_err("gif").code, "unsupported_portrait_type");
        assert_eq!(Portrait::parse("data:image/png;base64,!!!").expect_err("b64").code, "malformed_portrait");
        let fake =
            format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(b"not a jpeg"));
        assert_eq!(Portrait::parse(&fake).expect_err("magic").code, "malformed_portrait");
        let big =
            format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(vec![0x89u8; 70_000]));
        assert_eq!(Portrait::parse(&big).expect_err("big").code, "portrait_too_large");
    }
}
