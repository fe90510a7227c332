//! Tests of C2SP tlog-checkpoint parsing, signing and opening, with cosignatures.

use ed25519_dalek::SigningKey;

use super::*;
use crate::merkle::MemoryTree;
use crate::note::{Cosigner, NoteSigner};

const ORIGIN: &str = "registry.medcred.example/revocations";

/// A real checkpoint of the public staging CT log arche2025h1 with witness cosignatures, as
/// published in third-party interoperability tests; the trailing newline was restored.
/// Its first line is an RFC 6962 (type 0x05) signature, which we do not verify.
const ARCHE: &str = "arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
";
const ARCHE_KEY: &str = "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f";
const REMORA_KEY: &str = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";

fn log_signer() -> NoteSigner {
    let name = KeyName::new(ORIGIN).expect("valid name");
    NoteSigner::new(name, SigningKey::from_bytes(&[42; 32]))
}

fn root(size: u64) -> Hash {
    let mut t = MemoryTree::new();
    for i in 0..size {
        t.append_data(format!("entry {i}").as_bytes());
    }
    t.root()
}

#[test]
fn real_arche_checkpoint_opens_with_log_key_and_remora_cosignature() {
    let key: VerifierKey = ARCHE_KEY.parse().expect("valid key");
    let origin = "arche2025h1.staging.ct.transparency.dev";
    let cp = VerifiedCheckpoint::open(ARCHE.as_bytes(), origin, &key).expect("valid");
    assert_eq!(cp.checkpoint().size(), 1_432_088_532);
    assert_eq!(cp.checkpoint().root().to_base64(), "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=");
    assert_eq!(cp.note().signatures().len(), 6);

    let remora: VerifierKey = REMORA_KEY.parse().expect("valid key");
    let cosigs = cp.cosignatures(&[remora, key.clone()]).expect("valid");
    assert_eq!(cosigs.len(), 1);
    assert_eq!(cosigs[0].name.as_str(), "remora.n621.de");
    assert_eq!(cosigs[0].timestamp, Some(0x6a12_2120));

    let tampered = ARCHE.replace("1432088532", "1432088533");
    assert!(matches!(
        VerifiedCheckpoint::open(tampered.as_bytes(), origin, &key),
        Err(CheckpointError::Signature(VerifyError::BadSignature { .. }))
    ));
}

#[test]
fn sign_and_open_round_trip() {
    let log = log_signer();
    let cp = Checkpoint::new(ORIGIN, 13, root(13)).expect("valid origin");
    let note = cp.sign(&log).expect("small");
    let bytes = note.to_bytes();
    let opened = VerifiedCheckpoint::open(&bytes, ORIGIN, &log.verifier_key()).expect("valid checkpoint");
    assert_eq!(opened.checkpoint(), &cp);
    assert_eq!(opened.note(), &note);
    assert_eq!(cp.body(), format!("{ORIGIN}\n13\n{}\n", root(13).to_base64()));
}

#[test]
fn empty_tree_checkpoint() {
    let cp = Checkpoint::new(ORIGIN, 0, Hash::empty_tree()).expect("valid");
    assert_eq!(cp.body(), format!("{ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"));
    assert_eq!(Checkpoint::parse_body(&cp.body()), Ok(cp));
}

#[test]
fn extension_lines_round_trip() {
    let cp = Checkpoint::new(ORIGIN, 1, root(1))
        .and_then(|c| c.with_extension("ext one"))
        .and_then(|c| c.with_extension("— two"))
        .expect("valid");
    let parsed = Checkpoint::parse_body(&cp.body()).expect("valid");
    assert_eq!(parsed.extensions(), ["ext one", "— two"]);
    assert_eq!(parsed, cp);
    let base = Checkpoint::new(ORIGIN, 1, root(1)).expect("valid");
    assert_eq!(base.clone().with_extension(""), Err(CheckpointError::Extension));
    assert_eq!(base.with_extension("a\nb"), Err(CheckpointError::Extension));
}

#[test]
fn wrong_log_key_origin_or_key_type() {
    let log = log_signer();
    let cp = Checkpoint::new(ORIGIN, 5, root(5)).expect("valid");
    let bytes = cp.sign(&log).expect("small").to_bytes();
    let other = NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[43; 32]));
    assert_eq!(
        VerifiedCheckpoint::open(&bytes, ORIGIN, &other.verifier_key()),
        Err(CheckpointError::Signature(VerifyError::NoTrustedSignature))
    );
    assert_eq!(
        VerifiedCheckpoint::open(&bytes, "other.example/log", &log.verifier_key()),
        Err(CheckpointError::OriginMismatch { expected: "other.example/log".into(), found: ORIGIN.into() })
    );
    let witness = Cosigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[42; 32]));
    assert_eq!(VerifiedCheckpoint::open(&bytes, ORIGIN, &witness.verifier_key()), Err(CheckpointError::NotALogKey));
}

#[test]
fn signed_garbage_body_is_refused_after_the_signature() {
    let log = log_signer();
    let mut note = Note::new(format!("{ORIGIN}\n5\nnot base64\n")).expect("valid text");
    let sig = log.sign(&note);
    note.push_signature(sig);
    assert_eq!(VerifiedCheckpoint::open(&note.to_bytes(), ORIGIN, &log.verifier_key()), Err(CheckpointError::RootHash));
}

#[test]
fn witnesses_cosign_and_unknown_witnesses_are_ignored() {
    let log = log_signer();
    let w1 = Cosigner::new(KeyName::new("witness.example/w1").expect("valid"), SigningKey::from_bytes(&[1; 32]));
    let w2 = Cosigner::new(KeyName::new("witness.example/w2").expect("valid"), SigningKey::from_bytes(&[2; 32]));
    let cp = Checkpoint::new(ORIGIN, 7, root(7)).expect("valid");
    let mut note = cp.sign(&log).expect("small");
    let c1 = w1.cosign(&note, 1_700_000_000).expect("in range");
    note.push_signature(c1);
    let opened = VerifiedCheckpoint::open(&note.to_bytes(), ORIGIN, &log.verifier_key()).expect("valid checkpoint");
    let cosigs = opened.cosignatures(&[w1.verifier_key(), w2.verifier_key()]).expect("valid cosignatures");
    assert_eq!(cosigs.len(), 1);
    assert_eq!(cosigs[0].timestamp, Some(1_700_000_000));
    assert_eq!(opened.cosignatures(&[w2.verifier_key()]), Ok(vec![]));
    // The log key is not a witness key and is skipped.
    assert_eq!(opened.cosignatures(&[log.verifier_key()]), Ok(vec![]));
}

#[test]
fn bodies_are_parsed_strictly() {
    let r = root(3).to_base64();
    let short = &r[..r.len() - 4];
    let cases: Vec<(String, CheckpointError)> = vec![
        (format!("{ORIGIN}\n3\n{r}"), NoteError::TextNotTerminated.into()),
        (format!("{ORIGIN}\n3\n"), CheckpointError::TooFewLines(2)),
        (format!("\n3\n{r}\n"), CheckpointError::EmptyLine(1)),
        (format!("{ORIGIN}\n\n{r}\n"), CheckpointError::EmptyLine(2)),
        (format!("{ORIGIN}\n3\n{r}\n\nx\n"), CheckpointError::EmptyLine(4)),
        (format!("{ORIGIN}\n03\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n00\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n+3\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n-3\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n 3\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n3 \n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n0x3\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n٣\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n18446744073709551616\n{r}\n"), CheckpointError::Size),
        (format!("{ORIGIN}\n3\n{short}\n"), CheckpointError::RootHash),
        (format!("{ORIGIN}\n3\n{r} \n"), CheckpointError::RootHash),
        (format!("{ORIGIN}\n3\n{}\n", root(3).to_hex()), CheckpointError::RootHash),
        (format!("{ORIGIN}\r\n3\n{r}\n"), NoteError::ControlCharacter(ORIGIN.len()).into()),
    ];
    for (body, want) in cases {
        assert_eq!(Checkpoint::parse_body(&body), Err(want), "{body:?}");
    }
    let max = format!("{ORIGIN}\n18446744073709551615\n{r}\n");
    assert_eq!(Checkpoint::parse_body(&max).map(|c| c.size()), Ok(u64::MAX));
}

#[test]
fn origins_other_logs_use_are_accepted_ours_are_strict() {
    let r = root(1).to_base64();
    let spaced = Checkpoint::parse_body(&format!("a log+name\n1\n{r}\n")).expect("MAY be");
    assert_eq!(spaced.origin(), "a log+name");
    for bad in ["", "a log", "a+b", "tab\there"] {
        assert_eq!(Checkpoint::new(bad, 1, root(1)), Err(CheckpointError::Origin), "{bad:?}");
    }
}
