//! Format detection on arbitrary bytes (read as lossy UTF-8): never a panic, and a detected
//! credential is within the input limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_verifier::limits::MAX_INPUT_LEN;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    if medcred_verifier::detect(&input).is_ok() {
        assert!(input.len() <= MAX_INPUT_LEN);
    }
});
