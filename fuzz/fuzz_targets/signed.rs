//! Structured: the input (after a one-byte format selector) becomes the content of a credential
//! that the board's own key signs, so the fuzzer reaches what runs only after a proof passes
//! (validity dates, status entries, schema rules, subject extraction). Selector `j`
//! eddsa-jcs-2022, `r` eddsa-rdfc-2022, `v` vc+jwt, `s` dc+sd-jwt (any other byte: by its value).
#![no_main]

use futures_executor::block_on;
use libfuzzer_sys::fuzz_target;
use medcred_formats::jwt::sign_compact;
use medcred_formats::{di_jcs, di_rdfc};
use medcred_fuzz::{board_key, check_report, context, now};
use medcred_verifier::verify_credential_with;
use serde_json::{json, Value};

fn sign(selector: u8, body: &str) -> Option<String> {
    let key = board_key();
    let compact = |typ: &str| {
        let header = json!({"alg": "EdDSA", "typ": typ, "kid": key.verification_method()});
        sign_compact(&header, body.as_bytes(), &key).ok()
    };
    let document = || serde_json::from_str::<Value>(body).ok().filter(Value::is_object);
    match selector {
        b'j' => Some(di_jcs::sign(&document()?, &key, now()).ok()?.to_string()),
        b'r' => Some(block_on(di_rdfc::sign(&document()?, &key, now())).ok()?.to_string()),
        b'v' => compact("vc+jwt"),
        b's' => compact("dc+sd-jwt").map(|jwt| format!("{jwt}~")),
        other => sign([b'j', b'r', b'v', b's'][usize::from(other % 4)], body),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let body = String::from_utf8_lossy(rest);
    if let Some(credential) = sign(selector, &body) {
        check_report(&block_on(verify_credential_with(&credential, &context())));
    }
});
