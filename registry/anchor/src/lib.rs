//! Anchors revocation-log checkpoint roots on an EVM chain over JSON-RPC, and verifies anchors.
//!
//! An anchor is a plain, 0-value transaction (by default from the signer to itself) whose input
//! data is a self-describing payload, so one chain can hold the anchors of many logs and anyone
//! can read them back with `eth_getTransactionByHash`:
//!
//! | bytes   | field       | content                                              |
//! |---------|-------------|------------------------------------------------------|
//! | 0..4    | tag         | ASCII `mcA1` (medcred anchor, format 1)              |
//! | 4..36   | root        | the checkpoint's 32-byte Merkle root (RFC 9162)      |
//! | 36..44  | size        | the checkpoint's tree size, u64 big-endian           |
//! | 44..76  | origin hash | SHA-256 of the log's origin string (checkpoint line 1) |
//!
//! 76 bytes in all ([`PAYLOAD_LEN`]); nothing else may follow. [`payload`] builds it and
//! [`parse_payload`] reads it back; both are pure.
//!
//! [`anchor`] signs and sends the transaction with [`ChainConfig`]'s key and waits (bounded) for its
//! receipt; the returned [`Anchor`] (transaction hash, block number, block time, chain id) is kept
//! beside the checkpoint. [`verify_anchor`] checks an [`Anchor`] against a node and tells "the chain
//! contradicts it" ([`AnchorError::Mismatch`]) apart from "could not check" (every other variant).
//!
//! An anchor shows that the root existed by the block's time; it says nothing about who anchored it
//! (checkpoint signatures do that). [`anchor`] waits for one confirmation only: on a chain that
//! reorganises, verify again later before relying on an anchor.

mod client;
mod config;
mod error;
mod payload;
mod record;
mod rpc;
mod verify;

pub use alloy::primitives::Address;
pub use client::anchor;
pub use config::{ChainConfig, SignerKey, DEFAULT_RECEIPT_TIMEOUT};
pub use error::{AnchorError, BoxError, Mismatch};
pub use payload::{origin_hash, parse_payload, payload, AnchorPayload, PayloadError, PAYLOAD_LEN, TAG};
pub use record::Anchor;
pub use verify::verify_anchor;
