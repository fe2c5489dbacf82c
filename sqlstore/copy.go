package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Moving a region from its SQLite file to PostgreSQL (mgz migrate-store) copies every table as it
// is, with the same ids, in one transaction on the target: a copy that fails or is interrupted
// leaves the target as empty as it was. The derived tables (location_stats, patient_parties,
// patient_party_counts) are copied as they are too, with the target's own triggers switched off
// for the copy: the source's triggers kept them in step, and letting the target derive them again
// row by row would cost a trigger run per copied client. For speed the rows stream in with COPY,
// and the indexes and foreign keys no constraint needs during the copy are dropped and made again
// afterwards, in the same transaction. What was copied is then checked inside that transaction:
// every foreign key holds (checked as it is added again), every table has the source's number of
// rows and the same rows (a digest of each table's rows on both sides), and the audit log's hash
// chain verifies on the target.

// CopyStage is the part of a copy that a CopyProgress reports on.
type CopyStage int

const (
	// CopyCounting: the source's rows are counted and its audit chain checked, before anything
	// is written.
	CopyCounting CopyStage = iota
	// CopyRows: the rows of Table are being copied.
	CopyRows
	// CopyVerifying: the copy of Table is being compared with the source.
	CopyVerifying
	// CopyAudit: the audit log's hash chain is being verified on the target.
	CopyAudit
	// CopyIndexes: the target's indexes and foreign keys, dropped for the copy, are being made
	// again (Table names the table).
	CopyIndexes
	// CopyAnalyzing: after the commit, the target's planner statistics and visibility map are
	// brought up to date (VACUUM (ANALYZE)), as after any bulk load.
	CopyAnalyzing
)

// CopyProgress reports how far a copy is, for a progress display.
type CopyProgress struct {
	Stage CopyStage
	// Table is the table being copied or verified.
	Table string
	// TableDone of TableRows rows of Table are copied (CopyRows) or verified (CopyVerifying).
	TableDone, TableRows int64
	// Done of Total rows of all tables are copied (CopyRows) or verified (CopyVerifying).
	Done, Total int64
}

// TableCopy is one copied table and its number of rows, equal on both sides.
type TableCopy struct {
	Name string
	Rows int64
}

// CopyResult describes a completed copy.
type CopyResult struct {
	// Tables in the order they were copied (referenced tables before the tables that refer to them).
	Tables []TableCopy
	// Rows is the number of rows copied over all tables.
	Rows int64
	// AuditEntries is the number of audit log entries whose chain verified on the target.
	AuditEntries int
	// AnalyzeErr is set when VACUUM (ANALYZE) failed after the copy was committed: the copy is
	// complete, but until autovacuum has run the planner knows nothing about the new rows.
	AnalyzeErr error
}

// TargetNotEmptyError refuses a copy into a database that already holds data.
type TargetNotEmptyError struct {
	// Table is the first table found with rows.
	Table string
}

func (e *TargetNotEmptyError) Error() string {
	return fmt.Sprintf("de doeldatabase is niet leeg (de tabel %s bevat al gegevens): migrate-store schrijft alleen in een lege database, "+
		"zodat er niets wordt overschreven of vermengd. Maak een nieuwe, lege PostgreSQL-database aan "+
		"(bijvoorbeeld: createdb -O mgz mgz_nieuw) en geef die op met --to, of maak deze database eerst leeg als u zeker weet dat de gegevens weg mogen", e.Table)
}

// copyReportEvery is how many rows pass between two progress reports of one table.
const copyReportEvery = 10000

// CopyTo copies every row of db, a SQLite store, into dst, an empty PostgreSQL store at the same
// schema version, in one transaction on dst; progress (may be nil) is called as the copy goes on,
// from one goroutine at a time. The source is read in one snapshot: changes made to it meanwhile
// are not copied (stop mgz on the source before moving a region). When CopyTo returns an error,
// dst holds nothing of the copy.
func (db *DB) CopyTo(ctx context.Context, dst *DB, progress func(CopyProgress)) (CopyResult, error) {
	if progress == nil {
		progress = func(CopyProgress) {}
	}
	if db.dialect != dialectSQLite || dst.dialect != dialectPostgres {
		return CopyResult{}, errors.New("migrate-store kopieert van een SQLite-bestand naar een PostgreSQL-database: geef het bestand met --from en een postgres://-adres met --to")
	}
	srcVersion, err := db.SchemaVersion(ctx)
	if err != nil {
		return CopyResult{}, err
	}
	dstVersion, err := dst.SchemaVersion(ctx)
	if err != nil {
		return CopyResult{}, err
	}
	if srcVersion != dstVersion {
		return CopyResult{}, fmt.Errorf("de bron heeft schemaversie %d en het doel %d: open beide met dezelfde versie van mgz", srcVersion, dstVersion)
	}

	target, err := readPostgresCatalogue(ctx, dst.sql)
	if err != nil {
		return CopyResult{}, err
	}
	// Refused at once, before the source is read; checked again inside the copy's transaction.
	if err := checkEmpty(ctx, dst.sql, target.order); err != nil {
		return CopyResult{}, err
	}
	// The source is read in one snapshot (a deferred read transaction), so the counts, the audit
	// chain and the rows copied are of one moment.
	srcTx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return CopyResult{}, fmt.Errorf("bron lezen: %w", err)
	}
	defer srcTx.Rollback()
	withoutRowid, err := checkSourceTables(ctx, srcTx, target)
	if err != nil {
		return CopyResult{}, err
	}
	var total int64
	counts := map[string]int64{}
	for _, t := range target.order {
		progress(CopyProgress{Stage: CopyCounting, Table: t})
		var n int64
		if err := srcTx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+sqliteIdent(t)).Scan(&n); err != nil {
			return CopyResult{}, fmt.Errorf("rijen van %s in de bron tellen: %w", t, err)
		}
		counts[t] = n
		total += n
	}
	progress(CopyProgress{Stage: CopyAudit, Table: "audit_log"})
	if _, err := (&AuditLog{scope{db: db, tx: srcTx}}).Verify(ctx); err != nil {
		return CopyResult{}, fmt.Errorf("het auditlog van de bron is niet in orde, daarom is er niets gekopieerd (controleer de bron met mgz audit verify): %w", err)
	}

	conn, err := dst.sql.Conn(ctx)
	if err != nil {
		return CopyResult{}, fmt.Errorf("verbinding met de doeldatabase: %w", err)
	}
	defer conn.Close()
	// BeginTx takes mgz's write lock (writeLockKey): mgz instances on the target wait.
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return CopyResult{}, fmt.Errorf("transactie op de doeldatabase starten: %w", err)
	}
	defer tx.Rollback()
	c := &tableCopier{ctx: ctx, src: srcTx, conn: conn, tx: tx, target: target, withoutRowid: withoutRowid,
		counts: counts, total: total, progress: progress}
	res, err := c.run(dst)
	if err != nil {
		return CopyResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return CopyResult{}, fmt.Errorf("kopie vastleggen: %w", err)
	}
	// Without statistics PostgreSQL plans the first queries on the new rows blind (a national
	// region's lists by sequential scans), and index-only scans visit the table until the
	// visibility map is set: both wait for autovacuum otherwise. VACUUM runs outside a transaction.
	progress(CopyProgress{Stage: CopyAnalyzing})
	if _, err := conn.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
		res.AnalyzeErr = err
	}
	return res, nil
}

// tableCopier copies and verifies the tables inside the target's transaction.
type tableCopier struct {
	ctx    context.Context
	src    *sql.Tx
	conn   *sql.Conn
	tx     *sql.Tx
	target *pgCatalogue
	// withoutRowid are the source's tables without a rowid.
	withoutRowid map[string]bool
	counts       map[string]int64
	total        int64
	done         int64
	progress     func(CopyProgress)
}

func (c *tableCopier) run(dst *DB) (CopyResult, error) {
	ctx, tx := c.ctx, c.tx
	// Nobody writes the target's tables while the copy runs, not even outside mgz's write lock;
	// readers go on (and see nothing until the commit).
	quoted := make([]string, len(c.target.order))
	for i, t := range c.target.order {
		quoted[i] = pgIdent(t)
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+strings.Join(quoted, ", ")+" IN EXCLUSIVE MODE"); err != nil {
		return CopyResult{}, fmt.Errorf("tabellen van de doeldatabase vergrendelen (de gebruiker moet eigenaar van de tabellen zijn): %w", err)
	}
	if err := checkEmpty(ctx, tx, c.target.order); err != nil {
		return CopyResult{}, err
	}
	// The target's own triggers would derive location_stats and the patient parties again for
	// every copied row, and add to the copied derived rows; they are off for the copy and on
	// again before the commit (a rollback restores them as well).
	for _, tr := range c.target.triggers {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+pgIdent(tr.table)+" DISABLE TRIGGER "+pgIdent(tr.name)); err != nil {
			return CopyResult{}, fmt.Errorf("trigger %s van %s uitschakelen (de gebruiker moet eigenaar van de tabellen zijn): %w", tr.name, tr.table, err)
		}
	}
	// Building an index once from all rows is much faster than adding every copied row to it:
	// the indexes that no constraint needs are dropped for the copy and built again before the
	// verification (in the transaction: a rollback keeps them as they were). Primary keys and
	// unique constraints stay and check the rows as they arrive; a unique index built again
	// checks them then.
	// Foreign keys likewise: checked row by row, each check locks the referenced row (a write
	// to the referenced table for every copied row); added again after the copy, each is checked
	// in one query over all rows.
	for _, fk := range c.target.foreignKeys {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+pgIdent(fk.table)+" DROP CONSTRAINT "+pgIdent(fk.name)); err != nil {
			return CopyResult{}, fmt.Errorf("verwijzing %s van %s tijdelijk verwijderen (de gebruiker moet eigenaar van de tabellen zijn): %w", fk.name, fk.table, err)
		}
	}
	for _, ix := range c.target.indexes {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+pgIdent(ix.name)); err != nil {
			return CopyResult{}, fmt.Errorf("index %s van %s tijdelijk verwijderen (de gebruiker moet eigenaar van de tabellen zijn): %w", ix.name, ix.table, err)
		}
	}

	res := CopyResult{}
	digests := map[string]rowDigest{}
	for _, t := range c.target.order {
		d, n, err := c.copyTable(t)
		if err != nil {
			return CopyResult{}, err
		}
		if n != c.counts[t] {
			return CopyResult{}, fmt.Errorf("tabel %s: %d rijen gekopieerd, maar de bron telde er %d", t, n, c.counts[t])
		}
		digests[t] = d
		res.Tables = append(res.Tables, TableCopy{Name: t, Rows: n})
		res.Rows += n
	}

	if _, err := tx.ExecContext(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
		return CopyResult{}, fmt.Errorf("geheugen voor indexen instellen: %w", err)
	}
	for _, ix := range c.target.indexes {
		c.progress(CopyProgress{Stage: CopyIndexes, Table: ix.table})
		if _, err := tx.ExecContext(ctx, ix.def); err != nil {
			return CopyResult{}, fmt.Errorf("index %s van %s opbouwen: %w", ix.name, ix.table, err)
		}
	}
	for _, fk := range c.target.foreignKeys {
		c.progress(CopyProgress{Stage: CopyIndexes, Table: fk.table})
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+pgIdent(fk.table)+" ADD CONSTRAINT "+pgIdent(fk.name)+" "+fk.def); err != nil {
			return CopyResult{}, fmt.Errorf("verwijzing %s van %s controleren en herstellen: %w", fk.name, fk.table, err)
		}
	}

	// New rows get ids after the copied ones.
	for _, col := range c.target.identities {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)",
			pgIdent(col.column), pgIdent(col.table))
		if _, err := tx.ExecContext(ctx, q, col.table, col.column); err != nil {
			return CopyResult{}, fmt.Errorf("volgnummer van %s.%s bijwerken: %w", col.table, col.column, err)
		}
	}

	if err := c.verify(digests); err != nil {
		return CopyResult{}, err
	}
	c.progress(CopyProgress{Stage: CopyAudit, Table: "audit_log"})
	n, err := (&AuditLog{scope{db: dst, tx: tx}}).Verify(ctx)
	if err != nil {
		return CopyResult{}, fmt.Errorf("het auditlog van de kopie is niet in orde, daarom is er niets vastgelegd: %w", err)
	}
	res.AuditEntries = n

	for _, tr := range c.target.triggers {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+pgIdent(tr.table)+" ENABLE TRIGGER "+pgIdent(tr.name)); err != nil {
			return CopyResult{}, fmt.Errorf("trigger %s van %s weer inschakelen: %w", tr.name, tr.table, err)
		}
	}
	return res, nil
}

// checkEmpty returns a *TargetNotEmptyError when one of tables has a row.
func checkEmpty(ctx context.Context, q querier, tables []string) error {
	for _, t := range tables {
		var has bool
		if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgIdent(t)+")").Scan(&has); err != nil {
			return fmt.Errorf("doeltabel %s lezen: %w", t, err)
		}
		if has {
			return &TargetNotEmptyError{Table: t}
		}
	}
	return nil
}

// copyTable streams the source rows of table t into the target with COPY and returns the digest of
// the rows sent.
func (c *tableCopier) copyTable(t string) (rowDigest, int64, error) {
	cols := c.target.columns[t]
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	q := "SELECT " + joinIdents(names, sqliteIdent) + " FROM " + sqliteIdent(t)
	// In the order the rows were inserted (rowid), which is the table's order on disk and the
	// order in which SQLite checked their references: a row that refers to another row of its
	// own table comes after it.
	if !c.withoutRowid[t] {
		q += " ORDER BY rowid"
	} else if pk := c.target.primaryKeys[t]; len(pk) > 0 {
		q += " ORDER BY " + joinIdents(pk, sqliteIdent)
	}
	rows, err := c.src.QueryContext(c.ctx, q)
	if err != nil {
		return rowDigest{}, 0, fmt.Errorf("brontabel %s lezen: %w", t, err)
	}
	defer rows.Close()
	src := &copySource{c: c, table: t, cols: cols, rows: rows, vals: make([]any, len(cols)), ptrs: make([]any, len(cols))}
	for i := range src.vals {
		src.ptrs[i] = &src.vals[i]
	}
	c.progress(CopyProgress{Stage: CopyRows, Table: t, TableRows: c.counts[t], Done: c.done, Total: c.total})
	var n int64
	err = c.conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return err
		}
		n, err = pc.CopyFrom(c.ctx, pgx.Identifier{t}, names, src)
		return err
	})
	if err == nil {
		err = src.err
	}
	if err != nil {
		if ctxErr := c.ctx.Err(); ctxErr != nil {
			return rowDigest{}, 0, fmt.Errorf("kopie van %s afgebroken, er is niets vastgelegd: %w", t, ctxErr)
		}
		return rowDigest{}, 0, fmt.Errorf("tabel %s kopiëren (na %d rijen): %w", t, src.n, err)
	}
	c.progress(CopyProgress{Stage: CopyRows, Table: t, TableDone: n, TableRows: c.counts[t], Done: c.done, Total: c.total})
	return src.digest, n, nil
}

// pgxConn returns the pgx connection under a database/sql driver connection of a PostgreSQL DB.
func pgxConn(dc any) (*pgx.Conn, error) {
	if fc, ok := dc.(*faultConn); ok {
		dc = fc.conn
	}
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		return nil, fmt.Errorf("sqlstore: no pgx connection under %T", dc)
	}
	return sc.Conn(), nil
}

// copySource feeds one source table's rows to CopyFrom, converted to the target's column types.
type copySource struct {
	c      *tableCopier
	table  string
	cols   []pgColumn
	rows   *sql.Rows
	vals   []any
	ptrs   []any
	out    []any
	n      int64
	err    error
	digest rowDigest
}

func (s *copySource) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	if err := s.rows.Scan(s.ptrs...); err != nil {
		s.err = fmt.Errorf("brontabel %s lezen: %w", s.table, err)
		return false
	}
	s.out = make([]any, len(s.vals))
	for i, v := range s.vals {
		cv, err := toColumnType(v, s.cols[i].dataType)
		if err != nil {
			s.err = fmt.Errorf("tabel %s, kolom %s, rij %d: %w", s.table, s.cols[i].name, s.n+1, err)
			return false
		}
		s.out[i] = cv
	}
	s.digest.add(s.out)
	s.n++
	s.c.done++
	if s.n%copyReportEvery == 0 {
		s.c.progress(CopyProgress{Stage: CopyRows, Table: s.table, TableDone: s.n, TableRows: s.c.counts[s.table], Done: s.c.done, Total: s.c.total})
	}
	return true
}

func (s *copySource) Values() ([]any, error) { return s.out, nil }

func (s *copySource) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// toColumnType gives a SQLite value the Go type of the target's column type. SQLite stores a
// value in the class its column's affinity asks for, so this converts only in the rare case of a
// value stored in another class (a number in a TEXT column, say), exactly as SQLite would show it.
func toColumnType(v any, dataType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch dataType {
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		case []byte:
			if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return n, nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
		return nil, fmt.Errorf("waarde %v (%T) past niet in een getalkolom", v, v)
	case "text", "character varying":
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case time.Time:
			return formatTime(x), nil
		}
		return nil, fmt.Errorf("waarde van type %T past niet in een tekstkolom", v)
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
		return nil, fmt.Errorf("waarde van type %T past niet in een binaire kolom", v)
	}
	return v, nil
}

// verify compares every target table with the source: its number of rows and the digest of its
// rows, read back from the target inside the copy's transaction.
func (c *tableCopier) verify(digests map[string]rowDigest) error {
	var done int64
	for _, t := range c.target.order {
		cols := c.target.columns[t]
		names := make([]string, len(cols))
		for i, col := range cols {
			names[i] = col.name
		}
		c.progress(CopyProgress{Stage: CopyVerifying, Table: t, TableRows: c.counts[t], Done: done, Total: c.total})
		rows, err := c.tx.QueryContext(c.ctx, "SELECT "+joinIdents(names, pgIdent)+" FROM "+pgIdent(t))
		if err != nil {
			return fmt.Errorf("kopie van %s controleren: %w", t, err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var d rowDigest
		var n int64
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return fmt.Errorf("kopie van %s controleren: %w", t, err)
			}
			d.add(vals)
			n++
			if n%copyReportEvery == 0 {
				c.progress(CopyProgress{Stage: CopyVerifying, Table: t, TableDone: n, TableRows: c.counts[t], Done: done + n, Total: c.total})
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("kopie van %s controleren: %w", t, err)
		}
		done += n
		c.progress(CopyProgress{Stage: CopyVerifying, Table: t, TableDone: n, TableRows: c.counts[t], Done: done, Total: c.total})
		if n != c.counts[t] {
			return fmt.Errorf("controle mislukt: tabel %s heeft in de kopie %d rijen en in de bron %d; er is niets vastgelegd", t, n, c.counts[t])
		}
		if d != digests[t] {
			return fmt.Errorf("controle mislukt: de rijen van tabel %s in de kopie verschillen van die in de bron; er is niets vastgelegd", t)
		}
	}
	return nil
}

// rowDigest is an order-independent digest of a table's rows: the sum of the SHA-256 of each row
// in four 64-bit lanes. Rows with a primary key are all different, so a changed, missing or extra
// row changes the sum; the order the two databases return rows in does not.
type rowDigest [4]uint64

func (d *rowDigest) add(vals []any) {
	var buf []byte
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			buf = append(buf, 0)
		case int64:
			buf = append(buf, 1)
			buf = binary.BigEndian.AppendUint64(buf, uint64(x))
		case string:
			buf = append(buf, 2)
			buf = binary.AppendUvarint(buf, uint64(len(x)))
			buf = append(buf, x...)
		case []byte:
			buf = append(buf, 3)
			buf = binary.AppendUvarint(buf, uint64(len(x)))
			buf = append(buf, x...)
		case float64:
			buf = append(buf, 4)
			buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(x))
		default:
			s := fmt.Sprint(x)
			buf = append(buf, 5)
			buf = binary.AppendUvarint(buf, uint64(len(s)))
			buf = append(buf, s...)
		}
	}
	sum := sha256.Sum256(buf)
	for i := range d {
		d[i] += binary.BigEndian.Uint64(sum[8*i:])
	}
}

// pgCatalogue is what a copy needs to know of the target's schema.
type pgCatalogue struct {
	// order lists the data tables, each after the tables it refers to.
	order       []string
	columns     map[string][]pgColumn
	primaryKeys map[string][]string
	identities  []pgIdentity
	triggers    []pgTrigger
	// indexes are the indexes no constraint needs, with their definitions.
	indexes []pgIndex
	// foreignKeys are the foreign key constraints, with their definitions.
	foreignKeys []pgIndex
}

// pgIndex is an index or a constraint: its table, name and definition.
type pgIndex struct{ table, name, def string }

type pgColumn struct{ name, dataType string }

type pgIdentity struct{ table, column string }

type pgTrigger struct{ table, name string }

// notData are tables of the schema that hold no data of a region: the migrations' bookkeeping.
var notData = map[string]bool{"schema_migrations": true}

// readPostgresCatalogue reads the target's tables, columns, keys, identity columns, enabled user
// triggers, foreign keys and the indexes no constraint needs from its catalogue.
func readPostgresCatalogue(ctx context.Context, db *sql.DB) (*pgCatalogue, error) {
	cat := &pgCatalogue{columns: map[string][]pgColumn{}, primaryKeys: map[string][]string{}}
	fail := func(err error) (*pgCatalogue, error) {
		return nil, fmt.Errorf("schema van de doeldatabase lezen: %w", err)
	}
	var tables []string
	err := eachRow(ctx, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`, func(r *sql.Rows) error {
		var t string
		if err := r.Scan(&t); err != nil {
			return err
		}
		if !notData[t] {
			tables = append(tables, t)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	// Generated columns (0021: patient_parties.folded) are computed by PostgreSQL: not copied.
	err = eachRow(ctx, db, `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY table_name, ordinal_position`, func(r *sql.Rows) error {
		var t, col, typ, identity string
		if err := r.Scan(&t, &col, &typ, &identity); err != nil {
			return err
		}
		cat.columns[t] = append(cat.columns[t], pgColumn{name: col, dataType: typ})
		if identity == "YES" && !notData[t] {
			cat.identities = append(cat.identities, pgIdentity{table: t, column: col})
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	err = eachRow(ctx, db, `SELECT cl.relname, a.attname FROM pg_constraint c
		JOIN pg_class cl ON cl.oid = c.conrelid
		CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k (attnum, n)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		WHERE c.contype = 'p' AND cl.relnamespace = current_schema()::regnamespace
		ORDER BY cl.relname, k.n`, func(r *sql.Rows) error {
		var t, col string
		if err := r.Scan(&t, &col); err != nil {
			return err
		}
		cat.primaryKeys[t] = append(cat.primaryKeys[t], col)
		return nil
	})
	if err != nil {
		return fail(err)
	}
	refers := map[string][]string{}
	err = eachRow(ctx, db, `SELECT src.relname, ref.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
		JOIN pg_class src ON src.oid = c.conrelid
		JOIN pg_class ref ON ref.oid = c.confrelid
		WHERE c.contype = 'f' AND src.relnamespace = current_schema()::regnamespace
		ORDER BY 1, 3`, func(r *sql.Rows) error {
		var t, ref string
		var fk pgIndex
		if err := r.Scan(&t, &ref, &fk.name, &fk.def); err != nil {
			return err
		}
		if t != ref {
			refers[t] = append(refers[t], ref)
		}
		if fk.table = t; !notData[t] {
			cat.foreignKeys = append(cat.foreignKeys, fk)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	err = eachRow(ctx, db, `SELECT cl.relname, t.tgname FROM pg_trigger t
		JOIN pg_class cl ON cl.oid = t.tgrelid
		WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND cl.relnamespace = current_schema()::regnamespace
		ORDER BY 1, 2`, func(r *sql.Rows) error {
		var tr pgTrigger
		if err := r.Scan(&tr.table, &tr.name); err != nil {
			return err
		}
		if !notData[tr.table] {
			cat.triggers = append(cat.triggers, tr)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	err = eachRow(ctx, db, `SELECT t.relname, i.relname, pg_get_indexdef(i.oid) FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
		ORDER BY 1, 2`, func(r *sql.Rows) error {
		var ix pgIndex
		if err := r.Scan(&ix.table, &ix.name, &ix.def); err != nil {
			return err
		}
		if !notData[ix.table] {
			cat.indexes = append(cat.indexes, ix)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	cat.order, err = referencesFirst(tables, refers)
	if err != nil {
		return nil, err
	}
	return cat, nil
}

// referencesFirst orders tables so that every table comes after the tables it refers to
// (alphabetical among equals, so the order is the same every time).
func referencesFirst(tables []string, refers map[string][]string) ([]string, error) {
	known := map[string]bool{}
	for _, t := range tables {
		known[t] = true
	}
	waiting := map[string]int{}
	dependants := map[string][]string{}
	for _, t := range tables {
		for _, ref := range refers[t] {
			if known[ref] {
				waiting[t]++
				dependants[ref] = append(dependants[ref], t)
			}
		}
	}
	var ready, order []string
	for _, t := range tables {
		if waiting[t] == 0 {
			ready = append(ready, t)
		}
	}
	for len(ready) > 0 {
		sort.Strings(ready)
		t := ready[0]
		ready = ready[1:]
		order = append(order, t)
		for _, d := range dependants[t] {
			if waiting[d]--; waiting[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	if len(order) != len(tables) {
		var cyclic []string
		for _, t := range tables {
			if waiting[t] > 0 {
				cyclic = append(cyclic, t)
			}
		}
		return nil, fmt.Errorf("de tabellen %s verwijzen in een kring naar elkaar: er is geen volgorde om ze te kopiëren", strings.Join(cyclic, ", "))
	}
	return order, nil
}

// checkSourceTables checks that the source has every data table of the target with the same
// columns, and no data table the target lacks, and returns the source's tables without rowid.
// SQLite's full-text index of names (a virtual table and its shadow tables) is derived from
// patients and is not data.
func checkSourceTables(ctx context.Context, src *sql.Tx, target *pgCatalogue) (map[string]bool, error) {
	tables, withoutRowid := map[string]bool{}, map[string]bool{}
	var virtual []string
	err := eachRow(ctx, src, "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table'", func(r *sql.Rows) error {
		var name, ddl string
		if err := r.Scan(&name, &ddl); err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
		}
		if strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID") {
			withoutRowid[name] = true
		}
		if !strings.HasPrefix(name, "sqlite_") && !notData[name] {
			tables[name] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("schema van de bron lezen: %w", err)
	}
	for _, v := range virtual {
		delete(tables, v)
		for _, shadow := range []string{"_data", "_idx", "_content", "_docsize", "_config"} {
			delete(tables, v+shadow)
		}
	}
	for _, t := range target.order {
		if !tables[t] {
			return nil, fmt.Errorf("de bron heeft geen tabel %s, die het doel wel heeft: bron en doel horen bij verschillende versies van mgz", t)
		}
		delete(tables, t)
		have := map[string]bool{}
		err := eachRow(ctx, src, "SELECT name FROM pragma_table_info($1)", func(r *sql.Rows) error {
			var col string
			if err := r.Scan(&col); err != nil {
				return err
			}
			have[col] = true
			return nil
		}, t)
		if err != nil {
			return nil, fmt.Errorf("kolommen van %s in de bron lezen: %w", t, err)
		}
		for _, col := range target.columns[t] {
			if !have[col.name] {
				return nil, fmt.Errorf("tabel %s van de bron heeft geen kolom %s: bron en doel horen bij verschillende versies van mgz", t, col.name)
			}
			delete(have, col.name)
		}
		for col := range have {
			return nil, fmt.Errorf("tabel %s van de bron heeft een kolom %s die het doel niet heeft: bron en doel horen bij verschillende versies van mgz", t, col)
		}
	}
	for t := range tables {
		return nil, fmt.Errorf("de bron heeft een tabel %s die het doel niet heeft: bron en doel horen bij verschillende versies van mgz", t)
	}
	return withoutRowid, nil
}

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, q querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func pgIdent(name string) string { return pgx.Identifier{name}.Sanitize() }

func sqliteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func joinIdents(names []string, quote func(string) string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
