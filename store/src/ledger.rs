//! The per-board transparency log: its identity and head, leaves, stored subtree hashes,
//! checkpoints (with cosignatures and chain anchors), and the witness role's state.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::rows::{AnchorRow, CheckpointRow, LedgerLogRow, NodeRow, WitnessLogRow};

const LOG_COLUMNS: &str = "board_id, origin, key_name, public_key, secret_sealed, size, root, updated_at";
const CHECKPOINT_COLUMNS: &str = "board_id, size, root, note, cosigned, cosignatures, created_at, anchor_chain, \
                                  anchor_tx, anchor_block, anchor_time";
/// Most nodes fetched in one query (a proof needs at most 2 × 64).
pub(crate) const MAX_NODES_PER_QUERY: usize = 300;

fn log(row: &AnyRow) -> Result<LedgerLogRow, StoreError> {
    let get = || -> Result<LedgerLogRow, sqlx::Error> {
        Ok(LedgerLogRow {
            board_id: row.try_get("board_id")?,
            origin: row.try_get("origin")?,
            key_name: row.try_get("key_name")?,
            public_key: row.try_get("public_key")?,
            secret_sealed: row.try_get("secret_sealed")?,
            size: row.try_get("size")?,
            root: row.try_get("root")?,
            updated_at: row.try_get("updated_at")?,
        })
    };
    get().map_err(|e| StoreError::from_sqlx(e, "ledger"))
}

fn checkpoint(row: &AnyRow) -> Result<CheckpointRow, StoreError> {
    let get = || -> Result<CheckpointRow, sqlx::Error> {
        let tx: Option<String> = row.try_get("anchor_tx")?;
        let anchor = match tx {
            Some(tx_hash) => Some(AnchorRow {
                chain_id: row.try_get::<Option<i64>, _>("anchor_chain")?.unwrap_or_default(),
                tx_hash,
                block: row.try_get::<Option<i64>, _>("anchor_block")?.unwrap_or_default(),
                time: row.try_get::<Option<i64>, _>("anchor_time")?.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(CheckpointRow {
            board_id: row.try_get("board_id")?,
            size: row.try_get("size")?,
            root: row.try_get("root")?,
            note: row.try_get("note")?,
            cosigned: row.try_get("cosigned")?,
            cosignatures: row.try_get("cosignatures")?,
            created_at: row.try_get("created_at")?,
            anchor,
        })
    };
    get().map_err(|e| StoreError::from_sqlx(e, "checkpoint"))
}

fn witness_log(row: &AnyRow) -> Result<WitnessLogRow, StoreError> {
    let get = || -> Result<WitnessLogRow, sqlx::Error> {
        Ok(WitnessLogRow {
            origin: row.try_get("origin")?,
            log_key: row.try_get("log_key")?,
            size: row.try_get("size")?,
            root: row.try_get("root")?,
            updated_at: row.try_get("updated_at")?,
        })
    };
    get().map_err(|e| StoreError::from_sqlx(e, "witness log"))
}

/// `(level = $a AND idx = $b) OR …` for `ids`, numbering placeholders from `first`.
fn node_filter(ids: &[(u8, u64)], first: usize) -> String {
    let terms: Vec<String> =
        (0..ids.len()).map(|i| format!("(level = ${} AND idx = ${})", first + 2 * i, first + 2 * i + 1)).collect();
    terms.join(" OR ")
}

fn to_i64(v: u64, what: &'static str) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} out of range")))
}

impl Tx {
    /// Create a board's log (with the board, at size 0).
    pub async fn insert_ledger_log(&mut self, l: &LedgerLogRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ledger_logs (board_id, origin, key_name, public_key, secret_sealed, size, root, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&l.board_id)
        .bind(&l.origin)
        .bind(&l.key_name)
        .bind(&l.public_key)
        .bind(&l.secret_sealed)
        .bind(l.size)
        .bind(&l.root)
        .bind(l.updated_at)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "ledger"))
    }

    /// The board's log as this transaction sees it (call [`Tx::lock_board`] first when appending).
    pub async fn ledger_log(&mut self, board_id: &str) -> Result<LedgerLogRow, StoreError> {
        let sql = format!("SELECT {LOG_COLUMNS} FROM ledger_logs WHERE board_id = $1");
        let row = sqlx::query(&sql)
            .bind(board_id)
            .fetch_one(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "ledger"))?;
        log(&row)
    }

    /// Every log (master key rotation re-seals their keys).
    pub async fn all_ledger_logs(&mut self) -> Result<Vec<LedgerLogRow>, StoreError> {
        let sql = format!("SELECT {LOG_COLUMNS} FROM ledger_logs ORDER BY board_id");
        let rows = sqlx::query(&sql).fetch_all(&mut *self.0).await.map_err(|e| StoreError::from_sqlx(e, "ledger"))?;
        rows.iter().map(log).collect()
    }

    /// Replace a log key's sealed secret.
    pub async fn reseal_ledger_log(&mut self, board_id: &str, sealed: &[u8]) -> Result<(), StoreError> {
        sqlx::query("UPDATE ledger_logs SET secret_sealed = $1 WHERE board_id = $2")
            .bind(sealed)
            .bind(board_id)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "ledger"))
    }

    /// Subtree hashes by (level, index); missing ones are simply absent from the answer.
    pub async fn ledger_nodes_tx(&mut self, board_id: &str, ids: &[(u8, u64)]) -> Result<Vec<NodeRow>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_NODES_PER_QUERY) {
            let sql = format!(
                "SELECT level, idx, hash FROM ledger_nodes WHERE board_id = $1 AND ({})",
                node_filter(chunk, 2)
            );
            let mut q = sqlx::query(&sql).bind(board_id);
            for &(level, idx) in chunk {
                q = q.bind(i64::from(level)).bind(to_i64(idx, "node index")?);
            }
            let rows = q.fetch_all(&mut *self.0).await.map_err(|e| StoreError::from_sqlx(e, "ledger node"))?;
            out.extend(node_rows(&rows)?);
        }
        Ok(out)
    }

    /// Append leaves at `first`, `first + 1`, ….
    pub async fn insert_ledger_leaves(
        &mut self,
        board_id: &str,
        first: u64,
        leaves: &[Vec<u8>],
    ) -> Result<(), StoreError> {
        for (i, data) in leaves.iter().enumerate() {
            sqlx::query("INSERT INTO ledger_leaves (board_id, idx, data) VALUES ($1, $2, $3)")
                .bind(board_id)
                .bind(to_i64(first + i as u64, "leaf index")?)
                .bind(data)
                .execute(&mut *self.0)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "ledger leaf"))?;
        }
        Ok(())
    }

    /// Store newly completed subtree hashes.
    pub async fn insert_ledger_nodes(
        &mut self,
        board_id: &str,
        nodes: &[((u8, u64), [u8; 32])],
    ) -> Result<(), StoreError> {
        for &((level, idx), hash) in nodes {
            sqlx::query("INSERT INTO ledger_nodes (board_id, level, idx, hash) VALUES ($1, $2, $3, $4)")
                .bind(board_id)
                .bind(i64::from(level))
                .bind(to_i64(idx, "node index")?)
                .bind(hash.to_vec())
                .execute(&mut *self.0)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "ledger node"))?;
        }
        Ok(())
    }

    /// Move the log's head.
    pub async fn update_ledger_head(
        &mut self,
        board_id: &str,
        size: u64,
        root: &[u8],
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE ledger_logs SET size = $1, root = $2, updated_at = $3 WHERE board_id = $4")
            .bind(to_i64(size, "tree size")?)
            .bind(root)
            .bind(at)
            .bind(board_id)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "ledger"))
    }

    /// Store a signed checkpoint.
    pub async fn insert_checkpoint(&mut self, c: &CheckpointRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO checkpoints (board_id, size, root, note, cosigned, cosignatures, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&c.board_id)
        .bind(c.size)
        .bind(&c.root)
        .bind(&c.note)
        .bind(&c.cosigned)
        .bind(c.cosignatures)
        .bind(c.created_at)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "checkpoint"))
    }

    /// The witness role's record for `origin`, for update.
    pub async fn witness_log(&mut self, origin: &str) -> Result<Option<WitnessLogRow>, StoreError> {
        let row = sqlx::query("SELECT origin, log_key, size, root, updated_at FROM witness_logs WHERE origin = $1")
            .bind(origin)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "witness log"))?;
        row.as_ref().map(witness_log).transpose()
    }

    /// Move the witness's record for a log from `from_size` (None: no record yet) to `w`, atomically:
    /// false when another request moved it first (the caller re-reads and re-checks).
    pub async fn advance_witness_log(&mut self, w: &WitnessLogRow, from_size: Option<i64>) -> Result<bool, StoreError> {
        let done =
            match from_size {
                None => sqlx::query(
                    "INSERT INTO witness_logs (origin, log_key, size, root, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (origin) DO NOTHING",
                )
                .bind(&w.origin)
                .bind(&w.log_key)
                .bind(w.size)
                .bind(&w.root)
                .bind(w.updated_at)
                .execute(&mut *self.0)
                .await,
                Some(old) => {
                    sqlx::query(
                        "UPDATE witness_logs SET log_key = $1, size = $2, root = $3, updated_at = $4 \
                 WHERE origin = $5 AND size = $6",
                    )
                    .bind(&w.log_key)
                    .bind(w.size)
                    .bind(&w.root)
                    .bind(w.updated_at)
                    .bind(&w.origin)
                    .bind(old)
                    .execute(&mut *self.0)
                    .await
                }
            };
        let done = done.map_err(|e| StoreError::from_sqlx(e, "witness log"))?;
        Ok(done.rows_affected() == 1)
    }
}

fn node_rows(rows: &[AnyRow]) -> Result<Vec<NodeRow>, StoreError> {
    rows.iter()
        .map(|r| {
            let level: i64 = r.try_get("level").map_err(|e| StoreError::from_sqlx(e, "ledger node"))?;
            let idx: i64 = r.try_get("idx").map_err(|e| StoreError::from_sqlx(e, "ledger node"))?;
            let hash: Vec<u8> = r.try_get("hash").map_err(|e| StoreError::from_sqlx(e, "ledger node"))?;
            let level = u8::try_from(level).map_err(|_| StoreError::Corrupt("node level".into()))?;
            let idx = u64::try_from(idx).map_err(|_| StoreError::Corrupt("node index".into()))?;
            Ok(((level, idx), hash))
        })
        .collect()
}

impl Db {
    /// The board's log.
    pub async fn ledger_log(&self, board_id: &str) -> Result<LedgerLogRow, StoreError> {
        let sql = format!("SELECT {LOG_COLUMNS} FROM ledger_logs WHERE board_id = $1");
        let row = sqlx::query(&sql)
            .bind(board_id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "ledger"))?;
        log(&row)
    }

    /// Every board's log (for witnesses and anchoring).
    pub async fn ledger_logs(&self) -> Result<Vec<LedgerLogRow>, StoreError> {
        let sql = format!("SELECT {LOG_COLUMNS} FROM ledger_logs ORDER BY origin");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(|e| StoreError::from_sqlx(e, "ledger"))?;
        rows.iter().map(log).collect()
    }

    /// Subtree hashes by (level, index); missing ones are absent from the answer.
    pub async fn ledger_nodes(&self, board_id: &str, ids: &[(u8, u64)]) -> Result<Vec<NodeRow>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_NODES_PER_QUERY) {
            let sql = format!(
                "SELECT level, idx, hash FROM ledger_nodes WHERE board_id = $1 AND ({})",
                node_filter(chunk, 2)
            );
            let mut q = sqlx::query(&sql).bind(board_id);
            for &(level, idx) in chunk {
                q = q.bind(i64::from(level)).bind(to_i64(idx, "node index")?);
            }
            let rows = q.fetch_all(&self.pool).await.map_err(|e| StoreError::from_sqlx(e, "ledger node"))?;
            out.extend(node_rows(&rows)?);
        }
        Ok(out)
    }

    /// Leaves `[start, end)` in order.
    pub async fn ledger_leaves(&self, board_id: &str, start: u64, end: u64) -> Result<Vec<Vec<u8>>, StoreError> {
        let rows =
            sqlx::query("SELECT data FROM ledger_leaves WHERE board_id = $1 AND idx >= $2 AND idx < $3 ORDER BY idx")
                .bind(board_id)
                .bind(to_i64(start, "leaf index")?)
                .bind(to_i64(end, "leaf index")?)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "ledger leaf"))?;
        rows.iter().map(|r| r.try_get("data").map_err(|e| StoreError::from_sqlx(e, "ledger leaf"))).collect()
    }

    /// The newest checkpoint of a board, if it has one.
    pub async fn latest_checkpoint(&self, board_id: &str) -> Result<Option<CheckpointRow>, StoreError> {
        let sql =
            format!("SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE board_id = $1 ORDER BY size DESC LIMIT 1");
        let row = sqlx::query(&sql)
            .bind(board_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "checkpoint"))?;
        row.as_ref().map(checkpoint).transpose()
    }

    /// The checkpoint at `size`.
    pub async fn checkpoint(&self, board_id: &str, size: i64) -> Result<CheckpointRow, StoreError> {
        let sql = format!("SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE board_id = $1 AND size = $2");
        let row = sqlx::query(&sql)
            .bind(board_id)
            .bind(size)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "checkpoint"))?;
        checkpoint(&row)
    }

    /// The newest checkpoints, newest first.
    pub async fn recent_checkpoints(&self, board_id: &str, limit: i64) -> Result<Vec<CheckpointRow>, StoreError> {
        let sql =
            format!("SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE board_id = $1 ORDER BY size DESC LIMIT $2");
        let rows = sqlx::query(&sql)
            .bind(board_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "checkpoint"))?;
        rows.iter().map(checkpoint).collect()
    }

    /// Record the witnessed form of a checkpoint.
    pub async fn set_cosigned(&self, board_id: &str, size: i64, note: &str, count: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE checkpoints SET cosigned = $1, cosignatures = $2 WHERE board_id = $3 AND size = $4")
            .bind(note)
            .bind(count)
            .bind(board_id)
            .bind(size)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "checkpoint"))
    }

    /// Record where a checkpoint was anchored.
    pub async fn set_anchor(&self, board_id: &str, size: i64, a: &AnchorRow) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE checkpoints SET anchor_chain = $1, anchor_tx = $2, anchor_block = $3, anchor_time = $4 \
             WHERE board_id = $5 AND size = $6",
        )
        .bind(a.chain_id)
        .bind(&a.tx_hash)
        .bind(a.block)
        .bind(a.time)
        .bind(board_id)
        .bind(size)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "checkpoint"))
    }

    /// Every log the witness role follows.
    pub async fn witness_logs(&self) -> Result<Vec<WitnessLogRow>, StoreError> {
        let rows = sqlx::query("SELECT origin, log_key, size, root, updated_at FROM witness_logs ORDER BY origin")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "witness log"))?;
        rows.iter().map(witness_log).collect()
    }
}
