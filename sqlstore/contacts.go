package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"

	"github.com/regio-mgz/mgz"
)

const cpColumns = "id, organisation_id, location_id, role, name, phone, hours, created_at, updated_at, revision, arrangement"

func scanContactPoint(row interface{ Scan(...any) error }) (mgz.ContactPoint, error) {
	var c mgz.ContactPoint
	var org, loc sql.NullInt64
	var created, updated string
	err := row.Scan(&c.ID, &org, &loc, &c.Role, &c.Name, &c.Phone, &c.Hours, &created, &updated, &c.Revision, &c.Arrangement)
	if err != nil {
		return c, err
	}
	if org.Valid {
		c.OrganisationID = &org.Int64
	}
	if loc.Valid {
		c.LocationID = &loc.Int64
	}
	if c.CreatedAt, err = parseTime(created); err != nil {
		return c, err
	}
	c.UpdatedAt, err = parseTime(updated)
	return c, err
}

// ContactPoint implements mgz.RegisterService.
func (r *Register) ContactPoint(ctx context.Context, id int64) (mgz.ContactPoint, error) {
	return getContactPoint(ctx, r.q(), id)
}

func getContactPoint(ctx context.Context, q querier, id int64) (mgz.ContactPoint, error) {
	c, err := scanContactPoint(q.QueryRowContext(ctx, "SELECT "+cpColumns+" FROM contact_points WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, mgz.NotFound("Contactpunt", id)
	}
	if err != nil {
		return c, fmt.Errorf("contactpunt %d lezen: %w", id, err)
	}
	return c, nil
}

// ContactPoints implements mgz.RegisterService.
func (r *Register) ContactPoints(ctx context.Context, f mgz.ContactPointFilter) ([]mgz.ContactPoint, int, error) {
	var w where
	if f.OrganisationID != 0 {
		w.add("organisation_id = %s", f.OrganisationID)
	}
	if f.LocationID != 0 {
		w.add("location_id = %s", f.LocationID)
	}
	if f.Role != "" {
		w.add("role = %s", string(f.Role))
	}
	total, err := r.count(ctx, "contact_points", &w)
	if err != nil {
		return nil, 0, fmt.Errorf("contactpunten tellen: %w", err)
	}
	rows, err := r.q().QueryContext(ctx, "SELECT "+cpColumns+" FROM contact_points"+w.String()+" ORDER BY role, name, id"+w.page(f.Page), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("contactpunten lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.ContactPoint{}
	for rows.Next() {
		c, err := scanContactPoint(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("contactpunten lezen: %w", err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

func checkContactRefs(ctx context.Context, q querier, c *mgz.ContactPoint) error {
	if c.OrganisationID != nil {
		if _, err := getOrganisation(ctx, q, *c.OrganisationID); mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("organisation_id", fmt.Sprintf("Organisatie %d bestaat niet. Kies een organisatie uit het register.", *c.OrganisationID))
		} else if err != nil {
			return err
		}
	}
	if c.LocationID != nil {
		if _, err := getLocation(ctx, q, *c.LocationID); mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *c.LocationID))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CreateContactPoint implements mgz.RegisterService.
func (r *Register) CreateContactPoint(ctx context.Context, c *mgz.ContactPoint) error {
	if err := c.Normalise(); err != nil {
		return err
	}
	return r.write(ctx, func(q querier) error {
		if err := checkContactRefs(ctx, q, c); err != nil {
			return err
		}
		now := r.db.now()
		err := q.QueryRowContext(ctx, `INSERT INTO contact_points (organisation_id, location_id, role, name, phone, hours,
			created_at, updated_at, arrangement) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			nullID(c.OrganisationID), nullID(c.LocationID), c.Role, c.Name, c.Phone, c.Hours,
			formatTime(now), formatTime(now), c.Arrangement).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("contactpunt opslaan: %w", err)
		}
		c.CreatedAt, c.UpdatedAt, c.Revision = now.Truncate(1e6), now.Truncate(1e6), 1
		return nil
	})
}

// UpdateContactPoint implements mgz.RegisterService.
func (r *Register) UpdateContactPoint(ctx context.Context, c *mgz.ContactPoint) error {
	if err := c.Normalise(); err != nil {
		return err
	}
	return r.write(ctx, func(q querier) error {
		old, err := getContactPoint(ctx, q, c.ID)
		if err != nil {
			return err
		}
		if mgz.Stale(c.Revision, old.Revision) {
			return mgz.StaleEdit("Het contactpunt", c.Revision, old.Revision, nil)
		}
		if err := checkContactRefs(ctx, q, c); err != nil {
			return err
		}
		now := r.db.now()
		_, err = q.ExecContext(ctx, `UPDATE contact_points SET organisation_id = $1, location_id = $2, role = $3, name = $4,
			phone = $5, hours = $6, updated_at = $7, revision = $8, arrangement = $9 WHERE id = $10`,
			nullID(c.OrganisationID), nullID(c.LocationID), c.Role, c.Name, c.Phone, c.Hours, formatTime(now), old.Revision+1,
			c.Arrangement, c.ID)
		if err != nil {
			return fmt.Errorf("contactpunt %d bijwerken: %w", c.ID, err)
		}
		c.CreatedAt, c.UpdatedAt, c.Revision = old.CreatedAt, now.Truncate(1e6), old.Revision+1
		return nil
	})
}

// DeleteContactPoint implements mgz.RegisterService.
func (r *Register) DeleteContactPoint(ctx context.Context, id int64) error {
	return r.write(ctx, func(q querier) error {
		if _, err := getContactPoint(ctx, q, id); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, "DELETE FROM contact_points WHERE id = $1", id)
		if err != nil {
			return fmt.Errorf("contactpunt %d verwijderen: %w", id, err)
		}
		return nil
	})
}

// Overview implements mgz.RegisterService. Its counts read every location and contact point, so
// they are kept with the regional overview's results until the change generation moves (every
// table they count bumps it: 0019).
func (r *Register) Overview(ctx context.Context) (mgz.Overview, error) {
	v, err := r.memoized(ctx, "register", func() (any, error) { return r.overview(ctx) })
	if err != nil {
		return mgz.Overview{}, err
	}
	ov := v.(mgz.Overview)
	// The map is the caller's: the kept one is shared.
	ov.Organisations = maps.Clone(ov.Organisations)
	return ov, nil
}

func (r *Register) overview(ctx context.Context) (mgz.Overview, error) {
	ov := mgz.Overview{Organisations: map[mgz.OrgKind]int{}}
	for _, o := range mgz.OrgKinds.Options() {
		ov.Organisations[o.Value] = 0
	}
	rows, err := r.q().QueryContext(ctx, "SELECT kind, COUNT(*) FROM organisations GROUP BY kind")
	if err != nil {
		return ov, fmt.Errorf("overzicht: %w", err)
	}
	for rows.Next() {
		var k mgz.OrgKind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return ov, fmt.Errorf("overzicht: %w", err)
		}
		ov.Organisations[k] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ov, err
	}
	err = r.q().QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM locations),
		(SELECT COALESCE(SUM(places), 0) FROM locations),
		(SELECT COUNT(*) FROM contact_points),
		(SELECT COUNT(*) FROM locations WHERE fixed_gp_practice_id IS NULL),
		(SELECT COUNT(*) FROM locations WHERE `+noFirstLine+`)`).
		Scan(&ov.Locations, &ov.Places, &ov.ContactPoints, &ov.WithoutFixedGP, &ov.WithoutFirstLine)
	if err != nil {
		return ov, fmt.Errorf("overzicht: %w", err)
	}
	return ov, nil
}
