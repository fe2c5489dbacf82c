package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/audit"
)

// AuditLog implements mgz.AuditLog. It has no update and no delete.
type AuditLog struct{ scope }

var _ mgz.AuditLog = (*AuditLog)(nil)

// Append implements mgz.AuditLog: it seals e onto the chain after the newest entry and moves the
// head. In a transaction it writes in the caller's transaction; outside one it hands e to the
// database's group committer (groupcommit.go) and returns once e is durable, or with an error when
// e is not stored. Writers are serialised by SQLite's write lock (BEGIN IMMEDIATE) and the head is
// read inside the writing transaction, so two appends never share a previous hash.
func (a *AuditLog) Append(ctx context.Context, e *mgz.AuditEntry) error {
	return a.AppendAll(ctx, []*mgz.AuditEntry{e})
}

// AppendAll implements mgz.AuditLog: es in order, in the caller's transaction or, outside one,
// group-committed together (never split).
func (a *AuditLog) AppendAll(ctx context.Context, es []*mgz.AuditEntry) error {
	if a.tx != nil {
		return appendChain(ctx, a.db, a.tx, es)
	}
	return a.db.group.append(ctx, a.db, es)
}

// appendChain seals es onto the chain after the head and inserts them in tx, then moves the head
// once. The head is read in tx, which holds the write lock (BEGIN IMMEDIATE).
func appendChain(ctx context.Context, db *DB, tx *sql.Tx, es []*mgz.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	// The transaction's statements are prepared once for it (stmtcache.go): an audited change
	// that writes a hundred entries one Append at a time parsed them a hundred times.
	q := cachedQuerier{db: db, tx: tx}
	prevID, prevHash := int64(0), audit.Genesis
	err := q.QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1").Scan(&prevID, &prevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("auditlog lezen: %w", err)
	}
	if db.dialect == dialectPostgres && len(es) > 1 {
		var err error
		if prevID, prevHash, err = insertAuditRows(ctx, db, tx, es, prevID, prevHash); err != nil {
			return err
		}
		return moveAuditHead(ctx, q, prevID, prevHash)
	}
	for _, e := range es {
		if e.At.IsZero() {
			e.At = db.now()
		}
		audit.Seal(e, prevID, prevHash)
		_, err = q.ExecContext(ctx, insertAudit,
			e.ID, e.At.Format(audit.TimeFormat), nullInt(e.UserID), e.UserEmail, nullInt(e.OrganisationID), e.Roles, e.OnBehalfOf,
			string(e.Action), e.ObjectType, nullInt(e.ObjectID), nullInt(e.ObjectOrganisationID), nullInt(e.PatientID), e.Outcome,
			e.ClientAddress, e.Reason, e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("auditregel schrijven: %w", err)
		}
		prevID, prevHash = e.ID, e.Hash
	}
	return moveAuditHead(ctx, q, prevID, prevHash)
}

// moveAuditHead records the newest entry of the chain.
func moveAuditHead(ctx context.Context, q querier, lastID int64, lastHash string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, $1, $2)
		ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash`, lastID, lastHash)
	if err != nil {
		return fmt.Errorf("auditlog bijwerken: %w", err)
	}
	return nil
}

// insertAuditRows seals es onto the chain after prevID and prevHash and inserts them on
// PostgreSQL in one statement, the columns as arrays taken apart by unnest: a list of 50 clients
// read is one round trip to the server instead of 50. It returns the new head.
func insertAuditRows(ctx context.Context, db *DB, tx *sql.Tx, es []*mgz.AuditEntry, prevID int64, prevHash string) (int64, string, error) {
	n := len(es)
	ids, users, orgs, objects, objectOrgs, patients := make([]int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)
	at, emails, roles, behalf, actions, objectTypes := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	outcomes, addrs, reasons, prevs, hashes := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ptr := func(v int64) *int64 {
		if v == 0 {
			return nil
		}
		return &v
	}
	for i, e := range es {
		if e.At.IsZero() {
			e.At = db.now()
		}
		audit.Seal(e, prevID, prevHash)
		ids[i], at[i], users[i], emails[i], orgs[i], roles[i], behalf[i] = e.ID, e.At.Format(audit.TimeFormat), ptr(e.UserID), e.UserEmail, ptr(e.OrganisationID), e.Roles, e.OnBehalfOf
		actions[i], objectTypes[i], objects[i], objectOrgs[i], patients[i] = string(e.Action), e.ObjectType, ptr(e.ObjectID), ptr(e.ObjectOrganisationID), ptr(e.PatientID)
		outcomes[i], addrs[i], reasons[i], prevs[i], hashes[i] = e.Outcome, e.ClientAddress, e.Reason, e.PrevHash, e.Hash
		prevID, prevHash = e.ID, e.Hash
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, user_id, user_email, organisation_id, roles, on_behalf_of,
		action, object_type, object_id, object_organisation_id, patient_id, outcome, client_address, reason, prev_hash, hash)
		SELECT * FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS TEXT[]), CAST($3 AS BIGINT[]), CAST($4 AS TEXT[]), CAST($5 AS BIGINT[]),
		CAST($6 AS TEXT[]), CAST($7 AS TEXT[]), CAST($8 AS TEXT[]), CAST($9 AS TEXT[]), CAST($10 AS BIGINT[]), CAST($11 AS BIGINT[]),
		CAST($12 AS BIGINT[]), CAST($13 AS TEXT[]), CAST($14 AS TEXT[]), CAST($15 AS TEXT[]), CAST($16 AS TEXT[]), CAST($17 AS TEXT[]))`,
		ids, at, users, emails, orgs, roles, behalf, actions, objectTypes, objects, objectOrgs, patients, outcomes, addrs, reasons, prevs, hashes)
	if err != nil {
		return 0, "", fmt.Errorf("auditregels schrijven: %w", err)
	}
	return prevID, prevHash, nil
}

const insertAudit = `INSERT INTO audit_log (id, at, user_id, user_email, organisation_id, roles, on_behalf_of,
	action, object_type, object_id, object_organisation_id, patient_id, outcome, client_address, reason, prev_hash, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func (a *AuditLog) where(f mgz.AuditFilter) *where {
	var w where
	if f.UserID != 0 {
		w.add("user_id = %s", f.UserID)
	}
	if f.PatientID != 0 {
		w.add("patient_id = %s", f.PatientID)
	}
	if f.OrganisationID != 0 {
		w.add("(organisation_id = %s OR object_organisation_id = %s)", f.OrganisationID, f.OrganisationID)
	}
	if !f.From.IsZero() {
		w.add("at >= %s", f.From.UTC().Format(audit.TimeFormat))
	}
	if !f.To.IsZero() {
		w.add("at < %s", f.To.UTC().Format(audit.TimeFormat))
	}
	return &w
}

const auditColumns = `id, at, user_id, user_email, organisation_id, roles, on_behalf_of, action, object_type, object_id,
	object_organisation_id, patient_id, outcome, client_address, reason, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }) (mgz.AuditEntry, error) {
	var e mgz.AuditEntry
	var at string
	var user, org, obj, objOrg, patient sql.NullInt64
	err := row.Scan(&e.ID, &at, &user, &e.UserEmail, &org, &e.Roles, &e.OnBehalfOf, &e.Action, &e.ObjectType, &obj, &objOrg,
		&patient, &e.Outcome, &e.ClientAddress, &e.Reason, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, err
	}
	e.UserID, e.OrganisationID, e.ObjectID, e.ObjectOrganisationID, e.PatientID = user.Int64, org.Int64, obj.Int64, objOrg.Int64, patient.Int64
	e.At, err = time.Parse(audit.TimeFormat, at)
	return e, err
}

// Entries implements mgz.AuditLog: newest first.
func (a *AuditLog) Entries(ctx context.Context, f mgz.AuditFilter) ([]mgz.AuditEntry, int, error) {
	w := a.where(f)
	var total int
	if err := a.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log"+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auditlog tellen: %w", err)
	}
	tail := w.order(f.Page, "id", "id DESC", true) // before w.String: it may add the keyset condition
	rows, err := a.q().QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_log"+w.String()+tail, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("auditlog lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.AuditEntry{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// Each implements mgz.AuditLog: oldest first, without paging.
func (a *AuditLog) Each(ctx context.Context, f mgz.AuditFilter, fn func(mgz.AuditEntry) error) error {
	w := a.where(f)
	rows, err := a.q().QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_log"+w.String()+" ORDER BY id", w.args...)
	if err != nil {
		return fmt.Errorf("auditlog lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("auditregel lezen: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Verify walks the whole chain and checks it against the head; it returns the number of entries
// and an *audit.BrokenError naming the first bad row.
func (a *AuditLog) Verify(ctx context.Context) (int, error) {
	v := audit.NewVerifier()
	if err := a.Each(ctx, mgz.AuditFilter{}, v.Check); err != nil {
		return v.Count(), err
	}
	headID, headHash := int64(0), audit.Genesis
	err := a.q().QueryRowContext(ctx, "SELECT last_id, last_hash FROM audit_head WHERE singleton = 1").Scan(&headID, &headHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v.Count(), err
	}
	return v.Count(), v.Finish(headID, headHash)
}

// FailureWindow implements mgz.AuditLog.
func (a *AuditLog) FailureWindow(ctx context.Context, action mgz.AuditAction, client string) (mgz.FailureWindow, bool, error) {
	w, err := scanFailureWindow(a.q().QueryRowContext(ctx, "SELECT "+failureWindowColumns+
		" FROM audit_failure_windows WHERE action = $1 AND client = $2", string(action), client))
	if errors.Is(err, sql.ErrNoRows) {
		return w, false, nil
	}
	if err != nil {
		return w, false, fmt.Errorf("telling van mislukte pogingen lezen: %w", err)
	}
	return w, true, nil
}

// SaveFailureWindow implements mgz.AuditLog.
func (a *AuditLog) SaveFailureWindow(ctx context.Context, w mgz.FailureWindow) error {
	_, err := a.q().ExecContext(ctx, `INSERT INTO audit_failure_windows (action, client, started_at, written, counted,
		first_counted_at, last_counted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (action, client) DO UPDATE SET started_at = excluded.started_at, written = excluded.written,
		counted = excluded.counted, first_counted_at = excluded.first_counted_at, last_counted_at = excluded.last_counted_at`,
		string(w.Action), w.Client, formatTime(w.Start), w.Written, w.Counted, nullTime(w.FirstCounted), nullTime(w.LastCounted))
	if err != nil {
		return fmt.Errorf("telling van mislukte pogingen opslaan: %w", err)
	}
	return nil
}

// FailureWindowsStartedBy implements mgz.AuditLog.
func (a *AuditLog) FailureWindowsStartedBy(ctx context.Context, t time.Time) ([]mgz.FailureWindow, error) {
	rows, err := a.q().QueryContext(ctx, "SELECT "+failureWindowColumns+
		" FROM audit_failure_windows WHERE started_at <= $1 ORDER BY started_at, action, client", formatTime(t))
	if err != nil {
		return nil, fmt.Errorf("tellingen van mislukte pogingen lezen: %w", err)
	}
	defer rows.Close()
	var out []mgz.FailureWindow
	for rows.Next() {
		w, err := scanFailureWindow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteFailureWindow implements mgz.AuditLog.
func (a *AuditLog) DeleteFailureWindow(ctx context.Context, action mgz.AuditAction, client string) error {
	_, err := a.q().ExecContext(ctx, "DELETE FROM audit_failure_windows WHERE action = $1 AND client = $2", string(action), client)
	return err
}

const failureWindowColumns = "action, client, started_at, written, counted, first_counted_at, last_counted_at"

func scanFailureWindow(row interface{ Scan(...any) error }) (mgz.FailureWindow, error) {
	var w mgz.FailureWindow
	var started string
	var first, last sql.NullString
	if err := row.Scan(&w.Action, &w.Client, &started, &w.Written, &w.Counted, &first, &last); err != nil {
		return w, err
	}
	var err error
	if w.Start, err = parseTime(started); err != nil {
		return w, err
	}
	if first.Valid {
		if w.FirstCounted, err = parseTime(first.String); err != nil {
			return w, err
		}
	}
	if last.Valid {
		w.LastCounted, err = parseTime(last.String)
	}
	return w, err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}
