//! End to end, in memory: a log appends revocation entries and signs C2SP checkpoints, a witness
//! cosigns them, and a client checks inclusion and consistency proofs against verified
//! checkpoints only.

use ed25519_dalek::SigningKey;
use medcred_registry::checkpoint::{Checkpoint, VerifiedCheckpoint};
use medcred_registry::merkle::{Hash, MemoryTree, NodeId, ProofError};
use medcred_registry::note::{Cosigner, KeyName, NoteSigner};
use std::collections::BTreeMap;

const ORIGIN: &str = "registry.medcred.example/revocations";

#[test]
fn log_witness_and_client() {
    let log = NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[5; 32]));
    let witness = Cosigner::new(KeyName::new("witness.example/w").expect("valid"), SigningKey::from_bytes(&[6; 32]));

    // The log: append, persist completed subtrees, publish checkpoints at 10 and 37 entries.
    let mut tree = MemoryTree::new();
    let mut store: BTreeMap<NodeId, Hash> = BTreeMap::new();
    let mut published = Vec::new();
    for i in 0..37u64 {
        let entry = format!("revoked credential urn:uuid:{i:08}");
        store.extend(tree.append_data(entry.as_bytes()));
        if tree.size() == 10 || tree.size() == 37 {
            let cp = Checkpoint::new(ORIGIN, tree.size(), tree.root()).expect("valid");
            let mut note = cp.sign(&log).expect("small");
            let cosig = witness.cosign(&note, 1_700_000_000 + i).expect("in range");
            note.push_signature(cosig);
            published.push(note.to_bytes());
        }
    }

    // The client trusts the log key and the witness key only.
    let (log_key, witness_key) = (log.verifier_key(), witness.verifier_key());
    let open = |bytes: &[u8]| {
        let cp = VerifiedCheckpoint::open(bytes, ORIGIN, &log_key).expect("valid checkpoint");
        let cosigs = cp.cosignatures(std::slice::from_ref(&witness_key));
        assert_eq!(cosigs.expect("valid cosignature").len(), 1);
        cp.checkpoint().clone()
    };
    let (old, new) = (open(&published[0]), open(&published[1]));

    // Proofs are served from the persisted subtrees, not from the tree itself.
    let consistency = medcred_registry::merkle::prove_consistency(&store, old.size(), new.size()).expect("stored");
    assert_eq!(consistency.verify(old.root(), new.root()), Ok(()));
    assert_eq!(consistency.verify(new.root(), old.root()), Err(ProofError::OldRootMismatch));

    let leaf = Hash::leaf(b"revoked credential urn:uuid:00000003");
    let inclusion = medcred_registry::merkle::prove_inclusion(&store, 3, new.size()).expect("stored");
    assert_eq!(inclusion.verify(&leaf, new.root()), Ok(()));
    let absent = Hash::leaf(b"revoked credential urn:uuid:99999999");
    assert_eq!(inclusion.verify(&absent, new.root()), Err(ProofError::RootMismatch));
}
