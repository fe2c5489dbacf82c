package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// slowCount is a query that runs for minutes unless it is interrupted.
const slowCount = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
	SELECT count(*) FROM c`

// A running query stops when its context ends: modernc.org/sqlite interrupts the statement
// (sqlite3_interrupt) when the context is done, and the connection goes back to the pool.
func TestCancelledQueryStopsAndFreesItsConnection(t *testing.T) {
	for _, inTransaction := range []bool{false, true} {
		t.Run(fmt.Sprintf("in transaction %v", inTransaction), func(t *testing.T) {
			db, _ := openTestDB(t)
			// One connection: if the cancelled query kept it, the next query could not run.
			db.sql.SetMaxOpenConns(1)
			ctx, cancel := context.WithCancel(context.Background())
			started := make(chan struct{})
			result := make(chan error, 1)
			go func() {
				close(started)
				var n int64
				if !inTransaction {
					result <- db.Store().q().QueryRowContext(ctx, slowCount).Scan(&n)
					return
				}
				result <- inTx(ctx, db.sql, func(tx *sql.Tx) error {
					return scope{db: db, tx: tx}.q().QueryRowContext(ctx, slowCount).Scan(&n)
				})
			}()
			<-started
			time.Sleep(50 * time.Millisecond) // let the statement run
			cancel()
			select {
			case err := <-result:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled query returned %v, want context.Canceled", err)
				}
			case <-time.After(30 * time.Second): // generous: the interrupt takes milliseconds
				t.Fatal("the cancelled query is still running")
			}
			next, stop := context.WithTimeout(context.Background(), 30*time.Second)
			defer stop()
			var one int
			if err := db.Store().q().QueryRowContext(next, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("the connection is not reusable after the cancelled query: %v", err)
			}
			if s := db.sql.Stats(); s.InUse != 0 {
				t.Fatalf("%d connections still in use", s.InUse)
			}
		})
	}
}

// The goroutines of a cancelled query end: none is left waiting on the statement.
func TestCancelledQueryLeavesNoGoroutine(t *testing.T) {
	db, _ := openTestDB(t)
	before := runtime.NumGoroutine()
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		var n int64
		err := db.Store().q().QueryRowContext(ctx, slowCount).Scan(&n)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("query past its deadline returned %v, want context.DeadlineExceeded", err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		t.Fatalf("%d goroutines before, %d after five cancelled queries", before, n)
	}
}

func TestStatementCacheIsBoundedAndReusesStatements(t *testing.T) {
	db, _ := openTestDB(t)
	skipWithoutStatementCache(t, db)
	ctx := context.Background()
	q := db.Store().q()
	var n int
	for i := 0; i < 3; i++ {
		if err := q.QueryRowContext(ctx, "SELECT 41 + $1", 1).Scan(&n); err != nil || n != 42 {
			t.Fatalf("%d %v", n, err)
		}
	}
	if got := db.stmts.len(); got != 1 {
		t.Fatalf("%d statements cached for one text, want 1", got)
	}
	for i := 0; i < stmtCacheSize+50; i++ {
		if err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil || n != i {
			t.Fatalf("%d %v", n, err)
		}
	}
	if got := db.stmts.len(); got > stmtCacheSize {
		t.Fatalf("%d statements cached, want at most %d", got, stmtCacheSize)
	}
}

// A statement evicted while its rows are still being read keeps working until they are closed.
func TestEvictedStatementInUseKeepsWorking(t *testing.T) {
	db, _ := openTestDB(t)
	skipWithoutStatementCache(t, db)
	db.stmts = newStmtCache(db.sql, 2)
	ctx := context.Background()
	q := db.Store().q()
	rows, err := q.QueryContext(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ { // evicts the first statement
		var n int
		if err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	sum := 0
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		sum += n
	}
	if err := rows.Err(); err != nil || sum != 3 {
		t.Fatalf("rows of an evicted statement: sum %d, %v", sum, err)
	}
	rows.Close()
}

// Inside a transaction the cached statements join it: what it wrote is read back before the
// commit, and gone after a rollback.
func TestCachedStatementsJoinTheTransaction(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	if _, err := db.sql.ExecContext(ctx, "CREATE TEMP TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	db.sql.SetMaxOpenConns(1) // the temporary table lives on this one connection
	boom := errors.New("rollback")
	err := inTx(ctx, db.sql, func(tx *sql.Tx) error {
		q := scope{db: db, tx: tx}.q()
		for i := 0; i < 3; i++ {
			if _, err := q.ExecContext(ctx, "INSERT INTO t (x) VALUES ($1)", i); err != nil {
				return err
			}
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
			t.Fatalf("inside the transaction: %d rows, %v", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var n int
	if err := db.Store().q().QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
		t.Fatalf("after the rollback: %d rows, %v", n, err)
	}
	count := 0
	txStatements.Range(func(any, any) bool { count++; return true })
	if count != 0 {
		t.Fatalf("%d transactions still registered after they ended", count)
	}
}

func TestCloseClosesCachedStatements(t *testing.T) {
	db, _ := openTestDB(t)
	skipWithoutStatementCache(t, db)
	ctx := context.Background()
	var n int
	if err := db.Store().q().QueryRowContext(ctx, "SELECT 7").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got := db.stmts.len(); got != 0 {
		t.Fatalf("%d statements left after Close", got)
	}
}

// skipWithoutStatementCache skips a test of the statement cache on PostgreSQL, which has none.
func skipWithoutStatementCache(t *testing.T, db *DB) {
	t.Helper()
	if db.stmts == nil {
		t.Skip("PostgreSQL has no statement cache (db.stmts is nil): the simple protocol sends every statement as text, and the server plans it each time; TestPostgresQueryIsCancelledByItsContext and the store tests cover PostgreSQL")
	}
}
