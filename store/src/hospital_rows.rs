//! Plain rows for hospitals (verifier organisations), their verifications, watches and
//! notifications. Times are Unix seconds.

use crate::rows::KeyStatus;

/// A hospital: a verifier organisation with its own DID and signing key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HospitalRow {
    /// Internal id (UUID).
    pub id: String,
    /// URL-safe short name, unique.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The hospital's DID (`did:web:<host>:hospitals:<slug>`).
    pub did: String,
    /// Where monitoring notifications are posted (signed), if anywhere.
    pub webhook_url: Option<String>,
    /// Creation time.
    pub created_at: i64,
}

/// A hospital signing key (receipts, webhooks); the secret half is sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HospitalKeyRow {
    /// Owning hospital.
    pub hospital_id: String,
    /// Fragment of the verification method id, e.g. `key-1`.
    pub key_id: String,
    /// Multikey public key.
    pub public_multibase: String,
    /// Encrypted secret key.
    pub secret_sealed: Vec<u8>,
    /// Lifecycle state.
    pub status: KeyStatus,
    /// Creation time.
    pub created_at: i64,
}

/// What a hospital token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HospitalRole {
    /// Manages tokens and the webhook, and verifies.
    Admin,
    /// Verifies, watches, reads receipts and notifications.
    Verifier,
}

impl HospitalRole {
    /// Storage and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            HospitalRole::Admin => "admin",
            HospitalRole::Verifier => "verifier",
        }
    }

    /// Parse a storage or API name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(HospitalRole::Admin),
            "verifier" => Some(HospitalRole::Verifier),
            _ => None,
        }
    }
}

/// A hospital API token, stored as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HospitalTokenRow {
    /// Token id (UUID), safe to log.
    pub id: String,
    /// The hospital it acts for.
    pub hospital_id: String,
    /// What it may do.
    pub role: HospitalRole,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Who or what it is for.
    pub label: String,
    /// Creation time.
    pub created_at: i64,
    /// Set once revoked.
    pub revoked_at: Option<i64>,
}

/// One verification done for a hospital.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRow {
    /// `urn:uuid:…`, also the receipt's id.
    pub id: String,
    /// The hospital.
    pub hospital_id: String,
    /// `credential` or `presentation`.
    pub kind: String,
    /// `valid`, `invalid` or `could_not_check`.
    pub verdict: String,
    /// What the holder presented, as received (only what they disclosed).
    pub presented: String,
    /// SHA-256 of `presented`, hex.
    pub presented_sha256: String,
    /// The engine's report, JSON.
    pub report: String,
    /// Who asked (a token's id and label).
    pub actor: String,
    /// When.
    pub at: i64,
}

/// A credential a hospital keeps watching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRow {
    /// Id (UUID).
    pub id: String,
    /// The hospital.
    pub hospital_id: String,
    /// The verification it came from.
    pub verification_id: String,
    /// The credential, as presented, re-verified on each round.
    pub credential: String,
    /// What it is, for people ("RN 26NR00000099, US-NJ").
    pub label: String,
    /// Its issuer's DID.
    pub issuer: String,
    /// Its end of validity, if it has one.
    pub valid_until: Option<i64>,
    /// The last standing seen.
    pub standing: String,
    /// When it was last checked.
    pub checked_at: i64,
    /// Still watched.
    pub active: bool,
    /// Creation time.
    pub created_at: i64,
}

/// A change a watch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRow {
    /// Id (UUID).
    pub id: String,
    /// The hospital.
    pub hospital_id: String,
    /// The watch.
    pub watch_id: String,
    /// The new standing (`revoked`, `suspended`, `expiring`, …).
    pub kind: String,
    /// The standing before.
    pub previous: String,
    /// What was found, in words.
    pub detail: String,
    /// When.
    pub at: i64,
    /// `none` (no webhook), `pending`, `delivered` or `failed`.
    pub delivery: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// The last delivery error.
    pub last_error: Option<String>,
}
