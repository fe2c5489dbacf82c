package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Period says whether a moment falls in office hours or out of hours (ANW:
// avond, nacht, weekend en feestdagen). The string values are the contract's.
type Period string

// The two periods of domain.md §4.1.
const (
	OfficeHours Period = "office_hours"
	OutOfHours  Period = "out_of_hours"
)

// Clock is a time of day as minutes since local midnight; 24:00 (1440) is
// allowed as the end of a day.
type Clock int

// At returns the Clock for hour:minute.
func At(hour, minute int) Clock { return Clock(hour*60 + minute) }

// MaxClock is 24:00, the latest value a Clock may hold.
const MaxClock Clock = 24 * 60

// ParseClock reads "HH:MM" (00:00 to 24:00).
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, fmt.Errorf("tijd %q: schrijf de tijd als UU:MM, bijvoorbeeld 08:00", s)
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	c := At(h, m)
	if m > 59 || c > MaxClock {
		return 0, fmt.Errorf("tijd %q bestaat niet: kies een tijd van 00:00 tot en met 24:00", s)
	}
	return c, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the clock as "HH:MM".
func (c Clock) String() string {
	if c < 0 || c > MaxClock {
		return fmt.Sprintf("ongeldig(%d)", int(c))
	}
	return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60)
}

// HolidaySet is a set of holidays, used for the holidays a region counts as
// free days. The zero value is the empty set.
type HolidaySet uint16

// NewHolidaySet returns the set holding the given holidays.
func NewHolidaySet(hs ...Holiday) HolidaySet {
	var s HolidaySet
	for _, h := range hs {
		s = s.With(h)
	}
	return s
}

// Has reports whether h is in the set.
func (s HolidaySet) Has(h Holiday) bool { return h.Valid() && s&(1<<h) != 0 }

// With returns the set with h added.
func (s HolidaySet) With(h Holiday) HolidaySet { return s | 1<<h }

// Without returns the set with h removed.
func (s HolidaySet) Without(h Holiday) HolidaySet { return s &^ (1 << h) }

// Holidays lists the members in calendar order.
func (s HolidaySet) Holidays() []Holiday {
	var hs []Holiday
	for h := NewYearsDay; h < numHolidays; h++ {
		if s.Has(h) {
			hs = append(hs, h)
		}
	}
	return hs
}

// validMask holds the bits of the eleven known holidays.
const validMask = HolidaySet((1<<numHolidays - 1) &^ 1)

// Settings is a region's definition of office hours (domain.md §4.1, a
// product choice a region may change): office hours run on Monday to Friday
// from OfficeStart (inclusive) to OfficeEnd (exclusive) local time, except on
// the holidays in FreeDays. Everything else is out of hours.
//
// The zero Settings is not a valid region setting; Period and At treat it as
// Default so that a forgotten setting still gives the documented answer.
type Settings struct {
	OfficeStart Clock      // first minute of office hours, e.g. 08:00
	OfficeEnd   Clock      // first minute out of hours again, e.g. 17:00
	FreeDays    HolidaySet // holidays on which a weekday counts as out of hours
}

// Default returns the default region setting of domain.md §4.1, following
// what GP posts tell the public: weekdays 08:00–17:00 are office hours; the
// free days are New Year's Day, both Easter days, King's Day, Ascension Day,
// both Whit days and both Christmas days. Good Friday and Liberation Day are
// not free days unless the region switches them on.
func Default() Settings {
	return Settings{
		OfficeStart: At(8, 0),
		OfficeEnd:   At(17, 0),
		FreeDays: NewHolidaySet(NewYearsDay, EasterSunday, EasterMonday, KingsDay,
			AscensionDay, WhitSunday, WhitMonday, ChristmasDay, BoxingDay),
	}
}

// NZa2023 returns the preset that follows the NZa 2023 tariff definition for
// GP posts: out of hours are weekdays 18:00–08:00, weekends and all eleven
// holidays (the default nine plus Good Friday and Liberation Day).
func NZa2023() Settings {
	return Settings{
		OfficeStart: At(8, 0),
		OfficeEnd:   At(18, 0),
		FreeDays:    validMask,
	}
}

// IsZero reports whether s is the zero Settings (treated as Default).
func (s Settings) IsZero() bool { return s == Settings{} }

// OrDefault returns s, or Default when s is the zero Settings.
func (s Settings) OrDefault() Settings {
	if s.IsZero() {
		return Default()
	}
	return s
}

// ErrInvalidSettings is wrapped by every error Validate returns.
var ErrInvalidSettings = errors.New("ongeldige instelling voor kantooruren")

// Validate checks a region setting and explains in Dutch what to change.
func (s Settings) Validate() error {
	var problems []string
	if s.OfficeStart < 0 || s.OfficeStart > MaxClock {
		problems = append(problems, "het begin van de kantooruren ligt buiten 00:00–24:00; kies bijvoorbeeld 08:00")
	}
	if s.OfficeEnd < 0 || s.OfficeEnd > MaxClock {
		problems = append(problems, "het einde van de kantooruren ligt buiten 00:00–24:00; kies bijvoorbeeld 17:00")
	}
	if len(problems) == 0 && s.OfficeStart >= s.OfficeEnd {
		problems = append(problems, fmt.Sprintf("het begin van de kantooruren (%s) moet vóór het einde (%s) liggen; kies bijvoorbeeld 08:00 tot 17:00", s.OfficeStart, s.OfficeEnd))
	}
	if s.FreeDays&^validMask != 0 {
		problems = append(problems, "de vrije dagen bevatten een onbekende feestdag; kies alleen uit de elf officiële feestdagen")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidSettings, strings.Join(problems, "; "))
	}
	return nil
}

// Moment is a moment judged against a region setting.
type Moment struct {
	Local  time.Time // the moment in Europe/Amsterdam
	Period Period
	// Holiday is the holiday of the local date, also when it is not a free
	// day. When several holidays fall on the date (Ascension Day on 5 May),
	// it is one that is a free day under the settings, if any; among several
	// candidates the first in the precedence order of HolidaySet.Preferred.
	Holiday Holiday
	// Holidays holds every holiday of the local date.
	Holidays HolidaySet
}

// At judges t: its local time in Europe/Amsterdam, its period and the
// holiday of its local date. The instant is converted first, so an instant
// given in UTC or any offset is judged by Dutch wall-clock time, DST
// transitions included. A weekday is out of hours all day when any holiday
// on its date is a free day (domain.md §4.1).
func (s Settings) At(t time.Time) Moment {
	s = s.OrDefault()
	local := t.In(amsterdam)
	y, mo, d := local.Date()
	all := HolidaysOn(y, mo, d)
	m := Moment{Local: local, Period: OutOfHours, Holidays: all}
	if free := all & s.FreeDays; free != 0 {
		m.Holiday = free.Preferred()
		return m
	}
	m.Holiday = all.Preferred()
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return m
	}
	// Compare in seconds so that 16:59:59 is still office hours and 17:00:00
	// is not.
	hh, mm, ss := local.Clock()
	sec := hh*3600 + mm*60 + ss
	if sec >= int(s.OfficeStart)*60 && sec < int(s.OfficeEnd)*60 {
		m.Period = OfficeHours
	}
	return m
}

// Period returns the period of t under s.
func (s Settings) Period(t time.Time) Period { return s.At(t).Period }
