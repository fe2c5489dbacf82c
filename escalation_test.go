package mgz

import (
	"testing"
	"time"

	"github.com/regio-mgz/mgz/calendar"
)

func TestEscalationDeadlineMovesOffWeekendsAndFreeDays(t *testing.T) {
	dutch := calendar.NewHolidaySet(calendar.NewYearsDay, calendar.EasterMonday, calendar.KingsDay, calendar.ChristmasDay, calendar.BoxingDay)
	cases := []struct {
		name   string
		opened Date
		days   int
		free   calendar.HolidaySet
		want   Date
	}{
		{"14 days from a Monday land on a Monday", NewDate(2026, time.March, 2), 14, dutch, NewDate(2026, time.March, 16)},
		{"over a weekend: a Saturday moves to Monday", NewDate(2026, time.March, 2), 5, dutch, NewDate(2026, time.March, 9)},
		{"a Sunday moves to Monday", NewDate(2026, time.March, 2), 6, dutch, NewDate(2026, time.March, 9)},
		{"over a month end: 31 January + 14 is Saturday 14 February, so Monday 16", NewDate(2026, time.January, 31), 14, dutch, NewDate(2026, time.February, 16)},
		{"onto a month end on a Saturday: moves into the next month", NewDate(2026, time.January, 17), 14, dutch, NewDate(2026, time.February, 2)},
		{"over a leap day", NewDate(2028, time.February, 15), 14, dutch, NewDate(2028, time.February, 29)},
		{"over a year end onto New Year's Day, then a weekend", NewDate(2026, time.December, 18), 14, dutch, NewDate(2027, time.January, 4)},
		{"New Year's Day not free in the region: stays", NewDate(2026, time.December, 18), 14, 0, NewDate(2027, time.January, 1)},
		{"onto Easter Monday", NewDate(2026, time.March, 23), 14, dutch, NewDate(2026, time.April, 7)},
		{"onto King's Day", NewDate(2026, time.April, 13), 14, dutch, NewDate(2026, time.April, 28)},
		{"onto Christmas: Friday 25 and Saturday 26 December, then Sunday", NewDate(2026, time.December, 11), 14, dutch, NewDate(2026, time.December, 28)},
		{"a term of one day", NewDate(2026, time.March, 5), 1, dutch, NewDate(2026, time.March, 6)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := EscalationDeadline(c.opened, c.days, c.free)
			if !got.Equal(c.want.Time) {
				t.Errorf("EscalationDeadline(%s, %d) = %s (%s), want %s (%s)", c.opened, c.days, got, got.Weekday(), c.want, c.want.Weekday())
			}
		})
	}
}

func TestStepOverdueFromTheDayAfterTheDeadline(t *testing.T) {
	st := EscalationStep{Deadline: NewDate(2026, time.March, 16)}
	ams := calendar.Location()
	cases := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"on the deadline, late evening", time.Date(2026, 3, 16, 23, 59, 0, 0, ams), false},
		{"just after midnight in Amsterdam (still the 16th in UTC)", time.Date(2026, 3, 17, 0, 30, 0, 0, ams), true},
		{"a week later", time.Date(2026, 3, 23, 9, 0, 0, 0, ams), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := st.Overdue(c.now); got != c.want {
				t.Errorf("Overdue(%s) = %v, want %v", c.now, got, c.want)
			}
		})
	}
	now := time.Date(2026, 3, 17, 9, 0, 0, 0, time.UTC)
	answered := st
	answered.RespondedAt = &now
	if answered.Overdue(now.Add(24 * time.Hour)) {
		t.Error("a step with a response is never overdue")
	}
	closed := st
	closed.ClosedAt = &now
	if closed.Overdue(now.Add(24 * time.Hour)) {
		t.Error("a closed step is never overdue")
	}
}

func TestEscalationNormalise(t *testing.T) {
	today := NewDate(2026, time.March, 2)
	ok := Escalation{CareProviderID: 3, Category: CategoryStaffing, Description: "  Nachtdienst onderbezet  ", PeriodStart: NewDate(2026, 2, 1)}
	if err := ok.Normalise(today); err != nil || ok.Description != "Nachtdienst onderbezet" {
		t.Fatalf("valid report: %v, description %q", err, ok.Description)
	}
	for name, e := range map[string]Escalation{
		"no category":            {CareProviderID: 3, Description: "x", PeriodStart: NewDate(2026, 2, 1)},
		"unknown category":       {CareProviderID: 3, Category: "weather", Description: "x", PeriodStart: NewDate(2026, 2, 1)},
		"no description":         {CareProviderID: 3, Category: CategoryOther, PeriodStart: NewDate(2026, 2, 1)},
		"no provider":            {Category: CategoryOther, Description: "x", PeriodStart: NewDate(2026, 2, 1)},
		"period in the future":   {CareProviderID: 3, Category: CategoryOther, Description: "x", PeriodStart: NewDate(2026, 4, 1)},
		"end before the start":   {CareProviderID: 3, Category: CategoryOther, Description: "x", PeriodStart: NewDate(2026, 2, 1), PeriodEnd: NewDate(2026, 1, 1)},
		"no start of the period": {CareProviderID: 3, Category: CategoryOther, Description: "x"},
	} {
		if err := e.Normalise(today); ErrorCode(err) != ECodeInvalid {
			t.Errorf("%s: Normalise = %v, want invalid_request", name, err)
		}
	}
}
