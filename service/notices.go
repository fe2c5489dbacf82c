package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
)

// An organisation's inbox (issue 11): notices arrive in the transaction of their event, with an
// e-mail to each active user in the durable outbox of that same transaction. Every user of the
// organisation sees its notices; marking one read marks it for the organisation.

func (s *Service) inbox(ctx context.Context, a mgz.Actor, act access.Action, objID int64) error {
	if a.System {
		return mgz.Errorf(mgz.ECodeForbidden, "Berichten horen bij een organisatie; de opdrachtregel heeft er geen.")
	}
	return s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.Inbox, OrganisationID: a.User.OrganisationID}, actionOf(act), objID)
}

func actionOf(act access.Action) mgz.AuditAction {
	if act == access.Read {
		return mgz.AuditRead
	}
	return mgz.AuditUpdate
}

// Inbox lists the notices of the actor's organisation, newest first.
func (s *Service) Inbox(ctx context.Context, a mgz.Actor, f mgz.NoticeFilter) ([]mgz.Notice, int, error) {
	if err := s.inbox(ctx, a, access.Read, 0); err != nil {
		return nil, 0, err
	}
	f.OrganisationID = a.User.OrganisationID
	return s.store.Notices().List(ctx, f)
}

// UnreadNotices counts the unread notices of the actor's organisation, for the header of every
// page: zero for someone not signed in.
func (s *Service) UnreadNotices(ctx context.Context, a mgz.Actor) (int, error) {
	if a.System || a.User.ID == 0 || !access.Decide(a, access.Read, access.Resource{Kind: access.Inbox, OrganisationID: a.User.OrganisationID}).Allow {
		return 0, nil
	}
	return s.store.Notices().UnreadCount(ctx, a.User.OrganisationID)
}

// MarkNoticeRead marks one notice of the actor's organisation read; another organisation's
// notice does not exist for the actor.
func (s *Service) MarkNoticeRead(ctx context.Context, a mgz.Actor, id int64) error {
	if err := s.inbox(ctx, a, access.Update, id); err != nil {
		return err
	}
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Notices().MarkRead(ctx, id, a.User.OrganisationID, a.User.ID, s.now()); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, "notice", id, a.User.OrganisationID)
		e.Reason = "bericht als gelezen gemarkeerd"
		return e, nil
	})
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return s.hiddenDenial(ctx, a, "notice", id, "alleen de eigen organisatie ziet haar berichten")
	}
	return err
}

// hiddenDenial audits a refusal of a record that does not exist for the actor (another
// organisation's, or none at all) and answers as if it does not exist.
func (s *Service) hiddenDenial(ctx context.Context, a mgz.Actor, objType string, id int64, reason string) error {
	e := entry(a, mgz.AuditUpdate, objType, id, a.User.OrganisationID)
	e.Outcome, e.Reason = mgz.OutcomeDenied, reason
	if err := s.store.Audit().Append(ctx, e); err != nil {
		s.log.Error("writing the audit entry of a denial failed", "err", err)
	}
	return hidden()
}

// MarkAllNoticesRead marks every unread notice of the actor's organisation read.
func (s *Service) MarkAllNoticesRead(ctx context.Context, a mgz.Actor) (int, error) {
	if err := s.inbox(ctx, a, access.Update, 0); err != nil {
		return 0, err
	}
	var n int
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		var err error
		if n, err = tx.Notices().MarkAllRead(ctx, a.User.OrganisationID, a.User.ID, s.now()); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, "notice", 0, a.User.OrganisationID)
		e.Reason = fmt.Sprintf("alle berichten als gelezen gemarkeerd (%d)", n)
		return e, nil
	})
	return n, err
}

// notify adds a notice inside tx, the transaction of its event. Subjects name a kind of event
// and a record number, never a client or a person's health.
func notify(ctx context.Context, tx mgz.Tx, org int64, kind mgz.NoticeKind, subject, link, objType string, objID int64, dedupe string) error {
	if org == 0 {
		return nil
	}
	_, err := tx.Notices().Add(ctx, &mgz.Notice{OrganisationID: org, Kind: kind, Subject: subject, Link: link,
		ObjectType: objType, ObjectID: objID, DedupeKey: dedupe})
	return err
}

// notifySwitch tells practice org about switch request sr.
func notifySwitch(ctx context.Context, tx mgz.Tx, org int64, kind mgz.NoticeKind, sr mgz.SwitchRequest, subject string) error {
	return notify(ctx, tx, org, kind, subject, fmt.Sprintf("/overstappen/%d", sr.ID), "switch_request", sr.ID, "")
}

// agreementReminder is one reminder of NotifyAgreementReminders for one party.
type agreementReminder struct {
	org            int64
	ag             mgz.Agreement
	subject, dedup string
}

// NotifyAgreementReminders puts a notice in the inbox of each party that should act on an
// agreement: one that waits for its signature, an evaluation due within 60 days, an agreement
// ending within 90 days. Each reminder arrives once (its dedupe key names the agreement, the
// moment and the party). It is run by the server's periodic upkeep.
func (s *Service) NotifyAgreementReminders(ctx context.Context) (int, error) {
	ags, err := s.store.Agreements().Agreements(ctx, 0)
	if err != nil {
		return 0, err
	}
	today := mgz.DateOf(s.today())
	var rs []agreementReminder
	for _, ag := range ags {
		label := ag.Type.Label()
		switch ag.Status {
		case mgz.AgreementSigning:
			signed := map[int64]bool{}
			for _, sg := range ag.Signatures {
				signed[sg.OrganisationID] = true
			}
			for _, p := range ag.Parties() {
				if !signed[p] {
					rs = append(rs, agreementReminder{p, ag, fmt.Sprintf("%s %d wacht op de ondertekening door uw organisatie.", label, ag.ID),
						fmt.Sprintf("agreement:%d:v%d:sign:%d", ag.ID, ag.Version, p)})
				}
			}
		case mgz.AgreementActive:
			if next := ag.NextEvaluation(); !next.IsZero() && !next.After(today.AddDate(0, 0, 60)) {
				for _, p := range ag.Parties() {
					rs = append(rs, agreementReminder{p, ag, fmt.Sprintf("Evaluatie van %s %d is uiterlijk %s aan de beurt.", strings.ToLower(label), ag.ID, next.Format("02-01-2006")),
						fmt.Sprintf("agreement:%d:evaluation:%s:%d", ag.ID, next, p)})
				}
			}
			if end := ag.End(); !end.IsZero() && !end.After(today.AddDate(0, 0, 90)) {
				for _, p := range ag.Parties() {
					rs = append(rs, agreementReminder{p, ag, fmt.Sprintf("%s %d loopt af op %s: verleng of beëindig haar tijdig.", label, ag.ID, end.Format("02-01-2006")),
						fmt.Sprintf("agreement:%d:ending:%s:%d", ag.ID, end, p)})
				}
			}
		}
	}
	if len(rs) == 0 {
		return 0, nil
	}
	// A national region has thousands of agreements, and one transaction for all their reminders
	// held the write lock for seconds every hour: every change and the audit of every read waited.
	// Each batch commits on its own; the dedupe keys make a scan that fails halfway safe to repeat.
	added := 0
	for batch := range slices.Chunk(rs, reminderBatch) {
		n, err := s.addReminders(ctx, batch)
		if err != nil {
			return added, err
		}
		added += n
	}
	return added, nil
}

// reminderBatch is the most agreement reminders one transaction writes (a variable for tests).
var reminderBatch = 100

// addReminders puts rs in the inboxes in one transaction, and returns how many were new.
func (s *Service) addReminders(ctx context.Context, rs []agreementReminder) (int, error) {
	added := 0
	err := s.store.Atomic(ctx, func(tx mgz.Tx) error {
		added = 0
		for _, r := range rs {
			n := &mgz.Notice{OrganisationID: r.org, Kind: mgz.NoticeAgreementReminder, Subject: r.subject,
				Link: fmt.Sprintf("/overeenkomsten/%d", r.ag.ID), ObjectType: "agreement", ObjectID: r.ag.ID, DedupeKey: r.dedup}
			created, err := tx.Notices().Add(ctx, n)
			if err != nil {
				return err
			}
			if created {
				added++
				e := entry(System(), mgz.AuditCreate, "notice", n.ID, r.org)
				e.ClientAddress, e.Reason = "automatisch: herinneringen bij overeenkomsten", "herinnering bij overeenkomst "+fmt.Sprint(r.ag.ID)
				if err := tx.Audit().Append(ctx, e); err != nil {
					return fmt.Errorf("auditregel schrijven: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}
