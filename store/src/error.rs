//! The storage layer's error: callers see what happened, never a driver type.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No row matched.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness constraint refused the write (e.g. a slug or an id already taken).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database could not be reached or failed; the detail is for logs, not clients.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The schema could not be migrated.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A stored value did not decode (a corrupt row or a schema mismatch).
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Map a driver error, turning unique violations into [`StoreError::Conflict`] for `what`.
    pub(crate) fn from_sqlx(e: sqlx::Error, what: &'static str) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound(what),
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
                StoreError::Corrupt(e.to_string())
            }
            _ => StoreError::Unavailable(e.to_string()),
        }
    }
}
