package sqlstore

import (
	"context"
	"testing"
)

// The pool keeps the connections it opens (database/sql keeps only two idle by default).
func TestPoolKeepsItsConnections(t *testing.T) {
	db, _ := openTestDB(t)
	if got := db.sql.Stats().MaxOpenConnections; got != maxConnections {
		t.Fatalf("max open connections %d, want %d", got, maxConnections)
	}
	ctx := context.Background()
	conns := make([]interface{ Close() error }, 0, 8)
	for range 8 {
		c, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if idle := db.sql.Stats().Idle; idle != 8 {
		t.Fatalf("%d idle connections after 8 were returned, want 8 kept", idle)
	}
}
