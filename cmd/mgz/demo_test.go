package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// demoRowCounts counts the rows of the demo region's main tables in the database at path.
func demoRowCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	counts := map[string]int{}
	for _, tbl := range []string{"organisations", "locations", "contact_points", "users", "patients", "registrations", "prerequisite_items", "agreements", "audit_log"} {
		var n int
		if err := raw.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s", tbl)).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		counts[tbl] = n
	}
	return counts
}

// TestSIGKILLDuringTheDemoLoadThenAStartLoadsTheWholeRegion kills a real "serve --demo" process
// at several moments of its first start; a following start must yield the whole region, the
// same as a clean load.
func TestSIGKILLDuringTheDemoLoadThenAStartLoadsTheWholeRegion(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cleanPath := filepath.Join(t.TempDir(), "clean.db")
	clean, err := sqlstore.Open(context.Background(), cleanPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadRegion(context.Background(), clean.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}, nil); err != nil {
		t.Fatal(err)
	}
	clean.Close()
	want := demoRowCounts(t, cleanPath)

	for _, after := range []time.Duration{0, 150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		t.Run(fmt.Sprintf("killed %s after start", after), func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "mgz.db")
			cmd := exec.Command(bin, "serve", "--demo", "--db", dbPath, "--addr", "127.0.0.1:0")
			out, logs := &syncBuffer{}, &syncBuffer{}
			cmd.Stdout, cmd.Stderr = out, logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for !strings.Contains(logs.String(), "mgz starting") && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(after)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()
			if strings.Contains(out.String(), "Demo-accounts") {
				t.Logf("the load had finished before the kill")
			}

			env, out2, errb := testEnv(map[string]string{"MGZ_DB": dbPath})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int)
			go func() { done <- run(ctx, env, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}) }()
			waitForURL(t, out2)
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("the start after the kill exited %d: %s", code, errb.String())
			}
			checkREADMEDemoPromise(t, out2.String())
			got := demoRowCounts(t, dbPath)
			for tbl, n := range want {
				if got[tbl] != n {
					t.Errorf("after the kill and a new start %s has %d rows, a clean load %d", tbl, got[tbl], n)
				}
			}
		})
	}
}

// checkREADMEDemoPromise checks that what serve --demo printed keeps the README's promise: the
// demo addresses the README names and the password are printed.
func checkREADMEDemoPromise(t *testing.T, printed string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	addresses := regexp.MustCompile(`[a-z0-9-]+@voorbeeld\.test`).FindAllString(string(readme), -1)
	if len(addresses) == 0 || !strings.Contains(string(readme), "`"+demo.Password+"`") {
		t.Fatal("the README no longer names a demo address and the demo password")
	}
	for _, a := range addresses {
		if !strings.Contains(printed, a) {
			t.Errorf("the README promises %s is printed at start; it is not:\n%s", a, printed)
		}
	}
	if !strings.Contains(printed, "Wachtwoord voor allemaal: "+demo.Password) {
		t.Errorf("the password is not printed at start:\n%s", printed)
	}
}
