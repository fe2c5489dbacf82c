-- storage_probe takes the write probe of readiness (/readyz): a row that needs fresh pages is
-- inserted and rolled back, so a full, read-only or corrupt database is noticed before a person
-- meets it. The table stays empty.
CREATE TABLE storage_probe (
    id      INTEGER PRIMARY KEY,
    payload TEXT NOT NULL
);
