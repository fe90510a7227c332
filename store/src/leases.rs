//! Leases: one holder at a time for a named role (a board's sequencer, the anchoring account,
//! hospital monitoring) among the processes sharing this database. Taken when free or expired,
//! renewed by the holder, both by compare-and-set statements; expiry is judged by the
//! database's clock, so the processes' clocks need not agree.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{Backend, Db};
use crate::error::StoreError;

/// Who holds a lease, since when and until when (database clock, milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    /// The lease: `board:<board id>`, or a deployment-wide role name.
    pub name: String,
    /// The holding process's node id.
    pub holder: String,
    /// Grows by one at each change of holder (a fencing number).
    pub term: i64,
    /// When the current holder took it.
    pub acquired_at_ms: i64,
    /// When it lapses unless renewed.
    pub expires_at_ms: i64,
}

const COLUMNS: &str = "name, holder, term, acquired_at_ms, expires_at_ms";

fn lease(row: &AnyRow) -> Result<LeaseRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "lease");
    Ok(LeaseRow {
        name: row.try_get("name").map_err(map)?,
        holder: row.try_get("holder").map_err(map)?,
        term: row.try_get("term").map_err(map)?,
        acquired_at_ms: row.try_get("acquired_at_ms").map_err(map)?,
        expires_at_ms: row.try_get("expires_at_ms").map_err(map)?,
    })
}

impl Db {
    /// The database's clock in Unix milliseconds, as an SQL expression.
    fn now_ms_sql(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
            Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        }
    }

    /// The database's clock now, in Unix milliseconds.
    pub async fn now_ms(&self) -> Result<i64, StoreError> {
        let row = sqlx::query(&format!("SELECT {} AS now", self.now_ms_sql()))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "clock"))?;
        row.try_get("now").map_err(|e| StoreError::from_sqlx(e, "clock"))
    }

    /// Take or renew lease `name` for `holder` for `ttl_ms`: it succeeds when the lease is new,
    /// already `holder`'s, or expired (a compare-and-set: of two processes racing for an expired
    /// lease, one wins). The lease as it stands when held, `None` when someone else holds it.
    pub async fn try_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<Option<LeaseRow>, StoreError> {
        let now = self.now_ms_sql();
        let err = |e| StoreError::from_sqlx(e, "lease");
        let inserted = sqlx::query(&format!(
            "INSERT INTO leases ({COLUMNS}) VALUES ($1, $2, 1, {now}, {now} + $3) ON CONFLICT (name) DO NOTHING"
        ))
        .bind(name)
        .bind(holder)
        .bind(ttl_ms)
        .execute(&self.pool)
        .await
        .map_err(err)?
        .rows_affected();
        if inserted == 0 {
            let taken = sqlx::query(&format!(
                "UPDATE leases SET holder = $2, expires_at_ms = {now} + $3, \
                 term = CASE WHEN holder = $2 THEN term ELSE term + 1 END, \
                 acquired_at_ms = CASE WHEN holder = $2 THEN acquired_at_ms ELSE {now} END \
                 WHERE name = $1 AND (holder = $2 OR expires_at_ms <= {now})"
            ))
            .bind(name)
            .bind(holder)
            .bind(ttl_ms)
            .execute(&self.pool)
            .await
            .map_err(err)?
            .rows_affected();
            if taken == 0 {
                return Ok(None);
            }
        }
        let row = self.lease(name).await?;
        Ok(row.filter(|l| l.holder == holder))
    }

    /// Give lease `name` up, if `holder` holds it (graceful shutdown: the next process need not
    /// wait for it to expire). Whether it was held.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        let now = self.now_ms_sql();
        let done = sqlx::query(&format!("UPDATE leases SET expires_at_ms = {now} WHERE name = $1 AND holder = $2"))
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "lease"))?;
        Ok(done.rows_affected() > 0)
    }

    /// Lease `name`, if it was ever taken.
    pub async fn lease(&self, name: &str) -> Result<Option<LeaseRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM leases WHERE name = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "lease"))?;
        row.as_ref().map(lease).transpose()
    }

    /// Every lease, by name.
    pub async fn leases(&self) -> Result<Vec<LeaseRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM leases ORDER BY name"))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "lease"))?;
        rows.iter().map(lease).collect()
    }
}
