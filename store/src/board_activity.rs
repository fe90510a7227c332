//! What a board's dashboard shows beyond single rows: how many credentials are revoked and
//! suspended now (counted from the status bitstrings), and the latest status changes.

use sqlx::Row;

use crate::account_rows::{RecentChange, StatusCounts};
use crate::db::Db;
use crate::error::StoreError;
use crate::rows::StatusChangeRow;

fn ones(bytes: &[u8]) -> i64 {
    bytes.iter().map(|b| i64::from(b.count_ones())).sum()
}

impl Db {
    /// Revoked and suspended (and not revoked) credentials of the board, now.
    pub async fn status_counts(&self, board_id: &str) -> Result<StatusCounts, StoreError> {
        let map = |e| StoreError::from_sqlx(e, "status list");
        let rows = sqlx::query("SELECT revocation, suspension FROM status_lists WHERE board_id = $1")
            .bind(board_id)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let mut counts = StatusCounts::default();
        for row in rows {
            let revoked: Vec<u8> = row.try_get("revocation").map_err(map)?;
            let suspended: Vec<u8> = row.try_get("suspension").map_err(map)?;
            counts.revoked += ones(&revoked);
            let only_suspended: Vec<u8> =
                suspended.iter().zip(revoked.iter().chain(std::iter::repeat(&0))).map(|(s, r)| s & !r).collect();
            counts.suspended += ones(&only_suspended);
        }
        Ok(counts)
    }

    /// The board's latest status changes, newest first, with whom they were about.
    pub async fn recent_status_changes(&self, board_id: &str, limit: i64) -> Result<Vec<RecentChange>, StoreError> {
        let map = |e| StoreError::from_sqlx(e, "status change");
        let rows = sqlx::query(
            "SELECT s.id, s.board_id, s.credential_id, s.purpose, s.value, s.reason, s.actor, s.at, s.reason_hash, \
             s.leaf_index, c.subject_label, c.license_number FROM status_changes s \
             JOIN credentials c ON c.id = s.credential_id \
             WHERE s.board_id = $1 ORDER BY s.at DESC, s.leaf_index DESC LIMIT $2",
        )
        .bind(board_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|row| {
                Ok(RecentChange {
                    change: StatusChangeRow {
                        id: row.try_get("id").map_err(map)?,
                        board_id: row.try_get("board_id").map_err(map)?,
                        credential_id: row.try_get("credential_id").map_err(map)?,
                        purpose: row.try_get("purpose").map_err(map)?,
                        value: row.try_get("value").map_err(map)?,
                        reason: row.try_get("reason").map_err(map)?,
                        actor: row.try_get("actor").map_err(map)?,
                        at: row.try_get("at").map_err(map)?,
                        reason_hash: row.try_get("reason_hash").map_err(map)?,
                        leaf_index: row.try_get("leaf_index").map_err(map)?,
                    },
                    subject_label: row.try_get("subject_label").map_err(map)?,
                    license_number: row.try_get("license_number").map_err(map)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_set_bits() {
        assert_eq!(super::ones(&[0b1010_0000, 0xff, 0]), 10);
    }
}
