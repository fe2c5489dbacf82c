package mgz

import (
	"context"
	"time"
)

// OutboxMail is one e-mail in the durable outbox: queued with its notice in the transaction of
// the event, sent by the mailer, retried with backoff, and kept visible when it keeps failing.
// Its content says only that there is something in mgz, of which kind, and where.
type OutboxMail struct {
	ID       int64 `json:"id"`
	NoticeID int64 `json:"notice_id,omitempty"`
	// OrganisationID is the organisation of the notice (zero when the notice is gone).
	OrganisationID int64      `json:"organisation_id,omitempty"`
	Recipient      string     `json:"recipient"`
	Subject        string     `json:"subject"`
	Body           string     `json:"-"` // never shown on the admin page or in the API
	Link           string     `json:"-"`
	CreatedAt      time.Time  `json:"created_at"`
	Attempts       int        `json:"attempts"`
	NextAttemptAt  time.Time  `json:"next_attempt_at"`
	LastError      string     `json:"last_error,omitempty"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	FailedAt       *time.Time `json:"failed_at,omitempty"`
}

// State is the mail's state in Dutch: verzonden, mislukt or wacht.
func (m OutboxMail) State() string {
	switch {
	case m.SentAt != nil:
		return "verzonden"
	case m.FailedAt != nil:
		return "mislukt"
	}
	return "wacht"
}

// OutboxFilter selects mails of the outbox, newest first. OrganisationID zero is the whole region.
type OutboxFilter struct {
	OrganisationID int64
	// Unsent lists only mails not sent (waiting or failed).
	Unsent bool
	Page
}

// OutboxStatus counts the mails that wait and that failed for good.
type OutboxStatus struct {
	Pending int `json:"pending"`
	Failed  int `json:"failed"`
	// OldestPending is when the oldest waiting mail was queued.
	OldestPending *time.Time `json:"oldest_pending,omitempty"`
}

// MailOutbox is the durable outbox the mailer works from. Claim, Sent and Failed carry the
// attempt number of the claim, so a worker whose lease ran out never overwrites a newer attempt.
type MailOutbox interface {
	// Claim takes up to limit due mails (not sent, not failed, next attempt at or before now)
	// in one transaction: each one's attempts go up by one and its next attempt moves to
	// now+lease, so no other worker or instance takes it while it is being sent. A claim whose
	// worker died becomes due again when the lease ends.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMail, error)
	// Sent records the delivery of the attempt; false when the attempt was not the current one.
	Sent(ctx context.Context, id int64, attempt int, at time.Time) (bool, error)
	// Failed records a failed attempt with its error: the next attempt at next, or, when final,
	// the mail failed for good at at.
	Failed(ctx context.Context, id int64, attempt int, errText string, next time.Time, final bool, at time.Time) error
	// Mails lists mails for the admin page, without their content.
	Mails(ctx context.Context, f OutboxFilter) ([]OutboxMail, int, error)
	// Mail returns one mail; OrganisationID is that of its notice.
	Mail(ctx context.Context, id int64) (OutboxMail, error)
	// Retry makes an unsent mail due at now again with a fresh count of attempts.
	Retry(ctx context.Context, id int64, now time.Time) error
	// Status counts waiting and failed mails; organisationID zero is the region.
	Status(ctx context.Context, organisationID int64) (OutboxStatus, error)
}
