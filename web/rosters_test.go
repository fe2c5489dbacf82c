package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// rosterJSONT is a roster as the API answers it.
type rosterJSONT struct {
	ID             int64  `json:"id"`
	OrganisationID *int64 `json:"organisation_id"`
	LocationID     *int64 `json:"location_id"`
	Role           string `json:"role"`
	Name           string `json:"name"`
	Phone          string `json:"phone"`
	Revision       int64  `json:"revision"`
	Shifts         []struct {
		ID     int64     `json:"id"`
		Person string    `json:"person"`
		Start  time.Time `json:"start"`
		End    time.Time `json:"end"`
		RRule  string    `json:"rrule"`
	} `json:"shifts"`
}

// rosterClock is a Tuesday before the night daylight saving time ends (25 October 2026).
var rosterClock = time.Date(2026, 10, 20, 10, 0, 0, 0, time.UTC)

func newRosterAPI(t *testing.T, c *client, body map[string]any) rosterJSONT {
	t.Helper()
	r := c.do(t, "POST", "/api/v1/rosters", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create roster: %d %s", r.status, r.body)
	}
	var ro rosterJSONT
	r.json(t, &ro)
	return ro
}

func TestRosterAPIRoundTrip(t *testing.T) {
	ts := newTestServerAt(t, true, rosterClock)
	cp := demoOrg(t, ts, mgz.KindCareProvider)
	ed := ts.as(t, cp.ID, mgz.RoleEditor)
	ro := newRosterAPI(t, ed, map[string]any{"organisation_id": cp.ID, "role": "first_line", "name": "Voorwacht", "phone": "0612345678"})
	if ro.ID == 0 || ro.Shifts == nil || len(ro.Shifts) != 0 || ro.Revision == 0 {
		t.Fatalf("created roster = %+v, want an id, a revision and an empty shift list", ro)
	}
	base := "/api/v1/rosters/" + itoa(ro.ID)

	r := ed.do(t, "POST", base+"/shifts", map[string]any{"person": "Team Noord", "function": "verpleegkundige",
		"start": "2026-10-20T23:00", "end": "2026-10-21T07:00", "rrule": "FREQ=DAILY", "holidays": "skip_holidays"})
	if r.status != http.StatusCreated {
		t.Fatalf("add shift: %d %s", r.status, r.body)
	}
	var sh struct {
		ID    int64     `json:"id"`
		Start time.Time `json:"start"`
	}
	r.json(t, &sh)
	if want := time.Date(2026, 10, 20, 21, 0, 0, 0, time.UTC); !sh.Start.Equal(want) {
		t.Errorf("start = %v, want 23:00 Amsterdam (%v)", sh.Start, want)
	}

	var got rosterJSONT
	r = ts.do(t, "GET", base, nil) // every signed-in user reads
	r.json(t, &got)
	if r.status != 200 || len(got.Shifts) != 1 || got.Shifts[0].Person != "Team Noord" || got.Shifts[0].RRule != "FREQ=DAILY" {
		t.Fatalf("get roster: %d %s", r.status, r.body)
	}

	r = ts.do(t, "GET", "/api/v1/rosters?organisation_id="+itoa(cp.ID)+"&role=first_line", nil)
	var lst struct {
		Items []rosterJSONT `json:"items"`
		Total int           `json:"total"`
	}
	r.json(t, &lst)
	if r.status != 200 || lst.Total != 1 || len(lst.Items) != 1 || lst.Items[0].ID != ro.ID {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	r = ts.do(t, "GET", "/api/v1/rosters?role=physician_on_call", nil)
	r.json(t, &lst)
	if lst.Total != 0 {
		t.Errorf("role filter: %s", r.body)
	}
	wantError(t, ts.do(t, "GET", "/api/v1/rosters?role=nachtwacht", nil), 422, mgz.ECodeInvalid, "role")

	r = ed.do(t, "PUT", base, map[string]any{"name": "Voorwacht Noord", "phone": "0612345679", "revision": got.Revision})
	if r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	var upd rosterJSONT
	r.json(t, &upd)
	if upd.Name != "Voorwacht Noord" || upd.Revision <= got.Revision || upd.Role != "first_line" || upd.OrganisationID == nil || *upd.OrganisationID != cp.ID {
		t.Fatalf("updated = %+v", upd)
	}
	// A PUT made on the older revision is refused and changes nothing.
	wantError(t, ed.do(t, "PUT", base, map[string]any{"name": "Oud", "phone": "0612345678", "revision": got.Revision}), 409, mgz.ECodeConflict)
	if r := ts.do(t, "GET", base, nil); !strings.Contains(string(r.body), "Voorwacht Noord") {
		t.Fatalf("a stale PUT changed the roster: %s", r.body)
	}

	r = ed.do(t, "DELETE", base+"/shifts/"+itoa(sh.ID), nil)
	if r.status != 204 {
		t.Fatalf("delete shift: %d %s", r.status, r.body)
	}
	wantError(t, ed.do(t, "DELETE", base+"/shifts/"+itoa(sh.ID), nil), 404, mgz.ECodeNotFound)
	if r := ed.do(t, "DELETE", base, nil); r.status != 204 {
		t.Fatalf("delete roster: %d %s", r.status, r.body)
	}
	wantError(t, ts.do(t, "GET", base, nil), 404, mgz.ECodeNotFound)
}

func TestRosterAPIRefusesStrangersAndReaders(t *testing.T) {
	ts := newTestServerAt(t, true, rosterClock)
	cp := demoOrg(t, ts, mgz.KindCareProvider)
	ed := ts.as(t, cp.ID, mgz.RoleEditor)
	ro := newRosterAPI(t, ed, map[string]any{"organisation_id": cp.ID, "role": "behaviour_specialist", "name": "Gedragskundige", "phone": "0612345678"})
	base := "/api/v1/rosters/" + itoa(ro.ID)
	shift := map[string]any{"person": "A. Jansen", "start": "2026-10-21T08:00", "end": "2026-10-21T17:00"}

	stranger := ts.as(t, demoOrg(t, ts, mgz.KindPhysicianService).ID, mgz.RoleEditor)
	reader := ts.as(t, cp.ID, mgz.RoleViewer)
	for name, c := range map[string]*client{"editor of another organisation": stranger, "reader of the owner": reader} {
		wantError(t, c.do(t, "PUT", base, map[string]any{"name": "Overgenomen", "phone": "0612345670"}), 403, mgz.ECodeForbidden)
		wantError(t, c.do(t, "POST", base+"/shifts", shift), 403, mgz.ECodeForbidden)
		wantError(t, c.do(t, "DELETE", base, nil), 403, mgz.ECodeForbidden)
		wantError(t, c.do(t, "POST", "/api/v1/rosters", map[string]any{"organisation_id": cp.ID, "role": "first_line", "name": "X", "phone": "0612345678"}), 403, mgz.ECodeForbidden)
		var got rosterJSONT
		ts.do(t, "GET", base, nil).json(t, &got)
		if got.Name != "Gedragskundige" || len(got.Shifts) != 0 || got.Revision != ro.Revision {
			t.Errorf("%s changed the roster: %+v", name, got)
		}
	}
	if r := stranger.do(t, "GET", base, nil); r.status != 200 {
		t.Errorf("a stranger may read who is on call: %d", r.status)
	}
}

func TestRosterAPIRefusesInvalidShifts(t *testing.T) {
	ts := newTestServerAt(t, true, rosterClock)
	cp := demoOrg(t, ts, mgz.KindCareProvider)
	ed := ts.as(t, cp.ID, mgz.RoleEditor)
	ro := newRosterAPI(t, ed, map[string]any{"organisation_id": cp.ID, "role": "first_line", "name": "Voorwacht", "phone": "0612345678"})
	base := "/api/v1/rosters/" + itoa(ro.ID) + "/shifts"
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"person": "A", "start": "2026-10-21T17:00", "end": "2026-10-21T08:00"}, "end"},
		{map[string]any{"person": "A", "start": "2026-10-21T08:00", "end": "2026-10-21T17:00", "rrule": "FREQ=SOMETIMES"}, "rrule"},
		{map[string]any{"person": "A", "start": "2026-10-21T08:00", "end": "2026-10-21T17:00", "time_zone": "Europe/Utrecht"}, "time_zone"},
		{map[string]any{"person": "A", "start": "morgen", "end": "2026-10-21T17:00"}, "start"},
		{map[string]any{"start": "2026-10-21T08:00", "end": "2026-10-21T17:00"}, "person"},
	} {
		wantError(t, ed.do(t, "POST", base, c.body), 422, mgz.ECodeInvalid, c.field)
	}
	var got rosterJSONT
	ts.do(t, "GET", "/api/v1/rosters/"+itoa(ro.ID), nil).json(t, &got)
	if len(got.Shifts) != 0 || got.Revision != ro.Revision {
		t.Fatalf("an invalid shift was stored: %+v", got)
	}
}

func TestRosterOccurrencesOverTheDSTNight(t *testing.T) {
	ts := newTestServerAt(t, true, rosterClock)
	cp := demoOrg(t, ts, mgz.KindCareProvider)
	ed := ts.as(t, cp.ID, mgz.RoleEditor)
	ro := newRosterAPI(t, ed, map[string]any{"organisation_id": cp.ID, "role": "first_line", "name": "Nachtdienst", "phone": "0612345678"})
	base := "/api/v1/rosters/" + itoa(ro.ID)
	if r := ed.do(t, "POST", base+"/shifts", map[string]any{"person": "Nachtteam", "phone": "0687654321",
		"start": "2026-10-23T23:00", "end": "2026-10-24T07:00", "rrule": "FREQ=DAILY"}); r.status != 201 {
		t.Fatalf("add shift: %d %s", r.status, r.body)
	}
	r := ts.do(t, "GET", base+"/occurrences?from=2026-10-24&to=2026-10-27", nil)
	var got struct {
		Items []struct {
			From   time.Time `json:"from"`
			To     time.Time `json:"to"`
			Person string    `json:"person"`
			Phone  string    `json:"phone"`
		} `json:"items"`
	}
	r.json(t, &got)
	if r.status != 200 {
		t.Fatalf("occurrences: %d %s", r.status, r.body)
	}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	// From midnight on the 24th: the tail of the night of the 23rd, then three nights.
	want := []struct {
		from, to string
		hours    float64
	}{
		{"2026-10-23 23:00", "2026-10-24 07:00", 8},
		{"2026-10-24 23:00", "2026-10-25 07:00", 9}, // the clocks go back: one hour longer
		{"2026-10-25 23:00", "2026-10-26 07:00", 8},
		{"2026-10-26 23:00", "2026-10-27 07:00", 8},
	}
	if len(got.Items) != len(want) {
		t.Fatalf("got %d occurrences, want %d: %s", len(got.Items), len(want), r.body)
	}
	for i, w := range want {
		o := got.Items[i]
		if f := o.From.In(ams).Format("2006-01-02 15:04"); f != w.from {
			t.Errorf("occurrence %d from %s, want %s", i, f, w.from)
		}
		if f := o.To.In(ams).Format("2006-01-02 15:04"); f != w.to {
			t.Errorf("occurrence %d to %s, want %s", i, f, w.to)
		}
		if h := o.To.Sub(o.From).Hours(); h != w.hours {
			t.Errorf("occurrence %d lasts %v hours, want %v", i, h, w.hours)
		}
		if o.Person != "Nachtteam" || o.Phone != "0687654321" {
			t.Errorf("occurrence %d = %+v", i, o)
		}
	}
	wantError(t, ts.do(t, "GET", base+"/occurrences?from=2026-10-01&to=2026-12-31", nil), 422, mgz.ECodeInvalid, "to")
	wantError(t, ts.do(t, "GET", base+"/occurrences?from=gisteren", nil), 422, mgz.ECodeInvalid, "from")
	// By default the next 14 days from now (20 October, 12:00 in Amsterdam): the nights of the
	// 23rd up to and including the 2nd of November.
	ts.do(t, "GET", base+"/occurrences", nil).json(t, &got)
	if len(got.Items) != 11 {
		t.Errorf("default period: %d occurrences, want 11", len(got.Items))
	}
}

func TestRosterPages(t *testing.T) {
	ts := newTestServerAt(t, true, rosterClock)
	cp := demoOrg(t, ts, mgz.KindCareProvider)
	ed := ts.as(t, cp.ID, mgz.RoleEditor)

	// A form with problems comes back with the input kept and the problems in Dutch.
	r := ed.postForm(t, "/roosters", url.Values{"owner": {"organisatie-" + itoa(cp.ID)}, "role": {"first_line"}, "name": {"Voorwacht Zuid"}, "phone": {"12"}})
	if r.status != 422 || !strings.Contains(string(r.body), `href="#f-phone"`) || !strings.Contains(string(r.body), `value="Voorwacht Zuid"`) {
		t.Fatalf("invalid form: %d %s", r.status, r.body)
	}
	r = ed.postForm(t, "/roosters", url.Values{"role": {"first_line"}, "name": {"Voorwacht Zuid"}, "phone": {"0612345678"}})
	if r.status != 422 || !strings.Contains(string(r.body), `href="#f-owner"`) {
		t.Fatalf("form without owner: %d %s", r.status, r.body)
	}
	r = ed.postForm(t, "/roosters", url.Values{"owner": {"organisatie-" + itoa(cp.ID)}, "role": {"first_line"}, "name": {"Voorwacht Zuid"}, "phone": {"0612345678"}})
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/roosters/") {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	page := strings.SplitN(r.header.Get("Location"), "?", 2)[0]

	// The form offers the provider's own locations; a location's roster names it as owner.
	loc := demoLocations(t, ts, mgz.LocationFilter{ProviderID: cp.ID}, 1)[0]
	if r := ed.do(t, "GET", "/roosters/nieuw", nil); !strings.Contains(string(r.body), `value="locatie-`+itoa(loc.ID)+`"`) {
		t.Fatalf("the new-roster form does not offer location %d: %s", loc.ID, r.body)
	}
	r = ed.postForm(t, "/roosters", url.Values{"owner": {"locatie-" + itoa(loc.ID)}, "role": {"behaviour_specialist"}, "name": {"Gedragskundige locatie"}, "phone": {"0612345678"}})
	if r.status != 303 {
		t.Fatalf("create for a location: %d %s", r.status, r.body)
	}
	var lst struct {
		Items []rosterJSONT `json:"items"`
	}
	ts.do(t, "GET", "/api/v1/rosters?location_id="+itoa(loc.ID), nil).json(t, &lst)
	if len(lst.Items) != 1 || lst.Items[0].LocationID == nil || *lst.Items[0].LocationID != loc.ID || lst.Items[0].OrganisationID != nil {
		t.Fatalf("the location's rosters: %+v", lst.Items)
	}

	// A shift of the form: a night shift every weekday, the end on the next day.
	r = ed.postForm(t, page+"/diensten", url.Values{"person": {"Nachtteam"}, "start_date": {"2026-10-19"}, "start_time": {"23:00"},
		"end_time": {"07:00"}, "repeat": {"weekdays"}, "holidays": {"skip_holidays"}})
	if r.status != 303 {
		t.Fatalf("add shift: %d %s", r.status, r.body)
	}
	// A wrong one comes back with the input kept.
	r = ed.postForm(t, page+"/diensten", url.Values{"person": {"Dagteam"}, "start_date": {"2026-10-19"}, "start_time": {"08:00"},
		"end_time": {"17:00"}, "rrule": {"ELKE DAG"}})
	if r.status != 422 || !strings.Contains(string(r.body), `href="#f-rrule"`) || !strings.Contains(string(r.body), `value="Dagteam"`) {
		t.Fatalf("invalid shift form: %d %s", r.status, r.body)
	}

	// A rule the form does not offer, through the API, in words where it is simple.
	api := "/api/v1/rosters/" + strings.TrimPrefix(page, "/roosters/") + "/shifts"
	if r := ed.do(t, "POST", api, map[string]any{"person": "Avondteam", "start": "2026-10-19T17:00", "end": "2026-10-19T23:00",
		"rrule": "FREQ=WEEKLY;BYDAY=MO,TU;UNTIL=20261231T235959", "exdates": []string{"2026-10-20T17:00"}}); r.status != 201 {
		t.Fatalf("add shift by API: %d %s", r.status, r.body)
	}
	if r := ed.do(t, "POST", api, map[string]any{"person": "Weekendteam", "start": "2026-10-24T09:00", "end": "2026-10-24T17:00",
		"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"}); r.status != 201 {
		t.Fatalf("add shift by API: %d %s", r.status, r.body)
	}
	r = ed.do(t, "GET", page, nil)
	body := string(r.body)
	for _, want := range []string{"Wie heeft dienst de komende 14 dagen", "werkdagen (ma t/m vr)", "Niet op feestdagen", "Nachtteam",
		`action="` + page + `/diensten"`, "Rooster importeren (iCalendar of CSV)", `href="` + page + `/import"`, "Rooster verwijderen",
		"woensdag 21-10-2026", `href="tel:0612345678"`, `scope="col"`,
		"wekelijks op ma, di tot en met 31-12-2026", "20-10-2026 17:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"} {
		if !strings.Contains(body, want) {
			t.Errorf("owner's page lacks %q", want)
		}
	}
	// The weekday night shift starts on Friday, not on Saturday.
	if strings.Contains(body, `zaterdag 24-10-2026</td><td data-label="Van–tot">23:00`) || !strings.Contains(body, `vrijdag 23-10-2026</td><td data-label="Van–tot">23:00`) {
		t.Errorf("a weekday shift shows on Saturday")
	}

	stranger := ts.as(t, demoOrg(t, ts, mgz.KindGPPractice).ID, mgz.RoleEditor)
	r = stranger.do(t, "GET", page, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "Nachtteam") {
		t.Fatalf("stranger's page: %d", r.status)
	}
	for _, notWant := range []string{"/diensten\"", "Rooster verwijderen", "Dienst toevoegen", "/verwijderen"} {
		if strings.Contains(string(r.body), notWant) {
			t.Errorf("a stranger sees the edit form %q", notWant)
		}
	}
	if r := stranger.postForm(t, page, url.Values{"name": {"Overgenomen"}, "phone": {"0612345678"}}); r.status != 403 {
		t.Errorf("a stranger's rename: %d", r.status)
	}

	r = ts.do(t, "GET", "/roosters?dienst=first_line", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "Voorwacht Zuid") || !strings.Contains(string(r.body), cp.Name) {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if r := ts.do(t, "GET", "/roosters?dienst=physician_on_call", nil); strings.Contains(string(r.body), "Voorwacht Zuid") {
		t.Errorf("the role filter shows another role's roster")
	}
	if !strings.Contains(string(ed.do(t, "GET", "/roosters", nil).body), `href="/roosters/nieuw"`) {
		t.Errorf("an editor is not offered a new roster")
	}
	if strings.Contains(string(ts.as(t, cp.ID, mgz.RoleViewer).do(t, "GET", "/roosters", nil).body), `href="/roosters/nieuw"`) {
		t.Errorf("a reader is offered a new roster")
	}

	// Rename with the page's revision; the same revision again is stale.
	var ro rosterJSONT
	ts.do(t, "GET", "/api/v1/rosters/"+strings.TrimPrefix(page, "/roosters/"), nil).json(t, &ro)
	if r := ed.postForm(t, page, url.Values{"name": {"Voorwacht Zuid-Oost"}, "phone": {"0612345678"}, "revision": {itoa(ro.Revision)}}); r.status != 303 {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	if r := ed.postForm(t, page, url.Values{"name": {"Voorwacht"}, "phone": {"0612345678"}, "revision": {itoa(ro.Revision)}}); r.status != 409 {
		t.Errorf("stale rename: %d", r.status)
	}
	if r := ed.postForm(t, page+"/verwijderen", url.Values{}); r.status != 303 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, ts.do(t, "GET", "/api/v1/rosters/"+itoa(ro.ID), nil), 404, mgz.ECodeNotFound)
}

// rosterRoleOf is a roster role an organisation of kind may own ("" for none).
func rosterRoleOf(kind mgz.OrgKind) mgz.RosterRole {
	return map[mgz.OrgKind]mgz.RosterRole{mgz.KindCareProvider: mgz.RosterFirstLine, mgz.KindPhysicianService: mgz.RosterPhysicianOnCall,
		mgz.KindGPPost: mgz.RosterGPPostElderly}[kind]
}

// rosterOwner is whose roster a cell changes as its own: its organisation, or, for a kind that
// has no rosters, the demo care provider (it has none: it tries another's).
func (m *matrix) rosterOwner(c *cell) mgz.Organisation {
	if rosterRoleOf(c.who.kind) != "" {
		return c.own
	}
	return m.dem[mgz.KindCareProvider]
}

// rosterStranger is an organisation with rosters other than the cell's own.
func (m *matrix) rosterStranger(c *cell) mgz.Organisation {
	if c.who.kind == mgz.KindCareProvider {
		return m.dem[mgz.KindPhysicianService]
	}
	return m.dem[mgz.KindCareProvider]
}

// rosterEditor may change the own organisation's rosters; only care providers, SO/AVG services
// and GP posts have rosters (L-Rol 2, L-Conv 5, T 2.3.2.2-3).
var rosterEditor = rule{"bewerker of beheerder van de eigen zorgaanbieder, SO/AVG-dienst of huisartsenpost", func(w who) bool {
	return rosterRoleOf(w.kind) != "" && editorRole(w.role)
}}

// freshRoster makes a roster of org with one shift, for matrix cells that change or remove it.
func (m *matrix) freshRoster(o mgz.Organisation) (mgz.Roster, mgz.Shift) {
	ctx := context.Background()
	org := o.ID
	ro := mgz.Roster{OrganisationID: &org, Role: rosterRoleOf(o.Kind), Name: fmt.Sprintf("Matrixrooster %d", m.unique()), Phone: "0612345678"}
	if err := m.ts.svc.CreateRoster(ctx, service.System(), &ro); err != nil {
		m.t.Fatal(err)
	}
	start := time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
	sh := mgz.Shift{RosterID: ro.ID, Person: "Matrixteam", Start: start, End: start.Add(8 * time.Hour), RRule: "FREQ=DAILY"}
	if err := m.ts.svc.AddShift(ctx, service.System(), &sh, 0); err != nil {
		m.t.Fatal(err)
	}
	return ro, sh
}

func (m *matrix) rosterPath(org mgz.Organisation, prefix, tail string) string {
	ro, _ := m.freshRoster(org)
	return prefix + itoa(ro.ID) + tail
}

func (m *matrix) shiftPath(org mgz.Organisation, prefix, tail string) string {
	ro, sh := m.freshRoster(org)
	return prefix + itoa(ro.ID) + "/" + tail + "/" + itoa(sh.ID)
}

// The roster rows of the permission matrix (issue 13): every signed-in user reads who is on
// call; an organisation's editors and admins change its own rosters, nobody another's.
func rosterEndpoints() []endpoint {
	const api, page = "/api/v1/rosters/", "/roosters/"
	newRoster := func(o mgz.Organisation) map[string]any {
		return map[string]any{"organisation_id": o.ID, "role": rosterRoleOf(o.Kind), "name": "Rooster matrix", "phone": "0612345678"}
	}
	newRosterForm := func(o mgz.Organisation) url.Values {
		return url.Values{"owner": {"organisatie-" + itoa(o.ID)}, "role": {string(rosterRoleOf(o.Kind))}, "name": {"Rooster matrix"}, "phone": {"0612345678"}}
	}
	shift := map[string]any{"person": "Dagteam", "start": "2026-12-01T08:00", "end": "2026-12-01T17:00", "rrule": "FREQ=WEEKLY;BYDAY=MO,TU"}
	shiftForm := url.Values{"person": {"Dagteam"}, "start_date": {"2026-12-01"}, "start_time": {"08:00"}, "end_time": {"17:00"}, "repeat": {"weekdays"}}
	rename := map[string]any{"name": "Voorwacht hernoemd", "phone": "0612345679"}
	renameForm := url.Values{"name": {"Voorwacht hernoemd"}, "phone": {"0612345679"}}
	own := func(prefix, tail string) func(*matrix, *cell) string {
		return func(m *matrix, c *cell) string { return m.rosterPath(m.rosterOwner(c), prefix, tail) }
	}
	other := func(prefix, tail string) func(*matrix, *cell) string {
		return func(m *matrix, c *cell) string { return m.rosterPath(m.rosterStranger(c), prefix, tail) }
	}
	ownShift := func(prefix, seg, tail string) func(*matrix, *cell) string {
		return func(m *matrix, c *cell) string { return m.shiftPath(m.rosterOwner(c), prefix, seg) + tail }
	}
	otherShift := func(prefix, seg, tail string) func(*matrix, *cell) string {
		return func(m *matrix, c *cell) string { return m.shiftPath(m.rosterStranger(c), prefix, seg) + tail }
	}
	body := func(v any) func(*matrix, *cell) any { return func(*matrix, *cell) any { return v } }
	return []endpoint{
		{name: "roosters", method: "GET", path: p("/api/v1/rosters"), rule: everyone},
		{name: "eigen rooster aanmaken", method: "POST", path: p("/api/v1/rosters"), body: func(m *matrix, c *cell) any { return newRoster(m.rosterOwner(c)) }, rule: rosterEditor},
		{name: "rooster van een ander aanmaken", method: "POST", path: p("/api/v1/rosters"), body: func(m *matrix, c *cell) any { return newRoster(m.rosterStranger(c)) }, rule: nobody},
		{name: "rooster lezen (met diensten)", shown: api + "{rooster-van-een-ander}", method: "GET", path: other(api, ""), rule: everyone},
		{name: "wie heeft dienst volgens een rooster", shown: api + "{rooster-van-een-ander}/occurrences", method: "GET", path: other(api, "/occurrences"), rule: everyone},
		{name: "eigen rooster wijzigen", shown: api + "{eigen-rooster}", method: "PUT", path: own(api, ""), body: body(rename), rule: rosterEditor},
		{name: "rooster van een ander wijzigen", shown: api + "{rooster-van-een-ander}", method: "PUT", path: other(api, ""), body: body(rename), rule: nobody},
		{name: "eigen rooster verwijderen", shown: api + "{eigen-rooster}", method: "DELETE", path: own(api, ""), rule: rosterEditor},
		{name: "rooster van een ander verwijderen", shown: api + "{rooster-van-een-ander}", method: "DELETE", path: other(api, ""), rule: nobody},
		{name: "dienst toevoegen aan een eigen rooster", shown: api + "{eigen-rooster}/shifts", method: "POST", path: own(api, "/shifts"), body: body(shift), rule: rosterEditor},
		{name: "dienst toevoegen aan een rooster van een ander", shown: api + "{rooster-van-een-ander}/shifts", method: "POST", path: other(api, "/shifts"), body: body(shift), rule: nobody},
		{name: "dienst van een eigen rooster verwijderen", shown: api + "{eigen-rooster}/shifts/{dienst}", method: "DELETE", path: ownShift(api, "shifts", ""), rule: rosterEditor},
		{name: "dienst van een rooster van een ander verwijderen", shown: api + "{rooster-van-een-ander}/shifts/{dienst}", method: "DELETE", path: otherShift(api, "shifts", ""), rule: nobody},
		{name: "pagina: roosters", method: "GET", path: p("/roosters"), rule: everyone},
		{name: "pagina: nieuw rooster", method: "GET", path: p("/roosters/nieuw"), rule: ownEditor},
		{name: "formulier: eigen rooster aanmaken", method: "POST", path: p("/roosters"), body: func(m *matrix, c *cell) any { return newRosterForm(m.rosterOwner(c)) }, rule: rosterEditor, ok: 303},
		{name: "formulier: rooster van een ander aanmaken", method: "POST", path: p("/roosters"), body: func(m *matrix, c *cell) any { return newRosterForm(m.rosterStranger(c)) }, rule: nobody},
		{name: "pagina: rooster", shown: page + "{rooster-van-een-ander}", method: "GET", path: other(page, ""), rule: everyone},
		{name: "formulier: eigen rooster wijzigen", shown: page + "{eigen-rooster}", method: "POST", path: own(page, ""), body: body(renameForm), rule: rosterEditor, ok: 303},
		{name: "formulier: rooster van een ander wijzigen", shown: page + "{rooster-van-een-ander}", method: "POST", path: other(page, ""), body: body(renameForm), rule: nobody},
		{name: "formulier: eigen rooster verwijderen", shown: page + "{eigen-rooster}/verwijderen", method: "POST", path: own(page, "/verwijderen"), body: body(url.Values{}), rule: rosterEditor, ok: 303},
		{name: "formulier: rooster van een ander verwijderen", shown: page + "{rooster-van-een-ander}/verwijderen", method: "POST", path: other(page, "/verwijderen"), body: body(url.Values{}), rule: nobody},
		{name: "formulier: dienst toevoegen aan een eigen rooster", shown: page + "{eigen-rooster}/diensten", method: "POST", path: own(page, "/diensten"), body: body(shiftForm), rule: rosterEditor, ok: 303},
		{name: "formulier: dienst toevoegen aan een rooster van een ander", shown: page + "{rooster-van-een-ander}/diensten", method: "POST", path: other(page, "/diensten"), body: body(shiftForm), rule: nobody},
		{name: "formulier: dienst van een eigen rooster verwijderen", shown: page + "{eigen-rooster}/diensten/{dienst}/verwijderen", method: "POST", path: ownShift(page, "diensten", "/verwijderen"), body: body(url.Values{}), rule: rosterEditor, ok: 303},
		{name: "formulier: dienst van een rooster van een ander verwijderen", shown: page + "{rooster-van-een-ander}/diensten/{dienst}/verwijderen", method: "POST", path: otherShift(page, "diensten", "/verwijderen"), body: body(url.Values{}), rule: nobody},
	}
}
