//! Opening the database (SQLite file or PostgreSQL URL), pragmas, and migrations.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::error::StoreError;
use crate::schema;

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
    /// Opened with [`Db::open_read_only`]: no migrations ran, and nothing is written.
    read_only: bool,
}

/// Why writes are refused after a storage fault.
const WRITE_FAULT: &str =
    "an earlier write failed for lack of room; writes are refused until medcred restarts with room";

/// Why a read-only handle refuses transactions.
const READ_ONLY: &str = "this process serves a read-only replica: writes go to the primary";

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
        let (pool, backend) = connect(url).await?;
        migrator(backend).run(&pool).await.map_err(|e| StoreError::Migration(e.to_string()))?;
        let write_fault = (backend == Backend::Sqlite).then(|| Arc::new(AtomicBool::new(false)));
        Ok(Db { pool, backend, write_fault, read_only: false })
    }

    /// Connect to a PostgreSQL hot standby (or any PostgreSQL database this process must not
    /// write) without migrating: every migration this binary knows must be applied already, else
    /// [`StoreError::Migration`] says the schema is behind. The handle refuses transactions
    /// ([`Db::begin`]). SQLite is refused: it has no streaming replica, and a read-only process
    /// beside the writer of the same file would gain nothing the writer's own readers lack.
    pub async fn open_read_only(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            return Err(StoreError::Unavailable(
                "read-only mode is for a PostgreSQL streaming replica; a SQLite database has no replica: \
                 serve it read-write"
                    .into(),
            ));
        }
        let (pool, backend) = connect(url).await?;
        let known: Vec<schema::Known> = migrator(backend)
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .map(|m| schema::Known { version: m.version, checksum: m.checksum.to_vec() })
            .collect();
        let applied = schema::applied(&pool).await;
        let check = match applied {
            Ok(applied) => schema::compare(&known, &applied).map_err(StoreError::Migration),
            Err(e) => Err(e),
        };
        match check {
            Ok(schema::SchemaCheck::Current) => {}
            Ok(schema::SchemaCheck::Ahead(newer)) => {
                tracing::warn!(?newer, "the database has migrations newer than this binary: upgrade this process too")
            }
            Err(e) => {
                pool.close().await;
                return Err(e);
            }
        }
        Ok(Db { pool, backend, write_fault: None, read_only: true })
    }

    /// Whether this handle was opened read-only ([`Db::open_read_only`]): a replica; nothing may
    /// be written through it.
    pub fn read_only(&self) -> bool {
        self.read_only
    }
}

/// Connect to `url` (SQLite with its pragmas, or PostgreSQL); no migrations.
async fn connect(url: &str) -> Result<(AnyPool, Backend), StoreError> {
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
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;")
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
    Ok((pool, backend))
}

/// The migrations this binary carries for `backend`.
fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("migrations/postgres"),
    }
}

impl Db {
    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begin a transaction (refused once SQLite failed to write for lack of room, and always on a
    /// read-only handle: every write of medcred's goes through a transaction or a single
    /// statement the replica itself refuses).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        self.check_writable()?;
        if self.read_only {
            return Err(StoreError::Unavailable(READ_ONLY.into()));
        }
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
