package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// A bulk import on SQLite (ImportStores) sets aside the triggers that do per-row work for every
// new patient, and does that work once per import, set-based, in FinishImport. At 340,000 new
// clients the per-row triggers were most of the import's time: each insert recounted its
// location's residents five ways and wrote the client's relation rows and FTS entry one by one.
//
// The triggers are dropped and re-created inside the import's own transaction. SQLite's DDL is
// transactional and the transaction holds the write lock from its BEGIN (_txlock=immediate), so
// no other connection or process ever sees the schema without them: readers keep their snapshot
// until the commit, which restores the triggers in the same step as it adds the clients. A crash
// or a rollback (a bad row, a dry run, an interrupt) leaves the schema and the data as they were.
//
// Only the insert triggers are set aside. A client the import changes (one stored before it
// began) still goes through the update triggers, row by row, as any change does.
var bulkInsertTriggers = []string{
	"location_stats_patient_insert",          // 0014: the location's resident counts
	"location_stats_fixed_gp_patient_insert", // 0017: its residents registered with its fixed practice
	"patient_parties_insert",                 // 0016: the client's relation rows and FTS entry
}

// bulkRebuiltIndexes are the indexes of patients an import into a small table drops and builds
// again at its end (a sort of the whole table is cheaper than 340,000 inserts at random places in
// each). They are the ones no trigger and no read of the import needs: the update triggers read
// patients_location_wlz, and the import reads patients by id and BSN (the BSN's unique index
// cannot be dropped).
var bulkRebuiltIndexes = []string{"patients_name", "patients_birth_date", "patients_practice", "patients_lead", "patients_location"}

// bulkPartyIndexes are the secondary indexes of patient_parties that FinishImport drops and builds
// again when it adds more relation rows than the table had, and bulkPartyTriggers the trigger it
// sets aside meanwhile (the count per organisation, recounted once instead).
var (
	bulkPartyIndexes  = []string{"patient_parties_list", "patient_parties_patient"}
	bulkPartyTriggers = []string{"patient_party_counts_insert"}
)

// bulkRebuild tells whether an import drops and rebuilds a table's indexes rather than adding
// to them row by row, given the rows the table has and the rows the import adds (-1: not known
// yet). Rebuilding costs a sort of the whole table. For patients, whose rows are not known when
// the import begins, that is at most 50,000 stored rows plus the import's own, a second or two
// however few rows it adds; for patient_parties, it pays when the import more than doubles it.
// Tests replace it to take both ways.
var bulkRebuild = func(stored, adding int) bool {
	if adding < 0 {
		return stored < 50_000
	}
	return stored < adding
}

// bulkImport is what ImportStores set aside on SQLite and FinishImport restores.
type bulkImport struct {
	restore  []string // the CREATE statements of what was dropped, as stored, in order
	firstNew int64    // every client this import creates has an id of at least this
	created  int      // how many it created
	finished bool
}

// dropSchema drops the named triggers or indexes in s's transaction and returns their CREATE
// statements, as stored in the schema.
func (s *Store) dropSchema(ctx context.Context, kind string, names []string) ([]string, error) {
	var defs []string
	for _, name := range names {
		var def string
		err := s.tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = $1 AND name = $2", kind, name).Scan(&def)
		if errors.Is(err, sql.ErrNoRows) && kind == "index" {
			continue // an index a later migration may drop
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s lezen: %w", kind, name, err)
		}
		if _, err := s.tx.ExecContext(ctx, "DROP "+strings.ToUpper(kind)+" "+name); err != nil {
			return nil, err
		}
		defs = append(defs, def)
	}
	return defs, nil
}

// beginBulkImport drops the per-row insert triggers of patients in s's transaction, and in a
// small table the indexes of bulkRebuiltIndexes, and keeps their definitions for
// finishBulkImport.
func (s *Store) beginBulkImport(ctx context.Context) (*bulkImport, error) {
	b := &bulkImport{}
	var stored int
	// A new row's id is one more than the largest at the time (INTEGER PRIMARY KEY without
	// AUTOINCREMENT), and nothing else writes patients while the transaction holds the lock.
	if err := s.tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1, COUNT(*) FROM patients").Scan(&b.firstNew, &stored); err != nil {
		return nil, fmt.Errorf("import voorbereiden: %w", err)
	}
	defs, err := s.dropSchema(ctx, "trigger", bulkInsertTriggers)
	if err != nil {
		return nil, fmt.Errorf("import voorbereiden: %w", err)
	}
	b.restore = defs
	if bulkRebuild(stored, -1) {
		if defs, err = s.dropSchema(ctx, "index", bulkRebuiltIndexes); err != nil {
			return nil, fmt.Errorf("import voorbereiden: %w", err)
		}
		b.restore = append(b.restore, defs...)
	}
	return b, nil
}

// The statements below do, for every client with an id of at least $1, what the insert triggers
// would have done row by row. The expressions are those of the triggers (0014, 0016, 0017);
// TestBulkImportMatchesTheTriggers compares the two.
//
// bulkPartyStatements write the clients' relation rows: one statement per relation, each adding
// its bit to a row another one made, so no statement sorts the 340,000 clients.
var bulkPartyStatements = []string{
	`INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
		SELECT gp_practice_id, id, 1, name FROM patients WHERE id >= $1 AND gp_practice_id IS NOT NULL
		ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations`,
	`INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
		SELECT lead_physician_org_id, id, 2, name FROM patients WHERE id >= $1 AND lead_physician_org_id IS NOT NULL
		ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations`,
	`INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
		SELECT l.provider_id, p.id, 4, p.name FROM patients p JOIN locations l ON l.id = p.location_id WHERE p.id >= $1 AND l.provider_id IS NOT NULL
		ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations`,
	`INSERT INTO patient_parties (organisation_id, patient_id, relations, sort_name)
		SELECT l.physician_service_id, p.id, 8, p.name FROM patients p JOIN locations l ON l.id = p.location_id WHERE p.id >= $1 AND l.physician_service_id IS NOT NULL
		ON CONFLICT (organisation_id, patient_id) DO UPDATE SET relations = patient_parties.relations | excluded.relations`,
}

// bulkPartyCounts recounts the clients of every organisation related to a new client, as
// patient_party_counts_insert would have counted them one by one.
const bulkPartyCounts = `INSERT INTO patient_party_counts (organisation_id, clients)
	SELECT organisation_id, COUNT(*) FROM patient_parties
	WHERE organisation_id IN (SELECT organisation_id FROM patient_parties WHERE patient_id >= $1)
	GROUP BY organisation_id
	ON CONFLICT (organisation_id) DO UPDATE SET clients = excluded.clients`

// bulkNames adds the new clients to the FTS name index; bulkLocationStats recounts every location
// that received one.
const (
	bulkNames         = `INSERT INTO patient_names (rowid, name) SELECT id, name FROM patients WHERE id >= $1`
	bulkLocationStats = `UPDATE location_stats SET
		wlz = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none'),
		registered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NOT NULL),
		unregistered = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.gp_practice_id IS NULL AND p.delivery <> 'stay_with_treatment'),
		pgb = (SELECT COUNT(*) FROM patients p WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.delivery = 'pgb'),
		fixed_gp = (SELECT COUNT(*) FROM patients p JOIN locations l ON l.id = p.location_id
			WHERE p.location_id = location_stats.location_id AND p.wlz <> 'none' AND p.gp_practice_id = l.fixed_gp_practice_id)
		WHERE location_id IN (SELECT location_id FROM patients WHERE id >= $1 AND location_id IS NOT NULL)`
)

// finishBulkImport does the set-aside work for the clients the import created and restores what
// beginBulkImport dropped, in s's transaction. It runs once; the import's patient store refuses
// writes after it.
func (s *Store) finishBulkImport(ctx context.Context, b *bulkImport) error {
	if b.finished {
		return nil
	}
	b.finished = true
	restore := func(defs []string) error {
		for _, def := range defs {
			if _, err := s.tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("import afronden: %w", err)
			}
		}
		return nil
	}
	// The indexes first: the statements below and the restored triggers read them.
	if err := restore(b.restore); err != nil {
		return err
	}
	if s.db.patientKeysAtEnd {
		if err := s.checkPatientKeys(ctx); err != nil {
			return err
		}
	}
	if b.created == 0 {
		return nil
	}
	var parties int
	if err := s.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM patient_parties").Scan(&parties); err != nil {
		return fmt.Errorf("import afronden: %w", err)
	}
	var rebuild []string
	if bulkRebuild(parties, b.created) {
		var err error
		if rebuild, err = s.dropSchema(ctx, "index", bulkPartyIndexes); err != nil {
			return fmt.Errorf("import afronden: %w", err)
		}
	}
	counts, err := s.dropSchema(ctx, "trigger", bulkPartyTriggers)
	if err != nil {
		return fmt.Errorf("import afronden: %w", err)
	}
	exec := func(what, q string) error {
		if _, err := s.tx.ExecContext(ctx, q, b.firstNew); err != nil {
			return fmt.Errorf("import afronden: %s: %w", what, err)
		}
		return nil
	}
	for _, q := range bulkPartyStatements {
		if err := exec("relaties", q); err != nil {
			return err
		}
	}
	if err := restore(rebuild); err != nil { // bulkPartyCounts reads patient_parties_patient
		return err
	}
	if err := exec("aantallen per organisatie", bulkPartyCounts); err != nil {
		return err
	}
	if err := restore(counts); err != nil {
		return err
	}
	if err := exec("namenindex", bulkNames); err != nil {
		return err
	}
	return exec("aantallen per locatie", bulkLocationStats)
}

// checkPatientKeys checks the foreign keys of every patient, for an import that wrote them without
// (PreparePatientImport).
func (s *Store) checkPatientKeys(ctx context.Context) error {
	var table, parent string
	var id int64
	var fk int
	err := s.tx.QueryRowContext(ctx, "PRAGMA foreign_key_check(patients)").Scan(&table, &id, &parent, &fk)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("import afronden: verwijzingen controleren: %w", err)
	}
	what := map[string]string{"locations": "een locatie", "organisations": "een organisatie"}[parent]
	if what == "" {
		what = parent
	}
	return fmt.Errorf("import afronden: cliënt %d verwijst naar %s die niet bestaat; er is niets geïmporteerd", id, what)
}
