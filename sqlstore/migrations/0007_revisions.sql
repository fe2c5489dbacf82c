-- Optimistic concurrency (architecture.md, "Read-modify-write happens inside the write
-- transaction"): every editable record carries a revision that grows with every stored change.
-- An edit made on an older revision is refused with 409 and the lines of change_log written
-- since, so the editor learns what changed. Agreements also remember the organisations that were
-- removed as a party, which keep read access to the versions they were party to.

ALTER TABLE agreements ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE locations ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contact_points ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

-- One Dutch line per stored revision of a record (object_type as in the audit log; object_id 0
-- for the region's settings). Never changed; removed with nothing, like the audit log.
CREATE TABLE change_log (
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    revision    INTEGER NOT NULL,
    summary     TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (object_type, object_id, revision)
);

-- An organisation removed as a party from an agreement by a new version. last_version is the
-- newest version it was party to; it keeps read access to versions up to that one.
CREATE TABLE agreement_former_parties (
    agreement_id    INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    last_version    INTEGER NOT NULL,
    removed_by      TEXT NOT NULL,
    removed_by_org  INTEGER NOT NULL,
    removed_at      TEXT NOT NULL,
    PRIMARY KEY (agreement_id, organisation_id, last_version)
);
CREATE INDEX agreement_former_parties_organisation ON agreement_former_parties (organisation_id);
