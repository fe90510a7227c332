//! Issued credentials: insert inside the issuance transaction, fetch, search, bulk-run lookups.

use std::collections::BTreeSet;

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::rows::CredentialRow;

const COLUMNS: &str = "id, board_id, kind, format, key_id, subject_label, license_number, jurisdiction, holder_did, \
                       valid_from, valid_until, status_list, status_index, dedupe_key, secured, created_at";

/// Most rows a search returns.
pub(crate) const SEARCH_LIMIT: i64 = 200;

fn credential(row: &AnyRow) -> Result<CredentialRow, sqlx::Error> {
    Ok(CredentialRow {
        id: row.try_get("id")?,
        board_id: row.try_get("board_id")?,
        kind: row.try_get("kind")?,
        format: row.try_get("format")?,
        key_id: row.try_get("key_id")?,
        subject_label: row.try_get("subject_label")?,
        license_number: row.try_get("license_number")?,
        jurisdiction: row.try_get("jurisdiction")?,
        holder_did: row.try_get("holder_did")?,
        valid_from: row.try_get("valid_from")?,
        valid_until: row.try_get("valid_until")?,
        status_list: row.try_get("status_list")?,
        status_index: row.try_get("status_index")?,
        dedupe_key: row.try_get("dedupe_key")?,
        secured: row.try_get("secured")?,
        created_at: row.try_get("created_at")?,
    })
}

fn rows(rows: &[AnyRow]) -> Result<Vec<CredentialRow>, StoreError> {
    rows.iter().map(|r| credential(r).map_err(|e| StoreError::from_sqlx(e, "credential"))).collect()
}

impl Tx {
    /// Insert an issued credential.
    pub async fn insert_credential(&mut self, c: &CredentialRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credentials (id, board_id, kind, format, key_id, subject_label, license_number, jurisdiction, \
             holder_did, valid_from, valid_until, status_list, status_index, dedupe_key, secured, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&c.id)
        .bind(&c.board_id)
        .bind(&c.kind)
        .bind(&c.format)
        .bind(&c.key_id)
        .bind(&c.subject_label)
        .bind(&c.license_number)
        .bind(&c.jurisdiction)
        .bind(&c.holder_did)
        .bind(c.valid_from)
        .bind(c.valid_until)
        .bind(c.status_list)
        .bind(c.status_index)
        .bind(&c.dedupe_key)
        .bind(&c.secured)
        .bind(c.created_at)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "credential"))
    }
}

impl Db {
    /// The credential with this id.
    pub async fn credential(&self, id: &str) -> Result<CredentialRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM credentials WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "credential"))?;
        credential(&row).map_err(|e| StoreError::from_sqlx(e, "credential"))
    }

    /// Every credential of the board, in id order (exports, benchmarks; unbounded).
    pub async fn board_credentials(&self, board_id: &str) -> Result<Vec<CredentialRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM credentials WHERE board_id = $1 ORDER BY id");
        let rows = sqlx::query(&sql)
            .bind(board_id)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "credential"))?;
        rows.iter().map(|r| credential(r).map_err(|e| StoreError::from_sqlx(e, "credential"))).collect()
    }

    /// The board's credentials, newest first, optionally matching a name or license number
    /// (case-insensitive substring), at most [`SEARCH_LIMIT`].
    pub async fn search_credentials(
        &self,
        board_id: &str,
        query: Option<&str>,
    ) -> Result<Vec<CredentialRow>, StoreError> {
        let found = match query.map(str::trim).filter(|q| !q.is_empty()) {
            None => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM credentials WHERE board_id = $1 ORDER BY created_at DESC, id LIMIT $2"
                );
                sqlx::query(&sql).bind(board_id).bind(SEARCH_LIMIT).fetch_all(&self.pool).await
            }
            Some(q) => {
                let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = format!("%{escaped}%");
                let sql = format!(
                    "SELECT {COLUMNS} FROM credentials WHERE board_id = $1 AND \
                     (LOWER(subject_label) LIKE $2 ESCAPE '\\' OR LOWER(license_number) LIKE $2 ESCAPE '\\') \
                     ORDER BY created_at DESC, id LIMIT $3"
                );
                sqlx::query(&sql).bind(board_id).bind(pattern).bind(SEARCH_LIMIT).fetch_all(&self.pool).await
            }
        }
        .map_err(|e| StoreError::from_sqlx(e, "credential"))?;
        rows(&found)
    }

    /// How many credentials the board has issued.
    pub async fn count_credentials(&self, board_id: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM credentials WHERE board_id = $1")
            .bind(board_id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "credential"))?;
        row.try_get("n").map_err(|e| StoreError::from_sqlx(e, "credential"))
    }

    /// Which of `keys` the board already issued under (bulk runs skip those rows).
    pub async fn existing_dedupe_keys(&self, board_id: &str, keys: &[String]) -> Result<BTreeSet<String>, StoreError> {
        let mut found = BTreeSet::new();
        for chunk in keys.chunks(500) {
            let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT dedupe_key FROM credentials WHERE board_id = $1 AND dedupe_key IN ({})",
                placeholders.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(board_id);
            for k in chunk {
                q = q.bind(k);
            }
            for row in q.fetch_all(&self.pool).await.map_err(|e| StoreError::from_sqlx(e, "credential"))? {
                found.insert(row.try_get("dedupe_key").map_err(|e| StoreError::from_sqlx(e, "credential"))?);
            }
        }
        Ok(found)
    }
}
