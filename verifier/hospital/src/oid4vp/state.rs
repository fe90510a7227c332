//! A presentation request's state as the hospital sees it — pending, verified (a presentation
//! was received and verified: see `verdict`), failed (the answer could not be used, or the
//! wallet declined), expired — reading it, and waiting for it to change.

use std::time::Duration;

use medcred_store::{HospitalRow, Oid4vpRequestRow};
use serde_json::{json, Value};

use super::request_object::client_id;
use crate::error::HospitalError;
use crate::service::Hospitals;

pub(crate) const STATUS_PENDING: &str = "pending";
pub(crate) const STATUS_VERIFIED: &str = "verified";
pub(crate) const STATUS_FAILED: &str = "failed";

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for the wallet (an answer being verified counts as pending).
    Pending,
    /// A presentation was received and verified; the verdict says whether it is valid.
    Verified,
    /// The answer could not be used, or the wallet declined.
    Failed,
    /// Nobody answered in time.
    Expired,
}

impl RequestStatus {
    /// The name used in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Verified => "verified",
            RequestStatus::Failed => "failed",
            RequestStatus::Expired => "expired",
        }
    }

    /// Whether it can still change.
    pub fn is_final(self) -> bool {
        self != RequestStatus::Pending
    }
}

/// A presentation request, for the hospital (and its pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationRequest {
    /// Its id.
    pub id: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// The template it came from.
    pub template: Option<String>,
    /// Why the hospital asks.
    pub purpose: Option<String>,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: String,
    /// The DCQL query (JSON).
    pub dcql_query: Value,
    /// Where the wallet fetches the signed request object.
    pub request_uri: String,
    /// The link for the QR code (cross-device) or a tap (same device):
    /// `openid4vp://?client_id=…&request_uri=…`.
    pub authorization_request: String,
    /// Creation time (Unix seconds).
    pub created_at: i64,
    /// Expiry (Unix seconds).
    pub expires_at: i64,
    /// When the answer came.
    pub answered_at: Option<i64>,
    /// The hospital verification the answer was recorded as (receipts, watches).
    pub verification_id: Option<String>,
    /// Its verdict: `valid`, `invalid` or `could_not_check`.
    pub verdict: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// `application/x-www-form-urlencoded` escaping of a query value.
pub(crate) fn form_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The request URI of request `id` on the deployment at `public_url`.
pub(crate) fn request_uri(public_url: &str, id: &str) -> String {
    format!("{public_url}/oid4vp/requests/{id}")
}

impl PresentationRequest {
    pub(crate) fn from_row(row: &Oid4vpRequestRow, hospital: &HospitalRow, public_url: &str, now: i64) -> Self {
        let status = match row.status.as_str() {
            STATUS_VERIFIED => RequestStatus::Verified,
            STATUS_FAILED => RequestStatus::Failed,
            STATUS_PENDING if now >= row.expires_at => RequestStatus::Expired,
            _ => RequestStatus::Pending,
        };
        let uri = request_uri(public_url, &row.id);
        Self {
            id: row.id.clone(),
            status,
            template: row.template.clone(),
            purpose: row.purpose.clone(),
            response_mode: row.response_mode.clone(),
            dcql_query: serde_json::from_str(&row.dcql_query).unwrap_or(Value::Null),
            authorization_request: format!(
                "openid4vp://?client_id={}&request_uri={}",
                form_escape(&client_id(&hospital.did)),
                form_escape(&uri)
            ),
            request_uri: uri,
            created_at: row.created_at,
            expires_at: row.expires_at,
            answered_at: row.answered_at,
            verification_id: row.verification_id.clone(),
            verdict: row.verdict.clone(),
            error: row.error.clone(),
        }
    }

    /// The API's JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status.as_str(),
            "template": self.template,
            "purpose": self.purpose,
            "response_mode": self.response_mode,
            "dcql_query": self.dcql_query,
            "request_uri": self.request_uri,
            "authorization_request": self.authorization_request,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "answered_at": self.answered_at,
            "verification": self.verification_id,
            "verdict": self.verdict,
            "error": self.error,
        })
    }
}

/// Longest wait for a change a caller may ask for.
pub const MAX_WAIT: Duration = Duration::from_secs(25);

impl Hospitals {
    /// Request `id` of `hospital` as it stands now (another hospital's request: not found).
    pub async fn presentation_request(
        &self,
        hospital: &HospitalRow,
        id: &str,
    ) -> Result<PresentationRequest, HospitalError> {
        let row = self.db().oid4vp_request(id).await?;
        if row.hospital_id != hospital.id {
            return Err(HospitalError::NotFound("presentation request"));
        }
        Ok(PresentationRequest::from_row(&row, hospital, self.public_url(), self.now().timestamp()))
    }

    /// Request `id` once it is no longer pending, or as it stands after `wait` (at most
    /// [`MAX_WAIT`]) — whichever comes first. Expiry counts as a change. No polling: waits on the
    /// change notifications and the request's own expiry time.
    pub async fn await_presentation_request(
        &self,
        hospital: &HospitalRow,
        id: &str,
        wait: Duration,
    ) -> Result<PresentationRequest, HospitalError> {
        let deadline = tokio::time::Instant::now() + wait.min(MAX_WAIT);
        let mut changes = self.presentation_changes().subscribe();
        loop {
            changes.borrow_and_update();
            let state = self.presentation_request(hospital, id).await?;
            if state.status.is_final() {
                return Ok(state);
            }
            let to_expiry = u64::try_from(state.expires_at - self.now().timestamp()).unwrap_or(0);
            let expiry = tokio::time::Instant::now() + Duration::from_secs(to_expiry) + Duration::from_millis(50);
            let until = deadline.min(expiry);
            tokio::select! {
                changed = changes.changed() => {
                    if changed.is_err() {
                        return Ok(state);
                    }
                }
                () = tokio::time::sleep_until(until) => {
                    if until >= deadline {
                        return self.presentation_request(hospital, id).await;
                    }
                }
            }
        }
    }
}
