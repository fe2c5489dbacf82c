package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
)

// warningOf returns the message of the answer's first warning with code, or "".
func warningOf(resp map[string]any, code string) string {
	ws, _ := resp["warnings"].([]any)
	for _, w := range ws {
		if m, _ := w.(map[string]any); m["code"] == code {
			s, _ := m["message"].(string)
			return s
		}
	}
	return ""
}

// physicianStep returns the SO step of an answer's route as JSON, or "" when there is none.
func physicianStep(t *testing.T, resp map[string]any) string {
	t.Helper()
	route, _ := resp["route"].(map[string]any)
	steps, _ := route["steps"].([]any)
	for _, s := range steps {
		if m, _ := s.(map[string]any); m["role"] == "elderly_care_physician" {
			return mustJSON(m)
		}
	}
	t.Fatalf("no elderly_care_physician step in %s", mustJSON(resp["route"]))
	return ""
}

// Issue 13, done when: an iCalendar file from an independent generator (ical-generator, see
// rosterfile/testdata/ical/gen.mjs) imports through the API, the answer at a moment inside it names
// the right person, and the same hour a week later, which the file's EXDATE leaves uncovered, gives
// the covenant's fallback and the on_call_gap warning: without a GP post arrangement the step is
// not reachable now and the warning says to tell the care provider, then the zorgkantoor; with the
// GP post's SO on call (L-Conv 5) the answer names that SO.
func TestICalGeneratorFileImportsAndTheAnswerNamesWhoIsOnCall(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	ls, _, err := ts.reg.Locations(ctx, mgz.LocationFilter{Query: "Verpleeghuis De Hofstede"})
	if err != nil || len(ls) != 1 || ls[0].PhysicianServiceID == nil {
		t.Fatalf("demo location: %v %v", ls, err)
	}
	svcID := *ls[0].PhysicianServiceID
	r := mgz.Roster{OrganisationID: &svcID, Role: mgz.RosterPhysicianOnCall, Name: "SO-dienst (ical-generator)", Phone: "012 010 0099"}
	if err := ts.svc.CreateRoster(ctx, service.System(), &r); err != nil {
		t.Fatal(err)
	}
	ics, err := os.ReadFile(filepath.Join("..", "rosterfile", "testdata", "ical-generator.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ics), "PRODID:-//mgz-test//rooster//EN") {
		t.Fatal("the fixture is not the one gen.mjs writes with ical-generator")
	}
	imp := postRoster(t, ts.as(t, svcID, mgz.RoleEditor), r.ID, "text/calendar", ics)
	if imp.status != http.StatusOK {
		t.Fatalf("import: %d %s", imp.status, imp.body)
	}
	var a importAnswer
	imp.json(t, &a)
	if a.Result != (mgz.ImportResult{Added: 5}) {
		t.Fatalf("import: %+v, want the file's 5 events added", a.Result)
	}

	decide := func(at string) map[string]any {
		t.Helper()
		body := map[string]any{"location_id": itoa(ls[0].ID),
			"situation": map[string]any{"setting": "institution", "wlz": "without_treatment", "delivery": "stay_without_treatment", "sector": "elderly"},
			"question":  map[string]any{"category": "condition_treatment", "at": at}}
		res := ts.do(t, "POST", "/api/v1/decide", body)
		if res.status != http.StatusOK {
			t.Fatalf("POST /api/v1/decide at %s: %d %s", at, res.status, res.body)
		}
		var out map[string]any
		res.json(t, &out)
		return out
	}

	// Monday 30 November 23:30: the weekly Monday night of Dr. A. de Vries (SO), until 07:00.
	in := decide("2026-11-30T23:30:00+01:00")
	step := physicianStep(t, in)
	if !strings.Contains(step, `"name":"Dr. A. de Vries"`) || !strings.Contains(step, `"function":"SO"`) || !strings.Contains(step, `"until":"2026-12-01T07:00:00+01:00"`) {
		t.Errorf("inside the imported night shift the SO step does not name Dr. A. de Vries until 07:00: %s", step)
	}
	if w := warningOf(in, "on_call_gap"); w != "" {
		t.Errorf("on_call_gap inside the imported shift: %s", w)
	}

	// Monday 7 December 23:30, the same hour a week later: the EXDATE leaves it uncovered, from
	// the end of the day shift (17:00) to the next day shift (08:00). No GP post arrangement yet.
	const gapAt = "2026-12-07T23:30:00+01:00"
	gap := decide(gapAt)
	step = physicianStep(t, gap)
	if !strings.Contains(step, `"not_reachable_now":true`) || strings.Contains(step, "Dr. A. de Vries") {
		t.Errorf("in the EXDATE's gap the SO step is not 'not reachable now': %s", step)
	}
	msg := warningOf(gap, "on_call_gap")
	for _, want := range []string{"07-12-2026 17:00", "08-12-2026 08:00", "Zorggroep Voorbeeld", "zorgkantoor"} {
		if !strings.Contains(msg, want) {
			t.Errorf("on_call_gap in the EXDATE's gap lacks %q: %q", want, msg)
		}
	}
	if p, z := strings.Index(msg, "Zorggroep Voorbeeld"), strings.Index(msg, "zorgkantoor"); p > z {
		t.Errorf("on_call_gap names the zorgkantoor before the care provider: %s", msg)
	}

	// The region records its GP post arrangement: the GP post's SO on call in the evening and at
	// night. The same moment now gives that SO as the covenant's fallback, still with the warning.
	post := demoOrg(t, ts, mgz.KindGPPost)
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	hap := mgz.Roster{OrganisationID: &post.ID, Role: mgz.RosterGPPostElderly, Name: "SO voor de HAP", Phone: "012 010 0098",
		Shifts: []mgz.Shift{{UID: "hap-so", Person: "Dr. N. Nacht", Function: "SO", TimeZone: mgz.DefaultTimeZone, RRule: "FREQ=DAILY",
			Start: time.Date(2026, 11, 1, 17, 0, 0, 0, ams), End: time.Date(2026, 11, 2, 8, 0, 0, 0, ams)}}}
	if err := ts.svc.CreateRoster(ctx, service.System(), &hap); err != nil {
		t.Fatal(err)
	}
	fallback := decide(gapAt)
	step = physicianStep(t, fallback)
	if !strings.Contains(step, `"name":"Dr. N. Nacht"`) || !strings.Contains(step, post.Name) || strings.Contains(step, `"not_reachable_now":true`) {
		t.Errorf("with the GP post arrangement the SO step does not name its SO on call: %s", step)
	}
	msg = warningOf(fallback, "on_call_gap")
	for _, want := range []string{"07-12-2026 17:00", "08-12-2026 08:00", post.Name, "Dr. N. Nacht", "L-Conv 5"} {
		if !strings.Contains(msg, want) {
			t.Errorf("on_call_gap with the fallback lacks %q: %q", want, msg)
		}
	}
	if w := warningOf(fallback, "not_reachable_now"); w != "" {
		t.Errorf("not_reachable_now although the GP post's SO is on call: %s", w)
	}
}

// Issue 13, done when: the demo region's rosters have one deliberate gap next weekend (the
// voorwacht of demo.GapLocation, Saturday 23:00 to Sunday 07:00), visible on the RHO's overview
// and in the answer at that moment.
func TestDemoWeekendGapOnTheRHOOverviewAndInTheAnswer(t *testing.T) {
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, ams) // a Wednesday: the gap is the night of 28 November
	ts := newTestServerAt(t, true, now)
	ctx := context.Background()
	if _, err := demo.LoadRosters(ctx, ts.svc); err != nil {
		t.Fatal(err)
	}
	gapStart := demo.GapStart(now)
	from, to := gapStart.Format("02-01-2006 15:04"), gapStart.Add(8*time.Hour).Format("02-01-2006 15:04")
	if from != "28-11-2026 23:00" || to != "29-11-2026 07:00" {
		t.Fatalf("the demo gap runs %s to %s, want the night of Saturday 28 November", from, to)
	}

	rho := ts.as(t, ts.rho.ID, mgz.RoleEditor) // an editor of the RHO may file a report about the gap
	res := rho.do(t, "GET", "/overzicht", nil)
	body := string(res.body)
	i := strings.Index(body, "Roostergaten komende 14 dagen")
	if res.status != http.StatusOK || i < 0 {
		t.Fatalf("the RHO's overview has no roster gaps section: %d %s", res.status, body)
	}
	section := body[i:]
	if j := strings.Index(section, "</section>"); j >= 0 {
		section = section[:j]
	}
	if n := strings.Count(section, `<th scope="row" data-label="Dienst">`); n != 1 {
		t.Errorf("the RHO's overview lists %d roster gaps, want the demo's one: %s", n, section)
	}
	for _, want := range []string{demo.GapLocation, from, to, mgz.RosterFirstLine.Label(), "Melding maken"} {
		if !strings.Contains(section, want) {
			t.Errorf("the RHO's overview gap lacks %q: %s", want, section)
		}
	}

	locs, _, err := ts.reg.Locations(ctx, mgz.LocationFilter{Query: demo.GapLocation})
	if err != nil || len(locs) != 1 {
		t.Fatalf("the gap location: %v %v", locs, err)
	}
	answer := func(at time.Time) map[string]any {
		t.Helper()
		body := map[string]any{"location_id": itoa(locs[0].ID),
			"situation": map[string]any{"setting": string(locs[0].Setting), "wlz": "without_treatment", "delivery": "vpt", "sector": string(locs[0].Sector)},
			"question":  map[string]any{"category": "nursing", "at": at.Format(time.RFC3339)}}
		r := ts.do(t, "POST", "/api/v1/decide", body)
		if r.status != http.StatusOK {
			t.Fatalf("POST /api/v1/decide at %s: %d %s", at, r.status, r.body)
		}
		var out map[string]any
		r.json(t, &out)
		return out
	}
	in := answer(gapStart.Add(3 * time.Hour)) // Sunday 02:00
	msg := warningOf(in, "on_call_gap")
	for _, want := range []string{from, to, "zorgkantoor"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the answer in the demo gap: on_call_gap lacks %q: %q", want, msg)
		}
	}
	if !strings.Contains(mustJSON(in["route"]), `"not_reachable_now":true`) {
		t.Errorf("the answer in the demo gap does not mark the voorwacht not reachable now: %s", mustJSON(in["route"]))
	}
	before := answer(gapStart.Add(-time.Hour)) // Saturday 22:00: the evening shift
	if w := warningOf(before, "on_call_gap"); w != "" {
		t.Errorf("on_call_gap an hour before the demo gap: %s", w)
	}
	if !strings.Contains(mustJSON(before["route"]), `"on_call":{`) {
		t.Errorf("an hour before the demo gap the answer names nobody on call: %s", mustJSON(before["route"]))
	}

	// The answer page at that moment says so too.
	q := url.Values{"location_id": {itoa(locs[0].ID)}, "wlz": {"without_treatment"}, "delivery": {"vpt"},
		"category": {"nursing"}, "at": {gapStart.Add(3 * time.Hour).Format("2006-01-02T15:04")}}
	page := rho.do(t, "GET", "/wie-is-verantwoordelijk?"+q.Encode(), nil)
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "Nu niemand van dienst volgens het rooster") {
		t.Errorf("the answer page in the demo gap (status %d) does not say nobody is on call", page.status)
	}
}
