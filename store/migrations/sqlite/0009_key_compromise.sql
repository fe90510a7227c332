-- Key compromise response: a board key reported stolen (it is removed from the DID document at
-- once), and every credential it signed, queued for re-issuance under the new key. A queue row
-- moves pending -> issued (the replacement is stored; `new_credential_id` set in the same
-- transaction) -> done (the old credential revoked through the ledger), or to skipped (it was
-- revoked before its turn).
CREATE TABLE key_compromises (
    board_id TEXT NOT NULL REFERENCES boards(id),
    key_id TEXT NOT NULL,
    since INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    PRIMARY KEY (board_id, key_id)
);

CREATE TABLE reissue_queue (
    credential_id TEXT PRIMARY KEY REFERENCES credentials(id),
    board_id TEXT NOT NULL REFERENCES boards(id),
    key_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'issued', 'done', 'skipped')),
    new_credential_id TEXT,
    marked_at INTEGER NOT NULL,
    done_at INTEGER
);

CREATE INDEX reissue_by_board ON reissue_queue (board_id, state);
