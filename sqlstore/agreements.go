package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/regio-mgz/mgz"
)

// Agreements implements mgz.AgreementStore.
type Agreements struct{ scope }

var _ mgz.AgreementStore = (*Agreements)(nil)

// Agreements implements mgz.Tx.
func (s *Store) Agreements() mgz.AgreementStore { return &Agreements{s.scope} }

func (as *Agreements) checkParties(ctx context.Context, q querier, a *mgz.Agreement) error {
	fe := map[string]string{}
	check := func(field string, id int64, kind mgz.OrgKind) {
		o, err := getOrganisation(ctx, q, id)
		switch {
		case err != nil:
			fe[field] = fmt.Sprintf("Organisatie %d bestaat niet. Kies %s uit het register.", id, kind.Label())
		case o.Kind != kind:
			fe[field] = fmt.Sprintf("%s is geen %s.", o.Name, kind.Label())
		}
	}
	check("provider_id", a.Provider, mgz.KindCareProvider)
	check("practice_id", a.Practice, mgz.KindGPPractice)
	if a.GPPost != nil {
		check("gp_post_id", *a.GPPost, mgz.KindGPPost)
	}
	for _, id := range a.Locations {
		l, err := getLocation(ctx, q, id)
		switch {
		case err != nil:
			fe["location_ids"] = fmt.Sprintf("Locatie %d bestaat niet.", id)
		case l.ProviderID != a.Provider:
			fe["location_ids"] = fmt.Sprintf("%s is geen locatie van de gekozen zorgaanbieder.", l.Name)
		}
	}
	if len(fe) > 0 {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "De partijen of locaties kloppen niet.", Fields: fe}
	}
	return nil
}

func (as *Agreements) writeState(ctx context.Context, q querier, a *mgz.Agreement) error {
	if a.ID == 0 {
		a.Revision = 1
		state, err := json.Marshal(a)
		if err != nil {
			return err
		}
		return q.QueryRowContext(ctx, `INSERT INTO agreements (provider_id, practice_id, gp_post_id, status, state, updated_at, revision, remind_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.Provider, a.Practice, nullID(a.GPPost), string(a.Status), string(state), formatTime(a.UpdatedAt), a.Revision, nullDate(a.RemindOn())).Scan(&a.ID)
	}
	// The guard on the revision keeps a state read before another writer's change from being
	// written back over it: the service reads and writes in one transaction, so it never trips
	// there, but a caller that does not is refused instead of losing that change.
	prev := a.Revision
	a.Revision = prev + 1
	state, err := json.Marshal(a)
	if err != nil {
		a.Revision = prev
		return err
	}
	res, err := q.ExecContext(ctx, `UPDATE agreements SET provider_id = $1, practice_id = $2, gp_post_id = $3, status = $4, state = $5, updated_at = $6, revision = $7, remind_on = $8 WHERE id = $9 AND revision = $10`,
		a.Provider, a.Practice, nullID(a.GPPost), string(a.Status), string(state), formatTime(a.UpdatedAt), a.Revision, nullDate(a.RemindOn()), a.ID, prev)
	if err != nil {
		a.Revision = prev
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		a.Revision = prev
		var cur int64
		err := q.QueryRowContext(ctx, "SELECT revision FROM agreements WHERE id = $1", a.ID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return mgz.NotFound("Overeenkomst", a.ID)
		}
		if err != nil {
			return err
		}
		return mgz.StaleEdit("De overeenkomst", prev, cur, nil)
	}
	return nil
}

// SaveVersion implements mgz.AgreementStore.
func (as *Agreements) SaveVersion(ctx context.Context, a *mgz.Agreement, note string) error {
	return as.write(ctx, func(q querier) error {
		if err := as.checkParties(ctx, q, a); err != nil {
			return err
		}
		a.Version++
		a.VersionRevision = a.Revision + 1 // the revision this write makes
		if err := as.writeState(ctx, q, a); err != nil {
			a.Version--
			return err
		}
		terms, err := json.Marshal(a)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `INSERT INTO agreement_versions (agreement_id, version, terms, made_by, made_at, note) VALUES ($1, $2, $3, $4, $5, $6)`,
			a.ID, a.Version, string(terms), a.UpdatedBy, formatTime(a.UpdatedAt), note)
		return err
	})
}

// Update implements mgz.AgreementStore. The current version's record follows its state
// (signatures, status), so an older version keeps the signatures it had when it was replaced;
// its terms never change.
func (as *Agreements) Update(ctx context.Context, a *mgz.Agreement) error {
	return as.write(ctx, func(q querier) error {
		if err := as.writeState(ctx, q, a); err != nil {
			return err
		}
		terms, err := json.Marshal(a)
		if err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, "UPDATE agreement_versions SET terms = $1 WHERE agreement_id = $2 AND version = $3", string(terms), a.ID, a.Version)
		return err
	})
}

// Agreement implements mgz.AgreementStore.
func (as *Agreements) Agreement(ctx context.Context, id int64) (mgz.Agreement, error) {
	var a mgz.Agreement
	var state string
	var rev int64
	err := as.q().QueryRowContext(ctx, "SELECT state, revision FROM agreements WHERE id = $1", id).Scan(&state, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return a, mgz.NotFound("Overeenkomst", id)
	}
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(state), &a); err != nil {
		return a, fmt.Errorf("overeenkomst %d lezen: %w", id, err)
	}
	a.ID, a.Revision = id, rev
	return a, nil
}

func scanVersion(row interface{ Scan(...any) error }) (mgz.AgreementVersion, error) {
	var v mgz.AgreementVersion
	var terms, at string
	if err := row.Scan(&v.Version, &terms, &v.By, &at, &v.Note); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(terms), &v.Agreement); err != nil {
		return v, err
	}
	var err error
	v.At, err = parseTime(at)
	return v, err
}

// Version implements mgz.AgreementStore.
func (as *Agreements) Version(ctx context.Context, id int64, version int) (mgz.AgreementVersion, error) {
	v, err := scanVersion(as.q().QueryRowContext(ctx, "SELECT version, terms, made_by, made_at, note FROM agreement_versions WHERE agreement_id = $1 AND version = $2", id, version))
	if errors.Is(err, sql.ErrNoRows) {
		return v, mgz.Errorf(mgz.ECodeNotFound, "Versie %d van overeenkomst %d bestaat niet.", version, id)
	}
	return v, err
}

// Versions implements mgz.AgreementStore.
func (as *Agreements) Versions(ctx context.Context, id int64) ([]mgz.AgreementVersion, error) {
	rows, err := as.q().QueryContext(ctx, "SELECT version, terms, made_by, made_at, note FROM agreement_versions WHERE agreement_id = $1 ORDER BY version DESC", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mgz.AgreementVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Agreements implements mgz.AgreementStore.
func (as *Agreements) Agreements(ctx context.Context, org int64) ([]mgz.Agreement, error) {
	query, args := "SELECT id, state, revision FROM agreements ORDER BY id", []any{}
	if org != 0 {
		query, args = "SELECT id, state, revision FROM agreements WHERE provider_id = $1 OR practice_id = $1 OR gp_post_id = $1 ORDER BY id", []any{org}
	}
	return as.list(ctx, query, args...)
}

// DueAgreements implements mgz.AgreementStore. remind_on is set only on active agreements, so
// the condition on it selects them through its indexes (with the party's column first for org).
func (as *Agreements) DueAgreements(ctx context.Context, org int64, today mgz.Date) ([]mgz.Agreement, error) {
	query, args := "SELECT id, state, revision FROM agreements WHERE remind_on <= $1", []any{today.String()}
	if org != 0 {
		query = `SELECT id, state, revision FROM agreements WHERE (provider_id = $2 AND remind_on <= $1)
			OR (practice_id = $2 AND remind_on <= $1) OR (gp_post_id = $2 AND remind_on <= $1)`
		args = append(args, org)
	}
	out, err := as.list(ctx, query, args...)
	sortAgreements(out) // by id, sorted here: the rows come from up to three indexes
	return out, err
}

// ActiveAgreementsOfProvider implements mgz.AgreementStore.
func (as *Agreements) ActiveAgreementsOfProvider(ctx context.Context, provider int64) ([]mgz.Agreement, error) {
	return as.list(ctx, "SELECT id, state, revision FROM agreements WHERE provider_id = $1 AND status = $2 ORDER BY id",
		provider, string(mgz.AgreementActive))
}

func sortAgreements(as []mgz.Agreement) {
	sort.Slice(as, func(i, j int) bool { return as[i].ID < as[j].ID })
}

// list reads agreements from a query of id, state and revision.
func (as *Agreements) list(ctx context.Context, query string, args ...any) ([]mgz.Agreement, error) {
	rows, err := as.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("overeenkomsten lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.Agreement{}
	for rows.Next() {
		var id, rev int64
		var state string
		if err := rows.Scan(&id, &state, &rev); err != nil {
			return nil, err
		}
		var a mgz.Agreement
		if err := json.Unmarshal([]byte(state), &a); err != nil {
			return nil, err
		}
		a.ID, a.Revision = id, rev
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddFormerParty implements mgz.AgreementStore.
func (as *Agreements) AddFormerParty(ctx context.Context, f mgz.FormerParty) error {
	return as.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO agreement_former_parties (agreement_id, organisation_id, last_version, removed_by, removed_by_org, removed_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, f.AgreementID, f.OrganisationID, f.LastVersion, f.RemovedBy, f.RemovedByOrg, formatTime(f.RemovedAt))
		return err
	})
}

// FormerParties implements mgz.AgreementStore.
func (as *Agreements) FormerParties(ctx context.Context, id, org int64) ([]mgz.FormerParty, error) {
	var w where
	if id != 0 {
		w.add("f.agreement_id = %s", id)
	}
	if org != 0 {
		w.add("f.organisation_id = %s", org)
	}
	rows, err := as.q().QueryContext(ctx, `SELECT f.agreement_id, a.state, f.organisation_id, f.last_version, f.removed_by, f.removed_by_org, f.removed_at
		FROM agreement_former_parties f JOIN agreements a ON a.id = f.agreement_id`+w.String()+" ORDER BY f.removed_at DESC, f.agreement_id", w.args...)
	if err != nil {
		return nil, fmt.Errorf("vroegere partijen lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.FormerParty{}
	for rows.Next() {
		var f mgz.FormerParty
		var state, at string
		if err := rows.Scan(&f.AgreementID, &state, &f.OrganisationID, &f.LastVersion, &f.RemovedBy, &f.RemovedByOrg, &at); err != nil {
			return nil, err
		}
		var a mgz.Agreement
		if err := json.Unmarshal([]byte(state), &a); err != nil {
			return nil, err
		}
		f.AgreementType = a.Type
		if f.RemovedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
