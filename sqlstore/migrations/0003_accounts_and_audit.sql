-- Accounts (users of organisations, sessions, API tokens) and the append-only, hash-chained
-- audit log (NEN 7513). Secrets are stored only as SHA-256 hashes; passwords as argon2id hashes.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    organisation_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    email                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    roles                TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    last_login_at        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE sessions (
    secret_hash  TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    address      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- No foreign keys: an entry outlives the user, organisation or object it names (kept ≥ 5 years).
CREATE TABLE audit_log (
    id                     INTEGER PRIMARY KEY,
    at                     TEXT NOT NULL,
    user_id                INTEGER,
    user_email             TEXT NOT NULL,
    organisation_id        INTEGER,
    roles                  TEXT NOT NULL,
    on_behalf_of           TEXT NOT NULL,
    action                 TEXT NOT NULL,
    object_type            TEXT NOT NULL,
    object_id              INTEGER,
    object_organisation_id INTEGER,
    patient_id             INTEGER,
    outcome                TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    client_address         TEXT NOT NULL,
    reason                 TEXT NOT NULL,
    prev_hash              TEXT NOT NULL,
    hash                   TEXT NOT NULL
);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_patient ON audit_log (patient_id, id);
CREATE INDEX audit_log_org ON audit_log (organisation_id, id);
CREATE INDEX audit_log_object_org ON audit_log (object_organisation_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- The newest entry, kept in the same transaction as every append, so removing the newest rows
-- is found by verification too.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
