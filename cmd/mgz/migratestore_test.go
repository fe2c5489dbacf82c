package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// fastHashing keeps password hashing of the demo accounts cheap in tests.
var fastHashing = service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}

// demoRegionFile loads the demo region into a new SQLite file and returns its path.
func demoRegionFile(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "regio.db")
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.LoadRegion(ctx, db.Store(), fastHashing, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// postgresTables lists the data tables of the PostgreSQL database at dsn.
func postgresTables(t *testing.T, pg *sql.DB) []string {
	t.Helper()
	rows, err := pg.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
		AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// countRows counts the rows of each table in db.
func countRows(t *testing.T, db *sql.DB, tables []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tbl := range tables {
		var n int
		if err := db.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %q", tbl)).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		out[tbl] = n
	}
	return out
}

func openRaw(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateStoreMovesTheDemoRegionToPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	src := demoRegionFile(t)

	env, out, errb := testEnv(nil)
	if code := run(ctx, env, []string{"migrate-store", "--from", src, "--to", dsn}); code != 0 {
		t.Fatalf("migrate-store: exit %d\n%s%s", code, out, errb)
	}
	for _, want := range []string{"Tabellen kopiëren", "patients", "totaal 100%", "De kopie vergelijken met de bron", "hashketen van het auditlog in de kopie"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, errb)
		}
	}
	if !strings.Contains(out.String(), "Regio verhuisd naar PostgreSQL") {
		t.Errorf("report: %s", out)
	}

	// Every table has the source's rows.
	pg := openRaw(t, "pgx", dsn)
	tables := postgresTables(t, pg)
	want, got := countRows(t, openRaw(t, "sqlite", src), tables), countRows(t, pg, tables)
	for _, tbl := range tables {
		if want[tbl] != got[tbl] {
			t.Errorf("table %s: %d rows in SQLite, %d in PostgreSQL", tbl, want[tbl], got[tbl])
		}
	}
	if got["patients"] == 0 || got["audit_log"] == 0 || got["location_stats"] == 0 || got["patient_parties"] == 0 {
		t.Fatalf("the demo region did not arrive: %v", got)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("Auditlog in orde: %d regels", want["audit_log"])) {
		t.Errorf("report does not name %d audit entries: %s", want["audit_log"], out)
	}

	// mgz runs on the copy: the audit chain verifies, and a change through the service gets a
	// fresh id and extends the chain.
	dst, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if n, err := dst.Store().AuditLog().Verify(ctx); err != nil || n != want["audit_log"] {
		t.Fatalf("audit chain on PostgreSQL: %d entries, %v; want %d", n, err, want["audit_log"])
	}
	var maxID int64
	if err := pg.QueryRow("SELECT MAX(id) FROM organisations").Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	svc := service.New(dst.Store(), fastHashing)
	org := mgz.Organisation{Kind: mgz.KindGPPractice, Name: "Praktijk na de verhuizing", AGB: "01888888", KvK: "12345678",
		Address: "Dorpsstraat 1", Postcode: "1234 AB", City: "Voorbeeld", Phone: "030-1234567", CareOfficeRegion: "Voorbeeld"}
	if err := svc.Register(service.System()).CreateOrganisation(ctx, &org); err != nil {
		t.Fatalf("a new organisation after the move: %v", err)
	}
	if org.ID != maxID+1 {
		t.Errorf("new organisation got id %d, want %d (after the copied ones)", org.ID, maxID+1)
	}
	if n, err := dst.Store().AuditLog().Verify(ctx); err != nil || n <= want["audit_log"] {
		t.Fatalf("audit chain after a change on PostgreSQL: %d entries, %v", n, err)
	}

	// A second move into the same database is refused, and says what to do.
	env, out, errb = testEnv(nil)
	if code := run(ctx, env, []string{"migrate-store", "--from", src, "--to", dsn}); code != 1 {
		t.Fatalf("second migrate-store: exit %d, want 1\n%s%s", code, out, errb)
	}
	if msg := errb.String(); !strings.Contains(msg, "niet leeg") || !strings.Contains(msg, "createdb") {
		t.Errorf("refusal does not explain: %s", msg)
	}
	if after := countRows(t, pg, []string{"organisations"}); after["organisations"] != got["organisations"]+1 {
		t.Errorf("the refused move changed the target: %d organisations", after["organisations"])
	}
}

// cancelOn is a stderr that cancels a context once the output contains a text.
type cancelOn struct {
	mu     sync.Mutex
	buf    strings.Builder
	text   string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.text) {
		c.cancel()
	}
	return len(p), nil
}

func (c *cancelOn) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

func TestMigrateStoreInterruptedLeavesTheTargetEmpty(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	src := demoRegionFile(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C (main cancels the context) right after the clients are copied: tables before and
	// after them in the order.
	env, out, _ := testEnv(nil)
	stderr := &cancelOn{text: "  patients ", cancel: cancel}
	env.stderr = stderr
	if code := run(ctx, env, []string{"migrate-store", "--from", src, "--to", dsn}); code != 1 {
		t.Fatalf("interrupted migrate-store: exit %d, want 1\n%s%s", code, out, stderr)
	}
	if msg := stderr.String(); !strings.Contains(msg, "afgebroken") || !strings.Contains(msg, "leeg") {
		t.Errorf("interruption not explained: %s", msg)
	}
	pg := openRaw(t, "pgx", dsn)
	for tbl, n := range countRows(t, pg, postgresTables(t, pg)) {
		if n != 0 {
			t.Errorf("table %s has %d rows after the interrupted move", tbl, n)
		}
	}
	env, out, errb := testEnv(nil)
	if code := run(context.Background(), env, []string{"migrate-store", "--from", src, "--to", dsn}); code != 0 {
		t.Fatalf("move after the interruption: exit %d\n%s%s", code, out, errb)
	}
}

func TestMigrateStoreRejectsWrongArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{"--from", "regio.db"}, "--to"},
		{"a file as target", []string{"--from", "regio.db", "--to", "ander.db"}, "PostgreSQL-adres"},
		{"PostgreSQL as source", []string{"--from", "postgres://mgz@localhost/a", "--to", "postgres://mgz@localhost/b"}, "SQLite-bestand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, _, errb := testEnv(nil)
			if code := run(context.Background(), env, append([]string{"migrate-store"}, c.args...)); code != 2 {
				t.Fatalf("exit %d, want 2: %s", code, errb)
			}
			if !strings.Contains(errb.String(), c.want) {
				t.Errorf("message %q does not mention %q", errb, c.want)
			}
		})
	}
	env, _, errb := testEnv(nil)
	if code := run(context.Background(), env, []string{"migrate-store", "--from", filepath.Join(t.TempDir(), "bestaat-niet.db"), "--to", "postgres://mgz@localhost/x"}); code != 1 ||
		!strings.Contains(errb.String(), "niet gevonden") {
		t.Errorf("a missing source: exit %d, %s", code, errb)
	}
}
