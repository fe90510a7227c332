-- medcred schema v4 (PostgreSQL): hospitals (verifier organisations with their own did:web and signing
-- key), their API tokens, the verifications done for them (the evidence behind signed receipts),
-- the credentials they watch, and the notifications the watch raised. Keep in step with the other
-- backend's 0004_hospitals.sql.
CREATE TABLE hospitals (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    did TEXT NOT NULL UNIQUE,
    webhook_url TEXT,
    created_at BIGINT NOT NULL
);

-- The key that signs receipts and webhooks; sealed like board keys.
CREATE TABLE hospital_keys (
    hospital_id TEXT NOT NULL REFERENCES hospitals(id),
    key_id TEXT NOT NULL,
    public_multibase TEXT NOT NULL,
    secret_sealed BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'removed')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (hospital_id, key_id)
);

CREATE TABLE hospital_tokens (
    id TEXT PRIMARY KEY,
    hospital_id TEXT NOT NULL REFERENCES hospitals(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'verifier')),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- One verification done for a hospital: what was presented (only what the holder disclosed), the
-- engine's full report, and who asked. Receipts are signed from this row.
CREATE TABLE verifications (
    id TEXT PRIMARY KEY,
    hospital_id TEXT NOT NULL REFERENCES hospitals(id),
    kind TEXT NOT NULL CHECK (kind IN ('credential', 'presentation')),
    verdict TEXT NOT NULL,
    presented TEXT NOT NULL,
    presented_sha256 TEXT NOT NULL,
    report TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX verifications_by_hospital ON verifications (hospital_id, at);

-- A credential the hospital keeps watching: re-verified on every monitoring round; `standing` is
-- the last one seen (good, revoked, suspended, expiring, expired, invalid, unknown).
CREATE TABLE watches (
    id TEXT PRIMARY KEY,
    hospital_id TEXT NOT NULL REFERENCES hospitals(id),
    verification_id TEXT NOT NULL REFERENCES verifications(id),
    credential TEXT NOT NULL,
    label TEXT NOT NULL,
    issuer TEXT NOT NULL,
    valid_until BIGINT,
    standing TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX watches_by_hospital ON watches (hospital_id, active);

-- What a watch found: a change of standing. Delivered to the hospital's webhook (signed) when one
-- is configured; `delivery` is none, pending, delivered or failed.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    hospital_id TEXT NOT NULL REFERENCES hospitals(id),
    watch_id TEXT NOT NULL REFERENCES watches(id),
    kind TEXT NOT NULL,
    previous TEXT NOT NULL,
    detail TEXT NOT NULL,
    at BIGINT NOT NULL,
    delivery TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX notifications_by_hospital ON notifications (hospital_id, at);
CREATE INDEX notifications_by_delivery ON notifications (delivery);
