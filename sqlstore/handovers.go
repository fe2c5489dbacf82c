package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// Handovers implements mgz.HandoverStore.
type Handovers struct{ scope }

var _ mgz.HandoverStore = (*Handovers)(nil)

// Handovers implements mgz.Tx.
func (s *Store) Handovers() mgz.HandoverStore { return &Handovers{s.scope} }

const keyHandoverMaxAge = "handover.max_age_months"

// handoverSelect reads a version with its last confirmation (a save is confirmed with it, so
// there is always one).
const handoverSelect = `SELECT h.patient_id, h.version, h.lead_physician, h.lead_org_id, h.lead_name, h.lead_reach, h.wishes,
	h.problems, h.medication, h.allergies, h.contact_persons, h.legal_representative, h.created_at, h.created_by_name,
	c.confirmed_at, c.name, c.org_id
	FROM handovers h JOIN handover_confirmations c ON c.id = (SELECT c2.id FROM handover_confirmations c2
		WHERE c2.patient_id = h.patient_id AND c2.version = h.version ORDER BY c2.confirmed_at DESC, c2.id DESC LIMIT 1)`

func scanHandover(row *sql.Row) (mgz.Handover, error) {
	var h mgz.Handover
	var lead, wishes, created, confirmed string
	err := row.Scan(&h.PatientID, &h.Version, &lead, &h.LeadOrganisationID, &h.LeadName, &h.LeadReach, &wishes,
		&h.Problems, &h.Medication, &h.Allergies, &h.ContactPersons, &h.Representative, &created, &h.CreatedBy,
		&confirmed, &h.ConfirmedBy, &h.ConfirmedByOrgID)
	if errors.Is(err, sql.ErrNoRows) {
		return h, mgz.Errorf(mgz.ECodeNotFound, "Voor deze cliënt is nog geen overdracht vastgelegd.")
	}
	if err != nil {
		return h, fmt.Errorf("overdracht lezen: %w", err)
	}
	h.LeadPhysician = mgz.LeadPhysician(lead)
	if err := json.Unmarshal([]byte(wishes), &h.Wishes); err != nil {
		return h, fmt.Errorf("behandelwensen van overdracht lezen: %w", err)
	}
	if h.CreatedAt, err = parseTime(created); err != nil {
		return h, err
	}
	if h.ConfirmedAt, err = parseTime(confirmed); err != nil {
		return h, err
	}
	return h, nil
}

// Current implements mgz.HandoverStore.
func (hs *Handovers) Current(ctx context.Context, patientID int64) (mgz.Handover, error) {
	return scanHandover(hs.q().QueryRowContext(ctx, handoverSelect+` WHERE h.patient_id = $1 ORDER BY h.version DESC LIMIT 1`, patientID))
}

// Version implements mgz.HandoverStore.
func (hs *Handovers) Version(ctx context.Context, patientID, version int64) (mgz.Handover, error) {
	h, err := scanHandover(hs.q().QueryRowContext(ctx, handoverSelect+` WHERE h.patient_id = $1 AND h.version = $2`, patientID, version))
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return h, mgz.Errorf(mgz.ECodeNotFound, "Versie %d van de overdracht bestaat niet.", version)
	}
	return h, err
}

// Versions implements mgz.HandoverStore.
func (hs *Handovers) Versions(ctx context.Context, patientID int64) ([]mgz.HandoverVersionInfo, error) {
	rows, err := hs.q().QueryContext(ctx, `SELECT h.version, h.created_at, h.created_by_name, c.confirmed_at, c.name
		FROM handovers h JOIN handover_confirmations c ON c.id = (SELECT c2.id FROM handover_confirmations c2
			WHERE c2.patient_id = h.patient_id AND c2.version = h.version ORDER BY c2.confirmed_at DESC, c2.id DESC LIMIT 1)
		WHERE h.patient_id = $1 ORDER BY h.version DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("versies van overdracht lezen: %w", err)
	}
	defer rows.Close()
	var out []mgz.HandoverVersionInfo
	for rows.Next() {
		var v mgz.HandoverVersionInfo
		var created, confirmed string
		if err := rows.Scan(&v.Version, &created, &v.CreatedBy, &confirmed, &v.ConfirmedBy); err != nil {
			return nil, fmt.Errorf("versies van overdracht lezen: %w", err)
		}
		if v.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if v.ConfirmedAt, err = parseTime(confirmed); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Add implements mgz.HandoverStore.
func (hs *Handovers) Add(ctx context.Context, h *mgz.Handover, userID int64) error {
	wishes, err := json.Marshal(h.Wishes)
	if err != nil {
		return err
	}
	if h.Wishes == nil {
		wishes = []byte("[]")
	}
	return hs.write(ctx, func(q querier) error {
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM handovers WHERE patient_id = $1`, h.PatientID).Scan(&h.Version); err != nil {
			return fmt.Errorf("versie van overdracht bepalen: %w", err)
		}
		_, err := q.ExecContext(ctx, `INSERT INTO handovers (patient_id, version, lead_physician, lead_org_id, lead_name, lead_reach, wishes,
			problems, medication, allergies, contact_persons, legal_representative, created_at, created_by, created_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			h.PatientID, h.Version, string(h.LeadPhysician), h.LeadOrganisationID, h.LeadName, h.LeadReach, string(wishes),
			h.Problems, h.Medication, h.Allergies, h.ContactPersons, h.Representative, formatTime(h.CreatedAt), nullUser(userID), h.CreatedBy)
		if err != nil {
			return fmt.Errorf("overdracht opslaan: %w", err)
		}
		h.ConfirmedAt, h.ConfirmedBy, h.ConfirmedByOrgID = h.CreatedAt, h.CreatedBy, h.LeadOrganisationID
		_, err = q.ExecContext(ctx, `INSERT INTO handover_confirmations (patient_id, version, confirmed_at, confirmed_by, name, org_id)
			VALUES ($1, $2, $3, $4, $5, $6)`, h.PatientID, h.Version, formatTime(h.CreatedAt), nullUser(userID), h.CreatedBy, h.LeadOrganisationID)
		if err != nil {
			return fmt.Errorf("bevestiging van overdracht opslaan: %w", err)
		}
		return nil
	})
}

// Confirm implements mgz.HandoverStore.
func (hs *Handovers) Confirm(ctx context.Context, patientID, version, userID, orgID int64, name string, at time.Time) error {
	return hs.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO handover_confirmations (patient_id, version, confirmed_at, confirmed_by, name, org_id)
			VALUES ($1, $2, $3, $4, $5, $6)`, patientID, version, formatTime(at), nullUser(userID), name, orgID)
		if err != nil {
			return fmt.Errorf("bevestiging van overdracht opslaan: %w", err)
		}
		return nil
	})
}

// AddEmergencyAccess implements mgz.HandoverStore.
func (hs *Handovers) AddEmergencyAccess(ctx context.Context, g *mgz.EmergencyAccess) error {
	return hs.write(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO handover_emergency_access (patient_id, user_id, organisation_id, reason, granted_at, until)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, g.PatientID, g.UserID, g.OrganisationID, g.Reason,
			formatTime(g.GrantedAt), formatTime(g.Until)).Scan(&g.ID)
	})
}

// ActiveEmergencyAccess implements mgz.HandoverStore.
func (hs *Handovers) ActiveEmergencyAccess(ctx context.Context, userID, patientID int64, t time.Time) (mgz.EmergencyAccess, bool, error) {
	g := mgz.EmergencyAccess{UserID: userID, PatientID: patientID}
	var granted, until string
	err := hs.q().QueryRowContext(ctx, `SELECT id, organisation_id, reason, granted_at, until FROM handover_emergency_access
		WHERE user_id = $1 AND patient_id = $2 AND granted_at <= $3 AND until > $3 ORDER BY until DESC LIMIT 1`,
		userID, patientID, formatTime(t)).Scan(&g.ID, &g.OrganisationID, &g.Reason, &granted, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return g, false, nil
	}
	if err != nil {
		return g, false, fmt.Errorf("noodtoegang lezen: %w", err)
	}
	if g.GrantedAt, err = parseTime(granted); err != nil {
		return g, false, err
	}
	if g.Until, err = parseTime(until); err != nil {
		return g, false, err
	}
	return g, true, nil
}

// LastConfirmed implements mgz.HandoverStore.
func (hs *Handovers) LastConfirmed(ctx context.Context, patientIDs []int64) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(patientIDs) == 0 {
		return out, nil
	}
	marks := make([]string, len(patientIDs))
	args := make([]any, len(patientIDs))
	for i, id := range patientIDs {
		marks[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := hs.q().QueryContext(ctx, `SELECT c.patient_id, MAX(c.confirmed_at) FROM handover_confirmations c
		JOIN (SELECT patient_id, MAX(version) AS version FROM handovers GROUP BY patient_id) h
			ON h.patient_id = c.patient_id AND h.version = c.version
		WHERE c.patient_id IN (`+strings.Join(marks, ", ")+`) GROUP BY c.patient_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("bevestigingen van overdrachten lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("bevestigingen van overdrachten lezen: %w", err)
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// MaxAgeMonths implements mgz.HandoverStore.
func (hs *Handovers) MaxAgeMonths(ctx context.Context) (int, error) {
	return hs.intSetting(ctx, keyHandoverMaxAge, mgz.DefaultHandoverMaxAgeMonths)
}

// SetMaxAgeMonths implements mgz.HandoverStore.
func (hs *Handovers) SetMaxAgeMonths(ctx context.Context, months int) error {
	if months < 1 || months > mgz.MaxHandoverMaxAgeMonths {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "De termijn klopt niet.",
			Fields: map[string]string{"max_age_months": fmt.Sprintf("Kies een termijn van 1 tot en met %d maanden.", mgz.MaxHandoverMaxAgeMonths)}}
	}
	return hs.setIntSetting(ctx, keyHandoverMaxAge, months)
}

// AgesAt implements mgz.HandoverStore. Per location it keeps, until the change generation moves
// (0019, 0020: confirmations and clients moving it), when each Wlz client's handover was last
// confirmed, sorted; the ages at any moment are then counted without reading the database.
func (hs *Handovers) AgesAt(ctx context.Context, locationIDs []int64, confirmedBefore time.Time) (map[int64]mgz.HandoverAges, error) {
	out := map[int64]mgz.HandoverAges{}
	if len(locationIDs) == 0 {
		return out, nil
	}
	lasts, err := memoizedByLocation(ctx, hs.scope, "handover_lasts", "", locationIDs, func(ids []int64) (map[int64]handoverLasts, error) {
		return hs.lastConfirmations(ctx, ids)
	})
	if err != nil {
		return nil, err
	}
	before := formatTime(confirmedBefore)
	for id, l := range lasts {
		if l.missing == 0 && len(l.at) == 0 {
			continue // no Wlz clients
		}
		out[id] = mgz.HandoverAges{Missing: l.missing, Outdated: sort.SearchStrings(l.at, before)}
	}
	return out, nil
}

// handoverLasts are a location's Wlz clients without a confirmed handover (missing) and the
// moments the others' handovers were last confirmed (at, as stored: formatTime sorts in time).
type handoverLasts struct {
	missing int
	at      []string
}

// lastConfirmations reads, per location of ids, when each Wlz client's handover was last
// confirmed: one query over the locations' clients; each client's last confirmation is found
// through the confirmations' index.
func (hs *Handovers) lastConfirmations(ctx context.Context, ids []int64) (map[int64]handoverLasts, error) {
	args := make([]any, len(ids))
	ph := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	rows, err := hs.q().QueryContext(ctx, `SELECT p.location_id,
		(SELECT MAX(c.confirmed_at) FROM handover_confirmations c WHERE c.patient_id = p.id)
		FROM patients p WHERE p.wlz <> 'none' AND p.location_id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("ouderdom van overdrachten per locatie lezen: %w", err)
	}
	defer rows.Close()
	out := map[int64]handoverLasts{}
	for rows.Next() {
		var loc int64
		var last sql.NullString
		if err := rows.Scan(&loc, &last); err != nil {
			return nil, fmt.Errorf("ouderdom van overdrachten per locatie lezen: %w", err)
		}
		l := out[loc]
		if last.Valid {
			l.at = append(l.at, last.String)
		} else {
			l.missing++
		}
		out[loc] = l
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, l := range out {
		sort.Strings(l.at)
	}
	return out, nil
}
