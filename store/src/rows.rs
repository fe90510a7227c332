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
    /// Idempotency key for bulk runs.
    pub dedupe_key: Option<String>,
    /// The secured credential as issued (JSON text or compact string).
    pub secured: String,
    /// Issuance time.
    pub created_at: i64,
}
