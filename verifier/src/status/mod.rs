//! The status check: is a credential revoked or suspended, and can the issuer's own ledger prove
//! the answer?
//!
//! For each status entry — W3C `credentialStatus` (`BitstringStatusListEntry`: `statusPurpose`
//! revocation or suspension, `statusListIndex`, `statusListCredential`) or SD-JWT VC
//! `status.status_list` (`idx`, `uri`) — the engine:
//!
//! 1. takes the list from the caller's [`StatusSource`] (none → could not check);
//! 2. verifies the list exactly like a credential (issuer binding, then proof; a Token Status
//!    List's JWS through the same binding), and requires its issuer to be the credential's issuer;
//! 3. checks the list's `id` (`sub`) is the URL the entry names, its purpose, and the index range;
//! 4. reads the entry: a set bit (token value 1 or 2) fails as revoked or suspended;
//! 5. proves the list in the issuer's ledger: the `MedcredLedger` service of the
//!    issuer's DID document names the log's origin and note key; the tlog-proof's checkpoint must
//!    be signed by it (and cosigned per the witness policy, if any), its snapshot leaf included
//!    in the checkpoint's tree, fresh enough, and recording exactly this list's bits.
//!
//! How each finding counts (DESIGN.md: never "valid" when a check could not run):
//!
//! | finding | outcome |
//! |---|---|
//! | no list, unreadable list, list's key unresolvable, list expired | could not check |
//! | list signed by another issuer, or its signature fails | failed |
//! | signed list with another `id`/`sub`, purpose, or the index out of range | failed |
//! | bit set (token: 1 revoked, 2 suspended, other values) | failed |
//! | no bundle, no `MedcredLedger` service, malformed bundle, checkpoint not signed by the ledger key | could not check* |
//! | witness policy not met (too few cosignatures, a policy witness's bad cosignature) | could not check* |
//! | ledger evidence older than the maximum age (stale) | could not check* |
//! | log-signed checkpoint without the leaf (forged inclusion path), leaf not a snapshot, snapshot without the list, digest ≠ list | failed: the server contradicts its own ledger |
//!
//! \* passes with a warning detail when [`crate::danger::Danger::accept_unproven_status`] is set.
//!
//! Token Status Lists hold one 2-bit value per entry where the ledger records two W3C bitstrings:
//! the revocation bitstring is rebuilt exactly (value 1) and must match; the suspension bitstring
//! (value 2) only when no entry is revoked, since a revoked entry hides its suspension bit —
//! otherwise a mismatch there is "could not check" (prove it with the W3C suspension list).
//!
//! The overall outcome fails if any entry fails, else could not check if any could not be checked,
//! else passes, with a detail naming each list, index, checkpoint size and witnesses.

mod check;
mod entry;
mod ledger;
mod list;
mod memo;
mod memory;
mod signer;
mod source;
mod token;

pub use memo::{MemoryVerifiedLists, VerifiedLists};
pub use memory::MemoryStatusSource;
pub use source::{FetchedStatusList, StatusSource, StatusSourceError};

pub(crate) use check::{check, has_status};

/// How a failed status check's reason begins for a revoked credential ([`crate::Standing`] reads it).
pub(crate) const REVOKED: &str = "revoked";
/// How a failed status check's reason begins for a suspended credential.
pub(crate) const SUSPENDED: &str = "suspended";
