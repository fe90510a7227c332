//! Deployment settings kept in the database (e.g. the fingerprint of the master key).

use sqlx::Row;

use crate::db::{Db, Tx};
use crate::error::StoreError;

impl Db {
    /// A setting's value, if set.
    pub async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "setting"))?;
        row.map(|r| r.try_get("value")).transpose().map_err(|e| StoreError::from_sqlx(e, "setting"))
    }
}

impl Tx {
    /// Set (insert or replace) a setting.
    pub async fn put_setting(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(name)
            .bind(value)
            .execute(&mut *self.0)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "setting"))
    }
}
