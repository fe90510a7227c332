//! Key compromise records and the re-issuance queue: every credential a stolen key signed, and
//! how far its replacement got (pending → issued → done, or skipped).

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;

/// A board key reported stolen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCompromiseRow {
    /// The board.
    pub board_id: String,
    /// The stolen key (`key-N`).
    pub key_id: String,
    /// From when the key is believed to be in other hands (Unix seconds).
    pub since: i64,
    /// When it was reported.
    pub reported_at: i64,
    /// Who reported it (token label, account or the CLI).
    pub actor: String,
}

/// One credential waiting for, or done with, re-issuance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReissueRow {
    /// The credential the stolen key signed.
    pub credential_id: String,
    /// Its board.
    pub board_id: String,
    /// The stolen key.
    pub key_id: String,
    /// `pending`, `issued` (replacement stored, old one not yet revoked), `done` or `skipped`.
    pub state: String,
    /// The replacement, once issued.
    pub new_credential_id: Option<String>,
    /// When it was queued.
    pub marked_at: i64,
    /// When it was finished.
    pub done_at: Option<i64>,
}

/// Queue states.
pub mod reissue_state {
    /// Not replaced yet.
    pub const PENDING: &str = "pending";
    /// Replacement stored; the old credential is still to be revoked.
    pub const ISSUED: &str = "issued";
    /// Replaced, and the old credential revoked on the ledger.
    pub const DONE: &str = "done";
    /// Not replaced: the credential had been revoked already.
    pub const SKIPPED: &str = "skipped";
}

const COLUMNS: &str = "credential_id, board_id, key_id, state, new_credential_id, marked_at, done_at";

fn reissue(row: &AnyRow) -> Result<ReissueRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "reissue");
    Ok(ReissueRow {
        credential_id: row.try_get("credential_id").map_err(map)?,
        board_id: row.try_get("board_id").map_err(map)?,
        key_id: row.try_get("key_id").map_err(map)?,
        state: row.try_get("state").map_err(map)?,
        new_credential_id: row.try_get("new_credential_id").map_err(map)?,
        marked_at: row.try_get("marked_at").map_err(map)?,
        done_at: row.try_get("done_at").map_err(map)?,
    })
}

impl Tx {
    /// Record a compromise (a repeated report keeps the first record). Whether it was new.
    pub async fn insert_key_compromise(&mut self, c: &KeyCompromiseRow) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO key_compromises (board_id, key_id, since, reported_at, actor) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (board_id, key_id) DO NOTHING",
        )
        .bind(&c.board_id)
        .bind(&c.key_id)
        .bind(c.since)
        .bind(c.reported_at)
        .bind(&c.actor)
        .execute(&mut *self.0)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "key compromise"))?;
        Ok(done.rows_affected() > 0)
    }

    /// Queue every credential of `board_id` signed by `key_id` that is not queued yet. How many
    /// were queued now.
    pub async fn queue_reissue(&mut self, board_id: &str, key_id: &str, at: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reissue_queue (credential_id, board_id, key_id, state, new_credential_id, marked_at, done_at) \
             SELECT id, board_id, key_id, 'pending', NULL, $3, NULL FROM credentials \
             WHERE board_id = $1 AND key_id = $2 ON CONFLICT (credential_id) DO NOTHING",
        )
        .bind(board_id)
        .bind(key_id)
        .bind(at)
        .execute(&mut *self.0)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "reissue"))?;
        Ok(done.rows_affected())
    }

    /// Link a pending queue row to its stored replacement (compare-and-set: only one
    /// replacement per credential, whoever else re-issues at the same time). Whether this call
    /// linked it.
    pub async fn mark_reissued(&mut self, credential_id: &str, new_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE reissue_queue SET state = 'issued', new_credential_id = $2 \
             WHERE credential_id = $1 AND state = 'pending' AND new_credential_id IS NULL",
        )
        .bind(credential_id)
        .bind(new_id)
        .execute(&mut *self.0)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "reissue"))?;
        Ok(done.rows_affected() == 1)
    }
}

impl Db {
    /// The compromise record of a key, if it was reported.
    pub async fn key_compromise(&self, board_id: &str, key_id: &str) -> Result<Option<KeyCompromiseRow>, StoreError> {
        let row = sqlx::query(
            "SELECT board_id, key_id, since, reported_at, actor FROM key_compromises WHERE board_id = $1 AND key_id = $2",
        )
        .bind(board_id)
        .bind(key_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "key compromise"))?;
        let map = |e| StoreError::from_sqlx(e, "key compromise");
        row.map(|r| {
            Ok(KeyCompromiseRow {
                board_id: r.try_get("board_id").map_err(map)?,
                key_id: r.try_get("key_id").map_err(map)?,
                since: r.try_get("since").map_err(map)?,
                reported_at: r.try_get("reported_at").map_err(map)?,
                actor: r.try_get("actor").map_err(map)?,
            })
        })
        .transpose()
    }

    /// The board's queue, oldest credential first (unbounded: one row per credential signed by
    /// a stolen key).
    pub async fn reissue_queue(&self, board_id: &str) -> Result<Vec<ReissueRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM reissue_queue WHERE board_id = $1 ORDER BY marked_at, credential_id"
        ))
        .bind(board_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "reissue"))?;
        rows.iter().map(reissue).collect()
    }

    /// Move a queue row to `state` (`done` or `skipped`), stamping when.
    pub async fn finish_reissue(&self, credential_id: &str, state: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE reissue_queue SET state = $2, done_at = $3 WHERE credential_id = $1")
            .bind(credential_id)
            .bind(state)
            .bind(at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "reissue"))
    }
}
