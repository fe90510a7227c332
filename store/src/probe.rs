//! Looking at a database without changing it (for `medcred config check`): connect, ask for the
//! master key's fingerprint if the schema is there. Never migrates and never creates: a SQLite
//! file is opened read-only, so a missing one is an error the caller can tell apart beforehand.

use std::time::Duration;

use sqlx::any::{install_default_drivers, AnyConnectOptions};
use sqlx::{ConnectOptions, Connection, Row};

use crate::error::StoreError;

/// What a probe saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Whether medcred's schema is there (the `settings` table answers).
    pub schema: bool,
    /// The fingerprint of the master key the board keys are sealed under, if recorded.
    pub master_key_id: Option<String>,
}

/// Connect to `url` once (within `timeout`), read what [`Probe`] holds, disconnect. A
/// `sqlite:` URL is opened read-only (`mode=ro`), whatever mode it names.
pub async fn probe(url: &str, timeout: Duration) -> Result<Probe, StoreError> {
    install_default_drivers();
    let url = if url.starts_with("sqlite:") { read_only(url) } else { url.to_owned() };
    let options: AnyConnectOptions = url.parse().map_err(|e: sqlx::Error| StoreError::Unavailable(e.to_string()))?;
    let mut conn = tokio::time::timeout(timeout, options.connect())
        .await
        .map_err(|_| StoreError::Unavailable(format!("no answer within {} s", timeout.as_secs())))?
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    sqlx::query("SELECT 1").execute(&mut conn).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let setting =
        sqlx::query("SELECT value FROM settings WHERE name = 'master_key_id'").fetch_optional(&mut conn).await;
    let probe = match setting {
        Ok(row) => Probe {
            schema: true,
            master_key_id: row
                .map(|r| r.try_get::<String, _>("value"))
                .transpose()
                .map_err(|e| StoreError::from_sqlx(e, "setting"))?,
        },
        // No settings table: a database medcred has not migrated yet.
        Err(_) => Probe { schema: false, master_key_id: None },
    };
    let _ = conn.close().await;
    Ok(probe)
}

/// `url` with its query replaced by `mode=ro`.
fn read_only(url: &str) -> String {
    let base = url.split('?').next().unwrap_or(url);
    format!("{base}?mode=ro")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::Db;

    #[tokio::test]
    async fn a_probe_reads_the_master_key_id_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        // A missing file is an error, and the probe does not create it.
        assert!(probe(&url, Duration::from_secs(5)).await.is_err());
        assert!(!path.exists());
        let db = Db::open(&url).await.unwrap();
        assert_eq!(probe(&url, Duration::from_secs(5)).await.unwrap(), Probe { schema: true, master_key_id: None });
        let mut tx = db.begin().await.unwrap();
        tx.put_setting("master_key_id", "mk-1").await.unwrap();
        tx.commit().await.unwrap();
        let seen = probe(&url, Duration::from_secs(5)).await.unwrap();
        assert_eq!(seen.master_key_id.as_deref(), Some("mk-1"));
        db.close().await;
    }

    #[test]
    fn sqlite_urls_are_opened_read_only() {
        assert_eq!(read_only("sqlite:///x/y.sqlite?mode=rwc"), "sqlite:///x/y.sqlite?mode=ro");
        assert_eq!(read_only("sqlite://data/m.sqlite"), "sqlite://data/m.sqlite?mode=ro");
    }
}
