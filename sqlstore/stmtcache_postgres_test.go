package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// On PostgreSQL pgx keeps every statement the store runs with arguments prepared on its
// connection (QueryExecModeCacheStatement, postgres.go): the server parses and plans it once per
// connection, and after five runs may keep one generic plan for it. These tests guard what that
// must not change: the answers, a statement on a lost connection, and a statement whose table a
// migration changed. They run whenever a test server is set (storetest.PostgresDSN).

// preparedRuns returns how often the connection behind conn ran its prepared statement of query
// with a generic and with a custom plan, and whether it has one.
func preparedRuns(t *testing.T, ctx context.Context, conn *sql.Conn, query string) (generic, custom int64, ok bool) {
	t.Helper()
	// Without arguments pgx sends this in the simple protocol: it is not itself prepared.
	rows, err := conn.QueryContext(ctx, "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		var g, c int64
		if err := rows.Scan(&text, &g, &c); err != nil {
			t.Fatal(err)
		}
		if text == query {
			generic, custom, ok = g, c, true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return generic, custom, ok
}

// A statement run many more than five times, with NULL and with a value in turn, and past the
// point where PostgreSQL may plan it generically, answers as the same statement run fresh: the
// `$1 IS NULL OR col = $1` shape of an optional filter, an IN list, and keyset paging.
func TestPostgresStatementReusedPastTheGenericPlanAnswersAsFresh(t *testing.T) {
	db, _, _ := openPostgresTestDB(t)
	ctx := context.Background()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"CREATE TABLE plan_probe (id BIGINT PRIMARY KEY, grp BIGINT NOT NULL, name TEXT NOT NULL)",
		"CREATE INDEX plan_probe_grp ON plan_probe (grp, id)",
		// Group 0 holds most rows, groups 1..50 a few each: a generic plan sees one average.
		"INSERT INTO plan_probe SELECT i, CASE WHEN i <= 5000 THEN 0 ELSE i % 50 + 1 END, 'n' || lpad(i::text, 5, '0') FROM generate_series(1, 6000) i",
		"ANALYZE plan_probe",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// PostgreSQL types a parameter where it first meets it: `$1 IS NULL OR grp = $1` fails to
	// prepare ("could not determine data type of parameter $1"), so an optional filter casts.
	optional := "SELECT COUNT(*) FROM plan_probe WHERE CAST($1 AS BIGINT) IS NULL OR grp = $1"
	in := "SELECT COUNT(*) FROM plan_probe WHERE grp IN ($1, $2) AND id > $3"
	page := "SELECT id FROM plan_probe WHERE grp = $1 AND id > $2 ORDER BY id LIMIT $3"
	for i := 0; i < 14; i++ {
		var arg any // NULL on even runs
		want := 6000
		if i%2 == 1 {
			arg, want = int64(i%4), 20 // groups 1 and 3: 20 rows each
			if i%4 == 1 {
				arg, want = int64(0), 5000
			}
		}
		var n int
		if err := conn.QueryRowContext(ctx, optional, arg).Scan(&n); err != nil {
			t.Fatalf("run %d of %q with %v: %v", i, optional, arg, err)
		}
		if n != want {
			t.Fatalf("run %d of %q with %v: %d rows, want %d", i, optional, arg, n, want)
		}

		g1, g2, after, wantIn := int64(0), int64(7), int64(100*i), 5000-100*i+20
		if i%2 == 1 {
			g1, g2, after, wantIn = int64(3), int64(4), int64(5000), 40
		}
		if err := conn.QueryRowContext(ctx, in, g1, g2, after).Scan(&n); err != nil {
			t.Fatalf("run %d of %q: %v", i, in, err)
		}
		if n != wantIn {
			t.Fatalf("run %d of %q with %d, %d, %d: %d rows, want %d", i, in, g1, g2, after, n, wantIn)
		}

		// Keyset paging through group 0 (ids 1..5000) and group 2 (ids 5001, 5051, …).
		grp, from, limit := int64(0), int64(10*i), 7
		wantIDs := []int64{}
		for id := from + 1; len(wantIDs) < limit; id++ {
			wantIDs = append(wantIDs, id)
		}
		if i%2 == 1 {
			grp, from, limit = 2, 5001+50*int64(i), 3
			wantIDs = []int64{from + 50, from + 100, from + 150}
		}
		rows, err := conn.QueryContext(ctx, page, grp, from, limit)
		if err != nil {
			t.Fatalf("run %d of %q: %v", i, page, err)
		}
		var got []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
			t.Fatalf("run %d of %q with %d, %d, %d: %v, want %v", i, page, grp, from, limit, got, wantIDs)
		}
	}
	for _, q := range []string{optional, in, page} {
		generic, custom, ok := preparedRuns(t, ctx, conn, q)
		if !ok {
			t.Fatalf("%q is not prepared on its connection: every run was parsed and planned anew", q)
		}
		if generic+custom != 14 {
			t.Fatalf("%q ran %d times prepared (%d generic, %d custom), want 14", q, generic+custom, generic, custom)
		}
		t.Logf("%q: %d generic, %d custom plans", q, generic, custom)
	}
}

// A statement prepared on a connection the server ended is prepared again on the connection that
// replaces it; the call that met the lost connection is retried or answered storage_unavailable.
func TestPostgresPreparedStatementOnALostConnectionIsPreparedAgain(t *testing.T) {
	db, dsn, _ := openPostgresTestDB(t)
	db.sql.SetMaxOpenConns(1)
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	o := careOffice("Zorgkantoor Voorbereid")
	if err := db.Register().CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	const q = "SELECT name FROM organisations WHERE id = $1"
	for i := 0; i < 3; i++ {
		var pid int
		if err := db.sql.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := db.sql.QueryRowContext(ctx, q, o.ID).Scan(&name); err != nil || name != o.Name {
			t.Fatalf("round %d before the kill: %q, %v", i, name, err)
		}
		terminate(t, admin, pid)
		err := db.sql.QueryRowContext(ctx, q, o.ID).Scan(&name)
		if err != nil {
			wantUnavailable(t, "a prepared statement on a killed connection", err)
			err = db.sql.QueryRowContext(ctx, q, o.ID).Scan(&name)
		}
		if err != nil || name != o.Name {
			t.Fatalf("round %d after the kill: %q, %v", i, name, err)
		}
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, _, ok := preparedRuns(t, ctx, conn, q)
		conn.Close()
		if !ok {
			t.Fatalf("round %d: the statement is not prepared on the new connection", i)
		}
	}
}

// A statement prepared before a migration changed the table it reads still runs after it: a
// change the server can plan around is planned again by the server, and one that changes the
// shape of the rows (a column's type) makes pgx prepare the statement again.
func TestPostgresPreparedStatementAfterASchemaChangeStillRuns(t *testing.T) {
	db, dsn, _ := openPostgresTestDB(t)
	db.sql.SetMaxOpenConns(1) // the statement stays prepared on the one connection the migration meets
	admin := pgAdmin(t, dsn)
	ctx := context.Background()
	if _, err := db.sql.ExecContext(ctx, "CREATE TABLE shape_probe (id BIGINT PRIMARY KEY, v INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, "INSERT INTO shape_probe (id, v) VALUES ($1, $2)", 1, 42); err != nil {
		t.Fatal(err)
	}
	const q = "SELECT v FROM shape_probe WHERE id = $1"
	read := func(what string) string {
		t.Helper()
		var v string
		if err := db.sql.QueryRowContext(ctx, q, 1).Scan(&v); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	for i := 0; i < 7; i++ {
		read("before the migrations")
	}
	for _, m := range []struct{ sql, want string }{
		{"ALTER TABLE shape_probe ADD COLUMN w TEXT", "42"},
		{"CREATE INDEX shape_probe_v ON shape_probe (v)", "42"},
		{"ALTER TABLE shape_probe ALTER COLUMN v TYPE TEXT USING 'x' || v::text", "x42"},
		{"ALTER TABLE shape_probe ALTER COLUMN v TYPE BIGINT USING 7", "7"},
	} {
		if _, err := admin.Exec(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.sql, err)
		}
		for i := 0; i < 3; i++ {
			if got := read("after " + m.sql); got != m.want {
				t.Fatalf("after %s: %q, want %q", m.sql, got, m.want)
			}
		}
	}
}

// openSimpleProtocol opens a scratch PostgreSQL database through a URL that chooses pgx's simple
// protocol, as behind a pooler in transaction mode; it is closed when the test ends.
func openSimpleProtocol(t *testing.T) *DB {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := Open(context.Background(), dsn+sep+"default_query_exec_mode=simple_protocol")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A URL that chooses pgx's simple protocol (for a pooler in transaction mode, which keeps no
// prepared statements between transactions) keeps it: nothing is prepared on the server.
func TestPostgresURLThatChoosesTheSimpleProtocolPreparesNothing(t *testing.T) {
	db := openSimpleProtocol(t)
	ctx := context.Background()
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const q = "SELECT COUNT(*) FROM organisations WHERE id = $1"
	for i := 0; i < 3; i++ {
		var n int
		if err := conn.QueryRowContext(ctx, q, 1).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%q: %d, %v", q, n, err)
		}
	}
	if _, _, ok := preparedRuns(t, ctx, conn, q); ok {
		t.Fatalf("%q is prepared on the server although the URL chose the simple protocol", q)
	}
}

// Arguments reach a prepared statement's parameters as the simple protocol wrote them into the
// SQL: a Go number for a text parameter (a TEXT column, `SELECT $1`) in decimal, a numeric string
// for an integer parameter parsed, a bool as 0 or 1, nil as NULL.
func TestPostgresArgumentsAreWrittenAsTheSimpleProtocolWroteThem(t *testing.T) {
	db, _, _ := openPostgresTestDB(t)
	ctx := context.Background()
	if _, err := db.sql.ExecContext(ctx, "CREATE TABLE arg_probe (k INTEGER NOT NULL, i BIGINT, s TEXT)"); err != nil {
		t.Fatal(err)
	}
	for k, c := range []struct {
		col  string
		arg  any
		want string
	}{
		{"s", int64(42), "42"},
		{"s", 7, "7"},
		{"s", -1.5, "-1.5"},
		{"s", 2.0, "2"},
		{"s", true, "1"},
		{"s", "tekst", "tekst"},
		{"s", []byte("bytes"), "bytes"},
		{"i", "42", "42"},
		{"i", false, "0"},
		{"i", int64(-9007199254740993), "-9007199254740993"},
		{"i", nil, "NULL"},
	} {
		for run := 0; run < 7; run++ { // past the fifth run, when a statement may be planned generically
			q := "INSERT INTO arg_probe (k, " + c.col + ") VALUES ($1, $2)"
			if _, err := db.sql.ExecContext(ctx, q, k, c.arg); err != nil {
				t.Fatalf("%s with %T %v: %v", q, c.arg, c.arg, err)
			}
		}
		var got string
		q := "SELECT COALESCE(CAST(" + c.col + " AS TEXT), 'NULL') FROM arg_probe WHERE k = $1 LIMIT 1"
		if err := db.sql.QueryRowContext(ctx, q, k).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Fatalf("%T %v into column %s: stored %q, want %q", c.arg, c.arg, c.col, got, c.want)
		}
	}
	var n int
	if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM arg_probe WHERE s = $1", 42).Scan(&n); err != nil || n != 7 {
		t.Fatalf("text column compared to a Go int: %d rows, %v; want 7", n, err)
	}
	var echo string
	if err := db.sql.QueryRowContext(ctx, "SELECT $1", 12).Scan(&echo); err != nil || echo != "12" {
		t.Fatalf("SELECT $1 with a Go int: %q, %v", echo, err)
	}
}
