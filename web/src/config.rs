//! Resolved configuration: data directory, database, master key, public URL.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use medcred_issuer::{Issuer, MasterKey, SystemClock};
use medcred_store::Db;

use crate::cli::Global;

/// The database URL: `--database-url`/`DATABASE_URL`, else SQLite in the data directory.
pub(crate) fn database_url(g: &Global) -> anyhow::Result<String> {
    if let Some(url) = &g.database_url {
        return Ok(url.clone());
    }
    std::fs::create_dir_all(&g.data_dir)
        .with_context(|| format!("creating data directory {}", g.data_dir.display()))?;
    Ok(format!("sqlite://{}?mode=rwc", g.data_dir.join("medcred.sqlite").display()))
}

/// The master key: `MEDCRED_MASTER_KEY` (base64), else `<data dir>/master.key` (created 0600).
pub(crate) fn master_key(data_dir: &Path) -> anyhow::Result<MasterKey> {
    if let Ok(v) = std::env::var("MEDCRED_MASTER_KEY") {
        return MasterKey::from_base64(&v).context("MEDCRED_MASTER_KEY");
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating data directory {}", data_dir.display()))?;
    Ok(MasterKey::load_or_create(&data_dir.join("master.key"))?)
}

/// The public URL: `--public-url`, else derived from the listen address.
pub(crate) fn public_url(g: &Global, listen: Option<SocketAddr>, tls: bool) -> String {
    if let Some(u) = &g.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let scheme = if tls { "https" } else { "http" };
    match listen {
        Some(a) if a.ip().is_loopback() || a.ip().is_unspecified() => format!("{scheme}://localhost:{}", a.port()),
        Some(a) => format!("{scheme}://{a}"),
        None => format!("{scheme}://localhost:8080"),
    }
}

/// Open the database, load the master key and build the issuer service.
pub(crate) async fn issuer(g: &Global, public_url: String) -> anyhow::Result<Issuer> {
    let url = database_url(g)?;
    let db = Db::open(&url).await.context("opening the database")?;
    let issuer = issuer_over(db, g, public_url)?;
    issuer.check_master_key().await.context("master key does not match the database")?;
    Ok(issuer)
}

/// Like [`issuer`] over a read-only replica (`serve --read-only`): nothing is migrated; the
/// schema must be current already, else the error says to run the new version against the
/// primary first.
pub(crate) async fn read_only_issuer(g: &Global, public_url: String) -> anyhow::Result<Issuer> {
    let Some(url) = &g.database_url else {
        anyhow::bail!(
            "--read-only needs --database-url (DATABASE_URL) naming a PostgreSQL replica; the default SQLite \
             database has no replica: serve it read-write"
        );
    };
    let db = Db::open_read_only(url).await.context("opening the replica read-only")?;
    let issuer = issuer_over(db, g, public_url)?;
    issuer.check_master_key().await.context("master key does not match the database")?;
    Ok(issuer)
}

/// Load the master key and build the issuer service over `db`.
fn issuer_over(db: Db, g: &Global, public_url: String) -> anyhow::Result<Issuer> {
    let master = master_key(&g.data_dir)?;
    Ok(Issuer::new(db, master, Arc::new(SystemClock), public_url))
}
