//! The verification report: named checks, each with an outcome, and the verdict they imply.
//!
//! "Could not check" is kept apart from "checked and bad" (DESIGN.md, Verification): the verdict
//! is [`Verdict::Invalid`] if any check failed, else [`Verdict::CouldNotCheck`] if any check could
//! not run, else [`Verdict::Valid`]. [`Report::new`] computes the verdict from the checks, and
//! deserializing a report recomputes it (a verdict read from JSON is ignored).

use std::fmt;

use chrono::{DateTime, Utc};
use medcred_formats::Format;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckName {
    /// The input is a well-formed credential in a supported format, naming its issuer and key.
    Syntax,
    /// The proof or signature verifies with the issuer's key.
    Proof,
    /// The signing key is the issuer's: controlled by the `issuer` DID and listed under its
    /// `assertionMethod` (ssi does not check this).
    IssuerBinding,
    /// Now (give or take the allowed clock skew) lies within `validFrom`/`validUntil` (`nbf`/`exp`).
    ValidityPeriod,
    /// The issuer is accredited for this credential type and jurisdiction in the trust list.
    IssuerTrust,
    /// Revocation or suspension status.
    Status,
    /// The credential type's own rules: required fields present and well-formed.
    Schema,
    /// A presentation is bound to its holder and to this request: signed with a key under the
    /// holder's `authentication`, the verifier's challenge (nonce) and domain (audience), and
    /// each credential about the holder (or bound to the holder's key).
    HolderBinding,
    /// Every credential a presentation carries verified.
    Credentials,
    /// The presentation answers the verifier's DCQL query (OpenID4VP 1.0 §6, §8.6): the right
    /// format and type, every asked claim disclosed. Added by the OpenID4VP response handler,
    /// not by the engine.
    Dcql,
}

impl CheckName {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Syntax => "syntax",
            CheckName::Proof => "proof",
            CheckName::IssuerBinding => "issuer_binding",
            CheckName::ValidityPeriod => "validity_period",
            CheckName::IssuerTrust => "issuer_trust",
            CheckName::Status => "status",
            CheckName::Schema => "schema",
            CheckName::HolderBinding => "holder_binding",
            CheckName::Credentials => "credentials",
            CheckName::Dcql => "dcql",
        }
    }
}

impl fmt::Display for CheckName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Checked, and it holds.
    Passed,
    /// Checked, and it does not hold: the credential must not be accepted.
    Failed {
        /// Why, for a human.
        reason: String,
    },
    /// The check could not run (a DID could not be resolved, a feature is missing...): the
    /// credential is neither accepted nor proven bad.
    CouldNotCheck {
        /// What was missing, for a human.
        reason: String,
    },
    /// Nothing to check (e.g. a credential without a status entry).
    NotApplicable,
}

impl Outcome {
    /// [`Outcome::Failed`] with `reason`.
    pub fn failed(reason: impl Into<String>) -> Self {
        Outcome::Failed { reason: reason.into() }
    }

    /// [`Outcome::CouldNotCheck`] with `reason`.
    pub fn could_not_check(reason: impl Into<String>) -> Self {
        Outcome::CouldNotCheck { reason: reason.into() }
    }

    /// The reason, for the outcomes that have one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Failed { reason } | Outcome::CouldNotCheck { reason } => Some(reason),
            Outcome::Passed | Outcome::NotApplicable => None,
        }
    }
}

/// One named check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What was checked.
    pub name: CheckName,
    /// How it went.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// What was looked at, for a human: e.g. for a passed status check, the lists, indexes and
    /// ledger checkpoint, or a warning that a dangerous option was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// An advisory check is reported (as a warning when it did not pass) but does not count
    /// toward the verdict: e.g. issuer trust on the generic VC-API endpoint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub advisory: bool,
}

impl Check {
    /// A check named `name` with `outcome`.
    pub fn new(name: CheckName, outcome: Outcome) -> Self {
        Self { name, outcome, detail: None, advisory: false }
    }

    /// The same check, reported but not counted toward the verdict.
    pub fn advisory(self) -> Self {
        Self { advisory: true, ..self }
    }

    /// The same check with `detail` (none when `detail` is `None`).
    pub fn with_detail(self, detail: Option<String>) -> Self {
        Self { detail, ..self }
    }
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed or did not apply.
    Valid,
    /// At least one check failed.
    Invalid,
    /// No check failed, but at least one could not run.
    CouldNotCheck,
}

impl Verdict {
    /// The verdict `checks` imply.
    /// Advisory checks do not count.
    pub fn of(checks: &[Check]) -> Self {
        let counted = || checks.iter().filter(|c| !c.advisory);
        if counted().any(|c| matches!(c.outcome, Outcome::Failed { .. })) {
            Verdict::Invalid
        } else if counted().next().is_none() || counted().any(|c| matches!(c.outcome, Outcome::CouldNotCheck { .. })) {
            // No checks at all means nothing was verified: never "valid".
            Verdict::CouldNotCheck
        } else {
            Verdict::Valid
        }
    }
}

/// What the engine found out about one credential.
///
/// `issuer`, `verification_method` and `types` are what the credential *claims*, reported even
/// when a check fails; `subject` is filled only from a credential whose proof verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ReportFields")]
pub struct Report {
    /// The securing format, when it could be detected.
    #[serde(with = "format_name")]
    pub format: Option<Format>,
    /// Whether the input was a JSON `EnvelopedVerifiableCredential` around a compact credential.
    pub enveloped: bool,
    /// The issuer DID the credential names (`issuer`, `issuer.id` or `iss`).
    pub issuer: Option<String>,
    /// The verification method (DID URL) the proof names.
    pub verification_method: Option<String>,
    /// The credential types (`type`; for SD-JWT VC, the `vct`).
    pub types: Vec<String>,
    /// The subject claims (`credentialSubject`, or the disclosed SD-JWT VC claims), or null.
    pub subject: Value,
    /// The credential's own id (`id`, or `jti` for the JWT formats), from a verified credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The end of the credential's validity (the earliest of `validUntil` and `exp`), from a
    /// verified credential: what monitoring warns about before it comes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<Utc>>,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// The verdict the checks imply ([`Verdict::of`]), computed by [`Report::new`].
    pub verdict: Verdict,
}

/// Everything but the verdict, as read from JSON (the verdict is recomputed).
#[derive(Deserialize)]
struct ReportFields {
    #[serde(with = "format_name")]
    format: Option<Format>,
    #[serde(default)]
    enveloped: bool,
    issuer: Option<String>,
    verification_method: Option<String>,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    subject: Value,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    valid_until: Option<DateTime<Utc>>,
    checks: Vec<Check>,
}

impl From<ReportFields> for Report {
    fn from(f: ReportFields) -> Self {
        let mut r = Report::new(f.checks);
        r.format = f.format;
        r.enveloped = f.enveloped;
        r.issuer = f.issuer;
        r.verification_method = f.verification_method;
        r.types = f.types;
        r.subject = f.subject;
        r.id = f.id;
        r.valid_until = f.valid_until;
        r
    }
}

impl Report {
    /// A report of `checks` about a credential not described further (yet).
    pub fn new(checks: Vec<Check>) -> Self {
        let verdict = Verdict::of(&checks);
        Self {
            format: None,
            enveloped: false,
            issuer: None,
            verification_method: None,
            types: Vec::new(),
            subject: Value::Null,
            id: None,
            valid_until: None,
            checks,
            verdict,
        }
    }

    /// The outcome of the check named `name`, if it is in the report.
    pub fn outcome(&self, name: CheckName) -> Option<&Outcome> {
        self.checks.iter().find(|c| c.name == name).map(|c| &c.outcome)
    }

    /// The counted checks that failed or could not run: the reasons behind a verdict other than
    /// valid.
    pub fn problems(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.advisory && c.outcome.reason().is_some())
    }

    /// The advisory checks that did not pass: warnings that do not change the verdict.
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.advisory && c.outcome.reason().is_some())
    }
}

/// `Option<Format>` as its name (`"vc+jwt"`...) or null.
mod format_name {
    use medcred_formats::Format;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(f: &Option<Format>, s: S) -> Result<S::Ok, S::Error> {
        match f {
            Some(f) => s.serialize_str(f.as_str()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Format>, D::Error> {
        Option::<String>::deserialize(d)?.map(|s| s.parse().map_err(serde::de::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(name: CheckName, outcome: Outcome) -> Check {
        Check::new(name, outcome)
    }

    #[test]
    fn verdict_prefers_failed_over_could_not_check_over_valid() {
        let passed = check(CheckName::Proof, Outcome::Passed);
        let na = check(CheckName::Status, Outcome::NotApplicable);
        let cnc = check(CheckName::Status, Outcome::could_not_check("offline"));
        let failed = check(CheckName::ValidityPeriod, Outcome::failed("expired"));
        assert_eq!(Verdict::of(&[passed.clone(), na.clone()]), Verdict::Valid);
        assert_eq!(Verdict::of(&[passed.clone(), cnc.clone()]), Verdict::CouldNotCheck);
        assert_eq!(Verdict::of(&[cnc, failed, passed]), Verdict::Invalid);
        assert_eq!(Verdict::of(&[na]), Verdict::Valid);
        assert_eq!(Verdict::of(&[]), Verdict::CouldNotCheck);
    }

    #[test]
    fn advisory_checks_do_not_count() {
        let passed = check(CheckName::Proof, Outcome::Passed);
        let untrusted = check(CheckName::IssuerTrust, Outcome::failed("not listed")).advisory();
        assert_eq!(Verdict::of(&[passed.clone(), untrusted.clone()]), Verdict::Valid);
        assert_eq!(
            Verdict::of(std::slice::from_ref(&untrusted)),
            Verdict::CouldNotCheck,
            "nothing counted was checked"
        );
        let r = Report::new(vec![passed, untrusted]);
        assert_eq!((r.problems().count(), r.warnings().count()), (0, 1));
        let v = serde_json::to_value(&r.checks[1]).expect("serialize");
        assert_eq!(v["advisory"], true);
        assert_eq!(serde_json::from_value::<Check>(v).expect("deserialize"), r.checks[1]);
    }

    #[test]
    fn serializes_snake_case_with_flat_outcomes() {
        let mut r = Report::new(vec![
            check(CheckName::Syntax, Outcome::Passed),
            check(CheckName::IssuerBinding, Outcome::failed("other DID")),
            check(CheckName::Status, Outcome::could_not_check("offline")),
            check(CheckName::ValidityPeriod, Outcome::NotApplicable),
        ]);
        r.format = Some(Format::SdJwtVc);
        let v = serde_json::to_value(&r).expect("serialize");
        assert_eq!(v["format"], "dc+sd-jwt");
        assert_eq!(v["verdict"], "invalid");
        assert_eq!(
            v["checks"],
            json!([
                {"name": "syntax", "outcome": "passed"},
                {"name": "issuer_binding", "outcome": "failed", "reason": "other DID"},
                {"name": "status", "outcome": "could_not_check", "reason": "offline"},
                {"name": "validity_period", "outcome": "not_applicable"}
            ])
        );
        let back: Report = serde_json::from_value(v).expect("deserialize");
        assert_eq!(back, r);
    }

    #[test]
    fn a_detail_is_serialized_only_when_there_is_one() {
        let with = check(CheckName::Status, Outcome::Passed).with_detail(Some("list L index 4".into()));
        let v = serde_json::to_value(&with).expect("serialize");
        assert_eq!(v, json!({"name": "status", "outcome": "passed", "detail": "list L index 4"}));
        assert_eq!(serde_json::from_value::<Check>(v).expect("deserialize"), with);
        let without = serde_json::to_value(check(CheckName::Status, Outcome::Passed)).expect("serialize");
        assert_eq!(without, json!({"name": "status", "outcome": "passed"}));
    }

    #[test]
    fn deserializing_recomputes_the_verdict() {
        let forged = json!({
            "format": null, "issuer": null, "verification_method": null,
            "checks": [{"name": "proof", "outcome": "failed", "reason": "bad"}],
            "verdict": "valid"
        });
        let r: Report = serde_json::from_value(forged).expect("deserialize");
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(r.problems().count(), 1);
    }
}
