package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestCommitsLeaveCheckpointsToTheBackground: no connection checkpoints in its own commit
// (wal_autocheckpoint is 0), and the background checkpointer still moves what was committed into
// the database file, where a reader that ignores the WAL finds it. Close stops the checkpointer.
func TestCommitsLeaveCheckpointsToTheBackground(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mgz.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var auto int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint = %d (%v), want 0: a commit would checkpoint while holding the write lock", auto, err)
	}
	seedRegion(t, db, 3)
	var want int
	if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM locations").Scan(&want); err != nil || want == 0 {
		t.Fatalf("the seed wrote %d locations (%v)", want, err)
	}

	// The database file alone (immutable: the WAL is not read) holds the rows once a background
	// round has run after the commit.
	fileOnly := func() int {
		ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		var n int
		if err := ro.QueryRow("SELECT COUNT(*) FROM locations").Scan(&n); err != nil {
			return -1 // the table is not in the file yet
		}
		return n
	}
	start := db.checkpoints.count()
	deadline := time.Now().Add(30 * time.Second)
	for db.checkpoints.count() < start+2 {
		if time.Now().After(deadline) {
			t.Fatal("no background checkpoint ran in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := fileOnly(); got != want {
		t.Fatalf("the database file holds %d locations after background checkpoints, want %d", got, want)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after := db.checkpoints.count()
	time.Sleep(2 * checkpointEvery)
	if n := db.checkpoints.count(); n != after {
		t.Fatalf("%d checkpoints ran after Close", n-after)
	}
}
