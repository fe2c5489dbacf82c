package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// Rosters implements mgz.RosterStore.
type Rosters struct{ scope }

var _ mgz.RosterStore = (*Rosters)(nil)

// Rosters implements mgz.Tx.
func (s *Store) Rosters() mgz.RosterStore { return &Rosters{s.scope} }

// FixedPhysicians implements mgz.Tx.
func (s *Store) FixedPhysicians() mgz.FixedPhysicianStore { return &FixedPhysicians{s.scope} }

const rosterColumns = `id, organisation_id, location_id, role, name, phone, revision, created_at, updated_at`

const shiftColumns = `id, roster_id, uid, person, function, phone, start_local, end_local, time_zone, rrule, exdates, holidays, source`

// wallFormat is how a shift's wall-clock times are stored: without an offset, read in the
// shift's own zone, so a recurring 23:00 stays 23:00 across daylight saving time.
const wallFormat = "2006-01-02T15:04:05"

func scanRoster(row interface{ Scan(...any) error }) (mgz.Roster, error) {
	var r mgz.Roster
	var org, loc sql.NullInt64
	var role, created, updated string
	if err := row.Scan(&r.ID, &org, &loc, &role, &r.Name, &r.Phone, &r.Revision, &created, &updated); err != nil {
		return r, err
	}
	r.Role = mgz.RosterRole(role)
	if org.Valid {
		r.OrganisationID = &org.Int64
	}
	if loc.Valid {
		r.LocationID = &loc.Int64
	}
	var err error
	if r.CreatedAt, err = parseTime(created); err != nil {
		return r, err
	}
	r.UpdatedAt, err = parseTime(updated)
	return r, err
}

func scanShift(row interface{ Scan(...any) error }) (mgz.Shift, error) {
	var s mgz.Shift
	var start, end, exdates, holidays, source string
	if err := row.Scan(&s.ID, &s.RosterID, &s.UID, &s.Person, &s.Function, &s.Phone, &start, &end, &s.TimeZone,
		&s.RRule, &exdates, &holidays, &source); err != nil {
		return s, err
	}
	s.Holidays, s.Source = mgz.HolidayRule(holidays), mgz.ShiftSource(source)
	loc, err := loadZone(s.TimeZone)
	if err != nil {
		return s, fmt.Errorf("dienst %d: tijdzone %q: %w", s.ID, s.TimeZone, err)
	}
	if s.Start, err = time.ParseInLocation(wallFormat, start, loc); err != nil {
		return s, fmt.Errorf("dienst %d: begin: %w", s.ID, err)
	}
	if s.End, err = time.ParseInLocation(wallFormat, end, loc); err != nil {
		return s, fmt.Errorf("dienst %d: einde: %w", s.ID, err)
	}
	var ex []string
	if err := json.Unmarshal([]byte(exdates), &ex); err != nil {
		return s, fmt.Errorf("dienst %d: uitzonderingen: %w", s.ID, err)
	}
	for _, e := range ex {
		t, err := time.ParseInLocation(wallFormat, e, loc)
		if err != nil {
			return s, fmt.Errorf("dienst %d: uitzondering %q: %w", s.ID, e, err)
		}
		s.ExDates = append(s.ExDates, t)
	}
	return s, nil
}

// shiftArgs are the stored forms of a normalised shift's times.
func shiftArgs(s *mgz.Shift) (start, end, exdates string) {
	ex := make([]string, len(s.ExDates))
	for i, t := range s.ExDates {
		ex[i] = t.Format(wallFormat)
	}
	b, _ := json.Marshal(ex)
	return s.Start.Format(wallFormat), s.End.Format(wallFormat), string(b)
}

func getRoster(ctx context.Context, q querier, id int64) (mgz.Roster, error) {
	r, err := scanRoster(q.QueryRowContext(ctx, "SELECT "+rosterColumns+" FROM rosters WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, mgz.NotFound("Rooster", id)
	}
	if err != nil {
		return r, fmt.Errorf("rooster %d lezen: %w", id, err)
	}
	return r, nil
}

func rosterShifts(ctx context.Context, q querier, where string, args ...any) ([]mgz.Shift, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+shiftColumns+" FROM roster_shifts WHERE "+where+" ORDER BY roster_id, start_local, id", args...)
	if err != nil {
		return nil, fmt.Errorf("diensten lezen: %w", err)
	}
	defer rows.Close()
	var out []mgz.Shift
	for rows.Next() {
		s, err := scanShift(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Roster implements mgz.RosterStore.
func (rs *Rosters) Roster(ctx context.Context, id int64) (mgz.Roster, error) {
	r, err := getRoster(ctx, rs.q(), id)
	if err != nil {
		return r, err
	}
	r.Shifts, err = rosterShifts(ctx, rs.q(), "roster_id = $1", id)
	return r, err
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}

func rosterWhere(f mgz.RosterFilter) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.OrganisationID != 0 {
		conds = append(conds, "organisation_id = "+arg(f.OrganisationID))
	}
	if f.LocationID != 0 {
		conds = append(conds, "location_id = "+arg(f.LocationID))
	}
	if f.Role != "" {
		conds = append(conds, "role = "+arg(string(f.Role)))
	}
	var owners []string
	if len(f.OrganisationIDs) > 0 {
		owners = append(owners, "organisation_id IN ("+idList(f.OrganisationIDs)+")")
	}
	if len(f.LocationIDs) > 0 {
		owners = append(owners, "location_id IN ("+idList(f.LocationIDs)+")")
	}
	if len(owners) > 0 {
		conds = append(conds, "("+strings.Join(owners, " OR ")+")")
	}
	if len(conds) == 0 {
		return "1 = 1", args
	}
	return strings.Join(conds, " AND "), args
}

// Rosters implements mgz.RosterStore.
func (rs *Rosters) Rosters(ctx context.Context, f mgz.RosterFilter) ([]mgz.Roster, int, error) {
	where, args := rosterWhere(f)
	var total int
	if err := rs.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM rosters WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("roosters tellen: %w", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > mgz.MaxLimit {
		limit = mgz.MaxLimit
	}
	rows, err := rs.q().QueryContext(ctx, "SELECT "+rosterColumns+" FROM rosters WHERE "+where+
		fmt.Sprintf(" ORDER BY id LIMIT %d OFFSET %d", limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("roosters lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.Roster{}
	for rows.Next() {
		r, err := scanRoster(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// WithShifts implements mgz.RosterStore.
func (rs *Rosters) WithShifts(ctx context.Context, f mgz.RosterFilter) ([]mgz.Roster, error) {
	where, args := rosterWhere(f)
	rows, err := rs.q().QueryContext(ctx, "SELECT "+rosterColumns+" FROM rosters WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("roosters lezen: %w", err)
	}
	var out []mgz.Roster
	index := map[int64]int{}
	for rows.Next() {
		r, err := scanRoster(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[r.ID] = len(out)
		out = append(out, r)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	shiftWhere := "roster_id IN (SELECT id FROM rosters WHERE " + where + ")"
	shifts, err := rosterShifts(ctx, rs.q(), shiftWhere, args...)
	if err != nil {
		return nil, err
	}
	for _, s := range shifts {
		if i, ok := index[s.RosterID]; ok {
			out[i].Shifts = append(out[i].Shifts, s)
		}
	}
	return out, nil
}

func checkRosterOwner(ctx context.Context, q querier, r *mgz.Roster) error {
	if r.LocationID != nil {
		if _, err := getLocation(ctx, q, *r.LocationID); mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return invalidField("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *r.LocationID))
		} else if err != nil {
			return err
		}
		return nil
	}
	o, err := getOrganisation(ctx, q, *r.OrganisationID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return invalidField("organisation_id", fmt.Sprintf("Organisatie %d bestaat niet. Kies een organisatie uit het register.", *r.OrganisationID))
	} else if err != nil {
		return err
	}
	if !slices.Contains(r.Role.OwnerKinds(), o.Kind) {
		var kinds []string
		for _, k := range r.Role.OwnerKinds() {
			kinds = append(kinds, strings.ToLower(k.Label()))
		}
		return invalidField("organisation_id", fmt.Sprintf("Een rooster voor %q hoort bij een %s, niet bij %s (%s).",
			r.Role.Label(), strings.Join(kinds, " of "), o.Name, strings.ToLower(o.Kind.Label())))
	}
	return nil
}

// CreateRoster implements mgz.RosterStore.
func (rs *Rosters) CreateRoster(ctx context.Context, r *mgz.Roster) error {
	if err := r.Normalise(); err != nil {
		return err
	}
	return rs.write(ctx, func(q querier) error {
		if err := checkRosterOwner(ctx, q, r); err != nil {
			return err
		}
		now := rs.db.now()
		if err := q.QueryRowContext(ctx, `INSERT INTO rosters (organisation_id, location_id, role, name, phone, revision, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`,
			nullID(r.OrganisationID), nullID(r.LocationID), r.Role, r.Name, r.Phone, formatTime(now)).Scan(&r.ID); err != nil {
			return fmt.Errorf("rooster opslaan: %w", err)
		}
		r.CreatedAt, r.UpdatedAt, r.Revision = now.Truncate(1e6), now.Truncate(1e6), 1
		for i := range r.Shifts {
			r.Shifts[i].RosterID = r.ID
			if err := insertShift(ctx, q, &r.Shifts[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateRoster implements mgz.RosterStore.
func (rs *Rosters) UpdateRoster(ctx context.Context, r *mgz.Roster) error {
	if err := r.Normalise(); err != nil {
		return err
	}
	return rs.write(ctx, func(q querier) error {
		old, err := getRoster(ctx, q, r.ID)
		if err != nil {
			return err
		}
		if mgz.Stale(r.Revision, old.Revision) {
			return mgz.StaleEdit("Het rooster", r.Revision, old.Revision, nil)
		}
		now := rs.db.now()
		if _, err := q.ExecContext(ctx, `UPDATE rosters SET name = $1, phone = $2, revision = $3, updated_at = $4 WHERE id = $5`,
			r.Name, r.Phone, old.Revision+1, formatTime(now), r.ID); err != nil {
			return fmt.Errorf("rooster %d bijwerken: %w", r.ID, err)
		}
		r.OrganisationID, r.LocationID, r.Role = old.OrganisationID, old.LocationID, old.Role
		r.CreatedAt, r.UpdatedAt, r.Revision = old.CreatedAt, now.Truncate(1e6), old.Revision+1
		return nil
	})
}

// DeleteRoster implements mgz.RosterStore.
func (rs *Rosters) DeleteRoster(ctx context.Context, id int64) error {
	return rs.write(ctx, func(q querier) error {
		if _, err := getRoster(ctx, q, id); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM roster_shifts WHERE roster_id = $1", id); err != nil {
			return fmt.Errorf("diensten van rooster %d verwijderen: %w", id, err)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM rosters WHERE id = $1", id); err != nil {
			return fmt.Errorf("rooster %d verwijderen: %w", id, err)
		}
		return nil
	})
}

func insertShift(ctx context.Context, q querier, s *mgz.Shift) error {
	if err := s.Normalise(); err != nil {
		return err
	}
	if s.UID == "" {
		return invalidField("uid", "Een dienst heeft een kenmerk (UID) nodig.")
	}
	start, end, ex := shiftArgs(s)
	err := q.QueryRowContext(ctx, `INSERT INTO roster_shifts (roster_id, uid, person, function, phone, start_local, end_local,
		time_zone, rrule, exdates, holidays, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		s.RosterID, s.UID, s.Person, s.Function, s.Phone, start, end, s.TimeZone, s.RRule, ex, s.Holidays, s.Source).Scan(&s.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return mgz.Errorf(mgz.ECodeConflict, "Dit rooster heeft al een dienst met kenmerk %q. Kies een ander kenmerk.", s.UID)
		}
		return fmt.Errorf("dienst opslaan: %w", err)
	}
	return nil
}

func (rs *Rosters) bump(ctx context.Context, q querier, rosterID int64) error {
	_, err := q.ExecContext(ctx, "UPDATE rosters SET revision = revision + 1, updated_at = $1 WHERE id = $2",
		formatTime(rs.db.now()), rosterID)
	if err != nil {
		return fmt.Errorf("rooster %d bijwerken: %w", rosterID, err)
	}
	return nil
}

// AddShift implements mgz.RosterStore.
func (rs *Rosters) AddShift(ctx context.Context, s *mgz.Shift) error {
	return rs.write(ctx, func(q querier) error {
		if _, err := getRoster(ctx, q, s.RosterID); err != nil {
			return err
		}
		if err := insertShift(ctx, q, s); err != nil {
			return err
		}
		return rs.bump(ctx, q, s.RosterID)
	})
}

// DeleteShift implements mgz.RosterStore.
func (rs *Rosters) DeleteShift(ctx context.Context, rosterID, shiftID int64) error {
	return rs.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, "DELETE FROM roster_shifts WHERE id = $1 AND roster_id = $2", shiftID, rosterID)
		if err != nil {
			return fmt.Errorf("dienst %d verwijderen: %w", shiftID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return mgz.NotFound("Dienst", shiftID)
		}
		return rs.bump(ctx, q, rosterID)
	})
}

// sameShift reports whether two shifts would behave the same (their ids aside).
func sameShift(a, b mgz.Shift) bool {
	as, ae, ax := shiftArgs(&a)
	bs, be, bx := shiftArgs(&b)
	return a.Person == b.Person && a.Function == b.Function && a.Phone == b.Phone && as == bs && ae == be &&
		a.TimeZone == b.TimeZone && a.RRule == b.RRule && ax == bx && a.Holidays == b.Holidays
}

// ReplaceShifts implements mgz.RosterStore.
func (rs *Rosters) ReplaceShifts(ctx context.Context, rosterID int64, source mgz.ShiftSource, shifts []mgz.Shift) (mgz.ImportResult, error) {
	var res mgz.ImportResult
	err := rs.write(ctx, func(q querier) error {
		res = mgz.ImportResult{}
		if _, err := getRoster(ctx, q, rosterID); err != nil {
			return err
		}
		old, err := rosterShifts(ctx, q, "roster_id = $1 AND source = $2", rosterID, string(source))
		if err != nil {
			return err
		}
		byUID := make(map[string]mgz.Shift, len(old))
		for _, s := range old {
			byUID[s.UID] = s
		}
		seen := make(map[string]bool, len(shifts))
		for i := range shifts {
			s := &shifts[i]
			s.RosterID, s.Source = rosterID, source
			if err := s.Normalise(); err != nil {
				return err
			}
			if s.UID == "" {
				return invalidField("uid", "Een geïmporteerde dienst heeft een kenmerk (UID) nodig.")
			}
			if seen[s.UID] {
				return mgz.Errorf(mgz.ECodeInvalid, "Het kenmerk %q komt twee keer voor in de import. Elke dienst heeft een eigen kenmerk.", s.UID)
			}
			seen[s.UID] = true
			prev, ok := byUID[s.UID]
			switch {
			case !ok:
				if err := insertShift(ctx, q, s); err != nil {
					return err
				}
				res.Added++
			case sameShift(prev, *s):
				s.ID = prev.ID
				res.Unchanged++
			default:
				start, end, ex := shiftArgs(s)
				if _, err := q.ExecContext(ctx, `UPDATE roster_shifts SET person = $1, function = $2, phone = $3, start_local = $4,
					end_local = $5, time_zone = $6, rrule = $7, exdates = $8, holidays = $9 WHERE id = $10`,
					s.Person, s.Function, s.Phone, start, end, s.TimeZone, s.RRule, ex, s.Holidays, prev.ID); err != nil {
					return fmt.Errorf("dienst %d bijwerken: %w", prev.ID, err)
				}
				s.ID = prev.ID
				res.Changed++
			}
		}
		for _, s := range old {
			if seen[s.UID] {
				continue
			}
			if _, err := q.ExecContext(ctx, "DELETE FROM roster_shifts WHERE id = $1", s.ID); err != nil {
				return fmt.Errorf("dienst %d verwijderen: %w", s.ID, err)
			}
			res.Removed++
		}
		if res.Added+res.Changed+res.Removed > 0 {
			return rs.bump(ctx, q, rosterID)
		}
		return nil
	})
	return res, err
}

// isUniqueViolation reports whether err is a unique constraint failing (SQLite's wording, and
// PostgreSQL's SQLSTATE 23505 text for the backend to come).
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "23505")
}
