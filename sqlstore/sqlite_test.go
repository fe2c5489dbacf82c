package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/audit"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// openTestDB opens a fresh database on the backend under test (storetest: SQLite, or PostgreSQL
// with MGZ_TEST_STORE=postgres) and returns it with its --db value.
func openTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := storetest.DSN(t)
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func mustCode(t *testing.T, err error, code string, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error with code %s, got nil", code)
	}
	var e *mgz.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want error with code %s, got %v (%T)", code, err, err)
	}
	if field != "" {
		if _, ok := e.Fields[field]; !ok {
			t.Fatalf("want field %q named in %v, got fields %v", field, err, e.FieldNames())
		}
	}
}

func provider(name, agb string) *mgz.Organisation {
	return &mgz.Organisation{Kind: mgz.KindCareProvider, Name: name, AGB: agb, KvK: "12345678", Address: "Dorpsstraat 1",
		Postcode: "1234ab", City: "Voorbeeld", Phone: "030-1234567", CareOfficeRegion: "Voorbeeld"}
}

func practice(name, agb string) *mgz.Organisation {
	o := provider(name, agb)
	o.Kind = mgz.KindGPPractice
	return o
}

func location(providerID int64, name string) *mgz.Location {
	return &mgz.Location{ProviderID: providerID, Name: name, Address: "Laan 2", Postcode: "1234 AB", Municipality: "Voorbeeld",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 12}
}

func TestMigrationsFromEmpty(t *testing.T) {
	db, _ := openTestDB(t)
	v, err := db.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(migrationFiles, db.dialect)
	if err != nil {
		t.Fatal(err)
	}
	if v != len(ms) || v < 1 {
		t.Fatalf("schema version = %d, want %d (all embedded migrations)", v, len(ms))
	}
	for _, table := range []string{"organisations", "locations", "location_deliveries", "contact_points"} {
		var n int
		if err := db.sql.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Errorf("table %s missing after migrations: %v", table, err)
		}
	}
	if db.dialect == dialectPostgres {
		// An acknowledged change must survive a crash (architecture.md, "Durability"): a commit
		// returns only after the server flushed its WAL.
		var sync string
		if err := db.sql.QueryRow("SHOW synchronous_commit").Scan(&sync); err != nil || (sync != "on" && sync != "remote_write" && sync != "remote_apply") {
			t.Errorf("synchronous_commit = %q (%v), want on", sync, err)
		}
		// Foreign keys are always enforced by PostgreSQL; check that the migrations declared them.
		var fks int
		if err := db.sql.QueryRow("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace").Scan(&fks); err != nil || fks == 0 {
			t.Errorf("%d foreign keys after migrations (%v), want the schema's references", fks, err)
		}
		return
	}
	var mode string
	if err := db.sql.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
	var fk, sync int
	db.sql.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	db.sql.QueryRow("PRAGMA synchronous").Scan(&sync)
	if fk != 1 || sync != 2 {
		t.Errorf("foreign_keys = %d, synchronous = %d; want 1 and 2 (FULL)", fk, sync)
	}
}

// TestMigrationUpgradePath opens a database made by an older binary (only the first migration)
// and checks that the current binary applies the rest and keeps the data.
func TestMigrationUpgradePath(t *testing.T) {
	ctx := context.Background()
	first, err := fs.ReadFile(migrationFiles, "0001_register.sql")
	if err != nil {
		t.Fatal(err)
	}
	older := fstest.MapFS{"0001_register.sql": {Data: first}}

	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path+"?"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, raw, older, dialectSQLite); err != nil {
		t.Fatalf("migrate older: %v", err)
	}
	_, err = raw.Exec(`INSERT INTO organisations (kind, name, kvk, address, postcode, city, phone, care_office_region,
		created_at, updated_at) VALUES ('care_provider', 'Zorg Oud', '12345678', 'a 1', '1234 AB', 'b', '0301234567', 'r',
		'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`)
	if err == nil {
		_, err = raw.Exec(`INSERT INTO locations (provider_id, name, address, postcode, municipality, setting, sector, places,
			created_at, updated_at) VALUES (1, 'Oude Hof', 'a 2', '1234 AB', 'm', 'institution', 'elderly', 10,
			'2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`)
	}
	if err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("current binary on an older database: %v", err)
	}
	defer db.Close()
	all, err := loadMigrations(migrationFiles, dialectSQLite)
	if err != nil {
		t.Fatalf("loading the embedded migrations: %v", err)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != len(all) || v < 2 {
		t.Fatalf("version after upgrade = %d (%v), want %d", v, err, len(all))
	}
	l, err := db.Register().Location(ctx, 1)
	if err != nil || l.Name != "Oude Hof" || l.PhysicianServiceID != nil {
		t.Fatalf("location after upgrade: %+v, %v", l, err)
	}
	// Running again is a no-op.
	if err := migrate(ctx, db.sql, migrationFiles, db.dialect); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

func TestRefuseDatabaseNewerThanBinary(t *testing.T) {
	db, path := openTestDB(t)
	if _, err := db.sql.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', 'x')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := Open(context.Background(), path)
	var newer *NewerSchemaError
	if !errors.As(err, &newer) || newer.Database != 99 {
		t.Fatalf("Open of a newer database: got %v, want NewerSchemaError for version 99", err)
	}
}

func TestConstraintViolationLeavesNothingHalfWritten(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	r := db.Register()

	t.Run("database constraint inside one write", func(t *testing.T) {
		err := r.write(ctx, func(q querier) error {
			if _, err := q.ExecContext(ctx, `INSERT INTO organisations (kind, name, kvk, address, postcode, city, phone,
				care_office_region, created_at, updated_at) VALUES ('care_provider', 'Half', '12345678', 'a', '1234 AB', 'b', 'c', 'd', 'x', 'x')`); err != nil {
				return err
			}
			// setting 'home' breaks the CHECK constraint
			_, err := q.ExecContext(ctx, `INSERT INTO locations (provider_id, name, address, postcode, municipality, setting,
				sector, places, created_at, updated_at) VALUES (last_insert_rowid(), 'L', 'a', '1234 AB', 'm', 'home', 'elderly', 1, 'x', 'x')`)
			return err
		})
		if err == nil {
			t.Fatal("want CHECK constraint error")
		}
		assertEmpty(t, db)
	})

	t.Run("domain conflict inside Atomic", func(t *testing.T) {
		err := r.Atomic(ctx, func(tx mgz.RegisterService) error {
			if err := tx.CreateOrganisation(ctx, practice("Eerste", "01000002")); err != nil {
				return err
			}
			return tx.CreateOrganisation(ctx, practice("Tweede met dezelfde AGB", "01000002"))
		})
		mustCode(t, err, mgz.ECodeConflict, "agb")
		assertEmpty(t, db)
	})

	t.Run("location with unknown provider", func(t *testing.T) {
		err := r.CreateLocation(ctx, location(4242, "Nergens"))
		mustCode(t, err, mgz.ECodeInvalid, "provider_id")
		assertEmpty(t, db)
	})
}

func assertEmpty(t *testing.T, db *DB) {
	t.Helper()
	ov, err := db.Register().Overview(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ov.Empty() {
		t.Fatalf("register not empty after failed write: %+v", ov)
	}
}

func TestRegisterCRUD(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	r := db.Register()

	prov := provider("Zorggroep Test", "")
	if err := r.CreateOrganisation(ctx, prov); err != nil {
		t.Fatal(err)
	}
	if prov.Postcode != "1234 AB" || prov.Phone != "0301234567" {
		t.Errorf("normalised postcode %q phone %q, want 1234 AB and 0301234567", prov.Postcode, prov.Phone)
	}
	gp := practice("Huisartsenpraktijk De Eik", "01000003")
	if err := r.CreateOrganisation(ctx, gp); err != nil {
		t.Fatal(err)
	}

	t.Run("AGB is unique", func(t *testing.T) {
		mustCode(t, r.CreateOrganisation(ctx, practice("Dubbel", "01000003")), mgz.ECodeConflict, "agb")
	})

	loc := location(prov.ID, "De Linde")
	loc.Deliveries = []mgz.Delivery{mgz.DeliveryPGB, mgz.DeliveryVPT, mgz.DeliveryVPT}
	loc.FixedGPPracticeID = &gp.ID
	if err := r.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	got, err := r.Location(ctx, loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Deliveries) != 2 || got.Deliveries[0] != mgz.DeliveryVPT || got.Deliveries[1] != mgz.DeliveryPGB {
		t.Errorf("deliveries = %v, want [vpt pgb] (deduplicated, enumeration order)", got.Deliveries)
	}
	if got.FixedGPPracticeID == nil || *got.FixedGPPracticeID != gp.ID {
		t.Errorf("fixed GP = %v, want %d", got.FixedGPPracticeID, gp.ID)
	}

	t.Run("provider must be a care provider", func(t *testing.T) {
		mustCode(t, r.CreateLocation(ctx, location(gp.ID, "Fout")), mgz.ECodeInvalid, "provider_id")
	})
	t.Run("fixed GP must be a GP practice", func(t *testing.T) {
		l := location(prov.ID, "Fout")
		l.FixedGPPracticeID = &prov.ID
		mustCode(t, r.CreateLocation(ctx, l), mgz.ECodeInvalid, "fixed_gp_practice_id")
	})
	t.Run("refuse deleting a provider that still has locations", func(t *testing.T) {
		mustCode(t, r.DeleteOrganisation(ctx, prov.ID), mgz.ECodeConflict, "")
	})
	t.Run("refuse deleting a practice that is a fixed GP", func(t *testing.T) {
		mustCode(t, r.DeleteOrganisation(ctx, gp.ID), mgz.ECodeConflict, "")
	})
	t.Run("refuse changing the kind of a provider with locations", func(t *testing.T) {
		changed := *prov
		changed.Kind = mgz.KindGPPost
		changed.AGB = "22000001"
		mustCode(t, r.UpdateOrganisation(ctx, &changed), mgz.ECodeConflict, "")
	})

	t.Run("contact points and overview gaps", func(t *testing.T) {
		ov, err := r.Overview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Locations != 1 || ov.WithoutFirstLine != 1 || ov.WithoutFixedGP != 0 || ov.Organisations[mgz.KindGPPractice] != 1 {
			t.Fatalf("overview = %+v", ov)
		}
		cp := &mgz.ContactPoint{LocationID: &loc.ID, Role: mgz.RoleFirstLine, Phone: "+31 6 12345678", Hours: mgz.Hours24x7}
		if err := r.CreateContactPoint(ctx, cp); err != nil {
			t.Fatal(err)
		}
		if cp.Phone != "0612345678" {
			t.Errorf("phone = %q, want 0612345678", cp.Phone)
		}
		if ov, err = r.Overview(ctx); err != nil || ov.WithoutFirstLine != 0 || ov.ContactPoints != 1 {
			t.Fatalf("overview after first-line contact = %+v, %v", ov, err)
		}
		bad := &mgz.ContactPoint{LocationID: &loc.ID, OrganisationID: &prov.ID, Role: mgz.RoleFirstLine, Phone: "0612345678", Hours: mgz.Hours24x7}
		mustCode(t, r.CreateContactPoint(ctx, bad), mgz.ECodeInvalid, "location_id")
		missing := int64(999)
		bad = &mgz.ContactPoint{LocationID: &missing, Role: mgz.RoleFirstLine, Phone: "0612345678", Hours: mgz.Hours24x7}
		mustCode(t, r.CreateContactPoint(ctx, bad), mgz.ECodeInvalid, "location_id")

		cp.Hours = mgz.HoursOutOfHours
		if err := r.UpdateContactPoint(ctx, cp); err != nil {
			t.Fatal(err)
		}
		cps, total, err := r.ContactPoints(ctx, mgz.ContactPointFilter{LocationID: loc.ID})
		if err != nil || total != 1 || cps[0].Hours != mgz.HoursOutOfHours {
			t.Fatalf("contact points = %+v, %d, %v", cps, total, err)
		}
	})

	t.Run("filters and paging", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			l := location(prov.ID, "Extra "+string(rune('A'+i)))
			l.Sector = mgz.SectorDisability
			if err := r.CreateLocation(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		ls, total, err := r.Locations(ctx, mgz.LocationFilter{Sector: mgz.SectorDisability, Page: mgz.Page{Limit: 2, Offset: 2}})
		if err != nil || total != 5 || len(ls) != 2 || ls[0].Name != "Extra C" {
			t.Fatalf("page = %v names, total %d, err %v", len(ls), total, err)
		}
		ls, total, err = r.Locations(ctx, mgz.LocationFilter{Query: "lind"})
		if err != nil || total != 1 || len(ls) != 1 || ls[0].ID != loc.ID {
			t.Fatalf("search 'lind' found %d (%v), want location %d only", total, err, loc.ID)
		}
		_, total, err = r.Locations(ctx, mgz.LocationFilter{WithoutFixedGP: true})
		if err != nil || total != 5 {
			t.Fatalf("without fixed GP = %d (%v), want 5", total, err)
		}
		_, total, err = r.Locations(ctx, mgz.LocationFilter{Query: "100%_"})
		if err != nil || total != 0 {
			t.Fatalf("LIKE wildcards in a search must be literal, found %d (%v)", total, err)
		}
		os, total, err := r.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice})
		if err != nil || total != 1 || len(os) != 1 || os[0].ID != gp.ID {
			t.Fatalf("organisations of kind gp_practice = %d (%v), want practice %d only", total, err, gp.ID)
		}
	})

	t.Run("delete location removes its contact points", func(t *testing.T) {
		if err := r.DeleteLocation(ctx, loc.ID); err != nil {
			t.Fatal(err)
		}
		_, err := r.Location(ctx, loc.ID)
		mustCode(t, err, mgz.ECodeNotFound, "")
		_, total, err := r.ContactPoints(ctx, mgz.ContactPointFilter{LocationID: loc.ID})
		if err != nil || total != 0 {
			t.Fatalf("contact points left: %d (%v), want 0", total, err)
		}
		if err := r.DeleteOrganisation(ctx, gp.ID); err != nil {
			t.Fatalf("delete practice that is no longer a fixed GP: %v", err)
		}
	})

	t.Run("committed data survives reopening", func(t *testing.T) {
		db.Close()
		db2, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		if _, err := db2.Register().Organisation(ctx, prov.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCalendarSettingsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	s := db.Settings()
	got, err := s.CalendarSettings(ctx)
	if err != nil || got != calendar.Default() {
		t.Fatalf("without stored settings: %+v, %v; want the §4.1 defaults", got, err)
	}
	nza := calendar.NZa2023()
	if err := s.SetCalendarSettings(ctx, nza); err != nil {
		t.Fatal(err)
	}
	if got, err = s.CalendarSettings(ctx); err != nil || got != nza {
		t.Fatalf("after storing NZa 2023: %+v (%v), want %+v", got, err, nza)
	}
	bad := nza
	bad.OfficeStart, bad.OfficeEnd = calendar.At(18, 0), calendar.At(8, 0)
	mustCode(t, s.SetCalendarSettings(ctx, bad), mgz.ECodeInvalid, "office_hours")
	if got, err = s.CalendarSettings(ctx); err != nil || got != nza {
		t.Fatalf("refused settings changed what was stored: %+v (%v)", got, err)
	}
}

// TestAuditTamperingIsDetectedAndNamed changes and deletes rows behind the store's back and checks
// that verification fails and names the row.
func TestAuditTamperingIsDetectedAndNamed(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	log := db.Store().AuditLog()
	for i := 0; i < 5; i++ {
		if err := log.Append(ctx, &mgz.AuditEntry{UserID: 1, UserEmail: "a@b.nl", Action: mgz.AuditUpdate, ObjectType: "location",
			ObjectID: int64(i + 1), Outcome: mgz.OutcomeAllowed}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := log.Verify(ctx); err != nil || n != 5 {
		t.Fatalf("intact log: %d entries, %v", n, err)
	}
	broken := func(id int64) {
		t.Helper()
		_, err := log.Verify(ctx)
		var b *audit.BrokenError
		if !errors.As(err, &b) || b.ID != id {
			t.Fatalf("verify = %v, want broken at row %d", err, id)
		}
	}
	if _, err := db.sql.Exec("UPDATE audit_log SET outcome = 'denied' WHERE id = 3"); err != nil {
		t.Fatal(err)
	}
	broken(3)
	exec := func(stmt string) {
		t.Helper()
		if _, err := db.sql.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	exec("UPDATE audit_log SET outcome = 'allowed' WHERE id = 3")
	if _, err := log.Verify(ctx); err != nil {
		t.Fatalf("restored row: %v", err)
	}
	exec("DELETE FROM audit_log WHERE id = 5")
	broken(5)
	exec("DELETE FROM audit_log WHERE id = 2")
	broken(2) // the deleted row is named
}

func TestPrerequisiteVersionsDocumentsAndLocationDelete(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	reg, pre := db.Register(), db.Store().Prerequisites()
	p := provider("Zorg Prerequisites", "")
	if err := reg.CreateOrganisation(ctx, p); err != nil {
		t.Fatal(err)
	}
	l := location(p.ID, "Huis met checklist")
	if err := reg.CreateLocation(ctx, l); err != nil {
		t.Fatal(err)
	}
	doc := &mgz.Document{LocationID: l.ID, Key: mgz.PrereqWzdProtocol, Name: "wzd.pdf", ContentType: "application/pdf", Size: 4, SHA256: "x", UploadedAt: time.Now()}
	if err := pre.AddDocument(ctx, doc, []byte("%PDF")); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, st := range []mgz.PrerequisiteStatus{mgz.StatusNotMet, mgz.StatusMet} {
		it := &mgz.PrerequisiteItem{LocationID: l.ID, Key: mgz.PrereqWzdProtocol, Status: st, DocumentID: &doc.ID, ValidUntil: &until,
			ConfirmedByName: "Test", ConfirmedAt: time.Now()}
		if err := pre.Record(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	// A document of another key is refused, and nothing is written.
	wrong := &mgz.PrerequisiteItem{LocationID: l.ID, Key: mgz.PrereqFixedTeam, Status: mgz.StatusMet, DocumentID: &doc.ID, ConfirmedAt: time.Now()}
	mustCode(t, pre.Record(ctx, wrong), mgz.ECodeInvalid, "document_id")
	items, err := pre.Items(ctx, l.ID)
	if err != nil || len(items) != 1 || items[0].Status != mgz.StatusMet || !items[0].ValidUntil.Equal(until) {
		t.Fatalf("current items %+v, %v", items, err)
	}
	hist, err := pre.History(ctx, l.ID, "")
	if err != nil || len(hist) != 2 {
		t.Fatalf("history has %d versions (%v), want 2", len(hist), err)
	}
	if _, content, err := pre.Document(ctx, doc.ID); err != nil || string(content) != "%PDF" {
		t.Fatalf("document: %q %v", content, err)
	}
	// Deleting the location takes its checklist and documents with it.
	if err := reg.DeleteLocation(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pre.Document(ctx, doc.ID); mgz.ErrorCode(err) != mgz.ECodeNotFound {
		t.Fatalf("document after the location was deleted: %v", err)
	}
}
