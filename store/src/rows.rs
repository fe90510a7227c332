//! Plain rows the repositories read and write. Times are Unix seconds.

/// A licensing board (an issuer organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    /// Internal id (UUID).
    pub id: String,
    /// URL-safe short name, unique.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The board's DID.
    pub did: String,
    /// Creation time.
    pub created_at: i64,
}

/// The state of a board key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// Signs new credentials; listed in the DID document.
    Active,
    /// No longer signs, still listed so earlier credentials verify.
    Retired,
    /// Taken out of the DID document: credentials it signed no longer verify.
    Removed,
}

impl KeyStatus {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retired => "retired",
            KeyStatus::Removed => "removed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(KeyStatus::Active),
            "retired" => Some(KeyStatus::Retired),
            "removed" => Some(KeyStatus::Removed),
            _ => None,
        }
    }
}

/// A board signing key; the secret half is sealed by the issuer's key store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// Owning board.
    pub board_id: String,
    /// Fragment of the verification method id, e.g. `key-1`.
    pub key_id: String,
    /// Multikey public key.
    pub public_multibase: String,
    /// Encrypted secret key (never leaves the server).
    pub secret_sealed: Vec<u8>,
    /// Lifecycle state.
    pub status: KeyStatus,
    /// Creation time.
    pub created_at: i64,
    /// When it stopped signing.
    pub retired_at: Option<i64>,
}

/// An API token's role within its board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manages keys and tokens, and issues.
    Admin,
    /// Issues credentials.
    Issuer,
}

impl Role {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Issuer => "issuer",
        }
    }

    /// Parse a storage or API name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "issuer" => Some(Role::Issuer),
            _ => None,
        }
    }
}

/// An API token, stored as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Token id (UUID), safe to log.
    pub id: String,
    /// The board it acts for.
    pub board_id: String,
    /// What it may do.
    pub role: Role,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Who or what it is for.
    pub label: String,
    /// Creation time.
    pub created_at: i64,
    /// Set once revoked.
    pub revoked_at: Option<i64>,
}

/// An issued credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    /// `urn:uuid:…`.
    pub id: String,
    /// Issuing board.
    pub board_id: String,
    /// `license` or `patient`.
    pub kind: String,
    /// Securing format name.
    pub format: String,
    /// The board key that signed it.
    pub key_id: String,
    /// Name shown to board staff when searching (stays in the database).
    pub subject_label: String,
    /// License number (licenses only).
    pub license_number: Option<String>,
    /// Jurisdiction (licenses only).
    pub jurisdiction: Option<String>,
    /// Holder DID, when bound.
    pub holder_did: Option<String>,
    /// Validity start.
    pub valid_from: i64,
    /// Validity end.
    pub valid_until: Option<i64>,
    /// Status list slot: the list number (none for credentials issued without status).
    pub status_list: Option<i64>,
    /// Status list slot: the index in that list.
    pub status_index: Option<i64>,
    /// Idempotency key for bulk runs.
    pub dedupe_key: Option<String>,
    /// The secured credential as issued (JSON text or compact string).
    pub secured: String,
    /// Issuance time.
    pub created_at: i64,
}

/// One status list of a board: three bitstrings of `entries` bits each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListRow {
    /// Owning board.
    pub board_id: String,
    /// The list's number within the board (0, 1, …).
    pub list_no: i64,
    /// Entries per bitstring.
    pub entries: i64,
    /// Slots taken.
    pub used: i64,
    /// Allocation map: bit set when the slot was handed to a credential.
    pub allocated: Vec<u8>,
    /// Revocation bitstring (W3C bit order: index 0 is the first byte's high bit).
    pub revocation: Vec<u8>,
    /// Suspension bitstring.
    pub suspension: Vec<u8>,
    /// Bumped with every status change; names the ETag.
    pub version: i64,
    /// Time of the last status change.
    pub updated_at: i64,
}

/// One recorded status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangeRow {
    /// Its id.
    pub id: String,
    /// Board.
    pub board_id: String,
    /// The credential changed.
    pub credential_id: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// The bit's new value.
    pub value: i64,
    /// Why (kept here; the ledger carries only its hash).
    pub reason: String,
    /// Who: the API token's label and id, or the CLI user.
    pub actor: String,
    /// When.
    pub at: i64,
    /// Hex SHA-256 of the reason record, as on the ledger.
    pub reason_hash: String,
    /// The ledger leaf that records it.
    pub leaf_index: i64,
}

/// A board's transparency log: identity, sealed signing key, and head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLogRow {
    /// Board.
    pub board_id: String,
    /// The checkpoint origin line.
    pub origin: String,
    /// The signed-note key name (equal to the origin).
    pub key_name: String,
    /// The public key as a C2SP verifier key string (`name+hash+base64`).
    pub public_key: String,
    /// The Ed25519 secret, sealed under the master key.
    pub secret_sealed: Vec<u8>,
    /// Leaves in the log.
    pub size: i64,
    /// Root hash at `size`.
    pub root: Vec<u8>,
    /// Last append.
    pub updated_at: i64,
}

/// A signed checkpoint of a board's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRow {
    /// Board.
    pub board_id: String,
    /// Tree size.
    pub size: i64,
    /// Root hash.
    pub root: Vec<u8>,
    /// The note signed by the log key.
    pub note: String,
    /// The note with witness cosignatures, once collected.
    pub cosigned: Option<String>,
    /// How many cosignatures `cosigned` carries.
    pub cosignatures: i64,
    /// When it was signed.
    pub created_at: i64,
    /// Chain anchor, once made.
    pub anchor: Option<AnchorRow>,
}

/// Where a checkpoint root was anchored on a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorRow {
    /// EVM chain id.
    pub chain_id: i64,
    /// Transaction hash, 0x-hex.
    pub tx_hash: String,
    /// Block number.
    pub block: i64,
    /// Block time (Unix seconds).
    pub time: i64,
}

/// What a witness last cosigned for one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessLogRow {
    /// The log's origin.
    pub origin: String,
    /// Its verifier key string.
    pub log_key: String,
    /// Size last cosigned.
    pub size: i64,
    /// Root at that size.
    pub root: Vec<u8>,
    /// When.
    pub updated_at: i64,
}

/// A checkpoint the witness refused as a fork, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessForkRow {
    /// The log's origin.
    pub origin: String,
    /// The refused checkpoint's size.
    pub size: i64,
    /// Its root.
    pub offered_root: Vec<u8>,
    /// The size the witness had cosigned.
    pub known_size: i64,
    /// The root at that size.
    pub known_root: Vec<u8>,
    /// The refused checkpoint, signed by the log (evidence).
    pub checkpoint: String,
    /// Why it is a fork.
    pub reason: String,
    /// When it was seen (Unix seconds).
    pub seen_at: i64,
}

/// A stored subtree hash: ((level, index), 32-byte hash).
pub type NodeRow = ((u8, u64), Vec<u8>);
