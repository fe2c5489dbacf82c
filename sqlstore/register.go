package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
)

// scope is a view of the database, inside a transaction or not.
type scope struct {
	db *DB
	tx *sql.Tx // set inside a transaction: every call then joins it
}

// q runs SQL in the scope through the statement cache (stmtcache.go).
func (s scope) q() querier { return cachedQuerier{db: s.db, tx: s.tx} }

// write runs fn in the surrounding transaction, or in a new one: a change and the checks it needs
// are never half written. fn's statements go through the statement cache, prepared on the
// transaction's connection.
func (s scope) write(ctx context.Context, fn func(querier) error) error {
	if s.tx != nil {
		return fn(cachedQuerier{db: s.db, tx: s.tx})
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return fn(cachedQuerier{db: s.db, tx: tx}) })
}

// Register implements mgz.RegisterService on the database.
type Register struct{ scope }

var _ mgz.RegisterService = (*Register)(nil)

// Register returns the register service of db.
func (db *DB) Register() *Register { return &Register{scope{db: db}} }

// Atomic implements mgz.RegisterService.
func (r *Register) Atomic(ctx context.Context, fn func(mgz.RegisterService) error) error {
	if r.tx != nil {
		return fn(r)
	}
	return r.db.inTx(ctx, func(tx *sql.Tx) error { return fn(&Register{scope{db: r.db, tx: tx}}) })
}

// invalidField returns a validation error for one field that depends on other records.
func invalidField(field, msg string) error {
	return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Eén gegeven klopt niet. Verbeter het gemarkeerde veld en probeer het opnieuw.",
		Fields: map[string]string{field: msg}}
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// likePattern makes a case-insensitive substring pattern for LIKE … ESCAPE '\', as a query
// argument that refuses a term longer than mgz.MaxSearchLen (invalid input naming q, never a
// "LIKE pattern too complex" from the database). The web layer bounds every query parameter
// already; this keeps every list of the store safe for other callers too.
func likePattern(s string) likeTerm {
	term := strings.ToLower(strings.TrimSpace(s))
	return likeTerm{term: term, pattern: "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(term) + "%"}
}

// likeTerm is a LIKE pattern argument made by likePattern.
type likeTerm struct{ term, pattern string }

// Value implements driver.Valuer.
func (l likeTerm) Value() (driver.Value, error) {
	if err := mgz.CheckSearch("q", l.term); err != nil {
		return nil, err
	}
	return l.pattern, nil
}

// where builds a WHERE clause with numbered placeholders ($1, $2, …), which both SQLite and
// PostgreSQL understand.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	// Each %s in cond becomes the next numbered placeholder.
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "%s", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page appends LIMIT and OFFSET placeholders for p.
func (w *where) page(p mgz.Page) string {
	p = p.Clamp()
	n := len(w.args)
	w.args = append(w.args, p.Limit, p.Offset)
	return fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2)
}

// order returns the ORDER BY, LIMIT and OFFSET of a list: natural order with offset paging, or,
// with p.Keyset, id order (descending when desc) continuing past p.After. Call it after counting:
// the keyset condition is added to w and must not reduce the total.
func (w *where) order(p mgz.Page, idCol, natural string, desc bool) string {
	if !p.Keyset {
		return " ORDER BY " + natural + w.page(p)
	}
	dir, cmp := "", ">"
	if desc {
		dir, cmp = " DESC", "<"
	}
	if p.After != 0 {
		w.add(idCol+" "+cmp+" %s", p.After)
	}
	p.Offset = 0
	return " ORDER BY " + idCol + dir + w.page(p)
}

// ids adds "col IN (…)" for a non-empty list of ids.
func (w *where) ids(col string, ids []int64) {
	if len(ids) == 0 {
		return
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "%s", id
	}
	w.add(col+" IN ("+strings.Join(marks, ", ")+")", args...)
}

func (r *Register) count(ctx context.Context, from string, w *where) (int, error) {
	var n int
	err := r.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+w.String(), w.args...).Scan(&n)
	return n, err
}

// ---- organisations ----

const orgColumns = "id, kind, name, agb, kvk, address, postcode, city, phone, care_office_region, created_at, updated_at, revision"

func scanOrganisation(row interface{ Scan(...any) error }) (mgz.Organisation, error) {
	var o mgz.Organisation
	var agb sql.NullString
	var created, updated string
	err := row.Scan(&o.ID, &o.Kind, &o.Name, &agb, &o.KvK, &o.Address, &o.Postcode, &o.City, &o.Phone,
		&o.CareOfficeRegion, &created, &updated, &o.Revision)
	if err != nil {
		return o, err
	}
	o.AGB = agb.String
	if o.CreatedAt, err = parseTime(created); err != nil {
		return o, err
	}
	o.UpdatedAt, err = parseTime(updated)
	return o, err
}

// Organisation implements mgz.RegisterService.
func (r *Register) Organisation(ctx context.Context, id int64) (mgz.Organisation, error) {
	return getOrganisation(ctx, r.q(), id)
}

func getOrganisation(ctx context.Context, q querier, id int64) (mgz.Organisation, error) {
	o, err := scanOrganisation(q.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, mgz.NotFound("Organisatie", id)
	}
	if err != nil {
		return o, fmt.Errorf("organisatie %d lezen: %w", id, err)
	}
	return o, nil
}

// Organisations implements mgz.RegisterService.
func (r *Register) Organisations(ctx context.Context, f mgz.OrganisationFilter) ([]mgz.Organisation, int, error) {
	var w where
	w.ids("id", f.IDs)
	if f.AGB != "" {
		w.add("agb = %s", f.AGB)
	}
	if f.KvK != "" {
		w.add("kvk = %s", f.KvK)
	}
	if f.Kind != "" {
		w.add("kind = %s", string(f.Kind))
	}
	if f.Region != "" {
		w.add("care_office_region = %s", f.Region)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := likePattern(q)
		w.add(`(LOWER(name) LIKE %s ESCAPE '\' OR agb LIKE %s ESCAPE '\' OR LOWER(city) LIKE %s ESCAPE '\')`, p, p, p)
	}
	total, err := r.count(ctx, "organisations", &w)
	if err != nil {
		return nil, 0, fmt.Errorf("organisaties tellen: %w", err)
	}
	tail := w.order(f.Page, "id", "name, id", false) // before w.String: it may add the keyset condition
	query := "SELECT " + orgColumns + " FROM organisations" + w.String() + tail
	rows, err := r.q().QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("organisaties lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.Organisation{}
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("organisaties lezen: %w", err)
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// checkAGBFree refuses an AGB code that another organisation already has.
func checkAGBFree(ctx context.Context, q querier, agb string, self int64) error {
	if agb == "" {
		return nil
	}
	var id int64
	var name string
	err := q.QueryRowContext(ctx, "SELECT id, name FROM organisations WHERE agb = $1 AND id <> $2", agb, self).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return &mgz.Error{Code: mgz.ECodeConflict,
		Message: fmt.Sprintf("AGB-code %s hoort al bij %s (nummer %d). Controleer de code; één AGB-code hoort bij één organisatie.", agb, name, id),
		Fields:  map[string]string{"agb": "Deze AGB-code hoort al bij " + name + "."}}
}

// CreateOrganisation implements mgz.RegisterService.
func (r *Register) CreateOrganisation(ctx context.Context, o *mgz.Organisation) error {
	if err := o.Normalise(); err != nil {
		return err
	}
	return r.write(ctx, func(q querier) error {
		if err := checkAGBFree(ctx, q, o.AGB, 0); err != nil {
			return err
		}
		now := r.db.now()
		err := q.QueryRowContext(ctx, `INSERT INTO organisations (kind, name, agb, kvk, address, postcode, city, phone,
			care_office_region, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			o.Kind, o.Name, nullString(o.AGB), o.KvK, o.Address, o.Postcode, o.City, o.Phone, o.CareOfficeRegion,
			formatTime(now), formatTime(now)).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("organisatie opslaan: %w", err)
		}
		o.CreatedAt, o.UpdatedAt, o.Revision = now.Truncate(1e6), now.Truncate(1e6), 1
		return nil
	})
}

// UpdateOrganisation implements mgz.RegisterService. The kind of an organisation with locations
// cannot change away from care provider, nor a practice that is a location's fixed GP.
func (r *Register) UpdateOrganisation(ctx context.Context, o *mgz.Organisation) error {
	if err := o.Normalise(); err != nil {
		return err
	}
	return r.write(ctx, func(q querier) error {
		old, err := getOrganisation(ctx, q, o.ID)
		if err != nil {
			return err
		}
		if mgz.Stale(o.Revision, old.Revision) {
			return mgz.StaleEdit("De organisatie", o.Revision, old.Revision, nil)
		}
		if old.Kind != o.Kind {
			if err := r.refuseIfReferenced(ctx, q, old, "De soort van "+old.Name+" kan niet veranderen"); err != nil {
				return err
			}
		}
		if err := checkAGBFree(ctx, q, o.AGB, o.ID); err != nil {
			return err
		}
		now := r.db.now()
		_, err = q.ExecContext(ctx, `UPDATE organisations SET kind = $1, name = $2, agb = $3, kvk = $4, address = $5,
			postcode = $6, city = $7, phone = $8, care_office_region = $9, updated_at = $10, revision = $11 WHERE id = $12`,
			o.Kind, o.Name, nullString(o.AGB), o.KvK, o.Address, o.Postcode, o.City, o.Phone, o.CareOfficeRegion,
			formatTime(now), old.Revision+1, o.ID)
		if err != nil {
			return fmt.Errorf("organisatie %d bijwerken: %w", o.ID, err)
		}
		o.CreatedAt, o.UpdatedAt, o.Revision = old.CreatedAt, now.Truncate(1e6), old.Revision+1
		return nil
	})
}

// refuseIfReferenced returns a conflict when locations refer to the organisation, as provider or as
// fixed GP practice.
func (r *Register) refuseIfReferenced(ctx context.Context, q querier, o mgz.Organisation, what string) error {
	var asProvider, asFixedGP, asPhysician int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM locations WHERE provider_id = $1),
		(SELECT COUNT(*) FROM locations WHERE fixed_gp_practice_id = $1),
		(SELECT COUNT(*) FROM locations WHERE physician_service_id = $1)`, o.ID).Scan(&asProvider, &asFixedGP, &asPhysician)
	if err != nil {
		return fmt.Errorf("verwijzingen naar organisatie %d tellen: %w", o.ID, err)
	}
	switch {
	case asProvider > 0:
		return mgz.Errorf(mgz.ECodeConflict, "%s: er horen nog %d locatie(s) bij. Verwijder die locaties eerst of breng ze onder bij een andere zorgaanbieder.", what, asProvider)
	case asFixedGP > 0:
		return mgz.Errorf(mgz.ECodeConflict, "%s: de praktijk is vaste huisarts van %d locatie(s). Kies eerst bij die locaties een andere vaste huisarts.", what, asFixedGP)
	case asPhysician > 0:
		return mgz.Errorf(mgz.ECodeConflict, "%s: de dienst levert de SO/AVG voor %d locatie(s). Kies eerst bij die locaties een andere SO/AVG-dienst.", what, asPhysician)
	}
	return nil
}

// DeleteOrganisation implements mgz.RegisterService.
func (r *Register) DeleteOrganisation(ctx context.Context, id int64) error {
	return r.write(ctx, func(q querier) error {
		o, err := getOrganisation(ctx, q, id)
		if err != nil {
			return err
		}
		if err := r.refuseIfReferenced(ctx, q, o, o.Name+" kan niet worden verwijderd"); err != nil {
			return err
		}
		var users int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE organisation_id = $1", id).Scan(&users); err != nil {
			return fmt.Errorf("gebruikers van organisatie %d tellen: %w", id, err)
		}
		var agreements int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM agreements WHERE provider_id = $1 OR practice_id = $1 OR gp_post_id = $1
			OR id IN (SELECT agreement_id FROM agreement_former_parties WHERE organisation_id = $1)`, id).Scan(&agreements); err != nil {
			return fmt.Errorf("overeenkomsten van organisatie %d tellen: %w", id, err)
		}
		if agreements > 0 {
			return mgz.Errorf(mgz.ECodeConflict, "%s kan niet worden verwijderd: de organisatie is partij bij %d overeenkomst(en), die bewaard blijven.", o.Name, agreements)
		}
		var patients int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM patients WHERE gp_practice_id = $1 OR lead_physician_org_id = $1", id).Scan(&patients); err != nil {
			return fmt.Errorf("patiënten van organisatie %d tellen: %w", id, err)
		}
		if patients > 0 {
			return mgz.Errorf(mgz.ECodeConflict, "%s kan niet worden verwijderd: %d patiënt(en) staan ingeschreven of hebben hier hun regiebehandelaar. Regel eerst een andere praktijk of regiebehandelaar.", o.Name, patients)
		}
		if users > 0 {
			return mgz.Errorf(mgz.ECodeConflict, "%s kan niet worden verwijderd: er zijn %d gebruikersaccount(s) van deze organisatie. Accounts blijven bewaard voor het auditlog; blokkeer ze als de organisatie stopt.", o.Name, users)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM organisations WHERE id = $1", id); err != nil {
			return fmt.Errorf("organisatie %d verwijderen: %w", id, err)
		}
		return nil
	})
}
