//! Errors of RFC 9162 §2.1.3–§2.1.4 proofs: invalid proofs versus proofs that could not be built.

/// A proof was checked and is invalid (RFC 9162 §2.1.3.2, §2.1.4.2 "fail the proof verification").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The claimed leaf index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// A consistency proof claims an old tree larger than the new one.
    #[error("old tree size {old} is larger than new tree size {new}")]
    OldSizeLarger {
        /// The claimed old tree size.
        old: u64,
        /// The claimed new tree size.
        new: u64,
    },
    /// The proof does not have the number of hashes that the index and sizes imply.
    #[error("proof has {actual} hashes, expected {expected}")]
    WrongPathLength {
        /// Number of hashes the sizes call for.
        expected: usize,
        /// Number of hashes given.
        actual: usize,
    },
    /// The inclusion proof leads to a different root.
    #[error("inclusion proof does not lead to the expected root")]
    RootMismatch,
    /// The consistency proof does not reproduce the old root.
    #[error("consistency proof does not match the old root")]
    OldRootMismatch,
    /// The consistency proof does not reproduce the new root.
    #[error("consistency proof does not match the new root")]
    NewRootMismatch,
}

/// The arguments of a proof request are impossible; nothing was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Asked for the inclusion of a leaf at or beyond the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The requested tree size.
        size: u64,
    },
    /// Asked for consistency from a larger tree to a smaller one.
    #[error("old tree size {old} is larger than new tree size {new}")]
    OldSizeLarger {
        /// The requested old tree size.
        old: u64,
        /// The requested new tree size.
        new: u64,
    },
}

/// A proof could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum ProveError<E> {
    /// The request itself is impossible (index or sizes out of range).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The node source failed to return a subtree hash (missing node, storage error).
    #[error("could not read a stored subtree")]
    Source(#[source] E),
}
