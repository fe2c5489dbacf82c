package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/sqlstore"
	_ "modernc.org/sqlite"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testEnv(vars map[string]string) (*environment, *syncBuffer, *syncBuffer) {
	out, errb := &syncBuffer{}, &syncBuffer{}
	return &environment{stdin: strings.NewReader(""), stdout: out, stderr: errb, getenv: func(k string) string { return vars[k] }}, out, errb
}

func TestHelpVersionAndUnknownCommand(t *testing.T) {
	env, out, _ := testEnv(nil)
	if code := run(context.Background(), env, []string{"help"}); code != 0 || !strings.Contains(out.String(), "serve") || !strings.Contains(out.String(), "version") {
		t.Fatalf("help: code %d, output %q", code, out.String())
	}
	env, out, _ = testEnv(nil)
	if code := run(context.Background(), env, []string{"version"}); code != 0 || !strings.HasPrefix(out.String(), "mgz ") {
		t.Fatalf("version: code %d, output %q", code, out.String())
	}
	env, _, errb := testEnv(nil)
	if code := run(context.Background(), env, []string{"vlieg"}); code != 2 || !strings.Contains(errb.String(), "onbekende opdracht") {
		t.Fatalf("unknown command: code %d, stderr %q", code, errb.String())
	}
	env, _, _ = testEnv(nil)
	if code := run(context.Background(), env, nil); code != 2 {
		t.Fatalf("no command: code %d, want 2", code)
	}
}

// waitForURL waits until the server printed its address.
func waitForURL(t *testing.T, out interface{ String() string }) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if i := strings.Index(out.String(), "http://"); i >= 0 {
			return strings.Fields(out.String()[i:])[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start; output so far: %q", out.String())
	return ""
}

func TestServeWithDemoAndGracefulShutdown(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "mgz.db")
	env, out, errb := testEnv(map[string]string{"MGZ_DB": dbPath})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, env, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}) }()
	url := waitForURL(t, out)
	rho := "huisartsen-regio-voorbeeld-rho@voorbeeld.test"
	if !strings.Contains(out.String(), rho) || !strings.Contains(out.String(), "Wachtwoord voor allemaal: voorbeeld-regio") {
		t.Fatalf("serve --demo does not print the demo logins: %s", out.String())
	}
	if res, err := http.Get(url + "/api/v1/overview"); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the API without a token: %v %v, want 401", res.StatusCode, err)
	}
	token := cliRun(t, map[string]string{"MGZ_DB": dbPath}, "token", "create", "--email", rho)
	req, _ := http.NewRequest("GET", url+"/api/v1/overview", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ov struct {
		Locations int `json:"locations"`
	}
	json.NewDecoder(res.Body).Decode(&ov)
	res.Body.Close()
	if ov.Locations < 25 {
		t.Fatalf("demo region has %d locations, want about 30", ov.Locations)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d after shutdown; stderr: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
	if !strings.Contains(errb.String(), "database closed") {
		t.Errorf("log does not say the database was closed: %s", errb.String())
	}

	// A second start with --demo must leave the filled database alone.
	env, out, errb = testEnv(map[string]string{"MGZ_DB": dbPath, "MGZ_DEMO": "true"})
	ctx, cancel = context.WithCancel(context.Background())
	go func() { done <- run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	waitForURL(t, out)
	cancel()
	<-done
	if !strings.Contains(errb.String(), "already holds data") {
		t.Errorf("second --demo start did not report the database was left alone: %s", errb.String())
	}
	if !strings.Contains(out.String(), rho) {
		t.Errorf("second --demo start does not print the demo logins again: %s", out.String())
	}
}

// cliRun runs an mgz command in-process, fails the test unless it exits 0, and returns its
// standard output without surrounding space.
func cliRun(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	env, out, errb := testEnv(vars)
	if code := run(context.Background(), env, args); code != 0 {
		t.Fatalf("mgz %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	return strings.TrimSpace(out.String())
}

func TestServeRefusesDatabaseNewerThanBinary(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "mgz.db")
	db, err := sqlstore.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Pretend a newer mgz migrated it.
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 'x')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	env, _, errb := testEnv(nil)
	code := run(context.Background(), env, []string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"})
	if code != 1 || !strings.Contains(errb.String(), "nieuwere mgz") {
		t.Fatalf("code %d, stderr %q; want 1 and a Dutch message about a newer mgz", code, errb.String())
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	env, _, errb := testEnv(nil)
	if code := run(context.Background(), env, []string{"serve", "--log-format", "xml"}); code != 2 || !strings.Contains(errb.String(), "logformaat") {
		t.Fatalf("bad log format: code %d, stderr %q", code, errb.String())
	}
}

// buildBinary compiles mgz once for the tests that need a real process.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "mgz-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "mgz")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// startProcess runs "mgz serve" as a real process and returns it with its URL.
func startProcess(t *testing.T, dbPath string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--db", dbPath, "--addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "http://"); i >= 0 {
				lines <- strings.Fields(sc.Text()[i:])[0]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-lines:
		return cmd, url, logs
	case <-time.After(30 * time.Second):
		t.Fatalf("mgz serve did not start: %s", logs.String())
	}
	return nil, "", nil
}

// stewardToken prepares a database with a regional GP organisation (RHO) and returns an API token
// of an editor of it, made with mgz user add and mgz token create.
func stewardToken(t *testing.T, dbPath string) string {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	rho := mgz.Organisation{Kind: mgz.KindRegionalGPOrg, Name: "Huisartsen Testregio (RHO)", KvK: "77000001",
		Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	err = db.Register().CreateOrganisation(context.Background(), &rho)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"MGZ_DB": dbPath}
	cliRun(t, vars, "user", "add", "--org", fmt.Sprint(rho.ID), "--email", "script@testregio.example", "--role", "editor")
	return cliRun(t, vars, "token", "create", "--email", "script@testregio.example", "--name", "test")
}

// TestSIGKILLWhileWritingLosesNoCommittedChange kills the server in the middle of a stream of
// writes and checks that every change it acknowledged is in a database that still opens.
func TestSIGKILLWhileWritingLosesNoCommittedChange(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	dbPath := filepath.Join(t.TempDir(), "mgz.db")
	token := stewardToken(t, dbPath)
	cmd, url, _ := startProcess(t, dbPath)

	var (
		mu    sync.Mutex
		acked = map[int64]string{}
		n     atomic.Int64
		wg    sync.WaitGroup
	)
	killAt := int64(150)
	stop := make(chan struct{})
	client := &http.Client{Timeout: 5 * time.Second}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				i := n.Add(1)
				name := fmt.Sprintf("Praktijk Kill %d", i)
				body := fmt.Sprintf(`{"kind":"gp_practice","name":%q,"agb":"%08d","kvk":"12345678","address":"Weg 1",
					"postcode":"9901 AB","city":"Voorbeeldstad","phone":"0120123456","care_office_region":"Regio Voorbeeld"}`, name, 10000000+i)
				req, _ := http.NewRequest("POST", url+"/api/v1/organisations", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var o struct {
					ID int64 `json:"id"`
				}
				json.NewDecoder(res.Body).Decode(&o)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					t.Errorf("create organisation: status %d", res.StatusCode)
					cmd.Process.Signal(syscall.SIGKILL)
					return
				}
				mu.Lock()
				acked[o.ID] = name
				count := len(acked)
				mu.Unlock()
				if int64(count) == killAt {
					cmd.Process.Signal(syscall.SIGKILL)
				}
			}
		}()
	}
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < int(killAt) {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}

	db, err := sqlstore.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatalf("database does not open after SIGKILL: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	reg := db.Register()
	for id, name := range acked {
		o, err := reg.Organisation(context.Background(), id)
		if err != nil || o.Name != name {
			t.Fatalf("acknowledged organisation %d (%s) lost after SIGKILL: %v", id, name, err)
		}
	}
	t.Logf("%d acknowledged writes all present after SIGKILL", len(acked))
}

func TestSIGTERMFinishesAndClosesTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	cmd, url, logs := startProcess(t, filepath.Join(t.TempDir(), "mgz.db"))
	if res, err := http.Get(url + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("/readyz: %v", err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "database closed") {
		t.Fatalf("log lacks 'database closed': %s", logs.String())
	}
}
