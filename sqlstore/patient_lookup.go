package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
)

// EachPatientIdentity calls fn with what identifies every stored patient (name, birth date,
// location or home postcode, BSN), in one pass over the table: an import of patients
// (service.PatientImport) keeps a few numbers of each, instead of reading every patient whole.
func (ps *Patients) EachPatientIdentity(ctx context.Context, fn func(id int64, name, birthDate string, locationID *int64, homePostcode, bsn string) error) error {
	rows, err := ps.q().QueryContext(ctx, "SELECT id, name, birth_date, location_id, home_postcode, bsn FROM patients")
	if err != nil {
		return fmt.Errorf("patiënten lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, birth, postcode string
		var loc sql.NullInt64
		var bsn sql.NullString
		if err := rows.Scan(&id, &name, &birth, &loc, &postcode, &bsn); err != nil {
			return err
		}
		if err := fn(id, name, birth, idPtr(loc), postcode, bsn.String); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ImportStores returns a patient store and an audit log for a bulk import inside the transaction
// s (service.PatientImport): the same tables and rules, with their statements prepared once for
// the whole import instead of parsed again for every row, which at 340,000 rows is most of the
// time. The patient store's CreatePatient and UpdatePatient leave the check of the location and
// organisations to the caller (the import checks them against the register it read; the foreign
// keys still hold); its audit log is the ordinary one.
func (s *Store) ImportStores(ctx context.Context) (mgz.PatientStore, mgz.AuditLog, error) {
	if s.tx == nil {
		return nil, nil, errors.New("sqlite: ImportStores needs a transaction")
	}
	prepare := func(query string) (*sql.Stmt, error) {
		st, err := s.tx.PrepareContext(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("import voorbereiden: %w", err)
		}
		return st, nil
	}
	ip := &importPatients{basePatients: &Patients{s.scope}, store: s}
	// PostgreSQL has no last insert id: the insert returns the new id instead.
	insertReturning := ""
	var err error
	if s.db.dialect == dialectPostgres {
		insertReturning = " RETURNING id"
	} else if ip.bulk, err = s.beginBulkImport(ctx); err != nil {
		// Before the statements are prepared: dropping a trigger changes the schema.
		return nil, nil, err
	}
	for _, st := range []struct {
		to    **sql.Stmt
		query string
	}{
		{&ip.byBSN, "SELECT " + patientColumns + " FROM patients p WHERE p.bsn = $1"},
		{&ip.byID, "SELECT " + patientColumns + " FROM patients p WHERE p.id = $1"},
		{&ip.insert, `INSERT INTO patients (name, birth_date, bsn, location_id, home_postcode, sector, wlz, wlz_source, wlz_checked_on,
			delivery, gp_practice_id, lead_physician, lead_physician_org_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)` + insertReturning},
		{&ip.update, `UPDATE patients SET name = $1, birth_date = $2, bsn = $3, location_id = $4, home_postcode = $5, sector = $6, wlz = $7,
			wlz_source = $8, wlz_checked_on = $9, delivery = $10, gp_practice_id = $11, lead_physician = $12, lead_physician_org_id = $13, updated_at = $14,
			revision = revision + 1 WHERE id = $15 AND revision = $16`},
	} {
		if *st.to, err = prepare(st.query); err != nil {
			return nil, nil, err
		}
	}
	// The audit log is the ordinary one: inside the transaction AppendAll seals a batch with one
	// prepared insert, reading and moving the chain's head once (appendChain).
	return ip, &AuditLog{s.scope}, nil
}

// basePatients names Patients for embedding: a field named Patients would hide its method Patients.
type basePatients = Patients

// importPatients is the patient store of ImportStores. Its statements belong to the
// transaction and close with it.
type importPatients struct {
	*basePatients
	store                       *Store
	byBSN, byID, insert, update *sql.Stmt
	bulk                        *bulkImport // SQLite: the per-row work set aside until FinishImport
}

// FinishImport does what the store set aside for the patients the import created (on SQLite
// their relation rows, name index entries and location counts; see import_bulk.go) and restores
// the triggers. Call it once, after the last write and before the transaction commits; the store
// refuses writes after it. Without it the commit would leave the new patients out of every list.
func (ip *importPatients) FinishImport(ctx context.Context) error {
	if ip.bulk == nil {
		return nil
	}
	return ip.store.finishBulkImport(ctx, ip.bulk)
}

// checkBulk refuses a write the bulk import cannot account for: any write after FinishImport, and
// a change of a patient this import created (the update triggers would change relation rows and
// name index entries that FinishImport has not written yet). The import finds a patient only once
// per file, so neither happens; this keeps it so.
func (ip *importPatients) checkBulk(id int64) error {
	switch {
	case ip.bulk == nil:
		return nil
	case ip.bulk.finished:
		return errors.New("sqlite: patient import: write after FinishImport")
	case id != 0 && id >= ip.bulk.firstNew:
		return fmt.Errorf("sqlite: patient import: patient %d created by this import changed again", id)
	}
	return nil
}

// PatientByBSN implements mgz.PatientStore.
func (ip *importPatients) PatientByBSN(ctx context.Context, bsn string) (mgz.Patient, error) {
	p, err := scanPatient(ip.byBSN.QueryRowContext(ctx, bsn))
	if errors.Is(err, sql.ErrNoRows) {
		return p, mgz.Errorf(mgz.ECodeNotFound, "Geen patiënt met dit BSN.")
	}
	return p, err
}

// Patient implements mgz.PatientStore.
func (ip *importPatients) Patient(ctx context.Context, id int64) (mgz.Patient, error) {
	p, err := scanPatient(ip.byID.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, mgz.NotFound("Patiënt", id)
	}
	return p, err
}

// CreatePatient implements mgz.PatientStore, without checking the references (see ImportStores).
func (ip *importPatients) CreatePatient(ctx context.Context, p *mgz.Patient) error {
	if err := ip.checkBulk(0); err != nil {
		return err
	}
	now := ip.db.now().UTC().Truncate(time.Millisecond)
	args := append(patientArgs(p), formatTime(now), formatTime(now))
	if ip.db.dialect == dialectPostgres {
		if err := ip.insert.QueryRowContext(ctx, args...).Scan(&p.ID); err != nil {
			return bsnConflict(err)
		}
	} else {
		res, err := ip.insert.ExecContext(ctx, args...)
		if err != nil {
			return bsnConflict(err)
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if ip.bulk != nil {
			ip.bulk.created++
		}
	}
	p.CreatedAt, p.UpdatedAt, p.Revision = now, now, 1
	return nil
}

// UpdatePatient implements mgz.PatientStore, without checking the references (see
// ImportStores). p.Revision must be the stored revision the change was made on.
func (ip *importPatients) UpdatePatient(ctx context.Context, p *mgz.Patient) error {
	if err := ip.checkBulk(p.ID); err != nil {
		return err
	}
	now := ip.db.now().UTC().Truncate(time.Millisecond)
	args := append(patientArgs(p), formatTime(now), p.ID, p.Revision)
	res, err := ip.update.ExecContext(ctx, args...)
	if err != nil {
		return bsnConflict(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return mgz.StaleEdit("De cliënt", p.Revision, p.Revision+1, nil)
	}
	p.UpdatedAt, p.Revision = now, p.Revision+1
	return nil
}

// PrepareBulkImport readies db for one large import by this process (mgz import): the pool keeps a
// single connection, and on it SQLite keeps its temporary data in memory and caches up to
// bulkImportCache of pages. A transaction that writes a row to a table with triggers and indexes
// journals every statement for a rollback of that statement alone; on disk that was 24 KB of file
// writes per imported patient. The default cache (2 MiB) held too few of the indexes' pages for
// 340,000 inserts at random places: a third of the import's time went to reading pages back from
// the file and writing them out again. Call it before the import's transaction begins, and
// nothing that needs a second connection meanwhile.
//
// PostgreSQL needs none of this: the import is one transaction on one connection of the server
// anyway, and its temporary data is the server's business.
func (db *DB) PrepareBulkImport(ctx context.Context) error {
	if db.dialect == dialectPostgres {
		return nil
	}
	db.sql.SetMaxOpenConns(1)
	for _, pragma := range []string{"PRAGMA temp_store = MEMORY", fmt.Sprintf("PRAGMA cache_size = -%d", bulkImportCache>>10)} {
		if _, err := db.sql.ExecContext(ctx, pragma); err != nil {
			return fmt.Errorf("import voorbereiden: %w", err)
		}
	}
	return nil
}

// bulkImportCache is the page cache of an import's connection: with it a national import of
// patients stays well under 200 MB of memory (the sorts that rebuild indexes grow with it too).
const bulkImportCache = 8 << 20

// PreparePatientImport is PrepareBulkImport for an import of patients (ImportStores), which on
// SQLite also checks the patients' foreign keys once, before it commits, instead of at every row:
// the connection's foreign key enforcement is turned off, and FinishImport runs
// PRAGMA foreign_key_check on patients, failing the import (and so rolling it back) on any
// reference to a location or organisation that does not exist. The import checks every
// reference against the register it read in its own transaction anyway; the check at the end
// keeps the database's guarantee. Use it only for a process that does nothing but the import.
func (db *DB) PreparePatientImport(ctx context.Context) error {
	if err := db.PrepareBulkImport(ctx); err != nil || db.dialect == dialectPostgres {
		return err
	}
	if _, err := db.sql.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("import voorbereiden: %w", err)
	}
	db.patientKeysAtEnd = true
	return nil
}
