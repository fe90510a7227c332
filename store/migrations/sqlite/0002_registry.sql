-- medcred schema v2 (sqlite): status lists, status changes, the per-board ledger, checkpoints and
-- witness state. Keep in step with the other backend's 0002_registry.sql.

-- Each credential holds one slot (list, index) in its board's status lists; the same index is used
-- in the revocation list, the suspension list and the token status list view.
ALTER TABLE credentials ADD COLUMN status_list INTEGER;
ALTER TABLE credentials ADD COLUMN status_index INTEGER;
CREATE UNIQUE INDEX credentials_by_status_slot ON credentials (board_id, status_list, status_index);

-- One row per list: three bitstrings of `entries` bits (allocated slots, revocation, suspension).
-- `version` bumps with every change and names the list's ETag.
CREATE TABLE status_lists (
    board_id TEXT NOT NULL REFERENCES boards(id),
    list_no INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    used INTEGER NOT NULL,
    allocated BLOB NOT NULL,
    revocation BLOB NOT NULL,
    suspension BLOB NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (board_id, list_no)
);

-- Who changed what, when and why. The reason stays here; only its hash reaches the ledger.
CREATE TABLE status_changes (
    id TEXT PRIMARY KEY,
    board_id TEXT NOT NULL REFERENCES boards(id),
    credential_id TEXT NOT NULL REFERENCES credentials(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    value INTEGER NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason_hash TEXT NOT NULL,
    leaf_index INTEGER NOT NULL
);
CREATE INDEX status_changes_by_credential ON status_changes (credential_id, at);
CREATE INDEX status_changes_by_board ON status_changes (board_id, at);

-- The board's log: its origin line, note-signing key (sealed like board keys), and current head.
CREATE TABLE ledger_logs (
    board_id TEXT PRIMARY KEY REFERENCES boards(id),
    origin TEXT NOT NULL UNIQUE,
    key_name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE ledger_leaves (
    board_id TEXT NOT NULL REFERENCES boards(id),
    idx INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (board_id, idx)
);

-- Every complete subtree hash (RFC 9162), by height (level) and position.
CREATE TABLE ledger_nodes (
    board_id TEXT NOT NULL REFERENCES boards(id),
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (board_id, level, idx)
);

-- Signed checkpoints (C2SP tlog-checkpoint), the cosigned form once witnesses answered, and the
-- chain anchor once one was made.
CREATE TABLE checkpoints (
    board_id TEXT NOT NULL REFERENCES boards(id),
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    cosigned TEXT,
    cosignatures INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    anchor_chain INTEGER,
    anchor_tx TEXT,
    anchor_block INTEGER,
    anchor_time INTEGER,
    PRIMARY KEY (board_id, size)
);

-- The witness role: the last checkpoint cosigned per log origin.
CREATE TABLE witness_logs (
    origin TEXT PRIMARY KEY,
    log_key TEXT NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
