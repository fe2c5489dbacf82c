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

// Accounts implements mgz.AccountStore.
type Accounts struct{ scope }

var _ mgz.AccountStore = (*Accounts)(nil)

const userColumns = "id, organisation_id, email, name, roles, must_change_password, disabled, last_login_at, created_at, updated_at, revision"

func scanUser(row interface{ Scan(...any) error }, extra ...any) (mgz.User, error) {
	var u mgz.User
	var roles, created, updated string
	var last sql.NullString
	var mustChange, disabled int
	dest := append([]any{&u.ID, &u.OrganisationID, &u.Email, &u.Name, &roles, &mustChange, &disabled, &last, &created, &updated, &u.Revision}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, mgz.UserRole(r))
		}
	}
	u.MustChangePassword, u.Disabled = mustChange == 1, disabled == 1
	var err error
	if last.Valid {
		t, err := parseTime(last.String)
		if err != nil {
			return u, err
		}
		u.LastLoginAt = &t
	}
	if u.CreatedAt, err = parseTime(created); err != nil {
		return u, err
	}
	u.UpdatedAt, err = parseTime(updated)
	return u, err
}

func joinRoles(rs []mgz.UserRole) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// User implements mgz.AccountStore.
func (a *Accounts) User(ctx context.Context, id int64) (mgz.User, error) {
	u, err := scanUser(a.q().QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, mgz.NotFound("Gebruiker", id)
	}
	return u, err
}

// UserByEmail implements mgz.AccountStore.
func (a *Accounts) UserByEmail(ctx context.Context, email string) (mgz.User, string, error) {
	var hash string
	u, err := scanUser(a.q().QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = $1",
		strings.ToLower(strings.TrimSpace(email))), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", mgz.Errorf(mgz.ECodeNotFound, "Er is geen gebruiker met dit e-mailadres.")
	}
	return u, hash, err
}

// Users implements mgz.AccountStore.
func (a *Accounts) Users(ctx context.Context, f mgz.UserFilter) ([]mgz.User, int, error) {
	var w where
	if f.OrganisationID != 0 {
		w.add("organisation_id = %s", f.OrganisationID)
	}
	var total int
	if err := a.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM users"+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("gebruikers tellen: %w", err)
	}
	rows, err := a.q().QueryContext(ctx, "SELECT "+userColumns+" FROM users"+w.String()+" ORDER BY name, id"+w.page(f.Page), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("gebruikers lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// CreateUser implements mgz.AccountStore; the caller has validated u.
func (a *Accounts) CreateUser(ctx context.Context, u *mgz.User, passwordHash string) error {
	return a.write(ctx, func(q querier) error {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE email = $1", u.Email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			// Neutral: the address may belong to another organisation's account (no oracle).
			return &mgz.Error{Code: mgz.ECodeConflict, Message: "Dit e-mailadres kan niet voor een nieuw account worden gebruikt.",
				Fields: map[string]string{"email": "Kies een ander e-mailadres. Elk account heeft een eigen e-mailadres."}}
		}
		now := a.db.now()
		err := q.QueryRowContext(ctx, `INSERT INTO users (organisation_id, email, name, roles, password_hash, must_change_password,
			disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.OrganisationID, u.Email, u.Name, joinRoles(u.Roles), passwordHash, boolInt(u.MustChangePassword), boolInt(u.Disabled),
			formatTime(now), formatTime(now)).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("gebruiker opslaan: %w", err)
		}
		u.CreatedAt, u.UpdatedAt = now.Truncate(time.Millisecond), now.Truncate(time.Millisecond)
		u.Revision = 1
		return nil
	})
}

// UpdateUser implements mgz.AccountStore: name, roles and disabled; e-mail and organisation stay.
// The revision check is part of the UPDATE, so an edit made on an older revision never overwrites.
func (a *Accounts) UpdateUser(ctx context.Context, u *mgz.User) error {
	return a.write(ctx, func(q querier) error {
		now := a.db.now()
		res, err := q.ExecContext(ctx, `UPDATE users SET name = $1, roles = $2, disabled = $3, updated_at = $4, revision = revision + 1
			WHERE id = $5 AND revision = $6`, u.Name, joinRoles(u.Roles), boolInt(u.Disabled), formatTime(now), u.ID, u.Revision)
		if err != nil {
			return fmt.Errorf("gebruiker %d bijwerken: %w", u.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var current int64
			err := q.QueryRowContext(ctx, "SELECT revision FROM users WHERE id = $1", u.ID).Scan(&current)
			if errors.Is(err, sql.ErrNoRows) {
				return mgz.NotFound("Gebruiker", u.ID)
			}
			if err != nil {
				return fmt.Errorf("gebruiker %d lezen: %w", u.ID, err)
			}
			return mgz.StaleEdit("De gebruiker", u.Revision, current, nil)
		}
		u.Revision++
		u.UpdatedAt = now.Truncate(time.Millisecond)
		if u.Disabled {
			_, err = q.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", u.ID)
		}
		return err
	})
}

// ActiveAdmins implements mgz.AccountStore. Roles are a comma-separated list, read here rather
// than matched in SQL, so a role name that contains another can never count.
func (a *Accounts) ActiveAdmins(ctx context.Context, orgID int64) (int, error) {
	rows, err := a.q().QueryContext(ctx, "SELECT roles FROM users WHERE organisation_id = $1 AND disabled = 0", orgID)
	if err != nil {
		return 0, fmt.Errorf("beheerders tellen: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var roles string
		if err := rows.Scan(&roles); err != nil {
			return 0, err
		}
		for _, r := range strings.Split(roles, ",") {
			if mgz.UserRole(r) == mgz.RoleAdmin {
				n++
				break
			}
		}
	}
	return n, rows.Err()
}

// SetPassword implements mgz.AccountStore. Sessions are left alone: the service ends them.
func (a *Accounts) SetPassword(ctx context.Context, userID int64, passwordHash string, mustChange bool) error {
	return a.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
			passwordHash, boolInt(mustChange), formatTime(a.db.now()), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return mgz.NotFound("Gebruiker", userID)
		}
		return nil
	})
}

// RecordLogin implements mgz.AccountStore.
func (a *Accounts) RecordLogin(ctx context.Context, userID int64, at time.Time) error {
	_, err := a.q().ExecContext(ctx, "UPDATE users SET last_login_at = $1 WHERE id = $2", formatTime(at), userID)
	return err
}

// CreateSession implements mgz.AccountStore.
func (a *Accounts) CreateSession(ctx context.Context, secretHash string, s mgz.Session) error {
	_, err := a.q().ExecContext(ctx, `INSERT INTO sessions (secret_hash, user_id, csrf_token, address, created_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, secretHash, s.UserID, s.CSRFToken, s.Address, formatTime(s.CreatedAt), formatTime(s.LastSeenAt))
	return err
}

// Session implements mgz.AccountStore.
func (a *Accounts) Session(ctx context.Context, secretHash string) (mgz.Session, error) {
	var s mgz.Session
	var created, seen string
	err := a.q().QueryRowContext(ctx, "SELECT user_id, csrf_token, address, created_at, last_seen_at FROM sessions WHERE secret_hash = $1",
		secretHash).Scan(&s.UserID, &s.CSRFToken, &s.Address, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, mgz.Errorf(mgz.ECodeNotFound, "Sessie bestaat niet (meer).")
	}
	if err != nil {
		return s, err
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return s, err
	}
	s.LastSeenAt, err = parseTime(seen)
	return s, err
}

// TouchSession implements mgz.AccountStore.
func (a *Accounts) TouchSession(ctx context.Context, secretHash string, at time.Time) error {
	_, err := a.q().ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1 WHERE secret_hash = $2", formatTime(at), secretHash)
	return err
}

// DeleteSession implements mgz.AccountStore.
func (a *Accounts) DeleteSession(ctx context.Context, secretHash string) error {
	_, err := a.q().ExecContext(ctx, "DELETE FROM sessions WHERE secret_hash = $1", secretHash)
	return err
}

// DeleteUserSessions implements mgz.AccountStore.
func (a *Accounts) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := a.q().ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", userID)
	return err
}

const tokenColumns = "id, user_id, name, prefix, created_at, last_used_at, revoked_at"

func scanToken(row interface{ Scan(...any) error }) (mgz.APIToken, error) {
	var t mgz.APIToken
	var created string
	var used, revoked sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &used, &revoked); err != nil {
		return t, err
	}
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return t, err
	}
	for _, p := range []struct {
		s   sql.NullString
		dst **time.Time
	}{{used, &t.LastUsedAt}, {revoked, &t.RevokedAt}} {
		if p.s.Valid {
			v, err := parseTime(p.s.String)
			if err != nil {
				return t, err
			}
			*p.dst = &v
		}
	}
	return t, nil
}

// CreateToken implements mgz.AccountStore.
func (a *Accounts) CreateToken(ctx context.Context, t *mgz.APIToken, secretHash string) error {
	now := a.db.now()
	err := a.q().QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, secret_hash, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, t.UserID, t.Name, t.Prefix, secretHash, formatTime(now)).Scan(&t.ID)
	t.CreatedAt = now.Truncate(time.Millisecond)
	return err
}

// TokenBySecret implements mgz.AccountStore.
func (a *Accounts) TokenBySecret(ctx context.Context, secretHash string) (mgz.APIToken, error) {
	t, err := scanToken(a.q().QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE secret_hash = $1", secretHash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, mgz.Errorf(mgz.ECodeNotFound, "Onbekend token.")
	}
	return t, err
}

// Token implements mgz.AccountStore.
func (a *Accounts) Token(ctx context.Context, id int64) (mgz.APIToken, error) {
	t, err := scanToken(a.q().QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, mgz.NotFound("Token", id)
	}
	return t, err
}

// Tokens implements mgz.AccountStore.
func (a *Accounts) Tokens(ctx context.Context, userID int64) ([]mgz.APIToken, error) {
	rows, err := a.q().QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mgz.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken implements mgz.AccountStore; only the token's own user can be named.
func (a *Accounts) RevokeToken(ctx context.Context, userID, tokenID int64, at time.Time) error {
	res, err := a.q().ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
		formatTime(at), tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mgz.Errorf(mgz.ECodeNotFound, "Token %d bestaat niet of is al ingetrokken.", tokenID)
	}
	return nil
}

// TouchToken implements mgz.AccountStore.
func (a *Accounts) TouchToken(ctx context.Context, tokenID int64, at time.Time) error {
	_, err := a.q().ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", formatTime(at), tokenID)
	return err
}
