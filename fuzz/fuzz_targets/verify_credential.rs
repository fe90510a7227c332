//! The whole credential engine on arbitrary bytes (lossy UTF-8), offline, without a status
//! source: never a panic, and the report keeps its invariants (`check_report`).
#![no_main]

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use medcred_fuzz::{check_report, context};
use medcred_verifier::verify_credential_with;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    check_report(&block_on(verify_credential_with(&input, &context())));
});
