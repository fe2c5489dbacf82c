package service

import (
	"context"
	"fmt"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
)

// The e-mail outbox as its admins see it (issue 11): an organisation's admins follow the mails to
// their own users, the RHO's admins those of the region; recipient, attempts and the last error,
// never the content. A mail that failed for good can be tried again.

// outboxScope authorises a's view of the outbox and returns the organisation it is limited to
// (zero: the region, for the RHO).
func (s *Service) outboxScope(ctx context.Context, a mgz.Actor, act access.Action, objID int64) (int64, error) {
	if a.System {
		return 0, nil
	}
	if a.OrgKind == mgz.KindRegionalGPOrg {
		err := s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.MailOutbox}, actionOf(act), objID)
		return 0, err
	}
	org := a.User.OrganisationID
	return org, s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.MailOutbox, OrganisationID: org}, actionOf(act), objID)
}

// OutboxMails lists the mails the actor's admin role covers: failed first, then waiting, then sent.
func (s *Service) OutboxMails(ctx context.Context, a mgz.Actor, f mgz.OutboxFilter) ([]mgz.OutboxMail, int, error) {
	org, err := s.outboxScope(ctx, a, access.Read, 0)
	if err != nil {
		return nil, 0, err
	}
	f.OrganisationID = org
	ms, total, err := s.store.Outbox().Mails(ctx, f)
	for i := range ms {
		ms[i].Body, ms[i].Link = "", "" // the admin sees who and how it went, never the content
	}
	return ms, total, err
}

// OutboxStatus counts the waiting and failed mails the actor's admin role covers.
func (s *Service) OutboxStatus(ctx context.Context, a mgz.Actor) (mgz.OutboxStatus, error) {
	org, err := s.outboxScope(ctx, a, access.Read, 0)
	if err != nil {
		return mgz.OutboxStatus{}, err
	}
	return s.store.Outbox().Status(ctx, org)
}

// RetryMail makes an unsent mail due now, with a fresh count of attempts; a mail to another
// organisation's users does not exist for the actor.
func (s *Service) RetryMail(ctx context.Context, a mgz.Actor, id int64) error {
	org, err := s.outboxScope(ctx, a, access.Update, id)
	if err != nil {
		return err
	}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		m, err := tx.Outbox().Mail(ctx, id)
		if err == nil && org != 0 && m.OrganisationID != org {
			err = mgz.NotFound("E-mail", id)
		}
		if err != nil {
			return nil, err
		}
		if err := tx.Outbox().Retry(ctx, id, s.now()); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, "mail_outbox", id, m.OrganisationID)
		e.Reason = fmt.Sprintf("e-mail opnieuw klaargezet (was %d pogingen, %s)", m.Attempts, m.State())
		return e, nil
	})
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return s.hiddenDenial(ctx, a, "mail_outbox", id, "een beheerder ziet alleen de e-mails aan de eigen organisatie")
	}
	return err
}
