package web_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// The start page counts the region's gaps from the start of the minute, so a second view within
// the minute reuses the computed report (the service's memo) instead of recomputing the region:
// a roster written to the store behind the service's back is not seen by the second view, while
// the clock has moved on by seconds and nanoseconds in between.
func TestStartPageReusesTheRegionGapReportWithinTheMinute(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second + 123456789*time.Nanosecond) // a clock that never reads a whole minute twice
		return now
	}
	ts := newTestServerClock(t, false, clock)
	ctx := context.Background()
	provider := mgz.Organisation{Kind: mgz.KindCareProvider, Name: "Zorggroep Noord", KvK: "77000002", Address: "Regioweg 2",
		Postcode: "9900 AB", City: "Teststad", Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
	if err := ts.reg.CreateOrganisation(ctx, &provider); err != nil {
		t.Fatal(err)
	}
	l := mgz.Location{ProviderID: provider.ID, Name: "Woonvorm De Es", Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 12}
	if err := ts.reg.CreateLocation(ctx, &l); err != nil {
		t.Fatal(err)
	}
	ams, _ := time.LoadLocation(mgz.DefaultTimeZone)
	roster := func(name string, from, to int) mgz.Roster {
		return mgz.Roster{LocationID: &l.ID, Role: mgz.RosterFirstLine, Name: name, Phone: "0120 555111",
			Shifts: []mgz.Shift{{UID: name, Person: "Team De Es", Start: time.Date(2026, 3, 1, from, 0, 0, 0, ams),
				End: time.Date(2026, 3, 1, to, 0, 0, 0, ams), RRule: "FREQ=DAILY"}}}
	}
	day := roster("dag", 7, 23)
	if err := ts.db.Store().Rosters().CreateRoster(ctx, &day); err != nil {
		t.Fatal(err)
	}
	rho := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	if body := string(rho.do(t, "GET", "/", nil).body); !strings.Contains(body, "<strong>3 gaten</strong>") {
		t.Fatalf("first view: the start page does not count Monday's, Tuesday's and Wednesday's night: %s", body)
	}
	// The nights are now covered, but only in the store: the service has not seen a change.
	night := roster("nacht", 23, 7)
	night.Shifts[0].End = night.Shifts[0].End.AddDate(0, 0, 1)
	if err := ts.db.Store().Rosters().CreateRoster(ctx, &night); err != nil {
		t.Fatal(err)
	}
	if body := string(rho.do(t, "GET", "/", nil).body); !strings.Contains(body, "<strong>3 gaten</strong>") {
		t.Fatalf("the second view within the minute computed the region's gaps again instead of reusing them: %s", body)
	}
}
