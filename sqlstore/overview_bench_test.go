package sqlstore

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// benchRegion is the national region: 10,000 locations and 340,000 clients, seeded once per
// process (the benchmarks only read it). With MGZ_TEST_STORE=postgres it is a scratch database on
// the test server, seeded per benchmark: a scratch database lives as long as the benchmark that
// asked for it.
func benchRegion(b *testing.B) *DB {
	b.Helper()
	if storetest.Postgres() {
		db, err := Open(context.Background(), storetest.DSN(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		start := time.Now()
		seedRegionClients(b, db, 10000, 34)
		analyze(b, db)
		b.Logf("seeded the region on PostgreSQL in %v", time.Since(start).Round(time.Millisecond))
		return db
	}
	national.once.Do(func() {
		dir, err := os.MkdirTemp("", "mgz-bench-")
		if err != nil {
			b.Fatal(err)
		}
		national.dir = dir
		db, err := Open(context.Background(), dir+"/national.db")
		if err != nil {
			b.Fatal(err)
		}
		seedRegionClients(b, db, 10000, 34)
		national.db = db
	})
	if national.db == nil {
		b.Fatal("the national region could not be seeded (see the first benchmark)")
	}
	return national.db
}

// analyze brings a seeded PostgreSQL database to the state autovacuum brings it to soon after a
// load: statistics for the planner, which chooses by them (SQLite has none to gather), and a
// visibility map, so an index-only scan need not visit the table.
func analyze(b *testing.B, db *DB) {
	if db.dialect != dialectPostgres {
		return
	}
	if _, err := db.sql.Exec("VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// national is the region shared by the benchmarks of one process; TestMain removes it.
var national struct {
	once sync.Once
	db   *DB
	dir  string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if national.db != nil {
		national.db.Close()
	}
	if national.dir != "" {
		os.RemoveAll(national.dir)
	}
	os.Exit(code)
}

// reportPercentiles reports p50 and p99 of the iterations' durations in milliseconds.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkOverview10kLocations reads one page (50 rows) of the overview of a region with 10,000
// locations: the first page by name, a deep page by keyset, and the first page in each other order.
func BenchmarkOverview10kLocations(b *testing.B) {
	db := benchRegion(b)
	o := db.Store().Overview()
	ctx := context.Background()
	cases := []struct {
		name string
		f    mgz.OverviewFilter
	}{
		{"name", mgz.OverviewFilter{Sort: mgz.SortName, Limit: 50}},
		{"name_deep_keyset", mgz.OverviewFilter{Sort: mgz.SortName, Limit: 50, After: &mgz.OverviewCursor{Text: "Locatie 09000", ID: 9001}}},
		{"name_filtered", mgz.OverviewFilter{Sort: mgz.SortName, Limit: 50, Municipality: "Gemeente 07", Sector: mgz.SectorElderly}},
		{"provider", mgz.OverviewFilter{Sort: mgz.SortProvider, Limit: 50}},
		{"readiness", mgz.OverviewFilter{Sort: mgz.SortReadiness, Limit: 50}},
		{"not_ready", mgz.OverviewFilter{Ready: "not_ready", Limit: 50}},
		{"open_reports", mgz.OverviewFilter{Sort: mgz.SortOpenReports, Limit: 50}},
		{"unregistered", mgz.OverviewFilter{Sort: mgz.SortUnregistered, Limit: 50}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				start := time.Now()
				n := 0
				if err := o.OverviewRows(ctx, c.f, overviewToday, func(mgz.OverviewRow) error { n++; return nil }); err != nil {
					b.Fatal(err)
				}
				if n != 50 {
					b.Fatalf("%d rows, want 50", n)
				}
				ds = append(ds, time.Since(start))
			}
			reportPercentiles(b, ds)
		})
	}
	// The same orders right after a change: the kept order is computed again (overview_memo.go),
	// which is what the first page after every change costs. bump stands for a change.
	bump := func(b *testing.B) {
		b.StopTimer()
		if _, err := db.sql.ExecContext(ctx, `INSERT INTO overview_generation (id, n) VALUES (1, 1)
			ON CONFLICT (id) DO UPDATE SET n = overview_generation.n + 1`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	for _, c := range cases[3:] {
		b.Run(c.name+"_after_change", func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				bump(b)
				start := time.Now()
				if err := o.OverviewRows(ctx, c.f, overviewToday, func(mgz.OverviewRow) error { return nil }); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			reportPercentiles(b, ds)
		})
	}
	// What the service adds to a page: the current prerequisite items (for mgz.Evaluate) and the
	// agreements' metadata of the page's providers.
	b.Run("name_page_as_served", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			var ids, providers []int64
			seen := map[int64]bool{}
			err := o.OverviewRows(ctx, mgz.OverviewFilter{Sort: mgz.SortName, Limit: 50}, overviewToday, func(r mgz.OverviewRow) error {
				ids = append(ids, r.LocationID)
				if !seen[r.ProviderID] {
					seen[r.ProviderID] = true
					providers = append(providers, r.ProviderID)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := db.Store().Prerequisites().ItemsOf(ctx, ids); err != nil {
				b.Fatal(err)
			}
			if _, err := o.AgreementMetaOf(ctx, providers); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
	b.Run("providers_totals_after_change", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			bump(b)
			start := time.Now()
			if _, err := o.OverviewProviders(ctx, mgz.OverviewFilter{}, overviewToday); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
	b.Run("quarters_after_change", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			bump(b)
			start := time.Now()
			if _, err := o.OverviewQuarters(ctx, mgz.OverviewFilter{}, mgz.NewDate(2025, 4, 1), overviewToday); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
	b.Run("providers_totals", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			if _, err := o.OverviewProviders(ctx, mgz.OverviewFilter{}, overviewToday); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
	b.Run("quarters", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			if _, err := o.OverviewQuarters(ctx, mgz.OverviewFilter{}, mgz.NewDate(2025, 4, 1), overviewToday); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
}

// BenchmarkOverviewCSV10kLocations streams every row of a region of 10,000 locations through a
// CSV writer into nothing: allocations per op show that the export does not hold the region.
func BenchmarkOverviewCSV10kLocations(b *testing.B) {
	db := benchRegion(b)
	o := db.Store().Overview()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		w := csv.NewWriter(io.Discard)
		n := 0
		err := o.OverviewRows(ctx, mgz.OverviewFilter{}, overviewToday, func(r mgz.OverviewRow) error {
			n++
			return w.Write([]string{r.Name, r.ProviderName, strconv.Itoa(r.OpenItems), strconv.Itoa(r.OpenReports)})
		})
		w.Flush()
		if err != nil || n != 10000 {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
}

// BenchmarkCoverage10kLocations reads pages of GET /api/v1/coverage from the store: the first
// page, a deep page by offset and the same page by keyset on the name.
func BenchmarkCoverage10kLocations(b *testing.B) {
	db := benchRegion(b)
	ps := db.Store().Patients()
	ctx := context.Background()
	cases := []struct {
		name string
		f    mgz.CoverageFilter
	}{
		{"first_page", mgz.CoverageFilter{Page: mgz.Page{Limit: 50}}},
		{"deep_offset", mgz.CoverageFilter{Page: mgz.Page{Limit: 50, Offset: 9000}}},
		{"deep_keyset", mgz.CoverageFilter{Page: mgz.Page{Limit: 50}, After: &mgz.CoverageCursor{Name: "Locatie 08999", ID: 9000}}},
		{"max_page", mgz.CoverageFilter{Page: mgz.Page{Limit: mgz.MaxLimit}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var ds []time.Duration
			for b.Loop() {
				start := time.Now()
				cs, total, err := ps.Coverage(ctx, c.f)
				if err != nil || total != 10000 || len(cs) != c.f.Limit {
					b.Fatalf("%d rows of %d, %v", len(cs), total, err)
				}
				ds = append(ds, time.Since(start))
			}
			reportPercentiles(b, ds)
		})
	}
}

// BenchmarkReminders reads what service.Reminders reads: the agreements due of the GP post (a
// party to every cooperation agreement of the region) and of a care provider, and for the care
// provider its active agreements and its residents per location.
func BenchmarkReminders(b *testing.B) {
	db := benchRegion(b)
	s := db.Store()
	ctx := context.Background()
	postID := int64(10000/25 + 10000/10 + 1)
	b.Run("gp_post", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			if _, err := s.Agreements().DueAgreements(ctx, postID, overviewToday); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Agreements().FormerParties(ctx, 0, postID); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
	b.Run("care_provider", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			if _, err := s.Agreements().DueAgreements(ctx, 1, overviewToday); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Agreements().ActiveAgreementsOfProvider(ctx, 1); err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.Register().Locations(ctx, mgz.LocationFilter{ProviderID: 1, Page: mgz.Page{Limit: mgz.MaxLimit}}); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Overview().ResidentCounts(ctx, 1); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		reportPercentiles(b, ds)
	})
}

// BenchmarkRegisterOverview10kLocations is the region's totals on the start page.
func BenchmarkRegisterOverview10kLocations(b *testing.B) {
	db := benchRegion(b)
	ctx := context.Background()
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := db.Store().Register().Overview(ctx); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
	}
	reportPercentiles(b, ds)
}
