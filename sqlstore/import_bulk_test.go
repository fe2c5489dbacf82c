package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// bulkCase is one client of TestBulkImportMatchesTheTriggers: every way a client relates to the
// register that the set-aside triggers count or index.
type bulkCase struct {
	name          string
	practice, loc int // index into the fixture's practices / locations, -1 for none
	lead          int // -1 none, 0 the practice, 1 the location's SO/AVG service
	wlz           mgz.WlzIndication
	delivery      mgz.Delivery
	noBSN         bool
}

// newBulkFixture gives location A a fixed practice, so the fixed_gp count has something to
// count, and every delivery of clustered housing; location B becomes an institution, for the
// clients with treatment.
func newBulkFixture(t *testing.T) *partiesFixture {
	f := newPartiesFixture(t)
	for _, change := range []struct {
		id     int64
		change func(*mgz.Location)
	}{
		{f.locA, func(l *mgz.Location) {
			l.FixedGPPracticeID = &f.practice1
			l.Deliveries = []mgz.Delivery{mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB, mgz.DeliveryStayWithoutTreatment}
		}},
		{f.locB, func(l *mgz.Location) {
			l.Setting = mgz.SettingInstitution
			l.Deliveries = []mgz.Delivery{mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment}
		}},
	} {
		l, err := f.reg.Location(f.ctx, change.id)
		if err != nil {
			t.Fatal(err)
		}
		change.change(&l)
		if err := f.reg.UpdateLocation(f.ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *partiesFixture) bulkPatient(i int, c bulkCase) *mgz.Patient {
	practices := []int64{f.practice1, f.practice2}
	locs := []int64{f.locA, f.locB}
	p := &mgz.Patient{Name: c.name, BirthDate: mgz.NewDate(1930+i, 1, 2), HomePostcode: "1234 AB", Sector: mgz.SectorElderly,
		Wlz: c.wlz, WlzSource: mgz.WlzSourceVECOZO, Delivery: c.delivery, LeadPhysician: mgz.LeadGP}
	if !c.noBSN {
		p.BSN = fmt.Sprintf("1000000%02d", i) // the store does not check BSNs; the service does
	}
	if c.practice >= 0 {
		p.GPPracticeID = &practices[c.practice]
	}
	if c.loc >= 0 {
		p.LocationID = &locs[c.loc]
	}
	switch c.lead {
	case 0:
		p.LeadPhysicianOrgID = p.GPPracticeID
	case 1:
		p.LeadPhysician, p.LeadPhysicianOrgID = mgz.LeadElderlyCarePhysician, &f.service1
	}
	return p
}

var bulkCases = []bulkCase{
	{"Anna de Vries", 0, 0, -1, mgz.WlzWithoutTreatment, mgz.DeliveryVPT, false},                  // the fixed practice at A
	{"Bram Bakker", 1, 0, 0, mgz.WlzWithoutTreatment, mgz.DeliveryVPT, false},                     // another practice, also lead
	{"Cor Jansen", -1, 1, -1, mgz.WlzWithTreatment, mgz.DeliveryStayWithTreatment, false},         // no practice, not counted unregistered
	{"Daan Mulder", -1, 0, -1, mgz.WlzWithoutTreatment, mgz.DeliveryPGB, true},                    // unregistered, pgb, no BSN
	{"Eva Visser", 0, 1, 1, mgz.WlzWithTreatment, mgz.DeliveryStayWithTreatment, false},           // lead is the SO/AVG service
	{"Fenna Smit", 0, -1, 0, mgz.WlzNone, mgz.DeliveryVPT, false},                                 // no location
	{"Gijs Dekker-Özdemir", 0, 0, 0, mgz.WlzWithoutTreatment, mgz.DeliveryMPT, false},             // diacritics in the name index
	{"Hanna Bos", -1, -1, -1, mgz.WlzNone, mgz.DeliveryVPT, true},                                 // related to nobody
	{"Ilse Meijer", 1, 0, 1, mgz.WlzWithoutTreatment, mgz.DeliveryStayWithoutTreatment, false},    // every relation bit
	{"Joost van Dijk", 0, 0, -1, mgz.WlzWithoutTreatment, mgz.DeliveryStayWithoutTreatment, true}, // fixed practice, no BSN
}

// derived reads everything the set-aside triggers maintain, for comparing two databases.
func (f *partiesFixture) derived() map[string][]string {
	f.t.Helper()
	out := map[string][]string{}
	for name, q := range map[string]string{
		"patient_parties":      "SELECT organisation_id, patient_id, relations, sort_name FROM patient_parties ORDER BY organisation_id, patient_id",
		"patient_party_counts": "SELECT organisation_id, clients FROM patient_party_counts WHERE clients <> 0 ORDER BY organisation_id",
		"location_stats":       "SELECT location_id, met, wlz, registered, unregistered, pgb, open_reports, fixed_gp FROM location_stats ORDER BY location_id",
	} {
		rows, err := f.db.sql.Query(q)
		if err != nil {
			f.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				f.t.Fatal(err)
			}
			out[name] = append(out[name], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	for _, term := range []string{"visser", "ozdemir", "ijs", "bakker", "an"} {
		for _, org := range []int64{f.practice1, f.practice2, f.provider1, f.provider2, f.service1} {
			out["search "+term] = append(out["search "+term], fmt.Sprint(org, f.visible(org, term)))
		}
	}
	if f.db.dialect == dialectSQLite {
		// The FTS index agrees with its content table (patients) row for row.
		if _, err := f.db.sql.Exec("INSERT INTO patient_names (patient_names) VALUES ('integrity-check')"); err != nil {
			f.t.Fatalf("the name index disagrees with the patients: %v", err)
		}
		rows, err := f.db.sql.Query("SELECT type || ' ' || name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL ORDER BY name")
		if err != nil {
			f.t.Fatal(err)
		}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				f.t.Fatal(err)
			}
			out["schema"] = append(out["schema"], name+": "+def)
		}
		rows.Close()
	}
	return out
}

// importBulk runs fn with the import stores of one transaction, as service.PatientImport does,
// and finishes the import when fn returns nil.
func (f *partiesFixture) importBulk(fn func(ps mgz.PatientStore) error) error {
	return f.db.Store().Atomic(f.ctx, func(tx mgz.Tx) error {
		ps, _, err := tx.(*Store).ImportStores(f.ctx)
		if err != nil {
			return err
		}
		if err := fn(ps); err != nil {
			return err
		}
		return ps.(interface{ FinishImport(context.Context) error }).FinishImport(f.ctx)
	})
}

// TestBulkImportMatchesTheTriggers: an import sets the per-row insert triggers aside and does
// their work once at the end (import_bulk.go). The relation rows, the client counts, the
// location counts, the name index and the schema must come out exactly as the triggers leave
// them when the same clients are created one by one, including a stored client the import moves.
func TestBulkImportMatchesTheTriggers(t *testing.T) {
	for _, rebuild := range []bool{true, false} {
		t.Run(fmt.Sprintf("rebuild indexes %v", rebuild), func(t *testing.T) {
			defer func(was func(int, int) bool) { bulkRebuild = was }(bulkRebuild)
			bulkRebuild = func(int, int) bool { return rebuild }
			testBulkImportMatchesTheTriggers(t)
		})
	}
}

func testBulkImportMatchesTheTriggers(t *testing.T) {
	ref, bulk := newBulkFixture(t), newBulkFixture(t)
	// One client stored before the import, in both; the import moves it to location B.
	before := func(f *partiesFixture) mgz.Patient { return f.create("Stored Before", &f.practice1, &f.locA) }
	storedRef, storedBulk := before(ref), before(bulk)
	move := func(f *partiesFixture, ps mgz.PatientStore, p mgz.Patient) error {
		p.LocationID, p.GPPracticeID, p.Delivery = &f.locB, &f.practice2, mgz.DeliveryStayWithoutTreatment
		return ps.UpdatePatient(f.ctx, &p)
	}

	for i, c := range bulkCases {
		if err := ref.patients.CreatePatient(ref.ctx, ref.bulkPatient(i, c)); err != nil {
			t.Fatalf("reference %s: %v", c.name, err)
		}
	}
	if err := move(ref, ref.patients, storedRef); err != nil {
		t.Fatal(err)
	}
	err := bulk.importBulk(func(ps mgz.PatientStore) error {
		for i, c := range bulkCases {
			if err := ps.CreatePatient(bulk.ctx, bulk.bulkPatient(i, c)); err != nil {
				return fmt.Errorf("import %s: %w", c.name, err)
			}
			if i == len(bulkCases)/2 {
				if err := move(bulk, ps, storedBulk); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want, got := ref.derived(), bulk.derived()
	if len(want["patient_parties"]) < len(bulkCases) || len(want["location_stats"]) != 2 {
		t.Fatalf("the reference has too little to compare: %v", want)
	}
	for name := range want {
		if !reflect.DeepEqual(got[name], want[name]) {
			t.Errorf("%s after a bulk import:\n got %q\nwant %q", name, got[name], want[name])
		}
	}
	bulk.expectCounts("after a bulk import")

	// After the commit the triggers are back: a client created the ordinary way is related and
	// counted as before.
	for _, f := range []*partiesFixture{ref, bulk} {
		f.create("Na Import", &f.practice2, &f.locA)
	}
	if want, got := ref.derived(), bulk.derived(); !reflect.DeepEqual(got, want) {
		t.Errorf("after an ordinary create following the import:\n got %q\nwant %q", got, want)
	}
}

// TestBulkImportThatFailsLeavesNothingBehind: a rollback in the middle of an import (a bad row,
// a dry run, an interrupt) restores the triggers with everything else, and a second import on the
// same database works.
func TestBulkImportThatFailsLeavesNothingBehind(t *testing.T) {
	f := newBulkFixture(t)
	f.create("Stored Before", &f.practice1, &f.locA)
	start := f.derived()
	stop := errors.New("stop")
	err := f.importBulk(func(ps mgz.PatientStore) error {
		for i, c := range bulkCases[:5] {
			if err := ps.CreatePatient(f.ctx, f.bulkPatient(i, c)); err != nil {
				return err
			}
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("import = %v, want the error that stopped it", err)
	}
	if got := f.derived(); !reflect.DeepEqual(got, start) {
		t.Fatalf("a failed import changed the database:\n got %q\nwant %q", got, start)
	}
	if err := f.importBulk(func(ps mgz.PatientStore) error {
		return ps.CreatePatient(f.ctx, f.bulkPatient(0, bulkCases[0]))
	}); err != nil {
		t.Fatalf("an import after a failed one: %v", err)
	}
	if ids := f.visible(f.practice1, "anna"); len(ids) != 1 {
		t.Fatalf("the second import's client is visible to its practice %d times, want once", len(ids))
	}
}

// TestBulkImportRefusesWritesItCannotAccountFor: the set-aside work covers clients created by
// the import and written once; a change of such a client, or a write after FinishImport, is a
// programming error that must not silently corrupt the relation rows or the name index.
func TestBulkImportRefusesWritesItCannotAccountFor(t *testing.T) {
	f := newBulkFixture(t)
	if f.db.dialect != dialectSQLite {
		t.Skip("only SQLite sets triggers aside")
	}
	err := f.importBulk(func(ps mgz.PatientStore) error {
		p := f.bulkPatient(0, bulkCases[0])
		if err := ps.CreatePatient(f.ctx, p); err != nil {
			return err
		}
		p.Name = "Anders"
		return ps.UpdatePatient(f.ctx, p)
	})
	if err == nil || !strings.Contains(err.Error(), "created by this import") {
		t.Fatalf("changing a client the import created = %v, want a refusal", err)
	}
	err = f.db.Store().Atomic(f.ctx, func(tx mgz.Tx) error {
		ps, _, err := tx.(*Store).ImportStores(f.ctx)
		if err != nil {
			return err
		}
		if err := ps.(interface{ FinishImport(context.Context) error }).FinishImport(f.ctx); err != nil {
			return err
		}
		return ps.CreatePatient(f.ctx, f.bulkPatient(1, bulkCases[1]))
	})
	if err == nil || !strings.Contains(err.Error(), "after FinishImport") {
		t.Fatalf("a write after FinishImport = %v, want a refusal", err)
	}
}

// TestPatientImportWithoutPerRowKeysStillRefusesADanglingReference: PreparePatientImport turns
// the per-row foreign key checks off; the check before the commit must still refuse a client whose
// location or practice does not exist, and leave nothing behind.
func TestPatientImportWithoutPerRowKeysStillRefusesADanglingReference(t *testing.T) {
	f := newBulkFixture(t)
	if f.db.dialect != dialectSQLite {
		t.Skip("PostgreSQL checks foreign keys per row")
	}
	if err := f.db.PreparePatientImport(f.ctx); err != nil {
		t.Fatal(err)
	}
	start := f.derived()
	for _, dangle := range []func(p *mgz.Patient){
		func(p *mgz.Patient) { missing := f.locB + 1000; p.LocationID = &missing },
		func(p *mgz.Patient) { missing := f.practice2 + 1000; p.GPPracticeID = &missing },
	} {
		err := f.importBulk(func(ps mgz.PatientStore) error {
			for i, c := range bulkCases[:3] {
				p := f.bulkPatient(i, c)
				if i == 1 {
					dangle(p)
				}
				if err := ps.CreatePatient(f.ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "die niet bestaat") {
			t.Fatalf("an import with a dangling reference = %v, want a refusal", err)
		}
		if got := f.derived(); !reflect.DeepEqual(got, start) {
			t.Fatalf("a refused import changed the database:\n got %q\nwant %q", got, start)
		}
	}
	// Good references pass.
	if err := f.importBulk(func(ps mgz.PatientStore) error {
		return ps.CreatePatient(f.ctx, f.bulkPatient(0, bulkCases[0]))
	}); err != nil {
		t.Fatal(err)
	}
}
