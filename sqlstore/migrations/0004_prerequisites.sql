-- Prerequisites per location (domain.md §5). Every recorded version of an item is a row; the
-- current item of a location and key is its newest row, so the history is never rewritten.
-- Documents (PDF or image evidence) are stored in the database, so a backup holds everything.
-- (PostgreSQL: BLOB becomes BYTEA.)

CREATE TABLE prerequisite_documents (
    id           INTEGER PRIMARY KEY,
    location_id  INTEGER NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  INTEGER,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX prerequisite_documents_location ON prerequisite_documents (location_id);

CREATE TABLE prerequisite_items (
    id                INTEGER PRIMARY KEY,
    location_id       INTEGER NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    key               TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('met', 'not_met', 'unknown')),
    note              TEXT NOT NULL,
    document_id       INTEGER REFERENCES prerequisite_documents (id) ON DELETE CASCADE,
    valid_until       TEXT,
    confirmed_by      INTEGER,
    confirmed_by_name TEXT NOT NULL,
    confirmed_at      TEXT NOT NULL
);
CREATE INDEX prerequisite_items_location_key ON prerequisite_items (location_id, key, id);
