-- Coverage and reminders as indexed queries (issue 14).
--
-- Coverage: location_stats keeps, per location, how many Wlz residents are registered with the
-- location's fixed GP practice, so GET /api/v1/coverage reads locations joined with
-- location_stats in name order (one query per page) instead of counting patients per location.
-- The count changes with the patients (insert, update, delete) and with the location's fixed
-- practice; triggers keep it in step in the same transaction as the change, like the other
-- counts of location_stats (0014).
ALTER TABLE location_stats ADD COLUMN fixed_gp INTEGER NOT NULL DEFAULT 0;

UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
        WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id);

-- dialect: sqlite
CREATE TRIGGER location_stats_fixed_gp_patient_insert AFTER INSERT ON patients WHEN NEW.location_id IS NOT NULL BEGIN
    UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
        WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
        WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_fixed_gp_patient_update AFTER UPDATE OF location_id, wlz, gp_practice_id ON patients BEGIN
    UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
        WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
        WHERE location_id = OLD.location_id;
    UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
        WHERE p.location_id = NEW.location_id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
        WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_fixed_gp_patient_delete AFTER DELETE ON patients WHEN OLD.location_id IS NOT NULL BEGIN
    UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
        WHERE p.location_id = OLD.location_id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
        WHERE location_id = OLD.location_id;
END;

CREATE TRIGGER location_stats_fixed_gp_location AFTER UPDATE OF fixed_gp_practice_id ON locations BEGIN
    UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p
        WHERE p.location_id = NEW.id AND p.wlz <> 'none' AND p.gp_practice_id = NEW.fixed_gp_practice_id)
        WHERE location_id = NEW.id;
END;
-- dialect: postgres
CREATE FUNCTION location_stats_count_fixed_gp(loc bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE location_stats SET fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
        WHERE p.location_id = loc AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
        WHERE location_id = loc;
END $$;

-- location_stats_fixed_gp_patient_insert, _update and _delete: the old location, then the new one.
CREATE FUNCTION location_stats_fixed_gp_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM location_stats_count_fixed_gp(OLD.location_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM location_stats_count_fixed_gp(NEW.location_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_fixed_gp_patient_insert AFTER INSERT ON patients
    FOR EACH ROW WHEN (NEW.location_id IS NOT NULL) EXECUTE FUNCTION location_stats_fixed_gp_patient();
CREATE TRIGGER location_stats_fixed_gp_patient_update AFTER UPDATE OF location_id, wlz, gp_practice_id ON patients
    FOR EACH ROW EXECUTE FUNCTION location_stats_fixed_gp_patient();
CREATE TRIGGER location_stats_fixed_gp_patient_delete AFTER DELETE ON patients
    FOR EACH ROW WHEN (OLD.location_id IS NOT NULL) EXECUTE FUNCTION location_stats_fixed_gp_patient();

CREATE FUNCTION location_stats_fixed_gp_location() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM location_stats_count_fixed_gp(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_fixed_gp_location AFTER UPDATE OF fixed_gp_practice_id ON locations
    FOR EACH ROW EXECUTE FUNCTION location_stats_fixed_gp_location();
-- dialect: all


-- Reminders: remind_on is the first day on which an active agreement needs a reminder: 60 days
-- before its next evaluation or 90 days before its end, whichever comes first; NULL when it is
-- not active or has neither. The store computes it from the agreement on every write
-- (mgz.Agreement.RemindOn), so the reminders of today are "remind_on <= today" through an index.
ALTER TABLE agreements ADD COLUMN remind_on TEXT;
CREATE INDEX agreements_remind_on ON agreements (remind_on);
CREATE INDEX agreements_provider_remind_on ON agreements (provider_id, remind_on);
CREATE INDEX agreements_practice_remind_on ON agreements (practice_id, remind_on);
CREATE INDEX agreements_gp_post_remind_on ON agreements (gp_post_id, remind_on);
-- The active agreements of a care provider, for the locations without one (missing_agreement).
CREATE INDEX agreements_provider_status ON agreements (provider_id, status);

-- SQLite-only backfill of the agreements stored before this migration: it reads the JSON state
-- (json_extract) and adds months with date(); both normalise an overflowing day as Go's
-- time.AddDate does (31 January plus one month is 3 March), so the result equals RemindOn.
-- dialect: sqlite
UPDATE agreements SET remind_on = (
    SELECT CASE
        WHEN e IS NULL THEN d
        WHEN d IS NULL THEN e
        WHEN e < d THEN e ELSE d END
    FROM (SELECT
        CASE WHEN COALESCE(json_extract(agreements.state, '$.last_evaluation'), json_extract(agreements.state, '$.start')) IS NOT NULL
              AND COALESCE(json_extract(agreements.state, '$.evaluation_months'), 0) > 0
            THEN date(COALESCE(json_extract(agreements.state, '$.last_evaluation'), json_extract(agreements.state, '$.start')),
                 '+' || json_extract(agreements.state, '$.evaluation_months') || ' months', '-60 days') END AS e,
        CASE WHEN json_extract(agreements.state, '$.start') IS NOT NULL
              AND COALESCE(json_extract(agreements.state, '$.term_months'), 0) <> 0
            THEN date(json_extract(agreements.state, '$.start'),
                 printf('%+d months', json_extract(agreements.state, '$.term_months')), '-1 day', '-90 days') END AS d))
    WHERE status = 'active';
-- dialect: postgres
-- PostgreSQL's backfill reads the JSON state with ->>. Its own month arithmetic (date + interval)
-- clamps an overflowing day (31 January plus one month is 29 February), so months are added as
-- Go's time.AddDate adds them: to the first of the month, and the day's offset added after.
CREATE FUNCTION mgz_add_months(d date, months integer) RETURNS date LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT make_date((EXTRACT(YEAR FROM d)::integer * 12 + EXTRACT(MONTH FROM d)::integer - 1 + months) / 12,
                     (EXTRACT(YEAR FROM d)::integer * 12 + EXTRACT(MONTH FROM d)::integer - 1 + months) % 12 + 1, 1)
        + (EXTRACT(DAY FROM d)::integer - 1)
$$;
UPDATE agreements SET remind_on = (
    SELECT to_char(LEAST(
        CASE WHEN COALESCE(last_evaluation, start) IS NOT NULL AND COALESCE(evaluation_months, 0) > 0
            THEN mgz_add_months(COALESCE(last_evaluation, start), evaluation_months) - 60 END,
        CASE WHEN start IS NOT NULL AND COALESCE(term_months, 0) <> 0
            THEN mgz_add_months(start, term_months) - 1 - 90 END), 'YYYY-MM-DD')
    FROM (SELECT
        CAST(NULLIF(s ->> 'last_evaluation', '') AS date) AS last_evaluation,
        CAST(NULLIF(s ->> 'start', '') AS date) AS start,
        CAST(s ->> 'evaluation_months' AS integer) AS evaluation_months,
        CAST(s ->> 'term_months' AS integer) AS term_months
        FROM (SELECT CAST(agreements.state AS jsonb) AS s) AS j) AS f)
    WHERE status = 'active';
-- dialect: all


-- Lists in index order (queryplan_test.go): a page of a filtered list is read from an index
-- that has the filter's column first and the list's order after it, never sorted after reading.
CREATE INDEX IF NOT EXISTS organisations_name_id ON organisations (name, id);
CREATE INDEX IF NOT EXISTS locations_provider_name ON locations (provider_id, name, id);
CREATE INDEX IF NOT EXISTS locations_fixed_gp_name ON locations (fixed_gp_practice_id, name, id);
CREATE INDEX IF NOT EXISTS locations_physician_service_name ON locations (physician_service_id, name, id);
CREATE INDEX IF NOT EXISTS users_organisation_name ON users (organisation_id, name, id);
CREATE INDEX IF NOT EXISTS rosters_organisation_id ON rosters (organisation_id, id);
-- The current item of a location's prerequisite (the highest id per location and key) with its
-- status and end date, read from the index alone: the overview asks it per location for the
-- items the register contradicts.
CREATE INDEX IF NOT EXISTS prerequisite_items_current ON prerequisite_items (location_id, key, id, status, valid_until);

-- The overview sorts and filters by readiness over the whole region. Four of its items may be
-- contradicted by the register (sqlstore/prerequisites.go, registerFacts); looking up each one's
-- current version per location cost a seek per location and item (the readiness sort went from
-- 25 to 144 ms at 10,000 locations). location_stats keeps, per location, whether the current
-- version of each of these four items is met and until when, so the sort reads them with the
-- location's other counts; whether it is still valid today is checked at query time.
ALTER TABLE location_stats ADD COLUMN first_line_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE location_stats ADD COLUMN first_line_until TEXT;
ALTER TABLE location_stats ADD COLUMN specialist_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE location_stats ADD COLUMN specialist_until TEXT;
ALTER TABLE location_stats ADD COLUMN physician_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE location_stats ADD COLUMN physician_until TEXT;
ALTER TABLE location_stats ADD COLUMN gp_post_met INTEGER NOT NULL DEFAULT 0;
ALTER TABLE location_stats ADD COLUMN gp_post_until TEXT;
-- dialect: sqlite
UPDATE location_stats SET
        first_line_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1);

CREATE TRIGGER location_stats_current_items_insert AFTER INSERT ON prerequisite_items BEGIN
    UPDATE location_stats SET
        first_line_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1)
        WHERE location_id = NEW.location_id;
END;

CREATE TRIGGER location_stats_current_items_delete AFTER DELETE ON prerequisite_items BEGIN
    UPDATE location_stats SET
        first_line_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1)
        WHERE location_id = OLD.location_id;
END;

CREATE TRIGGER location_stats_current_items_update AFTER UPDATE OF location_id, key, status, valid_until ON prerequisite_items BEGIN
    UPDATE location_stats SET
        first_line_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = OLD.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1)
        WHERE location_id = OLD.location_id;
    UPDATE location_stats SET
        first_line_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT i.status = 'met' FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = NEW.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1)
        WHERE location_id = NEW.location_id;
END;
-- dialect: postgres
UPDATE location_stats SET
        first_line_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = location_stats.location_id AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1);

CREATE FUNCTION location_stats_count_current_items(loc bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE location_stats SET
        first_line_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1), 0),
        first_line_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'first_line_24h' ORDER BY i.id DESC LIMIT 1),
        specialist_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1), 0),
        specialist_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'behaviour_specialist_24h' ORDER BY i.id DESC LIMIT 1),
        physician_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1), 0),
        physician_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'physician_contract' ORDER BY i.id DESC LIMIT 1),
        gp_post_met = COALESCE((SELECT CASE WHEN i.status = 'met' THEN 1 ELSE 0 END FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1), 0),
        gp_post_until = (SELECT i.valid_until FROM prerequisite_items i WHERE i.location_id = loc AND i.key = 'gp_post_arrangement' ORDER BY i.id DESC LIMIT 1)
        WHERE location_id = loc;
END $$;

-- location_stats_current_items_insert, _delete and _update: the old location, then the new one.
CREATE FUNCTION location_stats_current_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM location_stats_count_current_items(OLD.location_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM location_stats_count_current_items(NEW.location_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER location_stats_current_items_insert AFTER INSERT ON prerequisite_items
    FOR EACH ROW EXECUTE FUNCTION location_stats_current_items();
CREATE TRIGGER location_stats_current_items_delete AFTER DELETE ON prerequisite_items
    FOR EACH ROW EXECUTE FUNCTION location_stats_current_items();
CREATE TRIGGER location_stats_current_items_update AFTER UPDATE OF location_id, key, status, valid_until ON prerequisite_items
    FOR EACH ROW EXECUTE FUNCTION location_stats_current_items();
-- dialect: all

