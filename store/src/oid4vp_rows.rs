//! Rows of the OpenID4VP tables (`0006_oid4vp.sql`). Times are Unix seconds.

/// A hospital's OpenID4VP presentation request.
#[derive(Clone, PartialEq, Eq)]
pub struct Oid4vpRequestRow {
    /// Request id (UUID): in the request and response URLs, safe to log.
    pub id: String,
    /// The hospital asking.
    pub hospital_id: String,
    /// The template it was made from, if any.
    pub template: Option<String>,
    /// The DCQL query, as JSON text.
    pub dcql_query: String,
    /// Why the hospital asks (shown to the holder).
    pub purpose: Option<String>,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: String,
    /// The request's nonce (the presentation's challenge).
    pub nonce: String,
    /// The request's state (returned with the response).
    pub state: String,
    /// The `kid` of the response encryption key (`direct_post.jwt`).
    pub enc_kid: Option<String>,
    /// The response encryption private key (a JWK), sealed under the master key.
    pub enc_key_sealed: Option<Vec<u8>>,
    /// `pending`, `answering`, `verified` or `failed` (expiry is read from `expires_at`).
    pub status: String,
    /// The hospital verification the answer was recorded as.
    pub verification_id: Option<String>,
    /// Its verdict.
    pub verdict: Option<String>,
    /// Why the response failed (an OAuth error code and description; no personal data).
    pub error: Option<String>,
    /// Who created it (token id and label).
    pub actor: String,
    /// Creation time.
    pub created_at: i64,
    /// Dead from this time on unless answered.
    pub expires_at: i64,
    /// When the answer was taken.
    pub answered_at: Option<i64>,
}

impl std::fmt::Debug for Oid4vpRequestRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oid4vpRequestRow")
            .field("id", &self.id)
            .field("hospital_id", &self.hospital_id)
            .field("status", &self.status)
            .field("response_mode", &self.response_mode)
            .field("enc_key_sealed", &self.enc_key_sealed.as_ref().map(|_| "[redacted]"))
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
