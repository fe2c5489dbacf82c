package web_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

type availabilityFixture struct {
	ts                  *testServer
	provider, practice  mgz.Organisation
	covered, bare       mgz.Location
	rhoViewer, cp, gpCl *client
}

// newAvailabilityFixture: Monday 2 March 2026, 10:00 in Amsterdam. Location covered has a
// first_line roster from 07:00 to 23:00 every day; location bare has no roster.
func newAvailabilityFixture(t *testing.T) *availabilityFixture {
	t.Helper()
	ts := newTestServerAt(t, false, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	f := &availabilityFixture{ts: ts}
	mk := func(kind mgz.OrgKind, name, agb, kvk string) mgz.Organisation {
		o := mgz.Organisation{Kind: kind, Name: name, AGB: agb, KvK: kvk, Address: "Regioweg 2", Postcode: "9900 AB", City: "Teststad",
			Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
		if err := ts.reg.CreateOrganisation(ctx, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	f.provider = mk(mgz.KindCareProvider, "Zorggroep Noord", "", "77000002")
	f.practice = mk(mgz.KindGPPractice, "Huisartsenpraktijk De Linde", "01000001", "77000003")
	loc := func(name string) mgz.Location {
		l := mgz.Location{ProviderID: f.provider.ID, Name: name, Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
			Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 12}
		if err := ts.reg.CreateLocation(ctx, &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	f.covered, f.bare = loc("Woonvorm De Es"), loc("Woonvorm De Eik")
	ams, _ := time.LoadLocation(mgz.DefaultTimeZone)
	id := f.covered.ID
	r := mgz.Roster{LocationID: &id, Role: mgz.RosterFirstLine, Name: "Voorwacht De Es", Phone: "0120 555111",
		Shifts: []mgz.Shift{{UID: "dag", Person: "Team De Es", Start: time.Date(2026, 3, 1, 7, 0, 0, 0, ams),
			End: time.Date(2026, 3, 1, 23, 0, 0, 0, ams), RRule: "FREQ=DAILY"}}}
	if err := ts.db.Store().Rosters().CreateRoster(ctx, &r); err != nil {
		t.Fatal(err)
	}
	f.rhoViewer = ts.as(t, ts.rho.ID, mgz.RoleEditor)
	f.cp = ts.as(t, f.provider.ID, mgz.RoleViewer)
	f.gpCl = ts.as(t, f.practice.ID, mgz.RolePhysician)
	return f
}

type gapsBody struct {
	Items []struct {
		Role             string `json:"role"`
		Kind             string `json:"kind"`
		OrganisationID   int64  `json:"organisation_id"`
		OrganisationName string `json:"organisation_name"`
		LocationID       *int64 `json:"location_id"`
		LocationName     string `json:"location_name"`
		From             string `json:"from"`
		To               string `json:"to"`
	} `json:"items"`
	Total int    `json:"total"`
	From  string `json:"from"`
	To    string `json:"to"`
}

func TestAvailabilityGapsAPI(t *testing.T) {
	f := newAvailabilityFixture(t)
	r := f.rhoViewer.do(t, "GET", "/api/v1/availability/gaps?location_id="+itoa(f.covered.ID)+"&role=first_line&from=2026-03-02T09:00:00Z&to=2026-03-04", nil)
	if r.status != 200 {
		t.Fatalf("gaps: %d %s", r.status, r.body)
	}
	var b gapsBody
	r.json(t, &b)
	// Until the end of 4 March in Amsterdam: the nights of 2 and 3 March, and 4 March from 23:00 to midnight.
	if b.Total != 3 || len(b.Items) != 3 || b.From != "2026-03-02T09:00:00Z" || b.To != "2026-03-04T23:00:00Z" {
		t.Fatalf("body: %s", r.body)
	}
	g := b.Items[0]
	if g.Role != "first_line" || g.Kind != "uncovered" || g.OrganisationID != f.provider.ID || g.OrganisationName != "Zorggroep Noord" ||
		g.LocationID == nil || *g.LocationID != f.covered.ID || g.LocationName != "Woonvorm De Es" || g.From != "2026-03-02T22:00:00Z" || g.To != "2026-03-03T06:00:00Z" {
		t.Errorf("first gap: %+v", g)
	}
	// The provider sees its own; a practice not the region's.
	r = f.cp.do(t, "GET", "/api/v1/availability/gaps?location_id="+itoa(f.bare.ID), nil)
	r.json(t, &b)
	if r.status != 200 || b.Total != 3 || b.Items[0].Kind != "no_roster" {
		t.Errorf("the provider's bare location: %d %s", r.status, r.body)
	}
	// Paged like every list: the bare location's three gaps one at a time, the total all of them.
	var pages []string
	for off := 0; off < 4; off++ {
		r = f.cp.do(t, "GET", "/api/v1/availability/gaps?location_id="+itoa(f.bare.ID)+"&limit=1&offset="+itoa(int64(off)), nil)
		r.json(t, &b)
		if r.status != 200 || b.Total != 3 || (off < 3 && len(b.Items) != 1) || (off == 3 && len(b.Items) != 0) {
			t.Fatalf("page at offset %d: %d %s", off, r.status, r.body)
		}
		for _, g := range b.Items {
			pages = append(pages, g.Role)
		}
	}
	if len(pages) != 3 || pages[0] == pages[1] || pages[1] == pages[2] || pages[0] == pages[2] {
		t.Errorf("the pages listed %v, want the three roles once each", pages)
	}
	wantError(t, f.gpCl.do(t, "GET", "/api/v1/availability/gaps", nil), 403, "forbidden")
	wantError(t, f.rhoViewer.do(t, "GET", "/api/v1/availability/gaps?role=nachtwacht&from=gisteren", nil), 422, "invalid_request", "role", "from")
	r = f.rhoViewer.do(t, "GET", "/api/v1/availability/gaps?from=2026-03-01&to=2026-06-01", nil)
	wantError(t, r, 422, "invalid_request", "to")
	if !strings.Contains(string(r.body), "62 dagen") {
		t.Errorf("the refusal is not in Dutch: %s", r.body)
	}
}

func TestAvailabilityPageListsAGapWithAPrefilledReport(t *testing.T) {
	f := newAvailabilityFixture(t)
	rhoEditor := f.rhoViewer
	r := rhoEditor.do(t, "GET", "/beschikbaarheid?role=first_line&location_id="+itoa(f.covered.ID)+"&dagen=3", nil)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "Bereikbaarheid en roostergaten") || !strings.Contains(body, "02-03-2026 23:00") ||
		!strings.Contains(body, "niemand van dienst") || !strings.Contains(body, "Woonvorm De Es") {
		t.Fatalf("page: %d %s", r.status, body)
	}
	i := strings.Index(body, `href="/meldingen/nieuw?`)
	if i < 0 {
		t.Fatalf("no Melding maken link: %s", body)
	}
	link := html.UnescapeString(body[i+len(`href="`) : i+strings.Index(body[i:], `">`)])
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("zorgaanbieder") != itoa(f.provider.ID) || q.Get("locatie") != itoa(f.covered.ID) || q.Get("onderwerp") != "first_line_availability" {
		t.Errorf("link: %s", link)
	}
	form := string(rhoEditor.do(t, "GET", link, nil).body)
	for _, want := range []string{
		`<option value="` + itoa(f.covered.ID) + `" selected>Woonvorm De Es`,
		`<option value="first_line_availability" selected>`,
		"niemand van dienst van 02-03-2026 23:00 tot 03-03-2026 07:00",
		`value="2026-03-02"`,
	} {
		if !strings.Contains(html.UnescapeString(form), html.UnescapeString(want)) {
			t.Errorf("the report form lacks %q", want)
		}
	}
	// A care provider sees its own gaps without the link (it does not file reports).
	r = f.cp.do(t, "GET", "/beschikbaarheid", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "geen rooster") || strings.Contains(string(r.body), "Melding maken") {
		t.Errorf("the provider's page: %d %s", r.status, r.body)
	}
	r = rhoEditor.do(t, "GET", "/beschikbaarheid?dagen=100", nil)
	if r.status != 422 || !strings.Contains(string(r.body), "1 tot en met 62 dagen") {
		t.Errorf("a wrong window: %d", r.status)
	}
}

func TestAvailabilitySectionOnTheLocationPageAndStartPage(t *testing.T) {
	f := newAvailabilityFixture(t)
	body := string(f.cp.do(t, "GET", "/locaties/"+itoa(f.covered.ID), nil).body)
	if !strings.Contains(body, "Bereikbaarheid komende 14 dagen") || !strings.Contains(body, "niemand van dienst van 02-03-2026 23:00 tot 03-03-2026 07:00") ||
		!strings.Contains(body, "Geen rooster vastgelegd") {
		t.Errorf("location page section: %s", body)
	}
	// A practice may not see the provider's gaps: no section.
	if body := string(f.gpCl.do(t, "GET", "/locaties/"+itoa(f.covered.ID), nil).body); strings.Contains(body, "Bereikbaarheid komende 14 dagen") {
		t.Error("a practice sees the provider's gaps")
	}
	// The start page: Monday, Tuesday and Wednesday night within 72 hours.
	for _, c := range []*client{f.cp, f.rhoViewer} {
		if body := string(c.do(t, "GET", "/", nil).body); !strings.Contains(body, "<strong>3 gaten</strong>") || !strings.Contains(body, `href="/beschikbaarheid?dagen=3"`) {
			t.Errorf("start page of %d lacks the gaps block", c.user.OrganisationID)
		}
	}
}

// The regional overview names the uncovered gaps of the next 14 days for those who follow the
// region (issue 13: a gap is visible on the RHO's overview), and a care provider's own.
func TestOverviewListsTheUncoveredRosterGaps(t *testing.T) {
	f := newAvailabilityFixture(t)
	for name, c := range map[string]*client{"RHO": f.rhoViewer, "care provider": f.cp} {
		r := c.do(t, "GET", "/overzicht", nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, "Roostergaten komende 14 dagen") || !strings.Contains(body, "02-03-2026 23:00") ||
			!strings.Contains(body, "Woonvorm De Es") || !strings.Contains(body, `href="/beschikbaarheid"`) {
			t.Errorf("%s: overview without the gap of Woonvorm De Es: %d %s", name, r.status, body)
		}
		// Only uncovered gaps: the location without a roster is a link away, not 14 days long in the list.
		if i := strings.Index(body, "Roostergaten komende 14 dagen"); i >= 0 {
			section := body[i:]
			section = section[:strings.Index(section, "</section>")]
			if strings.Contains(section, "Woonvorm De Eik") {
				t.Errorf("%s: the overview lists the no-roster location among the gaps", name)
			}
		}
	}
	// A later page of the overview does not compute the gaps again.
	if body := string(f.rhoViewer.do(t, "GET", "/overzicht?offset=50", nil).body); strings.Contains(body, "Roostergaten komende 14 dagen") {
		t.Error("a later page repeats the gaps")
	}
}
