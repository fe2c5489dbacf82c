package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// withFixedPractice makes f.practice the fixed GP practice of the fixture's locations: the
// practice the RHO reports their gaps on behalf of.
func (f *availabilityFixture) withFixedPractice(t *testing.T) {
	t.Helper()
	for _, l := range []*mgz.Location{&f.covered, &f.bare} {
		l.FixedGPPracticeID = &f.practice.ID
		if err := f.ts.reg.UpdateLocation(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
}

var gapFormRe = regexp.MustCompile(`(?s)<form method="post" action="/beschikbaarheid/melding"[^>]*>(.*?)</form>`)
var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// gapForms returns the fields of each one-click report button on the page at path.
func gapForms(t *testing.T, c *client, path string) []url.Values {
	t.Helper()
	r := c.do(t, "GET", path, nil)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", path, r.status, r.body)
	}
	var out []url.Values
	for _, m := range gapFormRe.FindAllStringSubmatch(string(r.body), -1) {
		v := url.Values{}
		for _, h := range hiddenRe.FindAllStringSubmatch(m[1], -1) {
			v.Set(h[1], html.UnescapeString(h[2]))
		}
		out = append(out, v)
	}
	return out
}

// escalationsOf lists the reports the client sees.
func escalationsOf(t *testing.T, c *client) []map[string]any {
	t.Helper()
	var body struct {
		Items []map[string]any `json:"items"`
	}
	c.do(t, "GET", "/api/v1/escalations", nil).json(t, &body)
	return body.Items
}

// One click on a gap's button files the report the prefilled form would: about the care
// provider, at the location, on behalf of the location's fixed practice, with the gap's subject
// and text; the RHO lands on the new report with a confirmation. A location without a roster
// has the button too.
func TestOneClickReportFromAGapFilesTheReport(t *testing.T) {
	f := newAvailabilityFixture(t)
	f.withFixedPractice(t)
	page := "/beschikbaarheid?role=first_line&location_id=" + itoa(f.covered.ID) + "&dagen=3"
	body := string(f.rhoViewer.do(t, "GET", page, nil).body)
	if !strings.Contains(body, "Melding aanpassen en maken") || !strings.Contains(body, `href="/meldingen/nieuw?`) {
		t.Errorf("the prefilled form is not offered next to the button: %s", body)
	}
	forms := gapForms(t, f.rhoViewer, page)
	if len(forms) != 3 {
		t.Fatalf("%d report buttons for three nights: %v", len(forms), forms)
	}
	v := forms[0]
	if v.Get("csrf") == "" && v.Get("role") == "" {
		t.Fatalf("the button posts no gap: %v", v)
	}
	if v.Get("role") != "first_line" || v.Get("organisation_id") != itoa(f.provider.ID) || v.Get("location_id") != itoa(f.covered.ID) ||
		v.Get("from") != "2026-03-02T22:00:00Z" || v.Get("to") != "2026-03-03T06:00:00Z" {
		t.Errorf("the button names another gap: %v", v)
	}
	r := f.rhoViewer.postForm(t, "/beschikbaarheid/melding", v)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/meldingen/") {
		t.Fatalf("one click: %d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	if next := string(f.rhoViewer.do(t, "GET", r.header.Get("Location"), nil).body); !strings.Contains(next, "De melding is opgeslagen") {
		t.Errorf("the new report is shown without a confirmation: %s", next)
	}
	items := escalationsOf(t, f.rhoViewer)
	if len(items) != 1 {
		t.Fatalf("%d reports after one click, want 1", len(items))
	}
	e := items[0]
	if e["care_provider_id"] != float64(f.provider.ID) || e["location_id"] != float64(f.covered.ID) || e["reporter_practice_id"] != float64(f.practice.ID) ||
		e["category"] != "first_line_availability" || e["on_behalf"] != true || e["business_status"] != "care_provider" || e["owner"] != float64(f.provider.ID) ||
		e["period_start"] != "2026-03-02" {
		t.Errorf("report: %v", e)
	}
	if d, _ := e["description"].(string); !strings.Contains(d, "niemand van dienst van 02-03-2026 23:00 tot 03-03-2026 07:00 (Zorggroep Noord, locatie Woonvorm De Es)") {
		t.Errorf("description: %q", d)
	}
	// The practice is told the RHO reported on its behalf.
	var inbox struct {
		Items []struct {
			Subject string `json:"subject"`
		} `json:"items"`
	}
	f.gpCl.do(t, "GET", "/api/v1/inbox", nil).json(t, &inbox)
	if len(inbox.Items) == 0 {
		t.Error("the practice was not told of the report filed on its behalf")
	}

	// The location without a roster: one gap over the whole window, with its own button.
	forms = gapForms(t, f.rhoViewer, "/beschikbaarheid?location_id="+itoa(f.bare.ID)+"&role=behaviour_specialist")
	if len(forms) != 1 {
		t.Fatalf("%d buttons for the location without a roster, want 1", len(forms))
	}
	if r := f.rhoViewer.postForm(t, "/beschikbaarheid/melding", forms[0]); r.status != http.StatusSeeOther {
		t.Fatalf("one click on a no-roster gap: %d %s", r.status, r.body)
	}
	items = escalationsOf(t, f.rhoViewer)
	if len(items) != 2 {
		t.Fatalf("%d reports, want 2", len(items))
	}
	for _, e := range items {
		if e["location_id"] == float64(f.bare.ID) {
			if d, _ := e["description"].(string); e["category"] != "behaviour_support" || !strings.Contains(d, "geen rooster vastgelegd") || !strings.Contains(d, "Woonvorm De Eik") {
				t.Errorf("no-roster report: %v", e)
			}
		}
	}
	// The location page and the overview offer the button as well.
	if forms := gapForms(t, f.rhoViewer, "/locaties/"+itoa(f.covered.ID)); len(forms) == 0 {
		t.Error("the location page has no report button")
	}
	if forms := gapForms(t, f.rhoViewer, "/overzicht"); len(forms) == 0 {
		t.Error("the overview has no report button")
	}
}

// The server looks the gap up again: a gap closed since the page was shown, an interval other
// than the gap's and a gap that is over are refused in Dutch, and no report is filed.
func TestOneClickReportRefusesAGapThatIsGone(t *testing.T) {
	f := newAvailabilityFixture(t)
	f.withFixedPractice(t)
	forms := gapForms(t, f.rhoViewer, "/beschikbaarheid?role=first_line&location_id="+itoa(f.covered.ID)+"&dagen=3")
	if len(forms) != 3 {
		t.Fatalf("%d report buttons, want 3", len(forms))
	}
	refused := func(name string, v url.Values, status int) {
		t.Helper()
		r := f.rhoViewer.postForm(t, "/beschikbaarheid/melding", v)
		if r.status != status || !strings.Contains(string(r.body), "Er is geen melding gemaakt") && status == http.StatusConflict {
			t.Errorf("%s: %d, want %d with a Dutch refusal: %s", name, r.status, status, r.body)
		}
	}
	// A posted interval is never trusted: one hour more than the gap is not the gap.
	longer := url.Values{}
	for k, vs := range forms[1] {
		longer[k] = vs
	}
	longer.Set("to", "2026-03-04T07:00:00Z")
	refused("a longer interval", longer, http.StatusConflict)
	past := url.Values{}
	for k, vs := range forms[0] {
		past[k] = vs
	}
	past.Set("from", "2026-03-01T22:00:00Z")
	past.Set("to", "2026-03-02T06:00:00Z")
	refused("a gap that is over", past, http.StatusConflict)
	bad := url.Values{}
	for k, vs := range forms[0] {
		bad[k] = vs
	}
	bad.Set("from", "gisteren")
	refused("an unreadable gap", bad, http.StatusUnprocessableEntity)

	// The nights are covered now.
	ams, _ := time.LoadLocation(mgz.DefaultTimeZone)
	id := f.covered.ID
	night := mgz.Roster{LocationID: &id, Role: mgz.RosterFirstLine, Name: "Nachtdienst De Es", Phone: "0120 555112",
		Shifts: []mgz.Shift{{UID: "nacht", Person: "Team De Es", Start: time.Date(2026, 3, 1, 23, 0, 0, 0, ams),
			End: time.Date(2026, 3, 2, 7, 0, 0, 0, ams), RRule: "FREQ=DAILY"}}}
	if err := f.ts.db.Store().Rosters().CreateRoster(context.Background(), &night); err != nil {
		t.Fatal(err)
	}
	refused("a gap that was closed", forms[0], http.StatusConflict)
	if items := escalationsOf(t, f.rhoViewer); len(items) != 0 {
		t.Errorf("a refused click filed %d reports", len(items))
	}
}

// Only who may see the gap and file reports may click: a practice (which files reports but does
// not see a care provider's gaps) and a care provider (which sees them but does not file) are
// refused with 403, and nothing is filed.
func TestOneClickReportForbiddenForAPracticeAndAProvider(t *testing.T) {
	f := newAvailabilityFixture(t)
	f.withFixedPractice(t)
	forms := gapForms(t, f.rhoViewer, "/beschikbaarheid?role=first_line&location_id="+itoa(f.covered.ID)+"&dagen=3")
	if len(forms) == 0 {
		t.Fatal("no report button")
	}
	for name, c := range map[string]*client{"practice": f.gpCl, "care provider": f.cp} {
		if r := c.postForm(t, "/beschikbaarheid/melding", forms[0]); r.status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403: %s", name, r.status, r.body)
		}
	}
	if forms := gapForms(t, f.cp, "/beschikbaarheid"); len(forms) != 0 {
		t.Errorf("the care provider is offered %d report buttons", len(forms))
	}
	if items := escalationsOf(t, f.rhoViewer); len(items) != 0 {
		t.Errorf("a refused click filed %d reports", len(items))
	}
}

// The inbox notice about a new gap leads to the page where its report button is.
func TestGapNoticeLinksToTheGapsReportButton(t *testing.T) {
	f := newAvailabilityFixture(t)
	f.withFixedPractice(t)
	if n, err := f.ts.svc.ScanCoverageGaps(context.Background()); err != nil || n == 0 {
		t.Fatalf("scan: %d, %v", n, err)
	}
	var inbox struct {
		Items []struct {
			Kind    string `json:"kind"`
			Subject string `json:"subject"`
			Link    string `json:"link"`
		} `json:"items"`
	}
	f.rhoViewer.do(t, "GET", "/api/v1/inbox", nil).json(t, &inbox)
	found := false
	for _, n := range inbox.Items {
		if n.Kind != string(mgz.NoticeCoverageGap) || !strings.Contains(n.Subject, "Woonvorm De Es") || !strings.Contains(n.Subject, "02-03-2026 23:00") {
			continue
		}
		found = true
		u, err := url.Parse(n.Link)
		if err != nil || u.Path != "/beschikbaarheid" || u.Query().Get("location_id") != itoa(f.covered.ID) || u.Query().Get("role") != "first_line" {
			t.Fatalf("notice link: %s", n.Link)
		}
		ok := false
		for _, v := range gapForms(t, f.rhoViewer, n.Link) {
			ok = ok || (v.Get("location_id") == itoa(f.covered.ID) && v.Get("from") == "2026-03-02T22:00:00Z" && v.Get("to") == "2026-03-03T06:00:00Z")
		}
		if !ok {
			t.Errorf("the page the notice links to (%s) has no report button for the gap", n.Link)
		}
	}
	if !found {
		t.Fatalf("no notice about Monday night's gap at Woonvorm De Es: %+v", inbox.Items)
	}
}
