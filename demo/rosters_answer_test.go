package demo_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/rules"
)

// The demo's deliberate gap reaches the answer (issue 13): at night inside the gap the voorwacht
// step of De Boomgaard names nobody and the answer warns on_call_gap; an hour before the gap it
// names the person on call.
func TestDemoAnswerInTheWeekendGapWarnsOnCallGap(t *testing.T) {
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, ams)
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "demo.db"))
	cfg := fastHashing
	cfg.Now = func() time.Time { return now }
	if _, err := demo.LoadRegion(ctx, db.Store(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	locs, _, err := db.Register().Locations(ctx, mgz.LocationFilter{Query: demo.GapLocation, Page: mgz.Page{Limit: 5}})
	if err != nil || len(locs) != 1 {
		t.Fatalf("the gap location %q: %v, %v", demo.GapLocation, locs, err)
	}
	loc := locs[0]
	dir := directory.New(db.Register(), directory.WithRosters(db.Store().Rosters().WithShifts,
		func(context.Context) (calendar.HolidaySet, error) { return calendar.Default().FreeDays, nil }))
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	e = e.WithEnricher(dir.Enrich).WithResolver(dir.Resolver(nil))
	sat := demo.NextWeekend(now)
	ask := func(at time.Time) rules.Response {
		t.Helper()
		sit := rules.Situation{Wlz: rules.Wlz("without_treatment"), Delivery: rules.Delivery("vpt"), Need: ""}
		if loc.Setting == mgz.SettingInstitution {
			sit.Wlz, sit.Delivery = "with_treatment", "stay_with_treatment"
		}
		resp, err := e.DecideContext(ctx, rules.Request{Situation: sit, LocationID: strconv.FormatInt(loc.ID, 10),
			Question: &rules.Question{Category: rules.Category("nursing"), At: at}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	firstLine := func(resp rules.Response) *rules.Contact {
		t.Helper()
		if resp.Route == nil {
			t.Fatal("no route")
		}
		for _, s := range resp.Route.Steps {
			if s.Role == rules.RoleFirstLine {
				return s.Contact
			}
		}
		t.Fatalf("no voorwacht step in %+v", resp.Route.Steps)
		return nil
	}
	hasGap := func(resp rules.Response) bool {
		for _, w := range resp.Warnings {
			if w.Code == rules.WarnOnCallGap {
				return true
			}
		}
		return false
	}
	before := ask(time.Date(sat.Year(), sat.Month(), sat.Day(), 22, 0, 0, 0, ams))
	if c := firstLine(before); c == nil || c.OnCall == nil || c.NotReachableNow || hasGap(before) {
		t.Errorf("Saturday 22:00, before the gap: contact %+v, warnings %+v", c, before.Warnings)
	}
	in := ask(time.Date(sat.Year(), sat.Month(), sat.Day()+1, 2, 0, 0, 0, ams))
	if c := firstLine(in); c == nil || c.OnCall != nil || !c.NotReachableNow || !hasGap(in) {
		t.Errorf("Sunday 02:00, inside the gap: contact %+v, warnings %+v", c, in.Warnings)
	}
}
