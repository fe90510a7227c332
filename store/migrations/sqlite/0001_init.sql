-- medcred schema v1 (SQLite). Times are Unix seconds. Keep in step with ../postgres/0001_init.sql.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE boards (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    did TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE board_keys (
    board_id TEXT NOT NULL REFERENCES boards(id),
    key_id TEXT NOT NULL,
    public_multibase TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'removed')),
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    PRIMARY KEY (board_id, key_id)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'issuer')),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
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
    valid_from INTEGER NOT NULL,
    valid_until INTEGER,
    dedupe_key TEXT,
    secured TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (board_id, dedupe_key)
);

CREATE INDEX credentials_by_license ON credentials (board_id, license_number);
CREATE INDEX credentials_by_created ON credentials (board_id, created_at);
