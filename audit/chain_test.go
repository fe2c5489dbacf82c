package audit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

func chain(n int) []mgz.AuditEntry {
	var out []mgz.AuditEntry
	prevID, prevHash := int64(0), Genesis
	for i := 0; i < n; i++ {
		e := mgz.AuditEntry{At: time.Date(2026, 11, 23, 10, 0, i, 123456789, time.UTC), UserID: 7, UserEmail: "a@b.nl",
			OrganisationID: 3, Roles: "admin", Action: mgz.AuditUpdate, ObjectType: "location", ObjectID: int64(i + 1),
			ObjectOrganisationID: 3, Outcome: mgz.OutcomeAllowed, ClientAddress: "127.0.0.1"}
		Seal(&e, prevID, prevHash)
		prevID, prevHash = e.ID, e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []mgz.AuditEntry, headID int64, headHash string) error {
	v := NewVerifier()
	for _, e := range es {
		if err := v.Check(e); err != nil {
			return err
		}
	}
	return v.Finish(headID, headHash)
}

func brokenAt(t *testing.T, err error, id int64) {
	t.Helper()
	var b *BrokenError
	if !errors.As(err, &b) || b.ID != id {
		t.Fatalf("error = %v, want the chain broken at row %d", err, id)
	}
}

func TestChainDetectsEveryKindOfTampering(t *testing.T) {
	es := chain(5)
	head := es[4]
	if err := verify(es, head.ID, head.Hash); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	if es[0].At.Nanosecond() != 123000000 {
		t.Errorf("moment not truncated to milliseconds: %v", es[0].At)
	}

	t.Run("a changed field", func(t *testing.T) {
		c := append([]mgz.AuditEntry(nil), es...)
		c[2].Outcome = mgz.OutcomeDenied
		brokenAt(t, verify(c, head.ID, head.Hash), 3)
	})
	t.Run("a changed field with a recomputed hash", func(t *testing.T) {
		c := append([]mgz.AuditEntry(nil), es...)
		c[2].UserEmail = "ander@b.nl"
		c[2].Hash = Sum(c[2])
		brokenAt(t, verify(c, head.ID, head.Hash), 4)
	})
	t.Run("a deleted row", func(t *testing.T) {
		c := append(append([]mgz.AuditEntry(nil), es[:1]...), es[2:]...)
		brokenAt(t, verify(c, head.ID, head.Hash), 2) // the missing row is named
	})
	t.Run("the newest row deleted", func(t *testing.T) {
		brokenAt(t, verify(es[:4], head.ID, head.Hash), 5)
	})
	t.Run("rows swapped", func(t *testing.T) {
		c := append([]mgz.AuditEntry(nil), es...)
		c[1], c[2] = c[2], c[1]
		brokenAt(t, verify(c, head.ID, head.Hash), 2)
	})
}

func TestExportFormats(t *testing.T) {
	es := chain(2)
	var csvBuf, jsonBuf bytes.Buffer
	w, err := NewCSVWriter(&csvBuf)
	if err != nil {
		t.Fatal(err)
	}
	j := NewJSONLinesWriter(&jsonBuf)
	for _, e := range es {
		w.Write(e)
		j.Write(e)
	}
	w.Flush()
	lines := strings.Split(strings.TrimSpace(csvBuf.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,at,user_id") || !strings.Contains(lines[1], "2026-11-23T10:00:00.123Z") {
		t.Fatalf("csv:\n%s", csvBuf.String())
	}
	if n := strings.Count(jsonBuf.String(), "\n"); n != 2 || !strings.Contains(jsonBuf.String(), `"hash":"`+es[1].Hash+`"`) {
		t.Fatalf("json lines:\n%s", jsonBuf.String())
	}
}
