package service

import (
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// rosterFixture is a roster of the fixture's care provider with its editor.
func rosterFixture(t *testing.T) (*fixture, mgz.Actor, mgz.Roster) {
	f := newFixture(t)
	_, ed := f.user(f.provider, mgz.RoleEditor)
	ro := mgz.Roster{OrganisationID: &f.provider.ID, Role: mgz.RosterFirstLine, Name: "Voorwacht", Phone: "0612345678"}
	if err := f.s.CreateRoster(f.ctx, ed, &ro); err != nil {
		t.Fatal(err)
	}
	return f, ed, ro
}

func TestRosterShiftByHandGetsItsOwnUIDAndIsAudited(t *testing.T) {
	f, ed, ro := rosterFixture(t)
	start := time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC)
	n := len(f.entries())
	var uids []string
	for i := 0; i < 2; i++ {
		sh := mgz.Shift{RosterID: ro.ID, Person: "Nachtteam", Start: start, End: start.Add(8 * time.Hour), RRule: "FREQ=DAILY"}
		if err := f.s.AddShift(f.ctx, ed, &sh, 0); err != nil {
			t.Fatal(err)
		}
		if sh.UID == "" || sh.ID == 0 {
			t.Fatalf("shift %d stored without a UID or id: %+v", i, sh)
		}
		uids = append(uids, sh.UID)
	}
	if uids[0] == uids[1] {
		t.Errorf("two shifts entered by hand share UID %s", uids[0])
	}
	got, err := f.s.Roster(f.ctx, ed, ro.ID)
	if err != nil || len(got.Shifts) != 2 || got.Revision != ro.Revision+2 {
		t.Fatalf("roster after two shifts: %+v %v", got, err)
	}
	if e := f.since(n); len(e) != 2 || e[0].Reason != "dienst toegevoegd" {
		t.Errorf("audit entries for two shifts: %+v", e)
	}
}

func TestRosterShiftWithAnUnreadableRRuleIsRefused(t *testing.T) {
	f, ed, ro := rosterFixture(t)
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, rule := range []string{"FREQ=SOMETIMES", "ELKE DAG", "FREQ=WEEKLY;BYDAY=XX"} {
		sh := mgz.Shift{RosterID: ro.ID, Person: "Dagteam", Start: start, End: start.Add(9 * time.Hour), RRule: rule}
		err := f.s.AddShift(f.ctx, ed, &sh, 0)
		wantCode(t, err, mgz.ECodeInvalid, "rrule")
		if !strings.Contains(err.(*mgz.Error).Fields["rrule"], "RRULE") {
			t.Errorf("message for %q does not say what a rule looks like: %v", rule, err)
		}
	}
	got, err := f.s.Roster(f.ctx, ed, ro.ID)
	if err != nil || len(got.Shifts) != 0 || got.Revision != ro.Revision {
		t.Fatalf("a refused shift changed the roster: %+v %v", got, err)
	}
}

func TestRosterChangesByOthersAreRefused(t *testing.T) {
	f, ed, ro := rosterFixture(t)
	_, viewer := f.user(f.provider, mgz.RoleViewer)
	_, stranger := f.user(f.practice, mgz.RoleAdmin)
	for _, a := range []mgz.Actor{viewer, stranger} {
		upd := ro
		upd.Name = "Overgenomen"
		wantCode(t, f.s.UpdateRoster(f.ctx, a, &upd), mgz.ECodeForbidden, "")
		wantCode(t, f.s.DeleteRoster(f.ctx, a, ro.ID, 0), mgz.ECodeForbidden, "")
		if _, err := f.s.Roster(f.ctx, a, ro.ID); err != nil {
			t.Errorf("every signed-in user reads a roster: %v", err)
		}
	}
	// A stale edit by the owner's editor is refused too.
	upd := ro
	upd.Name = "Voorwacht Noord"
	if err := f.s.UpdateRoster(f.ctx, ed, &upd); err != nil {
		t.Fatal(err)
	}
	stale := ro
	stale.Name = "Voorwacht Oud"
	wantCode(t, f.s.UpdateRoster(f.ctx, ed, &stale), mgz.ECodeConflict, "")
	if got, _ := f.s.Roster(f.ctx, ed, ro.ID); got.Name != "Voorwacht Noord" {
		t.Errorf("name = %q after a stale edit", got.Name)
	}
}
