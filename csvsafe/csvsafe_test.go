package csvsafe

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dangerous is the OWASP list of first characters that start a formula, and their variants.
var dangerous = []struct{ name, in string }{
	{"equals", `=HYPERLINK("https://evil.example","klik")@a.nl`},
	{"plus", "+31 6 1234"},
	{"minus", "-2+3"},
	{"at", "@SUM(A1:A2)"},
	{"tab", "\t=1+1"},
	{"carriage return", "\r=1+1"},
	{"newline", "\n=1+1"},
	{"spaces before equals", "   =1+1"},
	{"full-width equals", "＝1+1"},
	{"full-width plus", "＋1"},
	{"full-width minus", "－1"},
	{"full-width at", "＠SUM(1)"},
	{"single quote (kept reversible)", "'=1+1"},
}

var harmless = []string{"", "gebruiker@praktijk.nl", "42", "verkeerd wachtwoord", "a=b", "naam - functie", " tekst", "2026-11-30T15:00:00.000Z"}

func TestCellPrefixesEveryFormulaTriggerWithAQuote(t *testing.T) {
	for _, c := range dangerous {
		t.Run(c.name, func(t *testing.T) {
			got := Cell(c.in)
			if got != "'"+c.in {
				t.Fatalf("Cell(%q) = %q, want %q", c.in, got, "'"+c.in)
			}
			if Restore(got) != c.in {
				t.Fatalf("Restore(Cell(%q)) = %q", c.in, Restore(got))
			}
		})
	}
	for _, s := range harmless {
		t.Run("harmless "+s, func(t *testing.T) {
			if got := Cell(s); got != s {
				t.Fatalf("Cell(%q) = %q, want it unchanged", s, got)
			}
		})
	}
}

// TestWriterRoundTripsThroughARealCSVReader writes every case with the Writer, reads the file
// back with encoding/csv, and checks that no cell a spreadsheet reads starts a formula and that
// Restore gives back the exact text.
func TestWriterRoundTripsThroughARealCSVReader(t *testing.T) {
	var in [][]string
	for _, c := range dangerous {
		in = append(in, []string{c.name, c.in, "x,y \"z\""})
	}
	for _, s := range harmless {
		in = append(in, []string{"harmless", s, s})
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, rec := range in {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	out, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the written CSV does not read back: %v\n%s", err, buf.String())
	}
	if len(out) != len(in) {
		t.Fatalf("read %d records, wrote %d", len(out), len(in))
	}
	for i, rec := range out {
		for j, cell := range rec {
			if !Neutral(cell) && !strings.HasPrefix(cell, "'") {
				t.Errorf("record %d cell %d %q would run as a formula", i, j, cell)
			}
			if got := Restore(cell); got != in[i][j] {
				t.Errorf("record %d cell %d: restored %q, wrote %q", i, j, got, in[i][j])
			}
		}
	}
}

func FuzzCellIsReversibleAndNeutral(f *testing.F) {
	for _, c := range dangerous {
		f.Add(c.in)
	}
	for _, s := range harmless {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Cell(s)
		if Restore(c) != s {
			t.Fatalf("Restore(Cell(%q)) = %q", s, Restore(c))
		}
		if t0 := strings.TrimLeft(c, " "); t0 != "" && strings.ContainsRune("=+-@\t\r\n", rune(t0[0])) {
			t.Fatalf("Cell(%q) = %q still starts a formula", s, c)
		}
	})
}

// TestEveryCSVWriterOfMgzIsThisOne: a CSV written with encoding/csv directly would bypass the
// neutraliser. Every non-test Go file of the module outside this package is searched for it.
func TestEveryCSVWriterOfMgzIsThisOne(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "csvsafe" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		if bytes.Contains(b, []byte("csv.NewWriter(")) {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s writes CSV with encoding/csv: use csvsafe.NewWriter, so no cell runs as a formula", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d Go files searched: the walk did not see the module", checked)
	}
}
