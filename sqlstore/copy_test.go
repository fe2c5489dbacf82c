package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

func TestReferencesFirstOrdersEveryTableAfterTheTablesItRefersTo(t *testing.T) {
	cases := []struct {
		name    string
		tables  []string
		refers  map[string][]string
		want    []string
		wantErr string
	}{
		{name: "no references: alphabetical", tables: []string{"c", "a", "b"}, want: []string{"a", "b", "c"}},
		{name: "a chain", tables: []string{"a", "b", "c"}, refers: map[string][]string{"a": {"b"}, "b": {"c"}}, want: []string{"c", "b", "a"}},
		{name: "two parents", tables: []string{"patients", "locations", "organisations"},
			refers: map[string][]string{"patients": {"locations", "organisations"}, "locations": {"organisations"}},
			want:   []string{"organisations", "locations", "patients"}},
		{name: "a reference outside the tables is ignored", tables: []string{"a"}, refers: map[string][]string{"a": {"schema_migrations"}}, want: []string{"a"}},
		{name: "a cycle is refused", tables: []string{"a", "b", "c"}, refers: map[string][]string{"a": {"b"}, "b": {"a"}}, wantErr: "a, b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := referencesFirst(c.tables, c.refers)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("referencesFirst = %v, %v; want an error naming %s", got, err, c.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("referencesFirst = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestToColumnTypeGivesAStrayValueTheTargetColumnsType(t *testing.T) {
	cases := []struct {
		in      any
		typ     string
		want    any
		wantErr bool
	}{
		{int64(7), "bigint", int64(7), false},
		{"42", "bigint", int64(42), false},
		{float64(3), "bigint", int64(3), false},
		{float64(3.5), "bigint", nil, true},
		{"drie", "bigint", nil, true},
		{"tekst", "text", "tekst", false},
		{[]byte("tekst"), "text", "tekst", false},
		{int64(12), "text", "12", false},
		{[]byte{0, 1}, "bytea", []byte{0, 1}, false},
		{"ab", "bytea", []byte("ab"), false},
		{nil, "bigint", nil, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%T %v as %s", c.in, c.in, c.typ), func(t *testing.T) {
			got, err := toColumnType(c.in, c.typ)
			if (err != nil) != c.wantErr || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("toColumnType = %#v, %v; want %#v (error %v)", got, err, c.want, c.wantErr)
			}
		})
	}
}

func TestRowDigestIgnoresOrderButSeesEveryChange(t *testing.T) {
	rows := [][]any{{int64(1), "a", nil}, {int64(2), "b", []byte{1}}, {int64(3), "c", int64(0)}}
	digest := func(rs ...[]any) rowDigest {
		var d rowDigest
		for _, r := range rs {
			d.add(r)
		}
		return d
	}
	base := digest(rows...)
	if got := digest(rows[2], rows[0], rows[1]); got != base {
		t.Fatal("the same rows in another order give another digest")
	}
	for name, other := range map[string]rowDigest{
		"a row missing":          digest(rows[0], rows[1]),
		"a value changed":        digest(rows[0], rows[1], []any{int64(3), "c", int64(1)}),
		"NULL for an empty text": digest(rows[0], rows[1], []any{int64(3), "c", ""}),
		"text for a number":      digest(rows[0], rows[1], []any{int64(3), "c", "0"}),
		"an extra row":           digest(append(rows, []any{int64(4), "d", nil})...),
	} {
		if other == base {
			t.Errorf("%s: same digest", name)
		}
	}
}

// copySource opens a SQLite store with a small region (locations, clients, reports, derived
// counts) and a chain of audit entries.
func copySourceDB(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	src, err := Open(ctx, filepath.Join(t.TempDir(), "bron.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	seedRegion(t, src, 40)
	for i := 0; i < 25; i++ {
		if err := src.Store().AuditLog().Append(ctx, &mgz.AuditEntry{UserID: 1, UserEmail: "beheer@voorbeeld.test", Action: mgz.AuditUpdate,
			ObjectType: "location", ObjectID: int64(i + 1), Outcome: mgz.OutcomeAllowed}); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// openCopyTarget opens an empty PostgreSQL store (skipped without a server, failing under CI).
func openCopyTarget(t *testing.T) *DB {
	t.Helper()
	dst, err := Open(context.Background(), storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dst.Close() })
	return dst
}

// tableCounts counts the rows of every data table of the target.
func tableCounts(t *testing.T, db *DB, tables []string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tbl := range tables {
		var n int64
		if err := db.sql.QueryRow("SELECT COUNT(*) FROM " + sqliteIdent(tbl)).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		out[tbl] = n
	}
	return out
}

func TestCopyToMovesEveryRowWithItsIdAndNewRowsGetFreshIds(t *testing.T) {
	ctx := context.Background()
	dst := openCopyTarget(t)
	src := copySourceDB(t)
	// A trigger of the target's own would fire for every copied row: the copy switches it off and
	// on again.
	for _, stmt := range []string{
		`CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'trigger fired'; END $$`,
		`CREATE TRIGGER refuse_patients BEFORE INSERT ON patients FOR EACH ROW EXECUTE FUNCTION refuse_insert()`,
	} {
		if _, err := dst.sql.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	before, err := readPostgresCatalogue(ctx, dst.sql)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.indexes) == 0 {
		t.Fatal("the target has no indexes to drop and build again")
	}
	var stages []CopyStage
	res, err := src.CopyTo(ctx, dst, func(p CopyProgress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	})
	if err != nil {
		t.Fatalf("CopyTo: %v", err)
	}
	if want := []CopyStage{CopyCounting, CopyAudit, CopyRows, CopyIndexes, CopyVerifying, CopyAudit, CopyAnalyzing}; !reflect.DeepEqual(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	if res.AuditEntries != 25 {
		t.Errorf("AuditEntries = %d, want 25", res.AuditEntries)
	}
	// After the commit the planner has statistics of the copied rows (VACUUM (ANALYZE)).
	var analyzed bool
	if err := dst.sql.QueryRowContext(ctx, "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'patients'").Scan(&analyzed); err != nil {
		t.Fatal(err)
	}
	if res.AnalyzeErr != nil || !analyzed {
		t.Errorf("the copied patients were not vacuumed and analysed (%v)", res.AnalyzeErr)
	}
	var tables []string
	var rows int64
	for _, tc := range res.Tables {
		tables = append(tables, tc.Name)
		rows += tc.Rows
	}
	if rows != res.Rows || rows == 0 {
		t.Errorf("Rows = %d, tables sum to %d", res.Rows, rows)
	}
	for _, derived := range []string{"location_stats", "patient_parties", "patient_party_counts", "patients", "audit_log"} {
		if !strings.Contains(" "+strings.Join(tables, " ")+" ", " "+derived+" ") {
			t.Errorf("table %s was not copied (copied: %v)", derived, tables)
		}
	}
	srcCounts, dstCounts := tableCounts(t, src, tables), tableCounts(t, dst, tables)
	if !reflect.DeepEqual(srcCounts, dstCounts) {
		t.Errorf("counts differ:\nsource %v\ntarget %v", srcCounts, dstCounts)
	}
	if srcCounts["patients"] == 0 || srcCounts["location_stats"] == 0 || srcCounts["patient_parties"] == 0 {
		t.Fatalf("the seeded region is empty: %v", srcCounts)
	}
	for _, q := range []string{
		"SELECT COALESCE(SUM(registered + unregistered + open_reports + met), 0) FROM location_stats",
		"SELECT COALESCE(SUM(relations), 0) FROM patient_parties",
		"SELECT COALESCE(MAX(id), 0) FROM patients",
	} {
		var a, b int64
		if err := src.sql.QueryRow(q).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := dst.sql.QueryRow(q).Scan(&b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s: source %d, target %d", q, a, b)
		}
	}
	var enabled string
	if err := dst.sql.QueryRow("SELECT tgenabled FROM pg_trigger WHERE tgname = 'refuse_patients'").Scan(&enabled); err != nil || enabled != "O" {
		t.Errorf("the target's trigger after the copy: %q, %v; want it enabled again (O)", enabled, err)
	}
	if n, err := dst.Store().AuditLog().Verify(ctx); err != nil || n != 25 {
		t.Fatalf("audit chain on the target: %d entries, %v", n, err)
	}
	after, err := readPostgresCatalogue(ctx, dst.sql)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.indexes, before.indexes) || !reflect.DeepEqual(after.triggers, before.triggers) ||
		!reflect.DeepEqual(after.foreignKeys, before.foreignKeys) || len(before.foreignKeys) == 0 {
		t.Errorf("indexes, triggers or foreign keys changed by the copy:\nbefore %v %v %v\nafter  %v %v %v",
			before.indexes, before.triggers, before.foreignKeys, after.indexes, after.triggers, after.foreignKeys)
	}

	// New rows continue after the copied ids, and the audit chain after the copied head.
	var maxOrg, newOrg int64
	if err := src.sql.QueryRow("SELECT MAX(id) FROM organisations").Scan(&maxOrg); err != nil {
		t.Fatal(err)
	}
	org := practice("Nieuwe praktijk", "01999999")
	if err := dst.Register().CreateOrganisation(ctx, org); err != nil {
		t.Fatalf("an organisation after the copy: %v", err)
	}
	if newOrg = org.ID; newOrg != maxOrg+1 {
		t.Errorf("new organisation id %d, want %d", newOrg, maxOrg+1)
	}
	if err := dst.Store().AuditLog().Append(ctx, &mgz.AuditEntry{UserID: 1, UserEmail: "beheer@voorbeeld.test", Action: mgz.AuditCreate,
		ObjectType: "organisation", ObjectID: newOrg, Outcome: mgz.OutcomeAllowed}); err != nil {
		t.Fatalf("an audit entry after the copy: %v", err)
	}
	if n, err := dst.Store().AuditLog().Verify(ctx); err != nil || n != 26 {
		t.Fatalf("audit chain after a new entry: %d entries, %v", n, err)
	}

	// A second copy is refused before anything is read or written.
	_, err = src.CopyTo(ctx, dst, nil)
	var notEmpty *TargetNotEmptyError
	if !errors.As(err, &notEmpty) {
		t.Fatalf("second copy: %v, want a TargetNotEmptyError", err)
	}
}

func TestCopyToThatIsInterruptedLeavesTheTargetEmpty(t *testing.T) {
	dst := openCopyTarget(t)
	src := copySourceDB(t)
	if _, err := dst.sql.Exec(`CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
		CREATE TRIGGER noop_patients BEFORE INSERT ON patients FOR EACH ROW EXECUTE FUNCTION noop()`); err != nil {
		t.Fatal(err)
	}
	before, err := readPostgresCatalogue(context.Background(), dst.sql)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	copied := 0
	_, err = src.CopyTo(ctx, dst, func(p CopyProgress) {
		// Interrupted in the middle: after patients, with tables copied before and after it.
		if p.Stage == CopyRows && p.Table == "patients" && p.TableDone == p.TableRows {
			copied = int(p.Done)
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted copy: %v, want context.Canceled", err)
	}
	if copied == 0 {
		t.Fatal("the copy was not interrupted in the middle")
	}
	cat, err := readPostgresCatalogue(context.Background(), dst.sql)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkEmpty(context.Background(), dst.sql, cat.order); err != nil {
		t.Fatalf("after %d rows and an interruption: %v", copied, err)
	}
	if !reflect.DeepEqual(cat.triggers, before.triggers) || !reflect.DeepEqual(cat.indexes, before.indexes) || !reflect.DeepEqual(cat.foreignKeys, before.foreignKeys) {
		t.Errorf("triggers and indexes after the interruption: %v %v, want those before it: %v %v", cat.triggers, cat.indexes, before.triggers, before.indexes)
	}
	// The next attempt copies everything.
	if _, err := src.CopyTo(context.Background(), dst, nil); err != nil {
		t.Fatalf("copy after the interruption: %v", err)
	}
}

func TestCopyToRefusesASourceWithABrokenAuditChain(t *testing.T) {
	dst := openCopyTarget(t)
	src := copySourceDB(t)
	if _, err := src.sql.Exec("UPDATE audit_log SET outcome = 'denied' WHERE id = 7"); err != nil {
		t.Fatal(err)
	}
	_, err := src.CopyTo(context.Background(), dst, nil)
	if err == nil || !strings.Contains(err.Error(), "regel 7") {
		t.Fatalf("copy of a tampered source: %v, want the broken row named", err)
	}
	cat, err := readPostgresCatalogue(context.Background(), dst.sql)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkEmpty(context.Background(), dst.sql, cat.order); err != nil {
		t.Fatal(err)
	}
}

func TestCopyToNeedsSQLiteToPostgres(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.CopyTo(ctx, b, nil); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("SQLite to SQLite: %v, want a refusal", err)
	}
}

func TestCopyToRefusesARowThatRefersToNothing(t *testing.T) {
	dst := openCopyTarget(t)
	src := copySourceDB(t)
	// A row SQLite would refuse with its foreign key checks on: written without them.
	path := filepath.Join(t.TempDir(), "los.db")
	if _, err := src.sql.Exec("VACUUM INTO $1", path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO location_deliveries (location_id, delivery) VALUES (999999, 'pgb')"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	broken, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer broken.Close()
	_, err = broken.CopyTo(context.Background(), dst, nil)
	if err == nil || !strings.Contains(err.Error(), "location_deliveries") {
		t.Fatalf("copy of a row referring to nothing: %v, want location_deliveries named", err)
	}
	cat, err := readPostgresCatalogue(context.Background(), dst.sql)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkEmpty(context.Background(), dst.sql, cat.order); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCopyToPostgres moves a region of 500 locations and 4,000 clients (about 30,000 rows
// with the derived tables) into an empty PostgreSQL store per iteration; rows/s is the figure to
// compare (mgz migrate-store on the national set is measured in the README).
func BenchmarkCopyToPostgres(b *testing.B) {
	ctx := context.Background()
	storetest.ServerDSN(b)
	src, err := Open(ctx, filepath.Join(b.TempDir(), "bron.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	seedRegion(b, src, 500)
	var rows int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dst, err := Open(ctx, storetest.PostgresDSN(b))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := src.CopyTo(ctx, dst, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += res.Rows
		b.StopTimer()
		dst.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
