//! C2SP tlog-witness §add-checkpoint request body (`POST <submission prefix>/add-checkpoint`):
//! an `old <size>` line, zero or more base64 consistency proof lines, an empty line, then the
//! signed checkpoint note.

use std::fmt::Write as _;

use super::text;
use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::merkle::Hash;
use crate::note::Note;

/// Largest request body accepted (the spec sets none; a checkpoint with a few signatures and 63
/// proof lines takes about 4 KiB).
pub const MAX_REQUEST_SIZE: usize = 64 * 1024;
/// Most consistency proof lines: "The client MUST NOT send more than 63 consistency proof lines."
pub const MAX_PROOF_LINES: usize = 63;

/// Why a body is not a well-formed add-checkpoint request (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The body is larger than [`MAX_REQUEST_SIZE`].
    #[error("request body has {0} bytes, more than the limit")]
    TooLarge(usize),
    /// The body is not UTF-8.
    #[error("request body is not valid UTF-8")]
    NotUtf8,
    /// The first line is not `old <decimal without leading zeroes>`.
    #[error("malformed old size line")]
    OldLine,
    /// A consistency proof line is not one hash in canonical base64 (lines counted from 1).
    #[error("malformed consistency proof line {0}")]
    ProofLine(usize),
    /// More than [`MAX_PROOF_LINES`] consistency proof lines.
    #[error("more than {MAX_PROOF_LINES} consistency proof lines")]
    TooManyProofLines,
    /// No empty line ends the proof, so there is no checkpoint.
    #[error("no empty line before the checkpoint")]
    MissingCheckpoint,
    /// The checkpoint is not a well-formed signed note with a checkpoint body.
    #[error("malformed checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
}

impl RequestError {
    /// The HTTP status the witness answers with: always 400 Bad Request.
    pub fn http_status(&self) -> u16 {
        400
    }
}

/// A well-formed add-checkpoint request. Nothing in it is verified yet: see
/// [`super::Witness::add_checkpoint`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    old_size: u64,
    proof: Vec<Hash>,
    checkpoint: Vec<u8>,
    origin: String,
}

impl AddCheckpointRequest {
    /// A request to send (log side): the size the witness last cosigned, the consistency proof
    /// from it, and the log-signed checkpoint note. Checked like a received body.
    pub fn new(old_size: u64, proof: Vec<Hash>, checkpoint: &Note) -> Result<AddCheckpointRequest, RequestError> {
        let mut body = format!("old {old_size}\n");
        for h in &proof {
            let _ = writeln!(body, "{}", h.to_base64());
        }
        body.push('\n');
        let mut bytes = body.into_bytes();
        bytes.extend_from_slice(&checkpoint.to_bytes());
        AddCheckpointRequest::parse(&bytes)
    }

    /// Parses a received body strictly (witness side).
    pub fn parse(body: &[u8]) -> Result<AddCheckpointRequest, RequestError> {
        if body.len() > MAX_REQUEST_SIZE {
            return Err(RequestError::TooLarge(body.len()));
        }
        let body = std::str::from_utf8(body).map_err(|_| RequestError::NotUtf8)?;
        let (old_line, mut rest) = body.split_once('\n').ok_or(RequestError::OldLine)?;
        let old_size = old_line.strip_prefix("old ").and_then(text::decimal).ok_or(RequestError::OldLine)?;
        let mut proof = Vec::new();
        loop {
            let (line, after) = rest.split_once('\n').ok_or(RequestError::MissingCheckpoint)?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(RequestError::TooManyProofLines);
            }
            proof.push(text::hash(line).ok_or(RequestError::ProofLine(proof.len() + 1))?);
        }
        let note = Note::parse(rest.as_bytes()).map_err(CheckpointError::from)?;
        let claimed = Checkpoint::parse_body(note.text())?;
        Ok(AddCheckpointRequest {
            old_size,
            proof,
            checkpoint: rest.as_bytes().to_vec(),
            origin: claimed.origin().to_owned(),
        })
    }

    /// The `old` size: what the client believes the witness last cosigned.
    pub fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The consistency proof from the old size to the checkpoint's size.
    pub fn proof(&self) -> &[Hash] {
        &self.proof
    }

    /// The signed checkpoint note, verbatim.
    pub fn checkpoint_bytes(&self) -> &[u8] {
        &self.checkpoint
    }

    /// The checkpoint's origin line, NOT verified: use it only to load the stored state of that
    /// log before calling [`super::Witness::add_checkpoint`], which checks it.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The request body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = format!("old {}\n", self.old_size);
        for h in &self.proof {
            let _ = writeln!(body, "{}", h.to_base64());
        }
        body.push('\n');
        let mut bytes = body.into_bytes();
        bytes.extend_from_slice(&self.checkpoint);
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::NoteError;

    // The example body of the spec; its signatures are not verifiable (unknown key), which
    // parsing does not need.
    const SPEC_EXAMPLE: &str = "old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
";

    #[test]
    fn spec_example_parses_and_formats_back() {
        let req = AddCheckpointRequest::parse(SPEC_EXAMPLE.as_bytes()).expect("well-formed");
        assert_eq!(req.old_size(), 20_852_014);
        assert_eq!(req.proof().len(), 4);
        assert_eq!(req.proof()[3].to_base64(), "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=");
        assert_eq!(req.origin(), "example.com/behind-the-sofa");
        assert!(req.checkpoint_bytes().starts_with(b"example.com/behind-the-sofa\n20852163\n"));
        assert_eq!(req.to_bytes(), SPEC_EXAMPLE.as_bytes());
        let note = Note::parse(req.checkpoint_bytes()).expect("note");
        let again = AddCheckpointRequest::new(req.old_size(), req.proof().to_vec(), &note).expect("valid");
        assert_eq!(again, req);
    }

    #[test]
    fn malformed_bodies_are_rejected() {
        let cp = SPEC_EXAMPLE.split_once("\n\n").map(|(_, cp)| cp).expect("has a checkpoint");
        let h = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=";
        let cases: Vec<(String, RequestError)> = vec![
            (String::new(), RequestError::OldLine),
            (format!("old 01\n\n{cp}"), RequestError::OldLine),
            (format!("old -1\n\n{cp}"), RequestError::OldLine),
            (format!("old  1\n\n{cp}"), RequestError::OldLine),
            (format!("Old 1\n\n{cp}"), RequestError::OldLine),
            (format!("old 1\r\n\n{cp}"), RequestError::OldLine),
            (format!("old 18446744073709551616\n\n{cp}"), RequestError::OldLine),
            (format!("old 1\n{h}\n{h} \n\n{cp}"), RequestError::ProofLine(2)),
            (format!("old 1\n{}\n\n{cp}", h.trim_end_matches('=')), RequestError::ProofLine(1)),
            (format!("old 1\nAAAA\n\n{cp}"), RequestError::ProofLine(1)),
            (format!("old 1\n{}\n{cp}", format!("{h}\n").repeat(64)), RequestError::TooManyProofLines),
            ("old 1\n".to_owned(), RequestError::MissingCheckpoint),
            (format!("old 1\n{h}"), RequestError::MissingCheckpoint),
            ("old 1\n\n".to_owned(), CheckpointError::Note(NoteError::NoSignatures).into()),
            (format!("old 1\n\n\n{cp}"), RequestError::Checkpoint(CheckpointError::EmptyLine(1))),
        ];
        for (body, want) in cases {
            assert_eq!(AddCheckpointRequest::parse(body.as_bytes()), Err(want), "{body:?}");
        }
        assert_eq!(AddCheckpointRequest::parse(b"old 1\n\xff\n\n"), Err(RequestError::NotUtf8));
        let huge = vec![b'a'; MAX_REQUEST_SIZE + 1];
        assert_eq!(AddCheckpointRequest::parse(&huge), Err(RequestError::TooLarge(MAX_REQUEST_SIZE + 1)));
        let max = format!("old 1\n{}\n{cp}", format!("{h}\n").repeat(63));
        assert_eq!(AddCheckpointRequest::parse(max.as_bytes()).map(|r| r.proof().len()), Ok(63));
    }
}
