package web_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// movableClock is a service clock a test moves on.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *movableClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// escalationJSON is what the tests read of a report.
type escalationJSON struct {
	ID             int64  `json:"id"`
	Status         string `json:"status"`
	BusinessStatus string `json:"business_status"`
	Owner          *int64 `json:"owner"`
	Revision       int64  `json:"revision"`
	Description    string `json:"description"`
	Steps          []struct {
		ID       int64  `json:"id"`
		Step     string `json:"step"`
		Deadline string `json:"deadline"`
		Overdue  bool   `json:"overdue"`
	} `json:"steps"`
}

// demoOrg returns the first demo organisation of kind.
func demoOrg(t *testing.T, ts *testServer, kind mgz.OrgKind) mgz.Organisation {
	t.Helper()
	orgs, _, err := ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: kind})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("no demo %s: %v", kind, err)
	}
	return orgs[0]
}

func TestEscalationAPIAlongTheRoute(t *testing.T) {
	clock := &movableClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} // a Tuesday
	ts := newTestServerClock(t, true, clock.now)
	practice, provider, office := demoOrg(t, ts, mgz.KindGPPractice), demoOrg(t, ts, mgz.KindCareProvider), demoOrg(t, ts, mgz.KindCareOffice)
	gp, cp, zk := ts.as(t, practice.ID, mgz.RolePhysician), ts.as(t, provider.ID, mgz.RoleEditor), ts.as(t, office.ID, mgz.RoleViewer)

	r := gp.do(t, "POST", "/api/v1/escalations", map[string]any{"care_provider_id": provider.ID, "category": "physician_availability",
		"description": "Geen SO bereikbaar in het weekend.", "period_start": "2026-11-01"})
	if r.status != 201 || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/escalations/") || r.header.Get("ETag") != `"1"` {
		t.Fatalf("filing: %d %s %s", r.status, r.header, r.body)
	}
	var e escalationJSON
	r.json(t, &e)
	// 1 December + 14 = Tuesday 15 December.
	if e.Status != "in-progress" || e.BusinessStatus != "care_provider" || e.Owner == nil || *e.Owner != provider.ID || len(e.Steps) != 1 || e.Steps[0].Deadline != "2026-12-15" {
		t.Fatalf("new report: %s", r.body)
	}
	path := "/api/v1/escalations/" + itoa(e.ID)
	// The zorgkantoor does not see it yet; the provider does.
	wantError(t, zk.do(t, "GET", path, nil), 404, "not_found")
	if r := cp.do(t, "GET", path, nil); r.status != 200 {
		t.Fatalf("the provider reading: %d", r.status)
	}
	// Moving on too early is a 409 with the deadline in Dutch.
	r = gp.doMatch(t, "POST", path+"/steps", nil, e.Revision)
	wantError(t, r, 409, "conflict")
	if !strings.Contains(string(r.body), "15-12-2026") {
		t.Errorf("refusal does not name the deadline: %s", r.body)
	}
	// The provider answers late: after the deadline the step is overdue, then the answer lands.
	clock.add(15 * 24 * time.Hour)
	var late escalationJSON
	gp.do(t, "GET", path, nil).json(t, &late)
	if !late.Steps[0].Overdue {
		t.Fatalf("the step is not overdue on 16 December: %+v", late.Steps[0])
	}
	wantError(t, cp.doMatch(t, "POST", path+"/steps/"+itoa(e.Steps[0].ID)+"/response", map[string]any{"response": "x"}, e.Revision+5), 409, "conflict")
	r = cp.do(t, "POST", path+"/steps/"+itoa(e.Steps[0].ID)+"/response", map[string]any{"response": "We zoeken een extra SO."})
	if r.status != 200 {
		t.Fatalf("responding: %d %s", r.status, r.body)
	}
	r.json(t, &e)
	// Moved on with If-Match: the next step is opened at the zorgkantoor.
	r = gp.doMatch(t, "POST", path+"/steps", map[string]any{"note": "Onvoldoende."}, e.Revision)
	if r.status != 201 {
		t.Fatalf("moving on: %d %s", r.status, r.body)
	}
	r.json(t, &e)
	if e.BusinessStatus != "care_office" || e.Owner == nil || *e.Owner != office.ID || len(e.Steps) != 2 {
		t.Fatalf("after moving on: %s", r.body)
	}
	var st struct {
		Items []struct {
			Step string `json:"step"`
		} `json:"items"`
	}
	zk.do(t, "GET", path+"/steps", nil).json(t, &st)
	if len(st.Items) != 2 || st.Items[1].Step != "care_office" {
		t.Fatalf("the zorgkantoor's view of the steps: %+v", st)
	}
	// The zorgkantoor lists it; another practice does not.
	var list struct {
		Items []escalationJSON `json:"items"`
		Total int              `json:"total"`
	}
	zk.do(t, "GET", "/api/v1/escalations?state=care_office", nil).json(t, &list)
	if list.Total != 1 || list.Items[0].ID != e.ID {
		t.Fatalf("the zorgkantoor's list: %+v", list)
	}
	wantError(t, zk.do(t, "GET", "/api/v1/escalations?state=somewhere", nil), 422, "invalid_request", "state")
	// An attachment by JSON: a PDF is taken, anything else refused.
	wantError(t, gp.do(t, "POST", path+"/attachments", map[string]any{"name": "a.pdf", "content": []byte("<html>")}), 422, "invalid_request", "document")
	r = gp.do(t, "POST", path+"/attachments", map[string]any{"name": "rooster.pdf", "content": pdf})
	if r.status != 201 {
		t.Fatalf("attaching: %d %s", r.status, r.body)
	}
	var at struct {
		ID int64 `json:"id"`
	}
	r.json(t, &at)
	if r := zk.do(t, "GET", path+"/attachments/"+itoa(at.ID), nil); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("downloading the attachment: %d %s", r.status, r.header)
	}
	// The reporter resolves it; afterwards nothing moves.
	r = gp.do(t, "POST", path+"/resolve", map[string]any{"note": "Opgelost."})
	r.json(t, &e)
	if r.status != 200 || e.Status != "completed" || e.Owner != nil {
		t.Fatalf("resolving: %d %s", r.status, r.body)
	}
	wantError(t, gp.do(t, "POST", path+"/withdraw", nil), 409, "conflict")
}

func TestEscalationSummaryExportAndSettings(t *testing.T) {
	ts := newTestServerAt(t, true, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	practice, provider := demoOrg(t, ts, mgz.KindGPPractice), demoOrg(t, ts, mgz.KindCareProvider)
	gp := ts.as(t, practice.ID, mgz.RoleEditor)
	r := gp.do(t, "POST", "/api/v1/escalations", map[string]any{"care_provider_id": provider.ID, "category": "staffing",
		"description": "UNIEK-MERKTEKEN-42 bij mevrouw Jansen", "period_start": "2026-11-01"})
	if r.status != 201 {
		t.Fatalf("filing: %d %s", r.status, r.body)
	}
	wantError(t, gp.do(t, "GET", "/api/v1/escalations/summary", nil), 403, "forbidden")
	for _, format := range []string{"json", "csv"} {
		r := ts.do(t, "GET", "/api/v1/escalations/summary?format="+format+"&from=2026-01-01", nil)
		if r.status != 200 || !strings.Contains(string(r.body), "staffing") {
			t.Fatalf("%s summary: %d %s", format, r.status, r.body)
		}
		for _, leak := range []string{"UNIEK-MERKTEKEN-42", "Jansen", practice.Name, provider.Name} {
			if strings.Contains(string(r.body), leak) {
				t.Errorf("%s summary contains %q", format, leak)
			}
		}
	}
	wantError(t, ts.do(t, "GET", "/api/v1/escalations/summary?format=xml", nil), 400, "bad_request")
	// The response term: read by all, set by the RHO's admin within 1..90.
	wantError(t, ts.do(t, "PUT", "/api/v1/settings/escalation", map[string]any{"escalation_response_days": 0}), 422, "invalid_request", "escalation_response_days")
	if r := ts.do(t, "PUT", "/api/v1/settings/escalation", map[string]any{"escalation_response_days": 21}); r.status != 200 {
		t.Fatalf("setting the term: %d %s", r.status, r.body)
	}
	var s struct {
		Days int `json:"escalation_response_days"`
	}
	gp.do(t, "GET", "/api/v1/settings/escalation", nil).json(t, &s)
	if s.Days != 21 {
		t.Fatalf("term %d, want 21", s.Days)
	}
}

func TestEscalationPages(t *testing.T) {
	clock := &movableClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	ts := newTestServerClock(t, true, clock.now)
	practice, provider, rho := demoOrg(t, ts, mgz.KindGPPractice), demoOrg(t, ts, mgz.KindCareProvider), ts.rho
	gp, cp, rhoEd := ts.as(t, practice.ID, mgz.RolePhysician), ts.as(t, provider.ID, mgz.RoleEditor), ts.as(t, rho.ID, mgz.RoleEditor)
	if r := gp.do(t, "GET", "/meldingen/nieuw", nil); r.status != 200 || strings.Contains(string(r.body), "Namens huisartsenpraktijk") {
		t.Fatalf("the GP's form: %d", r.status)
	}
	if r := rhoEd.do(t, "GET", "/meldingen/nieuw", nil); r.status != 200 || !strings.Contains(string(r.body), "Namens huisartsenpraktijk") {
		t.Fatalf("the RHO's form lacks the practice to report for: %d", r.status)
	}
	// A form without a category is answered with the form and the field named.
	bad := url.Values{"care_provider_id": {itoa(provider.ID)}, "description": {"x"}, "period_start": {"2026-11-01"}}
	if r := gp.postForm(t, "/meldingen", bad); r.status != 422 || !strings.Contains(string(r.body), `href="#f-category"`) {
		t.Fatalf("a form without a category: %d", r.status)
	}
	form := url.Values{"care_provider_id": {itoa(provider.ID)}, "category": {"communication"}, "description": {"Overdrachten komen niet aan."}, "period_start": {"2026-11-01"}}
	r := rhoEd.postForm(t, "/meldingen", form)
	if r.status != 422 {
		t.Fatalf("the RHO filing without a practice: %d", r.status)
	}
	form.Set("reporter_practice_id", itoa(practice.ID))
	r = rhoEd.postForm(t, "/meldingen", form)
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/meldingen/") {
		t.Fatalf("filing by form: %d %s", r.status, r.body)
	}
	page := strings.SplitN(r.header.Get("Location"), "?", 2)[0]
	body := string(cp.do(t, "GET", page, nil).body)
	for _, want := range []string{"Reactie versturen", "namens de praktijk", "15-12-2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("the provider's page lacks %q", want)
		}
	}
	if strings.Contains(body, "Doorzetten naar:") {
		t.Error("the provider is offered to move its own report on")
	}
	r = cp.postForm(t, page+"/reactie", url.Values{"response": {""}, "step_id": {"0"}})
	if r.status != 422 {
		t.Fatalf("an empty response: %d", r.status)
	}
	gpPage := string(gp.do(t, "GET", page, nil).body)
	if !strings.Contains(gpPage, "kan zodra er een reactie is of na") || !strings.Contains(gpPage, "15-12-2026") {
		t.Errorf("the GP's page does not say when moving on is possible")
	}
	clock.add(16 * 24 * time.Hour)
	gpPage = string(gp.do(t, "GET", page, nil).body)
	if !strings.Contains(gpPage, "Termijn verstreken") || !strings.Contains(gpPage, "Doorzetten naar: bij het zorgkantoor") {
		t.Fatalf("the GP's page after the deadline lacks the overdue flag or the move-on form")
	}
	r = gp.postForm(t, page+"/doorzetten", url.Values{"note": {"Geen reactie."}, "revision": {"99"}})
	if r.status != 409 {
		t.Fatalf("moving on with a stale revision: %d", r.status)
	}
	r = gp.postForm(t, page+"/doorzetten", url.Values{"note": {"Geen reactie."}})
	if r.status != 303 {
		t.Fatalf("moving on: %d %s", r.status, r.body)
	}
	list := string(ts.as(t, demoOrg(t, ts, mgz.KindCareOffice).ID, mgz.RoleViewer).do(t, "GET", "/meldingen", nil).body)
	if !strings.Contains(list, `href="`+page+`"`) || !strings.Contains(list, "Bij het zorgkantoor") {
		t.Fatalf("the zorgkantoor's list lacks the report")
	}
	if r := ts.do(t, "GET", "/meldingen/landelijk-overzicht?format=csv", nil); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the national summary download: %d", r.status)
	}
}

func TestEscalationTermOnTheSettingsPage(t *testing.T) {
	ts := newTestServer(t, false)
	page := string(ts.do(t, "GET", "/instellingen", nil).body)
	if !strings.Contains(page, `name="escalation_response_days" type="number" value="14"`) || !strings.Contains(page, "Algemene termijnenwet") {
		t.Fatal("the settings page lacks the response term with its default and its rule")
	}
	for _, bad := range []string{"0", "91", "veertien"} {
		r := ts.postForm(t, "/instellingen/meldtermijn", url.Values{"escalation_response_days": {bad}})
		if r.status != 422 || !strings.Contains(string(r.body), `aria-invalid="true"`) {
			t.Errorf("term %q: status %d", bad, r.status)
		}
		// The other forms keep showing what is stored.
		if body := string(r.body); !strings.Contains(body, `name="max_age_months" type="number" value="12"`) || !strings.Contains(body, `name="switch_period_days"`) {
			t.Errorf("term %q: the page sent back lacks the stored handover limit or the switch period", bad)
		}
	}
	if r := ts.postForm(t, "/instellingen/meldtermijn", url.Values{"escalation_response_days": {"10"}}); r.status != 303 {
		t.Fatalf("saving: %d %s", r.status, r.body)
	}
	if page := string(ts.do(t, "GET", "/instellingen", nil).body); !strings.Contains(page, `name="escalation_response_days" type="number" value="10"`) {
		t.Error("the stored term is not shown")
	}
}
