package sqlstore

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// received collects what a Listener delivers.
type received struct {
	payloads chan string
	resumed  atomic.Int32
}

func (r *received) subscription() Subscription {
	return Subscription{Deliver: func(p []byte) { r.payloads <- string(p) }, Resumed: func() { r.resumed.Add(1) }}
}

func (r *received) await(t *testing.T, want string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case got := <-r.payloads:
			if got == want {
				return
			}
		case <-deadline:
			t.Fatalf("%q not delivered within %s", want, within)
		}
	}
}

// TestNotifyReachesEveryListenerOfTheDatabase: what one DB notifies reaches the listeners of two
// other "instances" (listeners of their own), also when nothing arrives for longer than the
// listener's ping interval.
func TestNotifyReachesEveryListenerOfTheDatabase(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	defer func(old time.Duration) { listenPing = old }(listenPing)
	listenPing = 150 * time.Millisecond
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.Notifies() {
		t.Fatal("a PostgreSQL database does not carry notifications")
	}
	var rs [2]*received
	for i := range rs {
		rs[i] = &received{payloads: make(chan string, 16)}
		l, err := Listen(ctx, dsn, "mgz_test", rs[i].subscription())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
	}
	if err := db.Notify(ctx, "mgz_test", []byte(`{"user_id":7}`)); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		r.await(t, `{"user_id":7}`, time.Second)
	}
	time.Sleep(3 * listenPing) // the listeners ping an idle connection and go on
	if err := db.Notify(ctx, "mgz_test", []byte("second")); err != nil {
		t.Fatal(err)
	}
	if err := db.Notify(ctx, "other_channel", []byte("not for them")); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		r.await(t, "second", time.Second)
		select {
		case p := <-r.payloads:
			t.Fatalf("delivered %q from another channel", p)
		case <-time.After(100 * time.Millisecond):
		}
		if n := r.resumed.Load(); n != 0 {
			t.Fatalf("resumed %d times without losing the connection", n)
		}
	}
}

// TestListenerReconnectsAfterLosingItsConnectionAndSaysSo: the server ends the listener's
// connection; the listener connects again, reports that it may have missed notifications, and
// receives the next ones.
func TestListenerReconnectsAfterLosingItsConnectionAndSaysSo(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &received{payloads: make(chan string, 16)}
	lostErrs := make(chan error, 16)
	sub := r.subscription()
	sub.Lost = func(err error) { lostErrs <- err }
	l, err := Listen(ctx, dsn, "mgz_test", sub)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var ended bool
	if err := db.sql.QueryRowContext(ctx, "SELECT bool_or(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mgz listen'").Scan(&ended); err != nil || !ended {
		t.Fatalf("ending the listener's connection: %v %v", ended, err)
	}
	select {
	case <-lostErrs:
	case <-time.After(5 * time.Second):
		t.Fatal("the listener did not notice its connection ended")
	}
	deadline := time.Now().Add(10 * time.Second)
	for r.resumed.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the listener did not connect again")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := db.Notify(ctx, "mgz_test", []byte("after")); err != nil {
		t.Fatal(err)
	}
	r.await(t, "after", time.Second)
	l.Close()
	// The server's backend ends a moment after the connection closed.
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		var n int
		if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'mgz listen'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%d listening connections 5 s after Close", n)
		}
	}
}

func TestNotificationsNeedPostgreSQL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mgz.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Notifies() {
		t.Fatal("SQLite claims to carry notifications")
	}
	if err := db.Notify(context.Background(), "mgz_test", []byte("x")); !errors.Is(err, ErrNoNotifications) {
		t.Fatalf("Notify on SQLite: %v", err)
	}
	if _, err := Listen(context.Background(), path, "mgz_test", Subscription{Deliver: func([]byte) {}}); !errors.Is(err, ErrNoNotifications) {
		t.Fatalf("Listen on SQLite: %v", err)
	}
}
