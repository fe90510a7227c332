//! Key compromise: a board key reported stolen leaves the DID document at once (what it signed
//! stops verifying: a thief can sign anything, dated any time, so no signature by the key can be
//! told apart from a forgery), the board rotates to a new key when the stolen one was active, and
//! every credential the key signed — as recorded in the board's own database — is queued for
//! re-issuance. [`Issuer::reissue_credential`] re-signs one queued credential under the new key:
//! the same subject data and validity, a new id and a new status slot. Revoking the old one goes
//! through the ledger (`medcred-registry-service`'s `reissue`).

use medcred_formats::{jwt, sd_jwt, Format};
use medcred_model::{IssueRequest, IssuerRef};
use medcred_store::{BoardRow, CredentialRow, KeyCompromiseRow, KeyRow, KeyStatus};
use serde_json::{json, Map, Value};

use crate::error::IssuerError;
use crate::issue::{row, sign, Issued, Secured, StatusRef};
use crate::service::Issuer;

/// What reporting a compromise did.
#[derive(Debug, Clone)]
pub struct CompromiseReport {
    /// The record (the first report's, when the key was reported before).
    pub record: KeyCompromiseRow,
    /// The key that became active, when the stolen one was the active key.
    pub new_key: Option<KeyRow>,
    /// Credentials queued for re-issuance now (0 when repeated).
    pub queued: u64,
    /// Whether this report was the first for the key.
    pub first_report: bool,
}

impl Issuer {
    /// Report `key_id` of `board` stolen since `since` (Unix seconds): in one transaction, rotate
    /// when it is the active key, take it out of the DID document, record the report and queue
    /// every credential it signed. Repeating the report changes nothing more (idempotent).
    pub async fn compromise_key(
        &self,
        board: &BoardRow,
        key_id: &str,
        since: i64,
        actor: &str,
    ) -> Result<CompromiseReport, IssuerError> {
        if board.did.starts_with("did:key:") {
            return Err(IssuerError::BadRequest {
                code: "cannot_rotate_did_key",
                message: "a did:key board's DID is its key: a stolen key means a new board".into(),
            });
        }
        let now = self.clock().now().timestamp();
        if since > now {
            return Err(IssuerError::BadRequest {
                code: "since_in_future",
                message: "the compromise time must not be in the future".into(),
            });
        }
        let mut tx = self.db().begin().await?;
        let keys = tx.keys_for_update(&board.id).await?;
        let key = keys.iter().find(|k| k.key_id == key_id).ok_or(IssuerError::NotFound("key"))?;
        let new_key = if key.status == KeyStatus::Active {
            Some(self.rotate_in(&mut tx, board, &keys, now).await?)
        } else {
            None
        };
        tx.set_key_status(&board.id, key_id, KeyStatus::Removed, now).await?;
        let record = KeyCompromiseRow {
            board_id: board.id.clone(),
            key_id: key_id.to_owned(),
            since,
            reported_at: now,
            actor: actor.to_owned(),
        };
        let first_report = tx.insert_key_compromise(&record).await?;
        let queued = tx.queue_reissue(&board.id, key_id, now).await?;
        tx.commit().await?;
        let record = self.db().key_compromise(&board.id, key_id).await?.unwrap_or(record);
        tracing::warn!(board = %board.slug, key = key_id, queued, "board key reported compromised; removed from the DID document");
        Ok(CompromiseReport { record, new_key, queued, first_report })
    }

    /// Re-sign `old` (queued for re-issuance) under the board's active key: same subject and
    /// validity, a new id and status slot, stored together with the queue row's link to it.
    /// `None` when another run linked a replacement first (nothing stored by this call).
    pub async fn reissue_credential(
        &self,
        board: &BoardRow,
        old: &CredentialRow,
    ) -> Result<Option<Issued>, IssuerError> {
        let format: Format =
            old.format.parse().map_err(|e| IssuerError::Internal(format!("stored format {:?}: {e}", old.format)))?;
        let req = request_of(old, format)?;
        let key = self.signing_key(board).await?;
        if key.verification_method().ends_with(&format!("#{}", old.key_id)) {
            return Err(IssuerError::BadRequest {
                code: "key_not_rotated",
                message: "the credential's key is still the board's active key".into(),
            });
        }
        let now = self.clock().now();
        let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
        let issuer = IssuerRef { id: board.did.clone(), name: board.name.clone() };
        let slot = self.allocate_slots(board, 1).await?.into_iter().next();
        let status = slot.map(|slot| StatusRef { slot, urls: self.list_urls(board) });
        let secured = sign(&req, &id, &issuer, &key, format, now, status.as_ref()).await?;
        let issued = Issued { id, format, secured };
        let mut tx = self.db().begin().await?;
        tx.insert_credential(&row(board, &req, &issued, &key, slot, None, now.timestamp())).await?;
        if !tx.mark_reissued(&old.id, &issued.id).await? {
            return Ok(None);
        }
        tx.commit().await?;
        tracing::info!(old = %old.id, new = %issued.id, board = %board.slug, "re-issued under the new key");
        Ok(Some(issued))
    }
}

/// The issuance request a stored credential was made from (subject, holder, validity), read
/// back from its secured form; the id and issuer are left for the new issuance to set.
pub fn request_of(c: &CredentialRow, format: Format) -> Result<IssueRequest, IssuerError> {
    let corrupt = |why: String| IssuerError::Internal(format!("stored credential {}: {why}", c.id));
    let vc = match Secured::from_text(format, &c.secured)? {
        Secured::Json(doc) => doc,
        Secured::Compact(text) if format == Format::VcJwt => {
            Value::Object(jwt::decode(&text).and_then(|d| d.claims()).map_err(|e| corrupt(e.to_string()))?)
        }
        Secured::Compact(text) => {
            let (claims, _) = sd_jwt::disclosable_claims(&text).map_err(|e| corrupt(e.to_string()))?;
            w3c_from_sd_jwt(&claims).ok_or_else(|| corrupt("unreadable SD-JWT VC claims".into()))?
        }
    };
    let mut request = Map::new();
    for field in ["@context", "type", "validFrom", "validUntil", "credentialSubject"] {
        if let Some(v) = vc.get(field) {
            request.insert(field.into(), v.clone());
        }
    }
    let now = chrono::DateTime::from_timestamp(c.created_at, 0).unwrap_or_default();
    IssueRequest::from_vc_json(&Value::Object(request), now).map_err(|e| corrupt(e.to_string()))
}

/// SD-JWT VC claim names and their W3C `credentialSubject` names (`document::sd_jwt_claims`).
const SD_JWT_NAMES: &[(&str, &str)] = &[
    ("name", "practitionerName"),
    ("license_type", "licenseType"),
    ("license_number", "licenseNumber"),
    ("jurisdiction", "jurisdiction"),
    ("original_issue_date", "originalIssueDate"),
    ("specialty", "specialty"),
    ("restrictions", "restrictions"),
    ("npi", "npi"),
    ("multistate_privilege", "multistatePrivilege"),
    ("given_name", "givenName"),
    ("family_name", "familyName"),
    ("birthdate", "birthDate"),
    ("patient_identifier", "patientIdentifier"),
    ("picture", "portrait"),
];

/// The W3C request shape of an SD-JWT VC's claims (every disclosure applied).
fn w3c_from_sd_jwt(claims: &Map<String, Value>) -> Option<Value> {
    let vct = claims.get("vct")?.as_str()?;
    let kind = [medcred_model::document::CredentialKind::License, medcred_model::document::CredentialKind::Patient]
        .into_iter()
        .find(|k| k.vct() == vct)?;
    let mut subject = Map::new();
    if let Some(sub) = claims.get("sub") {
        subject.insert("id".into(), sub.clone());
    }
    for (sd, w3c) in SD_JWT_NAMES {
        if let Some(v) = claims.get(*sd) {
            subject.insert((*w3c).into(), v.clone());
        }
    }
    let date = |n: &str| -> Option<Value> {
        let t = claims.get(n)?.as_i64()?;
        Some(json!(medcred_model::request::xsd_date_time(chrono::DateTime::from_timestamp(t, 0)?)))
    };
    let mut vc = Map::new();
    vc.insert("type".into(), json!(["VerifiableCredential", kind.type_name()]));
    vc.insert("validFrom".into(), date("nbf")?);
    if let Some(until) = date("exp") {
        vc.insert("validUntil".into(), until);
    }
    vc.insert("credentialSubject".into(), Value::Object(subject));
    Some(Value::Object(vc))
}
