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
    /// A write failed because storage is full (SQLite `SQLITE_FULL`, or `SQLITE_IOERR_WRITE` as a
    /// file size limit gives it; PostgreSQL `disk_full`). Nothing of the failed transaction was
    /// kept; reads go on working.
    #[error("storage full: {0}")]
    Full(String),
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
            sqlx::Error::Database(db) if db.code().is_some_and(|c| is_full_code(&c)) => StoreError::Full(e.to_string()),
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
                StoreError::Corrupt(e.to_string())
            }
            _ => StoreError::Unavailable(e.to_string()),
        }
    }
}

/// SQLite `SQLITE_FULL` (13) and `SQLITE_IOERR_WRITE` (778: what a write past the file size limit,
/// `EFBIG`, gives), PostgreSQL `disk_full` (53100).
fn is_full_code(code: &str) -> bool {
    matches!(code, "13" | "778" | "53100")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_codes_are_recognised() {
        assert!(is_full_code("13") && is_full_code("778") && is_full_code("53100"));
        assert!(!is_full_code("5") && !is_full_code("2067") && !is_full_code("23505"));
    }
}
