//! Status lists and status changes: slot allocation at issuance, bit updates in ledger batches, the
//! audit trail of who changed what and why.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::rows::{StatusChangeRow, StatusListRow};

const LIST_COLUMNS: &str = "board_id, list_no, entries, used, allocated, revocation, suspension, version, updated_at";
const CHANGE_COLUMNS: &str = "id, board_id, credential_id, purpose, value, reason, actor, at, reason_hash, leaf_index";

fn list(row: &AnyRow) -> Result<StatusListRow, StoreError> {
    let get = || -> Result<StatusListRow, sqlx::Error> {
        Ok(StatusListRow {
            board_id: row.try_get("board_id")?,
            list_no: row.try_get("list_no")?,
            entries: row.try_get("entries")?,
            used: row.try_get("used")?,
            allocated: row.try_get("allocated")?,
            revocation: row.try_get("revocation")?,
            suspension: row.try_get("suspension")?,
            version: row.try_get("version")?,
            updated_at: row.try_get("updated_at")?,
        })
    };
    get().map_err(|e| StoreError::from_sqlx(e, "status list"))
}

fn change(row: &AnyRow) -> Result<StatusChangeRow, StoreError> {
    let get = || -> Result<StatusChangeRow, sqlx::Error> {
        Ok(StatusChangeRow {
            id: row.try_get("id")?,
            board_id: row.try_get("board_id")?,
            credential_id: row.try_get("credential_id")?,
            purpose: row.try_get("purpose")?,
            value: row.try_get("value")?,
            reason: row.try_get("reason")?,
            actor: row.try_get("actor")?,
            at: row.try_get("at")?,
            reason_hash: row.try_get("reason_hash")?,
            leaf_index: row.try_get("leaf_index")?,
        })
    };
    get().map_err(|e| StoreError::from_sqlx(e, "status change"))
}

impl Tx {
    /// Take the board's write lock for the rest of the transaction: a row lock on PostgreSQL, the
    /// database write lock on SQLite. Status allocation and ledger batches start here, so they
    /// serialize per board across processes and never deadlock on a read-then-write upgrade.
    pub async fn lock_board(&mut self, board_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE boards SET id = id WHERE id = $1")
            .bind(board_id)
            .execute(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "board"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("board"));
        }
        Ok(())
    }

    /// The board's newest list, if any.
    pub async fn last_status_list(&mut self, board_id: &str) -> Result<Option<StatusListRow>, StoreError> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM status_lists WHERE board_id = $1 ORDER BY list_no DESC LIMIT 1");
        let row = sqlx::query(&sql)
            .bind(board_id)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "status list"))?;
        row.as_ref().map(list).transpose()
    }

    /// Every list of the board, in list order.
    pub async fn status_lists(&mut self, board_id: &str) -> Result<Vec<StatusListRow>, StoreError> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM status_lists WHERE board_id = $1 ORDER BY list_no");
        let rows = sqlx::query(&sql)
            .bind(board_id)
            .fetch_all(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "status list"))?;
        rows.iter().map(list).collect()
    }

    /// Insert a new list.
    pub async fn insert_status_list(&mut self, l: &StatusListRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO status_lists (board_id, list_no, entries, used, allocated, revocation, suspension, version, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&l.board_id)
        .bind(l.list_no)
        .bind(l.entries)
        .bind(l.used)
        .bind(&l.allocated)
        .bind(&l.revocation)
        .bind(&l.suspension)
        .bind(l.version)
        .bind(l.updated_at)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "status list"))
    }

    /// Store a list's allocation map after slots were taken.
    pub async fn update_allocation(&mut self, l: &StatusListRow) -> Result<(), StoreError> {
        sqlx::query("UPDATE status_lists SET allocated = $1, used = $2 WHERE board_id = $3 AND list_no = $4")
            .bind(&l.allocated)
            .bind(l.used)
            .bind(&l.board_id)
            .bind(l.list_no)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "status list"))
    }

    /// Store a list's status bits, version and time after a batch changed them.
    pub async fn update_status_bits(&mut self, l: &StatusListRow) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE status_lists SET revocation = $1, suspension = $2, version = $3, updated_at = $4 \
             WHERE board_id = $5 AND list_no = $6",
        )
        .bind(&l.revocation)
        .bind(&l.suspension)
        .bind(l.version)
        .bind(l.updated_at)
        .bind(&l.board_id)
        .bind(l.list_no)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "status list"))
    }

    /// Record one status change.
    pub async fn insert_status_change(&mut self, c: &StatusChangeRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO status_changes (id, board_id, credential_id, purpose, value, reason, actor, at, reason_hash, \
             leaf_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&c.id)
        .bind(&c.board_id)
        .bind(&c.credential_id)
        .bind(&c.purpose)
        .bind(c.value)
        .bind(&c.reason)
        .bind(&c.actor)
        .bind(c.at)
        .bind(&c.reason_hash)
        .bind(c.leaf_index)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "status change"))
    }
}

impl Db {
    /// One list of a board.
    pub async fn status_list(&self, board_id: &str, list_no: i64) -> Result<StatusListRow, StoreError> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM status_lists WHERE board_id = $1 AND list_no = $2");
        let row = sqlx::query(&sql)
            .bind(board_id)
            .bind(list_no)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "status list"))?;
        list(&row)
    }

    /// A list's current version (its ETag), without reading the bitstrings.
    pub async fn status_list_version(&self, board_id: &str, list_no: i64) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT version FROM status_lists WHERE board_id = $1 AND list_no = $2")
            .bind(board_id)
            .bind(list_no)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "status list"))?;
        row.try_get("version").map_err(|e| StoreError::from_sqlx(e, "status list"))
    }

    /// How many lists the board has.
    pub async fn status_list_count(&self, board_id: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM status_lists WHERE board_id = $1")
            .bind(board_id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "status list"))?;
        row.try_get("n").map_err(|e| StoreError::from_sqlx(e, "status list"))
    }

    /// A credential's status history, oldest first.
    pub async fn status_changes(&self, credential_id: &str) -> Result<Vec<StatusChangeRow>, StoreError> {
        let sql =
            format!("SELECT {CHANGE_COLUMNS} FROM status_changes WHERE credential_id = $1 ORDER BY at, leaf_index");
        let rows = sqlx::query(&sql)
            .bind(credential_id)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "status change"))?;
        rows.iter().map(change).collect()
    }
}
