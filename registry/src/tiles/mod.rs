//! C2SP tlog-tiles (c2sp.org/tlog-tiles): the log served as static, immutable tiles of 256 hashes
//! and entry bundles.
//!
//! - [`Tile`], [`EntriesTile`]: checked coordinates (level `L`, index `N`, width `W`); a tile of
//!   level `L` stores the hashes of node level `8·L` ([`crate::merkle::NodeId`]).
//! - [`TilePath`]: the resource paths `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`,
//!   parsed strictly (one canonical spelling per tile).
//! - [`tiles_for_size`], [`tiles_for_growth`], [`partial_tiles`]: what a log publishes;
//!   [`tiles_for_nodes`]: what a client fetches for a proof plan.
//! - [`tile_bytes`] builds a tile from any [`crate::merkle::NodeSource`]; [`TileSet`] turns
//!   fetched tiles back into one, so proofs are computed from tiles by the same code.
//! - [`encode_entry_bundle`], [`parse_entry_bundle`]: uint16 length-prefixed entries.
//!
//! Pure: no HTTP here; paths and bytes go in and out.

mod bundle;
mod coords;
mod data;
mod layout;
mod path;

pub use bundle::{encode_entry_bundle, entry_leaf_hashes, parse_entry_bundle, EntryBundleError, MAX_ENTRY_SIZE};
pub use coords::{EntriesTile, Tile, TileError, MAX_TILE_LEVEL, TILE_HEIGHT, TILE_WIDTH};
pub use data::{parse_tile, tile_bytes, TileDataError, TileSet, TileSourceError};
pub use layout::{partial_tiles, tile_for_node, tiles_for_growth, tiles_for_nodes, tiles_for_size, NodeNotInTree};
pub use path::{PathError, TilePath, MAX_PATH_LEN};
