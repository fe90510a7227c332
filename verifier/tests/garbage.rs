//! Hostile and broken inputs: every one ends in a report whose syntax check failed (or, for
//! mutated credentials, in a verdict other than valid), never in a panic.

mod common;

use common::*;
use medcred_formats::Format;
use medcred_verifier::{CheckName, Verdict};
use serde_json::json;

async fn assert_syntax_fails(input: &str, what: &str) {
    let r = verify(input, &resolver()).await;
    assert!(failed(&r, CheckName::Syntax), "{what}: {}", show(&r));
    assert_eq!(r.verdict, Verdict::Invalid, "{what}");
    assert_eq!(r.checks.len(), 7, "{what}: every check is listed");
}

#[tokio::test]
async fn garbage_fails_syntax() {
    let jwt = issue(Format::VcJwt, &license(), BOARD, &board_key(1)).await;
    let sd = issue(Format::SdJwtVc, &license(), BOARD, &board_key(1)).await;
    let di: serde_json::Value =
        serde_json::from_str(&issue(Format::EddsaJcs2022, &license(), BOARD, &board_key(1)).await).expect("json");
    let mut no_issuer = di.clone();
    no_issuer.as_object_mut().expect("object").remove("issuer");
    let mut no_vm = di.clone();
    no_vm["proof"].as_object_mut().expect("proof").remove("verificationMethod");
    let mut presentation = di.clone();
    presentation["type"] = json!(["VerifiablePresentation"]);
    let unsecured = {
        let mut v = di.clone();
        v.as_object_mut().expect("object").remove("proof");
        v
    };
    let non_json = String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x13, b'{', 0x80, b'x', 0xc3]).into_owned();
    let inputs: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("   \n".into(), "whitespace"),
        ("{}".into(), "empty object"),
        ("[]".into(), "array"),
        ("null".into(), "null"),
        ("42".into(), "number"),
        ("\"eyJ\"".into(), "JSON string"),
        (jwt[..jwt.len() / 2].to_owned(), "truncated JWT"),
        (jwt[..jwt.rfind('.').expect("dot")].to_owned(), "JWT without signature"),
        (sd[..40].to_owned(), "truncated SD-JWT"),
        ("~".into(), "lone tilde"),
        ("a.b.c~d~".into(), "SD-JWT of junk"),
        ("...".into(), "dots"),
        (format!("{}{}", "[".repeat(1000), "]".repeat(1000)), "1000-deep array"),
        (format!("{}1{}", "{\"a\":".repeat(1000), "}".repeat(1000)), "1000-deep object"),
        (non_json, "non-JSON bytes"),
        ("x".repeat(2 << 20), "2 MiB string"),
        (format!("{{\"a\":\"{}\"}}", "x".repeat(2 << 20)), "2 MiB JSON"),
        (no_issuer.to_string(), "no issuer"),
        (no_vm.to_string(), "no verification method"),
        (presentation.to_string(), "a presentation"),
        (unsecured.to_string(), "unsecured credential"),
        (
            json!({"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,garbage"}).to_string(),
            "envelope of garbage",
        ),
        (
            json!({"type": "EnvelopedVerifiableCredential", "id": format!("data:text/plain,{jwt}")}).to_string(),
            "envelope, other type",
        ),
        (envelope(Format::SdJwtVc, &jwt), "envelope that lies about its content"),
        (format!("{jwt}.{jwt}"), "two JWTs"),
        ("\u{feff}".into(), "byte-order mark only"),
    ];
    for (input, what) in &inputs {
        assert_syntax_fails(input, what).await;
    }
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        // Truncation is fine: only used modulo small lengths.
        #[allow(clippy::cast_possible_truncation)]
        let n = self.0 as usize;
        n
    }
}

#[tokio::test]
async fn single_byte_mutations_never_verify() {
    const ALPHABET: &[u8] = b"AZaz09-_.~{}[]\":,eyJz0 \\";
    let resolver = resolver();
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    for format in [Format::EddsaJcs2022, Format::VcJwt, Format::SdJwtVc] {
        let original = issue(format, &license(), BOARD, &board_key(1)).await;
        let bytes = original.as_bytes();
        for _ in 0..400 {
            let mut mutated = bytes.to_vec();
            let at = rng.next() % mutated.len();
            mutated[at] = ALPHABET[rng.next() % ALPHABET.len()];
            if mutated == bytes {
                continue;
            }
            let input = String::from_utf8_lossy(&mutated);
            let r = verify(&input, &resolver).await;
            assert_ne!(r.verdict, Verdict::Valid, "{format}: byte {at} changed, still valid:\n{input}");
        }
        let mut cut = rng.next() % bytes.len();
        while !original.is_char_boundary(cut) {
            cut -= 1;
        }
        assert_ne!(verify(&original[..cut], &resolver).await.verdict, Verdict::Valid);
    }
}
