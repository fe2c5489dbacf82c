-- The overview's handover ages (how many Wlz clients of a location have no handover, or one last
-- confirmed before the limit) are kept per location with the overview's other values
-- (sqlstore/overview_memo.go) until the change generation of 0019 moves. Clients moving, arriving
-- or leaving already move it through location_stats; a confirmation moves it here.

-- dialect: sqlite
CREATE TRIGGER overview_generation_handover_confirmations_insert AFTER INSERT ON handover_confirmations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_handover_confirmations_update AFTER UPDATE ON handover_confirmations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
CREATE TRIGGER overview_generation_handover_confirmations_delete AFTER DELETE ON handover_confirmations BEGIN
    INSERT INTO overview_generation (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1;
END;
-- dialect: postgres
CREATE TRIGGER overview_generation_handover_confirmations_insert AFTER INSERT ON handover_confirmations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_handover_confirmations_update AFTER UPDATE ON handover_confirmations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
CREATE TRIGGER overview_generation_handover_confirmations_delete AFTER DELETE ON handover_confirmations
    FOR EACH STATEMENT EXECUTE FUNCTION overview_generation_bump();
-- dialect: all
