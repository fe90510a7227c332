//! `manifest.json`: one entry per case (and per control), naming its input, the world it is
//! verified in, and the check, outcome and verdict it must end in.

use medcred_verifier::{CheckName, Outcome, Verdict};
use serde::{Deserialize, Serialize};

use super::generated::Generated;
use super::worlds::WorldName;

/// The whole catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    /// A pointer to the README, for a reader who opens the manifest first.
    pub(crate) about: String,
    /// Bad inputs: none may verify valid, except the one reinstated credential.
    pub(crate) cases: Vec<Case>,
    /// Good inputs in the same worlds: each must verify valid (they show the worlds work, so a
    /// case fails for its own flaw; they also seed the fuzzer).
    pub(crate) controls: Vec<Case>,
}

/// Whether the input is a credential or a presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// Verified with `verify_credential_with`.
    Credential,
    /// Verified with `verify_presentation` against the request in [`super::worlds`].
    Presentation,
}

/// The outcome a case's check must have (its reason is matched separately).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Expected {
    /// Checked and it holds (the reinstated case and the controls).
    Passed,
    /// Checked and it does not hold.
    Failed,
    /// The check could not run.
    CouldNotCheck,
}

impl Expected {
    /// Whether `outcome` is this one.
    pub(crate) fn matches(self, outcome: &Outcome) -> bool {
        matches!(
            (self, outcome),
            (Expected::Passed, Outcome::Passed)
                | (Expected::Failed, Outcome::Failed { .. })
                | (Expected::CouldNotCheck, Outcome::CouldNotCheck { .. })
        )
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Case {
    /// A unique snake_case name.
    pub(crate) name: String,
    /// The committed input, relative to `verifier/tests/corpus` (absent for a generated one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) file: Option<String>,
    /// The input the test makes itself, for inputs too big to commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) generated: Option<Generated>,
    /// `false` for a file that is deliberately not UTF-8 (read lossily, see `corpus.rs`).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub(crate) utf8: bool,
    /// Credential or presentation.
    pub(crate) kind: Kind,
    /// The verifier's world: DID documents, status lists, trust list.
    pub(crate) world: WorldName,
    /// What the input is, for a human.
    pub(crate) what: String,
    /// The check that catches it.
    pub(crate) check: CheckName,
    /// That check's outcome.
    pub(crate) outcome: Expected,
    /// Text the check's reason must contain (absent for a pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    /// The overall verdict.
    pub(crate) verdict: Verdict,
    /// An open engine bug: today the input panics the engine, so the test expects that panic
    /// (and fails once it is gone, asking for this field to be removed). `check`, `outcome` and
    /// `verdict` say what it must end in once fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) known_panic: Option<String>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// What a case must end in: the check, its outcome and reason, and the verdict.
#[derive(Debug, Clone)]
pub(crate) struct Expect {
    check: CheckName,
    outcome: Expected,
    reason: Option<&'static str>,
    verdict: Verdict,
}

/// `check` failed, with a reason containing `reason`: invalid.
pub(crate) fn fails(check: CheckName, reason: &'static str) -> Expect {
    Expect { check, outcome: Expected::Failed, reason: Some(reason), verdict: Verdict::Invalid }
}

/// `check` could not run, with a reason containing `reason`: could not check.
pub(crate) fn unchecked(check: CheckName, reason: &'static str) -> Expect {
    Expect { check, outcome: Expected::CouldNotCheck, reason: Some(reason), verdict: Verdict::CouldNotCheck }
}

/// `check` passed: valid.
pub(crate) fn passes(check: CheckName) -> Expect {
    Expect { check, outcome: Expected::Passed, reason: None, verdict: Verdict::Valid }
}

/// A case whose input is committed as `<folder>/<name>.<ext>`.
pub(crate) fn filed(folder: &str, name: &str, ext: &str, kind: Kind, world: WorldName, what: &str, e: Expect) -> Case {
    let mut case = generated_case(name, None, kind, world, what, e);
    case.file = Some(format!("{folder}/{name}.{ext}"));
    case
}

/// A case whose input the test makes (`generated`), or none yet (`None`, set by [`filed`]).
pub(crate) fn generated_case(
    name: &str,
    generated: Option<Generated>,
    kind: Kind,
    world: WorldName,
    what: &str,
    e: Expect,
) -> Case {
    Case {
        name: name.into(),
        file: None,
        generated,
        utf8: true,
        kind,
        world,
        what: what.into(),
        check: e.check,
        outcome: e.outcome,
        reason: e.reason.map(str::to_owned),
        verdict: e.verdict,
        known_panic: None,
    }
}

/// The committed manifest.
pub(crate) fn read() -> Manifest {
    let path = super::dir().join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .expect("tests/corpus/manifest.json (regenerate with MEDCRED_REGENERATE_CORPUS=1)");
    serde_json::from_str(&text).expect("a well-formed manifest")
}

/// The manifest as committed: pretty JSON with a final newline.
pub(crate) fn to_text(m: &Manifest) -> String {
    let mut text = serde_json::to_string_pretty(m).expect("serializable");
    text.push('\n');
    text
}
