package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/service"
)

// TestNothingIsReachableWithoutSigningIn tries every API and page route without a session or
// token: the API answers 401 with the error object, a page sends the browser to the login page.
// Only the login page, the health checks and static assets are public.
func TestNothingIsReachableWithoutSigningIn(t *testing.T) {
	ts := newTestServer(t, true)
	anon := ts.anon()
	routes := append(ts.srv.APIRoutes(), ts.srv.PageRoutes()...)
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt, " ")
		path = strings.NewReplacer("{id}", "1", "{$}", "").Replace(path)
		if path == "/inloggen" {
			continue
		}
		var r response
		if method == "POST" && !strings.HasPrefix(path, "/api/") {
			r = anon.postForm(t, path, url.Values{"name": {"x"}})
		} else {
			r = anon.do(t, method, path, map[string]any{})
		}
		switch {
		case strings.HasPrefix(path, "/api/"):
			wantError(t, r, http.StatusUnauthorized, "unauthenticated")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", rt)
			}
		case r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/inloggen"):
			t.Errorf("%s without a session: %d to %q, want 303 to /inloggen", rt, r.status, r.header.Get("Location"))
		}
	}
	for _, public := range []string{"/inloggen", "/healthz", "/readyz", "/static/mgz.css"} {
		if r := anon.do(t, "GET", public, nil); r.status != 200 {
			t.Errorf("public %s = %d, want 200", public, r.status)
		}
	}
	// A made-up or revoked token is refused like no token at all.
	bad := &client{ts: ts, token: "mgz_bestaatniet"}
	wantError(t, bad.do(t, "GET", "/api/v1/overview", nil), 401, "unauthenticated")
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/overview", nil)
	req.Header.Set("Authorization", "Basic YWRtaW46YWRtaW4=")
	wantError(t, anon.send(t, req), 401, "unauthenticated")
}

// browserClient is a cookie-keeping client that does not follow redirects, like a browser
// session seen one request at a time.
type browserClient struct {
	t  *testing.T
	ts *testServer
	hc *http.Client
}

func newBrowserClient(t *testing.T, ts *testServer) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, ts: ts, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browserClient) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.ts.URL+path, nil)
	return b.send(req)
}

func (b *browserClient) post(path string, v url.Values) response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

func (b *browserClient) send(req *http.Request) response {
	b.t.Helper()
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, body}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browserClient) csrf(path string) string {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(string(b.get(path).body))
	if m == nil {
		b.t.Fatalf("%s has no CSRF field", path)
	}
	return m[1]
}

func TestSessionCookieCSRFAndLogout(t *testing.T) {
	ts := newTestServer(t, true)
	u, _ := ts.newUser(t, ts.rho.ID, "een lang genoeg wachtwoord", mgz.RoleAdmin)
	b := newBrowserClient(t, ts)

	r := b.post("/inloggen", url.Values{"email": {strings.ToUpper(u.Email)}, "password": {"een lang genoeg wachtwoord"}, "terug": {"/locaties"}})
	if r.status != 303 || r.header.Get("Location") != "/locaties" {
		t.Fatalf("login: %d to %q, want 303 to where the user was going", r.status, r.header.Get("Location"))
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"mgz_sessie=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("cookie over plain HTTP marked Secure without --secure-cookies: %q", cookie)
	}
	if r := b.get("/locaties"); r.status != 200 {
		t.Fatalf("signed-in page = %d", r.status)
	}

	// A form without the session's CSRF token is refused, and nothing changes.
	form := url.Values{"preset": {"nza2023"}}
	if r := b.post("/instellingen", form); r.status != 403 || !strings.Contains(string(r.body), "formulier is verlopen") {
		t.Fatalf("form without CSRF token: %d, want 403 with a Dutch explanation", r.status)
	}
	form.Set("csrf", "vervalst")
	if r := b.post("/instellingen", form); r.status != 403 {
		t.Fatalf("form with a wrong CSRF token: %d, want 403", r.status)
	}
	form.Set("csrf", b.csrf("/instellingen"))
	if r := b.post("/instellingen", form); r.status != 303 {
		t.Fatalf("form with the CSRF token: %d, want 303\n%s", r.status, r.body)
	}
	// Scripts using the session send the token in a header.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/tokens", strings.NewReader(`{"name":"script"}`))
	req.Header.Set("Content-Type", "application/json")
	if r := b.send(req); r.status != 403 {
		t.Fatalf("API call with a session but no X-CSRF-Token: %d, want 403", r.status)
	}
	req, _ = http.NewRequest("POST", ts.URL+"/api/v1/tokens", strings.NewReader(`{"name":"script"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf("/account"))
	if r := b.send(req); r.status != 201 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("API call with session and X-CSRF-Token: %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}

	// Logging out ends the session on the server: the old cookie no longer works.
	old := b.hc.Jar.Cookies(mustURL(t, ts.URL))
	if r := b.post("/uitloggen", url.Values{"csrf": {b.csrf("/account")}}); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/inloggen") {
		t.Fatalf("logout: %d to %q", r.status, r.header.Get("Location"))
	}
	replay, _ := http.NewRequest("GET", ts.URL+"/account", nil)
	for _, c := range old {
		replay.AddCookie(c)
	}
	if r := ts.anon().send(t, replay); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/inloggen") {
		t.Fatalf("the cookie of an ended session still works: %d", r.status)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestLoginIsThrottledWithoutRevealingAccounts fails the login of an existing and of a made-up
// account: both get the same answer, and after five failures even the right password waits.
func TestLoginIsThrottledWithoutRevealingAccounts(t *testing.T) {
	ts := newTestServer(t, false)
	u, _ := ts.newUser(t, ts.rho.ID, "het juiste wachtwoord", mgz.RoleViewer)
	b := newBrowserClient(t, ts)
	wrongKnown := b.post("/inloggen", url.Values{"email": {u.Email}, "password": {"fout wachtwoord!"}})
	wrongUnknown := b.post("/inloggen", url.Values{"email": {"niemand@test.example"}, "password": {"fout wachtwoord!"}})
	problem := regexp.MustCompile(`<div class="error-summary"[^>]*>.*?</div>`)
	if wrongKnown.status != 401 || wrongUnknown.status != 401 ||
		problem.FindString(string(wrongKnown.body)) != problem.FindString(string(wrongUnknown.body)) {
		t.Fatalf("known and unknown accounts answer differently: %d %d", wrongKnown.status, wrongUnknown.status)
	}
	if !strings.Contains(string(wrongKnown.body), `value="`+u.Email+`"`) {
		t.Errorf("the refused login form does not keep the e-mail address")
	}
	for i := 0; i < 4; i++ {
		b.post("/inloggen", url.Values{"email": {u.Email}, "password": {"fout wachtwoord!"}})
	}
	if r := b.post("/inloggen", url.Values{"email": {u.Email}, "password": {"het juiste wachtwoord"}}); r.status != 401 {
		t.Fatalf("login after five failures = %d, want 401 until the throttle lifts", r.status)
	}
	var failed int
	es, _, _ := ts.db.Store().Audit().Entries(t.Context(), mgz.AuditFilter{Page: mgz.Page{Limit: 100}})
	for _, e := range es {
		if e.Action == mgz.AuditLoginFailed {
			failed++
			if strings.Contains(e.Reason, "wachtwoord!") {
				t.Fatalf("a password reached the audit log: %+v", e)
			}
		}
	}
	// Seven failures from one address within a minute: the first five are written in full, the
	// rest counted and summarised when the minute is over (bounded audit input).
	if failed != 5 {
		t.Fatalf("%d failed logins audited in full, want 5", failed)
	}
}

// TestOneTimePasswordMustBeReplaced: a new user signs in with the one-time password and can do
// nothing but choose a new one.
func TestOneTimePasswordMustBeReplaced(t *testing.T) {
	ts := newTestServer(t, false)
	u, oneTime := ts.newUser(t, ts.rho.ID, "", mgz.RoleEditor)
	b := newBrowserClient(t, ts)
	if r := b.post("/inloggen", url.Values{"email": {u.Email}, "password": {oneTime}}); r.header.Get("Location") != "/account/wachtwoord" {
		t.Fatalf("first login goes to %q, want the password page", r.header.Get("Location"))
	}
	if r := b.get("/organisaties"); r.status != 303 || r.header.Get("Location") != "/account/wachtwoord" {
		t.Fatalf("other page before choosing a password: %d to %q", r.status, r.header.Get("Location"))
	}
	token := b.csrf("/account/wachtwoord")
	r := b.post("/account/wachtwoord", url.Values{"csrf": {token}, "current": {oneTime}, "password": {"kort"}, "repeat": {"kort"}})
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-password-error"`) {
		t.Fatalf("too short a password: %d", r.status)
	}
	r = b.post("/account/wachtwoord", url.Values{"csrf": {token}, "current": {oneTime}, "password": {"mijn eigen wachtzin"}, "repeat": {"mijn eigen wachtzinn"}})
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-repeat-error"`) {
		t.Fatalf("passwords that differ: %d", r.status)
	}
	// Nothing changed: the one-time password is still the current one.
	r = b.post("/account/wachtwoord", url.Values{"csrf": {token}, "current": {oneTime}, "password": {"mijn eigen wachtzin"}, "repeat": {"mijn eigen wachtzin"}})
	if r.status != 303 {
		t.Fatalf("new password: %d\n%s", r.status, r.body)
	}
	if r := b.get("/organisaties"); r.status != 200 {
		t.Fatalf("after choosing a password: %d", r.status)
	}
	b2 := newBrowserClient(t, ts)
	if r := b2.post("/inloggen", url.Values{"email": {u.Email}, "password": {oneTime}}); r.status != 401 {
		t.Fatalf("the one-time password still works: %d", r.status)
	}
}

func TestAdminCreatesAUserAndSeesTheAuditLog(t *testing.T) {
	ts := newTestServer(t, true)
	r := ts.postForm(t, "/gebruikers", url.Values{"email": {"Nieuwe.Collega@RHO.example"}, "name": {"Nieuwe Collega"}, "roles": {"editor"}})
	if r.status != 200 || !strings.Contains(string(r.body), `id="eenmalig-wachtwoord"`) || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create user page: %d", r.status)
	}
	r = ts.postForm(t, "/gebruikers", url.Values{"email": {"nieuwe.collega@rho.example"}, "name": {"Dubbel"}, "roles": {"viewer"}})
	if r.status != 409 || !strings.Contains(string(r.body), `id="f-email-error"`) {
		t.Fatalf("the same e-mail again: %d", r.status)
	}
	r = ts.postForm(t, "/gebruikers", url.Values{"email": {"arts@rho.example"}, "name": {"Arts"}, "roles": {"physician"}})
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-roles-error"`) {
		t.Fatalf("physician role at the RHO: %d", r.status)
	}
	page := string(ts.do(t, "GET", "/audit", nil).body)
	for _, want := range []string{"Aanmaken", ts.user.Email, "gebruiker", "beheerder"} {
		if !strings.Contains(page, want) && !strings.Contains(page, strings.ToLower(want)) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	r = ts.do(t, "GET", "/audit/export?format=csv", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(string(r.body), "id,") {
		t.Fatalf("CSV export: %d %q %.80s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := ts.do(t, "GET", "/audit?van=gisteren", nil); r.status != 200 || !strings.Contains(string(r.body), `id="f-van-error"`) {
		t.Fatalf("a wrong date in the audit filter: %d", r.status)
	}
}

func TestLoginNeverRedirectsOffSite(t *testing.T) {
	ts := newTestServer(t, false)
	u, _ := ts.newUser(t, ts.rho.ID, "een lang genoeg wachtwoord", mgz.RoleViewer)
	for _, back := range []string{"//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example", "/%0a/x\\y"} {
		b := newBrowserClient(t, ts)
		r := b.post("/inloggen", url.Values{"email": {u.Email}, "password": {"een lang genoeg wachtwoord"}, "terug": {back}})
		if loc := r.header.Get("Location"); r.status != 303 || loc != "/" {
			t.Errorf("return path %q: redirected to %q, want /", back, loc)
		}
	}
}

func TestTheLoginFormBodyIsLimitedTo8KB(t *testing.T) {
	ts := newTestServer(t, false)
	before := count(t, ts)
	auditBefore := auditCount(t, ts)
	cases := []struct {
		name    string
		email   string
		status  int
		chunked bool
	}{
		{"an ordinary form", "iemand@test.example", 401, false},
		{"a 100 KB e-mail address", strings.Repeat("x", 100<<10) + "@a.nl", 413, false},
		{"a 100 KB e-mail address without a length", strings.Repeat("x", 100<<10) + "@a.nl", 413, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := url.Values{"email": {c.email}, "password": {"verkeerd wachtwoord"}}.Encode()
			var rd io.Reader = strings.NewReader(body)
			if c.chunked {
				rd = io.MultiReader(rd) // hides the length: the body goes chunked
			}
			req, _ := http.NewRequest("POST", ts.URL+"/inloggen", rd)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r := ts.anon().send(t, req)
			if r.status != c.status {
				t.Fatalf("status = %d, want %d", r.status, c.status)
			}
			if c.status == 413 && (!strings.Contains(string(r.body), "Het formulier is te groot") || !strings.Contains(r.header.Get("Content-Type"), "text/html")) {
				t.Fatalf("413 answer is not the Dutch login page: %.300s", r.body)
			}
		})
	}
	if got := auditCount(t, ts); got != auditBefore+1 {
		t.Fatalf("%d audit entries added, want 1 (the ordinary failed login; the oversized forms are refused before a login is tried)", got-auditBefore)
	}
	if count(t, ts) != before {
		t.Fatal("the register changed")
	}
}

// auditCount is the number of entries in the audit log.
func auditCount(t *testing.T, ts *testServer) int {
	t.Helper()
	_, n, err := ts.db.Store().Audit().Entries(t.Context(), mgz.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// newestEntry is the newest entry of the audit log.
func newestEntry(t *testing.T, ts *testServer) mgz.AuditEntry {
	t.Helper()
	es, _, err := ts.db.Store().Audit().Entries(t.Context(), mgz.AuditFilter{Page: mgz.Page{Limit: 1}})
	if err != nil || len(es) != 1 {
		t.Fatalf("newest audit entry: %v %v", es, err)
	}
	return es[0]
}

func TestAFailedBearerAuthenticationIsAuditedWithoutTheTokenOverHTTP(t *testing.T) {
	ts := newTestServer(t, false)
	bogus := auth.NewToken()
	cases := []struct{ name, header, reason string }{
		{"unknown token", "Bearer " + bogus, "onbekend API-token"},
		{"another scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("a:geheim")), "geen API-token van mgz"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := auditCount(t, ts)
			req, _ := http.NewRequest("GET", ts.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", c.header)
			r := ts.anon().send(t, req)
			wantError(t, r, 401, mgz.ECodeUnauthenticated)
			if got := auditCount(t, ts); got != n+1 {
				t.Fatalf("%d entries added, want 1", got-n)
			}
			e := newestEntry(t, ts)
			b, _ := json.Marshal(e)
			if e.Action != mgz.AuditTokenFailed || e.Reason != c.reason || strings.Contains(string(b), strings.TrimPrefix(c.header, "Bearer ")[8:]) ||
				strings.Contains(string(b), "geheim") {
				t.Fatalf("entry = %s, want token_failed %q without the credential", b, c.reason)
			}
		})
	}
}

func TestReadingTheAuditLogOverTheAPIAndPagesIsAudited(t *testing.T) {
	ts := newTestServer(t, false)
	for _, c := range []struct{ name, path, action, want string }{
		{"API", "/api/v1/audit?user_id=3&limit=10", "read", "gebruiker 3"},
		{"page", "/audit?patient=12", "read", "patiënt 12 (intern nummer)"},
		{"API export", "/api/v1/audit/export?format=csv&from=2026-01-01", "export", "vanaf 2025-12-31T23:00:00.000Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := auditCount(t, ts)
			if r := ts.do(t, "GET", c.path, nil); r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := auditCount(t, ts); got != n+1 {
				t.Fatalf("%d entries added, want 1", got-n)
			}
			e := newestEntry(t, ts)
			if string(e.Action) != c.action || e.ObjectType != "audit_log" || e.UserID != ts.user.ID || !strings.Contains(e.Reason, c.want) {
				t.Fatalf("entry = %+v, want a %s of the audit log by user %d naming %q", e, c.action, ts.user.ID, c.want)
			}
		})
	}
}

// TestAFormulaTypedAtTheLoginIsNeutralisedInTheCSVExport: the attack of issue 9, end to end. A
// failed login on an account of the organisation lands in its admin's export; "=1+2@…" is a valid
// e-mail address, so it is also what a colleague's own address could be.
func TestAFormulaTypedAtTheLoginIsNeutralisedInTheCSVExport(t *testing.T) {
	ts := newTestServer(t, false)
	typed := "=1+2@test.example"
	if _, _, err := ts.svc.CreateUser(t.Context(), service.System(), service.NewUser{OrganisationID: ts.rho.ID, Email: typed,
		Name: "Formule", Roles: []mgz.UserRole{mgz.RoleViewer}, Password: "een lang genoeg wachtwoord"}); err != nil {
		t.Fatal(err)
	}
	if r := ts.anon().postForm(t, "/inloggen", url.Values{"email": {typed}, "password": {"verkeerd wachtwoord"}}); r.status != 401 {
		t.Fatalf("login: %d", r.status)
	}
	for _, path := range []string{"/api/v1/audit/export?format=csv", "/audit/export?format=csv"} {
		r := ts.do(t, "GET", path, nil)
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if r.status != 200 || err != nil {
			t.Fatalf("%s: %d %v", path, r.status, err)
		}
		found := false
		for _, row := range rows {
			for _, cell := range row {
				if strings.HasPrefix(strings.TrimLeft(cell, " "), "=") {
					t.Fatalf("%s: cell %q is a live formula", path, cell)
				}
				found = found || cell == "'"+typed
			}
		}
		if !found {
			t.Fatalf("%s: the typed e-mail is not in the export as '%s", path, typed)
		}
	}
	r := ts.do(t, "GET", "/api/v1/audit/export?format=jsonl", nil)
	if !strings.Contains(string(r.body), `"user_email":"=1+2@test.example"`) {
		t.Fatalf("JSON Lines does not keep the exact text:\n%s", r.body)
	}
}
