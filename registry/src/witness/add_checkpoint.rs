//! C2SP tlog-witness §add-checkpoint (`POST <submission prefix>/add-checkpoint`), the witness's
//! decision: verify the log's signature, check the old size against the stored state, the
//! consistency proof and forks, then cosign (tlog-cosignature v1). Pure: the stored state comes in,
//! the state to store goes out, the time is a parameter.

use std::collections::BTreeMap;

use super::request::AddCheckpointRequest;
use crate::checkpoint::{Checkpoint, CheckpointError, VerifiedCheckpoint};
use crate::merkle::{verify_consistency, Hash, ProofError};
use crate::note::{Cosigner, NoteSignature, SignatureType, TimestampTooLarge, VerifierKey, VerifyError};

/// What a witness stores per log: the latest checkpoint it cosigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogState {
    /// Its tree size.
    pub size: u64,
    /// Its root hash.
    pub root: Hash,
}

/// Why a witness refuses to cosign; [`WitnessError::http_status`] is the status the spec
/// prescribes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The witness knows no log with this origin (404 Not Found).
    #[error("unknown log origin {0:?}")]
    UnknownOrigin(String),
    /// No valid signature by the log's key, or an invalid one (403 Forbidden).
    #[error("checkpoint not signed by the log: {0}")]
    LogSignature(VerifyError),
    /// The checkpoint is malformed (400 Bad Request).
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(CheckpointError),
    /// The old size is larger than the checkpoint's size (400 Bad Request).
    #[error("old size {old} is larger than the checkpoint size {new}")]
    OldSizeLarger {
        /// The request's old size.
        old: u64,
        /// The checkpoint's size.
        new: u64,
    },
    /// The old size is not the size of the latest checkpoint the witness cosigned for this log
    /// (409 Conflict; the body is [`super::format_size_body`] of `known`, with content type
    /// [`super::SIZE_CONTENT_TYPE`]).
    #[error("old size does not match the latest cosigned size {known}")]
    SizeConflict {
        /// The size of the latest cosigned checkpoint (0 if none).
        known: u64,
    },
    /// The log signed two different roots for the same size: a fork (409 Conflict). The request
    /// is evidence of log misbehaviour; keep it.
    #[error("fork: size {size} was cosigned with root {stored_root}, now {new_root}")]
    Equivocation {
        /// The tree size.
        size: u64,
        /// The root the witness cosigned earlier.
        stored_root: Hash,
        /// The root in the request.
        new_root: Hash,
    },
    /// The consistency proof does not prove the checkpoint extends the stored one (422
    /// Unprocessable Entity). Possibly a fork; the request may be kept as evidence.
    #[error("consistency proof does not verify: {0}")]
    InvalidProof(ProofError),
    /// The time passed in is beyond 2^63 - 1 (500: a bug in the caller).
    #[error(transparent)]
    Clock(#[from] TimestampTooLarge),
}

impl WitnessError {
    /// The HTTP status C2SP tlog-witness prescribes for this refusal.
    pub fn http_status(&self) -> u16 {
        match self {
            WitnessError::UnknownOrigin(_) => 404,
            WitnessError::LogSignature(_) => 403,
            WitnessError::MalformedCheckpoint(_) | WitnessError::OldSizeLarger { .. } => 400,
            WitnessError::SizeConflict { .. } | WitnessError::Equivocation { .. } => 409,
            WitnessError::InvalidProof(_) => 422,
            WitnessError::Clock(_) => 500,
        }
    }

    /// For a size conflict, the size to send back in the `text/x.tlog.size` body.
    pub fn known_size(&self) -> Option<u64> {
        match self {
            WitnessError::SizeConflict { known } => Some(*known),
            _ => None,
        }
    }
}

/// A log could not be added to the witness's configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The origin is empty or contains a newline.
    #[error("invalid log origin {0:?}")]
    Origin(String),
    /// The key is not an Ed25519 (type 0x01) log key.
    #[error("log key for {0:?} must be an Ed25519 (type 0x01) key")]
    NotALogKey(String),
}

/// A successful add-checkpoint: the state to persist (atomically with the check, before
/// answering) and the cosignature to answer with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigned {
    /// The new latest cosigned checkpoint of the log.
    pub state: LogState,
    /// The verified checkpoint.
    pub checkpoint: Checkpoint,
    /// The tlog-cosignature v1 signature line.
    pub cosignature: NoteSignature,
}

impl Cosigned {
    /// The 200 response body: the cosignature line.
    pub fn response_body(&self) -> String {
        self.cosignature.to_line()
    }
}

/// A witness: its cosigning key and the logs it follows (origin → log key).
#[derive(Clone, Debug)]
pub struct Witness {
    cosigner: Cosigner,
    logs: BTreeMap<String, VerifierKey>,
}

impl Witness {
    /// A witness following no log yet.
    pub fn new(cosigner: Cosigner) -> Witness {
        Witness { cosigner, logs: BTreeMap::new() }
    }

    /// Follows the log with this origin, whose checkpoints `key` signs (replacing an earlier key).
    pub fn add_log(&mut self, origin: &str, key: VerifierKey) -> Result<(), ConfigError> {
        if origin.is_empty() || origin.contains('\n') {
            return Err(ConfigError::Origin(origin.to_owned()));
        }
        if key.kind() != SignatureType::Ed25519 {
            return Err(ConfigError::NotALogKey(origin.to_owned()));
        }
        self.logs.insert(origin.to_owned(), key);
        Ok(())
    }

    /// [`Witness::add_log`], chained.
    pub fn with_log(mut self, origin: &str, key: VerifierKey) -> Result<Witness, ConfigError> {
        self.add_log(origin, key)?;
        Ok(self)
    }

    /// The witness's public cosignature key (type 0x04).
    pub fn verifier_key(&self) -> VerifierKey {
        self.cosigner.verifier_key()
    }

    /// The key of the log with this origin, if followed.
    pub fn log_key(&self, origin: &str) -> Option<&VerifierKey> {
        self.logs.get(origin)
    }

    /// Handles an add-checkpoint request against `state`, the latest checkpoint cosigned for
    /// [`AddCheckpointRequest::origin`] (`None` if never), at POSIX time `now`.
    ///
    /// Checks in the spec's order: origin known (404), log signature (403), old size not above the
    /// new size (400), old size equal to the stored size (409), then, for an equal size, the same
    /// root (409, a fork), otherwise the consistency proof (422). On success the caller must
    /// persist [`Cosigned::state`] before answering, in the same transaction as reading `state`.
    pub fn add_checkpoint(
        &self,
        state: Option<LogState>,
        request: &AddCheckpointRequest,
        now: u64,
    ) -> Result<Cosigned, WitnessError> {
        let origin = request.origin();
        let key = self.logs.get(origin).ok_or_else(|| WitnessError::UnknownOrigin(origin.to_owned()))?;
        let verified = VerifiedCheckpoint::open(request.checkpoint_bytes(), origin, key).map_err(|e| match e {
            CheckpointError::Signature(e) => WitnessError::LogSignature(e),
            other => WitnessError::MalformedCheckpoint(other),
        })?;
        let checkpoint = verified.checkpoint();
        let (old, new, new_root) = (request.old_size(), checkpoint.size(), *checkpoint.root());
        if old > new {
            return Err(WitnessError::OldSizeLarger { old, new });
        }
        let known = state.map_or(0, |s| s.size);
        if old != known {
            return Err(WitnessError::SizeConflict { known });
        }
        // RFC 9162 consistency from size 0 holds for any new root; the empty tree has one root.
        if new == 0 && new_root != Hash::empty_tree() {
            return Err(WitnessError::InvalidProof(ProofError::NewRootMismatch));
        }
        match state {
            Some(stored) if stored.size == new => {
                if stored.root != new_root {
                    return Err(WitnessError::Equivocation { size: new, stored_root: stored.root, new_root });
                }
                if !request.proof().is_empty() {
                    return Err(WitnessError::InvalidProof(ProofError::WrongPathLength {
                        expected: 0,
                        actual: request.proof().len(),
                    }));
                }
            }
            _ => {
                let old_root = state.map_or_else(Hash::empty_tree, |s| s.root);
                verify_consistency(old, new, request.proof(), &old_root, &new_root)
                    .map_err(WitnessError::InvalidProof)?;
            }
        }
        let cosignature = self.cosigner.cosign(verified.note(), now)?;
        Ok(Cosigned { state: LogState { size: new, root: new_root }, checkpoint: checkpoint.clone(), cosignature })
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::merkle::MemoryTree;
    use crate::note::{KeyName, Note, NoteSigner};

    const ORIGIN: &str = "registry.board-a.example/log";

    fn log() -> NoteSigner {
        NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[1; 32]))
    }

    fn witness() -> Witness {
        let cosigner =
            Cosigner::new(KeyName::new("board-b.example/w").expect("valid"), SigningKey::from_bytes(&[2; 32]));
        Witness::new(cosigner).with_log(ORIGIN, log().verifier_key()).expect("log key")
    }

    fn tree(size: u64) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..size {
            t.append_data(&i.to_be_bytes());
        }
        t
    }

    fn signed(size: u64, root: Hash) -> Note {
        Checkpoint::new(ORIGIN, size, root).expect("valid").sign(&log()).expect("small")
    }

    fn request(old: u64, proof: Vec<Hash>, note: &Note) -> AddCheckpointRequest {
        AddCheckpointRequest::new(old, proof, note).expect("well-formed")
    }

    #[test]
    fn cosigns_from_zero_then_grows() {
        let w = witness();
        let t = tree(20);
        let first = request(0, vec![], &signed(10, t.root_at(10).expect("in tree")));
        let done = w.add_checkpoint(None, &first, 1_700_000_000).expect("cosigned");
        assert_eq!(done.state.size, 10);
        let mut note = signed(10, t.root_at(10).expect("in tree"));
        note.push_signature(done.cosignature.clone());
        let v = note.verify(&[w.verifier_key()]).expect("valid cosignature");
        assert_eq!(v[0].timestamp, Some(1_700_000_000));
        assert!(done.response_body().starts_with("— board-b.example/w "));

        let proof = t.prove_consistency(10, 20).expect("in tree").path;
        let next = request(10, proof, &signed(20, t.root()));
        let done = w.add_checkpoint(Some(done.state), &next, 1_700_000_060).expect("cosigned");
        assert_eq!(done.state, LogState { size: 20, root: t.root() });
        // the same checkpoint again is cosigned again, state unchanged
        let again = request(20, vec![], &signed(20, t.root()));
        assert_eq!(w.add_checkpoint(Some(done.state), &again, 1_700_000_120).map(|c| c.state), Ok(done.state));
    }

    #[test]
    fn refusals_map_to_spec_statuses() {
        let w = witness();
        let t = tree(20);
        let stored = LogState { size: 10, root: t.root_at(10).expect("in tree") };
        let proof = t.prove_consistency(10, 20).expect("in tree").path;
        let cp20 = signed(20, t.root());

        let stale = w.add_checkpoint(Some(stored), &request(5, vec![], &cp20), 1);
        assert_eq!(stale, Err(WitnessError::SizeConflict { known: 10 }));
        assert_eq!(stale.as_ref().map_err(|e| (e.http_status(), e.known_size())).err(), Some((409, Some(10))));

        let larger = w.add_checkpoint(Some(stored), &request(21, vec![], &cp20), 1).expect_err("refused");
        assert_eq!((larger.http_status(), larger.known_size()), (400, None));

        let mut forged = proof.clone();
        forged[0] = Hash::leaf(b"forged");
        let bad = w.add_checkpoint(Some(stored), &request(10, forged, &cp20), 1).expect_err("refused");
        assert!(matches!(bad, WitnessError::InvalidProof(_)));
        assert_eq!(bad.http_status(), 422);

        let fork = signed(10, Hash::leaf(b"other"));
        let e = w.add_checkpoint(Some(stored), &request(10, vec![], &fork), 1).expect_err("refused");
        assert_eq!(
            e,
            WitnessError::Equivocation { size: 10, stored_root: stored.root, new_root: Hash::leaf(b"other") }
        );
        assert_eq!(e.http_status(), 409);

        let too_late = w.add_checkpoint(Some(stored), &request(10, proof, &cp20), u64::MAX);
        assert_eq!(too_late.map_err(|e| e.http_status()).err(), Some(500));
    }

    #[test]
    fn an_empty_tree_has_only_the_empty_root() {
        let w = witness();
        let bogus = request(0, vec![], &signed(0, Hash::leaf(b"not empty")));
        let refused = w.add_checkpoint(None, &bogus, 1);
        assert_eq!(refused, Err(WitnessError::InvalidProof(ProofError::NewRootMismatch)));
        let empty = request(0, vec![], &signed(0, Hash::empty_tree()));
        let done = w.add_checkpoint(None, &empty, 1).expect("cosigned");
        assert_eq!(done.state, LogState { size: 0, root: Hash::empty_tree() });
        let t = tree(3);
        let grown = request(0, vec![], &signed(3, t.root()));
        assert_eq!(w.add_checkpoint(Some(done.state), &grown, 2).map(|c| c.state.size), Ok(3));
    }

    #[test]
    fn configuration_is_checked() {
        let cosigner = Cosigner::new(KeyName::new("w").expect("valid"), SigningKey::from_bytes(&[3; 32]));
        let mut w = Witness::new(cosigner.clone());
        assert_eq!(w.add_log("", log().verifier_key()), Err(ConfigError::Origin(String::new())));
        assert_eq!(w.add_log(ORIGIN, cosigner.verifier_key()), Err(ConfigError::NotALogKey(ORIGIN.to_owned())));
        assert!(w.log_key(ORIGIN).is_none());
    }
}
