package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// Durability on PostgreSQL: real mgz processes on a PostgreSQL database are killed, or the
// database server itself stops without a checkpoint, in the middle of a storm of audited writes.
// Every change mgz acknowledged (201) must be in the database afterwards, with its audit entry,
// on an audit chain that verifies.

// writeStorm posts new organisations through the API of one or more mgz servers and records
// what they answered.
type writeStorm struct {
	token string
	urls  func() []string // the servers to write through, read for every request

	seq    atomic.Int64
	mu     sync.Mutex
	acked  map[int64]string // organisation id → name, for every 201
	failed map[string]int   // "status code" → count, for every other answer
	errors []string         // the distinct error messages, in order of first sight
	lost   atomic.Int64     // requests without an answer (the server was gone)
}

func newWriteStorm(token string, urls ...string) *writeStorm {
	return &writeStorm{token: token, urls: func() []string { return urls }, acked: map[int64]string{}, failed: map[string]int{}}
}

// run sends writes from writers goroutines until stop is closed, and returns when all have ended.
// onAck, when not nil, is called with the number of acknowledged writes after each.
func (s *writeStorm) run(writers int, stop <-chan struct{}, onAck func(int)) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: writers}}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				urls := s.urls()
				i := s.seq.Add(1)
				name := fmt.Sprintf("Praktijk Storm %d", i)
				body := fmt.Sprintf(`{"kind":"gp_practice","name":%q,"agb":"%08d","kvk":"12345678","address":"Weg 1",
					"postcode":"9901 AB","city":"Voorbeeldstad","phone":"0120123456","care_office_region":"Regio Voorbeeld"}`, name, 10000000+i)
				req, _ := http.NewRequest("POST", urls[w%len(urls)]+"/api/v1/organisations", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+s.token)
				res, err := client.Do(req)
				if err != nil {
					s.lost.Add(1)
					time.Sleep(20 * time.Millisecond)
					continue
				}
				var answer struct {
					ID    int64 `json:"id"`
					Error struct {
						Code    string `json:"code"`
						Message string `json:"message"`
					} `json:"error"`
				}
				raw, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil { // the server went away while answering
					s.lost.Add(1)
					continue
				}
				json.Unmarshal(raw, &answer)
				s.mu.Lock()
				if res.StatusCode == http.StatusCreated && answer.ID != 0 {
					s.acked[answer.ID] = name
					n := len(s.acked)
					s.mu.Unlock()
					if onAck != nil {
						onAck(n)
					}
					continue
				}
				key := fmt.Sprintf("%d %s", res.StatusCode, answer.Error.Code)
				if s.failed[key] == 0 {
					msg := answer.Error.Message
					if msg == "" {
						msg = strings.TrimSpace(string(raw))
					}
					s.errors = append(s.errors, key+": "+msg)
				}
				s.failed[key]++
				s.mu.Unlock()
				time.Sleep(20 * time.Millisecond) // no busy loop against a server that refuses
			}
		})
	}
	wg.Wait()
}

func (s *writeStorm) ackedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acked)
}

// checkAcknowledged opens dsn and checks that every acknowledged organisation is stored under its
// name with exactly one audit entry of its creation, and that the audit chain verifies. It returns
// the number of entries in the log.
func checkAcknowledged(t *testing.T, dsn string, acked map[int64]string) int {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("the database does not open: %v", err)
	}
	defer db.Close()
	n, err := db.Store().AuditLog().Verify(ctx)
	if err != nil {
		t.Fatalf("the audit chain does not verify: %v", err)
	}
	created := createEntries(t, dsn)
	reg := db.Register()
	lost := 0
	for id, name := range acked {
		o, err := reg.Organisation(ctx, id)
		if err != nil || o.Name != name {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged organisation %d (%s) is lost: %v", id, name, err)
			}
			continue
		}
		if created[id] != 1 {
			t.Errorf("acknowledged organisation %d has %d audit entries of its creation, want 1", id, created[id])
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged writes are lost", lost, len(acked))
	}
	return n
}

// createEntries counts the audit entries of each organisation's creation.
func createEntries(t *testing.T, dsn string) map[int64]int {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT object_id FROM audit_log WHERE action = 'create' AND object_type = 'organisation' AND outcome = 'allowed'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		n[id]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPostgresSIGKILLDuringWritesLosesNoAcknowledgedChange kills mgz serve (SIGKILL) in the
// middle of concurrent writes to a PostgreSQL database: every acknowledged change is stored, with
// its audit entry, and the chain verifies.
func TestPostgresSIGKILLDuringWritesLosesNoAcknowledgedChange(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	dsn := storetest.PostgresDSN(t)
	token := stewardToken(t, dsn)
	cmd, url, logs := startProcess(t, dsn)

	storm := newWriteStorm(token, url)
	stop := make(chan struct{})
	var once sync.Once
	kill := func() {
		once.Do(func() {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			go func() { _ = cmd.Wait(); time.Sleep(100 * time.Millisecond); close(stop) }()
		})
	}
	// Killed after 150 acknowledged writes, or after three seconds, with writes in flight.
	timer := time.AfterFunc(3*time.Second, kill)
	defer timer.Stop()
	storm.run(6, stop, func(n int) {
		if n >= 150 {
			kill()
		}
	})
	if storm.ackedCount() < 20 {
		t.Fatalf("only %d writes acknowledged before the kill; failures %v %v\n%s", storm.ackedCount(), storm.failed, storm.errors, logs.String())
	}
	if len(storm.failed) > 0 {
		t.Errorf("writes answered with an error before the kill: %v %v", storm.failed, storm.errors)
	}
	n := checkAcknowledged(t, dsn, storm.acked)
	t.Logf("%d acknowledged writes (%d requests unanswered at the kill) all stored after SIGKILL; the chain of %d entries verifies", len(storm.acked), storm.lost.Load(), n)
}

// ownCluster is a PostgreSQL cluster of a test's own, started with the repository's
// .ci/postgres script; the test may stop it hard.
type ownCluster struct {
	dir, bin string
}

// startOwnCluster starts (or restarts, on an existing dir) the cluster in dir and returns the URL of
// its postgres database. The script picks a new port at every start.
func (c *ownCluster) start(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(".ci/postgres", "start", c.dir)
	cmd.Dir = "../.."
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf(".ci/postgres start: %v\n%s%s", err, out, stderr.String())
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^export (\w+)='([^']*)'$`).FindAllStringSubmatch(string(out), -1) {
		vars[m[1]] = m[2]
	}
	if vars["MGZ_TEST_POSTGRES"] == "" || vars["MGZ_TEST_PGBIN"] == "" {
		t.Fatalf(".ci/postgres start printed no URL and binaries:\n%s", out)
	}
	c.bin = vars["MGZ_TEST_PGBIN"]
	return vars["MGZ_TEST_POSTGRES"]
}

// pgCtl runs pg_ctl on the cluster as the user that owns it (postgres when the test runs as root,
// as .ci/postgres does).
func (c *ownCluster) pgCtl(args ...string) ([]byte, error) {
	argv := append([]string{filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data")}, args...)
	if os.Getuid() == 0 {
		argv = append([]string{"runuser", "-u", "postgres", "--"}, argv...)
	}
	return exec.Command(argv[0], argv[1:]...).CombinedOutput()
}

// TestPostgresImmediateShutdownLosesNoAcknowledgedChange stops the PostgreSQL server itself with
// "pg_ctl -m immediate" (no checkpoint: the server recovers from its WAL at the next start) in the
// middle of concurrent writes through mgz. While the database is down, mgz answers 503
// storage_unavailable with a Dutch message, never 500; after the server and mgz are restarted,
// every acknowledged change is there with its audit entry, the chain verifies, and writes
// succeed again.
func TestPostgresImmediateShutdownLosesNoAcknowledgedChange(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster and real server processes")
	}
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(m) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb): under CI=true this test must run")
		}
		t.Skip("no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb) for a cluster of this test's own")
	}
	// Not t.TempDir: when the test runs as root, the cluster runs as the user postgres, which must
	// reach the directory.
	dir, err := os.MkdirTemp("", "mgz-pg-immediate-")
	if err != nil {
		t.Fatal(err)
	}
	cluster := &ownCluster{dir: dir}
	t.Cleanup(func() {
		if out, err := cluster.pgCtl("-m", "immediate", "-w", "stop"); err != nil && !strings.Contains(string(out), "not running") && !strings.Contains(string(out), "Is server running") {
			t.Logf("stopping the test's cluster: %v %s", err, out)
		}
		os.RemoveAll(dir)
	})
	dsn := cluster.start(t)
	token := stewardToken(t, dsn)
	cmd, url, logs := startProcess(t, dsn)

	storm := newWriteStorm(token, url)
	stop := make(chan struct{})
	var (
		once     sync.Once
		downAt   time.Time
		stopOut  []byte
		stopErr  error
		stopDone = make(chan struct{})
	)
	shutdown := func() {
		once.Do(func() {
			go func() {
				defer close(stopDone)
				downAt = time.Now()
				stopOut, stopErr = cluster.pgCtl("-m", "immediate", "-w", "stop")
			}()
		})
	}
	timer := time.AfterFunc(3*time.Second, shutdown)
	defer timer.Stop()
	var before atomic.Int64 // writes acknowledged when the shutdown began
	go func() {
		<-stopDone
		// The server is down: the writers go on for a second and a half against mgz, to see what
		// its clients see.
		time.Sleep(1500 * time.Millisecond)
		close(stop)
	}()
	var failedBefore map[string]int
	storm.run(6, stop, func(n int) {
		if n >= 120 {
			storm.mu.Lock()
			if before.Load() == 0 {
				failedBefore = map[string]int{}
				for k, v := range storm.failed {
					failedBefore[k] = v
				}
			}
			storm.mu.Unlock()
			before.CompareAndSwap(0, int64(n))
			shutdown()
		}
	})
	<-stopDone
	if stopErr != nil {
		t.Fatalf("pg_ctl -m immediate stop: %v\n%s", stopErr, stopOut)
	}
	if storm.ackedCount() < 20 {
		t.Fatalf("only %d writes acknowledged before the shutdown; failures %v %v\n%s", storm.ackedCount(), storm.failed, storm.errors, logs.String())
	}
	if len(failedBefore) > 0 {
		t.Errorf("writes failed before the database was stopped: %v", failedBefore)
	}
	// What the clients saw while the database was down: 503 storage_unavailable with a Dutch
	// message, never a 500 or another error.
	var outage int
	for key, n := range storm.failed {
		outage += n
		if key != "503 storage_unavailable" {
			t.Errorf("while PostgreSQL was down, %d writes were answered %q; want 503 storage_unavailable. mgz logged:\n%s", n, key, errorLines(logs.String()))
		}
	}
	for _, e := range storm.errors {
		if strings.HasPrefix(e, "503 storage_unavailable: ") && !strings.Contains(e, "database") {
			t.Errorf("the answer while PostgreSQL was down does not say the database is the cause: %q", e)
		}
	}
	if outage == 0 {
		t.Errorf("no write was answered with an error while PostgreSQL was down (%d unanswered)", storm.lost.Load())
	}
	sort.Strings(storm.errors)
	t.Logf("while PostgreSQL was down (%s): %v; messages: %q", time.Since(downAt).Round(time.Millisecond), storm.failed, storm.errors)

	// mgz cannot reach the restarted server on its new port: it is restarted on the new URL.
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	dsn = cluster.start(t)
	n := checkAcknowledged(t, dsn, storm.acked)
	t.Logf("%d acknowledged writes all stored after an immediate shutdown of PostgreSQL; the chain of %d entries verifies", len(storm.acked), n)

	_, url, logs = startProcess(t, dsn)
	again := newWriteStorm(token, url)
	again.seq.Store(storm.seq.Load()) // new names and AGB codes
	done := make(chan struct{})
	time.AfterFunc(500*time.Millisecond, func() { close(done) })
	again.run(2, done, nil)
	if again.ackedCount() == 0 || len(again.failed) > 0 {
		t.Fatalf("after the restart: %d writes acknowledged, failures %v %v\n%s", again.ackedCount(), again.failed, again.errors, logs.String())
	}
	for id, name := range again.acked {
		storm.acked[id] = name
	}
	checkAcknowledged(t, dsn, storm.acked)
}

// TestTwoInstancesWriteStormKeepsTheAuditChainVerifiable runs two mgz serve processes on one
// PostgreSQL database and writes through both at once for a few seconds: every write is
// acknowledged, each has exactly one audit entry, the log holds nothing else new, and mgz audit
// verify passes.
func TestTwoInstancesWriteStormKeepsTheAuditChainVerifiable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two real server processes")
	}
	dsn := storetest.PostgresDSN(t)
	token := stewardToken(t, dsn)
	entriesBefore := auditCount(t, dsn)
	cmd1, url1, logs1 := startProcess(t, dsn)
	cmd2, url2, logs2 := startProcess(t, dsn)

	storm := newWriteStorm(token, url1, url2)
	stop := make(chan struct{})
	time.AfterFunc(3*time.Second, func() { close(stop) })
	storm.run(8, stop, nil)
	for _, c := range []*exec.Cmd{cmd1, cmd2} {
		_ = c.Process.Signal(syscall.SIGTERM)
		_ = c.Wait()
	}
	if len(storm.failed) > 0 || storm.lost.Load() > 0 {
		t.Fatalf("writes through two instances failed: %v %v, %d unanswered\n%s\n%s", storm.failed, storm.errors, storm.lost.Load(), logs1, logs2)
	}
	if len(storm.acked) < 20 {
		t.Fatalf("only %d writes acknowledged in three seconds", len(storm.acked))
	}
	verified := cliRun(t, map[string]string{"MGZ_DB": dsn}, "audit", "verify")
	n := checkAcknowledged(t, dsn, storm.acked)
	// Writes with an API token log in nothing and read nothing audited: the log grew by exactly
	// one entry per acknowledged write.
	if n != entriesBefore+len(storm.acked) {
		t.Errorf("the audit log has %d entries: %d before the storm and %d acknowledged writes make %d", n, entriesBefore, len(storm.acked), entriesBefore+len(storm.acked))
	}
	if !strings.Contains(verified, fmt.Sprintf("Auditlog in orde: %d regels", n)) {
		t.Errorf("mgz audit verify: %q", verified)
	}
	t.Logf("%d writes through two instances, %d audit entries, chain verified", len(storm.acked), n)
}

// auditCount returns the number of entries in the audit log of dsn.
func auditCount(t *testing.T, dsn string) int {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// errorLines returns the lines of a server log at level ERROR, where mgz logs the cause of a 500,
// but those of the 503s.
func errorLines(log string) string {
	var b strings.Builder
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "level=ERROR") && !strings.Contains(l, "status=503") && !strings.Contains(l, "niet bereikbaar") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
