// Package rosterfile reads on-call rosters from the files planning programs export (issue 13):
// iCalendar (RFC 5545) from Outlook, Google Calendar and roster software, and CSV from Excel.
// It only parses and checks: every bad event or row is reported by its line, and a file with any
// problem must be refused as a whole; storing the shifts is the service's ImportShifts.
package rosterfile

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/teambition/rrule-go"
)

// Limits of one import: a region's yearly roster of a few services stays far below them.
const (
	MaxBytes  = 2 << 20 // 2 MB
	MaxShifts = 5000
)

// The formats of roster files.
const (
	FormatICal = "ical"
	FormatCSV  = "csv"
)

// Problem is one reason to refuse a file, at a line of it (1-based; 0 for the file as a whole).
type Problem struct {
	Line    int    `json:"line"`
	Message string `json:"message"` // Dutch
}

// Result is what a file holds: its shifts, or the problems that refuse it.
type Result struct {
	Shifts   []mgz.Shift
	Problems []Problem
	Events   int // events (iCalendar) or rows (CSV) read
}

// Err returns nil when the file may be imported, else an invalid_request *mgz.Error with a field
// "line.N" per line with problems (its messages joined).
func (r Result) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	fields := map[string]string{}
	for _, p := range r.Problems {
		k := "line." + strconv.Itoa(p.Line)
		if fields[k] != "" {
			fields[k] += " "
		}
		fields[k] += p.Message
	}
	e := mgz.Errorf(mgz.ECodeInvalid, "Het bestand is niet geïmporteerd: %d %s. Er is niets veranderd; verbeter het bestand en importeer het opnieuw.",
		len(r.Problems), plural(len(r.Problems), "probleem", "problemen"))
	e.Fields = fields
	return e
}

func (r *Result) problem(line int, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
}

// sortProblems orders the problems by line, keeping the order within a line.
func (r *Result) sortProblems() {
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].Line < r.Problems[j].Line })
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// FormatOf guesses the format from a file name's extension ("" when it does not tell).
func FormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ics", ".ical", ".ifb", ".icalendar":
		return FormatICal
	case ".csv", ".txt":
		return FormatCSV
	}
	return ""
}

// Source is the shift source of a format: a re-import replaces only the shifts of its source.
func Source(format string) mgz.ShiftSource {
	if format == FormatCSV {
		return mgz.SourceCSV
	}
	return mgz.SourceICal
}

// Parse reads r in format (FormatICal or FormatCSV).
func Parse(format string, r io.Reader) (Result, error) {
	switch format {
	case FormatICal:
		return ParseICal(r)
	case FormatCSV:
		return ParseCSV(r)
	}
	return Result{}, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Onbekend formaat " + strconv.Quote(format) + ". Kies ical (iCalendar, .ics) of csv.",
		Fields: map[string]string{"format": "Kies ical (iCalendar, .ics) of csv."}}
}

// fileError refuses the file as a whole (not one of its lines), with msg as message and as the
// message of the field "file".
func fileError(msg string) *mgz.Error {
	return &mgz.Error{Code: mgz.ECodeInvalid, Message: msg, Fields: map[string]string{"file": msg}}
}

// readAll reads at most MaxBytes of r, refusing a larger file with a Dutch error.
func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, mgz.Errorf(mgz.ECodeBadRequest, "Het bestand kon niet gelezen worden: %v", err)
	}
	if len(data) > MaxBytes {
		return nil, fileError(fmt.Sprintf("Het bestand is groter dan %d MB. Splits het rooster in kleinere bestanden (bijvoorbeeld per kwartaal).", MaxBytes>>20))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError("Het bestand is leeg.")
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// checkShift normalises s and reports its field errors at line.
func (r *Result) checkShift(line int, s *mgz.Shift) {
	if err := s.Normalise(); err != nil {
		e, ok := err.(*mgz.Error)
		if !ok || len(e.Fields) == 0 {
			r.problem(line, "%v", err)
			return
		}
		for _, f := range e.FieldNames() {
			r.problem(line, "%s", e.Fields[f])
		}
	}
}

// checkRRule validates an RFC 5545 recurrence rule.
func checkRRule(rule string) error {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	if rule == "" {
		return nil
	}
	if _, err := rrule.StrToROption(rule); err != nil {
		return err
	}
	return nil
}

// phoneToken finds phone-like tokens in free text (a description, a location).
var phoneToken = regexp.MustCompile(`(?:\+|00)?[0-9][0-9 ()\-./]{7,}[0-9]`)

// findPhone returns the first phone number in text that mgz.NormalisePhone accepts.
func findPhone(texts ...string) string {
	for _, t := range texts {
		for _, m := range phoneToken.FindAllString(t, -1) {
			if p, ok := mgz.NormalisePhone(m); ok {
				return p
			}
		}
	}
	return ""
}

// functionLine finds a "Functie: …" line in a description.
var functionLine = regexp.MustCompile(`(?im)^\s*(?:functie|function|rol)\s*:\s*(.+?)\s*$`)

func findFunction(text string) string {
	if m := functionLine.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// amsterdam is the default zone of shifts.
func amsterdam() *time.Location {
	loc, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		panic("rosterfile: no time zone data for " + mgz.DefaultTimeZone + ": " + err.Error())
	}
	return loc
}

// quote shows a value of the file inside a message, shortened.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return "“" + s + "”"
}

func itoa(n int) string { return strconv.Itoa(n) }
