//! `medcred backup FILE` and `medcred restore FILE`: the whole database — boards and hospitals,
//! their keys (still sealed: the master key is not in the backup and must be kept apart),
//! credentials, status lists and history, the ledger and checkpoints, accounts.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy while the server keeps running; restoring
//! replaces the database file (stop the server first). PostgreSQL: `pg_dump --format=custom`
//! and `pg_restore --clean --single-transaction` (all or nothing), which must be on `PATH`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use medcred_store::{Backend, BackupKind, Db};

use crate::cli::Global;
use crate::config;

/// Back up the configured database to `file` (which must not exist yet).
pub(crate) async fn backup(g: &Global, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} exists; choose a new file name for the backup", file.display());
    }
    let url = config::database_url(g)?;
    let db = Db::open(&url).await.context("opening the database")?;
    match db.backend() {
        Backend::Sqlite => db.backup_sqlite_into(file).await.context("writing the SQLite backup")?,
        Backend::Postgres => {
            db.close().await;
            run(Command::new("pg_dump").args(["--format=custom", "--no-owner", "--file"]).arg(file).arg(&url))?;
        }
    }
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!("backup written: {} ({size} bytes)", file.display());
    println!("the board keys in it are sealed: keep the master key (master.key or MEDCRED_MASTER_KEY) safe and apart");
    Ok(())
}

/// Restore `file` into the configured database. Refuses a database that holds data unless
/// `force`, and a backup of the other database kind.
pub(crate) async fn restore(g: &Global, file: &Path, force: bool) -> anyhow::Result<()> {
    let kind = sniff(file)?;
    let url = config::database_url(g)?;
    let db = Db::open(&url).await.context("opening the database")?;
    if db.holds_data().await.context("reading the database")? && !force {
        bail!("the database already holds boards, hospitals or credentials; pass --force to replace them");
    }
    let backend = db.backend();
    db.close().await;
    match (backend, kind) {
        (Backend::Sqlite, BackupKind::Sqlite) => replace_sqlite(&sqlite_path(&url)?, file)?,
        (Backend::Postgres, BackupKind::PgDump) => run(Command::new("pg_restore")
            .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname"])
            .arg(&url)
            .arg(file))?,
        (Backend::Sqlite, BackupKind::PgDump) => {
            bail!("{} is a PostgreSQL backup; the database is SQLite", file.display())
        }
        (Backend::Postgres, BackupKind::Sqlite) => {
            bail!("{} is an SQLite backup; the database is PostgreSQL", file.display())
        }
    }
    // Open again: applies any newer migrations and checks the master key opens the keys.
    let issuer =
        config::issuer(g, config::public_url(g, None, false)).await.context("checking the restored database")?;
    let boards = issuer.db().boards().await.context("reading the restored boards")?;
    println!("restored {} board(s) from {}", boards.len(), file.display());
    Ok(())
}

fn sniff(file: &Path) -> anyhow::Result<BackupKind> {
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let n = f.read(&mut head).with_context(|| format!("reading {}", file.display()))?;
    BackupKind::sniff(&head[..n])
        .with_context(|| format!("{} is neither an SQLite database nor a pg_dump archive", file.display()))
}

/// The file behind an `sqlite://PATH?…` URL.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url.strip_prefix("sqlite://").context("not an sqlite:// URL")?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        bail!("the SQLite database is not a file");
    }
    Ok(PathBuf::from(path))
}

/// Put a copy of `backup` in place of the database at `db`, atomically (copy beside it, then
/// rename), dropping the old write-ahead log so it cannot be replayed over the restored file.
fn replace_sqlite(db: &Path, backup: &Path) -> anyhow::Result<()> {
    let staged = db.with_extension("restoring");
    std::fs::copy(backup, &staged).with_context(|| format!("copying {} beside {}", backup.display(), db.display()))?;
    std::fs::File::open(&staged).and_then(|f| f.sync_all()).context("syncing the restored copy")?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", side.display())),
        }
    }
    std::fs::rename(&staged, db).with_context(|| format!("moving the restored copy to {}", db.display()))?;
    Ok(())
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().with_context(|| format!("running {program} (is it installed and on PATH?)"))?;
    if !out.status.success() {
        bail!("{program} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}
