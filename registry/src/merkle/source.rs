//! RFC 9162 §2.1.1 complete perfect subtrees, addressed as in C2SP tlog-tiles by (level, index),
//! and the [`NodeSource`] trait that proof generation reads them through.

use std::collections::BTreeMap;
use std::fmt;

use super::hash::Hash;

/// A complete perfect subtree: `2^level` leaves starting at leaf `index << level`.
///
/// Level 0 is a leaf hash; `(level + 1, i)` is the node hash of `(level, 2i)` and `(level, 2i + 1)`.
/// Once complete, such a subtree never changes as the log grows, so it can be stored for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    /// Height above the leaves; the subtree has `2^level` leaves.
    pub level: u8,
    /// Position among the subtrees of this level, from the left.
    pub index: u64,
}

impl NodeId {
    /// The leaf at `index`.
    pub fn leaf(index: u64) -> NodeId {
        NodeId { level: 0, index }
    }

    /// The subtree one level up that contains this one.
    pub fn parent(self) -> NodeId {
        NodeId { level: self.level.saturating_add(1), index: self.index >> 1 }
    }

    /// The two halves of this subtree, or `None` for a leaf.
    pub fn children(self) -> Option<(NodeId, NodeId)> {
        let level = self.level.checked_sub(1)?;
        let left = self.index.checked_mul(2)?;
        let right = left.checked_add(1)?;
        Some((NodeId { level, index: left }, NodeId { level, index: right }))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "level {} index {}", self.level, self.index)
    }
}

/// The subtrees that become complete when the leaf with index `leaf_index` is appended, bottom
/// up: the leaf itself, then each parent whose right child has just been completed.
///
/// A store hashes each with [`Hash::node`] of its [`NodeId::children`] (the left child is already
/// stored) and persists it.
pub fn completed_by_append(leaf_index: u64) -> impl Iterator<Item = NodeId> {
    let mut next = Some(NodeId::leaf(leaf_index));
    std::iter::from_fn(move || {
        let current = next?;
        next = (current.index & 1 == 1 && current.level < 63).then(|| current.parent());
        Some(current)
    })
}

/// Where proof generation reads the hashes of complete perfect subtrees.
///
/// Implementations: [`super::MemoryTree`], a `BTreeMap<NodeId, Hash>` prefetched from storage
/// with [`super::Plan::nodes`], or a storage adapter.
pub trait NodeSource {
    /// Why a subtree hash could not be returned.
    type Error;

    /// The hash of the complete perfect subtree at `level`, `index` (see [`NodeId`]).
    fn node(&self, level: u8, index: u64) -> Result<Hash, Self::Error>;
}

impl<T: NodeSource + ?Sized> NodeSource for &T {
    type Error = T::Error;

    fn node(&self, level: u8, index: u64) -> Result<Hash, Self::Error> {
        (**self).node(level, index)
    }
}

/// The requested subtree is not (yet) complete or not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("subtree at {0} is not stored")]
pub struct MissingNode(pub NodeId);

impl NodeSource for BTreeMap<NodeId, Hash> {
    type Error = MissingNode;

    fn node(&self, level: u8, index: u64) -> Result<Hash, MissingNode> {
        let id = NodeId { level, index };
        self.get(&id).copied().ok_or(MissingNode(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_completes_nodes_along_trailing_ones() {
        let ids: Vec<_> = completed_by_append(0).collect();
        assert_eq!(ids, vec![NodeId::leaf(0)]);
        let ids: Vec<_> = completed_by_append(7).collect();
        assert_eq!(
            ids,
            vec![
                NodeId::leaf(7),
                NodeId { level: 1, index: 3 },
                NodeId { level: 2, index: 1 },
                NodeId { level: 3, index: 0 },
            ]
        );
        let ids: Vec<_> = completed_by_append(10).collect();
        assert_eq!(ids, vec![NodeId::leaf(10)]);
        assert_eq!(completed_by_append(u64::MAX).count(), 64);
    }

    #[test]
    fn children_and_parent_are_inverse() {
        let n = NodeId { level: 3, index: 5 };
        let (l, r) = n.children().expect("level 3 has children");
        assert_eq!(l, NodeId { level: 2, index: 10 });
        assert_eq!(r, NodeId { level: 2, index: 11 });
        assert_eq!(l.parent(), n);
        assert_eq!(r.parent(), n);
        assert_eq!(NodeId::leaf(4).children(), None);
    }
}
