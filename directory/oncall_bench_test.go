package directory_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/roster"
	"github.com/regio-mgz/mgz/rules"
)

// benchFixture stores the rosters of the tests: the SO service's day shift, the GP post's SO for
// the night and the location's voorwacht night shift, so a question at night walks the gap and the
// fallback.
func benchFixture(b *testing.B) *rosterFixture {
	f := newRosterFixture(b)
	f.soDayRoster(b)
	f.gpPostSORoster(b)
	locID := f.loc.ID
	f.roster(b, mgz.Roster{LocationID: &locID, Role: mgz.RosterFirstLine, Name: "Voorwacht nacht", Phone: "012 010 0097",
		Shifts: []mgz.Shift{daily("night", "Verpleegkundige Nachtegaal", "verpleegkundige", "", 23, 7)}})
	return f
}

func benchDecide(b *testing.B, f *rosterFixture, read directory.RosterReader) {
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		b.Fatal(err)
	}
	var opts []directory.Option
	if read != nil {
		opts = append(opts, directory.WithRosters(read, func(context.Context) (calendar.HolidaySet, error) { return calendar.Default().FreeDays, nil }))
	}
	e = e.WithEnricher(directory.New(f.reg, opts...).Enrich)
	resp := f.decide(b, e, rules.CategoryConditionTreatment, inNightGap)
	if read != nil && len(warningsOf(resp, rules.WarnOnCallGap)) != 1 {
		b.Fatalf("the benchmark's question does not reach the gap: %v", resp.Warnings)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f.decide(b, e, rules.CategoryConditionTreatment, inNightGap)
	}
}

// BenchmarkDecideWithRosters measures the rules engine with the directory and the rosters read
// from SQLite, as mgz serve answers (the register is read from SQLite too).
func BenchmarkDecideWithRosters(b *testing.B) {
	f := benchFixture(b)
	benchDecide(b, f, f.db.Store().Rosters().WithShifts)
}

// BenchmarkDecideWithRostersInMemory is the same with the rosters from memory, to separate the
// roster arithmetic from the SQLite reads of rosters.
func BenchmarkDecideWithRostersInMemory(b *testing.B) {
	f := benchFixture(b)
	all, err := f.db.Store().Rosters().WithShifts(context.Background(), mgz.RosterFilter{})
	if err != nil {
		b.Fatal(err)
	}
	benchDecide(b, f, func(_ context.Context, flt mgz.RosterFilter) ([]mgz.Roster, error) {
		var out []mgz.Roster
		for _, r := range all {
			if (r.OrganisationID != nil && slices.Contains(flt.OrganisationIDs, *r.OrganisationID)) ||
				(r.LocationID != nil && slices.Contains(flt.LocationIDs, *r.LocationID)) {
				out = append(out, r)
			}
		}
		return out, nil
	})
}

// BenchmarkDecideWithoutRosters is today's answer, the baseline of the two above.
func BenchmarkDecideWithoutRosters(b *testing.B) {
	benchDecide(b, benchFixture(b), nil)
}

// BenchmarkRosterArithmeticOfAnAnswer is the roster work a night answer of the benchmarks above
// adds to a decision, without any reads: who is on call for the voorwacht and the SO service, the
// SO service's gap traced over ±8 days, and the GP post's SO on call.
func BenchmarkRosterArithmeticOfAnAnswer(b *testing.B) {
	f := benchFixture(b)
	all, err := f.db.Store().Rosters().WithShifts(context.Background(), mgz.RosterFilter{})
	if err != nil || len(all) != 3 {
		b.Fatalf("rosters: %d, %v", len(all), err)
	}
	byRole := map[mgz.RosterRole][]mgz.Roster{}
	for _, r := range all {
		byRole[r.Role] = append(byRole[r.Role], r)
	}
	free := calendar.Default().FreeDays
	at := inNightGap
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if occ, err := roster.OnCall(byRole[mgz.RosterFirstLine], at, free); err != nil || len(occ) != 1 {
			b.Fatal("voorwacht", occ, err)
		}
		if occ, err := roster.OnCall(byRole[mgz.RosterPhysicianOnCall], at, free); err != nil || len(occ) != 0 {
			b.Fatal("SO", occ, err)
		}
		occ, err := roster.Expand(byRole[mgz.RosterPhysicianOnCall], at.Add(-8*24*time.Hour), at.Add(8*24*time.Hour), free)
		if err != nil || len(roster.Uncovered(occ, at.Add(-8*24*time.Hour), at.Add(8*24*time.Hour))) == 0 {
			b.Fatal("gap", err)
		}
		if occ, err := roster.OnCall(byRole[mgz.RosterGPPostElderly], at, free); err != nil || len(occ) != 1 {
			b.Fatal("HAP", occ, err)
		}
	}
}

// BenchmarkDecideWithRostersCached is BenchmarkDecideWithRosters with the directory's cache
// (WithCache) as mgz serve can wire it: nothing changes between the answers, so after the first
// they read nothing from SQLite.
func BenchmarkDecideWithRostersCached(b *testing.B) {
	f := benchFixture(b)
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		b.Fatal(err)
	}
	dir := directory.New(f.reg, directory.WithRosters(f.db.Store().Rosters().WithShifts,
		func(context.Context) (calendar.HolidaySet, error) { return calendar.Default().FreeDays, nil }),
		directory.WithCache(func() uint64 { return 1 }, directory.MaxCacheTTL))
	e = e.WithEnricher(dir.Enrich)
	if resp := f.decide(b, e, rules.CategoryConditionTreatment, inNightGap); len(warningsOf(resp, rules.WarnOnCallGap)) != 1 {
		b.Fatalf("the benchmark's question does not reach the gap: %v", resp.Warnings)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f.decide(b, e, rules.CategoryConditionTreatment, inNightGap)
	}
}
