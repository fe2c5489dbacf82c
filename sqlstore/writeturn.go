package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
)

// On SQLite every transaction takes the database's write lock at BEGIN (_txlock=immediate). A
// connection that finds the lock taken does not wait for it to be released: SQLite's busy handler
// sleeps and tries again, 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms at a time.
// Under a mixed load the group commit of audited reads and the writes of requests met all the
// time, and a writer that lost slept up to a quarter of a second after the lock was free again
// (issue 14: p99 of writes 230 ms at 1,000 req/s with 10% writes).
//
// Transactions of this process therefore take turns before they begin, on a Go semaphore that
// hands the turn over the moment it is released; SQLite's busy handler is left for writers in
// other processes (mgz import, mgz backup). A transaction waits for its turn as long as its
// context allows, and at most writeTurnWait, as long as SQLite's busy timeout: a transaction
// that would wait for one the same goroutine holds fails then, as it did before, instead of
// hanging.
const writeTurnWait = 10 * time.Second

// writeTurn is the turn to write of one SQLite database; nil on PostgreSQL, where writers take
// turns on an advisory lock (postgres.go).
type writeTurn chan struct{}

func newWriteTurn() writeTurn { return make(writeTurn, 1) }

// take waits for the turn; release gives it back.
func (w writeTurn) take(ctx context.Context) error {
	if w == nil {
		return nil
	}
	select {
	case w <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(writeTurnWait)
	defer t.Stop()
	select {
	case w <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("transactie starten: %w", ctx.Err())
	case <-t.C:
		return mgz.Errorf(mgz.ECodeStorageUnavailable, "De database is bezet: een andere bewerking duurt te lang. Probeer het zo opnieuw.")
	}
}

func (w writeTurn) release() {
	if w != nil {
		<-w
	}
}

// inTx runs fn in a transaction of db in this process's turn (see above).
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := db.turn.take(ctx); err != nil {
		return err
	}
	defer db.turn.release()
	return inTx(ctx, db.sql, fn)
}
