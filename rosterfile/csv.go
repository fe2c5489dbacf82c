package rosterfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// csvColumns maps the accepted header names (Dutch and English, lower case) to a column.
var csvColumns = map[string]string{
	"naam": "name", "name": "name", "persoon": "name", "person": "name",
	"telefoon": "phone", "phone": "phone", "tel": "phone", "telefoonnummer": "phone",
	"functie": "function", "function": "function",
	"begin": "start", "start": "start",
	"einde": "end", "eind": "end", "end": "end",
	"herhaling": "rrule", "rrule": "rrule",
	"uitzonderingen": "exdates", "exdates": "exdates", "exdate": "exdates",
	"feestdagen": "holidays", "holidays": "holidays",
	"uid": "uid", "kenmerk": "uid",
}

// csvLayouts are the accepted date-time notations, local time in Europe/Amsterdam.
var csvLayouts = []string{
	"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05",
	"02-01-2006 15:04", "2-1-2006 15:04", "02-01-2006 15:04:05", "2-1-2006 15:04:05",
}

func parseLocal(v string, loc *time.Location) (time.Time, bool) {
	v = strings.Join(strings.Fields(v), " ")
	for _, l := range csvLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseDate reads an exception: a date-time, or a date meaning the occurrence starting at clock
// on that day.
func parseDate(v string, clock time.Time, loc *time.Location) (time.Time, bool) {
	if t, ok := parseLocal(v, loc); ok {
		return t, true
	}
	for _, l := range []string{"2006-01-02", "02-01-2006", "2-1-2006"} {
		if d, err := time.ParseInLocation(l, strings.TrimSpace(v), loc); err == nil {
			return time.Date(d.Year(), d.Month(), d.Day(), clock.Hour(), clock.Minute(), clock.Second(), 0, loc), true
		}
	}
	return time.Time{}, false
}

// separator picks ';' (Dutch Excel) or ',' from the header line.
func separator(data []byte) rune {
	head := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		head = data[:i]
	}
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		return ';'
	}
	return ','
}

// ParseCSV reads a roster as CSV with a header row; see csvColumns for the columns. Begin and end
// are local times in Europe/Amsterdam ("2026-12-05 08:00" or "05-12-2026 08:00"). A row without a
// uid gets a hash of its content as UID, so importing the same file again changes nothing.
func ParseCSV(r io.Reader) (Result, error) {
	var res Result
	data, err := readAll(r)
	if err != nil {
		return res, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return res, fileError("De kopregel van het CSV-bestand kon niet gelezen worden. Controleer de aanhalingstekens in de eerste regel.")
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" {
			continue
		}
		c, ok := csvColumns[name]
		if !ok {
			return res, fileError("Onbekende kolom " + quote(h) + " in de kopregel. Gebruik: naam, telefoon, functie, begin, einde, herhaling, uitzonderingen, feestdagen, uid.")
		}
		if _, dup := cols[c]; dup {
			return res, fileError("De kolom " + quote(h) + " staat twee keer in de kopregel.")
		}
		cols[c] = i
	}
	for _, need := range []struct{ col, name string }{{"name", "naam"}, {"start", "begin"}, {"end", "einde"}} {
		if _, ok := cols[need.col]; !ok {
			return res, fileError("De kopregel mist de kolom " + quote(need.name) + ". Verplicht zijn: naam, begin, einde (de eerste regel van het bestand is de kopregel).")
		}
	}
	loc := amsterdam()
	lineOfUID := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			res.problem(line, "De regel kon niet gelezen worden (controleer de aanhalingstekens).")
			break
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		res.Events++
		if res.Events > MaxShifts {
			return Result{}, fileError("Het bestand bevat meer dan " + itoa(MaxShifts) + " diensten. Splits het rooster in kleinere bestanden, of gebruik een herhaling.")
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		before := len(res.Problems)
		s := mgz.Shift{Source: mgz.SourceCSV, TimeZone: mgz.DefaultTimeZone,
			Person: get("name"), Phone: get("phone"), Function: get("function"), RRule: get("rrule"), UID: get("uid")}
		var ok bool
		if s.Start, ok = parseLocal(get("start"), loc); !ok {
			res.problem(line, "Begin %s klopt niet. Schrijf bijvoorbeeld 2026-12-05 08:00 of 05-12-2026 08:00.", quote(get("start")))
		}
		if s.End, ok = parseLocal(get("end"), loc); !ok {
			res.problem(line, "Einde %s klopt niet. Schrijf bijvoorbeeld 2026-12-05 17:00 of 05-12-2026 17:00.", quote(get("end")))
		}
		if err := checkRRule(s.RRule); err != nil {
			res.problem(line, "De herhaling %s klopt niet: %v. Schrijf bijvoorbeeld FREQ=WEEKLY;BYDAY=MO,TU.", quote(s.RRule), err)
		}
		for _, v := range strings.FieldsFunc(get("exdates"), func(r rune) bool { return r == ';' || r == '|' || r == ',' }) {
			if strings.TrimSpace(v) == "" {
				continue
			}
			t, ok := parseDate(v, s.Start, loc)
			if !ok {
				res.problem(line, "Uitzondering %s klopt niet. Schrijf bijvoorbeeld 2026-12-25 08:00; scheid uitzonderingen met | of ;.", quote(v))
				continue
			}
			s.ExDates = append(s.ExDates, t)
		}
		switch strings.ToLower(get("holidays")) {
		case "", "ook", "also", "ja":
			s.Holidays = mgz.HolidaysAlso
		case "niet", "skip", "nee", "no":
			s.Holidays = mgz.HolidaysSkip
		case "alleen", "only":
			s.Holidays = mgz.HolidaysOnly
		default:
			res.problem(line, "Feestdagen %s: kies ook, niet of alleen.", quote(get("holidays")))
		}
		if len(res.Problems) > before {
			continue
		}
		res.checkShift(line, &s)
		if len(res.Problems) > before {
			continue
		}
		if s.UID == "" {
			s.UID = contentUID(s)
		}
		if prev, dup := lineOfUID[s.UID]; dup {
			if get("uid") == "" {
				res.problem(line, "Deze regel is gelijk aan regel %d. Laat de dubbele regel weg.", prev)
			} else {
				res.problem(line, "De uid %s komt ook voor op regel %d. Elke dienst heeft een eigen uid.", quote(s.UID), prev)
			}
			continue
		}
		lineOfUID[s.UID] = line
		res.Shifts = append(res.Shifts, s)
	}
	if res.Events == 0 && len(res.Problems) == 0 {
		return res, fileError("Het bestand bevat alleen een kopregel en geen diensten.")
	}
	res.sortProblems()
	return res, nil
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// contentUID is a stable key of a normalised row without uid: the same row gives the same UID in
// every import, so a re-import finds it unchanged.
func contentUID(s mgz.Shift) string {
	var b strings.Builder
	for _, f := range []string{s.Person, s.Phone, s.Function, s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339), s.TimeZone, s.RRule, string(s.Holidays)} {
		b.WriteString(f)
		b.WriteByte(0)
	}
	for _, x := range s.ExDates {
		b.WriteString(x.UTC().Format(time.RFC3339))
		b.WriteByte(0)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return "csv-" + hex.EncodeToString(sum[:12])
}
