package demo

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// cheapHashing keeps the one password hash of a test set quick.
var cheapHashing = service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}

// loadSmallNational loads a national set of n clients into a new database and returns its path.
func loadSmallNational(t *testing.T, seed uint64, n int) (string, National) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nationaal.db")
	db, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := LoadNational(context.Background(), db.Store(), cheapHashing, NationalOptions{Seed: seed, Clients: n})
	if err != nil {
		t.Fatalf("LoadNational(seed %d, %d clients): %v", seed, n, err)
	}
	return path, got
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// content is the register's data without timestamps, hashes of passwords or audit times: what
// the seed decides.
func content(t *testing.T, path string) string {
	t.Helper()
	raw := rawDB(t, path)
	var b strings.Builder
	for _, q := range []string{
		"SELECT id, kind, name, COALESCE(agb, ''), kvk, address, postcode, city, phone, care_office_region FROM organisations ORDER BY id",
		"SELECT id, provider_id, name, address, postcode, municipality, setting, sector, places, COALESCE(fixed_gp_practice_id, 0), COALESCE(physician_service_id, 0) FROM locations ORDER BY id",
		"SELECT id, name, birth_date, COALESCE(bsn, ''), COALESCE(location_id, 0), COALESCE(home_postcode, ''), sector, wlz, COALESCE(wlz_source, ''), COALESCE(wlz_checked_on, ''), COALESCE(delivery, ''), COALESCE(gp_practice_id, 0), COALESCE(lead_physician, ''), COALESCE(lead_physician_org_id, 0) FROM patients ORDER BY id",
		"SELECT location_id, key, status, COALESCE(valid_until, '') FROM prerequisite_items ORDER BY id",
		"SELECT id, provider_id, practice_id, COALESCE(gp_post_id, 0), status FROM agreements ORDER BY id",
		"SELECT email, organisation_id FROM users ORDER BY id",
	} {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func count(t *testing.T, raw *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestNationalSetIsReproducibleFromItsSeed(t *testing.T) {
	a, _ := loadSmallNational(t, 7, 300)
	b, _ := loadSmallNational(t, 7, 300)
	c, _ := loadSmallNational(t, 8, 300)
	ca, cb, cc := content(t, a), content(t, b), content(t, c)
	if ca != cb {
		t.Fatal("two national sets from seed 7 differ")
	}
	if ca == cc {
		t.Fatal("the national sets of seeds 7 and 8 are the same: the seed is not used")
	}
	if !strings.Contains(ca, "Mevrouw") || !strings.Contains(ca, "Huisartsenpost") {
		t.Fatalf("the set has no clients or GP posts:\n%.500s", ca)
	}
}

// TestNationalPlanHasTheNationalProportions checks the full set's shape from its plan (cheap:
// nothing is stored): the counts the issue names, practices with tens of clients, the
// 17,000-clients stress practice, and care providers from one location to hundreds.
func TestNationalPlanHasTheNationalProportions(t *testing.T) {
	p := planNational(DefaultNationalSeed, NationalClients)
	if len(p.practices) != 5000 || len(p.locations) != 10000 || len(p.posts) != 105 || len(p.careOffices) != 31 ||
		len(p.rhos) != 31 || len(p.so)+len(p.avg) != 62 {
		t.Fatalf("practices %d, locations %d, posts %d, care offices %d, RHOs %d, SO/AVG %d; want 5000, 10000, 105, 31, 31, 62",
			len(p.practices), len(p.locations), len(p.posts), len(p.careOffices), len(p.rhos), len(p.so)+len(p.avg))
	}
	if p.stress < 0 || p.practiceOf[p.stress] != StressClients {
		t.Fatalf("the stress practice has %v clients, want %d", p.practiceOf, StressClients)
	}
	sizes := slices.Clone(p.practiceOf)
	slices.Sort(sizes)
	if median := sizes[len(sizes)/2]; median < 10 || median > 99 {
		t.Errorf("the median practice has %d clients, want tens", median)
	}
	if sizes[len(sizes)-2] >= StressClients/10 {
		t.Errorf("the second largest practice has %d clients: the stress practice must stand out", sizes[len(sizes)-2])
	}
	if p.typical == p.stress || p.practiceOf[p.typical] < 10 || p.practiceOf[p.typical] > 99 {
		t.Errorf("the typical practice has %d clients, want tens", p.practiceOf[p.typical])
	}
	perProvider := map[int]int{}
	for _, l := range p.locations {
		perProvider[l.provider]++
	}
	small := 0
	for _, n := range perProvider {
		if n <= 3 {
			small++
		}
	}
	if perProvider[p.bigProvider] < 100 || small*2 < len(p.providers) {
		t.Errorf("the largest provider has %d locations and %d of %d providers have at most 3; want hundreds and most",
			perProvider[p.bigProvider], small, len(p.providers))
	}
	withGP, atLocation := 0, 0
	for _, l := range p.locations {
		if l.practice >= 0 {
			withGP++
		}
	}
	for _, l := range p.clientLoc {
		if l >= 0 {
			atLocation++
		}
	}
	if withGP < 8500 || withGP == len(p.locations) {
		t.Errorf("%d of 10000 locations have a fixed GP practice: want most, not all", withGP)
	}
	if atLocation < NationalClients/2 || atLocation == NationalClients {
		t.Errorf("%d clients live at a location: want most, not all", atLocation)
	}
}

func TestSmallNationalSetIsConsistent(t *testing.T) {
	ctx := context.Background()
	path, n := loadSmallNational(t, DefaultNationalSeed, 300)
	raw := rawDB(t, path)

	if n.Clients != 300 || count(t, raw, "SELECT COUNT(*) FROM patients") != 300 {
		t.Fatalf("clients: reported %d, stored %d; want 300", n.Clients, count(t, raw, "SELECT COUNT(*) FROM patients"))
	}
	for what, q := range map[string]string{
		"organisations": "SELECT COUNT(*) FROM organisations",
		"locations":     "SELECT COUNT(*) FROM locations",
		"agreements":    "SELECT COUNT(*) FROM agreements",
		"prerequisites": "SELECT COUNT(*) FROM prerequisite_items",
	} {
		want := map[string]int{"organisations": n.Organisations(), "locations": n.Locations, "agreements": n.Agreements, "prerequisites": n.Prerequisites}[what]
		if got := count(t, raw, q); got != want || got == 0 {
			t.Errorf("%s: stored %d, reported %d", what, got, want)
		}
	}
	if got := count(t, raw, "SELECT COUNT(*) FROM organisations WHERE kind = 'care_office'"); got != 31 {
		t.Errorf("%d zorgkantoren, want 31", got)
	}

	// Every reference of every client is valid, and every client fits where it lives (§3.4).
	bad := map[string]string{
		"location":  "SELECT COUNT(*) FROM patients p LEFT JOIN locations l ON l.id = p.location_id WHERE p.location_id IS NOT NULL AND l.id IS NULL",
		"practice":  "SELECT COUNT(*) FROM patients p LEFT JOIN organisations o ON o.id = p.gp_practice_id WHERE p.gp_practice_id IS NOT NULL AND (o.id IS NULL OR o.kind <> 'gp_practice')",
		"lead":      "SELECT COUNT(*) FROM patients p LEFT JOIN organisations o ON o.id = p.lead_physician_org_id WHERE p.lead_physician_org_id IS NOT NULL AND (o.id IS NULL OR o.kind NOT IN ('gp_practice', 'physician_service'))",
		"place":     "SELECT COUNT(*) FROM patients WHERE (location_id IS NULL) = (COALESCE(home_postcode, '') = '')",
		"fixed GP":  "SELECT COUNT(*) FROM locations l LEFT JOIN organisations o ON o.id = l.fixed_gp_practice_id WHERE l.fixed_gp_practice_id IS NOT NULL AND (o.id IS NULL OR o.kind <> 'gp_practice')",
		"SO/AVG":    "SELECT COUNT(*) FROM locations l LEFT JOIN organisations o ON o.id = l.physician_service_id WHERE l.physician_service_id IS NOT NULL AND (o.id IS NULL OR o.kind <> 'physician_service')",
		"agreement": "SELECT COUNT(*) FROM agreements a JOIN organisations o ON o.id = a.practice_id WHERE o.kind <> 'gp_practice'",
	}
	for what, q := range bad {
		if got := count(t, raw, q); got != 0 {
			t.Errorf("%d rows with an invalid %s reference", got, what)
		}
	}
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id := int64(1); id <= 300; id++ {
		p, err := db.Store().Patients().Patient(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c := p
		if err := c.Normalise(time.Now()); err != nil {
			t.Fatalf("client %d does not pass the register's checks: %v", id, err)
		}
		if p.LocationID != nil {
			l, err := db.Store().Register().Location(ctx, *p.LocationID)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.FitsLocation(l); err != nil {
				t.Fatalf("client %d does not fit location %d: %v", id, l.ID, err)
			}
		}
		if p.BSN != "" && (!mgz.ValidBSN(p.BSN) || !strings.HasPrefix(p.BSN, "9999")) {
			t.Fatalf("client %d has a BSN outside the fictional range or failing the 11-test", id)
		}
	}

	// The prerequisites are mostly met, some not, some expired.
	for what, q := range map[string]string{
		"met":     "SELECT COUNT(*) FROM prerequisite_items WHERE status = 'met' AND (valid_until IS NULL OR valid_until >= date('now'))",
		"not met": "SELECT COUNT(*) FROM prerequisite_items WHERE status = 'not_met'",
		"expired": "SELECT COUNT(*) FROM prerequisite_items WHERE status = 'met' AND valid_until < date('now')",
	} {
		if count(t, raw, q) == 0 {
			t.Errorf("no prerequisite is %s", what)
		}
	}
	if n.Agreements < 2 || count(t, raw, "SELECT COUNT(DISTINCT status) FROM agreements") < min(4, n.Agreements) ||
		count(t, raw, "SELECT COUNT(DISTINCT json_extract(state, '$.type')) FROM agreements") != 2 {
		t.Errorf("the agreements want both model agreements in several states")
	}

	// The audit log has an entry per change and its chain verifies.
	entries, err := db.Store().AuditLog().Verify(ctx)
	if err != nil {
		t.Fatalf("the audit chain does not verify: %v", err)
	}
	if created := count(t, raw, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'patient' AND action = 'create'"); created != 300 {
		t.Errorf("%d audit entries of created clients, want 300", created)
	}
	if entries < 300+n.Locations+n.Organisations()+n.Prerequisites {
		t.Errorf("%d audit entries: fewer than the changes", entries)
	}

	// The stress practice is the largest, with a twentieth of the clients, and has its account.
	var stressID int64
	if err := raw.QueryRow("SELECT organisation_id FROM users WHERE email = $1", AccountStressPractice).Scan(&stressID); err != nil {
		t.Fatalf("the stress practice's account: %v", err)
	}
	if got := count(t, raw, "SELECT COUNT(*) FROM patients WHERE gp_practice_id = $1", stressID); got != 15 || got != n.StressClients {
		t.Errorf("the stress practice has %d clients (reported %d), want 15", got, n.StressClients)
	}
	for _, email := range []string{AccountStressPractice, AccountPractice, AccountRHO, AccountProvider} {
		if count(t, raw, "SELECT COUNT(*) FROM users WHERE email = $1", email) != 1 {
			t.Errorf("account %s missing", email)
		}
	}
	if got := count(t, raw, "SELECT COUNT(*) FROM users"); got != n.Organisations()+4 {
		t.Errorf("%d accounts, want one per organisation (%d) and the four named ones", got, n.Organisations())
	}

	// A database with data is never touched.
	if _, err := LoadNational(ctx, db.Store(), cheapHashing, NationalOptions{Seed: 1, Clients: 10}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("loading into a full database: %v, want ErrNotEmpty", err)
	}
}

func TestNationalSetWritesTheClientsAsAnImportFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "csv.db")
	db, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var buf bytes.Buffer
	n, err := LoadNational(context.Background(), db.Store(), cheapHashing, NationalOptions{Seed: 3, Clients: 200, PatientsCSV: &buf})
	if err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(&buf)
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n.ClientsInCSV != 200 || len(rows) != 201 || n.Clients != 0 {
		t.Fatalf("%d rows in the file (reported %d, stored %d), want a header and 200 clients", len(rows), n.ClientsInCSV, n.Clients)
	}
	if !slices.Equal(rows[0], csvColumns) {
		t.Fatalf("header %v", rows[0])
	}
	var stored int
	if err := rawDB(t, path).QueryRow("SELECT COUNT(*) FROM patients").Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("%d clients stored (%v), want none", stored, err)
	}
}
