//! C2SP tlog-tiles §Merkle Tree and §Log entries: tile coordinates. A tile of level `L`, index `N`
//! and width `W` holds the hashes of the `W` complete subtrees at node level `8·L` starting at
//! subtree index `N·256`; an entry bundle is the list of entries behind a level-0 tile.

use std::fmt;

use crate::merkle::NodeId;

/// Number of node levels a tile spans (tlog-tiles fixes the tile height to 8).
pub const TILE_HEIGHT: u8 = 8;
/// Number of hashes in a full tile.
pub const TILE_WIDTH: u16 = 256;
/// Highest tile level that can exist in a tree of fewer than 2^64 leaves (node level 56).
///
/// The path grammar allows levels up to 63; a higher level is syntactically valid but cannot
/// hold a single complete hash.
pub const MAX_TILE_LEVEL: u8 = 7;

/// Why tile coordinates cannot name a tile of a tree of fewer than 2^64 leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    /// The level is above [`MAX_TILE_LEVEL`].
    #[error("tile level {0} is above {MAX_TILE_LEVEL}: no such tile below 2^64 leaves")]
    Level(u8),
    /// The width is not between 1 and 256.
    #[error("tile width {0} is not between 1 and 256")]
    Width(u16),
    /// The tile would start at or beyond leaf 2^64.
    #[error("tile index {index} at level {level} starts beyond 2^64 leaves")]
    Index {
        /// The tile level.
        level: u8,
        /// The tile index.
        index: u64,
    },
}

/// A Merkle tree tile: level, index within the level, and width (256 for a full tile).
///
/// Only coordinates of tiles that can exist in a tree of fewer than 2^64 leaves are
/// constructible. `Display` prints the resource path `tile/<L>/<N>[.p/<W>]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tile {
    level: u8,
    index: u64,
    width: u16,
}

impl Tile {
    /// Checked coordinates: `level <= 7`, `1 <= width <= 256`, and the tile starts below leaf
    /// 2^64 (`index < 2^(56 - 8·level)`).
    pub fn new(level: u8, index: u64, width: u16) -> Result<Tile, TileError> {
        if level > MAX_TILE_LEVEL {
            return Err(TileError::Level(level));
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(TileError::Width(width));
        }
        // The first hash has subtree index `index · 256` at node level `8·level`, so it starts at
        // leaf `index · 2^(8·level + 8)`, which must be below 2^64.
        let index_bits = 56 - u32::from(level) * u32::from(TILE_HEIGHT);
        if index.checked_shr(index_bits).unwrap_or(0) != 0 {
            return Err(TileError::Index { level, index });
        }
        Ok(Tile { level, index, width })
    }

    /// The full tile (width 256) at these coordinates.
    pub fn full(level: u8, index: u64) -> Result<Tile, TileError> {
        Tile::new(level, index, TILE_WIDTH)
    }

    /// The same tile with another width.
    pub fn with_width(self, width: u16) -> Result<Tile, TileError> {
        Tile::new(self.level, self.index, width)
    }

    /// The tile level `L`.
    pub fn level(&self) -> u8 {
        self.level
    }

    /// The tile index `N` within its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The number of hashes `W`, 256 for a full tile.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Whether the tile has fewer than 256 hashes.
    pub fn is_partial(&self) -> bool {
        self.width < TILE_WIDTH
    }

    /// The size of the tile's content: 32 bytes per hash.
    pub fn byte_len(&self) -> usize {
        usize::from(self.width) * 32
    }

    /// The node level of the hashes the tile stores: `8·L`.
    pub fn node_level(&self) -> u8 {
        self.level * TILE_HEIGHT
    }

    /// The subtree of the `i`-th hash of the tile, or `None` when `i >= width`.
    pub fn node(&self, i: u16) -> Option<NodeId> {
        (i < self.width).then(|| NodeId { level: self.node_level(), index: (self.index << TILE_HEIGHT) | u64::from(i) })
    }

    /// The subtrees whose hashes the tile stores, in order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.width).filter_map(|i| self.node(i))
    }

    /// The resource path `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        self.to_string()
    }

    /// Coordinates known to be valid (built by this module's layout arithmetic).
    pub(super) fn from_parts(level: u8, index: u64, width: u16) -> Tile {
        Tile { level, index, width }
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tile/{}/", self.level)?;
        super::path::write_index_and_width(f, self.index, self.width)
    }
}

/// An entry bundle: the entries whose leaf hashes make up the level-0 tile of the same index and
/// width. `Display` prints `tile/entries/<N>[.p/<W>]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntriesTile(Tile);

impl EntriesTile {
    /// Checked coordinates, as for a level-0 [`Tile`].
    pub fn new(index: u64, width: u16) -> Result<EntriesTile, TileError> {
        Tile::new(0, index, width).map(EntriesTile)
    }

    /// The bundle behind a level-0 tile; `None` for other levels.
    pub fn for_tile(tile: Tile) -> Option<EntriesTile> {
        (tile.level == 0).then_some(EntriesTile(tile))
    }

    /// The level-0 tile holding the leaf hashes of these entries.
    pub fn tile(&self) -> Tile {
        self.0
    }

    /// The bundle index `N`.
    pub fn index(&self) -> u64 {
        self.0.index
    }

    /// The number of entries `W`, 256 for a full bundle.
    pub fn width(&self) -> u16 {
        self.0.width
    }

    /// Whether the bundle has fewer than 256 entries.
    pub fn is_partial(&self) -> bool {
        self.0.is_partial()
    }

    /// Index in the log of the bundle's first entry: `N·256`.
    pub fn first_entry(&self) -> u64 {
        self.0.index << TILE_HEIGHT
    }

    /// The resource path `tile/entries/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for EntriesTile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tile/entries/")?;
        super::path::write_index_and_width(f, self.0.index, self.0.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_checked() {
        assert!(Tile::new(0, (1 << 56) - 1, 256).is_ok());
        assert_eq!(Tile::new(0, 1 << 56, 1), Err(TileError::Index { level: 0, index: 1 << 56 }));
        assert!(Tile::new(6, 255, 256).is_ok());
        assert!(Tile::new(6, 256, 256).is_err());
        assert!(Tile::new(7, 0, 256).is_ok());
        assert!(Tile::new(7, 1, 1).is_err());
        assert_eq!(Tile::new(8, 0, 1), Err(TileError::Level(8)));
        assert_eq!(Tile::new(0, 0, 0), Err(TileError::Width(0)));
        assert_eq!(Tile::new(0, 0, 257), Err(TileError::Width(257)));
    }

    #[test]
    fn nodes_are_at_eight_times_the_level() {
        let t = Tile::new(1, 3, 2).expect("valid");
        let nodes: Vec<_> = t.nodes().collect();
        assert_eq!(nodes, vec![NodeId { level: 8, index: 768 }, NodeId { level: 8, index: 769 }]);
        assert_eq!(t.node(2), None);
        assert_eq!(t.byte_len(), 64);
        // The very last hash of the largest tile is a node of a 2^64 - 1 leaf tree's span.
        let top = Tile::full(7, 0).expect("valid");
        assert_eq!(top.node(255), Some(NodeId { level: 56, index: 255 }));
    }

    #[test]
    fn entries_tiles_are_level_zero() {
        let t = Tile::new(0, 5, 17).expect("valid");
        let e = EntriesTile::for_tile(t).expect("level 0");
        assert_eq!(e.tile(), t);
        assert_eq!(e.first_entry(), 1280);
        assert_eq!(EntriesTile::for_tile(Tile::full(1, 0).expect("valid")), None);
    }
}
