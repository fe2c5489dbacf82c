package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
)

// Notices implements mgz.NoticeStore: the organisations' inboxes and the durable mail outbox.
type Notices struct{ scope }

var _ mgz.NoticeStore = (*Notices)(nil)

// Notices implements mgz.Tx.
func (s *Store) Notices() mgz.NoticeStore { return &Notices{s.scope} }

// mailSubject and mailBody are the only words an e-mail carries: that there is something in mgz,
// of which kind, and where. Never patient data or a person's health information.
const mailSubject = "Er staat iets voor u klaar in mgz"

func mailBody(k mgz.NoticeKind) string {
	return "Er staat een bericht voor uw organisatie klaar in mgz (" + k.Label() + ").\n\n" +
		"Log in op mgz om het te lezen; de link hieronder brengt u er direct heen.\n"
}

// Add implements mgz.NoticeStore. The notice and one outbox mail for every active user of the
// organisation are written in the caller's transaction (or a new one).
func (n *Notices) Add(ctx context.Context, x *mgz.Notice) (bool, error) {
	if x.CreatedAt.IsZero() {
		x.CreatedAt = n.db.now()
	}
	created := false
	err := n.write(ctx, func(q querier) error {
		var id int64
		err := q.QueryRowContext(ctx, `INSERT INTO notices (organisation_id, kind, subject, link, object_type, object_id, dedupe_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
			x.OrganisationID, x.Kind, x.Subject, x.Link, x.ObjectType, x.ObjectID, nullString(x.DedupeKey), formatTime(x.CreatedAt)).Scan(&id)
		if isNoRows(err) {
			return nil // seen before
		}
		if err != nil {
			return fmt.Errorf("bericht voor organisatie %d vastleggen: %w", x.OrganisationID, err)
		}
		x.ID, created = id, true
		_, err = q.ExecContext(ctx, `INSERT INTO mail_outbox (notice_id, recipient, subject, body, link, created_at, next_attempt_at)
			SELECT $1, email, $2, $3, $4, $5, $5 FROM users WHERE organisation_id = $6 AND disabled = 0`,
			id, mailSubject, mailBody(x.Kind), x.Link, formatTime(x.CreatedAt), x.OrganisationID)
		if err != nil {
			return fmt.Errorf("e-mails van bericht %d klaarzetten: %w", id, err)
		}
		return nil
	})
	return created, err
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

const noticeColumns = "id, organisation_id, kind, subject, link, object_type, object_id, created_at, read_at"

func scanNotice(rows *sql.Rows) (mgz.Notice, error) {
	var n mgz.Notice
	var created string
	var read sql.NullString
	if err := rows.Scan(&n.ID, &n.OrganisationID, &n.Kind, &n.Subject, &n.Link, &n.ObjectType, &n.ObjectID, &created, &read); err != nil {
		return n, fmt.Errorf("bericht lezen: %w", err)
	}
	var err error
	if n.CreatedAt, err = parseTime(created); err != nil {
		return n, err
	}
	n.ReadAt, err = optTime(read)
	return n, err
}

// List implements mgz.NoticeStore: newest first; unread ones only when f.Unread.
func (n *Notices) List(ctx context.Context, f mgz.NoticeFilter) ([]mgz.Notice, int, error) {
	w := &where{}
	w.add("organisation_id = %s", f.OrganisationID)
	if f.Unread {
		w.add("read_at IS NULL")
	}
	if f.Read {
		w.add("read_at IS NOT NULL")
	}
	if f.Before > 0 {
		w.add("id < %s", f.Before)
	}
	var total int
	if err := n.q().QueryRowContext(ctx, "SELECT COUNT(*) FROM notices"+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("berichten tellen: %w", err)
	}
	rows, err := n.q().QueryContext(ctx, "SELECT "+noticeColumns+" FROM notices"+w.String()+" ORDER BY id DESC"+w.page(f.Page), w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("berichten lezen: %w", err)
	}
	defer rows.Close()
	out := []mgz.Notice{}
	for rows.Next() {
		x, err := scanNotice(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// UnreadCount implements mgz.NoticeStore, on the index notices_unread.
func (n *Notices) UnreadCount(ctx context.Context, organisationID int64) (int, error) {
	var c int
	err := n.q().QueryRowContext(ctx, `SELECT COUNT(*) FROM notices WHERE organisation_id = $1 AND read_at IS NULL`, organisationID).Scan(&c)
	if err != nil {
		return 0, fmt.Errorf("ongelezen berichten tellen: %w", err)
	}
	return c, nil
}

// MarkRead implements mgz.NoticeStore.
func (n *Notices) MarkRead(ctx context.Context, id, organisationID, userID int64, at time.Time) error {
	return n.write(ctx, func(q querier) error {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM notices WHERE id = $1 AND organisation_id = $2`, id, organisationID).Scan(&one)
		if isNoRows(err) {
			return mgz.NotFound("Bericht", id)
		}
		if err != nil {
			return fmt.Errorf("bericht %d lezen: %w", id, err)
		}
		_, err = q.ExecContext(ctx, `UPDATE notices SET read_at = $1, read_by = $2 WHERE id = $3 AND read_at IS NULL`, formatTime(at), nullUser(userID), id)
		if err != nil {
			return fmt.Errorf("bericht %d als gelezen markeren: %w", id, err)
		}
		return nil
	})
}

// MarkAllRead implements mgz.NoticeStore.
func (n *Notices) MarkAllRead(ctx context.Context, organisationID, userID int64, at time.Time) (int, error) {
	var c int64
	err := n.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE notices SET read_at = $1, read_by = $2 WHERE organisation_id = $3 AND read_at IS NULL`,
			formatTime(at), nullUser(userID), organisationID)
		if err != nil {
			return fmt.Errorf("berichten als gelezen markeren: %w", err)
		}
		c, err = res.RowsAffected()
		return err
	})
	return int(c), err
}
