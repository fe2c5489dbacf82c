package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/regio-mgz/mgz"
)

// putUser sends PUT /api/v1/users/{id} with If-Match ifMatch (none when empty).
func putUser(t *testing.T, c *client, id int64, ifMatch, body string) response {
	t.Helper()
	req, _ := http.NewRequest("PUT", c.ts.URL+"/api/v1/users/"+itoa(id), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	return c.send(t, req)
}

func TestUsersCarryARevisionAsETagAndAStaleEditGets409(t *testing.T) {
	ts := newTestServer(t, false)
	colleague, _ := ts.newUser(t, ts.rho.ID, "", mgz.RoleViewer)
	r := ts.do(t, "GET", "/api/v1/users/"+itoa(colleague.ID), nil)
	if r.status != 200 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("GET user: %d, ETag %q; want 200 with ETag \"1\"", r.status, r.header.Get("ETag"))
	}
	body := `{"name":"Nieuwe naam","roles":["editor"]}`
	cases := []struct {
		name, ifMatch string
		status        int
		code, etag    string
	}{
		{"the current revision", `"1"`, 200, "", `"2"`},
		{"the same revision again: stale", `"1"`, 409, mgz.ECodeConflict, ""},
		{"a weak ETag of the current revision", `W/"2"`, 200, "", `"3"`},
		{"an unreadable If-Match", `"een"`, 422, mgz.ECodeInvalid, ""},
		{"no If-Match: the current revision", "", 200, "", `"4"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := putUser(t, ts.client, colleague.ID, c.ifMatch, body)
			if c.code != "" {
				wantError(t, r, c.status, c.code)
				return
			}
			if r.status != c.status || r.header.Get("ETag") != c.etag {
				t.Fatalf("PUT: %d, ETag %q; want %d, %q\n%s", r.status, r.header.Get("ETag"), c.status, c.etag, r.body)
			}
		})
	}
}

func TestTheColleagueFormCarriesTheRevisionAndShowsTheNewestVersionWhenStale(t *testing.T) {
	ts := newTestServer(t, false)
	colleague, _ := ts.newUser(t, ts.rho.ID, "", mgz.RoleViewer)
	page := ts.do(t, "GET", fmt.Sprintf("/gebruikers/%d", colleague.ID), nil)
	m := revisionInput.FindStringSubmatch(string(page.body))
	if page.status != 200 || m == nil || m[1] != "1" {
		t.Fatalf("the form has no hidden revision 1: %d %v", page.status, m)
	}
	first := url.Values{"name": {"Eerste wijziging"}, "roles": {"editor"}, "revision": {"1"}}
	if r := ts.postForm(t, fmt.Sprintf("/gebruikers/%d", colleague.ID), first); r.status != 303 {
		t.Fatalf("first edit: %d\n%s", r.status, r.body)
	}
	// A second admin's form was opened on revision 1 too.
	stale := url.Values{"name": {"Tweede wijziging"}, "roles": {"viewer"}, "revision": {"1"}}
	r := ts.postForm(t, fmt.Sprintf("/gebruikers/%d", colleague.ID), stale)
	body := string(r.body)
	m = revisionInput.FindStringSubmatch(body)
	if r.status != 409 || !strings.Contains(body, "is gewijzigd nadat u de pagina opende") || !strings.Contains(body, `value="Eerste wijziging"`) ||
		m == nil || m[1] != "2" {
		t.Fatalf("stale edit: %d, revision %v; want 409 with the newest version (revision 2) in the form\n%s", r.status, m, body)
	}
	u, err := ts.db.Store().Accounts().User(t.Context(), colleague.ID)
	if err != nil || u.Name != "Eerste wijziging" || u.Revision != 2 {
		t.Fatalf("stored %q revision %d (%v), want the first edit at revision 2", u.Name, u.Revision, err)
	}
}

// TestConcurrentUserEditsOverHTTPAnswerOnly200Or409: admins edit one colleague through the API
// at once, each with the ETag they read; every answer is 200 or 409, never a 5xx.
func TestConcurrentUserEditsOverHTTPAnswerOnly200Or409(t *testing.T) {
	ts := newTestServer(t, false)
	colleague, _ := ts.newUser(t, ts.rho.ID, "", mgz.RoleViewer)
	const admins, edits = 6, 5
	var clients []*client
	for range admins {
		clients = append(clients, ts.as(t, ts.rho.ID, mgz.RoleAdmin))
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range edits {
				req, _ := http.NewRequest("GET", ts.URL+"/api/v1/users/"+itoa(colleague.ID), nil)
				req.Header.Set("Authorization", "Bearer "+c.token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				etag := res.Header.Get("ETag")
				res.Body.Close()
				req, _ = http.NewRequest("PUT", ts.URL+"/api/v1/users/"+itoa(colleague.ID),
					strings.NewReader(fmt.Sprintf(`{"name":"Beheerder %d wijziging %d","roles":["viewer"]}`, i, k)))
				req.Header.Set("Authorization", "Bearer "+c.token)
				req.Header.Set("If-Match", etag)
				res, err = http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				res.Body.Close()
				mu.Lock()
				statuses[res.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	total := 0
	for status, n := range statuses {
		total += n
		if status != 200 && status != 409 {
			t.Errorf("%d edits answered %d", n, status)
		}
	}
	u, err := ts.db.Store().Accounts().User(t.Context(), colleague.ID)
	if err != nil || total != admins*edits || u.Revision != int64(1+statuses[200]) {
		t.Fatalf("%d answers of %d; stored revision %d after %d acknowledged edits (%v)", total, admins*edits, u.Revision, statuses[200], err)
	}
	t.Logf("%d concurrent edits over HTTP: %d × 200, %d × 409, revision %d", total, statuses[200], statuses[409], u.Revision)
}

func TestWrongCurrentPasswordsGet429OnThePasswordPage(t *testing.T) {
	ts := newTestServer(t, false)
	u, _ := ts.newUser(t, ts.rho.ID, "een lang genoeg wachtwoord", mgz.RoleViewer)
	b := newBrowserClient(t, ts)
	if r := b.post("/inloggen", url.Values{"email": {u.Email}, "password": {"een lang genoeg wachtwoord"}}); r.status != 303 {
		t.Fatalf("login: %d", r.status)
	}
	token := b.csrf("/account/wachtwoord")
	form := func(current string) url.Values {
		return url.Values{"csrf": {token}, "current": {current}, "password": {"een nieuw wachtwoord"}, "repeat": {"een nieuw wachtwoord"}}
	}
	for i := range 5 {
		if r := b.post("/account/wachtwoord", form(fmt.Sprintf("gok %d van het wachtwoord", i))); r.status != 422 {
			t.Fatalf("wrong current password %d: %d", i, r.status)
		}
	}
	r := b.post("/account/wachtwoord", form("een lang genoeg wachtwoord"))
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "te vaak een verkeerd huidig wachtwoord") ||
		!strings.Contains(string(r.body), `name="current"`) {
		t.Fatalf("sixth attempt: %d, Retry-After %q; want 429 on the password page\n%.500s", r.status, r.header.Get("Retry-After"), r.body)
	}
}

func TestAnotherOrganisationsAddressGetsANeutralAnswerOnTheUsersPage(t *testing.T) {
	ts := newTestServer(t, false)
	other := mgz.Organisation{Kind: mgz.KindCareProvider, Name: "Zorggroep Elders", KvK: "77000002", Address: "Elders 1",
		Postcode: "9900 AB", City: "Elders", Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
	if err := ts.reg.CreateOrganisation(t.Context(), &other); err != nil {
		t.Fatal(err)
	}
	elsewhere, _ := ts.newUser(t, other.ID, "", mgz.RoleViewer)
	for i := range 6 {
		r := ts.postForm(t, "/gebruikers", url.Values{"email": {elsewhere.Email}, "name": {"Nieuw"}, "roles": {"viewer"}})
		body := string(r.body)
		want := 409
		if i == 5 {
			want = 429
		}
		if r.status != want || strings.Contains(body, other.Name) || strings.Contains(body, elsewhere.Name) || strings.Contains(body, "in gebruik") {
			t.Fatalf("attempt %d: %d (want %d), or the page names the other organisation or its user\n%.400s", i+1, r.status, want, body)
		}
	}
}
