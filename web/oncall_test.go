package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// TestDecideAPIWarnsOfAnOnCallGap posts a decision about a location whose SO/AVG service has a
// roster with only a day shift, at night: the answer carries the on_call_gap warning naming the
// gap, and the SO step is not reachable now (issue 13; L-Rol 2).
func TestDecideAPIWarnsOfAnOnCallGap(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	ls, _, err := ts.reg.Locations(ctx, mgz.LocationFilter{Query: "Verpleeghuis De Hofstede"})
	if err != nil || len(ls) != 1 {
		t.Fatalf("demo location: %v %v", ls, err)
	}
	svcID := *ls[0].PhysicianServiceID
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	r := mgz.Roster{OrganisationID: &svcID, Role: mgz.RosterPhysicianOnCall, Name: "SO-dienst overdag", Phone: "012 010 0099",
		Shifts: []mgz.Shift{{UID: "so-day", Person: "Dr. S. de Dag", Function: "SO", TimeZone: "Europe/Amsterdam", RRule: "FREQ=DAILY",
			Start: time.Date(2026, 9, 1, 8, 0, 0, 0, ams), End: time.Date(2026, 9, 1, 17, 0, 0, 0, ams)}}}
	if err := ts.db.Store().Rosters().CreateRoster(ctx, &r); err != nil {
		t.Fatal(err)
	}
	decide := func(at string) map[string]any {
		t.Helper()
		body := map[string]any{"location_id": itoa(ls[0].ID),
			"situation": map[string]any{"setting": "institution", "wlz": "without_treatment", "delivery": "stay_without_treatment", "sector": "elderly"},
			"question":  map[string]any{"category": "condition_treatment", "at": at}}
		res := ts.do(t, "POST", "/api/v1/decide", body)
		if res.status != 200 {
			t.Fatalf("POST /api/v1/decide at %s: %d %s", at, res.status, res.body)
		}
		var out map[string]any
		res.json(t, &out)
		return out
	}
	gapWarning := func(resp map[string]any) string {
		ws, _ := resp["warnings"].([]any)
		for _, w := range ws {
			if m, _ := w.(map[string]any); m["code"] == "on_call_gap" {
				return m["message"].(string)
			}
		}
		return ""
	}

	night := decide("2026-10-07T23:30:00+02:00")
	msg := gapWarning(night)
	if msg == "" {
		t.Fatalf("no on_call_gap warning at night: %v", night["warnings"])
	}
	for _, want := range []string{"07-10-2026 17:00", "08-10-2026 08:00", "Zorggroep Voorbeeld", "zorgkantoor"} {
		if !strings.Contains(msg, want) {
			t.Errorf("on_call_gap message lacks %q: %s", want, msg)
		}
	}
	if !strings.Contains(mustJSON(night["route"]), `"not_reachable_now":true`) {
		t.Errorf("the SO step is not marked not reachable now: %s", mustJSON(night["route"]))
	}

	day := decide("2026-10-07T14:00:00+02:00")
	if m := gapWarning(day); m != "" {
		t.Errorf("on_call_gap inside the day shift: %s", m)
	}
	if !strings.Contains(mustJSON(day["route"]), `"name":"Dr. S. de Dag"`) {
		t.Errorf("the day answer does not name who is on call: %s", mustJSON(day["route"]))
	}

	// The answer page shows the person on call at the SO step, and the gap at night.
	q := url.Values{"location_id": {itoa(ls[0].ID)}, "wlz": {"without_treatment"}, "delivery": {"stay_without_treatment"},
		"category": {"condition_treatment"}, "at": {"2026-10-07T14:00"}}
	page := ts.do(t, "GET", "/wie-is-verantwoordelijk?"+q.Encode(), nil)
	if page.status != 200 || !strings.Contains(string(page.body), "Van dienst volgens het rooster: Dr. S. de Dag (SO)") {
		t.Errorf("answer page at 14:00 (status %d) does not name who is on call", page.status)
	}
	q.Set("at", "2026-10-07T23:30")
	page = ts.do(t, "GET", "/wie-is-verantwoordelijk?"+q.Encode(), nil)
	if page.status != 200 || !strings.Contains(string(page.body), "Nu niemand van dienst volgens het rooster") {
		t.Errorf("answer page at 23:30 (status %d) does not say nobody is on call", page.status)
	}
}
