//! Checking, without changing anything, that a database already has every migration this binary
//! knows (for a read-only process on a PostgreSQL hot standby, which cannot migrate): the applied
//! ones are read from sqlx's `_sqlx_migrations` table and compared with the binary's by version
//! and checksum.

use std::collections::BTreeMap;

use sqlx::{AnyPool, Row};

use crate::error::StoreError;

/// One migration: its version and checksum (SHA-384 of its SQL, as sqlx records it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Known {
    pub(crate) version: i64,
    pub(crate) checksum: Vec<u8>,
}

/// One row of `_sqlx_migrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub(crate) version: i64,
    pub(crate) success: bool,
    pub(crate) checksum: Vec<u8>,
}

/// What the comparison found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SchemaCheck {
    /// Every migration of the binary is applied, and nothing else.
    Current,
    /// Every migration of the binary is applied; the database also has these newer ones (the
    /// primary runs a newer medcred already). Reads go on working while migrations only add.
    Ahead(Vec<i64>),
}

/// Compare the binary's migrations with the applied ones; the error says what is wrong in words
/// an operator can act on.
pub(crate) fn compare(known: &[Known], applied: &[Applied]) -> Result<SchemaCheck, String> {
    let applied: BTreeMap<i64, &Applied> = applied.iter().map(|a| (a.version, a)).collect();
    let missing: Vec<String> = known
        .iter()
        .filter(|k| !applied.get(&k.version).is_some_and(|a| a.success))
        .map(|k| k.version.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the database's schema is behind this binary (migration{} {} not applied): run this version of \
             medcred against the primary first (any command but a read-only serve migrates), then start the \
             read-only process again once the replica has replayed it",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ));
    }
    let differ: Vec<String> = known
        .iter()
        .filter(|k| applied.get(&k.version).is_some_and(|a| a.checksum != k.checksum))
        .map(|k| k.version.to_string())
        .collect();
    if !differ.is_empty() {
        return Err(format!(
            "the database applied migration{} {} with other contents than this binary's: it was migrated by \
             another build of medcred",
            if differ.len() == 1 { "" } else { "s" },
            differ.join(", ")
        ));
    }
    let newest = known.iter().map(|k| k.version).max().unwrap_or(0);
    let ahead: Vec<i64> = applied.keys().copied().filter(|v| *v > newest).collect();
    Ok(if ahead.is_empty() { SchemaCheck::Current } else { SchemaCheck::Ahead(ahead) })
}

/// The rows of `_sqlx_migrations`; a database without the table (never migrated) has none.
pub(crate) async fn applied(pool: &AnyPool) -> Result<Vec<Applied>, StoreError> {
    let rows = match sqlx::query("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
        .fetch_all(pool)
        .await
    {
        Ok(rows) => rows,
        // PostgreSQL `undefined_table`, SQLite's "no such table": nothing was ever migrated.
        Err(sqlx::Error::Database(e))
            if e.code().as_deref() == Some("42P01") || e.message().contains("no such table") =>
        {
            return Ok(Vec::new())
        }
        Err(e) => return Err(StoreError::from_sqlx(e, "migration")),
    };
    rows.into_iter()
        .map(|r| {
            Ok(Applied {
                version: r.try_get("version")?,
                success: r.try_get("success")?,
                checksum: r.try_get("checksum")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(|e| StoreError::from_sqlx(e, "migration"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn known(v: i64, sum: u8) -> Known {
        Known { version: v, checksum: vec![sum; 48] }
    }

    fn applied(v: i64, sum: u8, success: bool) -> Applied {
        Applied { version: v, success, checksum: vec![sum; 48] }
    }

    #[test]
    fn every_migration_applied_is_current() {
        let k = [known(1, 1), known(2, 2)];
        assert_eq!(compare(&k, &[applied(1, 1, true), applied(2, 2, true)]), Ok(SchemaCheck::Current));
    }

    #[test]
    fn a_missing_or_failed_migration_is_behind_and_names_it() {
        let k = [known(1, 1), known(2, 2), known(3, 3)];
        let why = compare(&k, &[applied(1, 1, true), applied(2, 2, false)]).unwrap_err();
        assert!(why.contains("behind this binary"), "{why}");
        assert!(why.contains("migrations 2, 3 not applied"), "{why}");
        assert!(why.contains("against the primary first"), "{why}");
        let empty = compare(&k, &[]).unwrap_err();
        assert!(empty.contains("migrations 1, 2, 3"), "{empty}");
    }

    #[test]
    fn another_checksum_is_refused() {
        let why = compare(&[known(1, 1)], &[applied(1, 9, true)]).unwrap_err();
        assert!(why.contains("other contents"), "{why}");
    }

    #[test]
    fn newer_migrations_of_the_primary_are_reported_not_refused() {
        let got = compare(&[known(1, 1)], &[applied(1, 1, true), applied(2, 2, true)]);
        assert_eq!(got, Ok(SchemaCheck::Ahead(vec![2])));
    }
}
