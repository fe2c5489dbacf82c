package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// The commands of mgz on a PostgreSQL database (--db postgres://…): each test gets a scratch
// database from storetest.PostgresDSN (skipped without a server, failing under CI=true).

// pgQuery opens the PostgreSQL database dsn directly, beside mgz, for a test's own queries.
func pgQuery(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// pgRowCounts counts the rows of the demo region's main tables, as demoRowCounts does on SQLite.
func pgRowCounts(t *testing.T, dsn string) map[string]int {
	t.Helper()
	raw := pgQuery(t, dsn)
	counts := map[string]int{}
	for _, tbl := range []string{"organisations", "locations", "contact_points", "users", "patients", "registrations", "prerequisite_items", "agreements", "audit_log"} {
		var n int
		if err := raw.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s", tbl)).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		counts[tbl] = n
	}
	return counts
}

// sqliteDemoCounts loads the demo region into a fresh SQLite file and counts its rows: what a
// load on PostgreSQL must give as well.
func sqliteDemoCounts(t *testing.T) map[string]int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clean.db")
	db, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadRegion(context.Background(), db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}, nil); err != nil {
		db.Close()
		t.Fatal(err)
	}
	db.Close()
	return demoRowCounts(t, path)
}

func sameCounts(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	for tbl, n := range want {
		if got[tbl] != n {
			t.Errorf("%s: %s has %d rows, a load on SQLite %d", what, tbl, got[tbl], n)
		}
	}
}

// TestDemoRegionOnPostgresLoadsTheWholeRegionAndTheAuditChainVerifies: mgz demo --scale region
// --db postgres://… loads the same rows as on SQLite, mgz audit verify passes on it, and a
// second load refuses the database that holds data, without changing it.
func TestDemoRegionOnPostgresLoadsTheWholeRegionAndTheAuditChainVerifies(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	want := sqliteDemoCounts(t)

	code, out, errs := runDemoCmd(t, "--scale", "region", "--db", dsn)
	if code != 0 || !strings.Contains(out, "Demoregio "+demo.Region+" geladen") {
		t.Fatalf("mgz demo --scale region on PostgreSQL: exit %d\n%s\n%s", code, out, errs)
	}
	got := pgRowCounts(t, dsn)
	sameCounts(t, "mgz demo on PostgreSQL", got, want)

	verified := cliRun(t, map[string]string{"MGZ_DB": dsn}, "audit", "verify")
	if wantLine := fmt.Sprintf("Auditlog in orde: %d regels", got["audit_log"]); !strings.Contains(verified, wantLine) {
		t.Errorf("mgz audit verify: %q, want %q", verified, wantLine)
	}

	code, _, errs = runDemoCmd(t, "--scale", "region", "--db", dsn)
	if code != 1 || !strings.Contains(errs, "bevat al gegevens") || !strings.Contains(errs, "CREATE DATABASE") {
		t.Errorf("a second load: exit %d, stderr %q; want 1, \"bevat al gegevens\" and how to make a new database", code, errs)
	}
	sameCounts(t, "after a refused second load", pgRowCounts(t, dsn), want)

	// The export of the log reads the same chain.
	env, exported, errb := testEnv(map[string]string{"MGZ_DB": dsn})
	if code := run(context.Background(), env, []string{"audit", "export", "--format", "jsonl"}); code != 0 {
		t.Fatalf("mgz audit export: exit %d: %s", code, errb)
	}
	// The export audits itself before it reads: its lines are every entry, its own included.
	if n, entries := strings.Count(exported.String(), "\n"), pgRowCounts(t, dsn)["audit_log"]; n != entries || entries != got["audit_log"]+1 {
		t.Errorf("mgz audit export wrote %d lines; the log had %d entries before, %d after", n, got["audit_log"], entries)
	}
}

// TestServeDemoOnPostgresLoadsTheDemoRegion: mgz serve --demo --db postgres://… loads the whole
// demo region into an empty database, prints its accounts, and a second start leaves it alone.
func TestServeDemoOnPostgresLoadsTheDemoRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo region twice")
	}
	dsn := storetest.PostgresDSN(t)
	want := sqliteDemoCounts(t)
	serve := func() string {
		env, out, errb := testEnv(map[string]string{"MGZ_DB": dsn})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() { done <- run(ctx, env, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}) }()
		waitForURL(t, out)
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("mgz serve --demo on PostgreSQL exited %d: %s", code, errb.String())
		}
		return out.String()
	}
	checkREADMEDemoPromise(t, serve())
	sameCounts(t, "mgz serve --demo on PostgreSQL", pgRowCounts(t, dsn), want)
	checkREADMEDemoPromise(t, serve())
	got := pgRowCounts(t, dsn)
	if got["organisations"] != want["organisations"] || got["patients"] != want["patients"] {
		t.Errorf("a second start changed the register: %v, want %v", got, want)
	}
	cliRun(t, map[string]string{"MGZ_DB": dsn}, "audit", "verify")
}

// pgPatientRows returns every patient's id, revision and last change, and the number of audit
// entries: what an import that changes nothing must leave exactly as it was.
func pgPatientRows(t *testing.T, dsn string) (map[int64]string, int) {
	t.Helper()
	raw := pgQuery(t, dsn)
	rows, err := raw.Query("SELECT id, revision, updated_at, name, COALESCE(bsn, '') FROM patients")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	state := map[int64]string{}
	for rows.Next() {
		var id, rev int64
		var at, name, bsn string
		if err := rows.Scan(&id, &rev, &at, &name, &bsn); err != nil {
			t.Fatal(err)
		}
		state[id] = fmt.Sprintf("%d %s %s %s", rev, at, name, bsn)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var audit int
	if err := raw.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&audit); err != nil {
		t.Fatal(err)
	}
	return state, audit
}

// pgScale is smallScale on a PostgreSQL scratch database.
func pgScale(t *testing.T, n, badLine int) (dsn, file string) {
	t.Helper()
	dsn, file = storetest.PostgresDSN(t), filepath.Join(t.TempDir(), "patients.csv")
	reg := seedScaleRegister(t, dsn, 200, 100)
	writeScalePatients(t, reg, file, n, badLine)
	return dsn, file
}

// TestImportPatientsOnPostgresIsAllOrNothingAndARerunChangesNothing: mgz import patients --db
// postgres://… writes nothing for a file whose row near the end is bad; the good file writes
// every client with an audit entry each, on a chain that verifies; the same file again leaves
// every row and the audit log exactly as they were.
func TestImportPatientsOnPostgresIsAllOrNothingAndARerunChangesNothing(t *testing.T) {
	const rows = 3000 // one in ten without a BSN: found again by name, birth date and place
	dsn, bad := pgScale(t, rows+1, rows)
	before, register := pgPatientRows(t, dsn)

	code, out, errb := importRun(dsn, "import", "patients", bad)
	if code != 2 || out != "" || !strings.Contains(errb, fmt.Sprintf("regel %d: birth_date: De geboortedatum ligt in de toekomst", rows)) ||
		!strings.Contains(errb, "Niets geïmporteerd") {
		t.Fatalf("bad row near the end: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	if after, audit := pgPatientRows(t, dsn); len(after) != len(before) || audit != register {
		t.Fatalf("a file with a bad row wrote %d patients and %d audit entries", len(after)-len(before), audit-register)
	}

	good := filepath.Join(t.TempDir(), "good.csv")
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	reg := scaleRegisterOf(t, db)
	db.Close()
	writeScalePatients(t, reg, good, rows, 0)
	code, out, errb = importRun(dsn, "import", "patients", good)
	if want := fmt.Sprintf("%d nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen\n", rows); code != 0 || out != want {
		t.Fatalf("first import: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	first, audit := pgPatientRows(t, dsn)
	if len(first) != rows || audit != register+rows {
		t.Fatalf("first import: %d patients and %d audit entries, want %d and %d", len(first), audit, rows, register+rows)
	}
	code, out, errb = importRun(dsn, "import", "patients", good)
	if want := fmt.Sprintf("0 nieuw, 0 bijgewerkt, %d ongewijzigd, 0 overgeslagen\n", rows); code != 0 || out != want {
		t.Fatalf("second import: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	second, audit2 := pgPatientRows(t, dsn)
	if audit2 != audit || len(second) != len(first) {
		t.Fatalf("the second import changed the database: %d → %d patients, %d → %d audit entries", len(first), len(second), audit, audit2)
	}
	for id, row := range first {
		if second[id] != row {
			t.Fatalf("the second import changed patient %d: %q → %q", id, row, second[id])
		}
	}
	cliRun(t, map[string]string{"MGZ_DB": dsn}, "audit", "verify")
}

// scaleRegisterOf reads back the register seedScaleRegister stored, so a second file can be
// written for it.
func scaleRegisterOf(t *testing.T, db *sqlstore.DB) scaleRegister {
	t.Helper()
	ctx := context.Background()
	var reg scaleRegister
	orgs := func(kind mgz.OrgKind) []mgz.Organisation {
		os, _, err := db.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: kind, Page: mgz.Page{Limit: mgz.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		return os
	}
	reg.providers, reg.practices, reg.services = orgs(mgz.KindCareProvider), orgs(mgz.KindGPPractice), orgs(mgz.KindPhysicianService)
	ls, _, err := db.Register().Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	reg.locations = ls
	return reg
}

// TestDecideOnPostgresAnswersFromTheRegister: mgz decide --db postgres://… names the contacts of a
// registered location and answers for a registered client; an unreachable server is an error
// (exit 1, no password shown), never a decision without the region's settings.
func TestDecideOnPostgresAnswersFromTheRegister(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(ctx, db.Register()); err != nil {
		t.Fatal(err)
	}
	decide := func(stdin string) (int, string, string) {
		env, out, errb := testEnv(map[string]string{"MGZ_DB": dsn})
		env.stdin = strings.NewReader(stdin)
		return run(ctx, env, []string{"decide"}), out.String(), errb.String()
	}

	ls, _, _ := db.Register().Locations(ctx, mgz.LocationFilter{Query: "De Zonnebloem"})
	if len(ls) == 0 {
		t.Fatal("the demo register has no location De Zonnebloem")
	}
	req := `{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"pgb","sector":"disability"},
		"question":{"category":"wzd","at":"2026-12-25T03:10:00+01:00"},"location_id":"` + strconv.FormatInt(ls[0].ID, 10) + `"}`
	code, out, errs := decide(req)
	if code != 0 {
		t.Fatalf("code %d: %s %s", code, out, errs)
	}
	var route struct {
		Route struct {
			Holiday string `json:"holiday"`
			Steps   []struct {
				Contact struct{ Organisation, Phone string } `json:"contact"`
			} `json:"steps"`
		} `json:"route"`
	}
	json.Unmarshal([]byte(out), &route)
	if r := route.Route; r.Holiday != "Eerste Kerstdag" || len(r.Steps) != 2 || r.Steps[1].Contact.Organisation != "AVG-dienst De Brugwachter" || r.Steps[0].Contact.Phone == "" {
		t.Fatalf("route from the register on PostgreSQL = %+v", r)
	}

	boomgaard, _, _ := db.Register().Locations(ctx, mgz.LocationFilter{Query: "De Boomgaard"})
	gps, _, _ := db.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	p := mgz.Patient{Name: "Meneer Opdrachtregel", BirthDate: mgz.NewDate(1936, 2, 3), LocationID: &boomgaard[0].ID, Sector: mgz.SectorElderly,
		Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 11, 20), Delivery: mgz.DeliveryVPT,
		GPPracticeID: &gps[0].ID}
	if err := service.New(db.Store(), service.Config{}).CreatePatient(ctx, service.System(), &p); err != nil {
		t.Fatal(err)
	}
	code, out, errs = decide(`{"patient_id":"` + strconv.FormatInt(p.ID, 10) + `","situation":{"setting":"home","wlz":"none","sector":"disability","need":"temporary_24h"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`)
	var a struct {
		Classification struct{ Group string }  `json:"classification"`
		Warnings       []struct{ Code string } `json:"warnings"`
	}
	json.Unmarshal([]byte(out), &a)
	if code != 0 || a.Classification.Group != "at_provider" || len(a.Warnings) == 0 || a.Warnings[0].Code != "register_overrides_request" {
		t.Fatalf("a registered client on PostgreSQL: exit %d: %s %s", code, out, errs)
	}
	code, out, _ = decide(`{"patient_id":"99999999"}`)
	if code != exitRejected || !strings.Contains(out, `"fields":["patient_id"]`) {
		t.Errorf("an unknown client: exit %d: %s", code, out)
	}

	// A server that does not answer: an error naming the server without the password.
	env, out2, errb := testEnv(nil)
	env.stdin = strings.NewReader(req)
	code = run(ctx, env, []string{"decide", "--db", "postgres://mgz:geheim-wachtwoord@127.0.0.1:1/mgz?connect_timeout=2"})
	if code != exitFailure || out2.String() != "" || strings.Contains(errb.String(), "geheim-wachtwoord") || !strings.Contains(errb.String(), "niet bereikbaar") {
		t.Errorf("an unreachable server: exit %d, stdout %q, stderr %q; want 1, a Dutch message and no password", code, out2, errb)
	}
}

// TestCommandsOnPostgresNeverShowThePassword: every command that opens --db names an
// unreachable PostgreSQL server without its password, and needs no file at that "path".
func TestCommandsOnPostgresNeverShowThePassword(t *testing.T) {
	const secret = "geheim-wachtwoord"
	csv := writeFile(t, "locaties.csv", "provider_agb,name,address,postcode,municipality,setting,sector,deliveries,places,fixed_gp_agb,physician_service_agb\n")
	roster := writeFile(t, "rooster.csv", "naam;telefoon;begin;einde;herhaling\nDr. B;0612345678;2026-12-01 17:00;2026-12-02 08:00;FREQ=DAILY\n")
	for _, dsn := range []string{
		"postgres://mgz:" + secret + "@127.0.0.1:1/mgz?connect_timeout=2",
		"postgresql://mgz@127.0.0.1:1/mgz?password=" + secret + "&connect_timeout=2",
	} {
		for _, args := range [][]string{
			{"user", "add", "--org", "1", "--email", "a@b.example"},
			{"token", "create", "--email", "a@b.example"},
			{"audit", "verify"},
			{"audit", "export"},
			{"import", "locations", csv},
			{"roster", "import", "--roster", "1", roster},
			{"demo", "--scale", "region"},
		} {
			env, out, errb := testEnv(nil)
			code := run(context.Background(), env, append(args, "--db", dsn))
			all := out.String() + errb.String()
			if code != 1 || strings.Contains(all, secret) || !strings.Contains(all, "niet bereikbaar") {
				t.Errorf("mgz %s --db %s: exit %d, output %q; want 1, the server named unreachable, and no password", strings.Join(args, " "), showDB(dsn), code, all)
			}
		}
	}
	for dsn, want := range map[string]string{
		"postgres://mgz:" + secret + "@db.example:5432/mgz":           "postgres://mgz:xxx@db.example:5432/mgz",
		"postgresql://mgz@db.example/mgz?password=" + secret + "&a=b": "postgresql://mgz@db.example/mgz?a=b&password=xxx",
		"postgres://mgz@db.example/mgz?sslmode=disable":               "postgres://mgz@db.example/mgz?sslmode=disable",
		"/var/lib/mgz/mgz.db": "/var/lib/mgz/mgz.db",
	} {
		if got := showDB(dsn); got != want {
			t.Errorf("showDB(%q) = %q, want %q", dsn, got, want)
		}
	}
}

// TestDemoNationalOnPostgresLoadsASmallSetAndItsClientsImport: mgz demo --scale national on
// PostgreSQL stores the set it reports, its clients written with --patients-csv import into it
// all new, the audit chain verifies, and a second load refuses the database.
func TestDemoNationalOnPostgresLoadsASmallSetAndItsClientsImport(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	csvPath := filepath.Join(t.TempDir(), "clienten.csv")
	code, out, errs := runDemoCmd(t, "--scale", "national", "--db", dsn, "--clients", "500", "--seed", "5", "--patients-csv", csvPath)
	if code != 0 || !strings.Contains(out, "500 cliënten geschreven naar") || !strings.Contains(out, "31 zorgkantoorregio's") {
		t.Fatalf("mgz demo --scale national on PostgreSQL: exit %d\n%s\n%s", code, out, errs)
	}
	// The summary's counts are what is stored.
	raw := pgQuery(t, dsn)
	var orgs, locs, users int
	if err := raw.QueryRow("SELECT (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM locations), (SELECT COUNT(*) FROM users)").Scan(&orgs, &locs, &users); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, fmt.Sprintf("met %d locaties", locs)) || !strings.Contains(out, fmt.Sprintf("%d accounts", users)) || orgs < 31 {
		t.Errorf("stored %d organisations, %d locations, %d users; the summary says:\n%s", orgs, locs, users, out)
	}

	code, iout, ierr := importRun(dsn, "import", "patients", csvPath)
	if code != 0 || !strings.HasPrefix(iout, "500 nieuw, 0 bijgewerkt, 0 ongewijzigd") {
		t.Fatalf("mgz import patients of the national set on PostgreSQL: exit %d, %q\n%s", code, iout, ierr)
	}
	cliRun(t, map[string]string{"MGZ_DB": dsn}, "audit", "verify")

	code, _, errs = runDemoCmd(t, "--scale", "national", "--db", dsn, "--clients", "10")
	if code != 1 || !strings.Contains(errs, "bevat al gegevens") || !strings.Contains(errs, "CREATE DATABASE") {
		t.Fatalf("a second load into the same database: exit %d\n%s", code, errs)
	}
}

// TestImportLocationsAndRosterOnPostgres: mgz import locations and mgz roster import on
// PostgreSQL write their rows once, a rerun of the same file changes nothing, a bad file writes
// nothing, and the audit chain verifies.
func TestImportLocationsAndRosterOnPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db.Store(), service.Config{})
	if _, err := demo.Load(ctx, svc.Register(service.System())); err != nil {
		db.Close()
		t.Fatalf("loading the demo region: %v", err)
	}
	all, _, err := db.Register().Organisations(ctx, mgz.OrganisationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	orgs := map[string]mgz.Organisation{}
	var owner int64
	for _, o := range all {
		orgs[o.Name] = o
		if o.Kind == mgz.KindPhysicianService && owner == 0 {
			owner = o.ID
		}
	}
	r := mgz.Roster{OrganisationID: &owner, Role: mgz.RosterPhysicianOnCall, Name: "Dienst SO", Phone: "0201234567"}
	if err := svc.CreateRoster(ctx, service.System(), &r); err != nil {
		db.Close()
		t.Fatal(err)
	}
	db.Close()

	file := writeFile(t, "locaties.csv", goodLocations(orgs))
	before := readImportState(t, dsn)
	code, out, errb := importRun(dsn, "import", "locations", file)
	if code != 0 || out != "3 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen\n" {
		t.Fatalf("import locations on PostgreSQL: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	after := readImportState(t, dsn)
	if len(after.locations) != len(before.locations)+3 || len(after.audit) != len(before.audit)+3 {
		t.Fatalf("import of 3 locations: %d → %d locations, %d → %d audit entries", len(before.locations), len(after.locations), len(before.audit), len(after.audit))
	}
	code, out, errb = importRun(dsn, "import", "locations", file)
	if code != 0 || out != "0 nieuw, 0 bijgewerkt, 3 ongewijzigd, 0 overgeslagen\n" {
		t.Fatalf("second import of the same file: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	code, _, errb = importRun(dsn, "import", "locations", writeFile(t, "fout.csv", badLocations(orgs)))
	if code != 2 || !strings.Contains(errb, "Niets geïmporteerd") {
		t.Fatalf("a file with bad rows: exit %d, stderr %q", code, errb)
	}
	if again := readImportState(t, dsn); len(again.locations) != len(after.locations) || len(again.audit) != len(after.audit) {
		t.Fatalf("a rerun or a bad file changed the register: %d → %d locations, %d → %d audit entries",
			len(after.locations), len(again.locations), len(after.audit), len(again.audit))
	}

	fixture, err := filepath.Abs(filepath.Join("..", "..", "rosterfile", "testdata", "outlook.ics"))
	if err != nil {
		t.Fatal(err)
	}
	id := itoa64(r.ID)
	code, out, errb = importRun(dsn, "roster", "import", "--roster", id, fixture)
	if code != 0 || !strings.Contains(out, "3 toegevoegd, 0 gewijzigd, 0 verwijderd, 0 ongewijzigd") {
		t.Fatalf("roster import on PostgreSQL: exit %d, %q %q", code, out, errb)
	}
	code, out, errb = importRun(dsn, "roster", "import", fixture, "--roster", id)
	if code != 0 || !strings.Contains(out, "0 toegevoegd, 0 gewijzigd, 0 verwijderd, 3 ongewijzigd") {
		t.Fatalf("second roster import: exit %d, %q %q", code, out, errb)
	}
	bad := writeFile(t, "fout.txt", "naam;begin;einde\nDr. C;morgen;2026-12-02 08:00\n")
	if code, out, errb = importRun(dsn, "roster", "import", "--format", "csv", "--roster", id, bad); code != 2 || out != "" {
		t.Fatalf("bad roster file: exit %d, %q %q", code, out, errb)
	}
	if n := len(rosterShifts(t, dsn, r.ID)); n != 3 {
		t.Fatalf("%d shifts stored, want 3", n)
	}
	cliRun(t, map[string]string{"MGZ_DB": dsn}, "audit", "verify")
}

// BenchmarkImportPatientsBackends imports the same file of 5,000 new clients into the same
// register on SQLite and on PostgreSQL (a fresh database for every run) and reports the time per
// row of mgz import patients.
func BenchmarkImportPatientsBackends(b *testing.B) {
	const rows = 5000
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				dsn := filepath.Join(b.TempDir(), "mgz.db")
				if backend == "postgres" {
					dsn = storetest.PostgresDSN(b)
				}
				reg := seedScaleRegister(b, dsn, 200, 100)
				file := filepath.Join(b.TempDir(), "patients.csv")
				writeScalePatients(b, reg, file, rows, 0)
				b.StartTimer()
				code, out, errb := importRun(dsn, "import", "patients", file)
				if want := fmt.Sprintf("%d nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen\n", rows); code != 0 || out != want {
					b.Fatalf("exit %d, stdout %q, stderr %s", code, out, errb)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// TestCommandsOnPostgresNameAMissingDatabase: a PostgreSQL database that does not exist is never
// created by a command; the message says so in Dutch, without the password.
func TestCommandsOnPostgresNameAMissingDatabase(t *testing.T) {
	server := storetest.ServerDSN(t)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/mgz_bestaat_niet_" + strconv.Itoa(os.Getpid())
	u.User = url.UserPassword(u.User.Username(), "geheim-wachtwoord")
	dsn := u.String()
	for _, args := range [][]string{
		{"user", "add", "--org", "1", "--email", "a@b.example"},
		{"audit", "verify"},
		{"demo", "--scale", "region"},
	} {
		env, out, errb := testEnv(nil)
		code := run(context.Background(), env, append(args, "--db", dsn))
		all := out.String() + errb.String()
		if code != 1 || strings.Contains(all, "geheim-wachtwoord") || !strings.Contains(all, "bestaat niet. Maak hem eerst aan") {
			t.Errorf("mgz %s on a missing database: exit %d, output %q", strings.Join(args, " "), code, all)
		}
	}
	env, _, errb := testEnv(nil)
	env.stdin = strings.NewReader(`{}`)
	if code := run(context.Background(), env, []string{"decide", "--db", dsn}); code != exitFailure || !strings.Contains(errb.String(), "bestaat niet") {
		t.Errorf("mgz decide on a missing database: exit %d, stderr %q", code, errb)
	}
}
