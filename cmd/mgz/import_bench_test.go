package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// National scale for mgz import (issue 14): 340,000 clients over a register of 10,000 locations
// and 5,000 GP practices. The import is measured as the built binary under /usr/bin/time -v (the
// test process is not the measure); TestImportScaleFiles writes the files to measure it on:
//
//	MGZ_IMPORT_SCALE_DIR=/tmp/scale go test ./cmd/mgz -run TestImportScaleFiles
//	go build -o /tmp/scale/mgz ./cmd/mgz
//	/usr/bin/time -v /tmp/scale/mgz import patients /tmp/scale/patients.csv --db /tmp/scale/mgz.db
//
// MGZ_IMPORT_SCALE_ROWS changes the number of clients.

const (
	scaleLocations = 10000
	scalePractices = 5000
	scaleServices  = 50 // SO/AVG services
	scaleClients   = 340000
)

// scaleRegister is a register at national scale, stored through the service in one transaction.
type scaleRegister struct {
	providers, practices, services []mgz.Organisation
	locations                      []mgz.Location
}

// scalePostcode returns the n-th of many valid postcodes.
func scalePostcode(n int) string {
	const letters = "ABCDEFGHJKLMNPRTVWXZ" // no S: SA, SD and SS are not issued
	return fmt.Sprintf("%04d %c%c", 1000+n/400%9000, letters[n/20%20], letters[n%20])
}

// seedScaleRegister fills the empty database at dbPath with a register of the given number of
// locations and GP practices (at national scale 10,000 and 5,000), a care provider per 25
// locations and scaleServices SO/AVG services.
func seedScaleRegister(tb testing.TB, dbPath string, locations, practices int) scaleRegister {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{})
	var reg scaleRegister
	org := func(kind mgz.OrgKind, name, agb string, n int) mgz.Organisation {
		return mgz.Organisation{Kind: kind, Name: name, AGB: agb, KvK: fmt.Sprintf("%08d", 30000000+n), Address: "Dorpsstraat " + strconv.Itoa(n%200+1),
			Postcode: scalePostcode(n), City: "Voorbeeldstad", Phone: fmt.Sprintf("0120%06d", n), CareOfficeRegion: "Regio Voorbeeld"}
	}
	providers := max(locations/25, 1)
	err = svc.Register(service.System()).Atomic(ctx, func(r mgz.RegisterService) error {
		for i := range providers {
			o := org(mgz.KindCareProvider, fmt.Sprintf("Zorgaanbieder %04d", i), fmt.Sprintf("73%06d", i), i)
			if err := r.CreateOrganisation(ctx, &o); err != nil {
				return fmt.Errorf("provider %d: %w", i, err)
			}
			reg.providers = append(reg.providers, o)
		}
		for i := range practices {
			o := org(mgz.KindGPPractice, fmt.Sprintf("Huisartsenpraktijk %05d", i), fmt.Sprintf("01%06d", i), 1000+i)
			if err := r.CreateOrganisation(ctx, &o); err != nil {
				return fmt.Errorf("practice %d: %w", i, err)
			}
			reg.practices = append(reg.practices, o)
		}
		for i := range scaleServices {
			o := org(mgz.KindPhysicianService, fmt.Sprintf("SO/AVG-dienst %03d", i), fmt.Sprintf("02%06d", i), 9000+i)
			if err := r.CreateOrganisation(ctx, &o); err != nil {
				return fmt.Errorf("service %d: %w", i, err)
			}
			reg.services = append(reg.services, o)
		}
		for i := range locations {
			l := mgz.Location{ProviderID: reg.providers[i%providers].ID, Name: fmt.Sprintf("Locatie %05d", i),
				Address: "Zorgweg " + strconv.Itoa(i%300+1), Postcode: scalePostcode(20000 + i), Municipality: "Voorbeeldstad",
				Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Places: 34,
				Deliveries: []mgz.Delivery{mgz.DeliveryStayWithoutTreatment, mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB}}
			if i%3 == 0 {
				l.Setting, l.Deliveries = mgz.SettingInstitution, []mgz.Delivery{mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment}
			}
			if i%2 == 1 {
				l.Sector = mgz.SectorDisability
			}
			gp, ps := reg.practices[i%practices].ID, reg.services[i%scaleServices].ID
			l.FixedGPPracticeID, l.PhysicianServiceID = &gp, &ps
			if err := r.CreateLocation(ctx, &l); err != nil {
				return fmt.Errorf("location %d: %w", i, err)
			}
			reg.locations = append(reg.locations, l)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seeding the national register: %v", err)
	}
	return reg
}

// writeScalePatients writes a patients file of n clients for reg to path: a quarter at an
// institution with treatment, half in clustered housing, a quarter at home; one in ten without
// a BSN. badLine, when not 0, is the line of the file (the header is line 1) that gets a birth
// date in the future.
func writeScalePatients(tb testing.TB, reg scaleRegister, path string, n, badLine int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.WriteString("name;birth_date;bsn;provider_agb;location_name;home_postcode;sector;wlz;wlz_source;wlz_checked_on;delivery;gp_practice_agb;lead_physician;lead_physician_agb\n")
	agbOf := map[int64]string{}
	for _, o := range reg.providers {
		agbOf[o.ID] = o.AGB
	}
	for _, o := range reg.services {
		agbOf[o.ID] = o.AGB
	}
	var institutions, housing []mgz.Location
	for _, l := range reg.locations {
		if l.Setting == mgz.SettingInstitution {
			institutions = append(institutions, l)
		} else {
			housing = append(housing, l)
		}
	}
	bsnAt, bsnN := 0, 0
	nextBSN := func() string {
		for {
			digits := fmt.Sprintf("%08d", 10000000+bsnAt)
			bsnAt++
			sum := 0
			for j := range 8 {
				sum += (9 - j) * int(digits[j]-'0')
			}
			if check := sum % 11; check < 10 {
				bsnN++
				return digits + strconv.Itoa(check)
			}
		}
	}
	for i := range n {
		gp := reg.practices[i%len(reg.practices)].AGB
		year := 1925 + i%70
		if badLine == i+2 {
			year = 2999
		}
		birth := fmt.Sprintf("%02d-%02d-%d", 1+i%28, 1+i/28%12, year)
		bsn := nextBSN()
		if i%10 == 9 {
			bsn = ""
		}
		switch i % 4 {
		case 0:
			l := institutions[i/4%len(institutions)]
			fmt.Fprintf(w, "Cliënt %06d;%s;%s;%s;%s;;%s;with_treatment;vecozo;2025-01-15;stay_with_treatment;%s;elderly_care_physician;%s\n",
				i, birth, bsn, agbOf[l.ProviderID], l.Name, l.Sector, gp, agbOf[*l.PhysicianServiceID])
		case 1, 2:
			l := housing[i/4%len(housing)]
			fmt.Fprintf(w, "Cliënt %06d;%s;%s;%s;%s;;%s;without_treatment;ciz;2025-01-15;vpt;%s;gp;%s\n",
				i, birth, bsn, agbOf[l.ProviderID], l.Name, l.Sector, gp, gp)
		default:
			fmt.Fprintf(w, "Cliënt %06d;%s;%s;;;%s;elderly;none;;;;%s;gp;%s\n", i, birth, bsn, scalePostcode(i), gp, gp)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestImportScaleFiles writes the national register (mgz.db) and a patients file (patients.csv)
// to MGZ_IMPORT_SCALE_DIR, for measuring the built binary; without that variable it is skipped.
func TestImportScaleFiles(t *testing.T) {
	dir := os.Getenv("MGZ_IMPORT_SCALE_DIR")
	if dir == "" {
		t.Skip("set MGZ_IMPORT_SCALE_DIR to write the national-scale import files there")
	}
	n := scaleClients
	if v := os.Getenv("MGZ_IMPORT_SCALE_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "mgz.db")
	os.Remove(dbPath)
	os.Remove(dbPath + "-wal")
	os.Remove(dbPath + "-shm")
	reg := seedScaleRegister(t, dbPath, scaleLocations, scalePractices)
	writeScalePatients(t, reg, filepath.Join(dir, "patients.csv"), n, 0)
	t.Logf("wrote %s and %s with %d clients", dbPath, filepath.Join(dir, "patients.csv"), n)
}

// cancelAfter reads r and cancels a context once after bytes have been read: an interrupt
// (Ctrl-C) halfway through the file.
type cancelAfter struct {
	r      io.Reader
	after  int
	read   int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	if c.read >= c.after {
		c.cancel()
	}
	return n, err
}

// scaleCounts returns how many patients and audit entries the database at dbPath holds.
func scaleCounts(tb testing.TB, dbPath string) (patients, audit int) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, patients, err = db.Store().Patients().Patients(ctx, mgz.PatientFilter{Page: mgz.Page{Limit: 1}}); err != nil {
		tb.Fatal(err)
	}
	if _, audit, err = db.Store().Audit().Entries(ctx, mgz.AuditFilter{Page: mgz.Page{Limit: 1}}); err != nil {
		tb.Fatal(err)
	}
	return patients, audit
}

// smallScale is a register of 200 locations and 100 practices with a file of n clients for it.
func smallScale(t *testing.T, n, badLine int) (dbPath, file string) {
	t.Helper()
	dir := t.TempDir()
	dbPath, file = filepath.Join(dir, "mgz.db"), filepath.Join(dir, "patients.csv")
	reg := seedScaleRegister(t, dbPath, 200, 100)
	writeScalePatients(t, reg, file, n, badLine)
	return dbPath, file
}

func TestImportPatientsInterruptedHalfwayLeavesNothing(t *testing.T) {
	const rows = 4000
	dbPath, file := smallScale(t, rows, 0)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	patients, audit := scaleCounts(t, dbPath)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env, out, errb := testEnv(map[string]string{"MGZ_DB": dbPath})
	env.stdin = &cancelAfter{r: bytes.NewReader(data), after: len(data) / 2, cancel: cancel}
	code := run(ctx, env, []string{"import", "patients", "-"})
	if code != 1 || out.String() != "" || !strings.Contains(errb.String(), "afgebroken. Niets geïmporteerd") {
		t.Fatalf("interrupted import: exit %d, stdout %q, stderr %q; want 1 and \"afgebroken\"", code, out, errb)
	}
	if p, a := scaleCounts(t, dbPath); p != patients || a != audit {
		t.Fatalf("an interrupted import left %d patients and %d audit entries, had %d and %d", p, a, patients, audit)
	}
	// The database is whole: the same file imports completely afterwards.
	code, stdout, stderr := importRun(dbPath, "import", "patients", file)
	if want := fmt.Sprintf("%d nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen\n", rows); code != 0 || stdout != want {
		t.Fatalf("import after the interrupt: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestImportPatientsTheSameFileTwiceLeavesEveryRowUnchanged(t *testing.T) {
	const rows = 4000 // one in ten without a BSN: found again by name, birth date and place
	dbPath, file := smallScale(t, rows, 0)
	_, register := scaleCounts(t, dbPath)
	code, out, errb := importRun(dbPath, "import", "patients", file)
	if want := fmt.Sprintf("%d nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen\n", rows); code != 0 || out != want {
		t.Fatalf("first import: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	patients, audit := scaleCounts(t, dbPath)
	if patients != rows || audit != register+rows {
		t.Fatalf("first import: %d patients and %d audit entries, want %d and %d", patients, audit, rows, register+rows)
	}
	code, out, errb = importRun(dbPath, "import", "patients", file)
	if want := fmt.Sprintf("0 nieuw, 0 bijgewerkt, %d ongewijzigd, 0 overgeslagen\n", rows); code != 0 || out != want {
		t.Fatalf("second import: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	if p, a := scaleCounts(t, dbPath); p != patients || a != audit {
		t.Fatalf("the second import changed the database: %d → %d patients, %d → %d audit entries", patients, p, audit, a)
	}
}

// TestImportPatientsBadRowNearTheEndWritesNothing imports 30,001 clients of which the one on line
// 30,000 is born in the future: it is named by line and column, nothing is written, and the Go
// heap stays bounded while every row before it was checked and written in the transaction. With
// MGZ_IMPORT_LARGE=1 it is 300,001 rows and line 300,000 (about 2.5 minutes without the race
// detector: too long for every run of make test).
func TestImportPatientsBadRowNearTheEndWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 30,001 rows")
	}
	rows, bad := 30001, 30000
	if os.Getenv("MGZ_IMPORT_LARGE") == "1" {
		rows, bad = 300001, 300000
	}
	dir := t.TempDir()
	dbPath, file := filepath.Join(dir, "mgz.db"), filepath.Join(dir, "patients.csv")
	reg := seedScaleRegister(t, dbPath, 1000, 500)
	writeScalePatients(t, reg, file, rows, bad)
	patients, audit := scaleCounts(t, dbPath)

	runtime.GC()
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	code, out, errb := importRun(dbPath, "import", "patients", file)
	close(done)
	<-stopped

	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing on stdout", code, out)
	}
	for _, want := range []string{
		fmt.Sprintf("regel %d: birth_date: De geboortedatum ligt in de toekomst", bad),
		fmt.Sprintf("Niets geïmporteerd: 1 van %d regels heeft een fout", rows),
	} {
		if !strings.Contains(errb, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errb)
		}
	}
	if p, a := scaleCounts(t, dbPath); p != patients || a != audit {
		t.Fatalf("a file with a bad row wrote %d patients and %d audit entries", p-patients, a-audit)
	}
	// The import before streaming held 789 MB for 340,000 clients; streaming keeps a few
	// numbers per row.
	const bound = 150 << 20
	t.Logf("peak Go heap in use: %d MB", peak.Load()>>20)
	if peak.Load() > bound {
		t.Errorf("the Go heap reached %d MB while importing %d rows; want at most %d MB", peak.Load()>>20, rows, bound>>20)
	}
}
