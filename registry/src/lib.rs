//! medcred revocation registry: the pure ledger math.
//!
//! - [`merkle`]: RFC 9162 §2.1 Merkle tree heads, inclusion and consistency proofs.
//! - [`note`]: C2SP signed notes (Ed25519) and tlog-cosignature v1 witness cosignatures.
//! - [`checkpoint`]: C2SP tlog-checkpoint, the signed tree head of the log.
//!
//! No I/O here: storage and the network are adapters elsewhere that implement
//! [`merkle::NodeSource`] or feed bytes in. Nothing reads the clock: cosignature timestamps are
//! passed in.

pub mod checkpoint;
pub mod merkle;
pub mod note;
pub mod proof_bundle;
pub mod status;
pub mod tiles;
pub mod witness;
