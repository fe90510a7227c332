//! Consistent copies of an SQLite database (`VACUUM INTO`, safe while the server writes: it
//! reads one snapshot) and the checks a restore needs: what kind of file a backup is, and
//! whether a database already holds data. PostgreSQL backups use the database's own tools
//! (`pg_dump` / `pg_restore`, driven by the `medcred` binary).

use std::path::Path;

use crate::db::{Backend, Db};
use crate::error::StoreError;

/// What a backup file holds, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// An SQLite database file.
    Sqlite,
    /// A `pg_dump --format=custom` archive.
    PgDump,
}

impl BackupKind {
    /// Recognise a backup by its magic bytes.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(b"SQLite format 3\0") {
            Some(Self::Sqlite)
        } else if head.starts_with(b"PGDMP") {
            Some(Self::PgDump)
        } else {
            None
        }
    }
}

impl Db {
    /// Write a consistent copy of this SQLite database to `path` (which must not exist).
    pub async fn backup_sqlite_into(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Unavailable("VACUUM INTO backs up SQLite only".into()));
        }
        let target = path.to_str().ok_or_else(|| StoreError::Unavailable("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "backup"))
    }

    /// Whether any board, hospital or credential is stored (a restore would overwrite them).
    pub async fn holds_data(&self) -> Result<bool, StoreError> {
        for table in ["boards", "hospitals", "credentials"] {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "count"))?;
            if n > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_backups() {
        assert_eq!(BackupKind::sniff(b"SQLite format 3\0rest"), Some(BackupKind::Sqlite));
        assert_eq!(BackupKind::sniff(b"PGDMP\x01\x0e"), Some(BackupKind::PgDump));
        assert_eq!(BackupKind::sniff(b"{\"json\": 1}"), None);
        assert_eq!(BackupKind::sniff(b""), None);
    }
}
