//! C2SP tlog-checkpoint v1.0.0 (c2sp.org/tlog-checkpoint): a signed note whose text is the
//! origin, the decimal tree size, the base64 root hash and optional extension lines.

use std::fmt::Write as _;

use crate::merkle::Hash;
use crate::note::{KeyName, Note, NoteError, NoteSigner, SignatureType, VerifiedSignature, VerifierKey, VerifyError};

/// Why a checkpoint is malformed, unsigned or not the expected log's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The bytes are not a well-formed signed note, or the body is not a valid note text.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The log's signature is missing or invalid.
    #[error(transparent)]
    Signature(#[from] VerifyError),
    /// The key given as the log key is not an Ed25519 (type 0x01) key.
    #[error("log key must be an Ed25519 (type 0x01) key")]
    NotALogKey,
    /// The body has fewer than three lines.
    #[error("checkpoint has {0} lines, at least 3 needed")]
    TooFewLines(usize),
    /// A line of the body is empty (lines counted from 1).
    #[error("checkpoint line {0} is empty")]
    EmptyLine(usize),
    /// The origin is empty, or (for a checkpoint we build) not a schema-less name without
    /// spaces, `+` or control characters.
    #[error("invalid checkpoint origin")]
    Origin,
    /// The size line is not a decimal `u64` without leading zeroes.
    #[error("invalid checkpoint tree size")]
    Size,
    /// The root line is not standard base64 of 32 bytes.
    #[error("invalid checkpoint root hash")]
    RootHash,
    /// An extension line to add is empty or contains a newline or control character.
    #[error("invalid checkpoint extension line")]
    Extension,
    /// The checkpoint is from another log.
    #[error("checkpoint origin {found:?} is not the expected {expected:?}")]
    OriginMismatch {
        /// The origin the caller expects.
        expected: String,
        /// The origin in the checkpoint.
        found: String,
    },
}

/// A tree head: which log, how many leaves, which root.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint for our own log. The origin must also be a valid key name (non-empty, no
    /// spaces, `+` or control characters), as the spec recommends.
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Checkpoint, CheckpointError> {
        KeyName::new(origin).map_err(|_| CheckpointError::Origin)?;
        Ok(Checkpoint { origin: origin.to_owned(), size, root, extensions: Vec::new() })
    }

    /// Adds an extension line (NOT RECOMMENDED by the spec: monitors cannot audit them).
    pub fn with_extension(mut self, line: &str) -> Result<Checkpoint, CheckpointError> {
        if line.is_empty() || line.chars().any(char::is_control) {
            return Err(CheckpointError::Extension);
        }
        self.extensions.push(line.to_owned());
        Ok(self)
    }

    /// Parses a checkpoint body (a note text). Strict on size and root; the origin only has to
    /// be non-empty, since clients must not assume more of other logs.
    pub fn parse_body(body: &str) -> Result<Checkpoint, CheckpointError> {
        let note = Note::new(body)?;
        let text = note.text();
        let lines: Vec<&str> = text[..text.len() - 1].split('\n').collect();
        if lines.len() < 3 {
            return Err(CheckpointError::TooFewLines(lines.len()));
        }
        if let Some(i) = lines.iter().position(|l| l.is_empty()) {
            return Err(CheckpointError::EmptyLine(i + 1));
        }
        let (origin, size, root, extensions) = match lines.as_slice() {
            [origin, size, root, ext @ ..] => (origin, size, root, ext),
            _ => return Err(CheckpointError::TooFewLines(lines.len())),
        };
        Ok(Checkpoint {
            origin: (*origin).to_owned(),
            size: parse_size(size)?,
            root: Hash::from_base64(root).map_err(|_| CheckpointError::RootHash)?,
            extensions: extensions.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root hash of the tree of that size.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The extension lines, if any.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The note text: each line followed by a newline.
    pub fn body(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, self.root.to_base64());
        for e in &self.extensions {
            let _ = writeln!(out, "{e}");
        }
        out
    }

    /// The unsigned note of this checkpoint, to sign and cosign.
    pub fn to_note(&self) -> Result<Note, CheckpointError> {
        Ok(Note::new(self.body())?)
    }

    /// The note signed by the log's key.
    pub fn sign(&self, log: &NoteSigner) -> Result<Note, CheckpointError> {
        let mut note = self.to_note()?;
        let sig = log.sign(&note);
        note.push_signature(sig);
        Ok(note)
    }
}

/// ASCII decimal without sign or leading zeroes (except `0` itself).
fn parse_size(s: &str) -> Result<u64, CheckpointError> {
    let canonical = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return Err(CheckpointError::Size);
    }
    s.parse().map_err(|_| CheckpointError::Size)
}

/// A checkpoint whose log signature verified and whose origin is the expected one; only
/// [`VerifiedCheckpoint::open`] makes one.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedCheckpoint {
    checkpoint: Checkpoint,
    note: Note,
}

impl VerifiedCheckpoint {
    /// Parses a signed checkpoint, verifies the log's signature with `log_key` (other
    /// signatures are ignored), then parses the body and checks the origin.
    pub fn open(bytes: &[u8], origin: &str, log_key: &VerifierKey) -> Result<VerifiedCheckpoint, CheckpointError> {
        if log_key.kind() != SignatureType::Ed25519 {
            return Err(CheckpointError::NotALogKey);
        }
        let note = Note::parse(bytes)?;
        note.verify(std::slice::from_ref(log_key))?;
        let checkpoint = Checkpoint::parse_body(note.text())?;
        if checkpoint.origin != origin {
            return Err(CheckpointError::OriginMismatch { expected: origin.to_owned(), found: checkpoint.origin });
        }
        Ok(VerifiedCheckpoint { checkpoint, note })
    }

    /// The verified checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signed note it came from, with every signature line.
    pub fn note(&self) -> &Note {
        &self.note
    }

    /// The valid cosignatures from `witnesses` (type 0x04 keys; others are skipped). Empty when
    /// none of them cosigned; an error when a line from one of them does not verify.
    pub fn cosignatures(&self, witnesses: &[VerifierKey]) -> Result<Vec<VerifiedSignature>, VerifyError> {
        let cosigners: Vec<VerifierKey> =
            witnesses.iter().filter(|k| k.kind() == SignatureType::CosignatureV1).cloned().collect();
        match self.note.verify(&cosigners) {
            Err(VerifyError::NoTrustedSignature) => Ok(Vec::new()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests;
