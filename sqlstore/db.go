// Package sqlstore stores mgz's data in SQL: by default in an embedded SQLite database through a
// pure-Go driver (no cgo), so that one binary runs the product on a fresh machine. It implements
// the service interfaces of package mgz; nothing specific to a database leaves this package.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// DB is an open mgz database.
type DB struct {
	sql *sql.DB
	// dialect is the database behind sql: SQLite (a file) or PostgreSQL (a server).
	dialect dialect
	// now is the clock for created_at/updated_at; tests replace it.
	now func() time.Time
	// health tracks storage faults and the write probe, for Ready.
	health health
	// group commits audit entries appended outside a transaction (groupcommit.go).
	group groupCommitter
	// stmts keeps prepared statements of the store's SQL (stmtcache.go); nil on PostgreSQL,
	// where pgx keeps them per connection (postgres.go).
	stmts *stmtCache
	// patientKeysAtEnd: the connection does not enforce foreign keys, and an import of patients
	// checks them before it commits (PreparePatientImport).
	patientKeysAtEnd bool
	// checkpoints moves the WAL into the database file in the background (checkpoint.go); nil
	// on PostgreSQL.
	checkpoints *checkpointer
	// turn is SQLite's write lock as this process hands it out (writeturn.go); nil on PostgreSQL.
	turn writeTurn
}

// pragmas apply to every connection the pool opens. synchronous=FULL because an acknowledged
// change must survive a power loss (architecture.md, "Durability"); WAL lets readers go on while
// one writer writes; _txlock=immediate takes the write lock at BEGIN, so two writers wait for each
// other (busy_timeout) instead of failing halfway with SQLITE_BUSY; wal_autocheckpoint(0) because
// checkpoints run in the background, not in a writer's commit (checkpoint.go).
const pragmas = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
	"&_pragma=busy_timeout(10000)&_pragma=wal_autocheckpoint(0)&_txlock=immediate"

// maxConnections bounds the pool: WAL readers run side by side, and one writer at a time holds
// the write lock anyway. A request that finds every connection busy waits for one (its context
// bounds the wait).
const maxConnections = 16

// Open opens the database named by dsn and brings its schema up to date: a PostgreSQL database
// when dsn is a postgres:// or postgresql:// URL, otherwise the SQLite file at that path
// (created when needed). A database whose schema is newer than this binary knows is refused.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return open(ctx, dsn, "")
}

// open is Open with extra DSN parameters for every connection (tests simulate a read-only file).
func open(ctx context.Context, path, extra string) (*DB, error) {
	if path == "" {
		return nil, errors.New("geen databasebestand opgegeven: gebruik --db of MGZ_DB")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("databasepad %q bevat ? of #: kies een pad zonder die tekens", path)
	}
	dsn := path + "?" + pragmas
	if extra != "" {
		dsn += "&" + extra
	}
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s openen: %w", path, err)
	}
	db := &DB{now: func() time.Time { return time.Now().UTC() }, turn: newWriteTurn()}
	db.health = health{now: func() time.Time { return db.now() }, probeEvery: defaultProbeEvery, faultWindow: defaultFaultWindow}
	// Every connection classifies storage faults (faults.go).
	sqldb := sql.OpenDB(&faultConnector{inner: connector, h: &db.health})
	// A new connection parses the whole schema (tables, indexes, triggers) before its first
	// statement, and prepares its statements again: with database/sql's default of two idle
	// connections, concurrent requests opened and closed connections all the time and spent most
	// of their CPU in SQLite's parser. The pool keeps what it opens, up to a bound.
	sqldb.SetMaxOpenConns(maxConnections)
	sqldb.SetMaxIdleConns(maxConnections)
	db.sql = sqldb
	if err := db.Ping(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("database %s openen: %w", path, err)
	}
	if err := migrate(ctx, sqldb, migrationFiles, dialectSQLite); err != nil {
		sqldb.Close()
		return nil, err
	}
	// Statements are prepared against the migrated schema only.
	db.stmts = newStmtCache(sqldb, stmtCacheSize)
	db.startCheckpointer(checkpointEvery)
	return db, nil
}

// Close closes the database, after the audit entries queued for a group commit are written, and
// its prepared statements; on SQLite a WAL checkpoint runs as the last connection closes.
func (db *DB) Close() error {
	db.group.close()
	db.checkpoints.stop()
	if db.stmts != nil {
		db.stmts.close()
	}
	return db.sql.Close()
}

// Ping reports whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.sql.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// SchemaVersion returns the version of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return currentVersion(ctx, db.sql)
}

// querier is what *sql.DB and *sql.Tx share, so the same code runs inside and outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction on db, committing when fn returns nil and rolling back otherwise.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("transactie starten: %w", err)
	}
	// The transaction's prepared statements (stmtcache.go) live as long as it does.
	txStatements.Store(tx, &txStmts{stmts: map[string]*sql.Stmt{}})
	defer txStatements.Delete(tx)
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("transactie vastleggen: %w", err)
	}
	return nil
}

// timeFormat stores instants as sortable UTC text with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

// IntegrityCheck checks the database's own consistency and that every reference points at a row
// that exists, and reports the first problem: on SQLite with its integrity check (pages, indexes)
// and foreign key check; on PostgreSQL with integrityCheckPostgres (postgres.go).
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.dialect == dialectPostgres {
		return db.integrityCheckPostgres(ctx)
	}
	var res string
	if err := db.sql.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integriteitscontrole: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integriteitscontrole: %s", res)
	}
	rows, err := db.sql.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("controle van verwijzingen: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("controle van verwijzingen: er verwijzen rijen naar gegevens die niet bestaan")
	}
	return rows.Err()
}
