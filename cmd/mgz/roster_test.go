package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// rosterDB is a closed demo database with one empty roster of an SO/AVG service; it returns the
// database and the roster's id.
func rosterDB(t *testing.T) (string, int64) {
	t.Helper()
	path, orgs := importDB(t)
	var owner int64
	for _, o := range orgs {
		if o.Kind == mgz.KindPhysicianService {
			owner = o.ID
			break
		}
	}
	if owner == 0 {
		t.Fatal("the demo region has no SO/AVG service")
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{})
	r := mgz.Roster{OrganisationID: &owner, Role: mgz.RosterPhysicianOnCall, Name: "Dienst SO", Phone: "0201234567"}
	if err := svc.CreateRoster(ctx, service.System(), &r); err != nil {
		t.Fatal(err)
	}
	return path, r.ID
}

func rosterShifts(t *testing.T, path string, id int64) []mgz.Shift {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.Store().Rosters().Roster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Shifts
}

func TestRosterImportTwiceChangesNothingTheSecondTime(t *testing.T) {
	path, id := rosterDB(t)
	fixture, err := filepath.Abs(filepath.Join("..", "..", "rosterfile", "testdata", "outlook.ics"))
	if err != nil {
		t.Fatal(err)
	}
	ids := itoa64(id)
	code, out, errs := importRun(path, "roster", "import", "--roster", ids, fixture)
	if code != 0 {
		t.Fatalf("first import: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "3 toegevoegd, 0 gewijzigd, 0 verwijderd, 0 ongewijzigd") || !strings.Contains(errs, "3 afspraken gelezen") {
		t.Errorf("first import said %q / %q", out, errs)
	}
	if n := len(rosterShifts(t, path, id)); n != 3 {
		t.Fatalf("%d shifts stored, want 3", n)
	}
	code, out, errs = importRun(path, "roster", "import", fixture, "--roster", ids)
	if code != 0 {
		t.Fatalf("second import: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "0 toegevoegd, 0 gewijzigd, 0 verwijderd, 3 ongewijzigd") {
		t.Errorf("second import said %q", out)
	}
}

func TestRosterImportCSVAndBadFile(t *testing.T) {
	path, id := rosterDB(t)
	good := writeFile(t, "rooster.csv", "naam;telefoon;begin;einde;herhaling\nDr. B;0612345678;2026-12-01 17:00;2026-12-02 08:00;FREQ=DAILY\n")
	code, out, errs := importRun(path, "roster", "import", "--roster", itoa64(id), good)
	if code != 0 || !strings.Contains(out, "1 toegevoegd") {
		t.Fatalf("csv import: exit %d %q %q", code, out, errs)
	}
	bad := writeFile(t, "fout.txt", "naam;begin;einde\nDr. C;morgen;2026-12-02 08:00\nDr. D;2026-12-01 08:00;2026-12-01 17:00\n")
	code, out, errs = importRun(path, "roster", "import", "--format", "csv", "--roster", itoa64(id), bad)
	if code != 2 || !strings.Contains(errs, "regel 2:") || !strings.Contains(errs, "Niets geïmporteerd") || out != "" {
		t.Errorf("bad file: exit %d %q %q", code, out, errs)
	}
	if s := rosterShifts(t, path, id); len(s) != 1 || s[0].Person != "Dr. B" {
		t.Errorf("a bad file changed the roster: %+v", s)
	}
	if code, _, errs := importRun(path, "roster", "import", "--roster", "999999", good); code != 2 || errs == "" {
		t.Errorf("unknown roster: exit %d %q", code, errs)
	}
	unknown := writeFile(t, "rooster.xlsx", "x")
	if code, _, errs := importRun(path, "roster", "import", "--roster", itoa64(id), unknown); code != 2 || !strings.Contains(errs, "--format") {
		t.Errorf("unknown format: exit %d %q", code, errs)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
