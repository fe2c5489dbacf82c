-- Failed attempts counted by the throttles (logins per account and per address, wrong current
-- passwords, refused e-mail addresses, BSN matching), shared by every instance of mgz that
-- serves this database. key_hash is a hash of the throttle's name and key: never an e-mail
-- address, a network address or a BSN in clear. Rows are pruned after expires_at.
CREATE TABLE throttle_failures (
    id INTEGER PRIMARY KEY,
    key_hash TEXT NOT NULL,
    at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX throttle_failures_key ON throttle_failures (key_hash, at);
CREATE INDEX throttle_failures_expiry ON throttle_failures (expires_at);
