//! Boards: create, look up by id, slug or DID, list.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;
use crate::rows::BoardRow;

const COLUMNS: &str = "id, slug, name, did, created_at";

fn board(row: &AnyRow) -> Result<BoardRow, sqlx::Error> {
    Ok(BoardRow {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name: row.try_get("name")?,
        did: row.try_get("did")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Tx {
    /// Insert a board.
    pub async fn insert_board(&mut self, b: &BoardRow) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO boards (id, slug, name, did, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&b.id)
            .bind(&b.slug)
            .bind(&b.name)
            .bind(&b.did)
            .bind(b.created_at)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "board"))
    }
}

impl Db {
    async fn board_where(&self, column: &str, value: &str) -> Result<BoardRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM boards WHERE {column} = $1");
        let row =
            sqlx::query(&sql).bind(value).fetch_one(&self.pool).await.map_err(|e| StoreError::from_sqlx(e, "board"))?;
        board(&row).map_err(|e| StoreError::from_sqlx(e, "board"))
    }

    /// The board with this id.
    pub async fn board(&self, id: &str) -> Result<BoardRow, StoreError> {
        self.board_where("id", id).await
    }

    /// The board with this slug.
    pub async fn board_by_slug(&self, slug: &str) -> Result<BoardRow, StoreError> {
        self.board_where("slug", slug).await
    }

    /// The board with this DID.
    pub async fn board_by_did(&self, did: &str) -> Result<BoardRow, StoreError> {
        self.board_where("did", did).await
    }

    /// Every board, oldest first.
    pub async fn boards(&self) -> Result<Vec<BoardRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM boards ORDER BY created_at, slug");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await.map_err(|e| StoreError::from_sqlx(e, "board"))?;
        rows.iter().map(|r| board(r).map_err(|e| StoreError::from_sqlx(e, "board"))).collect()
    }
}
