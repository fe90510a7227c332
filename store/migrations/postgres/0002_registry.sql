-- medcred schema v2 (postgres): status lists, status changes, the per-board ledger, checkpoints and
-- witness state. Keep in step with the other backend's 0002_registry.sql.

-- Each credential holds one slot (list, index) in its board's status lists; the same index is used
-- in the revocation list, the suspension list and the token status list view.
ALTER TABLE credentials ADD COLUMN status_list BIGINT;
ALTER TABLE credentials ADD COLUMN status_index BIGINT;
CREATE UNIQUE INDEX credentials_by_status_slot ON credentials (board_id, status_list, status_index);

-- One row per list: three bitstrings of `entries` bits (allocated slots, revocation, suspension).
-- `version` bumps with every change and names the list's ETag.
CREATE TABLE status_lists (
    board_id TEXT NOT NULL REFERENCES boards(id),
    list_no BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    used BIGINT NOT NULL,
    allocated BYTEA NOT NULL,
    revocation BYTEA NOT NULL,
    suspension BYTEA NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (board_id, list_no)
);

-- Who changed what, when and why. The reason stays here; only its hash reaches the ledger.
CREATE TABLE status_changes (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    credential_id TEXT NOT NULL REFERENCES credentials(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    value BIGINT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    reason_hash TEXT NOT NULL,
    leaf_index BIGINT NOT NULL
);
CREATE INDEX status_changes_by_credential ON status_changes (credential_id, at);
CREATE INDEX status_changes_by_board ON status_changes (board_id, at);

-- The board's log: its origin line, note-signing key (sealed like board keys), and current head.
CREATE TABLE ledger_logs (
    board_id TEXT PRIMARY KEY REFERENCES boards(id),
    origin TEXT NOT NULL UNIQUE,
    key_name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    secret_sealed BYTEA NOT NULL,
    size BIGINT NOT NULL,
    root BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE ledger_leaves (
    board_id TEXT NOT NULL REFERENCES boards(id),
    idx BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (board_id, idx)
);

-- Every complete subtree hash (RFC 9162), by height (level) and position.
CREATE TABLE ledger_nodes (
    board_id TEXT NOT NULL REFERENCES boards(id),
    level BIGINT NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (board_id, level, idx)
);

-- Signed checkpoints (C2SP tlog-checkpoint), the cosigned form once witnesses answered, and the
-- chain anchor once one was made.
CREATE TABLE checkpoints (
    board_id TEXT NOT NULL REFERENCES boards(id),
    size BIGINT NOT NULL,
    root BYTEA NOT NULL,
    note TEXT NOT NULL,
    cosigned TEXT,
    cosignatures BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    anchor_chain BIGINT,
    anchor_tx TEXT,
    anchor_block BIGINT,
    anchor_time BIGINT,
    PRIMARY KEY (board_id, size)
);

-- The witness role: the last checkpoint cosigned per log origin.
CREATE TABLE witness_logs (
    origin TEXT PRIMARY KEY,
    log_key TEXT NOT NULL,
    size BIGINT NOT NULL,
    root BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
