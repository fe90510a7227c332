//! Controlled vocabularies and constrained values: license types, ISO 3166-2 jurisdictions, NPIs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::FieldError;

macro_rules! license_types {
    ($($variant:ident => $code:literal, $label:literal, $nurse:literal;)*) => {
        /// A license type from medcred's controlled vocabulary (US credential abbreviations).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum LicenseType { $( #[doc = $label] $variant, )* }

        impl LicenseType {
            /// Every license type, in vocabulary order.
            pub const ALL: &'static [LicenseType] = &[$(LicenseType::$variant,)*];

            /// The code used in credentials, e.g. `RN`.
            pub fn code(self) -> &'static str { match self { $(LicenseType::$variant => $code,)* } }

            /// A human label, e.g. `Registered Nurse`.
            pub fn label(self) -> &'static str { match self { $(LicenseType::$variant => $label,)* } }

            /// Whether the Nurse Licensure Compact can grant a multistate privilege for it.
            pub fn nurse_compact_eligible(self) -> bool { match self { $(LicenseType::$variant => $nurse,)* } }
        }

        impl FromStr for LicenseType {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, FieldError> {
                match s.trim() {
                    $($code => Ok(LicenseType::$variant),)*
                    other => Err(FieldError::new(
                        "credentialSubject.licenseType",
                        "unknown_license_type",
                        format!("unknown license type {other:?}; expected one of {}",
                            [$($code),*].join(", ")),
                    )),
                }
            }
        }
    };
}

license_types! {
    Rn => "RN", "Registered Nurse", true;
    Lpn => "LPN", "Licensed Practical Nurse", true;
    Lvn => "LVN", "Licensed Vocational Nurse", true;
    Aprn => "APRN", "Advanced Practice Registered Nurse", false;
    Np => "NP", "Nurse Practitioner", false;
    Crna => "CRNA", "Certified Registered Nurse Anesthetist", false;
    Cnm => "CNM", "Certified Nurse-Midwife", false;
    Md => "MD", "Doctor of Medicine", false;
    Do => "DO", "Doctor of Osteopathic Medicine", false;
    Pa => "PA", "Physician Assistant", false;
    PharmD => "PharmD", "Pharmacist (Doctor of Pharmacy)", false;
    Rph => "RPh", "Registered Pharmacist", false;
    Dds => "DDS", "Doctor of Dental Surgery", false;
    Dmd => "DMD", "Doctor of Dental Medicine", false;
    Dpm => "DPM", "Doctor of Podiatric Medicine", false;
    Pt => "PT", "Physical Therapist", false;
    Ot => "OT", "Occupational Therapist", false;
    Rrt => "RRT", "Registered Respiratory Therapist", false;
    Emt => "EMT", "Emergency Medical Technician", false;
    Paramedic => "Paramedic", "Paramedic", false;
}

impl fmt::Display for LicenseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for LicenseType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for LicenseType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e: FieldError| serde::de::Error::custom(e.message))
    }
}

/// An ISO 3166-2 subdivision code such as `US-NJ`: a two-letter country, a hyphen, and one to three
/// letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jurisdiction(String);

impl Jurisdiction {
    /// The code, e.g. `US-NJ`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The country part, e.g. `US`.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

impl FromStr for Jurisdiction {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        let err = || {
            FieldError::new(
                "credentialSubject.jurisdiction",
                "malformed_jurisdiction",
                format!("{s:?} is not an ISO 3166-2 subdivision code like US-NJ"),
            )
        };
        let (country, sub) = s.split_once('-').ok_or_else(err)?;
        let country_ok = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
        let sub_ok = (1..=3).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if country_ok && sub_ok {
            Ok(Jurisdiction(s.to_owned()))
        } else {
            Err(err())
        }
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Jurisdiction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Jurisdiction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|e: FieldError| serde::de::Error::custom(e.message))
    }
}

/// A US National Provider Identifier: ten digits whose last is a Luhn check digit computed over
/// the prefix 80840 and the first nine digits (CMS NPI check digit rule).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Npi(String);

impl Npi {
    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(*d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl FromStr for Npi {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        let err = |why: &str| FieldError::new("credentialSubject.npi", "malformed_npi", format!("NPI {s:?} {why}"));
        if s.len() != 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("must be exactly ten digits"));
        }
        let mut digits: Vec<u8> = b"80840".iter().map(|b| b - b'0').collect();
        digits.extend(s.bytes().map(|b| b - b'0'));
        if luhn_valid(&digits) {
            Ok(Npi(s.to_owned()))
        } else {
            Err(err("fails its check digit"))
        }
    }
}

impl Serialize for Npi {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl fmt::Display for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_types_round_trip_and_reject_unknown() {
        for t in LicenseType::ALL {
            assert_eq!(t.code().parse::<LicenseType>().expect("parses"), *t);
        }
        let e = "Witch Doctor".parse::<LicenseType>().expect_err("unknown");
        assert_eq!(e.code, "unknown_license_type");
        assert_eq!(e.field, "credentialSubject.licenseType");
    }

    #[test]
    fn jurisdictions() {
        assert_eq!("US-NJ".parse::<Jurisdiction>().expect("ok").country(), "US");
        assert!("GB-LND".parse::<Jurisdiction>().is_ok());
        for bad in ["NJ", "us-nj", "US-", "US-ABCD", "USA-NJ", "US_NJ", "", "US-N J"] {
            assert!(bad.parse::<Jurisdiction>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn npi_check_digit() {
        // 1234567893 is the example NPI CMS uses to explain the check digit.
        assert!("1234567893".parse::<Npi>().is_ok());
        assert_eq!("1234567890".parse::<Npi>().expect_err("bad digit").code, "malformed_npi");
        assert!("123456789".parse::<Npi>().is_err());
        assert!("12345678a3".parse::<Npi>().is_err());
    }
}
