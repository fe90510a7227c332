//! C2SP signed notes and the witness's response bodies, as a log reads them from a witness or a
//! monitor from a log: `Note::parse` accepts only what it writes back byte for byte, a signature
//! that verifies stops verifying once the text changes, and the 200 (cosignature lines) and 409
//! (`text/x.tlog.size`) bodies round-trip too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::{log_signer, witness_cosigner};
use medcred_registry::note::{Note, VerifyError, MAX_SIGNATURES};
use medcred_registry::witness::{format_size_body, parse_cosignatures, parse_size_body};

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = Note::parse(data) {
        assert_eq!(note.to_bytes(), data, "a parsed note writes back to other bytes");
        assert!(note.text().ends_with('\n'));
        assert!(!note.signatures().is_empty() && note.signatures().len() <= MAX_SIGNATURES);
        assert_eq!(Note::parse(&note.to_bytes()).as_ref(), Ok(&note));
        let keys = [log_signer().verifier_key(), witness_cosigner().verifier_key()];
        if let Ok(verified) = note.verify(&keys) {
            assert!(!verified.is_empty());
            // The same signature lines under another text must not verify.
            let Ok(mut tampered) = Note::new(format!("{}x\n", note.text())) else { return };
            note.signatures().iter().cloned().for_each(|s| tampered.push_signature(s));
            assert!(matches!(tampered.verify(&keys), Err(VerifyError::BadSignature { .. })), "tampered note verified");
        }
    }
    if let Ok(lines) = parse_cosignatures(data) {
        let again: String = lines.iter().map(|s| s.to_line()).collect();
        assert_eq!(again.as_bytes(), data, "cosignature lines write back to other bytes");
    }
    if let Ok(size) = parse_size_body(data) {
        assert_eq!(format_size_body(size).as_bytes(), data);
    }
});
