//! Ledger leaves of the status registry (DESIGN.md "The ledger"): an EVENT leaf for every status
//! change and a SNAPSHOT leaf closing every batch. The log hashes these bytes as RFC 9162 §2.1.1
//! leaves ([`crate::merkle::Hash::leaf`]).
//!
//! No personal data: a leaf names a list by number, an index, a value, a time and the SHA-256 of
//! the reason record kept off the ledger.
//!
//! # Encoding, version 1
//!
//! Binary, fixed layout, integers big-endian, no padding; decoding rejects any other length,
//! trailing bytes, unknown tags, versions or purpose codes, so each value has exactly one encoding.
//! Every leaf starts with a one-byte type tag and a one-byte version.
//!
//! EVENT — 60 bytes:
//!
//! | offset | size | field |
//! |-------:|-----:|-------|
//! | 0  | 1  | type tag `0x45` (`E`) |
//! | 1  | 1  | version `0x01` |
//! | 2  | 8  | list id (u64) |
//! | 10 | 1  | purpose: `0x01` revocation, `0x02` suspension |
//! | 11 | 8  | index in the list (u64) |
//! | 19 | 1  | new status value |
//! | 20 | 8  | time of the change, POSIX seconds (u64) |
//! | 28 | 32 | SHA-256 of the reason record |
//!
//! SNAPSHOT — 14 + 41·n bytes:
//!
//! | offset | size | field |
//! |-------:|-----:|-------|
//! | 0  | 1 | type tag `0x53` (`S`) |
//! | 1  | 1 | version `0x01` |
//! | 2  | 8 | batch time, POSIX seconds (u64) |
//! | 10 | 4 | n, the number of lists (u32) |
//! | 14 + 41·i | 8  | list id (u64) |
//! | 22 + 41·i | 1  | purpose code |
//! | 23 + 41·i | 32 | SHA-256 of the list's raw bitstring ([`snapshot_hash_of`]) |
//!
//! The n entries are in strictly ascending (list id, purpose) order: one entry per list, the same
//! order for the same set of lists.

use std::fmt;

use sha2::{Digest as _, Sha256};

use super::purpose::StatusPurpose;

/// Type tag of an EVENT leaf.
pub const EVENT_TAG: u8 = b'E';
/// Type tag of a SNAPSHOT leaf.
pub const SNAPSHOT_TAG: u8 = b'S';
/// The encoding version this code writes and reads.
pub const LEAF_VERSION: u8 = 1;
/// Length of an EVENT leaf.
pub const EVENT_LEN: usize = 60;
/// Length of a SNAPSHOT leaf before its entries.
pub const SNAPSHOT_HEADER_LEN: usize = 14;
/// Length of one SNAPSHOT entry.
pub const SNAPSHOT_ENTRY_LEN: usize = 41;

/// SHA-256 of a list's raw (uncompressed) bitstring: what a snapshot records and what a verifier
/// recomputes from a decoded `encodedList`.
pub fn snapshot_hash_of(bitstring: &[u8]) -> [u8; 32] {
    Sha256::digest(bitstring).into()
}

/// The registry's number for one status list of a board (its URL is derived from it elsewhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListId(pub u64);

impl fmt::Display for ListId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusEvent {
    /// The list changed.
    pub list: ListId,
    /// The list's purpose.
    pub purpose: StatusPurpose,
    /// The entry changed.
    pub index: u64,
    /// The entry's new value (1 = revoked / suspended, 0 = reinstated, for one-bit lists).
    pub value: u8,
    /// When, in POSIX seconds (passed in; nothing here reads a clock).
    pub time: u64,
    /// SHA-256 of the reason record (kept off the ledger).
    pub reason_hash: [u8; 32],
}

/// One list's state in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListDigest {
    /// The list.
    pub list: ListId,
    /// Its purpose.
    pub purpose: StatusPurpose,
    /// [`snapshot_hash_of`] its raw bitstring.
    pub bitstring_sha256: [u8; 32],
}

/// The state of every list at the end of a batch, entries in (list id, purpose) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSnapshot {
    time: u64,
    lists: Vec<ListDigest>,
}

/// A leaf of the status ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerLeaf {
    /// A status change.
    Event(StatusEvent),
    /// The end of a batch.
    Snapshot(StatusSnapshot),
}

/// Leaf bytes are not a valid version-1 leaf, or a snapshot cannot be formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LeafError {
    /// No bytes at all.
    #[error("ledger leaf is empty")]
    Empty,
    /// The first byte is not a known type tag.
    #[error("unknown ledger leaf type tag 0x{0:02x}")]
    UnknownType(u8),
    /// The version byte is missing or not [`LEAF_VERSION`].
    #[error("unsupported ledger leaf version")]
    UnsupportedVersion,
    /// The length does not match the layout.
    #[error("ledger leaf has {actual} bytes, expected {expected}")]
    WrongLength {
        /// Bytes the layout calls for.
        expected: u64,
        /// Bytes given.
        actual: u64,
    },
    /// A purpose byte is not a known code.
    #[error("unknown status purpose code {0}")]
    UnknownPurpose(u8),
    /// Snapshot entries are not in strictly ascending (list id, purpose) order, or repeat a list.
    #[error("snapshot lists are not in strictly ascending order")]
    NotAscending,
    /// More than 2^32 - 1 lists in one snapshot.
    #[error("snapshot has more than 2^32 - 1 lists")]
    TooManyLists,
}

impl StatusEvent {
    /// The version-1 leaf bytes.
    pub fn encode(&self) -> [u8; EVENT_LEN] {
        let mut out = [0u8; EVENT_LEN];
        out[0] = EVENT_TAG;
        out[1] = LEAF_VERSION;
        out[2..10].copy_from_slice(&self.list.0.to_be_bytes());
        out[10] = self.purpose.code();
        out[11..19].copy_from_slice(&self.index.to_be_bytes());
        out[19] = self.value;
        out[20..28].copy_from_slice(&self.time.to_be_bytes());
        out[28..60].copy_from_slice(&self.reason_hash);
        out
    }

    /// Parse version-1 EVENT leaf bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, LeafError> {
        header(bytes, EVENT_TAG)?;
        if bytes.len() != EVENT_LEN {
            return Err(LeafError::WrongLength { expected: EVENT_LEN as u64, actual: bytes.len() as u64 });
        }
        let mut r = Reader(&bytes[2..]);
        let event = StatusEvent {
            list: ListId(r.u64()),
            purpose: purpose(r.u8())?,
            index: r.u64(),
            value: r.u8(),
            time: r.u64(),
            reason_hash: r.hash(),
        };
        Ok(event)
    }
}

impl ListDigest {
    /// The digest of a list's raw bitstring bytes.
    pub fn of(list: ListId, purpose: StatusPurpose, bitstring: &[u8]) -> Self {
        ListDigest { list, purpose, bitstring_sha256: snapshot_hash_of(bitstring) }
    }

    fn key(&self) -> (ListId, StatusPurpose) {
        (self.list, self.purpose)
    }
}

impl StatusSnapshot {
    /// A snapshot at `time` of `lists`, put in (list id, purpose) order; two entries for the same
    /// list and purpose are an error.
    pub fn new(time: u64, mut lists: Vec<ListDigest>) -> Result<Self, LeafError> {
        if u32::try_from(lists.len()).is_err() {
            return Err(LeafError::TooManyLists);
        }
        lists.sort_by_key(ListDigest::key);
        if lists.windows(2).any(|w| w[0].key() == w[1].key()) {
            return Err(LeafError::NotAscending);
        }
        Ok(StatusSnapshot { time, lists })
    }

    /// The batch time, POSIX seconds.
    pub fn time(&self) -> u64 {
        self.time
    }

    /// The lists, in (list id, purpose) order.
    pub fn lists(&self) -> &[ListDigest] {
        &self.lists
    }

    /// The entry for `list`, if the snapshot has it.
    pub fn find(&self, list: ListId, purpose: StatusPurpose) -> Option<&ListDigest> {
        self.lists.binary_search_by_key(&(list, purpose), ListDigest::key).ok().map(|i| &self.lists[i])
    }

    /// The version-1 leaf bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(SNAPSHOT_HEADER_LEN + SNAPSHOT_ENTRY_LEN * self.lists.len());
        out.push(SNAPSHOT_TAG);
        out.push(LEAF_VERSION);
        out.extend_from_slice(&self.time.to_be_bytes());
        // `new` and `decode` guarantee the count fits in a u32.
        out.extend_from_slice(&(self.lists.len() as u32).to_be_bytes());
        for d in &self.lists {
            out.extend_from_slice(&d.list.0.to_be_bytes());
            out.push(d.purpose.code());
            out.extend_from_slice(&d.bitstring_sha256);
        }
        out
    }

    /// Parse version-1 SNAPSHOT leaf bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, LeafError> {
        header(bytes, SNAPSHOT_TAG)?;
        if bytes.len() < SNAPSHOT_HEADER_LEN {
            return Err(LeafError::WrongLength { expected: SNAPSHOT_HEADER_LEN as u64, actual: bytes.len() as u64 });
        }
        let mut r = Reader(&bytes[2..]);
        let time = r.u64();
        let count = u64::from(r.u32());
        let expected = SNAPSHOT_HEADER_LEN as u64 + SNAPSHOT_ENTRY_LEN as u64 * count;
        if bytes.len() as u64 != expected {
            return Err(LeafError::WrongLength { expected, actual: bytes.len() as u64 });
        }
        // The length check bounds `count` by the input size before anything is allocated.
        let mut lists = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let d = ListDigest { list: ListId(r.u64()), purpose: purpose(r.u8())?, bitstring_sha256: r.hash() };
            if lists.last().is_some_and(|prev: &ListDigest| prev.key() >= d.key()) {
                return Err(LeafError::NotAscending);
            }
            lists.push(d);
        }
        Ok(StatusSnapshot { time, lists })
    }
}

impl LedgerLeaf {
    /// The leaf bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            LedgerLeaf::Event(e) => e.encode().to_vec(),
            LedgerLeaf::Snapshot(s) => s.encode(),
        }
    }

    /// Parse any version-1 leaf, dispatching on its type tag.
    pub fn decode(bytes: &[u8]) -> Result<Self, LeafError> {
        match bytes.first() {
            None => Err(LeafError::Empty),
            Some(&EVENT_TAG) => StatusEvent::decode(bytes).map(LedgerLeaf::Event),
            Some(&SNAPSHOT_TAG) => StatusSnapshot::decode(bytes).map(LedgerLeaf::Snapshot),
            Some(&other) => Err(LeafError::UnknownType(other)),
        }
    }
}

fn header(bytes: &[u8], tag: u8) -> Result<(), LeafError> {
    match bytes {
        [] => Err(LeafError::Empty),
        [t, ..] if *t != tag => Err(LeafError::UnknownType(*t)),
        [_, LEAF_VERSION, ..] => Ok(()),
        _ => Err(LeafError::UnsupportedVersion),
    }
}

fn purpose(code: u8) -> Result<StatusPurpose, LeafError> {
    StatusPurpose::from_code(code).ok_or(LeafError::UnknownPurpose(code))
}

/// Reads fixed-size fields from a slice whose length the caller has already checked.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        // Lengths are checked before reading; a short slice would leave zeros, never panic.
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_be_bytes(self.take())
    }
    fn hash(&mut self) -> [u8; 32] {
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::Hash;

    fn event() -> StatusEvent {
        StatusEvent {
            list: ListId(3),
            purpose: StatusPurpose::Revocation,
            index: 94_567,
            value: 1,
            time: 1_767_225_600,
            reason_hash: [0xab; 32],
        }
    }

    #[test]
    fn event_layout_is_as_documented() {
        let bytes = event().encode();
        let want = [
            &[0x45, 0x01][..],
            &[0, 0, 0, 0, 0, 0, 0, 3],
            &[0x01],
            &[0, 0, 0, 0, 0, 0x01, 0x71, 0x67],
            &[0x01],
            &[0, 0, 0, 0, 0x69, 0x55, 0xb9, 0x00],
            &[0xab; 32],
        ]
        .concat();
        assert_eq!(bytes.as_slice(), want.as_slice());
        assert_eq!(StatusEvent::decode(&bytes), Ok(event()));
        assert_eq!(LedgerLeaf::decode(&bytes), Ok(LedgerLeaf::Event(event())));
        // Pinned RFC 9162 leaf hash, computed independently (Python hashlib over 0x00 ‖ bytes):
        // changing the layout must be a new version, not a silent change.
        assert_eq!(Hash::leaf(&bytes).to_string(), "72b705e623093ac2e15dace9e4fdc7a1c4f1e6a1029fadf80bf193b61c33d555");
    }

    #[test]
    fn snapshot_layout_sorting_and_lookup() {
        let a = ListDigest::of(ListId(7), StatusPurpose::Suspension, &[0u8; 16]);
        let b = ListDigest::of(ListId(2), StatusPurpose::Revocation, &[0xffu8; 16]);
        let c = ListDigest::of(ListId(7), StatusPurpose::Revocation, &[]);
        let snap = StatusSnapshot::new(1_767_225_600, vec![a, b, c]).expect("distinct");
        assert_eq!(snap.lists(), &[b, c, a]);
        assert_eq!(snap.find(ListId(7), StatusPurpose::Suspension), Some(&a));
        assert_eq!(snap.find(ListId(8), StatusPurpose::Suspension), None);
        let bytes = snap.encode();
        assert_eq!(bytes.len(), SNAPSHOT_HEADER_LEN + 3 * SNAPSHOT_ENTRY_LEN);
        assert_eq!(&bytes[..14], &[0x53, 0x01, 0, 0, 0, 0, 0x69, 0x55, 0xb9, 0x00, 0, 0, 0, 3]);
        assert_eq!(&bytes[14..23], &[0, 0, 0, 0, 0, 0, 0, 2, 0x01]);
        assert_eq!(&bytes[23..55], &snapshot_hash_of(&[0xff; 16]));
        assert_eq!(StatusSnapshot::decode(&bytes), Ok(snap.clone()));
        assert_eq!(LedgerLeaf::decode(&bytes), Ok(LedgerLeaf::Snapshot(snap.clone())));
        assert_eq!(LedgerLeaf::Snapshot(snap.clone()).encode(), bytes);
        // Input order does not matter: the same lists give the same bytes.
        assert_eq!(StatusSnapshot::new(1_767_225_600, vec![c, a, b]).expect("distinct").encode(), bytes);
        assert_eq!(StatusSnapshot::new(1, vec![a, a]), Err(LeafError::NotAscending));
        let empty = StatusSnapshot::new(5, vec![]).expect("empty");
        assert_eq!(StatusSnapshot::decode(&empty.encode()), Ok(empty));
    }

    #[test]
    fn snapshot_hash_is_plain_sha256() {
        // SHA-256 of 16 KiB of zeros (an empty 131,072-entry list), computed independently with
        // `head -c 16384 /dev/zero | sha256sum`.
        assert_eq!(
            hex::encode(snapshot_hash_of(&[0u8; 16 * 1024])),
            "4fe7b59af6de3b665b67788cc2f99892ab827efae3a467342b3bb4e3bc8e5bfe"
        );
    }

    #[test]
    fn hostile_leaves_are_typed_errors() {
        let ev = event().encode();
        assert_eq!(LedgerLeaf::decode(&[]), Err(LeafError::Empty));
        assert_eq!(StatusEvent::decode(&[]), Err(LeafError::Empty));
        assert_eq!(LedgerLeaf::decode(&[0x00; 60]), Err(LeafError::UnknownType(0)));
        assert_eq!(StatusEvent::decode(&[b'S', 1]), Err(LeafError::UnknownType(b'S')));
        assert_eq!(LedgerLeaf::decode(b"E"), Err(LeafError::UnsupportedVersion));
        let mut v2 = ev;
        v2[1] = 2;
        assert_eq!(LedgerLeaf::decode(&v2), Err(LeafError::UnsupportedVersion));
        for cut in 2..EVENT_LEN {
            assert!(matches!(StatusEvent::decode(&ev[..cut]), Err(LeafError::WrongLength { .. })), "{cut}");
        }
        let mut long = ev.to_vec();
        long.push(0);
        assert_eq!(StatusEvent::decode(&long), Err(LeafError::WrongLength { expected: 60, actual: 61 }));
        let mut bad_purpose = ev;
        bad_purpose[10] = 3;
        assert_eq!(StatusEvent::decode(&bad_purpose), Err(LeafError::UnknownPurpose(3)));

        let a = ListDigest::of(ListId(1), StatusPurpose::Revocation, b"a");
        let b = ListDigest::of(ListId(2), StatusPurpose::Revocation, b"b");
        let snap = StatusSnapshot::new(9, vec![a, b]).expect("distinct").encode();
        for cut in 0..snap.len() {
            assert!(StatusSnapshot::decode(&snap[..cut]).is_err(), "{cut}");
        }
        let mut swapped = snap.clone();
        swapped[14..55].copy_from_slice(&snap[55..96]);
        swapped[55..96].copy_from_slice(&snap[14..55]);
        assert_eq!(StatusSnapshot::decode(&swapped), Err(LeafError::NotAscending));
        let mut dup = snap.clone();
        dup[55..96].copy_from_slice(&snap[14..55]);
        assert_eq!(StatusSnapshot::decode(&dup), Err(LeafError::NotAscending));
        // A huge count with a short body is a length error, not a huge allocation.
        let mut huge = snap[..14].to_vec();
        huge[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(StatusSnapshot::decode(&huge), Err(LeafError::WrongLength { .. })));
        let mut bad = snap.clone();
        bad[22] = 0;
        assert_eq!(StatusSnapshot::decode(&bad), Err(LeafError::UnknownPurpose(0)));
    }
}
