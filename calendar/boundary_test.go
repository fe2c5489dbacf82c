package calendar

import (
	"fmt"
	"testing"
	"time"
)

// publishedNames are the Dutch names of the holidays in the order of
// publishedHolidays' columns, spelled as the Rijksoverheid list and the
// contract write them (typed out here, not taken from the package).
var publishedNames = [11]string{"Nieuwjaarsdag", "Goede Vrijdag", "Eerste Paasdag", "Tweede Paasdag",
	"Koningsdag", "Bevrijdingsdag", "Hemelvaartsdag", "Eerste Pinksterdag", "Tweede Pinksterdag",
	"Eerste Kerstdag", "Tweede Kerstdag"}

// freeByDefault says per column whether domain.md §4.1 counts the holiday as
// a free day by default: all but Goede Vrijdag and Bevrijdingsdag. Under the
// NZa 2023 preset all eleven are free.
var freeByDefault = [11]bool{true, false, true, true, true, false, true, true, true, true, true}

// lastSunday returns the day of the month of the last Sunday of a month.
func lastSunday(year int, month time.Month) int {
	d := time.Date(year, month+1, 0, 12, 0, 0, 0, time.UTC) // last day of month
	return d.Day() - int(d.Weekday())
}

// amsterdamOffsetHours is the UTC offset of Dutch civil time on a date during
// the day (after 03:00 local), from the EU summer-time rule (Directive
// 2000/84/EC: summer time from 01:00 UTC on the last Sunday of March to 01:00
// UTC on the last Sunday of October), written out here so the UTC instants of
// the test do not come from the zone database the package uses.
func amsterdamOffsetHours(year int, month time.Month, day int) int {
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	start := time.Date(year, time.March, lastSunday(year, time.March), 0, 0, 0, 0, time.UTC)
	end := time.Date(year, time.October, lastSunday(year, time.October), 0, 0, 0, 0, time.UTC)
	if !d.Before(start) && d.Before(end) {
		return 2
	}
	return 1
}

// TestHolidayBoundaries_2024_2035 checks every published holiday 2024–2035
// at 07:59:59, 08:00:00, 16:59:59 and 17:00:00 local time, each given both as
// a local time in Europe/Amsterdam and as the equivalent instant in UTC, under
// the default settings and the NZa 2023 preset: period and Dutch name.
func TestHolidayBoundaries_2024_2035(t *testing.T) {
	clocks := []struct {
		h, m, s int
		office  bool // office hours on an ordinary weekday (default 08:00–17:00)
	}{
		{7, 59, 59, false},
		{8, 0, 0, true},
		{16, 59, 59, true},
		{17, 0, 0, false},
	}
	presets := []struct {
		name     string
		settings Settings
		free     func(col int) bool
	}{
		{"default", Default(), func(col int) bool { return freeByDefault[col] }},
		{"NZa2023", NZa2023(), func(int) bool { return true }},
	}
	for _, row := range publishedHolidays {
		for col, ds := range row.dates {
			y, mo, d := civil(t, ds)
			weekend := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC).Weekday()
			isWeekend := weekend == time.Saturday || weekend == time.Sunday
			off := amsterdamOffsetHours(y, mo, d)
			for _, p := range presets {
				for _, c := range clocks {
					local := time.Date(y, mo, d, c.h, c.m, c.s, 0, Location())
					utc := time.Date(y, mo, d, c.h-off, c.m, c.s, 0, time.UTC)
					if !local.Equal(utc) {
						t.Fatalf("%s %02d:%02d:%02d: zone database gives %s, EU rule gives %s", ds, c.h, c.m, c.s, local.UTC().Format(time.RFC3339), utc.Format(time.RFC3339))
					}
					want := OutOfHours
					if !isWeekend && !p.free(col) && c.office {
						want = OfficeHours
					}
					for _, in := range []struct {
						name string
						at   time.Time
					}{{"local", local}, {"UTC", utc}} {
						name := fmt.Sprintf("§4.1_%s_%s_%s_%02d:%02d:%02d_%s", publishedOrder[col].Key(), ds, p.name, c.h, c.m, c.s, in.name)
						m := p.settings.At(in.at)
						if m.Period != want || m.Holiday.Name() != publishedNames[col] {
							t.Errorf("%s: At(%s) = %s, %q; want %s, %q", name, in.at.Format(time.RFC3339), m.Period, m.Holiday.Name(), want, publishedNames[col])
						}
						if h, mi, se := m.Local.Clock(); h != c.h || mi != c.m || se != c.s {
							t.Errorf("%s: local clock %02d:%02d:%02d", name, h, mi, se)
						}
					}
				}
			}
		}
	}
}

// TestDSTBoundaries_2026 checks the office-hour boundaries on the first
// weekday after each DST switch of 2026, given in UTC, and instants in the
// switch nights themselves (29 March and 25 October 2026).
func TestDSTBoundaries_2026(t *testing.T) {
	cases := []struct {
		name   string
		at     string // UTC
		local  string // expected wall clock in Europe/Amsterdam
		period Period
	}{
		// Monday 30 March 2026, first weekday of summer time (UTC+2).
		{"§4.1_DST_spring_07:59:59_CEST", "2026-03-30T05:59:59Z", "2026-03-30T07:59:59+02:00", OutOfHours},
		{"§4.1_DST_spring_08:00_CEST", "2026-03-30T06:00:00Z", "2026-03-30T08:00:00+02:00", OfficeHours},
		{"§4.1_DST_spring_16:59:59_CEST", "2026-03-30T14:59:59Z", "2026-03-30T16:59:59+02:00", OfficeHours},
		{"§4.1_DST_spring_17:00_CEST", "2026-03-30T15:00:00Z", "2026-03-30T17:00:00+02:00", OutOfHours},
		// Monday 26 October 2026, first weekday of winter time (UTC+1).
		{"§4.1_DST_autumn_07:59:59_CET", "2026-10-26T06:59:59Z", "2026-10-26T07:59:59+01:00", OutOfHours},
		{"§4.1_DST_autumn_08:00_CET", "2026-10-26T07:00:00Z", "2026-10-26T08:00:00+01:00", OfficeHours},
		{"§4.1_DST_autumn_16:59:59_CET", "2026-10-26T15:59:59Z", "2026-10-26T16:59:59+01:00", OfficeHours},
		{"§4.1_DST_autumn_17:00_CET", "2026-10-26T16:00:00Z", "2026-10-26T17:00:00+01:00", OutOfHours},
		// Spring switch night, Sunday 29 March 2026: at 02:00 CET the clock
		// jumps to 03:00 CEST; 02:00–03:00 local does not exist.
		{"§4.1_DST_spring_night_last_second_of_CET", "2026-03-29T00:59:59Z", "2026-03-29T01:59:59+01:00", OutOfHours},
		{"§4.1_DST_spring_night_first_second_of_CEST", "2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00", OutOfHours},
		{"§4.1_DST_spring_night_after_skipped_hour", "2026-03-29T01:30:00Z", "2026-03-29T03:30:00+02:00", OutOfHours},
		// Autumn switch night, Sunday 25 October 2026: 02:00–03:00 local
		// happens twice, first in CEST, then in CET.
		{"§4.1_DST_autumn_night_repeated_hour_first_CEST", "2026-10-25T00:30:00Z", "2026-10-25T02:30:00+02:00", OutOfHours},
		{"§4.1_DST_autumn_night_last_second_of_CEST", "2026-10-25T00:59:59Z", "2026-10-25T02:59:59+02:00", OutOfHours},
		{"§4.1_DST_autumn_night_first_second_of_CET", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00+01:00", OutOfHours},
		{"§4.1_DST_autumn_night_repeated_hour_second_CET", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00", OutOfHours},
	}
	// The NZa 2023 preset ends office hours at 18:00 instead of 17:00.
	nza := []struct {
		name, at, local string
		period          Period
	}{
		{"§4.1_DST_spring_NZa_07:59:59_CEST", "2026-03-30T05:59:59Z", "2026-03-30T07:59:59+02:00", OutOfHours},
		{"§4.1_DST_spring_NZa_08:00_CEST", "2026-03-30T06:00:00Z", "2026-03-30T08:00:00+02:00", OfficeHours},
		{"§4.1_DST_spring_NZa_17:00_CEST", "2026-03-30T15:00:00Z", "2026-03-30T17:00:00+02:00", OfficeHours},
		{"§4.1_DST_spring_NZa_17:59:59_CEST", "2026-03-30T15:59:59Z", "2026-03-30T17:59:59+02:00", OfficeHours},
		{"§4.1_DST_spring_NZa_18:00_CEST", "2026-03-30T16:00:00Z", "2026-03-30T18:00:00+02:00", OutOfHours},
		{"§4.1_DST_autumn_NZa_07:59:59_CET", "2026-10-26T06:59:59Z", "2026-10-26T07:59:59+01:00", OutOfHours},
		{"§4.1_DST_autumn_NZa_08:00_CET", "2026-10-26T07:00:00Z", "2026-10-26T08:00:00+01:00", OfficeHours},
		{"§4.1_DST_autumn_NZa_17:59:59_CET", "2026-10-26T16:59:59Z", "2026-10-26T17:59:59+01:00", OfficeHours},
		{"§4.1_DST_autumn_NZa_18:00_CET", "2026-10-26T17:00:00Z", "2026-10-26T18:00:00+01:00", OutOfHours},
		{"§4.1_DST_spring_night_NZa", "2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00", OutOfHours},
		{"§4.1_DST_autumn_night_NZa", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00", OutOfHours},
	}
	type run struct {
		name, at, local string
		period          Period
		settings        Settings
	}
	var runs []run
	for _, c := range cases {
		runs = append(runs, run{c.name, c.at, c.local, c.period, Default()})
	}
	for _, c := range nza {
		runs = append(runs, run{c.name, c.at, c.local, c.period, NZa2023()})
	}
	for _, c := range runs {
		t.Run(c.name, func(t *testing.T) {
			at := ams(t, c.at)
			if at.Location() != time.UTC {
				t.Fatalf("test instant %s is not in UTC", c.at)
			}
			m := c.settings.At(at)
			if got := m.Local.Format(time.RFC3339); got != c.local {
				t.Errorf("At(%s).Local = %s, want %s", c.at, got, c.local)
			}
			if m.Period != c.period || m.Holiday != NoHoliday {
				t.Errorf("At(%s) = %s, %q; want %s, no holiday", c.at, m.Period, m.Holiday, c.period)
			}
		})
	}
	// The same wall-clock time given with the offset of the other side of
	// the switch names the same instant: 02:30+01:00 on the spring night is
	// 01:30Z, i.e. 03:30 CEST.
	if got := Default().At(ams(t, "2026-03-29T02:30:00+01:00")).Local.Format(time.RFC3339); got != "2026-03-29T03:30:00+02:00" {
		t.Errorf("skipped-hour instant maps to %s, want 2026-03-29T03:30:00+02:00", got)
	}
}

// TestHolidayStartInUTC: a holiday begins at local midnight, which is 23:00
// (winter) or 22:00 (summer) UTC the evening before.
func TestHolidayStartInUTC(t *testing.T) {
	cases := []struct {
		name    string
		at      string
		local   string
		period  Period
		holiday string
	}{
		{"§4.1_christmas_eve_23:59:59_no_holiday", "2026-12-24T22:59:59Z", "2026-12-24T23:59:59+01:00", OutOfHours, ""},
		{"§4.1_christmas_day_starts_00:00_CET", "2026-12-24T23:00:00Z", "2026-12-25T00:00:00+01:00", OutOfHours, "Eerste Kerstdag"},
		{"§4.1_boxing_day_ends_23:59:59", "2026-12-26T22:59:59Z", "2026-12-26T23:59:59+01:00", OutOfHours, "Tweede Kerstdag"},
		{"§4.1_after_boxing_day_no_holiday", "2026-12-26T23:00:00Z", "2026-12-27T00:00:00+01:00", OutOfHours, ""},
		{"§4.1_new_years_eve_23:59:59_no_holiday", "2025-12-31T22:59:59Z", "2025-12-31T23:59:59+01:00", OutOfHours, ""},
		{"§4.1_new_years_day_starts", "2025-12-31T23:00:00Z", "2026-01-01T00:00:00+01:00", OutOfHours, "Nieuwjaarsdag"},
		{"§4.1_ascension_eve_23:59:59_CEST_no_holiday", "2026-05-13T21:59:59Z", "2026-05-13T23:59:59+02:00", OutOfHours, ""},
		{"§4.1_ascension_starts_00:00_CEST", "2026-05-13T22:00:00Z", "2026-05-14T00:00:00+02:00", OutOfHours, "Hemelvaartsdag"},
		// A weekday holiday at what would be office hours, given in UTC.
		{"§4.1_christmas_10:00_in_UTC", "2026-12-25T09:00:00Z", "2026-12-25T10:00:00+01:00", OutOfHours, "Eerste Kerstdag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Default().At(ams(t, c.at))
			if got := m.Local.Format(time.RFC3339); got != c.local {
				t.Errorf("At(%s).Local = %s, want %s", c.at, got, c.local)
			}
			if m.Period != c.period || m.Holiday.Name() != c.holiday {
				t.Errorf("At(%s) = %s, %q; want %s, %q", c.at, m.Period, m.Holiday.Name(), c.period, c.holiday)
			}
		})
	}
}

// TestAscensionOnLiberationDay: on 5 May 2016 (and 2005) Ascension Day falls
// on Liberation Day. Ascension Day is a free day (§4.1), so the day is out of
// hours and reported as Hemelvaartsdag, even though Liberation Day is not a
// free day by default.
func TestAscensionOnLiberationDay(t *testing.T) {
	for _, y := range []int{2005, 2016} {
		if got := HolidaysOn(y, time.May, 5); got != NewHolidaySet(AscensionDay, LiberationDay) {
			t.Errorf("§4.1 HolidaysOn(%d-05-05) = %v, want Ascension and Liberation Day", y, got.Holidays())
		}
		if got := HolidayOn(y, time.May, 5); got != AscensionDay {
			t.Errorf("§4.1 HolidayOn(%d-05-05) = %q, want Hemelvaartsdag", y, got)
		}
	}
	ascensionOff := Default()
	ascensionOff.FreeDays = ascensionOff.FreeDays.Without(AscensionDay).With(LiberationDay)
	neither := Default()
	neither.FreeDays = neither.FreeDays.Without(AscensionDay)
	cases := []struct {
		name     string
		settings Settings
		at       string
		period   Period
		holiday  Holiday
	}{
		{"§4.1_ascension_on_5_may_2016_default_10:00", Default(), "2016-05-05T10:00:00+02:00", OutOfHours, AscensionDay},
		{"§4.1_ascension_on_5_may_2016_default_08:00_UTC", Default(), "2016-05-05T06:00:00Z", OutOfHours, AscensionDay},
		{"§4.1_ascension_on_5_may_2016_default_16:59:59_UTC", Default(), "2016-05-05T14:59:59Z", OutOfHours, AscensionDay},
		{"§4.1_ascension_on_5_may_2005_default", Default(), "2005-05-05T10:00:00+02:00", OutOfHours, AscensionDay},
		{"§4.1_ascension_on_5_may_2016_NZa_both_free", NZa2023(), "2016-05-05T10:00:00+02:00", OutOfHours, AscensionDay},
		{"§4.1_ascension_on_5_may_2016_only_liberation_free", ascensionOff, "2016-05-05T10:00:00+02:00", OutOfHours, LiberationDay},
		{"§4.1_ascension_on_5_may_2016_neither_free", neither, "2016-05-05T10:00:00+02:00", OfficeHours, AscensionDay},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.settings.At(ams(t, c.at))
			if m.Period != c.period || m.Holiday != c.holiday {
				t.Errorf("At(%s) = %s, %q; want %s, %q", c.at, m.Period, m.Holiday, c.period, c.holiday)
			}
			if m.Holidays != NewHolidaySet(AscensionDay, LiberationDay) {
				t.Errorf("Holidays = %v, want both", m.Holidays.Holidays())
			}
		})
	}
}

func TestHolidaySet_Preferred(t *testing.T) {
	if NewHolidaySet().Preferred() != NoHoliday {
		t.Error("empty set must prefer no holiday")
	}
	for _, h := range AllHolidays() {
		if NewHolidaySet(h).Preferred() != h {
			t.Errorf("singleton %s", h)
		}
	}
	if NewHolidaySet(LiberationDay, GoodFriday).Preferred() != GoodFriday {
		t.Error("Good Friday precedes Liberation Day")
	}
	if NewHolidaySet(LiberationDay, AscensionDay).Preferred() != AscensionDay {
		t.Error("a default free day precedes Liberation Day")
	}
}
