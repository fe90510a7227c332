//! OpenID4VP storage: hospitals' presentation requests. Taking the answer is one conditional
//! `UPDATE` (pending and not expired → answering), so a request is answered once even when two
//! responses race, on either database.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Db;
use crate::error::StoreError;
use crate::oid4vp_rows::Oid4vpRequestRow;

const COLUMNS: &str = "id, hospital_id, template, dcql_query, purpose, response_mode, nonce, state, enc_kid, \
                       enc_key_sealed, status, verification_id, verdict, error, actor, created_at, expires_at, \
                       answered_at";

fn request(r: &AnyRow) -> Result<Oid4vpRequestRow, StoreError> {
    let get = |e| StoreError::from_sqlx(e, "presentation request");
    Ok(Oid4vpRequestRow {
        id: r.try_get("id").map_err(get)?,
        hospital_id: r.try_get("hospital_id").map_err(get)?,
        template: r.try_get("template").map_err(get)?,
        dcql_query: r.try_get("dcql_query").map_err(get)?,
        purpose: r.try_get("purpose").map_err(get)?,
        response_mode: r.try_get("response_mode").map_err(get)?,
        nonce: r.try_get("nonce").map_err(get)?,
        state: r.try_get("state").map_err(get)?,
        enc_kid: r.try_get("enc_kid").map_err(get)?,
        enc_key_sealed: r.try_get("enc_key_sealed").map_err(get)?,
        status: r.try_get("status").map_err(get)?,
        verification_id: r.try_get("verification_id").map_err(get)?,
        verdict: r.try_get("verdict").map_err(get)?,
        error: r.try_get("error").map_err(get)?,
        actor: r.try_get("actor").map_err(get)?,
        created_at: r.try_get("created_at").map_err(get)?,
        expires_at: r.try_get("expires_at").map_err(get)?,
        answered_at: r.try_get("answered_at").map_err(get)?,
    })
}

impl Db {
    /// Store a new presentation request.
    pub async fn insert_oid4vp_request(&self, q: &Oid4vpRequestRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO oid4vp_requests ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
        );
        sqlx::query(&sql)
            .bind(&q.id)
            .bind(&q.hospital_id)
            .bind(&q.template)
            .bind(&q.dcql_query)
            .bind(&q.purpose)
            .bind(&q.response_mode)
            .bind(&q.nonce)
            .bind(&q.state)
            .bind(&q.enc_kid)
            .bind(&q.enc_key_sealed)
            .bind(&q.status)
            .bind(&q.verification_id)
            .bind(&q.verdict)
            .bind(&q.error)
            .bind(&q.actor)
            .bind(q.created_at)
            .bind(q.expires_at)
            .bind(q.answered_at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "presentation request"))
    }

    /// The presentation request `id` (of any hospital).
    pub async fn oid4vp_request(&self, id: &str) -> Result<Oid4vpRequestRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM oid4vp_requests WHERE id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "presentation request"))?;
        request(&row)
    }

    /// Take the answer to request `id`: succeeds (true) only for a request still pending and not
    /// expired at `now`.
    pub async fn oid4vp_take(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE oid4vp_requests SET status = 'answering', answered_at = $1 \
             WHERE id = $2 AND status = 'pending' AND expires_at > $1",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "presentation request"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Record how a taken request ended: `verified` (with the verification and its verdict) or
    /// `failed` (with the error).
    pub async fn oid4vp_finish(
        &self,
        id: &str,
        status: &str,
        verification_id: Option<&str>,
        verdict: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE oid4vp_requests SET status = $1, verification_id = $2, verdict = $3, error = $4, \
             enc_key_sealed = NULL WHERE id = $5 AND status = 'answering'",
        )
        .bind(status)
        .bind(verification_id)
        .bind(verdict)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(e, "presentation request"))
    }
}
