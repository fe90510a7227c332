//! OpenID4VCI storage: credential offers with their hashed pre-authorized code, transaction code
//! and access token, and single-use `c_nonce` values. Every state change is one conditional
//! `UPDATE`, so two concurrent requests cannot both redeem a code, spend a token or use a nonce.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::Db;
use crate::error::StoreError;
use crate::oid4vci_rows::Oid4vciOfferRow;

const COLUMNS: &str = "id, board_id, credential_id, configuration_id, ref_hash, code_hash, tx_code_hash, \
                       tx_attempts, created_at, expires_at, redeemed_at, token_hash, token_expires_at, spent_at, \
                       issued_credential_id";

fn offer(r: &AnyRow) -> Result<Oid4vciOfferRow, StoreError> {
    let get = |e| StoreError::from_sqlx(e, "credential offer");
    Ok(Oid4vciOfferRow {
        id: r.try_get("id").map_err(get)?,
        board_id: r.try_get("board_id").map_err(get)?,
        credential_id: r.try_get("credential_id").map_err(get)?,
        configuration_id: r.try_get("configuration_id").map_err(get)?,
        ref_hash: r.try_get("ref_hash").map_err(get)?,
        code_hash: r.try_get("code_hash").map_err(get)?,
        tx_code_hash: r.try_get("tx_code_hash").map_err(get)?,
        tx_attempts: r.try_get("tx_attempts").map_err(get)?,
        created_at: r.try_get("created_at").map_err(get)?,
        expires_at: r.try_get("expires_at").map_err(get)?,
        redeemed_at: r.try_get("redeemed_at").map_err(get)?,
        token_hash: r.try_get("token_hash").map_err(get)?,
        token_expires_at: r.try_get("token_expires_at").map_err(get)?,
        spent_at: r.try_get("spent_at").map_err(get)?,
        issued_credential_id: r.try_get("issued_credential_id").map_err(get)?,
    })
}

impl Db {
    /// Store a new offer.
    pub async fn insert_oid4vci_offer(&self, o: &Oid4vciOfferRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO oid4vci_offers ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        sqlx::query(&sql)
            .bind(&o.id)
            .bind(&o.board_id)
            .bind(&o.credential_id)
            .bind(&o.configuration_id)
            .bind(&o.ref_hash)
            .bind(&o.code_hash)
            .bind(&o.tx_code_hash)
            .bind(o.tx_attempts)
            .bind(o.created_at)
            .bind(o.expires_at)
            .bind(o.redeemed_at)
            .bind(&o.token_hash)
            .bind(o.token_expires_at)
            .bind(o.spent_at)
            .bind(&o.issued_credential_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "credential offer"))
    }

    async fn oid4vci_offer_where(&self, column: &str, value: &str) -> Result<Oid4vciOfferRow, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM oid4vci_offers WHERE {column} = $1");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "credential offer"))?;
        offer(&row)
    }

    /// The offer whose reference hashes to `ref_hash`.
    pub async fn oid4vci_offer_by_ref(&self, ref_hash: &str) -> Result<Oid4vciOfferRow, StoreError> {
        self.oid4vci_offer_where("ref_hash", ref_hash).await
    }

    /// The offer whose pre-authorized code hashes to `code_hash`.
    pub async fn oid4vci_offer_by_code(&self, code_hash: &str) -> Result<Oid4vciOfferRow, StoreError> {
        self.oid4vci_offer_where("code_hash", code_hash).await
    }

    /// The offer whose access token hashes to `token_hash`.
    pub async fn oid4vci_offer_by_token(&self, token_hash: &str) -> Result<Oid4vciOfferRow, StoreError> {
        self.oid4vci_offer_where("token_hash", token_hash).await
    }

    /// Count a wrong transaction code, unless the offer already has `max` of them or has been
    /// redeemed. Returns the attempts now recorded.
    pub async fn oid4vci_count_wrong_tx_code(&self, id: &str, max: i64) -> Result<i64, StoreError> {
        sqlx::query(
            "UPDATE oid4vci_offers SET tx_attempts = tx_attempts + 1 \
             WHERE id = $1 AND tx_attempts < $2 AND redeemed_at IS NULL",
        )
        .bind(id)
        .bind(max)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "credential offer"))?;
        let row = sqlx::query("SELECT tx_attempts FROM oid4vci_offers WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "credential offer"))?;
        row.try_get("tx_attempts").map_err(|e| StoreError::from_sqlx(e, "credential offer"))
    }

    /// Exchange the pre-authorized code for an access token: succeeds (true) only for an offer not
    /// yet redeemed, not expired at `now` and with fewer than `max_attempts` wrong codes.
    pub async fn oid4vci_redeem(
        &self,
        id: &str,
        token_hash: &str,
        token_expires_at: i64,
        now: i64,
        max_attempts: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE oid4vci_offers SET redeemed_at = $1, token_hash = $2, token_expires_at = $3 \
             WHERE id = $4 AND redeemed_at IS NULL AND expires_at > $1 AND tx_attempts < $5",
        )
        .bind(now)
        .bind(token_hash)
        .bind(token_expires_at)
        .bind(id)
        .bind(max_attempts)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "credential offer"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Take the access token for one issuance: succeeds (true) only if it is live at `now` and
    /// not already spent.
    pub async fn oid4vci_spend_token(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE oid4vci_offers SET spent_at = $1 \
             WHERE id = $2 AND spent_at IS NULL AND token_expires_at > $1",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "credential offer"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Give a spent token back after an issuance that failed on the server's side.
    pub async fn oid4vci_unspend_token(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE oid4vci_offers SET spent_at = NULL WHERE id = $1 AND issued_credential_id IS NULL")
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "credential offer"))
    }

    /// Record the credential an offer delivered.
    pub async fn oid4vci_record_issued(&self, id: &str, credential_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE oid4vci_offers SET issued_credential_id = $1 WHERE id = $2")
            .bind(credential_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(e, "credential offer"))
    }

    /// Store a fresh `c_nonce`, valid until `expires_at`; nonces that expired before `now` are
    /// deleted in the same call, so the table holds only live ones.
    pub async fn insert_oid4vci_nonce(&self, nonce: &str, expires_at: i64, now: i64) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM oid4vci_nonces WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "nonce"))?;
        sqlx::query("INSERT INTO oid4vci_nonces (nonce, expires_at, used_at) VALUES ($1, $2, NULL)")
            .bind(nonce)
            .bind(expires_at)
            .execute(&mut *tx.0)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "nonce"))?;
        tx.commit().await
    }

    /// Use a `c_nonce`: succeeds (true) only once, and only while it is live at `now`.
    pub async fn use_oid4vci_nonce(&self, nonce: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE oid4vci_nonces SET used_at = $1 WHERE nonce = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(nonce)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "nonce"))?;
        Ok(done.rows_affected() == 1)
    }
}
