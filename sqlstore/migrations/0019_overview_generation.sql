-- The regional overview's change generation (issues 14 and 15): one counter that moves with every
-- change of what the overview's orders, totals, trends and agreement metadata are computed from,
-- in the transaction of the change. The store keeps such region-wide results
-- (sqlstore/overview_memo.go) for the generation and the day they were computed at, so a
-- national region's sorted pages, provider totals and quarterly trends are computed once per
-- change instead of once per request; a change by another process or instance moves the same
-- counter. location_stats stands for the clients, reports and prerequisites whose counts it
-- keeps (its triggers update it with every such change). The table is empty until the first
-- change (an upsert), so a new database stays empty for mgz migrate-store.
CREATE TABLE overview_generation (
    id INTEGER PRIMARY KEY,
    n  INTEGER NOT NULL
);

-- dialect: sqlite
CREATE TRIGGER overview_generation_locations_insert AFTER INSERT ON locations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_locations_update AFTER UPDATE ON locations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_locations_delete AFTER DELETE ON locations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_organisations_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_organisations_update AFTER UPDATE ON organisations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_organisations_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_location_stats_insert AFTER INSERT ON location_stats BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_location_stats_update AFTER UPDATE ON location_stats BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_location_stats_delete AFTER DELETE ON location_stats BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_prerequisite_items_insert AFTER INSERT ON prerequisite_items BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_prerequisite_items_update AFTER UPDATE ON prerequisite_items BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_prerequisite_items_delete AFTER DELETE ON prerequisite_items BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_escalations_insert AFTER INSERT ON escalations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_escalations_update AFTER UPDATE ON escalations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_escalations_delete AFTER DELETE ON escalations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_escalation_steps_insert AFTER INSERT ON escalation_steps BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_escalation_steps_update AFTER UPDATE ON escalation_steps BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_escalation_steps_delete AFTER DELETE ON escalation_steps BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_contact_points_insert AFTER INSERT ON contact_points BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_contact_points_update AFTER UPDATE ON contact_points BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_contact_points_delete AFTER DELETE ON contact_points BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_rosters_insert AFTER INSERT ON rosters BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_rosters_update AFTER UPDATE ON rosters BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_rosters_delete AFTER DELETE ON rosters BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_agreements_insert AFTER INSERT ON agreements BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_agreements_update AFTER UPDATE ON agreements BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_agreements_delete AFTER DELETE ON agreements BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
-- dialect: postgres
-- PostgreSQL: the same triggers, per statement (a bulk change moves the counter once), each
-- calling overview_generation_bump.
CREATE FUNCTION overview_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER overview_generation_locations_insert AFTER INSERT ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_locations_update AFTER UPDATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_locations_delete AFTER DELETE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_organisations_insert AFTER INSERT ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_organisations_update AFTER UPDATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_organisations_delete AFTER DELETE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_location_stats_insert AFTER INSERT ON location_stats
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_location_stats_update AFTER UPDATE ON location_stats
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_location_stats_delete AFTER DELETE ON location_stats
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_prerequisite_items_insert AFTER INSERT ON prerequisite_items
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_prerequisite_items_update AFTER UPDATE ON prerequisite_items
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_prerequisite_items_delete AFTER DELETE ON prerequisite_items
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_escalations_insert AFTER INSERT ON escalations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_escalations_update AFTER UPDATE ON escalations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_escalations_delete AFTER DELETE ON escalations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_escalation_steps_insert AFTER INSERT ON escalation_steps
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_escalation_steps_update AFTER UPDATE ON escalation_steps
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_escalation_steps_delete AFTER DELETE ON escalation_steps
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_contact_points_insert AFTER INSERT ON contact_points
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_contact_points_update AFTER UPDATE ON contact_points
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_contact_points_delete AFTER DELETE ON contact_points
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_rosters_insert AFTER INSERT ON rosters
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_rosters_update AFTER UPDATE ON rosters
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_rosters_delete AFTER DELETE ON rosters
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_agreements_insert AFTER INSERT ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_agreements_update AFTER UPDATE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_agreements_delete AFTER DELETE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
-- dialect: all
