// Package outbox sends the e-mails of mgz's durable outbox (issue 11). Mails are written with
// their notice in the transaction of the event; a Mailer claims due mails with a lease, sends
// each over SMTP with a Message-ID derived from its row, and records the outcome: sent, or a
// failed attempt with its error and the next attempt after an exponential backoff, until the
// mail has failed for good and waits for an admin's "Opnieuw proberen".
//
// Delivery is at least once, and once in practice: a row is claimed by one worker at a time
// (also across instances), its sent mark is written right after the server accepted it, and a
// worker that dies between the two leaves the row to be sent again when its lease ends. The
// stable Message-ID lets a receiving system recognise that rare second copy.
package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// Message is one e-mail as it goes out.
type Message struct {
	ID        string // the Message-ID, without angle brackets
	To        string
	Subject   string
	Body      string
	Date      time.Time
	OutboxRow int64
}

// Sender delivers one message; SMTP is the one mgz uses.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Config tunes a Mailer. Zero values take the defaults.
type Config struct {
	// PublicURL is mgz's address as its users reach it (https://mgz.regio.nl); links in mails
	// are this plus the notice's path.
	PublicURL string
	// Every is how often the outbox is looked at (default 15 s).
	Every time.Duration
	// Lease is how long a claimed mail belongs to its worker (default 5 min); it must be longer
	// than a send can take.
	Lease time.Duration
	// FirstRetry is the wait after the first failed attempt (default 1 min); each next failure
	// doubles it, up to MaxRetry (default 1 h).
	FirstRetry, MaxRetry time.Duration
	// MaxAttempts is how many attempts a mail gets before it has failed for good (default 12).
	MaxAttempts int
	// Batch is how many mails one round claims (default 20).
	Batch int
	// Now is the clock; nil is the system clock.
	Now    func() time.Time
	Logger *slog.Logger
}

// Mailer works off the outbox.
type Mailer struct {
	store  mgz.MailOutbox
	sender Sender
	cfg    Config
	log    *slog.Logger
	domain string
}

// New returns a Mailer that takes mails from store and hands them to sender.
func New(store mgz.MailOutbox, sender Sender, cfg Config) *Mailer {
	if cfg.Every <= 0 {
		cfg.Every = 15 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.FirstRetry <= 0 {
		cfg.FirstRetry = time.Minute
	}
	if cfg.MaxRetry <= 0 {
		cfg.MaxRetry = time.Hour
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 12
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 20
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	domain := "mgz.invalid"
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	return &Mailer{store: store, sender: sender, cfg: cfg, log: cfg.Logger, domain: domain}
}

// Backoff is the wait after the attempt-th failed attempt: FirstRetry doubled for each earlier
// failure, at most MaxRetry.
func (m *Mailer) Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := float64(m.cfg.FirstRetry) * math.Pow(2, float64(attempt-1))
	if d > float64(m.cfg.MaxRetry) {
		return m.cfg.MaxRetry
	}
	return time.Duration(d)
}

// MessageID is the stable Message-ID of outbox row id: every attempt sends the same one.
func (m *Mailer) MessageID(id int64) string { return fmt.Sprintf("mgz-outbox-%d@%s", id, m.domain) }

// message is the e-mail of an outbox row: its fixed subject and body, and the absolute link.
func (m *Mailer) message(x mgz.OutboxMail) Message {
	return Message{ID: m.MessageID(x.ID), To: x.Recipient, Subject: x.Subject, Body: x.Body + "\n" + m.cfg.PublicURL + x.Link + "\n",
		Date: x.CreatedAt, OutboxRow: x.ID}
}

// RunOnce claims the mails that are due and sends them, one at a time. It returns how many were
// sent and how many attempts failed; err is a fault of the store.
func (m *Mailer) RunOnce(ctx context.Context) (sent, failed int, err error) {
	now := m.cfg.Now()
	due, err := m.store.Claim(ctx, now, m.cfg.Lease, m.cfg.Batch)
	if err != nil {
		return 0, 0, fmt.Errorf("e-mails claimen: %w", err)
	}
	for _, x := range due {
		if ctx.Err() != nil {
			return sent, failed, ctx.Err() // the rest become due again when their lease ends
		}
		sendCtx, cancel := context.WithTimeout(ctx, m.cfg.Lease/2)
		serr := m.sender.Send(sendCtx, m.message(x))
		cancel()
		at := m.cfg.Now()
		if serr == nil {
			ok, err := m.store.Sent(ctx, x.ID, x.Attempts, at)
			if err != nil {
				return sent, failed, fmt.Errorf("verzending van e-mail %d vastleggen: %w", x.ID, err)
			}
			if !ok {
				m.log.Warn("a mail was sent after its lease ended; another worker may send it too", "outbox_id", x.ID, "attempt", x.Attempts)
			}
			sent++
			continue
		}
		failed++
		final := x.Attempts >= m.cfg.MaxAttempts
		next := at.Add(m.Backoff(x.Attempts))
		// The error names the server and its answer, never the content of the mail.
		m.log.Warn("sending a mail failed", "outbox_id", x.ID, "attempt", x.Attempts, "final", final, "err", serr)
		if err := m.store.Failed(ctx, x.ID, x.Attempts, serr.Error(), next, final, at); err != nil {
			return sent, failed, fmt.Errorf("mislukte verzending van e-mail %d vastleggen: %w", x.ID, err)
		}
	}
	return sent, failed, nil
}

// Run sends due mails every Every until ctx ends. A fault is logged and tried again next round.
func (m *Mailer) Run(ctx context.Context) {
	t := time.NewTicker(m.cfg.Every)
	defer t.Stop()
	for {
		for {
			sent, _, err := m.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				m.log.Error("working off the mail outbox failed; trying again shortly", "err", err)
			}
			if err != nil || sent < m.cfg.Batch {
				break // a full batch may have more behind it
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
