//! End to end, in memory: a board's log appends status events and a snapshot leaf, asks three
//! other boards to cosign its checkpoint (C2SP tlog-witness, over the wire format), serves a
//! C2SP tlog-proof of the snapshot leaf, and a verifier with a 2-of-3 witness policy accepts it.
//! A client that only has the log's tiles computes the same inclusion path.

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use medcred_registry::checkpoint::{Checkpoint, VerifiedCheckpoint};
use medcred_registry::merkle::{prove_inclusion, MemoryTree, Plan};
use medcred_registry::note::{Cosigner, KeyName, Note, NoteSigner};
use medcred_registry::proof_bundle::{verify, BundleError, ProofBundle};
use medcred_registry::tiles::{tile_bytes, tiles_for_nodes, TileSet};
use medcred_registry::witness::{
    parse_cosignatures, parse_size_body, AddCheckpointRequest, LogState, QuorumError, Witness, WitnessPolicy,
};

const ORIGIN: &str = "registry.nursing-board.example/log";

fn log_signer() -> NoteSigner {
    NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[21; 32]))
}

struct Board {
    witness: Witness,
    state: BTreeMap<String, LogState>,
}

impl Board {
    fn new(seed: u8) -> Board {
        let name = KeyName::new(format!("board-{seed}.example/witness")).expect("valid");
        let witness = Witness::new(Cosigner::new(name, SigningKey::from_bytes(&[seed; 32])))
            .with_log(ORIGIN, log_signer().verifier_key())
            .expect("log key");
        Board { witness, state: BTreeMap::new() }
    }

    fn add_checkpoint(&mut self, body: &[u8], now: u64) -> Result<Vec<u8>, (u16, Vec<u8>)> {
        let request = AddCheckpointRequest::parse(body).map_err(|e| (e.http_status(), Vec::new()))?;
        let state = self.state.get(request.origin()).copied();
        match self.witness.add_checkpoint(state, &request, now) {
            Ok(done) => {
                self.state.insert(request.origin().to_owned(), done.state);
                Ok(done.response_body().into_bytes())
            }
            Err(e) => Err((e.http_status(), e.known_size().map(|s| format!("{s}\n")).unwrap_or_default().into_bytes())),
        }
    }
}

/// The log's side of tlog-witness: start from what it believes, follow 409s, attach cosignatures.
fn collect_cosignatures(
    tree: &MemoryTree,
    note: &mut Note,
    board: &mut Board,
    believed: u64,
    now: u64,
) -> Result<(), String> {
    let size = tree.size();
    let mut old = believed;
    for _ in 0..2 {
        let proof = if old == 0 { Vec::new() } else { tree.prove_consistency(old, size).expect("in tree").path };
        let body = AddCheckpointRequest::new(old, proof, note).expect("well-formed").to_bytes();
        match board.add_checkpoint(&body, now) {
            Ok(response) => {
                for sig in parse_cosignatures(&response).expect("signature lines") {
                    note.push_signature(sig);
                }
                return Ok(());
            }
            Err((409, known)) => old = parse_size_body(&known).expect("size body"),
            Err((status, _)) => return Err(format!("witness refused with {status}")),
        }
    }
    Err("witness kept answering 409".to_owned())
}

#[test]
fn snapshot_leaf_proof_verifies_under_a_two_of_three_policy() {
    let mut boards: Vec<Board> = [31, 32, 33].into_iter().map(Board::new).collect();
    let mut tree = MemoryTree::new();

    // Batch 1, cosigned by all three.
    for i in 0..300 {
        tree.append_data(format!("status event {i}").as_bytes());
    }
    let cp = Checkpoint::new(ORIGIN, tree.size(), tree.root()).expect("valid");
    let mut note = cp.sign(&log_signer()).expect("small");
    for board in &mut boards {
        collect_cosignatures(&tree, &mut note, board, 0, 1_750_000_000).expect("cosigned");
    }

    // Batch 2 ends with a snapshot leaf; board 33 is offline, the log believes the others at 0.
    for i in 300..517 {
        tree.append_data(format!("status event {i}").as_bytes());
    }
    let snapshot = b"snapshot: sha256 of every status list bitstring".to_vec();
    tree.append_data(&snapshot);
    let index = tree.size() - 1;
    let cp = Checkpoint::new(ORIGIN, tree.size(), tree.root()).expect("valid");
    let mut note = cp.sign(&log_signer()).expect("small");
    for board in boards.iter_mut().take(2) {
        collect_cosignatures(&tree, &mut note, board, 0, 1_750_000_600).expect("cosigned");
    }
    assert_eq!(note.signatures().len(), 3);

    // The log serves the proof.
    let path = tree.prove_inclusion(index, tree.size()).expect("in tree").path;
    let bundle =
        ProofBundle::new(index, path.clone(), &note).expect("valid").with_extra(snapshot.clone()).expect("small");
    let served = bundle.to_bytes();

    // The verifier trusts the log key and 2 of the 3 boards.
    let keys: Vec<_> = boards.iter().map(|b| b.witness.verifier_key()).collect();
    let policy = WitnessPolicy::new(2, keys.clone()).expect("valid");
    let parsed = ProofBundle::parse(&served).expect("well-formed");
    let verified = verify(&parsed, ORIGIN, &log_signer().verifier_key(), &policy).expect("valid proof");
    assert_eq!(verified.leaf_data(), &snapshot[..]);
    assert_eq!(verified.index(), 517);
    assert_eq!(verified.cosigners().len(), 2);
    assert_eq!(verified.cosigned_since(1_750_000_600), 2);

    // A stricter policy (3 of 3) is not met.
    let strict = WitnessPolicy::new(3, keys).expect("valid");
    assert_eq!(
        verify(&parsed, ORIGIN, &log_signer().verifier_key(), &strict).err(),
        Some(BundleError::Quorum(QuorumError::TooFewCosignatures { required: 3, valid: 2 }))
    );

    // A client holding only the log's tiles recomputes the same path for the verified checkpoint.
    let checkpoint =
        VerifiedCheckpoint::open(parsed.checkpoint_bytes(), ORIGIN, &log_signer().verifier_key()).expect("signed");
    let size = checkpoint.checkpoint().size();
    let plan = Plan::inclusion(index, size).expect("in range");
    let mut tiles = TileSet::new();
    for tile in tiles_for_nodes(plan.nodes(), size).expect("in tree") {
        tiles.insert(tile, &tile_bytes(&tree, tile).expect("complete")).expect("well-formed");
    }
    assert_eq!(prove_inclusion(&tiles, index, size).expect("covered").path, path);
}
