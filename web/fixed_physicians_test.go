package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

func TestFixedPhysicianAPI(t *testing.T) {
	ts := newTestServer(t, true)
	provider, practice := demoOrg(t, ts, mgz.KindCareProvider), demoOrg(t, ts, mgz.KindGPPractice)
	locs, _, err := ts.reg.Locations(context.Background(), mgz.LocationFilter{ProviderID: provider.ID})
	if err != nil || len(locs) == 0 {
		t.Fatalf("no demo location: %v", err)
	}
	loc := locs[0]
	cp, gp := ts.as(t, provider.ID, mgz.RoleEditor), ts.as(t, practice.ID, mgz.RoleEditor)

	r := cp.do(t, "POST", "/api/v1/fixed-physicians", map[string]any{"location_id": loc.ID, "sector": "elderly", "name": "Dr. P. Mulder", "phone": "0120 555 321"})
	if r.status != 201 || r.header.Get("Location") == "" || r.header.Get("ETag") != `"1"` {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var got struct {
		ID             int64  `json:"id"`
		LocationID     *int64 `json:"location_id"`
		OrganisationID *int64 `json:"organisation_id"`
		ServiceID      *int64 `json:"service_id"`
		Sector, Name   string
		Phone          string `json:"phone"`
		Revision       int64  `json:"revision"`
	}
	r.json(t, &got)
	if got.ID == 0 || got.LocationID == nil || *got.LocationID != loc.ID || got.OrganisationID != nil || got.Revision != 1 || got.Name != "Dr. P. Mulder" {
		t.Fatalf("created: %s", r.body)
	}
	path := "/api/v1/fixed-physicians/" + itoa(got.ID)

	wantError(t, cp.do(t, "POST", "/api/v1/fixed-physicians", map[string]any{"location_id": loc.ID, "sector": "elderly", "name": "Tweede", "phone": "0120 555 322"}),
		409, mgz.ECodeConflict)
	wantError(t, cp.do(t, "POST", "/api/v1/fixed-physicians", map[string]any{"location_id": loc.ID, "sector": "youth", "name": "", "phone": "12"}),
		422, mgz.ECodeInvalid, "name", "phone", "sector")
	wantError(t, cp.do(t, "POST", "/api/v1/fixed-physicians", map[string]any{"organisation_id": provider.ID, "sector": "elderly", "name": "X", "phone": "0120 555 322"}),
		422, mgz.ECodeInvalid, "organisation_id")
	wantError(t, gp.do(t, "POST", "/api/v1/fixed-physicians", map[string]any{"location_id": loc.ID, "sector": "disability", "name": "X", "phone": "0120 555 322"}),
		403, mgz.ECodeForbidden)

	r = gp.do(t, "GET", "/api/v1/fixed-physicians?location_id="+itoa(loc.ID), nil)
	var l struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r.json(t, &l)
	if r.status != 200 || l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != got.ID {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	wantError(t, gp.do(t, "GET", "/api/v1/fixed-physicians?location_id=nul", nil), 422, mgz.ECodeInvalid, "location_id")

	upd := map[string]any{"sector": "elderly", "name": "Dr. P. Mulder-Kok", "phone": "0120 555 321", "revision": 1}
	if r := cp.do(t, "PUT", path, upd); r.status != 200 || !strings.Contains(string(r.body), "Mulder-Kok") || r.header.Get("ETag") != `"2"` {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	wantError(t, cp.do(t, "PUT", path, upd), 409, mgz.ECodeConflict)
	wantError(t, gp.do(t, "DELETE", path, nil), 403, mgz.ECodeForbidden)
	if r := cp.do(t, "DELETE", path, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	wantError(t, cp.do(t, "GET", path, nil), 404, mgz.ECodeNotFound)
}

func TestFixedPhysicianPages(t *testing.T) {
	ts := newTestServer(t, true)
	provider, practice := demoOrg(t, ts, mgz.KindCareProvider), demoOrg(t, ts, mgz.KindGPPractice)
	locs, _, err := ts.reg.Locations(context.Background(), mgz.LocationFilter{ProviderID: provider.ID})
	if err != nil || len(locs) == 0 {
		t.Fatalf("no demo location: %v", err)
	}
	loc := locs[0]
	cp, gp, gpViewer := ts.as(t, provider.ID, mgz.RoleEditor), ts.as(t, practice.ID, mgz.RoleEditor), ts.as(t, practice.ID, mgz.RoleViewer)
	locPage := "/locaties/" + itoa(loc.ID)

	// A form sent back keeps its input and names the problem.
	r := cp.postForm(t, "/vaste-artsen", url.Values{"location_id": {itoa(loc.ID)}, "sector": {"elderly"}, "name": {"Dr. J. Visser"}, "phone": {"12"}})
	if r.status != 422 || !strings.Contains(string(r.body), `value="Dr. J. Visser"`) || !strings.Contains(string(r.body), "Telefoonnummer") {
		t.Fatalf("invalid form: %d %s", r.status, r.body)
	}
	r = cp.postForm(t, "/vaste-artsen", url.Values{"location_id": {itoa(loc.ID)}, "sector": {"elderly"}, "name": {"Dr. J. Visser"}, "phone": {"0120 555 444"}})
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), locPage) {
		t.Fatalf("create: %d %s", r.status, r.header.Get("Location"))
	}
	fs, err := ts.svc.FixedPhysicians(context.Background(), mgz.Actor{System: true}, mgz.FixedPhysicianFilter{LocationID: loc.ID})
	if err != nil || len(fs) != 1 {
		t.Fatalf("stored: %+v, %v", fs, err)
	}
	edit := "/vaste-artsen/" + itoa(fs[0].ID)
	// A second one for the sector: the form comes back with the conflict at the sector.
	r = cp.postForm(t, "/vaste-artsen", url.Values{"location_id": {itoa(loc.ID)}, "sector": {"elderly"}, "name": {"Dr. K. Tweede"}, "phone": {"0120 555 445"}})
	if r.status != 409 || !strings.Contains(string(r.body), "Dr. K. Tweede") || !strings.Contains(string(r.body), "al een vaste SO") {
		t.Fatalf("duplicate: %d %s", r.status, r.body)
	}

	// Everyone sees the block; only the owner's editor gets the links to add and edit.
	for _, c := range []struct {
		name  string
		c     *client
		forms bool
	}{{"owner's editor", cp, true}, {"GP practice's editor", gp, false}} {
		body := string(c.c.do(t, "GET", locPage, nil).body)
		if !strings.Contains(body, "Vaste SO/AVG") || !strings.Contains(body, "Dr. J. Visser") || !strings.Contains(body, `href="tel:`) {
			t.Fatalf("%s: no block on the location page", c.name)
		}
		if strings.Contains(body, `href="`+edit+`"`) != c.forms || strings.Contains(body, "/vaste-artsen/nieuw?location_id=") != c.forms {
			t.Fatalf("%s: edit links shown %v, want %v", c.name, !c.forms, c.forms)
		}
	}
	if r := gp.do(t, "GET", "/vaste-artsen/nieuw?location_id="+itoa(loc.ID), nil); r.status != 403 {
		t.Fatalf("another's new form: %d", r.status)
	}
	if r := gp.do(t, "GET", edit, nil); r.status != 200 || strings.Contains(string(r.body), `action="`+edit+`"`) {
		t.Fatalf("another's view: %d, with a form", r.status)
	}
	if r := gp.postForm(t, edit, url.Values{"sector": {"elderly"}, "name": {"Overgenomen"}, "phone": {"0120 555 444"}, "revision": {"1"}}); r.status != 403 {
		t.Fatalf("another's update: %d", r.status)
	}

	// A stale edit is refused; the current one saves.
	if r := cp.postForm(t, edit, url.Values{"sector": {"elderly"}, "name": {"Dr. J. Visser-Bos"}, "phone": {"0120 555 444"}, "revision": {"1"}}); r.status != 303 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := cp.postForm(t, edit, url.Values{"sector": {"elderly"}, "name": {"Oud"}, "phone": {"0120 555 444"}, "revision": {"1"}}); r.status != 409 {
		t.Fatalf("stale update: %d", r.status)
	}

	// The GP practice's page has its own block, with forms for its editors only.
	orgPage := "/organisaties/" + itoa(practice.ID)
	if r := gp.postForm(t, "/vaste-artsen", url.Values{"organisation_id": {itoa(practice.ID)}, "sector": {"disability"}, "name": {"Dr. A. Avg"}, "phone": {"0120 555 446"},
		"service_id": {itoa(provider.ID)}}); r.status != 303 {
		t.Fatalf("practice create: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		c     *client
		forms bool
	}{{gp, true}, {gpViewer, false}, {cp, false}} {
		body := string(c.c.do(t, "GET", orgPage, nil).body)
		if !strings.Contains(body, "Dr. A. Avg") || !strings.Contains(body, `<a href="/organisaties/`+itoa(provider.ID)+`">`) ||
			strings.Contains(body, "/vaste-artsen/nieuw?organisation_id=") != c.forms {
			t.Fatalf("practice page: block or forms wrong (forms want %v)", c.forms)
		}
	}

	if r := cp.postForm(t, edit+"/verwijderen", url.Values{"revision": {"2"}}); r.status != 303 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if body := string(gp.do(t, "GET", locPage, nil).body); strings.Contains(body, "Visser") || !strings.Contains(body, "Nog geen vaste SO/AVG") {
		t.Fatal("deleted physician still shown")
	}
}

// freshFixed records a fixed SO at location loc, after removing any it had, for a matrix cell to
// read, change or remove (a fresh location each time would crowd the providers' overview pages).
func (m *matrix) freshFixed(loc int64) mgz.FixedPhysician {
	ctx := context.Background()
	old, err := m.ts.svc.FixedPhysicians(ctx, service.System(), mgz.FixedPhysicianFilter{LocationID: loc})
	if err != nil {
		m.t.Fatal(err)
	}
	for _, f := range old {
		if err := m.ts.svc.DeleteFixedPhysician(ctx, service.System(), f.ID, 0); err != nil {
			m.t.Fatal(err)
		}
	}
	f := mgz.FixedPhysician{LocationID: &loc, Sector: mgz.SectorElderly, Name: "Dr. Matrix", Phone: "0120 555 888"}
	if err := m.ts.svc.CreateFixedPhysician(ctx, service.System(), &f); err != nil {
		m.t.Fatal(err)
	}
	return f
}

// fixedGPSector is the sector a GP practice column records its own fixed physician for: editor
// and admin of the one demo practice each take one, as there is one per practice and sector.
func fixedGPSector(w who) string {
	if w.role == mgz.RoleAdmin {
		return "disability"
	}
	return "elderly"
}
