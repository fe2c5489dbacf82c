package calendar

import (
	"math/bits"
	"time"
)

// Holiday identifies one of the eleven Dutch public holidays (algemeen
// erkende feestdagen) that domain.md §4.1 and the contract know. The zero
// value means "no holiday".
type Holiday uint8

// The Dutch public holidays, in calendar order within a year. The numbering
// is internal; store a Holiday by its Key, never by its number.
const (
	NoHoliday     Holiday = iota // not a holiday
	NewYearsDay                  // Nieuwjaarsdag, 1 January
	GoodFriday                   // Goede Vrijdag, Easter − 2
	EasterSunday                 // Eerste Paasdag
	EasterMonday                 // Tweede Paasdag, Easter + 1
	KingsDay                     // Koningsdag, 27 April (26 April when the 27th is a Sunday)
	LiberationDay                // Bevrijdingsdag, 5 May
	AscensionDay                 // Hemelvaartsdag, Easter + 39
	WhitSunday                   // Eerste Pinksterdag, Easter + 49
	WhitMonday                   // Tweede Pinksterdag, Easter + 50
	ChristmasDay                 // Eerste Kerstdag, 25 December
	BoxingDay                    // Tweede Kerstdag, 26 December
	numHolidays
)

// holidayInfo holds the Dutch name (as the contract spells it) and the stable
// key used in settings and storage.
var holidayInfo = [numHolidays]struct{ name, key string }{
	NoHoliday:     {"", ""},
	NewYearsDay:   {"Nieuwjaarsdag", "new_years_day"},
	GoodFriday:    {"Goede Vrijdag", "good_friday"},
	EasterSunday:  {"Eerste Paasdag", "easter_sunday"},
	EasterMonday:  {"Tweede Paasdag", "easter_monday"},
	KingsDay:      {"Koningsdag", "kings_day"},
	LiberationDay: {"Bevrijdingsdag", "liberation_day"},
	AscensionDay:  {"Hemelvaartsdag", "ascension_day"},
	WhitSunday:    {"Eerste Pinksterdag", "whit_sunday"},
	WhitMonday:    {"Tweede Pinksterdag", "whit_monday"},
	ChristmasDay:  {"Eerste Kerstdag", "christmas_day"},
	BoxingDay:     {"Tweede Kerstdag", "boxing_day"},
}

// AllHolidays lists the eleven holidays in calendar order. It returns a new
// slice on every call so callers may keep or change it.
func AllHolidays() []Holiday {
	hs := make([]Holiday, 0, numHolidays-1)
	for h := NewYearsDay; h < numHolidays; h++ {
		hs = append(hs, h)
	}
	return hs
}

// Valid reports whether h is one of the eleven holidays.
func (h Holiday) Valid() bool { return h > NoHoliday && h < numHolidays }

// Name returns the Dutch name of the holiday as the contract spells it
// ("Eerste Kerstdag"), or "" for NoHoliday or an unknown value.
func (h Holiday) Name() string {
	if h >= numHolidays {
		return ""
	}
	return holidayInfo[h].name
}

// Key returns the stable English identifier of the holiday ("christmas_day"),
// meant for settings files and storage; "" for NoHoliday or an unknown value.
func (h Holiday) Key() string {
	if h >= numHolidays {
		return ""
	}
	return holidayInfo[h].key
}

// String returns the Dutch name, so a Holiday prints the way users read it.
func (h Holiday) String() string { return h.Name() }

// ParseHoliday returns the holiday with the given Key.
func ParseHoliday(key string) (Holiday, bool) {
	for h := NewYearsDay; h < numHolidays; h++ {
		if holidayInfo[h].key == key {
			return h, true
		}
	}
	return NoHoliday, false
}

// Easter returns the date of Western (Gregorian) Easter Sunday in the given
// year, computed with the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
// It is exact for every year of the Gregorian calendar (1583 onward); for
// earlier years it extrapolates the Gregorian rule.
func Easter(year int) (time.Month, int) {
	a := mod(year, 19)
	b := floorDiv(year, 100)
	c := mod(year, 100)
	d := floorDiv(b, 4)
	e := mod(b, 4)
	f := floorDiv(b+8, 25)
	g := floorDiv(b-f+1, 3)
	h := mod(19*a+b-d-g+15, 30)
	i := floorDiv(c, 4)
	k := mod(c, 4)
	l := mod(32+2*e+2*i-h-k, 7)
	m := floorDiv(a+11*h+22*l, 451)
	month := floorDiv(h+l-7*m+114, 31)
	day := mod(h+l-7*m+114, 31) + 1
	return time.Month(month), day
}

// floorDiv and mod round towards minus infinity, so Easter stays defined
// (if not meaningful) for years before 1 instead of producing odd dates.
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// HolidayOn returns the holiday that falls on the given civil date (a valid
// Gregorian date), if any.
// It reports the holiday whatever the weekday, so King's Day moved to 26 April
// is reported on the 26th and not on the 27th. The current rules are applied
// to every year: Koningsdag as it has been since 2014, Bevrijdingsdag every
// year (as the Rijksoverheid lists it; whether it is a day off is a region
// setting, see Settings).
//
// Two holidays can fall on one date: Ascension Day is on 5 May, Liberation
// Day, in some years (2005 and 2016; not again before 2100). HolidayOn then
// returns the one that comes first in the precedence order of Preferred
// (Hemelvaartsdag); HolidaysOn returns them all, and Settings.At names the
// one that is a free day.
func HolidayOn(year int, month time.Month, day int) Holiday {
	return HolidaysOn(year, month, day).Preferred()
}

// HolidaysOn returns every holiday that falls on the given civil date; the
// empty set when there is none.
func HolidaysOn(year int, month time.Month, day int) HolidaySet {
	var s HolidaySet
	switch {
	case month == time.January && day == 1:
		s = s.With(NewYearsDay)
	case month == time.May && day == 5:
		s = s.With(LiberationDay)
	case month == time.December && day == 25:
		s = s.With(ChristmasDay)
	case month == time.December && day == 26:
		s = s.With(BoxingDay)
	case month == time.April && (day == 26 || day == 27):
		// 27 April, unless that is a Sunday; then Saturday 26 April.
		sunday27 := weekday(year, time.April, 27) == time.Sunday
		if (day == 27 && !sunday27) || (day == 26 && sunday27) {
			s = s.With(KingsDay)
		}
	}
	// The moveable feasts lie between 20 March (Good Friday) and 14 June
	// (Whit Monday); skip the Easter computation outside that window.
	if month < time.March || month > time.June {
		return s
	}
	em, ed := Easter(year)
	offset := dayOfYear(year, month, day) - dayOfYear(year, em, ed)
	switch offset {
	case -2:
		s = s.With(GoodFriday)
	case 0:
		s = s.With(EasterSunday)
	case 1:
		s = s.With(EasterMonday)
	case 39:
		s = s.With(AscensionDay)
	case 49:
		s = s.With(WhitSunday)
	case 50:
		s = s.With(WhitMonday)
	}
	return s
}

// holidayPrecedence decides which name is reported when holidays coincide
// (in practice only Ascension Day on 5 May). The holidays that are free days
// by default come first, in calendar order, then Good Friday and Liberation
// Day, which are free only when a region switches them on. So a coinciding
// Ascension Day is named Hemelvaartsdag under Default and under NZa2023
// alike.
var holidayPrecedence = [...]Holiday{NewYearsDay, EasterSunday, EasterMonday, KingsDay,
	AscensionDay, WhitSunday, WhitMonday, ChristmasDay, BoxingDay, GoodFriday, LiberationDay}

// Preferred returns the member of s that comes first in the fixed
// precedence order (the default free days in calendar order, then Good
// Friday, then Liberation Day), or NoHoliday for the empty set.
func (s HolidaySet) Preferred() Holiday {
	s &= validMask
	switch {
	case s == 0:
		return NoHoliday
	case s&(s-1) == 0: // one holiday, the usual case: no search needed
		return Holiday(bits.TrailingZeros16(uint16(s)))
	}
	for _, h := range holidayPrecedence {
		if s.Has(h) {
			return h
		}
	}
	return NoHoliday
}

// HolidayAt returns the holiday on the local date of t in Europe/Amsterdam,
// whatever the time zone t carries (see HolidayOn for coinciding holidays).
func HolidayAt(t time.Time) Holiday {
	y, m, d := t.In(amsterdam).Date()
	return HolidayOn(y, m, d)
}

// Dated is a holiday with the civil date it falls on.
type Dated struct {
	Holiday Holiday
	Year    int
	Month   time.Month
	Day     int
}

// Date returns the start of the holiday in Europe/Amsterdam.
func (d Dated) Date() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, amsterdam)
}

// Holidays returns the eleven holidays of a year in calendar order, e.g. to
// show a region which days its settings count as free.
func Holidays(year int) []Dated {
	em, ed := Easter(year)
	easter := time.Date(year, em, ed, 12, 0, 0, 0, time.UTC)
	rel := func(h Holiday, days int) Dated {
		t := easter.AddDate(0, 0, days)
		return Dated{h, t.Year(), t.Month(), t.Day()}
	}
	kings := 27
	if weekday(year, time.April, 27) == time.Sunday {
		kings = 26
	}
	out := []Dated{
		{NewYearsDay, year, time.January, 1},
		rel(GoodFriday, -2),
		rel(EasterSunday, 0),
		rel(EasterMonday, 1),
		{KingsDay, year, time.April, kings},
		{LiberationDay, year, time.May, 5},
		rel(AscensionDay, 39),
		rel(WhitSunday, 49),
		rel(WhitMonday, 50),
		{ChristmasDay, year, time.December, 25},
		{BoxingDay, year, time.December, 26},
	}
	// Ascension can fall before 5 May (e.g. 3 May 2035): keep calendar order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && before(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func before(a, b Dated) bool {
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

// weekday and dayOfYear work on civil dates in UTC, where every day has 24
// hours, so no DST transition can shift them.
func weekday(year int, month time.Month, day int) time.Weekday {
	return time.Date(year, month, day, 12, 0, 0, 0, time.UTC).Weekday()
}

func dayOfYear(year int, month time.Month, day int) int {
	return time.Date(year, month, day, 12, 0, 0, 0, time.UTC).YearDay()
}
