package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// etag reads a response's strong ETag as a revision.
func etag(t *testing.T, r response) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.Trim(r.header.Get("ETag"), `"`), 10, 64)
	if err != nil || n <= 0 {
		t.Fatalf("ETag %q is not a revision (status %d)\n%s", r.header.Get("ETag"), r.status, r.body)
	}
	return n
}

// doMatch sends a JSON request with If-Match set to rev.
func (c *client) doMatch(t *testing.T, method, path string, body any, rev int64) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		rd = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, c.ts.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("If-Match", `"`+strconv.FormatInt(rev, 10)+`"`)
	return c.send(t, req)
}

// wantStale fails unless r is the 409 of a stale edit whose Dutch message has every one of want.
func wantStale(t *testing.T, r response, want ...string) {
	t.Helper()
	wantError(t, r, 409, "conflict")
	var e apiError
	r.json(t, &e)
	for _, w := range append([]string{"gewijzigd nadat u de pagina opende", "niet opgeslagen"}, want...) {
		if !strings.Contains(e.Error.Message, w) {
			t.Errorf("409 message %q lacks %q", e.Error.Message, w)
		}
	}
}

func TestRegisterRecordsCarryAnETagAndAStaleIfMatchGets409(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: 1}})
	cps, _, _ := ts.reg.ContactPoints(ctx, mgz.ContactPointFilter{LocationID: locs[0].ID, Page: mgz.Page{Limit: 1}})
	if len(cps) == 0 {
		t.Fatal("the demo location has no contact point")
	}
	owner := ts.as(t, locs[0].ProviderID, mgz.RoleAdmin)
	tests := []struct {
		c      *client
		path   string
		rename func(m map[string]any)
		field  string // in Dutch, as the 409 names it
	}{
		{ts.client, "/api/v1/organisations/" + itoa(ts.rho.ID), func(m map[string]any) { m["name"] = m["name"].(string) + " x" }, "naam"},
		{owner, "/api/v1/locations/" + itoa(locs[0].ID), func(m map[string]any) { m["places"] = m["places"].(float64) + 1 }, "plaatsen"},
		{owner, "/api/v1/contact-points/" + itoa(cps[0].ID), func(m map[string]any) { m["name"] = "Nieuwe omschrijving" }, "naam"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := tt.c.do(t, "GET", tt.path, nil)
			rev := etag(t, r)
			var m map[string]any
			r.json(t, &m)
			if m["revision"].(float64) != float64(rev) {
				t.Fatalf("body revision %v, ETag %d", m["revision"], rev)
			}
			tt.rename(m)
			ok := tt.c.doMatch(t, "PUT", tt.path, m, rev)
			if ok.status != 200 || etag(t, ok) != rev+1 {
				t.Fatalf("PUT with the current If-Match: %d, ETag %q\n%s", ok.status, ok.header.Get("ETag"), ok.body)
			}
			// A second editor who read the same revision is refused and told what changed.
			wantStale(t, tt.c.doMatch(t, "PUT", tt.path, m, rev), "gewijzigd door", tt.field)
			// So is a body that sends the old revision back without If-Match.
			wantStale(t, tt.c.do(t, "PUT", tt.path, m))
			wantError(t, tt.c.doMatch(t, "PUT", tt.path, m, 0), 422, "invalid_request", "If-Match")
		})
	}
}

func TestAgreementAndSettingsCarryAnETagAndAStaleIfMatchGets409(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	provs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provs[0].ID, Page: mgz.Page{Limit: 1}})
	provider := ts.as(t, provs[0].ID, mgz.RoleEditor)
	practice := ts.as(t, gps[0].ID, mgz.RolePhysician)
	var ag mgz.Agreement
	r := provider.do(t, "POST", "/api/v1/agreements", map[string]any{"type": "subcontract", "provider_id": provs[0].ID, "practice_id": gps[0].ID,
		"location_ids": []int64{locs[0].ID}, "start": "2026-01-01", "term_months": 12, "tariff_cents": 9500, "tariff_unit": "per uur", "hours_covered": "werkdagen"})
	r.json(t, &ag)
	api := "/api/v1/agreements/" + itoa(ag.ID)
	rev := etag(t, provider.do(t, "GET", api, nil))
	sent := provider.doMatch(t, "POST", api+"/send", nil, rev)
	if sent.status != 200 || etag(t, sent) != rev+1 {
		t.Fatalf("send with If-Match: %d", sent.status)
	}
	signed := practice.do(t, "POST", api+"/sign", map[string]any{"role": "huisarts", "version": 1})
	if signed.status != 200 {
		t.Fatalf("sign: %d %s", signed.status, signed.body)
	}
	ag.NoticeMonths = 2
	wantStale(t, provider.doMatch(t, "PUT", api, ag, rev+1), "ondertekend door", gps[0].Name)

	set := ts.do(t, "GET", "/api/v1/settings/calendar", nil)
	srev := etag(t, set)
	var cal map[string]any
	set.json(t, &cal)
	cal["office_start"] = "07:30"
	if r := ts.doMatch(t, "PUT", "/api/v1/settings/calendar", cal, srev); r.status != 200 || etag(t, r) != srev+1 {
		t.Fatalf("settings PUT: %d %s", r.status, r.body)
	}
	cal["office_start"] = "09:00"
	wantStale(t, ts.doMatch(t, "PUT", "/api/v1/settings/calendar", cal, srev), "kantooruren", "07:30")
}

var revisionInput = regexp.MustCompile(`name="revision" value="(\d+)"`)

func TestFormsCarryTheRevisionAndAStaleOneShowsTheConflict(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: 1}})
	loc := locs[0]
	key := string(mgz.Prerequisites[0].Key)
	provider := ts.as(t, loc.ProviderID, mgz.RoleAdmin)
	o := ts.rho
	orgForm := url.Values{"kind": {string(o.Kind)}, "name": {o.Name + " (gewijzigd)"}, "kvk": {o.KvK}, "address": {o.Address},
		"postcode": {o.Postcode}, "city": {o.City}, "phone": {o.Phone}, "care_office_region": {o.CareOfficeRegion}}
	tests := []struct {
		name, page, post string
		c                *client
		form             url.Values
	}{
		{"organisation", "/organisaties/" + itoa(o.ID) + "/bewerken", "/organisaties/" + itoa(o.ID), ts.client, orgForm},
		{"settings", "/instellingen", "/instellingen", ts.client, url.Values{"office_start": {"08:00"}, "office_end": {"17:30"}}},
		{"prerequisite", "/locaties/" + itoa(loc.ID) + "/randvoorwaarden/" + key, "/locaties/" + itoa(loc.ID) + "/randvoorwaarden/" + key,
			provider, url.Values{"status": {"met"}, "note": {"Gecontroleerd."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := revisionInput.FindStringSubmatch(string(tt.c.do(t, "GET", tt.page, nil).body))
			if m == nil {
				t.Fatalf("%s has no hidden revision field", tt.page)
			}
			tt.form.Set("revision", m[1])
			if r := tt.c.postForm(t, tt.post, tt.form); r.status != 303 {
				t.Fatalf("first save: %d\n%s", r.status, r.body)
			}
			// The same form sent again (a second tab, a colleague) was made on the old revision.
			r := tt.c.postForm(t, tt.post, tt.form)
			if r.status != 409 || !strings.Contains(string(r.body), "gewijzigd nadat u de pagina opende") || !strings.Contains(string(r.body), "Uw wijziging is niet opgeslagen") {
				t.Fatalf("stale form: %d, want 409 with the Dutch explanation\n%s", r.status, r.body)
			}
		})
	}
}

func TestAnOversizedUploadSaysFileTooLarge(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: 1}})
	u, _ := ts.newUser(t, locs[0].ProviderID, "een lang genoeg wachtwoord", mgz.RoleAdmin)
	b := newBrowserClient(t, ts)
	if r := b.post("/inloggen", url.Values{"email": {u.Email}, "password": {"een lang genoeg wachtwoord"}}); r.status != 303 {
		t.Fatalf("login: %d", r.status)
	}
	path := "/locaties/" + itoa(locs[0].ID) + "/randvoorwaarden/" + string(mgz.Prerequisites[0].Key)
	token := b.csrf(path)
	big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("x"), mgz.MaxDocumentSize+512<<10)...)
	body, ct := multipartItem(t, map[string]string{"csrf": token, "status": "met"}, "groot.pdf", big)
	req, _ := http.NewRequest("POST", ts.URL+path, body)
	req.Header.Set("Content-Type", ct)
	r := b.send(req)
	page := string(r.body)
	if r.status != 413 || !strings.Contains(page, "Bestand te groot") || !strings.Contains(page, "5 MB") || strings.Contains(page, "verlopen") {
		t.Fatalf("oversized upload: %d, want 413 saying the file is too large and the limit\n%s", r.status, page)
	}
}

func TestARemovedGPPostIsToldAndKeepsOnlyItsOldVersions(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	provs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	posts, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPost, Page: mgz.Page{Limit: 1}})
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provs[0].ID, Page: mgz.Page{Limit: 1}})
	other := mgz.Organisation{Kind: mgz.KindGPPost, Name: "Huisartsenpost Elders", AGB: "05999999", KvK: "77999999", Address: "Postweg 1",
		Postcode: "9900 AB", City: "Elders", Phone: "0120 555999", CareOfficeRegion: posts[0].CareOfficeRegion}
	if err := ts.reg.CreateOrganisation(ctx, &other); err != nil {
		t.Fatal(err)
	}
	provider := ts.as(t, provs[0].ID, mgz.RoleEditor)
	practice := ts.as(t, gps[0].ID, mgz.RoleEditor)
	removed := ts.as(t, posts[0].ID, mgz.RoleAdmin)

	var ag mgz.Agreement
	provider.do(t, "POST", "/api/v1/agreements", map[string]any{"type": "cooperation", "provider_id": provs[0].ID, "practice_id": gps[0].ID,
		"gp_post_id": posts[0].ID, "location_ids": []int64{locs[0].ID}, "start": "2026-01-01", "term_months": 12}).json(t, &ag)
	api := "/api/v1/agreements/" + itoa(ag.ID)
	ag.GPPost = &other.ID
	r := practice.doMatch(t, "PUT", api, ag, ag.Revision)
	if r.status != 200 {
		t.Fatalf("swapping the GP post: %d %s", r.status, r.body)
	}

	home := string(removed.do(t, "GET", "/", nil).body)
	if !strings.Contains(home, "verwijderd als partij") || !strings.Contains(home, gps[0].Name) {
		t.Errorf("the removed post's start page does not tell it")
	}
	var old mgz.Agreement
	got := removed.do(t, "GET", api, nil)
	got.json(t, &old)
	if got.status != 200 || old.Former == nil || old.Version != 1 || got.header.Get("ETag") != "" {
		t.Fatalf("the removed post reads %d %+v (ETag %q), want version 1 marked former", got.status, old, got.header.Get("ETag"))
	}
	page := removed.do(t, "GET", "/overeenkomsten/"+itoa(ag.ID), nil)
	if page.status != 200 || !strings.Contains(string(page.body), "geen partij meer") || strings.Contains(string(page.body), "/stap/") {
		t.Errorf("the removed post's agreement page: %d, notice shown %v, steps offered %v", page.status,
			strings.Contains(string(page.body), "geen partij meer"), strings.Contains(string(page.body), "/stap/"))
	}
	if r := removed.do(t, "GET", api+"/document?version=2", nil); r.status != 404 {
		t.Errorf("the removed post reads the new version's document: %d", r.status)
	}
	if r := removed.do(t, "POST", api+"/send", nil); r.status < 400 || r.status >= 500 {
		t.Errorf("the removed post still acts: %d", r.status)
	}
}

// post sends a JSON POST from any goroutine and returns the status (0 when it could not be sent).
func (c *client) post(path string, body any) int {
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.ts.URL+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestThreePartiesSigningAtOnceOverHTTPAllCount(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	provs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	posts, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPost, Page: mgz.Page{Limit: 1}})
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provs[0].ID, Page: mgz.Page{Limit: 1}})
	signers := []*client{ts.as(t, provs[0].ID, mgz.RoleEditor), ts.as(t, gps[0].ID, mgz.RolePhysician), ts.as(t, posts[0].ID, mgz.RoleAdmin)}
	const rounds = 20
	races, acked, lost := 0, 0, 0
	for round := 0; round < rounds; round++ {
		var ag mgz.Agreement
		signers[0].do(t, "POST", "/api/v1/agreements", map[string]any{"type": "cooperation", "provider_id": provs[0].ID, "practice_id": gps[0].ID,
			"gp_post_id": posts[0].ID, "location_ids": []int64{locs[0].ID}, "start": "2026-01-01", "term_months": 12}).json(t, &ag)
		api := "/api/v1/agreements/" + itoa(ag.ID)
		if r := signers[0].do(t, "POST", api+"/send", map[string]any{"version": 1}); r.status != 200 {
			t.Fatalf("send: %d %s", r.status, r.body)
		}
		statuses := make([]int, len(signers))
		start := make(chan struct{})
		done := make(chan int)
		for i, c := range signers {
			go func() {
				<-start
				statuses[i] = c.post(api+"/sign", map[string]any{"role": "bestuurder", "version": 1})
				done <- i
			}()
		}
		close(start)
		for range signers {
			<-done
		}
		races++
		var got mgz.Agreement
		signers[0].do(t, "GET", api, nil).json(t, &got)
		for i, st := range statuses {
			if st != 200 {
				t.Errorf("round %d: signer %d got %d; want 200", round, i, st)
				continue
			}
			acked++
			if !got.SignedBy(signers[i].user.OrganisationID) {
				lost++
			}
		}
		if got.Status != mgz.AgreementActive || len(got.Signatures) != 3 {
			t.Errorf("round %d: %s with %d signatures", round, got.Status, len(got.Signatures))
		}
	}
	t.Logf("HTTP: races tried %d, signatures acknowledged %d, lost %d", races, acked, lost)
	if lost > 0 {
		t.Errorf("%d acknowledged signatures lost", lost)
	}
}

func TestASignatureFormOnAReplacedVersionShowsTheConflict(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	provs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provs[0].ID, Page: mgz.Page{Limit: 1}})
	provider := ts.as(t, provs[0].ID, mgz.RoleEditor)
	practice := ts.as(t, gps[0].ID, mgz.RolePhysician)
	var ag mgz.Agreement
	provider.do(t, "POST", "/api/v1/agreements", map[string]any{"type": "subcontract", "provider_id": provs[0].ID, "practice_id": gps[0].ID,
		"location_ids": []int64{locs[0].ID}, "start": "2026-01-01", "term_months": 12, "tariff_cents": 9500, "tariff_unit": "per uur", "hours_covered": "werkdagen"}).json(t, &ag)
	api, page := "/api/v1/agreements/"+itoa(ag.ID), "/overeenkomsten/"+itoa(ag.ID)
	provider.do(t, "POST", api+"/send", nil)
	// The physician opens the page to sign version 1 ...
	body := string(practice.do(t, "GET", page, nil).body)
	m := revisionInput.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `name="version" value="1"`) {
		t.Fatalf("the signature form lacks the revision and version it was shown at")
	}
	// ... meanwhile the provider changes the tariff and offers version 2.
	provider.do(t, "GET", api, nil).json(t, &ag)
	ag.TariffCents = 12000
	provider.do(t, "PUT", api, ag)
	provider.do(t, "POST", api+"/send", nil)
	r := practice.postForm(t, page+"/stap/sign", url.Values{"role": {"huisarts"}, "revision": {m[1]}, "version": {"1"}})
	if r.status != 409 || !strings.Contains(string(r.body), "nu geldt versie 2") || !strings.Contains(string(r.body), "Tarief") {
		t.Fatalf("signing a replaced version: %d, want 409 naming version 2 and the change\n%s", r.status, r.body)
	}
	var got mgz.Agreement
	provider.do(t, "GET", api, nil).json(t, &got)
	if got.SignedBy(gps[0].ID) {
		t.Fatal("the signature on other terms was stored")
	}
}
