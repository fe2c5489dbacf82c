package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

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
	state, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if a.ID == 0 {
		return q.QueryRowContext(ctx, `INSERT INTO agreements (provider_id, practice_id, gp_post_id, status, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			a.Provider, a.Practice, nullID(a.GPPost), string(a.Status), string(state), formatTime(a.UpdatedAt)).Scan(&a.ID)
	}
	res, err := q.ExecContext(ctx, `UPDATE agreements SET provider_id = $1, practice_id = $2, gp_post_id = $3, status = $4, state = $5, updated_at = $6 WHERE id = $7`,
		a.Provider, a.Practice, nullID(a.GPPost), string(a.Status), string(state), formatTime(a.UpdatedAt), a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mgz.NotFound("Overeenkomst", a.ID)
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
		if err := as.writeState(ctx, q, a); err != nil {
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
	err := as.q().QueryRowContext(ctx, "SELECT state FROM agreements WHERE id = $1", id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return a, mgz.NotFound("Overeenkomst", id)
	}
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(state), &a); err != nil {
		return a, fmt.Errorf("overeenkomst %d lezen: %w", id, err)
	}
	a.ID = id
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
	query, args := "SELECT id, state FROM agreements ORDER BY id", []any{}
	if org != 0 {
		query, args = "SELECT id, state FROM agreements WHERE provider_id = $1 OR practice_id = $1 OR gp_post_id = $1 ORDER BY id", []any{org}
	}
	rows, err := as.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mgz.Agreement{}
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			return nil, err
		}
		var a mgz.Agreement
		if err := json.Unmarshal([]byte(state), &a); err != nil {
			return nil, err
		}
		a.ID = id
		out = append(out, a)
	}
	return out, rows.Err()
}
