//! C2SP tlog-witness add-checkpoint, through the wire format: a log formats requests, a witness
//! parses them and decides against its stored state. Covers the spec's statuses, forks, and
//! hostile bodies (random truncations and byte mutations never panic and never get anything but
//! the genuine checkpoint cosigned).

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use medcred_registry::checkpoint::Checkpoint;
use medcred_registry::merkle::{Hash, MemoryTree};
use medcred_registry::note::{Cosigner, KeyName, Note, NoteSigner};
use medcred_registry::witness::{
    format_size_body, parse_cosignatures, parse_size_body, AddCheckpointRequest, LogState, Witness, WitnessError,
};

const ORIGIN: &str = "registry.board-a.example/log";
const NOW: u64 = 1_750_000_000;

fn log_signer() -> NoteSigner {
    NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[11; 32]))
}

fn witness() -> Witness {
    let cosigner =
        Cosigner::new(KeyName::new("board-b.example/witness").expect("valid"), SigningKey::from_bytes(&[12; 32]));
    Witness::new(cosigner).with_log(ORIGIN, log_signer().verifier_key()).expect("Ed25519 log key")
}

fn tree(size: u64) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..size {
        t.append_data(format!("event {i}").as_bytes());
    }
    t
}

fn signed(size: u64, root: Hash) -> Note {
    Checkpoint::new(ORIGIN, size, root).expect("valid").sign(&log_signer()).expect("small")
}

/// The witness service in miniature: parse, load state, decide, store. Returns (status, body).
struct Service {
    witness: Witness,
    store: BTreeMap<String, LogState>,
}

impl Service {
    fn new() -> Service {
        Service { witness: witness(), store: BTreeMap::new() }
    }

    fn post(&mut self, body: &[u8], now: u64) -> (u16, Vec<u8>) {
        let request = match AddCheckpointRequest::parse(body) {
            Ok(r) => r,
            Err(e) => return (e.http_status(), Vec::new()),
        };
        let state = self.store.get(request.origin()).copied();
        match self.witness.add_checkpoint(state, &request, now) {
            Ok(done) => {
                self.store.insert(request.origin().to_owned(), done.state);
                (200, done.response_body().into_bytes())
            }
            Err(e) => {
                let body = e.known_size().map(format_size_body).unwrap_or_default();
                (e.http_status(), body.into_bytes())
            }
        }
    }
}

fn body(old: u64, t: &MemoryTree, new: u64) -> Vec<u8> {
    let proof = if old == 0 { Vec::new() } else { t.prove_consistency(old, new).expect("in tree").path };
    let note = signed(new, t.root_at(new).expect("in tree"));
    AddCheckpointRequest::new(old, proof, &note).expect("well-formed").to_bytes()
}

#[test]
fn happy_path_from_zero_and_growth() {
    let mut svc = Service::new();
    let t = tree(300);
    let mut old = 0;
    for (step, new) in [1u64, 2, 3, 7, 8, 100, 255, 256, 257, 300].into_iter().enumerate() {
        let (status, response) = svc.post(&body(old, &t, new), NOW + step as u64);
        assert_eq!(status, 200, "{old} -> {new}");
        // the log attaches the cosignature and checks it with the witness key
        let mut note = signed(new, t.root_at(new).expect("in tree"));
        for sig in parse_cosignatures(&response).expect("signature lines") {
            note.push_signature(sig);
        }
        let verified = note.verify(&[svc.witness.verifier_key()]).expect("valid cosignature");
        assert_eq!(verified[0].timestamp, Some(NOW + step as u64));
        assert_eq!(svc.store[ORIGIN], LogState { size: new, root: t.root_at(new).expect("in tree") });
        old = new;
    }
}

#[test]
fn stale_old_size_gets_409_with_the_known_size() {
    let mut svc = Service::new();
    let t = tree(50);
    assert_eq!(svc.post(&body(0, &t, 20), NOW).0, 200);
    // a log that lost track sends old 0, learns 20, retries
    let (status, response) = svc.post(&body(0, &t, 50), NOW);
    assert_eq!(status, 409);
    let known = parse_size_body(&response).expect("text/x.tlog.size");
    assert_eq!(known, 20);
    assert_eq!(svc.post(&body(known, &t, 50), NOW).0, 200);
    // an old size behind the stored one, and a rollback to a smaller tree
    assert_eq!(svc.post(&body(20, &t, 50), NOW), (409, b"50\n".to_vec()));
    assert_eq!(svc.post(&body(30, &t, 40), NOW), (409, b"50\n".to_vec()));
    // old larger than the checkpoint
    let note = signed(40, t.root_at(40).expect("in tree"));
    let larger = AddCheckpointRequest::new(50, vec![], &note).expect("well-formed");
    assert_eq!(svc.post(&larger.to_bytes(), NOW).0, 400);
    assert_eq!(svc.store[ORIGIN].size, 50);
}

#[test]
fn forged_proofs_and_forks() {
    let mut svc = Service::new();
    let t = tree(64);
    assert_eq!(svc.post(&body(0, &t, 10), NOW).0, 200);
    let stored = svc.store[ORIGIN];

    // forged consistency proof: every single-bit flip of every proof hash is refused with 422
    let good = t.prove_consistency(10, 64).expect("in tree").path;
    let note = signed(64, t.root());
    for i in 0..good.len() {
        let mut forged = good.clone();
        forged[i].0[i % 32] ^= 0x80;
        let req = AddCheckpointRequest::new(10, forged, &note).expect("well-formed");
        assert_eq!(svc.post(&req.to_bytes(), NOW).0, 422, "hash {i}");
    }
    let short = AddCheckpointRequest::new(10, good[1..].to_vec(), &note).expect("well-formed");
    assert_eq!(svc.post(&short.to_bytes(), NOW).0, 422);

    // fork at the same size: a log-signed checkpoint with another root
    let other = tree(10);
    let mut rewritten = MemoryTree::new();
    for i in 0..10 {
        rewritten.append_data(format!("rewritten {i}").as_bytes());
    }
    assert_ne!(other.root(), rewritten.root());
    let fork = AddCheckpointRequest::new(10, vec![], &signed(10, rewritten.root())).expect("well-formed");
    let request = AddCheckpointRequest::parse(&fork.to_bytes()).expect("well-formed");
    let refused = svc.witness.add_checkpoint(Some(stored), &request, NOW);
    assert_eq!(
        refused,
        Err(WitnessError::Equivocation { size: 10, stored_root: stored.root, new_root: rewritten.root() })
    );
    assert_eq!(svc.post(&fork.to_bytes(), NOW).0, 409);

    // fork at a larger size: the rewritten history grown to 64 cannot be proven consistent
    for i in 10..64 {
        rewritten.append_data(format!("event {i}").as_bytes());
    }
    let proof = rewritten.prove_consistency(10, 64).expect("in tree").path;
    let forked = AddCheckpointRequest::new(10, proof, &signed(64, rewritten.root())).expect("well-formed");
    assert_eq!(svc.post(&forked.to_bytes(), NOW).0, 422);
    // nothing of the above moved the stored state
    assert_eq!(svc.store[ORIGIN], stored);
    assert_eq!(svc.post(&body(10, &t, 64), NOW).0, 200);
}

#[test]
fn unknown_origin_and_wrong_key() {
    let mut svc = Service::new();
    let t = tree(5);
    let stranger =
        NoteSigner::new(KeyName::new("other.example/log").expect("valid"), SigningKey::from_bytes(&[13; 32]));
    let note = Checkpoint::new("other.example/log", 5, t.root()).expect("valid").sign(&stranger).expect("small");
    let req = AddCheckpointRequest::new(0, vec![], &note).expect("well-formed");
    assert_eq!(svc.post(&req.to_bytes(), NOW).0, 404);

    // right origin, signed by another key with the log's name: 403
    let impostor = NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[14; 32]));
    let note = Checkpoint::new(ORIGIN, 5, t.root()).expect("valid").sign(&impostor).expect("small");
    let req = AddCheckpointRequest::new(0, vec![], &note).expect("well-formed");
    assert_eq!(svc.post(&req.to_bytes(), NOW).0, 403);

    // a genuine signature plus a bad one under the log's key: 403 too
    let mut note = signed(5, t.root());
    let mut bad = log_signer().sign(&note);
    bad.signature[0] ^= 1;
    note.push_signature(bad);
    let req = AddCheckpointRequest::new(0, vec![], &note).expect("well-formed");
    assert_eq!(svc.post(&req.to_bytes(), NOW).0, 403);
    assert!(svc.store.is_empty());
}

/// xorshift64*: deterministic randomness without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn hostile_bodies_never_panic_nor_get_a_forgery_cosigned() {
    let t = tree(40);
    let genuine = LogState { size: 40, root: t.root() };
    let valid = body(17, &t, 40);
    let stored = LogState { size: 17, root: t.root_at(17).expect("in tree") };
    let w = witness();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let interesting = [b'\n', b' ', b'0', b'9', b'=', b'+', b'/', b'A', 0xe2, 0x80, 0x94, 0xff, 0];
    let (mut parsed, mut cosigned) = (0, 0);
    for round in 0..20_000 {
        let mut body = valid.clone();
        match round % 4 {
            0 => body.truncate(rng.below(valid.len() + 1)),
            1 => {
                for _ in 0..=rng.below(3) {
                    let at = rng.below(body.len());
                    body[at] = interesting[rng.below(interesting.len())];
                }
            }
            2 => {
                let at = rng.below(body.len());
                body.remove(at);
            }
            _ => {
                let at = rng.below(body.len() + 1);
                body.insert(at, interesting[rng.below(interesting.len())]);
            }
        }
        let Ok(request) = AddCheckpointRequest::parse(&body) else {
            continue;
        };
        parsed += 1;
        match w.add_checkpoint(Some(stored), &request, NOW) {
            Ok(done) => {
                cosigned += 1;
                assert_eq!(done.state, genuine, "cosigned a forgery: {:?}", String::from_utf8_lossy(&body));
            }
            Err(e) => assert!([400, 403, 404, 409, 422].contains(&e.http_status()), "{e}"),
        }
    }
    // the mutations reach the witness's checks, and harmless ones (e.g. in the checkpoint's
    // trailing bytes that parse the same) still cosign the genuine checkpoint
    assert!(parsed > 1000, "{parsed}");
    assert!(cosigned > 0, "{cosigned}");
    assert!(AddCheckpointRequest::parse(&valid).is_ok());
}
