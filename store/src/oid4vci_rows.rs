//! Rows of the OpenID4VCI tables (`0005_oid4vci.sql`). Times are Unix seconds; every secret is a
//! hex SHA-256 hash, never the secret itself.

/// A credential offer (pre-authorized code flow) and the access token it was exchanged for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oid4vciOfferRow {
    /// Internal id (UUID), safe to log.
    pub id: String,
    /// The board whose credential is offered.
    pub board_id: String,
    /// The stored credential whose claims are re-issued, bound to the holder's key.
    pub credential_id: String,
    /// The offered `credential_configuration_id`.
    pub configuration_id: String,
    /// Hash of the offer reference (the last segment of `credential_offer_uri`).
    pub ref_hash: String,
    /// Hash of the pre-authorized code.
    pub code_hash: String,
    /// Hash of the transaction code, bound to the pre-authorized code.
    pub tx_code_hash: String,
    /// Wrong transaction codes presented so far.
    pub tx_attempts: i64,
    /// Creation time.
    pub created_at: i64,
    /// The offer (and its pre-authorized code) is dead from this time on.
    pub expires_at: i64,
    /// When the pre-authorized code was exchanged for an access token.
    pub redeemed_at: Option<i64>,
    /// Hash of that access token.
    pub token_hash: Option<String>,
    /// The access token is dead from this time on.
    pub token_expires_at: Option<i64>,
    /// When the access token was used up (a credential was issued, or is being issued).
    pub spent_at: Option<i64>,
    /// The credential issued through this offer.
    pub issued_credential_id: Option<String>,
}
