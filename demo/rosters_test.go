package demo_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/roster"
)

func TestDemoNextWeekendIsTheComingSaturday(t *testing.T) {
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ today, want string }{
		{"2026-11-25", "2026-11-28"}, // Wednesday
		{"2026-11-27", "2026-11-28"}, // Friday
		{"2026-11-28", "2026-12-05"}, // Saturday: the next one
		{"2026-11-29", "2026-12-05"}, // Sunday
	} {
		d, _ := time.ParseInLocation("2006-01-02", tc.today, ams)
		if got := demo.NextWeekend(d.Add(10 * time.Hour)).Format("2006-01-02"); got != tc.want {
			t.Errorf("today %s: next weekend %s, want %s", tc.today, got, tc.want)
		}
	}
}

// After loading the demo region, the coverage of the next 14 days has exactly the one deliberate
// gap (the voorwacht of demo.GapLocation on the coming Saturday night) and one duty without any
// roster (the SO/AVG of the location that has no contracted service on purpose); every rosters
// an answer needs exists, and each was written through the service with audit entries.
func TestDemoRostersLeaveExactlyTheOneGapNextWeekend(t *testing.T) {
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{
		time.Date(2026, 11, 25, 10, 0, 0, 0, ams), // a Wednesday
		time.Date(2026, 3, 21, 12, 0, 0, 0, ams),  // a Saturday: the gap is a week later, the night DST starts
	} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "demo.db")
			db := openDB(t, path)
			cfg := fastHashing
			cfg.Now = func() time.Time { return now }
			loaded, err := demo.LoadRegion(ctx, db.Store(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			reg := db.Register()
			locs, _, err := reg.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
			if err != nil {
				t.Fatal(err)
			}
			all, _, err := reg.Organisations(ctx, mgz.OrganisationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
			if err != nil {
				t.Fatal(err)
			}
			rosters, err := db.Store().Rosters().WithShifts(ctx, mgz.RosterFilter{})
			if err != nil {
				t.Fatal(err)
			}
			rr := roster.RegionRegister{Locations: locs, Organisations: map[int64]mgz.Organisation{}, GPPosts: map[string][]int64{}, Rosters: rosters}
			for _, o := range all {
				rr.Organisations[o.ID] = o
				if o.Kind == mgz.KindGPPost {
					rr.GPPosts[o.CareOfficeRegion] = append(rr.GPPosts[o.CareOfficeRegion], o.ID)
				}
			}
			byName := map[string]mgz.Location{}
			for _, l := range locs {
				byName[l.Name] = l
			}

			// The rosters an answer needs: every location's voorwacht, every provider's
			// behaviour specialist, both services' physician on call, the GP post's SO and AVG.
			have := map[string]bool{}
			for _, r := range rosters {
				owner := int64(0)
				if r.LocationID != nil {
					owner = *r.LocationID
				} else {
					owner = *r.OrganisationID
				}
				have[string(r.Role)+"/"+itoa(owner)] = true
				if len(r.Shifts) != 3 {
					t.Errorf("roster %s: %d shifts, want day, evening and night", r.Name, len(r.Shifts))
				}
				for _, s := range r.Shifts {
					if s.Source != mgz.SourceDemoData || s.UID == "" || s.RRule != "FREQ=DAILY" || s.End.Sub(s.Start) != 8*time.Hour || !s.Start.Before(now.AddDate(0, 0, -14)) {
						t.Errorf("roster %s: shift %+v", r.Name, s)
					}
				}
			}
			need := func(role mgz.RosterRole, owner int64, what string) {
				if !have[string(role)+"/"+itoa(owner)] {
					t.Errorf("no %s roster for %s", role, what)
				}
			}
			for _, l := range locs {
				need(mgz.RosterFirstLine, l.ID, l.Name)
			}
			for _, o := range all {
				switch o.Kind {
				case mgz.KindCareProvider:
					need(mgz.RosterBehaviourSpecialist, o.ID, o.Name)
				case mgz.KindPhysicianService:
					need(mgz.RosterPhysicianOnCall, o.ID, o.Name)
				case mgz.KindGPPost:
					need(mgz.RosterGPPostElderly, o.ID, o.Name)
					need(mgz.RosterGPPostDisability, o.ID, o.Name)
				}
			}
			if loaded.Rosters != len(rosters) {
				t.Errorf("LoadRegion says %d rosters, the store has %d", loaded.Rosters, len(rosters))
			}

			gaps, err := roster.Gaps(roster.Duties(rr), now, now.AddDate(0, 0, 14), 0)
			if err != nil {
				t.Fatal(err)
			}
			sat := demo.NextWeekend(now)
			wantFrom := time.Date(sat.Year(), sat.Month(), sat.Day(), 23, 0, 0, 0, ams)
			wantTo := time.Date(sat.Year(), sat.Month(), sat.Day()+1, 7, 0, 0, 0, ams)
			gapLoc, noService := byName[demo.GapLocation], byName["Wooninitiatief Samen Thuis"]
			if gapLoc.ID == 0 || noService.ID == 0 || noService.PhysicianServiceID != nil {
				t.Fatalf("the demo's gap locations changed: %+v, %+v", gapLoc, noService)
			}
			var uncovered, noRoster int
			for _, g := range gaps {
				switch {
				case g.Kind == mgz.GapUncovered && g.Role == mgz.RosterFirstLine && g.LocationID != nil && *g.LocationID == gapLoc.ID &&
					g.From.Equal(wantFrom) && g.To.Equal(wantTo):
					uncovered++
				case g.Kind == mgz.GapNoRoster && g.Role == mgz.RosterPhysicianOnCall && g.LocationID != nil && *g.LocationID == noService.ID:
					noRoster++
				default:
					t.Errorf("unexpected gap: %s (%+v)", g, g)
				}
			}
			if uncovered != 1 || noRoster != 1 {
				t.Fatalf("gaps %v: want the one night of %s from %s and the SO/AVG of %s", gaps, demo.GapLocation, wantFrom, noService.Name)
			}

			// Written through the service: an audit entry per roster and per import of its shifts.
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			var audited int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'roster'`).Scan(&audited); err != nil {
				t.Fatal(err)
			}
			if audited < 2*len(rosters) {
				t.Fatalf("%d audit entries for %d rosters, want a creation and an import each", audited, len(rosters))
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
