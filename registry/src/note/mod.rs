//! C2SP signed-note v1.0.0 (c2sp.org/signed-note): text ending in a newline, a blank line, then
//! signature lines `— <key name> <base64(key ID ‖ signature)>`.
//!
//! [`Note::parse`] checks the format strictly and never panics on hostile bytes;
//! [`Note::verify`] checks signatures against trusted [`VerifierKey`]s (Ed25519, type 0x01, and
//! tlog-cosignature v1, type 0x04) and ignores signatures from keys it does not know.

mod cosignature;
mod keys;
mod sign;

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

pub use cosignature::{cosigned_message, Cosigner, TimestampTooLarge, MAX_TIMESTAMP};
pub use keys::{KeyError, KeyId, KeyName, SignatureType, VerifierKey};
pub use sign::{NoteSigner, VerifiedSignature, VerifyError};

/// Largest note [`Note::parse`] accepts, in bytes.
pub const MAX_NOTE_SIZE: usize = 1 << 20;
/// Most signature lines [`Note::parse`] accepts (the spec requires at least 16).
pub const MAX_SIGNATURES: usize = 100;

const SIG_PREFIX: &str = "\u{2014} ";

/// Why bytes are not a well-formed signed note, or text not a valid note text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note is larger than [`MAX_NOTE_SIZE`].
    #[error("note has {0} bytes, more than the limit")]
    TooLarge(usize),
    /// The note is not valid UTF-8.
    #[error("note is not valid UTF-8")]
    NotUtf8,
    /// The note contains an ASCII control character other than newline.
    #[error("note contains a control character at byte {0}")]
    ControlCharacter(usize),
    /// The note text is empty or does not end in a newline.
    #[error("note text must end in a newline")]
    TextNotTerminated,
    /// There is no blank line followed by signature lines ending in a newline.
    #[error("note has no signature block")]
    NoSignatures,
    /// A signature line is not `— <name> <base64>` with a valid name and at least 5 bytes.
    #[error("malformed signature line {0}")]
    SignatureLine(usize),
    /// More than [`MAX_SIGNATURES`] signature lines.
    #[error("note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
}

/// One signature line: who signed (name and key ID) and the signature bytes after the key ID.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NoteSignature {
    /// The key name.
    pub name: KeyName,
    /// The key ID, the first four decoded bytes.
    pub key_id: KeyId,
    /// The rest of the decoded bytes (type-specific).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    fn parse_line(line: &str, number: usize) -> Result<NoteSignature, NoteError> {
        let bad = NoteError::SignatureLine(number);
        let rest = line.strip_prefix(SIG_PREFIX).ok_or(bad.clone())?;
        let (name, b64) = rest.split_once(' ').ok_or(bad.clone())?;
        let name = KeyName::new(name).map_err(|_| bad.clone())?;
        let raw = B64.decode(b64).map_err(|_| bad.clone())?;
        if raw.len() < 5 {
            return Err(bad);
        }
        let (id, signature) = raw.split_at(4);
        let key_id = KeyId(<[u8; 4]>::try_from(id).map_err(|_| bad)?);
        Ok(NoteSignature { name, key_id, signature: signature.to_vec() })
    }

    /// The signature line, with its final newline.
    pub fn to_line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_id.0);
        raw.extend_from_slice(&self.signature);
        format!("{SIG_PREFIX}{} {}\n", self.name, B64.encode(raw))
    }
}

/// A note text with its signature lines (not yet verified).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// Position of the first control character other than newline.
fn control_character(s: &str) -> Option<usize> {
    s.bytes().position(|b| b < 0x20 && b != b'\n')
}

impl Note {
    /// An unsigned note. The text must end in a newline and contain no control characters
    /// other than newlines.
    pub fn new(text: impl Into<String>) -> Result<Note, NoteError> {
        let text = text.into();
        if text.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge(text.len()));
        }
        if let Some(at) = control_character(&text) {
            return Err(NoteError::ControlCharacter(at));
        }
        if !text.ends_with('\n') {
            return Err(NoteError::TextNotTerminated);
        }
        Ok(Note { text, signatures: Vec::new() })
    }

    /// Parses a signed note; the text is what precedes the last blank line.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        if bytes.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge(bytes.len()));
        }
        let msg = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        if let Some(at) = control_character(msg) {
            return Err(NoteError::ControlCharacter(at));
        }
        let split = msg.rfind("\n\n").ok_or(NoteError::NoSignatures)?;
        let (text, sigs) = (&msg[..=split], &msg[split + 2..]);
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::NoSignatures);
        }
        let lines: Vec<&str> = sigs[..sigs.len() - 1].split('\n').collect();
        if lines.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        let signatures = lines
            .iter()
            .enumerate()
            .map(|(i, line)| NoteSignature::parse_line(line, i + 1))
            .collect::<Result<_, _>>()?;
        Ok(Note { text: text.to_owned(), signatures })
    }

    /// The signed text, with its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Appends a signature line.
    pub fn push_signature(&mut self, signature: NoteSignature) {
        self.signatures.push(signature);
    }

    /// The serialized note: text, blank line, signature lines.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for s in &self.signatures {
            f.write_str(&s.to_line())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
