//! C2SP tlog-tiles end to end, in memory: a log publishes tiles for each tree size, a client
//! fetches only the tiles a proof plan needs and computes inclusion and consistency proofs and
//! roots from them; they must equal the proofs computed from the log's own tree.

use std::collections::BTreeMap;

use medcred_registry::merkle::{prove_consistency, prove_inclusion, root, MemoryTree, Plan};
use medcred_registry::tiles::{
    encode_entry_bundle, entry_leaf_hashes, parse_entry_bundle, parse_tile, tile_bytes, tiles_for_growth,
    tiles_for_nodes, tiles_for_size, EntriesTile, Tile, TilePath, TileSet,
};

fn entry(i: u64) -> Vec<u8> {
    format!("revocation event {i}").into_bytes()
}

/// A log's static file tree: path → bytes, grown through the given checkpoint sizes.
struct Server {
    tree: MemoryTree,
    files: BTreeMap<String, Vec<u8>>,
}

impl Server {
    fn new() -> Server {
        Server { tree: MemoryTree::new(), files: BTreeMap::new() }
    }

    fn grow_to(&mut self, size: u64) {
        let old = self.tree.size();
        for i in old..size {
            self.tree.append_data(&entry(i));
        }
        for tile in tiles_for_growth(old, size) {
            let bytes = tile_bytes(&self.tree, tile).expect("complete subtrees");
            self.files.insert(tile.path(), bytes);
            if let Some(bundle) = EntriesTile::for_tile(tile) {
                let entries: Vec<Vec<u8>> =
                    (0..u64::from(bundle.width())).map(|i| entry(bundle.first_entry() + i)).collect();
                let bytes = encode_entry_bundle(entries.iter().map(Vec::as_slice)).expect("small entries");
                self.files.insert(bundle.path(), bytes);
            }
        }
    }

    fn get(&self, path: &str) -> &[u8] {
        assert!(self.files.contains_key(path), "{path} not served");
        &self.files[path]
    }
}

/// What a client does for one proof: plan, fetch the plan's tiles, resolve from the tiles.
fn fetch_for(server: &Server, plan: &Plan, size: u64) -> TileSet {
    let mut tiles = TileSet::new();
    for tile in tiles_for_nodes(plan.nodes(), size).expect("plan nodes are in the tree") {
        let path = tile.path();
        // the client goes through the parser like a server would
        assert_eq!(path.parse::<TilePath>(), Ok(TilePath::Hashes(tile)));
        tiles.insert(tile, server.get(&path)).expect("well-formed tile");
    }
    tiles
}

fn sizes() -> Vec<u64> {
    let mut sizes: Vec<u64> = (1..=300).collect();
    sizes.extend((301..=1100).step_by(7));
    sizes.extend([511, 512, 513, 767, 768, 769, 1023, 1024, 1025, 1099, 1100]);
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// A few leaf indexes or old sizes spread over `0..n`.
fn sample(n: u64) -> Vec<u64> {
    let mut out: Vec<u64> = [0, 1, n / 3, n / 2, n.saturating_sub(2), n.saturating_sub(1), 255, 256, 257, 511, 512]
        .into_iter()
        .filter(|&i| i < n)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn proofs_from_fetched_tiles_equal_memory_tree_proofs() {
    let mut server = Server::new();
    let mut checked = 0;
    for n in sizes() {
        server.grow_to(n);
        let tree = &server.tree;
        // the complete published tile set answers for the head too
        let mut all = TileSet::new();
        for tile in tiles_for_size(n) {
            all.insert(tile, server.get(&tile.path())).expect("well-formed tile");
        }
        assert_eq!(root(&all, n), Ok(tree.root_at(n).expect("in tree")), "root at {n}");

        for i in sample(n) {
            let plan = Plan::inclusion(i, n).expect("in range");
            let tiles = fetch_for(&server, &plan, n);
            let from_tiles = prove_inclusion(&tiles, i, n).expect("tiles cover the plan");
            assert_eq!(from_tiles, tree.prove_inclusion(i, n).expect("in tree"), "inclusion {i} in {n}");
            checked += 1;
        }
        for m in sample(n + 1) {
            let plan = Plan::consistency(m, n).expect("m <= n");
            let tiles = fetch_for(&server, &plan, n);
            let from_tiles = prove_consistency(&tiles, m, n).expect("tiles cover the plan");
            assert_eq!(from_tiles, tree.prove_consistency(m, n).expect("in tree"), "consistency {m} {n}");
            checked += 1;
        }
    }
    assert!(checked > 5000, "{checked}");
}

#[test]
fn level_two_tiles_at_70000_leaves() {
    let mut server = Server::new();
    for size in [65_535, 65_536, 65_537, 70_000] {
        server.grow_to(size);
        let tree = &server.tree;
        let mut tiles = TileSet::new();
        for tile in tiles_for_size(size) {
            tiles.insert(tile, server.get(&tile.path())).expect("well-formed tile");
        }
        assert_eq!(root(&tiles, size), Ok(tree.root()));
        for i in [0, 255, 256, 65_535, size / 2, size - 1] {
            assert_eq!(prove_inclusion(&tiles, i, size).ok(), tree.prove_inclusion(i, size).ok(), "{i} {size}");
        }
        for m in [1, 256, 65_535, 65_536, size - 1] {
            let m = m.min(size);
            assert_eq!(prove_consistency(&tiles, m, size).ok(), tree.prove_consistency(m, size).ok(), "{m} {size}");
        }
    }
    // the level-2 tile holds the root of the first 65,536 leaves
    let top = Tile::new(2, 0, 1).expect("valid");
    let hashes = parse_tile(top, server.get("tile/2/000.p/1")).expect("one hash");
    assert_eq!(hashes, vec![server.tree.root_at(65_536).expect("in tree")]);
}

#[test]
fn entry_bundles_hash_to_their_level_zero_tiles() {
    let mut server = Server::new();
    server.grow_to(700);
    for tile in tiles_for_size(700).filter(|t| t.level() == 0) {
        let bundle = EntriesTile::for_tile(tile).expect("level 0");
        let entries = parse_entry_bundle(bundle, server.get(&bundle.path())).expect("well-formed bundle");
        let hashes = parse_tile(tile, server.get(&tile.path())).expect("well-formed tile");
        assert_eq!(entry_leaf_hashes(&entries), hashes, "{bundle}");
    }
}

#[test]
fn a_lying_tile_server_is_caught_by_the_checkpoint_root() {
    let mut server = Server::new();
    server.grow_to(600);
    let n = 600;
    let plan = Plan::inclusion(42, n).expect("in range");
    let mut tiles = TileSet::new();
    for tile in tiles_for_nodes(plan.nodes(), n).expect("in tree") {
        let mut bytes = server.get(&tile.path()).to_vec();
        if tile.level() == 0 && tile.index() == 0 {
            bytes[32 * 43] ^= 1; // the sibling of leaf 42
        }
        tiles.insert(tile, &bytes).expect("well-formed tile");
    }
    let proof = prove_inclusion(&tiles, 42, n).expect("covered");
    let leaf = medcred_registry::merkle::Hash::leaf(&entry(42));
    assert!(proof.verify(&leaf, &server.tree.root()).is_err());
}
