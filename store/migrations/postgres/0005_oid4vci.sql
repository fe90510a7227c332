-- medcred schema v5 (PostgreSQL): OpenID4VCI pre-authorized code flow. Times are Unix seconds. Keep in
-- step with ../sqlite/0005_oid4vci.sql.
--
-- One row per credential offer. Every secret is stored hashed (hex SHA-256): the offer reference
-- (the last segment of credential_offer_uri), the pre-authorized code, the transaction code
-- (hashed together with the pre-authorized code, so six digits cannot be brute-forced from a copy
-- of this table alone) and the access token. The offer is single use: `redeemed_at` is set when
-- the code is exchanged for a token, `spent_at` when the token has obtained its credential.
CREATE TABLE oid4vci_offers (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    credential_id TEXT NOT NULL REFERENCES credentials(id),
    configuration_id TEXT NOT NULL,
    ref_hash TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL UNIQUE,
    tx_code_hash TEXT NOT NULL,
    tx_attempts BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    redeemed_at BIGINT,
    token_hash TEXT UNIQUE,
    token_expires_at BIGINT,
    spent_at BIGINT,
    issued_credential_id TEXT
);
CREATE INDEX oid4vci_offers_by_credential ON oid4vci_offers (credential_id);

-- Server-provided c_nonce values for key proofs: single use, short-lived.
CREATE TABLE oid4vci_nonces (
    nonce TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX oid4vci_nonces_by_expiry ON oid4vci_nonces (expires_at);
