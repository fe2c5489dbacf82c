package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	sqlite3 "modernc.org/sqlite/lib"
)

// PostgreSQL runs the same store as SQLite (the same queries, the same migrations from one
// source: dialect.go). Three choices keep its behaviour the same:
//
//   - Writers take turns. Every transaction begins by taking one transaction-scoped advisory
//     lock (writeLockKey), as SQLite's BEGIN IMMEDIATE takes its write lock. The store's
//     read-check-write steps (revisions, a signature's count, the audit chain's head) were
//     written for that, and the audit log's hash chain is strictly ordered and gap-free by it:
//     the entry that reads the chain head and the one that appends after it hold the same lock,
//     whichever mgz instance runs them, and ids come from the table's identity in lock order.
//     Reads outside a transaction do not wait.
//   - Arguments are sent in the simple protocol: pgx writes them into the statement as literals
//     of the right type, so a statement like `$1 IS NULL OR x = $1` needs no type casts, as on
//     SQLite. Go booleans become 0 and 1, as SQLite stores them.
//   - An acknowledged change is durable: synchronous_commit stays on, so a commit returns only
//     after the server has flushed its WAL.

// writeLockKey is the advisory lock every mgz transaction takes on PostgreSQL ("mgz" in ASCII).
const writeLockKey = 0x6d677a

var takeWriteLock = fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", writeLockKey)

// openPostgres connects to the PostgreSQL database named by dsn and migrates it.
func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL-adres %s is ongeldig (voorbeeld: postgres://mgz@db.example:5432/mgz): %w", redactDSN(dsn), err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "mgz"
	}
	db := &DB{dialect: dialectPostgres, now: func() time.Time { return time.Now().UTC() }}
	db.health = health{now: func() time.Time { return db.now() }, probeEvery: defaultProbeEvery, faultWindow: defaultFaultWindow}
	sqldb := sql.OpenDB(&faultConnector{inner: stdlib.GetConnector(*cfg), h: &db.health, dialect: dialectPostgres})
	sqldb.SetMaxOpenConns(maxConnections)
	sqldb.SetMaxIdleConns(maxConnections)
	// A server that fails over closes its connections; connections do not outlive an hour, so a
	// pool also moves to a replica promoted behind the same address.
	sqldb.SetConnMaxLifetime(time.Hour)
	db.sql = sqldb
	if err := db.Ping(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("PostgreSQL-database %s openen: %w", redactDSN(dsn), err)
	}
	if err := migrate(ctx, sqldb, migrationFiles, dialectPostgres); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// redactDSN drops a password from a connection string, for messages and logs.
func redactDSN(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil || cfg.Password == "" {
		return dsn
	}
	// Rebuild the visible part only: user, host, port, database.
	return fmt.Sprintf("postgres://%s:***@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// pgFaultMessage gives the Dutch answer for a PostgreSQL error that means the database cannot
// serve now (it is unreachable, shutting down, failing over, full or read-only), and whether it
// is one. Nothing of the request was stored: PostgreSQL rolls back a transaction it could not
// commit, and a commit whose answer was lost is reported as a fault as well (the change may or
// may not be stored; the user is told to check and try again).
func pgFaultMessage(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return faultMessages[sqlite3.SQLITE_FULL], true
		case pe.Code == "25006": // read_only_sql_transaction: a standby, or a primary being demoted
			return "De database van mgz kan nu alleen gelezen worden (de databaseserver wisselt mogelijk van primaire server): " +
				"er is niets opgeslagen of gewijzigd. Probeer het over een minuut opnieuw; blijft het misgaan, meld het dan aan de beheerder.", true
		case len(pe.Code) == 5 && (pe.Code[:2] == "08" || pe.Code[:2] == "53" || pe.Code[:2] == "57" || pe.Code[:2] == "58" || pe.Code[:2] == "XX"):
			// connection exception, insufficient resources, operator intervention (shutdown,
			// crash, failover), system error, internal error
			return pgUnreachable, true
		}
		return "", false
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded) {
		return pgUnreachable, true
	}
	if err != nil && isPgConnLost(err) {
		return pgUnreachable, true
	}
	return "", false
}

const pgUnreachable = "De databaseserver van mgz is nu niet bereikbaar: er is niets opgeslagen of gewijzigd. " +
	"Probeer het over een minuut opnieuw; blijft het misgaan, meld het dan aan de beheerder."

// isPgConnLost reports errors pgx gives when the server went away in the middle of a statement.
func isPgConnLost(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"conn closed", "unexpected EOF", "connection reset", "broken pipe", "server closed the connection", "failed to receive message", "failed to write"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// pgUniqueViolation reports a unique constraint failing on PostgreSQL.
func pgUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// pgConstraintName returns the constraint a PostgreSQL integrity error names, or "".
func pgConstraintName(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName
	}
	return ""
}
