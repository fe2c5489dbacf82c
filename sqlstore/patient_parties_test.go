package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// partiesFixture is a small register: two practices, two care providers, two SO/AVG services
// and two locations (A of provider 1 with service 1, B of provider 2 without a service).
type partiesFixture struct {
	db                   *DB
	patients             *Patients
	reg                  *Register
	ctx                  context.Context
	t                    *testing.T
	practice1, practice2 int64
	provider1, provider2 int64
	service1, service2   int64
	locA, locB           int64
}

func newPartiesFixture(t *testing.T) *partiesFixture {
	t.Helper()
	db, _ := openTestDB(t)
	f := &partiesFixture{db: db, reg: db.Register(), ctx: context.Background(), t: t}
	f.patients = db.Store().Patients().(*Patients)
	org := func(o *mgz.Organisation) int64 {
		t.Helper()
		if err := f.reg.CreateOrganisation(f.ctx, o); err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	f.practice1, f.practice2 = org(practice("Praktijk Een", "01000001")), org(practice("Praktijk Twee", "01000002"))
	f.provider1, f.provider2 = org(provider("Zorg Een", "")), org(provider("Zorg Twee", ""))
	svc := func(name, agb string) *mgz.Organisation {
		o := provider(name, agb)
		o.Kind = mgz.KindPhysicianService
		return o
	}
	f.service1, f.service2 = org(svc("SO-dienst Een", "02000001")), org(svc("SO-dienst Twee", "02000002"))
	loc := func(l *mgz.Location) int64 {
		t.Helper()
		if err := f.reg.CreateLocation(f.ctx, l); err != nil {
			t.Fatal(err)
		}
		return l.ID
	}
	a := location(f.provider1, "Huis A")
	a.PhysicianServiceID = &f.service1
	f.locA, f.locB = loc(a), loc(location(f.provider2, "Huis B"))
	return f
}

func (f *partiesFixture) create(name string, practice, loc *int64) mgz.Patient {
	f.t.Helper()
	p := mgz.Patient{Name: name, BirthDate: mgz.NewDate(1940, 1, 2), HomePostcode: "1234 AB", Sector: mgz.SectorElderly,
		Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, Delivery: mgz.DeliveryVPT, GPPracticeID: practice, LocationID: loc}
	if loc == nil {
		p.Wlz = mgz.WlzNone
	}
	if err := f.patients.CreatePatient(f.ctx, &p); err != nil {
		f.t.Fatalf("create %s: %v", name, err)
	}
	return p
}

// parties reads the relation rows of client id as organisation -> relation bits.
func (f *partiesFixture) parties(id int64) map[int64]int {
	f.t.Helper()
	rows, err := f.db.sql.Query("SELECT organisation_id, relations, sort_name FROM patient_parties WHERE patient_id = $1", id)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var org int64
		var bits int
		var name string
		if err := rows.Scan(&org, &bits, &name); err != nil {
			f.t.Fatal(err)
		}
		p, err := getPatient(f.ctx, f.db.sql, id)
		if err != nil || p.Name != name {
			f.t.Fatalf("sort_name of client %d = %q, want the client's name %q (%v)", id, name, p.Name, err)
		}
		out[org] = bits
	}
	return out
}

// expectParties checks the relation rows of p against what the access policy derives from p
// and its location (service.parties): the relation table must say exactly the same.
func (f *partiesFixture) expectParties(what string, id int64, want map[int64]int) {
	f.t.Helper()
	if got := f.parties(id); !reflect.DeepEqual(got, want) {
		f.t.Fatalf("%s: relations of client %d = %v, want %v", what, id, got, want)
	}
	f.expectCounts(what)
}

// expectCounts checks that patient_party_counts (the unfiltered list's total) agrees with the
// relation rows for every organisation.
func (f *partiesFixture) expectCounts(what string) {
	f.t.Helper()
	var wrong int
	err := f.db.sql.QueryRow(`SELECT COUNT(*) FROM organisations o WHERE
		COALESCE((SELECT clients FROM patient_party_counts c WHERE c.organisation_id = o.id), 0)
		<> (SELECT COUNT(*) FROM patient_parties r WHERE r.organisation_id = o.id)`).Scan(&wrong)
	if err != nil || wrong != 0 {
		f.t.Fatalf("%s: %d organisations with a client count that disagrees with their relations (%v)", what, wrong, err)
	}
}

// visible lists the ids of every client org may see, following next cursors.
func (f *partiesFixture) visible(org int64, query string) []int64 {
	f.t.Helper()
	var ids []int64
	filter := mgz.PatientFilter{VisibleTo: org, Query: query, Page: mgz.Page{Limit: 2}}
	for range 100 {
		ps, _, err := f.patients.Patients(f.ctx, filter)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		if len(ps) < filter.Limit {
			return ids
		}
		filter.Cursor = mgz.PatientCursor(ps[len(ps)-1])
	}
	f.t.Fatal("the list does not end")
	return nil
}

func TestPatientPartiesFollowEveryChangeOfPracticeLocationLeadAndLocation(t *testing.T) {
	f := newPartiesFixture(t)
	p := f.create("Anna Jansen", &f.practice1, &f.locA)
	f.expectParties("created at A", p.ID, map[int64]int{f.practice1: 1, f.provider1: 4, f.service1: 8})

	t.Run("practice change", func(t *testing.T) {
		p.GPPracticeID = &f.practice2
		if err := f.patients.UpdatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.expectParties("practice 2", p.ID, map[int64]int{f.practice2: 1, f.provider1: 4, f.service1: 8})
	})
	t.Run("lead physician is the practice too, then an SO/AVG service", func(t *testing.T) {
		p.LeadPhysician, p.LeadPhysicianOrgID = mgz.LeadGP, &f.practice2
		if err := f.patients.UpdatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.expectParties("lead GP of practice 2", p.ID, map[int64]int{f.practice2: 1 | 2, f.provider1: 4, f.service1: 8})
		p.LeadPhysician, p.LeadPhysicianOrgID = mgz.LeadElderlyCarePhysician, &f.service2
		if err := f.patients.UpdatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.expectParties("lead SO of service 2", p.ID, map[int64]int{f.practice2: 1, f.provider1: 4, f.service1: 8, f.service2: 2})
	})
	t.Run("location move", func(t *testing.T) {
		p.LocationID = &f.locB
		if err := f.patients.UpdatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.expectParties("moved to B", p.ID, map[int64]int{f.practice2: 1, f.provider2: 4, f.service2: 2})
	})
	t.Run("rename", func(t *testing.T) {
		p.Name = "Anna de Vries"
		if err := f.patients.UpdatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.expectParties("renamed", p.ID, map[int64]int{f.practice2: 1, f.provider2: 4, f.service2: 2}) // checks sort_name too
		if got := f.visible(f.practice2, "vries"); !reflect.DeepEqual(got, []int64{p.ID}) {
			t.Fatalf("search by the new name: %v, want [%d]", got, p.ID)
		}
		if got := f.visible(f.practice2, "jansen"); len(got) != 0 {
			t.Fatalf("search by the old name still finds %v", got)
		}
	})
	t.Run("location changes provider and service", func(t *testing.T) {
		l, err := f.reg.Location(f.ctx, f.locB)
		if err != nil {
			t.Fatal(err)
		}
		l.ProviderID, l.PhysicianServiceID = f.provider1, &f.service2
		if err := f.reg.UpdateLocation(f.ctx, &l); err != nil {
			t.Fatal(err)
		}
		// The service is both the lead physician's organisation and the location's: one row.
		f.expectParties("B now of provider 1 with service 2", p.ID, map[int64]int{f.practice2: 1, f.provider1: 4, f.service2: 2 | 8})
		l.PhysicianServiceID = nil
		l.Revision = 0
		if err := f.reg.UpdateLocation(f.ctx, &l); err != nil {
			t.Fatal(err)
		}
		f.expectParties("B without a service", p.ID, map[int64]int{f.practice2: 1, f.provider1: 4, f.service2: 2})
	})
	t.Run("a GP post bit is left alone by the triggers", func(t *testing.T) {
		// Bit 16 is reserved for the GP post; a later migration maintains it.
		if _, err := f.db.sql.Exec("UPDATE patient_parties SET relations = relations | 16 WHERE patient_id = $1 AND organisation_id = $2", p.ID, f.practice2); err != nil {
			t.Fatal(err)
		}
		p.GPPracticeID = &f.practice1
		if err := f.patients.UpdatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
		f.expectParties("practice back to 1", p.ID, map[int64]int{f.practice1: 1, f.practice2: 16, f.provider1: 4, f.service2: 2})
		if _, err := f.db.sql.Exec("DELETE FROM patient_parties WHERE organisation_id = $1 AND patient_id = $2", f.practice2, p.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if _, err := f.db.sql.Exec("DELETE FROM patients WHERE id = $1", p.ID); err != nil {
			t.Fatal(err)
		}
		f.expectParties("deleted", p.ID, map[int64]int{})
		for _, org := range []int64{f.practice1, f.provider1, f.service2} {
			if got := f.visible(org, ""); len(got) != 0 {
				t.Fatalf("organisation %d still lists %v after the delete", org, got)
			}
		}
		if got := f.visible(0, "vries"); len(got) != 0 {
			t.Fatalf("the name index still finds %v after the delete", got)
		}
	})
}

func TestPatientPartiesBackfillMatchesTriggers(t *testing.T) {
	f := newPartiesFixture(t)
	a := f.create("Bram Bakker", &f.practice1, &f.locA)
	b := f.create("Eva Visser", nil, &f.locB)
	c := f.create("Sem Smit", &f.practice2, nil)
	want := map[int64]map[int64]int{}
	for _, p := range []mgz.Patient{a, b, c} {
		want[p.ID] = f.parties(p.ID)
	}
	// Rebuild the way migration 0016 fills an existing database, and compare.
	if _, err := f.db.sql.Exec("DELETE FROM patient_parties"); err != nil {
		t.Fatal(err)
	}
	body, err := migrationFiles.(interface{ ReadFile(string) ([]byte, error) }).ReadFile("0016_patient_parties.sql")
	if err != nil {
		t.Fatal(err)
	}
	sqlText := string(body)
	start := strings.Index(sqlText, "INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)\nSELECT org, pid")
	end := strings.Index(sqlText[start:], ";")
	if start < 0 || end < 0 {
		t.Fatal("the backfill statement is not in migration 0016")
	}
	if _, err := f.db.sql.Exec(sqlText[start : start+end]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.sql.Exec("DELETE FROM patient_party_counts"); err != nil {
		t.Fatal(err)
	}
	counts := strings.Index(sqlText, "INSERT INTO patient_party_counts")
	if _, err := f.db.sql.Exec(sqlText[counts : counts+strings.Index(sqlText[counts:], ";")]); err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		f.expectParties("backfilled", id, w)
	}
}

func TestPracticeNeverSeesAnotherPracticesClientAfterATakeover(t *testing.T) {
	f := newPartiesFixture(t)
	mine := f.create("Lotte Mulder", &f.practice1, nil)
	theirs := f.create("Lotte Meijer", &f.practice2, nil)
	if got := f.visible(f.practice1, ""); !reflect.DeepEqual(got, []int64{mine.ID}) {
		t.Fatalf("practice 1 sees %v, want only its own client %d", got, mine.ID)
	}
	// The other practice's client switches to practice 1: practice 2 loses it, practice 1 gains it.
	theirs.GPPracticeID = &f.practice1
	if err := f.patients.UpdatePatient(f.ctx, &theirs); err != nil {
		t.Fatal(err)
	}
	if got := f.visible(f.practice2, ""); len(got) != 0 {
		t.Fatalf("practice 2 still sees %v after its client left", got)
	}
	if got := f.visible(f.practice2, "lotte"); len(got) != 0 {
		t.Fatalf("practice 2 finds %v by name after its client left", got)
	}
	// A search, a birth date, an id and a BSN never reach past the caller's rows.
	for _, filter := range []mgz.PatientFilter{
		{VisibleTo: f.practice2, Query: "Lotte"},
		{VisibleTo: f.practice2, Query: "lo"},
		{VisibleTo: f.practice2, Query: "02-01-1940"},
		{VisibleTo: f.practice2, IDs: []int64{mine.ID, theirs.ID}},
		{VisibleTo: f.practice2, GPPracticeID: f.practice1},
	} {
		ps, total, err := f.patients.Patients(f.ctx, filter)
		if err != nil || len(ps) != 0 || total != 0 {
			t.Fatalf("%+v: %d clients, total %d (%v); want none", filter, len(ps), total, err)
		}
	}
	if got := f.visible(f.practice1, ""); len(got) != 2 {
		t.Fatalf("practice 1 sees %v, want both clients", got)
	}
}

func TestPatientCursorPagingListsEveryVisibleClientOnceWhileClientsAreAdded(t *testing.T) {
	f := newPartiesFixture(t)
	var want []int64
	for i := range 9 {
		// Equal names on purpose: ties are ordered by id.
		p := f.create(fmt.Sprintf("Cliënt %d", i%3), &f.practice1, nil)
		want = append(want, p.ID)
	}
	f.create("Anders Elders", &f.practice2, nil)
	var got []int64
	filter := mgz.PatientFilter{VisibleTo: f.practice1, Page: mgz.Page{Limit: 2}}
	added := 0
	for range 50 {
		ps, _, err := f.patients.Patients(f.ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			got = append(got, p.ID)
		}
		if len(ps) < filter.Limit {
			break
		}
		filter.Cursor = mgz.PatientCursor(ps[len(ps)-1])
		// Between pages: one client sorts before the cursor (not listed), one after (listed).
		if added < 3 {
			f.create(fmt.Sprintf("Aaron %d", added), &f.practice1, nil)
			later := f.create(fmt.Sprintf("Zus %d", added), &f.practice1, nil)
			want = append(want, later.ID)
			added++
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cursor pages listed %v, want each of %v once", got, want)
	}
}

func TestPatientListOffsetAndCursorGiveTheSamePages(t *testing.T) {
	f := newPartiesFixture(t)
	for i := range 7 {
		f.create(fmt.Sprintf("Naam %d", (i*5)%4), &f.practice1, &f.locA)
	}
	for _, org := range []int64{f.practice1, f.provider1, f.service1, 0} {
		byCursor := mgz.PatientFilter{VisibleTo: org, Page: mgz.Page{Limit: 3}}
		for offset := 0; ; offset += 3 {
			a, totalA, errA := f.patients.Patients(f.ctx, mgz.PatientFilter{VisibleTo: org, Page: mgz.Page{Limit: 3, Offset: offset}})
			b, totalB, errB := f.patients.Patients(f.ctx, byCursor)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if totalA != 7 || totalB != 7 {
				t.Fatalf("organisation %d: totals %d and %d, want 7", org, totalA, totalB)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("organisation %d, offset %d: offset page %v differs from cursor page %v", org, offset, a, b)
			}
			for i := 1; i < len(a); i++ {
				if a[i-1].Name > a[i].Name || (a[i-1].Name == a[i].Name && a[i-1].ID > a[i].ID) {
					t.Fatalf("page not in (name, id) order: %v", a)
				}
			}
			if len(a) < 3 {
				break
			}
			byCursor.Cursor = mgz.PatientCursor(a[len(a)-1])
		}
	}
}

func TestPatientCursorTamperingIsRefusedAsInvalidInput(t *testing.T) {
	f := newPartiesFixture(t)
	p := f.create("Iris Dekker", &f.practice1, nil)
	theirs := f.create("Anna Aalders", &f.practice2, nil)
	good := mgz.PatientCursor(p)
	for name, c := range map[string]string{
		"not base64":     "!!!",
		"empty payload":  "",
		"wrong version":  "AQ" + good[2:],
		"truncated":      good[:2],
		"padding":        good + "==",
		"too long":       strings.Repeat("A", 5000),
		"trailing bytes": base64.RawURLEncoding.EncodeToString([]byte{2, byte(p.ID), 'A'}),
		"zero id":        "AgA",
		"sql":            "' OR 1=1 --",
		// A position among another practice's clients is no position in this list: refused, so
		// a cursor cannot probe where someone else's client sorts.
		"another practice's client": mgz.PatientCursor(theirs),
	} {
		t.Run(name, func(t *testing.T) {
			filter := mgz.PatientFilter{VisibleTo: f.practice1, Page: mgz.Page{Cursor: c}}
			if c == "" {
				filter.Cursor = "Ag" // a version byte only
			}
			_, _, err := f.patients.Patients(f.ctx, filter)
			mustCode(t, err, mgz.ECodeInvalid, "cursor")
		})
	}
	if ps, _, err := f.patients.Patients(f.ctx, mgz.PatientFilter{VisibleTo: f.practice1, Page: mgz.Page{Cursor: good}}); err != nil || len(ps) != 0 {
		t.Fatalf("the cursor after the only client: %v, %v; want an empty page", ps, err)
	}
}

func TestPatientNameSearchFindsPartOfTheNameRegardlessOfCaseAndDiacritics(t *testing.T) {
	f := newPartiesFixture(t)
	jose := f.create("José Çelik", &f.practice1, nil)
	zoe := f.create("ZOË van der Meer", &f.practice1, nil)
	other := f.create("Zoë Elders", &f.practice2, nil)
	for _, c := range []struct {
		q    string
		org  int64
		want []int64
	}{
		{"jose", f.practice1, []int64{jose.ID}},
		{"JOSÉ", f.practice1, []int64{jose.ID}},
		{"celik", f.practice1, []int64{jose.ID}},
		{"sé çe", f.practice1, []int64{jose.ID}},
		{"zoe", f.practice1, []int64{zoe.ID}},
		{"zoë", f.practice1, []int64{zoe.ID}},
		{"der mee", f.practice1, []int64{zoe.ID}},
		{"zoe", f.practice2, []int64{other.ID}},
		{"zoe", 0, []int64{zoe.ID, other.ID}},
		{"va", f.practice1, []int64{zoe.ID}}, // shorter than a trigram: within the caller's rows
		{"Z", f.practice1, []int64{zoe.ID}},
		{"%", f.practice1, nil},
		{`"`, f.practice1, nil},
		{`"jose"`, f.practice1, nil}, // quotes are part of the term, not FTS5 syntax
		{"jose OR zoe", f.practice1, nil},
		{"xyz", f.practice1, nil},
	} {
		got := f.visible(c.org, c.q)
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("search %q as %d: %v, want %v", c.q, c.org, got, c.want)
		}
		_, total, err := f.patients.Patients(f.ctx, mgz.PatientFilter{VisibleTo: c.org, Query: c.q})
		if err != nil || total != len(c.want) {
			t.Errorf("search %q as %d: total %d (%v), want %d", c.q, c.org, total, err, len(c.want))
		}
	}
}

// triggerDecl is a trigger as a migration declares it: when it fires and on which table.
type triggerDecl struct{ event, table string }

var createTrigger = regexp.MustCompile(`(?is)CREATE TRIGGER (\w+)\s+AFTER\s+(INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON\s+(\w+)`)

// declaredTriggers returns the triggers that the migrations create on d, by name.
func declaredTriggers(t *testing.T, d dialect) map[string]triggerDecl {
	t.Helper()
	ms, err := loadMigrations(migrationFiles, d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]triggerDecl{}
	for _, m := range ms {
		for _, c := range createTrigger.FindAllStringSubmatch(m.sql, -1) {
			if _, dup := out[c[1]]; dup {
				t.Errorf("%s: trigger %s is created twice", m.name, c[1])
			}
			out[c[1]] = triggerDecl{event: strings.Join(strings.Fields(strings.ToLower(c[2])), " "), table: c[3]}
		}
	}
	return out
}

// TestPostgresTriggersMirrorSQLite checks the design of the PostgreSQL sections of the
// migrations: the counts and relations that triggers keep (location_stats, patient_parties,
// patient_party_counts) are kept alike on both databases, because every SQLite trigger has a
// PostgreSQL trigger of the same name, on the same table and for the same events, calling a
// plpgsql function (and no PostgreSQL trigger is without its SQLite original). The exception is
// the trigger that keeps SQLite's FTS5 name index: PostgreSQL's trigram index on mgz_fold(name)
// follows the names by itself. The database under test has exactly the triggers its own
// migrations declare. (That the triggers also count alike is what the tests of location_stats,
// patient_parties and coverage check on either database.)
func TestPostgresTriggersMirrorSQLite(t *testing.T) {
	lite, pg := declaredTriggers(t, dialectSQLite), declaredTriggers(t, dialectPostgres)
	ftsOnly := map[string]bool{"patient_names_update": true}
	if len(lite) < 20 {
		t.Fatalf("only %d SQLite triggers found in the migrations: the pattern no longer matches them", len(lite))
	}
	for name, want := range lite {
		got, ok := pg[name]
		switch {
		case ftsOnly[name]:
			if ok {
				t.Errorf("%s keeps SQLite's FTS5 index and needs no PostgreSQL trigger", name)
			}
		case !ok:
			t.Errorf("SQLite trigger %s (%s on %s) has no PostgreSQL counterpart in a -- dialect: postgres section", name, want.event, want.table)
		case got != want:
			t.Errorf("trigger %s: SQLite fires %s on %s, PostgreSQL %s on %s", name, want.event, want.table, got.event, got.table)
		}
	}
	for name, d := range pg {
		if _, ok := lite[name]; !ok {
			t.Errorf("PostgreSQL trigger %s (%s on %s) mirrors no SQLite trigger", name, d.event, d.table)
		}
	}

	db, _ := openTestDB(t)
	declared, list := lite, "SELECT name FROM sqlite_master WHERE type = 'trigger'"
	if db.dialect == dialectPostgres {
		declared, list = pg, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
	}
	rows, err := db.sql.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	installed := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		installed[name] = true
		if _, ok := declared[name]; !ok {
			t.Errorf("the %s database has trigger %s that no migration declares", db.dialect, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name := range declared {
		if !installed[name] {
			t.Errorf("the %s database lacks trigger %s", db.dialect, name)
		}
	}
}
