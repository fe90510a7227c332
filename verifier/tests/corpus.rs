//! The adversarial corpus (`tests/corpus`): every committed input, verified in the world its
//! manifest entry names, ends in the check, outcome, reason and verdict the entry states; no case
//! is valid but the reinstated credential; nothing panics. `MEDCRED_REGENERATE_CORPUS=1` rewrites
//! the files first (see `tests/corpus/README.md`).

mod common;
#[path = "corpus/harness/mod.rs"]
mod harness;

use std::collections::BTreeSet;

use harness::manifest::{self, Case, Expected, Kind};
use harness::worlds::{self, WorldName};
use medcred_verifier::{CheckName, Verdict};

/// The input of `case`: its committed file or the input it generates.
fn input(case: &Case) -> Result<String, String> {
    let file = match (&case.file, case.generated) {
        (Some(file), None) => file,
        (None, Some(generated)) => return Ok(generated.make()),
        _ => return Err("a case names exactly one of file and generated".into()),
    };
    let bytes = std::fs::read(harness::dir().join(file)).map_err(|e| format!("{file}: {e}"))?;
    match (String::from_utf8(bytes), case.utf8) {
        (Ok(text), true) => Ok(text),
        // The engine takes `&str`, so it never sees these bytes. What this shows: a caller that
        // decodes strictly (`String::from_utf8`) refuses them before the engine (asserted by
        // reaching this arm); a caller that decodes lossily hands the engine U+FFFD in their
        // place, and the case states what the engine then says. It does not show that lossy
        // decoding is safe: it maps many byte sequences to one text, so bytes that differ from
        // the signed ones can decode to the signed text. Callers should refuse non-UTF-8.
        (Err(e), false) => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        (Ok(_), false) => Err(format!("{file} is UTF-8, but the manifest says it is not")),
        (Err(e), true) => Err(format!("{file} is not UTF-8: {e}")),
    }
}

/// Verify `case`; what does not match its manifest entry (with the report), if anything.
async fn run(case: Case) -> Result<(), String> {
    let input = input(&case)?;
    let seen = worlds::verify(case.world, case.kind, &input).await;
    let check = seen.checks.iter().find(|c| c.name == case.check).ok_or_else(|| format!("no {} check", case.check))?;
    let mut wrong = Vec::new();
    if !case.outcome.matches(&check.outcome) {
        wrong.push(format!("{} is {:?}, expected {:?}", case.check, check.outcome, case.outcome));
    }
    let reason = check.outcome.reason().unwrap_or_default();
    if !case.reason.as_deref().is_none_or(|want| reason.contains(want)) {
        wrong.push(format!("the {} reason {reason:?} does not contain {:?}", case.check, case.reason));
    }
    if seen.verdict != case.verdict {
        wrong.push(format!("the verdict is {:?}, expected {:?}", seen.verdict, case.verdict));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", wrong.join("; "), seen.json))
    }
}

#[tokio::test]
async fn every_case_and_control_ends_as_its_manifest_entry_says() {
    if harness::regenerating() {
        harness::generate::write().await;
    }
    let m = manifest::read();
    let (mut problems, mut known) = (Vec::new(), Vec::new());
    for case in m.cases.iter().chain(&m.controls) {
        let name = case.name.clone();
        // One task per case: a panic is reported under the case's name instead of ending the run.
        match (tokio::spawn(run(case.clone())).await, &case.known_panic) {
            (Ok(Ok(())), None) => {}
            (Ok(Err(why)), None) => problems.push(format!("{name}: {why}")),
            (Err(e), Some(_)) if e.is_panic() => known.push(name),
            (Err(e), _) => problems.push(format!("{name}: PANICKED: {e}")),
            (Ok(now), Some(_)) => problems.push(format!(
                "{name}: no longer panics; remove its known_panic (tests/corpus/harness/regressions.rs) and \
                 regenerate. It now ends {}",
                now.err().unwrap_or_else(|| "as its entry says".into())
            )),
        }
    }
    if !known.is_empty() {
        eprintln!("open engine bugs (known panics, see manifest.json): {}", known.join(", "));
    }
    let total = m.cases.len() + m.controls.len();
    assert!(problems.is_empty(), "{} of {total} entries:\n\n{}", problems.len(), problems.join("\n\n"));
}

/// The committed manifest, or `None` while another test rewrites the corpus (reading it now would
/// race with the writer; the next ordinary run checks it).
fn committed_manifest() -> Option<manifest::Manifest> {
    (!harness::regenerating()).then(manifest::read)
}

#[test]
fn no_case_is_valid_but_the_reinstated_credential() {
    let Some(m) = committed_manifest() else { return };
    let valid: Vec<&str> = m.cases.iter().filter(|c| c.verdict == Verdict::Valid).map(|c| c.name.as_str()).collect();
    assert_eq!(valid, ["reinstated_vc_jwt"]);
    for c in &m.cases {
        assert_eq!(c.outcome == Expected::Passed, c.verdict == Verdict::Valid, "{}", c.name);
        let named = c.reason.is_some() || c.known_panic.is_some();
        assert!(c.outcome == Expected::Passed || named, "{}: a failure names its reason", c.name);
    }
    for c in &m.controls {
        assert_eq!((c.outcome, c.verdict), (Expected::Passed, Verdict::Valid), "control {}", c.name);
    }
    let names: BTreeSet<&str> = m.cases.iter().chain(&m.controls).map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), m.cases.len() + m.controls.len(), "names are unique");
}

#[test]
fn every_check_is_exercised_by_some_case() {
    let Some(m) = committed_manifest() else { return };
    let caught = |kind: Kind| -> BTreeSet<&str> {
        let bad = m.cases.iter().filter(|c| c.kind == kind && c.outcome != Expected::Passed);
        bad.map(|c| c.check.as_str()).collect()
    };
    let names = |checks: &[CheckName]| -> BTreeSet<&str> { checks.iter().map(|c| c.as_str()).collect() };
    use CheckName::*;
    let credential = names(&[Syntax, IssuerBinding, Proof, IssuerTrust, ValidityPeriod, Status]);
    assert_eq!(caught(Kind::Credential), credential);
    assert_eq!(caught(Kind::Presentation), names(&[Syntax, Proof, HolderBinding, Credentials]));
}

#[tokio::test]
async fn the_reinstated_credential_was_suspended_before() {
    let Some(m) = committed_manifest() else { return };
    let case = m.cases.iter().find(|c| c.verdict == Verdict::Valid).expect("the reinstated case");
    let seen = worlds::verify(WorldName::LedgerSuspended, case.kind, &input(case).expect("input")).await;
    let status = seen.checks.iter().find(|c| c.name == CheckName::Status).expect("status check");
    assert!(status.outcome.reason().is_some_and(|r| r.starts_with("suspended")), "{}", seen.json);
    assert_eq!(seen.verdict, Verdict::Invalid);
}

#[tokio::test]
async fn the_committed_files_are_what_the_generator_makes() {
    if harness::regenerating() {
        return; // The other test rewrites the files; comparing now would race with it.
    }
    let (manifest, files) = harness::generate::make().await;
    let committed = harness::generate::committed();
    let differ: BTreeSet<&String> =
        files.keys().chain(committed.keys()).filter(|k| files.get(*k) != committed.get(*k)).collect();
    let hint = "regenerate with MEDCRED_REGENERATE_CORPUS=1 cargo nextest run -p medcred-verifier --test corpus";
    assert!(differ.is_empty(), "these files differ from the generator's output ({hint}): {differ:?}");
    let text = std::fs::read_to_string(harness::dir().join("manifest.json")).expect("manifest.json");
    assert!(text == manifest::to_text(&manifest), "manifest.json differs from the generator's ({hint})");
}
