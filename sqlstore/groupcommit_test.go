package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// readEntry is an audit entry of a read, told apart by its reason.
func readEntry(reason string) *mgz.AuditEntry {
	return &mgz.AuditEntry{Action: mgz.AuditRead, ObjectType: "patient", ObjectID: 7, PatientID: 7, UserEmail: "lezer@test.example",
		Roles: "admin", Outcome: mgz.OutcomeAllowed, ClientAddress: "127.0.0.1", Reason: reason}
}

// queued is the number of requests waiting for the committer.
func (g *groupCommitter) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

// waitUntil polls cond for at most ten seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// holdFirstTake makes the committer wait before its first batch until n requests are queued and
// release is closed (nil: not at all).
func holdFirstTake(db *DB, n int, release chan struct{}) {
	var once sync.Once
	db.group.testBeforeTake = func() {
		once.Do(func() {
			for db.group.queued() < n {
				time.Sleep(time.Millisecond)
			}
			if release != nil {
				<-release
			}
		})
	}
}

// reasons returns how often each reason is stored, and checks the chain.
func storedReasons(t *testing.T, db *DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Store().AuditLog().Verify(ctx); err != nil {
		t.Fatalf("the chain does not verify: %v", err)
	}
	got := map[string]int{}
	if err := db.Store().Audit().Each(ctx, mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		got[e.Reason]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestGroupCommitStoresEveryConcurrentEntryOnceInFewCommits(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	// 1,500 callers queue before the committer takes anything: two batches (1,000 + 500).
	const n = 1500
	holdFirstTake(db, n, nil)
	entries := make([]*mgz.AuditEntry, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		entries[i] = readEntry(fmt.Sprintf("lezing %d", i))
		wg.Go(func() { errs[i] = db.Store().Audit().Append(ctx, entries[i]) })
	}
	wg.Wait()
	ids := map[int64]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if entries[i].ID == 0 || ids[entries[i].ID] {
			t.Fatalf("append %d returned without a (unique) id: %d", i, entries[i].ID)
		}
		ids[entries[i].ID] = true
	}
	got := storedReasons(t, db)
	for i := range n {
		if r := fmt.Sprintf("lezing %d", i); got[r] != 1 {
			t.Fatalf("entry %q stored %d times, want once", r, got[r])
		}
	}
	if c := db.group.commits.Load(); c != 2 {
		t.Fatalf("%d entries took %d commits, want 2 (batches of at most %d)", n, c, maxBatchEntries)
	}
}

func TestGroupCommitNeverSplitsAnAppendAll(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	const callers, each = 40, 30 // 1,200 entries: more than one batch, so a split would show
	holdFirstTake(db, callers, nil)
	reqs := make([][]*mgz.AuditEntry, callers)
	var wg sync.WaitGroup
	for i := range callers {
		for j := range each {
			reqs[i] = append(reqs[i], readEntry(fmt.Sprintf("lijst %d regel %d", i, j)))
		}
		wg.Go(func() {
			if err := db.Store().Audit().AppendAll(ctx, reqs[i]); err != nil {
				t.Errorf("AppendAll %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for i, es := range reqs {
		for j, e := range es {
			if e.ID != es[0].ID+int64(j) {
				t.Fatalf("request %d: entry %d has id %d, want %d: the request was split or reordered", i, j, e.ID, es[0].ID+int64(j))
			}
		}
	}
	if got := storedReasons(t, db); len(got) != callers*each {
		t.Fatalf("%d distinct entries stored, want %d", len(got), callers*each)
	}
	if c := db.group.commits.Load(); c != 2 {
		t.Fatalf("%d commits, want 2: 33 requests of 30 fit in a batch of %d, the other 7 in the next", c, maxBatchEntries)
	}
}

// openReadOnly opens the database at dsn so that it serves reads and refuses every write as a
// storage fault: a SQLite file opened query_only (tests run as root, to whom chmod does not stop
// writes), or a PostgreSQL database whose transactions are read-only, as on a standby.
func openReadOnly(t *testing.T, dsn string) *DB {
	t.Helper()
	ctx := context.Background()
	if !IsPostgres(dsn) {
		db, err := open(ctx, dsn, "_pragma=query_only(1)")
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	u.RawQuery = q.Encode()
	db, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestGroupCommitFailureFailsEveryCallerOfTheBatch(t *testing.T) {
	path := storetest.DSN(t)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Store().Audit().Append(ctx, readEntry("voor de fout")); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The database becomes read-only: the batch's transaction cannot be written.
	ro := openReadOnly(t, path)
	const n = 20
	holdFirstTake(ro, n, nil)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = ro.Store().Audit().Append(ctx, readEntry(fmt.Sprintf("mislukt %d", i))) })
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Fatalf("caller %d was told its entry is stored, in a batch that failed", i)
		}
		if mgz.ErrorCode(err) != mgz.ECodeStorageUnavailable {
			t.Errorf("caller %d: %v, want a storage fault", i, err)
		}
	}
	if c := ro.group.commits.Load(); c != 0 {
		t.Fatalf("%d commits on a read-only database", c)
	}
	ro.Close()

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := storedReasons(t, db); len(got) != 1 || got["voor de fout"] != 1 {
		t.Fatalf("after the failed batch the log holds %v, want only the entry before it", got)
	}
}

func TestGroupCommitCallerLeavingWhileQueuedWritesNothing(t *testing.T) {
	db, _ := openTestDB(t)
	release := make(chan struct{})
	holdFirstTake(db, 0, release)
	cctx, cancel := context.WithCancel(context.Background())
	leaving, staying := make(chan error, 1), make(chan error, 1)
	go func() { leaving <- db.Store().Audit().Append(cctx, readEntry("weggegaan")) }()
	waitUntil(t, "the first request is queued", func() bool { return db.group.queued() == 1 })
	go func() { staying <- db.Store().Audit().Append(context.Background(), readEntry("gebleven")) }()
	waitUntil(t, "both requests are queued", func() bool { return db.group.queued() == 2 })
	cancel()
	if err := <-leaving; !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller that left while queued got %v, want context.Canceled", err)
	}
	close(release)
	if err := <-staying; err != nil {
		t.Fatal(err)
	}
	if got := storedReasons(t, db); got["weggegaan"] != 0 || got["gebleven"] != 1 {
		t.Fatalf("stored %v: the request taken out of the queue was written, or the other was not", got)
	}
}

func TestGroupCommitQueueIsBounded(t *testing.T) {
	db, _ := openTestDB(t)
	db.group.maxQueued = 3
	release := make(chan struct{})
	holdFirstTake(db, 0, release)
	ctx := context.Background()
	res := make(chan error, 4)
	for i := range 4 {
		go func() { res <- db.Store().Audit().Append(ctx, readEntry(fmt.Sprintf("in de rij %d", i))) }()
	}
	waitUntil(t, "the queue is full", func() bool { return db.group.queued() == 3 })
	// A fifth caller finds no room: it waits, and leaves when its context ends, writing nothing.
	cctx, cancel := context.WithCancel(ctx)
	full := make(chan error, 1)
	go func() { full <- db.Store().Audit().Append(cctx, readEntry("geen plaats")) }()
	time.Sleep(20 * time.Millisecond)
	if q := db.group.queued(); q != 3 {
		t.Fatalf("%d requests queued, want at most 3", q)
	}
	cancel()
	if err := <-full; !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller waiting for room got %v, want context.Canceled", err)
	}
	close(release)
	for range 4 {
		if err := <-res; err != nil {
			t.Fatal(err)
		}
	}
	got := storedReasons(t, db)
	if len(got) != 4 || got["geen plaats"] != 0 {
		t.Fatalf("stored %v, want the four queued entries and not the one that found no room", got)
	}
}

func TestGroupCommitCallerLeavingAfterTheTakeWaitsForTheCommit(t *testing.T) {
	db, _ := openTestDB(t)
	taken, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	db.group.testBeforeCommit = func() { once.Do(func() { close(taken); <-release }) }
	cctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- db.Store().Audit().Append(cctx, readEntry("genomen")) }()
	<-taken
	cancel()
	select {
	case err := <-res:
		t.Fatalf("the caller returned (%v) before the commit of its taken entry", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if err := <-res; err != nil {
		t.Fatalf("a caller whose entry was taken and committed got %v, want nil", err)
	}
	if got := storedReasons(t, db); got["genomen"] != 1 {
		t.Fatalf("stored %v, want the taken entry once", got)
	}
}

func TestCloseDrainsTheGroupCommitQueue(t *testing.T) {
	path := storetest.DSN(t)
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	release := make(chan struct{})
	holdFirstTake(db, n, release)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = db.Store().Audit().Append(ctx, readEntry(fmt.Sprintf("bij sluiten %d", i))) })
	}
	waitUntil(t, "every request is queued", func() bool { return db.group.queued() == n })
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	waitUntil(t, "Close has begun", func() bool { db.group.mu.Lock(); defer db.group.mu.Unlock(); return db.group.closing })
	close(release)
	wg.Wait()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("queued request %d failed at Close: %v", i, err)
		}
	}
	if err := db.Store().Audit().Append(ctx, readEntry("na sluiten")); !errors.Is(err, errClosed) {
		t.Fatalf("append after Close: %v, want errClosed", err)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := storedReasons(t, db)
	for i := range n {
		if r := fmt.Sprintf("bij sluiten %d", i); got[r] != 1 {
			t.Fatalf("%q stored %d times after Close, want once", r, got[r])
		}
	}
}

// TestGroupCommittedReadsAndAuditedChangesShareOneChain mixes changes audited in their own
// transaction (Service.audited) with concurrent group-committed reads: SQLite's write lock
// serialises them and each reads the head inside its transaction, so the chain stays whole.
func TestGroupCommittedReadsAndAuditedChangesShareOneChain(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	svc := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	reg := svc.Register(service.System())
	const writers, changes, readers, reads = 2, 15, 6, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range changes {
				o := mgz.Organisation{Kind: mgz.KindCareOffice, Name: fmt.Sprintf("Zorgkantoor Keten %d-%d", w, i), KvK: fmt.Sprintf("%08d", 88100000+100*w+i),
					Address: "Ketenweg 1", Postcode: "9901 AB", City: "Voorbeeldstad", Phone: "0120 555000", CareOfficeRegion: "Regio Keten"}
				if err := reg.CreateOrganisation(ctx, &o); err != nil {
					t.Errorf("audited change: %v", err)
					return
				}
			}
		})
	}
	for r := range readers {
		wg.Go(func() {
			for i := range reads {
				if err := db.Store().Audit().Append(ctx, readEntry(fmt.Sprintf("lezing %d-%d", r, i))); err != nil {
					t.Errorf("group-committed read: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	n, err := db.Store().AuditLog().Verify(ctx)
	if err != nil {
		t.Fatalf("the chain does not verify after mixed writers: %v", err)
	}
	if want := writers*changes + readers*reads; n != want {
		t.Fatalf("%d entries, want %d", n, want)
	}
}

// BenchmarkAuditAppendParallel compares group commit with one commit per entry (the way every
// read was audited before issue 14), in entries per second.
func BenchmarkAuditAppendParallel(b *testing.B) {
	for _, mode := range []string{"group", "one-commit-per-entry"} {
		b.Run(mode, func(b *testing.B) {
			path := storetest.DSN(b)
			ctx := context.Background()
			db, err := Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			b.SetParallelism(16) // many requests in flight, as under load
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					e := readEntry("bench")
					var err error
					if mode == "group" {
						err = db.Store().Audit().Append(ctx, e)
					} else {
						err = inTx(ctx, db.sql, func(tx *sql.Tx) error { return appendChain(ctx, db, tx, []*mgz.AuditEntry{e}) })
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "entries/s")
			if mode == "group" && b.N > 0 {
				b.ReportMetric(float64(b.N)/float64(max(db.group.commits.Load(), 1)), "entries/commit")
			}
		})
	}
}

// TestAuditChainStaysOrderedWithTwoStoresOnOnePostgresDatabase runs two mgz instances on one
// PostgreSQL database, each with audited changes in their own transactions and concurrent
// group-committed reads: the advisory write lock makes them take turns across instances, so the
// chain is one, gap-free and in order, and both instances verify it.
func TestAuditChainStaysOrderedWithTwoStoresOnOnePostgresDatabase(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	const writers, changes, readers, reads = 2, 10, 4, 25
	var wg sync.WaitGroup
	for d, db := range dbs {
		reg := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}).Register(service.System())
		for w := range writers {
			wg.Go(func() {
				for i := range changes {
					o := mgz.Organisation{Kind: mgz.KindCareOffice, Name: fmt.Sprintf("Zorgkantoor Keten %d-%d-%d", d, w, i),
						KvK: fmt.Sprintf("%08d", 88100000+1000*d+100*w+i), Address: "Ketenweg 1", Postcode: "9901 AB", City: "Voorbeeldstad",
						Phone: "0120 555000", CareOfficeRegion: "Regio Keten"}
					if err := reg.CreateOrganisation(ctx, &o); err != nil {
						t.Errorf("audited change on instance %d: %v", d, err)
						return
					}
				}
			})
		}
		for r := range readers {
			wg.Go(func() {
				for i := range reads {
					if err := db.Store().Audit().Append(ctx, readEntry(fmt.Sprintf("lezing %d-%d-%d", d, r, i))); err != nil {
						t.Errorf("group-committed read on instance %d: %v", d, err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	want := len(dbs) * (writers*changes + readers*reads)
	for d, db := range dbs {
		n, err := db.Store().AuditLog().Verify(ctx)
		if err != nil {
			t.Fatalf("the chain does not verify on instance %d: %v", d, err)
		}
		if n != want {
			t.Fatalf("instance %d verified %d entries, want %d", d, n, want)
		}
	}
	var lo, hi, count int
	if err := dbs[0].sql.QueryRowContext(ctx, "SELECT MIN(id), MAX(id), COUNT(*) FROM audit_log").Scan(&lo, &hi, &count); err != nil {
		t.Fatal(err)
	}
	if lo != 1 || hi != want || count != want {
		t.Fatalf("audit ids %d..%d, %d rows; want 1..%d without gaps", lo, hi, count, want)
	}
	got := storedReasons(t, dbs[1])
	for d := range dbs {
		for r := range readers {
			for i := range reads {
				if reason := fmt.Sprintf("lezing %d-%d-%d", d, r, i); got[reason] != 1 {
					t.Fatalf("%q stored %d times, want once", reason, got[reason])
				}
			}
		}
	}
}
