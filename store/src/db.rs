//! Opening the database (SQLite file or PostgreSQL URL), pragmas, and migrations.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
    /// SQLite only: set once a commit failed for lack of room. A connection that met such a
    /// failure may go on with a wrong view of the WAL (a later write was seen acknowledged and
    /// then lost after a restart, `web/tests/faults_disk.rs`), so from then on this process
    /// refuses every transaction: nothing more is acknowledged until a restart with room.
    write_fault: Option<Arc<AtomicBool>>,
}

/// Why writes are refused after a storage fault.
const WRITE_FAULT: &str =
    "an earlier write failed for lack of room; writes are refused until medcred restarts with room";

/// A transaction: dropping it without [`Tx::commit`] rolls everything back.
pub struct Tx(pub(crate) sqlx::Transaction<'static, sqlx::Any>, Option<Arc<AtomicBool>>);

impl Tx {
    /// Commit: after this returns Ok, the writes are durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        let fault = self.1;
        self.0.commit().await.map_err(|e| {
            let e = StoreError::from_sqlx(e, "transaction");
            if let (StoreError::Full(why), Some(fault)) = (&e, &fault) {
                tracing::error!(error = %why, "SQLite could not write for lack of room: refusing writes until restart");
                fault.store(true, Ordering::SeqCst);
            }
            e
        })
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
        let write_fault = (backend == Backend::Sqlite).then(|| Arc::new(AtomicBool::new(false)));
        Ok(Db { pool, backend, write_fault })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begin a transaction (refused once SQLite failed to write for lack of room).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        self.check_writable()?;
        let fault = self.write_fault.clone();
        self.pool.begin().await.map(|t| Tx(t, fault)).map_err(|e| StoreError::from_sqlx(e, "transaction"))
    }

    /// `Err(Full)` once a commit failed for lack of room (SQLite; see `write_fault`).
    pub fn check_writable(&self) -> Result<(), StoreError> {
        match &self.write_fault {
            Some(f) if f.load(Ordering::SeqCst) => Err(StoreError::Full(WRITE_FAULT.into())),
            _ => Ok(()),
        }
    }

    /// A cheap round trip, for readiness checks; not ready once writes are refused.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.check_writable()?;
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ()).map_err(|e| StoreError::from_sqlx(e, "ping"))
    }

    /// Close every connection (graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
