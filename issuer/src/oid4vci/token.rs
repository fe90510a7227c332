//! `POST /oid4vci/token` (OpenID4VCI 1.0 §6, RFC 6749 §4.1.3/§5): exchange a pre-authorized code
//! and its transaction code for a short-lived bearer access token. Anonymous (no client
//! authentication). A code is single use; after five wrong transaction codes it is dead.

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::json;
use zeroize::Zeroizing;

use super::error::Oid4vciError;
use super::secrets;
use super::{MAX_TX_ATTEMPTS, PRE_AUTHORIZED_GRANT, TOKEN_TTL_SECS};
use crate::service::Issuer;

/// The parameters of a token request that this endpoint reads.
#[derive(Default)]
pub struct TokenRequest {
    /// `grant_type`.
    pub grant_type: Option<String>,
    /// `pre-authorized_code`.
    pub code: Option<Zeroizing<String>>,
    /// `tx_code`.
    pub tx_code: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |s: &Option<Zeroizing<String>>| s.as_ref().map(|_| "[redacted]");
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("code", &shown(&self.code))
            .field("tx_code", &shown(&self.tx_code))
            .finish()
    }
}

impl TokenRequest {
    /// Read form pairs; a parameter sent twice is an `invalid_request` (RFC 6749 §3.2).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, Oid4vciError> {
        let mut req = TokenRequest::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "grant_type" => {
                    if req.grant_type.replace(value).is_some() {
                        return Err(Oid4vciError::InvalidRequest("grant_type is repeated".into()));
                    }
                    continue;
                }
                "pre-authorized_code" => &mut req.code,
                "tx_code" => &mut req.tx_code,
                _ => continue,
            };
            if slot.replace(Zeroizing::new(value)).is_some() {
                return Err(Oid4vciError::InvalidRequest(format!("{name} is repeated")));
            }
        }
        Ok(req)
    }
}

/// A token just issued.
pub struct IssuedToken {
    /// The access token (shown once; stored hashed).
    pub access_token: Zeroizing<String>,
    /// Seconds it lives.
    pub expires_in: i64,
}

impl Issuer {
    /// Redeem a pre-authorized code with its transaction code.
    pub async fn redeem_pre_authorized_code(&self, req: &TokenRequest) -> Result<IssuedToken, Oid4vciError> {
        match req.grant_type.as_deref() {
            None => return Err(Oid4vciError::InvalidRequest("grant_type is required".into())),
            Some(PRE_AUTHORIZED_GRANT) => {}
            Some(_) => {
                return Err(Oid4vciError::UnsupportedGrantType(format!("only {PRE_AUTHORIZED_GRANT} is supported")))
            }
        }
        let code =
            req.code.as_ref().ok_or_else(|| Oid4vciError::InvalidRequest("pre-authorized_code is required".into()))?;
        if code.len() > 256 {
            return Err(Oid4vciError::InvalidGrant("unknown pre-authorized code".into()));
        }
        let offer = match self.db().oid4vci_offer_by_code(&secrets::hash(code)).await {
            Ok(o) => o,
            Err(medcred_store::StoreError::NotFound(_)) => {
                return Err(Oid4vciError::InvalidGrant("unknown pre-authorized code".into()))
            }
            Err(e) => return Err(e.into()),
        };
        let now = self.clock().now().timestamp();
        if offer.redeemed_at.is_some() {
            tracing::warn!(offer = %offer.id, "pre-authorized code replayed");
            return Err(Oid4vciError::InvalidGrant("the pre-authorized code has already been used".into()));
        }
        if offer.expires_at <= now {
            return Err(Oid4vciError::InvalidGrant("the pre-authorized code has expired".into()));
        }
        if offer.tx_attempts >= MAX_TX_ATTEMPTS {
            return Err(Oid4vciError::InvalidGrant(
                "too many wrong transaction codes; ask the board for a new offer".into(),
            ));
        }
        let tx_code = req.tx_code.as_ref().ok_or_else(|| {
            Oid4vciError::InvalidRequest("tx_code is required: this offer has a transaction code".into())
        })?;
        if !secrets::same(&secrets::tx_code_hash(code, tx_code), &offer.tx_code_hash) {
            let attempts = self.db().oid4vci_count_wrong_tx_code(&offer.id, MAX_TX_ATTEMPTS).await?;
            tracing::warn!(offer = %offer.id, attempts, "wrong transaction code");
            let left = MAX_TX_ATTEMPTS - attempts;
            return Err(Oid4vciError::InvalidGrant(if left > 0 {
                format!("wrong transaction code ({left} attempts left)")
            } else {
                "wrong transaction code; no attempts left, ask the board for a new offer".into()
            }));
        }
        let access_token = secrets::access_token();
        let redeemed = self
            .db()
            .oid4vci_redeem(&offer.id, &secrets::hash(&access_token), now + TOKEN_TTL_SECS, now, MAX_TX_ATTEMPTS)
            .await?;
        if !redeemed {
            return Err(Oid4vciError::InvalidGrant("the pre-authorized code is no longer valid".into()));
        }
        tracing::info!(offer = %offer.id, "pre-authorized code redeemed");
        Ok(IssuedToken { access_token, expires_in: TOKEN_TTL_SECS })
    }
}

/// `POST /oid4vci/token` with `application/x-www-form-urlencoded` parameters.
pub(crate) async fn token(
    State(issuer): State<Issuer>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, Oid4vciError> {
    let Form(pairs) = form.map_err(|e| {
        Oid4vciError::InvalidRequest(format!("the body must be application/x-www-form-urlencoded: {}", e.body_text()))
    })?;
    let issued = issuer.redeem_pre_authorized_code(&TokenRequest::from_pairs(pairs)?).await?;
    let mut resp = Json(json!({
        "access_token": *issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
    }))
    .into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn repeated_parameters_are_refused_and_unknown_ones_ignored() {
        let r = TokenRequest::from_pairs(pairs(&[("grant_type", "g"), ("tx_code", "1"), ("client_id", "w")]))
            .expect("reads");
        assert_eq!(r.grant_type.as_deref(), Some("g"));
        assert_eq!(r.tx_code.as_deref().map(String::as_str), Some("1"));
        assert!(r.code.is_none());
        for dup in [&[("tx_code", "1"), ("tx_code", "2")][..], &[("grant_type", "a"), ("grant_type", "a")][..]] {
            assert!(matches!(TokenRequest::from_pairs(pairs(dup)), Err(Oid4vciError::InvalidRequest(_))));
        }
    }
}
