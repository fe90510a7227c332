//! Plain rows for web app accounts: people (board and hospital staff) and their sessions. Times
//! are Unix seconds. Secrets print as `[redacted]` in `Debug`.

use std::fmt;

/// The kind of organisation a person works for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgKind {
    /// A licensing board (issuer).
    Board,
    /// A hospital (verifier).
    Hospital,
}

impl OrgKind {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Board => "board",
            OrgKind::Hospital => "hospital",
        }
    }

    /// Parse a storage name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "board" => Some(OrgKind::Board),
            "hospital" => Some(OrgKind::Hospital),
            _ => None,
        }
    }
}

/// What a person may do in the web app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRole {
    /// Board: issues, offers, and revokes / suspends / reinstates.
    BoardAdmin,
    /// Board: issues and offers; cannot change a credential's status.
    BoardIssuer,
    /// Hospital: verifies and manages the hospital's settings.
    HospitalAdmin,
    /// Hospital: verifies.
    HospitalVerifier,
}

impl UserRole {
    /// Every role.
    pub const ALL: [UserRole; 4] =
        [UserRole::BoardAdmin, UserRole::BoardIssuer, UserRole::HospitalAdmin, UserRole::HospitalVerifier];

    /// Storage and CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::BoardAdmin => "board_admin",
            UserRole::BoardIssuer => "board_issuer",
            UserRole::HospitalAdmin => "hospital_admin",
            UserRole::HospitalVerifier => "hospital_verifier",
        }
    }

    /// Parse a storage or CLI name.
    pub fn parse(s: &str) -> Option<Self> {
        UserRole::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The kind of organisation this role belongs to.
    pub fn org_kind(self) -> OrgKind {
        match self {
            UserRole::BoardAdmin | UserRole::BoardIssuer => OrgKind::Board,
            UserRole::HospitalAdmin | UserRole::HospitalVerifier => OrgKind::Hospital,
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            UserRole::BoardAdmin => "Board administrator",
            UserRole::BoardIssuer => "Board issuer",
            UserRole::HospitalAdmin => "Hospital administrator",
            UserRole::HospitalVerifier => "Hospital verifier",
        }
    }
}

/// A person who signs in.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Id (UUID).
    pub id: String,
    /// Board or hospital.
    pub org_kind: OrgKind,
    /// The board's or hospital's id.
    pub org_id: String,
    /// Email as given.
    pub email: String,
    /// Name shown in the app.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// What they may do.
    pub role: UserRole,
    /// Failed sign-ins since the last success or lock.
    pub failed_attempts: i64,
    /// Locked until then, if locked.
    pub locked_until: Option<i64>,
    /// Creation time.
    pub created_at: i64,
}

impl fmt::Debug for UserRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("org_kind", &self.org_kind)
            .field("org_id", &self.org_id)
            .field("email", &"[redacted]")
            .field("password_hash", &"[redacted]")
            .field("role", &self.role)
            .field("failed_attempts", &self.failed_attempts)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}

/// A signed-in browser.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 of the cookie value, hex.
    pub token_hash: String,
    /// Whose.
    pub user_id: String,
    /// The synchronizer token its forms carry.
    pub csrf_token: String,
    /// Sign-in time.
    pub created_at: i64,
    /// Absolute end.
    pub expires_at: i64,
    /// Last request seen (idle timeout).
    pub last_seen_at: i64,
}

impl fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRow")
            .field("token_hash", &"[redacted]")
            .field("user_id", &self.user_id)
            .field("csrf_token", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish()
    }
}

/// How many of a board's credentials are revoked and suspended now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Revoked (for good).
    pub revoked: i64,
    /// Suspended and not revoked.
    pub suspended: i64,
}

/// A status change with the name of the credential's subject, for board staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentChange {
    /// The change.
    pub change: crate::rows::StatusChangeRow,
    /// The credential's subject label (a name).
    pub subject_label: String,
    /// Its license number, if a license.
    pub license_number: Option<String>,
}
