//! Errors of anchoring and verifying: "could not do / could not check" vs [`Mismatch`] ("the chain
//! says something different").

use std::time::Duration;

use crate::payload::PayloadError;

/// A boxed error from the JSON-RPC client, kept as the `source` of an [`AnchorError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why [`anchor`](crate::anchor) or [`verify_anchor`](crate::verify_anchor) failed.
///
/// Only [`AnchorError::Mismatch`] means "checked, and the anchor is not what it claims"; every other
/// variant means the check (or the anchoring) could not be done.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    /// The configuration is unusable: an RPC URL that does not parse, a signer key that is not a
    /// secp256k1 secret key.
    #[error("bad anchor configuration: {0}")]
    BadConfig(String),
    /// The node could not be reached: connection refused, DNS, TLS, an HTTP error status, or no
    /// answer within the timeout.
    #[error("EVM node at {url} unreachable")]
    Unreachable {
        /// The RPC URL that was tried.
        url: String,
        /// What went wrong.
        #[source]
        source: BoxError,
    },
    /// The node answered with a JSON-RPC error (e.g. insufficient funds, nonce too low) or with
    /// something that is not a valid answer.
    #[error("EVM node answered {method} with an error")]
    Rpc {
        /// The JSON-RPC method, or step, that failed.
        method: &'static str,
        /// The error the client reported.
        #[source]
        source: BoxError,
    },
    /// The node is on another chain than the one configured or claimed by the anchor.
    #[error("EVM node is on chain {actual}, expected chain {expected}")]
    WrongChain {
        /// The chain id that was configured or claimed.
        expected: u64,
        /// The chain id the node reports.
        actual: u64,
    },
    /// The anchor transaction was mined but failed (receipt status 0).
    #[error("anchor transaction 0x{} reverted", hex::encode(tx_hash))]
    Reverted {
        /// Hash of the failed transaction.
        tx_hash: [u8; 32],
    },
    /// The anchor transaction was sent but no receipt arrived within the timeout; it may still be
    /// mined later.
    #[error("anchor transaction 0x{} not mined within {timeout:?}", hex::encode(tx_hash))]
    ReceiptTimeout {
        /// Hash of the sent transaction.
        tx_hash: [u8; 32],
        /// How long it waited.
        timeout: Duration,
    },
    /// The node knows no transaction with this hash.
    #[error("transaction 0x{} not found", hex::encode(tx_hash))]
    NotFound {
        /// The hash that was looked up.
        tx_hash: [u8; 32],
    },
    /// The node knows the transaction but it has no receipt yet (still pending).
    #[error("transaction 0x{} is not mined yet", hex::encode(tx_hash))]
    NotMined {
        /// The hash that was looked up.
        tx_hash: [u8; 32],
    },
    /// The chain says something different from the anchor: it does not anchor this checkpoint.
    #[error("anchor does not match the chain: {0}")]
    Mismatch(#[from] Mismatch),
}

impl AnchorError {
    /// True when the anchor was checked and found not to match the chain ([`AnchorError::Mismatch`]),
    /// false when it could not be checked.
    pub fn is_mismatch(&self) -> bool {
        matches!(self, Self::Mismatch(_))
    }
}

/// How the chain contradicts an anchor.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    /// The transaction failed (receipt status 0).
    #[error("the transaction reverted")]
    Reverted,
    /// The transaction is in another block than the anchor claims.
    #[error("transaction is in block {actual}, anchor claims block {claimed}")]
    BlockNumber {
        /// Block number in the anchor.
        claimed: u64,
        /// Block number on the chain.
        actual: u64,
    },
    /// The block's timestamp differs from the anchor's.
    #[error("block time is {actual}, anchor claims {claimed}")]
    BlockTime {
        /// Block time in the anchor (unix seconds).
        claimed: u64,
        /// Block time on the chain (unix seconds).
        actual: u64,
    },
    /// The transaction's input is not an anchor payload.
    #[error("transaction input is not an anchor payload: {0}")]
    NotAnAnchor(PayloadError),
    /// The payload anchors another log (origin hash differs).
    #[error("transaction anchors another log origin")]
    Origin,
    /// The payload anchors another tree size.
    #[error("transaction anchors tree size {actual}, expected {expected}")]
    Size {
        /// The size that was to be verified.
        expected: u64,
        /// The size in the transaction.
        actual: u64,
    },
    /// The payload anchors another root.
    #[error("transaction anchors root {}, expected {}", hex::encode(actual), hex::encode(expected))]
    Root {
        /// The root that was to be verified.
        expected: [u8; 32],
        /// The root in the transaction.
        actual: [u8; 32],
    },
}
