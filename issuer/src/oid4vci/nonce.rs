//! `POST /oid4vci/nonce` (OpenID4VCI 1.0 §7): a fresh, unpredictable `c_nonce` for a key proof.
//! Nonces are stored with an expiry and used once; the response is never cached.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use super::error::Oid4vciError;
use super::{secrets, NONCE_TTL_SECS};
use crate::service::Issuer;

impl Issuer {
    /// A new `c_nonce`, live for [`NONCE_TTL_SECS`].
    pub async fn new_c_nonce(&self) -> Result<String, Oid4vciError> {
        let nonce = secrets::random_secret();
        let now = self.clock().now().timestamp();
        self.db().insert_oid4vci_nonce(&nonce, now + NONCE_TTL_SECS, now).await?;
        Ok(nonce.to_string())
    }
}

/// `POST /oid4vci/nonce`.
pub(crate) async fn nonce(State(issuer): State<Issuer>) -> Result<impl IntoResponse, Oid4vciError> {
    let c_nonce = issuer.new_c_nonce().await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(json!({"c_nonce": c_nonce}))))
}
