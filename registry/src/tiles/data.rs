//! C2SP tlog-tiles §Merkle Tree tile contents: the tile's hashes concatenated, 32 bytes each.
//! Built from a [`NodeSource`] on the log side; on the client side, a [`TileSet`] of fetched tiles
//! is itself a [`NodeSource`], so proofs are computed from tiles with the crate's proof code.

use std::collections::BTreeMap;

use super::coords::{Tile, TILE_HEIGHT, TILE_WIDTH};
use crate::merkle::{Hash, NodeId, NodeSource};

/// The content of `tile`: the hashes of its subtrees (node level `8·L`) read from `source`.
pub fn tile_bytes<S: NodeSource + ?Sized>(source: &S, tile: Tile) -> Result<Vec<u8>, S::Error> {
    let mut out = Vec::with_capacity(tile.byte_len());
    for node in tile.nodes() {
        out.extend_from_slice(source.node(node.level, node.index)?.as_bytes());
    }
    Ok(out)
}

/// Why fetched bytes cannot be used as a tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TileDataError {
    /// The content is not `32 · width` bytes long.
    #[error("tile {tile} has {actual} bytes, expected {expected}")]
    Length {
        /// The tile.
        tile: Tile,
        /// `32 · width`.
        expected: usize,
        /// The length received.
        actual: usize,
    },
    /// The tile disagrees with an overlapping copy already loaded (a partial tile must be a
    /// prefix of every wider version of it).
    #[error("tile {tile} conflicts with the copy already loaded")]
    Conflict {
        /// The tile.
        tile: Tile,
    },
}

/// Splits the content of `tile` into its hashes.
pub fn parse_tile(tile: Tile, bytes: &[u8]) -> Result<Vec<Hash>, TileDataError> {
    if bytes.len() != tile.byte_len() {
        return Err(TileDataError::Length { tile, expected: tile.byte_len(), actual: bytes.len() });
    }
    Ok(bytes.chunks_exact(Hash::LEN).filter_map(|c| Hash::try_from(c).ok()).collect())
}

/// A subtree hash could not be read from the loaded tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TileSourceError {
    /// The tile holding the subtree is not loaded, or is loaded narrower than this width.
    #[error("{0} is not loaded")]
    Missing(Tile),
    /// No tile can hold this subtree: it starts beyond 2^64 leaves.
    #[error("no tile holds the subtree at {0}")]
    NoSuchNode(NodeId),
}

/// Tiles fetched from a log, keyed by level and index, each kept at the widest width seen.
///
/// As a [`NodeSource`] it returns the hash of subtree `(level, i)` from tile level
/// `floor(level / 8)`, hashing `2^(level mod 8)` consecutive tile hashes together when the level
/// is not a multiple of 8. The hashes are not authenticated by themselves: verify what is
/// computed from them against a verified checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TileSet {
    tiles: BTreeMap<(u8, u64), Vec<Hash>>,
}

impl TileSet {
    /// No tiles.
    pub fn new() -> TileSet {
        TileSet::default()
    }

    /// Adds fetched tile content. A narrower copy of a loaded tile is checked against it and
    /// otherwise ignored; a wider one replaces it after the same check.
    pub fn insert(&mut self, tile: Tile, bytes: &[u8]) -> Result<(), TileDataError> {
        let hashes = parse_tile(tile, bytes)?;
        let key = (tile.level(), tile.index());
        match self.tiles.get(&key) {
            Some(loaded) => {
                let common = loaded.len().min(hashes.len());
                if loaded.get(..common) != hashes.get(..common) {
                    return Err(TileDataError::Conflict { tile });
                }
                if hashes.len() > loaded.len() {
                    self.tiles.insert(key, hashes);
                }
            }
            None => {
                self.tiles.insert(key, hashes);
            }
        }
        Ok(())
    }

    /// Whether `tile` is loaded at least as wide as its width.
    pub fn contains(&self, tile: Tile) -> bool {
        self.tiles.get(&(tile.level(), tile.index())).is_some_and(|h| h.len() >= usize::from(tile.width()))
    }

    /// Number of tiles loaded.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// Whether no tile is loaded.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }
}

/// Root of a perfect subtree over `hashes` (a power of two of them).
fn perfect_root(hashes: &[Hash]) -> Option<Hash> {
    let mut layer = hashes.to_vec();
    while layer.len() > 1 {
        layer = layer
            .chunks_exact(2)
            .map(|pair| match pair {
                [l, r] => Hash::node(l, r),
                _ => Hash::empty_tree(),
            })
            .collect();
    }
    layer.first().copied()
}

impl NodeSource for TileSet {
    type Error = TileSourceError;

    fn node(&self, level: u8, index: u64) -> Result<Hash, TileSourceError> {
        let id = NodeId { level, index };
        let no_such = TileSourceError::NoSuchNode(id);
        let (tile_level, rise) = (level / TILE_HEIGHT, u32::from(level % TILE_HEIGHT));
        if index.checked_shr(64 - rise).unwrap_or(0) != 0 {
            return Err(no_such);
        }
        let first = index << rise;
        let offset = (first % u64::from(TILE_WIDTH)) as usize;
        let needed = offset + (1usize << rise);
        let tile = Tile::new(tile_level, first >> TILE_HEIGHT, needed as u16).map_err(|_| no_such)?;
        let hashes = self
            .tiles
            .get(&(tile.level(), tile.index()))
            .and_then(|h| h.get(offset..needed))
            .ok_or(TileSourceError::Missing(tile))?;
        perfect_root(hashes).ok_or(TileSourceError::Missing(tile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemoryTree;

    fn tree(size: u64) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..size {
            t.append_data(&i.to_be_bytes());
        }
        t
    }

    #[test]
    fn tiles_hold_the_subtrees_of_their_level() {
        let t = tree(600);
        let tile = Tile::new(1, 0, 2).expect("valid");
        let bytes = tile_bytes(&t, tile).expect("complete");
        assert_eq!(bytes.len(), 64);
        assert_eq!(&bytes[..32], t.root_at(256).expect("stored").as_bytes());
        let hashes = parse_tile(tile, &bytes).expect("right length");
        assert_eq!(hashes[1], t.node(8, 1).expect("stored"));
        // a tile wider than the tree is not complete yet
        assert!(tile_bytes(&t, Tile::new(1, 0, 3).expect("valid")).is_err());
    }

    #[test]
    fn tile_set_computes_intermediate_levels() {
        let t = tree(600);
        let mut set = TileSet::new();
        for tile in [Tile::full(0, 0), Tile::full(0, 1), Tile::new(0, 2, 88), Tile::new(1, 0, 2)] {
            let tile = tile.expect("valid");
            set.insert(tile, &tile_bytes(&t, tile).expect("complete")).expect("fits");
        }
        for (level, index) in [(0, 0), (0, 599), (1, 299), (3, 70), (7, 1), (8, 1), (9, 0)] {
            assert_eq!(set.node(level, index).ok(), t.node(level, index).ok(), "{level} {index}");
        }
        let missing = Tile::new(0, 2, 96).expect("valid");
        assert_eq!(set.node(3, 75), Err(TileSourceError::Missing(missing)));
        assert_eq!(set.node(10, 0), Err(TileSourceError::Missing(Tile::new(1, 0, 4).expect("valid"))));
        let id = NodeId { level: 63, index: 2 };
        assert_eq!(set.node(63, 2), Err(TileSourceError::NoSuchNode(id)));
        assert!(matches!(set.node(200, 0), Err(TileSourceError::NoSuchNode(_))));
        assert!(set.node(0, u64::MAX).is_err());
    }

    #[test]
    fn inserting_checks_lengths_and_overlaps() {
        let t = tree(300);
        let full = Tile::full(0, 0).expect("valid");
        let partial = Tile::new(0, 0, 10).expect("valid");
        let bytes = tile_bytes(&t, full).expect("complete");
        let mut set = TileSet::new();
        assert_eq!(
            set.insert(full, &bytes[..100]),
            Err(TileDataError::Length { tile: full, expected: 8192, actual: 100 })
        );
        set.insert(partial, &bytes[..320]).expect("fits");
        assert!(set.contains(partial) && !set.contains(full));
        set.insert(full, &bytes).expect("consistent");
        assert!(set.contains(full));
        set.insert(partial, &bytes[..320]).expect("narrower copy agrees");
        let mut forged = bytes[..320].to_vec();
        forged[5] ^= 1;
        assert_eq!(set.insert(partial, &forged), Err(TileDataError::Conflict { tile: partial }));
        assert_eq!(set.len(), 1);
    }
}
