package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
