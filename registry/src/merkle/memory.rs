//! RFC 9162 §2.1 Merkle tree kept in memory as complete subtrees (tlog-tiles layout), appended
//! leaf by leaf.

use super::consistency::{prove_consistency, ConsistencyProof};
use super::error::ProveError;
use super::hash::Hash;
use super::inclusion::{prove_inclusion, InclusionProof};
use super::plan::root;
use super::source::{completed_by_append, MissingNode, NodeId, NodeSource};

/// An append-only Merkle tree that stores the hash of every complete perfect subtree.
///
/// `levels[l][i]` is the subtree at (l, i); `levels[0]` holds the leaf hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> MemoryTree {
        MemoryTree::default()
    }

    /// A tree of these leaf hashes, in order.
    pub fn from_leaf_hashes(leaves: impl IntoIterator<Item = Hash>) -> MemoryTree {
        let mut tree = MemoryTree::new();
        for leaf in leaves {
            tree.append(leaf);
        }
        tree
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }

    /// The leaf hashes, in order.
    pub fn leaf_hashes(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    /// Appends a leaf hash in `O(log n)`.
    ///
    /// Returns the subtrees that became complete, bottom up (the leaf itself first), with their
    /// hashes: exactly what a store must persist for this append.
    pub fn append(&mut self, leaf_hash: Hash) -> Vec<(NodeId, Hash)> {
        let mut completed = Vec::new();
        let mut hash = leaf_hash;
        for id in completed_by_append(self.size()) {
            if let Some((left, _)) = id.children() {
                match self.get(left) {
                    Some(left_hash) => hash = Hash::node(&left_hash, &hash),
                    // Unreachable: a completed parent's left sibling was completed earlier.
                    None => break,
                }
            }
            let level = usize::from(id.level);
            if self.levels.len() <= level {
                self.levels.resize_with(level + 1, Vec::new);
            }
            if let Some(row) = self.levels.get_mut(level) {
                row.push(hash);
            }
            completed.push((id, hash));
        }
        completed
    }

    /// Appends a leaf by its data: [`Hash::leaf`] then [`MemoryTree::append`].
    pub fn append_data(&mut self, data: &[u8]) -> Vec<(NodeId, Hash)> {
        self.append(Hash::leaf(data))
    }

    /// The tree head of all leaves, in `O(log n)`.
    pub fn root(&self) -> Hash {
        self.root_at(self.size()).unwrap_or_else(|_| Hash::empty_tree())
    }

    /// The tree head of the first `size` leaves; fails when `size` exceeds the tree.
    pub fn root_at(&self, size: u64) -> Result<Hash, MissingNode> {
        root(self, size)
    }

    /// Inclusion proof of `leaf_index` in the tree of the first `tree_size` leaves.
    pub fn prove_inclusion(&self, leaf_index: u64, tree_size: u64) -> Result<InclusionProof, ProveError<MissingNode>> {
        prove_inclusion(self, leaf_index, tree_size)
    }

    /// Consistency proof between the trees of the first `old_size` and `new_size` leaves.
    pub fn prove_consistency(&self, old_size: u64, new_size: u64) -> Result<ConsistencyProof, ProveError<MissingNode>> {
        prove_consistency(self, old_size, new_size)
    }

    fn get(&self, id: NodeId) -> Option<Hash> {
        let row = self.levels.get(usize::from(id.level))?;
        row.get(usize::try_from(id.index).ok()?).copied()
    }
}

impl NodeSource for MemoryTree {
    type Error = MissingNode;

    fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
        let id = NodeId { level, index };
        self.get(id).ok_or(MissingNode(id))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::BTreeMap;

    use super::*;
    use crate::merkle::{root_nodes, verify_consistency, verify_inclusion, Plan};

    /// MTH straight from RFC 9162 §2.1.1, recursively over leaf hashes.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Hash::empty_tree(),
            1 => leaves[0],
            n => {
                let k = n.next_power_of_two() / 2;
                Hash::node(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
            }
        }
    }

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| Hash::leaf(format!("leaf {i}").as_bytes())).collect()
    }

    #[test]
    fn roots_match_recursive_definition() {
        let all = leaves(300);
        let tree = MemoryTree::from_leaf_hashes(all.iter().copied());
        assert_eq!(tree.size(), 300);
        for size in 0..=300u64 {
            let want = reference_root(&all[..size as usize]);
            assert_eq!(tree.root_at(size), Ok(want), "size {size}");
        }
        assert_eq!(tree.root(), reference_root(&all));
        assert_eq!(MemoryTree::new().root(), Hash::empty_tree());
        assert!(tree.root_at(301).is_err());
    }

    #[test]
    fn append_reports_what_a_store_must_persist() {
        let all = leaves(64);
        let mut tree = MemoryTree::new();
        let mut persisted = BTreeMap::new();
        for leaf in &all {
            let done = tree.append(*leaf);
            assert_eq!(done.first(), Some(&(NodeId::leaf(tree.size() - 1), *leaf)));
            persisted.extend(done);
            // The persisted nodes alone reproduce every root and proof.
            assert_eq!(root(&persisted, tree.size()), Ok(tree.root()));
        }
        // 64 leaves + 32 + 16 + 8 + 4 + 2 + 1 nodes
        assert_eq!(persisted.len(), 127);
        let proof = prove_inclusion(&persisted, 17, 50).expect("all nodes stored");
        assert_eq!(proof, tree.prove_inclusion(17, 50).expect("in range"));
    }

    #[test]
    fn root_reads_one_node_per_set_bit() {
        struct Counting<'a>(&'a MemoryTree, Cell<usize>);
        impl NodeSource for Counting<'_> {
            type Error = MissingNode;
            fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
                self.1.set(self.1.get() + 1);
                self.0.node(level, index)
            }
        }
        let tree = MemoryTree::from_leaf_hashes(leaves(1000));
        for size in [1u64, 2, 3, 511, 512, 513, 999, 1000] {
            let counting = Counting(&tree, Cell::new(0));
            root(&counting, size).expect("stored");
            assert_eq!(counting.1.get(), size.count_ones() as usize);
            assert_eq!(root_nodes(size).len(), size.count_ones() as usize);
        }
    }

    #[test]
    fn prefetched_plan_is_enough_for_a_proof() {
        let tree = MemoryTree::from_leaf_hashes(leaves(100));
        let plan = Plan::consistency(37, 91).expect("old <= new");
        let fetched: BTreeMap<NodeId, Hash> =
            plan.nodes().into_iter().map(|id| (id, tree.node(id.level, id.index).expect("stored"))).collect();
        let proof = prove_consistency(&fetched, 37, 91).expect("prefetched");
        assert_eq!(proof, tree.prove_consistency(37, 91).expect("in range"));
        let (r37, r91) = (tree.root_at(37), tree.root_at(91));
        let (r37, r91) = (r37.expect("stored"), r91.expect("stored"));
        assert_eq!(verify_consistency(37, 91, &proof.path, &r37, &r91), Ok(()));
    }

    #[test]
    fn proofs_for_every_index_and_size_verify() {
        let all = leaves(70);
        let tree = MemoryTree::from_leaf_hashes(all.iter().copied());
        for size in 1..=70u64 {
            let r = tree.root_at(size).expect("stored");
            for index in 0..size {
                let p = tree.prove_inclusion(index, size).expect("in range");
                assert_eq!(verify_inclusion(&all[index as usize], index, size, &p.path, &r), Ok(()));
            }
            for old in 0..=size {
                let p = tree.prove_consistency(old, size).expect("old <= new");
                let old_root = tree.root_at(old).expect("stored");
                assert_eq!(p.verify(&old_root, &r), Ok(()), "{old} -> {size}");
            }
        }
    }

    #[test]
    fn proofs_beyond_the_tree_are_errors() {
        let tree = MemoryTree::from_leaf_hashes(leaves(10));
        assert!(matches!(tree.prove_inclusion(3, 11), Err(ProveError::Source(MissingNode(_)))));
        assert!(matches!(tree.prove_inclusion(10, 10), Err(ProveError::Plan(_))));
        assert!(matches!(tree.prove_consistency(11, 10), Err(ProveError::Plan(_))));
    }
}
