// Package roster is the time arithmetic of on-call rosters (issue 13): it expands shifts into the
// intervals somebody is on call, finds who is on call at a moment, and finds the intervals in which
// a required role has nobody. It is pure: the store gives it rosters, the calendar the free days.
//
// Shifts recur in wall-clock time of their zone (RFC 5545 semantics for a DTSTART with a TZID): a
// night shift from 23:00 to 07:00 keeps those hours on the nights daylight saving time starts or
// ends. Intervals are half-open, [From, To).
//
// Cost: rrule-go iterates a rule from its DTSTART, so a query's cost would grow with the age of
// the rule. Daily and weekly rules without COUNT are therefore iterated from just before the
// window (searchStart; rules with COUNT must count from their own DTSTART and still are), Gaps
// expands each distinct shift pattern once per call, and OnCall keeps a pattern's day in a small
// cache. A national register (10,000 locations, 14 days) takes about 0.1 s; an on-call lookup a
// few microseconds (BenchmarkGaps10kLocations, BenchmarkOnCall).
package roster

import (
	"fmt"
	"sort"
	"strconv"
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
	ivs, err := shiftIntervals(s, from, to, free)
	if err != nil {
		return nil, err
	}
	out := make([]Occurrence, len(ivs))
	for i, iv := range ivs {
		out[i] = Occurrence{Interval: iv, Shift: s}
	}
	return out, nil
}

// shiftIntervals is Occurrences without the shift: the intervals s is on call within [from, to).
//
// rrule-go iterates every recurrence from DTSTART, so the cost of a query would grow with the age
// of the rule (a daily shift imported two years ago walks 700 days to answer "who is on call
// now"). For rules whose occurrences do not depend on where counting starts (no COUNT; FREQ DAILY
// or WEEKLY), searchStart moves DTSTART forward by whole periods to just before the window; the
// occurrences in and after the window are the same, UNTIL still ends them. Rules with COUNT (and
// other frequencies) are iterated from their own DTSTART.
func shiftIntervals(s *mgz.Shift, from, to time.Time, free calendar.HolidaySet) ([]Interval, error) {
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
		// An occurrence that started up to one shift length before from still overlaps it.
		longest := s.End.Sub(s.Start) + 2*time.Hour // DST may lengthen a wall-clock shift
		after := from.Add(-longest)
		opt.Dtstart = searchStart(opt, first, after, loc)
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			return nil, fmt.Errorf("herhaling %q: %w", s.RRule, err)
		}
		starts = r.Between(after, to, true)
	}
	out := make([]Interval, 0, len(starts))
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
		out = append(out, Interval{From: st, To: end})
	}
	return out, nil
}

// searchStart returns the DTSTART to iterate opt from when only recurrences from after on matter:
// first itself, or for a DAILY or WEEKLY rule without COUNT the same wall-clock time a whole
// number of periods (INTERVAL days or weeks) later, at least a period before after. Such a start
// yields exactly the original recurrences from there on: daily periods and weeks (same weekday,
// so the same WKST alignment) are counted from it as from first, BYxxx parts default to first's
// weekday and clock, and UNTIL is absolute. A start whose wall clock would not exist (the DST
// gap) moves a period earlier, so the clock the rule defaults to stays first's.
func searchStart(opt *rrule.ROption, first, after time.Time, loc *time.Location) time.Time {
	if opt.Count != 0 || (opt.Freq != rrule.DAILY && opt.Freq != rrule.WEEKLY) {
		return first
	}
	step := opt.Interval
	if step <= 0 {
		step = 1
	}
	if opt.Freq == rrule.WEEKLY {
		step *= 7
	}
	days := dayNumber(after.In(loc)) - dayNumber(first)
	k := days/step - 1 // whole periods, one to spare
	y, m, d := first.Date()
	for ; k > 0; k-- {
		c := time.Date(y, m, d+k*step, first.Hour(), first.Minute(), first.Second(), 0, loc)
		if c.Hour() == first.Hour() && c.Minute() == first.Minute() && c.Second() == first.Second() {
			return c
		}
	}
	return first
}

// patternKey appends to b what decides a shift's occurrences: start and end instants, zone,
// recurrence rule, exceptions and holiday rule (not who is on call).
func patternKey(b []byte, s *mgz.Shift) []byte {
	for _, t := range [2]time.Time{s.Start, s.End} {
		b = strconv.AppendInt(b, t.Unix(), 36)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(t.Nanosecond()), 36)
		b = append(b, ' ')
	}
	b = append(b, s.TimeZone...)
	b = append(b, 0)
	b = append(b, s.RRule...)
	b = append(b, 0)
	b = append(b, s.Holidays...)
	for _, x := range s.ExDates {
		b = append(b, ' ')
		b = strconv.AppendInt(b, x.Unix(), 36)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(x.Nanosecond()), 36)
	}
	return b
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
//
// It is the routing answer, asked for the same rosters moment after moment, so the intervals of a
// shift pattern on the 24 hours around at are kept in a small process-wide cache (dayIntervals).
func OnCall(rosters []mgz.Roster, at time.Time, free calendar.HolidaySet) ([]Occurrence, error) {
	var occ []Occurrence
	for i := range rosters {
		for j := range rosters[i].Shifts {
			s := &rosters[i].Shifts[j]
			ivs, err := dayIntervals(s, at, free)
			if err != nil {
				return nil, fmt.Errorf("rooster %d, dienst %d: %w", rosters[i].ID, s.ID, err)
			}
			for _, iv := range ivs {
				if !iv.From.After(at) && iv.To.After(at) {
					occ = append(occ, Occurrence{Interval: iv, Shift: s})
				}
			}
		}
	}
	sort.SliceStable(occ, func(a, b int) bool { return occ[a].From.After(occ[b].From) })
	return occ, nil
}

// dayCacheSize bounds the on-call cache; it is emptied when full.
const dayCacheSize = 4096

var dayCache struct {
	sync.Mutex
	m map[string][]Interval
}

// dayIntervals returns the intervals of s overlapping the UTC day [d, d+24h) that holds at: a
// superset of those covering at. They are cached by the shift's pattern, the free days and the
// day; the slices are shared and must not be changed.
func dayIntervals(s *mgz.Shift, at time.Time, free calendar.HolidaySet) ([]Interval, error) {
	day := at.Truncate(24 * time.Hour)
	var buf [128]byte
	key := patternKey(buf[:0], s)
	key = append(key, ' ')
	key = strconv.AppendInt(key, int64(free), 36)
	key = append(key, ' ')
	key = strconv.AppendInt(key, day.Unix(), 36)
	dayCache.Lock()
	ivs, ok := dayCache.m[string(key)]
	dayCache.Unlock()
	if ok {
		return ivs, nil
	}
	ivs, err := shiftIntervals(s, day, day.Add(24*time.Hour), free)
	if err != nil {
		return nil, err
	}
	dayCache.Lock()
	if dayCache.m == nil || len(dayCache.m) >= dayCacheSize {
		dayCache.m = make(map[string][]Interval, 64)
	}
	dayCache.m[string(key)] = ivs
	dayCache.Unlock()
	return ivs, nil
}
