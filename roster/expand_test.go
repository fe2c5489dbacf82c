package roster

import (
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
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
