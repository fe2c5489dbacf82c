package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// Prerequisites implements mgz.PrerequisiteStore.
type Prerequisites struct{ scope }

var _ mgz.PrerequisiteStore = (*Prerequisites)(nil)

// Prerequisites implements mgz.Tx.
func (s *Store) Prerequisites() mgz.PrerequisiteStore { return &Prerequisites{s.scope} }

const itemColumns = "id, location_id, key, status, note, document_id, valid_until, confirmed_by, confirmed_by_name, confirmed_at"

// current selects the newest row per location and key.
const current = "id = (SELECT MAX(q.id) FROM prerequisite_items q WHERE q.location_id = prerequisite_items.location_id AND q.key = prerequisite_items.key)"

const dateFormat = "2006-01-02"

func scanItem(row interface{ Scan(...any) error }) (mgz.PrerequisiteItem, error) {
	var it mgz.PrerequisiteItem
	var key, status, at string
	var doc, by sql.NullInt64
	var until sql.NullString
	if err := row.Scan(&it.ID, &it.LocationID, &key, &status, &it.Note, &doc, &until, &by, &it.ConfirmedByName, &at); err != nil {
		return it, err
	}
	it.Key, it.Status, it.ConfirmedBy = mgz.PrerequisiteKey(key), mgz.PrerequisiteStatus(status), by.Int64
	if doc.Valid {
		it.DocumentID = &doc.Int64
	}
	if until.Valid {
		d, err := time.Parse(dateFormat, until.String)
		if err != nil {
			return it, fmt.Errorf("valid_until %q: %w", until.String, err)
		}
		it.ValidUntil = &d
	}
	var err error
	it.ConfirmedAt, err = parseTime(at)
	return it, err
}

func (p *Prerequisites) items(ctx context.Context, query string, args ...any) ([]mgz.PrerequisiteItem, error) {
	rows, err := p.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("randvoorwaarden lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.PrerequisiteItem{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Items implements mgz.PrerequisiteStore.
func (p *Prerequisites) Items(ctx context.Context, locationID int64) ([]mgz.PrerequisiteItem, error) {
	return p.items(ctx, "SELECT "+itemColumns+" FROM prerequisite_items WHERE location_id = $1 AND "+current+" ORDER BY key", locationID)
}

// ItemsOf implements mgz.PrerequisiteStore. The items are kept with the overview's values per
// location until the change generation moves (0019: every change of an item moves it); each
// caller gets its own slices.
func (p *Prerequisites) ItemsOf(ctx context.Context, ids []int64) (map[int64][]mgz.PrerequisiteItem, error) {
	kept, err := memoizedByLocation(ctx, p.scope, "items", "", ids, func(ids []int64) (map[int64][]mgz.PrerequisiteItem, error) {
		return p.itemsOf(ctx, ids)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]mgz.PrerequisiteItem, len(kept))
	for id, its := range kept {
		if its != nil {
			out[id] = slices.Clone(its)
		}
	}
	return out, nil
}

// itemsOf reads the current items of the locations ids.
func (p *Prerequisites) itemsOf(ctx context.Context, ids []int64) (map[int64][]mgz.PrerequisiteItem, error) {
	out := make(map[int64][]mgz.PrerequisiteItem, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	its, err := p.items(ctx, "SELECT "+itemColumns+" FROM prerequisite_items WHERE location_id IN ("+strings.Join(ph, ", ")+") AND "+current, args...)
	if err != nil {
		return nil, err
	}
	for _, it := range its {
		out[it.LocationID] = append(out[it.LocationID], it)
	}
	return out, nil
}

// History implements mgz.PrerequisiteStore.
func (p *Prerequisites) History(ctx context.Context, locationID int64, key mgz.PrerequisiteKey) ([]mgz.PrerequisiteItem, error) {
	if key == "" {
		return p.items(ctx, "SELECT "+itemColumns+" FROM prerequisite_items WHERE location_id = $1 ORDER BY id DESC", locationID)
	}
	return p.items(ctx, "SELECT "+itemColumns+" FROM prerequisite_items WHERE location_id = $1 AND key = $2 ORDER BY id DESC", locationID, string(key))
}

// Record implements mgz.PrerequisiteStore.
func (p *Prerequisites) Record(ctx context.Context, it *mgz.PrerequisiteItem) error {
	return p.write(ctx, func(q querier) error {
		if _, err := getLocation(ctx, q, it.LocationID); err != nil {
			return err
		}
		if it.DocumentID != nil {
			var loc int64
			var key string
			err := q.QueryRowContext(ctx, "SELECT location_id, key FROM prerequisite_documents WHERE id = $1", *it.DocumentID).Scan(&loc, &key)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (loc != it.LocationID || key != string(it.Key))) {
				return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het document hoort niet bij deze randvoorwaarde.",
					Fields: map[string]string{"document_id": fmt.Sprintf("Document %d is niet bij deze locatie en randvoorwaarde geüpload. Upload het hier opnieuw.", *it.DocumentID)}}
			}
			if err != nil {
				return err
			}
		}
		var until any
		if it.ValidUntil != nil {
			until = it.ValidUntil.Format(dateFormat)
		}
		var by any
		if it.ConfirmedBy != 0 {
			by = it.ConfirmedBy
		}
		var doc any
		if it.DocumentID != nil {
			doc = *it.DocumentID
		}
		return q.QueryRowContext(ctx, `INSERT INTO prerequisite_items (location_id, key, status, note, document_id, valid_until, confirmed_by, confirmed_by_name, confirmed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			it.LocationID, string(it.Key), string(it.Status), it.Note, doc, until, by, it.ConfirmedByName, formatTime(it.ConfirmedAt)).Scan(&it.ID)
	})
}

// AddDocument implements mgz.PrerequisiteStore.
func (p *Prerequisites) AddDocument(ctx context.Context, d *mgz.Document, content []byte) error {
	return p.write(ctx, func(q querier) error {
		if _, err := getLocation(ctx, q, d.LocationID); err != nil {
			return err
		}
		var by any
		if d.UploadedBy != 0 {
			by = d.UploadedBy
		}
		return q.QueryRowContext(ctx, `INSERT INTO prerequisite_documents (location_id, key, name, content_type, size, sha256, content, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			d.LocationID, string(d.Key), d.Name, d.ContentType, d.Size, d.SHA256, content, by, formatTime(d.UploadedAt)).Scan(&d.ID)
	})
}

// Document implements mgz.PrerequisiteStore.
func (p *Prerequisites) Document(ctx context.Context, id int64) (mgz.Document, []byte, error) {
	var d mgz.Document
	var key, at string
	var by sql.NullInt64
	var content []byte
	err := p.q().QueryRowContext(ctx, `SELECT id, location_id, key, name, content_type, size, sha256, content, uploaded_by, uploaded_at
		FROM prerequisite_documents WHERE id = $1`, id).Scan(&d.ID, &d.LocationID, &key, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &content, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, mgz.NotFound("Document", id)
	}
	if err != nil {
		return d, nil, err
	}
	d.Key, d.UploadedBy = mgz.PrerequisiteKey(key), by.Int64
	d.UploadedAt, err = parseTime(at)
	return d, content, err
}

// registerFacts are the SQL conditions of mgz.RegisterFacts on a location l and its provider p,
// in the order of the struct's fields. Each set is a non-correlated subquery, which SQLite
// builds once per statement and then probes per location: cheap for a whole region.
func registerFacts() [4]string {
	ownedBy := func(role string, hours string) string {
		h := ""
		if hours != "" {
			h = " AND hours = '" + hours + "'"
		}
		return `(l.id IN (SELECT location_id FROM contact_points WHERE role = '` + role + `'` + h + ` AND location_id IS NOT NULL
				UNION SELECT location_id FROM rosters WHERE role = '` + role + `' AND location_id IS NOT NULL)
			OR l.provider_id IN (SELECT organisation_id FROM contact_points WHERE role = '` + role + `'` + h + ` AND organisation_id IS NOT NULL
				UNION SELECT organisation_id FROM rosters WHERE role = '` + role + `' AND organisation_id IS NOT NULL))`
	}
	return [4]string{
		ownedBy(string(mgz.RoleFirstLine), string(mgz.Hours24x7)),
		ownedBy(string(mgz.RoleBehaviourSpecialist), ""),
		`(l.physician_service_id IS NOT NULL)`,
		`(p.care_office_region IN (SELECT care_office_region FROM organisations WHERE kind = 'gp_post'))`,
	}
}

// inconsistentExpr is the number of required items of location l (provider p) whose current
// version is met and not expired today ($T) but contradicted by the register. The item is looked
// up (one seek on its index) only where the register lacks the fact.
func inconsistentExpr() string {
	f := registerFacts()
	terms := make([]string, len(registerFactKeys))
	for i, k := range registerFactKeys {
		terms[i] = `(CASE WHEN ` + f[i] + ` THEN 0 ELSE COALESCE((SELECT CASE WHEN i.status = 'met' AND (i.valid_until IS NULL OR i.valid_until >= $T) THEN 1 ELSE 0 END
			FROM prerequisite_items i WHERE i.location_id = l.id AND i.key = '` + string(k) + `' ORDER BY i.id DESC LIMIT 1), 0) END)`
	}
	return "(" + strings.Join(terms, " + ") + ")"
}

// registerFactKeys are the prerequisites the conditions of registerFacts check, in their order.
var registerFactKeys = [4]mgz.PrerequisiteKey{mgz.PrereqFirstLine24h, mgz.PrereqBehaviourSpecialist24h, mgz.PrereqPhysicianContract, mgz.PrereqGPPostArrangement}

// RegisterFactsOf implements mgz.PrerequisiteStore.
func (p *Prerequisites) RegisterFactsOf(ctx context.Context, ids []int64) (map[int64]mgz.RegisterFacts, error) {
	// Kept per location with the overview's values: every table the facts are read from moves
	// the change generation (0019).
	return memoizedByLocation(ctx, p.scope, "facts", "", ids, func(ids []int64) (map[int64]mgz.RegisterFacts, error) {
		return p.registerFactsOf(ctx, ids)
	})
}

// registerFactsOf reads the register's facts about the locations ids.
func (p *Prerequisites) registerFactsOf(ctx context.Context, ids []int64) (map[int64]mgz.RegisterFacts, error) {
	out := make(map[int64]mgz.RegisterFacts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	f := registerFactsOfRow() // seeks per row: cheaper for a page than listing every owner of a role
	rows, err := p.q().QueryContext(ctx, `SELECT l.id, `+strings.Join(f[:], ", ")+`
		FROM locations l JOIN organisations p ON p.id = l.provider_id WHERE l.id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("registergegevens van randvoorwaarden lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var rf mgz.RegisterFacts
		if err := rows.Scan(&id, &rf.FirstLine24h, &rf.BehaviourSpecialist, &rf.PhysicianService, &rf.GPPost); err != nil {
			return nil, fmt.Errorf("registergegevens van randvoorwaarden lezen: %w", err)
		}
		out[id] = rf
	}
	return out, rows.Err()
}
