//! Short-lived results of form posts, kept in memory for the page the post redirects to
//! (post/redirect/get): the issue form's values and errors, a notice or error after a status
//! change, a credential offer with its PIN. Each belongs to one session and lives minutes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a result is kept.
pub const KEEP_FOR: Duration = Duration::from_secs(600);
const MAX_KEPT: usize = 10_000;

/// A credential offer made for a holder (secrets: never logged).
#[derive(Clone)]
pub struct OfferMade {
    /// The credential offered.
    pub credential_id: String,
    /// The `openid-credential-offer://` link.
    pub link: String,
    /// The link as a QR code (SVG markup).
    pub qr_svg: String,
    /// The same offer for the web wallet (`<public URL>/wallet?…`) as a QR code, for a phone's camera.
    pub web_wallet_qr_svg: String,
    /// The transaction code the holder types.
    pub pin: String,
    /// What is offered.
    pub configuration: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// A batch issuance from CSV running (or run) in the background.
#[derive(Debug, Default)]
pub struct BatchJob {
    /// Rows in the file.
    pub total: u64,
    /// Issued so far.
    pub issued: u64,
    /// Skipped (an earlier run issued them).
    pub skipped: u64,
    /// Refused.
    pub failed: u64,
    /// Finished (or stopped by `error`).
    pub done: bool,
    /// Why the whole run stopped, if it did.
    pub error: Option<String>,
    /// The first refused rows: (line, license number, what is wrong).
    pub rows: Vec<(u64, String, String)>,
    /// The per-row error report, CSV, once done.
    pub errors_csv: Option<String>,
}

/// One kept result.
#[derive(Clone)]
pub enum Flash {
    /// The issue form came back: what was typed and what is wrong, by field.
    IssueForm {
        /// Field values as submitted.
        values: BTreeMap<String, String>,
        /// Messages by field (`general` for the form as a whole).
        errors: BTreeMap<String, String>,
    },
    /// Something went well.
    Notice(String),
    /// Something was refused, with why.
    Error(String),
    /// An offer.
    Offer(OfferMade),
    /// A batch issuance.
    Batch(Arc<Mutex<BatchJob>>),
}

/// Results by id: when kept, for which session, what.
type Kept = HashMap<String, (Instant, String, Flash)>;

/// The store. Cheap to clone.
#[derive(Clone, Default)]
pub struct FlashStore {
    kept: Arc<Mutex<Kept>>,
}

impl FlashStore {
    /// Keep `flash` for the session `session_hash`; its id.
    pub fn put(&self, session_hash: &str, flash: Flash) -> String {
        let id = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= MAX_KEPT {
                kept.retain(|_, (at, _, _)| at.elapsed() < KEEP_FOR);
                if kept.len() >= MAX_KEPT {
                    kept.clear();
                }
            }
            kept.insert(id.clone(), (Instant::now(), session_hash.to_owned(), flash));
        }
        id
    }

    /// The result `id`, if it is still kept and belongs to `session_hash`.
    pub fn get(&self, session_hash: &str, id: &str) -> Option<Flash> {
        let kept = self.kept.lock().ok()?;
        kept.get(id)
            .filter(|(at, owner, _)| at.elapsed() < KEEP_FOR && owner == session_hash)
            .map(|(_, _, f)| f.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_per_session() {
        let store = FlashStore::default();
        let id = store.put("s1", Flash::Notice("done".into()));
        assert!(matches!(store.get("s1", &id), Some(Flash::Notice(t)) if t == "done"));
        assert!(store.get("s2", &id).is_none(), "another session does not see it");
        assert!(store.get("s1", "nope").is_none());
    }
}
