//! The generator: makes every case and control (deterministically: seeded keys, seeded SD-JWT
//! salts, the fixed clock), then either writes them to `cases/`, `controls/` and
//! `manifest.json`, or compares them with what is committed.

use std::collections::BTreeMap;
use std::path::Path;

use medcred_verifier::CheckName::Syntax;

use super::generated::Generated;
use super::manifest::{fails, generated_case, to_text, Case, Kind, Manifest};
use super::worlds::WorldName::Board;
use super::{credentials, dir, presentations, regressions, status};

/// A case and its committed bytes (empty for a generated input).
pub(crate) type Made = (Case, Vec<u8>);

/// The folders the generator owns.
const FOLDERS: [&str; 2] = ["cases", "controls"];

/// The cases whose input the test makes.
fn generated() -> Vec<Case> {
    let big = "bytes; at most 1048576 are accepted";
    let deep = "nests deeper than 64 levels";
    let g =
        |name, input, kind, what, reason| generated_case(name, Some(input), kind, Board, what, fails(Syntax, reason));
    vec![
        g("ten_mib_credential", Generated::TenMibCredential, Kind::Credential, "a 10 MiB credential body", big),
        g("ten_mib_presentation", Generated::TenMibPresentation, Kind::Presentation, "a 10 MiB presentation body", big),
        g(
            "deep_1000_credential",
            Generated::Deep1000Credential,
            Kind::Credential,
            "a credential whose subject nests 1,000 objects deep",
            deep,
        ),
        g(
            "deep_1000_presentation",
            Generated::Deep1000Presentation,
            Kind::Presentation,
            "a presentation whose verifiableCredential nests 1,000 arrays deep",
            deep,
        ),
        g(
            "deep_1000_jwt_payload",
            Generated::Deep1000JwtPayload,
            Kind::Credential,
            "a vc+jwt whose base64url payload nests 1,000 objects deep",
            deep,
        ),
    ]
}

/// Everything the generator makes: the manifest and the bytes of each committed file.
pub(crate) async fn make() -> (Manifest, BTreeMap<String, Vec<u8>>) {
    let mut cases: Vec<Made> = Vec::new();
    cases.extend(credentials::tampered().await);
    cases.extend(credentials::untrusted_or_out_of_date().await);
    cases.extend(status::cases().await);
    cases.extend(presentations::cases().await);
    cases.extend(credentials::disclosures().await);
    cases.extend(credentials::malformed().await);
    cases.extend(regressions::cases().await);
    let mut controls: Vec<Made> = Vec::new();
    controls.extend(credentials::controls().await);
    controls.extend(status::controls().await);
    controls.extend(presentations::controls().await);

    let mut files = BTreeMap::new();
    for (case, bytes) in cases.iter().chain(&controls) {
        let file = case.file.clone().expect("a committed case names its file");
        assert!(files.insert(file.clone(), bytes.clone()).is_none(), "two cases write {file}");
    }
    let mut all: Vec<Case> = cases.into_iter().map(|(c, _)| c).collect();
    all.extend(generated());
    let manifest = Manifest {
        about: "The adversarial corpus of medcred-verifier: see README.md in this folder.".into(),
        cases: all,
        controls: controls.into_iter().map(|(c, _)| c).collect(),
    };
    (manifest, files)
}

/// The files now in the generator's folders, by path relative to the corpus folder.
pub(crate) fn committed() -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for folder in FOLDERS {
        let Ok(entries) = std::fs::read_dir(dir().join(folder)) else { continue };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).expect("a UTF-8 file name").to_owned();
            out.insert(format!("{folder}/{name}"), std::fs::read(&path).expect("readable"));
        }
    }
    out
}

/// Write `bytes` to `path` through a temporary file and a rename, so that a reader never sees
/// half a file.
fn write_atomically(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

/// Rewrite the corpus: every file the generator makes, the manifest, and no stale file.
pub(crate) async fn write() {
    let (manifest, files) = make().await;
    for folder in FOLDERS {
        std::fs::create_dir_all(dir().join(folder)).expect("mkdir");
    }
    for stale in committed().keys().filter(|k| !files.contains_key(*k)) {
        std::fs::remove_file(dir().join(stale)).expect("remove a stale file");
    }
    for (file, bytes) in &files {
        write_atomically(&dir().join(file), bytes);
    }
    write_atomically(&dir().join("manifest.json"), to_text(&manifest).as_bytes());
}
