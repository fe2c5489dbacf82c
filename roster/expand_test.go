package roster

import (
	"fmt"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/teambition/rrule-go"
)

func ams(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Location())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A nightly 23:00–07:00 shift keeps its wall-clock hours on the night daylight saving time ends
// (9 hours) and leaves no gap against a 07:00–23:00 day shift.
func TestNightShiftKeepsWallClockOverDSTEnd(t *testing.T) {
	night := mgz.Shift{Person: "Nacht", Start: ams(t, "2026-10-20 23:00"), End: ams(t, "2026-10-21 07:00"), RRule: "FREQ=DAILY"}
	day := mgz.Shift{Person: "Dag", Start: ams(t, "2026-10-20 07:00"), End: ams(t, "2026-10-20 23:00"), RRule: "FREQ=DAILY"}
	r := []mgz.Roster{{ID: 1, Shifts: []mgz.Shift{night, day}}}
	from, to := ams(t, "2026-10-24 12:00"), ams(t, "2026-10-26 12:00")
	occ, err := Expand(r, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if gaps := Uncovered(occ, from, to); len(gaps) != 0 {
		t.Fatalf("gaps over the DST night: %v", gaps)
	}
	for _, o := range occ {
		if o.Shift.Person == "Nacht" && o.From.Equal(ams(t, "2026-10-24 23:00")) {
			if d := o.To.Sub(o.From); d != 9*time.Hour {
				t.Fatalf("night of 24/25 October lasts %v, want 9h", d)
			}
			return
		}
	}
	t.Fatal("no night shift on 24 October")
}

// shift is a test shift in Europe/Amsterdam from start to end (wall clock "2006-01-02 15:04").
func shift(t *testing.T, person, start, end, rule string) mgz.Shift {
	t.Helper()
	return mgz.Shift{Person: person, Start: ams(t, start), End: ams(t, end), TimeZone: mgz.DefaultTimeZone, RRule: rule}
}

// gapsOf expands shifts as one roster over [from, to) and returns the uncovered intervals.
func gapsOf(t *testing.T, shifts []mgz.Shift, from, to time.Time, free calendar.HolidaySet) []Interval {
	t.Helper()
	occ, err := Expand([]mgz.Roster{{ID: 1, Shifts: shifts}}, from, to, free)
	if err != nil {
		t.Fatal(err)
	}
	return Uncovered(occ, from, to)
}

// wantGaps compares gaps with want, pairs of Amsterdam wall-clock times.
func wantGaps(t *testing.T, got []Interval, want ...string) {
	t.Helper()
	if len(got) != len(want)/2 {
		t.Fatalf("gaps %v, want %v", got, want)
	}
	for i := range got {
		if !got[i].From.Equal(ams(t, want[2*i])) || !got[i].To.Equal(ams(t, want[2*i+1])) {
			t.Fatalf("gap %d is %v–%v, want %s–%s (all: %v)", i, got[i].From, got[i].To, want[2*i], want[2*i+1], got)
		}
	}
}

// durationOf returns the length of the occurrence of person's shift that starts at start.
func durationOf(t *testing.T, occ []Occurrence, person, start string) time.Duration {
	t.Helper()
	for _, o := range occ {
		if o.Shift.Person == person && o.From.Equal(ams(t, start)) {
			return o.To.Sub(o.From)
		}
	}
	t.Fatalf("no occurrence of %s at %s in %v", person, start, occ)
	return 0
}

// DST start night, 29 March 2026 (02:00 → 03:00): the 23:00–07:00 night shift lasts 7 hours, the
// 07:00–23:00 day shifts around it 16, and nothing is left uncovered. The rules started months
// before, so the iteration from just before the window is exercised too.
func TestNightShiftKeepsWallClockOverDSTStart(t *testing.T) {
	night := shift(t, "Nacht", "2025-11-03 23:00", "2025-11-04 07:00", "FREQ=DAILY")
	day := shift(t, "Dag", "2025-11-03 07:00", "2025-11-03 23:00", "FREQ=DAILY")
	from, to := ams(t, "2026-03-27 12:00"), ams(t, "2026-03-31 12:00")
	occ, err := Expand([]mgz.Roster{{ID: 1, Shifts: []mgz.Shift{night, day}}}, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if gaps := Uncovered(occ, from, to); len(gaps) != 0 {
		t.Fatalf("gaps over the DST start night: %v", gaps)
	}
	if d := durationOf(t, occ, "Nacht", "2026-03-28 23:00"); d != 7*time.Hour {
		t.Fatalf("night of 28/29 March lasts %v, want 7h", d)
	}
	if d := durationOf(t, occ, "Nacht", "2026-03-29 23:00"); d != 8*time.Hour {
		t.Fatalf("night of 29/30 March lasts %v, want 8h", d)
	}
	if d := durationOf(t, occ, "Dag", "2026-03-29 07:00"); d != 16*time.Hour {
		t.Fatalf("day of 29 March lasts %v, want 16h", d)
	}
	if occ[0].Shift.Person != "Dag" || !occ[0].From.Equal(ams(t, "2026-03-27 07:00")) {
		t.Fatalf("first occurrence %v (%s), want the day shift of 27 March that overlaps the window's start", occ[0].Interval, occ[0].Shift.Person)
	}
}

// DST end night, 25 October 2026, with rules started months before: 9 hours, no gap.
func TestNightShiftStartedLongAgoOverDSTEnd(t *testing.T) {
	night := shift(t, "Nacht", "2026-01-05 23:00", "2026-01-06 07:00", "FREQ=DAILY")
	day := shift(t, "Dag", "2026-01-05 07:00", "2026-01-05 23:00", "FREQ=DAILY")
	from, to := ams(t, "2026-10-24 00:00"), ams(t, "2026-10-27 00:00")
	occ, err := Expand([]mgz.Roster{{ID: 1, Shifts: []mgz.Shift{night, day}}}, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if gaps := Uncovered(occ, from, to); len(gaps) != 0 {
		t.Fatalf("gaps over the DST end night: %v", gaps)
	}
	if d := durationOf(t, occ, "Nacht", "2026-10-24 23:00"); d != 9*time.Hour {
		t.Fatalf("night of 24/25 October lasts %v, want 9h", d)
	}
}

// A single shift over midnight (22:00–06:00) covers the night and nothing else, and is on call
// after midnight.
func TestShiftOverMidnight(t *testing.T) {
	s := shift(t, "Nacht", "2026-06-10 22:00", "2026-06-11 06:00", "")
	wantGaps(t, gapsOf(t, []mgz.Shift{s}, ams(t, "2026-06-10 12:00"), ams(t, "2026-06-11 12:00"), 0),
		"2026-06-10 12:00", "2026-06-10 22:00", "2026-06-11 06:00", "2026-06-11 12:00")
	on, err := OnCall([]mgz.Roster{{ID: 1, Shifts: []mgz.Shift{s}}}, ams(t, "2026-06-11 01:30"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(on) != 1 || !on[0].From.Equal(ams(t, "2026-06-10 22:00")) {
		t.Fatalf("on call at 01:30: %v", on)
	}
	if on, _ := OnCall([]mgz.Roster{{ID: 1, Shifts: []mgz.Shift{s}}}, ams(t, "2026-06-11 06:00"), 0); len(on) != 0 {
		t.Fatalf("on call at 06:00, when the shift has ended: %v", on)
	}
}

// Holiday exception: a day shift that skips the free days leaves exactly Eerste Kerstdag's day
// shift (25 December 2026, 07:00–23:00) uncovered; a holiday-only shift fills exactly that.
func TestHolidaySkipLeavesChristmasDayGapAndHolidayShiftFillsIt(t *testing.T) {
	free := calendar.Default().FreeDays
	day := shift(t, "Dag", "2026-09-01 07:00", "2026-09-01 23:00", "FREQ=DAILY")
	day.Holidays = mgz.HolidaysSkip
	night := shift(t, "Nacht", "2026-09-01 23:00", "2026-09-02 07:00", "FREQ=DAILY")
	from, to := ams(t, "2026-12-24 00:00"), ams(t, "2026-12-26 00:00")
	wantGaps(t, gapsOf(t, []mgz.Shift{day, night}, from, to, free), "2026-12-25 07:00", "2026-12-25 23:00")
	// Without Christmas among the region's free days the day shift takes place.
	if g := gapsOf(t, []mgz.Shift{day, night}, from, to, free.Without(calendar.ChristmasDay)); len(g) != 0 {
		t.Fatalf("gaps although Christmas is no free day: %v", g)
	}
	holiday := shift(t, "Feestdagdienst", "2026-09-01 07:00", "2026-09-01 23:00", "FREQ=DAILY")
	holiday.Holidays = mgz.HolidaysOnly
	occ, err := Occurrences(&holiday, from, to, free)
	if err != nil {
		t.Fatal(err)
	}
	if len(occ) != 1 || !occ[0].From.Equal(ams(t, "2026-12-25 07:00")) || !occ[0].To.Equal(ams(t, "2026-12-25 23:00")) {
		t.Fatalf("holiday shift occurrences %v, want only 25 December 07:00–23:00", occ)
	}
	if g := gapsOf(t, []mgz.Shift{day, night, holiday}, from, to, free); len(g) != 0 {
		t.Fatalf("gaps with the holiday shift: %v", g)
	}
}

// An EXDATE removes exactly one occurrence: the day shift of 5 May 2026.
func TestExDateRemovesOneOccurrence(t *testing.T) {
	day := shift(t, "Dag", "2026-02-01 07:00", "2026-02-01 23:00", "FREQ=DAILY")
	day.ExDates = []time.Time{ams(t, "2026-05-05 07:00")}
	night := shift(t, "Nacht", "2026-02-01 23:00", "2026-02-02 07:00", "FREQ=DAILY")
	wantGaps(t, gapsOf(t, []mgz.Shift{day, night}, ams(t, "2026-05-03 00:00"), ams(t, "2026-05-08 00:00"), 0),
		"2026-05-05 07:00", "2026-05-05 23:00")
}

// RRULE with UNTIL: a 24-hour shift whose last start is 10 May 2026 07:00 covers exactly until
// 11 May 07:00, whether UNTIL is local or UTC, and for a rule started long before the window.
func TestRRuleUntilEndsCoverage(t *testing.T) {
	for _, rule := range []string{"FREQ=DAILY;UNTIL=20260510T070000", "FREQ=DAILY;UNTIL=20260510T050000Z", "FREQ=DAILY;UNTIL=20260510T065959Z"} {
		for _, start := range []string{"2025-06-01 07:00", "2026-05-08 07:00"} {
			s := shift(t, "Etmaal", start, start[:11]+"07:00", rule)
			s.End = s.Start.AddDate(0, 0, 1)
			wantGaps(t, gapsOf(t, []mgz.Shift{s}, ams(t, "2026-05-09 00:00"), ams(t, "2026-05-13 00:00"), 0),
				"2026-05-11 07:00", "2026-05-13 00:00")
		}
	}
}

// RRULE with COUNT: the tenth occurrence of a daily 24-hour shift from 1 May 2026 07:00 is the
// last; coverage ends exactly on 11 May 07:00. A COUNT rule started long ago counts from its own
// DTSTART (130 days from 1 January is again 10 May), and a weekly one likewise.
func TestRRuleCountEndsCoverage(t *testing.T) {
	cases := []struct{ start, rule string }{
		{"2026-05-01 07:00", "FREQ=DAILY;COUNT=10"},
		{"2026-01-01 07:00", "FREQ=DAILY;COUNT=130"},
		{"2026-03-01 07:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;COUNT=71"},
	}
	for _, c := range cases {
		s := shift(t, "Etmaal", c.start, c.start, c.rule)
		s.End = s.Start.AddDate(0, 0, 1)
		wantGaps(t, gapsOf(t, []mgz.Shift{s}, ams(t, "2026-05-09 00:00"), ams(t, "2026-05-13 00:00"), 0),
			"2026-05-11 07:00", "2026-05-13 00:00")
	}
}

// Overlapping shifts: a shift inside another and two that overlap count once, leave no false gap
// and hide no real one (the 23:30–23:45 hole after the inner shift ends).
func TestOverlappingShifts(t *testing.T) {
	shifts := []mgz.Shift{
		shift(t, "Lang", "2026-04-01 07:00", "2026-04-01 20:00", "FREQ=DAILY"),
		shift(t, "Binnen", "2026-04-01 10:00", "2026-04-01 12:00", "FREQ=DAILY"),
		shift(t, "Avond", "2026-04-01 18:00", "2026-04-01 23:30", "FREQ=DAILY"),
		shift(t, "Nacht", "2026-04-01 23:45", "2026-04-02 07:30", "FREQ=DAILY"),
	}
	wantGaps(t, gapsOf(t, shifts, ams(t, "2026-04-10 00:00"), ams(t, "2026-04-12 00:00"), 0),
		"2026-04-10 23:30", "2026-04-10 23:45", "2026-04-11 23:30", "2026-04-11 23:45")
}

// A gap of exactly one minute: 07:00–22:59 next to 23:00–07:00 leaves 22:59–23:00 each day.
func TestOneMinuteGap(t *testing.T) {
	shifts := []mgz.Shift{
		shift(t, "Dag", "2026-04-01 07:00", "2026-04-01 22:59", "FREQ=DAILY"),
		shift(t, "Nacht", "2026-04-01 23:00", "2026-04-02 07:00", "FREQ=DAILY"),
	}
	wantGaps(t, gapsOf(t, shifts, ams(t, "2026-04-10 00:00"), ams(t, "2026-04-12 00:00"), 0),
		"2026-04-10 22:59", "2026-04-10 23:00", "2026-04-11 22:59", "2026-04-11 23:00")
}

// Weekly BYDAY patterns: a weekday team 08:00–17:00 Monday to Friday, a weekend team over the
// weekend days and a night team every day cover the week; without the weekend team exactly the
// Saturday and Sunday day hours are open.
func TestWeeklyByDayTeams(t *testing.T) {
	weekday := shift(t, "Doordeweeks", "2025-12-03 08:00", "2025-12-03 17:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
	weekend := shift(t, "Weekend", "2025-12-06 08:00", "2025-12-06 17:00", "FREQ=WEEKLY;BYDAY=SA,SU")
	night := shift(t, "Nacht", "2025-12-01 17:00", "2025-12-02 08:00", "FREQ=DAILY")
	from, to := ams(t, "2026-06-04 00:00"), ams(t, "2026-06-11 00:00") // Thursday to Thursday
	if g := gapsOf(t, []mgz.Shift{weekday, weekend, night}, from, to, 0); len(g) != 0 {
		t.Fatalf("gaps with all teams: %v", g)
	}
	wantGaps(t, gapsOf(t, []mgz.Shift{weekday, night}, from, to, 0),
		"2026-06-06 08:00", "2026-06-06 17:00", "2026-06-07 08:00", "2026-06-07 17:00")
	wantGaps(t, gapsOf(t, []mgz.Shift{weekend, night}, from, to, 0),
		"2026-06-04 08:00", "2026-06-04 17:00", "2026-06-05 08:00", "2026-06-05 17:00",
		"2026-06-08 08:00", "2026-06-08 17:00", "2026-06-09 08:00", "2026-06-09 17:00",
		"2026-06-10 08:00", "2026-06-10 17:00")
}

// A shift longer than the window (a week's on-call duty) covers all of it, and its occurrence is
// returned whole, not clipped.
func TestShiftLongerThanWindow(t *testing.T) {
	week := shift(t, "Week", "2026-01-05 09:00", "2026-01-12 09:00", "FREQ=WEEKLY")
	from, to := ams(t, "2026-07-08 10:00"), ams(t, "2026-07-08 14:00")
	occ, err := Occurrences(&week, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(occ) != 1 || !occ[0].From.Equal(ams(t, "2026-07-06 09:00")) || !occ[0].To.Equal(ams(t, "2026-07-13 09:00")) {
		t.Fatalf("occurrences %v, want the week from 6 July 09:00", occ)
	}
	if g := Uncovered(occ, from, to); len(g) != 0 {
		t.Fatalf("gaps inside one week's duty: %v", g)
	}
}

// OnCall lists the occurrence that started last first: it took over from the others.
func TestOnCallLatestStartFirst(t *testing.T) {
	rosters := []mgz.Roster{
		{ID: 1, Shifts: []mgz.Shift{shift(t, "Vroeg", "2026-04-01 07:00", "2026-04-01 16:00", "FREQ=DAILY")}},
		{ID: 2, Shifts: []mgz.Shift{
			shift(t, "Laat", "2026-04-01 14:00", "2026-04-01 23:00", "FREQ=DAILY"),
			shift(t, "Week", "2026-04-06 00:00", "2026-04-13 00:00", "FREQ=WEEKLY"),
		}},
	}
	on, err := OnCall(rosters, ams(t, "2026-04-15 15:00"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range on {
		got = append(got, o.Shift.Person)
	}
	if len(got) != 3 || got[0] != "Laat" || got[1] != "Vroeg" || got[2] != "Week" {
		t.Fatalf("on call at 15:00: %v, want Laat, Vroeg, Week", got)
	}
}

// reference is the plain expansion: every recurrence counted from the shift's own DTSTART, as
// rrule-go does it without help, filtered as Occurrences filters.
func reference(t *testing.T, s *mgz.Shift, from, to time.Time) []Interval {
	t.Helper()
	loc := calendar.Location()
	opt, err := rrule.StrToROptionInLocation(s.RRule, loc)
	if err != nil {
		t.Fatal(err)
	}
	opt.Dtstart = s.Start.In(loc)
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		t.Fatal(err)
	}
	var out []Interval
	for _, st := range r.Between(from.Add(-(s.End.Sub(s.Start) + 2*time.Hour)), to, true) {
		end := wallEnd(s, st, loc)
		if end.After(from) && st.Before(to) && end.After(st) {
			out = append(out, Interval{From: st, To: end})
		}
	}
	return out
}

// Iterating a rule from just before the window (searchStart) gives exactly the recurrences of
// iterating it from its DTSTART: for intervals of days and weeks, BYDAY, WKST, UNTIL, COUNT, a
// DTSTART in the DST gap and windows on either side of both DST nights of 2026.
func TestSearchStartKeepsRecurrences(t *testing.T) {
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;BYDAY=MO,WE,SA",
		"FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,MO,SA",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=6,18", "FREQ=DAILY;INTERVAL=2;UNTIL=20260610T080000Z",
		"FREQ=WEEKLY;INTERVAL=2;COUNT=30", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=DAILY;BYSETPOS=1",
	}
	starts := []string{"2025-01-29 02:30", "2025-03-02 02:30", "2025-10-26 02:30", "2025-03-30 02:30", "2025-12-31 23:00", "2026-03-25 09:00"}
	windows := []string{"2026-03-28 00:00", "2026-03-29 01:00", "2026-03-30 14:00", "2026-04-05 14:00", "2026-04-06 14:00", "2026-05-31 12:00", "2026-10-24 20:00", "2026-10-25 02:30", "2025-02-01 00:00"}
	for _, rule := range rules {
		for _, start := range starts {
			s := mgz.Shift{Start: ams(t, start), TimeZone: mgz.DefaultTimeZone, RRule: rule}
			s.End = s.Start.Add(10 * time.Hour)
			for _, w := range windows {
				from := ams(t, w)
				for _, span := range []time.Duration{time.Nanosecond, 36 * time.Hour, 30 * 24 * time.Hour} {
					got, err := shiftIntervals(&s, from, from.Add(span), 0)
					if err != nil {
						t.Fatal(err)
					}
					want := reference(t, &s, from, from.Add(span))
					if len(got) != len(want) {
						t.Fatalf("%s from %s, window %s+%v: %d occurrences, want %d\n got %v\nwant %v", rule, start, w, span, len(got), len(want), got, want)
					}
					for i := range got {
						if !got[i].From.Equal(want[i].From) || !got[i].To.Equal(want[i].To) {
							t.Fatalf("%s from %s, window %s+%v: occurrence %d is %v, want %v", rule, start, w, span, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// OnCall's cached day answers as the plain expansion does, minute by minute over both DST nights.
func TestOnCallMatchesExpand(t *testing.T) {
	rosters := []mgz.Roster{{ID: 1, Shifts: []mgz.Shift{
		shift(t, "Nacht", "2025-11-03 23:00", "2025-11-04 07:00", "FREQ=DAILY"),
		shift(t, "Dag", "2025-11-03 07:00", "2025-11-03 23:01", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR,SU"),
		shift(t, "Weekend", "2025-11-08 02:30", "2025-11-08 04:00", "FREQ=WEEKLY;BYDAY=SA,SU"),
	}}}
	for _, day := range []string{"2026-03-28 20:00", "2026-10-24 20:00"} {
		for at := ams(t, day); at.Before(ams(t, day).Add(14 * time.Hour)); at = at.Add(time.Minute) {
			got, err := OnCall(rosters, at, 0)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Expand(rosters, at, at.Add(time.Nanosecond), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("at %v: OnCall %v, Expand %v", at, got, want)
			}
			for i := range got {
				w := want[len(want)-1-i]
				if !got[i].From.Equal(w.From) || got[i].Shift != w.Shift {
					t.Fatalf("at %v: OnCall %v, Expand %v", at, got, want)
				}
			}
		}
	}
}

// OnCall may be asked from many requests at once: its shared cache gives every goroutine the
// plain expansion's answer (run with -race to check the locking).
func TestOnCallConcurrent(t *testing.T) {
	rosters := []mgz.Roster{{ID: 1, Shifts: []mgz.Shift{
		shift(t, "Nacht", "2025-11-03 23:00", "2025-11-04 07:00", "FREQ=DAILY"),
		shift(t, "Dag", "2025-11-03 07:00", "2025-11-03 23:00", "FREQ=DAILY"),
	}}}
	start := ams(t, "2026-03-27 00:00")
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 200; i++ {
				at := start.Add(time.Duration(i*17+g*5) * time.Minute)
				on, err := OnCall(rosters, at, 0)
				if err == nil && len(on) != 1 {
					err = fmt.Errorf("at %v: %d on call, want 1", at, len(on))
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
