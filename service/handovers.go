package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
)

// EmergencyAccessWindow is how long one emergency access ("break the glass") lets a user read a
// client's handover (product choice: one night-time consultation, not a standing right).
const EmergencyAccessWindow = time.Hour

// Bounds of the reason for an emergency access.
const (
	MinEmergencyReason = 10
	MaxEmergencyReason = 500
)

// HandoverView is a client's handover as one reader may see it.
type HandoverView struct {
	// PatientID, Name and BirthDate identify the client to a reader who may not open the
	// client's record (the GP post).
	PatientID int64
	Name      string
	BirthDate mgz.Date
	// Handover is the version read; nil when none was written yet.
	Handover *mgz.Handover
	// Outdated: the last confirmation is older than the region's limit (MaxAgeMonths).
	Outdated     bool
	MaxAgeMonths int
	// Emergency is the reader's emergency access this read was made under, if any.
	Emergency *mgz.EmergencyAccess
	// CanEdit: the reader may write a new version and confirm it.
	CanEdit bool
	// LeadOrganisationID is the organisation that writes the handover (0: no lead physician).
	LeadOrganisationID int64
}

// leadOrganisation is the organisation that writes p's handover: the lead physician's
// organisation, or the registered practice when the lead is the GP and no organisation is named.
func leadOrganisation(p mgz.Patient) int64 {
	if p.LeadPhysicianOrgID != nil {
		return *p.LeadPhysicianOrgID
	}
	if (p.LeadPhysician == mgz.LeadGP || p.LeadPhysician == "") && p.GPPracticeID != nil {
		return *p.GPPracticeID
	}
	return 0
}

// handoverResource is p's handover for the policy at the service's clock: the parties of the
// client, the lead physician's organisation, the GP posts of the client's region (reading out of
// hours, as the region's calendar decides), the involved organisations that read only by
// emergency access, and the actor's emergency access when one is running.
//
// The region's GP posts are the GP posts whose zorgkantoor region is that of the location's care
// provider (for a client at home: of the registered practice); when the register has none there,
// every GP post of the register (a register of one region). Involved but without standing access:
// the location's fixed GP practice and the GP posts of other regions.
func (s *Service) handoverResource(ctx context.Context, a mgz.Actor, p mgz.Patient) (access.Resource, *mgz.EmergencyAccess, error) {
	ids, loc, err := s.parties(ctx, p)
	if err != nil {
		return access.Resource{}, nil, err
	}
	lead := leadOrganisation(p)
	r := access.Resource{Kind: access.Handover, OrganisationID: lead, Parties: append(ids, lead)}
	region := ""
	if loc != nil {
		if o, err := s.store.Register().Organisation(ctx, loc.ProviderID); err == nil {
			region = o.CareOfficeRegion
		}
		if loc.FixedGPPracticeID != nil {
			r.Involved = append(r.Involved, *loc.FixedGPPracticeID)
		}
	} else if p.GPPracticeID != nil {
		if o, err := s.store.Register().Organisation(ctx, *p.GPPracticeID); err == nil {
			region = o.CareOfficeRegion
		}
	}
	posts, _, err := s.store.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPost, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return r, nil, err
	}
	for _, o := range posts {
		if region != "" && strings.EqualFold(o.CareOfficeRegion, region) {
			r.OutOfHoursReaders = append(r.OutOfHoursReaders, o.ID)
		}
	}
	matched := len(r.OutOfHoursReaders) > 0
	for _, o := range posts {
		switch {
		case !matched:
			r.OutOfHoursReaders = append(r.OutOfHoursReaders, o.ID)
		case !strings.EqualFold(o.CareOfficeRegion, region):
			r.Involved = append(r.Involved, o.ID)
		}
	}
	cs, err := s.store.Settings().CalendarSettings(ctx)
	if err != nil {
		return r, nil, err
	}
	r.OutOfHours = cs.OrDefault().Period(s.now()) == calendar.OutOfHours
	if a.System || a.User.ID == 0 {
		return r, nil, nil
	}
	g, ok, err := s.store.Handovers().ActiveEmergencyAccess(ctx, a.User.ID, p.ID, s.now())
	if err != nil || !ok {
		return r, nil, err
	}
	r.Emergency = true
	return r, &g, nil
}

// handoverEntry is the audit entry of an access to p's handover: object "handover" with the
// client's id, owned by the lead physician's organisation, naming the client by internal id.
func handoverEntry(a mgz.Actor, act mgz.AuditAction, p mgz.Patient, reason string) *mgz.AuditEntry {
	e := entry(a, act, string(access.Handover), p.ID, leadOrganisation(p))
	e.PatientID, e.Reason = p.ID, reason
	return e
}

func (s *Service) handoverPatient(ctx context.Context, id int64) (mgz.Patient, error) {
	p, err := s.store.Patients().Patient(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return p, mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	return p, err
}

// authorizeHandoverRead asks the policy whether a may read p's handover now. It returns the audit
// action and reason of the read: "read_emergency" with the stated reason when only the emergency
// access allows it. A break-the-glass denial is audited and answered with ECodeBreakGlass.
func (s *Service) authorizeHandoverRead(ctx context.Context, a mgz.Actor, p mgz.Patient) (mgz.AuditAction, string, *mgz.EmergencyAccess, access.Resource, error) {
	r, g, err := s.handoverResource(ctx, a, p)
	if err != nil {
		return "", "", nil, r, err
	}
	d := access.Decide(a, access.Read, r)
	if !d.Allow {
		if d.BreakGlass {
			e := handoverEntry(a, mgz.AuditRead, p, d.Reason)
			e.Outcome = mgz.OutcomeDenied
			if err := s.store.Audit().Append(ctx, e); err != nil {
				return "", "", nil, r, fmt.Errorf("auditregel schrijven: %w", err)
			}
			return "", "", nil, r, &mgz.Error{Code: mgz.ECodeBreakGlass, Message: d.Reason}
		}
		return "", "", nil, r, s.authorize(ctx, s.store, a, access.Read, r, mgz.AuditRead, p.ID)
	}
	if g != nil {
		normal := r
		normal.Emergency = false
		if !access.Decide(a, access.Read, normal).Allow {
			return mgz.AuditReadEmergency, "noodtoegang: " + g.Reason, g, r, nil
		}
	}
	reason := ""
	if !party(a, r.Parties) {
		reason = "huisartsenpost tijdens de ANW-uren"
	}
	return mgz.AuditRead, reason, nil, r, nil
}

func party(a mgz.Actor, ids []int64) bool {
	for _, id := range ids {
		if id != 0 && id == a.User.OrganisationID {
			return true
		}
	}
	return false
}

// Handover returns a client's handover, version 0 meaning the current one, to a reader the policy
// allows now; every read is audited (an emergency read as "read_emergency" with its reason).
func (s *Service) Handover(ctx context.Context, a mgz.Actor, patientID, version int64) (HandoverView, error) {
	p, err := s.handoverPatient(ctx, patientID)
	if err != nil {
		return HandoverView{}, err
	}
	act, reason, g, r, err := s.authorizeHandoverRead(ctx, a, p)
	if err != nil {
		return HandoverView{}, err
	}
	v := HandoverView{PatientID: p.ID, Name: p.Name, BirthDate: p.BirthDate, Emergency: g, LeadOrganisationID: r.OrganisationID,
		CanEdit: r.OrganisationID != 0 && access.Decide(a, access.Update, r).Allow}
	err = s.store.Atomic(ctx, func(tx mgz.Tx) error {
		var h mgz.Handover
		var err error
		if version == 0 {
			h, err = tx.Handovers().Current(ctx, p.ID)
		} else {
			h, err = tx.Handovers().Version(ctx, p.ID, version)
		}
		switch {
		case mgz.ErrorCode(err) == mgz.ECodeNotFound && version == 0:
			// No handover yet: the read of the client's identity is still recorded.
		case err != nil:
			return err
		default:
			v.Handover = &h
		}
		if v.MaxAgeMonths, err = tx.Handovers().MaxAgeMonths(ctx); err != nil {
			return err
		}
		line := "overdracht"
		if v.Handover != nil {
			line = fmt.Sprintf("overdracht versie %d", v.Handover.Version)
			v.Outdated = v.Handover.Outdated(s.now(), v.MaxAgeMonths)
		}
		if reason != "" {
			line += "; " + reason
		}
		return tx.Audit().Append(ctx, handoverEntry(a, act, p, line))
	})
	return v, err
}

// HandoverVersions lists the versions of a client's handover to a reader the policy allows now;
// the listing is audited as a read.
func (s *Service) HandoverVersions(ctx context.Context, a mgz.Actor, patientID int64) ([]mgz.HandoverVersionInfo, error) {
	p, err := s.handoverPatient(ctx, patientID)
	if err != nil {
		return nil, err
	}
	act, reason, _, _, err := s.authorizeHandoverRead(ctx, a, p)
	if err != nil {
		return nil, err
	}
	var out []mgz.HandoverVersionInfo
	err = s.store.Atomic(ctx, func(tx mgz.Tx) error {
		var err error
		if out, err = tx.Handovers().Versions(ctx, p.ID); err != nil {
			return err
		}
		line := "versies van de overdracht"
		if reason != "" {
			line += "; " + reason
		}
		return tx.Audit().Append(ctx, handoverEntry(a, act, p, line))
	})
	return out, err
}

// HandoverForCard returns the current handover for the client page of a party in the client's
// care (Handover nil when none was written), and nil when the actor may not read it now. A shown
// handover is audited as a read; none shown, nothing is written.
func (s *Service) HandoverForCard(ctx context.Context, a mgz.Actor, p mgz.Patient) (*HandoverView, error) {
	r, _, err := s.handoverResource(ctx, a, p)
	if err != nil {
		return nil, err
	}
	r.Emergency = false // the card never breaks the glass
	if !access.Decide(a, access.Read, r).Allow {
		return nil, nil
	}
	var v *HandoverView
	err = s.store.Atomic(ctx, func(tx mgz.Tx) error {
		h, err := tx.Handovers().Current(ctx, p.ID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			v = &HandoverView{PatientID: p.ID, Name: p.Name, BirthDate: p.BirthDate, LeadOrganisationID: r.OrganisationID,
				CanEdit: r.OrganisationID != 0 && access.Decide(a, access.Update, r).Allow}
			return nil
		}
		if err != nil {
			return err
		}
		months, err := tx.Handovers().MaxAgeMonths(ctx)
		if err != nil {
			return err
		}
		v = &HandoverView{PatientID: p.ID, Name: p.Name, BirthDate: p.BirthDate, Handover: &h, MaxAgeMonths: months,
			Outdated: h.Outdated(s.now(), months), LeadOrganisationID: r.OrganisationID,
			CanEdit: r.OrganisationID != 0 && access.Decide(a, access.Update, r).Allow}
		return tx.Audit().Append(ctx, handoverEntry(a, mgz.AuditRead, p, fmt.Sprintf("behandelwensen op de cliëntpagina (overdracht versie %d)", h.Version)))
	})
	return v, err
}

// SaveHandover stores h as the next version of the client's handover, written by the lead
// physician's organisation. expected is the version the edit was made on (0: not said); an edit
// on an older version is refused with a conflict.
func (s *Service) SaveHandover(ctx context.Context, a mgz.Actor, h *mgz.Handover, expected int64) error {
	p, err := s.handoverPatient(ctx, h.PatientID)
	if err != nil {
		return err
	}
	r, _, err := s.handoverResource(ctx, a, p)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, s.store, a, access.Update, r, mgz.AuditUpdate, p.ID); err != nil {
		return err
	}
	if err := h.Normalise(mgz.DateOf(s.now())); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		cur, err := tx.Handovers().Current(ctx, p.ID)
		var current int64
		switch {
		case err == nil:
			current = cur.Version
		case mgz.ErrorCode(err) != mgz.ECodeNotFound:
			return nil, err
		}
		if mgz.Stale(expected, current) {
			return nil, mgz.StaleEdit("De overdracht", expected, current, []string{
				fmt.Sprintf("versie %d opgeslagen door %s op %s", cur.Version, cur.CreatedBy, cur.CreatedAt.In(calendar.Location()).Format("02-01-2006 om 15:04"))})
		}
		h.PatientID, h.LeadPhysician, h.LeadOrganisationID = p.ID, p.LeadPhysician, r.OrganisationID
		if !a.System || h.CreatedAt.IsZero() || h.CreatedAt.After(s.now()) {
			// Only the operator, bringing in an existing handover, keeps its own date.
			h.CreatedAt = s.now()
		}
		if !a.System || h.CreatedBy == "" {
			h.CreatedBy = s.who(ctx, tx, a)
		}
		if err := tx.Handovers().Add(ctx, h, a.User.ID); err != nil {
			return nil, err
		}
		act := mgz.AuditUpdate
		if h.Version == 1 {
			act = mgz.AuditCreate
		}
		return handoverEntry(a, act, p, fmt.Sprintf("overdracht versie %d", h.Version)), nil
	})
}

// HandoverEditable reports, as an error, whether a may write the client's handover: for the edit
// form, whose refusal is audited like the save's.
func (s *Service) HandoverEditable(ctx context.Context, a mgz.Actor, patientID int64) error {
	p, err := s.handoverPatient(ctx, patientID)
	if err != nil {
		return err
	}
	r, _, err := s.handoverResource(ctx, a, p)
	if err != nil {
		return err
	}
	return s.authorize(ctx, s.store, a, access.Update, r, mgz.AuditUpdate, p.ID)
}

// ConfirmHandover records that the current version is still right, without changing it.
// expected is the version the person confirmed (0: not said).
func (s *Service) ConfirmHandover(ctx context.Context, a mgz.Actor, patientID, expected int64) (mgz.Handover, error) {
	p, err := s.handoverPatient(ctx, patientID)
	if err != nil {
		return mgz.Handover{}, err
	}
	r, _, err := s.handoverResource(ctx, a, p)
	if err != nil {
		return mgz.Handover{}, err
	}
	if err := s.authorize(ctx, s.store, a, access.Update, r, mgz.AuditUpdate, p.ID); err != nil {
		return mgz.Handover{}, err
	}
	var h mgz.Handover
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		cur, err := tx.Handovers().Current(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(expected, cur.Version) {
			return nil, mgz.StaleEdit("De overdracht", expected, cur.Version, []string{
				fmt.Sprintf("versie %d opgeslagen door %s", cur.Version, cur.CreatedBy)})
		}
		by := s.who(ctx, tx, a)
		if err := tx.Handovers().Confirm(ctx, p.ID, cur.Version, a.User.ID, a.User.OrganisationID, by, s.now()); err != nil {
			return nil, err
		}
		if h, err = tx.Handovers().Current(ctx, p.ID); err != nil {
			return nil, err
		}
		return handoverEntry(a, mgz.AuditUpdate, p, fmt.Sprintf("overdracht versie %d bevestigd zonder wijziging", cur.Version)), nil
	})
	return h, err
}

// EmergencyAccess records a break-the-glass access of a to the client's handover for
// EmergencyAccessWindow: only for an organisation the policy sends to the glass (the GP post
// outside out-of-hours periods, the involved organisations), with a stated reason. The audit entry
// is "read_emergency" with the reason, and the lead physician's organisation gets a notice (its
// subject names the reading organisation, never the client).
func (s *Service) EmergencyAccess(ctx context.Context, a mgz.Actor, patientID int64, reason string) (mgz.EmergencyAccess, error) {
	p, err := s.handoverPatient(ctx, patientID)
	if err != nil {
		return mgz.EmergencyAccess{}, err
	}
	r, g, err := s.handoverResource(ctx, a, p)
	if err != nil {
		return mgz.EmergencyAccess{}, err
	}
	if g != nil {
		return *g, nil // still running: nothing new to record
	}
	d := access.Decide(a, access.Read, r)
	if d.Allow {
		// Nothing to break: refused and audited like any denial, so the log shows the attempt.
		e := handoverEntry(a, mgz.AuditReadEmergency, p, "noodtoegang geweigerd: de organisatie heeft nu al toegang")
		e.Outcome = mgz.OutcomeDenied
		if err := s.store.Audit().Append(ctx, e); err != nil {
			return mgz.EmergencyAccess{}, fmt.Errorf("auditregel schrijven: %w", err)
		}
		return mgz.EmergencyAccess{}, mgz.Errorf(mgz.ECodeForbidden, "U heeft nu al toegang tot deze overdracht; noodtoegang is niet nodig.")
	}
	if !d.BreakGlass {
		return mgz.EmergencyAccess{}, s.authorize(ctx, s.store, a, access.Read, r, mgz.AuditRead, p.ID)
	}
	reason = strings.Join(strings.Fields(strings.ToValidUTF8(reason, "")), " ")
	switch n := utf8.RuneCountInString(reason); {
	case n < MinEmergencyReason:
		return mgz.EmergencyAccess{}, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Geef de reden voor de noodtoegang op.",
			Fields: map[string]string{"reason": fmt.Sprintf("Beschrijf in minstens %d tekens waarom u deze overdracht nu nodig heeft.", MinEmergencyReason)}}
	case n > MaxEmergencyReason:
		return mgz.EmergencyAccess{}, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De reden is te lang.",
			Fields: map[string]string{"reason": fmt.Sprintf("Houd de reden korter dan %d tekens.", MaxEmergencyReason)}}
	}
	now := s.now()
	grant := mgz.EmergencyAccess{PatientID: p.ID, UserID: a.User.ID, OrganisationID: a.User.OrganisationID, Reason: reason,
		GrantedAt: now, Until: now.Add(EmergencyAccessWindow)}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Handovers().AddEmergencyAccess(ctx, &grant); err != nil {
			return nil, err
		}
		if r.OrganisationID != 0 {
			n := &mgz.Notice{OrganisationID: r.OrganisationID, Kind: mgz.NoticeHandoverEmergencyAccess,
				Subject: "Noodtoegang tot een overdracht door " + orgName(ctx, tx, a.User.OrganisationID),
				Link:    fmt.Sprintf("/clienten/%d/overdracht", p.ID), ObjectType: "patient", ObjectID: p.ID, CreatedAt: now}
			if _, err := tx.Notices().Add(ctx, n); err != nil {
				return nil, err
			}
		}
		return handoverEntry(a, mgz.AuditReadEmergency, p, "noodtoegang gevraagd: "+reason), nil
	})
	return grant, err
}

// HandoverMaxAgeMonths is the region's limit after which a handover's last confirmation is
// outdated; every signed-in user may read it.
func (s *Service) HandoverMaxAgeMonths(ctx context.Context, a mgz.Actor) (int, error) {
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Settings}, mgz.AuditRead, 0); err != nil {
		return 0, err
	}
	return s.store.Handovers().MaxAgeMonths(ctx)
}

// SetHandoverMaxAgeMonths changes the region's limit (the RHO's admins).
func (s *Service) SetHandoverMaxAgeMonths(ctx context.Context, a mgz.Actor, months int) error {
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.Settings}, mgz.AuditUpdate, 0); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Handovers().SetMaxAgeMonths(ctx, months); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, string(access.Settings), 0, 0)
		e.Reason = fmt.Sprintf("maximale ouderdom van een overdracht: %d maanden", months)
		return e, nil
	})
}

// Now is the service's clock, for what a page prints as "today" (the handover's print date).
func (s *Service) Now() time.Time { return s.now() }

// HandoverMarks says, for each of the listed clients, "geen overdracht" or "overdracht verouderd"
// (nothing for a fresh one), for the client list. ps must be clients the actor's organisation
// was allowed to list (Patients); only the age of a handover shows, never its content, so the
// marks add no reads to the audit log beyond the listing's own.
func (s *Service) HandoverMarks(ctx context.Context, a mgz.Actor, ps []mgz.Patient) (map[int64]string, error) {
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		if ok, err := s.mayListPatient(ctx, a, p); err != nil {
			return nil, err
		} else if ok {
			ids = append(ids, p.ID)
		}
	}
	last, err := s.store.Handovers().LastConfirmed(ctx, ids)
	if err != nil {
		return nil, err
	}
	months, err := s.store.Handovers().MaxAgeMonths(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, id := range ids {
		at, ok := last[id]
		switch {
		case !ok:
			out[id] = "geen overdracht"
		case (mgz.Handover{ConfirmedAt: at}).Outdated(s.now(), months):
			out[id] = "overdracht verouderd"
		}
	}
	return out, nil
}

// mayListPatient reports whether a's organisation is a party of p, as the client list requires.
func (s *Service) mayListPatient(ctx context.Context, a mgz.Actor, p mgz.Patient) (bool, error) {
	if a.System {
		return true, nil
	}
	ids, _, err := s.parties(ctx, p)
	if err != nil {
		return false, err
	}
	return party(a, ids), nil
}
