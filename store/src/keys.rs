//! Board signing keys: add, list, change status (rotation).

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::rows::{KeyRow, KeyStatus};

const COLUMNS: &str = "board_id, key_id, public_multibase, secret_sealed, status, created_at, retired_at";

fn key(row: &AnyRow) -> Result<KeyRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "key");
    let status: String = row.try_get("status").map_err(map)?;
    Ok(KeyRow {
        board_id: row.try_get("board_id").map_err(map)?,
        key_id: row.try_get("key_id").map_err(map)?,
        public_multibase: row.try_get("public_multibase").map_err(map)?,
        secret_sealed: row.try_get("secret_sealed").map_err(map)?,
        status: KeyStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("key status {status:?}")))?,
        created_at: row.try_get("created_at").map_err(map)?,
        retired_at: row.try_get("retired_at").map_err(map)?,
    })
}

impl Tx {
    /// Insert a key.
    pub async fn insert_key(&mut self, k: &KeyRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO board_keys (board_id, key_id, public_multibase, secret_sealed, status, created_at, retired_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&k.board_id)
        .bind(&k.key_id)
        .bind(&k.public_multibase)
        .bind(&k.secret_sealed)
        .bind(k.status.as_str())
        .bind(k.created_at)
        .bind(k.retired_at)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "key"))
    }

    /// Every key of the board, read under the board's write lock ([`Tx::lock_board`]) for the
    /// rest of the transaction: rotation, removal and compromise read the keys and then write
    /// them, and without the lock a concurrent commit makes SQLite refuse the upgrade from read to
    /// write (`SQLITE_BUSY`, whatever the busy timeout) and lets two PostgreSQL rotations pick the
    /// same next key id.
    pub async fn keys_for_update(&mut self, board_id: &str) -> Result<Vec<KeyRow>, StoreError> {
        self.lock_board(board_id).await?;
        let sql = format!("SELECT {COLUMNS} FROM board_keys WHERE board_id = $1 ORDER BY created_at, key_id");
        let rows = sqlx::query(&sql)
            .bind(board_id)
            .fetch_all(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "key"))?;
        rows.iter().map(key).collect()
    }

    /// Set a key's status; `retired_at` is set when it stops being active.
    pub async fn set_key_status(
        &mut self,
        board_id: &str,
        key_id: &str,
        status: KeyStatus,
        at: i64,
    ) -> Result<(), StoreError> {
        let retired_at = (status != KeyStatus::Active).then_some(at);
        let done = sqlx::query(
            "UPDATE board_keys SET status = $1, retired_at = COALESCE(retired_at, $2) WHERE board_id = $3 AND key_id = $4",
        )
        .bind(status.as_str())
        .bind(retired_at)
        .bind(board_id)
        .bind(key_id)
        .execute(&mut *self.0)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "key"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("key"));
        }
        Ok(())
    }

    /// Replace a key's sealed secret (master key rotation).
    pub async fn reseal_key(&mut self, board_id: &str, key_id: &str, sealed: &[u8]) -> Result<(), StoreError> {
        sqlx::query("UPDATE board_keys SET secret_sealed = $1 WHERE board_id = $2 AND key_id = $3")
            .bind(sealed)
            .bind(board_id)
            .bind(key_id)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "key"))
    }

    /// Every key of every board (master key rotation).
    pub async fn all_keys(&mut self) -> Result<Vec<KeyRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM board_keys ORDER BY board_id, key_id");
        let rows = sqlx::query(&sql).fetch_all(&mut *self.0).await.map_err(|e| StoreError::from_sqlx(e, "key"))?;
        rows.iter().map(key).collect()
    }
}

impl Db {
    /// Every key of the board, oldest first.
    pub async fn keys(&self, board_id: &str) -> Result<Vec<KeyRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM board_keys WHERE board_id = $1 ORDER BY created_at, key_id");
        let rows = sqlx::query(&sql)
            .bind(board_id)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "key"))?;
        rows.iter().map(key).collect()
    }
}
