-- medcred schema v6 (SQLite): OpenID4VP 1.0 presentation requests made by hospitals. Times are
-- Unix seconds. Keep in step with ../postgres/0006_oid4vp.sql.
--
-- One row per request. The DCQL query and the request's nonce and state are what the signed
-- request object carries; for response mode direct_post.jwt the ephemeral P-256 ECDH-ES private
-- key (a JWK) is kept sealed under the master key, bound to this request's id, and only here.
-- A request is answered once: status moves pending -> answering (one conditional UPDATE, so two
-- responses cannot both be taken) -> verified | failed; a pending request past expires_at is
-- expired. verification_id names the hospital verification the answer was recorded as.
CREATE TABLE oid4vp_requests (
    id TEXT PRIMARY KEY,
    hospital_id TEXT NOT NULL REFERENCES hospitals(id),
    template TEXT,
    dcql_query TEXT NOT NULL,
    purpose TEXT,
    response_mode TEXT NOT NULL,
    nonce TEXT NOT NULL,
    state TEXT NOT NULL,
    enc_kid TEXT,
    enc_key_sealed BLOB,
    status TEXT NOT NULL,
    verification_id TEXT,
    verdict TEXT,
    error TEXT,
    actor TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    answered_at INTEGER
);
CREATE INDEX oid4vp_requests_by_hospital ON oid4vp_requests (hospital_id, created_at);
