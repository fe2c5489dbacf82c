package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/regio-mgz/mgz"
)

const locColumns = "id, provider_id, name, address, postcode, municipality, setting, sector, places, fixed_gp_practice_id, physician_service_id, created_at, updated_at, revision, lifecycle, expected_opening"

func scanLocation(row interface{ Scan(...any) error }) (mgz.Location, error) {
	var l mgz.Location
	var fixed, physician sql.NullInt64
	var created, updated string
	var opening sql.NullString
	err := row.Scan(&l.ID, &l.ProviderID, &l.Name, &l.Address, &l.Postcode, &l.Municipality, &l.Setting, &l.Sector,
		&l.Places, &fixed, &physician, &created, &updated, &l.Revision, &l.Lifecycle, &opening)
	if err != nil {
		return l, err
	}
	if opening.Valid {
		if l.ExpectedOpening, err = mgz.ParseDate(opening.String); err != nil {
			return l, fmt.Errorf("expected_opening %q: %w", opening.String, err)
		}
	}
	if fixed.Valid {
		l.FixedGPPracticeID = &fixed.Int64
	}
	if physician.Valid {
		l.PhysicianServiceID = &physician.Int64
	}
	if l.CreatedAt, err = parseTime(created); err != nil {
		return l, err
	}
	l.UpdatedAt, err = parseTime(updated)
	return l, err
}

// loadDeliveries fills the Deliveries of ls with one query.
func loadDeliveries(ctx context.Context, q querier, ls []mgz.Location) error {
	if len(ls) == 0 {
		return nil
	}
	idx := make(map[int64]int, len(ls))
	ph := make([]string, len(ls))
	args := make([]any, len(ls))
	for i := range ls {
		idx[ls[i].ID] = i
		ls[i].Deliveries = []mgz.Delivery{}
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = ls[i].ID
	}
	rows, err := q.QueryContext(ctx, "SELECT location_id, delivery FROM location_deliveries WHERE location_id IN ("+
		strings.Join(ph, ", ")+") ORDER BY location_id, delivery", args...)
	if err != nil {
		return fmt.Errorf("leveringsvormen lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d mgz.Delivery
		if err := rows.Scan(&id, &d); err != nil {
			return fmt.Errorf("leveringsvormen lezen: %w", err)
		}
		ls[idx[id]].Deliveries = append(ls[idx[id]].Deliveries, d)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Show deliveries in the order of the enumeration, not alphabetically.
	for i := range ls {
		sortDeliveries(ls[i].Deliveries)
	}
	return nil
}

func sortDeliveries(ds []mgz.Delivery) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && deliveryRank(ds[j]) < deliveryRank(ds[j-1]); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// deliveryRank is d's place in the enumeration (mgz.Deliveries); a value the enumeration does
// not know sorts after every known one.
func deliveryRank(d mgz.Delivery) int {
	for i, o := range mgz.Deliveries.Options() {
		if o.Value == d {
			return i
		}
	}
	return len(mgz.Deliveries.Options())
}

// Location implements mgz.RegisterService.
func (r *Register) Location(ctx context.Context, id int64) (mgz.Location, error) {
	return getLocation(ctx, r.q(), id)
}

// locationWithDeliveries reads one location and its deliveries in one query: a row per
// delivery, or one row with a NULL delivery for a location without any. The same SQL on SQLite
// and PostgreSQL; both seek the primary keys of locations and location_deliveries.
const locationWithDeliveries = "SELECT " + locColumns + ", delivery FROM locations" +
	" LEFT JOIN location_deliveries ON location_deliveries.location_id = locations.id WHERE locations.id = $1"

func getLocation(ctx context.Context, q querier, id int64) (mgz.Location, error) {
	l, err := scanLocationWithDeliveries(ctx, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return l, mgz.NotFound("Locatie", id)
	}
	if err != nil {
		return l, fmt.Errorf("locatie %d lezen: %w", id, err)
	}
	return l, nil
}

// scanLocationWithDeliveries runs locationWithDeliveries for id: sql.ErrNoRows when there is no
// such location. The location's columns are read from the first row only; the further rows
// (one per further delivery) are scanned into reused raw buffers and only their delivery kept.
func scanLocationWithDeliveries(ctx context.Context, q querier, id int64) (mgz.Location, error) {
	rows, err := q.QueryContext(ctx, locationWithDeliveries, id)
	if err != nil {
		return mgz.Location{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return mgz.Location{}, err
		}
		return mgz.Location{}, sql.ErrNoRows
	}
	var d sql.NullString
	l, err := scanLocation(deliveryScanner{rows, &d})
	if err != nil {
		return l, err
	}
	l.Deliveries = []mgz.Delivery{}
	if d.Valid {
		l.Deliveries = append(l.Deliveries, mgz.Delivery(d.String))
	}
	var skip []any
	for rows.Next() {
		if skip == nil {
			skip = make([]any, locColumnCount, locColumnCount+1)
			raw := make([]sql.RawBytes, locColumnCount)
			for i := range raw {
				skip[i] = &raw[i]
			}
			skip = append(skip, &d)
		}
		if err := rows.Scan(skip...); err != nil {
			return l, err
		}
		if d.Valid {
			l.Deliveries = append(l.Deliveries, mgz.Delivery(d.String))
		}
	}
	if err := rows.Err(); err != nil {
		return l, err
	}
	sortDeliveries(l.Deliveries)
	return l, nil
}

// locColumnCount is the number of columns in locColumns.
var locColumnCount = strings.Count(locColumns, ",") + 1

// deliveryScanner scans a row of locationWithDeliveries: what scanLocation asks for, and the
// delivery into d.
type deliveryScanner struct {
	rows *sql.Rows
	d    *sql.NullString
}

func (s deliveryScanner) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.d)...) }

// noFirstLine is true for a location that has no first-line contact of its own and whose provider
// has none either: a provider-wide voorwacht serves all its locations.
// Two seeks, one per owner, rather than one condition with OR that no index serves.
const noFirstLine = `NOT EXISTS (SELECT 1 FROM contact_points c WHERE c.location_id = locations.id AND c.role = 'first_line')
	AND NOT EXISTS (SELECT 1 FROM contact_points c WHERE c.organisation_id = locations.provider_id AND c.role = 'first_line')`

// Locations implements mgz.RegisterService.
func (r *Register) Locations(ctx context.Context, f mgz.LocationFilter) ([]mgz.Location, int, error) {
	var w where
	w.ids("id", f.IDs)
	if f.ProviderID != 0 {
		w.add("provider_id = %s", f.ProviderID)
	}
	if f.FixedGPPracticeID != 0 {
		w.add("fixed_gp_practice_id = %s", f.FixedGPPracticeID)
	}
	if f.PhysicianServiceID != 0 {
		w.add("physician_service_id = %s", f.PhysicianServiceID)
	}
	if f.Setting != "" {
		w.add("setting = %s", string(f.Setting))
	}
	if f.Sector != "" {
		w.add("sector = %s", string(f.Sector))
	}
	if f.Municipality != "" {
		w.add("LOWER(municipality) = LOWER(%s)", f.Municipality)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := likePattern(q)
		w.add(`(LOWER(name) LIKE %s ESCAPE '\' OR LOWER(address) LIKE %s ESCAPE '\' OR LOWER(postcode) LIKE %s ESCAPE '\' OR LOWER(municipality) LIKE %s ESCAPE '\')`, p, p, p, p)
	}
	if f.WithoutFixedGP {
		w.add("fixed_gp_practice_id IS NULL")
	}
	if f.WithoutFirstLine {
		w.add(noFirstLine)
	}
	total, err := r.count(ctx, "locations", &w)
	if err != nil {
		return nil, 0, fmt.Errorf("locaties tellen: %w", err)
	}
	tail := w.order(f.Page, "id", "name, id", false) // before w.String: it may add the keyset condition
	rows, err := r.q().QueryContext(ctx, "SELECT "+locColumns+" FROM locations"+w.String()+tail, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("locaties lezen: %w", err)
	}
	out := []mgz.Location{}
	for rows.Next() {
		l, err := scanLocation(rows)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("locaties lezen: %w", err)
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, loadDeliveries(ctx, r.q(), out)
}

// checkLocationRefs checks what only the store can see: the provider is a care provider and the
// fixed GP practice is a GP practice.
func checkLocationRefs(ctx context.Context, q querier, l *mgz.Location) error {
	p, err := getOrganisation(ctx, q, l.ProviderID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return invalidField("provider_id", fmt.Sprintf("Zorgaanbieder %d bestaat niet. Kies een zorgaanbieder uit het register.", l.ProviderID))
	}
	if err != nil {
		return err
	}
	if p.Kind != mgz.KindCareProvider {
		return invalidField("provider_id", p.Name+" is een "+strings.ToLower(p.Kind.Label())+", geen zorgaanbieder. Kies de zorgaanbieder van deze locatie.")
	}
	if l.FixedGPPracticeID != nil {
		gp, err := getOrganisation(ctx, q, *l.FixedGPPracticeID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("fixed_gp_practice_id", fmt.Sprintf("Huisartsenpraktijk %d bestaat niet. Kies een praktijk uit het register of laat het veld leeg.", *l.FixedGPPracticeID))
		}
		if err != nil {
			return err
		}
		if gp.Kind != mgz.KindGPPractice {
			return invalidField("fixed_gp_practice_id", gp.Name+" is geen huisartsenpraktijk. Kies een huisartsenpraktijk als vaste huisarts, of laat het veld leeg.")
		}
	}
	if l.PhysicianServiceID != nil {
		ps, err := getOrganisation(ctx, q, *l.PhysicianServiceID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("physician_service_id", fmt.Sprintf("SO/AVG-dienst %d bestaat niet. Kies een dienst uit het register of laat het veld leeg.", *l.PhysicianServiceID))
		}
		if err != nil {
			return err
		}
		if ps.Kind != mgz.KindPhysicianService {
			return invalidField("physician_service_id", ps.Name+" is geen SO/AVG-dienst. Kies de dienst die de specialist ouderengeneeskunde of arts VG levert, of laat het veld leeg.")
		}
	}
	return nil
}

func writeDeliveries(ctx context.Context, q querier, l *mgz.Location) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM location_deliveries WHERE location_id = $1", l.ID); err != nil {
		return fmt.Errorf("leveringsvormen bijwerken: %w", err)
	}
	for _, d := range l.Deliveries {
		if _, err := q.ExecContext(ctx, "INSERT INTO location_deliveries (location_id, delivery) VALUES ($1, $2)", l.ID, d); err != nil {
			return fmt.Errorf("leveringsvorm opslaan: %w", err)
		}
	}
	return nil
}

// CreateLocation implements mgz.RegisterService.
func (r *Register) CreateLocation(ctx context.Context, l *mgz.Location) error {
	if err := l.Normalise(); err != nil {
		return err
	}
	return r.write(ctx, func(q querier) error {
		if err := checkLocationRefs(ctx, q, l); err != nil {
			return err
		}
		if l.Lifecycle == "" {
			l.Lifecycle = mgz.LifecycleOpen
		}
		now := r.db.now()
		err := q.QueryRowContext(ctx, `INSERT INTO locations (provider_id, name, address, postcode, municipality, setting,
			sector, places, fixed_gp_practice_id, physician_service_id, created_at, updated_at, lifecycle, expected_opening)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			l.ProviderID, l.Name, l.Address, l.Postcode, l.Municipality, l.Setting, l.Sector, l.Places,
			nullID(l.FixedGPPracticeID), nullID(l.PhysicianServiceID), formatTime(now), formatTime(now),
			string(l.Lifecycle), nullDate(l.ExpectedOpening)).Scan(&l.ID)
		if err != nil {
			return fmt.Errorf("locatie opslaan: %w", err)
		}
		l.CreatedAt, l.UpdatedAt, l.Revision = now.Truncate(1e6), now.Truncate(1e6), 1
		return writeDeliveries(ctx, q, l)
	})
}

// UpdateLocation implements mgz.RegisterService.
func (r *Register) UpdateLocation(ctx context.Context, l *mgz.Location) error {
	if err := l.Normalise(); err != nil {
		return err
	}
	return r.write(ctx, func(q querier) error {
		old, err := getLocation(ctx, q, l.ID)
		if err != nil {
			return err
		}
		if mgz.Stale(l.Revision, old.Revision) {
			return mgz.StaleEdit("De locatie", l.Revision, old.Revision, nil)
		}
		if err := checkLocationRefs(ctx, q, l); err != nil {
			return err
		}
		if l.Lifecycle == "" {
			l.Lifecycle = old.Lifecycle
			if l.ExpectedOpening.IsZero() && l.Lifecycle == mgz.LifecyclePlanned {
				l.ExpectedOpening = old.ExpectedOpening
			}
		}
		if !old.Lifecycle.CanMoveTo(l.Lifecycle) {
			return invalidField("lifecycle", fmt.Sprintf("Een locatie in de fase %s kan niet naar %s: de fasen gaan in één richting (gepland → open → sluit → gesloten), één stap tegelijk.",
				strings.ToLower(old.Lifecycle.Label()), strings.ToLower(l.Lifecycle.Label())))
		}
		now := r.db.now()
		_, err = q.ExecContext(ctx, `UPDATE locations SET provider_id = $1, name = $2, address = $3, postcode = $4,
			municipality = $5, setting = $6, sector = $7, places = $8, fixed_gp_practice_id = $9,
			physician_service_id = $10, updated_at = $11, revision = $12, lifecycle = $13, expected_opening = $14 WHERE id = $15`,
			l.ProviderID, l.Name, l.Address, l.Postcode, l.Municipality, l.Setting, l.Sector, l.Places,
			nullID(l.FixedGPPracticeID), nullID(l.PhysicianServiceID), formatTime(now), old.Revision+1,
			string(l.Lifecycle), nullDate(l.ExpectedOpening), l.ID)
		if err != nil {
			return fmt.Errorf("locatie %d bijwerken: %w", l.ID, err)
		}
		l.CreatedAt, l.UpdatedAt, l.Revision = old.CreatedAt, now.Truncate(1e6), old.Revision+1
		return writeDeliveries(ctx, q, l)
	})
}

// DeleteLocation implements mgz.RegisterService.
func (r *Register) DeleteLocation(ctx context.Context, id int64) error {
	return r.write(ctx, func(q querier) error {
		l, err := getLocation(ctx, q, id)
		if err != nil {
			return err
		}
		var residents int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM patients WHERE location_id = $1", id).Scan(&residents); err != nil {
			return fmt.Errorf("bewoners van locatie %d tellen: %w", id, err)
		}
		if residents > 0 {
			return mgz.Errorf(mgz.ECodeConflict, "%s kan niet worden verwijderd: er wonen nog %d cliënt(en) die in mgz staan. Verhuis hen eerst naar hun nieuwe locatie of adres.", l.Name, residents)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM locations WHERE id = $1", id); err != nil {
			return fmt.Errorf("locatie %d verwijderen: %w", id, err)
		}
		return nil
	})
}

// nullDate stores a zero date as NULL.
func nullDate(d mgz.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}
