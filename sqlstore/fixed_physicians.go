package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
)

// FixedPhysicians implements mgz.FixedPhysicianStore.
type FixedPhysicians struct{ scope }

var _ mgz.FixedPhysicianStore = (*FixedPhysicians)(nil)

const fixedPhysicianColumns = `id, organisation_id, location_id, sector, name, phone, service_id, revision, created_at, updated_at`

func scanFixedPhysician(row interface{ Scan(...any) error }) (mgz.FixedPhysician, error) {
	var f mgz.FixedPhysician
	var org, loc, svc sql.NullInt64
	var sector, created, updated string
	if err := row.Scan(&f.ID, &org, &loc, &sector, &f.Name, &f.Phone, &svc, &f.Revision, &created, &updated); err != nil {
		return f, err
	}
	f.Sector = mgz.Sector(sector)
	if org.Valid {
		f.OrganisationID = &org.Int64
	}
	if loc.Valid {
		f.LocationID = &loc.Int64
	}
	if svc.Valid {
		f.ServiceID = &svc.Int64
	}
	var err error
	if f.CreatedAt, err = parseTime(created); err != nil {
		return f, err
	}
	f.UpdatedAt, err = parseTime(updated)
	return f, err
}

func getFixedPhysician(ctx context.Context, q querier, id int64) (mgz.FixedPhysician, error) {
	f, err := scanFixedPhysician(q.QueryRowContext(ctx, "SELECT "+fixedPhysicianColumns+" FROM fixed_physicians WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, mgz.NotFound("Vaste SO/AVG", id)
	}
	if err != nil {
		return f, fmt.Errorf("vaste SO/AVG %d lezen: %w", id, err)
	}
	return f, nil
}

// Get implements mgz.FixedPhysicianStore.
func (fs *FixedPhysicians) Get(ctx context.Context, id int64) (mgz.FixedPhysician, error) {
	return getFixedPhysician(ctx, fs.q(), id)
}

// List implements mgz.FixedPhysicianStore.
func (fs *FixedPhysicians) List(ctx context.Context, filter mgz.FixedPhysicianFilter) ([]mgz.FixedPhysician, error) {
	var conds []string
	var args []any
	if filter.OrganisationID != 0 {
		args = append(args, filter.OrganisationID)
		conds = append(conds, "organisation_id = $"+strconv.Itoa(len(args)))
	}
	if filter.LocationID != 0 {
		args = append(args, filter.LocationID)
		conds = append(conds, "location_id = $"+strconv.Itoa(len(args)))
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	rows, err := fs.q().QueryContext(ctx, "SELECT "+fixedPhysicianColumns+" FROM fixed_physicians WHERE "+where+
		" ORDER BY organisation_id, location_id, CASE sector WHEN 'elderly' THEN 0 ELSE 1 END, id", args...)
	if err != nil {
		return nil, fmt.Errorf("vaste SO/AVG's lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.FixedPhysician{}
	for rows.Next() {
		f, err := scanFixedPhysician(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// checkFixedPhysician checks that f's owner exists (an organisation owner being a GP practice)
// and that its service is an SO/AVG service or a care provider.
func checkFixedPhysician(ctx context.Context, q querier, f *mgz.FixedPhysician) error {
	if f.LocationID != nil {
		if _, err := getLocation(ctx, q, *f.LocationID); mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *f.LocationID))
		} else if err != nil {
			return err
		}
	} else {
		o, err := getOrganisation(ctx, q, *f.OrganisationID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("organisation_id", fmt.Sprintf("Organisatie %d bestaat niet. Kies een huisartsenpraktijk uit het register.", *f.OrganisationID))
		} else if err != nil {
			return err
		}
		if o.Kind != mgz.KindGPPractice {
			return invalidField("organisation_id", fmt.Sprintf("Een vaste SO/AVG hoort bij een locatie of een huisartsenpraktijk, niet bij %s (%s).",
				o.Name, strings.ToLower(o.Kind.Label())))
		}
	}
	if f.ServiceID != nil {
		o, err := getOrganisation(ctx, q, *f.ServiceID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("service_id", fmt.Sprintf("Organisatie %d bestaat niet. Kies een SO/AVG-dienst uit het register.", *f.ServiceID))
		} else if err != nil {
			return err
		}
		if o.Kind != mgz.KindPhysicianService && o.Kind != mgz.KindCareProvider {
			return invalidField("service_id", fmt.Sprintf("De arts werkt voor een SO/AVG-dienst of een zorgaanbieder met eigen artsen, niet voor %s (%s).",
				o.Name, strings.ToLower(o.Kind.Label())))
		}
	}
	return nil
}

// fixedPhysicianConflict is the Dutch answer to a second fixed physician for an owner and sector.
func fixedPhysicianConflict(f *mgz.FixedPhysician) error {
	owner := "deze locatie"
	if f.OrganisationID != nil {
		owner = "deze huisartsenpraktijk"
	}
	msg := fmt.Sprintf("Voor %s is al een vaste %s voor %s vastgelegd. Wijzig die in plaats van een tweede toe te voegen.",
		owner, f.Title(), strings.ToLower(f.Sector.Label()))
	return &mgz.Error{Code: mgz.ECodeConflict, Message: msg, Fields: map[string]string{"sector": msg}}
}

// Create implements mgz.FixedPhysicianStore.
func (fs *FixedPhysicians) Create(ctx context.Context, f *mgz.FixedPhysician) error {
	if err := f.Normalise(); err != nil {
		return err
	}
	return fs.write(ctx, func(q querier) error {
		if err := checkFixedPhysician(ctx, q, f); err != nil {
			return err
		}
		now := fs.db.now()
		err := q.QueryRowContext(ctx, `INSERT INTO fixed_physicians (organisation_id, location_id, sector, name, phone, service_id, revision, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`,
			nullID(f.OrganisationID), nullID(f.LocationID), string(f.Sector), f.Name, f.Phone, nullID(f.ServiceID), formatTime(now)).Scan(&f.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return fixedPhysicianConflict(f)
			}
			return fmt.Errorf("vaste SO/AVG opslaan: %w", err)
		}
		f.CreatedAt, f.UpdatedAt, f.Revision = now.Truncate(1e6), now.Truncate(1e6), 1
		return nil
	})
}

// Update implements mgz.FixedPhysicianStore.
func (fs *FixedPhysicians) Update(ctx context.Context, f *mgz.FixedPhysician) error {
	return fs.write(ctx, func(q querier) error {
		old, err := getFixedPhysician(ctx, q, f.ID)
		if err != nil {
			return err
		}
		f.OrganisationID, f.LocationID = old.OrganisationID, old.LocationID
		if err := f.Normalise(); err != nil {
			return err
		}
		if mgz.Stale(f.Revision, old.Revision) {
			return mgz.StaleEdit("De vaste SO/AVG", f.Revision, old.Revision, nil)
		}
		if err := checkFixedPhysician(ctx, q, f); err != nil {
			return err
		}
		now := fs.db.now()
		if _, err := q.ExecContext(ctx, `UPDATE fixed_physicians SET sector = $1, name = $2, phone = $3, service_id = $4, revision = $5,
			updated_at = $6 WHERE id = $7`,
			string(f.Sector), f.Name, f.Phone, nullID(f.ServiceID), old.Revision+1, formatTime(now), f.ID); err != nil {
			if isUniqueViolation(err) {
				return fixedPhysicianConflict(f)
			}
			return fmt.Errorf("vaste SO/AVG %d bijwerken: %w", f.ID, err)
		}
		f.CreatedAt, f.UpdatedAt, f.Revision = old.CreatedAt, now.Truncate(1e6), old.Revision+1
		return nil
	})
}

// Delete implements mgz.FixedPhysicianStore.
func (fs *FixedPhysicians) Delete(ctx context.Context, id int64) error {
	return fs.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, "DELETE FROM fixed_physicians WHERE id = $1", id)
		if err != nil {
			return fmt.Errorf("vaste SO/AVG %d verwijderen: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return mgz.NotFound("Vaste SO/AVG", id)
		}
		return nil
	})
}
