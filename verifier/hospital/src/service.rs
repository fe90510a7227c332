//! The hospital service's shared state (database, master key, clock, the verifier, a webhook
//! client) and hospital administration: create a hospital with a did:web and a sealed Ed25519
//! key, mint API tokens, authenticate them, publish the DID document.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::SigningKey;
use medcred_formats::IssuerKey;
use medcred_issuer::did_web::{did_web_host, multikey};
use medcred_issuer::keystore::hospital_key_context;
use medcred_issuer::{tokens, Issuer};
use medcred_store::{Db, HospitalKeyRow, HospitalRole, HospitalRow, HospitalTokenRow, KeyStatus, StoreError};
use medcred_verifier_service::Verifier;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::error::HospitalError;

/// How monitoring behaves.
#[derive(Debug, Clone)]
pub struct MonitorSettings {
    /// A valid credential whose validity ends within this is reported as expiring.
    pub warn_before: Duration,
    /// Webhook request timeout.
    pub webhook_timeout: StdDuration,
    /// Delivery attempts before a notification is marked failed.
    pub max_attempts: i64,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        Self { warn_before: Duration::days(30), webhook_timeout: StdDuration::from_secs(10), max_attempts: 5 }
    }
}

/// Shared hospital state. Cheap to clone.
#[derive(Clone)]
pub struct Hospitals {
    inner: Arc<Inner>,
}

struct Inner {
    /// The issuer's state: database, master key, clock, public URL.
    issuer: Issuer,
    verifier: Verifier,
    webhooks: reqwest::Client,
    settings: MonitorSettings,
    /// Wakes whoever waits on a presentation request (long polls, event streams, pages).
    presentation_changes: crate::oid4vp::Changes,
}

/// A hospital just created, with its one-time admin token.
pub struct CreatedHospital {
    /// The hospital.
    pub hospital: HospitalRow,
    /// An admin token (shown once; only its hash is stored).
    pub admin_token: Zeroizing<String>,
}

/// Prefix of hospital tokens (board tokens start `mcb_`).
pub const HOSPITAL_TOKEN_PREFIX: &str = "mch_";

fn check_slug(slug: &str) -> Result<(), HospitalError> {
    let ok = (2..=40).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(HospitalError::bad_request(
            "malformed_slug",
            "slug must be 2-40 of a-z, 0-9 and '-', not starting or ending with '-'",
        ))
    }
}

fn check_text(value: &str, max: usize, code: &'static str, what: &str) -> Result<String, HospitalError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(HospitalError::bad_request(code, format!("{what} must be 1-{max} printable characters")));
    }
    Ok(v.to_owned())
}

impl Hospitals {
    /// Hospitals over the issuer's database, master key, clock and public URL, verifying with
    /// `verifier`.
    pub fn new(issuer: &Issuer, verifier: Verifier, settings: MonitorSettings) -> Self {
        let webhooks = reqwest::Client::builder()
            .timeout(settings.webhook_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        let presentation_changes = crate::oid4vp::Changes::default();
        Self { inner: Arc::new(Inner { issuer: issuer.clone(), verifier, webhooks, settings, presentation_changes }) }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        self.inner.issuer.db()
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.issuer.clock().now()
    }

    /// Monitoring settings.
    pub fn settings(&self) -> &MonitorSettings {
        &self.inner.settings
    }

    pub(crate) fn webhooks(&self) -> &reqwest::Client {
        &self.inner.webhooks
    }

    pub(crate) fn presentation_changes(&self) -> &crate::oid4vp::Changes {
        &self.inner.presentation_changes
    }

    /// The deployment's public URL.
    pub fn public_url(&self) -> &str {
        self.inner.issuer.public_url()
    }

    /// Seal `secret` under the master key, bound to `context`.
    pub(crate) fn seal(&self, secret: &[u8], context: &str) -> Vec<u8> {
        self.inner.issuer.master().seal(secret, context)
    }

    /// Open what [`Self::seal`] sealed with the same `context`.
    pub(crate) fn open_sealed(&self, sealed: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, HospitalError> {
        Ok(self.inner.issuer.master().open(sealed, context)?)
    }

    /// Create a hospital ([`create_hospital`]).
    pub async fn create(&self, slug: &str, name: &str) -> Result<CreatedHospital, HospitalError> {
        create_hospital(&self.inner.issuer, slug, name).await
    }

    /// Mint a token for the hospital ([`create_hospital_token`]).
    pub async fn create_token(
        &self,
        hospital: &HospitalRow,
        role: HospitalRole,
        label: &str,
    ) -> Result<(HospitalTokenRow, Zeroizing<String>), HospitalError> {
        create_hospital_token(&self.inner.issuer, hospital, role, label).await
    }

    /// The live hospital token presented as a bearer secret.
    pub async fn authenticate(&self, bearer: &str) -> Result<HospitalTokenRow, HospitalError> {
        if !bearer.starts_with(HOSPITAL_TOKEN_PREFIX) {
            return Err(HospitalError::Unauthenticated);
        }
        self.db().hospital_token_by_hash(&tokens::hash(bearer)).await.map_err(|e| match e {
            StoreError::NotFound(_) => HospitalError::Unauthenticated,
            other => other.into(),
        })
    }

    /// The hospital's active signing key, unsealed.
    pub async fn signing_key(&self, hospital: &HospitalRow) -> Result<IssuerKey, HospitalError> {
        let keys = self.db().hospital_keys(&hospital.id).await?;
        let row = keys.iter().rev().find(|k| k.status == KeyStatus::Active).ok_or(HospitalError::NoActiveKey)?;
        let secret =
            self.inner.issuer.master().open(&row.secret_sealed, &hospital_key_context(&hospital.id, &row.key_id))?;
        let bytes: Zeroizing<[u8; 32]> = Zeroizing::new(
            secret
                .as_slice()
                .try_into()
                .map_err(|_| HospitalError::Internal("a hospital key is not 32 bytes".into()))?,
        );
        Ok(IssuerKey::new(SigningKey::from_bytes(&bytes), format!("{}#{}", hospital.did, row.key_id)))
    }
}

/// The DID of hospital `slug` on the deployment at `public_url`: `did:web:<host>:hospitals:<slug>`.
pub fn hospital_did(public_url: &str, slug: &str) -> Result<String, HospitalError> {
    let host = did_web_host(public_url).map_err(|e| HospitalError::Internal(e.to_string()))?;
    Ok(format!("did:web:{host}:hospitals:{slug}"))
}

/// Create a hospital with one active Ed25519 key (sealed under the issuer's master key) and an
/// admin token, in one transaction.
pub async fn create_hospital(issuer: &Issuer, slug: &str, name: &str) -> Result<CreatedHospital, HospitalError> {
    check_slug(slug)?;
    let name = check_text(name, 200, "malformed_name", "name")?;
    let now = issuer.clock().now().timestamp();
    let hospital = HospitalRow {
        id: uuid::Uuid::new_v4().to_string(),
        slug: slug.to_owned(),
        name,
        did: hospital_did(issuer.public_url(), slug)?,
        webhook_url: None,
        created_at: now,
    };
    let signing = SigningKey::generate(&mut rand::rngs::OsRng);
    let key_id = "key-1".to_owned();
    let key = HospitalKeyRow {
        hospital_id: hospital.id.clone(),
        public_multibase: multikey(&signing.verifying_key()),
        secret_sealed: issuer.master().seal(signing.as_bytes(), &hospital_key_context(&hospital.id, &key_id)),
        key_id,
        status: KeyStatus::Active,
        created_at: now,
    };
    let (token, admin_token) = token_row(issuer, &hospital, HospitalRole::Admin, "admin")?;
    let mut tx = issuer.db().begin().await?;
    tx.insert_hospital(&hospital).await?;
    tx.insert_hospital_key(&key).await?;
    tx.insert_hospital_token(&token).await?;
    tx.commit().await?;
    Ok(CreatedHospital { hospital, admin_token })
}

fn token_row(
    issuer: &Issuer,
    hospital: &HospitalRow,
    role: HospitalRole,
    label: &str,
) -> Result<(HospitalTokenRow, Zeroizing<String>), HospitalError> {
    let label = check_text(label, 100, "malformed_label", "label")?;
    let board_style = tokens::generate();
    let secret = Zeroizing::new(format!(
        "{HOSPITAL_TOKEN_PREFIX}{}",
        board_style.strip_prefix(tokens::TOKEN_PREFIX).unwrap_or(&board_style)
    ));
    let row = HospitalTokenRow {
        id: uuid::Uuid::new_v4().to_string(),
        hospital_id: hospital.id.clone(),
        role,
        token_hash: tokens::hash(&secret),
        label,
        created_at: issuer.clock().now().timestamp(),
        revoked_at: None,
    };
    Ok((row, secret))
}

/// Mint a token for `hospital` (shown once; only its hash is stored).
pub async fn create_hospital_token(
    issuer: &Issuer,
    hospital: &HospitalRow,
    role: HospitalRole,
    label: &str,
) -> Result<(HospitalTokenRow, Zeroizing<String>), HospitalError> {
    let (row, secret) = token_row(issuer, hospital, role, label)?;
    let mut tx = issuer.db().begin().await?;
    tx.insert_hospital_token(&row).await?;
    tx.commit().await?;
    Ok((row, secret))
}

/// The DID document of `hospital` (on the deployment at `public_url`): its keys (not removed) as
/// Multikey methods under `assertionMethod` (receipts) and `authentication` (webhooks, requests
/// it signs).
pub async fn did_document(db: &Db, public_url: &str, hospital: &HospitalRow) -> Result<Value, HospitalError> {
    let keys = db.hospital_keys(&hospital.id).await?;
    let did = &hospital.did;
    let listed: Vec<&HospitalKeyRow> = keys.iter().filter(|k| k.status != KeyStatus::Removed).collect();
    let methods: Vec<Value> = listed
        .iter()
        .map(|k| {
            json!({
                "id": format!("{did}#{}", k.key_id),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": k.public_multibase,
            })
        })
        .collect();
    let ids: Vec<String> = listed.iter().map(|k| format!("{did}#{}", k.key_id)).collect();
    Ok(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "alsoKnownAs": [format!("{public_url}/hospitals/{}", hospital.slug)],
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_names_are_checked() {
        assert!(check_slug("st-mary").is_ok());
        for bad in ["a", "-x", "x-", "Upper", "sp ace", &"x".repeat(41)] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(check_text("  St Mary  ", 200, "c", "name").ok().as_deref(), Some("St Mary"));
        assert!(check_text("", 200, "c", "name").is_err());
        assert!(check_text("a\nb", 200, "c", "name").is_err());
    }
}
