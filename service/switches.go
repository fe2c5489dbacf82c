package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
)

// A practice switch is a visible, two-sided step, never a takeover (issue 9). A registration of
// a client who is registered at another practice becomes a switch request; the current practice
// keeps the registration and full access while it is open, is told on its start page and in its
// client list, and confirms or objects. Without objection the request completes by itself after
// the region's period. That completion needs no background job to be correct: every read that
// could show a stale state (a patient, a list, the notices, a registration) first settles the
// requests that are due, in one write transaction with their audit entries.

// msgSwitchNeeded is the one answer to a registration that names the BSN of a client known in
// mgz elsewhere without the client's consent: the same whether or not the birth date matches, so
// it reveals nothing about the birth date.
const msgSwitchNeeded = "Deze cliënt kan niet direct bij uw praktijk worden ingeschreven. Staat de cliënt al bij een andere praktijk ingeschreven, " +
	"dan vraagt u een overstap aan: leg vast hoe, wanneer en door wie de toestemming van de cliënt is verkregen. " +
	"De huidige praktijk wordt dan ingelicht en kan de overstap bevestigen of er bezwaar tegen maken."

func errSwitchNeeded() error {
	return &mgz.Error{Code: mgz.ECodeInvalid, Message: msgSwitchNeeded, Fields: map[string]string{
		"switch_consent_method": "Kies hoe de cliënt toestemming gaf voor de overstap: schriftelijk of persoonlijk.",
		"switch_consent_on":     "Vul de datum in waarop de cliënt toestemming gaf.",
		"switch_consent_by":     "Vul in wie de toestemming heeft verkregen (naam en functie).",
	}}
}

// errBSNMismatch is the answer to a registration whose consent was recorded but whose birth date
// does not belong to the BSN. Such misses are throttled and shown to the holding practice.
func errBSNMismatch() error {
	return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het BSN en de geboortedatum horen niet bij dezelfde cliënt in mgz.",
		Fields: map[string]string{"bsn": "Controleer het BSN en de geboortedatum met de cliënt of de VECOZO-raadpleging."}}
}

func errBSNThrottled(wait time.Duration) error {
	minutes := int(wait.Round(time.Minute) / time.Minute)
	if minutes < 1 {
		minutes = 1
	}
	return mgz.Errorf(mgz.ECodeTooManyRequests, "Er is te vaak geprobeerd een cliënt op BSN te vinden zonder dat de gegevens klopten. "+
		"Probeer het over %d minuten opnieuw, en controleer intussen het BSN en de geboortedatum met de cliënt of de VECOZO-raadpleging.", minutes)
}

// bsnKey is the throttle key of a BSN: a hash, so no BSN is held in memory as a key.
func bsnKey(bsn string) string {
	h := sha256.Sum256([]byte("mgz-bsn-throttle:" + bsn))
	return hex.EncodeToString(h[:16])
}

func accountKey(a mgz.Actor) string { return fmt.Sprintf("user:%d", a.User.ID) }

// bsnThrottled refuses a BSN-matching attempt while the account or the BSN is blocked; the refusal
// is audited.
func (s *Service) bsnThrottled(ctx context.Context, a mgz.Actor, bsn string) error {
	if a.System {
		return nil
	}
	blocked, wait, err := s.bsnAccountLimiter.Blocked(ctx, accountKey(a))
	if err != nil {
		return err
	}
	b, w, err := s.bsnNumberLimiter.Blocked(ctx, bsnKey(bsn))
	if err != nil {
		return err
	}
	if b {
		blocked = true
		wait = max(wait, w)
	}
	if !blocked {
		return nil
	}
	e := entry(a, mgz.AuditCreate, "patient", 0, 0)
	e.Outcome, e.Reason = mgz.OutcomeDenied, "te veel pogingen om een cliënt op BSN te vinden"
	if err := s.store.Audit().Append(ctx, e); err != nil {
		return fmt.Errorf("auditregel schrijven: %w", err)
	}
	return errBSNThrottled(wait)
}

// bsnFailed counts a BSN-matching attempt that did not lead anywhere.
func (s *Service) bsnFailed(a mgz.Actor, bsn string) {
	if a.System {
		return
	}
	// Counted apart from the request, which may be ending: a miss must count.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := errors.Join(s.bsnAccountLimiter.Fail(ctx, accountKey(a)), s.bsnNumberLimiter.Fail(ctx, bsnKey(bsn))); err != nil {
		s.log.Error("counting a BSN-matching miss failed", "user_id", a.User.ID, "err", err)
	}
}

// recordBSNMatch writes, in its own transaction, the audit entry of a registration that named the
// BSN of a client registered elsewhere (reason says how it ended) and, for a wrong birth date,
// the coalesced miss the holding practice sees. It survives the refusal that follows.
func (s *Service) recordBSNMatch(ctx context.Context, a mgz.Actor, p mgz.Patient, miss bool, reason string) error {
	return s.store.Atomic(ctx, func(tx mgz.Tx) error {
		e := patientEntry(a, mgz.AuditRead, p, reason)
		e.Outcome = mgz.OutcomeDenied
		if err := tx.Audit().Append(ctx, e); err != nil {
			return fmt.Errorf("auditregel schrijven: %w", err)
		}
		if miss && !a.System {
			return tx.Patients().RecordBSNMiss(ctx, p.ID, a.User.OrganisationID, s.now())
		}
		return nil
	})
}

// settleDueSwitches completes every open switch request whose period has passed. It reads
// without a lock first, so a read that has nothing to settle never waits for the writer.
func (s *Service) settleDueSwitches(ctx context.Context) error {
	now := s.now()
	due, err := s.store.Patients().DueSwitchRequests(ctx, now)
	if err != nil || len(due) == 0 {
		return err
	}
	return s.store.Atomic(ctx, func(tx mgz.Tx) error {
		// Read again inside the transaction: another request may have settled them meanwhile.
		due, err := tx.Patients().DueSwitchRequests(ctx, now)
		if err != nil {
			return err
		}
		for _, sr := range due {
			days := int(sr.DueAt.Sub(sr.RequestedAt).Round(time.Hour) / (24 * time.Hour))
			reason := fmt.Sprintf("automatisch afgerond: %d dagen zonder bezwaar van de huidige praktijk", days)
			if err := s.completeSwitch(ctx, tx, periodActor, &sr, reason); err != nil {
				return err
			}
		}
		return nil
	})
}

// periodActor is who completes a switch whose period passed: the system, by the region's rule.
var periodActor = mgz.Actor{System: true, Address: "automatisch: termijn zonder bezwaar verstreken"}

// SettleDueSwitches completes the switch requests whose period has passed, for a periodic sweep;
// every read settles them too, so the sweep is a convenience, not a condition for correctness.
func (s *Service) SettleDueSwitches(ctx context.Context) error { return s.settleDueSwitches(ctx) }

// completeSwitch moves the registration of sr's client to the requesting practice inside tx:
// the patient's practice, a new registration, the request's outcome and their audit entries.
// A lead GP of the practice left moves along to the new practice, and that change is recorded.
func (s *Service) completeSwitch(ctx context.Context, tx mgz.Tx, a mgz.Actor, sr *mgz.SwitchRequest, reason string) error {
	now := s.now()
	p, err := tx.Patients().Patient(ctx, sr.PatientID)
	if err != nil {
		return err
	}
	to, from := sr.ToPracticeID, sr.FromPracticeID
	if p.GPPracticeID == nil || *p.GPPracticeID != from {
		// The registration moved some other way (an operator's import) since the request: the
		// request no longer says from whom the client switches, so it never completes.
		if !a.System {
			return mgz.Errorf(mgz.ECodeConflict, "De cliënt staat niet meer bij uw praktijk ingeschreven; dit overstapverzoek kan niet meer worden bevestigd.")
		}
		sr.State, sr.DecidedBy, sr.DecidedAt, sr.Reason = mgz.SwitchWithdrawn, 0, &now, "vervallen: de cliënt staat niet meer ingeschreven bij de praktijk van het verzoek"
		if err := tx.Patients().CloseSwitchRequest(ctx, sr); err != nil {
			return err
		}
		for _, org := range []int64{from, to} {
			if err := notifySwitch(ctx, tx, org, mgz.NoticeSwitchWithdrawn, *sr, fmt.Sprintf("Overstapverzoek %d is vervallen: de cliënt staat niet meer ingeschreven bij de praktijk van het verzoek.", sr.ID)); err != nil {
				return err
			}
		}
		return s.switchAudit(ctx, tx, a, *sr, mgz.AuditUpdate, sr.Reason)
	}
	oldKind, oldLead := p.LeadPhysician, p.LeadPhysicianOrgID
	p.GPPracticeID = &to
	leadMoved := p.LeadPhysician == mgz.LeadGP && p.LeadPhysicianOrgID != nil && *p.LeadPhysicianOrgID == from
	if leadMoved {
		p.LeadPhysicianOrgID = &to
	}
	p.Revision = 0 // read in this transaction
	if err := tx.Patients().UpdatePatient(ctx, &p); err != nil {
		return err
	}
	if leadMoved {
		if err := tx.Patients().AddLeadChange(ctx, &mgz.LeadChange{PatientID: p.ID, FromKind: oldKind, FromOrgID: oldLead, ToKind: p.LeadPhysician,
			ToOrgID: p.LeadPhysicianOrgID, ChangedBy: a.User.ID, ChangedByOrgID: a.User.OrganisationID, ChangedAt: now}); err != nil {
			return err
		}
	}
	reg := mgz.Registration{PatientID: p.ID, PracticeID: to, LocationID: sr.LocationID, Priority: sr.Priority, PriorityGround: sr.PriorityGround,
		SwitchFromPracticeID: &from, SwitchConsent: true, SwitchConsentMethod: sr.ConsentMethod, SwitchConsentOn: sr.ConsentOn, SwitchConsentBy: sr.ConsentBy,
		OpenItemsAcknowledged: sr.OpenItemsAcknowledged, RegisteredBy: sr.RequestedBy, RegisteredAt: now}
	if err := tx.Patients().AddRegistration(ctx, &reg); err != nil {
		return err
	}
	sr.State, sr.DecidedBy, sr.DecidedAt, sr.Reason, sr.RegistrationID = mgz.SwitchCompleted, a.User.ID, &now, reason, &reg.ID
	if err := tx.Patients().CloseSwitchRequest(ctx, sr); err != nil {
		return err
	}
	for _, org := range []int64{from, to} {
		if err := notifySwitch(ctx, tx, org, mgz.NoticeSwitchCompleted, *sr, fmt.Sprintf("Overstapverzoek %d is afgerond: de inschrijving is overgegaan naar de aanvragende praktijk.", sr.ID)); err != nil {
			return err
		}
	}
	pe := patientEntry(a, mgz.AuditUpdate, p, fmt.Sprintf("overstap van praktijk %d naar praktijk %d (verzoek %d): %s", from, to, sr.ID, reason))
	if err := tx.Audit().Append(ctx, pe); err != nil {
		return fmt.Errorf("auditregel schrijven: %w", err)
	}
	return s.switchAudit(ctx, tx, a, *sr, mgz.AuditUpdate, "overstap afgerond: "+reason)
}

// switchAudit writes the entry of a switch request once for each practice, so both see it in
// their audit log.
func (s *Service) switchAudit(ctx context.Context, tx mgz.Tx, a mgz.Actor, sr mgz.SwitchRequest, act mgz.AuditAction, reason string) error {
	for _, org := range []int64{sr.FromPracticeID, sr.ToPracticeID} {
		e := entry(a, act, "switch_request", sr.ID, org)
		e.PatientID, e.Reason = sr.PatientID, reason
		if err := tx.Audit().Append(ctx, e); err != nil {
			return fmt.Errorf("auditregel schrijven: %w", err)
		}
	}
	return nil
}

// requestSwitch stores a switch request for p (registered at another practice) with r's consent
// and registration details, and tells both practices through the audit log.
func (s *Service) requestSwitch(ctx context.Context, a mgz.Actor, p mgz.Patient, r *mgz.Registration) (mgz.SwitchRequest, error) {
	now := s.now()
	days, err := s.store.Patients().SwitchPeriodDays(ctx)
	if err != nil {
		return mgz.SwitchRequest{}, err
	}
	sr := mgz.SwitchRequest{PatientID: p.ID, FromPracticeID: *p.GPPracticeID, ToPracticeID: r.PracticeID, ConsentMethod: r.SwitchConsentMethod,
		ConsentOn: r.SwitchConsentOn, ConsentBy: r.SwitchConsentBy, LocationID: r.LocationID, Priority: r.Priority, PriorityGround: r.PriorityGround,
		OpenItemsAcknowledged: r.OpenItemsAcknowledged, RequestedBy: a.User.ID, RequestedAt: now, DueAt: now.AddDate(0, 0, days)}
	err = s.store.Atomic(ctx, func(tx mgz.Tx) error {
		// The holder may have changed since the lookup: read it again in the transaction.
		cur, err := tx.Patients().Patient(ctx, p.ID)
		if err != nil {
			return err
		}
		if cur.GPPracticeID == nil || *cur.GPPracticeID != sr.FromPracticeID {
			return mgz.Errorf(mgz.ECodeConflict, "De inschrijving van deze cliënt is net gewijzigd. Probeer de inschrijving opnieuw.")
		}
		if err := tx.Patients().AddSwitchRequest(ctx, &sr); err != nil {
			return err
		}
		if err := notifySwitch(ctx, tx, sr.FromPracticeID, mgz.NoticeSwitchRequest, sr, fmt.Sprintf("Overstapverzoek %d: een andere praktijk vraagt de inschrijving van een cliënt van uw praktijk over te nemen. Bevestig of maak bezwaar.", sr.ID)); err != nil {
			return err
		}
		reason := fmt.Sprintf("overstapverzoek van praktijk %d; toestemming %s op %s, verkregen door %s", sr.ToPracticeID,
			sr.ConsentMethod.Label(), sr.ConsentOn, sr.ConsentBy)
		return s.switchAudit(ctx, tx, a, sr, mgz.AuditCreate, reason)
	})
	return sr, err
}

// switchSides checks that a's organisation is one of sr's two practices; anyone else is told it
// does not exist, and the denial is audited.
func (s *Service) switchSides(ctx context.Context, a mgz.Actor, sr mgz.SwitchRequest, act mgz.AuditAction) error {
	if a.System || a.User.OrganisationID == sr.FromPracticeID || a.User.OrganisationID == sr.ToPracticeID {
		if a.User.ID == 0 && !a.System {
			return mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd.")
		}
		return nil
	}
	e := entry(a, act, "switch_request", sr.ID, sr.FromPracticeID)
	e.Outcome, e.Reason = mgz.OutcomeDenied, "alleen de twee praktijken van een overstap zien het verzoek"
	if err := s.store.Audit().Append(ctx, e); err != nil {
		s.log.Error("writing the audit entry of a denial failed", "err", err)
	}
	return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
}

// SwitchRequest returns a switch request to one of its two practices.
func (s *Service) SwitchRequest(ctx context.Context, a mgz.Actor, id int64) (mgz.SwitchRequest, error) {
	if err := s.settleDueSwitches(ctx); err != nil {
		return mgz.SwitchRequest{}, err
	}
	sr, err := s.store.Patients().SwitchRequest(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return sr, mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return sr, err
	}
	if err := s.switchSides(ctx, a, sr, mgz.AuditRead); err != nil {
		return mgz.SwitchRequest{}, err
	}
	// A request names a client and how consent was obtained: reading it is audited.
	e := entry(a, mgz.AuditRead, "switch_request", sr.ID, a.User.OrganisationID)
	e.PatientID = sr.PatientID
	if err := s.store.Audit().Append(ctx, e); err != nil {
		return mgz.SwitchRequest{}, fmt.Errorf("auditregel schrijven: %w", err)
	}
	return sr, nil
}

// SwitchRequests lists the switch requests in which the actor's practice is one of the two sides,
// newest first: the history both practices see.
func (s *Service) SwitchRequests(ctx context.Context, a mgz.Actor, f mgz.SwitchFilter) ([]mgz.SwitchRequest, int, error) {
	if a.User.ID == 0 && !a.System {
		return nil, 0, mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd.")
	}
	if err := s.settleDueSwitches(ctx); err != nil {
		return nil, 0, err
	}
	if !a.System {
		f.OrganisationID = a.User.OrganisationID
	}
	var srs []mgz.SwitchRequest
	var total int
	err := s.store.Atomic(ctx, func(tx mgz.Tx) error {
		var err error
		if srs, total, err = tx.Patients().SwitchRequests(ctx, f); err != nil {
			return err
		}
		for _, sr := range srs {
			e := entry(a, mgz.AuditRead, "switch_request", sr.ID, a.User.OrganisationID)
			e.PatientID, e.Reason = sr.PatientID, "in een lijst"
			if err := tx.Audit().Append(ctx, e); err != nil {
				return fmt.Errorf("auditregel schrijven: %w", err)
			}
		}
		return nil
	})
	return srs, total, err
}

// openSwitches lists the open requests that involve the actor's practice, for notices and
// markers that show no more than a client's number and masked BSN (not audited as reads).
func (s *Service) openSwitches(ctx context.Context, a mgz.Actor) ([]mgz.SwitchRequest, error) {
	if err := s.settleDueSwitches(ctx); err != nil {
		return nil, err
	}
	srs, _, err := s.store.Patients().SwitchRequests(ctx, mgz.SwitchFilter{OrganisationID: a.User.OrganisationID, State: mgz.SwitchOpen, Page: mgz.Page{Limit: mgz.MaxLimit}})
	return srs, err
}

// OpenSwitches returns the open switch requests that involve the actor's practice (as the
// practice holding the registration or the one asking), to mark clients in lists.
func (s *Service) OpenSwitches(ctx context.Context, a mgz.Actor) ([]mgz.SwitchRequest, error) {
	if a.System || a.User.ID == 0 || a.OrgKind != mgz.KindGPPractice {
		return []mgz.SwitchRequest{}, nil
	}
	return s.openSwitches(ctx, a)
}

// PatientSwitchRequests lists a patient's switch requests for the parties in the patient's care
// (the read of the patient is audited).
func (s *Service) PatientSwitchRequests(ctx context.Context, a mgz.Actor, patientID int64) ([]mgz.SwitchRequest, error) {
	p, err := s.Patient(ctx, a, patientID)
	if err != nil {
		return nil, err
	}
	srs, _, err := s.store.Patients().SwitchRequests(ctx, mgz.SwitchFilter{PatientID: p.ID, Page: mgz.Page{Limit: mgz.MaxLimit}})
	return srs, err
}

// decideSwitch runs one decision on an open request inside a transaction: the request is read
// there, so two decisions at once end with one winner and one conflict, never two outcomes.
func (s *Service) decideSwitch(ctx context.Context, a mgz.Actor, id int64, side func(mgz.SwitchRequest) int64, what string,
	decide func(tx mgz.Tx, sr *mgz.SwitchRequest) error) (mgz.SwitchRequest, error) {
	sr, err := s.SwitchRequest(ctx, a, id)
	if err != nil {
		return sr, err
	}
	org := side(sr)
	if !a.System {
		if a.User.OrganisationID != org {
			// The other practice of the request: told why, and the refusal is audited like any other.
			e := entry(a, mgz.AuditUpdate, "switch_request", sr.ID, org)
			e.PatientID, e.Outcome, e.Reason = sr.PatientID, mgz.OutcomeDenied, what
			if err := s.store.Audit().Append(ctx, e); err != nil {
				s.log.Error("writing the audit entry of a denial failed", "err", err)
			}
			return sr, mgz.Errorf(mgz.ECodeForbidden, "Geen toegang: %s", what)
		}
		// A carer of the practice on that side: the policy's rule for changing a client's data.
		if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.Patient, Parties: []int64{org}}, mgz.AuditUpdate, sr.PatientID); err != nil {
			return sr, err
		}
	}
	err = s.store.Atomic(ctx, func(tx mgz.Tx) error {
		cur, err := tx.Patients().SwitchRequest(ctx, id)
		if err != nil {
			return err
		}
		if cur.State != mgz.SwitchOpen {
			return mgz.Errorf(mgz.ECodeConflict, "Dit overstapverzoek is al afgehandeld (%s). Open het opnieuw om de uitkomst te zien.", cur.State.Label())
		}
		sr = cur
		return decide(tx, &sr)
	})
	return sr, err
}

// ConfirmSwitch is the current practice agreeing to the switch: it completes at once.
func (s *Service) ConfirmSwitch(ctx context.Context, a mgz.Actor, id int64) (mgz.SwitchRequest, error) {
	return s.decideSwitch(ctx, a, id, func(sr mgz.SwitchRequest) int64 { return sr.FromPracticeID },
		"alleen de praktijk waar de cliënt nu staat ingeschreven bevestigt een overstap.",
		func(tx mgz.Tx, sr *mgz.SwitchRequest) error {
			return s.completeSwitch(ctx, tx, a, sr, "bevestigd door de huidige praktijk")
		})
}

// ObjectSwitch is the current practice objecting, with a reason: the client stays registered
// with it, and the requesting practice sees why.
func (s *Service) ObjectSwitch(ctx context.Context, a mgz.Actor, id int64, reason string) (mgz.SwitchRequest, error) {
	reason, err := mgz.CheckObjectionReason(reason)
	if err != nil {
		return mgz.SwitchRequest{}, err
	}
	return s.decideSwitch(ctx, a, id, func(sr mgz.SwitchRequest) int64 { return sr.FromPracticeID },
		"alleen de praktijk waar de cliënt nu staat ingeschreven maakt bezwaar tegen een overstap.",
		func(tx mgz.Tx, sr *mgz.SwitchRequest) error {
			now := s.now()
			sr.State, sr.DecidedBy, sr.DecidedAt, sr.Reason = mgz.SwitchObjected, a.User.ID, &now, reason
			if err := tx.Patients().CloseSwitchRequest(ctx, sr); err != nil {
				return err
			}
			if err := notifySwitch(ctx, tx, sr.ToPracticeID, mgz.NoticeSwitchObjection, *sr, fmt.Sprintf("De huidige praktijk maakt bezwaar tegen overstapverzoek %d.", sr.ID)); err != nil {
				return err
			}
			return s.switchAudit(ctx, tx, a, *sr, mgz.AuditUpdate, "bezwaar tegen overstap: "+reason)
		})
}

// WithdrawSwitch is the requesting practice withdrawing its request.
func (s *Service) WithdrawSwitch(ctx context.Context, a mgz.Actor, id int64) (mgz.SwitchRequest, error) {
	return s.decideSwitch(ctx, a, id, func(sr mgz.SwitchRequest) int64 { return sr.ToPracticeID },
		"alleen de praktijk die de overstap aanvroeg trekt het verzoek in.",
		func(tx mgz.Tx, sr *mgz.SwitchRequest) error {
			now := s.now()
			sr.State, sr.DecidedBy, sr.DecidedAt, sr.Reason = mgz.SwitchWithdrawn, a.User.ID, &now, "ingetrokken door de aanvragende praktijk"
			if err := tx.Patients().CloseSwitchRequest(ctx, sr); err != nil {
				return err
			}
			if err := notifySwitch(ctx, tx, sr.FromPracticeID, mgz.NoticeSwitchWithdrawn, *sr, fmt.Sprintf("Overstapverzoek %d is ingetrokken door de aanvragende praktijk.", sr.ID)); err != nil {
				return err
			}
			return s.switchAudit(ctx, tx, a, *sr, mgz.AuditUpdate, "overstapverzoek ingetrokken")
		})
}

// SwitchNotices is what a practice's start page shows about switches.
type SwitchNotices struct {
	// Incoming are open requests to take over the practice's clients; Outgoing its own requests.
	Incoming []mgz.SwitchRequest `json:"incoming"`
	Outgoing []mgz.SwitchRequest `json:"outgoing"`
	// Misses are registrations by other organisations that named a client's BSN with another
	// birth date.
	Misses []mgz.BSNMiss `json:"misses"`
	// Decided are the requests of either side decided in the last SwitchOutcomeNoticeDays days,
	// so a practice hears of an outcome, above all a client who left by the region's period.
	Decided []mgz.SwitchRequest `json:"decided"`
	// LeadChanges are changes of the lead physician of the practice's clients by other
	// organisations in the last LeadChangeNoticeDays days.
	LeadChanges []mgz.LeadChange `json:"lead_changes"`
}

// SwitchOutcomeNoticeDays is how long the start page shows the outcome of a switch request.
const SwitchOutcomeNoticeDays = 14

// LeadChangeNoticeDays is how long the start page shows a change of a client's lead physician
// made by another organisation.
const LeadChangeNoticeDays = 30

// Empty reports whether there is nothing to show.
func (n SwitchNotices) Empty() bool {
	return len(n.Incoming) == 0 && len(n.Outgoing) == 0 && len(n.Misses) == 0 && len(n.LeadChanges) == 0 && len(n.Decided) == 0
}

// SwitchNotices returns the open switch requests and BSN misses that concern the actor's practice.
func (s *Service) SwitchNotices(ctx context.Context, a mgz.Actor) (SwitchNotices, error) {
	n := SwitchNotices{Incoming: []mgz.SwitchRequest{}, Outgoing: []mgz.SwitchRequest{}, Misses: []mgz.BSNMiss{}, LeadChanges: []mgz.LeadChange{}, Decided: []mgz.SwitchRequest{}}
	if a.System || a.OrgKind != mgz.KindGPPractice {
		return n, nil
	}
	open, err := s.openSwitches(ctx, a)
	if err != nil {
		return n, err
	}
	for _, sr := range open {
		if sr.FromPracticeID == a.User.OrganisationID {
			n.Incoming = append(n.Incoming, sr)
		} else {
			n.Outgoing = append(n.Outgoing, sr)
		}
	}
	if n.Misses, err = s.store.Patients().BSNMisses(ctx, a.User.OrganisationID, 0); err != nil {
		return n, err
	}
	if n.Decided, _, err = s.store.Patients().SwitchRequests(ctx, mgz.SwitchFilter{OrganisationID: a.User.OrganisationID,
		DecidedSince: s.now().AddDate(0, 0, -SwitchOutcomeNoticeDays), Page: mgz.Page{Limit: 50}}); err != nil {
		return n, err
	}
	since := s.now().AddDate(0, 0, -LeadChangeNoticeDays)
	if n.LeadChanges, err = s.store.Patients().LeadChangesByOthers(ctx, a.User.OrganisationID, since); err != nil {
		return n, err
	}
	return n, nil
}

// PatientBSNMisses lists the BSN misses on one patient, for the registered practice only.
func (s *Service) PatientBSNMisses(ctx context.Context, a mgz.Actor, p mgz.Patient) ([]mgz.BSNMiss, error) {
	if a.System || p.GPPracticeID == nil || *p.GPPracticeID != a.User.OrganisationID {
		return []mgz.BSNMiss{}, nil
	}
	return s.store.Patients().BSNMisses(ctx, a.User.OrganisationID, p.ID)
}

// PatientRecord is a client with its history, as the client's page shows it.
type PatientRecord struct {
	Patient       mgz.Patient
	Registrations []mgz.Registration
	Switches      []mgz.SwitchRequest
	LeadChanges   []mgz.LeadChange
}

// PatientRecord reads a client once, authorised and audited as one read, with its
// registrations, switch requests and lead-physician changes: one page view, one audit entry for
// the client, where reading each part on its own would write one per part.
func (s *Service) PatientRecord(ctx context.Context, a mgz.Actor, patientID int64) (PatientRecord, error) {
	p, err := s.Patient(ctx, a, patientID)
	if err != nil {
		return PatientRecord{}, err
	}
	rec := PatientRecord{Patient: p}
	if rec.Registrations, err = s.store.Patients().Registrations(ctx, p.ID); err != nil {
		return rec, err
	}
	if rec.Switches, _, err = s.store.Patients().SwitchRequests(ctx, mgz.SwitchFilter{PatientID: p.ID, Page: mgz.Page{Limit: mgz.MaxLimit}}); err != nil {
		return rec, err
	}
	if rec.LeadChanges, err = s.store.Patients().LeadChanges(ctx, p.ID); err != nil {
		return rec, err
	}
	return rec, nil
}

// LeadChanges lists the changes of a patient's lead physician, for the parties in its care.
func (s *Service) LeadChanges(ctx context.Context, a mgz.Actor, patientID int64) ([]mgz.LeadChange, error) {
	p, err := s.Patient(ctx, a, patientID)
	if err != nil {
		return nil, err
	}
	return s.store.Patients().LeadChanges(ctx, p.ID)
}

// SwitchPeriodDays returns the region's period after which an unanswered switch completes; every
// signed-in user may read it.
func (s *Service) SwitchPeriodDays(ctx context.Context, a mgz.Actor) (int, error) {
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Settings}, mgz.AuditRead, 0); err != nil {
		return 0, err
	}
	return s.store.Patients().SwitchPeriodDays(ctx)
}

// SetSwitchPeriodDays changes the region's switch period (the RHO's admins); requests already
// open keep the moment they were told.
func (s *Service) SetSwitchPeriodDays(ctx context.Context, a mgz.Actor, days int) error {
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.Settings}, mgz.AuditUpdate, 0); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Patients().SetSwitchPeriodDays(ctx, days); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, string(access.Settings), 0, 0)
		e.Reason = fmt.Sprintf("termijn voor overstappen: %d dagen", days)
		return e, nil
	})
}
