package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// TestTransactionsOfOneProcessTakeTurns: many concurrent transactions (changes and group-committed
// audit entries) all commit, none fails with "database is locked", and a transaction waiting for
// its turn gives up when its context ends, without writing.
func TestTransactionsOfOneProcessTakeTurns(t *testing.T) {
	db, _ := openTestDB(t)
	if db.dialect != dialectSQLite {
		t.Skip("PostgreSQL writers take turns on an advisory lock")
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for w := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 10 {
				errs <- db.Store().Atomic(ctx, func(tx mgz.Tx) error {
					return tx.Audit().Append(ctx, &mgz.AuditEntry{UserEmail: fmt.Sprintf("w%d-%d@voorbeeld.test", w, i), Action: mgz.AuditUpdate,
						ObjectType: "location", ObjectID: 1, Outcome: mgz.OutcomeAllowed})
				})
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 10 {
				errs <- db.Store().Audit().Append(ctx, &mgz.AuditEntry{UserEmail: fmt.Sprintf("r%d-%d@voorbeeld.test", w, i), Action: mgz.AuditRead,
					ObjectType: "patient", ObjectID: 1, Outcome: mgz.OutcomeAllowed})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.sql.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil || n != 400 {
		t.Fatalf("%d audit entries (%v), want 400", n, err)
	}

	// While one transaction holds the turn, another waits, and leaves when its context ends.
	held := make(chan struct{})
	release := make(chan struct{})
	go db.inTx(ctx, func(*sql.Tx) error { close(held); <-release; return nil })
	<-held
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	wrote := false
	err := db.Store().Atomic(short, func(mgz.Tx) error { wrote = true; return nil })
	close(release)
	if !errors.Is(err, context.DeadlineExceeded) || wrote {
		t.Fatalf("a transaction waiting for its turn past its deadline = %v (ran: %v), want the deadline and nothing run", err, wrote)
	}
	if err := db.Store().Atomic(ctx, func(mgz.Tx) error { return nil }); err != nil {
		t.Fatalf("after the turn was released: %v", err)
	}
}
