package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
	"github.com/regio-mgz/mgz/web"
)

// testServer runs the real handler on a fresh database, optionally with the demo region. Its
// requests act as an admin of the region's RHO unless a test picks another client with as or anon.
type testServer struct {
	*httptest.Server
	*client
	db  *sqlstore.DB
	reg mgz.RegisterService // the store itself, outside the policy: for set-up and checks
	svc *service.Service
	srv *web.Server
	rho mgz.Organisation
	n   int
}

// client is who sends a request: a user with an API token, or nobody.
type client struct {
	ts    *testServer
	user  mgz.User
	token string
}

// testParams make password hashing cheap: the tests check the flow, not argon2id's cost.
var testParams = auth.Params{Memory: 64, Time: 1, Threads: 1}

func newTestServer(t *testing.T, withDemo bool) *testServer {
	t.Helper()
	return newTestServerAt(t, withDemo, time.Time{})
}

// newTestServerAt is newTestServer with the service's clock stopped at now (the zero time: the
// system clock), for pages that answer for the present moment.
func newTestServerAt(t *testing.T, withDemo bool, now time.Time) *testServer {
	t.Helper()
	if now.IsZero() {
		return newTestServerClock(t, withDemo, nil)
	}
	return newTestServerClock(t, withDemo, func() time.Time { return now })
}

// newTestServerClock is newTestServer with the service's clock (nil: the system clock), for
// tests that move time on.
func newTestServerClock(t *testing.T, withDemo bool, clock func() time.Time) *testServer {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := service.Config{Params: testParams, Now: clock}
	svc := service.New(db.Store(), cfg)
	ts := &testServer{db: db, reg: db.Register(), svc: svc}
	if withDemo {
		if _, err := demo.Load(ctx, svc.Register(service.System())); err != nil {
			t.Fatal(err)
		}
		orgs, _, err := db.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindRegionalGPOrg})
		if err != nil || len(orgs) != 1 {
			t.Fatalf("demo RHO: %v %v", orgs, err)
		}
		ts.rho = orgs[0]
	} else {
		ts.rho = mgz.Organisation{Kind: mgz.KindRegionalGPOrg, Name: "Huisartsen Testregio (RHO)", KvK: "77000001",
			Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
		if err := db.Register().CreateOrganisation(ctx, &ts.rho); err != nil {
			t.Fatal(err)
		}
	}
	// As mgz serve wires it: rosters say who is on call (issue 13).
	dir := directory.New(db.Register(), directory.WithRosters(db.Store().Rosters().WithShifts,
		func(ctx context.Context) (calendar.HolidaySet, error) {
			s, err := db.Settings().CalendarSettings(ctx)
			return s.OrDefault().FreeDays, err
		}))
	srv, err := web.New(web.Config{Service: svc, Enrich: dir.Enrich, Resolver: dir.Resolver, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	ts.Server = httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Server.Close)
	ts.client = ts.as(t, ts.rho.ID, mgz.RoleAdmin)
	return ts
}

// as returns a client acting as a new user of org with roles, through an API token.
func (ts *testServer) as(t *testing.T, org int64, roles ...mgz.UserRole) *client {
	t.Helper()
	u, _ := ts.newUser(t, org, "", roles...)
	_, token, err := ts.svc.CreateToken(context.Background(), service.System(), u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &client{ts: ts, user: u, token: token}
}

// newUser creates a user of org; with an empty password it returns the one-time password.
func (ts *testServer) newUser(t *testing.T, org int64, password string, roles ...mgz.UserRole) (mgz.User, string) {
	t.Helper()
	ts.n++
	u, pw, err := ts.svc.CreateUser(context.Background(), service.System(), service.NewUser{OrganisationID: org,
		Email: fmt.Sprintf("gebruiker%d@test.example", ts.n), Name: fmt.Sprintf("Testgebruiker %d", ts.n), Roles: roles, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if password != "" {
		pw = password
	}
	return u, pw
}

// anon is a client without a session or token.
func (ts *testServer) anon() *client { return &client{ts: ts} }

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, r.body)
	}
}

func (c *client) do(t *testing.T, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, c.ts.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(t, req)
}

// send sends req with the client's token, unless req already carries credentials.
func (c *client) send(t *testing.T, req *http.Request) response {
	t.Helper()
	if c.token != "" && req.Header.Get("Authorization") == "" && req.Header.Get("Cookie") == "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

func (c *client) postForm(t *testing.T, path string, v url.Values) response {
	t.Helper()
	req, _ := http.NewRequest("POST", c.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(t, req)
}

type apiError struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Fields  []string `json:"fields"`
	} `json:"error"`
}

func wantError(t *testing.T, r response, status int, code string, fields ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d\n%s", r.status, status, r.body)
	}
	var e apiError
	r.json(t, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error = %+v, want code %s with a message", e.Error, code)
	}
	for _, f := range fields {
		found := false
		for _, g := range e.Error.Fields {
			found = found || g == f
		}
		if !found {
			t.Fatalf("field %q not named in %v", f, e.Error.Fields)
		}
	}
}

func practiceJSON() map[string]any {
	return map[string]any{"kind": "gp_practice", "name": "Huisartsenpraktijk Nieuw", "agb": "01880001", "kvk": "88000001",
		"address": "Nieuwstraat 1", "postcode": "9901 ab", "city": "Voorbeeldstad", "phone": "0120 55 50 01",
		"care_office_region": "Regio Voorbeeld"}
}

func count(t *testing.T, ts *testServer) int {
	t.Helper()
	ov, err := ts.reg.Overview(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := ov.Locations + ov.ContactPoints
	for _, c := range ov.Organisations {
		n += c
	}
	return n
}

func TestAPIRefusesInvalidIdentifiersAndStoresNothing(t *testing.T) {
	ts := newTestServer(t, false)
	before := count(t, ts)
	for _, tc := range []struct {
		field, value string
	}{
		{"agb", "1234567"}, {"kvk", "88-000"}, {"postcode", "0123 AB"}, {"postcode", "1234"}, {"phone", "12345"},
		{"kind", "hospital"}, {"name", ""},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			body := practiceJSON()
			body[tc.field] = tc.value
			wantError(t, ts.do(t, "POST", "/api/v1/organisations", body), 422, "invalid_request", tc.field)
			if n := count(t, ts); n != before {
				t.Fatalf("%d records after a refused request, was %d", n, before)
			}
		})
	}
}

func TestAPIRegisterLifecycle(t *testing.T) {
	ts := newTestServer(t, false)

	r := ts.do(t, "POST", "/api/v1/organisations", practiceJSON())
	if r.status != 201 {
		t.Fatalf("create practice: %d %s", r.status, r.body)
	}
	var gp mgz.Organisation
	r.json(t, &gp)
	if gp.ID == 0 || gp.Postcode != "9901 AB" || gp.Phone != "0120555001" || r.header.Get("Location") == "" {
		t.Fatalf("created practice = %+v, Location %q", gp, r.header.Get("Location"))
	}
	wantError(t, ts.do(t, "POST", "/api/v1/organisations", practiceJSON()), 409, "conflict", "agb")

	prov := practiceJSON()
	prov["kind"], prov["agb"], prov["name"] = "care_provider", "", "Zorg Nieuw"
	r = ts.do(t, "POST", "/api/v1/organisations", prov)
	var p mgz.Organisation
	r.json(t, &p)
	// Locations and contact points are the provider's own to keep.
	pc := ts.as(t, p.ID, mgz.RoleEditor)

	loc := map[string]any{"provider_id": p.ID, "name": "De Nieuwe Hof", "address": "Hofweg 2", "postcode": "9902CD",
		"municipality": "Proefhoven", "setting": "clustered_housing", "sector": "disability", "deliveries": []string{"vpt", "pgb"},
		"places": 12, "fixed_gp_practice_id": gp.ID}
	wantError(t, ts.do(t, "POST", "/api/v1/locations", loc), 403, "forbidden")
	r = pc.do(t, "POST", "/api/v1/locations", loc)
	if r.status != 201 {
		t.Fatalf("create location: %d %s", r.status, r.body)
	}
	var l mgz.Location
	r.json(t, &l)

	t.Run("§3.4 a location offers no VPT in an institution", func(t *testing.T) {
		bad := map[string]any{}
		for k, v := range loc {
			bad[k] = v
		}
		bad["setting"] = "institution"
		wantError(t, pc.do(t, "POST", "/api/v1/locations", bad), 422, "invalid_request", "deliveries")
	})
	t.Run("wrong type names the field", func(t *testing.T) {
		bad := map[string]any{"places": "veel"}
		wantError(t, pc.do(t, "PUT", "/api/v1/locations/"+itoa(l.ID), bad), 422, "invalid_request", "places")
	})
	t.Run("unknown field names the field", func(t *testing.T) {
		bad := practiceJSON()
		bad["colour"] = "blue"
		wantError(t, ts.do(t, "POST", "/api/v1/organisations", bad), 422, "invalid_request", "colour")
	})
	t.Run("not JSON is a bad request", func(t *testing.T) {
		wantError(t, ts.do(t, "POST", "/api/v1/organisations", "{kind: gp"), 400, "bad_request")
	})
	t.Run("unknown id is not found", func(t *testing.T) {
		wantError(t, ts.do(t, "GET", "/api/v1/locations/99999", nil), 404, "not_found")
		wantError(t, ts.do(t, "GET", "/api/v1/locations/abc", nil), 404, "not_found")
		wantError(t, ts.do(t, "DELETE", "/api/v1/contact-points/99999", nil), 404, "not_found")
		wantError(t, ts.do(t, "GET", "/api/v1/nothing", nil), 404, "not_found")
	})
	t.Run("unknown filter value", func(t *testing.T) {
		wantError(t, ts.do(t, "GET", "/api/v1/locations?sector=youth", nil), 422, "invalid_request", "sector")
		wantError(t, ts.do(t, "GET", "/api/v1/organisations?limit=100000", nil), 422, "invalid_request", "limit")
	})
	t.Run("refuse deleting an organisation that still has locations", func(t *testing.T) {
		wantError(t, ts.do(t, "DELETE", "/api/v1/organisations/"+itoa(p.ID), nil), 409, "conflict")
	})

	cp := map[string]any{"location_id": l.ID, "role": "first_line", "phone": "06 1234 5678", "hours": "24_7"}
	r = pc.do(t, "POST", "/api/v1/contact-points", cp)
	if r.status != 201 {
		t.Fatalf("create contact point: %d %s", r.status, r.body)
	}

	var page struct {
		Items []mgz.Location `json:"items"`
		Total int            `json:"total"`
	}
	ts.do(t, "GET", "/api/v1/locations?sector=disability&without_first_line=true", nil).json(t, &page)
	if page.Total != 0 {
		t.Fatalf("location with a first-line contact listed as without one")
	}
	ts.do(t, "GET", "/api/v1/locations?q=nieuwe&limit=1", nil).json(t, &page)
	if page.Total != 1 || page.Items[0].ID != l.ID || len(page.Items[0].Deliveries) != 2 {
		t.Fatalf("search: %+v", page)
	}

	loc["name"] = "De Vernieuwde Hof"
	r = pc.do(t, "PUT", "/api/v1/locations/"+itoa(l.ID), loc)
	if r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := pc.do(t, "DELETE", "/api/v1/locations/"+itoa(l.ID), nil); r.status != 204 {
		t.Fatalf("delete location: %d", r.status)
	}
	t.Run("refuse deleting an organisation that has user accounts", func(t *testing.T) {
		r := ts.do(t, "DELETE", "/api/v1/organisations/"+itoa(p.ID), nil)
		wantError(t, r, 409, "conflict")
		if !strings.Contains(string(r.body), "gebruikersaccount") {
			t.Fatalf("conflict does not explain the accounts: %s", r.body)
		}
	})
	if r := ts.do(t, "DELETE", "/api/v1/organisations/"+itoa(gp.ID), nil); r.status != 204 {
		t.Fatalf("delete a practice without locations or users: %d %s", r.status, r.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOpenAPIDescribesEveryRoute keeps /api/v1/openapi.json true: every API route is described,
// and nothing is described that does not exist.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	ts := newTestServer(t, false)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r := ts.do(t, "GET", "/api/v1/openapi.json", nil)
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	routes := ts.srv.APIRoutes()
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			described[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, rt := range routes {
		key := rt
		if !described[key] {
			t.Errorf("route %s is not described in openapi.json", key)
		}
		delete(described, key)
	}
	for key := range described {
		t.Errorf("openapi.json describes %s, but no such route exists", key)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	ts := newTestServer(t, false)
	if r := ts.do(t, "GET", "/healthz", nil); r.status != 200 {
		t.Fatalf("/healthz = %d", r.status)
	}
	if r := ts.do(t, "GET", "/readyz", nil); r.status != 200 {
		t.Fatalf("/readyz = %d", r.status)
	}
	ts.db.Close()
	if r := ts.do(t, "GET", "/readyz", nil); r.status != 503 {
		t.Fatalf("/readyz with the database closed = %d, want 503", r.status)
	}
	if r := ts.do(t, "GET", "/healthz", nil); r.status != 200 {
		t.Fatalf("/healthz must only say the process is up, got %d", r.status)
	}
}

func TestSecurityHeadersAndCrossOriginPosts(t *testing.T) {
	ts := newTestServer(t, false)
	r := ts.do(t, "GET", "/", nil)
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-store",
	} {
		if !strings.Contains(r.header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, r.header.Get(h), want)
		}
	}
	req, _ := http.NewRequest("POST", ts.URL+"/organisaties", strings.NewReader("name=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := ts.send(t, req); r.status != 403 {
		t.Fatalf("cross-site form post = %d, want 403", r.status)
	}
	big := strings.Repeat("x", 2<<20)
	r = ts.do(t, "POST", "/api/v1/organisations", `{"name":"`+big+`"}`)
	if r.status != 413 {
		t.Fatalf("oversized body = %d, want 413", r.status)
	}
}
