//! C2SP tlog-witness add-checkpoint request bodies, as the witness endpoint reads them from anyone.
//! The first 32 bytes are the root the witness has stored for the request's old size; the rest is
//! the body. A parsed body writes back byte for byte, and the witness's whole decision (origin,
//! log signature, sizes, fork, consistency proof) never panics and only refuses with a 4xx. The
//! checkpoint is also re-signed with the log's key, so the fuzzer reaches the size and proof
//! checks behind the signature; a cosignature the witness gives verifies with its key, and it
//! never cosigns a smaller tree than the one it stored.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::{log_signer, witness_cosigner, LOG_ORIGIN};
use medcred_registry::checkpoint::Checkpoint;
use medcred_registry::merkle::Hash;
use medcred_registry::note::Note;
use medcred_registry::witness::{parse_cosignatures, AddCheckpointRequest, LogState, Witness};

/// A fixed time (2026-06-01T12:00:00Z) for the cosignature's timestamp.
const NOW: u64 = 1_780_315_200;

fn decide(witness: &Witness, stored_root: Hash, request: &AddCheckpointRequest) {
    let note = Note::parse(request.checkpoint_bytes()).expect("a parsed request holds a note");
    let claimed = Checkpoint::parse_body(note.text()).expect("a parsed request holds a checkpoint");
    // Never cosigned; cosigned the old size with the stored root; cosigned this very checkpoint.
    let states = [
        None,
        Some(LogState { size: request.old_size(), root: stored_root }),
        Some(LogState { size: claimed.size(), root: *claimed.root() }),
    ];
    for state in states {
        match witness.add_checkpoint(state, request, NOW) {
            Ok(cosigned) => {
                assert!(cosigned.state.size >= state.map_or(0, |s| s.size), "the witness went backwards");
                assert_eq!(cosigned.state.size, cosigned.checkpoint.size());
                assert_eq!(&cosigned.checkpoint, &claimed);
                let lines = parse_cosignatures(cosigned.response_body().as_bytes()).expect("own response parses");
                let mut note = note.clone();
                lines.into_iter().for_each(|l| note.push_signature(l));
                note.verify(&[witness.verifier_key()]).expect("own cosignature verifies");
            }
            Err(e) => assert!((400..500).contains(&e.http_status()), "{e}: not a client error"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((stored_root, body)) = data.split_first_chunk::<32>() else { return };
    let stored_root = Hash(*stored_root);
    let Ok(request) = AddCheckpointRequest::parse(body) else { return };
    assert_eq!(request.to_bytes(), body, "a parsed request writes back to other bytes");
    let log = log_signer();
    let Ok(witness) = Witness::new(witness_cosigner()).with_log(LOG_ORIGIN, log.verifier_key()) else {
        unreachable!("the log key is an Ed25519 key")
    };
    decide(&witness, stored_root, &request);
    // The same request with the checkpoint signed by the log's key.
    let Ok(note) = Note::parse(request.checkpoint_bytes()) else { return };
    let Ok(checkpoint) = Checkpoint::parse_body(note.text()) else { return };
    let Ok(signed) = checkpoint.sign(&log) else { return };
    if let Ok(resigned) = AddCheckpointRequest::new(request.old_size(), request.proof().to_vec(), &signed) {
        decide(&witness, stored_root, &resigned);
    }
});
