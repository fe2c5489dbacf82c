package web_test

import (
	"context"
	"html"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/demo"
)

// The client card ("Nu bellen") names who is on call (issue 13): a client of the demo's gap
// location (demo.GapLocation), whose voorwacht roster leaves Saturday night uncovered. An hour
// before the gap the nursing row names the voorwacht on call; inside it the row skips the voorwacht
// and the card's warnings give the gap.
func TestClientCardNamesWhoIsOnCallAndTheGap(t *testing.T) {
	wednesday := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := wednesday
	ts := newTestServerClock(t, true, func() time.Time { return clock })
	if _, err := demo.LoadRosters(context.Background(), ts.svc); err != nil {
		t.Fatal(err)
	}
	loc := locByName(t, ts, demo.GapLocation)
	p := createClient(t, ts, mgz.Patient{LocationID: &loc.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT})
	carer := ts.as(t, loc.ProviderID, mgz.RoleEditor)
	gap := demo.GapStart(wednesday) // Saturday 28 November 23:00 to Sunday 07:00
	card := func(at time.Time) (row, page string) {
		t.Helper()
		clock = at
		r := carer.do(t, "GET", "/clienten/"+strconv.FormatInt(p.ID, 10), nil)
		if r.status != 200 {
			t.Fatalf("client page at %s: status %d", at, r.status)
		}
		page = html.UnescapeString(string(r.body))
		return cardRow(t, page, "nursing"), page
	}

	row, page := card(gap.Add(-time.Hour))
	if !strings.Contains(row, "Voorwacht") || !strings.Contains(row, "Van dienst volgens het rooster:") || !strings.Contains(row, "tot 28-11-2026 23:00") {
		t.Errorf("an hour before the gap the nursing row does not name the voorwacht on call: %s", row)
	}
	if strings.Contains(page, "niemand van dienst") {
		t.Error("an hour before the gap the card speaks of a gap")
	}

	row, page = card(gap.Add(3 * time.Hour))
	if strings.Contains(row, "Van dienst volgens het rooster") || strings.Contains(row, "<strong>Voorwacht</strong>") {
		t.Errorf("inside the gap the nursing row still offers the voorwacht: %s", row)
	}
	if !strings.Contains(page, "niemand van dienst van 28-11-2026 23:00 tot 29-11-2026 07:00") || !strings.Contains(page, "zorgkantoor") {
		t.Errorf("inside the gap the card does not warn of it and say whom to tell")
	}
}
