//! Hospitals, their signing keys and their API tokens (stored only as hashes).

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::hospital_rows::{HospitalKeyRow, HospitalRole, HospitalRow, HospitalTokenRow};
use crate::rows::KeyStatus;

const HOSPITAL: &str = "id, slug, name, did, webhook_url, created_at";
const KEY: &str = "hospital_id, key_id, public_multibase, secret_sealed, status, created_at";
const TOKEN: &str = "id, hospital_id, role, token_hash, label, created_at, revoked_at";

fn hospital(row: &AnyRow) -> Result<HospitalRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "hospital");
    Ok(HospitalRow {
        id: row.try_get("id").map_err(map)?,
        slug: row.try_get("slug").map_err(map)?,
        name: row.try_get("name").map_err(map)?,
        did: row.try_get("did").map_err(map)?,
        webhook_url: row.try_get("webhook_url").map_err(map)?,
        created_at: row.try_get("created_at").map_err(map)?,
    })
}

fn key(row: &AnyRow) -> Result<HospitalKeyRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "hospital key");
    let status: String = row.try_get("status").map_err(map)?;
    Ok(HospitalKeyRow {
        hospital_id: row.try_get("hospital_id").map_err(map)?,
        key_id: row.try_get("key_id").map_err(map)?,
        public_multibase: row.try_get("public_multibase").map_err(map)?,
        secret_sealed: row.try_get("secret_sealed").map_err(map)?,
        status: KeyStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("key status {status:?}")))?,
        created_at: row.try_get("created_at").map_err(map)?,
    })
}

fn token(row: &AnyRow) -> Result<HospitalTokenRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "hospital token");
    let role: String = row.try_get("role").map_err(map)?;
    Ok(HospitalTokenRow {
        id: row.try_get("id").map_err(map)?,
        hospital_id: row.try_get("hospital_id").map_err(map)?,
        role: HospitalRole::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("token role {role:?}")))?,
        token_hash: row.try_get("token_hash").map_err(map)?,
        label: row.try_get("label").map_err(map)?,
        created_at: row.try_get("created_at").map_err(map)?,
        revoked_at: row.try_get("revoked_at").map_err(map)?,
    })
}

impl Tx {
    /// Insert a hospital.
    pub async fn insert_hospital(&mut self, h: &HospitalRow) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO hospitals ({HOSPITAL}) VALUES ($1, $2, $3, $4, $5, $6)"))
            .bind(&h.id)
            .bind(&h.slug)
            .bind(&h.name)
            .bind(&h.did)
            .bind(&h.webhook_url)
            .bind(h.created_at)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "hospital"))
    }

    /// Insert a hospital key.
    pub async fn insert_hospital_key(&mut self, k: &HospitalKeyRow) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO hospital_keys ({KEY}) VALUES ($1, $2, $3, $4, $5, $6)"))
            .bind(&k.hospital_id)
            .bind(&k.key_id)
            .bind(&k.public_multibase)
            .bind(&k.secret_sealed)
            .bind(k.status.as_str())
            .bind(k.created_at)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "hospital key"))
    }

    /// Insert a hospital token.
    pub async fn insert_hospital_token(&mut self, t: &HospitalTokenRow) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO hospital_tokens ({TOKEN}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(&t.id)
            .bind(&t.hospital_id)
            .bind(t.role.as_str())
            .bind(&t.token_hash)
            .bind(&t.label)
            .bind(t.created_at)
            .bind(t.revoked_at)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "hospital token"))
    }

    /// Every hospital key (for re-sealing under a new master key).
    pub async fn all_hospital_keys(&mut self) -> Result<Vec<HospitalKeyRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {KEY} FROM hospital_keys ORDER BY hospital_id, key_id"))
            .fetch_all(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "hospital key"))?;
        rows.iter().map(key).collect()
    }

    /// Replace the sealed secret of a hospital key.
    pub async fn reseal_hospital_key(
        &mut self,
        hospital_id: &str,
        key_id: &str,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE hospital_keys SET secret_sealed = $1 WHERE hospital_id = $2 AND key_id = $3")
            .bind(sealed)
            .bind(hospital_id)
            .bind(key_id)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "hospital key"))
    }
}

impl Db {
    /// The hospital with this slug.
    pub async fn hospital_by_slug(&self, slug: &str) -> Result<HospitalRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {HOSPITAL} FROM hospitals WHERE slug = $1"))
            .bind(slug)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "hospital"))?;
        hospital(&row)
    }

    /// The hospital with this id.
    pub async fn hospital_by_id(&self, id: &str) -> Result<HospitalRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {HOSPITAL} FROM hospitals WHERE id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "hospital"))?;
        hospital(&row)
    }

    /// Every hospital, by slug.
    pub async fn hospitals(&self) -> Result<Vec<HospitalRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {HOSPITAL} FROM hospitals ORDER BY slug"))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "hospital"))?;
        rows.iter().map(hospital).collect()
    }

    /// Set (or clear) the hospital's webhook URL.
    pub async fn set_hospital_webhook(&self, id: &str, url: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE hospitals SET webhook_url = $1 WHERE id = $2")
            .bind(url)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "hospital"))
    }

    /// The hospital's keys, oldest first.
    pub async fn hospital_keys(&self, hospital_id: &str) -> Result<Vec<HospitalKeyRow>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {KEY} FROM hospital_keys WHERE hospital_id = $1 ORDER BY created_at, key_id"))
                .bind(hospital_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "hospital key"))?;
        rows.iter().map(key).collect()
    }

    /// The live (not revoked) hospital token with this hash.
    pub async fn hospital_token_by_hash(&self, hash: &str) -> Result<HospitalTokenRow, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {TOKEN} FROM hospital_tokens WHERE token_hash = $1 AND revoked_at IS NULL"))
                .bind(hash)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "hospital token"))?;
        token(&row)
    }
}
