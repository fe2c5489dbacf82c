package directory_test

import (
	"context"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/rules"
	"github.com/regio-mgz/mgz/service"
)

// With the cache wired to the service's change generation, as mgz serve can wire it, a roster
// created or imported through the service is in the very next answer, while a write behind the
// service's back is not yet (the answers do reuse what they read).
func TestCachedAnswerSeesARosterChangeThroughTheServiceAtOnce(t *testing.T) {
	f := newRosterFixture(t)
	f.soDayRoster(t)
	ctx := context.Background()
	svc := service.New(f.db.Store(), service.Config{})
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	e = e.WithEnricher(directory.New(f.reg, directory.WithRosters(f.db.Store().Rosters().WithShifts,
		func(context.Context) (calendar.HolidaySet, error) { return calendar.Default().FreeDays, nil }),
		directory.WithCache(svc.Generation, directory.MaxCacheTTL)).Enrich)
	onCall := func(step string) string {
		t.Helper()
		c := stepOf(t, f.decide(t, e, rules.CategoryConditionTreatment, inNightGap), rules.RoleElderlyCarePhysician).Contact
		if c == nil || c.OnCall == nil {
			return ""
		}
		return c.OnCall.Name
	}
	if who := onCall("first"); who != "" {
		t.Fatalf("at night the SO service has a gap, yet %q is named", who)
	}
	// Through the service: a night roster, then an import that puts another person on it.
	id := f.org(t, soService)
	night := mgz.Roster{OrganisationID: &id, Role: mgz.RosterPhysicianOnCall, Name: "SO-dienst nacht", Phone: "012 010 0100"}
	if err := svc.CreateRoster(ctx, service.System(), &night); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportShifts(ctx, service.System(), night.ID, mgz.SourceICal,
		[]mgz.Shift{daily("so-night", "Dr. N. Nachtegaal", "SO", "", 17, 8)}); err != nil {
		t.Fatal(err)
	}
	if who := onCall("after the import"); who != "Dr. N. Nachtegaal" {
		t.Fatalf("the answer after an import through the service names %q, want Dr. N. Nachtegaal", who)
	}
	if _, err := svc.ImportShifts(ctx, service.System(), night.ID, mgz.SourceICal,
		[]mgz.Shift{daily("so-night-2", "Dr. M. Maan", "SO", "", 17, 8)}); err != nil {
		t.Fatal(err)
	}
	if who := onCall("after the second import"); who != "Dr. M. Maan" {
		t.Fatalf("the answer after the second import names %q, want Dr. M. Maan", who)
	}
	// Behind the service's back (another process, say): the cached rosters answer until the
	// generation or the epoch moves on.
	sh := daily("so-night-3", "Dr. S. Ster", "SO", "", 17, 8)
	if err := sh.Normalise(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Store().Rosters().ReplaceShifts(ctx, night.ID, mgz.SourceICal, []mgz.Shift{sh}); err != nil {
		t.Fatal(err)
	}
	if who := onCall("behind the back"); who != "Dr. M. Maan" {
		t.Fatalf("a write behind the service's back is seen at once (%q): the answer did not reuse what it read", who)
	}
	// Any change through the service of what answers are made of empties the cache.
	other := mgz.Roster{OrganisationID: &id, Role: mgz.RosterPhysicianOnCall, Name: "SO-dienst reserve", Phone: "012 010 0101"}
	if err := svc.CreateRoster(ctx, service.System(), &other); err != nil {
		t.Fatal(err)
	}
	if who := onCall("after another change"); who != "Dr. S. Ster" {
		t.Fatalf("after a change through the service the answer names %q, want Dr. S. Ster", who)
	}
}
