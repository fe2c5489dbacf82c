package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
)

// Outbox implements mgz.MailOutbox on the table mail_outbox.
type Outbox struct{ scope }

var _ mgz.MailOutbox = (*Outbox)(nil)

// Outbox implements mgz.Tx.
func (s *Store) Outbox() mgz.MailOutbox { return &Outbox{s.scope} }

const outboxColumns = `m.id, COALESCE(m.notice_id, 0), COALESCE(n.organisation_id, 0), m.recipient, m.subject, m.body, m.link,
	m.created_at, m.attempts, m.next_attempt_at, m.last_error, m.sent_at, m.failed_at`

const outboxFrom = " FROM mail_outbox m LEFT JOIN notices n ON n.id = m.notice_id"

type rowScanner interface{ Scan(dest ...any) error }

func scanMail(r rowScanner) (mgz.OutboxMail, error) {
	var m mgz.OutboxMail
	var created, next string
	var sent, failed sql.NullString
	if err := r.Scan(&m.ID, &m.NoticeID, &m.OrganisationID, &m.Recipient, &m.Subject, &m.Body, &m.Link,
		&created, &m.Attempts, &next, &m.LastError, &sent, &failed); err != nil {
		return m, err
	}
	var err error
	if m.CreatedAt, err = parseTime(created); err != nil {
		return m, err
	}
	if m.NextAttemptAt, err = parseTime(next); err != nil {
		return m, err
	}
	if m.SentAt, err = optTime(sent); err != nil {
		return m, err
	}
	m.FailedAt, err = optTime(failed)
	return m, err
}

// Claim implements mgz.MailOutbox. The select and the guarded updates run in one write
// transaction; the guard (still due, not sent, not failed) keeps a row from being claimed twice
// also where transactions do not serialise writers as SQLite does.
func (o *Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]mgz.OutboxMail, error) {
	var out []mgz.OutboxMail
	err := o.write(ctx, func(q querier) error {
		rows, err := q.QueryContext(ctx, "SELECT "+outboxColumns+outboxFrom+
			` WHERE m.sent_at IS NULL AND m.failed_at IS NULL AND m.next_attempt_at <= $1 ORDER BY m.next_attempt_at, m.id LIMIT $2`,
			formatTime(now), limit)
		if err != nil {
			return fmt.Errorf("e-mails uit de wachtrij lezen: %w", err)
		}
		var due []mgz.OutboxMail
		for rows.Next() {
			m, err := scanMail(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("e-mail uit de wachtrij lezen: %w", err)
			}
			due = append(due, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		until := formatTime(now.Add(lease))
		for _, m := range due {
			res, err := q.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1
				WHERE id = $2 AND attempts = $3 AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $4`,
				until, m.ID, m.Attempts, formatTime(now))
			if err != nil {
				return fmt.Errorf("e-mail %d claimen: %w", m.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				m.Attempts++
				m.NextAttemptAt = now.Add(lease)
				out = append(out, m)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Sent implements mgz.MailOutbox.
func (o *Outbox) Sent(ctx context.Context, id int64, attempt int, at time.Time) (bool, error) {
	var n int64
	err := o.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = $1, last_error = '' WHERE id = $2 AND attempts = $3 AND sent_at IS NULL`,
			formatTime(at), id, attempt)
		if err != nil {
			return fmt.Errorf("verzending van e-mail %d vastleggen: %w", id, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// maxErrorLen bounds the stored error of an attempt (a server's answer can be long).
const maxErrorLen = 500

// Failed implements mgz.MailOutbox.
func (o *Outbox) Failed(ctx context.Context, id int64, attempt int, errText string, next time.Time, final bool, at time.Time) error {
	if r := []rune(errText); len(r) > maxErrorLen {
		errText = string(r[:maxErrorLen]) + "…"
	}
	var failed any
	if final {
		failed = formatTime(at)
	}
	return o.write(ctx, func(q querier) error {
		_, err := q.ExecContext(ctx, `UPDATE mail_outbox SET last_error = $1, next_attempt_at = $2, failed_at = $3
			WHERE id = $4 AND attempts = $5 AND sent_at IS NULL`, errText, formatTime(next), failed, id, attempt)
		if err != nil {
			return fmt.Errorf("mislukte verzending van e-mail %d vastleggen: %w", id, err)
		}
		return nil
	})
}

func outboxWhere(organisationID int64, unsent bool) *where {
	w := &where{}
	if organisationID != 0 {
		w.add("n.organisation_id = %s", organisationID)
	}
	if unsent {
		w.add("m.sent_at IS NULL")
	}
	return w
}

// Mails implements mgz.MailOutbox: failed mails first, then waiting ones, then sent, newest first.
func (o *Outbox) Mails(ctx context.Context, f mgz.OutboxFilter) ([]mgz.OutboxMail, int, error) {
	w := outboxWhere(f.OrganisationID, f.Unsent)
	var total int
	if err := o.q().QueryRowContext(ctx, "SELECT COUNT(*)"+outboxFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("e-mails tellen: %w", err)
	}
	rows, err := o.q().QueryContext(ctx, "SELECT "+outboxColumns+outboxFrom+w.String()+
		` ORDER BY CASE WHEN m.failed_at IS NOT NULL THEN 0 WHEN m.sent_at IS NULL THEN 1 ELSE 2 END, m.id DESC`+w.page(f.Page), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("e-mails lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.OutboxMail{}
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("e-mail lezen: %w", err)
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// Mail implements mgz.MailOutbox.
func (o *Outbox) Mail(ctx context.Context, id int64) (mgz.OutboxMail, error) {
	m, err := scanMail(o.q().QueryRowContext(ctx, "SELECT "+outboxColumns+outboxFrom+" WHERE m.id = $1", id))
	if isNoRows(err) {
		return m, mgz.NotFound("E-mail", id)
	}
	if err != nil {
		return m, fmt.Errorf("e-mail %d lezen: %w", id, err)
	}
	return m, nil
}

// Retry implements mgz.MailOutbox.
func (o *Outbox) Retry(ctx context.Context, id int64, now time.Time) error {
	return o.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE mail_outbox SET attempts = 0, failed_at = NULL, next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL`,
			formatTime(now), id)
		if err != nil {
			return fmt.Errorf("e-mail %d opnieuw klaarzetten: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return mgz.Errorf(mgz.ECodeConflict, "Deze e-mail is al verzonden.")
		}
		return nil
	})
}

// Status implements mgz.MailOutbox.
func (o *Outbox) Status(ctx context.Context, organisationID int64) (mgz.OutboxStatus, error) {
	var st mgz.OutboxStatus
	var oldest sql.NullString
	w := outboxWhere(organisationID, true)
	err := o.q().QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN m.failed_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN m.failed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		MIN(CASE WHEN m.failed_at IS NULL THEN m.created_at END)`+outboxFrom+w.String(), w.args...).Scan(&st.Pending, &st.Failed, &oldest)
	if err != nil {
		return st, fmt.Errorf("wachtrij van e-mails tellen: %w", err)
	}
	st.OldestPending, err = optTime(oldest)
	return st, err
}
