package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// Two mgz processes serve one PostgreSQL database, as behind a load balancer: what one of them
// changes about credentials holds on the other within a second (LISTEN/NOTIFY, not the caches'
// time to live of several seconds), and failed logins count through both.

// twoInstances is a scratch PostgreSQL database with one account, served by two processes.
type twoInstances struct {
	a, b     string // the processes' URLs
	logB     *syncBuffer
	dsn      string
	email    string
	password string
	token    string // an API token of the account
	tokenID  int64
	client   *http.Client
}

const instancePassword = "twee processen, één database"

func startTwoInstances(t *testing.T) *twoInstances {
	t.Helper()
	if testing.Short() {
		t.Skip("starts two real server processes")
	}
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	rho := mgz.Organisation{Kind: mgz.KindRegionalGPOrg, Name: "Huisartsen Testregio (RHO)", KvK: "77000001",
		Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := db.Register().CreateOrganisation(ctx, &rho); err != nil {
		db.Close()
		t.Fatal(err)
	}
	svc := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	u, _, err := svc.CreateUser(ctx, service.System(), service.NewUser{OrganisationID: rho.ID, Email: "twee@testregio.example",
		Name: "Twee Instanties", Roles: []mgz.UserRole{mgz.RoleAdmin, mgz.RoleEditor}, Password: instancePassword})
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	tok, secret, err := svc.CreateToken(ctx, service.System(), u.ID, "twee instanties")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, a, logsA := startProcess(t, dsn)
	_, b, logsB := startProcess(t, dsn)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of instance A:\n%s\nlog of instance B:\n%s", logsA.String(), logsB.String())
		}
	})
	return &twoInstances{a: a, b: b, logB: logsB, dsn: dsn, email: u.Email, password: instancePassword, token: secret, tokenID: tok.ID,
		client: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request with the header h set (Authorization, Cookie, X-CSRF-Token), and returns
// the status, the response and its body.
func (ti *twoInstances) do(t *testing.T, method, u string, form url.Values, h map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := ti.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (ti *twoInstances) status(t *testing.T, method, u string, h map[string]string) int {
	t.Helper()
	res, _ := ti.do(t, method, u, nil, h)
	return res.StatusCode
}

// refusedWithinASecond asks for GET /api/v1/me on url with h until it is refused (401), and fails
// when that takes more than a second.
func (ti *twoInstances) refusedWithinASecond(t *testing.T, base string, h map[string]string) {
	t.Helper()
	start := time.Now()
	for {
		st := ti.status(t, "GET", base+"/api/v1/me", h)
		if st == http.StatusUnauthorized {
			t.Logf("refused by the other instance after %s", time.Since(start).Round(time.Millisecond))
			return
		}
		if st != http.StatusOK {
			t.Fatalf("GET /api/v1/me: status %d", st)
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the other instance still accepts it %s later", time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (ti *twoInstances) login(t *testing.T, base, password string) (*http.Response, string) {
	t.Helper()
	return ti.do(t, "POST", base+"/inloggen", url.Values{"email": {ti.email}, "password": {password}}, nil)
}

func TestTwoInstancesRevokedTokenIsRefusedByTheOtherWithinASecond(t *testing.T) {
	ti := startTwoInstances(t)
	bearer := map[string]string{"Authorization": "Bearer " + ti.token}
	// Both instances accept the token, and keep it in their caches.
	for _, base := range []string{ti.a, ti.b, ti.a, ti.b} {
		if st := ti.status(t, "GET", base+"/api/v1/me", bearer); st != http.StatusOK {
			t.Fatalf("GET %s/api/v1/me with the token: %d", base, st)
		}
	}
	if st := ti.status(t, "DELETE", fmt.Sprintf("%s/api/v1/tokens/%d", ti.a, ti.tokenID), bearer); st != http.StatusNoContent && st != http.StatusOK {
		t.Fatalf("revoking the token through A: %d", st)
	}
	ti.refusedWithinASecond(t, ti.b, bearer)
	if st := ti.status(t, "GET", ti.a+"/api/v1/me", bearer); st != http.StatusUnauthorized {
		t.Fatalf("A accepts the token it revoked: %d", st)
	}
}

func TestTwoInstancesThrottleCountsAttemptsThroughBoth(t *testing.T) {
	ti := startTwoInstances(t)
	// Five wrong passwords, alternating: three through A, two through B. Each instance alone
	// has seen fewer than the limit of five.
	for i := range 5 {
		base := []string{ti.a, ti.b}[i%2]
		if res, _ := ti.login(t, base, "een verkeerd wachtwoord"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d", i+1, res.StatusCode)
		}
	}
	for _, base := range []string{ti.b, ti.a} {
		res, body := ti.login(t, base, ti.password)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the right password through %s after five failures through both: status %d, want 401 until the throttle lifts", base, res.StatusCode)
		}
		if !strings.Contains(body, "te veel pogingen") {
			t.Fatalf("the refusal does not give the usual answer:\n%s", body)
		}
	}
}

func TestTwoInstancesShareSessions(t *testing.T) {
	ti := startTwoInstances(t)
	res, _ := ti.login(t, ti.a, ti.password)
	var secret string
	for _, c := range res.Cookies() {
		if c.Name == "mgz_sessie" {
			secret = c.Value
		}
	}
	if res.StatusCode != http.StatusSeeOther || secret == "" {
		t.Fatalf("login through A: status %d, no session cookie", res.StatusCode)
	}
	cookie := map[string]string{"Cookie": "mgz_sessie=" + secret}
	// The session made through A works on B, and both keep it in their caches.
	for _, base := range []string{ti.b, ti.a, ti.b} {
		if st := ti.status(t, "GET", base+"/api/v1/me", cookie); st != http.StatusOK {
			t.Fatalf("GET %s/api/v1/me with the session of A: %d", base, st)
		}
	}
	_, page := ti.do(t, "GET", ti.a+"/account", nil, cookie)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the account page")
	}
	res, _ = ti.do(t, "POST", ti.a+"/uitloggen", url.Values{"csrf": {m[1]}}, cookie)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/inloggen") {
		t.Fatalf("logout through A: status %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ti.refusedWithinASecond(t, ti.b, cookie)
}

func TestTwoInstancesChangedSettingsHoldOnTheOtherWithinASecond(t *testing.T) {
	ti := startTwoInstances(t)
	bearer := map[string]string{"Authorization": "Bearer " + ti.token}
	type calendarJSON struct {
		OfficeStart string   `json:"office_start"`
		OfficeEnd   string   `json:"office_end"`
		FreeDays    []string `json:"free_days"`
		Revision    int64    `json:"revision"`
	}
	get := func(base string) calendarJSON {
		t.Helper()
		res, body := ti.do(t, "GET", base+"/api/v1/settings/calendar", nil, bearer)
		var c calendarJSON
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &c) != nil {
			t.Fatalf("GET %s/api/v1/settings/calendar: %d %s", base, res.StatusCode, body)
		}
		return c
	}
	cur := get(ti.b) // B keeps the settings in its cache
	get(ti.a)
	next := cur
	next.OfficeStart = "07:30"
	if next.OfficeStart == cur.OfficeStart {
		next.OfficeStart = "07:45"
	}
	payload, _ := json.Marshal(next)
	req, _ := http.NewRequest("PUT", ti.a+"/api/v1/settings/calendar", strings.NewReader(string(payload)))
	req.Header.Set("Authorization", "Bearer "+ti.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := ti.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("changing the office hours through A: %d", res.StatusCode)
	}
	start := time.Now()
	for get(ti.b).OfficeStart != next.OfficeStart {
		if time.Since(start) > time.Second {
			t.Fatalf("B still has office hours from %s %s after they changed through A", cur.OfficeStart, time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTwoInstancesListenAgainAfterLosingTheirConnection: the server ends the connections the
// instances listen on; they connect again, and a token revoked through A is refused by B within a
// second, as before.
func TestTwoInstancesListenAgainAfterLosingTheirConnection(t *testing.T) {
	ti := startTwoInstances(t)
	bearer := map[string]string{"Authorization": "Bearer " + ti.token}
	for _, base := range []string{ti.a, ti.b} {
		if st := ti.status(t, "GET", base+"/api/v1/me", bearer); st != http.StatusOK {
			t.Fatalf("GET %s/api/v1/me with the token: %d", base, st)
		}
	}
	// The listeners' connections are ended, as when a proxy drops idle connections.
	endListeners(t, ti.dsn)
	start := time.Now()
	for !strings.Contains(ti.logB.String(), "listening to the other instances again") {
		if time.Since(start) > 10*time.Second {
			t.Fatal("B did not listen again within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st := ti.status(t, "DELETE", fmt.Sprintf("%s/api/v1/tokens/%d", ti.a, ti.tokenID), bearer); st != http.StatusNoContent && st != http.StatusOK {
		t.Fatalf("revoking the token through A: %d", st)
	}
	ti.refusedWithinASecond(t, ti.b, bearer)
}

// endListeners ends the connections that listen on the database of dsn.
func endListeners(t *testing.T, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mgz listen'").Scan(&n); err != nil || n != 2 {
		t.Fatalf("ended %d listening connections (%v), want 2", n, err)
	}
}
