//! Web app accounts: people (unique by email, case-insensitively), failed sign-ins and lockout,
//! and sessions stored only as hashes.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::account_rows::{OrgKind, SessionRow, UserRole, UserRow};
use crate::db::Db;
use crate::error::StoreError;

const USER: &str = "id, org_kind, org_id, email, display_name, password_hash, role, failed_attempts, locked_until, \
                    created_at";
const SESSION: &str = "token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at";

/// The form of an email address that uniqueness and look-ups use: trimmed, lower case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn user(row: &AnyRow) -> Result<UserRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "user");
    let kind: String = row.try_get("org_kind").map_err(map)?;
    let role: String = row.try_get("role").map_err(map)?;
    Ok(UserRow {
        id: row.try_get("id").map_err(map)?,
        org_kind: OrgKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("user org kind {kind:?}")))?,
        org_id: row.try_get("org_id").map_err(map)?,
        email: row.try_get("email").map_err(map)?,
        display_name: row.try_get("display_name").map_err(map)?,
        password_hash: row.try_get("password_hash").map_err(map)?,
        role: UserRole::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("user role {role:?}")))?,
        failed_attempts: row.try_get("failed_attempts").map_err(map)?,
        locked_until: row.try_get("locked_until").map_err(map)?,
        created_at: row.try_get("created_at").map_err(map)?,
    })
}

fn session(row: &AnyRow) -> Result<SessionRow, StoreError> {
    let map = |e| StoreError::from_sqlx(e, "session");
    Ok(SessionRow {
        token_hash: row.try_get("token_hash").map_err(map)?,
        user_id: row.try_get("user_id").map_err(map)?,
        csrf_token: row.try_get("csrf_token").map_err(map)?,
        created_at: row.try_get("created_at").map_err(map)?,
        expires_at: row.try_get("expires_at").map_err(map)?,
        last_seen_at: row.try_get("last_seen_at").map_err(map)?,
    })
}

impl Db {
    /// Add a person. Another person with the same email (in any case) is a conflict.
    pub async fn insert_user(&self, u: &UserRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO users ({USER}, email_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&u.id)
        .bind(u.org_kind.as_str())
        .bind(&u.org_id)
        .bind(u.email.trim())
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(u.role.as_str())
        .bind(u.failed_attempts)
        .bind(u.locked_until)
        .bind(u.created_at)
        .bind(email_key(&u.email))
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "user"))
    }

    /// The person with this email (any case).
    pub async fn user_by_email(&self, email: &str) -> Result<UserRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER} FROM users WHERE email_key = $1"))
            .bind(email_key(email))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "user"))?;
        user(&row)
    }

    /// The person with this id.
    pub async fn user(&self, id: &str) -> Result<UserRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "user"))?;
        user(&row)
    }

    /// Everyone, by organisation and email.
    pub async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {USER} FROM users ORDER BY org_kind, org_id, email_key"))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "user"))?;
        rows.iter().map(user).collect()
    }

    /// Count a failed sign-in; at `max` failures the account locks until `lock_until` and the
    /// count starts again. Whether this failure locked it.
    pub async fn record_failed_sign_in(&self, id: &str, max: i64, lock_until: i64) -> Result<bool, StoreError> {
        let map = |e| StoreError::from_sqlx(e, "user");
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        let locked = sqlx::query(
            "UPDATE users SET failed_attempts = 0, locked_until = $1 WHERE id = $2 AND failed_attempts >= $3",
        )
        .bind(lock_until)
        .bind(id)
        .bind(max)
        .execute(&mut *tx)
        .await
        .map_err(map)?
        .rows_affected()
            > 0;
        tx.commit().await.map_err(map)?;
        Ok(locked)
    }

    /// Forget failed sign-ins and any lock (after a successful sign-in).
    pub async fn clear_failed_sign_ins(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "user"))
    }

    /// Replace a person's password hash, lift any lock and end their sessions.
    pub async fn set_user_password(&self, id: &str, password_hash: &str) -> Result<(), StoreError> {
        let map = |e| StoreError::from_sqlx(e, "user");
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done =
            sqlx::query("UPDATE users SET password_hash = $1, failed_attempts = 0, locked_until = NULL WHERE id = $2")
                .bind(password_hash)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await.map_err(map)?;
        tx.commit().await.map_err(map)
    }

    /// Start a session.
    pub async fn insert_session(&self, s: &SessionRow) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO sessions ({SESSION}) VALUES ($1, $2, $3, $4, $5, $6)"))
            .bind(&s.token_hash)
            .bind(&s.user_id)
            .bind(&s.csrf_token)
            .bind(s.created_at)
            .bind(s.expires_at)
            .bind(s.last_seen_at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "session"))
    }

    /// The session whose cookie hashes to `token_hash` (whether or not it has timed out: the
    /// caller decides, with its clock).
    pub async fn session(&self, token_hash: &str) -> Result<SessionRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {SESSION} FROM sessions WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "session"))?;
        session(&row)
    }

    /// Record activity on a session (for the idle timeout).
    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "session"))
    }

    /// End a session (sign-out, timeout). Ending one that is gone is not an error.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "session"))
    }

    /// Delete sessions past their absolute end or idle since before `idle_since`; how many.
    pub async fn delete_stale_sessions(&self, now: i64, idle_since: i64) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
            .bind(now)
            .bind(idle_since)
            .execute(&self.pool)
            .await
            .map(|d| d.rows_affected())
            .map_err(|e| StoreError::from_sqlx(e, "session"))
    }
}
