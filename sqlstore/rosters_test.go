package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

func TestRosterStoreReimportIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	prov := provider("Zorggroep Rooster", "")
	if err := db.Register().CreateOrganisation(ctx, prov); err != nil {
		t.Fatal(err)
	}
	loc := location(prov.ID, "De Linde")
	if err := db.Register().CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	gp := practice("Praktijk", "01000009")
	if err := db.Register().CreateOrganisation(ctx, gp); err != nil {
		t.Fatal(err)
	}
	t.Run("a GP practice cannot own a first-line roster", func(t *testing.T) {
		mustCode(t, st.Rosters().CreateRoster(ctx, &mgz.Roster{OrganisationID: &gp.ID, Role: mgz.RosterFirstLine, Name: "X", Phone: "0301234567"}),
			mgz.ECodeInvalid, "organisation_id")
	})
	r := &mgz.Roster{LocationID: &loc.ID, Role: mgz.RosterFirstLine, Name: "Voorwacht De Linde", Phone: "030-7654321"}
	if err := st.Rosters().CreateRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	ams, _ := time.LoadLocation(mgz.DefaultTimeZone)
	shifts := func() []mgz.Shift {
		return []mgz.Shift{
			{UID: "a", Person: "Team Noord", Start: time.Date(2026, 12, 1, 23, 0, 0, 0, ams), End: time.Date(2026, 12, 2, 7, 0, 0, 0, ams),
				RRule: "FREQ=DAILY", ExDates: []time.Time{time.Date(2026, 12, 24, 23, 0, 0, 0, ams)}},
			{UID: "b", Person: "Team Zuid", Phone: "06-12345678", Start: time.Date(2026, 12, 1, 7, 0, 0, 0, ams), End: time.Date(2026, 12, 1, 23, 0, 0, 0, ams),
				RRule: "FREQ=DAILY", Holidays: mgz.HolidaysSkip},
		}
	}
	res, err := st.Rosters().ReplaceShifts(ctx, r.ID, mgz.SourceICal, shifts())
	if err != nil || res.Added != 2 {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	res, err = st.Rosters().ReplaceShifts(ctx, r.ID, mgz.SourceICal, shifts())
	if err != nil || res != (mgz.ImportResult{Unchanged: 2}) {
		t.Fatalf("second import of the same shifts: %+v, %v", res, err)
	}
	got, err := st.Rosters().Roster(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 || len(got.Shifts) != 2 {
		t.Fatalf("revision %d with %d shifts, want 2 and 2", got.Revision, len(got.Shifts))
	}
	a := got.Shifts[1]
	if a.UID != "a" || !a.Start.Equal(time.Date(2026, 12, 1, 23, 0, 0, 0, ams)) || len(a.ExDates) != 1 || a.Start.Location().String() != mgz.DefaultTimeZone {
		t.Fatalf("shift read back as %+v", a)
	}
	changed := shifts()[:1]
	changed[0].Person = "Team West"
	res, err = st.Rosters().ReplaceShifts(ctx, r.ID, mgz.SourceICal, changed)
	if err != nil || res != (mgz.ImportResult{Changed: 1, Removed: 1}) {
		t.Fatalf("import with one changed and one gone: %+v, %v", res, err)
	}
	all, err := st.Rosters().WithShifts(ctx, mgz.RosterFilter{LocationIDs: []int64{loc.ID}})
	if err != nil || len(all) != 1 || len(all[0].Shifts) != 1 || all[0].Shifts[0].Person != "Team West" {
		t.Fatalf("WithShifts: %+v, %v", all, err)
	}
	bad := shifts()
	bad[1].End = bad[1].Start
	if _, err := st.Rosters().ReplaceShifts(ctx, r.ID, mgz.SourceICal, bad); err == nil {
		t.Fatal("an import with a shift ending at its start was accepted")
	}
	if all, _ := st.Rosters().WithShifts(ctx, mgz.RosterFilter{LocationIDs: []int64{loc.ID}}); len(all[0].Shifts) != 1 || all[0].Shifts[0].Person != "Team West" {
		t.Fatal("a refused import changed the roster")
	}
}

// Two imports into the same roster at once (two coordinators uploading): each is all or nothing,
// the roster ends as exactly one of them, and its revision counts both changes.
func TestConcurrentImportsLeaveOneWholeRoster(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	prov := provider("Zorggroep Gelijktijdig", "")
	if err := db.Register().CreateOrganisation(ctx, prov); err != nil {
		t.Fatal(err)
	}
	r := &mgz.Roster{OrganisationID: &prov.ID, Role: mgz.RosterFirstLine, Name: "Voorwacht", Phone: "030-7654321"}
	if err := st.Rosters().CreateRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	ams, _ := time.LoadLocation(mgz.DefaultTimeZone)
	file := func(team string, n int) []mgz.Shift {
		var out []mgz.Shift
		for i := range n {
			start := time.Date(2026, 12, 1+i, 7, 0, 0, 0, ams)
			out = append(out, mgz.Shift{UID: team + "-" + string(rune('a'+i)), Person: team, Start: start, End: start.Add(8 * time.Hour)})
		}
		return out
	}
	errs := make(chan error, 2)
	for _, f := range [][]mgz.Shift{file("Noord", 5), file("Zuid", 7)} {
		go func() {
			_, err := st.Rosters().ReplaceShifts(ctx, r.ID, mgz.SourceCSV, f)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Rosters().Roster(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	teams := map[string]int{}
	for _, s := range got.Shifts {
		teams[s.Person]++
	}
	if !(len(teams) == 1 && (teams["Noord"] == 5 || teams["Zuid"] == 7)) {
		t.Fatalf("the roster mixes two imports: %v", teams)
	}
	if got.Revision != 3 {
		t.Fatalf("revision %d after two changing imports, want 3", got.Revision)
	}
}
