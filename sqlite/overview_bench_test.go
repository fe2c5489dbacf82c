package sqlite

import (
	"context"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// benchRegion is a region of 10,000 locations, built once per benchmark run.
func benchRegion(b *testing.B) *DB {
	b.Helper()
	db, err := Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	seedRegion(b, db, 10000)
	return db
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
