-- Bounded audit input (issue 9): failures by someone not signed in (failed logins, bad bearer
-- tokens) are counted per client and window; the first few of a window are written to the audit
-- log in full, the rest only counted here and written as one summary entry when the window
-- closes. A row is updated in place, so a flood of failures does not grow the database.
CREATE TABLE audit_failure_windows (
    action           TEXT NOT NULL,
    client           TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    written          INTEGER NOT NULL,
    counted          INTEGER NOT NULL,
    first_counted_at TEXT,
    last_counted_at  TEXT,
    PRIMARY KEY (action, client)
);
CREATE INDEX audit_failure_windows_started ON audit_failure_windows (started_at);

-- Users get a revision for optimistic concurrency: an edit made on an older revision is refused.
ALTER TABLE users ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
