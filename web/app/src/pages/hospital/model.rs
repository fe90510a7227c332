//! What the hospital's pages show, as the server sends it (serialized for hydration): plain
//! strings, times already formatted for people.

use serde::{Deserialize, Serialize};

use crate::verdict::VerdictView;

/// One recorded verification in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationRowView {
    /// The id in the page's URL (the UUID of `urn:uuid:…`).
    pub id: String,
    /// When.
    pub at: String,
    /// Who was checked (a disclosed name), if anyone.
    pub who: Option<String>,
    /// What was checked ("Medical license RN-4242, US-NJ").
    pub what: String,
    /// `valid`, `invalid` or `could_not_check`.
    pub verdict: String,
    /// The verdict in words, with its reason when not valid.
    pub verdict_words: String,
}

/// A monitoring alert: a watched credential's standing changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertView {
    /// When it was found.
    pub at: String,
    /// The new standing (`revoked`, `suspended`, `expiring`, …).
    pub standing: String,
    /// The standing before.
    pub previous: String,
    /// The watched credential ("MedicalLicenseCredential RN RN-4242 US-NJ").
    pub label: String,
    /// What was found, in words.
    pub detail: String,
    /// The verification page the watch came from (its id for the URL).
    pub verification: Option<String>,
}

/// `/hospital`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeView {
    /// The hospital's name.
    pub hospital_name: String,
    /// The latest verifications, newest first.
    pub recent: Vec<VerificationRowView>,
    /// Alerts of the last 30 days, newest first.
    pub alerts: Vec<AlertView>,
}

/// One thing the hospital can ask a wallet for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Template name (`rn_license`).
    pub template: String,
    /// For people.
    pub title: String,
    /// Why, as the holder sees it.
    pub purpose: String,
}

/// The "what to ask" page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskView {
    /// `clinician` or `patient`.
    pub kind: String,
    /// What can be asked.
    pub choices: Vec<Choice>,
    /// The session's CSRF token, for the form.
    pub csrf: String,
    /// After a refused post: why.
    pub error: Option<String>,
}

/// A presentation request, as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    /// Its id.
    pub id: String,
    /// `pending`, `verified`, `failed` or `expired`.
    pub status: String,
    /// The template it came from (to ask again).
    pub template: Option<String>,
    /// What is asked, for people.
    pub asked: String,
    /// Why (shown to the holder).
    pub purpose: Option<String>,
    /// Until when it can be answered.
    pub expires: String,
    /// The `openid4vp://` link.
    pub link: String,
    /// The link as a QR code (SVG markup made by the server); empty once answered.
    pub qr_svg: String,
    /// The web wallet's address for the request as a QR code (for a phone's camera); empty once
    /// answered.
    pub web_wallet_qr_svg: String,
    /// The recorded verification (its id for the URL), once answered.
    pub verification: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// The verdict screen, once answered.
    pub result: Option<VerdictView>,
    /// The session's CSRF token (the "ask again" form).
    pub csrf: String,
}

/// A recorded verification's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationPageView {
    /// The id for URLs.
    pub id: String,
    /// The verdict screen.
    pub view: VerdictView,
    /// Who asked (a person's name or an API token).
    pub by: String,
    /// Whether the credentials it carried are being watched.
    pub watched: bool,
    /// The session's CSRF token (the watch form).
    pub csrf: String,
    /// After a post: what went well.
    pub notice: Option<String>,
}

/// `/hospital/verifications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryView {
    /// Newest first.
    pub rows: Vec<VerificationRowView>,
}

/// `/hospital/alerts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertsView {
    /// Newest first.
    pub rows: Vec<AlertView>,
}
