//! Test support: a fresh, empty PostgreSQL database per call (dropped by the caller's guard), and
//! a fresh SQLite file. Tests use both so every storage path runs against both databases.

use sqlx::any::install_default_drivers;
use sqlx::{AnyConnection, Connection, Executor};

use crate::db::Db;
use crate::error::StoreError;

/// Server URL used to create test databases; override with `MEDCRED_TEST_PG`.
pub fn postgres_admin_url() -> String {
    std::env::var("MEDCRED_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Create a new empty PostgreSQL database with a random name and return its URL.
pub async fn fresh_postgres_url() -> Result<String, StoreError> {
    install_default_drivers();
    let admin = postgres_admin_url();
    let name = format!("medcred_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn =
        AnyConnection::connect(&admin).await.map_err(|e| StoreError::Unavailable(format!("{admin}: {e}")))?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin);
    Ok(format!("{base}/{name}"))
}

/// Open a fresh PostgreSQL database (migrated).
pub async fn fresh_postgres() -> Result<Db, StoreError> {
    Db::open(&fresh_postgres_url().await?).await
}

/// Open a fresh SQLite database in `dir` (migrated).
pub async fn fresh_sqlite(dir: &std::path::Path) -> Result<Db, StoreError> {
    let path = dir.join(format!("medcred-{}.sqlite", uuid::Uuid::new_v4().simple()));
    Db::open(&format!("sqlite://{}?mode=rwc", path.display())).await
}
