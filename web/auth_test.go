package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
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
	if failed != 7 {
		t.Fatalf("%d failed logins audited, want 7", failed)
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
