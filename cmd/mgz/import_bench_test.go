package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlite"
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
	scaleProviders = 400 // 25 locations each
	scaleServices  = 50  // SO/AVG services
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

// seedScaleRegister fills the empty database at dbPath with the national register.
func seedScaleRegister(tb testing.TB, dbPath string) scaleRegister {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{})
	var reg scaleRegister
	org := func(kind mgz.OrgKind, name, agb string, n int) (mgz.Organisation, error) {
		o := mgz.Organisation{Kind: kind, Name: name, AGB: agb, KvK: fmt.Sprintf("%08d", 30000000+n), Address: "Dorpsstraat " + strconv.Itoa(n%200+1),
			Postcode: scalePostcode(n), City: "Voorbeeldstad", Phone: fmt.Sprintf("0120%06d", n), CareOfficeRegion: "Regio Voorbeeld"}
		return o, nil
	}
	err = svc.Register(service.System()).Atomic(ctx, func(r mgz.RegisterService) error {
		for i := range scaleProviders {
			o, _ := org(mgz.KindCareProvider, fmt.Sprintf("Zorgaanbieder %04d", i), fmt.Sprintf("73%06d", i), i)
			if err := r.CreateOrganisation(ctx, &o); err != nil {
				return fmt.Errorf("provider %d: %w", i, err)
			}
			reg.providers = append(reg.providers, o)
		}
		for i := range scalePractices {
			o, _ := org(mgz.KindGPPractice, fmt.Sprintf("Huisartsenpraktijk %05d", i), fmt.Sprintf("01%06d", i), 1000+i)
			if err := r.CreateOrganisation(ctx, &o); err != nil {
				return fmt.Errorf("practice %d: %w", i, err)
			}
			reg.practices = append(reg.practices, o)
		}
		for i := range scaleServices {
			o, _ := org(mgz.KindPhysicianService, fmt.Sprintf("SO/AVG-dienst %03d", i), fmt.Sprintf("02%06d", i), 9000+i)
			if err := r.CreateOrganisation(ctx, &o); err != nil {
				return fmt.Errorf("service %d: %w", i, err)
			}
			reg.services = append(reg.services, o)
		}
		for i := range scaleLocations {
			l := mgz.Location{ProviderID: reg.providers[i%scaleProviders].ID, Name: fmt.Sprintf("Locatie %05d", i),
				Address: "Zorgweg " + strconv.Itoa(i%300+1), Postcode: scalePostcode(20000 + i), Municipality: "Voorbeeldstad",
				Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Places: 34,
				Deliveries: []mgz.Delivery{mgz.DeliveryStayWithoutTreatment, mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB}}
			if i%3 == 0 {
				l.Setting, l.Deliveries = mgz.SettingInstitution, []mgz.Delivery{mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment}
			}
			if i%2 == 1 {
				l.Sector = mgz.SectorDisability
			}
			gp, ps := reg.practices[i%scalePractices].ID, reg.services[i%scaleServices].ID
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
	reg := seedScaleRegister(t, dbPath)
	writeScalePatients(t, reg, filepath.Join(dir, "patients.csv"), n, 0)
	t.Logf("wrote %s and %s with %d clients", dbPath, filepath.Join(dir, "patients.csv"), n)
}
