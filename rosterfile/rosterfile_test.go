package rosterfile_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/rosterfile"
)

var ams = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, ams) }

func byUID(t *testing.T, res rosterfile.Result) map[string]mgz.Shift {
	t.Helper()
	m := map[string]mgz.Shift{}
	for _, s := range res.Shifts {
		m[s.UID] = s
	}
	return m
}

func mustParse(t *testing.T, format, data string) rosterfile.Result {
	t.Helper()
	res, err := rosterfile.Parse(format, strings.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("unexpected problems: %+v", res.Problems)
	}
	return res
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location().String() != want.Location().String() {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// checkGenerated checks the roster gen.mjs writes with ical-generator.
func checkGenerated(t *testing.T, data string) {
	t.Helper()
	res := mustParse(t, rosterfile.FormatICal, data)
	if len(res.Shifts) != 5 || res.Events != 5 {
		t.Fatalf("got %d shifts from %d events, want 5", len(res.Shifts), res.Events)
	}
	m := byUID(t, res)
	n := m["nacht-ma-di@rooster.example"]
	sameTime(t, "night start", n.Start, at(2026, 11, 30, 23, 0))
	sameTime(t, "night end", n.End, at(2026, 12, 1, 7, 0))
	if n.Person != "Dr. A. de Vries" || n.Function != "SO" || n.Phone == "" || n.TimeZone != "Europe/Amsterdam" {
		t.Errorf("night shift = %+v", n)
	}
	if !strings.Contains(n.RRule, "FREQ=WEEKLY") || !strings.Contains(n.RRule, "BYDAY=MO,TU") || !strings.Contains(n.RRule, "UNTIL=20270131T225959Z") {
		t.Errorf("night rrule = %q", n.RRule)
	}
	if len(n.ExDates) != 1 {
		t.Fatalf("night exdates = %v", n.ExDates)
	}
	sameTime(t, "night exdate", n.ExDates[0], at(2026, 12, 7, 23, 0))
	if n.Source != mgz.SourceICal {
		t.Errorf("source = %q", n.Source)
	}

	d := m["dag-count@rooster.example"]
	if d.RRule != "FREQ=DAILY;COUNT=10" || d.Function != "gedragskundige" || d.Phone == "" {
		t.Errorf("count shift = %+v", d)
	}

	dst := m["dst-nacht@rooster.example"]
	sameTime(t, "dst start", dst.Start, at(2026, 10, 24, 23, 0))
	sameTime(t, "dst end", dst.End, at(2026, 10, 25, 7, 0))
	if got := dst.End.Sub(dst.Start); got != 9*time.Hour {
		t.Errorf("the night DST ends lasts %v, want 9h", got)
	}
	if dst.Function != "AVG" {
		t.Errorf("dst function = %q", dst.Function)
	}

	u := m["utc-dag@rooster.example"]
	sameTime(t, "utc start", u.Start, at(2026, 12, 24, 8, 0))
	sameTime(t, "utc end", u.End, at(2026, 12, 24, 17, 0))
	if u.TimeZone != "Europe/Amsterdam" {
		t.Errorf("utc zone = %q", u.TimeZone)
	}

	k := m["kerst@rooster.example"]
	sameTime(t, "all-day start", k.Start, at(2026, 12, 25, 0, 0))
	sameTime(t, "all-day end", k.End, at(2026, 12, 26, 0, 0))
}

func TestICalGeneratedFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "ical-generator.ics"))
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, string(data))
}

// TestICalGenerator runs gen.mjs with node: a fresh export of the independent generator, so an
// upgrade of ical-generator that changes its output is noticed. Under CI it must run.
func TestICalGenerator(t *testing.T) {
	dir := filepath.Join("testdata", "ical")
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "ical-generator", "package.json"))
	if err != nil || modErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or ical-generator missing under CI (run npm ci --prefix %s): %v %v", dir, err, modErr)
		}
		t.Skipf("node or ical-generator missing (npm ci --prefix %s): %v %v", dir, err, modErr)
	}
	cmd := exec.Command(node, "gen.mjs")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node gen.mjs: %v\n%s", err, stderr.String())
	}
	checkGenerated(t, string(out))
}

func TestICalOutlookFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "outlook.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\r\n ")) {
		t.Fatal("fixture lost its CRLF folded lines")
	}
	res := mustParse(t, rosterfile.FormatICal, string(data))
	if len(res.Shifts) != 3 {
		t.Fatalf("got %d shifts, want 3: %+v", len(res.Shifts), res.Shifts)
	}
	const uid = "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5000000000000000010000000"
	m := byUID(t, res)
	master := m[uid]
	if master.Person != "Voorwacht verpleegkundigen Team Oost (met een heel lang onderwerp dat Outlook vouwt)" {
		t.Errorf("folded summary = %q", master.Person)
	}
	if master.Function != "verpleegkundige" || master.Phone == "" || master.TimeZone != "Europe/Amsterdam" {
		t.Errorf("master = %+v", master)
	}
	sameTime(t, "master start", master.Start, at(2026, 11, 30, 17, 0))
	sameTime(t, "master end", master.End, at(2026, 12, 1, 8, 0))
	if len(master.ExDates) != 3 {
		t.Fatalf("master exdates = %v, want the two EXDATEs and the override", master.ExDates)
	}
	sameTime(t, "exdate 1", master.ExDates[0], at(2026, 12, 24, 17, 0))
	sameTime(t, "exdate 2", master.ExDates[1], at(2026, 12, 31, 17, 0))
	sameTime(t, "override exdate", master.ExDates[2], at(2026, 12, 10, 17, 0))

	o, ok := m[uid+"#20261210T170000"]
	if !ok {
		t.Fatalf("no override shift; uids: %v", m)
	}
	if o.Person != "M. Smit" || o.RRule != "" || o.Phone == "" {
		t.Errorf("override = %+v", o)
	}
	sameTime(t, "override start", o.Start, at(2026, 12, 10, 17, 0))

	k := m["kerst-2026@google.com"]
	sameTime(t, "two-day start", k.Start, at(2026, 12, 26, 0, 0))
	sameTime(t, "two-day end", k.End, at(2026, 12, 28, 0, 0))
	if k.Function != "gedragskundige" {
		t.Errorf("categories → function = %q", k.Function)
	}
}

const icalHead = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n"

func TestICalProblemsByLine(t *testing.T) {
	data := icalHead +
		"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Goed\r\nDTSTART:20261201T080000Z\r\nDTEND:20261201T160000Z\r\nEND:VEVENT\r\n" + // line 4
		"BEGIN:VEVENT\r\nSUMMARY:Zonder uid\r\nDTSTART:20261201T080000Z\r\nDTEND:20261201T160000Z\r\nEND:VEVENT\r\n" + // line 10
		"BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Mars\r\nDTSTART;TZID=Mars/Olympus:20261201T080000\r\nDTEND;TZID=Mars/Olympus:20261201T160000\r\nEND:VEVENT\r\n" + // line 15
		"BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:Rare herhaling\r\nDTSTART:20261201T080000Z\r\nDTEND:20261201T160000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n" + // line 21
		"BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Dubbel\r\nDTSTART:20261202T080000Z\r\nDTEND:20261202T160000Z\r\nEND:VEVENT\r\n" + // line 28
		"END:VCALENDAR\r\n"
	res, err := rosterfile.ParseICal(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]string{}
	for _, p := range res.Problems {
		lines[p.Line] += p.Message
	}
	for line, want := range map[int]string{10: "UID", 15: "Onbekende tijdzone", 21: "herhaling", 28: "twee keer"} {
		if !strings.Contains(lines[line], want) {
			t.Errorf("line %d: %q, want a message with %q (all: %+v)", line, lines[line], want, res.Problems)
		}
	}
	if len(lines) != 4 {
		t.Errorf("problems on %d lines, want 4: %+v", len(lines), res.Problems)
	}
	var me *mgz.Error
	if err := res.Err(); !errors.As(err, &me) || me.Code != mgz.ECodeInvalid || me.Fields["line.15"] == "" {
		t.Errorf("Err() = %v", err)
	}
}

func TestICalRefusesGarbageAndEmpty(t *testing.T) {
	for name, data := range map[string]string{
		"no calendar": "dit is geen agenda",
		"no events":   icalHead + "END:VCALENDAR\r\n",
		"empty":       "  ",
	} {
		if _, err := rosterfile.ParseICal(strings.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	big := strings.Repeat("X", rosterfile.MaxBytes+1)
	_, err := rosterfile.ParseICal(strings.NewReader(big))
	if err == nil || !strings.Contains(err.Error(), "groter dan") {
		t.Errorf("too big: %v", err)
	}
}

const csvComma = `naam,telefoon,functie,begin,einde,herhaling,uitzonderingen,feestdagen
Dr. A. de Vries,06-12345678,SO,2026-11-30 23:00,2026-12-01 07:00,FREQ=WEEKLY;BYDAY=MO,"2026-12-07 23:00;2026-12-14"
Team Noord,,gedragskundige,05-12-2026 08:00,05-12-2026 17:00,,,niet
`

const csvSemicolon = "\ufeffName;Phone;Function;Start;End;RRule;ExDates;Holidays;UID\r\n" +
	"Dr. A. de Vries;06-12345678;SO;2026-11-30 23:00;2026-12-01 07:00;FREQ=WEEKLY;2026-12-07 23:00|2026-12-14 23:00;ook;\r\n" +
	"Team Noord;;gedragskundige;05-12-2026 08:00;05-12-2026 17:00;;;alleen;eigen-1\r\n"

func TestCSVSeparatorsAndColumns(t *testing.T) {
	c := mustParse(t, rosterfile.FormatCSV, csvComma)
	s := mustParse(t, rosterfile.FormatCSV, csvSemicolon)
	if len(c.Shifts) != 2 || len(s.Shifts) != 2 {
		t.Fatalf("shifts: %d and %d, want 2 and 2", len(c.Shifts), len(s.Shifts))
	}
	for _, res := range []rosterfile.Result{c, s} {
		v := res.Shifts[0]
		sameTime(t, "start", v.Start, at(2026, 11, 30, 23, 0))
		sameTime(t, "end", v.End, at(2026, 12, 1, 7, 0))
		if v.Person != "Dr. A. de Vries" || v.Function != "SO" || v.Phone == "" || v.Source != mgz.SourceCSV || v.TimeZone != "Europe/Amsterdam" {
			t.Errorf("shift = %+v", v)
		}
		if len(v.ExDates) != 2 {
			t.Fatalf("exdates = %v", v.ExDates)
		}
		sameTime(t, "exdate date only", v.ExDates[1], at(2026, 12, 14, 23, 0))
		if !strings.HasPrefix(v.UID, "csv-") {
			t.Errorf("uid = %q", v.UID)
		}
	}
	if c.Shifts[0].RRule != "FREQ=WEEKLY;BYDAY=MO" || s.Shifts[0].RRule != "FREQ=WEEKLY" {
		t.Errorf("rrules %q, %q", c.Shifts[0].RRule, s.Shifts[0].RRule)
	}
	if c.Shifts[1].Holidays != mgz.HolidaysSkip || s.Shifts[1].Holidays != mgz.HolidaysOnly || s.Shifts[1].UID != "eigen-1" {
		t.Errorf("second rows: %+v / %+v", c.Shifts[1], s.Shifts[1])
	}
}

func TestCSVIdempotentUIDs(t *testing.T) {
	a := mustParse(t, rosterfile.FormatCSV, csvComma)
	b := mustParse(t, rosterfile.FormatCSV, csvComma)
	for i := range a.Shifts {
		if a.Shifts[i].UID != b.Shifts[i].UID {
			t.Errorf("row %d: uid %q then %q", i, a.Shifts[i].UID, b.Shifts[i].UID)
		}
	}
	if a.Shifts[0].UID == a.Shifts[1].UID {
		t.Error("two different rows share a uid")
	}
	changed := mustParse(t, rosterfile.FormatCSV, strings.Replace(csvComma, "Team Noord", "Team Zuid", 1))
	if changed.Shifts[1].UID == a.Shifts[1].UID || changed.Shifts[0].UID != a.Shifts[0].UID {
		t.Error("content uid does not follow the row's content")
	}
}

func TestCSVBadRowByLine(t *testing.T) {
	data := "naam;begin;einde;feestdagen\n" +
		"Goed;2026-12-01 08:00;2026-12-01 17:00;\n" +
		"\n" +
		"Slecht;1 december;2026-12-01 17:00;\n" + // line 4
		"Omgekeerd;2026-12-01 17:00;2026-12-01 08:00;\n" + // line 5
		"Feest;2026-12-01 08:00;2026-12-01 17:00;soms\n" + // line 6
		"Goed;2026-12-01 08:00;2026-12-01 17:00;\n" // line 7: same as line 2
	res, err := rosterfile.ParseCSV(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]string{}
	for _, p := range res.Problems {
		lines[p.Line] += p.Message
	}
	for line, want := range map[int]string{4: "Begin", 5: "na het begin", 6: "Feestdagen", 7: "gelijk aan regel 2"} {
		if !strings.Contains(lines[line], want) {
			t.Errorf("line %d: %q, want %q (all %+v)", line, lines[line], want, res.Problems)
		}
	}
	if len(lines) != 4 {
		t.Errorf("problems on %d lines, want 4: %+v", len(lines), res.Problems)
	}
	if res.Err() == nil {
		t.Error("Err() = nil for a file with problems")
	}
}

func TestCSVHeader(t *testing.T) {
	for name, data := range map[string]string{
		"missing column": "naam,begin\nA,2026-12-01 08:00\n",
		"unknown column": "naam,begin,einde,schoenmaat\nA,2026-12-01 08:00,2026-12-01 09:00,42\n",
		"only header":    "naam,begin,einde\n",
	} {
		if _, err := rosterfile.ParseCSV(strings.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	var b strings.Builder
	b.WriteString("naam,begin,einde\n")
	for i := 0; i <= rosterfile.MaxShifts; i++ {
		b.WriteString("A,2026-12-01 08:00,2026-12-01 09:00\n")
	}
	if _, err := rosterfile.ParseCSV(strings.NewReader(b.String())); err == nil || !strings.Contains(err.Error(), "meer dan") {
		t.Errorf("too many rows: %v", err)
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]string{"r.ics": "ical", "R.CSV": "csv", "r.xlsx": ""} {
		if got := rosterfile.FormatOf(name); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestICalDurationCancelledOverrideAndLineNumbers(t *testing.T) {
	data := icalHead +
		"BEGIN:VEVENT\r\nUID:s\r\nSUMMARY:Serie\r\nDESCRIPTION:Ruil mogelijk\\, zie\r\n BEGIN:VEVENT in de handleiding\r\n" +
		"DTSTART;TZID=Europe/Amsterdam:20261201T170000\r\nDURATION:PT15H\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEND:VEVENT\r\n" + // line 4
		"BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;TZID=Europe/Amsterdam:20261202T170000\r\nSTATUS:CANCELLED\r\nSUMMARY:Serie\r\n" +
		"DTSTART;TZID=Europe/Amsterdam:20261202T170000\r\nDURATION:PT15H\r\nEND:VEVENT\r\n" + // line 13
		"BEGIN:VEVENT\r\nUID:l\r\nSUMMARY:Lokaal\r\nDTSTART;TZID=Local:20261201T080000\r\nDTEND;TZID=Local:20261201T090000\r\nEND:VEVENT\r\n" + // line 21
		"END:VCALENDAR\r\n"
	res, err := rosterfile.ParseICal(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].Line != 21 || !strings.Contains(res.Problems[0].Message, "Onbekende tijdzone") {
		t.Fatalf("problems = %+v, want only the unknown zone Local on line 21", res.Problems)
	}
	if len(res.Shifts) != 1 {
		t.Fatalf("shifts = %+v, want only the series (the cancelled occurrence is an exception)", res.Shifts)
	}
	s := res.Shifts[0]
	sameTime(t, "end from duration", s.End, at(2026, 12, 2, 8, 0))
	if len(s.ExDates) != 1 {
		t.Fatalf("exdates = %v", s.ExDates)
	}
	sameTime(t, "cancelled occurrence", s.ExDates[0], at(2026, 12, 2, 17, 0))
}

func TestFileErrorsAreDutchAndNameTheFile(t *testing.T) {
	_, err := rosterfile.ParseCSV(strings.NewReader("naam,begin\nA,2026-12-01 08:00\n"))
	var me *mgz.Error
	if !errors.As(err, &me) || me.Code != mgz.ECodeInvalid || me.Fields["file"] == "" || !strings.Contains(me.Message, "einde") {
		t.Errorf("err = %#v", err)
	}
}
