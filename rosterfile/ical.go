package rosterfile

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/regio-mgz/mgz"
)

// windowsZones maps the Windows zone names Outlook writes as TZID to IANA names (those of the
// region and its neighbours; others are reported as unknown).
var windowsZones = map[string]string{
	"W. Europe Standard Time":        "Europe/Amsterdam",
	"Romance Standard Time":          "Europe/Brussels",
	"Central Europe Standard Time":   "Europe/Budapest",
	"GMT Standard Time":              "Europe/London",
	"UTC":                            "UTC",
	"Coordinated Universal Time":     "UTC",
	"(UTC+01:00) Amsterdam, Berlijn": "Europe/Amsterdam",
}

// zone resolves a TZID.
func zone(tzid string) (*time.Location, string, bool) {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"`)
	if iana, ok := windowsZones[tzid]; ok {
		tzid = iana
	}
	// Some programs write a path-like prefix: "/mozilla.org/20050126_1/Europe/Amsterdam".
	if i := strings.Index(tzid, "/"); i == 0 {
		parts := strings.Split(tzid, "/")
		if len(parts) >= 2 {
			tzid = strings.Join(parts[len(parts)-2:], "/")
		}
	}
	if tzid == "" || tzid == "Local" || strings.Contains(tzid, "..") {
		return nil, tzid, false
	}
	loc, err := time.LoadLocation(tzid)
	if err != nil {
		return nil, tzid, false
	}
	return loc, tzid, true
}

// icalTime is a DTSTART, DTEND, EXDATE or RECURRENCE-ID value.
type icalTime struct {
	t      time.Time
	allDay bool
	utc    bool
	zone   string // IANA name of a TZID; empty for UTC, floating and dates
}

// parseValue reads one date or date-time value with the parameters of its property.
func parseValue(value string, params ical.Params) (icalTime, string) {
	value = strings.TrimSpace(value)
	isDate := strings.EqualFold(params.Get(ical.ParamValue), "DATE") || len(value) == len("20060102")
	if isDate {
		t, err := time.ParseInLocation("20060102", value, amsterdam())
		if err != nil {
			return icalTime{}, "Datum " + quote(value) + " klopt niet (verwacht JJJJMMDD)."
		}
		return icalTime{t: t, allDay: true}, ""
	}
	if strings.HasSuffix(value, "Z") {
		t, err := time.ParseInLocation("20060102T150405Z", value, time.UTC)
		if err != nil {
			return icalTime{}, "Tijdstip " + quote(value) + " klopt niet (verwacht JJJJMMDDTUUMMSSZ)."
		}
		return icalTime{t: t.In(amsterdam()), utc: true}, ""
	}
	loc, name := amsterdam(), ""
	if tzid := params.Get(ical.PropTimezoneID); tzid != "" {
		l, n, ok := zone(tzid)
		if !ok {
			return icalTime{}, "Onbekende tijdzone " + quote(tzid) + ". Exporteer het rooster met een tijdzone als Europe/Amsterdam, of in UTC."
		}
		loc, name = l, n
	}
	t, err := time.ParseInLocation("20060102T150405", value, loc)
	if err != nil {
		return icalTime{}, "Tijdstip " + quote(value) + " klopt niet (verwacht JJJJMMDDTUUMMSS)."
	}
	return icalTime{t: t, zone: name}, ""
}

// eventLines returns the line number of every top-level BEGIN:VEVENT, in order, so that problems
// can name the line a calendar program's user can find.
func eventLines(data []byte) []int {
	var lines []int
	depth := 0
	for i, l := range bytes.Split(data, []byte("\n")) {
		// Only the right end is trimmed: a folded line starts with a space and is never a BEGIN.
		l = bytes.TrimRight(l, "\r\t ")
		switch {
		case len(l) > 6 && strings.EqualFold(string(l[:6]), "BEGIN:"):
			name := strings.ToUpper(string(l[6:]))
			if name == ical.CompEvent && depth == 1 {
				lines = append(lines, i+1)
			}
			depth++
		case len(l) > 4 && strings.EqualFold(string(l[:4]), "END:"):
			depth--
		}
	}
	return lines
}

// ParseICal reads an iCalendar file (RFC 5545): every VEVENT becomes a shift (see the package
// documentation of mgz.Shift). A RECURRENCE-ID override becomes an exception of its series and a
// shift of its own, with UID "<uid>#<recurrence-id>"; a cancelled event or override is left out.
func ParseICal(r io.Reader) (Result, error) {
	var res Result
	data, err := readAll(r)
	if err != nil {
		return res, err
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return res, fileError("Het bestand is geen leesbaar iCalendar-bestand (.ics): het begint niet met BEGIN:VCALENDAR of een regel is afgebroken. Exporteer het rooster opnieuw als iCalendar.")
	}
	lines := eventLines(data)
	events := cal.Events()
	res.Events = len(events)
	if len(events) == 0 {
		return res, fileError("Het bestand bevat geen afspraken (VEVENT). Exporteer de diensten van het rooster als iCalendar.")
	}
	if len(events) > MaxShifts {
		return res, fileError("Het bestand bevat meer dan " + itoa(MaxShifts) + " afspraken. Splits het rooster in kleinere bestanden, of gebruik herhalende afspraken.")
	}

	type override struct {
		line int
		uid  string
		at   time.Time
	}
	var overrides []override
	byUID := map[string]int{}     // UID → index in res.Shifts
	lineOfUID := map[string]int{} // UID → line, for duplicates
	for i, ev := range events {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		s, rid, cancelled, ok := res.event(line, ev)
		if !ok {
			continue
		}
		if rid != nil {
			overrides = append(overrides, override{line, s.UID, *rid})
			s.UID += "#" + ev.Props.Get(ical.PropRecurrenceID).Value
		}
		if cancelled {
			continue
		}
		if prev, dup := lineOfUID[s.UID]; dup {
			res.problem(line, "De UID %s komt twee keer voor (ook op regel %d). Elke dienst heeft een eigen UID.", quote(s.UID), prev)
			continue
		}
		lineOfUID[s.UID] = line
		byUID[s.UID] = len(res.Shifts)
		res.Shifts = append(res.Shifts, s)
	}
	for _, o := range overrides {
		if i, ok := byUID[o.uid]; ok {
			m := &res.Shifts[i]
			m.ExDates = append(m.ExDates, o.at)
			res.checkShift(o.line, m)
		}
	}
	res.sortProblems()
	return res, nil
}

// event reads one VEVENT into a shift, reporting its problems at line; rid is its RECURRENCE-ID.
func (res *Result) event(line int, ev ical.Event) (s mgz.Shift, rid *time.Time, cancelled, ok bool) {
	before := len(res.Problems)
	text := func(name string) string {
		p := ev.Props.Get(name)
		if p == nil {
			return ""
		}
		v, err := p.Text()
		if err != nil {
			return p.Value
		}
		return strings.TrimSpace(v)
	}
	s.Source = mgz.SourceICal
	s.UID = text(ical.PropUID)
	if s.UID == "" {
		res.problem(line, "De afspraak heeft geen UID. Zonder UID kan een herhaalde import de dienst niet herkennen; exporteer het rooster opnieuw uit het agendaprogramma.")
	}
	s.Person = text(ical.PropSummary)
	if s.Person == "" {
		res.problem(line, "De afspraak heeft geen titel (SUMMARY): zet daar de naam van de persoon of het team van dienst.")
	}
	desc, location := text(ical.PropDescription), text(ical.PropLocation)
	if cats := ev.Props.Get(ical.PropCategories); cats != nil {
		if l, err := cats.TextList(); err == nil && len(l) > 0 {
			s.Function = strings.TrimSpace(l[0])
		}
	}
	if s.Function == "" {
		s.Function = findFunction(desc)
	}
	contact := text(ical.PropContact)
	s.Phone = findPhone(contact, desc, location)
	cancelled = strings.EqualFold(text(ical.PropStatus), "CANCELLED")

	startProp := ev.Props.Get(ical.PropDateTimeStart)
	if startProp == nil {
		res.problem(line, "De afspraak heeft geen begin (DTSTART).")
		return s, nil, cancelled, false
	}
	start, msg := parseValue(startProp.Value, startProp.Params)
	if msg != "" {
		res.problem(line, "Begin: %s", msg)
		return s, nil, cancelled, false
	}
	s.Start = start.t
	s.TimeZone = mgz.DefaultTimeZone
	if start.zone != "" {
		s.TimeZone = start.zone
	}
	loc, _, _ := zone(s.TimeZone)
	switch {
	case ev.Props.Get(ical.PropDateTimeEnd) != nil:
		p := ev.Props.Get(ical.PropDateTimeEnd)
		end, msg := parseValue(p.Value, p.Params)
		if msg != "" {
			res.problem(line, "Einde: %s", msg)
			return s, nil, cancelled, false
		}
		s.End = end.t.In(loc)
	case ev.Props.Get(ical.PropDuration) != nil:
		d, err := ev.Props.Get(ical.PropDuration).Duration()
		if err != nil {
			res.problem(line, "Duur (DURATION) %s klopt niet.", quote(ev.Props.Get(ical.PropDuration).Value))
			return s, nil, cancelled, false
		}
		days := d / (24 * time.Hour)
		s.End = s.Start.AddDate(0, 0, int(days)).Add(d - days*24*time.Hour)
	case start.allDay:
		s.End = s.Start.AddDate(0, 0, 1)
	default:
		res.problem(line, "De afspraak heeft geen einde (DTEND of DURATION).")
	}
	if p := ev.Props.Get(ical.PropRecurrenceRule); p != nil {
		if err := checkRRule(p.Value); err != nil {
			res.problem(line, "De herhaling (RRULE) %s klopt niet: %v", quote(p.Value), err)
		}
		s.RRule = p.Value
	}
	for _, p := range ev.Props.Values(ical.PropExceptionDates) {
		for _, v := range strings.Split(p.Value, ",") {
			if strings.TrimSpace(v) == "" {
				continue
			}
			t, msg := parseValue(v, p.Params)
			if msg != "" {
				res.problem(line, "Uitzondering (EXDATE): %s", msg)
				continue
			}
			s.ExDates = append(s.ExDates, t.t.In(loc))
		}
	}
	if p := ev.Props.Get(ical.PropRecurrenceID); p != nil {
		t, msg := parseValue(p.Value, p.Params)
		if msg != "" {
			res.problem(line, "RECURRENCE-ID: %s", msg)
		} else {
			at := t.t.In(loc)
			rid = &at
		}
	}
	if len(res.Problems) > before {
		return s, rid, cancelled, false
	}
	if !cancelled {
		res.checkShift(line, &s)
	}
	return s, rid, cancelled, len(res.Problems) == before
}
