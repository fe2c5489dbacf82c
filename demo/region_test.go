package demo_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// fastHashing keeps the tests quick; the demo's own cost is the service's default.
var fastHashing = service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}

// rowCounts counts the rows of every table of the database at path, migrations left out.
func rowCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'schema_migrations'" +
		// The name search index's own tables (FTS5 keeps its configuration row in one from the start).
		" AND name NOT LIKE 'patient_names%'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, tbl := range tables {
		var n int
		if err := raw.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %q", tbl)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[tbl] = n
	}
	return counts
}

func openDB(t *testing.T, path string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// cleanLoad loads the demo region into a fresh database and returns its row counts.
func cleanLoad(t *testing.T) map[string]int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clean.db")
	db := openDB(t, path)
	loaded, err := demo.LoadRegion(context.Background(), db.Store(), fastHashing, nil)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Organisations == 0 || loaded.Locations == 0 || len(loaded.Accounts) != loaded.Organisations || loaded.Clients == 0 || loaded.Checklists == 0 {
		t.Fatalf("clean load is not the whole region: %+v", loaded)
	}
	counts := rowCounts(t, path)
	for _, tbl := range []string{"organisations", "locations", "contact_points", "users", "patients", "audit_log"} {
		if counts[tbl] == 0 {
			t.Fatalf("clean load left %s empty: %v", tbl, counts)
		}
	}
	return counts
}

func TestDemoLoadInterruptedAtAnyStepLeavesNothingAndTheNextStartLoadsItWhole(t *testing.T) {
	want := cleanLoad(t)
	for _, tc := range []struct {
		name string
		at   demo.Step // the load is interrupted right after this part
		fail bool      // by a failure instead of a cancelled context
	}{
		{name: "before anything", at: ""},
		{name: "after the register", at: demo.StepRegister},
		{name: "after the users", at: demo.StepUsers},
		{name: "after the records, before the commit", at: demo.StepRecords},
		{name: "a failure after the register", at: demo.StepRegister, fail: true},
		{name: "a failure after the users", at: demo.StepUsers, fail: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mgz.db")
			db := openDB(t, path)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.at == "" {
				cancel()
			}
			boom := errors.New("the process dies here")
			_, err := demo.LoadRegion(ctx, db.Store(), fastHashing, func(s demo.Step) error {
				if s != tc.at {
					return nil
				}
				if tc.fail {
					return boom
				}
				cancel()
				return nil
			})
			if err == nil {
				t.Fatal("the interrupted load reports success")
			}
			for tbl, n := range rowCounts(t, path) {
				if n != 0 {
					t.Errorf("after the interrupted load %s has %d rows, want 0", tbl, n)
				}
			}
			if _, err := demo.LoadRegion(context.Background(), db.Store(), fastHashing, nil); err != nil {
				t.Fatalf("the next start does not load the region: %v", err)
			}
			got := rowCounts(t, path)
			for tbl, n := range want {
				if got[tbl] != n {
					t.Errorf("after the next start %s has %d rows, a clean load %d", tbl, got[tbl], n)
				}
			}
			if err := db.IntegrityCheck(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDemoRegionLoadsOnlyIntoAnEmptyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mgz.db")
	db := openDB(t, path)
	ctx := context.Background()
	if _, err := demo.LoadRegion(ctx, db.Store(), fastHashing, nil); err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, path)
	if _, err := demo.LoadRegion(ctx, db.Store(), fastHashing, nil); !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("second load: %v, want ErrNotEmpty", err)
	}
	after := rowCounts(t, path)
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("second load changed %s: %d rows, was %d", tbl, after[tbl], n)
		}
	}
}

func TestDemoUsersHaveTheirOwnSalts(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "mgz.db"))
	ctx := context.Background()
	loaded, err := demo.LoadRegion(ctx, db.Store(), fastHashing, nil)
	if err != nil {
		t.Fatal(err)
	}
	salts := map[string]string{}
	hasher := auth.NewHasher(fastHashing.Params)
	for _, a := range loaded.Accounts {
		_, hash, err := db.Store().Accounts().UserByEmail(ctx, a.Email)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(hash, "$") // $argon2id$v=…$m=…,t=…,p=…$salt$key
		if len(parts) != 6 {
			t.Fatalf("%s: unexpected hash form %q", a.Email, hash)
		}
		if other, ok := salts[parts[4]]; ok {
			t.Fatalf("%s and %s share a salt", a.Email, other)
		}
		salts[parts[4]] = a.Email
		if !hasher.Verify(hash, demo.Password) {
			t.Fatalf("%s: the demo password does not open the account", a.Email)
		}
	}
	if len(salts) < 2 {
		t.Fatalf("only %d demo accounts", len(salts))
	}
}
