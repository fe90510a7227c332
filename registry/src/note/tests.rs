//! Tests of C2SP signed-note parsing, signing and verification, and tlog-cosignature v1.

use ed25519_dalek::SigningKey;

use super::*;

// The example of golang.org/x/mod/sumdb/note (package documentation and note_test.go): keys,
// text and signature lines exactly as published there.
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                       then you don't know what your problem is.\n";
const PETER_LINE: &str =
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_LINE: &str =
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn vkey(s: &str) -> VerifierKey {
    s.parse().expect("valid verifier key")
}

fn go_note() -> String {
    format!("{GO_TEXT}\n{PETER_LINE}")
}

fn signer(seed: u8, name: &str) -> NoteSigner {
    let name = KeyName::new(name).expect("valid name");
    NoteSigner::new(name, SigningKey::from_bytes(&[seed; 32]))
}

fn cosigner(seed: u8, name: &str) -> Cosigner {
    let name = KeyName::new(name).expect("valid name");
    Cosigner::new(name, SigningKey::from_bytes(&[seed; 32]))
}

fn signed(text: &str, signers: &[&NoteSigner]) -> Note {
    let mut note = Note::new(text).expect("valid text");
    for s in signers {
        let sig = s.sign(&note);
        note.push_signature(sig);
    }
    note
}

#[test]
fn go_example_verifies() {
    let note = Note::parse(go_note().as_bytes()).expect("well-formed");
    assert_eq!(note.text(), GO_TEXT);
    let verified = note.verify(&[vkey(PETER_VKEY)]).expect("valid");
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].name.as_str(), "PeterNeumann");
    assert_eq!(verified[0].key_id.to_string(), "c74f20a3");
    assert_eq!(verified[0].timestamp, None);
}

#[test]
fn signing_reproduces_the_go_example_byte_for_byte() {
    let peter = NoteSigner::from_secret_string(PETER_SKEY).expect("valid signer key");
    assert_eq!(peter.verifier_key().to_string(), PETER_VKEY);
    let note = signed(GO_TEXT, &[&peter]);
    assert_eq!(note.to_string(), go_note());
}

#[test]
fn doubly_signed_go_example_and_unknown_keys() {
    let text = format!("{GO_TEXT}\n{PETER_LINE}{ENOCH_LINE}");
    let note = Note::parse(text.as_bytes()).expect("well-formed");
    assert_eq!(note.signatures().len(), 2);
    let both = note.verify(&[vkey(PETER_VKEY), vkey(ENOCH_VKEY)]);
    assert_eq!(both.expect("valid").len(), 2);
    // Enoch's line is ignored when Enoch is not trusted.
    let only_enoch = note.verify(&[vkey(ENOCH_VKEY)]).expect("valid");
    assert_eq!(only_enoch[0].name.as_str(), "EnochRoot");
    assert_eq!(note.to_string(), text);
}

#[test]
fn round_trip() {
    let a = signer(1, "log.example/a");
    let b = signer(2, "log.example/b");
    let note = signed("hello\n\nworld\n", &[&a, &b]);
    let parsed = Note::parse(&note.to_bytes()).expect("well-formed");
    assert_eq!(parsed, note);
    assert_eq!(parsed.text(), "hello\n\nworld\n");
    let keys = [a.verifier_key(), b.verifier_key()];
    assert_eq!(parsed.verify(&keys).expect("valid").len(), 2);
    let reparsed: VerifierKey = keys[0].to_string().parse().expect("valid");
    assert_eq!(reparsed, keys[0]);
}

#[test]
fn tampered_text_is_rejected() {
    let tampered = go_note().replacen("answer", "Answer", 1);
    let note = Note::parse(tampered.as_bytes()).expect("well-formed");
    assert_eq!(
        note.verify(&[vkey(PETER_VKEY)]),
        Err(VerifyError::BadSignature {
            name: KeyName::new("PeterNeumann").expect("valid"),
            key_id: KeyId([0xc7, 0x4f, 0x20, 0xa3]),
        })
    );
}

#[test]
fn tampered_signature_from_known_key_rejects_the_note() {
    let a = signer(1, "a");
    let b = signer(2, "b");
    let mut note = signed("text\n", &[&a]);
    let mut bad = b.sign(&note);
    bad.signature[10] ^= 1;
    note.push_signature(bad);
    assert!(note.verify(&[a.verifier_key()]).is_ok());
    assert!(matches!(note.verify(&[a.verifier_key(), b.verifier_key()]), Err(VerifyError::BadSignature { .. })));
    // A truncated signature from a known key too.
    let mut note = signed("text\n", &[]);
    let mut short = a.sign(&note);
    short.signature.truncate(63);
    note.push_signature(short);
    assert!(matches!(note.verify(&[a.verifier_key()]), Err(VerifyError::BadSignature { .. })));
}

#[test]
fn unknown_keys_and_wrong_key_ids_are_ignored() {
    let a = signer(1, "a");
    let note = signed("text\n", &[&a]);
    assert_eq!(note.verify(&[signer(3, "c").verifier_key()]), Err(VerifyError::NoTrustedSignature));
    assert_eq!(note.verify(&[]), Err(VerifyError::NoTrustedSignature));
    // Same name, other key (so other key ID): ignored, not a failure.
    assert_eq!(note.verify(&[signer(9, "a").verifier_key()]), Err(VerifyError::NoTrustedSignature));
    // Right key ID under another name: ignored.
    let mut renamed = note.clone();
    let mut sig = renamed.signatures()[0].clone();
    sig.name = KeyName::new("b").expect("valid");
    renamed = {
        let mut n = Note::new(renamed.text()).expect("valid");
        n.push_signature(sig);
        n
    };
    assert_eq!(renamed.verify(&[a.verifier_key()]), Err(VerifyError::NoTrustedSignature));
    // Wrong key ID on the line for a trusted name: ignored.
    let mut wrong_id = Note::new("text\n").expect("valid");
    let mut sig = note.signatures()[0].clone();
    sig.key_id.0[0] ^= 0xff;
    wrong_id.push_signature(sig);
    assert_eq!(wrong_id.verify(&[a.verifier_key()]), Err(VerifyError::NoTrustedSignature));
}

#[test]
fn repeated_lines_are_reported_once() {
    let a = signer(1, "a");
    let note = signed("text\n", &[&a, &a]);
    assert_eq!(note.signatures().len(), 2);
    assert_eq!(note.verify(&[a.verifier_key()]).expect("valid").len(), 1);
}

#[test]
fn malformed_notes_are_refused() {
    let sig = PETER_LINE;
    let cases: Vec<(Vec<u8>, NoteError)> = vec![
        (GO_TEXT.into(), NoteError::NoSignatures),
        (format!("{GO_TEXT}{sig}").into(), NoteError::NoSignatures),
        (format!("{GO_TEXT}\n{}", sig.trim_end()).into(), NoteError::NoSignatures),
        (format!("{GO_TEXT}\n").into(), NoteError::NoSignatures),
        (format!("{GO_TEXT}\n{}", sig.replace('—', "-")).into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n{}", sig.replace("— ", "—")).into(), NoteError::SignatureLine(1)),
        (
            format!("{GO_TEXT}\n{sig}{}", sig.replace("PeterNeumann ", "Peter+Neumann ")).into(),
            NoteError::SignatureLine(2),
        ),
        (format!("{GO_TEXT}\n{}", sig.replace("PeterNeumann ", "PeterNeumann  ")).into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n{}", sig.replace("PeterNeumann ", " ")).into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n{}", sig.replace("AM=\n", "AM\n")).into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n{}", sig.replace("AM=\n", "A=\n")).into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n— PeterNeumann AQIDBA==\n").into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n— PeterNeumann\n").into(), NoteError::SignatureLine(1)),
        (format!("{GO_TEXT}\n{sig}\n").into(), NoteError::NoSignatures),
        (go_note().replace('\n', "\r\n").into(), NoteError::ControlCharacter(56)),
        (go_note().replacen("you", "y\tou", 1).into(), NoteError::ControlCharacter(4)),
        (go_note().replacen("you", "y\0ou", 1).into(), NoteError::ControlCharacter(4)),
        ([&b"caf\xe9\n\n"[..], sig.as_bytes()].concat(), NoteError::NotUtf8),
        (vec![], NoteError::NoSignatures),
    ];
    for (bytes, want) in cases {
        assert_eq!(Note::parse(&bytes).err(), Some(want), "{:?}", String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn size_and_signature_count_limits() {
    let big = format!("{}\n\n{PETER_LINE}", "a".repeat(MAX_NOTE_SIZE));
    assert_eq!(Note::parse(big.as_bytes()), Err(NoteError::TooLarge(big.len())));
    let hundred = format!("{GO_TEXT}\n{}", PETER_LINE.repeat(MAX_SIGNATURES));
    let note = Note::parse(hundred.as_bytes()).expect("100 signatures are fine");
    assert_eq!(note.verify(&[vkey(PETER_VKEY)]).expect("valid").len(), 1);
    let too_many = format!("{GO_TEXT}\n{}", PETER_LINE.repeat(MAX_SIGNATURES + 1));
    assert_eq!(Note::parse(too_many.as_bytes()), Err(NoteError::TooManySignatures));
    assert_eq!(Note::new("a".repeat(MAX_NOTE_SIZE + 1)), Err(NoteError::TooLarge(MAX_NOTE_SIZE + 1)));
}

#[test]
fn note_texts_are_checked() {
    assert_eq!(Note::new(""), Err(NoteError::TextNotTerminated));
    assert_eq!(Note::new("no newline"), Err(NoteError::TextNotTerminated));
    assert_eq!(Note::new("a\rb\n"), Err(NoteError::ControlCharacter(1)));
    assert!(Note::new("\n").is_ok());
}

/// Deterministic xorshift, to mutate notes without a dependency.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn hostile_bytes_never_panic() {
    let base = format!("{GO_TEXT}\n{PETER_LINE}{ENOCH_LINE}").into_bytes();
    let keys = [vkey(PETER_VKEY), vkey(ENOCH_VKEY)];
    for cut in 0..=base.len() {
        if let Ok(note) = Note::parse(&base[..cut]) {
            let _ = note.verify(&keys);
        }
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut accepted = 0;
    for _ in 0..5000 {
        let mut bytes = base.clone();
        for _ in 0..(xorshift(&mut state) % 4 + 1) {
            let at = (xorshift(&mut state) % bytes.len() as u64) as usize;
            match xorshift(&mut state) % 3 {
                0 => bytes[at] = xorshift(&mut state) as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"\n \xe2\x80\x94+="[at % 7]),
            }
        }
        if let Ok(note) = Note::parse(&bytes) {
            if note.verify(&keys).is_ok() {
                accepted += 1;
                // Only mutations outside the signed text and the trusted lines can pass.
                assert!(note.text() == GO_TEXT);
            }
        }
    }
    assert!(accepted < 5000);
}

#[test]
fn cosignature_round_trip() {
    let log = signer(1, "example.com/log");
    let witness = cosigner(7, "witness.example/w1");
    let body = "example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let mut note = signed(body, &[&log]);
    let cosig = witness.cosign(&note, 1_679_315_147).expect("timestamp in range");
    assert_eq!(cosig.signature.len(), 72);
    assert_eq!(&cosig.signature[..8], &1_679_315_147u64.to_be_bytes());
    note.push_signature(cosig);

    let parsed = Note::parse(&note.to_bytes()).expect("well-formed");
    let wkey = witness.verifier_key();
    assert_eq!(wkey.kind(), SignatureType::CosignatureV1);
    assert!(wkey.to_string().split('+').nth(2).expect("3 parts").starts_with('B'));
    let v = parsed.verify(std::slice::from_ref(&wkey)).expect("valid");
    assert_eq!(v[0].timestamp, Some(1_679_315_147));
    assert_eq!(v[0].kind, SignatureType::CosignatureV1);
    let both = parsed.verify(&[log.verifier_key(), wkey.clone()]).expect("valid");
    assert_eq!(both.len(), 2);

    // The same key as a type 0x01 key has another key ID: the cosignature is not mistaken for
    // a plain signature.
    let as_plain = VerifierKey::new(wkey.name().clone(), SignatureType::Ed25519, *wkey.public_key());
    assert_ne!(as_plain.key_id(), wkey.key_id());
    assert_eq!(parsed.verify(&[as_plain]), Err(VerifyError::NoTrustedSignature));

    let secret = witness.to_secret_string();
    let again = Cosigner::from_secret_string(&secret).expect("valid");
    assert_eq!(again.verifier_key(), wkey);
    assert!(NoteSigner::from_secret_string(&secret).is_err());
}

#[test]
fn cosignature_timestamp_is_signed_and_bounded() {
    let witness = cosigner(7, "w");
    let note = Note::new("origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n").expect("valid");
    let good = witness.cosign(&note, 100).expect("in range");

    let mut later = good.clone();
    later.signature[7] = 101;
    let mut n = note.clone();
    n.push_signature(later);
    assert!(matches!(n.verify(&[witness.verifier_key()]), Err(VerifyError::BadSignature { .. })));

    assert_eq!(witness.cosign(&note, MAX_TIMESTAMP + 1), Err(TimestampTooLarge(MAX_TIMESTAMP + 1)));
    assert!(witness.cosign(&note, MAX_TIMESTAMP).is_ok());
    let mut huge = good;
    huge.signature[0] = 0x80;
    let mut n = note;
    n.push_signature(huge);
    assert!(matches!(n.verify(&[witness.verifier_key()]), Err(VerifyError::BadSignature { .. })));
}

#[test]
fn cosigned_message_matches_the_spec_example() {
    // tlog-cosignature, "Ed25519 signed message".
    let body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    assert_eq!(
        cosigned_message(body, 1_679_315_147),
        "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n\
         CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    );
}

#[test]
fn c2sp_spec_examples_parse() {
    // The examples of c2sp.org/signed-note and c2sp.org/tlog-cosignature. Their public keys are
    // not published, so only the structure is checked here.
    let poem = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n\
                — quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
    let note = Note::parse(poem.as_bytes()).expect("well-formed");
    assert!(note.text().ends_with("\n\ned è subito sera.\n"));
    assert_eq!(note.signatures()[0].signature.len(), 64);
    assert_eq!(note.to_string(), poem);

    let cosigned = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\
                    — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
                    — witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    let note = Note::parse(cosigned.as_bytes()).expect("well-formed");
    let witness = &note.signatures()[1];
    assert_eq!(witness.key_id.to_string(), "8d66cf3f");
    assert_eq!(witness.signature.len(), 72);
    // The timestamp prefix is the one of the spec's signed-message example.
    let ts = u64::from_be_bytes(witness.signature[..8].try_into().expect("8 bytes"));
    assert_eq!(ts, 1_679_315_147);
}
