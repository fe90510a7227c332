//! What the board's pages show, as the server sends it (serialized for hydration): plain
//! strings, dates already formatted for people.

use serde::{Deserialize, Serialize};

/// The person signed in, as the pages need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// `board_admin`, `board_issuer`, `hospital_admin` or `hospital_verifier`.
    pub role: String,
    /// The role for people.
    pub role_label: String,
    /// `board` or `hospital`.
    pub org_kind: String,
    /// The organisation's name.
    pub org_name: String,
    /// The session's CSRF token, for the forms.
    pub csrf: String,
}

impl Me {
    /// Whether they may change a credential's status.
    pub fn is_board_admin(&self) -> bool {
        self.role == "board_admin"
    }
}

/// A page's data, or why it is not shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Guarded<T> {
    /// The data.
    Shown(T),
    /// Nobody is signed in: sign in, then come back to `next`.
    SignIn {
        /// Where to come back to.
        next: String,
    },
    /// Signed in, but this is not for them (403), with why.
    Forbidden(String),
    /// There is no such thing (404).
    Missing(String),
}

/// A board signing key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyView {
    /// Verification method id.
    pub id: String,
    /// active, retired, removed.
    pub status: String,
    /// Created.
    pub created: String,
}

/// The board's latest checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointView {
    /// Tree size.
    pub size: i64,
    /// Signed at.
    pub at: String,
    /// Witness cosignatures.
    pub cosignatures: i64,
    /// Chain anchor, when anchored ("chain 31337, block 12").
    pub anchor: Option<String>,
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeView {
    /// The credential.
    pub credential_id: String,
    /// Whom it is about.
    pub name: String,
    /// License number.
    pub license_number: Option<String>,
    /// "Revoked", "Suspended", "Reinstated".
    pub what: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
    /// When.
    pub at: String,
    /// The ledger leaf.
    pub leaf_index: i64,
}

/// The dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    /// The board's name.
    pub board_name: String,
    /// Its URL name (for its public page).
    pub slug: String,
    /// Its DID.
    pub did: String,
    /// Credentials issued.
    pub issued: i64,
    /// Neither revoked nor suspended.
    pub active: i64,
    /// Suspended.
    pub suspended: i64,
    /// Revoked.
    pub revoked: i64,
    /// Signing keys.
    pub keys: Vec<KeyView>,
    /// Latest checkpoint.
    pub checkpoint: Option<CheckpointView>,
    /// Latest status changes.
    pub recent: Vec<ChangeView>,
}

/// The issue form: choices, and (after a refused post) what was typed and what is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueFormView {
    /// License types: (code, label).
    pub license_types: Vec<(String, String)>,
    /// Field values.
    pub values: Vec<(String, String)>,
    /// Messages by field; `general` for the whole form.
    pub errors: Vec<(String, String)>,
}

impl IssueFormView {
    /// A field's value.
    pub fn value(&self, field: &str) -> String {
        self.values.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// A field's error.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone())
    }
}

/// A credential in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialSummary {
    /// `urn:uuid:…`.
    pub id: String,
    /// The holder's name.
    pub name: String,
    /// License number.
    pub license_number: Option<String>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// `license` or `patient`.
    pub kind: String,
    /// Securing format.
    pub format: String,
    /// Issued at.
    pub issued: String,
    /// Valid until.
    pub valid_until: Option<String>,
    /// `active`, `suspended`, `revoked`, `expired` or `no status`.
    pub state: String,
}

/// Search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchView {
    /// The query.
    pub q: String,
    /// Matches, newest first.
    pub results: Vec<CredentialSummary>,
}

/// One credential's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialView {
    /// The credential.
    pub summary: CredentialSummary,
    /// Its slot, "list 0, index 123".
    pub slot: Option<String>,
    /// Its status history, oldest first.
    pub history: Vec<ChangeView>,
    /// After a post: what went well.
    pub notice: Option<String>,
    /// After a post: what was refused.
    pub error: Option<String>,
}

/// A credential offer for the holder's wallet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferView {
    /// The credential.
    pub credential_id: String,
    /// Whom it is for.
    pub name: String,
    /// The QR code (SVG markup made by the server).
    pub qr_svg: String,
    /// The web wallet's address for the offer as a QR code (for a phone's camera).
    pub web_wallet_qr_svg: String,
    /// The `openid-credential-offer://` link.
    pub link: String,
    /// The PIN (transaction code).
    pub pin: String,
    /// What is offered.
    pub configuration: String,
    /// Until when.
    pub expires: String,
}

/// A batch issuance's progress, as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchJobView {
    /// The job's id (for the error report's link).
    pub id: String,
    /// Rows in the file (0 until the file is read).
    pub total: u64,
    /// Issued so far.
    pub issued: u64,
    /// Skipped (issued by an earlier run).
    pub skipped: u64,
    /// Refused.
    pub failed: u64,
    /// Finished.
    pub done: bool,
    /// Why the run stopped, if it did.
    pub error: Option<String>,
    /// The first refused rows: (line, license number, what is wrong).
    pub rows: Vec<(u64, String, String)>,
    /// Whether there is an error report to download.
    pub has_report: bool,
}

/// The batch page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchView {
    /// The job, when one was started.
    pub job: Option<BatchJobView>,
    /// A refused start, with why.
    pub error: Option<String>,
}
