// Package roster is the time arithmetic of on-call rosters (issue 13): it expands shifts into the
// intervals somebody is on call, finds who is on call at a moment, and finds the intervals in which
// a required role has nobody. It is pure: the store gives it rosters, the calendar the free days.
//
// Shifts recur in wall-clock time of their zone (RFC 5545 semantics for a DTSTART with a TZID): a
// night shift from 23:00 to 07:00 keeps those hours on the nights daylight saving time starts or
// ends. Intervals are half-open, [From, To).
package roster

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/teambition/rrule-go"
)

// Interval is a half-open span of time [From, To).
type Interval struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Occurrence is one time a shift takes place.
type Occurrence struct {
	Interval
	Shift *mgz.Shift
}

var zones sync.Map // name → *time.Location

func zone(name string) (*time.Location, error) {
	if name == "" {
		name = mgz.DefaultTimeZone
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("tijdzone %q: %w", name, err)
	}
	zones.Store(name, l)
	return l, nil
}

// wallEnd returns the end of the occurrence starting at start, keeping the shift's wall-clock
// length: the same number of calendar days later, at the same clock time as the shift's End.
func wallEnd(s *mgz.Shift, start time.Time, loc *time.Location) time.Time {
	s0, e0 := s.Start.In(loc), s.End.In(loc)
	days := dayNumber(e0) - dayNumber(s0)
	y, m, d := start.Date()
	return time.Date(y, m, d+days, e0.Hour(), e0.Minute(), e0.Second(), 0, loc)
}

// dayNumber counts calendar days, for differences between wall-clock dates.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// onFreeDay reports whether t's date is one of the region's free days.
func onFreeDay(t time.Time, free calendar.HolidaySet) bool {
	y, m, d := t.Date()
	return calendar.HolidaysOn(y, m, d)&free != 0
}

// Occurrences returns the occurrences of s that overlap [from, to), ordered by start. free are the
// region's free days, for the shift's holiday rule. A shift whose recurrence rule cannot be read
// is an error that names the rule.
func Occurrences(s *mgz.Shift, from, to time.Time, free calendar.HolidaySet) ([]Occurrence, error) {
	loc, err := zone(s.TimeZone)
	if err != nil {
		return nil, err
	}
	first := s.Start.In(loc)
	var starts []time.Time
	if s.RRule == "" {
		starts = []time.Time{first}
	} else {
		opt, err := rrule.StrToROptionInLocation(s.RRule, loc)
		if err != nil {
			return nil, fmt.Errorf("herhaling %q: %w", s.RRule, err)
		}
		opt.Dtstart = first
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			return nil, fmt.Errorf("herhaling %q: %w", s.RRule, err)
		}
		// An occurrence that started up to one shift length before from still overlaps it.
		longest := s.End.Sub(s.Start) + 2*time.Hour // DST may lengthen a wall-clock shift
		starts = r.Between(from.Add(-longest), to, true)
	}
	out := make([]Occurrence, 0, len(starts))
	for _, st := range starts {
		st = st.In(loc)
		if excluded(s, st) {
			continue
		}
		switch s.Holidays {
		case mgz.HolidaysSkip:
			if onFreeDay(st, free) {
				continue
			}
		case mgz.HolidaysOnly:
			if !onFreeDay(st, free) {
				continue
			}
		}
		end := wallEnd(s, st, loc)
		if !end.After(from) || !st.Before(to) || !end.After(st) {
			continue
		}
		out = append(out, Occurrence{Interval: Interval{From: st, To: end}, Shift: s})
	}
	return out, nil
}

func excluded(s *mgz.Shift, start time.Time) bool {
	for _, x := range s.ExDates {
		if x.Equal(start) {
			return true
		}
	}
	return false
}

// Expand returns the occurrences of all shifts of rosters overlapping [from, to), ordered by start.
func Expand(rosters []mgz.Roster, from, to time.Time, free calendar.HolidaySet) ([]Occurrence, error) {
	var out []Occurrence
	for i := range rosters {
		for j := range rosters[i].Shifts {
			occ, err := Occurrences(&rosters[i].Shifts[j], from, to, free)
			if err != nil {
				return nil, fmt.Errorf("rooster %d, dienst %d: %w", rosters[i].ID, rosters[i].Shifts[j].ID, err)
			}
			out = append(out, occ...)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].From.Before(out[b].From) })
	return out, nil
}

// Uncovered returns the parts of [from, to) that no occurrence covers, ordered. occ must be
// ordered by start (as Expand returns it).
func Uncovered(occ []Occurrence, from, to time.Time) []Interval {
	var gaps []Interval
	cursor := from
	for _, o := range occ {
		if !o.To.After(cursor) {
			continue
		}
		if o.From.After(cursor) {
			end := o.From
			if end.After(to) {
				end = to
			}
			if end.After(cursor) {
				gaps = append(gaps, Interval{From: cursor, To: end})
			}
		}
		if o.To.After(cursor) {
			cursor = o.To
		}
		if !cursor.Before(to) {
			return gaps
		}
	}
	if cursor.Before(to) {
		gaps = append(gaps, Interval{From: cursor, To: to})
	}
	return gaps
}

// OnCall returns the occurrences of the rosters' shifts that cover at, the one that started last
// first (it took over from the others).
func OnCall(rosters []mgz.Roster, at time.Time, free calendar.HolidaySet) ([]Occurrence, error) {
	occ, err := Expand(rosters, at, at.Add(time.Nanosecond), free)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(occ, func(a, b int) bool { return occ[a].From.After(occ[b].From) })
	return occ, nil
}
