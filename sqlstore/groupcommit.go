package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/regio-mgz/mgz"
)

// Group commit of audit entries written outside a transaction (issue 14).
//
// Every read of a patient is audited, and an answer may only be sent once its entry is durable.
// With synchronous=FULL every commit costs an fsync, so one commit per read caps the reads a
// second at the disk's fsync rate. AuditLog.Append and AppendAll outside a transaction therefore
// hand their entries to the database's group committer: one goroutine that takes everything
// queued, writes it in one transaction (chain order = queue order; the head is read inside that
// transaction, under SQLite's write lock, so every other writer of the chain — an audited change
// in its own transaction — comes wholly before or wholly after the batch), commits once, and then
// wakes every caller of the batch with the shared result.
//
// The rules a caller can rely on:
//   - nil means the commit that holds all of the caller's entries succeeded: the entries are durable;
//   - an error means none of the caller's entries is stored. A request (one Append, or one
//     AppendAll with all its entries) is never split over two batches, and a failed commit fails
//     every caller of its batch;
//   - a caller whose context ends while its request still waits in the queue takes it out and gets
//     ctx.Err(): nothing of it is written. Once the committer has taken the request, the caller waits
//     for that one commit whatever its context says, and gets the commit's result. So a caller never
//     leaves with an entry whose fate it does not know, and the commit runs under no caller's
//     context: one caller giving up never undoes the entries of the others;
//   - a batch holds at most maxBatchEntries entries (a single larger AppendAll is a batch alone); at
//     most maxQueuedRequests requests wait, and further callers wait for room or their context;
//   - DB.Close stops taking requests, commits everything already queued, and stops the goroutine.
//     Requests after Close fail with errClosed.
//
// Inside a transaction Append and AppendAll write in the caller's transaction, as before: the
// entry commits (or rolls back) with the change it records.

const (
	// maxBatchEntries bounds one group commit: a batch is one transaction, and the write lock
	// is held while it is written.
	maxBatchEntries = 1000
	// maxQueuedRequests bounds the requests waiting for the committer.
	maxQueuedRequests = 10000
)

var errClosed = errors.New("de database is gesloten: de auditregel is niet geschreven")

// commitRequest is one caller's entries, written whole in one batch or not at all.
type commitRequest struct {
	entries []*mgz.AuditEntry
	done    chan error // buffered: the committer never waits for the caller
	taken   bool       // guarded by groupCommitter.mu: the committer has it, the caller must wait
}

// groupCommitter is the group commit of one DB. Its zero value is ready; the goroutine starts
// with the first request.
type groupCommitter struct {
	once    sync.Once
	db      *DB
	slots   chan struct{} // one per waiting request: the queue's bound
	wake    chan struct{} // capacity 1: there is work, or Close was called
	stopped chan struct{} // closed when the goroutine has drained the queue and ended

	mu      sync.Mutex
	queue   []*commitRequest
	closing bool

	// commits counts successful group commits, for tests and benchmarks.
	commits atomic.Int64
	// maxQueued bounds the waiting requests; zero means maxQueuedRequests (tests lower it).
	maxQueued int
	// testBeforeTake and testBeforeCommit, when set before the first request, run in the
	// committer before it takes a batch and before it writes one: tests hold it there.
	testBeforeTake, testBeforeCommit func()
}

// start starts the goroutine once; it does nothing after Close.
func (g *groupCommitter) start(db *DB) {
	g.once.Do(func() {
		g.mu.Lock()
		closing := g.closing
		g.mu.Unlock()
		if closing {
			return
		}
		g.db = db
		if g.maxQueued == 0 {
			g.maxQueued = maxQueuedRequests
		}
		g.slots = make(chan struct{}, g.maxQueued)
		g.wake = make(chan struct{}, 1)
		g.stopped = make(chan struct{})
		go g.run()
	})
}

// append queues es as one request and waits until it is durable, failed, or (while still
// queued) abandoned by ctx.
func (g *groupCommitter) append(ctx context.Context, db *DB, es []*mgz.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil { // a caller already gone writes nothing
		return err
	}
	g.start(db)
	if g.stopped == nil { // Close came first
		return errClosed
	}
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	r := &commitRequest{entries: es, done: make(chan error, 1)}
	g.mu.Lock()
	if g.closing {
		g.mu.Unlock()
		<-g.slots
		return errClosed
	}
	g.queue = append(g.queue, r)
	g.mu.Unlock()
	g.kick()

	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
	}
	g.mu.Lock()
	if !r.taken {
		g.queue = slices.DeleteFunc(g.queue, func(q *commitRequest) bool { return q == r })
		g.mu.Unlock()
		<-g.slots
		return ctx.Err()
	}
	g.mu.Unlock()
	return <-r.done // taken: its commit decides, and it ends soon
}

func (g *groupCommitter) kick() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// run is the committer: it writes batches until Close has been called and the queue is empty.
func (g *groupCommitter) run() {
	defer close(g.stopped)
	for {
		if g.testBeforeTake != nil {
			g.testBeforeTake()
		}
		batch, closing := g.take()
		if len(batch) == 0 {
			if closing {
				return
			}
			<-g.wake
			continue
		}
		if g.testBeforeCommit != nil {
			g.testBeforeCommit()
		}
		err := g.commit(batch)
		for _, r := range batch {
			r.done <- err
		}
	}
}

// take removes the next batch from the front of the queue: whole requests in queue order, up to
// maxBatchEntries entries (at least one request). It reports whether Close was called.
func (g *groupCommitter) take() ([]*commitRequest, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, entries := 0, 0
	for _, r := range g.queue {
		if n > 0 && entries+len(r.entries) > maxBatchEntries {
			break
		}
		r.taken = true
		n++
		entries += len(r.entries)
	}
	batch := slices.Clone(g.queue[:n])
	g.queue = slices.Delete(g.queue, 0, n)
	for range n {
		<-g.slots
	}
	return batch, g.closing
}

// commit writes the batch's entries onto the chain in one transaction and commits once. It runs
// under no caller's context (see the rules above).
func (g *groupCommitter) commit(batch []*commitRequest) error {
	var es []*mgz.AuditEntry
	for _, r := range batch {
		es = append(es, r.entries...)
	}
	ctx := context.Background()
	err := g.db.inTx(ctx, func(tx *sql.Tx) error { return appendChain(ctx, g.db, tx, es) })
	if err == nil {
		g.commits.Add(1)
	}
	return err
}

// close stops taking requests, lets the goroutine commit what is queued, and waits for it.
func (g *groupCommitter) close() {
	g.mu.Lock()
	g.closing = true
	g.mu.Unlock()
	g.once.Do(func() {}) // never start after Close; wait for a start under way
	if g.stopped == nil {
		return
	}
	g.kick()
	<-g.stopped
}
