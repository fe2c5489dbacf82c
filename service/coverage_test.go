package service

import (
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

type coverageFixture struct {
	*fixture
	covered, bare mgz.Location
	cp, gp, rhoA  mgz.Actor
}

// newCoverageFixture: location covered has a first_line roster from 07:00 to 23:00 every day
// (the nights are gaps); location bare has no roster at all.
func newCoverageFixture(t *testing.T) *coverageFixture {
	f := newFixture(t)
	c := &coverageFixture{fixture: f, covered: f.location(f.provider.ID, "Woonvorm De Es"), bare: f.location(f.provider.ID, "Woonvorm De Eik")}
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	id := c.covered.ID
	r := mgz.Roster{LocationID: &id, Role: mgz.RosterFirstLine, Name: "Voorwacht De Es", Phone: "0120 555111",
		Shifts: []mgz.Shift{{UID: "dag", Person: "Team De Es", Start: time.Date(2026, 3, 1, 7, 0, 0, 0, ams),
			End: time.Date(2026, 3, 1, 23, 0, 0, 0, ams), RRule: "FREQ=DAILY"}}}
	if err := f.db.Store().Rosters().CreateRoster(f.ctx, &r); err != nil {
		t.Fatal(err)
	}
	_, c.cp = f.user(f.provider, mgz.RoleViewer)
	_, c.gp = f.user(f.practice, mgz.RolePhysician)
	_, c.rhoA = f.user(f.rho, mgz.RoleViewer)
	return c
}

func TestCoverageGapsFindTheMissingNightsOfALocation(t *testing.T) {
	c := newCoverageFixture(t)
	gaps, err := c.s.CoverageGaps(c.ctx, c.cp, CoverageFilter{LocationID: c.covered.ID, Role: mgz.RosterFirstLine})
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 14 {
		t.Fatalf("got %d gaps in 14 days, want 14 nights: %v", len(gaps), gaps)
	}
	g := gaps[0]
	want := time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC) // 23:00 in Amsterdam
	if g.Kind != mgz.GapUncovered || !g.From.Equal(want) || !g.To.Equal(want.Add(8*time.Hour)) ||
		g.OrganisationID != c.provider.ID || g.LocationID == nil || *g.LocationID != c.covered.ID {
		t.Errorf("first gap = %+v, want the night from %s", g, want)
	}
}

func TestCoverageGapsNoRosterAndFilters(t *testing.T) {
	c := newCoverageFixture(t)
	gaps, err := c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{LocationID: c.bare.ID})
	if err != nil {
		t.Fatal(err)
	}
	roles := map[mgz.RosterRole]bool{}
	for _, g := range gaps {
		if g.Kind != mgz.GapNoRoster || !g.From.Equal(c.clock) || !g.To.Equal(c.clock.Add(DefaultCoverageWindow)) {
			t.Errorf("gap of a location without rosters = %+v, want no_roster over 14 days", g)
		}
		roles[g.Role] = true
	}
	if len(gaps) != 3 || !roles[mgz.RosterFirstLine] || !roles[mgz.RosterBehaviourSpecialist] || !roles[mgz.RosterPhysicianOnCall] {
		t.Errorf("gaps of the bare location = %+v", gaps)
	}
	// The whole region: both locations; by organisation: the provider's duties only.
	all, err := c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{Role: mgz.RosterBehaviourSpecialist})
	if err != nil || len(all) != 2 {
		t.Errorf("behaviour specialist gaps of the region = %d, %v; want 2", len(all), err)
	}
	own, err := c.s.CoverageGaps(c.ctx, c.cp, CoverageFilter{OrganisationID: c.provider.ID, From: c.clock, To: c.clock.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// 1 night of De Es + 2 no_roster of De Es + 3 no_roster of De Eik.
	if len(own) != 6 {
		t.Errorf("the provider's own gaps in a day = %d, want 6: %+v", len(own), own)
	}
	none, err := c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{OrganisationID: c.practice.ID})
	if err != nil || len(none) != 0 {
		t.Errorf("a practice has no duties, got %v, %v", none, err)
	}
	_, err = c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{From: c.clock, To: c.clock.Add(63 * 24 * time.Hour)})
	wantCode(t, err, mgz.ECodeInvalid, "to")
	_, err = c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{Role: "nachtwacht"})
	wantCode(t, err, mgz.ECodeInvalid, "role")
}

func TestCoverageGapsPolicy(t *testing.T) {
	c := newCoverageFixture(t)
	_, err := c.s.CoverageGaps(c.ctx, c.gp, CoverageFilter{})
	wantCode(t, err, mgz.ECodeForbidden, "")
	_, err = c.s.CoverageGaps(c.ctx, c.cp, CoverageFilter{})
	wantCode(t, err, mgz.ECodeForbidden, "")
	_, err = c.s.CoverageGaps(c.ctx, c.gp, CoverageFilter{LocationID: c.covered.ID})
	wantCode(t, err, mgz.ECodeForbidden, "")
	if _, err := c.s.CoverageGaps(c.ctx, c.cp, CoverageFilter{OrganisationID: c.provider.ID}); err != nil {
		t.Errorf("a provider reading its own gaps: %v", err)
	}
	if _, err := c.s.CoverageGaps(c.ctx, c.cp, CoverageFilter{LocationID: c.bare.ID}); err != nil {
		t.Errorf("a provider reading its location's gaps: %v", err)
	}
	if _, err := c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{}); err != nil {
		t.Errorf("the RHO reading the region's gaps: %v", err)
	}
}

func TestScanCoverageGapsNotifiesOnceWithin72Hours(t *testing.T) {
	c := newCoverageFixture(t)
	count := func(org int64) int {
		t.Helper()
		_, n, err := c.db.Store().Notices().List(c.ctx, mgz.NoticeFilter{OrganisationID: org})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := len(c.entries())
	// Now is Monday 10:00 in Amsterdam: the nights of Monday, Tuesday and Wednesday start within
	// 72 hours; Thursday night's does not. Sunday night's ended this morning.
	n, err := c.s.ScanCoverageGaps(c.ctx)
	if err != nil || n != 3 {
		t.Fatalf("first scan = %d, %v; want 3", n, err)
	}
	if count(c.provider.ID) != 3 || count(c.fixture.rho.ID) != 3 || count(c.practice.ID) != 0 {
		t.Errorf("notices: provider %d, RHO %d, practice %d; want 3, 3, 0", count(c.provider.ID), count(c.fixture.rho.ID), count(c.practice.ID))
	}
	if got := len(c.entries()) - before; got != 1 {
		t.Errorf("the scan wrote %d audit entries, want 1", got)
	}
	c.clock = c.clock.Add(time.Hour)
	if n, err := c.s.ScanCoverageGaps(c.ctx); err != nil || n != 0 {
		t.Errorf("second scan = %d, %v; want 0", n, err)
	}
	if count(c.provider.ID) != 3 {
		t.Errorf("the second scan added notices: %d", count(c.provider.ID))
	}
	c.clock = c.clock.Add(23 * time.Hour) // Tuesday 10:00: Thursday night comes within 72 hours
	if n, err := c.s.ScanCoverageGaps(c.ctx); err != nil || n != 1 {
		t.Errorf("next day's scan = %d, %v; want 1", n, err)
	}
}

// The region's gap report is computed once and reused (coverageMemo) until a change through the
// service: a roster written to the store behind the service's back is not seen yet (the reuse),
// one created through the service is seen at once, together with the first.
func TestRegionGapReportIsReusedUntilAChange(t *testing.T) {
	c := newCoverageFixture(t)
	_, ed := c.user(c.provider, mgz.RoleEditor)
	region := func() int {
		t.Helper()
		gaps, err := c.s.CoverageGaps(c.ctx, c.rhoA, CoverageFilter{Role: mgz.RosterBehaviourSpecialist})
		if err != nil {
			t.Fatal(err)
		}
		return len(gaps)
	}
	if n := region(); n != 2 {
		t.Fatalf("behaviour specialist gaps of the region = %d, want 2 (both locations)", n)
	}
	ams, _ := time.LoadLocation(mgz.DefaultTimeZone)
	always := func(name string) mgz.Roster {
		return mgz.Roster{OrganisationID: &c.provider.ID, Role: mgz.RosterBehaviourSpecialist, Name: name, Phone: "0120 555222",
			Shifts: []mgz.Shift{{UID: name, Person: "Gedragsdeskundige", Start: time.Date(2026, 1, 1, 0, 0, 0, 0, ams),
				End: time.Date(2026, 1, 2, 0, 0, 0, 0, ams), RRule: "FREQ=DAILY"}}}
	}
	behind := always("achterom")
	if err := c.db.Store().Rosters().CreateRoster(c.ctx, &behind); err != nil {
		t.Fatal(err)
	}
	if n := region(); n != 2 {
		t.Fatalf("a write behind the service's back changed the report at once (%d gaps): the report was not reused", n)
	}
	// A change through the service (any audited change) makes the next report fresh. The
	// provider-wide roster covers both locations around the clock.
	other := mgz.Roster{OrganisationID: &c.provider.ID, Role: mgz.RosterFirstLine, Name: "Reserve", Phone: "0120 555333"}
	if err := c.s.CreateRoster(c.ctx, ed, &other); err != nil {
		t.Fatal(err)
	}
	if n := region(); n != 0 {
		t.Fatalf("after a change through the service the region still has %d behaviour specialist gaps, want 0", n)
	}
}
