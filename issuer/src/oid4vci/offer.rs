//! `POST /boards/{slug}/credentials/{id}/offer` (board token): a Credential Offer (OpenID4VCI 1.0
//! §4.1) of a credential the board issued, for the pre-authorized code flow with a transaction
//! code; and `GET /oid4vci/offers/{reference}`, the same offer by reference (§4.1.3).
//!
//! The offer re-issues the stored credential's claims (same type, claims and validity period) in
//! the format it names, bound to the key the wallet proves at the credential endpoint: a new
//! credential with its own id and status slot. The stored one stays as it is.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use medcred_model::CredentialKind;
use medcred_store::{BoardRow, Oid4vciOfferRow};
use serde::Deserialize;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::config::{configuration, configuration_for, format_named, Configuration};
use super::error::Oid4vciError;
use super::secrets;
use super::standing::standing;
use super::{OFFERS_PATH, OFFER_TTL_SECS, PRE_AUTHORIZED_GRANT};
use crate::api::error::ApiError;
use crate::api::Caller;
use crate::error::IssuerError;
use crate::service::Issuer;

/// Shortest and longest offer lifetime a board may ask for, in seconds.
pub const OFFER_TTL_RANGE: std::ops::RangeInclusive<i64> = 60..=86_400;

/// Body of `POST /boards/{slug}/credentials/{id}/offer` (all optional; the body too, or `null`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOffer {
    /// The configuration to offer, e.g. `MedicalLicenseCredential_ldp_vc`.
    pub credential_configuration_id: Option<String>,
    /// Or just the format: `dc+sd-jwt` (the default), `ldp_vc`, `jwt_vc_json`.
    pub format: Option<String>,
    /// Seconds until the offer dies (default 600).
    pub expires_in: Option<i64>,
}

/// An offer just made, with its secrets (shown once; only hashes are stored).
pub struct CreatedOffer {
    /// The stored row.
    pub row: Oid4vciOfferRow,
    /// What is offered.
    pub configuration: Configuration,
    /// The offer reference (last segment of `credential_offer_uri`).
    pub reference: Zeroizing<String>,
    /// The pre-authorized code.
    pub code: Zeroizing<String>,
    /// The transaction code the holder must type.
    pub tx_code: Zeroizing<String>,
}

fn bad(code: &'static str, message: impl Into<String>) -> IssuerError {
    IssuerError::BadRequest { code, message: message.into() }
}

fn choose(kind: CredentialKind, body: &NewOffer) -> Result<Configuration, IssuerError> {
    match (&body.credential_configuration_id, &body.format) {
        (Some(_), Some(_)) => Err(bad("invalid_request", "give credential_configuration_id or format, not both")),
        (Some(id), None) => {
            let c = configuration(id).ok_or_else(|| {
                bad("unknown_credential_configuration", "see credential_configurations_supported in the metadata")
            })?;
            if c.kind == kind {
                Ok(c)
            } else {
                Err(bad("credential_configuration_mismatch", format!("the credential is a {}", kind.type_name())))
            }
        }
        (None, format) => {
            let name = format.as_deref().unwrap_or("dc+sd-jwt");
            format_named(name).and_then(|f| configuration_for(kind, f)).ok_or_else(|| {
                bad("unknown_format", "format must be dc+sd-jwt, ldp_vc (eddsa-rdfc-2022) or jwt_vc_json (vc+jwt)")
            })
        }
    }
}

impl Issuer {
    /// Offer the board's stored credential `credential_id` to a wallet.
    pub async fn create_offer(
        &self,
        board: &BoardRow,
        credential_id: &str,
        body: &NewOffer,
    ) -> Result<CreatedOffer, IssuerError> {
        let ttl = body.expires_in.unwrap_or(OFFER_TTL_SECS);
        if !OFFER_TTL_RANGE.contains(&ttl) {
            return Err(bad("bad_expires_in", "expires_in must be 60 to 86400 seconds"));
        }
        let cred = self.db().credential(credential_id).await?;
        if cred.board_id != board.id {
            return Err(IssuerError::NotFound("credential"));
        }
        let kind = CredentialKind::from_short(&cred.kind)
            .ok_or_else(|| IssuerError::Internal(format!("credential kind {:?}", cred.kind)))?;
        let configuration = choose(kind, body)?;
        if let Err(why) = standing(self, board, &cred).await? {
            return Err(IssuerError::BadRequest { code: why.code(), message: why.message().into() });
        }
        let now = self.clock().now().timestamp();
        let reference = secrets::random_secret();
        let code = secrets::pre_authorized_code(&reference);
        let tx_code = secrets::tx_code();
        let row = Oid4vciOfferRow {
            id: uuid::Uuid::new_v4().to_string(),
            board_id: board.id.clone(),
            credential_id: cred.id.clone(),
            configuration_id: configuration.id.to_owned(),
            ref_hash: secrets::hash(&reference),
            code_hash: secrets::hash(&code),
            tx_code_hash: secrets::tx_code_hash(&code, &tx_code),
            tx_attempts: 0,
            created_at: now,
            expires_at: now + ttl,
            redeemed_at: None,
            token_hash: None,
            token_expires_at: None,
            spent_at: None,
            issued_credential_id: None,
        };
        self.db().insert_oid4vci_offer(&row).await?;
        tracing::info!(offer = %row.id, board = %board.slug, credential = %cred.id, configuration = configuration.id, "credential offer created");
        Ok(CreatedOffer { row, configuration, reference, code, tx_code })
    }
}

/// The Credential Offer object (§4.1.1).
pub fn offer_json(public_url: &str, configuration_id: &str, code: &str) -> Value {
    json!({
        "credential_issuer": public_url,
        "credential_configuration_ids": [configuration_id],
        "grants": {PRE_AUTHORIZED_GRANT: {
            "pre-authorized_code": code,
            "tx_code": {
                "input_mode": "numeric",
                "length": secrets::TX_CODE_DIGITS,
                "description": "The 6-digit code the licensing board gave you with this offer"
            }
        }}
    })
}

/// Percent-encode everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `POST /boards/{slug}/credentials/{id}/offer`: 201 with the offer by value and by reference,
/// the `openid-credential-offer://` URL to show as a QR code, and the transaction code (shown
/// once: give it to the holder through another channel).
pub(crate) async fn create(
    State(issuer): State<Issuer>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let board = issuer.db().board_by_slug(&slug).await?;
    caller.for_board(&board)?;
    let body: NewOffer = if body.iter().all(u8::is_ascii_whitespace) {
        NewOffer::default()
    } else {
        serde_json::from_slice::<Option<NewOffer>>(&body)
            .map_err(|e| ApiError::bad_request("invalid_request", e.to_string()))?
            .unwrap_or_default()
    };
    let created = issuer.create_offer(&board, &id, &body).await.map_err(|e| match e {
        // Like reinstating a revoked credential: the request is fine, the credential's state is not.
        IssuerError::BadRequest {
            code: code @ ("credential_expired" | "credential_revoked" | "credential_suspended"),
            message,
        } => ApiError::Http { status: StatusCode::CONFLICT, code, message },
        other => other.into(),
    })?;
    let public = issuer.public_url();
    let uri = format!("{public}{OFFERS_PATH}/{}", *created.reference);
    let body = json!({
        "id": created.row.id,
        "credential_configuration_id": created.configuration.id,
        "credential_offer_uri": uri,
        "credential_offer": offer_json(public, created.configuration.id, &created.code),
        "openid_credential_offer_url": format!("openid-credential-offer://?credential_offer_uri={}", percent_encode(&uri)),
        "tx_code": *created.tx_code,
        "expires_at": created.row.expires_at,
    });
    Ok((StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], Json(body)))
}

/// `GET /oid4vci/offers/{reference}`: the offer while it is live (not expired, not redeemed).
pub(crate) async fn by_reference(
    State(issuer): State<Issuer>,
    Path(reference): Path<String>,
) -> Result<impl IntoResponse, Oid4vciError> {
    if reference.len() > 64 {
        return Err(Oid4vciError::OfferNotFound);
    }
    let row = match issuer.db().oid4vci_offer_by_ref(&secrets::hash(&reference)).await {
        Ok(row) => row,
        Err(medcred_store::StoreError::NotFound(_)) => return Err(Oid4vciError::OfferNotFound),
        Err(e) => return Err(e.into()),
    };
    if row.redeemed_at.is_some() || row.expires_at <= issuer.clock().now().timestamp() {
        return Err(Oid4vciError::OfferNotFound);
    }
    let code = secrets::pre_authorized_code(&reference);
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(offer_json(issuer.public_url(), &row.configuration_id, &code))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("https://x.example/a b?c=d~e_f"), "https%3A%2F%2Fx.example%2Fa%20b%3Fc%3Dd~e_f");
    }

    #[test]
    fn configuration_follows_the_credential_kind() {
        let license = CredentialKind::License;
        assert_eq!(choose(license, &NewOffer::default()).expect("default").id, "MedicalLicenseCredential_dc+sd-jwt");
        let ldp = NewOffer { format: Some("ldp_vc".into()), ..NewOffer::default() };
        assert_eq!(choose(license, &ldp).expect("ldp").id, "MedicalLicenseCredential_ldp_vc");
        let other = NewOffer {
            credential_configuration_id: Some("PatientIdentityCredential_ldp_vc".into()),
            ..NewOffer::default()
        };
        assert!(matches!(
            choose(license, &other),
            Err(IssuerError::BadRequest { code: "credential_configuration_mismatch", .. })
        ));
        let jcs = NewOffer { format: Some("eddsa-jcs-2022".into()), ..NewOffer::default() };
        assert!(matches!(choose(license, &jcs), Err(IssuerError::BadRequest { code: "unknown_format", .. })));
    }
}
