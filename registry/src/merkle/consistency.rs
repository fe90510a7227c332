//! RFC 9162 §2.1.4 consistency proofs: generation (§2.1.4.1) and verification (§2.1.4.2).

use super::error::{ProofError, ProveError};
use super::hash::Hash;
use super::plan::Plan;
use super::source::NodeSource;

/// A proof that the tree of `new_size` leaves extends the tree of `old_size` leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// Size of the earlier tree.
    pub old_size: u64,
    /// Size of the later tree.
    pub new_size: u64,
    /// `PROOF(old_size, D[new_size])`, bottom first.
    pub path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Checks that `new_root` extends `old_root` (see [`verify_consistency`]).
    pub fn verify(&self, old_root: &Hash, new_root: &Hash) -> Result<(), ProofError> {
        verify_consistency(self.old_size, self.new_size, &self.path, old_root, new_root)
    }
}

/// Builds the consistency proof between the trees of the first `old_size` and `new_size` leaves
/// (RFC 9162 §2.1.4.1). Empty when `old_size` is 0 or equals `new_size`.
pub fn prove_consistency<S: NodeSource + ?Sized>(
    source: &S,
    old_size: u64,
    new_size: u64,
) -> Result<ConsistencyProof, ProveError<S::Error>> {
    let plan = Plan::consistency(old_size, new_size)?;
    let path = plan.resolve(source).map_err(ProveError::Source)?;
    Ok(ConsistencyProof { old_size, new_size, path })
}

/// RFC 9162 §2.1.4.2: checks that the tree of `new_size` leaves with head `new_root` extends the
/// tree of `old_size` leaves with head `old_root`.
///
/// Edge cases the RFC leaves out, handled as in transparency-dev: equal sizes need an empty path
/// and equal roots; old size 0 needs an empty path and the empty-tree root as `old_root`.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    path: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), ProofError> {
    let expected = Plan::consistency(old_size, new_size)
        .map_err(|_| ProofError::OldSizeLarger { old: old_size, new: new_size })?
        .len();
    let wrong_length = ProofError::WrongPathLength { expected, actual: path.len() };
    if path.len() != expected {
        return Err(wrong_length);
    }
    if old_size == 0 {
        return if *old_root == Hash::empty_tree() { Ok(()) } else { Err(ProofError::OldRootMismatch) };
    }
    if old_size == new_size {
        return if old_root == new_root { Ok(()) } else { Err(ProofError::NewRootMismatch) };
    }

    // Step 1: a power-of-two old tree is itself a node of the new tree: prepend its root.
    let (first, rest) = if old_size.is_power_of_two() {
        (*old_root, path)
    } else {
        match path.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(wrong_length),
        }
    };
    // Steps 2-3.
    let (mut fnode, mut snode) = (old_size - 1, new_size - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Steps 4-5.
    let (mut fr, mut sr) = (first, first);
    for c in rest {
        if snode == 0 {
            return Err(wrong_length);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = Hash::node(c, &fr);
            sr = Hash::node(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = Hash::node(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 6.
    if snode != 0 {
        return Err(wrong_length);
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(ProofError::NewRootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_cases() {
        let a = Hash::leaf(b"a");
        let b = Hash::leaf(b"b");
        let empty = Hash::empty_tree();
        assert_eq!(verify_consistency(0, 0, &[], &empty, &empty), Ok(()));
        assert_eq!(verify_consistency(0, 5, &[], &empty, &a), Ok(()));
        assert_eq!(verify_consistency(0, 5, &[], &a, &a), Err(ProofError::OldRootMismatch));
        assert_eq!(verify_consistency(3, 3, &[], &a, &a), Ok(()));
        assert_eq!(verify_consistency(3, 3, &[], &a, &b), Err(ProofError::NewRootMismatch));
        assert_eq!(verify_consistency(3, 3, &[a], &a, &a), Err(ProofError::WrongPathLength { expected: 0, actual: 1 }));
        assert_eq!(verify_consistency(4, 3, &[], &a, &a), Err(ProofError::OldSizeLarger { old: 4, new: 3 }));
    }

    #[test]
    fn one_to_two_leaves_by_hand() {
        let a = Hash::leaf(b"a");
        let b = Hash::leaf(b"b");
        let ab = Hash::node(&a, &b);
        assert_eq!(verify_consistency(1, 2, &[b], &a, &ab), Ok(()));
        assert_eq!(verify_consistency(1, 2, &[a], &a, &ab), Err(ProofError::NewRootMismatch));
        assert_eq!(verify_consistency(1, 2, &[b], &b, &ab), Err(ProofError::NewRootMismatch));
    }
}
