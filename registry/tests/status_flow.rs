//! End to end, in memory: a board allocates random indexes, issues entries, revokes and suspends,
//! logs EVENT and SNAPSHOT leaves in the Merkle log, and publishes the list as a W3C list
//! credential and as a Token Status List; a verifier that trusts only the log root checks a
//! credential's status from the published documents and catches a list that differs from the
//! snapshot.

use chrono::{TimeZone, Utc};
use medcred_registry::merkle::{Hash, MemoryTree};
use medcred_registry::status::{
    snapshot_hash_of, token_status, AllocationMap, BitstringStatusList, LedgerLeaf, ListDigest, ListId,
    ReceivedStatusList, StatusEntry, StatusEvent, StatusListCredential, StatusListReference, StatusListToken,
    StatusListUrl, StatusPurpose, StatusSize, StatusSnapshot, TokenStatusList, MIN_ENTRIES,
};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sha2::{Digest, Sha256};

const BATCH_TIME: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z

struct Board {
    revocation: BitstringStatusList,
    suspension: BitstringStatusList,
    allocation: AllocationMap,
    log: MemoryTree,
    leaves: Vec<Vec<u8>>,
}

fn url(list: ListId) -> StatusListUrl {
    StatusListUrl::new(&format!("https://board.example/status/{list}")).expect("valid")
}

impl Board {
    fn change(&mut self, list: ListId, purpose: StatusPurpose, index: u64, value: u8, reason: &str) {
        let bits = match purpose {
            StatusPurpose::Revocation => &mut self.revocation,
            StatusPurpose::Suspension => &mut self.suspension,
        };
        bits.set(index, value).expect("allocated index");
        let event = StatusEvent {
            list,
            purpose,
            index,
            value,
            time: BATCH_TIME,
            reason_hash: Sha256::digest(reason.as_bytes()).into(),
        };
        self.append(event.encode().to_vec());
    }

    fn close_batch(&mut self) -> usize {
        let snapshot = StatusSnapshot::new(
            BATCH_TIME,
            vec![
                ListDigest::of(ListId(2), StatusPurpose::Suspension, self.suspension.as_bytes()),
                ListDigest::of(ListId(1), StatusPurpose::Revocation, self.revocation.as_bytes()),
            ],
        )
        .expect("distinct lists");
        self.append(snapshot.encode())
    }

    fn append(&mut self, leaf: Vec<u8>) -> usize {
        self.log.append_data(&leaf);
        self.leaves.push(leaf);
        self.leaves.len() - 1
    }
}

#[test]
fn issue_revoke_snapshot_and_verify() {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut board = Board {
        revocation: BitstringStatusList::with_min_entries(StatusSize::One),
        suspension: BitstringStatusList::with_min_entries(StatusSize::One),
        allocation: AllocationMap::new(MIN_ENTRIES).expect("small"),
        log: MemoryTree::new(),
        leaves: Vec::new(),
    };

    // Issue 500 credentials: one random index per credential, shared by its two entries.
    let issued: Vec<(serde_json::Value, serde_json::Value)> = (0..500)
        .map(|_| {
            let index = board.allocation.allocate(&mut rng).expect("room");
            let revocation = StatusEntry { purpose: StatusPurpose::Revocation, list_url: url(ListId(1)), index };
            let suspension = StatusEntry { purpose: StatusPurpose::Suspension, list_url: url(ListId(2)), index };
            (revocation.to_json(), suspension.to_json())
        })
        .collect();

    // Revoke credential 7, suspend credential 9, then reinstate 9 and suspend 11, in one batch.
    let index_of = |i: usize| StatusEntry::from_json(&issued[i].0).expect("ours").index;
    board.change(ListId(1), StatusPurpose::Revocation, index_of(7), 1, "reason record 7");
    board.change(ListId(2), StatusPurpose::Suspension, index_of(9), 1, "reason record 9");
    board.change(ListId(2), StatusPurpose::Suspension, index_of(9), 0, "reason record 9b");
    board.change(ListId(2), StatusPurpose::Suspension, index_of(11), 1, "reason record 11");
    let snapshot_index = board.close_batch();
    let root = board.log.root();
    let size = board.log.size();

    // Published: the list credential (unsigned here; the proof is another crate's job) and the
    // snapshot leaf with its inclusion proof.
    let published = StatusListCredential {
        url: url(ListId(1)),
        issuer: "did:web:board.example".parse().expect("valid DID"),
        purpose: StatusPurpose::Revocation,
        valid_from: Utc.timestamp_opt(BATCH_TIME as i64, 0).single().expect("valid time"),
        valid_until: None,
        ttl_ms: Some(300_000),
    }
    .to_json(&board.revocation)
    .expect("builds");
    let leaf_bytes = board.leaves[snapshot_index].clone();
    let proof = board.log.prove_inclusion(snapshot_index as u64, size).expect("in tree");

    // The verifier: parse the entries, the list, the snapshot; check the snapshot is in the log
    // and that the list is the one the snapshot recorded.
    let verify = |credential: usize, list_doc: &serde_json::Value| -> Result<u8, String> {
        let entry = StatusEntry::from_json(&issued[credential].0).map_err(|e| e.to_string())?;
        let list = ReceivedStatusList::from_json(list_doc).map_err(|e| e.to_string())?;
        if list.id.as_ref() != Some(&entry.list_url) || !list.has_purpose(entry.purpose) {
            return Err("wrong list".into());
        }
        proof.verify(&Hash::leaf(&leaf_bytes), &root).map_err(|e| e.to_string())?;
        let LedgerLeaf::Snapshot(snapshot) = LedgerLeaf::decode(&leaf_bytes).map_err(|e| e.to_string())? else {
            return Err("not a snapshot leaf".into());
        };
        let digest = snapshot.find(ListId(1), entry.purpose).ok_or("list not in snapshot")?;
        if digest.bitstring_sha256 != snapshot_hash_of(list.list.as_bytes()) {
            return Err("list differs from the ledger snapshot".into());
        }
        list.list.get(entry.index).map_err(|e| e.to_string())
    };
    assert_eq!(verify(7, &published), Ok(1), "revoked");
    assert_eq!(verify(8, &published), Ok(0), "never touched");

    // A server that quietly un-revokes credential 7 is caught by the snapshot hash.
    let mut forged_bits = board.revocation.clone();
    forged_bits.set(index_of(7), 0).expect("in range");
    let mut forged = published.clone();
    forged["credentialSubject"]["encodedList"] = forged_bits.encode_list().expect("in memory").into();
    assert_eq!(verify(7, &forged), Err("list differs from the ledger snapshot".to_string()));

    // Every leaf decodes, and the events tell the history without personal data.
    let events: Vec<StatusEvent> = board
        .leaves
        .iter()
        .filter_map(|l| match LedgerLeaf::decode(l).expect("valid leaf") {
            LedgerLeaf::Event(e) => Some(e),
            LedgerLeaf::Snapshot(_) => None,
        })
        .collect();
    assert_eq!(events.len(), 4);
    assert_eq!((events[2].index, events[2].value), (index_of(9), 0));
    assert_eq!(board.suspension.get(index_of(9)), Ok(0));
    assert_eq!(board.suspension.get(index_of(11)), Ok(1));

    // The same revocation state as a Token Status List (2 bits: VALID / INVALID / SUSPENDED).
    let mut token_list = TokenStatusList::new(MIN_ENTRIES, StatusSize::Two).expect("small");
    for credential in 0..issued.len() {
        let i = index_of(credential);
        let status = if board.revocation.get(i) == Ok(1) {
            token_status::INVALID
        } else if board.suspension.get(i) == Ok(1) {
            token_status::SUSPENDED
        } else {
            token_status::VALID
        };
        token_list.set(i, status).expect("in range");
    }
    let token = StatusListToken {
        sub: StatusListUrl::new("https://board.example/tsl/1").expect("valid"),
        iat: BATCH_TIME,
        exp: Some(BATCH_TIME + 86_400),
        ttl: std::num::NonZeroU64::new(300),
        list: token_list,
    };
    let claims = token.to_claims().expect("builds");
    let reference = StatusListReference { idx: index_of(11), uri: token.sub.clone() }.to_status_claim();
    let received = StatusListToken::from_claims(&claims).expect("parses");
    let pointer = StatusListReference::from_status_claim(&reference).expect("parses");
    assert_eq!(pointer.uri, received.sub);
    assert_eq!(received.list.get(pointer.idx), Ok(token_status::SUSPENDED));
    assert_eq!(received.list.get(index_of(7)), Ok(token_status::INVALID));
    assert_eq!(received.list.get(index_of(8)), Ok(token_status::VALID));
}
