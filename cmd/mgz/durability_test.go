package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// TestSIGKILLWhileReadingLosesNoAuditEntryOfAnAnsweredRead kills a real server while concurrent
// patient reads are in flight. A read is only answered once its audit entry is durable (the
// entries of concurrent reads share one group commit), so every read answered with 200 before
// the kill must have its entry in the database afterwards, on a chain that verifies.
func TestSIGKILLWhileReadingLosesNoAuditEntryOfAnAnsweredRead(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real server process")
	}
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "mgz.db")

	// The demo region, loaded as "serve --demo" does but with cheap password hashes; then a GP
	// practice that has clients, its demo account and the clients it may read.
	db, err := sqlstore.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadRegion(ctx, db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}, nil); err != nil {
		db.Close()
		t.Fatal(err)
	}
	patients, _, err := db.Store().Patients().Patients(ctx, mgz.PatientFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil || len(patients) == 0 || patients[0].GPPracticeID == nil {
		db.Close()
		t.Fatalf("the demo region has no client registered with a practice (%d clients): %v", len(patients), err)
	}
	practiceID := *patients[0].GPPracticeID
	practice, err := db.Register().Organisation(ctx, practiceID)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	// A few more clients at the same location and practice, so that reads spread over several.
	svc := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	for i := range 5 {
		p := patients[0]
		p.ID, p.Name, p.BirthDate = 0, fmt.Sprintf("Meneer T. Duurzaam %d", i+1), mgz.NewDate(1940+i, time.May, 1+i)
		if err := svc.CreatePatient(ctx, service.System(), &p); err != nil {
			db.Close()
			t.Fatal(err)
		}
		patients = append(patients, p)
	}
	var ids []int64
	for _, p := range patients {
		if p.GPPracticeID != nil && *p.GPPracticeID == practiceID {
			ids = append(ids, p.ID)
		}
	}
	email := demo.Email(practice.Name)
	before := readsBy(t, db, email)
	db.Close()
	token := cliRun(t, map[string]string{"MGZ_DB": dbPath}, "token", "create", "--email", email, "--name", "duurzaamheidstest")
	cmd, url, logs := startProcess(t, dbPath)

	// Readers fire GET /api/v1/patients/{id} until the server is gone; after killAt answers the
	// server is killed, with reads of the other readers still in flight.
	const readers, killAt = 8, 150
	var (
		mu       sync.Mutex
		answered = map[int64]int{}
		total    int
		killOnce sync.Once
		wg       sync.WaitGroup
	)
	kill := func() { killOnce.Do(func() { _ = cmd.Process.Signal(syscall.SIGKILL) }) }
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: readers}}
	for r := range readers {
		wg.Go(func() {
			for i := r; ; i++ {
				id := ids[i%len(ids)]
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/patients/%d", url, id), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("GET patient %d: status %d", id, res.StatusCode)
					kill()
					return
				}
				mu.Lock()
				answered[id]++
				total++
				n := total
				mu.Unlock()
				if n == killAt {
					kill()
				}
			}
		})
	}
	wg.Wait()
	kill()
	_ = cmd.Wait()
	if t.Failed() {
		t.Fatalf("server log:\n%s", logs.String())
	}
	if total < killAt {
		t.Fatalf("only %d reads answered before the server went away:\n%s", total, logs.String())
	}

	db, err = sqlstore.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("the database does not open after SIGKILL: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Store().AuditLog().Verify(ctx); err != nil {
		t.Fatalf("the audit chain does not verify after SIGKILL: %v", err)
	}
	after := readsBy(t, db, email)
	for id, n := range answered {
		if got := after[id] - before[id]; got < n {
			t.Errorf("patient %d: %d reads answered, %d audited after SIGKILL", id, n, got)
		}
	}
	t.Logf("%d answered reads of %d clients, all audited after SIGKILL", total, len(answered))
}

// readsBy counts the allowed reads of each patient by the account email in the audit log.
func readsBy(t *testing.T, db *sqlstore.DB, email string) map[int64]int {
	t.Helper()
	n := map[int64]int{}
	err := db.Store().Audit().Each(context.Background(), mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		if e.UserEmail == email && e.Action == mgz.AuditRead && e.Outcome == mgz.OutcomeAllowed && e.PatientID != 0 {
			n[e.PatientID]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
