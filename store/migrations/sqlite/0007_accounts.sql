-- medcred schema v7 (SQLite): people who sign in to the web app (board and hospital staff) and their
-- sessions. Times are Unix seconds. Keep in step with the other backend's 0007_accounts.sql.
--
-- A user belongs to one organisation: a board or a hospital (org_id is that row's id; checked by
-- the application, since it names one of two tables). The email is unique without regard to case
-- (email_key is its lower-case form). The password is kept only as an argon2id PHC string. After
-- repeated failures the account is locked until locked_until.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_kind TEXT NOT NULL CHECK (org_kind IN ('board', 'hospital')),
    org_id TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('board_admin', 'board_issuer', 'hospital_admin', 'hospital_verifier')),
    failed_attempts INTEGER NOT NULL,
    locked_until INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_by_org ON users (org_kind, org_id);

-- A signed-in browser. Only the SHA-256 of the session cookie's value is stored; the CSRF token is
-- the synchronizer token every form of the session carries. A session ends at expires_at
-- (absolute) or after too long since last_seen_at (idle), whichever comes first.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
