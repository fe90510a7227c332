//! Issuing one credential: check the request, sign it in the chosen format with the board's active
//! key, and store it in the same step — a credential that was returned is stored, one that failed
//! is not.

use chrono::{DateTime, Utc};
use medcred_formats::{di_jcs, di_rdfc, jwt, sd_jwt, Format, IssuerKey};
use medcred_model::document::{sd_jwt_claims, w3c_credential};
use medcred_model::{Claims, IssueRequest, IssuerRef};
use medcred_store::{BoardRow, CredentialRow};
use serde_json::{json, Value};

use crate::error::IssuerError;
use crate::holder::holder_jwk;
use crate::service::Issuer;
use crate::status_slots::{ListUrls, Slot};

/// An issued credential.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Its id (`urn:uuid:…`).
    pub id: String,
    /// The format it was secured with.
    pub format: Format,
    /// The secured credential: a JSON document for Data Integrity, a compact string otherwise.
    pub secured: Secured,
}

/// A secured credential in one of its two shapes.
#[derive(Debug, Clone, PartialEq)]
pub enum Secured {
    /// Data Integrity: the credential with its proof.
    Json(Value),
    /// `vc+jwt` or `dc+sd-jwt` compact serialization.
    Compact(String),
}

impl Secured {
    /// The stored text form.
    pub fn to_text(&self) -> String {
        match self {
            Secured::Json(v) => v.to_string(),
            Secured::Compact(s) => s.clone(),
        }
    }

    /// Read the stored text form back.
    pub fn from_text(format: Format, text: &str) -> Result<Self, IssuerError> {
        if format.is_json() {
            serde_json::from_str(text)
                .map(Secured::Json)
                .map_err(|e| IssuerError::Store(medcred_store::StoreError::Corrupt(e.to_string())))
        } else {
            Ok(Secured::Compact(text.to_owned()))
        }
    }

    /// The VC-API `verifiableCredential` value: the document itself for Data Integrity, an
    /// `EnvelopedVerifiableCredential` (VC Data Model 2.0 §4.13) with a `data:` URL otherwise.
    pub fn to_vc_api(&self, format: Format) -> Value {
        match self {
            Secured::Json(v) => v.clone(),
            Secured::Compact(s) => {
                let media = if format == Format::SdJwtVc { "application/dc+sd-jwt" } else { "application/vc+jwt" };
                json!({
                    "@context": [medcred_model::context::VC_V2],
                    "id": format!("data:{media},{s}"),
                    "type": "EnvelopedVerifiableCredential",
                })
            }
        }
    }
}

/// A credential's status slot and where its board publishes lists.
#[derive(Debug, Clone)]
pub struct StatusRef {
    /// The slot.
    pub slot: Slot,
    /// The board's list URLs.
    pub urls: ListUrls,
}

fn w3c_document(
    req: &IssueRequest,
    id: &str,
    issuer: &IssuerRef,
    status: Option<&StatusRef>,
) -> Result<Value, IssuerError> {
    let mut doc = w3c_credential(req, id, issuer);
    if let (Some(s), Some(obj)) = (status, doc.as_object_mut()) {
        obj.insert("credentialStatus".into(), s.slot.credential_status(&s.urls)?);
    }
    Ok(doc)
}

/// Sign `req` for `issuer` with `key` in `format`, as of `now`, carrying `status` when given.
/// Pure CPU work, no storage.
pub async fn sign(
    req: &IssueRequest,
    id: &str,
    issuer: &IssuerRef,
    key: &IssuerKey,
    format: Format,
    now: DateTime<Utc>,
    status: Option<&StatusRef>,
) -> Result<Secured, IssuerError> {
    Ok(match format {
        Format::EddsaRdfc2022 => Secured::Json(di_rdfc::sign(&w3c_document(req, id, issuer, status)?, key, now).await?),
        Format::EddsaJcs2022 => Secured::Json(di_jcs::sign(&w3c_document(req, id, issuer, status)?, key, now)?),
        Format::VcJwt => Secured::Compact(jwt::sign_vc_jwt(&w3c_document(req, id, issuer, status)?, key)?),
        Format::SdJwtVc => {
            let (mut claims, disclosable) = sd_jwt_claims(req, id, issuer);
            if let Some(s) = status {
                claims.insert("status".into(), s.slot.token_status(&s.urls)?);
            }
            let cnf = req.holder.as_ref().and_then(holder_jwk);
            Secured::Compact(sd_jwt::issue(claims, &disclosable, cnf.as_ref(), key, &mut rand::rngs::OsRng)?)
        }
    })
}

/// The row stored for an issued credential.
pub fn row(
    board: &BoardRow,
    req: &IssueRequest,
    issued: &Issued,
    key: &IssuerKey,
    slot: Option<Slot>,
    dedupe_key: Option<String>,
    now: i64,
) -> CredentialRow {
    let (label, number, jurisdiction) = match &req.claims {
        Claims::License(l) => {
            (l.practitioner_name.clone(), Some(l.license_number.clone()), Some(l.jurisdiction.to_string()))
        }
        Claims::Patient(p) => (format!("{} {}", p.given_name, p.family_name), None, None),
    };
    CredentialRow {
        id: issued.id.clone(),
        board_id: board.id.clone(),
        kind: req.claims.kind().short().to_owned(),
        format: issued.format.as_str().to_owned(),
        key_id: key.verification_method().rsplit('#').next().unwrap_or_default().to_owned(),
        subject_label: label,
        license_number: number,
        jurisdiction,
        holder_did: req.holder.as_ref().map(|d| d.to_string()),
        valid_from: req.valid_from.timestamp(),
        valid_until: req.valid_until.map(|t| t.timestamp()),
        status_list: slot.map(|s| s.list),
        status_index: slot.and_then(|s| i64::try_from(s.index).ok()),
        dedupe_key,
        secured: issued.secured.to_text(),
        created_at: now,
    }
}

/// Check that a request's claimed issuer (if any) is `board`.
pub fn check_issuer(req: &IssueRequest, board: &BoardRow) -> Result<(), IssuerError> {
    match &req.claimed_issuer {
        Some(claimed) if claimed != &board.did => {
            Err(IssuerError::IssuerMismatch { claimed: claimed.clone(), board: board.did.clone() })
        }
        _ => Ok(()),
    }
}

impl Issuer {
    /// Issue one credential for `board` and store it; returns only after the row committed.
    pub async fn issue(&self, board: &BoardRow, req: &IssueRequest, format: Format) -> Result<Issued, IssuerError> {
        check_issuer(req, board)?;
        let key = self.signing_key(board).await?;
        let now = self.clock().now();
        let id = req.id.clone().unwrap_or_else(|| format!("urn:uuid:{}", uuid::Uuid::new_v4()));
        let issuer = IssuerRef { id: board.did.clone(), name: board.name.clone() };
        let slot = self.allocate_slots(board, 1).await?.into_iter().next();
        let status = slot.map(|slot| StatusRef { slot, urls: self.list_urls(board) });
        let secured = sign(req, &id, &issuer, &key, format, now, status.as_ref()).await?;
        let issued = Issued { id, format, secured };
        let mut tx = self.db().begin().await?;
        tx.insert_credential(&row(board, req, &issued, &key, slot, None, now.timestamp())).await?;
        tx.commit().await?;
        tracing::info!(credential = %issued.id, board = %board.slug, format = %format, "issued");
        Ok(issued)
    }
}
