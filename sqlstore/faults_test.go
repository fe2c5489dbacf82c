package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
	"github.com/regio-mgz/mgz/web"
)

func TestStorageFaultCodesAreClassified(t *testing.T) {
	for _, tc := range []struct {
		name  string
		code  int
		fault bool
	}{
		{"disk full", sqlite3.SQLITE_FULL, true},
		{"read-only file", sqlite3.SQLITE_READONLY, true},
		{"read-only extended (cannot lock)", sqlite3.SQLITE_READONLY_CANTLOCK, true},
		{"corrupt page", sqlite3.SQLITE_CORRUPT, true},
		{"not a database", sqlite3.SQLITE_NOTADB, true},
		{"I/O error", sqlite3.SQLITE_IOERR, true},
		{"I/O error on write (extended)", sqlite3.SQLITE_IOERR_WRITE, true},
		{"I/O error on fsync (extended)", sqlite3.SQLITE_IOERR_FSYNC, true},
		{"cannot open", sqlite3.SQLITE_CANTOPEN, true},
		{"constraint is the caller's problem", sqlite3.SQLITE_CONSTRAINT_UNIQUE, false},
		{"foreign key is the caller's problem", sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, false},
		{"SQL error is a bug", sqlite3.SQLITE_ERROR, false},
		{"busy is contention, not storage", sqlite3.SQLITE_BUSY, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, fault := storageFault(tc.code)
			if fault != tc.fault {
				t.Fatalf("storageFault(%d) = %v, want %v", tc.code, fault, tc.fault)
			}
			if fault && !strings.Contains(msg, "niets opgeslagen") {
				t.Fatalf("message %q does not say that nothing was stored", msg)
			}
		})
	}
}

// faultRig is a real web server over a database whose pool has one connection, so that a
// per-connection PRAGMA (max_page_count) holds for every request.
type faultRig struct {
	db      *DB
	srv     *httptest.Server
	token   string
	session string
	csrf    string
	clock   *testClock
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newFaultRig serves the database at path, opened with the extra DSN parameters (for a
// PostgreSQL URL: query parameters, which pgx sends as settings of every connection). A rig given
// a token serves an existing region; without one it seeds a region and signs in.
func newFaultRig(t *testing.T, path, extra, token string) *faultRig {
	t.Helper()
	ctx := context.Background()
	var db *DB
	var err error
	if IsPostgres(path) {
		var u *url.URL
		u, err = url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		params, err := url.ParseQuery(extra)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range params {
			q[k] = v
		}
		u.RawQuery = q.Encode()
		db, err = Open(ctx, u.String())
	} else {
		db, err = open(ctx, path, extra)
	}
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	db.sql.SetMaxOpenConns(1)
	clock := &testClock{t: time.Now().UTC()}
	db.now = clock.now
	rig := &faultRig{db: db, clock: clock}
	svc := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	srv, err := web.New(web.Config{Service: svc})
	if err != nil {
		t.Fatal(err)
	}
	rig.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(rig.srv.Close)
	if rig.token = token; token == "" {
		rig.signIn(t, svc)
	}
	return rig
}

const rigEmail, rigPassword = "beheer@rig.example", "een-lang-wachtwoord-voor-tests"

// seedRig makes the region's RHO and its admin, in a database opened normally.
func seedRig(t *testing.T, db *DB, svc *service.Service) {
	t.Helper()
	ctx := context.Background()
	rho := mgz.Organisation{Kind: mgz.KindRegionalGPOrg, Name: "Huisartsen Testregio (RHO)", KvK: "77000001",
		Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := db.Register().CreateOrganisation(ctx, &rho); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.CreateUser(ctx, service.System(), service.NewUser{OrganisationID: rho.ID, Email: rigEmail,
		Name: "Beheerder", Roles: []mgz.UserRole{mgz.RoleAdmin}, Password: rigPassword}); err != nil {
		t.Fatal(err)
	}
}

func (rig *faultRig) signIn(t *testing.T, svc *service.Service) {
	t.Helper()
	ctx := context.Background()
	seedRig(t, rig.db, svc)
	in, err := svc.Login(ctx, rigEmail, rigPassword, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	rig.session, rig.csrf = in.Secret, in.CSRF
	_, rig.token, err = svc.CreateToken(ctx, service.System(), in.Actor.User.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
}

type rigResponse struct {
	status int
	header http.Header
	body   string
}

func (rig *faultRig) send(t *testing.T, req *http.Request) rigResponse {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return rigResponse{res.StatusCode, res.Header, string(b)}
}

func (rig *faultRig) api(t *testing.T, method, path, body string) rigResponse {
	t.Helper()
	req, _ := http.NewRequest(method, rig.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+rig.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return rig.send(t, req)
}

func (rig *faultRig) postPage(t *testing.T, path string, v url.Values) rigResponse {
	t.Helper()
	v.Set("csrf", rig.csrf)
	req, _ := http.NewRequest("POST", rig.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "mgz_sessie", Value: rig.session})
	return rig.send(t, req)
}

func (rig *faultRig) ready(t *testing.T) int {
	t.Helper()
	req, _ := http.NewRequest("GET", rig.srv.URL+"/readyz", nil)
	return rig.send(t, req).status
}

func orgJSON(n int) string {
	return fmt.Sprintf(`{"kind":"care_office","name":"Zorgkantoor Proef %d met een wat langere naam om pagina's te vullen","kvk":"%08d",
		"address":"Proefweg %d","postcode":"9901 AB","city":"Voorbeeldstad","phone":"0120 555%03d","care_office_region":"Regio Proef %d"}`,
		n, 88000000+n, n, n%1000, n)
}

func orgForm(n int) url.Values {
	return url.Values{"kind": {"care_office"}, "name": {fmt.Sprintf("Zorgkantoor Formulier %d", n)}, "kvk": {fmt.Sprintf("%08d", 89000000+n)},
		"address": {"Formulierweg 1"}, "postcode": {"9901 AB"}, "city": {"Voorbeeldstad"}, "phone": {"0120 555111"},
		"care_office_region": {"Regio Proef"}}
}

// wantStorageUnavailable checks the API's answer to a storage fault: 503, Retry-After and the
// error object with code storage_unavailable and a Dutch message.
func wantStorageUnavailable(t *testing.T, r rigResponse) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503\n%s", r.status, r.body)
	}
	if r.header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("503 body is not the JSON error object: %v\n%s", err, r.body)
	}
	if e.Error.Code != mgz.ECodeStorageUnavailable || !strings.Contains(e.Error.Message, "niets opgeslagen") {
		t.Fatalf("error = %+v, want storage_unavailable with a Dutch message", e.Error)
	}
}

func wantStoragePage(t *testing.T, r rigResponse) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("page status = %d, want 503\n%s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("page Content-Type = %q, want a Dutch HTML page", ct)
	}
	for _, want := range []string{"Tijdelijk niet beschikbaar", "niets opgeslagen"} {
		if !strings.Contains(r.body, want) {
			t.Fatalf("page does not say %q:\n%s", want, r.body)
		}
	}
}

func TestFullDatabaseAnswers503UntilThereIsRoomAgain(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("a full disk is simulated with SQLite's max_page_count (it runs in the SQLite pass); PostgreSQL's disk_full " +
			"(53100) is classified in TestPostgresErrorsAreClassified, and its 503 path is the one of " +
			"TestReadOnlyDatabaseAnswers503ToWritesAndServesReads and TestPostgresServerGoingAwayIsStorageUnavailableAndRecovers")
	}
	rig := newFaultRig(t, filepath.Join(t.TempDir(), "mgz.db"), "", "")
	ctx := context.Background()
	var acknowledged []int64
	create := func(n int) rigResponse {
		r := rig.api(t, "POST", "/api/v1/organisations", orgJSON(n))
		if r.status == http.StatusCreated {
			var o mgz.Organisation
			if err := json.Unmarshal([]byte(r.body), &o); err != nil || o.ID == 0 {
				t.Fatalf("201 without the organisation: %v %s", err, r.body)
			}
			acknowledged = append(acknowledged, o.ID)
		}
		return r
	}
	for n := 1; n <= 3; n++ {
		if r := create(n); r.status != http.StatusCreated {
			t.Fatalf("create before the disk is full: %d %s", r.status, r.body)
		}
	}
	if got := rig.ready(t); got != http.StatusOK {
		t.Fatalf("/readyz before the disk is full = %d, want 200", got)
	}

	// The disk is full: the database may not grow by a single page.
	var pages int
	if err := rig.db.sql.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.db.sql.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	var full rigResponse
	for n := 4; ; n++ {
		if n > 500 {
			t.Fatal("500 organisations fitted into a full database: max_page_count did not take")
		}
		full = create(n)
		if full.status != http.StatusCreated {
			break
		}
	}
	wantStorageUnavailable(t, full)
	wantStoragePage(t, rig.postPage(t, "/organisaties", orgForm(1)))
	if got := rig.ready(t); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while writes fail = %d, want 503", got)
	}
	// Reading still works: people can look things up while the operator makes room.
	if r := rig.api(t, "GET", "/api/v1/organisations", ""); r.status != http.StatusOK {
		t.Fatalf("list while the disk is full = %d, want 200\n%s", r.status, r.body)
	}

	// The operator makes room; readiness recovers by itself within seconds.
	if _, err := rig.db.sql.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	rig.clock.advance(time.Minute)
	if got := rig.ready(t); got != http.StatusOK {
		t.Fatalf("/readyz after making room = %d, want 200", got)
	}
	if r := create(10000); r.status != http.StatusCreated {
		t.Fatalf("create after making room = %d, want 201\n%s", r.status, r.body)
	}
	if r := rig.postPage(t, "/organisaties", orgForm(2)); r.status != http.StatusSeeOther {
		t.Fatalf("page create after making room = %d, want 303\n%s", r.status, r.body)
	}
	for _, id := range acknowledged {
		if _, err := rig.db.Register().Organisation(ctx, id); err != nil {
			t.Errorf("acknowledged organisation %d lost: %v", id, err)
		}
	}
	if err := rig.db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// seededDatabase makes a database at path with a region, its admin and n more organisations,
// and returns the admin's API token.
func seededDatabase(t *testing.T, path string, n int) string {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	rig := &faultRig{db: db}
	rig.signIn(t, svc)
	for i := 1; i <= n; i++ {
		o := mgz.Organisation{Kind: mgz.KindCareOffice, Name: fmt.Sprintf("Zorgkantoor Proef %d", i), KvK: fmt.Sprintf("%08d", 88000000+i),
			Address: "Proefweg 1", Postcode: "9901 AB", City: "Voorbeeldstad", Phone: "0120 555000", CareOfficeRegion: "Regio Proef"}
		if err := db.Register().CreateOrganisation(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	return rig.token
}

func TestReadOnlyDatabaseAnswers503ToWritesAndServesReads(t *testing.T) {
	path := storetest.DSN(t)
	// The region and its account exist; then the file becomes read-only. Tests run as root, to
	// whom chmod does not stop writes, so the database is opened read-only instead. On
	// PostgreSQL every transaction is read-only, as on a standby or a primary being demoted.
	token := seededDatabase(t, path, 0)
	readOnly := "_pragma=query_only(1)"
	if IsPostgres(path) {
		readOnly = "default_transaction_read_only=on"
	}
	rig := newFaultRig(t, path, readOnly, token)
	// A read may need a small write too (the token's last use): then it answers 503 as well,
	// never a 500.
	if r := rig.api(t, "GET", "/api/v1/organisations", ""); r.status != http.StatusOK {
		wantStorageUnavailable(t, r)
	}
	wantStorageUnavailable(t, rig.api(t, "POST", "/api/v1/organisations", orgJSON(1)))
	if got := rig.ready(t); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz on a read-only database = %d, want 503", got)
	}
	// Signing in writes a session and an audit entry: with the right password or a wrong one,
	// the person is told the storage fails, not that the password is wrong.
	for _, pw := range []string{rigPassword, "een-verkeerd-wachtwoord"} {
		req, _ := http.NewRequest("POST", rig.srv.URL+"/inloggen", strings.NewReader(url.Values{"email": {rigEmail}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		wantStoragePage(t, rig.send(t, req))
	}
}

func TestCorruptPageAnswers503(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("a corrupt page is made by writing into the SQLite file (it runs in the SQLite pass); PostgreSQL's own " +
			"data corruption and internal errors (XX001, XX000) are classified in TestPostgresErrorsAreClassified, and " +
			"IntegrityCheck on PostgreSQL is tested by TestPostgresIntegrityCheckFindsARowThatRefersToNothing")
	}
	path := filepath.Join(t.TempDir(), "mgz.db")
	ctx := context.Background()
	token := seededDatabase(t, path, 200)
	var root, pageSize int64
	func() {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.sql.QueryRowContext(ctx, "SELECT rootpage FROM sqlite_master WHERE name = 'organisations'").Scan(&root); err != nil {
			t.Fatal(err)
		}
		if err := db.sql.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
			t.Fatal(err)
		}
	}()
	// Overwrite the organisations table's root page with garbage, as a failing disk might.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xff", int(pageSize))), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	rig := newFaultRig(t, path, "", token)
	wantStorageUnavailable(t, rig.api(t, "GET", "/api/v1/organisations", ""))
	if got := rig.ready(t); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with a corrupt page = %d, want 503", got)
	}
}

func TestReadinessProbesAtMostOnceInAWhile(t *testing.T) {
	clock := &testClock{t: time.Unix(1_800_000_000, 0)}
	h := &health{now: clock.now, probeEvery: 5 * time.Second, faultWindow: 10 * time.Second}
	probes := 0
	var probeErr error
	probe := func(ctx context.Context) error {
		probes++
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return probeErr
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, step := range []struct {
		name       string
		advance    time.Duration
		probeFails bool
		fault      bool // a request meets a storage fault just before readiness is asked
		gaveUp     bool // the caller's deadline passed while the probe waited for the lock
		wantProbes int
		wantReady  bool
	}{
		{"first ask probes", 0, false, false, false, 1, true},
		{"asking again soon reuses the probe", time.Second, false, false, false, 1, true},
		{"a failed write makes it not ready at once", time.Second, false, true, false, 1, false},
		{"after probeEvery it probes again, but the fault still counts", 4 * time.Second, false, false, false, 2, false},
		{"after the fault window it is ready again", 8 * time.Second, false, false, false, 3, true},
		{"a failing probe makes it not ready", 5 * time.Second, true, false, false, 4, false},
		{"a failing probe is not repeated within probeEvery", time.Second, false, false, false, 4, false},
		{"the next probe succeeds: ready", 5 * time.Second, false, false, false, 5, true},
		{"a probe the caller gave up on: not ready now", 5 * time.Second, false, false, true, 6, false},
		{"a probe the caller gave up on is not remembered", time.Second, false, false, false, 7, true},
	} {
		clock.advance(step.advance)
		probeErr = nil
		if step.probeFails {
			probeErr = errors.New("schijf vol")
		}
		if step.fault {
			h.fault()
		}
		ctx := context.Background()
		if step.gaveUp {
			ctx = cancelled
		}
		err := h.ready(ctx, probe)
		if probes != step.wantProbes || (err == nil) != step.wantReady {
			t.Fatalf("%s: probes = %d, ready err = %v; want %d probes, ready %v", step.name, probes, err, step.wantProbes, step.wantReady)
		}
	}
}

// TestAStorageFaultBreaksTheWholeTransaction: after a storage fault SQLite may have rolled the
// transaction back by itself, so a later statement of the same transaction must not run on its
// own, and a caller that ignores the fault and commits must not be told that it was stored.
func TestAStorageFaultBreaksTheWholeTransaction(t *testing.T) {
	db, _ := openTestDB(t)
	if db.dialect == dialectPostgres {
		t.Skip("a full disk is simulated with SQLite's max_page_count; on PostgreSQL a fault in a transaction is covered by " +
			"TestPostgresTransactionWhoseConnectionIsKilledBeforeCommitLeavesNothing (faults_postgres_test.go)")
	}
	db.sql.SetMaxOpenConns(1) // max_page_count is a setting of the connection
	ctx := context.Background()
	o := mgz.Organisation{Kind: mgz.KindCareOffice, Name: "Zorgkantoor Proef", KvK: "88000001", Address: "Proefweg 1",
		Postcode: "9901 AB", City: "Voorbeeldstad", Phone: "0120 555000", CareOfficeRegion: "Regio Proef"}
	if err := db.Register().CreateOrganisation(ctx, &o); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	err := inTx(ctx, db.sql, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO storage_probe (payload) VALUES ($1)", probePayload)
		if mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
			t.Fatalf("insert into a full database: %v, want storage_unavailable", err)
		}
		// This update fits in its page and would succeed on its own.
		_, err = tx.ExecContext(ctx, "UPDATE organisations SET name = 'Veranderd' WHERE id = $1", o.ID)
		if mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
			t.Errorf("a statement after the fault in the same transaction: %v, want the fault", err)
		}
		return nil // a careless caller commits anyway
	})
	if mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
		t.Fatalf("commit of a transaction broken by a storage fault: %v, want storage_unavailable", err)
	}
	if _, err := db.sql.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	got, err := db.Register().Organisation(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != o.Name {
		t.Fatalf("name = %q after the broken transaction, want %q unchanged", got.Name, o.Name)
	}
	// The connection works normally afterwards.
	o.Name = "Zorgkantoor Proef Hernoemd"
	if err := db.Register().UpdateOrganisation(ctx, &o); err != nil {
		t.Fatalf("update after making room: %v", err)
	}
}
