//! The corpus harness: the manifest's types, the worlds cases are verified in, the inputs made
//! in the test (too big to commit), and the generator that writes `cases/`, `controls/` and
//! `manifest.json`.

pub(crate) mod generate;
pub(crate) mod generated;
pub(crate) mod manifest;
pub(crate) mod worlds;

mod credentials;
mod presentations;
mod regressions;
mod status;

use std::path::PathBuf;

/// The environment variable that makes the corpus test rewrite the committed files.
pub(crate) const REGENERATE: &str = "MEDCRED_REGENERATE_CORPUS";

/// Whether this run rewrites the corpus (`MEDCRED_REGENERATE_CORPUS=1`).
pub(crate) fn regenerating() -> bool {
    std::env::var(REGENERATE).is_ok_and(|v| v == "1")
}

/// `verifier/tests/corpus`.
pub(crate) fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus")
}
