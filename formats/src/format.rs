//! The securing formats an issuance can ask for.

use std::fmt;
use std::str::FromStr;

/// A securing format, selectable per issuance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Data Integrity, `eddsa-rdfc-2022`.
    EddsaRdfc2022,
    /// Data Integrity, `eddsa-jcs-2022`.
    EddsaJcs2022,
    /// VC-JOSE-COSE compact JWS, `typ: vc+jwt`.
    VcJwt,
    /// IETF SD-JWT VC, `typ: dc+sd-jwt`.
    SdJwtVc,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::EddsaRdfc2022, Format::EddsaJcs2022, Format::VcJwt, Format::SdJwtVc];

    /// The name used in APIs and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Format::EddsaJcs2022 => "eddsa-jcs-2022",
            Format::VcJwt => "vc+jwt",
            Format::SdJwtVc => "dc+sd-jwt",
        }
    }

    /// Whether the secured credential is a JSON object (the Data Integrity formats) rather than a
    /// compact string.
    pub fn is_json(self) -> bool {
        matches!(self, Format::EddsaRdfc2022 | Format::EddsaJcs2022)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown format name.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown format {0:?}; expected eddsa-rdfc-2022, eddsa-jcs-2022, vc+jwt or dc+sd-jwt")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        Format::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}
