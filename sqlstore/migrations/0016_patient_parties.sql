-- Who may see a client, as relations (issue 14 part 2). patient_parties holds one row per
-- organisation related to a client, with the ways it is related as bits in `relations`:
--   1 the registered practice (patients.gp_practice_id)
--   2 the lead physician's organisation (patients.lead_physician_org_id)
--   4 the care provider of the client's location (locations.provider_id)
--   8 the SO/AVG service linked to the location (locations.physician_service_id)
--  16 reserved for the GP post (by the client's home postcode): a later migration adds its own
--     triggers that set and clear only this bit; the triggers below touch only bits 1-8.
-- One row per (organisation, client), however many ways they are related, so a list is one index
-- range without DISTINCT. The list's sort key (the client's name) is copied into sort_name, so
--   WHERE organisation_id = ? AND (sort_name, patient_id) > (?, ?) ORDER BY sort_name, patient_id
-- reads patient_parties_list in order and stops after one page (no temporary B-tree, no scan),
-- and a count is a count of one index range. Triggers keep the table in step with patients and
-- locations in the same transaction as every change, so no writer needs to know about it.
--
-- Names are searched through patient_names, an FTS5 index of trigrams (three characters) over
-- patients.name: a part of a name of three or more characters, case-insensitive and without regard
-- to diacritics (remove_diacritics). Shorter terms are matched with LIKE on sort_name within the
-- rows the caller may see (ASCII case-insensitive, as before), so they are bounded by that range.
--
-- PostgreSQL: the same table and indexes; `relations & ~15` and `|` work on its integers; each
-- SQLite trigger has a PostgreSQL trigger of the same name that calls a plpgsql function, with
-- `IS DISTINCT FROM` for SQLite's `IS NOT` (TestPostgresTriggersMirrorSQLite); patient_names is a
-- GIN index with pg_trgm on the folded name (mgz_fold, below); and sort_name is compared in
-- COLLATE "C", so both databases order the list alike.

CREATE TABLE patient_parties (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    patient_id      INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    relations       INTEGER NOT NULL CHECK (relations > 0),
    sort_name       TEXT NOT NULL,
    PRIMARY KEY (organisation_id, patient_id) -- also the FHIR list's order (by id)
);
CREATE INDEX patient_parties_list ON patient_parties (organisation_id, sort_name, patient_id);
CREATE INDEX patient_parties_patient ON patient_parties (patient_id);

-- The number of clients each organisation may see, for the unfiltered list's total without
-- counting the range (17,000 index entries for a large practice). Kept by the triggers on
-- patient_parties below. (PostgreSQL: the same, or a count of the index range if the one row per
-- organisation becomes a point of contention.)
CREATE TABLE patient_party_counts (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    clients         INTEGER NOT NULL
);

-- The all-clients list of the command line (no caller's organisation) and the birth-date search.
CREATE INDEX patients_name ON patients (name, id);
CREATE INDEX patients_birth_date ON patients (birth_date);

-- SQLite only: FTS5 with an external content table (patients), kept in step by the triggers below.
-- dialect: sqlite
CREATE VIRTUAL TABLE patient_names USING fts5 (name, content = 'patients', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1');
-- dialect: postgres
-- PostgreSQL: a GIN index of trigrams (pg_trgm) over the folded name, mgz_fold(name): unaccent
-- removes the diacritics, lower the case. A search is mgz_fold(name) LIKE mgz_fold('%term%'),
-- which the index answers for terms of three or more characters. The index is built by CREATE
-- INDEX and follows every change of a name by itself, so the SQLite sections that fill and keep
-- patient_names have no PostgreSQL counterpart. Both extensions are trusted: the owner of the
-- database may create them. unaccent() is only STABLE (it reads the dictionary named by the
-- search path), so mgz_fold names the dictionary with its schema and is declared IMMUTABLE, as
-- an index expression must be; the schema is wherever the extension is installed.
-- Differences with SQLite's trigram tokenizer: unaccent also expands ligatures (æ, ß), and lower
-- follows the database's LC_CTYPE (with ctype C only ASCII letters; the term itself is lowered
-- by mgz in Go, so a term in capitals still finds a name in lower case).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $do$
DECLARE
    s text := (SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent');
BEGIN
    EXECUTE format($f$CREATE FUNCTION mgz_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $body$SELECT lower(%1$s.unaccent(%2$L::regdictionary, $1))$body$$f$, s, s || '.unaccent');
END $do$;
CREATE INDEX patients_name_trgm ON patients USING gin (mgz_fold(name) gin_trgm_ops);
-- The list's order is the bytes of the name, as SQLite's BINARY collation orders them, whatever
-- the database's collation.
ALTER TABLE patient_parties ALTER COLUMN sort_name SET DATA TYPE TEXT COLLATE "C";
-- dialect: all


INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
SELECT org, pid, SUM(bit), name FROM (
    SELECT id AS pid, name, gp_practice_id AS org, 1 AS bit FROM patients
    UNION ALL SELECT id, name, lead_physician_org_id, 2 FROM patients
    UNION ALL SELECT p.id, p.name, l.provider_id, 4 FROM patients p JOIN locations l ON l.id = p.location_id
    UNION ALL SELECT p.id, p.name, l.physician_service_id, 8 FROM patients p JOIN locations l ON l.id = p.location_id
) AS r WHERE org IS NOT NULL GROUP BY org, pid, name;
-- dialect: sqlite
INSERT INTO patient_names (patient_names) VALUES ('rebuild');
-- dialect: all

INSERT INTO patient_party_counts (organisation_id, clients) SELECT organisation_id, COUNT(*) FROM patient_parties GROUP BY organisation_id;

-- dialect: sqlite
CREATE TRIGGER patient_party_counts_insert AFTER INSERT ON patient_parties BEGIN
    INSERT INTO patient_party_counts (organisation_id, clients) VALUES (NEW.organisation_id, 1)
    ON CONFLICT (organisation_id) DO UPDATE SET clients = patient_party_counts.clients + 1;
END;

CREATE TRIGGER patient_party_counts_delete AFTER DELETE ON patient_parties BEGIN
    UPDATE patient_party_counts SET clients = clients - 1 WHERE organisation_id = OLD.organisation_id;
END;
-- dialect: postgres
CREATE FUNCTION patient_party_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO patient_party_counts (organisation_id, clients) VALUES (NEW.organisation_id, 1)
    ON CONFLICT (organisation_id) DO UPDATE SET clients = patient_party_counts.clients + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER patient_party_counts_insert AFTER INSERT ON patient_parties
    FOR EACH ROW EXECUTE FUNCTION patient_party_counts_insert();

CREATE FUNCTION patient_party_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE patient_party_counts SET clients = clients - 1 WHERE organisation_id = OLD.organisation_id;
    RETURN NULL;
END $$;
CREATE TRIGGER patient_party_counts_delete AFTER DELETE ON patient_parties
    FOR EACH ROW EXECUTE FUNCTION patient_party_counts_delete();
-- dialect: all


-- dialect: sqlite
CREATE TRIGGER patient_parties_insert AFTER INSERT ON patients BEGIN
    INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
    SELECT org, NEW.id, SUM(bit), NEW.name FROM (
        SELECT NEW.gp_practice_id AS org, 1 AS bit
        UNION ALL SELECT NEW.lead_physician_org_id, 2
        UNION ALL SELECT l.provider_id, 4 FROM locations l WHERE l.id = NEW.location_id
        UNION ALL SELECT l.physician_service_id, 8 FROM locations l WHERE l.id = NEW.location_id
    ) WHERE org IS NOT NULL GROUP BY org
    ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations, sort_name = excluded.sort_name;
    INSERT INTO patient_names (rowid, name) VALUES (NEW.id, NEW.name);
END;
-- dialect: postgres
-- The client's current relations (bits 1-8), added to the rows it has: the statement that
-- patient_parties_insert and patient_parties_update share.
CREATE FUNCTION patient_parties_add(client patients) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
    SELECT org, client.id, SUM(bit), client.name FROM (
        SELECT client.gp_practice_id AS org, 1 AS bit
        UNION ALL SELECT client.lead_physician_org_id, 2
        UNION ALL SELECT l.provider_id, 4 FROM locations l WHERE l.id = client.location_id
        UNION ALL SELECT l.physician_service_id, 8 FROM locations l WHERE l.id = client.location_id
    ) AS r WHERE org IS NOT NULL GROUP BY org
    ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations, sort_name = excluded.sort_name;
END $$;

CREATE FUNCTION patient_parties_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM patient_parties_add(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER patient_parties_insert AFTER INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION patient_parties_insert();
-- dialect: all


-- A change of name, practice, lead physician or location: drop the client's rows that only bits
-- 1-8 hold, clear those bits in the rest (which other bits still hold) and add the current
-- relations.
-- dialect: sqlite
CREATE TRIGGER patient_parties_update AFTER UPDATE OF name, gp_practice_id, lead_physician_org_id, location_id ON patients
WHEN OLD.name IS NOT NEW.name OR OLD.gp_practice_id IS NOT NEW.gp_practice_id
    OR OLD.lead_physician_org_id IS NOT NEW.lead_physician_org_id OR OLD.location_id IS NOT NEW.location_id BEGIN
    DELETE FROM patient_parties WHERE patient_id = OLD.id AND relations & ~15 = 0;
    UPDATE patient_parties SET relations = relations & ~15, sort_name = NEW.name WHERE patient_id = OLD.id;
    INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
    SELECT org, NEW.id, SUM(bit), NEW.name FROM (
        SELECT NEW.gp_practice_id AS org, 1 AS bit
        UNION ALL SELECT NEW.lead_physician_org_id, 2
        UNION ALL SELECT l.provider_id, 4 FROM locations l WHERE l.id = NEW.location_id
        UNION ALL SELECT l.physician_service_id, 8 FROM locations l WHERE l.id = NEW.location_id
    ) WHERE org IS NOT NULL GROUP BY org
    ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations, sort_name = excluded.sort_name;
END;
-- dialect: postgres
CREATE FUNCTION patient_parties_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM patient_parties WHERE patient_id = OLD.id AND (relations & ~15) = 0;
    UPDATE patient_parties SET relations = relations & ~15, sort_name = NEW.name WHERE patient_id = OLD.id;
    PERFORM patient_parties_add(NEW);
    RETURN NULL;
END $$;
CREATE TRIGGER patient_parties_update AFTER UPDATE OF name, gp_practice_id, lead_physician_org_id, location_id ON patients
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.gp_practice_id IS DISTINCT FROM NEW.gp_practice_id
        OR OLD.lead_physician_org_id IS DISTINCT FROM NEW.lead_physician_org_id OR OLD.location_id IS DISTINCT FROM NEW.location_id)
    EXECUTE FUNCTION patient_parties_update();
-- dialect: all


-- dialect: sqlite
CREATE TRIGGER patient_names_update AFTER UPDATE OF name ON patients WHEN OLD.name IS NOT NEW.name BEGIN
    INSERT INTO patient_names (patient_names, rowid, name) VALUES ('delete', OLD.id, OLD.name);
    INSERT INTO patient_names (rowid, name) VALUES (NEW.id, NEW.name);
END;
-- dialect: all


-- dialect: sqlite
CREATE TRIGGER patient_parties_delete AFTER DELETE ON patients BEGIN
    DELETE FROM patient_parties WHERE patient_id = OLD.id;
    INSERT INTO patient_names (patient_names, rowid, name) VALUES ('delete', OLD.id, OLD.name);
END;
-- dialect: postgres
-- (The foreign key's ON DELETE CASCADE removes the rows as well; the trigger keeps the two
-- databases alike.)
CREATE FUNCTION patient_parties_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM patient_parties WHERE patient_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER patient_parties_delete AFTER DELETE ON patients
    FOR EACH ROW EXECUTE FUNCTION patient_parties_delete();
-- dialect: all


-- A location changing care provider or SO/AVG service changes bits 4 and 8 of its residents.
-- dialect: sqlite
CREATE TRIGGER patient_parties_location AFTER UPDATE OF provider_id, physician_service_id ON locations
WHEN OLD.provider_id IS NOT NEW.provider_id OR OLD.physician_service_id IS NOT NEW.physician_service_id BEGIN
    DELETE FROM patient_parties WHERE relations & ~12 = 0 AND patient_id IN (SELECT id FROM patients WHERE location_id = NEW.id);
    UPDATE patient_parties SET relations = relations & ~12 WHERE relations & 12 <> 0 AND patient_id IN (SELECT id FROM patients WHERE location_id = NEW.id);
    INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
    SELECT org, pid, SUM(bit), name FROM (
        SELECT p.id AS pid, p.name AS name, NEW.provider_id AS org, 4 AS bit FROM patients p WHERE p.location_id = NEW.id
        UNION ALL SELECT p.id, p.name, NEW.physician_service_id, 8 FROM patients p WHERE p.location_id = NEW.id
    ) WHERE org IS NOT NULL GROUP BY org, pid, name
    ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations;
END;
-- dialect: postgres
CREATE FUNCTION patient_parties_location() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM patient_parties WHERE (relations & ~12) = 0 AND patient_id IN (SELECT id FROM patients WHERE location_id = NEW.id);
    UPDATE patient_parties SET relations = relations & ~12 WHERE (relations & 12) <> 0 AND patient_id IN (SELECT id FROM patients WHERE location_id = NEW.id);
    INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
    SELECT org, pid, SUM(bit), name FROM (
        SELECT p.id AS pid, p.name AS name, NEW.provider_id AS org, 4 AS bit FROM patients p WHERE p.location_id = NEW.id
        UNION ALL SELECT p.id, p.name, NEW.physician_service_id, 8 FROM patients p WHERE p.location_id = NEW.id
    ) AS r WHERE org IS NOT NULL GROUP BY org, pid, name
    ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations;
    RETURN NULL;
END $$;
CREATE TRIGGER patient_parties_location AFTER UPDATE OF provider_id, physician_service_id ON locations
    FOR EACH ROW WHEN (OLD.provider_id IS DISTINCT FROM NEW.provider_id OR OLD.physician_service_id IS DISTINCT FROM NEW.physician_service_id)
    EXECUTE FUNCTION patient_parties_location();
-- dialect: all

