//! Verifications done for hospitals, the credentials they watch, and the notifications the
//! watches raise.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Db;
use crate::error::StoreError;
use crate::hospital_rows::{NotificationRow, VerificationRow, WatchRow};

const VERIFICATION: &str = "id, hospital_id, kind, verdict, presented, presented_sha256, report, actor, at";
const WATCH: &str =
    "id, hospital_id, verification_id, credential, label, issuer, valid_until, standing, checked_at, active, created_at";
const NOTIFICATION: &str = "id, hospital_id, watch_id, kind, previous, detail, at, delivery, attempts, last_error";

fn verification(r: &AnyRow) -> Result<VerificationRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "verification");
    Ok(VerificationRow {
        id: r.try_get("id").map_err(map)?,
        hospital_id: r.try_get("hospital_id").map_err(map)?,
        kind: r.try_get("kind").map_err(map)?,
        verdict: r.try_get("verdict").map_err(map)?,
        presented: r.try_get("presented").map_err(map)?,
        presented_sha256: r.try_get("presented_sha256").map_err(map)?,
        report: r.try_get("report").map_err(map)?,
        actor: r.try_get("actor").map_err(map)?,
        at: r.try_get("at").map_err(map)?,
    })
}

fn watch(r: &AnyRow) -> Result<WatchRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "watch");
    let active: i64 = r.try_get("active").map_err(map)?;
    Ok(WatchRow {
        id: r.try_get("id").map_err(map)?,
        hospital_id: r.try_get("hospital_id").map_err(map)?,
        verification_id: r.try_get("verification_id").map_err(map)?,
        credential: r.try_get("credential").map_err(map)?,
        label: r.try_get("label").map_err(map)?,
        issuer: r.try_get("issuer").map_err(map)?,
        valid_until: r.try_get("valid_until").map_err(map)?,
        standing: r.try_get("standing").map_err(map)?,
        checked_at: r.try_get("checked_at").map_err(map)?,
        active: active != 0,
        created_at: r.try_get("created_at").map_err(map)?,
    })
}

fn notification(r: &AnyRow) -> Result<NotificationRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "notification");
    Ok(NotificationRow {
        id: r.try_get("id").map_err(map)?,
        hospital_id: r.try_get("hospital_id").map_err(map)?,
        watch_id: r.try_get("watch_id").map_err(map)?,
        kind: r.try_get("kind").map_err(map)?,
        previous: r.try_get("previous").map_err(map)?,
        detail: r.try_get("detail").map_err(map)?,
        at: r.try_get("at").map_err(map)?,
        delivery: r.try_get("delivery").map_err(map)?,
        attempts: r.try_get("attempts").map_err(map)?,
        last_error: r.try_get("last_error").map_err(map)?,
    })
}

impl Db {
    /// Record a verification (durable once this returns).
    pub async fn insert_verification(&self, v: &VerificationRow) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO verifications ({VERIFICATION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
            .bind(&v.id)
            .bind(&v.hospital_id)
            .bind(&v.kind)
            .bind(&v.verdict)
            .bind(&v.presented)
            .bind(&v.presented_sha256)
            .bind(&v.report)
            .bind(&v.actor)
            .bind(v.at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "verification"))
    }

    /// One of the hospital's verifications.
    pub async fn verification(&self, hospital_id: &str, id: &str) -> Result<VerificationRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {VERIFICATION} FROM verifications WHERE hospital_id = $1 AND id = $2"))
            .bind(hospital_id)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "verification"))?;
        verification(&row)
    }

    /// The hospital's newest `limit` verifications, newest first.
    pub async fn verifications(&self, hospital_id: &str, limit: i64) -> Result<Vec<VerificationRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VERIFICATION} FROM verifications WHERE hospital_id = $1 ORDER BY at DESC, id LIMIT $2"
        ))
        .bind(hospital_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "verification"))?;
        rows.iter().map(verification).collect()
    }

    /// Start watching a credential.
    pub async fn insert_watch(&self, w: &WatchRow) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO watches ({WATCH}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
            .bind(&w.id)
            .bind(&w.hospital_id)
            .bind(&w.verification_id)
            .bind(&w.credential)
            .bind(&w.label)
            .bind(&w.issuer)
            .bind(w.valid_until)
            .bind(&w.standing)
            .bind(w.checked_at)
            .bind(i64::from(w.active))
            .bind(w.created_at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "watch"))
    }

    /// The hospital's watches (active ones only when `active_only`), oldest first.
    pub async fn watches(&self, hospital_id: &str, active_only: bool) -> Result<Vec<WatchRow>, StoreError> {
        let filter = if active_only { " AND active = 1" } else { "" };
        let rows =
            sqlx::query(&format!("SELECT {WATCH} FROM watches WHERE hospital_id = $1{filter} ORDER BY created_at, id"))
                .bind(hospital_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "watch"))?;
        rows.iter().map(watch).collect()
    }

    /// One of the hospital's watches.
    pub async fn watch(&self, hospital_id: &str, id: &str) -> Result<WatchRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {WATCH} FROM watches WHERE hospital_id = $1 AND id = $2"))
            .bind(hospital_id)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "watch"))?;
        watch(&row)
    }

    /// Every active watch of every hospital (a monitoring round).
    pub async fn active_watches(&self) -> Result<Vec<WatchRow>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {WATCH} FROM watches WHERE active = 1 ORDER BY hospital_id, created_at"))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| StoreError::from_sqlx(e, "watch"))?;
        rows.iter().map(watch).collect()
    }

    /// Stop watching (idempotent); not found if the hospital has no such watch.
    pub async fn stop_watch(&self, hospital_id: &str, id: &str) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE watches SET active = 0 WHERE hospital_id = $1 AND id = $2")
            .bind(hospital_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "watch"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("watch"));
        }
        Ok(())
    }

    /// Record a watch's check; with a changed standing, the notification is written in the same
    /// transaction, so a change is never seen without its notification.
    pub async fn record_watch_check(
        &self,
        watch_id: &str,
        standing: &str,
        at: i64,
        change: Option<&NotificationRow>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| StoreError::from_sqlx(e, "watch"))?;
        sqlx::query("UPDATE watches SET standing = $1, checked_at = $2 WHERE id = $3")
            .bind(standing)
            .bind(at)
            .bind(watch_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "watch"))?;
        if let Some(n) = change {
            sqlx::query(&format!(
                "INSERT INTO notifications ({NOTIFICATION}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .bind(&n.id)
            .bind(&n.hospital_id)
            .bind(&n.watch_id)
            .bind(&n.kind)
            .bind(&n.previous)
            .bind(&n.detail)
            .bind(n.at)
            .bind(&n.delivery)
            .bind(n.attempts)
            .bind(&n.last_error)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "notification"))?;
        }
        tx.commit().await.map_err(|e| StoreError::from_sqlx(e, "watch"))
    }

    /// The hospital's newest `limit` notifications, newest first.
    pub async fn notifications(&self, hospital_id: &str, limit: i64) -> Result<Vec<NotificationRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {NOTIFICATION} FROM notifications WHERE hospital_id = $1 ORDER BY at DESC, id LIMIT $2"
        ))
        .bind(hospital_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "notification"))?;
        rows.iter().map(notification).collect()
    }

    /// Notifications waiting for webhook delivery, oldest first.
    pub async fn pending_notifications(&self, limit: i64) -> Result<Vec<NotificationRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {NOTIFICATION} FROM notifications WHERE delivery = 'pending' ORDER BY at, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "notification"))?;
        rows.iter().map(notification).collect()
    }

    /// Record a delivery attempt: `delivery` is the new state, `error` the failure if any.
    pub async fn record_delivery(&self, id: &str, delivery: &str, error: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE notifications SET delivery = $1, attempts = attempts + 1, last_error = $2 WHERE id = $3")
            .bind(delivery)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "notification"))
    }
}
