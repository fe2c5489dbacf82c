package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/regio-mgz/mgz"
)

// Storage faults (a full disk, a read-only file, a corrupt page, an I/O error) are not bugs of
// the request that met them: the same request succeeds once the operator has fixed the storage.
// Every error the driver returns passes through classify, on every connection (see faultConn),
// so that such faults reach the service and web layers as mgz.ECodeStorageUnavailable (HTTP 503
// with Retry-After) wherever they happen: in a statement, while reading rows, or at commit. The
// driver's error stays wrapped in the chain for the logs.

// faultMessages gives the Dutch answer per primary result code of a storage fault. A fault
// always means that nothing was stored: SQLite rolls the statement (or the transaction) back.
var faultMessages = map[int]string{
	sqlite3.SQLITE_FULL: "De opslag van mgz is vol: er is niets opgeslagen of gewijzigd. " +
		"Probeer het over een paar minuten opnieuw; blijft het misgaan, meld dan aan de beheerder dat de schijf vol is.",
	sqlite3.SQLITE_READONLY: "De database van mgz kan nu alleen gelezen worden: er is niets opgeslagen of gewijzigd. " +
		"Probeer het over een paar minuten opnieuw; blijft het misgaan, meld dan aan de beheerder dat de database alleen-lezen is.",
	sqlite3.SQLITE_CORRUPT: "De database van mgz is beschadigd: er is niets opgeslagen of gewijzigd. " +
		"Meld dit direct aan de beheerder; die zet de laatste reservekopie terug.",
	sqlite3.SQLITE_NOTADB: "Het databasebestand van mgz is beschadigd of geen database: er is niets opgeslagen of gewijzigd. " +
		"Meld dit direct aan de beheerder; die zet de laatste reservekopie terug.",
	sqlite3.SQLITE_IOERR: "De opslag van mgz gaf een lees- of schrijffout: er is niets opgeslagen of gewijzigd. " +
		"Probeer het over een paar minuten opnieuw; blijft het misgaan, meld het dan aan de beheerder.",
	sqlite3.SQLITE_CANTOPEN: "Het databasebestand van mgz kan niet geopend worden: er is niets opgeslagen of gewijzigd. " +
		"Probeer het over een paar minuten opnieuw; blijft het misgaan, meld het dan aan de beheerder.",
	sqlite3.SQLITE_PERM: "mgz heeft geen toegang tot het databasebestand: er is niets opgeslagen of gewijzigd. " +
		"Probeer het over een paar minuten opnieuw; blijft het misgaan, meld het dan aan de beheerder.",
}

// storageFault reports the Dutch message for a (primary or extended) SQLite result code that
// means the storage cannot serve, and whether it is one.
func storageFault(code int) (string, bool) {
	msg, ok := faultMessages[code&0xff] // extended codes keep the primary code in the low byte
	return msg, ok
}

// faultError is a storage fault: an *mgz.Error for the callers, the driver's error for the logs.
type faultError struct {
	public *mgz.Error
	cause  error
}

func (e *faultError) Error() string   { return e.public.Message + " (" + e.cause.Error() + ")" }
func (e *faultError) Unwrap() []error { return []error{e.public, e.cause} }

// classify turns a driver error that is a storage fault into a storage_unavailable error and
// records it in h; any other error is returned as it is (database/sql looks for driver.ErrBadConn,
// driver.ErrSkip and io.EOF by identity).
func classify(h *health, d dialect, err error) error {
	if err == nil {
		return nil
	}
	var fe *faultError
	if errors.As(err, &fe) {
		return err
	}
	if d == dialectPostgres {
		if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err // database/sql retries a bad connection; a caller that left is no fault
		}
		msg, ok := pgFaultMessage(err)
		if !ok {
			return err
		}
		if h != nil {
			h.fault()
		}
		return &faultError{public: &mgz.Error{Code: mgz.ECodeStorageUnavailable, Message: msg}, cause: err}
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	msg, ok := storageFault(se.Code())
	if !ok {
		return err
	}
	if h != nil {
		h.fault()
	}
	return &faultError{public: &mgz.Error{Code: mgz.ECodeStorageUnavailable, Message: msg}, cause: err}
}

// health tracks whether the database can be written, for readiness: the last storage fault any
// operation met, and a write probe run at most every probeEvery.
type health struct {
	now        func() time.Time
	lastFault  atomic.Int64 // unix nanoseconds of the last storage fault; 0: none
	probeEvery time.Duration
	// faultWindow is how long a storage fault met by any operation keeps the database not ready.
	faultWindow time.Duration

	mu       sync.Mutex // serialises probes
	probedAt time.Time
	probeErr error

	// record, when set (only by tests: queryplan_test.go), is called with every statement a
	// connection runs and its arguments, so a test can check the plans of all the store's SQL.
	record atomic.Pointer[func(query string, args []driver.NamedValue)]
}

// recordStatement passes a statement to the test-only recorder, if one is set.
func (h *health) recordStatement(query string, args []driver.NamedValue) {
	if h == nil {
		return
	}
	if f := h.record.Load(); f != nil {
		(*f)(query, args)
	}
}

const (
	defaultProbeEvery  = 5 * time.Second
	defaultFaultWindow = 10 * time.Second
)

func (h *health) fault() { h.lastFault.Store(h.now().UnixNano()) }

// ready reports why the database cannot take writes now, or nil. probe is a real write that is
// rolled back; it runs at most once every probeEvery, however often readiness is asked.
func (h *health) ready(ctx context.Context, probe func(context.Context) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if h.probedAt.IsZero() || now.Sub(h.probedAt) >= h.probeEvery {
		err := probe(ctx)
		if ctx.Err() != nil {
			// The caller gave up (a long write held the lock): not ready now, but this says
			// nothing about the storage, so the next caller probes again.
			return err
		}
		h.probeErr, h.probedAt = err, now
	}
	if h.probeErr != nil {
		return h.probeErr
	}
	if last := h.lastFault.Load(); last != 0 && now.Sub(time.Unix(0, last)) < h.faultWindow {
		return mgz.Errorf(mgz.ECodeStorageUnavailable, "Een schrijfactie op de database mislukte %s geleden door een opslagfout.",
			now.Sub(time.Unix(0, last)).Round(time.Millisecond))
	}
	return nil
}

// probePayload is larger than a few database pages, so the probe needs pages the database does
// not have free when the disk (or max_page_count) is full.
var probePayload = strings.Repeat("mgz-schrijftest ", 1500)

// writeProbe inserts a row that needs fresh pages and rolls it back: it fails like a real write
// on a full, read-only or corrupt database, and leaves nothing behind.
func (db *DB) writeProbe(ctx context.Context) error {
	if err := db.turn.take(ctx); err != nil {
		return err
	}
	defer db.turn.release()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schrijftest starten: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, "INSERT INTO storage_probe (payload) VALUES ($1)", probePayload); err != nil {
		return fmt.Errorf("schrijftest: %w", err)
	}
	return nil
}

// Ready reports whether the database answers and can take writes: nil, or a storage_unavailable
// error while writes fail (a failed write probe, or a storage fault met by any operation in the
// last seconds). It recovers by itself once writes succeed again.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return err
	}
	return db.health.ready(ctx, db.writeProbe)
}

// faultConnector opens driver connections whose errors pass through classify.
type faultConnector struct {
	inner   driver.Connector
	h       *health
	dialect dialect
}

func (c *faultConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, classify(c.h, c.dialect, err)
	}
	return &faultConn{conn: conn, h: c.h, dialect: c.dialect}, nil
}

func (c *faultConnector) Driver() driver.Driver { return c.inner.Driver() }

// faultConn wraps a driver connection; it implements the optional interfaces database/sql uses
// that the wrapped connection implements (modernc.org/sqlite implements all of these).
//
// After a storage fault inside a transaction SQLite may already have rolled the transaction
// back by itself; a later statement would then run, and commit, on its own. So the first fault
// in a transaction breaks it: every later statement returns that fault, and Commit rolls back
// and returns it. database/sql uses a connection from one goroutine at a time.
type faultConn struct {
	conn    driver.Conn
	h       *health
	dialect dialect
	inTx    bool
	broken  error // the storage fault that broke the open transaction
}

var (
	_ driver.ConnBeginTx        = (*faultConn)(nil)
	_ driver.ConnPrepareContext = (*faultConn)(nil)
	_ driver.ExecerContext      = (*faultConn)(nil)
	_ driver.QueryerContext     = (*faultConn)(nil)
	_ driver.Pinger             = (*faultConn)(nil)
	_ driver.SessionResetter    = (*faultConn)(nil)
	_ driver.Validator          = (*faultConn)(nil)
	_ driver.NamedValueChecker  = (*faultConn)(nil)
)

// check classifies err, and remembers a storage fault met inside a transaction.
func (c *faultConn) check(err error) error {
	if c.inTx && c.dialect == dialectPostgres && errors.Is(err, driver.ErrBadConn) {
		// database/sql begins a statement again on another connection only outside a
		// transaction; inside one, the lost connection took the transaction with it, and the
		// caller must hear that as a storage fault (503), not as an error of its own (500).
		if c.h != nil {
			c.h.fault()
		}
		err = &faultError{public: &mgz.Error{Code: mgz.ECodeStorageUnavailable, Message: pgUnreachable}, cause: err}
	} else {
		err = classify(c.h, c.dialect, err)
	}
	var fe *faultError
	if c.inTx && c.broken == nil && errors.As(err, &fe) {
		c.broken = err
	}
	return err
}

// checkCtx is check for an error of a call made with ctx. On PostgreSQL, an error of a call whose
// context ended is the caller leaving, not a storage fault, whatever the server answered (the
// cancel request makes it answer query_canceled; the connection stays usable): it is returned
// wrapping ctx.Err(), so that errors.Is(err, context.Canceled) holds as on SQLite.
func (c *faultConn) checkCtx(ctx context.Context, err error) error {
	if err != nil && c.dialect == dialectPostgres {
		if cerr := ctx.Err(); cerr != nil {
			if errors.Is(err, cerr) {
				return err
			}
			return fmt.Errorf("%w (%w)", cerr, err)
		}
	}
	return c.check(err)
}

func (c *faultConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *faultConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	var st driver.Stmt
	var err error
	if p, ok := c.conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.conn.Prepare(query)
	}
	if err != nil {
		return nil, c.checkCtx(ctx, err)
	}
	return &faultStmt{stmt: st, c: c, query: query}, nil
}

func (c *faultConn) Close() error { return c.conn.Close() }

func (c *faultConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *faultConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := c.conn.(driver.ConnBeginTx)
	if !ok {
		return nil, errors.New("sqlite: the driver cannot begin a transaction with a context")
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, c.beginFailed(ctx, err)
	}
	if c.dialect == dialectPostgres {
		// Writers take turns, as on SQLite (postgres.go, writeLockKey).
		e, ok := c.conn.(driver.ExecerContext)
		if !ok {
			_ = tx.Rollback()
			return nil, errors.New("sqlstore: the PostgreSQL driver cannot execute a statement with a context")
		}
		if _, err := e.ExecContext(ctx, takeWriteLock, nil); err != nil {
			_ = tx.Rollback()
			return nil, c.beginFailed(ctx, err)
		}
	}
	c.inTx, c.broken = true, nil
	return &faultTx{tx: tx, c: c}, nil
}

// beginFailed is checkCtx for an error while a transaction begins. On PostgreSQL, a connection
// the server ended while it sat in the pool (a restart, a failover, pg_terminate_backend within
// the second before pgx pings an idle connection) is reported as driver.ErrBadConn: nothing of
// the transaction ran yet, so database/sql begins it again on another connection.
func (c *faultConn) beginFailed(ctx context.Context, err error) error {
	if c.dialect == dialectPostgres && ctx.Err() == nil && pgConnectionGone(err) {
		return driver.ErrBadConn
	}
	return c.checkCtx(ctx, err)
}

// CheckNamedValue gives PostgreSQL a Go bool as 0 or 1, as SQLite stores flags (the columns are
// integers on both). Every other value takes database/sql's default conversion.
func (c *faultConn) CheckNamedValue(nv *driver.NamedValue) error {
	if c.dialect == dialectPostgres {
		switch v := nv.Value.(type) {
		case bool:
			nv.Value = int64(0)
			if v {
				nv.Value = int64(1)
			}
			return nil
		case []int64, []*int64, []string: // arrays for unnest (insertAuditRows): pgx encodes them
			return nil
		}
	}
	return driver.ErrSkip
}

func (c *faultConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	if c.broken != nil {
		return nil, c.broken
	}
	c.h.recordStatement(query, args)
	res, err := e.ExecContext(ctx, query, args)
	if c.retryStale(err) {
		res, err = e.ExecContext(ctx, query, args)
	}
	return res, c.checkCtx(ctx, err)
}

func (c *faultConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	if c.broken != nil {
		return nil, c.broken
	}
	c.h.recordStatement(query, args)
	rows, err := q.QueryContext(ctx, query, args)
	if c.retryStale(err) {
		rows, err = q.QueryContext(ctx, query, args)
	}
	if err != nil {
		return nil, c.checkCtx(ctx, err)
	}
	return &faultRows{rows: rows, c: c}, nil
}

// retryStale reports whether a statement that failed with err is run once more: on PostgreSQL,
// outside a transaction, when pgx's prepared statement of it (postgres.go) would now return rows
// of another shape because a migration changed a table it reads (PostgreSQL plans a prepared
// statement again by itself for any other change). pgx drops the statement on that error, so
// the second run prepares it anew. Inside a transaction the error has ended the transaction.
func (c *faultConn) retryStale(err error) bool {
	return err != nil && c.dialect == dialectPostgres && !c.inTx && pgStaleStatement(err)
}

func (c *faultConn) Ping(ctx context.Context) error {
	if p, ok := c.conn.(driver.Pinger); ok {
		return c.checkCtx(ctx, p.Ping(ctx))
	}
	return nil
}

func (c *faultConn) ResetSession(ctx context.Context) error {
	if r, ok := c.conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *faultConn) IsValid() bool {
	if v, ok := c.conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type faultTx struct {
	tx driver.Tx
	c  *faultConn
}

// Commit commits, unless a storage fault broke the transaction: then it rolls back (whatever
// SQLite left of it) and returns the fault, so that nothing is acknowledged that is not stored.
func (t *faultTx) Commit() error {
	defer t.end()
	if broken := t.c.broken; broken != nil {
		_ = t.tx.Rollback()
		return broken
	}
	err := t.tx.Commit()
	if err != nil && t.c.dialect == dialectPostgres && (pgConnectionGone(err) || errors.Is(err, driver.ErrBadConn)) {
		// The connection went while COMMIT was under way: the server may have committed before
		// it went. Nothing is half-written (PostgreSQL commits a transaction whole or not at
		// all), but whether it was stored is unknown, and the answer says so.
		if t.c.h != nil {
			t.c.h.fault()
		}
		return &faultError{public: &mgz.Error{Code: mgz.ECodeStorageUnavailable, Message: pgCommitUnknown}, cause: err}
	}
	return t.c.check(err)
}

func (t *faultTx) Rollback() error {
	defer t.end()
	if t.c.broken != nil {
		_ = t.tx.Rollback() // SQLite may have rolled back already: "no transaction is active"
		return nil
	}
	return t.c.check(t.tx.Rollback())
}

func (t *faultTx) end() { t.c.inTx, t.c.broken = false, nil }

type faultStmt struct {
	stmt  driver.Stmt
	c     *faultConn
	query string // for the test-only recorder
}

var (
	_ driver.StmtExecContext  = (*faultStmt)(nil)
	_ driver.StmtQueryContext = (*faultStmt)(nil)
)

func (s *faultStmt) Close() error  { return s.stmt.Close() }
func (s *faultStmt) NumInput() int { return s.stmt.NumInput() }

// Exec and Query are required by driver.Stmt; database/sql calls the context forms below.
func (s *faultStmt) Exec(args []driver.Value) (driver.Result, error) {
	if s.c.broken != nil {
		return nil, s.c.broken
	}
	res, err := s.stmt.Exec(args)
	return res, s.c.check(err)
}

func (s *faultStmt) Query(args []driver.Value) (driver.Rows, error) {
	if s.c.broken != nil {
		return nil, s.c.broken
	}
	rows, err := s.stmt.Query(args)
	if err != nil {
		return nil, s.c.check(err)
	}
	return &faultRows{rows: rows, c: s.c}, nil
}

func (s *faultStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	e, ok := s.stmt.(driver.StmtExecContext)
	if !ok {
		return nil, errors.New("sqlite: the driver cannot execute a statement with a context")
	}
	if s.c.broken != nil {
		return nil, s.c.broken
	}
	s.c.h.recordStatement(s.query, args)
	res, err := e.ExecContext(ctx, args)
	return res, s.c.checkCtx(ctx, err)
}

func (s *faultStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := s.stmt.(driver.StmtQueryContext)
	if !ok {
		return nil, errors.New("sqlite: the driver cannot run a query with a context")
	}
	if s.c.broken != nil {
		return nil, s.c.broken
	}
	s.c.h.recordStatement(s.query, args)
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		return nil, s.c.checkCtx(ctx, err)
	}
	return &faultRows{rows: rows, c: s.c}, nil
}

// faultRows classifies errors met while stepping through rows (a corrupt page is often found
// there); io.EOF, the end of the rows, is not a driver error and passes unchanged.
type faultRows struct {
	rows driver.Rows
	c    *faultConn
}

func (r *faultRows) Columns() []string              { return r.rows.Columns() }
func (r *faultRows) Close() error                   { return r.c.check(r.rows.Close()) }
func (r *faultRows) Next(dest []driver.Value) error { return r.c.check(r.rows.Next(dest)) }
