//! RFC 9162 §2.1.3 inclusion proofs: generation (§2.1.3.1) and verification (§2.1.3.2).

use super::error::{ProofError, ProveError};
use super::hash::Hash;
use super::plan::Plan;
use super::source::NodeSource;

/// An inclusion proof (audit path) of the leaf at `leaf_index` in the tree of `tree_size` leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// Index of the proved leaf.
    pub leaf_index: u64,
    /// Size of the tree whose head the proof leads to.
    pub tree_size: u64,
    /// `PATH(leaf_index, D[tree_size])`, leaf side first.
    pub path: Vec<Hash>,
}

impl InclusionProof {
    /// Checks that `leaf_hash` is at `leaf_index` in the tree with head `root`
    /// (see [`verify_inclusion`]).
    pub fn verify(&self, leaf_hash: &Hash, root: &Hash) -> Result<(), ProofError> {
        verify_inclusion(leaf_hash, self.leaf_index, self.tree_size, &self.path, root)
    }
}

/// Builds the inclusion proof of leaf `leaf_index` in the tree of the first `tree_size` leaves
/// (RFC 9162 §2.1.3.1), reading at most `O(log² n)` stored subtrees from `source`.
///
/// `source` may hold more leaves than `tree_size`: complete subtrees never change.
pub fn prove_inclusion<S: NodeSource + ?Sized>(
    source: &S,
    leaf_index: u64,
    tree_size: u64,
) -> Result<InclusionProof, ProveError<S::Error>> {
    let plan = Plan::inclusion(leaf_index, tree_size)?;
    let path = plan.resolve(source).map_err(ProveError::Source)?;
    Ok(InclusionProof { leaf_index, tree_size, path })
}

/// Number of hashes in `PATH(index, D[size])`; `index < size`.
fn path_len(index: u64, size: u64) -> usize {
    // Levels where the paths to `index` and to the last leaf differ, plus the
    // left siblings above where they meet.
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// RFC 9162 §2.1.3.2: the tree head that `path` leads to from `leaf_hash` at `leaf_index` in a
/// tree of `tree_size` leaves. Fails on an index out of range or a path of the wrong length.
pub fn root_from_inclusion_path(
    leaf_hash: &Hash,
    leaf_index: u64,
    tree_size: u64,
    path: &[Hash],
) -> Result<Hash, ProofError> {
    if leaf_index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index: leaf_index, size: tree_size });
    }
    let expected = path_len(leaf_index, tree_size);
    let wrong_length = ProofError::WrongPathLength { expected, actual: path.len() };
    if path.len() != expected {
        return Err(wrong_length);
    }
    let (mut fnode, mut snode) = (leaf_index, tree_size - 1);
    let mut r = *leaf_hash;
    for p in path {
        if snode == 0 {
            return Err(wrong_length);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = Hash::node(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = Hash::node(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(wrong_length);
    }
    Ok(r)
}

/// RFC 9162 §2.1.3.2: checks that `leaf_hash` is at `leaf_index` in the tree of `tree_size`
/// leaves whose head is `root`.
///
/// As in the RFC, `tree_size` is only trusted together with `root` (both from one signed tree
/// head): a proof may also verify for another size whose path has the same shape.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    leaf_index: u64,
    tree_size: u64,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion_path(leaf_hash, leaf_index, tree_size, path)?;
    if computed == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_len_agrees_with_plan() {
        for size in 1..=300u64 {
            for index in 0..size {
                let plan = Plan::inclusion(index, size).expect("in range");
                assert_eq!(path_len(index, size), plan.len(), "{index} of {size}");
            }
        }
        assert_eq!(path_len(0, u64::MAX), 64);
        assert_eq!(path_len(u64::MAX - 1, u64::MAX), 63);
    }

    #[test]
    fn single_leaf_tree_has_empty_path() {
        let leaf = Hash::leaf(b"only");
        assert_eq!(verify_inclusion(&leaf, 0, 1, &[], &leaf), Ok(()));
        assert_eq!(
            verify_inclusion(&leaf, 0, 1, &[leaf], &leaf),
            Err(ProofError::WrongPathLength { expected: 0, actual: 1 })
        );
        assert_eq!(verify_inclusion(&leaf, 1, 1, &[], &leaf), Err(ProofError::IndexOutOfRange { index: 1, size: 1 }));
        assert_eq!(verify_inclusion(&leaf, 0, 0, &[], &leaf), Err(ProofError::IndexOutOfRange { index: 0, size: 0 }));
    }

    #[test]
    fn three_leaf_tree_by_hand() {
        let [a, b, c] = [b"a", b"b", b"c"].map(|d| Hash::leaf(d));
        let ab = Hash::node(&a, &b);
        let root = Hash::node(&ab, &c);
        assert_eq!(verify_inclusion(&a, 0, 3, &[b, c], &root), Ok(()));
        assert_eq!(verify_inclusion(&b, 1, 3, &[a, c], &root), Ok(()));
        assert_eq!(verify_inclusion(&c, 2, 3, &[ab], &root), Ok(()));
        assert_eq!(verify_inclusion(&a, 1, 3, &[b, c], &root), Err(ProofError::RootMismatch));
    }
}
