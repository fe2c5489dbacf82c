package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/rosterfile"
)

// mgz roster import shows on a terminal how much of the file it has read, up to 100%, and the
// file it reads is the file whole.
func TestRosterImportShowsHowMuchOfTheFileIsRead(t *testing.T) {
	data := bytes.Repeat([]byte("BEGIN:VCALENDAR\r\n"), 20000) // 340 KB: several chunks
	path := filepath.Join(t.TempDir(), "rooster.ics")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	got, err := readRosterInput(&environment{}, path, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, want the file's %d", len(got), len(data))
	}
	out := progress.String()
	for _, want := range []string{"roosterbestand inlezen: 0,1 van 0,3 MB (", "0,3 van 0,3 MB (100%)…"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q: %q", want, out)
		}
	}
	if n := strings.Count(out, "\r\033[K"); n < 5 {
		t.Errorf("progress was shown %d times for a file of six chunks", n)
	}
	// Without a terminal nothing is shown; from standard input the size is unknown.
	got, err = readRosterInput(&environment{stdin: bytes.NewReader(data[:100])}, "-", nil)
	if err != nil || len(got) != 100 {
		t.Errorf("standard input: %d bytes, %v", len(got), err)
	}
	progress.Reset()
	if _, err := readRosterInput(&environment{stdin: bytes.NewReader(data)}, "-", &progress); err != nil ||
		!strings.Contains(progress.String(), "roosterbestand inlezen: 0,3 MB…") {
		t.Errorf("standard input's progress: %q, %v", progress.String(), err)
	}
}

// A file over the limit is read one byte past it, for the parser to refuse it with its message.
func TestRosterImportReadsNoMoreThanTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "groot.ics")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), rosterfile.MaxBytes+5000), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readRosterInput(&environment{}, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != rosterfile.MaxBytes+1 {
		t.Errorf("read %d bytes of a file over the limit, want %d", len(got), rosterfile.MaxBytes+1)
	}
	if _, err := rosterfile.Parse(rosterfile.FormatICal, bytes.NewReader(got)); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("groter dan %d MB", rosterfile.MaxBytes>>20)) {
		t.Errorf("the parser did not refuse the file: %v", err)
	}
}
