package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// The national seed of the patient list benchmarks: 340,000 clients over 5,000 practices, one of
// which (stressPractice) has 17,000 clients and the rest about 65 each; a third of the clients live
// at one of 10,000 locations of 400 care providers, six in seven locations with one of 60 SO/AVG
// services; every fifth client has the practice as lead physician, every seventh an SO/AVG service.
const (
	benchClients    = 340000
	benchPractices  = 5000
	benchProviders  = 400
	benchServices   = 60
	benchLocations  = 10000
	stressPractice  = int64(1)
	stressClients   = 17000
	typicalPractice = int64(2)
)

var (
	benchFirstNames = []string{"Anna", "José", "Zoë", "Ömer", "Jan", "Fatima", "Pieter", "Émile", "Sanne", "Mohamed", "Noor", "Bram",
		"Eva", "Daan", "Lotte", "Ünal", "Sophie", "Thijs", "Iris", "Mila", "Lucas", "Julia", "Sem", "Tess", "Finn"}
	benchSurnames = []string{"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
		"Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
		"Çelik", "Yılmaz", "Sánchez", "Kuipers", "Verhoeven", "Huisman", "Schouten", "Kok", "Willems", "Maas", "Koster", "Prins", "Blom",
		"Postma", "Hoekstra", "Gerritsen", "Aydın", "Wouters"}
)

// benchName is client j's name; names repeat, so ties on the name are ordered by id.
func benchName(j int) string {
	f := benchFirstNames[j%len(benchFirstNames)]
	s := benchSurnames[(j/len(benchFirstNames)+j/7)%len(benchSurnames)]
	return fmt.Sprintf("%s %s", f, s)
}

// seedNational fills db with the national seed in one transaction of batched INSERTs (the
// triggers of migrations 0014 and 0016 run as they do for every client).
func seedNational(tb testing.TB, db *DB) { seedNationalN(tb, db, benchClients) }

// seedNationalN is seedNational with n clients.
func seedNationalN(tb testing.TB, db *DB, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	const at = "2026-01-05T09:00:00.000Z"
	batch := func(head string, cols, rows int, row func(i int) []any) {
		const per = 100 // numbered parameters are looked up by name: keep statements small
		for start := 0; start < rows; start += per {
			end := min(start+per, rows)
			var ph []string
			args := make([]any, 0, (end-start)*cols)
			for i := start; i < end; i++ {
				vals := row(i)
				p := make([]string, cols)
				for j := range vals {
					args = append(args, vals[j])
					p[j] = fmt.Sprintf("$%d", len(args))
				}
				ph = append(ph, "("+strings.Join(p, ", ")+")")
			}
			if _, err := tx.ExecContext(ctx, head+" VALUES "+strings.Join(ph, ", "), args...); err != nil {
				tb.Fatalf("%s: %v", head, err)
			}
		}
	}
	orgHead := "INSERT INTO organisations (id, kind, name, agb, kvk, address, postcode, city, phone, care_office_region, created_at, updated_at)"
	org := func(id int64, kind mgz.OrgKind, name string, agb any) []any {
		return []any{id, kind, name, agb, "12345678", "Dorpsstraat 1", "1234 AB", "Voorbeeld", "0301234567", "Voorbeeld", at, at}
	}
	batch(orgHead, 12, benchPractices, func(i int) []any {
		return org(int64(i+1), mgz.KindGPPractice, fmt.Sprintf("Praktijk %05d", i), fmt.Sprintf("01%06d", i))
	})
	firstProvider := int64(benchPractices + 1)
	batch(orgHead, 12, benchProviders, func(i int) []any {
		return org(firstProvider+int64(i), mgz.KindCareProvider, fmt.Sprintf("Zorgaanbieder %04d", i), nil)
	})
	firstService := firstProvider + benchProviders
	batch(orgHead, 12, benchServices, func(i int) []any {
		return org(firstService+int64(i), mgz.KindPhysicianService, fmt.Sprintf("SO/AVG-dienst %02d", i), fmt.Sprintf("02%06d", i))
	})
	batch(`INSERT INTO locations (id, provider_id, name, address, postcode, municipality, setting, sector, places,
		physician_service_id, created_at, updated_at)`, 12, benchLocations, func(i int) []any {
		var phys any
		if i%7 != 0 {
			phys = firstService + int64(i%benchServices)
		}
		return []any{int64(i + 1), firstProvider + int64(i%benchProviders), fmt.Sprintf("Locatie %05d", i), "Laan 2", "1234 AB",
			fmt.Sprintf("Gemeente %02d", i%40), mgz.SettingClusteredHousing, mgz.SectorElderly, 12, phys, at, at}
	})
	batch(`INSERT INTO patients (name, birth_date, bsn, location_id, home_postcode, sector, wlz, wlz_source, delivery,
		gp_practice_id, lead_physician, lead_physician_org_id, created_at, updated_at)`, 14, n, func(j int) []any {
		practiceID := stressPractice
		if j >= stressClients {
			practiceID = 2 + int64((j-stressClients)%(benchPractices-1))
		}
		var loc, lead any
		wlz, delivery, leadKind := mgz.WlzNone, mgz.DeliveryVPT, ""
		if j%3 == 0 {
			loc, wlz = int64((j/3)%benchLocations+1), mgz.WlzWithoutTreatment
		}
		switch {
		case j%5 == 0:
			lead, leadKind = practiceID, "gp"
		case j%7 == 0:
			lead, leadKind = firstService+int64(j%benchServices), "so"
		}
		birth := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, j%25000).Format(time.DateOnly)
		return []any{benchName(j), birth, nil, loc, "1234 AB", "elderly", wlz, "vecozo", delivery, practiceID, leadKind, lead, at, at}
	})
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkPatientList reads one page (50 clients, with the total) of the patient list at national
// scale, seeded once: the first page, a deep page by cursor and by offset, a name search of three
// or more characters (trigram index), a short one (within the visible rows) and a birth date, for
// the stress practice (17,000 clients), a typical practice (about 65), an SO/AVG service (about
// 2,000 clients through its locations and as lead physician) and the command line (all clients).
func BenchmarkPatientList(b *testing.B) {
	db, err := Open(context.Background(), storetest.DSN(b)) // SQLite, or PostgreSQL with MGZ_TEST_STORE=postgres
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	seedNational(b, db)
	analyze(b, db)
	b.Logf("seeded %d clients in %v", benchClients, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	ps := db.Store().Patients()
	// cursorAt is the cursor that continues after the first n clients of f's list.
	cursorAt := func(f mgz.PatientFilter, n int) string {
		f.Page = mgz.Page{Limit: 1, Offset: n - 1}
		got, _, err := ps.Patients(ctx, f)
		if err != nil || len(got) != 1 {
			b.Fatalf("client %d of the list: %v (%d)", n, err, len(got))
		}
		return mgz.PatientCursor(got[0])
	}
	service := int64(benchPractices + benchProviders + 1)
	callers := []struct {
		name string
		org  int64
		deep int
	}{{"stress_practice", stressPractice, 16000}, {"typical_practice", typicalPractice, 50}, {"service", service, 15000}, {"all", 0, 300000}}
	for _, c := range callers {
		base := mgz.PatientFilter{VisibleTo: c.org}
		if _, total, err := ps.Patients(ctx, mgz.PatientFilter{VisibleTo: c.org, Page: mgz.Page{Limit: 1}}); err != nil {
			b.Fatal(err)
		} else if c.deep > total-20 {
			c.deep = max(total-20, 1) // a deep page near the end of the caller's list
		}
		cases := []struct {
			name string
			f    mgz.PatientFilter
		}{
			{"first", base},
			{"deep_cursor", mgz.PatientFilter{VisibleTo: c.org, Page: mgz.Page{Cursor: cursorAt(base, c.deep)}}},
			{"deep_offset", mgz.PatientFilter{VisibleTo: c.org, Page: mgz.Page{Offset: c.deep}}},
			{"search", mgz.PatientFilter{VisibleTo: c.org, Query: "jans"}},
			{"search_rare", mgz.PatientFilter{VisibleTo: c.org, Query: "zoë çel"}},
			{"search_short", mgz.PatientFilter{VisibleTo: c.org, Query: "ij"}},
			{"birth_date", mgz.PatientFilter{VisibleTo: c.org, Query: "03-02-1931"}},
			{"fhir_keyset", mgz.PatientFilter{VisibleTo: c.org, Page: mgz.Page{Keyset: true, After: 200000}}},
		}
		for _, tc := range cases {
			f := tc.f
			f.Limit = 50
			b.Run(c.name+"/"+tc.name, func(b *testing.B) {
				var ds []time.Duration
				var n, total int
				for b.Loop() {
					t0 := time.Now()
					got, tot, err := ps.Patients(ctx, f)
					if err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t0))
					n, total = len(got), tot
				}
				b.ReportMetric(float64(n), "rows")
				b.ReportMetric(float64(total), "total")
				reportPercentiles(b, ds)
			})
		}
	}
}
