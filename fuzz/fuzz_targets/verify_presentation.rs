//! The presentation engine on arbitrary bytes (lossy UTF-8) against the corpus request: never a
//! panic, and the report keeps its invariants (`check_presentation`).
#![no_main]

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use medcred_fuzz::{check_presentation, context, expectations};
use medcred_verifier::verify_presentation;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    check_presentation(&block_on(verify_presentation(&input, &context(), &expectations())));
});
