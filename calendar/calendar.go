// Package calendar decides whether a moment falls in office hours or out of
// hours (ANW) in the Netherlands, and which Dutch public holiday a date is
// (domain.md §4.1).
//
// Everything is judged by the wall clock in Europe/Amsterdam, whatever offset
// an instant was given in. The package is pure: no I/O, no global mutable
// state, safe for concurrent use. The time zone database is embedded
// (time/tzdata) so the answers do not depend on the machine's zoneinfo.
package calendar

import (
	"time"
	_ "time/tzdata" // embed the zone database: containers often lack /usr/share/zoneinfo
)

// amsterdam is loaded once; a *time.Location is safe for concurrent use.
var amsterdam = mustLoad("Europe/Amsterdam")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable with time/tzdata embedded; a wrong answer would be
		// worse than a crash at start-up.
		panic("calendar: cannot load time zone " + name + ": " + err.Error())
	}
	return loc
}

// Location returns Europe/Amsterdam, the zone every judgement is made in.
func Location() *time.Location { return amsterdam }
