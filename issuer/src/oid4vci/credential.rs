//! `POST /oid4vci/credential` (OpenID4VCI 1.0 §8): with the bearer access token from the token
//! endpoint and one `jwt` key proof (`proofs: {jwt: [..]}`, or the draft `proof` object), issue the
//! offered credential bound to the proven key — SD-JWT VC with `cnf.jwk`, the W3C formats with
//! `credentialSubject.id` the holder's DID — through [`Issuer::issue`], so it gets its own id and
//! status slot like any issuance. The token is spent by the first credential it obtains.

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::Json;
use chrono::Duration;
use medcred_store::Oid4vciOfferRow;
use serde::Deserialize;
use serde_json::{json, Value};

use super::config::configuration;
use super::error::Oid4vciError;
use super::proof::{check_proof, CheckedProof, ProofExpectation};
use super::source::request_from_stored;
use super::standing::standing;
use super::{secrets, PROOF_MAX_AGE_SECS, PROOF_SKEW_SECS};
use crate::issue::{Issued, Secured};
use crate::service::Issuer;

/// The members of a Credential Request (§8.2) this endpoint reads; others are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct CredentialRequest {
    /// The configuration asked for.
    pub credential_configuration_id: Option<String>,
    /// Only with `authorization_details` in the token response, which this issuer never sends.
    pub credential_identifier: Option<String>,
    /// OpenID4VCI 1.0: `{"jwt": ["<proof>"]}`.
    pub proofs: Option<Value>,
    /// Drafts before 1.0: `{"proof_type": "jwt", "jwt": "<proof>"}`.
    pub proof: Option<Value>,
    /// Response encryption is not supported.
    pub credential_response_encryption: Option<Value>,
}

impl CredentialRequest {
    /// The one `jwt` proof the request carries.
    pub fn jwt_proof(&self) -> Result<&str, Oid4vciError> {
        let invalid = |why: &str| Err(Oid4vciError::InvalidProof(why.into()));
        match (&self.proofs, &self.proof) {
            (Some(_), Some(_)) => Err(Oid4vciError::InvalidCredentialRequest("send proofs or proof, not both".into())),
            (None, None) => invalid("proofs is required: one jwt key proof"),
            (Some(proofs), None) => {
                let Some(obj) = proofs.as_object() else { return invalid("proofs must be an object") };
                if obj.len() != 1 {
                    return invalid("proofs must hold exactly one proof type");
                }
                match obj.get("jwt").and_then(Value::as_array).map(Vec::as_slice) {
                    Some([Value::String(jwt)]) => Ok(jwt),
                    Some([]) => invalid("proofs.jwt is empty"),
                    Some([_]) => invalid("proofs.jwt must hold a compact JWT"),
                    Some(_) => Err(Oid4vciError::InvalidCredentialRequest(
                        "this issuer issues one credential per request; send one proof".into(),
                    )),
                    None => invalid("only the jwt proof type is supported, as an array"),
                }
            }
            (None, Some(proof)) => match (proof.get("proof_type").and_then(Value::as_str), proof.get("jwt")) {
                (Some("jwt"), Some(Value::String(jwt))) => Ok(jwt),
                _ => invalid("proof must be {\"proof_type\": \"jwt\", \"jwt\": ...}"),
            },
        }
    }
}

fn bearer(headers: &HeaderMap) -> Result<&str, Oid4vciError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Err(Oid4vciError::NoToken) };
    let value = value.to_str().map_err(|_| Oid4vciError::InvalidToken("malformed Authorization header".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(Oid4vciError::InvalidToken("use the Bearer scheme".into())),
    }
}

impl Issuer {
    /// The offer behind a live, unspent access token.
    pub async fn offer_for_token(&self, token: &str) -> Result<Oid4vciOfferRow, Oid4vciError> {
        let unknown = || Oid4vciError::InvalidToken("unknown access token".into());
        if token.len() > 256 {
            return Err(unknown());
        }
        let offer = match self.db().oid4vci_offer_by_token(&secrets::hash(token)).await {
            Ok(o) => o,
            Err(medcred_store::StoreError::NotFound(_)) => return Err(unknown()),
            Err(e) => return Err(e.into()),
        };
        if offer.spent_at.is_some() {
            return Err(Oid4vciError::InvalidToken("the access token has already been used".into()));
        }
        if offer.token_expires_at.is_none_or(|t| t <= self.clock().now().timestamp()) {
            return Err(Oid4vciError::InvalidToken("the access token has expired".into()));
        }
        Ok(offer)
    }

    /// Issue what `offer` offers, bound to the key of `proof` (whose nonce is live, or refused).
    pub async fn issue_offered(&self, offer: &Oid4vciOfferRow, proof: &CheckedProof) -> Result<Issued, Oid4vciError> {
        let now = self.clock().now();
        if !self.db().use_oid4vci_nonce(proof.nonce(), now.timestamp()).await? {
            return Err(Oid4vciError::InvalidNonce("c_nonce unknown, used or expired; get a new one".into()));
        }
        let configuration = configuration(&offer.configuration_id).ok_or_else(|| {
            crate::IssuerError::Internal(format!("offered configuration {:?}", offer.configuration_id))
        })?;
        let board = self.db().board(&offer.board_id).await?;
        let cred = self.db().credential(&offer.credential_id).await?;
        if let Err(why) = standing(self, &board, &cred).await? {
            return Err(Oid4vciError::Denied(why.message().into()));
        }
        let mut req = request_from_stored(&cred, now)?;
        req.holder = Some(proof.holder().clone());
        if !self.db().oid4vci_spend_token(&offer.id, now.timestamp()).await? {
            return Err(Oid4vciError::InvalidToken("the access token has already been used".into()));
        }
        match self.issue(&board, &req, configuration.format).await {
            Ok(issued) => {
                self.db().oid4vci_record_issued(&offer.id, &issued.id).await?;
                tracing::info!(offer = %offer.id, credential = %issued.id, source = %cred.id, "issued to a wallet");
                Ok(issued)
            }
            Err(e) => {
                self.db().oid4vci_unspend_token(&offer.id).await?;
                Err(e.into())
            }
        }
    }
}

/// `POST /oid4vci/credential`.
pub(crate) async fn credential(
    State(issuer): State<Issuer>,
    headers: HeaderMap,
    body: Result<Json<CredentialRequest>, JsonRejection>,
) -> Result<impl IntoResponse, Oid4vciError> {
    let offer = issuer.offer_for_token(bearer(&headers)?).await?;
    let Json(req) = body.map_err(|e| Oid4vciError::InvalidCredentialRequest(e.body_text()))?;
    if req.credential_identifier.is_some() {
        return Err(Oid4vciError::InvalidCredentialRequest(
            "credential_identifier is not used: no authorization_details were issued; send credential_configuration_id"
                .into(),
        ));
    }
    if req.credential_response_encryption.is_some() {
        return Err(Oid4vciError::InvalidCredentialRequest("response encryption is not supported".into()));
    }
    let Some(id) = req.credential_configuration_id.as_deref() else {
        return Err(Oid4vciError::InvalidCredentialRequest("credential_configuration_id is required".into()));
    };
    if configuration(id).is_none() {
        return Err(Oid4vciError::UnknownCredentialConfiguration(format!("{id:?} is not offered by this issuer")));
    }
    if id != offer.configuration_id {
        return Err(Oid4vciError::InsufficientScope("the access token was issued for another configuration".into()));
    }
    let expect = ProofExpectation {
        audience: issuer.public_url(),
        now: issuer.clock().now(),
        max_age: Duration::seconds(PROOF_MAX_AGE_SECS),
        skew: Duration::seconds(PROOF_SKEW_SECS),
    };
    let proof = check_proof(req.jwt_proof()?, &expect).map_err(|e| Oid4vciError::InvalidProof(e.0))?;
    let issued = issuer.issue_offered(&offer, &proof).await?;
    let credential = match issued.secured {
        Secured::Json(v) => v,
        Secured::Compact(s) => Value::String(s),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(json!({"credentials": [{"credential": credential}]}))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(v: Value) -> CredentialRequest {
        serde_json::from_value(v).expect("request")
    }

    #[test]
    fn reads_one_jwt_proof_in_final_or_draft_shape() {
        assert_eq!(req(json!({"proofs": {"jwt": ["a.b.c"]}})).jwt_proof().expect("final"), "a.b.c");
        assert_eq!(req(json!({"proof": {"proof_type": "jwt", "jwt": "a.b.c"}})).jwt_proof().expect("draft"), "a.b.c");
        let refused = |v: Value| req(v).jwt_proof().expect_err("refused");
        assert!(matches!(refused(json!({})), Oid4vciError::InvalidProof(_)));
        assert!(matches!(refused(json!({"proofs": {"jwt": []}})), Oid4vciError::InvalidProof(_)));
        assert!(matches!(refused(json!({"proofs": {"di_vp": [{}]}})), Oid4vciError::InvalidProof(_)));
        assert!(matches!(refused(json!({"proofs": {"jwt": ["a", "b"]}})), Oid4vciError::InvalidCredentialRequest(_)));
        let both = json!({"proofs": {"jwt": ["a"]}, "proof": {"proof_type": "jwt", "jwt": "a"}});
        assert!(matches!(refused(both), Oid4vciError::InvalidCredentialRequest(_)));
    }

    #[test]
    fn bearer_needs_the_scheme() {
        let mut h = HeaderMap::new();
        assert!(matches!(bearer(&h), Err(Oid4vciError::NoToken)));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().expect("header"));
        assert!(matches!(bearer(&h), Err(Oid4vciError::InvalidToken(_))));
        h.insert(header::AUTHORIZATION, "bearer mca_x".parse().expect("header"));
        assert_eq!(bearer(&h).expect("token"), "mca_x");
    }
}
