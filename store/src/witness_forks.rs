//! Fork evidence kept by the witness role: checkpoints a log signed that contradict what the
//! witness cosigned before.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Db;
use crate::error::StoreError;
use crate::rows::WitnessForkRow;

const COLUMNS: &str = "origin, size, offered_root, known_size, known_root, checkpoint, reason, seen_at";

impl Db {
    /// Keep `fork` (once per origin, size and offered root; repeats are ignored).
    pub async fn record_witness_fork(&self, fork: &WitnessForkRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO witness_forks ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (origin, size, offered_root) DO NOTHING"
        );
        sqlx::query(&sql)
            .bind(&fork.origin)
            .bind(fork.size)
            .bind(&fork.offered_root)
            .bind(fork.known_size)
            .bind(&fork.known_root)
            .bind(&fork.checkpoint)
            .bind(&fork.reason)
            .bind(fork.seen_at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "witness fork"))
    }

    /// The newest `limit` forks seen, newest first.
    pub async fn witness_forks(&self, limit: i64) -> Result<Vec<WitnessForkRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM witness_forks ORDER BY seen_at DESC, origin, size LIMIT $1");
        let rows = sqlx::query(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "witness fork"))?;
        rows.iter().map(fork_row).collect()
    }
}

fn fork_row(r: &AnyRow) -> Result<WitnessForkRow, StoreError> {
    let get = |e| StoreError::from_sqlx(e, "witness fork");
    Ok(WitnessForkRow {
        origin: r.try_get("origin").map_err(get)?,
        size: r.try_get("size").map_err(get)?,
        offered_root: r.try_get("offered_root").map_err(get)?,
        known_size: r.try_get("known_size").map_err(get)?,
        known_root: r.try_get("known_root").map_err(get)?,
        checkpoint: r.try_get("checkpoint").map_err(get)?,
        reason: r.try_get("reason").map_err(get)?,
        seen_at: r.try_get("seen_at").map_err(get)?,
    })
}
