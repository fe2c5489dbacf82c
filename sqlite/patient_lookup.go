package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// EachPatientIdentity calls fn with what identifies every stored patient without a BSN match
// (name, birth date, location or home postcode, and whether a BSN is known), in one pass over
// the table: an import of patients (service.PatientImport) keeps a hash of each, instead of
// reading every patient whole.
func (ps *Patients) EachPatientIdentity(ctx context.Context, fn func(id int64, name, birthDate string, locationID *int64, homePostcode string, hasBSN bool) error) error {
	rows, err := ps.q().QueryContext(ctx, "SELECT id, name, birth_date, location_id, home_postcode, bsn IS NOT NULL FROM patients")
	if err != nil {
		return fmt.Errorf("patiënten lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, birth, postcode string
		var loc sql.NullInt64
		var hasBSN bool
		if err := rows.Scan(&id, &name, &birth, &loc, &postcode, &hasBSN); err != nil {
			return err
		}
		if err := fn(id, name, birth, idPtr(loc), postcode, hasBSN); err != nil {
			return err
		}
	}
	return rows.Err()
}
