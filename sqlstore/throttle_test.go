package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

func TestFailuresCountPerKeyWithinTheWindowAndArePruned(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	s := db.Store()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range 4 {
		at := t0.Add(time.Duration(i) * time.Minute)
		if err := s.AddFailure(ctx, "k1", at, at.Add(15*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddFailure(ctx, "k2", t0, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		since  time.Time
		n      int
		want   time.Time
		wantOK bool
	}{
		{t0.Add(-time.Minute), 1, t0.Add(3 * time.Minute), true},
		{t0.Add(-time.Minute), 4, t0, true},
		{t0.Add(-time.Minute), 5, time.Time{}, false},
		{t0, 3, t0.Add(time.Minute), true}, // strictly after since: the failure at t0 is out of the window
		{t0, 4, time.Time{}, false},
	}
	for _, c := range cases {
		got, ok, err := s.NthRecentFailure(ctx, "k1", c.since, c.n)
		if err != nil || ok != c.wantOK || !got.Equal(c.want) {
			t.Errorf("NthRecentFailure(since %s, %d) = %s %v %v, want %s %v", c.since.Format("15:04"), c.n, got, ok, err, c.want, c.wantOK)
		}
	}
	if err := s.ForgetFailures(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.NthRecentFailure(ctx, "k1", t0.Add(-time.Hour), 1); ok {
		t.Fatal("ForgetFailures left failures of the key")
	}
	if _, ok, _ := s.NthRecentFailure(ctx, "k2", t0.Add(-time.Hour), 1); !ok {
		t.Fatal("ForgetFailures of one key forgot another")
	}
	if err := s.AddFailure(ctx, "k3", t0, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.PruneFailures(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM throttle_failures").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d failures after pruning (%v), want 1 (the one expiring later)", n, err)
	}
}

// TestSharedThrottleStoresNoBSNOrAddressInClear: what the throttles of the service put in the
// database are hashes.
func TestSharedThrottleStoresNoBSNOrAddressInClear(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	a := auth.NewSharedThrottle("login-account", 5, 15*time.Minute, db.Store())
	b := auth.NewSharedThrottle("login-account", 5, 15*time.Minute, db.Store())
	keys := []string{"account:iemand@praktijk.example", "111222333"}
	for i := range 5 {
		th := a
		if i%2 == 1 {
			th = b
		}
		for _, k := range keys {
			if err := th.Fail(ctx, k); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range keys {
		if blocked, wait, err := b.Blocked(ctx, k); !blocked || wait <= 0 || err != nil {
			t.Fatalf("after 5 failures through two throttles on one database: blocked %v for %s (%v)", blocked, wait, err)
		}
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT key_hash FROM throttle_failures")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h, "iemand") || strings.Contains(h, "111222333") || len(h) != 64 {
			t.Fatalf("stored throttle key %q is not a hash", h)
		}
	}
}

// TestFailureQueriesUseIndexes: the throttle's statements read and delete through an index of
// throttle_failures, on SQLite (EXPLAIN QUERY PLAN) and PostgreSQL (EXPLAIN, sequential scans off).
func TestFailureQueriesUseIndexes(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	stmts := []string{
		"SELECT at FROM throttle_failures WHERE key_hash = 'k' AND at > '2026' ORDER BY at DESC LIMIT 1 OFFSET 4",
		"DELETE FROM throttle_failures WHERE key_hash = 'k'",
		"DELETE FROM throttle_failures WHERE expires_at <= '2026'",
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	explain := "EXPLAIN QUERY PLAN "
	if db.dialect == dialectPostgres {
		explain = "EXPLAIN "
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range stmts {
		rows, err := conn.QueryContext(ctx, explain+q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var plan strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&plan, vals...)
		}
		rows.Close()
		if !strings.Contains(plan.String(), "throttle_failures_key") && !strings.Contains(plan.String(), "throttle_failures_expiry") {
			t.Errorf("%s\nplan without an index of throttle_failures:\n%s", q, plan.String())
		}
	}
}

// BenchmarkSharedThrottle measures what a login's throttling costs in the database: the check
// of a key among 10,000 keys with failures, and the check plus the record of a failure.
func BenchmarkSharedThrottle(b *testing.B) {
	db, err := Open(context.Background(), storetest.DSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	th := auth.NewSharedThrottle("login-account", 5, 15*time.Minute, db.Store())
	now := time.Now()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		for j := range 3 {
			at := now.Add(-time.Duration(j) * time.Minute)
			if _, err := tx.ExecContext(ctx, "INSERT INTO throttle_failures (key_hash, at, expires_at) VALUES ($1, $2, $3)",
				fmt.Sprintf("%064d", i), formatTime(at), formatTime(at.Add(15*time.Minute))); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.Run("blocked", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, _, err := th.Blocked(ctx, fmt.Sprintf("account:%d@praktijk.example", i%1000)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("blocked_and_fail", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			key := fmt.Sprintf("account:%d@praktijk.example", i%1000)
			if _, _, err := th.Blocked(ctx, key); err != nil {
				b.Fatal(err)
			}
			if err := th.Fail(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}
