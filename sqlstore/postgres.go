package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgtype"
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
//   - Statements are prepared once per connection and kept (pgx's QueryExecModeCacheStatement,
//     an LRU of stmtCacheSize per connection), as SQLite's are by stmtcache.go: the server
//     parses and plans a statement the first time a connection runs it, and, once it has run
//     five times, keeps one generic plan for it when that plan is estimated no dearer than
//     planning for each call's arguments (plan_cache_mode auto). The server types each $n where
//     it first meets it, so a parameter whose first use leaves its type open (`$1 IS NULL OR
//     x = $1`) is cast: CAST($1 AS BIGINT) reads the same on SQLite. Go booleans become 0 and 1,
//     as SQLite stores them; a Go number sent for a text parameter is written in decimal
//     (pgText). A statement without arguments runs in the simple protocol (migrations,
//     LISTEN). A URL that sets default_query_exec_mode (simple_protocol, behind a pooler in
//     transaction mode that keeps no prepared statements) keeps its choice.
//   - An acknowledged change is durable: synchronous_commit stays on, so a commit returns only
//     after the server has flushed its WAL.
//
// Faults (faults.go, pgFaultMessage) are answered as on SQLite, with storage_unavailable: a
// server that does not answer, ends a connection (restart, failover, pg_terminate_backend),
// refuses writes (a standby) or runs out of disk. A caller that leaves is no fault: its statement
// is cancelled on the server (a cancel request), so it does not hold the write lock on. A
// transaction begun on a connection the server ended while it was idle is begun again on a fresh
// one; a commit whose answer is lost says that the change may or may not be stored.

// writeLockKey is the advisory lock every mgz transaction takes on PostgreSQL ("mgz" in ASCII).
const writeLockKey = 0x6d677a

// cancelGrace is how long a cancelled statement may take to stop on the server before its
// connection is closed.
const cancelGrace = 3 * time.Second

var takeWriteLock = fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", writeLockKey)

// openPostgres connects to the PostgreSQL database named by dsn and migrates it.
func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL-adres %s is ongeldig (voorbeeld: postgres://mgz@db.example:5432/mgz): %w", redactDSN(dsn), err)
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	}
	// The same bound as SQLite's statement cache: the store's constant texts and the filter
	// combinations in use fit; the server keeps each statement's plan (mostly kilobytes, the
	// overview's a few hundred) per connection.
	cfg.StatementCacheCapacity = stmtCacheSize
	// A caller that leaves stops its statement on the server as well: pgx sends a cancel request
	// (the server ends the statement with query_canceled and the connection stays usable), and
	// closes the connection only if the server does not answer that within cancelGrace. Closing
	// it at once (pgx's default) would leave the statement running on the server, and a
	// transaction holding the write lock until it ends.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelGrace}
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "mgz"
	}
	db := &DB{dialect: dialectPostgres, now: func() time.Time { return time.Now().UTC() }}
	db.health = health{now: func() time.Time { return db.now() }, probeEvery: defaultProbeEvery, faultWindow: defaultFaultWindow}
	connector := stdlib.GetConnector(*cfg, stdlib.OptionAfterConnect(registerPgText))
	sqldb := sql.OpenDB(&faultConnector{inner: connector, h: &db.health, dialect: dialectPostgres})
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

// registerPgText gives a new connection the text type of pgText.
func registerPgText(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "text", OID: pgtype.TextOID, Codec: pgText{}})
	return nil
}

// pgText is PostgreSQL's text type as pgx encodes and decodes it, except that a Go integer or
// float sent for a text parameter is written in decimal, as the simple protocol wrote it and as
// SQLite stores it in a TEXT column, instead of failing with "unable to encode" (the server types
// a parameter by its use: an INSERT into a TEXT column, or `SELECT $1`).
type pgText struct{ pgtype.TextCodec }

func (c pgText) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if plan := c.TextCodec.PlanEncode(m, oid, format, value); plan != nil {
		return plan
	}
	switch value.(type) {
	case int64, float64: // database/sql gives a driver every Go integer as int64, every float as float64
		return pgDecimal{}
	}
	return nil
}

// pgDecimal writes an int64 or float64 as decimal text; text's binary format is its text.
type pgDecimal struct{}

func (pgDecimal) Encode(value any, buf []byte) ([]byte, error) {
	switch v := value.(type) {
	case int64:
		return strconv.AppendInt(buf, v, 10), nil
	case float64:
		return strconv.AppendFloat(buf, v, 'f', -1, 64), nil
	}
	return nil, fmt.Errorf("sqlstore: %T is no decimal number", value)
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
// commit. A commit whose answer was lost is the exception (the change may or may not be stored):
// faultTx.Commit answers it with pgCommitUnknown.
func pgFaultMessage(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return faultMessages[sqlite3.SQLITE_FULL], true
		case pe.Code == "XX001" || pe.Code == "XX002": // data_corrupted, index_corrupted
			return faultMessages[sqlite3.SQLITE_CORRUPT], true
		case pe.Code == "57014": // query_canceled: a caller that left, or statement_timeout; not the storage
			return "", false
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

// pgCommitUnknown answers a commit whose connection went before the server's answer came.
const pgCommitUnknown = "De verbinding met de databaseserver van mgz viel weg terwijl de wijziging werd vastgelegd: " +
	"het is niet zeker of die is opgeslagen. Kijk na of de wijziging er staat en voer haar zo nodig opnieuw uit; " +
	"blijft het misgaan, meld het dan aan de beheerder."

// isPgConnLost reports errors pgx gives when the server went away in the middle of a statement.
func isPgConnLost(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"conn closed", "unexpected eof", "connection reset", "broken pipe", "server closed the connection", "failed to receive message", "failed to write"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// pgConnectionGone reports an error after which the connection cannot be used again: the server
// ended it (a FATAL error: shutdown, termination, failover) or the network cut it.
func pgConnectionGone(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false // a caller that left; context.DeadlineExceeded is a net.Error as well
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.EqualFold(pe.Severity, "FATAL") || strings.HasPrefix(pe.Code, "08")
	}
	var ne net.Error
	return errors.As(err, &ne) || isPgConnLost(err)
}

// pgStaleStatement reports the error PostgreSQL gives for a prepared statement whose result rows
// would change shape (feature_not_supported, "cached plan must not change result type").
func pgStaleStatement(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "0A000" && strings.Contains(pe.Message, "cached plan must not change result type")
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

// integrityCheckPostgres is IntegrityCheck on PostgreSQL. The server keeps its pages and indexes
// consistent itself (WAL replay after a crash; data checksums, when the cluster has them, are
// verified on every read and a bad page fails that query as a storage fault), so what is left to
// check is what SQLite's foreign_key_check checks, plus that the schema is the one this binary
// knows:
//
//   - the schema version is the newest migration (a restored dump of another version is found);
//   - every foreign key is validated and enforced: a constraint added NOT VALID, or whose
//     triggers were disabled (a restore with triggers off), enforces nothing for older rows;
//   - no row refers to a row that does not exist, for every foreign key of the schema (the
//     equivalent of PRAGMA foreign_key_check; PostgreSQL guarantees this for a validated,
//     enforced key, and the check proves it for the rest).
func (db *DB) integrityCheckPostgres(ctx context.Context) error {
	ms, err := loadMigrations(migrationFiles, dialectPostgres)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("integriteitscontrole: %w", err)
	}
	if v != len(ms) {
		return fmt.Errorf("integriteitscontrole: de database heeft schemaversie %d, deze versie van mgz verwacht %d", v, len(ms))
	}
	type foreignKey struct {
		name, table, refTable string
		cols, refCols         []string
		validated, enforced   bool
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
		       (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.ord)
		          FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
		          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
		       (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.ord)
		          FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
		          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum),
		       CASE WHEN c.convalidated THEN 1 ELSE 0 END,
		       CASE WHEN EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgconstraint = c.oid AND t.tgenabled = 'D') THEN 0 ELSE 1 END
		  FROM pg_constraint c
		 WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
		 ORDER BY c.conrelid::regclass::text, c.conname`)
	if err != nil {
		return fmt.Errorf("controle van verwijzingen: %w", err)
	}
	var fks []foreignKey
	for rows.Next() {
		var fk foreignKey
		var cols, refCols string
		var validated, enforced int
		if err := rows.Scan(&fk.name, &fk.table, &fk.refTable, &cols, &refCols, &validated, &enforced); err != nil {
			rows.Close()
			return fmt.Errorf("controle van verwijzingen: %w", err)
		}
		fk.cols, fk.refCols = strings.Split(cols, ","), strings.Split(refCols, ",")
		fk.validated, fk.enforced = validated == 1, enforced == 1
		fks = append(fks, fk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("controle van verwijzingen: %w", err)
	}
	if len(fks) == 0 {
		return errors.New("controle van verwijzingen: het schema heeft geen verwijzingen (foreign keys): de database is niet door mgz aangemaakt of onvolledig")
	}
	// Rows that refer to nothing first: they are the damage; an unenforced key only allows it.
	for _, fk := range fks {
		if len(fk.cols) != len(fk.refCols) {
			return fmt.Errorf("controle van verwijzingen: verwijzing %s van tabel %s is onleesbaar", fk.name, fk.table)
		}
		// MATCH SIMPLE, as the schema declares: a reference with a NULL column refers to nothing.
		var cond, join []string
		for i := range fk.cols {
			cond = append(cond, "x."+fk.cols[i]+" IS NOT NULL")
			join = append(join, "y."+fk.refCols[i]+" = x."+fk.cols[i])
		}
		q := fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s x WHERE %s AND NOT EXISTS (SELECT 1 FROM %s y WHERE %s) LIMIT 1) orphan",
			fk.table, strings.Join(cond, " AND "), fk.refTable, strings.Join(join, " AND "))
		var n int
		if err := db.sql.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("controle van verwijzingen: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("controle van verwijzingen: er verwijzen rijen van tabel %s naar gegevens in %s die niet bestaan (%s)", fk.table, fk.refTable, fk.name)
		}
	}
	for _, fk := range fks {
		if !fk.validated {
			return fmt.Errorf("controle van verwijzingen: verwijzing %s van tabel %s is niet gecontroleerd (NOT VALID)", fk.name, fk.table)
		}
		if !fk.enforced {
			return fmt.Errorf("controle van verwijzingen: verwijzing %s van tabel %s wordt niet afgedwongen (triggers uitgeschakeld)", fk.name, fk.table)
		}
	}
	return nil
}
