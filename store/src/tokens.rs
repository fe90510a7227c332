//! API tokens, stored only as hashes.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::rows::{Role, TokenRow};

fn token(row: &AnyRow) -> Result<TokenRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "token");
    let role: String = row.try_get("role").map_err(map)?;
    Ok(TokenRow {
        id: row.try_get("id").map_err(map)?,
        board_id: row.try_get("board_id").map_err(map)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("token role {role:?}")))?,
        token_hash: row.try_get("token_hash").map_err(map)?,
        label: row.try_get("label").map_err(map)?,
        created_at: row.try_get("created_at").map_err(map)?,
        revoked_at: row.try_get("revoked_at").map_err(map)?,
    })
}

impl Tx {
    /// Insert a token.
    pub async fn insert_token(&mut self, t: &TokenRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, board_id, role, token_hash, label, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&t.id)
        .bind(&t.board_id)
        .bind(t.role.as_str())
        .bind(&t.token_hash)
        .bind(&t.label)
        .bind(t.created_at)
        .bind(t.revoked_at)
        .execute(&mut *self.0)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "token"))
    }
}

impl Db {
    /// The live (not revoked) token with this hash.
    pub async fn token_by_hash(&self, hash: &str) -> Result<TokenRow, StoreError> {
        let row = sqlx::query(
            "SELECT id, board_id, role, token_hash, label, created_at, revoked_at FROM api_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "token"))?;
        token(&row)
    }

    /// Revoke a token of the board.
    pub async fn revoke_token(&self, board_id: &str, id: &str, at: i64) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE board_id = $2 AND id = $3 AND revoked_at IS NULL")
                .bind(at)
                .bind(board_id)
                .bind(id)
                .execute(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "token"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("token"));
        }
        Ok(())
    }
}
