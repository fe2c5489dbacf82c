package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// The storage faults of PostgreSQL are not those of a file: the server does not answer, it ends
// a connection (a restart, a failover, an operator), or it refuses writes (a standby). These
// tests make each happen on a scratch database; they run whenever a test server is set
// (storetest.PostgresDSN), in the SQLite pass as well.

// openPostgresTestDB opens a fresh scratch database on the test server with a clock the test
// moves, and returns it with its URL.
func openPostgresTestDB(t *testing.T) (*DB, string, *testClock) {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	db, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &testClock{t: time.Now().UTC()}
	db.now = clock.now
	return db, dsn, clock
}

// pgAdmin is a connection of its own to the database at dsn, outside the store's pool.
func pgAdmin(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// terminate ends the server process of a connection, as a restart or an operator does, and waits
// until it is gone.
func terminate(t *testing.T, admin *pgx.Conn, pid int) {
	t.Helper()
	ctx := context.Background()
	var ok bool
	if err := admin.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend(%d) = %v, %v", pid, ok, err)
	}
	waitUntil(t, "the terminated backend is gone", func() bool {
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
}

func careOffice(name string) *mgz.Organisation {
	return &mgz.Organisation{Kind: mgz.KindCareOffice, Name: name, KvK: "88000001", Address: "Proefweg 1",
		Postcode: "9901 AB", City: "Voorbeeldstad", Phone: "0120 555000", CareOfficeRegion: "Regio Proef"}
}

// organisationsNamed counts the organisations with name, read past the store.
func organisationsNamed(t *testing.T, admin *pgx.Conn, name string) int {
	t.Helper()
	var n int
	if err := admin.QueryRow(context.Background(), "SELECT count(*) FROM organisations WHERE name = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantUnavailable(t *testing.T, what string, err error, words ...string) {
	t.Helper()
	if mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
		t.Fatalf("%s: %v, want storage_unavailable", what, err)
	}
	var e *mgz.Error
	errors.As(err, &e)
	for _, w := range append([]string{"niets opgeslagen"}, words...) {
		if !strings.Contains(e.Message, w) {
			t.Fatalf("%s: message %q does not say %q", what, e.Message, w)
		}
	}
}

// A server that does not answer (nothing listens on its port) is a storage fault with a Dutch
// answer, when mgz starts as well as for a store that was running.
func TestPostgresServerThatDoesNotAnswerIsStorageUnavailable(t *testing.T) {
	server := storetest.ServerDSN(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().String()
	l.Close()
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = closedPort
	_, err = Open(context.Background(), u.String())
	wantUnavailable(t, "Open on a closed port", err, "niet bereikbaar")
}

// tcpProxy forwards connections to a PostgreSQL server; stop makes the server unreachable (every
// connection is cut and nothing listens), start makes it reachable again on the same address.
type tcpProxy struct {
	addr, target string
	mu           sync.Mutex
	l            net.Listener
	conns        map[net.Conn]bool
}

func (p *tcpProxy) start(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.l, p.addr = l, l.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[s] = true, true
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.l.Close()
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// openBehindProxy opens a scratch database through a tcpProxy, with a clock the test moves; it
// returns the database's own URL as well.
func openBehindProxy(t *testing.T) (*DB, string, *tcpProxy, *testClock) {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &tcpProxy{addr: "127.0.0.1:0", target: u.Host, conns: map[net.Conn]bool{}}
	proxy.start(t)
	t.Cleanup(proxy.stop)
	u.Host = proxy.addr
	q := u.Query()
	q.Set("connect_timeout", "5")
	u.RawQuery = q.Encode()
	db, err := Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &testClock{t: time.Now().UTC()}
	db.now = clock.now
	return db, dsn, proxy, clock
}

// A commit whose connection is cut before its answer comes is storage_unavailable with an
// answer that says it is not certain whether the change was stored (the server may have
// committed); the transaction is stored whole or not at all.
func TestPostgresCommitWhoseAnswerIsLostSaysItMayNotBeStored(t *testing.T) {
	db, dsn, proxy, _ := openBehindProxy(t)
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	err := inTx(ctx, db.sql, func(tx *sql.Tx) error {
		for _, p := range []string{"een", "twee"} {
			if _, err := tx.ExecContext(ctx, "INSERT INTO storage_probe (payload) VALUES ($1)", p); err != nil {
				return err
			}
		}
		proxy.stop()
		return nil
	})
	var e *mgz.Error
	if !errors.As(err, &e) || e.Code != mgz.ECodeStorageUnavailable {
		t.Fatalf("a commit whose connection was cut: %v, want storage_unavailable", err)
	}
	if e.Message != pgCommitUnknown {
		t.Fatalf("message %q, want that it is not certain whether the change was stored", e.Message)
	}
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM storage_probe").Scan(&n); err != nil || (n != 0 && n != 2) {
		t.Fatalf("%d of the transaction's 2 rows stored (%v), want all or none", n, err)
	}
}

// A running store whose server goes away answers storage_unavailable to writes and reads and is
// not ready; nothing of the failed change is stored; once the server is back it recovers by
// itself and nothing acknowledged is lost.
func TestPostgresServerGoingAwayIsStorageUnavailableAndRecovers(t *testing.T) {
	db, dsn, proxy, clock := openBehindProxy(t)
	ctx := context.Background()
	admin := pgAdmin(t, dsn)
	before := careOffice("Zorgkantoor Voor")
	if err := db.Register().CreateOrganisation(ctx, before); err != nil {
		t.Fatal(err)
	}
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready with the server up: %v", err)
	}

	proxy.stop()
	wantUnavailable(t, "a change while the server is away", db.Register().CreateOrganisation(ctx, careOffice("Zorgkantoor Tijdens")), "niet bereikbaar")
	_, _, err := db.Register().Organisations(ctx, mgz.OrganisationFilter{})
	wantUnavailable(t, "a list while the server is away", err, "niet bereikbaar")
	if err := db.Ready(ctx); mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
		t.Fatalf("Ready while the server is away: %v, want storage_unavailable", err)
	}

	proxy.start(t)
	clock.advance(time.Minute)
	// A pooled connection cut by the outage may answer one more call with the fault; after that
	// the pool has fresh connections.
	ready := db.Ready(ctx)
	if ready != nil {
		clock.advance(time.Minute)
		ready = db.Ready(ctx)
	}
	if ready != nil {
		t.Fatalf("Ready after the server is back: %v", ready)
	}
	after := careOffice("Zorgkantoor Na")
	if err := db.Register().CreateOrganisation(ctx, after); err != nil {
		t.Fatalf("a change after the server is back: %v", err)
	}
	for name, want := range map[string]int{before.Name: 1, "Zorgkantoor Tijdens": 0, after.Name: 1} {
		if got := organisationsNamed(t, admin, name); got != want {
			t.Errorf("%d organisations %q, want %d", got, name, want)
		}
	}
}

// A connection the server ends between two calls (a restart, pg_terminate_backend) is either
// replaced before the next call (database/sql retries a connection that is known bad) or that
// call answers storage_unavailable; it never stores half a change, and the call after it works.
func TestPostgresConnectionKilledBetweenCallsIsRetriedOrUnavailable(t *testing.T) {
	db, dsn, _ := openPostgresTestDB(t)
	db.sql.SetMaxOpenConns(1) // the next call must use the killed connection, or replace it
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	for i, pause := range []time.Duration{0, 1500 * time.Millisecond} { // pgx pings a connection idle over 1 s
		var pid int
		if err := db.sql.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		terminate(t, admin, pid)
		time.Sleep(pause)
		name := fmt.Sprintf("Zorgkantoor Na Afbreken %d", i)
		o := careOffice(name)
		err := db.Register().CreateOrganisation(ctx, o)
		want := 1
		if err != nil {
			wantUnavailable(t, "a change on a killed connection", err)
			want = 0
		}
		t.Logf("pause %v: the call after the kill returned %v", pause, err)
		if got := organisationsNamed(t, admin, name); got != want {
			t.Fatalf("pause %v: %d organisations stored after %v, want %d", pause, got, err, want)
		}
		if err != nil {
			if err := db.Register().CreateOrganisation(ctx, o); err != nil {
				t.Fatalf("the call after the fault: %v", err)
			}
		}
	}
}

// A transaction whose connection the server ends before the commit leaves nothing, and its
// caller is told storage_unavailable, also when it ignores the fault and commits.
func TestPostgresTransactionWhoseConnectionIsKilledBeforeCommitLeavesNothing(t *testing.T) {
	db, dsn, _ := openPostgresTestDB(t)
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	o := careOffice("Zorgkantoor Proef")
	if err := db.Register().CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	err := inTx(ctx, db.sql, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE organisations SET name = 'Veranderd' WHERE id = $1", o.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO storage_probe (payload) VALUES ($1)", "half"); err != nil {
			return err
		}
		var pid int
		if err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			return err
		}
		terminate(t, admin, pid)
		_, err := tx.ExecContext(ctx, "UPDATE organisations SET phone = '0120 999999' WHERE id = $1", o.ID)
		if mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
			t.Errorf("a statement on the killed connection: %v, want storage_unavailable", err)
		}
		return nil // a careless caller commits anyway
	})
	wantUnavailable(t, "commit on a killed connection", err)
	var probes int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM storage_probe").Scan(&probes); err != nil || probes != 0 {
		t.Fatalf("%d probe rows after the killed transaction (%v), want 0", probes, err)
	}
	got, err := db.Register().Organisation(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != o.Name || got.Phone != o.Phone {
		t.Fatalf("organisation %q %q after the killed transaction, want %q %q unchanged", got.Name, got.Phone, o.Name, o.Phone)
	}
	// The write lock went with the killed transaction: the next writer does not wait for it.
	o.Name = "Zorgkantoor Proef Hernoemd"
	next, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.Register().UpdateOrganisation(next, o); err != nil {
		t.Fatalf("a change after the killed transaction: %v", err)
	}
}

// Ready on PostgreSQL: ready on a writable database; a database that only serves reads (a
// standby, a demoted primary: default_transaction_read_only) is not ready and answers writes
// with storage_unavailable while it serves reads; ready again once writes succeed.
func TestPostgresReadyFollowsWhetherTheDatabaseTakesWrites(t *testing.T) {
	db, dsn, clock := openPostgresTestDB(t)
	ctx := context.Background()
	if err := db.Ready(ctx); err != nil {
		t.Fatalf("Ready on a fresh database: %v", err)
	}
	if err := db.Register().CreateOrganisation(ctx, careOffice("Zorgkantoor Eerst")); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, dsn+"&default_transaction_read_only=on")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	ro.now = clock.now
	err = ro.Ready(ctx)
	wantUnavailable(t, "Ready on a read-only database", err, "alleen gelezen")
	wantUnavailable(t, "a change on a read-only database", ro.Register().CreateOrganisation(ctx, careOffice("Zorgkantoor Later")), "alleen gelezen")
	if list, _, err := ro.Register().Organisations(ctx, mgz.OrganisationFilter{}); err != nil || len(list) != 1 {
		t.Fatalf("a list on a read-only database: %d organisations, %v; want the one stored", len(list), err)
	}
	// The server takes writes again (the failover ended): new transactions may write.
	ro.sql.SetMaxOpenConns(1) // one connection, switched back below
	ro.sql.SetMaxIdleConns(1)
	if _, err := ro.sql.ExecContext(ctx, "SET default_transaction_read_only = off"); err != nil {
		t.Fatal(err)
	}
	if err := ro.Ready(ctx); mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
		t.Fatalf("Ready within the fault window: %v, want storage_unavailable (the probe is not repeated within seconds)", err)
	}
	clock.advance(time.Minute)
	if err := ro.Ready(ctx); err != nil {
		t.Fatalf("Ready once writes succeed again: %v", err)
	}
}

// A statement whose caller leaves stops on the server too (pgx sends a cancel request): it no
// longer runs, a transaction it ran in lets the next writer take the write lock, the connection
// is reused, and the caller's leaving is not counted as a storage fault.
func TestPostgresQueryIsCancelledByItsContext(t *testing.T) {
	for _, inTransaction := range []bool{false, true} {
		t.Run(fmt.Sprintf("in transaction %v", inTransaction), func(t *testing.T) {
			db, dsn, _ := openPostgresTestDB(t)
			admin := pgAdmin(t, dsn)
			db.sql.SetMaxOpenConns(1)
			ctx, cancel := context.WithCancel(context.Background())
			result := make(chan error, 1)
			const sleep = "SELECT pg_sleep(600)"
			go func() {
				if !inTransaction {
					_, err := db.Store().q().ExecContext(ctx, sleep)
					result <- err
					return
				}
				result <- inTx(ctx, db.sql, func(tx *sql.Tx) error {
					_, err := scope{db: db, tx: tx}.q().ExecContext(ctx, sleep)
					return err
				})
			}()
			running := func() int {
				var n int
				if err := admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND state = 'active' AND query = $1`, sleep).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			waitUntil(t, "the statement runs on the server", func() bool { return running() == 1 })
			cancel()
			select {
			case err := <-result:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled statement returned %v, want context.Canceled", err)
				}
				if mgz.ErrorCode(err) == mgz.ECodeStorageUnavailable {
					t.Fatalf("a caller that left counted as a storage fault: %v", err)
				}
			case <-time.After(30 * time.Second): // generous: the cancel request takes milliseconds
				t.Fatal("the cancelled statement is still running")
			}
			waitUntil(t, "the statement stopped on the server", func() bool { return running() == 0 })
			if last := db.health.lastFault.Load(); last != 0 {
				t.Fatal("a cancelled statement was recorded as a storage fault")
			}
			next, stop := context.WithTimeout(context.Background(), 30*time.Second)
			defer stop()
			if err := db.Register().CreateOrganisation(next, careOffice("Zorgkantoor Daarna")); err != nil {
				t.Fatalf("a change after the cancelled statement: %v", err)
			}
			if s := db.sql.Stats(); s.InUse != 0 {
				t.Fatalf("%d connections still in use", s.InUse)
			}
		})
	}
}

// IntegrityCheck on PostgreSQL passes on a database mgz made, and finds a reference that is not
// enforced and a row that refers to nothing.
func TestPostgresIntegrityCheckFindsARowThatRefersToNothing(t *testing.T) {
	db, _, _ := openPostgresTestDB(t)
	ctx := context.Background()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("IntegrityCheck on a fresh database: %v", err)
	}
	o := careOffice("Zorgkantoor Proef")
	o.Kind = mgz.KindCareProvider
	if err := db.Register().CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := db.Register().CreateLocation(ctx, location(o.ID, "Locatie Proef")); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("IntegrityCheck with a provider and its location: %v", err)
	}
	var name string
	if err := db.sql.QueryRowContext(ctx, `SELECT conname FROM pg_constraint
		WHERE contype = 'f' AND conrelid = 'locations'::regclass AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
		WHERE attrelid = 'locations'::regclass AND attname = 'provider_id')]`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	// A restore that skipped the check: the key is dropped, a row refers to nothing, and the key
	// comes back NOT VALID (it does not check the rows it finds).
	for _, stmt := range []string{
		"ALTER TABLE locations DROP CONSTRAINT " + name,
		fmt.Sprintf("UPDATE locations SET provider_id = %d", o.ID+1000),
		fmt.Sprintf("ALTER TABLE locations ADD CONSTRAINT %s FOREIGN KEY (provider_id) REFERENCES organisations (id) NOT VALID", name),
	} {
		if _, err := db.sql.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	err := db.IntegrityCheck(ctx)
	if err == nil || !strings.Contains(err.Error(), "niet bestaan") || !strings.Contains(err.Error(), "locations") {
		t.Fatalf("IntegrityCheck with a location whose provider does not exist: %v, want the table named", err)
	}
	if _, err := db.sql.ExecContext(ctx, "UPDATE locations SET provider_id = $1", o.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err == nil || !strings.Contains(err.Error(), "NOT VALID") || !strings.Contains(err.Error(), name) {
		t.Fatalf("IntegrityCheck with a NOT VALID key: %v, want it named", err)
	}
	if _, err := db.sql.ExecContext(ctx, "ALTER TABLE locations VALIDATE CONSTRAINT "+name); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("IntegrityCheck after the key is validated: %v", err)
	}
	// A schema version this binary does not know is named as well.
	if _, err := db.sql.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)"); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err == nil || !strings.Contains(err.Error(), "schemaversie") {
		t.Fatalf("IntegrityCheck with an older schema version: %v, want it named", err)
	}
}

func TestPostgresErrorsAreClassified(t *testing.T) {
	pg := func(code, severity string) error {
		return fmt.Errorf("statement: %w", &pgconn.PgError{Code: code, Severity: severity, Message: "test"})
	}
	for _, tc := range []struct {
		name  string
		err   error
		fault bool
		gone  bool
	}{
		{"disk full", pg("53100", "ERROR"), true, false},
		{"out of memory", pg("53200", "ERROR"), true, false},
		{"read-only transaction (standby)", pg("25006", "ERROR"), true, false},
		{"terminated by an operator", pg("57P01", "FATAL"), true, true},
		{"crash of another backend", pg("57P02", "FATAL"), true, true},
		{"server starting or stopping", pg("57P03", "FATAL"), true, true},
		{"connection failure", pg("08006", "FATAL"), true, true},
		{"internal error", pg("XX000", "ERROR"), true, false},
		{"data corrupted", pg("XX001", "ERROR"), true, false},
		{"index corrupted", pg("XX002", "ERROR"), true, false},
		{"a statement cancelled (the caller left, statement_timeout)", pg("57014", "ERROR"), false, false},
		{"unique violation is the caller's problem", pg("23505", "ERROR"), false, false},
		{"foreign key violation is the caller's problem", pg("23503", "ERROR"), false, false},
		{"syntax error is a bug", pg("42601", "ERROR"), false, false},
		{"serialization failure is contention", pg("40001", "ERROR"), false, false},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true, true},
		{"connection cut mid-answer", fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF), true, true},
		{"caller left", context.Canceled, false, false},
		{"caller's deadline", fmt.Errorf("timeout: %w", context.DeadlineExceeded), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &health{now: time.Now}
			err := classify(h, dialectPostgres, tc.err)
			fault := mgz.ErrorCode(err) == mgz.ECodeStorageUnavailable
			if fault != tc.fault {
				t.Fatalf("classify(%v) = %v; fault %v, want %v", tc.err, err, fault, tc.fault)
			}
			if fault != (h.lastFault.Load() != 0) {
				t.Fatalf("fault %v, but recorded for readiness: %v", fault, h.lastFault.Load() != 0)
			}
			if fault && tc.name == "data corrupted" && !strings.Contains(err.Error(), "beschadigd") {
				t.Fatalf("corruption answered as %q, want that the database is damaged", err)
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("the driver's error %v is not kept in %v", tc.err, err)
			}
			if got := pgConnectionGone(tc.err); got != tc.gone {
				t.Fatalf("pgConnectionGone(%v) = %v, want %v", tc.err, got, tc.gone)
			}
		})
	}
}

// A statement whose connection the server ends while it runs answers storage_unavailable and
// stores nothing; the next call works on a fresh connection.
func TestPostgresStatementKilledMidwayStoresNothing(t *testing.T) {
	db, dsn, _ := openPostgresTestDB(t)
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	const write = "INSERT INTO storage_probe (payload) SELECT 'halverwege' FROM pg_sleep(600)"
	result := make(chan error, 1)
	go func() {
		_, err := db.Store().q().ExecContext(ctx, write)
		result <- err
	}()
	var pid int
	waitUntil(t, "the statement runs on the server", func() bool {
		err := admin.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
			AND query = $1`, write).Scan(&pid)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatal(err)
		}
		return err == nil
	})
	terminate(t, admin, pid)
	select {
	case err := <-result:
		wantUnavailable(t, "a statement whose connection was ended", err, "niet bereikbaar")
	case <-time.After(30 * time.Second):
		t.Fatal("the statement did not return after its connection was ended")
	}
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM storage_probe").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows stored by the ended statement (%v), want 0", n, err)
	}
	if err := db.Register().CreateOrganisation(ctx, careOffice("Zorgkantoor Daarna")); err != nil {
		t.Fatalf("the call after: %v", err)
	}
}

// A writer waiting for the write lock (another instance holds it) that gives up stops waiting
// on the server too, and its leaving is no storage fault; the lock's holder goes on undisturbed.
func TestPostgresWriterWaitingForTheWriteLockGivesUpCleanly(t *testing.T) {
	db, dsn, _ := openPostgresTestDB(t)
	holder := pgAdmin(t, dsn)
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, takeWriteLock); err != nil {
		t.Fatal(err)
	}
	waiting, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err = db.Register().CreateOrganisation(waiting, careOffice("Zorgkantoor Wachtend"))
	if !errors.Is(err, context.DeadlineExceeded) || mgz.ErrorCode(err) == mgz.ECodeStorageUnavailable {
		t.Fatalf("a writer that gave up waiting for the lock: %v, want context.DeadlineExceeded and no storage fault", err)
	}
	if db.health.lastFault.Load() != 0 {
		t.Fatal("a writer that gave up was recorded as a storage fault")
	}
	waitUntil(t, "no backend waits for the write lock", func() bool {
		var n int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 0
	})
	if _, err := tx.Exec(ctx, "INSERT INTO storage_probe (payload) VALUES ('houder')"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("the lock's holder: %v", err)
	}
	if err := db.Register().CreateOrganisation(ctx, careOffice("Zorgkantoor Daarna")); err != nil {
		t.Fatalf("a writer after the lock is free: %v", err)
	}
	if got := organisationsNamed(t, admin, "Zorgkantoor Wachtend"); got != 0 {
		t.Fatalf("%d organisations stored by the writer that gave up, want 0", got)
	}
}
