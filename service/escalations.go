package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/csvsafe"
)

// Reports (meldingen) along the covenant's route (domain.md §7; L-Conv 3; L-Rol 1, 4): a GP
// practice, or the RHO on its behalf, reports care that structurally falls short; the report goes
// to the care provider, then the zorgkantoor of the provider's region, then the regional table,
// and ends resolved or withdrawn. Every change is audited in its own transaction together with the
// notices it sends.

const escalationObject = "escalation"

// EscalationDetail is a report as one reader may see it: the linked clients they may read (each
// read audited) and how many others are linked, its attachments, and what they may do now.
type EscalationDetail struct {
	mgz.Escalation
	Patients       []mgz.Patient
	HiddenPatients int
	Attachments    []mgz.EscalationAttachment
	CanRespond     bool
	CanSteer       bool // move on, resolve, withdraw, attach
}

func escalationNotFound() error {
	return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
}

// readEscalation reads a report and asks the policy; a denial is audited and hides the report.
func (s *Service) readEscalation(ctx context.Context, a mgz.Actor, id int64, act access.Action) (mgz.Escalation, error) {
	e, err := s.store.Escalations().Get(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return e, escalationNotFound()
	}
	if err != nil {
		return e, err
	}
	if err := s.authorize(ctx, s.store, a, act, access.EscalationResource(e), auditAction[act], e.ID); err != nil {
		return mgz.Escalation{}, err
	}
	return e, nil
}

// Escalation returns a report to an organisation involved in it.
func (s *Service) Escalation(ctx context.Context, a mgz.Actor, id int64) (EscalationDetail, error) {
	e, err := s.readEscalation(ctx, a, id, access.Read)
	if err != nil {
		return EscalationDetail{}, err
	}
	d := EscalationDetail{Escalation: e}
	r := access.EscalationResource(e)
	d.CanRespond = !e.State.Closed() && access.Decide(a, access.Respond, r).Allow
	d.CanSteer = !e.State.Closed() && access.Decide(a, access.Update, r).Allow
	if d.Attachments, err = s.store.Escalations().Attachments(ctx, e.ID); err != nil {
		return d, err
	}
	// A linked client is shown only to who may read the client; showing it is a read.
	err = s.store.Atomic(ctx, func(tx mgz.Tx) error {
		for _, pid := range e.PatientIDs {
			p, err := tx.Patients().Patient(ctx, pid)
			if mgz.ErrorCode(err) == mgz.ECodeNotFound {
				continue
			}
			if err != nil {
				return err
			}
			ids, _, err := s.parties(ctx, p)
			if err != nil {
				return err
			}
			if !access.Decide(a, access.Read, access.Resource{Kind: access.Patient, Parties: ids}).Allow {
				d.HiddenPatients++
				continue
			}
			if err := tx.Audit().Append(ctx, patientEntry(a, mgz.AuditRead, p, fmt.Sprintf("gekoppeld aan melding %d", e.ID))); err != nil {
				return fmt.Errorf("auditregel schrijven: %w", err)
			}
			d.Patients = append(d.Patients, p)
		}
		return nil
	})
	return d, err
}

// Escalations lists the reports f selects that the actor may see, newest first, and how many
// there are in all.
func (s *Service) Escalations(ctx context.Context, a mgz.Actor, f mgz.EscalationFilter, p mgz.Page) ([]mgz.Escalation, int, error) {
	if a.User.ID == 0 && !a.System {
		return nil, 0, mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd.")
	}
	all, err := s.store.Escalations().List(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	// A region has tens to hundreds of reports: the policy filters them here, in the one place
	// that decides, before the page is cut.
	var seen []mgz.Escalation
	for _, e := range all {
		if access.Decide(a, access.Read, access.EscalationResource(e)).Allow {
			seen = append(seen, e)
		}
	}
	p = p.Clamp()
	total := len(seen)
	lo, hi := min(p.Offset, total), min(p.Offset+p.Limit, total)
	out := seen[lo:hi]
	if out == nil {
		out = []mgz.Escalation{}
	}
	return out, total, nil
}

// notifyEscalation adds a notice about report e for org in tx (no notice for org 0).
func notifyEscalation(ctx context.Context, tx mgz.Tx, org int64, kind mgz.NoticeKind, e mgz.Escalation, what, dedupe string) error {
	if org == 0 {
		return nil
	}
	subject := fmt.Sprintf("Melding %d over %s: %s", e.ID, orgName(ctx, tx, e.CareProviderID), what)
	_, err := tx.Notices().Add(ctx, &mgz.Notice{OrganisationID: org, Kind: kind, Subject: subject,
		Link: fmt.Sprintf("/meldingen/%d", e.ID), ObjectType: escalationObject, ObjectID: e.ID, DedupeKey: dedupe})
	return err
}

// deadline is the last day to respond to a step opened now, by the region's term and calendar.
func (s *Service) deadline(ctx context.Context, tx mgz.Tx) (mgz.Date, error) {
	days, err := tx.Escalations().ResponseDays(ctx)
	if err != nil {
		return mgz.Date{}, err
	}
	cs, err := tx.Settings().CalendarSettings(ctx)
	if err != nil {
		return mgz.Date{}, err
	}
	return mgz.EscalationDeadline(mgz.DateOf(s.now()), days, cs.FreeDays), nil
}

// MayFileEscalation reports (and audits a refusal) whether the actor may file reports: for its own
// practice, or as the RHO on behalf of practices. The form asks it before it is shown.
func (s *Service) MayFileEscalation(ctx context.Context, a mgz.Actor) error {
	return s.authorize(ctx, s.store, a, access.Create, access.Resource{Kind: access.Escalation, OrganisationID: a.User.OrganisationID}, mgz.AuditCreate, 0)
}

// FileEscalation files report e: for the actor's own practice, or by the RHO on behalf of
// e.ReporterPracticeID ("namens"). The first step is addressed to the care provider; e's linked
// clients must each be readable by the actor (each link is audited as a read of the client).
func (s *Service) FileEscalation(ctx context.Context, a mgz.Actor, e *mgz.Escalation) error {
	if e.ReporterPracticeID == 0 {
		e.ReporterPracticeID = a.User.OrganisationID
	}
	if err := s.authorize(ctx, s.store, a, access.Create, access.Resource{Kind: access.Escalation, OrganisationID: e.ReporterPracticeID}, mgz.AuditCreate, 0); err != nil {
		return err
	}
	if err := e.Normalise(mgz.DateOf(s.now())); err != nil {
		return err
	}
	invalid := func(field, msg string) error {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "De melding kan niet worden opgeslagen.", Fields: map[string]string{field: msg}}
	}
	if o, err := s.store.Register().Organisation(ctx, e.ReporterPracticeID); err != nil || o.Kind != mgz.KindGPPractice {
		return invalid("reporter_practice_id", "Kies de huisartsenpraktijk namens wie u meldt.")
	}
	if o, err := s.store.Register().Organisation(ctx, e.CareProviderID); err != nil || o.Kind != mgz.KindCareProvider {
		return invalid("care_provider_id", "Kies een zorgaanbieder uit het register.")
	}
	if e.LocationID != nil {
		if l, err := s.store.Register().Location(ctx, *e.LocationID); err != nil || l.ProviderID != e.CareProviderID {
			return invalid("location_id", "De locatie hoort niet bij deze zorgaanbieder. Kies een locatie van de zorgaanbieder, of geen.")
		}
	}
	var linked []mgz.Patient
	for _, pid := range e.PatientIDs {
		p, err := s.store.Patients().Patient(ctx, pid)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return escalationNotFound()
		}
		if err != nil {
			return err
		}
		if err := s.authorizePatient(ctx, a, access.Read, p); err != nil {
			return err
		}
		linked = append(linked, p)
	}
	now := s.now()
	e.FiledByOrgID, e.FiledBy, e.State, e.CreatedAt, e.ClosedAt = a.User.OrganisationID, a.User.ID, mgz.StateCareProvider, now, nil
	if a.System {
		e.FiledByOrgID = e.ReporterPracticeID // the operator (demo, import) files as the practice
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		due, err := s.deadline(ctx, tx)
		if err != nil {
			return nil, err
		}
		provider := e.CareProviderID
		e.Steps = []mgz.EscalationStep{{Step: mgz.StateCareProvider, AddresseeOrgID: &provider, OpenedAt: now, OpenedBy: a.User.ID, Deadline: due}}
		if err := tx.Escalations().Create(ctx, e); err != nil {
			return nil, err
		}
		for _, p := range linked {
			if err := tx.Audit().Append(ctx, patientEntry(a, mgz.AuditRead, p, fmt.Sprintf("gekoppeld aan melding %d", e.ID))); err != nil {
				return nil, err
			}
		}
		by := s.who(ctx, tx, a)
		if err := s.logChange(ctx, tx, by, escalationObject, e.ID, e.Revision, "gemeld door "+by); err != nil {
			return nil, err
		}
		if err := notifyEscalation(ctx, tx, provider, mgz.NoticeEscalationFiled, *e, "nieuwe melding aan u gericht", ""); err != nil {
			return nil, err
		}
		if e.FiledByOrgID != e.ReporterPracticeID {
			if err := notifyEscalation(ctx, tx, e.ReporterPracticeID, mgz.NoticeEscalationFiled, *e, "gemeld namens uw praktijk door "+orgName(ctx, tx, e.FiledByOrgID), ""); err != nil {
				return nil, err
			}
		}
		en := entry(a, mgz.AuditCreate, escalationObject, e.ID, e.ReporterPracticeID)
		en.Reason = fmt.Sprintf("melding over zorgaanbieder %d (%s), stap 1 tot %s", e.CareProviderID, e.Category, e.Steps[0].Deadline)
		return en, nil
	})
}

// change runs a change of report id in one audited transaction: the report is read again there,
// its revision compared with rev (0: not said), and the policy asked again for act, so that two
// people acting at once never both succeed on the same state.
func (s *Service) changeEscalation(ctx context.Context, a mgz.Actor, id, rev int64, act access.Action,
	fn func(tx mgz.Tx, e *mgz.Escalation, by string) (string, error)) (mgz.Escalation, error) {
	e, err := s.readEscalation(ctx, a, id, access.Read)
	if err != nil {
		return mgz.Escalation{}, err
	}
	if e.State.Closed() {
		return mgz.Escalation{}, mgz.Errorf(mgz.ECodeConflict, "Melding %d is al afgesloten (%s); er kan niets meer aan veranderen.", e.ID, strings.ToLower(e.State.Label()))
	}
	if err := s.authorize(ctx, s.store, a, act, access.EscalationResource(e), auditAction[act], e.ID); err != nil {
		return mgz.Escalation{}, err
	}
	var out mgz.Escalation
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		e, err := tx.Escalations().Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(rev, e.Revision) {
			return nil, staleEdit(ctx, tx, "De melding", escalationObject, e.ID, rev, e.Revision)
		}
		if e.State.Closed() {
			return nil, mgz.Errorf(mgz.ECodeConflict, "Melding %d is al afgesloten (%s); er kan niets meer aan veranderen.", e.ID, strings.ToLower(e.State.Label()))
		}
		if !access.Decide(a, act, access.EscalationResource(e)).Allow {
			return nil, mgz.Errorf(mgz.ECodeConflict, "Melding %d is intussen gewijzigd; u kunt dit nu niet meer doen. Open de melding opnieuw.", e.ID)
		}
		by := s.who(ctx, tx, a)
		summary, err := fn(tx, &e, by)
		if err != nil {
			return nil, err
		}
		prev := e.Revision
		e.UpdatedAt = s.now()
		if err := tx.Escalations().Update(ctx, &e, prev); err != nil {
			return nil, err
		}
		if err := s.logChange(ctx, tx, by, escalationObject, e.ID, e.Revision, summary); err != nil {
			return nil, err
		}
		out = e
		en := entry(a, mgz.AuditUpdate, escalationObject, e.ID, e.ReporterPracticeID)
		en.Reason = summary
		return en, nil
	})
	if err != nil {
		return mgz.Escalation{}, err
	}
	return s.store.Escalations().Get(ctx, out.ID)
}

const maxResponse = mgz.MaxEscalationText

func checkNote(field, label, v string, required bool) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		return "", &mgz.Error{Code: mgz.ECodeInvalid, Message: label + " is verplicht.", Fields: map[string]string{field: label + " is verplicht."}}
	case len([]rune(v)) > maxResponse:
		msg := fmt.Sprintf("%s is te lang: hoogstens %d tekens.", label, maxResponse)
		return "", &mgz.Error{Code: mgz.ECodeInvalid, Message: msg, Fields: map[string]string{field: msg}}
	}
	return v, nil
}

// RespondEscalation records the addressee's response to the current step stepID of report id.
func (s *Service) RespondEscalation(ctx context.Context, a mgz.Actor, id, stepID, rev int64, response string) (mgz.Escalation, error) {
	response, err := checkNote("response", "De reactie", response, true)
	if err != nil {
		return mgz.Escalation{}, err
	}
	return s.changeEscalation(ctx, a, id, rev, access.Respond, func(tx mgz.Tx, e *mgz.Escalation, by string) (string, error) {
		cur, ok := e.Current()
		if !ok || cur.ID != stepID {
			return "", mgz.Errorf(mgz.ECodeConflict, "Op deze stap kan niet meer worden gereageerd: de melding staat nu %s.", strings.ToLower(e.State.Label()))
		}
		if cur.RespondedAt != nil {
			return "", mgz.Errorf(mgz.ECodeConflict, "Op deze stap is al gereageerd (%s); de melder beslist nu over doorzetten of afsluiten.", changeMoment(*cur.RespondedAt))
		}
		now := s.now()
		cur.Response, cur.RespondedAt, cur.RespondedBy = response, &now, a.User.ID
		if err := tx.Escalations().UpdateStep(ctx, &cur); err != nil {
			return "", err
		}
		if err := notifyEscalation(ctx, tx, e.ReporterPracticeID, mgz.NoticeEscalationAnswer, *e, "reactie ontvangen", ""); err != nil {
			return "", err
		}
		if e.FiledByOrgID != e.ReporterPracticeID {
			if err := notifyEscalation(ctx, tx, e.FiledByOrgID, mgz.NoticeEscalationAnswer, *e, "reactie ontvangen", ""); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("reactie op stap %s door %s", strings.ToLower(cur.Step.Label()), by), nil
	})
}

// nextAddressee is the organisation addressed at step st of report e: the zorgkantoor of the
// provider's care office region, or the RHO of that region (or the region's only RHO).
func nextAddressee(ctx context.Context, tx mgz.Tx, e mgz.Escalation, st mgz.EscalationState) (int64, error) {
	provider, err := tx.Register().Organisation(ctx, e.CareProviderID)
	if err != nil {
		return 0, err
	}
	kind, what := mgz.KindCareOffice, "het zorgkantoor"
	if st == mgz.StateRegionalTable {
		kind, what = mgz.KindRegionalGPOrg, "de RHO (die de regionale tafel bijeenroept)"
	}
	all, _, err := tx.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: kind, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return 0, err
	}
	for _, o := range all {
		if strings.EqualFold(strings.TrimSpace(o.CareOfficeRegion), strings.TrimSpace(provider.CareOfficeRegion)) {
			return o.ID, nil
		}
	}
	if kind == mgz.KindRegionalGPOrg && len(all) == 1 {
		return all[0].ID, nil
	}
	return 0, mgz.Errorf(mgz.ECodeConflict, "Doorzetten kan niet: %s van zorgkantoorregio %q staat niet in het register. Laat de RHO het eerst registreren.", what, provider.CareOfficeRegion)
}

// MoveOnEscalation closes the current step of report id (outcome moved_on) and opens the next:
// allowed only once the addressee responded or the response deadline has passed.
func (s *Service) MoveOnEscalation(ctx context.Context, a mgz.Actor, id, rev int64, note string) (mgz.Escalation, error) {
	note, err := checkNote("note", "De toelichting", note, false)
	if err != nil {
		return mgz.Escalation{}, err
	}
	return s.changeEscalation(ctx, a, id, rev, access.Update, func(tx mgz.Tx, e *mgz.Escalation, by string) (string, error) {
		cur, ok := e.Current()
		if !ok {
			return "", mgz.Errorf(mgz.ECodeConflict, "Melding %d heeft geen open stap.", e.ID)
		}
		next := cur.Step.NextStep()
		if next == "" {
			return "", mgz.Errorf(mgz.ECodeConflict, "De regionale tafel is de laatste stap van de route; sluit de melding af als opgelost of trek haar in.")
		}
		now := s.now()
		if cur.RespondedAt == nil && !cur.Overdue(now) {
			return "", mgz.Errorf(mgz.ECodeConflict, "%s heeft nog niet gereageerd en de reactietermijn loopt tot en met %s; doorzetten kan daarna.",
				addresseeName(ctx, tx, cur), cur.Deadline.Format("02-01-2006"))
		}
		to, err := nextAddressee(ctx, tx, *e, next)
		if err != nil {
			return "", err
		}
		cur.Outcome, cur.OutcomeNote, cur.ClosedAt = mgz.OutcomeMovedOn, note, &now
		if err := tx.Escalations().UpdateStep(ctx, &cur); err != nil {
			return "", err
		}
		due, err := s.deadline(ctx, tx)
		if err != nil {
			return "", err
		}
		st := mgz.EscalationStep{EscalationID: e.ID, Step: next, AddresseeOrgID: &to, OpenedAt: now, OpenedBy: a.User.ID, Deadline: due}
		if err := tx.Escalations().AddStep(ctx, &st); err != nil {
			return "", err
		}
		e.State = next
		if err := notifyEscalation(ctx, tx, to, mgz.NoticeEscalationStep, *e, "doorgezet naar u ("+strings.ToLower(next.Label())+")", ""); err != nil {
			return "", err
		}
		return fmt.Sprintf("doorgezet naar %s (%s) door %s", strings.ToLower(next.Label()), orgName(ctx, tx, to), by), nil
	})
}

// addresseeName names the addressee of st for a Dutch sentence.
func addresseeName(ctx context.Context, tx mgz.Tx, st mgz.EscalationStep) string {
	if st.AddresseeOrgID == nil {
		return "De geadresseerde"
	}
	return orgName(ctx, tx, *st.AddresseeOrgID)
}

// CloseEscalation ends report id as resolved or withdrawn, with a note; the current step ends
// with the same outcome and its addressee is told.
func (s *Service) CloseEscalation(ctx context.Context, a mgz.Actor, id, rev int64, end mgz.EscalationState, note string) (mgz.Escalation, error) {
	if end != mgz.StateResolved && end != mgz.StateWithdrawn {
		return mgz.Escalation{}, mgz.Errorf(mgz.ECodeInvalid, "Een melding eindigt als opgelost of ingetrokken.")
	}
	note, err := checkNote("note", "De toelichting", note, false)
	if err != nil {
		return mgz.Escalation{}, err
	}
	return s.changeEscalation(ctx, a, id, rev, access.Update, func(tx mgz.Tx, e *mgz.Escalation, by string) (string, error) {
		now := s.now()
		if cur, ok := e.Current(); ok {
			cur.Outcome, cur.OutcomeNote, cur.ClosedAt = mgz.EscalationOutcome(end), note, &now
			if err := tx.Escalations().UpdateStep(ctx, &cur); err != nil {
				return "", err
			}
			if cur.AddresseeOrgID != nil {
				if err := notifyEscalation(ctx, tx, *cur.AddresseeOrgID, mgz.NoticeEscalationClosed, *e, strings.ToLower(end.Label()), ""); err != nil {
					return "", err
				}
			}
		}
		e.State, e.ClosedAt = end, &now
		return fmt.Sprintf("%s door %s", strings.ToLower(end.Label()), by), nil
	})
}

// AddEscalationAttachment attaches a document to report id, by the same rules as a
// prerequisite's evidence.
func (s *Service) AddEscalationAttachment(ctx context.Context, a mgz.Actor, id int64, up *Upload) (mgz.EscalationAttachment, error) {
	e, err := s.readEscalation(ctx, a, id, access.Update)
	if err != nil {
		return mgz.EscalationAttachment{}, err
	}
	c, err := checkDocument(up)
	if err != nil {
		return mgz.EscalationAttachment{}, err
	}
	at := mgz.EscalationAttachment{EscalationID: e.ID, Name: c.Name, ContentType: c.ContentType, Size: c.Size, SHA256: c.SHA256,
		UploadedBy: a.User.ID, UploadedAt: s.now()}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Escalations().AddAttachment(ctx, &at, up.Content); err != nil {
			return nil, err
		}
		en := entry(a, mgz.AuditCreate, "escalation_attachment", at.ID, e.ReporterPracticeID)
		en.Reason = fmt.Sprintf("bijlage bij melding %d", e.ID)
		return en, nil
	})
	return at, err
}

// EscalationAttachment returns an attachment of a report to who may read the report.
func (s *Service) EscalationAttachment(ctx context.Context, a mgz.Actor, escalationID, id int64) (mgz.EscalationAttachment, []byte, error) {
	e, err := s.readEscalation(ctx, a, escalationID, access.Read)
	if err != nil {
		return mgz.EscalationAttachment{}, nil, err
	}
	at, content, err := s.store.Escalations().Attachment(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound || (err == nil && at.EscalationID != e.ID) {
		return mgz.EscalationAttachment{}, nil, escalationNotFound()
	}
	return at, content, err
}

// ScanOverdueEscalations tells the addressee and the reporter of every step whose response
// deadline has passed, once per step, and returns how many steps it newly found overdue. The
// server's housekeeping calls it periodically.
func (s *Service) ScanOverdueEscalations(ctx context.Context) (int, error) {
	steps, err := s.store.Escalations().OverdueSteps(ctx, mgz.DateOf(s.now()))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range steps {
		err := s.store.Atomic(ctx, func(tx mgz.Tx) error {
			e, err := tx.Escalations().Get(ctx, st.EscalationID)
			if err != nil {
				return err
			}
			key := fmt.Sprintf("escalation-overdue:%d", st.ID)
			var to []int64
			if st.AddresseeOrgID != nil {
				to = append(to, *st.AddresseeOrgID)
			}
			to = append(to, e.ReporterPracticeID)
			isNew := false
			for i, org := range to {
				created, err := tx.Notices().Add(ctx, &mgz.Notice{OrganisationID: org, Kind: mgz.NoticeEscalationOverdue,
					Subject: fmt.Sprintf("Melding %d over %s: reactietermijn verstreken", e.ID, orgName(ctx, tx, e.CareProviderID)),
					Link:    fmt.Sprintf("/meldingen/%d", e.ID), ObjectType: escalationObject, ObjectID: e.ID, DedupeKey: fmt.Sprintf("%s:%d", key, i)})
				if err != nil {
					return err
				}
				isNew = isNew || created
			}
			// Finding a deadline passed changes no record and reads no client: the notices (with
			// their time) are its trace, not the audit log, which records what people do.
			if isNew {
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// EscalationResponseDays is the region's response term in calendar days.
func (s *Service) EscalationResponseDays(ctx context.Context, a mgz.Actor) (int, error) {
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Settings}, mgz.AuditRead, 0); err != nil {
		return 0, err
	}
	return s.store.Escalations().ResponseDays(ctx)
}

// SetEscalationResponseDays sets the region's response term (RHO admins).
func (s *Service) SetEscalationResponseDays(ctx context.Context, a mgz.Actor, n int) error {
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.Settings}, mgz.AuditUpdate, 0); err != nil {
		return err
	}
	if err := mgz.CheckResponseDays(n); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Escalations().SetResponseDays(ctx, n); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, string(access.Settings), 0, 0)
		e.Reason = fmt.Sprintf("reactietermijn meldingen: %d kalenderdagen", n)
		return e, nil
	})
}

// EscalationSummary is the anonymised summary of a region's reports for national forwarding to
// LHV and InEen (domain.md §7): counts by kind and region only — no names, no persons, no
// descriptions or responses, no patient data.
type EscalationSummary struct {
	From, To mgz.Date `json:"-"`
	// FromText and ToText are the period, as dates; empty: unbounded.
	FromText                 string         `json:"from"`
	ToText                   string         `json:"to"`
	Total                    int            `json:"total"`
	ByCategory               map[string]int `json:"by_category"`
	ByState                  map[string]int `json:"by_state"`
	ByHighestStep            map[string]int `json:"by_highest_step"`
	BySector                 map[string]int `json:"by_care_provider_sector"`
	ByCareOfficeRegion       map[string]int `json:"by_care_office_region"`
	MedianDaysToResolution   *float64       `json:"median_days_to_resolution"`
	FiledOnBehalfByRHO       int            `json:"filed_on_behalf_by_rho"`
	ReportsWithOverdueStep   int            `json:"reports_with_overdue_step"`
	ReportsWithLinkedClients int            `json:"reports_with_linked_clients"`
}

// SummariseEscalations builds the anonymised summary of the reports filed from from to to
// (calendar dates, inclusive; zero: unbounded). Only the RHO exports it; the export is audited.
func (s *Service) SummariseEscalations(ctx context.Context, a mgz.Actor, from, to mgz.Date) (EscalationSummary, error) {
	if err := s.authorize(ctx, s.store, a, access.Export, access.Resource{Kind: access.Escalation}, mgz.AuditExport, 0); err != nil {
		return EscalationSummary{}, err
	}
	sum := EscalationSummary{From: from, To: to, FromText: from.String(), ToText: to.String(),
		ByCategory: map[string]int{}, ByState: map[string]int{}, ByHighestStep: map[string]int{}, BySector: map[string]int{}, ByCareOfficeRegion: map[string]int{}}
	all, err := s.store.Escalations().List(ctx, mgz.EscalationFilter{})
	if err != nil {
		return sum, err
	}
	now := s.now()
	var days []float64
	for _, e := range all {
		filed := mgz.DateOf(e.CreatedAt)
		if (!from.IsZero() && filed.Before(from.Time)) || (!to.IsZero() && filed.After(to.Time)) {
			continue
		}
		sum.Total++
		sum.ByCategory[string(e.Category)]++
		sum.ByState[string(e.State)]++
		highest := mgz.StateCareProvider
		overdue := false
		for _, st := range e.Steps {
			highest = st.Step
			overdue = overdue || st.Overdue(now) || (st.RespondedAt == nil && st.ClosedAt != nil && mgz.DateOf(*st.ClosedAt).After(st.Deadline.Time))
		}
		sum.ByHighestStep[string(highest)]++
		if overdue {
			sum.ReportsWithOverdueStep++
		}
		if e.FiledByOrgID != e.ReporterPracticeID {
			sum.FiledOnBehalfByRHO++
		}
		if len(e.PatientIDs) > 0 {
			sum.ReportsWithLinkedClients++
		}
		sector := "unknown"
		if e.LocationID != nil {
			if l, err := s.store.Register().Location(ctx, *e.LocationID); err == nil && l.Sector != "" {
				sector = string(l.Sector)
			}
		}
		sum.BySector[sector]++
		region := "onbekend"
		if o, err := s.store.Register().Organisation(ctx, e.CareProviderID); err == nil && o.CareOfficeRegion != "" {
			region = o.CareOfficeRegion
		}
		sum.ByCareOfficeRegion[region]++
		if e.State == mgz.StateResolved && e.ClosedAt != nil {
			days = append(days, float64(int(mgz.DateOf(*e.ClosedAt).Sub(filed.Time)/(24*time.Hour))))
		}
	}
	if len(days) > 0 {
		sort.Float64s(days)
		m := days[len(days)/2]
		if len(days)%2 == 0 {
			m = (days[len(days)/2-1] + days[len(days)/2]) / 2
		}
		sum.MedianDaysToResolution = &m
	}
	e := entry(a, mgz.AuditExport, escalationObject, 0, 0)
	e.Reason = fmt.Sprintf("geanonimiseerd overzicht van meldingen %s–%s", orDash(from), orDash(to))
	if err := s.store.Audit().Append(ctx, e); err != nil {
		return sum, fmt.Errorf("auditregel schrijven: %w", err)
	}
	return sum, nil
}

func orDash(d mgz.Date) string {
	if d.IsZero() {
		return "…"
	}
	return d.Format("02-01-2006")
}

// WriteEscalationSummary writes sum as JSON or as CSV (columns dimension, value, count; the
// period and the median as rows of their own).
func WriteEscalationSummary(w io.Writer, sum EscalationSummary, format string) error {
	switch format {
	case "", "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	case "csv":
	default:
		return mgz.Errorf(mgz.ECodeBadRequest, "Onbekend formaat %q: kies json of csv.", format)
	}
	cw := csvsafe.NewWriter(w)
	rows := [][]string{{"dimension", "value", "count"}, {"period", sum.FromText + "/" + sum.ToText, ""}, {"total", "", strconv.Itoa(sum.Total)},
		{"filed_on_behalf_by_rho", "", strconv.Itoa(sum.FiledOnBehalfByRHO)}, {"reports_with_overdue_step", "", strconv.Itoa(sum.ReportsWithOverdueStep)},
		{"reports_with_linked_clients", "", strconv.Itoa(sum.ReportsWithLinkedClients)}}
	for _, d := range []struct {
		name string
		m    map[string]int
	}{{"category", sum.ByCategory}, {"state", sum.ByState}, {"highest_step", sum.ByHighestStep}, {"care_provider_sector", sum.BySector}, {"care_office_region", sum.ByCareOfficeRegion}} {
		keys := make([]string, 0, len(d.m))
		for k := range d.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rows = append(rows, []string{d.name, k, strconv.Itoa(d.m[k])})
		}
	}
	median := ""
	if sum.MedianDaysToResolution != nil {
		median = strconv.FormatFloat(*sum.MedianDaysToResolution, 'f', -1, 64)
	}
	rows = append(rows, []string{"median_days_to_resolution", "", median})
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Flush()
}
