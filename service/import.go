package service

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
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
// patients checked before it; Write stores the one just checked, with its audit entry. It all
// runs in one transaction, so a caller that checks and writes row after row holds no more than
// one row at a time.
//
// What finding the same patient twice needs is kept as numbers: per row its BSN and a 64-bit hash
// of its identity (name, birth date, place) with its line, and per stored patient its BSN and
// identity hash, read in one pass over the table at the first row. The stored patient itself is
// read by its id when a row matches it.
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
	// patients and auditLog are the transaction's, or the store's faster ones for a bulk
	// import (ImportStorer).
	patients mgz.PatientStore
	auditLog mgz.AuditLog

	orgs    []mgz.Organisation
	locs    []mgz.Location
	orgByID map[int64]mgz.Organisation
	locByID map[int64]mgz.Location

	// stored holds the stored patients by BSN and identity hash as they were when the import
	// began, read at the first row.
	stored *storedIdentities

	seenBSN      map[uint32]int32   // BSN → the line that named it first
	seenIdentity map[uint64]seenRow // identity hash → the line that named it first
	matched      map[int64]int32    // stored patient → the line that matched it
	next         *mgz.Patient       // the patient the last Check found new or changed, for Write
	audit        []*mgz.AuditEntry  // written, not yet appended to the audit log
}

// auditBatch is how many audit entries an import appends at once.
const auditBatch = 500

type seenRow struct {
	line int32
	bsn  uint32 // 0 for none
}

// bsnNumber is a BSN as a number (nine digits fit in 32 bits); 0 for none.
func bsnNumber(bsn string) uint32 {
	n, _ := strconv.ParseUint(bsn, 10, 32)
	return uint32(n)
}

// patientIdentity is how an import recognises a patient without a BSN: the same name (any case
// and spacing), birth date and place (location, or the postcode of the home) is the same patient.
type patientIdentity struct {
	name, birth string
	location    int64
	postcode    string
}

func identityOf(p mgz.Patient) patientIdentity {
	return identityFrom(p.Name, p.BirthDate.String(), p.LocationID, p.HomePostcode)
}

func identityFrom(name, birth string, location *int64, postcode string) patientIdentity {
	id := patientIdentity{name: strings.ToLower(strings.Join(strings.Fields(name), " ")), birth: birth, postcode: postcode}
	if location != nil {
		id.location = *location
	}
	return id
}

// hash is the identity in 64 bits (FNV-1a). Two different identities share a hash with a chance
// of about one in 10^19 per pair; a stored patient found by hash is compared whole before use.
func (id patientIdentity) hash() uint64 {
	h := fnv.New64a()
	h.Write([]byte(id.name))
	h.Write([]byte{0})
	h.Write([]byte(id.birth))
	h.Write([]byte{0})
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(id.location))
	h.Write(b[:])
	h.Write([]byte(id.postcode))
	return h.Sum64()
}

// storedRef is a stored patient as the identity index keeps it.
type storedRef struct {
	id     int64
	hasBSN bool
}

// storedIdentities finds stored patients by BSN and by identity hash: most hashes have one
// patient (one), the few with more are in many.
type storedIdentities struct {
	byBSN map[uint32]int64
	one   map[uint64]storedRef
	many  map[uint64][]storedRef
}

func (si *storedIdentities) add(h uint64, r storedRef) {
	if rs, ok := si.many[h]; ok {
		si.many[h] = append(rs, r)
		return
	}
	if first, ok := si.one[h]; ok {
		delete(si.one, h)
		si.many[h] = []storedRef{first, r}
		return
	}
	si.one[h] = r
}

func (si *storedIdentities) get(h uint64) []storedRef {
	if r, ok := si.one[h]; ok {
		return []storedRef{r}
	}
	return si.many[h]
}

// ImportStorer is what a store's transaction may offer for a bulk import: a patient store and
// an audit log that write the same rows faster, leaving the check of the references to the caller
// (Check checks them against the register read when the import began, as the store would).
type ImportStorer interface {
	ImportStores(ctx context.Context) (mgz.PatientStore, mgz.AuditLog, error)
}

// ImportFinisher is what the patient store of an ImportStorer may also offer: work it set aside
// while the patients were written (on SQLite the relation rows, name index and location counts of
// the new patients), done once after the last write, before the transaction commits.
type ImportFinisher interface {
	FinishImport(ctx context.Context) error
}

// PatientIdentityLister is what a store may offer to read the identity of every stored patient
// in one pass; without it the import pages through the patients.
type PatientIdentityLister interface {
	EachPatientIdentity(ctx context.Context, fn func(id int64, name, birthDate string, locationID *int64, homePostcode, bsn string) error) error
}

// ImportPatients runs fn with an import of patients in one transaction, for the command line only
// (a.System): fn checks each patient with Check, stores a new or changed one at once with Write,
// and calls Flush after the last. Everything commits when fn returns nil, nothing otherwise, so a
// dry run (or a file with a bad row) returns an error of its own.
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
			seenBSN: map[uint32]int32{}, seenIdentity: map[uint64]seenRow{}, matched: map[int64]int32{}}
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
		imp.patients, imp.auditLog = tx.Patients(), tx.Audit()
		if is, ok := tx.(ImportStorer); ok {
			if imp.patients, imp.auditLog, err = is.ImportStores(ctx); err != nil {
				return err
			}
		}
		imp.orgByID = make(map[int64]mgz.Organisation, len(imp.orgs))
		for _, o := range imp.orgs {
			imp.orgByID[o.ID] = o
		}
		imp.locByID = make(map[int64]mgz.Location, len(imp.locs))
		for _, l := range imp.locs {
			imp.locByID[l.ID] = l
		}
		if err := fn(imp); err != nil {
			return err
		}
		if f, ok := imp.patients.(ImportFinisher); ok {
			return f.FinishImport(ctx)
		}
		return nil
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
// is kept for a Write that may follow; a bad or unchanged one is forgotten.
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
	imp.next = nil
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
	id, bsn := identityOf(p).hash(), bsnNumber(p.BSN)
	if first, ok := imp.seenBSN[bsn]; ok && bsn != 0 {
		fe["bsn"] = fmt.Sprintf("Deze patiënt (zelfde BSN) staat al op regel %d. Haal een van beide regels weg of voeg ze samen.", first)
	} else if first, ok := imp.seenIdentity[id]; ok && (bsn == 0 || first.bsn == 0 || bsn == first.bsn) {
		// Two different BSNs are two people, however alike their names and birth dates.
		fe["name"] = fmt.Sprintf("Deze patiënt (zelfde naam, geboortedatum en woonplek) staat al op regel %d. Haal een van beide regels weg of voeg ze samen.", first.line)
	}
	if len(fe) > 0 {
		return 0, invalidPatient(fe)
	}
	if bsn != 0 {
		imp.seenBSN[bsn] = int32(line)
	}
	if _, ok := imp.seenIdentity[id]; !ok {
		imp.seenIdentity[id] = seenRow{int32(line), bsn}
	}

	old, found, err := imp.find(ctx, p, line)
	if err != nil {
		return 0, err
	}
	if !found {
		imp.next = &p
		return ImportCreated, nil
	}
	p.ID, p.CreatedAt, p.Revision = old.ID, old.CreatedAt, old.Revision
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
	imp.next = &p
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
	// The lead physician's organisation as the store checks it: a GP works at a GP practice, an
	// SO or AVG at an SO/AVG service (issue 9).
	leadKinds, leadWhat := []mgz.OrgKind{mgz.KindPhysicianService}, "een SO/AVG-dienst (de regiebehandelaar is een SO of AVG)"
	if p.LeadPhysician == mgz.LeadGP {
		leadKinds, leadWhat = []mgz.OrgKind{mgz.KindGPPractice}, "een huisartsenpraktijk (de regiebehandelaar is een huisarts)"
	}
	for _, ref := range []struct {
		field string
		id    *int64
		kinds []mgz.OrgKind
		what  string
	}{
		{"gp_practice_id", p.GPPracticeID, []mgz.OrgKind{mgz.KindGPPractice}, "een huisartsenpraktijk"},
		{"lead_physician_org_id", p.LeadPhysicianOrgID, leadKinds, leadWhat},
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

// find returns the stored patient p is, if any: by BSN, else by identity (see Check). A stored
// patient another row of the import matched already is a problem of this row; else the patient
// is now matched by line.
func (imp *PatientImport) find(ctx context.Context, p mgz.Patient, line int) (mgz.Patient, bool, error) {
	old, found, err := imp.lookup(ctx, p)
	if err != nil || !found {
		return old, found, err
	}
	if first, ok := imp.matched[old.ID]; ok {
		return old, false, invalidPatient(map[string]string{"name": fmt.Sprintf(
			"Deze regel en regel %d passen allebei bij patiënt %d in het register (zelfde naam, geboortedatum en woonplek, zonder BSN). Controleer de BSN's van beide regels, of vul het BSN van patiënt %d eerst in op de website.",
			first, old.ID, old.ID)})
	}
	imp.matched[old.ID] = int32(line)
	return old, true, nil
}

func (imp *PatientImport) lookup(ctx context.Context, p mgz.Patient) (mgz.Patient, bool, error) {
	if err := imp.loadIdentities(ctx); err != nil {
		return mgz.Patient{}, false, err
	}
	if p.BSN != "" {
		if id, ok := imp.stored.byBSN[bsnNumber(p.BSN)]; ok {
			if _, ok := imp.matched[id]; ok {
				return mgz.Patient{ID: id}, true, nil // find reports it
			}
			old, err := imp.patients.Patient(ctx, id)
			return old, err == nil, err
		}
	}
	var candidates []int64
	for _, c := range imp.stored.get(identityOf(p).hash()) {
		// With a BSN in the row, a stored patient with another BSN is someone else.
		if p.BSN == "" || !c.hasBSN {
			candidates = append(candidates, c.id)
		}
	}
	switch len(candidates) {
	case 0:
		return mgz.Patient{}, false, nil
	case 1:
		// A stored patient matched before is reported as such, whatever that row changed.
		if _, ok := imp.matched[candidates[0]]; ok {
			return mgz.Patient{ID: candidates[0]}, true, nil // find reports it
		}
		old, err := imp.patients.Patient(ctx, candidates[0])
		if err != nil {
			return old, false, err
		}
		if identityOf(old) != identityOf(p) {
			return mgz.Patient{}, false, nil // only the hashes were alike
		}
		return old, true, nil
	}
	ids := make([]string, len(candidates))
	for i, c := range candidates {
		ids[i] = strconv.FormatInt(c, 10)
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

// loadIdentities reads the BSN and the identity of every stored patient once, as numbers.
// Patients written by this import need not be in it: a row naming one of them again is found
// by the lines seen before.
func (imp *PatientImport) loadIdentities(ctx context.Context) error {
	if imp.stored != nil {
		return nil
	}
	si := &storedIdentities{byBSN: map[uint32]int64{}, one: map[uint64]storedRef{}, many: map[uint64][]storedRef{}}
	add := func(id int64, name, birth string, location *int64, postcode, bsn string) error {
		if bsn != "" {
			si.byBSN[bsnNumber(bsn)] = id
		}
		si.add(identityFrom(name, birth, location, postcode).hash(), storedRef{id, bsn != ""})
		return nil
	}
	if l, ok := imp.patients.(PatientIdentityLister); ok {
		if err := l.EachPatientIdentity(ctx, add); err != nil {
			return fmt.Errorf("patiënten lezen: %w", err)
		}
	} else {
		all, err := everyPage(func(p mgz.Page) ([]mgz.Patient, int, error) {
			return imp.patients.Patients(ctx, mgz.PatientFilter{Page: p})
		})
		if err != nil {
			return fmt.Errorf("patiënten lezen: %w", err)
		}
		for _, p := range all {
			add(p.ID, p.Name, p.BirthDate.String(), p.LocationID, p.HomePostcode, p.BSN)
		}
	}
	imp.stored = si
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

// Write stores the patient the last Check found new or changed, and holds its audit entry (create
// or update, the patient's id, reason "import") for the audit log; Flush appends the entries
// still held. Call Flush once, after the last Write; entries are appended in batches before.
func (imp *PatientImport) Write(ctx context.Context) error {
	if imp.next == nil {
		return fmt.Errorf("service: patient import: Write without a new or changed patient from Check")
	}
	p := imp.next
	imp.next = nil
	act := mgz.AuditUpdate
	var err error
	if p.ID == 0 {
		act = mgz.AuditCreate
		err = imp.patients.CreatePatient(ctx, p)
	} else {
		err = imp.patients.UpdatePatient(ctx, p)
	}
	if err != nil {
		return err
	}
	imp.audit = append(imp.audit, patientEntry(imp.a, act, *p, "import"))
	if len(imp.audit) >= auditBatch {
		return imp.Flush(ctx)
	}
	return nil
}

// Flush appends the audit entries Write holds.
func (imp *PatientImport) Flush(ctx context.Context) error {
	if len(imp.audit) == 0 {
		return nil
	}
	if err := imp.auditLog.AppendAll(ctx, imp.audit); err != nil {
		return fmt.Errorf("auditregels schrijven: %w", err)
	}
	imp.audit = imp.audit[:0]
	return nil
}
