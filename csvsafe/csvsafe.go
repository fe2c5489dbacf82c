// Package csvsafe writes CSV that a spreadsheet opens as text, never as a formula (OWASP "CSV
// injection"). Every CSV that mgz writes goes through it: a cell that a person or another system
// typed, such as an e-mail address at the login form, must not become a live formula in the
// spreadsheet of the administrator who opens the export.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"
)

// quote is the prefix that makes a spreadsheet read a cell as text.
const quote = '\''

// triggers are the first characters that make Excel, LibreOffice or Google Sheets evaluate a
// cell: the OWASP list (= + - @ tab CR), their full-width forms that some locales convert, and
// the newline, which some importers strip before looking at the first character.
func trigger(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// Neutral reports whether s is read as plain text by a spreadsheet, so Cell leaves it alone.
func Neutral(s string) bool {
	// Leading spaces are skipped by some spreadsheets before they look for a formula.
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(t)
	if trigger(r) {
		return false
	}
	// A cell that already starts with the quote gets one more, so that Restore(Cell(s)) == s
	// for every s: stripping one leading quote always gives back the exact text.
	r, _ = utf8.DecodeRuneInString(s)
	return r != quote
}

// Cell returns s as it is safe to write in a CSV cell: unchanged when a spreadsheet reads it as
// text, otherwise with a single quote in front (OWASP's advice). The csv writer adds the double
// quotes a cell with a tab, CR, newline, comma or quote needs.
func Cell(s string) string {
	if Neutral(s) {
		return s
	}
	return string(quote) + s
}

// Restore undoes Cell: it strips one leading single quote. A program that reads an mgz CSV and
// needs the exact text applies it to every cell; JSON Lines exports carry the exact text as is.
func Restore(s string) string { return strings.TrimPrefix(s, string(quote)) }

// Writer is a csv.Writer that passes every cell through Cell.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer that writes comma-separated records to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes any buffered data to the underlying writer and returns its error, if any.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
