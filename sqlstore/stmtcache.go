package sqlstore

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCacheSize bounds the prepared statements kept per database. Most SQL texts of the store
// are constants; some are built from a filter, so the cache evicts the least recently used.
const stmtCacheSize = 256

// txStmtCacheSize bounds the statements kept per transaction; a transaction that runs more
// distinct texts runs the rest unprepared.
const txStmtCacheSize = 64

// stmtCache keeps one *sql.Stmt per SQL text, so that a request does not parse the same SQL
// again: database/sql prepares a Stmt on each connection the first time it runs there and keeps
// it. Statements in use are counted, so that an evicted one is closed only when its last user
// is done.
type stmtCache struct {
	db  *sql.DB
	max int

	mu     sync.Mutex
	lru    *list.List // of *cachedStmt, most recently used first
	byText map[string]*list.Element
	closed bool
}

type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	refs    int
	evicted bool
}

func newStmtCache(db *sql.DB, max int) *stmtCache {
	return &stmtCache{db: db, max: max, lru: list.New(), byText: map[string]*list.Element{}}
}

// acquire returns the prepared statement of query, preparing it when needed, or nil when it
// cannot be prepared (the caller then runs query unprepared and meets the same error there).
// Every statement acquired is released.
func (c *stmtCache) acquire(ctx context.Context, query string) *cachedStmt {
	c.mu.Lock()
	if el, ok := c.byText[query]; ok {
		c.lru.MoveToFront(el)
		e := el.Value.(*cachedStmt)
		e.refs++
		c.mu.Unlock()
		return e
	}
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		st.Close()
		return nil
	}
	if el, ok := c.byText[query]; ok { // prepared at the same time by another request
		st.Close()
		e := el.Value.(*cachedStmt)
		e.refs++
		return e
	}
	e := &cachedStmt{query: query, stmt: st, refs: 1}
	c.byText[query] = c.lru.PushFront(e)
	for c.lru.Len() > c.max {
		c.evictLocked(c.lru.Back())
	}
	return e
}

// lookup is acquire without preparing: nil when query has no statement yet.
func (c *stmtCache) lookup(query string) *cachedStmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byText[query]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	e := el.Value.(*cachedStmt)
	e.refs++
	return e
}

// release ends a use of e begun by acquire or lookup.
func (c *stmtCache) release(e *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.refs--
	if e.evicted && e.refs == 0 {
		e.stmt.Close()
	}
}

func (c *stmtCache) evictLocked(el *list.Element) {
	e := c.lru.Remove(el).(*cachedStmt)
	delete(c.byText, e.query)
	e.evicted = true
	if e.refs == 0 {
		e.stmt.Close()
	}
}

// len returns the number of statements kept, for tests.
func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// close closes every statement; later calls run unprepared.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for c.lru.Len() > 0 {
		c.evictLocked(c.lru.Back())
	}
}

// txStatements maps each transaction in flight, begun by inTx, to its statements: Tx.StmtContext
// gives a statement of the database cache to the transaction's connection, and the transaction
// keeps every such statement until it ends, so each text is asked for once per transaction (an
// import runs the same few statements many thousand times in one). inTx, which begins and ends
// every transaction of the package, adds and removes the entry, so the map only holds
// transactions in flight.
var txStatements sync.Map // *sql.Tx → *txStmts

type txStmts struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// cachedQuerier runs SQL through the statement cache of db, inside tx when it is set.
type cachedQuerier struct {
	db *DB
	tx *sql.Tx
}

func (q cachedQuerier) plain() querier {
	if q.tx != nil {
		return q.tx
	}
	return q.db.sql
}

// stmt returns the prepared statement for query and the function that ends its use, or nil when
// query runs unprepared.
func (q cachedQuerier) stmt(ctx context.Context, query string) (*sql.Stmt, func()) {
	if q.db.stmts == nil {
		return nil, nil
	}
	if q.tx == nil {
		e := q.db.stmts.acquire(ctx, query)
		if e == nil {
			return nil, nil
		}
		return e.stmt, func() { q.db.stmts.release(e) }
	}
	v, ok := txStatements.Load(q.tx)
	if !ok || ctx.Err() != nil {
		return nil, nil // a transaction not begun by inTx
	}
	ts := v.(*txStmts)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if st, ok := ts.stmts[query]; ok {
		return st, func() {}
	}
	if len(ts.stmts) >= txStmtCacheSize {
		return nil, nil
	}
	// Never prepare on the database from inside a transaction: that needs a second connection,
	// and transactions holding every connection of a bounded pool would wait for each other.
	// A statement the database already has is given to the transaction's connection; another
	// is prepared on that connection for this transaction only.
	var st *sql.Stmt
	if e := q.db.stmts.lookup(query); e != nil {
		// The transaction's statement keeps the database's alive until the transaction ends,
		// even when the cache evicts it meanwhile.
		st = q.tx.StmtContext(ctx, e.stmt)
		q.db.stmts.release(e)
	} else {
		var err error
		if st, err = q.tx.PrepareContext(ctx, query); err != nil {
			return nil, nil
		}
	}
	ts.stmts[query] = st
	return st, func() {}
}

func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, done := q.stmt(ctx, query)
	if st == nil {
		return q.plain().ExecContext(ctx, query, args...)
	}
	defer done()
	return st.ExecContext(ctx, args...)
}

func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, done := q.stmt(ctx, query)
	if st == nil {
		return q.plain().QueryContext(ctx, query, args...)
	}
	defer done() // open rows keep the statement open themselves
	return st.QueryContext(ctx, args...)
}

func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, done := q.stmt(ctx, query)
	if st == nil {
		return q.plain().QueryRowContext(ctx, query, args...)
	}
	defer done()
	return st.QueryRowContext(ctx, args...)
}
