package sqlstore

import (
	"context"
	"testing"

	"github.com/regio-mgz/mgz"
)

// registerFixture is one care provider in "Regio Noord" with one location, every prerequisite
// recorded as met, and nothing in the register behind them: no voorwacht, no behaviour specialist,
// no SO/AVG service, no GP post. Organisation 1 is the provider, 2 an SO/AVG service, 3 a GP post
// in another region; location 1 is the location.
func registerFixture(t *testing.T) *DB {
	t.Helper()
	db, _ := openTestDB(t)
	ctx := context.Background()
	at := "2026-01-01T00:00:00.000Z"
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.sql.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	org := "INSERT INTO organisations (kind, name, agb, kvk, address, postcode, city, phone, care_office_region, created_at, updated_at) VALUES ($1, $2, $3, '12345678', 'Dorpsstraat 1', '1234 AB', 'Voorbeeld', '0301234567', $4, $5, $5)"
	exec(org, mgz.KindCareProvider, "Zorggroep Noorderlicht", nil, "Regio Noord", at)
	exec(org, mgz.KindPhysicianService, "SO-dienst Noord", "02000001", "Regio Noord", at)
	exec(org, mgz.KindGPPost, "Huisartsenpost Zuid", "02000002", "Regio Zuid", at)
	exec(`INSERT INTO locations (provider_id, name, address, postcode, municipality, setting, sector, places, created_at, updated_at, lifecycle)
		VALUES (1, 'De Linde', 'Laan 2', '1234 AB', 'Noorddorp', 'institution', 'elderly', 12, $1, $1, 'open')`, at)
	for _, d := range mgz.Prerequisites {
		exec(`INSERT INTO prerequisite_items (location_id, key, status, note, confirmed_by, confirmed_by_name, confirmed_at)
			VALUES (1, $1, 'met', 'op orde', 1, 'Beheerder', $2)`, d.Key, at)
	}
	return db
}

func (db *DB) mustExec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := db.sql.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

const fixtureAt = "2026-01-01T00:00:00.000Z"

// registerAllBut fills the register for every checkable prerequisite except the one of key, so
// each test sees only its own rule.
func registerAllBut(t *testing.T, db *DB, key mgz.PrerequisiteKey) {
	t.Helper()
	if key != mgz.PrereqFirstLine24h {
		db.mustExec(t, `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)
			VALUES (1, NULL, 'first_line', '', '0301234567', '24_7', $1, $1)`, fixtureAt)
	}
	if key != mgz.PrereqBehaviourSpecialist24h {
		db.mustExec(t, `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)
			VALUES (NULL, 1, 'behaviour_specialist', '', '0301234567', 'office_hours', $1, $1)`, fixtureAt)
	}
	if key != mgz.PrereqPhysicianContract {
		db.mustExec(t, `UPDATE locations SET physician_service_id = 2 WHERE id = 1`)
	}
	if key != mgz.PrereqGPPostArrangement {
		db.mustExec(t, `UPDATE organisations SET care_office_region = 'Regio Noord' WHERE id = 3`)
	}
}

// assertRegister checks, for location 1, that key is inconsistent (or not) in the location's own
// evaluation and in the overview's SQL count and readiness filter, and that nothing else is.
func assertRegister(t *testing.T, db *DB, key mgz.PrerequisiteKey, wantInconsistent bool) {
	t.Helper()
	ctx := context.Background()
	st := db.Store()
	items, err := st.Prerequisites().Items(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := st.Prerequisites().RegisterFactsOf(ctx, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	rd := mgz.EvaluateWithRegister(1, items, overviewToday.Time, facts[1])
	if wantInconsistent {
		if rd.Ready || len(rd.Inconsistent) != 1 || rd.Inconsistent[0] != key || len(rd.Open) != 1 || rd.Open[0] != key {
			t.Fatalf("%s without the register: ready %v, inconsistent %v, open %v", key, rd.Ready, rd.Inconsistent, rd.Open)
		}
	} else if !rd.Ready || len(rd.Inconsistent) != 0 {
		t.Fatalf("%s with the register: ready %v, inconsistent %v, open %v", key, rd.Ready, rd.Inconsistent, rd.Open)
	}
	rows := collect(t, st.Overview(), mgz.OverviewFilter{})
	if len(rows) != 1 || rows[0].Ready == wantInconsistent || rows[0].OpenItems != len(rd.Open) {
		t.Fatalf("overview row: %+v, want ready %v", rows, !wantInconsistent)
	}
	n, err := st.Overview().OverviewCount(ctx, mgz.OverviewFilter{Ready: "not_ready"}, overviewToday)
	if err != nil || (n == 1) != wantInconsistent {
		t.Fatalf("overview filter not_ready: %d (%v), want inconsistent %v", n, err, wantInconsistent)
	}
}

func TestFirstLineMetWithoutRegisteredFirstLineIsInconsistent(t *testing.T) {
	db := registerFixture(t)
	registerAllBut(t, db, mgz.PrereqFirstLine24h)
	assertRegister(t, db, mgz.PrereqFirstLine24h, true)
	// A voorwacht in office hours only is not day and night.
	db.mustExec(t, `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)
		VALUES (NULL, 1, 'first_line', '', '0301234567', 'office_hours', $1, $1)`, fixtureAt)
	assertRegister(t, db, mgz.PrereqFirstLine24h, true)
	t.Run("a 24/7 contact point of the provider", func(t *testing.T) {
		db.mustExec(t, `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)
			VALUES (1, NULL, 'first_line', '', '0301234567', '24_7', $1, $1)`, fixtureAt)
		assertRegister(t, db, mgz.PrereqFirstLine24h, false)
		db.mustExec(t, `DELETE FROM contact_points WHERE role = 'first_line' AND hours = '24_7'`)
		assertRegister(t, db, mgz.PrereqFirstLine24h, true)
	})
	t.Run("a roster of the location", func(t *testing.T) {
		db.mustExec(t, `INSERT INTO rosters (organisation_id, location_id, role, name, phone, created_at, updated_at)
			VALUES (NULL, 1, 'first_line', 'Voorwacht De Linde', '0301234567', $1, $1)`, fixtureAt)
		assertRegister(t, db, mgz.PrereqFirstLine24h, false)
	})
}

func TestBehaviourSpecialistMetWithoutRegisteredSpecialistIsInconsistent(t *testing.T) {
	db := registerFixture(t)
	registerAllBut(t, db, mgz.PrereqBehaviourSpecialist24h)
	assertRegister(t, db, mgz.PrereqBehaviourSpecialist24h, true)
	t.Run("a contact point of the provider", func(t *testing.T) {
		db.mustExec(t, `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)
			VALUES (1, NULL, 'behaviour_specialist', '', '0301234567', '24_7', $1, $1)`, fixtureAt)
		assertRegister(t, db, mgz.PrereqBehaviourSpecialist24h, false)
		db.mustExec(t, `DELETE FROM contact_points WHERE role = 'behaviour_specialist'`)
		assertRegister(t, db, mgz.PrereqBehaviourSpecialist24h, true)
	})
	t.Run("a roster of the provider", func(t *testing.T) {
		db.mustExec(t, `INSERT INTO rosters (organisation_id, location_id, role, name, phone, created_at, updated_at)
			VALUES (1, NULL, 'behaviour_specialist', 'Gedragskundigen Noorderlicht', '0301234567', $1, $1)`, fixtureAt)
		assertRegister(t, db, mgz.PrereqBehaviourSpecialist24h, false)
	})
}

func TestPhysicianContractMetWithoutPhysicianServiceIsInconsistent(t *testing.T) {
	db := registerFixture(t)
	registerAllBut(t, db, mgz.PrereqPhysicianContract)
	assertRegister(t, db, mgz.PrereqPhysicianContract, true)
	db.mustExec(t, `UPDATE locations SET physician_service_id = 2 WHERE id = 1`)
	assertRegister(t, db, mgz.PrereqPhysicianContract, false)
}

func TestGPPostArrangementMetWithoutGPPostInRegionIsInconsistent(t *testing.T) {
	db := registerFixture(t)
	registerAllBut(t, db, mgz.PrereqGPPostArrangement)
	// The only GP post serves another care office region.
	assertRegister(t, db, mgz.PrereqGPPostArrangement, true)
	db.mustExec(t, `UPDATE organisations SET care_office_region = 'Regio Noord' WHERE id = 3`)
	assertRegister(t, db, mgz.PrereqGPPostArrangement, false)
}

// An item recorded as not met is open for that reason, never inconsistent, even with an empty
// register.
func TestPrereqNotMetIsNotInconsistent(t *testing.T) {
	db := registerFixture(t)
	db.mustExec(t, `INSERT INTO prerequisite_items (location_id, key, status, note, confirmed_by, confirmed_by_name, confirmed_at)
		VALUES (1, 'first_line_24h', 'not_met', '', 1, 'Beheerder', $1)`, fixtureAt)
	facts, err := db.Store().Prerequisites().RegisterFactsOf(context.Background(), []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	if facts[1] != (mgz.RegisterFacts{}) {
		t.Fatalf("empty register: facts %+v", facts[1])
	}
	items, _ := db.Store().Prerequisites().Items(context.Background(), 1)
	rd := mgz.EvaluateWithRegister(1, items, overviewToday.Time, facts[1])
	for _, k := range rd.Inconsistent {
		if k == mgz.PrereqFirstLine24h {
			t.Fatalf("not met first_line_24h flagged inconsistent: %v", rd.Inconsistent)
		}
	}
	rows := collect(t, db.Store().Overview(), mgz.OverviewFilter{})
	if len(rows) != 1 || rows[0].OpenItems != len(rd.Open) || len(rd.Open) != 4 {
		t.Fatalf("open: overview %+v, evaluation %v", rows, rd.Open)
	}
}
