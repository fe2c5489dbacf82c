package sqlstore

import (
	"context"
	"reflect"
	"testing"

	"github.com/regio-mgz/mgz"
)

// memoFilters are the selections the memo tests compare: the region, both readiness filters and
// a municipality, each in every order.
func memoFilters() []mgz.OverviewFilter {
	var out []mgz.OverviewFilter
	for _, s := range mgz.OverviewSorts.Options() {
		for _, base := range []mgz.OverviewFilter{{}, {Ready: "not_ready"}, {Ready: "ready"}, {Municipality: "Gemeente 03"}} {
			base.Sort = s.Value
			out = append(out, base)
		}
	}
	return out
}

// queriedIDs is the selection of f in its order read from the database page by page, without
// the memo: the reference the kept results must equal.
func queriedIDs(t *testing.T, o *Overview, f mgz.OverviewFilter) []int64 {
	t.Helper()
	var out []int64
	f.After, f.Offset = nil, 0
	for {
		ids, last, err := o.queryPageIDs(context.Background(), f, overviewToday, 9)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ids...)
		if len(ids) < 9 {
			return out
		}
		f.After = last
	}
}

// checkMemo compares every kept result with its computation from the database.
func checkMemo(t *testing.T, db *DB, when string) {
	t.Helper()
	ctx := context.Background()
	o := &Overview{scope{db: db}}
	var providers []int64
	rows, err := db.sql.QueryContext(ctx, "SELECT id FROM organisations ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		providers = append(providers, id)
	}
	rows.Close()
	for _, ps := range [][]int64{providers, providers[:1], {2, 1, 2}} {
		got, err := o.AgreementMetaOf(ctx, ps)
		if err != nil {
			t.Fatal(err)
		}
		want, err := o.agreementMetaOf(ctx, ps)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: providers %v: kept agreements %+v, read %+v", when, ps, got, want)
		}
	}
	// The register's counts (the overview's header) are kept with the same generation.
	reg := db.Register()
	gotR, err := reg.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantR, err := reg.overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotR, wantR) {
		t.Fatalf("%s: kept register counts %+v, counted %+v", when, gotR, wantR)
	}
	// The values kept per location: rows, items and the register's facts, for every location and
	// for a part of them (a page), equal to a read.
	var ids []int64
	if err := func() error {
		rows, err := db.sql.QueryContext(ctx, "SELECT id FROM locations ORDER BY id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	}(); err != nil {
		t.Fatal(err)
	}
	pr := &Prerequisites{scope{db: db}}
	for _, part := range [][]int64{ids[:len(ids)/3], ids, append([]int64{1 << 40}, ids[len(ids)/2:]...)} {
		gotRows, err := o.rowsOf(ctx, part, overviewToday)
		if err != nil {
			t.Fatal(err)
		}
		readRows, err := o.readRows(ctx, part, overviewToday)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range part {
			if want := readRows[id]; !reflect.DeepEqual(gotRows[i], want) {
				t.Fatalf("%s: location %d: kept row %+v, read %+v", when, id, gotRows[i], want)
			}
		}
		gotItems, err := pr.ItemsOf(ctx, part)
		if err != nil {
			t.Fatal(err)
		}
		readItems, err := pr.itemsOf(ctx, part)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range part {
			if !sameItems(gotItems[id], readItems[id]) {
				t.Fatalf("%s: location %d: kept items %+v, read %+v", when, id, gotItems[id], readItems[id])
			}
		}
		gotFacts, err := pr.RegisterFactsOf(ctx, part)
		if err != nil {
			t.Fatal(err)
		}
		readFacts, err := pr.registerFactsOf(ctx, part)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range part {
			if gotFacts[id] != readFacts[id] {
				t.Fatalf("%s: location %d: kept register facts %+v, read %+v", when, id, gotFacts[id], readFacts[id])
			}
		}
	}
	// The residents per provider (its reminders), kept per provider.
	for _, prov := range providers {
		got, err := o.ResidentCounts(ctx, prov)
		if err != nil {
			t.Fatal(err)
		}
		want, err := o.residentCounts(ctx, prov)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%s: provider %d: kept residents %v, counted %v", when, prov, got, want)
		}
	}
	// The handover ages, kept per location, at two moments: as one grouped query counts them.
	for _, before := range []string{"2026-01-01T00:00:00.000Z", "2026-03-01T10:00:00.001Z"} {
		at, err := parseTime(before)
		if err != nil {
			t.Fatal(err)
		}
		got, err := (&Handovers{scope{db: db}}).AgesAt(ctx, ids, at)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]mgz.HandoverAges{}
		rows, err := db.sql.QueryContext(ctx, `SELECT location_id,
			SUM(CASE WHEN last IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN last < $1 THEN 1 ELSE 0 END)
			FROM (SELECT p.location_id AS location_id,
				(SELECT MAX(c.confirmed_at) FROM handover_confirmations c WHERE c.patient_id = p.id) AS last
				FROM patients p WHERE p.wlz <> 'none' AND p.location_id IS NOT NULL) x
			GROUP BY location_id`, before)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var loc int64
			var a mgz.HandoverAges
			if err := rows.Scan(&loc, &a.Missing, &a.Outdated); err != nil {
				t.Fatal(err)
			}
			want[loc] = a
		}
		rows.Close()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: handover ages before %s: kept %v, counted %v", when, before, got, want)
		}
	}
	for _, f := range memoFilters() {
		want := queriedIDs(t, o, f)
		var got []int64
		for _, r := range collect(t, o, f) {
			got = append(got, r.LocationID)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %+v: kept order %v, queried %v", when, f, got, want)
		}
		// Paged by keyset and by offset from the kept order.
		var paged []int64
		p := f
		p.Limit = 7
		for {
			page := collect(t, o, p)
			for _, r := range page {
				paged = append(paged, r.LocationID)
			}
			if len(page) < p.Limit {
				break
			}
			last := page[len(page)-1]
			p.After = &mgz.OverviewCursor{Text: last.Name, Text2: last.ProviderName, ID: last.LocationID, Count: countOf(f.Sort, last)}
		}
		if !reflect.DeepEqual(paged, want) {
			t.Fatalf("%s: %+v: paged %v, queried %v", when, f, paged, want)
		}
		p.After, p.Offset = nil, 10
		if page := collect(t, o, p); len(want) > 10 && (len(page) == 0 || page[0].LocationID != want[10]) {
			t.Fatalf("%s: %+v: offset 10 starts at %v, want %d", when, f, page, want[10])
		}
		n, err := o.OverviewCount(ctx, f, overviewToday)
		if err != nil || n != len(want) {
			t.Fatalf("%s: %+v: count %d (%v), want %d", when, f, n, err, len(want))
		}
		if f.Sort == mgz.SortName {
			gotT, err := o.OverviewProviders(ctx, f, overviewToday)
			if err != nil {
				t.Fatal(err)
			}
			wantT, err := o.providers(ctx, f, overviewToday)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotT, wantT) {
				t.Fatalf("%s: %+v: kept totals %+v, computed %+v", when, f, gotT, wantT)
			}
			from := mgz.NewDate(2025, 4, 1)
			gotQ, err := o.OverviewQuarters(ctx, f, from, overviewToday)
			if err != nil {
				t.Fatal(err)
			}
			wantQ, err := o.quarters(ctx, f, from, overviewToday)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotQ, wantQ) {
				t.Fatalf("%s: %+v: kept trends %+v, computed %+v", when, f, gotQ, wantQ)
			}
		}
	}
}

// sameItems reports whether a and b hold the same items in any order.
func sameItems(a, b []mgz.PrerequisiteItem) bool {
	if len(a) != len(b) {
		return false
	}
	byID := map[int64]mgz.PrerequisiteItem{}
	for _, it := range a {
		byID[it.ID] = it
	}
	for _, it := range b {
		if got, ok := byID[it.ID]; !ok || !reflect.DeepEqual(got, it) {
			return false
		}
	}
	return true
}

// Every kind of change the overview is computed from moves the generation, and the kept orders,
// counts, totals and trends then equal a computation from the database, on both databases.
func TestOverviewMemoFollowsEveryChange(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 70)
	ctx := context.Background()
	o := &Overview{scope{db: db}}
	const stamp = "'2026-03-01T10:00:00.000Z'"
	// Handovers without a confirmation yet (they count as missing).
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO handovers (patient_id, version, lead_org_id, lead_name, lead_reach, wishes, created_at, created_by_name)
		SELECT id, 1, 1, 'Arts', '010', '[]', `+stamp+`, 'Arts' FROM patients WHERE id % 4 = 0`); err != nil {
		t.Fatal(err)
	}
	checkMemo(t, db, "after seeding")
	steps := []struct{ name, sql string }{
		{"handovers are confirmed", `INSERT INTO handover_confirmations (patient_id, version, confirmed_at, name, org_id)
			SELECT patient_id, 1, CASE WHEN patient_id % 8 = 0 THEN '2025-06-01T08:00:00.000Z' ELSE ` + stamp + ` END, 'Arts', 1 FROM handovers`},
		{"a handover is confirmed again", `INSERT INTO handover_confirmations (patient_id, version, confirmed_at, name, org_id)
			SELECT patient_id, 1, '2026-03-02T08:00:00.000Z', 'Arts', 1 FROM handovers WHERE patient_id % 16 = 0`},
		{"a confirmation is removed", "DELETE FROM handover_confirmations WHERE patient_id % 12 = 0"},
		{"clients move", "UPDATE patients SET location_id = 2 WHERE id IN (1, 2, 3)"},
		{"a client is registered nowhere", "UPDATE patients SET gp_practice_id = NULL WHERE id IN (20, 21, 22, 23)"},
		{"a client leaves", "DELETE FROM patients WHERE id = 30"},
		{"clients arrive", `INSERT INTO patients (name, birth_date, bsn, location_id, home_postcode, sector, wlz, wlz_source, delivery,
			gp_practice_id, lead_physician, created_at, updated_at) SELECT name, birth_date, NULL, 7, home_postcode, sector, wlz, wlz_source,
			delivery, NULL, lead_physician, created_at, updated_at FROM patients WHERE id BETWEEN 40 AND 45`},
		{"a report is filed", `INSERT INTO escalations (reporter_practice_id, filed_by_org_id, care_provider_id, location_id, category, description,
			period_start, state, created_at, updated_at, closed_at) SELECT reporter_practice_id, filed_by_org_id, care_provider_id, 11, category,
			description, period_start, 'care_provider', ` + stamp + `, ` + stamp + `, NULL FROM escalations WHERE id = 1`},
		{"reports are resolved", "UPDATE escalations SET state = 'resolved', closed_at = " + stamp + " WHERE location_id IN (1, 5)"},
		{"steps become overdue", "UPDATE escalation_steps SET deadline = '2026-03-01' WHERE closed_at IS NULL AND escalation_id % 3 = 1"},
		{"a step is removed", "DELETE FROM escalation_steps WHERE escalation_id = 3"},
		{"items expire", `INSERT INTO prerequisite_items (location_id, key, status, note, valid_until, confirmed_by, confirmed_by_name, confirmed_at)
			SELECT id, 'quality_standard', 'met', '', '2026-03-01', 1, 'Beheerder', ` + stamp + ` FROM locations WHERE id % 5 = 0`},
		{"an item is no longer met", "UPDATE prerequisite_items SET status = 'not_met' WHERE key = 'wzd_protocol' AND location_id % 6 = 0"},
		{"items are removed", "DELETE FROM prerequisite_items WHERE key = 'quality_standard' AND valid_until = '2026-03-01' AND location_id % 10 = 0"},
		{"locations are renamed", "UPDATE locations SET name = 'Aa ' || name WHERE id % 9 = 0"},
		{"locations change provider", "UPDATE locations SET provider_id = 1 WHERE id % 11 = 0"},
		{"locations lose their SO/AVG service", "UPDATE locations SET physician_service_id = NULL WHERE id % 4 = 0"},
		{"a location is added", `INSERT INTO locations (provider_id, name, address, postcode, municipality, setting, sector, places,
			fixed_gp_practice_id, physician_service_id, created_at, updated_at, lifecycle, expected_opening)
			SELECT provider_id, 'Nieuwe locatie', address, postcode, municipality, setting, sector, places, fixed_gp_practice_id,
			physician_service_id, created_at, updated_at, lifecycle, expected_opening FROM locations WHERE id = 3`},
		{"a provider is renamed", "UPDATE organisations SET name = 'Aaa zorg' WHERE id = 2"},
		{"an organisation is added", `INSERT INTO organisations (kind, name, kvk, address, postcode, city, phone, care_office_region, created_at, updated_at)
			VALUES ('gp_post', 'Post Noord', '12345678', 'Straat 1', '1234 AB', 'Stad', '010', 'Regio', ` + stamp + `, ` + stamp + `)`},
		{"a location loses its fixed practice", "UPDATE locations SET fixed_gp_practice_id = NULL WHERE id % 7 = 0"},
		{"first-line contacts are removed", "DELETE FROM contact_points WHERE role = 'first_line' AND (location_id % 2 = 0 OR organisation_id = 2)"},
		{"contact points are removed", "DELETE FROM contact_points WHERE role = 'behaviour_specialist' AND location_id % 3 = 1"},
		{"a contact point is added", `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours, created_at, updated_at)
			VALUES (NULL, 3, 'behaviour_specialist', 'Gedragsdeskundige', '010', '24_7', ` + stamp + `, ` + stamp + `)`},
		{"agreements end", `UPDATE agreements SET state = replace(state, '"status":"active"', '"status":"ended"') WHERE id % 3 = 0`},
		{"an agreement is added", `INSERT INTO agreements (provider_id, practice_id, gp_post_id, status, state, updated_at, remind_on)
			SELECT provider_id, practice_id, gp_post_id, status, state, updated_at, remind_on FROM agreements WHERE id = 5`},
		{"an agreement is removed", "DELETE FROM agreements WHERE id = 7"},
		{"a roster is added", `INSERT INTO rosters (organisation_id, location_id, role, name, phone, created_at, updated_at)
			VALUES (NULL, 6, 'behaviour_specialist', 'Rooster', '010', ` + stamp + `, ` + stamp + `)`},
	}
	for _, s := range steps {
		before, err := o.generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.sql.ExecContext(ctx, s.sql); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		after, err := o.generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after <= before {
			t.Fatalf("%s: the generation stayed at %d", s.name, after)
		}
		checkMemo(t, db, s.name)
	}
}

// Reading does not move the generation, and a result computed once is reused.
func TestOverviewMemoReusesAResultWhileNothingChanges(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 30)
	ctx := context.Background()
	o := &Overview{scope{db: db}}
	f := mgz.OverviewFilter{Sort: mgz.SortReadiness, Limit: 5}
	if _, err := o.OverviewProviders(ctx, f, overviewToday); err != nil {
		t.Fatal(err)
	}
	collect(t, o, f)
	gen, err := o.generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	collect(t, o, f)
	if again, _ := o.generation(ctx); again != gen {
		t.Fatalf("reading moved the generation from %d to %d", gen, again)
	}
	m := memoOf(db)
	for _, key := range []string{filterKey("providers", mgz.OverviewFilter{}, overviewToday), filterKey("order", mgz.OverviewFilter{Sort: mgz.SortReadiness}, overviewToday)} {
		if _, ok := m.get(key, gen); !ok {
			t.Errorf("%s: not kept at generation %d", key, gen)
		}
	}
	// Another day is another result.
	if _, ok := m.get(filterKey("providers", mgz.OverviewFilter{}, mgz.NewDate(2026, 3, 21)), gen); ok {
		t.Error("a result of another day was found")
	}
	// Inside a transaction nothing is kept or reused.
	clear(m.entries)
	err = db.Store().Atomic(ctx, func(tx mgz.Tx) error {
		_, err := tx.Overview().OverviewProviders(ctx, f, overviewToday)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.entries) != 0 {
		t.Fatalf("a transaction kept %d results", len(m.entries))
	}
}
