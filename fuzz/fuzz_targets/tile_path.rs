//! C2SP tlog-tiles paths and contents, as the log's tile endpoint reads a requested path and a
//! client reads what a log served: the first line is a path, the rest the tile's bytes. A parsed
//! path is the one canonical spelling of its tile (it writes back byte for byte), a parsed hash
//! tile holds exactly its width of hashes, and a parsed entry bundle encodes back to its bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::first_line;
use medcred_registry::merkle::Hash;
use medcred_registry::tiles::{encode_entry_bundle, parse_entry_bundle, parse_tile, TilePath, TILE_WIDTH};

fuzz_target!(|data: &[u8]| {
    let (path, bytes) = first_line(data);
    let Ok(path) = std::str::from_utf8(path) else { return };
    let Ok(parsed) = TilePath::parse(path) else { return };
    assert_eq!(parsed.to_string(), path, "a tile path that is not the canonical spelling of its tile");
    match parsed {
        TilePath::Hashes(tile) => {
            assert!(tile.width() >= 1 && tile.width() <= TILE_WIDTH);
            if let Ok(hashes) = parse_tile(tile, bytes) {
                assert_eq!(hashes.len(), usize::from(tile.width()));
                let again: Vec<u8> = hashes.iter().flat_map(|h: &Hash| h.0).collect();
                assert_eq!(again, bytes);
            }
        }
        TilePath::Entries(bundle) => {
            if let Ok(entries) = parse_entry_bundle(bundle, bytes) {
                assert_eq!(entries.len(), usize::from(bundle.width()));
                assert_eq!(encode_entry_bundle(entries.iter().copied()).ok().as_deref(), Some(bytes));
            }
        }
    }
});
