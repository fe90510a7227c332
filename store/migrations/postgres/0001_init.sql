-- medcred schema v1 (PostgreSQL). Times are Unix seconds. Keep in step with ../sqlite/0001_init.sql.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    did TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE board_keys (
    board_id TEXT NOT NULL REFERENCES boards(id),
    key_id TEXT NOT NULL,
    public_multibase TEXT NOT NULL,
    secret_sealed BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'removed')),
    created_at BIGINT NOT NULL,
    retired_at BIGINT,
    PRIMARY KEY (board_id, key_id)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'issuer')),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    key_id TEXT NOT NULL,
    subject_label TEXT NOT NULL,
    license_number TEXT,
    jurisdiction TEXT,
    holder_did TEXT,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT,
    dedupe_key TEXT,
    secured TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (board_id, dedupe_key)
);

CREATE INDEX credentials_by_license ON credentials (board_id, license_number);
CREATE INDEX credentials_by_created ON credentials (board_id, created_at);
