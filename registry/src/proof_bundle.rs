//! C2SP tlog-proof v1 (c2sp.org/tlog-proof): an offline-verifiable proof that data is in the log,
//! seen by witnesses — header `c2sp.org/tlog-proof@v1`, optional `extra <base64>`, `index <n>`, the
//! inclusion path as base64 lines, an empty line, then the (cosigned) checkpoint note verbatim.
//!
//! What follows the spec and what is ours:
//! - The text format is exactly the spec's; nothing is added to it. [`ProofBundle::parse`] is
//!   strict (canonical decimals and base64, at most [`MAX_PATH_LINES`] path lines, a well-formed
//!   checkpoint note) and [`ProofBundle::to_bytes`] writes the same bytes back.
//! - Ours: the meaning of `extra`. The spec leaves it application-defined and unauthenticated
//!   ("additional data necessary to reconstruct the record hash"). In medcred it carries the
//!   leaf data itself (the snapshot leaf bytes), and [`verify`] authenticates it: its RFC 9162
//!   leaf hash must be proven at `index` in the checkpoint's tree. A bundle without `extra` does
//!   not verify here ([`BundleError::MissingLeafData`]).
//! - Ours: the verification policy, `k` of `n` witness cosignatures ([`WitnessPolicy`]).

use std::fmt::Write as _;

use crate::checkpoint::{Checkpoint, CheckpointError, VerifiedCheckpoint};
use crate::merkle::{verify_inclusion, Hash, ProofError};
use crate::note::{Note, VerifiedSignature, VerifierKey};
use crate::witness::text;
use crate::witness::{QuorumError, WitnessPolicy};

/// The first line of every proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Largest proof [`ProofBundle::parse`] accepts (a checkpoint note may take 1 MiB).
pub const MAX_BUNDLE_SIZE: usize = 2 << 20;
/// Most inclusion path lines: a tree of fewer than 2^64 leaves needs at most 64.
pub const MAX_PATH_LINES: usize = 64;

/// Why bytes are not a well-formed tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleParseError {
    /// Larger than [`MAX_BUNDLE_SIZE`].
    #[error("proof has {0} bytes, more than the limit")]
    TooLarge(usize),
    /// Not UTF-8.
    #[error("proof is not valid UTF-8")]
    NotUtf8,
    /// The first line is not [`HEADER`].
    #[error("proof does not start with {HEADER}")]
    Header,
    /// The `extra` line is not `extra <canonical base64>`.
    #[error("malformed extra line")]
    ExtraLine,
    /// The index line is not `index <decimal without leading zeroes>`.
    #[error("malformed index line")]
    IndexLine,
    /// An inclusion path line is not one hash in canonical base64 (lines counted from 1).
    #[error("malformed inclusion path line {0}")]
    PathLine(usize),
    /// More than [`MAX_PATH_LINES`] path lines.
    #[error("more than {MAX_PATH_LINES} inclusion path lines")]
    TooManyPathLines,
    /// No empty line after the path, so no checkpoint.
    #[error("no empty line before the checkpoint")]
    MissingCheckpoint,
    /// The checkpoint is not a well-formed signed note with a checkpoint body.
    #[error("malformed checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
}

/// A well-formed tlog-proof; nothing in it is trusted until [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofBundle {
    extra: Option<Vec<u8>>,
    index: u64,
    path: Vec<Hash>,
    checkpoint: Vec<u8>,
}

impl ProofBundle {
    /// A proof of entry `index` with its inclusion `path` in the tree of `checkpoint` (log side),
    /// without extra data.
    pub fn new(index: u64, path: Vec<Hash>, checkpoint: &Note) -> Result<ProofBundle, BundleParseError> {
        ProofBundle { extra: None, index, path, checkpoint: checkpoint.to_bytes() }.checked()
    }

    /// The same proof carrying `extra` (in medcred: the leaf data).
    pub fn with_extra(self, extra: Vec<u8>) -> Result<ProofBundle, BundleParseError> {
        ProofBundle { extra: Some(extra), ..self }.checked()
    }

    /// Formats and parses back, so that a built proof obeys the parser's limits.
    fn checked(self) -> Result<ProofBundle, BundleParseError> {
        ProofBundle::parse(&self.to_bytes())
    }

    /// Parses a proof strictly.
    pub fn parse(bytes: &[u8]) -> Result<ProofBundle, BundleParseError> {
        if bytes.len() > MAX_BUNDLE_SIZE {
            return Err(BundleParseError::TooLarge(bytes.len()));
        }
        let all = std::str::from_utf8(bytes).map_err(|_| BundleParseError::NotUtf8)?;
        let mut lines = Lines(all);
        if lines.next() != Some(HEADER) {
            return Err(BundleParseError::Header);
        }
        let mut line = lines.next().ok_or(BundleParseError::IndexLine)?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = Some(text::base64(b64).ok_or(BundleParseError::ExtraLine)?);
            line = lines.next().ok_or(BundleParseError::IndexLine)?;
        }
        let index = line.strip_prefix("index ").and_then(text::decimal).ok_or(BundleParseError::IndexLine)?;
        let mut path = Vec::new();
        loop {
            let line = lines.next().ok_or(BundleParseError::MissingCheckpoint)?;
            if line.is_empty() {
                break;
            }
            if path.len() == MAX_PATH_LINES {
                return Err(BundleParseError::TooManyPathLines);
            }
            path.push(text::hash(line).ok_or(BundleParseError::PathLine(path.len() + 1))?);
        }
        let checkpoint = lines.0.as_bytes();
        let note = Note::parse(checkpoint).map_err(CheckpointError::from)?;
        Checkpoint::parse_body(note.text())?;
        Ok(ProofBundle { extra, index, path, checkpoint: checkpoint.to_vec() })
    }

    /// The proof text.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            let _ = writeln!(out, "extra {}", text::to_base64(extra));
        }
        let _ = writeln!(out, "index {}", self.index);
        for h in &self.path {
            let _ = writeln!(out, "{}", h.to_base64());
        }
        out.push('\n');
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.checkpoint);
        bytes
    }

    /// The unauthenticated extra data, if any.
    pub fn extra(&self) -> Option<&[u8]> {
        self.extra.as_deref()
    }

    /// The claimed index of the entry.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The claimed inclusion path, leaf side first.
    pub fn path(&self) -> &[Hash] {
        &self.path
    }

    /// The checkpoint note, verbatim.
    pub fn checkpoint_bytes(&self) -> &[u8] {
        &self.checkpoint
    }
}

/// Newline-terminated lines; what is left after the last one taken stays in `.0`.
struct Lines<'a>(&'a str);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (line, rest) = self.0.split_once('\n')?;
        self.0 = rest;
        Some(line)
    }
}

/// Why a proof does not show its leaf data in a log checkpoint cosigned per policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The checkpoint is not signed by the log key, is from another origin, or is malformed.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The witness cosignatures do not satisfy the policy.
    #[error("witnesses: {0}")]
    Quorum(#[from] QuorumError),
    /// The proof carries no `extra` line, so no leaf data to check.
    #[error("proof carries no leaf data")]
    MissingLeafData,
    /// The leaf data is not at the index in the checkpoint's tree.
    #[error("inclusion proof: {0}")]
    Inclusion(#[from] ProofError),
}

/// A proof that passed [`verify`]: only `verify` makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBundle {
    checkpoint: VerifiedCheckpoint,
    index: u64,
    leaf_data: Vec<u8>,
    cosigners: Vec<VerifiedSignature>,
}

impl VerifiedBundle {
    /// The log-signed checkpoint.
    pub fn checkpoint(&self) -> &VerifiedCheckpoint {
        &self.checkpoint
    }

    /// The index of the leaf in the log.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The leaf data, proven at [`VerifiedBundle::index`].
    pub fn leaf_data(&self) -> &[u8] {
        &self.leaf_data
    }

    /// The policy witnesses that cosigned, with their cosignature times.
    pub fn cosigners(&self) -> &[VerifiedSignature] {
        &self.cosigners
    }

    /// How many of those cosigned at or after POSIX time `time` (for a freshness policy).
    pub fn cosigned_since(&self, time: u64) -> usize {
        self.cosigners.iter().filter(|c| c.timestamp.is_some_and(|t| t >= time)).count()
    }
}

/// Verifies a proof: the checkpoint is signed by `log_key` for `origin`, cosigned by enough
/// policy witnesses, and its tree has the leaf hash of the `extra` data at `index`.
pub fn verify(
    bundle: &ProofBundle,
    origin: &str,
    log_key: &VerifierKey,
    policy: &WitnessPolicy,
) -> Result<VerifiedBundle, BundleError> {
    let checkpoint = VerifiedCheckpoint::open(bundle.checkpoint_bytes(), origin, log_key)?;
    let cosigners = policy.check(&checkpoint)?;
    let leaf_data = bundle.extra().ok_or(BundleError::MissingLeafData)?;
    let cp = checkpoint.checkpoint();
    verify_inclusion(&Hash::leaf(leaf_data), bundle.index(), cp.size(), bundle.path(), cp.root())?;
    Ok(VerifiedBundle { checkpoint, index: bundle.index(), leaf_data: leaf_data.to_vec(), cosigners })
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::merkle::MemoryTree;
    use crate::note::{Cosigner, KeyName, NoteSigner};

    const ORIGIN: &str = "registry.board-a.example/log";

    fn log() -> NoteSigner {
        NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[1; 32]))
    }

    fn witness(seed: u8) -> Cosigner {
        Cosigner::new(KeyName::new(format!("w{seed}.example")).expect("valid"), SigningKey::from_bytes(&[seed; 32]))
    }

    fn leaf(i: u64) -> Vec<u8> {
        format!("snapshot {i}").into_bytes()
    }

    /// A 13-leaf log whose checkpoint is cosigned by witnesses 2 and 3 (not 4, who is unknown).
    fn fixture(index: u64, cosigners: &[u8]) -> (ProofBundle, WitnessPolicy) {
        let mut tree = MemoryTree::new();
        for i in 0..13 {
            tree.append_data(&leaf(i));
        }
        let mut note = Checkpoint::new(ORIGIN, 13, tree.root()).expect("valid").sign(&log()).expect("small");
        for &seed in cosigners {
            let sig = witness(seed).cosign(&note, 1_700_000_000 + u64::from(seed)).expect("in range");
            note.push_signature(sig);
        }
        let path = tree.prove_inclusion(index, 13).expect("in tree").path;
        let bundle = ProofBundle::new(index, path, &note).expect("valid").with_extra(leaf(index)).expect("small");
        let policy = WitnessPolicy::new(2, vec![witness(2).verifier_key(), witness(3).verifier_key()]).expect("valid");
        (bundle, policy)
    }

    fn check(bundle: &ProofBundle, policy: &WitnessPolicy) -> Result<VerifiedBundle, BundleError> {
        verify(bundle, ORIGIN, &log().verifier_key(), policy)
    }

    #[test]
    fn valid_bundle_round_trips_and_verifies() {
        let (bundle, policy) = fixture(6, &[2, 3, 4]);
        let text = String::from_utf8(bundle.to_bytes()).expect("text");
        assert!(text.starts_with(&format!("c2sp.org/tlog-proof@v1\nextra {}\nindex 6\n", text::to_base64(&leaf(6)))));
        assert_eq!(ProofBundle::parse(text.as_bytes()), Ok(bundle.clone()));
        let v = check(&bundle, &policy).expect("valid");
        assert_eq!((v.index(), v.leaf_data()), (6, &leaf(6)[..]));
        assert_eq!(v.checkpoint().checkpoint().size(), 13);
        // the unknown witness 4 is not counted
        let names: Vec<&str> = v.cosigners().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["w2.example", "w3.example"]);
        assert_eq!(v.cosigned_since(1_700_000_003), 1);
    }

    #[test]
    fn tampering_is_detected() {
        let (bundle, policy) = fixture(6, &[2, 3]);
        let tampered = bundle.clone().with_extra(leaf(7)).expect("small");
        assert_eq!(check(&tampered, &policy).err(), Some(BundleError::Inclusion(ProofError::RootMismatch)));

        let mut wrong_index = bundle.clone();
        wrong_index.index = 7;
        assert!(matches!(check(&wrong_index, &policy), Err(BundleError::Inclusion(_))));
        wrong_index.index = 13;
        let out_of_range = ProofError::IndexOutOfRange { index: 13, size: 13 };
        assert_eq!(check(&wrong_index, &policy).err(), Some(BundleError::Inclusion(out_of_range)));

        let mut no_data = bundle.clone();
        no_data.extra = None;
        assert_eq!(check(&no_data, &policy).err(), Some(BundleError::MissingLeafData));

        let other_log = NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[8; 32]));
        let e = verify(&bundle, ORIGIN, &other_log.verifier_key(), &policy).expect_err("wrong key");
        assert!(matches!(e, BundleError::Checkpoint(CheckpointError::Signature(_))));
        let e = verify(&bundle, "other.example/log", &log().verifier_key(), &policy).expect_err("wrong origin");
        assert!(matches!(e, BundleError::Checkpoint(CheckpointError::OriginMismatch { .. })));
    }

    #[test]
    fn under_cosigned_bundles_fail_the_policy() {
        let (bundle, policy) = fixture(0, &[2, 4]);
        assert_eq!(
            check(&bundle, &policy).err(),
            Some(BundleError::Quorum(QuorumError::TooFewCosignatures { required: 2, valid: 1 }))
        );
        let one = WitnessPolicy::new(1, policy.witnesses().to_vec()).expect("valid");
        assert!(check(&bundle, &one).is_ok());
    }

    #[test]
    fn malformed_text_is_rejected() {
        let (bundle, _) = fixture(6, &[2]);
        let good = String::from_utf8(bundle.to_bytes()).expect("text");
        let (head, cp) = good.split_once("\n\n").expect("has a checkpoint");
        let lines: Vec<&str> = head.lines().collect();
        let h = lines[3];
        use BundleParseError::*;
        let cases: Vec<(String, BundleParseError)> = vec![
            (String::new(), Header),
            (format!("c2sp.org/tlog-proof@v2\nindex 0\n\n{cp}"), Header),
            (format!("c2sp.org/tlog-proof@v1 \nindex 0\n\n{cp}"), Header),
            ("c2sp.org/tlog-proof@v1\n".to_owned(), IndexLine),
            (format!("{HEADER}\nextra YR==\nindex 0\n\n{cp}"), ExtraLine),
            (format!("{HEADER}\nextra YQ\nindex 0\n\n{cp}"), ExtraLine),
            (format!("{HEADER}\nindex 0\nextra YQ==\n\n{cp}"), PathLine(1)),
            (format!("{HEADER}\nextra YQ==\nextra YQ==\nindex 0\n\n{cp}"), IndexLine),
            (format!("{HEADER}\nindex 00\n\n{cp}"), IndexLine),
            (format!("{HEADER}\nindex -1\n\n{cp}"), IndexLine),
            (format!("{HEADER}\nindex  1\n\n{cp}"), IndexLine),
            (format!("{HEADER}\nIndex 1\n\n{cp}"), IndexLine),
            (format!("{HEADER}\nindex 1\n{h}\n{h}x\n\n{cp}"), PathLine(2)),
            (format!("{HEADER}\nindex 1\n{}\n{cp}", format!("{h}\n").repeat(65)), TooManyPathLines),
            (format!("{HEADER}\nindex 1\n{h}\n"), MissingCheckpoint),
            (format!("{HEADER}\nindex 1\n{h}"), MissingCheckpoint),
            (format!("{HEADER}\nindex 1\n\n"), Checkpoint(CheckpointError::Note(crate::note::NoteError::NoSignatures))),
            (format!("{HEADER}\r\nindex 1\n\n{cp}"), Header),
        ];
        for (text, want) in cases {
            assert_eq!(ProofBundle::parse(text.as_bytes()), Err(want), "{text:?}");
        }
        assert_eq!(ProofBundle::parse(b"\xff"), Err(NotUtf8));
        assert_eq!(ProofBundle::parse(&vec![b'a'; MAX_BUNDLE_SIZE + 1]), Err(TooLarge(MAX_BUNDLE_SIZE + 1)));
        // the spec's example proof lines, on our checkpoint, parse
        let spec = format!(
            "{HEADER}\nextra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\nindex 73894\n\
             gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\nB95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n\
             EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\nRoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n\
             AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n\n{cp}"
        );
        let parsed = ProofBundle::parse(spec.as_bytes()).expect("well-formed");
        assert_eq!((parsed.index(), parsed.path().len()), (73_894, 5));
        assert_eq!(parsed.to_bytes(), spec.as_bytes());
    }
}
