//! C2SP tlog-tiles §Partial Tiles: which tiles make up a tree of a given size, which tiles change
//! when it grows, and which tile a client fetches for a given subtree hash.

use std::collections::BTreeSet;

use super::coords::{Tile, MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH};
use crate::merkle::NodeId;

/// Number of complete subtree hashes at node level `8·level` in a tree of `size` leaves.
fn hashes_at(level: u8, size: u64) -> u64 {
    size >> (u32::from(level) * u32::from(TILE_HEIGHT))
}

/// The tiles of `level` holding hash indexes `from..to` (in a tree with `to` hashes there).
fn tiles_between(level: u8, from: u64, to: u64) -> impl Iterator<Item = Tile> {
    let width = u64::from(TILE_WIDTH);
    let (first, end) = if from < to { (from / width, to.div_ceil(width)) } else { (0, 0) };
    (first..end).map(move |n| {
        let w = (to - n * width).min(width);
        // 1 <= w <= 256 and n < 2^(56 - 8·level) because `to` counts hashes of a u64-sized tree.
        Tile::from_parts(level, n, w as u16)
    })
}

/// Every tile the log serves for a tree of `size` leaves: at each level, the full tiles and the
/// partial tile (if any) of width `floor(size / 256^L) mod 256`, level by level, left to right.
///
/// Lazy: a tree of `n` leaves has about `n / 255` tiles.
pub fn tiles_for_size(size: u64) -> impl Iterator<Item = Tile> {
    tiles_for_growth(0, size)
}

/// The tiles whose content is new when the tree grows from `old` to `new` leaves: what the log
/// writes (the full and partial tiles of `new` that did not exist at `old`). Empty when
/// `new <= old`.
pub fn tiles_for_growth(old: u64, new: u64) -> impl Iterator<Item = Tile> {
    (0..=MAX_TILE_LEVEL).flat_map(move |level| {
        let (from, to) = (hashes_at(level, old), hashes_at(level, new));
        tiles_between(level, from, to)
    })
}

/// The partial tiles of a tree of `size` leaves, lowest level first (at most 8).
pub fn partial_tiles(size: u64) -> Vec<Tile> {
    (0..=MAX_TILE_LEVEL)
        .filter_map(|level| {
            let w = hashes_at(level, size) % u64::from(TILE_WIDTH);
            let n = hashes_at(level, size) / u64::from(TILE_WIDTH);
            (w > 0).then(|| Tile::from_parts(level, n, w as u16))
        })
        .collect()
}

/// The tile, as published for a tree of `tree_size` leaves, from which the hash of `node` is
/// read or computed: the tile of level `floor(level / 8)` holding its `2^(level mod 8)` leaves.
///
/// `None` when the subtree is not complete in that tree.
pub fn tile_for_node(node: NodeId, tree_size: u64) -> Option<Tile> {
    let end = (u128::from(node.index) + 1).checked_shl(u32::from(node.level))?;
    if end > u128::from(tree_size) {
        return None;
    }
    let tile_level = node.level / TILE_HEIGHT;
    let first = node.index << (node.level % TILE_HEIGHT);
    let index = first >> TILE_HEIGHT;
    let width = u64::from(TILE_WIDTH);
    let w = (hashes_at(tile_level, tree_size) - index * width).min(width);
    Some(Tile::from_parts(tile_level, index, w as u16))
}

/// A subtree that a proof asked for is not complete in the tree of that size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("subtree at {node} is not complete in a tree of {tree_size} leaves")]
pub struct NodeNotInTree {
    /// The subtree asked for.
    pub node: NodeId,
    /// The tree size.
    pub tree_size: u64,
}

/// The tiles a client fetches to obtain `nodes` (e.g. [`crate::merkle::Plan::nodes`]) from a log
/// whose verified checkpoint has `tree_size` leaves.
pub fn tiles_for_nodes(
    nodes: impl IntoIterator<Item = NodeId>,
    tree_size: u64,
) -> Result<BTreeSet<Tile>, NodeNotInTree> {
    nodes.into_iter().map(|node| tile_for_node(node, tree_size).ok_or(NodeNotInTree { node, tree_size })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(tiles: impl IntoIterator<Item = Tile>) -> Vec<String> {
        tiles.into_iter().map(|t| t.path()).collect()
    }

    #[test]
    fn spec_example_of_70000_leaves() {
        // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level
        // 0 tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and
        // one partial level 2 tile of width 1."
        let tiles: Vec<Tile> = tiles_for_size(70_000).collect();
        let count =
            |level: u8, full: bool| tiles.iter().filter(|t| t.level() == level && t.is_partial() != full).count();
        assert_eq!((count(0, true), count(0, false)), (273, 1));
        assert_eq!((count(1, true), count(1, false)), (1, 1));
        assert_eq!((count(2, true), count(2, false)), (0, 1));
        assert_eq!(tiles.len(), 277);
        assert_eq!(paths(partial_tiles(70_000)), ["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"]);
    }

    #[test]
    fn spec_example_of_256_leaves() {
        // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
        // tile of width 1."
        assert_eq!(paths(tiles_for_size(256)), ["tile/0/000", "tile/1/000.p/1"]);
        assert!(tiles_for_size(0).next().is_none());
        assert_eq!(paths(tiles_for_size(1)), ["tile/0/000.p/1"]);
    }

    #[test]
    fn growth_rewrites_the_partial_tiles_only() {
        assert_eq!(paths(tiles_for_growth(300, 600)), ["tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2"]);
        assert_eq!(paths(tiles_for_growth(256, 257)), ["tile/0/001.p/1"]);
        assert!(tiles_for_growth(600, 600).next().is_none());
        assert!(tiles_for_growth(600, 300).next().is_none());
        // growing step by step publishes every tile of the final tree
        let mut seen = BTreeSet::new();
        let mut last = 0;
        for size in [1, 2, 255, 256, 257, 1000, 65_536, 70_000] {
            seen.extend(tiles_for_growth(last, size));
            last = size;
        }
        for t in tiles_for_size(70_000) {
            assert!(seen.contains(&t), "{t}");
        }
    }

    #[test]
    fn largest_tree() {
        let partial = partial_tiles(u64::MAX);
        assert_eq!(partial.len(), 8);
        assert_eq!(partial[7].path(), "tile/7/000.p/255");
        let last = tiles_for_growth(u64::MAX - 1, u64::MAX).collect::<Vec<_>>();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].width(), 255);
        let leaf = NodeId::leaf(u64::MAX - 1);
        assert_eq!(tile_for_node(leaf, u64::MAX), Some(last[0]));
    }

    #[test]
    fn node_to_tile() {
        let at = |level, index, size| tile_for_node(NodeId { level, index }, size).map(|t| t.path());
        assert_eq!(at(0, 5, 10).as_deref(), Some("tile/0/000.p/10"));
        assert_eq!(at(0, 10, 10), None);
        assert_eq!(at(3, 1, 16).as_deref(), Some("tile/0/000.p/16"));
        assert_eq!(at(3, 1, 15), None);
        assert_eq!(at(3, 40, 1000).as_deref(), Some("tile/0/001"));
        assert_eq!(at(8, 2, 1000).as_deref(), Some("tile/1/000.p/3"));
        assert_eq!(at(9, 1, 1024).as_deref(), Some("tile/1/000.p/4"));
        assert_eq!(at(16, 0, 70_000).as_deref(), Some("tile/2/000.p/1"));
        assert_eq!(at(63, 1, u64::MAX), None);
        assert_eq!(at(63, u64::MAX, u64::MAX), None);
        let err = tiles_for_nodes([NodeId::leaf(3), NodeId::leaf(9)], 9);
        assert_eq!(err, Err(NodeNotInTree { node: NodeId::leaf(9), tree_size: 9 }));
    }
}
