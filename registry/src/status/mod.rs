//! Status lists, pure: W3C Bitstring Status List v1.0, IETF Token Status List
//! (draft-ietf-oauth-status-list, JWT form), random index allocation, and the ledger leaves that
//! anchor status changes and list snapshots in the Merkle log.
//!
//! - [`BitstringStatusList`]: the W3C bitstring (index 0 = most significant bit of byte 0) and its
//!   `encodedList` (multibase base64url of GZIP), decoded within limits.
//! - [`StatusListCredential`] / [`ReceivedStatusList`]: the unsigned `BitstringStatusListCredential`
//!   a board signs, and a checked view of one received; [`StatusEntry`]: the
//!   `BitstringStatusListEntry` of an issued credential, built and parsed.
//! - [`TokenStatusList`] (index 0 = *least* significant bit of byte 0), [`StatusListToken`] (JWT
//!   claims, `typ: statuslist+jwt`) and [`StatusListReference`] (the Referenced Token's `status`).
//! - [`AllocationMap`] / [`pick_free_index`]: uniformly random free indexes (herd privacy).
//! - [`StatusEvent`] / [`StatusSnapshot`] / [`LedgerLeaf`]: versioned, deterministic leaf bytes
//!   (layout in [`snapshot`]).
//!
//! No I/O, no clock, no randomness of its own: times and an `RngCore` are passed in.

mod allocate;
mod bitstring;
mod compress;
mod credential;
mod entry;
mod packed;
mod purpose;
mod size;
pub mod snapshot;
mod token_jwt;
mod token_list;
mod url;

pub use allocate::{pick_free_index, AllocationMap, AllocationMapError, MAX_MAP_ENTRIES, MAX_PROBES};
pub use bitstring::{BitstringError, BitstringStatusList, DecodeListError, MIN_ENTRIES};
pub use compress::{CompressError, InflateError, MAX_COMPRESSED, MAX_DECOMPRESSED};
pub use credential::{
    BuildListError, ListCredentialError, ReceivedStatusList, StatusListCredential, CREDENTIALS_V2_CONTEXT,
    LIST_CREDENTIAL_TYPE, LIST_SUBJECT_TYPE,
};
pub use entry::{EntryError, StatusEntry, ENTRY_TYPE};
pub use purpose::{StatusPurpose, UnknownPurpose};
pub use size::{StatusSize, UnsupportedStatusSize};
pub use snapshot::{snapshot_hash_of, LeafError, LedgerLeaf, ListDigest, ListId, StatusEvent, StatusSnapshot};
pub use token_jwt::{
    BuildTokenError, StatusListReference, StatusListToken, TokenClaimError, STATUS_LIST_JWT_MEDIA_TYPE,
    STATUS_LIST_JWT_TYP,
};
pub use token_list::{token_status, StatusListClaimError, TokenListError, TokenStatusList};
pub use url::{StatusListUrl, UrlError, MAX_URL_LEN};
