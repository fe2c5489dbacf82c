package calendar

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// publishedHolidays lists the Dutch public holidays 2024–2035, one row per
// year, in the order NewYearsDay, GoodFriday, EasterSunday, EasterMonday,
// KingsDay, LiberationDay, AscensionDay, WhitSunday, WhitMonday,
// ChristmasDay, BoxingDay. The rows were written by hand from the sources
// below, not computed by this package.
//
// (a) Which days are the Dutch public holidays, and their fixed dates:
//   - Rijksoverheid, "Wanneer zijn de officiële feestdagen in Nederland?",
//     https://www.rijksoverheid.nl/onderwerpen/arbeidsovereenkomst-en-cao/vraag-en-antwoord/officiele-feestdagen
//     — the government's list of the eleven official holidays (Nieuwjaarsdag,
//     Goede Vrijdag, Eerste en Tweede Paasdag, Koningsdag, Bevrijdingsdag,
//     Hemelvaartsdag, Eerste en Tweede Pinksterdag, Eerste en Tweede
//     Kerstdag). The copy we could read gives the dates of one year (2023)
//     only; it names the days, it is not a date table for 2024–2035.
//   - Algemene termijnenwet, art. 3 lid 1 and 2 (the legal list of
//     "algemeen erkende feestdagen": Nieuwjaarsdag, tweede Paas- en
//     Pinksterdag, beide Kerstdagen, Hemelvaartsdag, the day the King's
//     birthday is celebrated and 5 May; Goede Vrijdag assimilated by lid 2),
//     as quoted at https://wvhl.nl/algemeen/de-algemene-termijnenwet and
//     https://nl.wikipedia.org/wiki/Algemene_termijnenwet (we did not read the
//     official text on wetten.overheid.nl itself).
//   - King's Day on Saturday 26 April when 27 April is a Sunday (royal decree
//     since 1980): Gemeente Groningen, "Koningsdag 2025",
//     https://gemeente.groningen.nl/koningsdag-2025 (26 April 2025); the
//     weekday of 27 April in the other years was checked with GNU date.
//
// (b) The dates of Easter and the moveable feasts 2024–2035. No government or
// church table covering all of 2024–2035 was found in the search corpus; the
// dates come from these published calendars, which agree with each other:
//   - Easter Sunday 2024–2034: kalender-365.nl, "Pasen 2024, 2025 en verder",
//     https://www.kalender-365.nl/feestdagen/pasen.html (31-3-2024, 20-4-2025,
//     5-4-2026, 28-3-2027, 16-4-2028, 1-4-2029, 21-4-2030, 13-4-2031,
//     28-3-2032, 17-4-2033, 9-4-2034).
//   - Ascension Day 2025–2035: feestdagen-nederland.nl, "Wanneer is het
//     Hemelvaartsdag 2025 t/m 2035?",
//     http://feestdagen-nederland.nl/hemelvaartsdag.html (29 May 2025,
//     14 May 2026, 6 May 2027, 25 May 2028, 10 May 2029, 30 May 2030, 22 May
//     2031, 6 May 2032, 26 May 2033, 18 May 2034, 3 May 2035); it fixes
//     Easter 2035 on 25 March (Ascension − 39 days) and cross-checks the
//     Easter dates above.
//   - Full Dutch lists for single years, checked row by row: 2026 from
//     alle-feestdagen.be, "Wettelijke feestdagen 2026",
//     http://www.alle-feestdagen.be/nederland/feestdagen-2026.html; 2025 from
//     jaarkalender.nl, https://jaarkalender.nl/feestdagen/2025; Good Friday
//     and both Easter days 2025–2027 from https://publicholidays.nl/nl/easter/.
//   - The offsets of the moveable feasts (Good Friday −2, Ascension +39, Whit
//     Sunday +49, Whit Monday +50 days from Easter): fedia.nl,
//     https://www.fedia.nl/feestdagen/.
//
// These calendar sites are secondary sources (not the Rijksoverheid); they are
// the published lists we could consult, and they agree with one another.
var publishedHolidays = []struct {
	year  int
	dates [11]string
}{
	{2024, [11]string{"2024-01-01", "2024-03-29", "2024-03-31", "2024-04-01", "2024-04-27", "2024-05-05", "2024-05-09", "2024-05-19", "2024-05-20", "2024-12-25", "2024-12-26"}},
	{2025, [11]string{"2025-01-01", "2025-04-18", "2025-04-20", "2025-04-21", "2025-04-26", "2025-05-05", "2025-05-29", "2025-06-08", "2025-06-09", "2025-12-25", "2025-12-26"}},
	{2026, [11]string{"2026-01-01", "2026-04-03", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26"}},
	{2027, [11]string{"2027-01-01", "2027-03-26", "2027-03-28", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06", "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26"}},
	{2028, [11]string{"2028-01-01", "2028-04-14", "2028-04-16", "2028-04-17", "2028-04-27", "2028-05-05", "2028-05-25", "2028-06-04", "2028-06-05", "2028-12-25", "2028-12-26"}},
	{2029, [11]string{"2029-01-01", "2029-03-30", "2029-04-01", "2029-04-02", "2029-04-27", "2029-05-05", "2029-05-10", "2029-05-20", "2029-05-21", "2029-12-25", "2029-12-26"}},
	{2030, [11]string{"2030-01-01", "2030-04-19", "2030-04-21", "2030-04-22", "2030-04-27", "2030-05-05", "2030-05-30", "2030-06-09", "2030-06-10", "2030-12-25", "2030-12-26"}},
	{2031, [11]string{"2031-01-01", "2031-04-11", "2031-04-13", "2031-04-14", "2031-04-26", "2031-05-05", "2031-05-22", "2031-06-01", "2031-06-02", "2031-12-25", "2031-12-26"}},
	{2032, [11]string{"2032-01-01", "2032-03-26", "2032-03-28", "2032-03-29", "2032-04-27", "2032-05-05", "2032-05-06", "2032-05-16", "2032-05-17", "2032-12-25", "2032-12-26"}},
	{2033, [11]string{"2033-01-01", "2033-04-15", "2033-04-17", "2033-04-18", "2033-04-27", "2033-05-05", "2033-05-26", "2033-06-05", "2033-06-06", "2033-12-25", "2033-12-26"}},
	{2034, [11]string{"2034-01-01", "2034-04-07", "2034-04-09", "2034-04-10", "2034-04-27", "2034-05-05", "2034-05-18", "2034-05-28", "2034-05-29", "2034-12-25", "2034-12-26"}},
	{2035, [11]string{"2035-01-01", "2035-03-23", "2035-03-25", "2035-03-26", "2035-04-27", "2035-05-05", "2035-05-03", "2035-05-13", "2035-05-14", "2035-12-25", "2035-12-26"}},
}

var publishedOrder = [11]Holiday{NewYearsDay, GoodFriday, EasterSunday, EasterMonday, KingsDay,
	LiberationDay, AscensionDay, WhitSunday, WhitMonday, ChristmasDay, BoxingDay}

func civil(t *testing.T, s string) (int, time.Month, int) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d.Year(), d.Month(), d.Day()
}

// TestHolidayOn_published checks every holiday 2024–2035 against the
// published dates, and that the day before and after is not that holiday.
func TestHolidayOn_published(t *testing.T) {
	for _, row := range publishedHolidays {
		for i, ds := range row.dates {
			want := publishedOrder[i]
			t.Run(fmt.Sprintf("§4.1_%s_%d", want.Key(), row.year), func(t *testing.T) {
				y, m, d := civil(t, ds)
				if got := HolidayOn(y, m, d); got != want {
					t.Errorf("HolidayOn(%s) = %q, want %q", ds, got, want)
				}
				noon := time.Date(y, m, d, 12, 0, 0, 0, Location())
				if got := HolidayAt(noon); got != want {
					t.Errorf("HolidayAt(%s noon) = %q, want %q", ds, got, want)
				}
				for _, delta := range []int{-1, 1} {
					o := noon.AddDate(0, 0, delta)
					if got := HolidayAt(o); got == want {
						t.Errorf("HolidayAt(%s) = %q: the holiday must be on %s only", o.Format(time.DateOnly), got, ds)
					}
				}
			})
		}
	}
}

// TestHolidays_year checks the year listing against the published table and
// that no other date of those years is a holiday.
func TestHolidays_year(t *testing.T) {
	for _, row := range publishedHolidays {
		t.Run(fmt.Sprint(row.year), func(t *testing.T) {
			want := map[string]Holiday{}
			for i, ds := range row.dates {
				want[ds] = publishedOrder[i]
			}
			got := Holidays(row.year)
			if len(got) != 11 {
				t.Fatalf("Holidays(%d) has %d entries, want 11", row.year, len(got))
			}
			for i, d := range got {
				ds := d.Date().Format(time.DateOnly)
				if want[ds] != d.Holiday {
					t.Errorf("Holidays(%d) lists %s on %s; published: %q", row.year, d.Holiday, ds, want[ds])
				}
				if i > 0 && !got[i-1].Date().Before(d.Date()) {
					t.Errorf("Holidays(%d) not in calendar order at %s", row.year, ds)
				}
			}
			count := 0
			for day := time.Date(row.year, 1, 1, 12, 0, 0, 0, time.UTC); day.Year() == row.year; day = day.AddDate(0, 0, 1) {
				if h := HolidayOn(day.Date()); h != NoHoliday {
					count++
					if want[day.Format(time.DateOnly)] != h {
						t.Errorf("HolidayOn(%s) = %q, not published", day.Format(time.DateOnly), h)
					}
				}
			}
			if count != 11 {
				t.Errorf("%d holidays found in %d, want 11", count, row.year)
			}
		})
	}
}

func TestEaster_knownYears(t *testing.T) {
	// Extremes of the Gregorian computus: 22 March 1818 and 2285; 25 April
	// 1943 and 2038 (hooghalen.com "Wanneer is het Pasen").
	cases := []struct {
		year  int
		month time.Month
		day   int
	}{{1818, 3, 22}, {2285, 3, 22}, {1943, 4, 25}, {2038, 4, 25}, {2000, 4, 23}, {2019, 4, 21}}
	for _, c := range cases {
		if m, d := Easter(c.year); m != c.month || d != c.day {
			t.Errorf("Easter(%d) = %d-%d, want %d-%d", c.year, m, d, c.month, c.day)
		}
	}
	// Always a Sunday between 22 March and 25 April, for many years.
	for y := 1583; y <= 4099; y++ {
		m, d := Easter(y)
		e := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
		if e.Weekday() != time.Sunday || e.Before(time.Date(y, 3, 22, 0, 0, 0, 0, time.UTC)) || e.After(time.Date(y, 4, 25, 23, 0, 0, 0, time.UTC)) {
			t.Fatalf("Easter(%d) = %s: not a Sunday in 22 March–25 April", y, e.Format(time.DateOnly))
		}
	}
	// Years far outside the Gregorian era must not panic.
	for _, y := range []int{-5000, -1, 0, 1, 99999} {
		_ = HolidayOn(y, time.April, 1)
		_ = Holidays(y)
	}
}

func TestKingsDay_sundayRule(t *testing.T) {
	for y := 2014; y <= 2100; y++ {
		sunday := time.Date(y, 4, 27, 0, 0, 0, 0, time.UTC).Weekday() == time.Sunday
		on26, on27 := HolidayOn(y, 4, 26) == KingsDay, HolidayOn(y, 4, 27) == KingsDay
		if sunday != on26 || sunday == on27 {
			t.Errorf("%d: 27 April Sunday=%v, King's Day on 26th=%v on 27th=%v", y, sunday, on26, on27)
		}
	}
	// Named cases from the brief: 2025 and 2031.
	for _, y := range []int{2025, 2031} {
		if HolidayOn(y, 4, 26) != KingsDay {
			t.Errorf("§4.1 King's Day %d must be Saturday 26 April", y)
		}
	}
}

func ams(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return v
}

func TestPeriod(t *testing.T) {
	goodFridayOn := Default()
	goodFridayOn.FreeDays = goodFridayOn.FreeDays.With(GoodFriday)
	liberationOn := Default()
	liberationOn.FreeDays = liberationOn.FreeDays.With(LiberationDay)
	christmasOff := Default()
	christmasOff.FreeDays = christmasOff.FreeDays.Without(ChristmasDay)

	cases := []struct {
		name     string
		settings Settings
		at       string
		period   Period
		holiday  Holiday
	}{
		// §4.1 boundaries: 08:00 is office hours, 17:00 is out of hours.
		{"§4.1_07:59:59_out_of_hours", Default(), "2026-09-09T07:59:59+02:00", OutOfHours, NoHoliday},
		{"§4.1_08:00_office_hours", Default(), "2026-09-09T08:00:00+02:00", OfficeHours, NoHoliday},
		{"§4.1_16:59:59_office_hours", Default(), "2026-09-09T16:59:59+02:00", OfficeHours, NoHoliday},
		{"§4.1_17:00_out_of_hours", Default(), "2026-09-09T17:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_midnight_out_of_hours", Default(), "2026-09-09T00:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_night_out_of_hours", Default(), "2026-09-09T03:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_saturday_out_of_hours", Default(), "2026-09-12T10:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_sunday_out_of_hours", Default(), "2026-09-13T10:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_friday_office_hours", Default(), "2026-09-11T10:00:00+02:00", OfficeHours, NoHoliday},
		{"§4.1_monday_office_hours", Default(), "2026-09-14T08:00:00+02:00", OfficeHours, NoHoliday},

		// Instants in UTC and other offsets are judged by Amsterdam wall clock.
		{"§4.1_UTC_06:00Z_is_08:00_CEST", Default(), "2026-09-09T06:00:00Z", OfficeHours, NoHoliday},
		{"§4.1_UTC_05:59:59Z_is_07:59:59_CEST", Default(), "2026-09-09T05:59:59Z", OutOfHours, NoHoliday},
		{"§4.1_UTC_14:59:59Z_is_16:59:59_CEST", Default(), "2026-09-09T14:59:59Z", OfficeHours, NoHoliday},
		{"§4.1_UTC_15:00Z_is_17:00_CEST", Default(), "2026-09-09T15:00:00Z", OutOfHours, NoHoliday},
		{"§4.1_UTC_winter_07:00Z_is_08:00_CET", Default(), "2026-01-14T07:00:00Z", OfficeHours, NoHoliday},
		{"§4.1_UTC_winter_16:00Z_is_17:00_CET", Default(), "2026-01-14T16:00:00Z", OutOfHours, NoHoliday},
		{"§4.1_offset_-05:00", Default(), "2026-09-09T02:30:00-05:00", OfficeHours, NoHoliday}, // 09:30 CEST
		{"§4.1_UTC_date_differs_from_local_date", Default(), "2026-12-24T23:30:00Z", OutOfHours, ChristmasDay},

		// DST: last Sunday of March (29 March 2026) and of October (25 October 2026).
		{"§4.1_DST_spring_monday_06:30Z_is_08:30_CEST", Default(), "2026-03-30T06:30:00Z", OfficeHours, NoHoliday},
		{"§4.1_DST_spring_friday_before_06:30Z_is_07:30_CET", Default(), "2026-03-27T06:30:00Z", OutOfHours, NoHoliday},
		{"§4.1_DST_autumn_monday_06:30Z_is_07:30_CET", Default(), "2026-10-26T06:30:00Z", OutOfHours, NoHoliday},
		{"§4.1_DST_autumn_friday_before_06:30Z_is_08:30_CEST", Default(), "2026-10-23T06:30:00Z", OfficeHours, NoHoliday},
		{"§4.1_DST_autumn_monday_16:00Z_is_17:00_CET", Default(), "2026-10-26T16:00:00Z", OutOfHours, NoHoliday},
		{"§4.1_DST_autumn_friday_before_15:30Z_is_17:30_CEST", Default(), "2026-10-23T15:30:00Z", OutOfHours, NoHoliday},
		{"§4.1_DST_spring_switch_night", Default(), "2026-03-29T01:30:00Z", OutOfHours, NoHoliday},

		// Holidays: free days by default, reported also when not free.
		{"§4.1_christmas_night_holiday", Default(), "2026-12-25T03:10:00+01:00", OutOfHours, ChristmasDay},
		{"§4.1_new_year_weekday_holiday", Default(), "2026-01-01T10:00:00+01:00", OutOfHours, NewYearsDay},
		{"§4.1_easter_monday_holiday", Default(), "2026-04-06T10:00:00+02:00", OutOfHours, EasterMonday},
		{"§4.1_kings_day_holiday", Default(), "2026-04-27T10:00:00+02:00", OutOfHours, KingsDay},
		{"§4.1_ascension_holiday", Default(), "2026-05-14T10:00:00+02:00", OutOfHours, AscensionDay},
		{"§4.1_whit_monday_holiday", Default(), "2026-05-25T10:00:00+02:00", OutOfHours, WhitMonday},
		{"§4.1_boxing_day_weekday_holiday", Default(), "2025-12-26T10:00:00+01:00", OutOfHours, BoxingDay},
		{"§4.1_easter_sunday_reported", Default(), "2026-04-05T10:00:00+02:00", OutOfHours, EasterSunday},
		{"§4.1_whit_sunday_reported", Default(), "2026-05-24T10:00:00+02:00", OutOfHours, WhitSunday},
		{"§4.1_boxing_day_on_saturday_reported", Default(), "2026-12-26T10:00:00+01:00", OutOfHours, BoxingDay},
		{"§4.1_kings_day_2025_saturday_26_april", Default(), "2025-04-26T10:00:00+02:00", OutOfHours, KingsDay},
		{"§4.1_27_april_2025_sunday_not_kings_day", Default(), "2025-04-27T10:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_good_friday_off_by_default_is_office_hours", Default(), "2026-04-03T10:00:00+02:00", OfficeHours, GoodFriday},
		{"§4.1_liberation_day_off_by_default_is_office_hours", Default(), "2026-05-05T10:00:00+02:00", OfficeHours, LiberationDay},
		{"§4.1_good_friday_switched_on_is_out_of_hours", goodFridayOn, "2026-04-03T10:00:00+02:00", OutOfHours, GoodFriday},
		{"§4.1_liberation_day_switched_on_is_out_of_hours", liberationOn, "2026-05-05T10:00:00+02:00", OutOfHours, LiberationDay},
		{"§4.1_region_drops_christmas_day", christmasOff, "2026-12-25T10:00:00+01:00", OfficeHours, ChristmasDay},

		// NZa 2023 preset: weekdays 18:00–08:00 out of hours, 11 holidays.
		{"§4.1_NZa_17:00_office_hours", NZa2023(), "2026-09-09T17:00:00+02:00", OfficeHours, NoHoliday},
		{"§4.1_NZa_17:59:59_office_hours", NZa2023(), "2026-09-09T17:59:59+02:00", OfficeHours, NoHoliday},
		{"§4.1_NZa_18:00_out_of_hours", NZa2023(), "2026-09-09T18:00:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_NZa_07:59_out_of_hours", NZa2023(), "2026-09-09T07:59:00+02:00", OutOfHours, NoHoliday},
		{"§4.1_NZa_08:00_office_hours", NZa2023(), "2026-09-09T08:00:00+02:00", OfficeHours, NoHoliday},
		{"§4.1_NZa_good_friday_out_of_hours", NZa2023(), "2026-04-03T10:00:00+02:00", OutOfHours, GoodFriday},
		{"§4.1_NZa_liberation_day_out_of_hours", NZa2023(), "2026-05-05T10:00:00+02:00", OutOfHours, LiberationDay},
		{"§4.1_NZa_saturday_out_of_hours", NZa2023(), "2026-09-12T12:00:00+02:00", OutOfHours, NoHoliday},

		// The zero Settings behaves as Default.
		{"zero_settings_is_default_16:59", Settings{}, "2026-09-09T16:59:00+02:00", OfficeHours, NoHoliday},
		{"zero_settings_is_default_17:00", Settings{}, "2026-09-09T17:00:00+02:00", OutOfHours, NoHoliday},
		{"zero_settings_is_default_christmas", Settings{}, "2026-12-25T10:00:00+01:00", OutOfHours, ChristmasDay},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.settings.At(ams(t, c.at))
			if m.Period != c.period || m.Holiday != c.holiday {
				t.Errorf("At(%s) = %s, %q (local %s); want %s, %q", c.at, m.Period, m.Holiday, m.Local.Format(time.RFC3339), c.period, c.holiday)
			}
			if p := c.settings.Period(ams(t, c.at)); p != c.period {
				t.Errorf("Period(%s) = %s, want %s", c.at, p, c.period)
			}
			if m.Local.Location() != Location() {
				t.Errorf("Local is in %s, want Europe/Amsterdam", m.Local.Location())
			}
		})
	}
}

func TestSettings_defaults(t *testing.T) {
	d := Default()
	for _, h := range AllHolidays() {
		free := h != GoodFriday && h != LiberationDay
		if d.FreeDays.Has(h) != free {
			t.Errorf("Default free day %s = %v, want %v (§4.1)", h, d.FreeDays.Has(h), free)
		}
		if !NZa2023().FreeDays.Has(h) {
			t.Errorf("NZa 2023 must count %s as a free day", h)
		}
	}
	if d.OfficeStart != At(8, 0) || d.OfficeEnd != At(17, 0) {
		t.Errorf("Default hours %s–%s, want 08:00–17:00", d.OfficeStart, d.OfficeEnd)
	}
	if n := NZa2023(); n.OfficeStart != At(8, 0) || n.OfficeEnd != At(18, 0) {
		t.Errorf("NZa hours %s–%s, want 08:00–18:00", n.OfficeStart, n.OfficeEnd)
	}
	if len(NZa2023().FreeDays.Holidays()) != 11 || len(d.FreeDays.Holidays()) != 9 {
		t.Errorf("free-day counts: NZa %d (want 11), default %d (want 9)", len(NZa2023().FreeDays.Holidays()), len(d.FreeDays.Holidays()))
	}
}

func TestSettings_Validate(t *testing.T) {
	valid := []Settings{Default(), NZa2023(), {OfficeStart: 0, OfficeEnd: MaxClock}}
	for _, s := range valid {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", s, err)
		}
	}
	invalid := map[string]Settings{
		"start_after_end":  {OfficeStart: At(18, 0), OfficeEnd: At(8, 0)},
		"start_equals_end": {OfficeStart: At(8, 0), OfficeEnd: At(8, 0)},
		"zero":             {},
		"negative_start":   {OfficeStart: -1, OfficeEnd: At(17, 0)},
		"end_past_24h":     {OfficeStart: At(8, 0), OfficeEnd: MaxClock + 1},
		"unknown_holiday":  {OfficeStart: At(8, 0), OfficeEnd: At(17, 0), FreeDays: 1 << 15},
	}
	for name, s := range invalid {
		t.Run(name, func(t *testing.T) {
			err := s.Validate()
			if !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("Validate(%+v) = %v, want ErrInvalidSettings", s, err)
			}
			t.Log(err) // Dutch message, for the reviewer
		})
	}
}

func TestClock(t *testing.T) {
	for _, s := range []string{"00:00", "08:00", "17:30", "24:00"} {
		c, err := ParseClock(s)
		if err != nil || c.String() != s {
			t.Errorf("ParseClock(%q) = %v, %v", s, c, err)
		}
	}
	for _, s := range []string{"", "8:00", "08:60", "24:01", "25:00", "ab:cd", "08-00"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
}

func TestHoliday_names(t *testing.T) {
	want := []string{"Nieuwjaarsdag", "Goede Vrijdag", "Eerste Paasdag", "Tweede Paasdag", "Koningsdag",
		"Bevrijdingsdag", "Hemelvaartsdag", "Eerste Pinksterdag", "Tweede Pinksterdag", "Eerste Kerstdag", "Tweede Kerstdag"}
	all := AllHolidays()
	if len(all) != len(want) {
		t.Fatalf("AllHolidays has %d entries, want %d", len(all), len(want))
	}
	for i, h := range all {
		if h.Name() != want[i] {
			t.Errorf("%d: Name = %q, want %q (contract spelling)", i, h.Name(), want[i])
		}
		if p, ok := ParseHoliday(h.Key()); !ok || p != h {
			t.Errorf("ParseHoliday(%q) = %v, %v", h.Key(), p, ok)
		}
	}
	if NoHoliday.Name() != "" || Holiday(200).Name() != "" || Holiday(200).Key() != "" {
		t.Error("NoHoliday and unknown values must have no name")
	}
	if _, ok := ParseHoliday("carnaval"); ok {
		t.Error("ParseHoliday accepted an unknown key")
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := Default()
			for i := 0; i < 2000; i++ {
				_ = s.At(base.Add(time.Duration(i) * 37 * time.Minute))
			}
		}()
	}
	wg.Wait()
}

func BenchmarkAt(b *testing.B) {
	s := Default()
	t0 := time.Date(2026, 12, 25, 2, 10, 0, 0, time.UTC)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = s.At(t0)
	}
}
