package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// coverageCounted is the coverage of every location counted from the patients themselves, as
// the store did before location_stats kept the count.
func coverageCounted(t *testing.T, db *DB) map[int64][2]int {
	t.Helper()
	rows, err := db.sql.Query(`SELECT l.id,
		(SELECT COUNT(*) FROM patients p WHERE p.location_id = l.id AND p.wlz <> 'none'),
		(SELECT COUNT(*) FROM patients p WHERE p.location_id = l.id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
		FROM locations l`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][2]int{}
	for rows.Next() {
		var id int64
		var wlz, fixed int
		if err := rows.Scan(&id, &wlz, &fixed); err != nil {
			t.Fatal(err)
		}
		out[id] = [2]int{wlz, fixed}
	}
	return out
}

func checkCoverage(t *testing.T, db *DB, when string) {
	t.Helper()
	want := coverageCounted(t, db)
	got := map[int64][2]int{}
	var after *mgz.CoverageCursor
	for {
		cs, total, err := db.Store().Patients().Coverage(context.Background(), mgz.CoverageFilter{Page: mgz.Page{Limit: 7}, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(want) {
			t.Fatalf("%s: total %d, want %d", when, total, len(want))
		}
		for _, c := range cs {
			got[c.Location.ID] = [2]int{c.WlzResidents, c.WithFixedGP}
			if (c.Location.FixedGPPracticeID == nil) != (c.FixedGPName == "") {
				t.Fatalf("%s: location %d: fixed practice %v named %q", when, c.Location.ID, c.Location.FixedGPPracticeID, c.FixedGPName)
			}
			if len(c.Location.Deliveries) == 0 {
				t.Fatalf("%s: location %d without its deliveries", when, c.Location.ID)
			}
		}
		if len(cs) < 7 {
			break
		}
		after = &mgz.CoverageCursor{Name: cs[len(cs)-1].Location.Name, ID: cs[len(cs)-1].Location.ID}
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d locations by cursor, want %d", when, len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("%s: location %d: wlz and with the fixed GP %v, counted %v", when, id, got[id], w)
		}
	}
}

// TestCoverageCountFollowsPatientsAndTheFixedPractice checks that the count of residents
// registered with the fixed practice, kept in location_stats, equals the count from the
// patients after every kind of change that moves it.
func TestCoverageCountFollowsPatientsAndTheFixedPractice(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 40)
	checkCoverage(t, db, "after seeding")
	steps := []struct{ name, sql string }{
		{"another fixed practice", "UPDATE locations SET fixed_gp_practice_id = (SELECT MIN(id) FROM organisations WHERE kind = 'gp_practice') WHERE id IN (2, 3, 7)"},
		{"no fixed practice", "UPDATE locations SET fixed_gp_practice_id = NULL WHERE id = 4"},
		{"the fixed practice of the residents", "UPDATE locations SET fixed_gp_practice_id = (SELECT gp_practice_id FROM patients WHERE location_id = 5 AND gp_practice_id IS NOT NULL LIMIT 1) WHERE id = 5"},
		{"patients registered elsewhere", "UPDATE patients SET gp_practice_id = (SELECT MAX(id) FROM organisations WHERE kind = 'gp_practice') WHERE location_id = 6"},
		{"patients moved", "UPDATE patients SET location_id = 8 WHERE location_id = 9"},
		{"Wlz ended", "UPDATE patients SET wlz = 'none' WHERE location_id = 10"},
		{"patients removed", "DELETE FROM patients WHERE location_id = 11"},
	}
	for _, s := range steps {
		if _, err := db.sql.Exec(s.sql); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		checkCoverage(t, db, s.name)
	}
}

// TestRemindOnIsKeptOnEveryWrite checks the stored remind_on against mgz.Agreement.RemindOn
// after creating, evaluating and ending an agreement, and that DueAgreements finds it by it.
func TestRemindOnIsKeptOnEveryWrite(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 30)
	ctx := context.Background()
	as := db.Store().Agreements()
	post := int64(30/25 + 30/10 + 1)
	a := &mgz.Agreement{Type: mgz.AgreementCooperation, Status: mgz.AgreementActive, Provider: 1, Practice: 2, GPPost: &post,
		Locations: []int64{1}, Start: mgz.NewDate(2025, 5, 10), EvaluationMonths: 12, TermMonths: 24, UpdatedAt: time.Now()}
	stored := func(when string) {
		t.Helper()
		var on sql.NullString
		if err := db.sql.QueryRow("SELECT remind_on FROM agreements WHERE id = $1", a.ID).Scan(&on); err != nil {
			t.Fatal(err)
		}
		if want := a.RemindOn().String(); on.String != want {
			t.Fatalf("%s: remind_on %q, want %q", when, on.String, want)
		}
	}
	due := func(today mgz.Date) bool {
		t.Helper()
		ags, err := as.DueAgreements(ctx, post, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range ags {
			if g.ID == a.ID {
				return true
			}
		}
		return false
	}
	if err := as.SaveVersion(ctx, a, "nieuw"); err != nil {
		t.Fatal(err)
	}
	stored("created")
	if a.RemindOn().String() != "2026-03-11" { // the evaluation of 2026-05-10, 60 days before
		t.Fatalf("remind on %s", a.RemindOn())
	}
	if due(mgz.NewDate(2026, 3, 10)) || !due(mgz.NewDate(2026, 3, 11)) {
		t.Fatal("DueAgreements does not follow remind_on")
	}
	ev := mgz.NewDate(2026, 5, 1)
	a.LastEvaluation = &ev
	if err := as.Update(ctx, a); err != nil {
		t.Fatal(err)
	}
	stored("evaluated") // now the end, 2027-05-09, 90 days before
	if due(mgz.NewDate(2026, 6, 1)) {
		t.Fatal("an evaluated agreement is still due")
	}
	a.Status = mgz.AgreementEnded
	if err := as.Update(ctx, a); err != nil {
		t.Fatal(err)
	}
	stored("ended")
	if due(mgz.NewDate(2030, 1, 1)) {
		t.Fatal("an ended agreement is due")
	}
}

// TestRemindOnBackfillEqualsGo runs the migration's SQL backfill over agreements with dates at
// the ends of months and compares it with mgz.Agreement.RemindOn.
func TestRemindOnBackfillEqualsGo(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 5)
	b, err := fs.ReadFile(migrationFiles, "0017_coverage_reminders.sql")
	if err != nil {
		t.Fatal(err)
	}
	// The backfill of the database under test: SQLite's json_extract and date(), or
	// PostgreSQL's ->> and mgz_add_months.
	src, err := migrationSQL(string(b), db.dialect)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(src, "UPDATE agreements SET remind_on")
	if i < 0 {
		t.Fatal("the backfill is not in the migration")
	}
	backfill := src[i : i+strings.Index(src[i:], ";")]
	var want []mgz.Agreement
	for _, start := range []mgz.Date{mgz.NewDate(2024, 1, 31), mgz.NewDate(2023, 1, 31), mgz.NewDate(2024, 2, 29), mgz.NewDate(2025, 8, 31), mgz.NewDate(2025, 12, 31)} {
		for _, c := range []struct{ eval, term int }{{12, 36}, {1, 0}, {0, 1}, {6, 13}, {0, 0}, {3, 1}} {
			a := mgz.Agreement{Type: mgz.AgreementCooperation, Status: mgz.AgreementActive, Provider: 1, Practice: 2,
				Start: start, EvaluationMonths: c.eval, TermMonths: c.term}
			if c.eval == 6 {
				last := mgz.NewDate(start.Year()+1, 3, 31)
				a.LastEvaluation = &last
			}
			state, _ := json.Marshal(a)
			if err := db.sql.QueryRow(`INSERT INTO agreements (provider_id, practice_id, status, state, updated_at) VALUES (1, 2, 'active', $1, '2026-01-01T00:00:00.000Z') RETURNING id`,
				string(state)).Scan(&a.ID); err != nil {
				t.Fatal(err)
			}
			want = append(want, a)
		}
	}
	if _, err := db.sql.Exec(backfill); err != nil {
		t.Fatal(err)
	}
	for _, a := range want {
		var on sql.NullString
		if err := db.sql.QueryRow("SELECT remind_on FROM agreements WHERE id = $1", a.ID).Scan(&on); err != nil {
			t.Fatal(err)
		}
		if on.String != a.RemindOn().String() {
			t.Errorf("start %s, evaluation every %d months, term %d: backfill %q, Go %q", a.Start, a.EvaluationMonths, a.TermMonths, on.String, a.RemindOn())
		}
	}
}

// TestInconsistentItemsFromStatsEqualTheItems compares, for every location, the items the
// register contradicts as read from location_stats with the count from the items themselves,
// after every kind of change to the items and on days before and after their end.
func TestInconsistentItemsFromStatsEqualTheItems(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 60)
	q := strings.ReplaceAll(`SELECT l.id, `+inconsistentExpr()+`, `+inconsistentStatsExpr()+`, `+inconsistentRowExpr()+`
		FROM locations l JOIN organisations p ON p.id = l.provider_id JOIN location_stats st ON st.location_id = l.id`, "$T", "$1")
	contradicted := 0
	check := func(when string) {
		t.Helper()
		for _, day := range []string{"2026-01-01", "2026-03-20", "2027-06-01"} {
			rows, err := db.sql.Query(q, day)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var id int64
				var items, stats, perRow int
				if err := rows.Scan(&id, &items, &stats, &perRow); err != nil {
					t.Fatal(err)
				}
				if items != stats || items != perRow {
					rows.Close()
					t.Fatalf("%s, on %s: location %d: %d contradicted items, location_stats says %d, sought per row %d", when, day, id, items, stats, perRow)
				}
				n++
				if items > 0 {
					contradicted++
				}
			}
			rows.Close()
			if n != 60 {
				t.Fatalf("%s: %d locations", when, n)
			}
		}
	}
	check("after seeding")
	if contradicted == 0 {
		t.Fatal("no location has an item the register contradicts: the comparison proves nothing")
	}
	steps := []struct{ name, sql string }{
		// Locations without an SO/AVG service (every seventh) contradict a met physician contract.
		{"a new version that is met until a day", `INSERT INTO prerequisite_items (location_id, key, status, note, valid_until, confirmed_by, confirmed_by_name, confirmed_at)
			SELECT id, 'physician_contract', 'met', '', '2026-06-30', 1, 'Beheerder', '2026-02-01T09:00:00.000Z' FROM locations WHERE id % 7 = 1`},
		{"a new version that is not met", `INSERT INTO prerequisite_items (location_id, key, status, note, valid_until, confirmed_by, confirmed_by_name, confirmed_at)
			SELECT id, 'first_line_24h', 'not_met', '', NULL, 1, 'Beheerder', '2026-02-01T09:00:00.000Z' FROM locations WHERE id % 3 = 0`},
		{"the register loses facts", "UPDATE locations SET physician_service_id = NULL WHERE id % 5 = 0"},
		{"an end date changed", "UPDATE prerequisite_items SET valid_until = '2026-02-01' WHERE key = 'behaviour_specialist_24h' AND location_id % 4 = 0"},
		{"a status changed", "UPDATE prerequisite_items SET status = 'not_met' WHERE key = 'gp_post_arrangement' AND location_id % 6 = 0"},
		{"the newest versions removed", "DELETE FROM prerequisite_items WHERE key = 'physician_contract' AND confirmed_at = '2026-02-01T09:00:00.000Z' AND location_id % 2 = 0"},
		{"contact points removed", "DELETE FROM contact_points WHERE role = 'behaviour_specialist' AND location_id % 3 = 1"},
		{"a provider's 24/7 first line becomes office hours", "UPDATE contact_points SET hours = 'office_hours' WHERE role = 'first_line' AND organisation_id % 2 = 0"},
		{"rosters take over", `INSERT INTO rosters (organisation_id, location_id, role, name, phone, created_at, updated_at)
			SELECT CAST(NULL AS BIGINT), id, 'behaviour_specialist', 'Rooster', '010', '2026-02-01T09:00:00.000Z', '2026-02-01T09:00:00.000Z' FROM locations WHERE id % 3 = 1 AND id % 2 = 0`},
		{"a provider's roster", `INSERT INTO rosters (organisation_id, location_id, role, name, phone, created_at, updated_at)
			SELECT DISTINCT provider_id, CAST(NULL AS BIGINT), 'first_line', 'Rooster', '010', '2026-02-01T09:00:00.000Z', '2026-02-01T09:00:00.000Z' FROM locations WHERE provider_id % 2 = 0`},
	}
	for _, s := range steps {
		if _, err := db.sql.Exec(s.sql); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		check(s.name)
	}
}
