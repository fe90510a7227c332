//! RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF/SUBPROOF) as plans: the complete
//! subtrees ([`NodeId`]s) whose hashes make up a tree head or each element of a proof.

use std::collections::BTreeSet;

use super::error::PlanError;
use super::hash::Hash;
use super::source::{NodeId, NodeSource};

/// Leaves `[start, end)`; one proof element is `MTH(D[start:end])`.
///
/// Invariant (true for every span the RFC recursion produces): `start` is a multiple of a power of
/// two that is at least `end - start`, so the span splits into aligned perfect subtrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u64,
    end: u64,
}

impl Span {
    /// The perfect subtrees covering the span, left to right, largest first.
    fn nodes(self) -> impl Iterator<Item = NodeId> {
        let end = self.end;
        let mut start = self.start;
        std::iter::from_fn(move || {
            let len = end.checked_sub(start).filter(|&l| l > 0)?;
            // level of the largest power of two <= len: 0..=63
            let level = 63 - len.leading_zeros();
            let id = NodeId { level: level as u8, index: start >> level };
            start += 1u64 << level;
            Some(id)
        })
    }

    /// `MTH(D[start:end])`: the perfect subtrees folded from the right (RFC 9162 §2.1.1 splits at
    /// the largest power of two below the size, which is the first subtree here).
    fn hash<S: NodeSource + ?Sized>(self, source: &S) -> Result<Hash, S::Error> {
        let mut acc: Option<Hash> = None;
        let nodes: Vec<NodeId> = self.nodes().collect();
        for id in nodes.iter().rev() {
            let h = source.node(id.level, id.index)?;
            acc = Some(match acc {
                None => h,
                Some(right) => Hash::node(&h, &right),
            });
        }
        Ok(acc.unwrap_or_else(Hash::empty_tree))
    }
}

/// Largest power of two strictly below `n`; `n >= 2`.
fn split_point(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// The subtrees a proof is made of, element by element, before anything is read.
///
/// Let an async store fetch [`Plan::nodes`] in one query into a `BTreeMap<NodeId, Hash>`, then
/// call [`Plan::resolve`] on that map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    spans: Vec<Span>,
}

impl Plan {
    /// Inclusion proof `PATH(index, D[size])` (RFC 9162 §2.1.3.1), leaf side first.
    pub fn inclusion(index: u64, size: u64) -> Result<Plan, PlanError> {
        if index >= size {
            return Err(PlanError::IndexOutOfRange { index, size });
        }
        let (mut start, mut end) = (0u64, size);
        let mut spans = Vec::new();
        while end - start > 1 {
            let k = split_point(end - start);
            if index < start + k {
                spans.push(Span { start: start + k, end });
                end = start + k;
            } else {
                spans.push(Span { start, end: start + k });
                start += k;
            }
        }
        spans.reverse();
        Ok(Plan { spans })
    }

    /// Consistency proof `PROOF(old, D[new])` (RFC 9162 §2.1.4.1), bottom first.
    ///
    /// Empty when `old == new` or `old == 0` (every tree extends the empty tree).
    pub fn consistency(old: u64, new: u64) -> Result<Plan, PlanError> {
        if old > new {
            return Err(PlanError::OldSizeLarger { old, new });
        }
        let mut spans = Vec::new();
        if old == 0 {
            return Ok(Plan { spans });
        }
        // SUBPROOF(m, D[start:end], b) with m = old - start.
        let (mut start, mut end, mut whole) = (0u64, new, true);
        loop {
            let len = end - start;
            let m = old - start;
            if m == len {
                if !whole {
                    spans.push(Span { start, end });
                }
                break;
            }
            let k = split_point(len);
            if m <= k {
                spans.push(Span { start: start + k, end });
                end = start + k;
            } else {
                spans.push(Span { start, end: start + k });
                start += k;
                whole = false;
            }
        }
        spans.reverse();
        Ok(Plan { spans })
    }

    /// Number of hashes in the proof.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the proof has no hashes.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every subtree the proof needs, deduplicated: fetch these from storage.
    pub fn nodes(&self) -> BTreeSet<NodeId> {
        self.spans.iter().flat_map(|s| s.nodes()).collect()
    }

    /// Reads the subtrees and computes each proof element.
    pub fn resolve<S: NodeSource + ?Sized>(&self, source: &S) -> Result<Vec<Hash>, S::Error> {
        self.spans.iter().map(|s| s.hash(source)).collect()
    }
}

/// The subtrees whose hashes make up the tree head of `size` leaves: one per set bit of `size`.
pub fn root_nodes(size: u64) -> Vec<NodeId> {
    Span { start: 0, end: size }.nodes().collect()
}

/// Merkle tree head `MTH(D[size])` (RFC 9162 §2.1.1) from at most 64 stored subtrees;
/// [`Hash::empty_tree`] for size 0.
pub fn root<S: NodeSource + ?Sized>(source: &S, size: u64) -> Result<Hash, S::Error> {
    Span { start: 0, end: size }.hash(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn root_nodes_follow_the_bits_of_the_size() {
        assert_eq!(root_nodes(0), vec![]);
        assert_eq!(
            root_nodes(13),
            vec![NodeId { level: 3, index: 0 }, NodeId { level: 2, index: 2 }, NodeId { level: 0, index: 12 },]
        );
        assert_eq!(root_nodes(u64::MAX).len(), 64);
    }

    #[test]
    fn plans_have_rfc9162_example_shapes() {
        // RFC 9162 §2.1.5 example tree of 7 leaves (a..g): the path for d is [c, g(a,b), i(e,f,g)].
        let p = Plan::inclusion(3, 7).expect("in range");
        assert_eq!(p.spans, vec![Span { start: 2, end: 3 }, Span { start: 0, end: 2 }, Span { start: 4, end: 7 },]);
        // The consistency proof between hash0 (3 leaves) and hash (7 leaves) is [c, d, g, l].
        let p = Plan::consistency(3, 7).expect("old <= new");
        assert_eq!(
            p.spans,
            vec![
                Span { start: 2, end: 3 },
                Span { start: 3, end: 4 },
                Span { start: 0, end: 2 },
                Span { start: 4, end: 7 },
            ]
        );
        // between hash1 (4 leaves) and hash: [l]
        let p = Plan::consistency(4, 7).expect("old <= new");
        assert_eq!(p.spans, vec![Span { start: 4, end: 7 }]);
        // between hash2 (6 leaves) and hash: [i, j, k]
        let p = Plan::consistency(6, 7).expect("old <= new");
        assert_eq!(p.spans, vec![Span { start: 4, end: 6 }, Span { start: 6, end: 7 }, Span { start: 0, end: 4 },]);
    }

    #[test]
    fn impossible_requests_are_rejected() {
        assert_eq!(Plan::inclusion(5, 5), Err(PlanError::IndexOutOfRange { index: 5, size: 5 }));
        assert_eq!(Plan::inclusion(0, 0), Err(PlanError::IndexOutOfRange { index: 0, size: 0 }));
        assert_eq!(Plan::consistency(6, 5), Err(PlanError::OldSizeLarger { old: 6, new: 5 }));
        assert!(Plan::consistency(0, 5).expect("ok").is_empty());
        assert!(Plan::consistency(5, 5).expect("ok").is_empty());
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        // the last leaf of a 2^64 - 1 leaf tree sits beside 63 perfect subtrees
        let p = Plan::inclusion(u64::MAX - 1, u64::MAX).expect("in range");
        assert_eq!(p.len(), 63);
        let p = Plan::consistency(u64::MAX - 1, u64::MAX).expect("ok");
        assert!(p.len() <= 128);
        let p = Plan::consistency(1, u64::MAX).expect("ok");
        assert_eq!(p.len(), 64);
    }
}
