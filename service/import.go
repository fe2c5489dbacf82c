package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// ImportOutcome is what importing one checked record does.
type ImportOutcome int

// The outcomes of an import.
const (
	ImportCreated ImportOutcome = iota
	ImportUpdated
	ImportUnchanged
)

// PatientImport is one import of patients by the operator of the server (mgz import patients).
// Every patient is checked against the register as it was when the import began and against the
// patients checked before it, then Write stores the good ones, each with its audit entry; it all
// runs in one transaction.
//
// The import keeps the registered practice (GPPracticeID) it is given: an import by the operator is
// how a region loads the registrations by name it already has, so no consent or prerequisite check
// of a registration by a practice applies, and no mgz.Registration is recorded. It may also move a
// patient to another location. Both are written to the audit log with the reason "import".
type PatientImport struct {
	s   *Service
	a   mgz.Actor
	tx  mgz.Tx
	now time.Time

	orgs    []mgz.Organisation
	locs    []mgz.Location
	orgByID map[int64]mgz.Organisation
	locByID map[int64]mgz.Location

	// byIdentity holds the stored patients by name, birth date and place, read at the first row
	// that needs them (a row without a BSN, or with a BSN mgz does not know yet).
	byIdentity map[patientIdentity][]mgz.Patient
	loaded     bool

	seenBSN      map[string]int              // BSN → the line that named it first
	seenIdentity map[patientIdentity]seenRow // identity → the line that named it first
	matched      map[int64]int               // stored patient → the line that matched it
	pending      []pendingPatient
}

type seenRow struct {
	line int
	bsn  string
}

type pendingPatient struct {
	line int
	p    mgz.Patient // with the ID of the patient it updates, 0 for a new one
}

// patientIdentity is how an import recognises a patient without a BSN: the same name (any case
// and spacing), birth date and place (location, or the postcode of the home) is the same patient.
type patientIdentity struct {
	name, birth string
	location    int64
	postcode    string
}

func identityOf(p mgz.Patient) patientIdentity {
	id := patientIdentity{name: strings.ToLower(strings.Join(strings.Fields(p.Name), " ")), birth: p.BirthDate.String(), postcode: p.HomePostcode}
	if p.LocationID != nil {
		id.location = *p.LocationID
	}
	return id
}

// ImportPatients runs fn with an import of patients in one transaction, for the command line only
// (a.System): fn checks each patient with Check and stores the good ones with Write. Everything
// commits when fn returns nil, nothing otherwise, so a dry run returns an error of its own.
func (s *Service) ImportPatients(ctx context.Context, a mgz.Actor, fn func(*PatientImport) error) error {
	if !a.System {
		e := entry(a, mgz.AuditCreate, "patient", 0, 0)
		e.Outcome, e.Reason = mgz.OutcomeDenied, "patiënten importeren kan alleen vanaf de opdrachtregel"
		if err := s.store.Audit().Append(ctx, e); err != nil {
			s.log.Error("writing the audit entry of a denial failed", "err", err)
		}
		s.log.Warn("patient import denied", "user_id", a.User.ID, "organisation_id", a.User.OrganisationID)
		return mgz.Errorf(mgz.ECodeForbidden, "Geen toegang: alleen de beheerder van de server kan patiënten importeren, met mgz import patients.")
	}
	return s.store.Atomic(ctx, func(tx mgz.Tx) error {
		imp := &PatientImport{s: s, a: a, tx: tx, now: s.today(),
			seenBSN: map[string]int{}, seenIdentity: map[patientIdentity]seenRow{}, matched: map[int64]int{}}
		var err error
		if imp.orgs, err = everyPage(func(p mgz.Page) ([]mgz.Organisation, int, error) {
			return tx.Register().Organisations(ctx, mgz.OrganisationFilter{Page: p})
		}); err != nil {
			return fmt.Errorf("organisaties lezen: %w", err)
		}
		if imp.locs, err = everyPage(func(p mgz.Page) ([]mgz.Location, int, error) {
			return tx.Register().Locations(ctx, mgz.LocationFilter{Page: p})
		}); err != nil {
			return fmt.Errorf("locaties lezen: %w", err)
		}
		imp.orgByID = make(map[int64]mgz.Organisation, len(imp.orgs))
		for _, o := range imp.orgs {
			imp.orgByID[o.ID] = o
		}
		imp.locByID = make(map[int64]mgz.Location, len(imp.locs))
		for _, l := range imp.locs {
			imp.locByID[l.ID] = l
		}
		return fn(imp)
	})
}

// everyPage reads every page of a list, for the few lists an import needs whole.
func everyPage[T any](list func(mgz.Page) ([]T, int, error)) ([]T, error) {
	var all []T
	for {
		page, total, err := list(mgz.Page{Limit: mgz.MaxLimit, Offset: len(all)})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// Organisations returns every organisation of the register, read once when the import began, for
// the caller to find the organisations its file names. The slice is shared: do not change it.
func (imp *PatientImport) Organisations() []mgz.Organisation { return imp.orgs }

// Locations returns every location of the register, read once when the import began. The slice is
// shared: do not change it.
func (imp *PatientImport) Locations() []mgz.Location { return imp.locs }

// Keepable fields for Check: the caller does not have them, so a stored patient keeps its values.
const (
	KeepGPPractice       = "gp_practice_id"
	KeepLeadPhysician    = "lead_physician"
	KeepLeadPhysicianOrg = "lead_physician_org_id"
)

// Check normalises p and checks it on its own, against the register and against the patients
// checked before it, without writing anything, and tells what writing it would do. A good patient
// is kept for Write; a bad one is forgotten.
//
// line is how the caller names the row (its line in the file): a message about a patient that
// occurs twice names the other row by it. keep lists the fields the caller does not have
// (KeepGPPractice, KeepLeadPhysician, KeepLeadPhysicianOrg): a stored patient keeps its values for
// them. An empty BSN never clears a stored one.
//
// The stored patient is found by BSN; without one, or when no patient has that BSN yet, by the
// same name, birth date and place among the patients without a BSN (with a BSN in p) or all of
// them (without one). Problems come back as an *mgz.Error naming the fields as in the JSON API, in
// Dutch; no message repeats a BSN or a name. Any other error is the store's.
func (imp *PatientImport) Check(ctx context.Context, line int, p mgz.Patient, keep ...string) (ImportOutcome, error) {
	p.ID, p.CreatedAt, p.UpdatedAt = 0, time.Time{}, time.Time{}
	if err := p.Normalise(imp.now); err != nil {
		return 0, err
	}
	fe := map[string]string{}
	if err := imp.checkReferences(p, fe); err != nil {
		return 0, err
	}
	if len(fe) > 0 {
		return 0, invalidPatient(fe)
	}

	// The same patient twice in one import.
	id := identityOf(p)
	if first, ok := imp.seenBSN[p.BSN]; ok && p.BSN != "" {
		fe["bsn"] = fmt.Sprintf("Deze patiënt (zelfde BSN) staat al op regel %d. Haal een van beide regels weg of voeg ze samen.", first)
	} else if first, ok := imp.seenIdentity[id]; ok && (p.BSN == "" || first.bsn == "" || p.BSN == first.bsn) {
		// Two different BSNs are two people, however alike their names and birth dates.
		fe["name"] = fmt.Sprintf("Deze patiënt (zelfde naam, geboortedatum en woonplek) staat al op regel %d. Haal een van beide regels weg of voeg ze samen.", first.line)
	}
	if len(fe) > 0 {
		return 0, invalidPatient(fe)
	}
	if p.BSN != "" {
		imp.seenBSN[p.BSN] = line
	}
	if _, ok := imp.seenIdentity[id]; !ok {
		imp.seenIdentity[id] = seenRow{line, p.BSN}
	}

	old, found, err := imp.find(ctx, p)
	if err != nil {
		return 0, err
	}
	if !found {
		imp.pending = append(imp.pending, pendingPatient{line, p})
		return ImportCreated, nil
	}
	if first, ok := imp.matched[old.ID]; ok {
		return 0, invalidPatient(map[string]string{"name": fmt.Sprintf(
			"Deze regel en regel %d passen allebei bij patiënt %d in het register (zelfde naam, geboortedatum en woonplek, zonder BSN). Controleer de BSN's van beide regels, of vul het BSN van patiënt %d eerst in op de website.",
			first, old.ID, old.ID)})
	}
	imp.matched[old.ID] = line
	p.ID, p.CreatedAt = old.ID, old.CreatedAt
	if p.BSN == "" {
		p.BSN = old.BSN
	}
	for _, f := range keep {
		switch f {
		case KeepGPPractice:
			p.GPPracticeID = old.GPPracticeID
		case KeepLeadPhysician:
			p.LeadPhysician = old.LeadPhysician
		case KeepLeadPhysicianOrg:
			p.LeadPhysicianOrgID = old.LeadPhysicianOrgID
		default:
			return 0, fmt.Errorf("service: patient import cannot keep field %q", f)
		}
	}
	if samePatient(p, old) {
		return ImportUnchanged, nil
	}
	imp.pending = append(imp.pending, pendingPatient{line, p})
	return ImportUpdated, nil
}

func invalidPatient(fe map[string]string) error {
	msg := "Eén gegeven klopt niet."
	if len(fe) > 1 {
		msg = fmt.Sprintf("%d gegevens kloppen niet.", len(fe))
	}
	return &mgz.Error{Code: mgz.ECodeInvalid, Message: msg, Fields: fe}
}

// checkReferences checks p's location (and the §3.4 rules of its setting) and organisations
// against the register read when the import began, as the store would, without a query.
func (imp *PatientImport) checkReferences(p mgz.Patient, fe map[string]string) error {
	if p.LocationID != nil {
		l, ok := imp.locByID[*p.LocationID]
		if !ok {
			fe["location_id"] = fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *p.LocationID)
		} else if err := p.FitsLocation(l); err != nil {
			var e *mgz.Error
			if !asError(err, &e) {
				return err
			}
			for f, msg := range e.Fields {
				fe[f] = msg
			}
		}
	}
	for _, ref := range []struct {
		field string
		id    *int64
		kinds []mgz.OrgKind
		what  string
	}{
		{"gp_practice_id", p.GPPracticeID, []mgz.OrgKind{mgz.KindGPPractice}, "een huisartsenpraktijk"},
		// Only physicians' organisations lead (issue 9), as the store checks too.
		{"lead_physician_org_id", p.LeadPhysicianOrgID, []mgz.OrgKind{mgz.KindGPPractice, mgz.KindPhysicianService},
			"een huisartsenpraktijk of SO/AVG-dienst"},
	} {
		if ref.id == nil {
			continue
		}
		o, ok := imp.orgByID[*ref.id]
		switch {
		case !ok:
			fe[ref.field] = fmt.Sprintf("Organisatie %d bestaat niet. Kies %s uit het register.", *ref.id, ref.what)
		case !slices.Contains(ref.kinds, o.Kind):
			fe[ref.field] = fmt.Sprintf("%s is %s; kies %s.", o.Name, strings.ToLower(o.Kind.Label()), ref.what)
		}
	}
	return nil
}

// find returns the stored patient p is, if any: by BSN, else by identity (see Check).
func (imp *PatientImport) find(ctx context.Context, p mgz.Patient) (mgz.Patient, bool, error) {
	if p.BSN != "" {
		old, err := imp.tx.Patients().PatientByBSN(ctx, p.BSN)
		if err == nil {
			return old, true, nil
		}
		if mgz.ErrorCode(err) != mgz.ECodeNotFound {
			return old, false, err
		}
	}
	if err := imp.loadPatients(ctx); err != nil {
		return mgz.Patient{}, false, err
	}
	var candidates []mgz.Patient
	for _, c := range imp.byIdentity[identityOf(p)] {
		// With a BSN in the row, a stored patient with another BSN is someone else.
		if p.BSN == "" || c.BSN == "" {
			candidates = append(candidates, c)
		}
	}
	switch len(candidates) {
	case 0:
		return mgz.Patient{}, false, nil
	case 1:
		return candidates[0], true, nil
	}
	ids := make([]string, len(candidates))
	for i, c := range candidates {
		ids[i] = strconv.FormatInt(c.ID, 10)
	}
	msg := fmt.Sprintf("In het register staan %d patiënten met deze naam, geboortedatum en woonplek (nummers %s); mgz weet niet welke bij te werken. ",
		len(candidates), strings.Join(ids, ", "))
	if p.BSN == "" {
		msg += "Vul het BSN in, dan zoekt mgz de patiënt daarop."
	} else {
		msg += "Vul op de website eerst het BSN van de juiste patiënt in en importeer opnieuw."
	}
	return mgz.Patient{}, false, invalidPatient(map[string]string{"name": msg})
}

// loadPatients reads every stored patient once, by identity.
func (imp *PatientImport) loadPatients(ctx context.Context) error {
	if imp.loaded {
		return nil
	}
	all, err := everyPage(func(p mgz.Page) ([]mgz.Patient, int, error) {
		return imp.tx.Patients().Patients(ctx, mgz.PatientFilter{Page: p})
	})
	if err != nil {
		return fmt.Errorf("patiënten lezen: %w", err)
	}
	imp.byIdentity = make(map[patientIdentity][]mgz.Patient, len(all))
	for _, p := range all {
		id := identityOf(p)
		imp.byIdentity[id] = append(imp.byIdentity[id], p)
	}
	imp.loaded = true
	return nil
}

// samePatient reports whether writing p would change nothing of the stored patient old.
func samePatient(p, old mgz.Patient) bool {
	return p.Name == old.Name && p.BirthDate.String() == old.BirthDate.String() && p.BSN == old.BSN &&
		sameRef(p.LocationID, old.LocationID) && p.HomePostcode == old.HomePostcode && p.Sector == old.Sector &&
		p.Wlz == old.Wlz && p.WlzSource == old.WlzSource && p.WlzCheckedOn.String() == old.WlzCheckedOn.String() &&
		p.Delivery == old.Delivery && sameRef(p.GPPracticeID, old.GPPracticeID) && p.LeadPhysician == old.LeadPhysician &&
		sameRef(p.LeadPhysicianOrgID, old.LeadPhysicianOrgID)
}

func sameRef(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// Write stores the patients Check kept, in the order they were checked, each with one audit entry
// (create or update, the patient's id, reason "import"), and calls progress after each one. Call
// it once, after the last Check.
func (imp *PatientImport) Write(ctx context.Context, progress func()) error {
	for _, w := range imp.pending {
		p := w.p
		act := mgz.AuditUpdate
		var err error
		if p.ID == 0 {
			act = mgz.AuditCreate
			err = imp.tx.Patients().CreatePatient(ctx, &p)
		} else {
			err = imp.tx.Patients().UpdatePatient(ctx, &p)
		}
		if err != nil {
			return fmt.Errorf("regel %d: %w", w.line, err)
		}
		if err := imp.tx.Audit().Append(ctx, patientEntry(imp.a, act, p, "import")); err != nil {
			return fmt.Errorf("regel %d: auditregel schrijven: %w", w.line, err)
		}
		if progress != nil {
			progress()
		}
	}
	imp.pending = nil
	return nil
}
