//! A board with a real ledger, for the status tests: its W3C status lists and Token Status List
//! signed with the board's key (as the medcred server signs them), a Merkle log whose snapshot
//! leaf records the lists, a log-signed and witness-cosigned checkpoint, and the tlog-proof of
//! the snapshot — each piece with a knob to break it.

use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::SigningKey;
use medcred_formats::{di_rdfc, jwt, IssuerKey};
use medcred_registry::checkpoint::Checkpoint;
use medcred_registry::merkle::{Hash, MemoryTree};
use medcred_registry::note::{Cosigner, KeyName, NoteSigner};
use medcred_registry::proof_bundle::ProofBundle;
use medcred_registry::status::{
    BitstringStatusList, ListDigest, ListId, StatusEvent, StatusListCredential, StatusListToken, StatusListUrl,
    StatusPurpose, StatusSize, StatusSnapshot, TokenStatusList,
};
use medcred_registry::witness::WitnessPolicy;
use medcred_verifier::{FetchedStatusList, MemoryStatusSource, OfflineResolver};
use serde_json::{json, Value};

use super::{board_doc, board_key, now, BOARD};

/// The board's log origin.
pub const ORIGIN: &str = "board.example/log";
/// The list the tests' credentials are in.
pub const LIST: u64 = 3;
/// The credentials' index in it.
pub const INDEX: u64 = 94;

/// The URL of list [`LIST`] of `kind` (`revocation`, `suspension` or `token`).
pub fn url(kind: &str) -> String {
    format!("https://board.example/boards/nj-bon/status/{LIST}/{kind}")
}

pub fn log() -> NoteSigner {
    NoteSigner::new(KeyName::new(ORIGIN).expect("name"), SigningKey::from_bytes(&[40; 32]))
}

pub fn witness(seed: u8) -> Cosigner {
    Cosigner::new(KeyName::new(format!("w{seed}.example")).expect("name"), SigningKey::from_bytes(&[seed; 32]))
}

/// Witnesses 41 and 42, both required.
pub fn policy() -> WitnessPolicy {
    WitnessPolicy::new(2, vec![witness(41).verifier_key(), witness(42).verifier_key()]).expect("policy")
}

/// How the board's world is built; [`World::default`] is honest and fresh.
pub struct World {
    pub revoked: Vec<u64>,
    pub suspended: Vec<u64>,
    /// The issuer the lists name, and the key that signs them.
    pub list_issuer: String,
    pub list_key: IssuerKey,
    /// When the snapshot leaf was written, and when the witnesses cosigned.
    pub snapshot_time: DateTime<Utc>,
    pub cosign_time: DateTime<Utc>,
    /// The witnesses that cosign the checkpoint.
    pub cosigners: Vec<u8>,
    /// The snapshot records these revocations instead of `revoked`.
    pub snapshot_revoked: Option<Vec<u64>>,
    /// Replace the first inclusion path hash.
    pub forge_path: bool,
    /// Publish the DID document's MedcredLedger service.
    pub ledger_service: bool,
}

impl Default for World {
    fn default() -> Self {
        World {
            revoked: Vec::new(),
            suspended: Vec::new(),
            list_issuer: BOARD.into(),
            list_key: board_key(1),
            snapshot_time: now() - Duration::hours(2),
            cosign_time: now() - Duration::minutes(10),
            cosigners: vec![41, 42],
            snapshot_revoked: None,
            forge_path: false,
            ledger_service: true,
        }
    }
}

fn bits(set: &[u64]) -> BitstringStatusList {
    let mut list = BitstringStatusList::with_min_entries(StatusSize::One);
    for &i in set {
        list.set(i, 1).expect("in range");
    }
    list
}

impl World {
    /// The resolver (the board's DID document) and the status source (its three lists, each
    /// with the snapshot's tlog-proof).
    pub async fn build(&self) -> (OfflineResolver, MemoryStatusSource) {
        let mut doc = board_doc(&[1], &[1]);
        if self.ledger_service {
            doc["service"] = json!([{"id": format!("{BOARD}#ledger"), "type": "MedcredLedger",
                "serviceEndpoint": "https://board.example/boards/nj-bon/log", "origin": ORIGIN,
                "noteKey": log().verifier_key().to_string()}]);
        }
        let proof = self.proof();
        let mut source = MemoryStatusSource::new();
        for purpose in StatusPurpose::ALL {
            let set = if purpose == StatusPurpose::Revocation { &self.revoked } else { &self.suspended };
            let list = self.w3c_list(purpose, &bits(set)).await;
            source.insert(url(purpose.as_str()), FetchedStatusList::new(list.to_string()).with_tlog_proof(&proof));
        }
        source.insert(url("token"), FetchedStatusList::new(self.token_list()).with_tlog_proof(&proof));
        (OfflineResolver::new().with_document(doc), source)
    }

    async fn w3c_list(&self, purpose: StatusPurpose, list: &BitstringStatusList) -> Value {
        let published = now() - Duration::hours(1);
        let unsigned = StatusListCredential {
            url: StatusListUrl::new(&url(purpose.as_str())).expect("url"),
            issuer: self.list_issuer.parse().expect("DID"),
            purpose,
            valid_from: published,
            valid_until: None,
            ttl_ms: Some(300_000),
        }
        .to_json(list)
        .expect("list credential");
        di_rdfc::sign(&unsigned, &self.list_key, published).await.expect("signed list")
    }

    /// The token list as the medcred server makes it: 2 bits, 1 revoked, else 2 suspended.
    fn token_list(&self) -> String {
        let mut list = TokenStatusList::new(131_072, StatusSize::Two).expect("list");
        for &i in &self.suspended {
            list.set(i, 2).expect("in range");
        }
        for &i in &self.revoked {
            list.set(i, 1).expect("in range");
        }
        let iat = (now() - Duration::hours(1)).timestamp() as u64;
        let token = StatusListToken {
            sub: StatusListUrl::new(&url("token")).expect("url"),
            iat,
            exp: Some(iat + 86_400),
            ttl: None,
            list,
        };
        let mut claims = token.to_claims().expect("claims");
        claims["iss"] = json!(self.list_issuer);
        let header = json!({"alg": "EdDSA", "typ": "statuslist+jwt", "kid": self.list_key.verification_method()});
        jwt::sign_compact(&header, claims.to_string().as_bytes(), &self.list_key).expect("signed token")
    }

    /// A log of some events, the snapshot leaf, and a later event; the tlog-proof of the snapshot.
    fn proof(&self) -> String {
        let revoked = self.snapshot_revoked.as_deref().unwrap_or(&self.revoked);
        let digests = vec![
            ListDigest::of(ListId(1), StatusPurpose::Revocation, bits(&[7]).as_bytes()),
            ListDigest::of(ListId(LIST), StatusPurpose::Revocation, bits(revoked).as_bytes()),
            ListDigest::of(ListId(LIST), StatusPurpose::Suspension, bits(&self.suspended).as_bytes()),
        ];
        let time = self.snapshot_time.timestamp() as u64;
        let snapshot = StatusSnapshot::new(time, digests).expect("snapshot").encode();
        let event = |index| {
            let e = StatusEvent {
                list: ListId(LIST),
                purpose: StatusPurpose::Revocation,
                index,
                value: 1,
                time,
                reason_hash: [7; 32],
            };
            e.encode().to_vec()
        };
        let mut tree = MemoryTree::new();
        for leaf in [event(1), event(2), event(3), snapshot.clone(), event(4)] {
            tree.append_data(&leaf);
        }
        let mut note =
            Checkpoint::new(ORIGIN, tree.size(), tree.root()).expect("checkpoint").sign(&log()).expect("note");
        for &seed in &self.cosigners {
            note.push_signature(witness(seed).cosign(&note, self.cosign_time.timestamp() as u64).expect("cosign"));
        }
        let mut path = tree.prove_inclusion(3, tree.size()).expect("in tree").path;
        if self.forge_path {
            path[0] = Hash::leaf(b"forged");
        }
        let bundle = ProofBundle::new(3, path, &note).expect("bundle").with_extra(snapshot).expect("extra");
        String::from_utf8(bundle.to_bytes()).expect("text")
    }
}
