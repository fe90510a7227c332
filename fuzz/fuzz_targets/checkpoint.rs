//! C2SP tlog-checkpoint bodies and signed checkpoints, as a monitor, a wallet or a witness reads
//! them: a parsed body writes back byte for byte, a parsed checkpoint signed by the log's key opens
//! again as the same checkpoint (or is refused for its origin alone), and a signed note opens only
//! when the log's own signature verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::{log_signer, witness_cosigner, LOG_ORIGIN};
use medcred_registry::checkpoint::{Checkpoint, CheckpointError, VerifiedCheckpoint};

fuzz_target!(|data: &[u8]| {
    let log = log_signer();
    let log_key = log.verifier_key();
    if let Ok(body) = std::str::from_utf8(data) {
        if let Ok(checkpoint) = Checkpoint::parse_body(body) {
            assert_eq!(checkpoint.body(), body, "a parsed checkpoint writes back to another body");
            assert!(!checkpoint.origin().is_empty());
            if let Ok(signed) = checkpoint.sign(&log) {
                match VerifiedCheckpoint::open(&signed.to_bytes(), LOG_ORIGIN, &log_key) {
                    Ok(opened) => {
                        assert_eq!(opened.checkpoint(), &checkpoint);
                        assert_eq!(opened.note(), &signed);
                    }
                    Err(CheckpointError::OriginMismatch { found, .. }) => assert_eq!(found, checkpoint.origin()),
                    Err(e) => panic!("a checkpoint signed by the log's key does not open: {e}"),
                }
            }
        }
    }
    if let Ok(opened) = VerifiedCheckpoint::open(data, LOG_ORIGIN, &log_key) {
        assert_eq!(opened.checkpoint().origin(), LOG_ORIGIN);
        assert_eq!(opened.note().to_bytes(), data);
        let _ = opened.cosignatures(&[witness_cosigner().verifier_key(), log_key.clone()]);
    }
});
