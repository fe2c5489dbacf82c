package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
)

// Patients implements mgz.PatientStore.
type Patients struct{ scope }

var _ mgz.PatientStore = (*Patients)(nil)

// Patients implements mgz.Tx.
func (s *Store) Patients() mgz.PatientStore { return &Patients{s.scope} }

const patientColumns = "p.id, p.name, p.birth_date, p.bsn, p.location_id, p.home_postcode, p.sector, p.wlz, p.wlz_source, p.wlz_checked_on, p.delivery, p.gp_practice_id, p.lead_physician, p.lead_physician_org_id, p.created_at, p.updated_at, p.revision"

func idPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func scanPatient(row interface{ Scan(...any) error }) (mgz.Patient, error) {
	var p mgz.Patient
	var birth, sector, wlz, src, delivery, lead, created, updated string
	var bsn, checked sql.NullString
	var loc, gp, leadOrg sql.NullInt64
	if err := row.Scan(&p.ID, &p.Name, &birth, &bsn, &loc, &p.HomePostcode, &sector, &wlz, &src, &checked, &delivery, &gp, &lead, &leadOrg, &created, &updated, &p.Revision); err != nil {
		return p, err
	}
	var err error
	if p.BirthDate, err = mgz.ParseDate(birth); err != nil {
		return p, err
	}
	if checked.Valid {
		if p.WlzCheckedOn, err = mgz.ParseDate(checked.String); err != nil {
			return p, err
		}
	}
	p.BSN, p.LocationID, p.GPPracticeID, p.LeadPhysicianOrgID = bsn.String, idPtr(loc), idPtr(gp), idPtr(leadOrg)
	p.Sector, p.Wlz, p.WlzSource, p.Delivery, p.LeadPhysician = mgz.Sector(sector), mgz.WlzIndication(wlz), mgz.WlzSource(src), mgz.Delivery(delivery), mgz.LeadPhysician(lead)
	if p.CreatedAt, err = parseTime(created); err != nil {
		return p, err
	}
	p.UpdatedAt, err = parseTime(updated)
	return p, err
}

func patientArgs(p *mgz.Patient) []any {
	var bsn, checked any
	if p.BSN != "" {
		bsn = p.BSN
	}
	if !p.WlzCheckedOn.IsZero() {
		checked = p.WlzCheckedOn.String()
	}
	return []any{p.Name, p.BirthDate.String(), bsn, nullID(p.LocationID), p.HomePostcode, string(p.Sector), string(p.Wlz), string(p.WlzSource),
		checked, string(p.Delivery), nullID(p.GPPracticeID), string(p.LeadPhysician), nullID(p.LeadPhysicianOrgID)}
}

type orgRef struct {
	id    *int64
	kinds []mgz.OrgKind
	what  string
}

// leadKinds are the organisations a lead physician can work for: a GP at a practice, an SO or AVG
// at an SO/AVG service. Naming a lead physician makes the organisation a party to the client, so
// only physicians' organisations qualify (issue 9): never a care provider or any other kind.
func leadKinds(p *mgz.Patient) orgRef {
	if p.LeadPhysician == mgz.LeadGP {
		return orgRef{p.LeadPhysicianOrgID, []mgz.OrgKind{mgz.KindGPPractice}, "een huisartsenpraktijk (de regiebehandelaar is een huisarts)"}
	}
	return orgRef{p.LeadPhysicianOrgID, []mgz.OrgKind{mgz.KindPhysicianService}, "een SO/AVG-dienst (de regiebehandelaar is een SO of AVG)"}
}

// checkPatientRefs checks the references with Dutch messages, before the foreign keys would.
func checkPatientRefs(ctx context.Context, q querier, p *mgz.Patient) error {
	fe := map[string]string{}
	if p.LocationID != nil {
		l, err := getLocation(ctx, q, *p.LocationID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			fe["location_id"] = fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *p.LocationID)
		} else if err != nil {
			return err
		} else if err := p.FitsLocation(l); err != nil {
			return err
		}
	}
	for field, ref := range map[string]orgRef{
		"gp_practice_id":        {p.GPPracticeID, []mgz.OrgKind{mgz.KindGPPractice}, "een huisartsenpraktijk"},
		"lead_physician_org_id": leadKinds(p),
	} {
		if ref.id == nil {
			continue
		}
		o, err := getOrganisation(ctx, q, *ref.id)
		switch {
		case mgz.ErrorCode(err) == mgz.ECodeNotFound:
			fe[field] = fmt.Sprintf("Organisatie %d bestaat niet. Kies %s uit het register.", *ref.id, ref.what)
		case err != nil:
			return err
		default:
			ok := false
			for _, k := range ref.kinds {
				ok = ok || o.Kind == k
			}
			if !ok {
				fe[field] = fmt.Sprintf("%s is %s; kies %s.", o.Name, strings.ToLower(o.Kind.Label()), ref.what)
			}
		}
	}
	if len(fe) > 0 {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "De patiënt verwijst naar iets dat niet klopt.", Fields: fe}
	}
	return nil
}

func bsnConflict(err error) error {
	// SQLite names the column ("UNIQUE constraint failed: patients.bsn"), PostgreSQL the
	// constraint (patients_bsn_key).
	if err != nil && isUniqueViolation(err) && (strings.Contains(err.Error(), "bsn") || strings.Contains(pgConstraintName(err), "bsn")) {
		return &mgz.Error{Code: mgz.ECodeConflict, Message: "Er staat al een patiënt met dit BSN in mgz.",
			Fields: map[string]string{"bsn": "Dit BSN hoort al bij een andere patiënt. Zoek die patiënt op in plaats van een nieuwe aan te maken."}}
	}
	return err
}

// CreatePatient implements mgz.PatientStore.
func (ps *Patients) CreatePatient(ctx context.Context, p *mgz.Patient) error {
	return ps.write(ctx, func(q querier) error {
		if err := checkPatientRefs(ctx, q, p); err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		args := append(patientArgs(p), formatTime(now), formatTime(now))
		err := q.QueryRowContext(ctx, `INSERT INTO patients (name, birth_date, bsn, location_id, home_postcode, sector, wlz, wlz_source, wlz_checked_on,
			delivery, gp_practice_id, lead_physician, lead_physician_org_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`, args...).Scan(&p.ID)
		if err != nil {
			return bsnConflict(err)
		}
		p.CreatedAt, p.UpdatedAt, p.Revision = now, now, 1
		return nil
	})
}

// UpdatePatient implements mgz.PatientStore.
func (ps *Patients) UpdatePatient(ctx context.Context, p *mgz.Patient) error {
	return ps.write(ctx, func(q querier) error {
		old, err := getPatient(ctx, q, p.ID)
		if err != nil {
			return err
		}
		if err := checkPatientRefs(ctx, q, p); err != nil {
			return err
		}
		// p.Revision is the revision the change was made on; zero means the stored one (a
		// caller that read the row in this transaction). The WHERE clause is the last guard
		// against a lost update.
		rev := p.Revision
		if rev == 0 {
			rev = old.Revision
		}
		if rev != old.Revision {
			return mgz.StaleEdit("De cliënt", rev, old.Revision, nil)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		args := append(patientArgs(p), formatTime(now), p.ID, rev)
		res, err := q.ExecContext(ctx, `UPDATE patients SET name = $1, birth_date = $2, bsn = $3, location_id = $4, home_postcode = $5, sector = $6, wlz = $7,
			wlz_source = $8, wlz_checked_on = $9, delivery = $10, gp_practice_id = $11, lead_physician = $12, lead_physician_org_id = $13, updated_at = $14,
			revision = revision + 1 WHERE id = $15 AND revision = $16`, args...)
		if err != nil {
			return bsnConflict(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return mgz.StaleEdit("De cliënt", rev, old.Revision+1, nil)
		}
		p.CreatedAt, p.UpdatedAt, p.Revision = old.CreatedAt, now, rev+1
		return nil
	})
}

func getPatient(ctx context.Context, q querier, id int64) (mgz.Patient, error) {
	p, err := scanPatient(q.QueryRowContext(ctx, "SELECT "+patientColumns+" FROM patients p WHERE p.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, mgz.NotFound("Patiënt", id)
	}
	return p, err
}

// Patient implements mgz.PatientStore.
func (ps *Patients) Patient(ctx context.Context, id int64) (mgz.Patient, error) {
	return getPatient(ctx, ps.q(), id)
}

// PatientByBSN implements mgz.PatientStore.
func (ps *Patients) PatientByBSN(ctx context.Context, bsn string) (mgz.Patient, error) {
	p, err := scanPatient(ps.q().QueryRowContext(ctx, "SELECT "+patientColumns+" FROM patients p WHERE p.bsn = $1", bsn))
	if errors.Is(err, sql.ErrNoRows) {
		return p, mgz.Errorf(mgz.ECodeNotFound, "Geen patiënt met dit BSN.")
	}
	return p, err
}

// Patients implements mgz.PatientStore.
//
// With f.VisibleTo the list is read from patient_parties (migration 0016): the caller's rows are
// one range of an index ordered by (sort_name, patient_id), so a page is a range scan that stops
// after Limit rows, a cursor (f.Cursor) starts the range after the last row of the previous page,
// and an offset is skipped inside that index before any client row is read. Without VisibleTo
// (the command line) patients_name plays the same part. The total is always exact: for the
// caller's whole range it is read from patient_party_counts (kept by triggers); with filters it
// counts the filtered range once in the index (no sort, no second pass over the clients); for a
// name search through the trigram index it is a window count over the same hits as the page.
// Names of three or more characters are searched through the trigram index patient_names (the
// term's hits are gathered once and checked against the caller's range; asking the index per
// client of a small range was measured 10-100 times slower); shorter terms with LIKE on the sort
// key within the range, so they read no more than the caller may see. On PostgreSQL the trigram
// index is a GIN index on mgz_fold(name) (pg_trgm, unaccent), asked in the same way.
func (ps *Patients) Patients(ctx context.Context, f mgz.PatientFilter) ([]mgz.Patient, int, error) {
	var afterName string
	var afterID int64
	cursor := f.Cursor != "" && !f.Keyset
	if cursor {
		var err error
		if afterID, err = mgz.ParsePatientCursor(f.Cursor); err != nil {
			return nil, 0, err
		}
		// The cursor holds only the id: the name of the position is found among the rows the
		// caller may see (someone else's client is no position in this list).
		if f.VisibleTo != 0 {
			err = ps.q().QueryRowContext(ctx, "SELECT sort_name FROM patient_parties WHERE organisation_id = $1 AND patient_id = $2", f.VisibleTo, afterID).Scan(&afterName)
		} else {
			err = ps.q().QueryRowContext(ctx, "SELECT name FROM patients WHERE id = $1", afterID).Scan(&afterName)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return nil, 0, mgz.ErrPatientCursor
		}
		if err != nil {
			return nil, 0, err
		}
	}
	w := &where{}
	// from is the range the list walks, with its id and sort key columns; joinPatients says
	// whether a filter needs the client's own row (joined only then).
	from, idCol, sortCol, joinPatients := "patients p", "p.id", "p.name", false
	if f.VisibleTo != 0 {
		from, idCol, sortCol = "patient_parties r", "r.patient_id", "r.sort_name"
		w.add("r.organisation_id = %s", f.VisibleTo)
	}
	// selective is set by filters on the client's own row that keep a few clients at most (one
	// BSN, the residents of one location, one birth date): those few are read first and then
	// checked against the caller's range, instead of walking the range and checking every row.
	selective, trigrams := false, false
	onPatient := func(few bool, cond string, args ...any) {
		w.add(cond, args...)
		joinPatients, selective = true, selective || few
	}
	w.ids(idCol, f.IDs)
	if f.BSN != "" {
		onPatient(true, "p.bsn = %s", f.BSN)
	}
	if f.LocationID != 0 {
		onPatient(true, "p.location_id = %s", f.LocationID)
	}
	if f.GPPracticeID != 0 {
		onPatient(false, "p.gp_practice_id = %s", f.GPPracticeID)
	}
	if d, ok := f.QueryDate(); ok {
		onPatient(true, "p.birth_date = %s", d.String())
	} else if q := strings.TrimSpace(f.Query); q != "" {
		if err := mgz.CheckSearch("q", q); err != nil {
			return nil, 0, err
		}
		switch {
		case utf8.RuneCountInString(q) >= 3 && ps.db.dialect == dialectPostgres && f.VisibleTo != 0:
			// Within the caller's rows: their folded names are in the list index (migration 0021).
			w.add(`r.folded LIKE (SELECT mgz_fold(%s)) ESCAPE '\'`, likePattern(q))
		case utf8.RuneCountInString(q) >= 3 && ps.db.dialect == dialectPostgres:
			// The GIN trigram index on mgz_fold(name) (migration 0016): the term, with its LIKE
			// wildcards escaped, folded the same way as the names.
			trigrams = true
			w.add(idCol+` IN (SELECT id FROM patients WHERE mgz_fold(name) LIKE (SELECT mgz_fold(%s)) ESCAPE '\')`, likePattern(q))
		case utf8.RuneCountInString(q) >= 3:
			trigrams = true
			w.add(idCol+" IN (SELECT rowid FROM patient_names WHERE patient_names MATCH %s)", ftsPhrase(q))
		case ps.db.dialect == dialectPostgres:
			// LIKE is case-sensitive on PostgreSQL; SQLite's is ASCII case-insensitive and the
			// pattern is in lower case already.
			w.add("lower("+sortCol+`) LIKE %s ESCAPE '\'`, likePattern(q))
		default:
			w.add(sortCol+` LIKE %s ESCAPE '\'`, likePattern(q))
		}
	}
	switch {
	case joinPatients && selective && f.VisibleTo != 0:
		// SQLite keeps the order of a CROSS JOIN's tables (its planner hint; PostgreSQL reads it
		// as an inner join and plans by its statistics).
		from = "patients p CROSS JOIN patient_parties r"
		w.add("r.patient_id = p.id")
	case joinPatients && f.VisibleTo != 0:
		from += " JOIN patients p ON p.id = r.patient_id"
	}
	unfiltered := len(w.conds) == 1 && f.VisibleTo != 0 // only the caller's range
	count := func() (int, error) {
		var total int
		if unfiltered {
			// Kept by triggers (migration 0016): no range to count.
			err := ps.q().QueryRowContext(ctx, "SELECT clients FROM patient_party_counts WHERE organisation_id = $1", f.VisibleTo).Scan(&total)
			if errors.Is(err, sql.ErrNoRows) {
				return 0, nil
			}
			if err != nil {
				return 0, fmt.Errorf("patiënten tellen: %w", err)
			}
			return total, nil
		}
		if err := ps.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+w.String(), w.args...).Scan(&total); err != nil {
			return 0, fmt.Errorf("patiënten tellen: %w", err)
		}
		return total, nil
	}
	if trigrams && !f.Keyset {
		return ps.searchPage(ctx, from, w, idCol, sortCol, f.Page, cursor, afterName, afterID, count)
	}
	total, err := count()
	if err != nil {
		return nil, 0, err
	}
	// The page's ids are read from the range alone (the keyset condition added after counting);
	// only then are the page's clients read, by id.
	var tail, outer string
	switch {
	case f.Keyset:
		if f.After != 0 {
			w.add(idCol+" > %s", f.After)
		}
		p := f.Page
		p.Offset = 0
		tail, outer = " ORDER BY "+idCol+w.page(p), " ORDER BY k.id"
	case cursor:
		w.add("("+sortCol+", "+idCol+") > (%s, %s)", afterName, afterID)
		p := f.Page
		p.Offset = 0
		tail, outer = " ORDER BY "+sortCol+", "+idCol+w.page(p), " ORDER BY k.sort, k.id"
	default:
		tail, outer = " ORDER BY "+sortCol+", "+idCol+w.page(f.Page), " ORDER BY k.sort, k.id"
	}
	page := "SELECT " + idCol + " AS id, " + sortCol + " AS sort FROM " + from + w.String() + tail
	rows, err := ps.q().QueryContext(ctx, "SELECT "+patientColumns+" FROM ("+page+") k JOIN patients p ON p.id = k.id"+outer, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("patiënten lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.Patient{}
	for rows.Next() {
		p, err := scanPatient(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// searchPage is one page of a name search through the trigram index, with its total from the
// same read: the index's hits are gathered once (a search must gather all of them to count), so
// the total is a window count over the hits rather than a second search. The cursor condition
// is applied outside the window, so it never reduces the total. Only an empty page (past the end)
// counts separately.
func (ps *Patients) searchPage(ctx context.Context, from string, w *where, idCol, sortCol string, pg mgz.Page, cursor bool,
	afterName string, afterID int64, count func() (int, error)) ([]mgz.Patient, int, error) {
	pg = pg.Clamp()
	args := append([]any{}, w.args...)
	hits := "SELECT " + idCol + " AS id, " + sortCol + " AS sort, COUNT(*) OVER () AS total FROM " + from + w.String()
	after := ""
	if cursor {
		pg.Offset = 0
		args = append(args, afterName, afterID)
		after = fmt.Sprintf(" WHERE (h.sort, h.id) > ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, pg.Limit, pg.Offset)
	page := fmt.Sprintf("SELECT h.id, h.sort, h.total FROM (%s) h%s ORDER BY h.sort, h.id LIMIT $%d OFFSET $%d", hits, after, len(args)-1, len(args))
	rows, err := ps.q().QueryContext(ctx, "SELECT "+patientColumns+", k.total FROM ("+page+") k JOIN patients p ON p.id = k.id ORDER BY k.sort, k.id", args...)
	if err != nil {
		return nil, 0, fmt.Errorf("patiënten zoeken: %w", err)
	}
	defer rows.Close()
	out := []mgz.Patient{}
	total := 0
	for rows.Next() {
		p, err := scanPatient(scanWith{rows, &total})
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 {
		if total, err = count(); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// scanWith scans a row into the destinations asked for and then into extra.
type scanWith struct {
	rows  *sql.Rows
	extra any
}

func (s scanWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

// ftsPhrase quotes a search term as one FTS5 phrase: with the trigram tokenizer it matches the
// term anywhere in the name. Quotes in the term are doubled, so no term is FTS5 syntax.
func ftsPhrase(term string) string {
	return `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
}

// PracticeProfile implements mgz.PatientStore.
func (ps *Patients) PracticeProfile(ctx context.Context, orgID int64) (mgz.PracticeProfile, error) {
	pp := mgz.PracticeProfile{OrganisationID: orgID, Capacity: mgz.CapacityOpen, PostcodeAreas: []string{}}
	var capacity, areas, updated string
	err := ps.q().QueryRowContext(ctx, "SELECT capacity, postcode_areas, updated_at, revision FROM practice_profiles WHERE organisation_id = $1", orgID).Scan(&capacity, &areas, &updated, &pp.Revision)
	if errors.Is(err, sql.ErrNoRows) {
		return pp, nil
	}
	if err != nil {
		return pp, err
	}
	pp.Capacity = mgz.Capacity(capacity)
	if areas != "" {
		pp.PostcodeAreas = strings.Split(areas, ",")
	}
	pp.UpdatedAt, err = parseTime(updated)
	return pp, err
}

// SetPracticeProfile implements mgz.PatientStore.
func (ps *Patients) SetPracticeProfile(ctx context.Context, pp *mgz.PracticeProfile) error {
	return ps.write(ctx, func(q querier) error {
		o, err := getOrganisation(ctx, q, pp.OrganisationID)
		if err != nil {
			return err
		}
		if o.Kind != mgz.KindGPPractice {
			return mgz.Errorf(mgz.ECodeInvalid, "Alleen een huisartsenpraktijk heeft een capaciteit en postcodegebieden.")
		}
		var stored int64
		err = q.QueryRowContext(ctx, "SELECT revision FROM practice_profiles WHERE organisation_id = $1", pp.OrganisationID).Scan(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// pp.Revision is the revision the change was made on (0: the stored one).
		if mgz.Stale(pp.Revision, stored) {
			return mgz.StaleEdit("Het praktijkprofiel", pp.Revision, stored, nil)
		}
		pp.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
		_, err = q.ExecContext(ctx, `INSERT INTO practice_profiles (organisation_id, capacity, postcode_areas, updated_at, revision) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (organisation_id) DO UPDATE SET capacity = excluded.capacity, postcode_areas = excluded.postcode_areas, updated_at = excluded.updated_at,
			revision = practice_profiles.revision + 1`,
			pp.OrganisationID, string(pp.Capacity), strings.Join(pp.PostcodeAreas, ","), formatTime(pp.UpdatedAt))
		if err != nil {
			return err
		}
		pp.Revision = stored + 1
		return nil
	})
}

// AddRegistration implements mgz.PatientStore.
func (ps *Patients) AddRegistration(ctx context.Context, r *mgz.Registration) error {
	return ps.write(ctx, func(q querier) error {
		var by any
		if r.RegisteredBy != 0 {
			by = r.RegisteredBy
		}
		return q.QueryRowContext(ctx, `INSERT INTO registrations (patient_id, practice_id, location_id, priority, priority_ground, switch_from_practice_id,
			switch_consent, open_items_acknowledged, registered_by, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			r.PatientID, r.PracticeID, nullID(r.LocationID), boolInt(r.Priority), string(r.PriorityGround), nullID(r.SwitchFromPracticeID),
			boolInt(r.SwitchConsent), strings.Join(r.OpenItemsAcknowledged, ","), by, formatTime(r.RegisteredAt)).Scan(&r.ID)
	})
}

// Registrations implements mgz.PatientStore.
func (ps *Patients) Registrations(ctx context.Context, patientID int64) ([]mgz.Registration, error) {
	rows, err := ps.q().QueryContext(ctx, `SELECT id, patient_id, practice_id, location_id, priority, priority_ground, switch_from_practice_id, switch_consent,
		open_items_acknowledged, registered_by, registered_at FROM registrations WHERE patient_id = $1 ORDER BY id DESC`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mgz.Registration{}
	for rows.Next() {
		var r mgz.Registration
		var loc, from, by sql.NullInt64
		var prio, consent int
		var ground, open, at string
		if err := rows.Scan(&r.ID, &r.PatientID, &r.PracticeID, &loc, &prio, &ground, &from, &consent, &open, &by, &at); err != nil {
			return nil, err
		}
		r.LocationID, r.SwitchFromPracticeID, r.RegisteredBy = idPtr(loc), idPtr(from), by.Int64
		r.Priority, r.SwitchConsent, r.PriorityGround = prio == 1, consent == 1, mgz.PriorityGround(ground)
		r.OpenItemsAcknowledged = []string{}
		if open != "" {
			r.OpenItemsAcknowledged = strings.Split(open, ",")
		}
		if r.RegisteredAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
