package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// runDemoCmd runs mgz demo with args and returns its exit code, stdout and stderr.
func runDemoCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	env, out, errb := testEnv(nil)
	code := run(context.Background(), env, append([]string{"demo"}, args...))
	return code, out.String(), errb.String()
}

func TestDemoNationalLoadsASmallSetPrintsItsAccountsAndRefusesAFullDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nationaal.db")
	code, out, errs := runDemoCmd(t, "--scale", "national", "--db", path, "--clients", "500", "--seed", "5")
	if code != 0 {
		t.Fatalf("mgz demo: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"500 cliënten", "31 zorgkantoorregio's", demo.AccountStressPractice, demo.AccountPractice,
		demo.AccountRHO, demo.AccountProvider, "Wachtwoord voor allemaal: " + demo.Password, "zorgkantoor-amsterdam@voorbeeld.test"} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "cliënten 500/500") || !strings.Contains(errs, "locaties ") {
		t.Errorf("no progress on stderr:\n%s", errs)
	}

	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db.Store(), service.Config{})
	for _, email := range []string{demo.AccountStressPractice, demo.AccountRHO, demo.Email("Zorgkantoor Amsterdam")} {
		if _, err := svc.Login(ctx, email, demo.Password, "192.0.2.7"); err != nil {
			t.Errorf("login %s: %v", email, err)
		}
	}
	db.Close()

	code, _, errs = runDemoCmd(t, "--scale", "national", "--db", path, "--clients", "10")
	if code != 1 || !strings.Contains(errs, "bevat al gegevens") || !strings.Contains(errs, "nieuw bestand") {
		t.Fatalf("a second load into the same database: exit %d\n%s", code, errs)
	}
}

// TestDemoNationalPatientsCSVIsWhatImportReads writes the clients as a file and imports it with
// mgz import patients into the same register: every client is new, none is refused.
func TestDemoNationalPatientsCSVIsWhatImportReads(t *testing.T) {
	dir := t.TempDir()
	path, csvPath := filepath.Join(dir, "register.db"), filepath.Join(dir, "clienten.csv")
	code, out, errs := runDemoCmd(t, "--scale", "national", "--db", path, "--clients", "500", "--patients-csv", csvPath)
	if code != 0 || !strings.Contains(out, "500 cliënten geschreven naar") {
		t.Fatalf("mgz demo --patients-csv: exit %d\n%s\n%s", code, out, errs)
	}
	env, iout, ierr := testEnv(map[string]string{"MGZ_DB": path})
	if code := run(context.Background(), env, []string{"import", "patients", csvPath}); code != 0 {
		t.Fatalf("mgz import patients: exit %d\n%s", code, ierr.String())
	}
	if got := strings.TrimSpace(iout.String()); !strings.HasPrefix(got, "500 nieuw, 0 bijgewerkt, 0 ongewijzigd") {
		t.Fatalf("import: %q, want 500 new clients", got)
	}
}

func TestDemoRegionAndBadArguments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "regio.db")
	code, out, errs := runDemoCmd(t, "--scale", "region", "--db", path)
	if code != 0 || !strings.Contains(out, demo.Region) || !strings.Contains(out, demo.Email("Huisartsenpraktijk De Linde")) {
		t.Fatalf("mgz demo --scale region: exit %d\n%s\n%s", code, out, errs)
	}
	for _, args := range [][]string{
		{"--db", path},                      // no scale
		{"--scale", "wereld", "--db", path}, // unknown scale
		{"--scale", "national"},             // no database
		{"--scale", "national", "--db", path, "--clients", "0"},
		{"--scale", "region", "--db", path, "--patients-csv", "x.csv"},
	} {
		if code, _, errs := runDemoCmd(t, args...); code != 2 || !strings.Contains(errs, "mgz demo:") {
			t.Errorf("mgz demo %v: exit %d, want 2 with a Dutch message\n%s", args, code, errs)
		}
	}
}
