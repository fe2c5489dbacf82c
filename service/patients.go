package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
)

// parties are the organisations involved in p's care (access.Resource.Parties): the registered
// practice, the lead physician's organisation, the care provider of the location and the SO/AVG
// service contracted for it.
func (s *Service) parties(ctx context.Context, p mgz.Patient) ([]int64, *mgz.Location, error) {
	var ids []int64
	for _, id := range []*int64{p.GPPracticeID, p.LeadPhysicianOrgID} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	if p.LocationID == nil {
		return ids, nil, nil
	}
	l, err := s.store.Register().Location(ctx, *p.LocationID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return ids, nil, nil // the reference is refused with a field message when stored
	}
	if err != nil {
		return nil, nil, err
	}
	ids = append(ids, l.ProviderID)
	if l.PhysicianServiceID != nil {
		ids = append(ids, *l.PhysicianServiceID)
	}
	return ids, &l, nil
}

func (s *Service) authorizePatient(ctx context.Context, a mgz.Actor, act access.Action, p mgz.Patient) error {
	ids, _, err := s.parties(ctx, p)
	if err != nil {
		return err
	}
	return s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.Patient, Parties: ids}, auditAction[act], p.ID)
}

// patientEntry is the audit entry of an access to p. Its object organisation is the registered
// practice (else the lead physician's organisation), so that practice's admins see who read or
// changed their patient under "wie heeft wat ingezien".
func patientEntry(a mgz.Actor, act mgz.AuditAction, p mgz.Patient, reason string) *mgz.AuditEntry {
	owner := int64(0)
	switch {
	case p.GPPracticeID != nil:
		owner = *p.GPPracticeID
	case p.LeadPhysicianOrgID != nil:
		owner = *p.LeadPhysicianOrgID
	}
	e := entry(a, act, "patient", p.ID, owner)
	e.PatientID, e.Reason = p.ID, reason
	return e
}

// Patient returns a patient to a party in the patient's care; every read is audited.
func (s *Service) Patient(ctx context.Context, a mgz.Actor, id int64) (mgz.Patient, error) {
	if err := s.settleDueSwitches(ctx); err != nil {
		return mgz.Patient{}, err
	}
	p, err := s.store.Patients().Patient(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return p, mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return p, err
	}
	if err := s.authorizePatient(ctx, a, access.Read, p); err != nil {
		return mgz.Patient{}, err
	}
	if err := s.store.Audit().Append(ctx, patientEntry(a, mgz.AuditRead, p, "")); err != nil {
		return mgz.Patient{}, fmt.Errorf("auditregel schrijven: %w", err)
	}
	return p, nil
}

// Patients lists the patients the actor's organisation is a party of; every listed patient is
// audited as read. The list is read outside a transaction (one consistent snapshot of its own),
// then its entries are appended in one durable commit that concurrent readers share: no write
// transaction is held while listing, and nothing is answered before its audit entries are stored.
func (s *Service) Patients(ctx context.Context, a mgz.Actor, f mgz.PatientFilter) ([]mgz.Patient, int, error) {
	if a.User.ID == 0 && !a.System {
		return nil, 0, mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd.")
	}
	if !a.System {
		f.VisibleTo = a.User.OrganisationID
		// Every listed patient has the actor's organisation as a party, so this is the policy's
		// answer for each of them. Who may not see a BSN finds nobody by it: the same answer as
		// for a BSN that is not there, so a search is no oracle.
		if f.BSN != "" && !access.Decide(a, access.ReadBSN, access.Resource{Kind: access.Patient, Parties: []int64{f.VisibleTo}}).Allow {
			return []mgz.Patient{}, 0, nil
		}
	}
	if err := s.settleDueSwitches(ctx); err != nil {
		return nil, 0, err
	}
	ps, total, err := s.store.Patients().Patients(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if len(ps) == 0 {
		return ps, total, nil
	}
	entries := make([]*mgz.AuditEntry, len(ps))
	for i, p := range ps {
		entries[i] = patientEntry(a, mgz.AuditRead, p, "in een lijst")
	}
	if err := s.store.Audit().AppendAll(ctx, entries); err != nil {
		return nil, 0, fmt.Errorf("auditregels schrijven: %w", err)
	}
	return ps, total, nil
}

// MayReadBSN reports whether the actor may see p's full BSN (access.ReadBSN); p was read
// through this service, so the read is already audited.
func (s *Service) MayReadBSN(ctx context.Context, a mgz.Actor, p mgz.Patient) (bool, error) {
	ids, _, err := s.parties(ctx, p)
	if err != nil {
		return false, err
	}
	return access.Decide(a, access.ReadBSN, access.Resource{Kind: access.Patient, Parties: ids}).Allow, nil
}

// CreatePatient records a patient; the actor's organisation must be one of the parties in the
// patient's care (for a practice registering by name, use RegisterPatient).
func (s *Service) CreatePatient(ctx context.Context, a mgz.Actor, p *mgz.Patient) error {
	p.ID = 0
	if p.GPPracticeID != nil && !a.System {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Een praktijk schrijft een cliënt in via een inschrijving op naam.",
			Fields: map[string]string{"gp_practice_id": "Laat de praktijk leeg; de praktijk schrijft de cliënt in via Cliënt inschrijven (POST /api/v1/registrations), met de controle van de randvoorwaarden."}}
	}
	if err := p.Normalise(s.today()); err != nil {
		return err
	}
	if err := s.authorizePatient(ctx, a, access.Create, *p); err != nil {
		return err
	}
	if p.BSN != "" {
		// "This BSN already exists" tells the caller the BSN is in mgz: throttled like every
		// BSN-matching attempt, and audited below.
		if err := s.bsnThrottled(ctx, a, p.BSN); err != nil {
			return err
		}
	}
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Patients().CreatePatient(ctx, p); err != nil {
			return nil, err
		}
		return patientEntry(a, mgz.AuditCreate, *p, ""), nil
	})
	if err != nil && p.BSN != "" && mgz.ErrorCode(err) == mgz.ECodeConflict {
		// The failed insert rolled back with its transaction; the answer is recorded in a
		// transaction of its own, so the entry survives.
		s.bsnFailed(a, p.BSN)
		holder := mgz.Patient{}
		if old, lerr := s.store.Patients().PatientByBSN(ctx, p.BSN); lerr == nil {
			holder = old
		}
		if aerr := s.recordBSNMatch(ctx, a, holder, false, "aanmaken geweigerd: dit BSN staat al in mgz"); aerr != nil {
			return aerr
		}
	}
	return err
}

// UpdatePatient changes a patient's data. The registered practice changes only through a
// registration, and the location only through a relocation, so both keep their stored values.
// p.Revision is the revision the edit was made on (0: the current one); the stored row is read
// inside the write transaction, and an edit on an older revision is refused with a conflict that
// says what changed since. A change of the lead physician is recorded in the patient's history.
func (s *Service) UpdatePatient(ctx context.Context, a mgz.Actor, p *mgz.Patient) error {
	old, err := s.store.Patients().Patient(ctx, p.ID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return err
	}
	if err := s.authorizePatient(ctx, a, access.Update, old); err != nil {
		return err
	}
	if err := checkLead(*p); err != nil {
		return err
	}
	expected := p.Revision
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		cur, err := tx.Patients().Patient(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(expected, cur.Revision) {
			return nil, mgz.StaleEdit("De cliënt", expected, cur.Revision, patientChanges(old, cur, expected, *p))
		}
		if ids, _, err := s.parties(ctx, cur); err != nil {
			return nil, err
		} else if !access.Decide(a, access.Update, access.Resource{Kind: access.Patient, Parties: ids}).Allow {
			// The client moved away from the actor's organisation since it was read.
			return nil, mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
		}
		p.GPPracticeID, p.LocationID, p.HomePostcode = cur.GPPracticeID, cur.LocationID, cur.HomePostcode
		if p.BSN == "" {
			p.BSN = cur.BSN // leaving the BSN out keeps it: screens and answers only ever show it masked
		}
		if err := p.Normalise(s.today()); err != nil {
			return nil, err
		}
		p.Revision = cur.Revision
		if err := tx.Patients().UpdatePatient(ctx, p); err != nil {
			return nil, err
		}
		reason := ""
		if leadChanged(cur, *p) {
			c := &mgz.LeadChange{PatientID: p.ID, FromKind: cur.LeadPhysician, FromOrgID: cur.LeadPhysicianOrgID, ToKind: p.LeadPhysician,
				ToOrgID: p.LeadPhysicianOrgID, ChangedBy: a.User.ID, ChangedByOrgID: a.User.OrganisationID, ChangedAt: s.now()}
			if err := tx.Patients().AddLeadChange(ctx, c); err != nil {
				return nil, err
			}
			reason = fmt.Sprintf("regiebehandelaar gewijzigd: %s (organisatie %s) wordt %s (organisatie %s)", orNone(string(cur.LeadPhysician)), orgOrNone(cur.LeadPhysicianOrgID),
				orNone(string(p.LeadPhysician)), orgOrNone(p.LeadPhysicianOrgID))
		}
		return patientEntry(a, mgz.AuditUpdate, *p, reason), nil
	})
}

func leadChanged(a, b mgz.Patient) bool {
	return a.LeadPhysician != b.LeadPhysician || !sameID(a.LeadPhysicianOrgID, b.LeadPhysicianOrgID)
}

func sameID(a, b *int64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func orNone(s string) string {
	if s == "" {
		return "geen"
	}
	return s
}

func orgOrNone(id *int64) string {
	if id == nil {
		return "geen"
	}
	return fmt.Sprint(*id)
}

// patientChanges says in Dutch what changed in a patient since the revision an edit was made on:
// the fields that differ between that version (when it is the one the service read, before) and
// the stored one (after). An older version is not kept, so then it says when the record was last
// changed and which stored fields differ from the edit (submitted), for the person to check.
func patientChanges(before, after mgz.Patient, expected int64, submitted mgz.Patient) []string {
	if before.Revision != expected {
		out := []string{"laatst gewijzigd op " + after.UpdatedAt.In(calendar.Location()).Format("02-01-2006 om 15:04")}
		submitted.GPPracticeID, submitted.LocationID, submitted.HomePostcode = after.GPPracticeID, after.LocationID, after.HomePostcode
		if submitted.BSN == "" {
			submitted.BSN = after.BSN
		}
		if diff := patientChanges(after, submitted, after.Revision, submitted); len(diff) > 0 {
			out = append(out, "nu anders opgeslagen dan in uw wijziging: "+strings.Join(diff, ", "))
		}
		return out
	}
	var out []string
	add := func(changed bool, what string) {
		if changed {
			out = append(out, what)
		}
	}
	add(before.Name != after.Name, "naam")
	add(!before.BirthDate.Equal(after.BirthDate.Time), "geboortedatum")
	add(before.BSN != after.BSN, "BSN")
	add(!sameID(before.LocationID, after.LocationID) || before.HomePostcode != after.HomePostcode, "woonplek")
	add(before.Sector != after.Sector, "sector")
	add(before.Wlz != after.Wlz || before.WlzSource != after.WlzSource || !before.WlzCheckedOn.Equal(after.WlzCheckedOn.Time), "Wlz-indicatie")
	add(before.Delivery != after.Delivery, "leveringsvorm")
	add(!sameID(before.GPPracticeID, after.GPPracticeID), "ingeschreven praktijk")
	add(leadChanged(before, after), "regiebehandelaar")
	return out
}

// RegistrationResult tells a practice what its registration did.
type RegistrationResult struct {
	Patient      mgz.Patient      `json:"patient"`
	Registration mgz.Registration `json:"registration"`
	// Readiness of the patient's location, when the patient lives at one.
	Readiness *mgz.Readiness `json:"readiness,omitempty"`
	// Warnings in Dutch: a full practice, a stale Wlz lookup. They never block.
	Warnings []string `json:"warnings"`
	// SwitchRequest is set when the client is registered at another practice: the registration
	// became a request that practice confirms or objects to. Patient and Registration are then
	// empty: the client's record is not the requester's to see until the switch completes.
	SwitchRequest *mgz.SwitchRequest `json:"switch_request,omitempty"`
}

// PreviewRegistration returns the readiness of a location before a practice registers a client
// there (domain.md §6: check the location's prerequisites first), for any GP practice.
func (s *Service) PreviewRegistration(ctx context.Context, a mgz.Actor, locationID int64) (mgz.Location, mgz.Readiness, error) {
	return s.Readiness(ctx, a, locationID)
}

// RegisterPatient registers a client by name with the actor's practice (domain.md §6). A client
// already in mgz is found by BSN. A client registered at another practice is never taken over: with
// the client's consent recorded (how, when, by whom) and a matching birth date the registration
// becomes a switch request (see switches.go); without consent the answer is the same whatever the
// birth date, so it reveals nothing. BSN-matching attempts that lead nowhere are throttled per
// account and per BSN, audited, and shown to the practice holding the registration. When the
// location is not ready, the practice must acknowledge every open prerequisite, and the
// acknowledgement is recorded. Patient, registration and their audit entries are written
// together or not at all.
func (s *Service) RegisterPatient(ctx context.Context, a mgz.Actor, p *mgz.Patient, r *mgz.Registration) (RegistrationResult, error) {
	var res RegistrationResult
	r.PracticeID = a.User.OrganisationID
	if err := s.authorize(ctx, s.store, a, access.Create, access.Resource{Kind: access.Registration, OrganisationID: r.PracticeID}, mgz.AuditCreate, 0); err != nil {
		return res, err
	}
	practice := r.PracticeID
	p.GPPracticeID = &practice
	if err := p.Normalise(s.today()); err != nil {
		return res, err
	}
	if p.Wlz == mgz.WlzWithTreatment {
		// domain.md §3.2: the institution provides GP care (subcontract); no registration by name.
		return res, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Deze cliënt wordt niet op naam ingeschreven.",
			Fields: map[string]string{"wlz": "Met een Wlz-indicatie met verblijf en behandeling levert de instelling de huisartsenzorg, uit de Wlz; de huisarts werkt dan als onderaannemer van de instelling en schrijft de cliënt niet op naam in (Toelichting, §3.2)."}}
	}
	// The location and the practice left are the server's to determine, never the request's.
	r.LocationID, r.SwitchFromPracticeID, r.SwitchConsent = nil, nil, false
	if err := checkLead(*p); err != nil {
		return res, err
	}
	// Consent details are checked on their own before anything is looked up, so their messages
	// depend only on what was typed.
	consent := r.HasConsentDetails()
	if consent {
		if err := r.ValidateConsent(s.today()); err != nil {
			return res, err
		}
	}
	if err := s.settleDueSwitches(ctx); err != nil {
		return res, err
	}
	// A client already in mgz (by BSN) is the same patient: a registration changes only the
	// practice. The birth date must match, so a mistyped BSN never touches someone else's
	// record; the client's data and place stay as they are (a move is a relocation).
	var existing *mgz.Patient
	switching := false
	if p.BSN != "" {
		if err := s.bsnThrottled(ctx, a, p.BSN); err != nil {
			return res, err
		}
		old, err := s.store.Patients().PatientByBSN(ctx, p.BSN)
		switch {
		case err == nil:
			match := old.BirthDate.Equal(p.BirthDate.Time)
			own := old.GPPracticeID != nil && *old.GPPracticeID == practice
			switch {
			case own && !match:
				// The practice's own client: it sees the birth date anyway.
				return res, errBSNMismatch()
			case own:
			case !consent:
				// The same answer for a right and a wrong birth date: no oracle.
				s.bsnFailed(a, p.BSN)
				reason := "gevonden op BSN bij inschrijving; geweigerd zonder vastgelegde toestemming"
				if !match {
					reason += " (geboortedatum klopt niet)"
				}
				if err := s.recordBSNMatch(ctx, a, old, !match, reason); err != nil {
					return res, err
				}
				return res, errSwitchNeeded()
			case !match:
				s.bsnFailed(a, p.BSN)
				if err := s.recordBSNMatch(ctx, a, old, true, "gevonden op BSN bij inschrijving met toestemming; geboortedatum klopt niet"); err != nil {
					return res, err
				}
				return res, errBSNMismatch()
			default:
				switching = old.GPPracticeID != nil
			}
			existing = &old
			keep := old
			if !switching {
				keep.GPPracticeID = &practice
			}
			*p = keep
		case mgz.ErrorCode(err) != mgz.ECodeNotFound:
			return res, err
		}
	}
	if !switching || !consent {
		// Consent matters only for a switch; a new client or one without a practice keeps none.
		r.SwitchConsentMethod, r.SwitchConsentOn, r.SwitchConsentBy = "", mgz.Date{}, ""
	}
	var open []string
	if p.LocationID != nil {
		l, rd, err := s.Readiness(ctx, a, *p.LocationID)
		if err != nil {
			return res, err
		}
		if err := p.FitsLocation(l); err != nil {
			return res, err
		}
		res.Readiness = &rd
		for _, k := range rd.Open {
			open = append(open, string(k))
		}
		loc := l.ID
		r.LocationID = &loc
	}
	if switching {
		r.SwitchFromPracticeID = p.GPPracticeID
	}
	if r.PatientID = p.ID; r.PatientID == 0 {
		r.PatientID = -1 // checked below once the new patient has its id
	}
	if err := r.Validate(open); err != nil {
		var e *mgz.Error
		if r.PatientID == -1 && asError(err, &e) {
			delete(e.Fields, "patient_id")
			if len(e.Fields) == 0 {
				err = nil
			}
		}
		if err != nil {
			return res, err
		}
	}
	if pp, err := s.store.Patients().PracticeProfile(ctx, practice); err == nil && pp.Capacity != mgz.CapacityOpen {
		res.Warnings = append(res.Warnings, fmt.Sprintf("Uw praktijk staat op %q. De inschrijving gaat door; pas de capaciteit aan als die niet meer klopt.", strings.ToLower(pp.Capacity.Label())))
	}
	if note := p.WlzCheckNote(s.today()); p.WlzCheckStale(s.today()) && note != "" {
		res.Warnings = append(res.Warnings, note)
	}
	if res.Warnings == nil {
		res.Warnings = []string{}
	}
	if switching {
		sr, err := s.requestSwitch(ctx, a, *p, r)
		if err != nil {
			return RegistrationResult{}, err
		}
		return RegistrationResult{SwitchRequest: &sr, Warnings: res.Warnings}, nil
	}
	r.RegisteredBy, r.RegisteredAt = a.User.ID, s.now()
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if existing == nil {
			if err := tx.Patients().CreatePatient(ctx, p); err != nil {
				return nil, err
			}
			if err := tx.Audit().Append(ctx, patientEntry(a, mgz.AuditCreate, *p, "inschrijving op naam")); err != nil {
				return nil, err
			}
		} else {
			// Read the client again inside the transaction and change only the practice, so a
			// concurrent edit of the client's data is kept.
			cur, err := tx.Patients().Patient(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			if cur.GPPracticeID != nil && *cur.GPPracticeID != practice {
				return nil, mgz.Errorf(mgz.ECodeConflict, "De inschrijving van deze cliënt is net gewijzigd. Probeer de inschrijving opnieuw.")
			}
			cur.GPPracticeID, cur.Revision = &practice, 0
			if err := tx.Patients().UpdatePatient(ctx, &cur); err != nil {
				return nil, err
			}
			*p = cur
			if err := tx.Audit().Append(ctx, patientEntry(a, mgz.AuditUpdate, *p, "inschrijving op naam")); err != nil {
				return nil, err
			}
		}
		r.PatientID = p.ID
		if err := tx.Patients().AddRegistration(ctx, r); err != nil {
			return nil, err
		}
		e := patientEntry(a, mgz.AuditCreate, *p, "")
		e.ObjectType, e.ObjectID, e.ObjectOrganisationID = "registration", r.ID, practice
		if len(r.OpenItemsAcknowledged) > 0 {
			e.Reason = "open randvoorwaarden erkend: " + strings.Join(r.OpenItemsAcknowledged, ", ")
		}
		if r.Priority {
			e.Reason = strings.TrimPrefix(e.Reason+"; voorrang: "+string(r.PriorityGround), "; ")
		}
		return e, nil
	})
	if err != nil {
		return res, err
	}
	res.Patient, res.Registration = *p, *r
	return res, nil
}

// Registrations lists a patient's registrations, newest first.
func (s *Service) Registrations(ctx context.Context, a mgz.Actor, patientID int64) ([]mgz.Registration, error) {
	p, err := s.Patient(ctx, a, patientID)
	if err != nil {
		return nil, err
	}
	return s.store.Patients().Registrations(ctx, p.ID)
}

// RelocationPreview is what a practice sees before a registered client moves.
type RelocationPreview struct {
	Patient  mgz.Patient          `json:"patient"`
	Location mgz.Location         `json:"location"`
	Advice   mgz.RelocationAdvice `json:"advice"`
	// Readiness of the new location, for those who may read its prerequisites (a GP practice
	// always may); nil otherwise.
	Readiness *mgz.Readiness `json:"readiness"`
}

// PreviewRelocation advises on moving a patient to another location (domain.md §6), with the new
// location's readiness; it changes nothing.
func (s *Service) PreviewRelocation(ctx context.Context, a mgz.Actor, patientID, locationID int64) (RelocationPreview, error) {
	var pv RelocationPreview
	p, err := s.Patient(ctx, a, patientID)
	if err != nil {
		return pv, err
	}
	if err := s.authorizePatient(ctx, a, access.Update, p); err != nil {
		return pv, err
	}
	l, err := s.location(ctx, locationID)
	if err != nil {
		return pv, err
	}
	var rd *mgz.Readiness
	if access.Decide(a, access.Read, access.Resource{Kind: access.Prerequisite, OrganisationID: l.ProviderID}).Allow {
		_, r, err := s.Readiness(ctx, a, locationID)
		if err != nil {
			return pv, err
		}
		rd = &r
	}
	current := int64(0)
	profile := mgz.PracticeProfile{}
	if p.GPPracticeID != nil {
		current = *p.GPPracticeID
		if profile, err = s.store.Patients().PracticeProfile(ctx, current); err != nil {
			return pv, err
		}
	}
	return RelocationPreview{Patient: p, Location: l, Advice: mgz.AdviseRelocation(profile, l, current), Readiness: rd}, nil
}

// Relocate moves a patient to another location. The registered practice stays (it is
// responsible until another practice takes over); the product never changes it on its own.
func (s *Service) Relocate(ctx context.Context, a mgz.Actor, patientID, locationID int64) (RelocationPreview, error) {
	pv, err := s.PreviewRelocation(ctx, a, patientID, locationID)
	if err != nil {
		return pv, err
	}
	p := pv.Patient
	if p.LocationID != nil && *p.LocationID == locationID {
		return pv, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De cliënt woont al op deze locatie.",
			Fields: map[string]string{"location_id": "Kies de locatie waar de cliënt naartoe verhuist."}}
	}
	loc := locationID
	p.LocationID, p.HomePostcode = &loc, ""
	if err := p.FitsLocation(pv.Location); err != nil {
		return pv, err
	}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		// Read the client again inside the transaction and change only where it lives, so a
		// concurrent edit of its other data is kept.
		cur, err := tx.Patients().Patient(ctx, patientID)
		if err != nil {
			return nil, err
		}
		if cur.LocationID != nil && *cur.LocationID == locationID {
			return nil, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De cliënt woont al op deze locatie.",
				Fields: map[string]string{"location_id": "Kies de locatie waar de cliënt naartoe verhuist."}}
		}
		cur.LocationID, cur.HomePostcode, cur.Revision = &loc, "", 0
		if err := cur.FitsLocation(pv.Location); err != nil {
			return nil, err
		}
		if err := tx.Patients().UpdatePatient(ctx, &cur); err != nil {
			return nil, err
		}
		p = cur
		return patientEntry(a, mgz.AuditUpdate, p, fmt.Sprintf("verhuisd naar locatie %d", locationID)), nil
	})
	pv.Patient = p
	return pv, err
}

// PracticeProfile returns a practice's capacity and postcode areas.
func (s *Service) PracticeProfile(ctx context.Context, a mgz.Actor, orgID int64) (mgz.PracticeProfile, error) {
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.PracticeProfile, OrganisationID: orgID}, mgz.AuditRead, orgID); err != nil {
		return mgz.PracticeProfile{}, err
	}
	return s.store.Patients().PracticeProfile(ctx, orgID)
}

// SetPracticeProfile records a practice's capacity and the postcode areas it serves.
func (s *Service) SetPracticeProfile(ctx context.Context, a mgz.Actor, pp *mgz.PracticeProfile) error {
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.PracticeProfile, OrganisationID: pp.OrganisationID}, mgz.AuditUpdate, pp.OrganisationID); err != nil {
		return err
	}
	if err := pp.Normalise(); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		// Read the stored profile in the transaction: an edit on an older revision is refused
		// with what changed since, never written over it.
		cur, err := tx.Patients().PracticeProfile(ctx, pp.OrganisationID)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(pp.Revision, cur.Revision) {
			var changed []string
			if cur.Capacity != pp.Capacity {
				changed = append(changed, "ruimte voor nieuwe cliënten is nu "+strings.ToLower(cur.Capacity.Label()))
			}
			if strings.Join(cur.PostcodeAreas, " ") != strings.Join(pp.PostcodeAreas, " ") {
				changed = append(changed, "postcodegebieden zijn nu "+orNone(strings.Join(cur.PostcodeAreas, " ")))
			}
			return nil, mgz.StaleEdit("Het praktijkprofiel", pp.Revision, cur.Revision, changed)
		}
		pp.Revision = cur.Revision
		if err := tx.Patients().SetPracticeProfile(ctx, pp); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, "practice_profile", pp.OrganisationID, pp.OrganisationID)
		e.Reason = fmt.Sprintf("capaciteit %s, postcodegebieden %s", pp.Capacity, strings.Join(pp.PostcodeAreas, " "))
		return e, nil
	})
}

// checkLead refuses a lead physician's organisation of the wrong kind for the lead physician: it
// decides who sees the patient, so it must be plausible (a GP works at a practice, an SO or AVG
// at an SO/AVG service; the store refuses any other kind).
func checkLead(p mgz.Patient) error {
	if p.LeadPhysicianOrgID == nil {
		return nil
	}
	if p.LeadPhysician == "" {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Kies eerst de regiebehandelaar.",
			Fields: map[string]string{"lead_physician": "Kies of de regiebehandelaar een huisarts, SO of AVG is, bij de organisatie die u koos."}}
	}
	return nil
}
