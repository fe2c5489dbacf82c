-- The regional overview (issue 11 part 5). A region of 10,000 locations is paged by keyset on
-- the location's name; sorting and filtering on counts read location_stats, one row per location
-- that triggers keep in step with patients, reports and prerequisites in the same transaction as
-- the change (so no writer needs to know about it). Expiry is not in it: an item that was met and
-- has expired by today is counted at query time through the index on valid_until.
-- The required prerequisite keys are those of mgz.Prerequisites (domain.md §5); a test checks
-- that this list and the Go list agree.
CREATE INDEX locations_name ON locations (name, id);
CREATE INDEX locations_municipality ON locations (municipality, name, id);
CREATE INDEX patients_location_wlz ON patients (location_id, wlz, delivery, gp_practice_id);
CREATE INDEX prerequisite_items_valid_until ON prerequisite_items (valid_until);

CREATE TABLE location_stats (
    location_id  INTEGER PRIMARY KEY REFERENCES locations (id) ON DELETE CASCADE,
    met          INTEGER NOT NULL DEFAULT 0, -- required prerequisites whose current version is met
    wlz          INTEGER NOT NULL DEFAULT 0,
    registered   INTEGER NOT NULL DEFAULT 0,
    unregistered INTEGER NOT NULL DEFAULT 0, -- should be registered by name (§3.3) but are not
    pgb          INTEGER NOT NULL DEFAULT 0,
    open_reports INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX location_stats_met ON location_stats (met, location_id);
CREATE INDEX location_stats_open_reports ON location_stats (open_reports, location_id);
CREATE INDEX location_stats_unregistered ON location_stats (unregistered, location_id);

INSERT INTO location_stats (location_id) SELECT id FROM locations;
UPDATE location_stats SET
        wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none'),
        registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
        unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
        pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.delivery = 'pgb')
       ;
UPDATE location_stats SET open_reports = (SELECT COUNT(*) FROM escalations e WHERE e.location_id = location_stats.location_id
        AND e.state IN ('care_provider', 'care_office', 'regional_table'));
UPDATE location_stats SET met = (SELECT COUNT(*) FROM prerequisite_items i WHERE i.location_id = location_stats.location_id
        AND i.key IN ('quality_standard', 'infection_protocol', 'wzd_protocol', 'legal_requirements', 'behaviour_specialist_24h', 'first_line_24h', 'physician_contract', 'agreements_before_opening', 'gp_post_arrangement', 'periodic_evaluation') AND i.status = 'met'
        AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = location_stats.location_id AND q.key = i.key));

-- dialect: sqlite
CREATE TRIGGER location_stats_location AFTER INSERT ON locations BEGIN
    INSERT INTO location_stats (location_id) VALUES (NEW.id);
END;
-- dialect: postgres
-- PostgreSQL: the same triggers, each calling a plpgsql function named after it (or, where SQLite
-- repeats one UPDATE for OLD and NEW, after its table) that recounts one location.
CREATE FUNCTION location_stats_location() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO location_stats (location_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_location AFTER INSERT ON locations FOR EACH ROW EXECUTE FUNCTION location_stats_location();
-- dialect: all


-- dialect: sqlite
CREATE TRIGGER location_stats_patient_insert AFTER INSERT ON patients WHEN NEW.location_id IS NOT NULL BEGIN
    UPDATE location_stats SET
        wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none'),
        registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
        unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
        pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.delivery = 'pgb')
        WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_patient_update AFTER UPDATE OF location_id, wlz, delivery, gp_practice_id ON patients BEGIN
    UPDATE location_stats SET
        wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none'),
        registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
        unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
        pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.delivery = 'pgb')
        WHERE location_id = OLD.location_id;
    UPDATE location_stats SET
        wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none'),
        registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
        unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
        pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.delivery = 'pgb')
        WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_patient_delete AFTER DELETE ON patients WHEN OLD.location_id IS NOT NULL BEGIN
    UPDATE location_stats SET
        wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none'),
        registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
        unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
        pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.delivery = 'pgb')
        WHERE location_id = OLD.location_id;
END;
-- dialect: postgres
CREATE FUNCTION location_stats_count_patients(loc bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE location_stats SET
        wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = loc AND p.wlz <> 'none'),
        registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = loc AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
        unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = loc AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
        pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = loc AND p.wlz <> 'none' AND p.delivery = 'pgb')
        WHERE location_id = loc;
END $$;

-- location_stats_patient_insert, _update and _delete: the old location, then the new one.
CREATE FUNCTION location_stats_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM location_stats_count_patients(OLD.location_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM location_stats_count_patients(NEW.location_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_patient_insert AFTER INSERT ON patients
    FOR EACH ROW WHEN (NEW.location_id IS NOT NULL) EXECUTE FUNCTION location_stats_patient();
CREATE TRIGGER location_stats_patient_update AFTER UPDATE OF location_id, wlz, delivery, gp_practice_id ON patients
    FOR EACH ROW EXECUTE FUNCTION location_stats_patient();
CREATE TRIGGER location_stats_patient_delete AFTER DELETE ON patients
    FOR EACH ROW WHEN (OLD.location_id IS NOT NULL) EXECUTE FUNCTION location_stats_patient();
-- dialect: all


-- dialect: sqlite
CREATE TRIGGER location_stats_report_insert AFTER INSERT ON escalations WHEN NEW.location_id IS NOT NULL BEGIN
    UPDATE location_stats SET open_reports = (SELECT COUNT(*) FROM escalations e WHERE e.location_id = NEW.location_id
        AND e.state IN ('care_provider', 'care_office', 'regional_table')) WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_report_update AFTER UPDATE OF location_id, state ON escalations BEGIN
    UPDATE location_stats SET open_reports = (SELECT COUNT(*) FROM escalations e WHERE e.location_id = OLD.location_id
        AND e.state IN ('care_provider', 'care_office', 'regional_table')) WHERE location_id = OLD.location_id;
    UPDATE location_stats SET open_reports = (SELECT COUNT(*) FROM escalations e WHERE e.location_id = NEW.location_id
        AND e.state IN ('care_provider', 'care_office', 'regional_table')) WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_report_delete AFTER DELETE ON escalations WHEN OLD.location_id IS NOT NULL BEGIN
    UPDATE location_stats SET open_reports = (SELECT COUNT(*) FROM escalations e WHERE e.location_id = OLD.location_id
        AND e.state IN ('care_provider', 'care_office', 'regional_table')) WHERE location_id = OLD.location_id;
END;
-- dialect: postgres
CREATE FUNCTION location_stats_count_reports(loc bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE location_stats SET open_reports = (SELECT COUNT(*) FROM escalations e WHERE e.location_id = loc
        AND e.state IN ('care_provider', 'care_office', 'regional_table')) WHERE location_id = loc;
END $$;

-- location_stats_report_insert, _update and _delete.
CREATE FUNCTION location_stats_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM location_stats_count_reports(OLD.location_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM location_stats_count_reports(NEW.location_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_report_insert AFTER INSERT ON escalations
    FOR EACH ROW WHEN (NEW.location_id IS NOT NULL) EXECUTE FUNCTION location_stats_report();
CREATE TRIGGER location_stats_report_update AFTER UPDATE OF location_id, state ON escalations
    FOR EACH ROW EXECUTE FUNCTION location_stats_report();
CREATE TRIGGER location_stats_report_delete AFTER DELETE ON escalations
    FOR EACH ROW WHEN (OLD.location_id IS NOT NULL) EXECUTE FUNCTION location_stats_report();
-- dialect: all


-- dialect: sqlite
CREATE TRIGGER location_stats_prerequisite_insert AFTER INSERT ON prerequisite_items BEGIN
    UPDATE location_stats SET met = (SELECT COUNT(*) FROM prerequisite_items i WHERE i.location_id = NEW.location_id
        AND i.key IN ('quality_standard', 'infection_protocol', 'wzd_protocol', 'legal_requirements', 'behaviour_specialist_24h', 'first_line_24h', 'physician_contract', 'agreements_before_opening', 'gp_post_arrangement', 'periodic_evaluation') AND i.status = 'met'
        AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = NEW.location_id AND q.key = i.key)) WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_prerequisite_delete AFTER DELETE ON prerequisite_items BEGIN
    UPDATE location_stats SET met = (SELECT COUNT(*) FROM prerequisite_items i WHERE i.location_id = OLD.location_id
        AND i.key IN ('quality_standard', 'infection_protocol', 'wzd_protocol', 'legal_requirements', 'behaviour_specialist_24h', 'first_line_24h', 'physician_contract', 'agreements_before_opening', 'gp_post_arrangement', 'periodic_evaluation') AND i.status = 'met'
        AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = OLD.location_id AND q.key = i.key)) WHERE location_id = OLD.location_id;
END;

CREATE TRIGGER location_stats_prerequisite_update AFTER UPDATE OF location_id, key, status ON prerequisite_items BEGIN
    UPDATE location_stats SET met = (SELECT COUNT(*) FROM prerequisite_items i WHERE i.location_id = OLD.location_id
        AND i.key IN ('quality_standard', 'infection_protocol', 'wzd_protocol', 'legal_requirements', 'behaviour_specialist_24h', 'first_line_24h', 'physician_contract', 'agreements_before_opening', 'gp_post_arrangement', 'periodic_evaluation') AND i.status = 'met'
        AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = OLD.location_id AND q.key = i.key)) WHERE location_id = OLD.location_id;
UPDATE location_stats SET met = (SELECT COUNT(*) FROM prerequisite_items i WHERE i.location_id = NEW.location_id
        AND i.key IN ('quality_standard', 'infection_protocol', 'wzd_protocol', 'legal_requirements', 'behaviour_specialist_24h', 'first_line_24h', 'physician_contract', 'agreements_before_opening', 'gp_post_arrangement', 'periodic_evaluation') AND i.status = 'met'
        AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = NEW.location_id AND q.key = i.key)) WHERE location_id = NEW.location_id;
END;
-- dialect: postgres
CREATE FUNCTION location_stats_count_met(loc bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE location_stats SET met = (SELECT COUNT(*) FROM prerequisite_items i WHERE i.location_id = loc
        AND i.key IN ('quality_standard', 'infection_protocol', 'wzd_protocol', 'legal_requirements', 'behaviour_specialist_24h', 'first_line_24h', 'physician_contract', 'agreements_before_opening', 'gp_post_arrangement', 'periodic_evaluation') AND i.status = 'met'
        AND i.id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = loc AND q.key = i.key)) WHERE location_id = loc;
END $$;

-- location_stats_prerequisite_insert, _delete and _update.
CREATE FUNCTION location_stats_prerequisite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM location_stats_count_met(OLD.location_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM location_stats_count_met(NEW.location_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_prerequisite_insert AFTER INSERT ON prerequisite_items
    FOR EACH ROW EXECUTE FUNCTION location_stats_prerequisite();
CREATE TRIGGER location_stats_prerequisite_delete AFTER DELETE ON prerequisite_items
    FOR EACH ROW EXECUTE FUNCTION location_stats_prerequisite();
CREATE TRIGGER location_stats_prerequisite_update AFTER UPDATE OF location_id, key, status ON prerequisite_items
    FOR EACH ROW EXECUTE FUNCTION location_stats_prerequisite();
-- dialect: all

