package sqlstore

import (
	"context"
	"sync"
	"time"
)

// SQLite in WAL mode appends every commit to the -wal file and copies those pages into the
// database file in a checkpoint. By default the commit that takes the WAL past 1,000 pages runs
// that checkpoint itself, before it returns: it writes the pages to the database file and waits
// for their fsync, while it still holds the write lock. Under a mixed load every writer queued
// behind it (a change, or the group commit that makes the audit entries of reads durable) waited
// too, which put the tail of the write latency at 60–280 ms (issue 14, 1,000 req/s with 10%
// writes).
//
// Every connection therefore has wal_autocheckpoint off (pragmas), and one goroutine per DB runs
// a PASSIVE checkpoint every checkpointEvery on a connection of its own. PASSIVE takes no lock
// that a writer or reader waits for: it copies what no reader still needs and leaves the rest for
// the next round, and SQLite starts the WAL from the beginning again once a checkpoint has copied
// everything. The last connection to close still checkpoints everything (DB.Close).
const checkpointEvery = time.Second

// checkpointer runs the background checkpoints of one DB.
type checkpointer struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// rounds counts the checkpoints run, for tests.
	mu     sync.Mutex
	rounds int
}

// startCheckpointer starts the background checkpoints of db (SQLite only).
func (db *DB) startCheckpointer(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{cancel: cancel}
	db.checkpoints = c
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// An error is a storage fault the connection has already counted (faults.go, Ready);
			// the next round tries again.
			if _, err := db.sql.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err == nil {
				c.mu.Lock()
				c.rounds++
				c.mu.Unlock()
			}
		}
	}()
}

// stop ends the background checkpoints and waits for a running one.
func (c *checkpointer) stop() {
	if c == nil {
		return
	}
	c.cancel()
	c.wg.Wait()
}

// count is the number of checkpoints run so far.
func (c *checkpointer) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rounds
}
