package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/regio-mgz/mgz"
)

// coverageColumns are the location's columns (as locColumns, on l) and its counts from
// location_stats, which triggers keep in step with the patients and the fixed practice (0017).
var coverageColumns = "l." + strings.ReplaceAll(locColumns, ", ", ", l.") + ", s.wlz, s.fixed_gp, o.name"

// Coverage implements mgz.PatientStore: one page of locations in name order, read with their
// counts and the fixed practice's name in one query through the index on locations (name, id).
func (ps *Patients) Coverage(ctx context.Context, f mgz.CoverageFilter) ([]mgz.LocationCoverage, int, error) {
	var total int
	if err := ps.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM locations").Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("locaties tellen: %w", err)
	}
	p := f.Page.Clamp()
	var w where
	if c := f.After; c != nil {
		w.add("(l.name, l.id) > (%s, %s)", c.Name, c.ID)
		p.Offset = 0
	}
	n := len(w.args)
	query := "SELECT " + coverageColumns + ` FROM locations l JOIN location_stats s ON s.location_id = l.id
		LEFT JOIN organisations o ON o.id = l.fixed_gp_practice_id` + w.String() +
		fmt.Sprintf(" ORDER BY l.name, l.id LIMIT $%d OFFSET $%d", n+1, n+2)
	rows, err := ps.q().QueryContext(ctx, query, append(w.args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("dekking lezen: %w", err)
	}
	out := []mgz.LocationCoverage{}
	for rows.Next() {
		var c mgz.LocationCoverage
		var name sql.NullString
		var l mgz.Location
		l, err = scanLocation(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &c.WlzResidents, &c.WithFixedGP, &name)...)
		}))
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("dekking lezen: %w", err)
		}
		c.Location, c.FixedGPName = l, name.String
		if l.FixedGPPracticeID == nil {
			c.WithFixedGP = 0
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	ls := make([]mgz.Location, len(out))
	for i := range out {
		ls[i] = out[i].Location
	}
	if err := loadDeliveries(ctx, ps.q(), ls); err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Location = ls[i]
	}
	return out, total, nil
}

// scanFunc adapts a function to the Scan method scanLocation reads a row with.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
