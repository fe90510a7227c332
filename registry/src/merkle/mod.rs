//! RFC 9162 §2.1 Merkle trees: hashing, tree heads, inclusion and consistency proofs.
//!
//! Everything here is pure. Proof *generation* reads complete perfect subtrees through
//! [`NodeSource`] (what a tlog-tiles store keeps), so the same code serves the in-memory
//! [`MemoryTree`] and a database; a [`Plan`] lists the subtrees a proof needs so an async store can
//! fetch them in one batch first. Proof *verification* needs only the proof and the roots.

mod consistency;
mod error;
mod hash;
mod inclusion;
mod memory;
mod plan;
mod source;

pub use consistency::{prove_consistency, verify_consistency, ConsistencyProof};
pub use error::{PlanError, ProofError, ProveError};
pub use hash::{Hash, HashParseError, LEAF_PREFIX, NODE_PREFIX};
pub use inclusion::{prove_inclusion, root_from_inclusion_path, verify_inclusion, InclusionProof};
pub use memory::MemoryTree;
pub use plan::{root, root_nodes, Plan};
pub use source::{completed_by_append, MissingNode, NodeId, NodeSource};
