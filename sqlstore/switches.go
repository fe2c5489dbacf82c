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

// The switch requests, BSN misses, the region's switch period and the lead physician history are
// part of mgz.PatientStore.

const switchColumns = `id, patient_id, from_practice_id, to_practice_id, state, consent_method, consent_on, consent_by, location_id, priority,
	priority_ground, open_items_acknowledged, requested_by, requested_at, due_at, decided_by, decided_at, reason, registration_id,
	(SELECT p.bsn FROM patients p WHERE p.id = switch_requests.patient_id)`

func scanSwitch(row interface{ Scan(...any) error }) (mgz.SwitchRequest, error) {
	var sr mgz.SwitchRequest
	var state, method, on, ground, open, requested, due string
	var loc, by, decidedBy, reg sql.NullInt64
	var decidedAt, bsn sql.NullString
	var prio int
	if err := row.Scan(&sr.ID, &sr.PatientID, &sr.FromPracticeID, &sr.ToPracticeID, &state, &method, &on, &sr.ConsentBy, &loc, &prio,
		&ground, &open, &by, &requested, &due, &decidedBy, &decidedAt, &sr.Reason, &reg, &bsn); err != nil {
		return sr, err
	}
	var err error
	if bsn.Valid && bsn.String != "" {
		sr.PatientBSN = mgz.MaskBSN(bsn.String)
	}
	sr.State, sr.ConsentMethod, sr.PriorityGround = mgz.SwitchState(state), mgz.ConsentMethod(method), mgz.PriorityGround(ground)
	sr.LocationID, sr.RegistrationID, sr.RequestedBy, sr.DecidedBy, sr.Priority = idPtr(loc), idPtr(reg), by.Int64, decidedBy.Int64, prio == 1
	sr.OpenItemsAcknowledged = []string{}
	if open != "" {
		sr.OpenItemsAcknowledged = strings.Split(open, ",")
	}
	if sr.ConsentOn, err = mgz.ParseDate(on); err != nil {
		return sr, err
	}
	if sr.RequestedAt, err = parseTime(requested); err != nil {
		return sr, err
	}
	if sr.DueAt, err = parseTime(due); err != nil {
		return sr, err
	}
	if decidedAt.Valid {
		t, err := parseTime(decidedAt.String)
		if err != nil {
			return sr, err
		}
		sr.DecidedAt = &t
	}
	return sr, nil
}

func nullUser(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AddSwitchRequest implements mgz.PatientStore.
func (ps *Patients) AddSwitchRequest(ctx context.Context, sr *mgz.SwitchRequest) error {
	return ps.write(ctx, func(q querier) error {
		var open int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM switch_requests WHERE patient_id = $1 AND state = 'open'", sr.PatientID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return errOpenSwitch()
		}
		sr.State = mgz.SwitchOpen
		err := q.QueryRowContext(ctx, `INSERT INTO switch_requests (patient_id, from_practice_id, to_practice_id, state, consent_method, consent_on, consent_by,
			location_id, priority, priority_ground, open_items_acknowledged, requested_by, requested_at, due_at, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '') RETURNING id`,
			sr.PatientID, sr.FromPracticeID, sr.ToPracticeID, string(sr.State), string(sr.ConsentMethod), sr.ConsentOn.String(), sr.ConsentBy,
			nullID(sr.LocationID), boolInt(sr.Priority), string(sr.PriorityGround), strings.Join(sr.OpenItemsAcknowledged, ","),
			nullUser(sr.RequestedBy), formatTime(sr.RequestedAt), formatTime(sr.DueAt)).Scan(&sr.ID)
		if err != nil && isUniqueViolation(err) {
			return errOpenSwitch()
		}
		return err
	})
}

func errOpenSwitch() error {
	return mgz.Errorf(mgz.ECodeConflict, "Voor deze cliënt loopt al een overstapverzoek. Wacht de uitkomst af; u ziet die onder Overstappen.")
}

// SwitchRequest implements mgz.PatientStore.
func (ps *Patients) SwitchRequest(ctx context.Context, id int64) (mgz.SwitchRequest, error) {
	sr, err := scanSwitch(ps.q().QueryRowContext(ctx, "SELECT "+switchColumns+" FROM switch_requests WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return sr, mgz.NotFound("Overstapverzoek", id)
	}
	return sr, err
}

// SwitchRequests implements mgz.PatientStore.
func (ps *Patients) SwitchRequests(ctx context.Context, f mgz.SwitchFilter) ([]mgz.SwitchRequest, int, error) {
	w := &where{}
	if f.PatientID != 0 {
		w.add("patient_id = %s", f.PatientID)
	}
	if f.OrganisationID != 0 {
		w.add("(from_practice_id = %s OR to_practice_id = %s)", f.OrganisationID, f.OrganisationID)
	}
	if f.State != "" {
		w.add("state = %s", string(f.State))
	}
	if !f.DecidedSince.IsZero() {
		w.add("decided_at >= %s", formatTime(f.DecidedSince))
	}
	var total int
	if err := ps.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM switch_requests"+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("overstapverzoeken tellen: %w", err)
	}
	rows, err := ps.q().QueryContext(ctx, "SELECT "+switchColumns+" FROM switch_requests"+w.String()+" ORDER BY id DESC"+w.page(f.Page), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("overstapverzoeken lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.SwitchRequest{}
	for rows.Next() {
		sr, err := scanSwitch(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, sr)
	}
	return out, total, rows.Err()
}

// CloseSwitchRequest implements mgz.PatientStore.
func (ps *Patients) CloseSwitchRequest(ctx context.Context, sr *mgz.SwitchRequest) error {
	if sr.State == mgz.SwitchOpen || !mgz.SwitchStates.Valid(sr.State) {
		return fmt.Errorf("sqlite: closing switch request %d as %q", sr.ID, sr.State)
	}
	return ps.write(ctx, func(q querier) error {
		var at any
		if sr.DecidedAt != nil {
			at = formatTime(*sr.DecidedAt)
		}
		res, err := q.ExecContext(ctx, `UPDATE switch_requests SET state = $1, decided_by = $2, decided_at = $3, reason = $4, registration_id = $5
			WHERE id = $6 AND state = 'open'`, string(sr.State), nullUser(sr.DecidedBy), at, sr.Reason, nullID(sr.RegistrationID), sr.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return mgz.Errorf(mgz.ECodeConflict, "Dit overstapverzoek is al afgehandeld. Open het opnieuw om de uitkomst te zien.")
		}
		return nil
	})
}

// DueSwitchRequests implements mgz.PatientStore.
func (ps *Patients) DueSwitchRequests(ctx context.Context, now time.Time) ([]mgz.SwitchRequest, error) {
	rows, err := ps.q().QueryContext(ctx, "SELECT "+switchColumns+" FROM switch_requests WHERE state = 'open' AND due_at <= $1 ORDER BY id", formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("overstapverzoeken lezen: %w", err)
	}
	defer rows.Close()
	var out []mgz.SwitchRequest
	for rows.Next() {
		sr, err := scanSwitch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// RecordBSNMiss implements mgz.PatientStore.
func (ps *Patients) RecordBSNMiss(ctx context.Context, patientID, orgID int64, at time.Time) error {
	return ps.write(ctx, func(q querier) error {
		t := formatTime(at)
		_, err := q.ExecContext(ctx, `INSERT INTO bsn_match_misses (patient_id, organisation_id, misses, first_at, last_at) VALUES ($1, $2, 1, $3, $3)
			ON CONFLICT (patient_id, organisation_id) DO UPDATE SET misses = bsn_match_misses.misses + 1, last_at = excluded.last_at`, patientID, orgID, t)
		return err
	})
}

// BSNMisses implements mgz.PatientStore.
func (ps *Patients) BSNMisses(ctx context.Context, practiceID, patientID int64) ([]mgz.BSNMiss, error) {
	w := &where{}
	w.add("p.gp_practice_id = %s", practiceID)
	if patientID != 0 {
		w.add("m.patient_id = %s", patientID)
	}
	rows, err := ps.q().QueryContext(ctx, `SELECT m.patient_id, m.organisation_id, m.misses, m.first_at, m.last_at
		FROM bsn_match_misses m JOIN patients p ON p.id = m.patient_id`+w.String()+" ORDER BY m.last_at DESC LIMIT 50", w.args...)
	if err != nil {
		return nil, fmt.Errorf("mislukte BSN-pogingen lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.BSNMiss{}
	for rows.Next() {
		var m mgz.BSNMiss
		var first, last string
		if err := rows.Scan(&m.PatientID, &m.OrganisationID, &m.Misses, &first, &last); err != nil {
			return nil, err
		}
		if m.FirstAt, err = parseTime(first); err != nil {
			return nil, err
		}
		if m.LastAt, err = parseTime(last); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

const keySwitchPeriod = "registration.switch_period_days"

// SwitchPeriodDays implements mgz.PatientStore.
func (ps *Patients) SwitchPeriodDays(ctx context.Context) (int, error) {
	return ps.intSetting(ctx, keySwitchPeriod, mgz.DefaultSwitchPeriodDays)
}

// SetSwitchPeriodDays implements mgz.PatientStore.
func (ps *Patients) SetSwitchPeriodDays(ctx context.Context, days int) error {
	if days < 1 || days > mgz.MaxSwitchPeriodDays {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "De termijn klopt niet.",
			Fields: map[string]string{"switch_period_days": fmt.Sprintf("Kies een termijn van 1 tot en met %d dagen.", mgz.MaxSwitchPeriodDays)}}
	}
	return ps.setIntSetting(ctx, keySwitchPeriod, days)
}

// AddLeadChange implements mgz.PatientStore.
func (ps *Patients) AddLeadChange(ctx context.Context, c *mgz.LeadChange) error {
	return ps.write(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO lead_physician_changes (patient_id, from_kind, from_org_id, to_kind, to_org_id, changed_by, changed_by_org_id, changed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, c.PatientID, string(c.FromKind), nullID(c.FromOrgID), string(c.ToKind), nullID(c.ToOrgID),
			nullUser(c.ChangedBy), nullUser(c.ChangedByOrgID), formatTime(c.ChangedAt)).Scan(&c.ID)
	})
}

// LeadChanges implements mgz.PatientStore.
func (ps *Patients) LeadChanges(ctx context.Context, patientID int64) ([]mgz.LeadChange, error) {
	return ps.leadChanges(ctx, "WHERE c.patient_id = $1", patientID)
}

// LeadChangesByOthers implements mgz.PatientStore.
func (ps *Patients) LeadChangesByOthers(ctx context.Context, practiceID int64, since time.Time) ([]mgz.LeadChange, error) {
	return ps.leadChanges(ctx, `JOIN patients p ON p.id = c.patient_id
		WHERE p.gp_practice_id = $1 AND c.changed_at >= $2 AND (c.changed_by_org_id IS NULL OR c.changed_by_org_id <> $1)`, practiceID, formatTime(since))
}

func (ps *Patients) leadChanges(ctx context.Context, where string, args ...any) ([]mgz.LeadChange, error) {
	rows, err := ps.q().QueryContext(ctx, `SELECT c.id, c.patient_id, c.from_kind, c.from_org_id, c.to_kind, c.to_org_id, c.changed_by, c.changed_by_org_id, c.changed_at
		FROM lead_physician_changes c `+where+" ORDER BY c.id DESC LIMIT 200", args...)
	if err != nil {
		return nil, fmt.Errorf("wijzigingen van de regiebehandelaar lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.LeadChange{}
	for rows.Next() {
		var c mgz.LeadChange
		var fromKind, toKind, at string
		var from, to, by, byOrg sql.NullInt64
		if err := rows.Scan(&c.ID, &c.PatientID, &fromKind, &from, &toKind, &to, &by, &byOrg, &at); err != nil {
			return nil, err
		}
		c.FromKind, c.ToKind, c.FromOrgID, c.ToOrgID, c.ChangedBy, c.ChangedByOrgID = mgz.LeadPhysician(fromKind), mgz.LeadPhysician(toKind), idPtr(from), idPtr(to), by.Int64, byOrg.Int64
		if c.ChangedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
