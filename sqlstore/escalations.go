package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// Escalations implements mgz.EscalationStore: reports (meldingen), their steps, patient links
// and attachments.
type Escalations struct{ scope }

var _ mgz.EscalationStore = (*Escalations)(nil)

// Escalations implements mgz.Tx.
func (s *Store) Escalations() mgz.EscalationStore { return &Escalations{s.scope} }

const keyEscalationResponseDays = "escalation_response_days"

const escalationColumns = `id, reporter_practice_id, filed_by_org_id, filed_by, care_provider_id, location_id, category,
	description, period_start, period_end, state, created_at, updated_at, closed_at, revision`

const stepColumns = `id, escalation_id, step, addressee_org_id, opened_at, opened_by, deadline, response, responded_at,
	responded_by, outcome, outcome_note, closed_at`

func optTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func optTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func scanEscalation(row interface{ Scan(...any) error }) (mgz.Escalation, error) {
	var e mgz.Escalation
	var by, loc sql.NullInt64
	var cat, start, state, created, updated string
	var end, closed sql.NullString
	if err := row.Scan(&e.ID, &e.ReporterPracticeID, &e.FiledByOrgID, &by, &e.CareProviderID, &loc, &cat, &e.Description,
		&start, &end, &state, &created, &updated, &closed, &e.Revision); err != nil {
		return e, err
	}
	e.FiledBy, e.Category, e.State = by.Int64, mgz.EscalationCategory(cat), mgz.EscalationState(state)
	if loc.Valid {
		e.LocationID = &loc.Int64
	}
	var err error
	if e.PeriodStart, err = mgz.ParseDate(start); err != nil {
		return e, err
	}
	if e.PeriodEnd, err = mgz.ParseDate(end.String); err != nil {
		return e, err
	}
	if e.CreatedAt, err = parseTime(created); err != nil {
		return e, err
	}
	if e.UpdatedAt, err = parseTime(updated); err != nil {
		return e, err
	}
	e.ClosedAt, err = optTime(closed)
	return e, err
}

func scanStep(row interface{ Scan(...any) error }) (mgz.EscalationStep, error) {
	var st mgz.EscalationStep
	var step, opened, deadline, outcome string
	var addressee, openedBy, respondedBy sql.NullInt64
	var responded, closed sql.NullString
	if err := row.Scan(&st.ID, &st.EscalationID, &step, &addressee, &opened, &openedBy, &deadline, &st.Response, &responded,
		&respondedBy, &outcome, &st.OutcomeNote, &closed); err != nil {
		return st, err
	}
	st.Step, st.Outcome, st.OpenedBy, st.RespondedBy = mgz.EscalationState(step), mgz.EscalationOutcome(outcome), openedBy.Int64, respondedBy.Int64
	if addressee.Valid {
		st.AddresseeOrgID = &addressee.Int64
	}
	var err error
	if st.OpenedAt, err = parseTime(opened); err != nil {
		return st, err
	}
	if st.Deadline, err = mgz.ParseDate(deadline); err != nil {
		return st, err
	}
	if st.RespondedAt, err = optTime(responded); err != nil {
		return st, err
	}
	st.ClosedAt, err = optTime(closed)
	return st, err
}

// Create implements mgz.EscalationStore.
func (s *Escalations) Create(ctx context.Context, e *mgz.Escalation) error {
	if len(e.Steps) != 1 {
		return errors.New("sqlite: a new report needs exactly its first step")
	}
	return s.write(ctx, func(q querier) error {
		err := q.QueryRowContext(ctx, `INSERT INTO escalations (reporter_practice_id, filed_by_org_id, filed_by, care_provider_id, location_id,
			category, description, period_start, period_end, state, created_at, updated_at, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) RETURNING id`,
			e.ReporterPracticeID, e.FiledByOrgID, nullInt(e.FiledBy), e.CareProviderID, nullID(e.LocationID), string(e.Category),
			e.Description, e.PeriodStart.String(), nullString(e.PeriodEnd.String()), string(e.State), formatTime(e.CreatedAt)).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("melding opslaan: %w", err)
		}
		e.Revision, e.UpdatedAt = 1, e.CreatedAt
		for _, p := range e.PatientIDs {
			if _, err := q.ExecContext(ctx, "INSERT INTO escalation_patients (escalation_id, patient_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", e.ID, p); err != nil {
				return fmt.Errorf("cliënt bij melding koppelen: %w", err)
			}
		}
		e.Steps[0].EscalationID = e.ID
		return addStep(ctx, q, &e.Steps[0])
	})
}

func addStep(ctx context.Context, q querier, st *mgz.EscalationStep) error {
	err := q.QueryRowContext(ctx, `INSERT INTO escalation_steps (escalation_id, step, addressee_org_id, opened_at, opened_by, deadline)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		st.EscalationID, string(st.Step), nullID(st.AddresseeOrgID), formatTime(st.OpenedAt), nullInt(st.OpenedBy), st.Deadline.String()).Scan(&st.ID)
	if err != nil {
		return fmt.Errorf("stap van melding %d opslaan: %w", st.EscalationID, err)
	}
	return nil
}

// AddStep implements mgz.EscalationStore.
func (s *Escalations) AddStep(ctx context.Context, st *mgz.EscalationStep) error {
	return s.write(ctx, func(q querier) error { return addStep(ctx, q, st) })
}

// UpdateStep implements mgz.EscalationStore.
func (s *Escalations) UpdateStep(ctx context.Context, st *mgz.EscalationStep) error {
	return s.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE escalation_steps SET response = $1, responded_at = $2, responded_by = $3, outcome = $4,
			outcome_note = $5, closed_at = $6 WHERE id = $7`,
			st.Response, optTimeArg(st.RespondedAt), nullInt(st.RespondedBy), string(st.Outcome), st.OutcomeNote, optTimeArg(st.ClosedAt), st.ID)
		if err != nil {
			return fmt.Errorf("stap %d van melding opslaan: %w", st.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return mgz.NotFound("Stap", st.ID)
		}
		return nil
	})
}

// Update implements mgz.EscalationStore.
func (s *Escalations) Update(ctx context.Context, e *mgz.Escalation, rev int64) error {
	return s.write(ctx, func(q querier) error {
		var cur int64
		err := q.QueryRowContext(ctx, "SELECT revision FROM escalations WHERE id = $1", e.ID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return mgz.NotFound("Melding", e.ID)
		}
		if err != nil {
			return err
		}
		if cur != rev {
			return mgz.StaleEdit("De melding", rev, cur, nil)
		}
		_, err = q.ExecContext(ctx, `UPDATE escalations SET state = $1, updated_at = $2, closed_at = $3, revision = revision + 1
			WHERE id = $4 AND revision = $5`, string(e.State), formatTime(e.UpdatedAt), optTimeArg(e.ClosedAt), e.ID, rev)
		if err != nil {
			return fmt.Errorf("melding %d opslaan: %w", e.ID, err)
		}
		e.Revision = rev + 1
		return nil
	})
}

// Get implements mgz.EscalationStore.
func (s *Escalations) Get(ctx context.Context, id int64) (mgz.Escalation, error) {
	e, err := scanEscalation(s.q().QueryRowContext(ctx, "SELECT "+escalationColumns+" FROM escalations WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, mgz.NotFound("Melding", id)
	}
	if err != nil {
		return e, fmt.Errorf("melding %d lezen: %w", id, err)
	}
	all := []mgz.Escalation{e}
	if err := s.fill(ctx, all); err != nil {
		return e, err
	}
	return all[0], nil
}

// List implements mgz.EscalationStore.
func (s *Escalations) List(ctx context.Context, f mgz.EscalationFilter) ([]mgz.Escalation, error) {
	var w where
	if f.State != "" {
		w.add("state = %s", string(f.State))
	}
	if f.CareProviderID != 0 {
		w.add("care_provider_id = %s", f.CareProviderID)
	}
	if f.LocationID != 0 {
		w.add("location_id = %s", f.LocationID)
	}
	rows, err := s.q().QueryContext(ctx, "SELECT "+escalationColumns+" FROM escalations"+w.String()+" ORDER BY id DESC", w.args...)
	if err != nil {
		return nil, fmt.Errorf("meldingen lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.Escalation{}
	for rows.Next() {
		e, err := scanEscalation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, s.fill(ctx, out)
}

// fill reads the steps and patient links of es.
func (s *Escalations) fill(ctx context.Context, es []mgz.Escalation) error {
	if len(es) == 0 {
		return nil
	}
	at := make(map[int64]int, len(es))
	ph := make([]string, len(es))
	args := make([]any, len(es))
	for i, e := range es {
		at[e.ID], ph[i], args[i] = i, fmt.Sprintf("$%d", i+1), e.ID
		es[i].Steps, es[i].PatientIDs = []mgz.EscalationStep{}, nil
	}
	in := " IN (" + strings.Join(ph, ", ") + ")"
	rows, err := s.q().QueryContext(ctx, "SELECT "+stepColumns+" FROM escalation_steps WHERE escalation_id"+in+" ORDER BY id", args...)
	if err != nil {
		return fmt.Errorf("stappen van meldingen lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStep(rows)
		if err != nil {
			return err
		}
		i := at[st.EscalationID]
		es[i].Steps = append(es[i].Steps, st)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	prow, err := s.q().QueryContext(ctx, "SELECT escalation_id, patient_id FROM escalation_patients WHERE escalation_id"+in+" ORDER BY patient_id", args...)
	if err != nil {
		return fmt.Errorf("cliënten van meldingen lezen: %w", err)
	}
	defer prow.Close()
	for prow.Next() {
		var eid, pid int64
		if err := prow.Scan(&eid, &pid); err != nil {
			return err
		}
		i := at[eid]
		es[i].PatientIDs = append(es[i].PatientIDs, pid)
	}
	return prow.Err()
}

// OverdueSteps implements mgz.EscalationStore.
func (s *Escalations) OverdueSteps(ctx context.Context, day mgz.Date) ([]mgz.EscalationStep, error) {
	rows, err := s.q().QueryContext(ctx, "SELECT "+stepColumns+` FROM escalation_steps
		WHERE closed_at IS NULL AND responded_at IS NULL AND deadline < $1 ORDER BY id`, day.String())
	if err != nil {
		return nil, fmt.Errorf("verlopen stappen lezen: %w", err)
	}
	defer rows.Close()
	var out []mgz.EscalationStep
	for rows.Next() {
		st, err := scanStep(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// AddAttachment implements mgz.EscalationStore.
func (s *Escalations) AddAttachment(ctx context.Context, a *mgz.EscalationAttachment, content []byte) error {
	return s.write(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO escalation_attachments (escalation_id, name, content_type, size, sha256, content, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.EscalationID, a.Name, a.ContentType, a.Size, a.SHA256, content, nullInt(a.UploadedBy), formatTime(a.UploadedAt)).Scan(&a.ID)
	})
}

const attachmentColumns = "id, escalation_id, name, content_type, size, sha256, uploaded_by, uploaded_at"

func scanAttachment(row interface{ Scan(...any) error }, extra ...any) (mgz.EscalationAttachment, error) {
	var a mgz.EscalationAttachment
	var by sql.NullInt64
	var at string
	dest := append([]any{&a.ID, &a.EscalationID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &by, &at}, extra...)
	if err := row.Scan(dest...); err != nil {
		return a, err
	}
	a.UploadedBy = by.Int64
	var err error
	a.UploadedAt, err = parseTime(at)
	return a, err
}

// Attachments implements mgz.EscalationStore.
func (s *Escalations) Attachments(ctx context.Context, escalationID int64) ([]mgz.EscalationAttachment, error) {
	rows, err := s.q().QueryContext(ctx, "SELECT "+attachmentColumns+" FROM escalation_attachments WHERE escalation_id = $1 ORDER BY id", escalationID)
	if err != nil {
		return nil, fmt.Errorf("bijlagen lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.EscalationAttachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment implements mgz.EscalationStore.
func (s *Escalations) Attachment(ctx context.Context, id int64) (mgz.EscalationAttachment, []byte, error) {
	var content []byte
	a, err := scanAttachment(s.q().QueryRowContext(ctx, "SELECT "+attachmentColumns+", content FROM escalation_attachments WHERE id = $1", id), &content)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, mgz.NotFound("Bijlage", id)
	}
	return a, content, err
}

// ResponseDays implements mgz.EscalationStore.
func (s *Escalations) ResponseDays(ctx context.Context) (int, error) {
	n, err := s.intSetting(ctx, keyEscalationResponseDays, mgz.DefaultEscalationResponseDays)
	if err == nil && mgz.CheckResponseDays(n) != nil {
		return 0, fmt.Errorf("regio-instelling %s: %d is geen geldige termijn", keyEscalationResponseDays, n)
	}
	return n, err
}

// SetResponseDays implements mgz.EscalationStore.
func (s *Escalations) SetResponseDays(ctx context.Context, n int) error {
	if err := mgz.CheckResponseDays(n); err != nil {
		return err
	}
	return s.setIntSetting(ctx, keyEscalationResponseDays, n)
}

// EscalationNotices returns the notices sent about report id, oldest first, as "kind: subject"
// per organisation: what the report told whom (used by tests and for support).
func (db *DB) EscalationNotices(ctx context.Context, id int64) (map[int64][]string, error) {
	rows, err := db.sql.QueryContext(ctx, "SELECT organisation_id, kind, subject FROM notices WHERE object_type = 'escalation' AND object_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var org int64
		var kind, subject string
		if err := rows.Scan(&org, &kind, &subject); err != nil {
			return nil, err
		}
		out[org] = append(out[org], kind+": "+subject)
	}
	return out, rows.Err()
}
