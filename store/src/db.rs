//! Opening the database (SQLite file or PostgreSQL URL), pragmas, and migrations.

use std::time::Duration;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::StoreError;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file in the data directory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A pool of connections plus what it is connected to. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

/// A transaction: dropping it without [`Tx::commit`] rolls everything back.
pub struct Tx(pub(crate) sqlx::Transaction<'static, sqlx::Any>);

impl Tx {
    /// Commit: after this returns Ok, the writes are durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.0.commit().await.map_err(|e| StoreError::from_sqlx(e, "transaction"))
    }
}

impl Db {
    /// Connect to `url` (`sqlite://path?mode=rwc`, `sqlite::memory:` or `postgres://…`) and apply
    /// the migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Unavailable(format!(
                "unsupported database URL scheme in {:?} (use sqlite:// or postgres://)",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        options = match backend {
            // One writer at a time is SQLite's model; a few connections serve concurrent reads.
            // synchronous=FULL: a commit that returned is on disk even if the machine loses power.
            Backend::Sqlite => {
                options.max_connections(if url.contains(":memory:") { 1 } else { 4 }).after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;",
                        )
                        .await?;
                        Ok(())
                    })
                })
            }
            Backend::Postgres => options.max_connections(16),
        };
        let pool = options.connect(url).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
        if backend == Backend::Sqlite && !url.contains(":memory:") {
            pool.execute("PRAGMA journal_mode = WAL;").await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
        }
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator.run(&pool).await.map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Db { pool, backend })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begin a transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        self.pool.begin().await.map(Tx).map_err(|e| StoreError::from_sqlx(e, "transaction"))
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ()).map_err(|e| StoreError::from_sqlx(e, "ping"))
    }

    /// Close every connection (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
