-- Agreements (domain.md §8). The current state is a JSON document with indexed party columns for
-- lookups; every version of the terms is kept as its own JSON document and never changed.

CREATE TABLE agreements (
    id          INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    practice_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    gp_post_id  INTEGER REFERENCES organisations (id) ON DELETE RESTRICT,
    status      TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX agreements_provider ON agreements (provider_id);
CREATE INDEX agreements_practice ON agreements (practice_id);
CREATE INDEX agreements_gp_post ON agreements (gp_post_id);

CREATE TABLE agreement_versions (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    terms        TEXT NOT NULL,
    made_by      TEXT NOT NULL,
    made_at      TEXT NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (agreement_id, version)
);
