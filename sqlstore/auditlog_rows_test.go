package sqlstore

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// Entries appended together (on PostgreSQL in one statement, as arrays) read back field for
// field as they were sealed, absent ids as absent, and the chain verifies.
func TestAuditEntriesAppendedTogetherReadBackExactly(t *testing.T) {
	db, _ := openTestDB(t)
	checkAppendedTogether(t, db)
}

// The same through pgx's simple protocol (a URL for a pooler in transaction mode): the arrays
// are sent as literals.
func TestPostgresAuditEntriesAppendedTogetherThroughTheSimpleProtocol(t *testing.T) {
	db := openSimpleProtocol(t)
	checkAppendedTogether(t, db)
}

func checkAppendedTogether(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 10, 0, 0, 123_000_000, time.UTC)
	es := []*mgz.AuditEntry{
		{At: at, UserID: 7, UserEmail: "a@voorbeeld.test", OrganisationID: 3, Roles: "viewer", Action: mgz.AuditRead,
			ObjectType: "patient", ObjectID: 11, ObjectOrganisationID: 3, PatientID: 11, Outcome: "allowed", ClientAddress: "10.0.0.1", Reason: "in een lijst"},
		{At: at, Action: mgz.AuditRead, ObjectType: "location", Outcome: "allowed", Reason: "zonder gebruiker, 'quotes', {accolades} en \"aanhalingstekens\""},
		{At: at.Add(time.Millisecond), UserID: 8, OnBehalfOf: "Dr. Ó'Brien", Action: mgz.AuditRead, ObjectType: "patient", PatientID: 12, Outcome: "denied", Reason: "NULL"},
	}
	if err := db.Store().Audit().AppendAll(ctx, es); err != nil {
		t.Fatal(err)
	}
	if n, err := (&AuditLog{scope{db: db}}).Verify(ctx); err != nil || n != len(es) {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
	got, total, err := db.Store().Audit().Entries(ctx, mgz.AuditFilter{Page: mgz.Page{Limit: 10}})
	if err != nil || total != len(es) {
		t.Fatalf("entries: %d (%v)", total, err)
	}
	byID := map[int64]mgz.AuditEntry{}
	for _, e := range got {
		byID[e.ID] = e
	}
	for _, want := range es {
		g, ok := byID[want.ID]
		if !ok {
			t.Fatalf("entry %d not read back", want.ID)
		}
		w := *want
		g.At, w.At = g.At.UTC(), w.At.UTC()
		if !reflect.DeepEqual(g, w) {
			t.Errorf("entry %d read back as\n%+v\nwant\n%+v", want.ID, g, w)
		}
	}
}
