//! What the engine found out about a presentation: its own checks (syntax, the holder's proof,
//! holder binding, the credentials) and one [`Report`] per credential it carried.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::report::{Check, Report, Verdict};

/// How a presentation was secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PresentationFormat {
    /// A Data Integrity `eddsa-rdfc-2022` presentation.
    EddsaRdfc2022,
    /// A Data Integrity `eddsa-jcs-2022` presentation.
    EddsaJcs2022,
    /// A VC-JOSE-COSE `vp+jwt`.
    VpJwt,
    /// An SD-JWT VC with a key-binding JWT.
    SdJwtKb,
}

impl PresentationFormat {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PresentationFormat::EddsaRdfc2022 => "eddsa-rdfc-2022",
            PresentationFormat::EddsaJcs2022 => "eddsa-jcs-2022",
            PresentationFormat::VpJwt => "vp+jwt",
            PresentationFormat::SdJwtKb => "dc+sd-jwt+kb",
        }
    }
}

impl fmt::Display for PresentationFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PresentationFormat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PresentationFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        [Self::EddsaRdfc2022, Self::EddsaJcs2022, Self::VpJwt, Self::SdJwtKb]
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown presentation format {name:?}")))
    }
}

/// The report on one presentation. Its verdict is [`Verdict::of`] its own checks, among which
/// `credentials` stands for the credentials' verdicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "PresentationFields")]
pub struct PresentationReport {
    /// How the presentation was secured, when it could be detected.
    pub format: Option<PresentationFormat>,
    /// The holder (`holder`, the signing key's DID, or an SD-JWT VC's `sub`), as claimed.
    pub holder: Option<String>,
    /// The verification method (or, for an SD-JWT, the `cnf` key thumbprint) the proof names.
    pub verification_method: Option<String>,
    /// The presentation's own checks, in the order they ran.
    pub checks: Vec<Check>,
    /// One report per credential carried, in order.
    pub credentials: Vec<Report>,
    /// The verdict the checks imply.
    pub verdict: Verdict,
}

#[derive(Deserialize)]
struct PresentationFields {
    format: Option<PresentationFormat>,
    holder: Option<String>,
    verification_method: Option<String>,
    checks: Vec<Check>,
    #[serde(default)]
    credentials: Vec<Report>,
}

impl From<PresentationFields> for PresentationReport {
    fn from(f: PresentationFields) -> Self {
        let mut r = PresentationReport::new(f.checks, f.credentials);
        r.format = f.format;
        r.holder = f.holder;
        r.verification_method = f.verification_method;
        r
    }
}

impl PresentationReport {
    /// A report of `checks` and `credentials`, about a presentation not described further (yet).
    pub fn new(checks: Vec<Check>, credentials: Vec<Report>) -> Self {
        let verdict = Verdict::of(&checks);
        Self { format: None, holder: None, verification_method: None, checks, credentials, verdict }
    }

    /// The counted checks that failed or could not run.
    pub fn problems(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.advisory && c.outcome.reason().is_some())
    }
}
