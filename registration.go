package mgz

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Capacity is how much room a GP practice has for new patients (domain.md §6: a (nearly) full
// practice is a known problem; replacement residents should be registered where capacity allows).
type Capacity string

// The capacities of a practice.
const (
	CapacityOpen       Capacity = "open"
	CapacityNearlyFull Capacity = "nearly_full"
	CapacityFull       Capacity = "full"
)

// Capacities lists the capacities with Dutch names.
var Capacities = newEnum(
	Option[Capacity]{CapacityOpen, "Open"},
	Option[Capacity]{CapacityNearlyFull, "Bijna vol"},
	Option[Capacity]{CapacityFull, "Vol"},
)

// Label returns the Dutch name of the capacity.
func (c Capacity) Label() string { return Capacities.Label(c) }

// PracticeProfile is what a GP practice tells the region about registering patients: its capacity
// and the postcode areas it serves (domain.md §6).
type PracticeProfile struct {
	OrganisationID int64    `json:"organisation_id"`
	Capacity       Capacity `json:"capacity"`
	// PostcodeAreas are the four-digit areas of Dutch postcodes (e.g. "9901") the practice serves.
	PostcodeAreas []string  `json:"postcode_areas"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Revision grows with every stored change (0: never stored); an edit made on an older
	// revision is refused.
	Revision int64 `json:"revision"`
}

const msgPostcodeArea = "Een postcodegebied bestaat uit de 4 cijfers van een postcode, niet beginnend met 0, bijvoorbeeld 9901."

// validPostcodeArea reports whether s is the four-digit part of a Dutch postcode (domain.md §10).
func validPostcodeArea(s string) bool {
	return len(s) == 4 && onlyDigits(s) && s[0] != '0'
}

// Normalise cleans pp's fields in place (areas trimmed, deduplicated and sorted) and validates
// them. It returns an *Error with code invalid_request naming every offending field, in Dutch.
func (pp *PracticeProfile) Normalise() error {
	fe := fieldErrors{}
	if pp.OrganisationID <= 0 {
		fe.add("organisation_id", "Kies de huisartsenpraktijk van dit profiel.")
	}
	if !Capacities.Valid(pp.Capacity) {
		if pp.Capacity == "" {
			fe.add("capacity", "Ruimte voor nieuwe cliënten is verplicht. Kies een van: "+Capacities.List()+".")
		} else {
			fe.add("capacity", "Onbekende ruimte voor nieuwe cliënten "+quote(string(pp.Capacity))+". Kies een van: "+Capacities.List()+".")
		}
	}
	areas := make([]string, 0, len(pp.PostcodeAreas))
	for _, a := range pp.PostcodeAreas {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
			// an empty line in a form is no area
		case !validPostcodeArea(a):
			fe.add("postcode_areas", "Postcodegebied "+quote(a)+" klopt niet. "+msgPostcodeArea)
		default:
			areas = append(areas, a)
		}
	}
	slices.Sort(areas)
	pp.PostcodeAreas = slices.Compact(areas)
	return fe.err()
}

// postcodeAreaOf returns the four-digit area of a Dutch postcode ("9901 AB" → "9901").
func postcodeAreaOf(postcode string) (string, bool) {
	pc, ok := NormalisePostcode(postcode)
	if !ok {
		return "", false
	}
	return pc[:4], true
}

// Serves reports whether postcode lies in one of the practice's postcode areas. An invalid
// postcode lies in none.
func (pp PracticeProfile) Serves(postcode string) bool {
	area, ok := postcodeAreaOf(postcode)
	return ok && slices.Contains(pp.PostcodeAreas, area)
}

// PriorityGround is the reason a practice gives a patient priority when registering (domain.md §6,
// L-Conv 1): a practice may not favour one patient except on these grounds.
type PriorityGround string

// The grounds for priority.
const (
	PriorityNone                    PriorityGround = "none"
	PriorityOutsideMunicipalityNoGP PriorityGround = "outside_municipality_no_gp"
	PriorityLocationCommunity       PriorityGround = "location_community"
)

// PriorityGrounds lists the grounds with Dutch names.
var PriorityGrounds = newEnum(
	Option[PriorityGround]{PriorityNone, "Geen voorrang"},
	Option[PriorityGround]{PriorityOutsideMunicipalityNoGP, "Cliënt van buiten de gemeente zonder eigen huisarts in de buurt"},
	Option[PriorityGround]{PriorityLocationCommunity, "Bewoners van de locatie als gemeenschap, met afspraak tussen huisarts, locatie en zorgverzekeraar (nog te toetsen door ACM)"},
)

// Label returns the Dutch name of the ground.
func (g PriorityGround) Label() string { return PriorityGrounds.Label(g) }

// Registration records that a patient was registered by name with a GP practice (domain.md §6).
type Registration struct {
	ID         int64  `json:"id"`
	PatientID  int64  `json:"patient_id"`
	PracticeID int64  `json:"practice_id"`
	LocationID *int64 `json:"location_id"`
	// Priority and PriorityGround: a priority registration states one of the §6 grounds.
	Priority       bool           `json:"priority"`
	PriorityGround PriorityGround `json:"priority_ground"`
	// SwitchFromPracticeID is the practice the client leaves, if any. A switch is recorded only
	// with the client's consent (SwitchConsent): a client is never forced to leave their GP.
	SwitchFromPracticeID *int64 `json:"switch_from_practice_id"`
	SwitchConsent        bool   `json:"switch_consent"`
	// SwitchConsentMethod, SwitchConsentOn and SwitchConsentBy record how, on which day and by
	// whom (name and role) the client's consent to leave another practice was obtained. A
	// registration of a client known in mgz needs all three; it then becomes a SwitchRequest.
	SwitchConsentMethod ConsentMethod `json:"switch_consent_method,omitempty"`
	SwitchConsentOn     Date          `json:"switch_consent_on"`
	SwitchConsentBy     string        `json:"switch_consent_by,omitempty"`
	// OpenItemsAcknowledged are the keys of the location's prerequisites (domain.md §5) that were
	// not met when registering and that the practice acknowledged knowing about.
	OpenItemsAcknowledged []string `json:"open_items_acknowledged"`
	// RegisteredBy (a user id) and RegisteredAt are set by the service, not by the request.
	RegisteredBy int64     `json:"registered_by"`
	RegisteredAt time.Time `json:"registered_at"`
}

// msgPriorityGrounds states the §6 rule on priority for every message about it.
const msgPriorityGrounds = "Een praktijk mag één cliënt bij inschrijving geen voorrang geven, behalve op deze gronden: " +
	"een cliënt van buiten de gemeente zonder eigen huisarts in de buurt, of de bewoners van een locatie als gemeenschap, " +
	"met een afspraak tussen huisarts, locatie en zorgverzekeraar (nog te toetsen door ACM)."

// Validate cleans r's fields in place and checks the rules of domain.md §6 that a registration
// must meet on its own. openItems are the keys of the prerequisites of the location that are not
// met now (domain.md §5); each must be acknowledged, because the product warns and records but
// never forbids. The practice's capacity is not checked here: a full practice may still register
// a replacement resident. It returns an *Error with code invalid_request naming every offending
// field, in Dutch.
func (r *Registration) Validate(openItems []string) error {
	fe := fieldErrors{}
	if r.PatientID <= 0 {
		fe.add("patient_id", "Kies de cliënt die u inschrijft.")
	}
	if r.PracticeID <= 0 {
		fe.add("practice_id", "Kies de huisartsenpraktijk waar de cliënt wordt ingeschreven.")
	}
	r.LocationID = positiveOrNil(r.LocationID)
	r.SwitchFromPracticeID = positiveOrNil(r.SwitchFromPracticeID)

	if r.PriorityGround == "" {
		r.PriorityGround = PriorityNone
	}
	switch {
	case !PriorityGrounds.Valid(r.PriorityGround):
		fe.add("priority_ground", "Onbekende grond voor voorrang "+quote(string(r.PriorityGround))+". Kies een van: "+PriorityGrounds.List()+".")
	case r.Priority && r.PriorityGround == PriorityNone:
		fe.add("priority_ground", msgPriorityGrounds+" Kies de grond waarop deze cliënt voorrang krijgt, of schrijf in zonder voorrang.")
	case !r.Priority && r.PriorityGround != PriorityNone:
		msg := "U koos een grond voor voorrang, maar voorrang staat uit. " + msgPriorityGrounds +
			" Zet voorrang aan als de cliënt op deze grond voorrang krijgt, of kies " + quote(PriorityNone.Label()) + "."
		fe.add("priority", msg)
		fe.add("priority_ground", msg)
	}

	if r.SwitchFromPracticeID != nil {
		switch {
		case *r.SwitchFromPracticeID == r.PracticeID:
			fe.add("switch_from_practice_id", "De cliënt kan niet overstappen van de praktijk waar u de cliënt nu inschrijft. Laat de vorige praktijk leeg, of kies de praktijk die de cliënt verlaat.")
		case !r.SwitchConsent:
			fe.add("switch_consent", "mgz schrijft een cliënt nooit over zonder diens toestemming; een overstap wordt alleen vastgelegd met toestemming. "+
				"Vraag de cliënt of die wil overstappen en vink de toestemming aan, of laat de vorige praktijk leeg.")
		}
	}

	// Keep only acknowledgements of items that are open now, so the record says exactly which
	// unmet prerequisites the practice knew about when it registered.
	open := map[string]bool{}
	for _, k := range openItems {
		if k = strings.TrimSpace(k); k != "" {
			open[k] = true
		}
	}
	acked := map[string]bool{}
	clean := make([]string, 0, len(r.OpenItemsAcknowledged))
	for _, k := range r.OpenItemsAcknowledged {
		if k = strings.TrimSpace(k); open[k] && !acked[k] {
			acked[k] = true
			clean = append(clean, k)
		}
	}
	slices.Sort(clean)
	r.OpenItemsAcknowledged = clean
	var missing []string
	for k := range open {
		if !acked[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		fe.add("open_items_acknowledged", "De locatie is nog niet klaar: niet aan alle randvoorwaarden is voldaan. "+
			"Bevestig dat u deze open punten kent om door te gaan met de inschrijving: "+strings.Join(missing, ", ")+".")
	}
	return fe.err()
}

// RelocationAdvice is what the product tells a practice whose registered client moves to another
// location (domain.md §6).
type RelocationAdvice struct {
	// StaysResponsible reports that the client stays with the practice: the new location lies in
	// one of its postcode areas, or the practice is the location's fixed GP. When false the
	// practice discusses finding a practice nearby with the client, and is still responsible
	// until another practice takes over.
	StaysResponsible bool `json:"stays_responsible"`
	// SuggestSwitchTo is the new location's fixed GP practice when that is another practice: a
	// switch to discuss with the client, never to force.
	SuggestSwitchTo *int64 `json:"suggest_switch_to"`
	// Notes are Dutch sentences for the screen, in the order to act on them.
	Notes []string `json:"notes"`
}

// AdviseRelocation advises the practice currentPracticeID, whose profile is profile, on a
// registered client who moves to newLoc (domain.md §6). It advises; it never moves a patient.
func AdviseRelocation(profile PracticeProfile, newLoc Location, currentPracticeID int64) RelocationAdvice {
	var a RelocationAdvice
	name := quote(newLoc.Name)
	fixed := newLoc.FixedGPPracticeID
	switch area, _ := postcodeAreaOf(newLoc.Postcode); {
	case fixed != nil && *fixed == currentPracticeID:
		a.StaysResponsible = true
		a.Notes = append(a.Notes, "De praktijk is de vaste huisarts van de nieuwe locatie "+name+
			" en blijft verantwoordelijk voor de cliënt.")
	case profile.Serves(newLoc.Postcode):
		a.StaysResponsible = true
		a.Notes = append(a.Notes, "De nieuwe locatie "+name+" ligt in postcodegebied "+area+
			", waar de praktijk werkt. De praktijk blijft verantwoordelijk voor de cliënt tot een andere praktijk de zorg overneemt.")
	default:
		a.Notes = append(a.Notes, "De nieuwe locatie "+name+" ligt buiten de postcodegebieden van de praktijk. "+
			"Bespreek met de cliënt het zoeken van een huisartsenpraktijk in de buurt. "+
			"De praktijk blijft verantwoordelijk tot een andere praktijk de zorg overneemt: laat de cliënt nooit zonder huisarts.")
	}
	if fixed != nil && *fixed > 0 && *fixed != currentPracticeID {
		id := *fixed
		a.SuggestSwitchTo = &id
		a.Notes = append(a.Notes, "De nieuwe locatie heeft een andere vaste huisartsenpraktijk. "+
			"Bespreek met de cliënt of die wil overstappen naar die praktijk; dwing een overstap nooit af. "+
			"Zonder toestemming van de cliënt blijft de praktijk verantwoordelijk.")
	}
	a.Notes = append(a.Notes, "Controleer vóór de verhuizing of de nieuwe locatie "+name+
		" aan de randvoorwaarden voldoet (voorwacht, gedragskundige, contract met SO of AVG en de andere punten).")
	return a
}

// ConsentMethod is how a client's consent to switch practices was obtained.
type ConsentMethod string

// The ways consent is obtained.
const (
	ConsentInWriting ConsentMethod = "in_writing"
	ConsentInPerson  ConsentMethod = "in_person"
)

// ConsentMethods lists the ways with Dutch names.
var ConsentMethods = newEnum(
	Option[ConsentMethod]{ConsentInWriting, "Schriftelijk"},
	Option[ConsentMethod]{ConsentInPerson, "Persoonlijk (mondeling, in gesprek)"},
)

// Label returns the Dutch name of the way consent was obtained.
func (c ConsentMethod) Label() string { return ConsentMethods.Label(c) }

// SwitchState is where a switch request stands.
type SwitchState string

// The states of a switch request: open until the current practice confirms (completed), objects
// (objected), the requesting practice withdraws it (withdrawn), or the region's period passes
// without objection (completed, automatically).
const (
	SwitchOpen      SwitchState = "open"
	SwitchCompleted SwitchState = "completed"
	SwitchObjected  SwitchState = "objected"
	SwitchWithdrawn SwitchState = "withdrawn"
)

// SwitchStates lists the states with Dutch names.
var SwitchStates = newEnum(
	Option[SwitchState]{SwitchOpen, "Loopt"},
	Option[SwitchState]{SwitchCompleted, "Overgestapt"},
	Option[SwitchState]{SwitchObjected, "Bezwaar gemaakt"},
	Option[SwitchState]{SwitchWithdrawn, "Ingetrokken"},
)

// Label returns the Dutch name of the state.
func (s SwitchState) Label() string { return SwitchStates.Label(s) }

// DefaultSwitchPeriodDays is how many days a switch request waits for the current practice before
// it completes by itself, unless the region sets another period.
const DefaultSwitchPeriodDays = 14

// MaxSwitchPeriodDays bounds the region's period: a client is never left waiting longer.
const MaxSwitchPeriodDays = 90

// maxReason bounds a typed reason (an objection, a consent's "by whom").
const maxReason = 1000

// SwitchRequest is a practice's request to take over a client registered by name at another
// practice (issue 9). It is never a takeover: the current practice keeps the registration and
// full access while it is open, is told, and may confirm or object; without objection it
// completes after the region's period (DueAt). Consent records how, when and by whom the client
// agreed.
type SwitchRequest struct {
	ID        int64 `json:"id"`
	PatientID int64 `json:"patient_id"`
	// PatientBSN is the client's BSN masked (only its last digits), so both practices recognise
	// the client without the requester seeing the record.
	PatientBSN     string      `json:"patient_bsn,omitempty"`
	FromPracticeID int64       `json:"from_practice_id"`
	ToPracticeID   int64       `json:"to_practice_id"`
	State          SwitchState `json:"state"`

	ConsentMethod ConsentMethod `json:"consent_method"`
	ConsentOn     Date          `json:"consent_on"`
	ConsentBy     string        `json:"consent_by"`

	// The registration that the request becomes when it completes.
	LocationID            *int64         `json:"location_id"`
	Priority              bool           `json:"priority"`
	PriorityGround        PriorityGround `json:"priority_ground"`
	OpenItemsAcknowledged []string       `json:"open_items_acknowledged"`

	RequestedBy int64     `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	// DueAt is when the request completes by itself without objection.
	DueAt time.Time `json:"due_at"`
	// DecidedBy is the user who confirmed, objected or withdrew; 0 when it completed by itself.
	DecidedBy int64      `json:"decided_by"`
	DecidedAt *time.Time `json:"decided_at"`
	// Reason is the objection's reason, or a note with the outcome.
	Reason         string `json:"reason"`
	RegistrationID *int64 `json:"registration_id"`
}

// Due reports whether an open request has waited its period at now.
func (sr SwitchRequest) Due(now time.Time) bool {
	return sr.State == SwitchOpen && !now.Before(sr.DueAt)
}

// ValidateConsent cleans and checks the consent of a switch on its own: how, when (not in the
// future, nor more than a year before today) and by whom. It returns an *Error with code
// invalid_request naming every offending field, in Dutch.
func (r *Registration) ValidateConsent(now time.Time) error {
	fe := fieldErrors{}
	today := DateOf(now)
	if !ConsentMethods.Valid(r.SwitchConsentMethod) {
		fe.add("switch_consent_method", "Vul in hoe de cliënt toestemming gaf voor de overstap. Kies een van: "+ConsentMethods.List()+".")
	}
	r.SwitchConsentOn = r.SwitchConsentOn.utc()
	switch {
	case r.SwitchConsentOn.IsZero():
		fe.add("switch_consent_on", "Vul de datum in waarop de cliënt toestemming gaf, als jjjj-mm-dd.")
	case r.SwitchConsentOn.After(today.Time):
		fe.add("switch_consent_on", "De datum van de toestemming ligt in de toekomst. Vul de dag in waarop de cliënt toestemming gaf.")
	case r.SwitchConsentOn.Before(today.AddDate(-1, 0, 0)):
		fe.add("switch_consent_on", "De toestemming is ouder dan een jaar. Vraag de cliënt opnieuw om toestemming en vul die datum in.")
	}
	r.SwitchConsentBy = checkText(fe, "switch_consent_by", "Door wie de toestemming is verkregen (naam en functie)", r.SwitchConsentBy, true, maxName)
	r.SwitchConsent = len(fe) == 0
	return fe.err()
}

// HasConsentDetails reports whether any of the consent fields was filled in.
func (r Registration) HasConsentDetails() bool {
	return r.SwitchConsentMethod != "" || !r.SwitchConsentOn.IsZero() || strings.TrimSpace(r.SwitchConsentBy) != ""
}

// CheckObjectionReason cleans and checks the reason of an objection: required and bounded.
func CheckObjectionReason(reason string) (string, error) {
	fe := fieldErrors{}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		fe.add("reason", "Vul de reden van het bezwaar in, zodat de andere praktijk en de cliënt weten wat er nodig is.")
	case utf8.RuneCountInString(reason) > maxReason:
		fe.add("reason", fmt.Sprintf("De reden is te lang: hoogstens %d tekens.", maxReason))
	case strings.ContainsRune(reason, 0):
		fe.add("reason", "De reden mag geen stuurtekens bevatten.")
	}
	return reason, fe.err()
}

// SwitchFilter selects switch requests. Zero fields do not filter.
type SwitchFilter struct {
	PatientID int64
	// OrganisationID keeps the requests in which this practice is one of the two sides.
	OrganisationID int64
	State          SwitchState
	// DecidedSince keeps the requests decided (or completed by themselves) at or after it.
	DecidedSince time.Time
	Page
}

// BSNMiss is a coalesced record of registrations by an organisation that named a client's BSN
// with another birth date: shown to the practice holding the registration.
type BSNMiss struct {
	PatientID      int64     `json:"patient_id"`
	OrganisationID int64     `json:"organisation_id"`
	Misses         int       `json:"misses"`
	FirstAt        time.Time `json:"first_at"`
	LastAt         time.Time `json:"last_at"`
}

// LeadChange records a change of a client's lead physician (who coordinates the care, and whose
// organisation thereby sees the client).
type LeadChange struct {
	ID             int64         `json:"id"`
	PatientID      int64         `json:"patient_id"`
	FromKind       LeadPhysician `json:"from_kind"`
	FromOrgID      *int64        `json:"from_org_id"`
	ToKind         LeadPhysician `json:"to_kind"`
	ToOrgID        *int64        `json:"to_org_id"`
	ChangedBy      int64         `json:"changed_by"`
	ChangedByOrgID int64         `json:"changed_by_org_id"`
	ChangedAt      time.Time     `json:"changed_at"`
}
