package mgz

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// PrerequisiteKey names one prerequisite of a location (randvoorwaarde, domain.md §5).
type PrerequisiteKey string

// The prerequisites of domain.md §5, in its order.
const (
	PrereqQualityStandard         PrerequisiteKey = "quality_standard"
	PrereqInfectionProtocol       PrerequisiteKey = "infection_protocol"
	PrereqWzdProtocol             PrerequisiteKey = "wzd_protocol"
	PrereqLegalRequirements       PrerequisiteKey = "legal_requirements"
	PrereqBehaviourSpecialist24h  PrerequisiteKey = "behaviour_specialist_24h"
	PrereqFirstLine24h            PrerequisiteKey = "first_line_24h"
	PrereqPhysicianContract       PrerequisiteKey = "physician_contract"
	PrereqAgreementsBeforeOpening PrerequisiteKey = "agreements_before_opening"
	PrereqGPPostArrangement       PrerequisiteKey = "gp_post_arrangement"
	PrereqPeriodicEvaluation      PrerequisiteKey = "periodic_evaluation"
	PrereqFixedTeam               PrerequisiteKey = "fixed_team"
)

// Strength says whether a prerequisite blocks readiness.
type Strength string

// The strengths of §5.
const (
	Required Strength = "required"
	Advised  Strength = "advised"
)

// PrerequisiteDef is one row of the table of domain.md §5: the requirement in Dutch, its
// strength and its sources.
type PrerequisiteDef struct {
	Key         PrerequisiteKey `json:"key"`
	Requirement string          `json:"requirement"`
	Strength    Strength        `json:"strength"`
	Sources     []string        `json:"sources"`
}

// Prerequisites is the checklist of domain.md §5, row by row.
var Prerequisites = []PrerequisiteDef{
	{PrereqQualityStandard, "De kwaliteitsstandaard van de sector is ingevoerd; de deskundigheid van het team past bij de cliënten", Required, []string{"T 2.3.2.1"}},
	{PrereqInfectionProtocol, "Protocol infectiepreventie", Required, []string{"T 2.3.2.1a"}},
	{PrereqWzdProtocol, "Protocol Wet zorg en dwang (Wzd)", Required, []string{"T 2.3.2.1b"}},
	{PrereqLegalRequirements, "Overige wettelijke (kwaliteits)eisen, voldoende gekwalificeerd personeel", Required, []string{"T 2.3.2.1c", "L-Rol 3"}},
	{PrereqBehaviourSpecialist24h, "Niet-medisch gedragskundige bereikbaar, overdag en buiten kantooruren", Required, []string{"T 2.3.2.2"}},
	{PrereqFirstLine24h, "Verpleegkundige of gedragskundige voorwacht beschikbaar, overdag en buiten kantooruren", Required, []string{"T 2.3.2.3"}},
	{PrereqPhysicianContract, "Contract met een SO of AVG (of een dienst die die levert), 24/7 bereikbaar voor overleg", Required, []string{"L-Rol 2", "L-Rol 3"}},
	{PrereqAgreementsBeforeOpening, "Afspraken met alle nodige artsen en aanbieders vóórdat cliënten er komen wonen", Required, []string{"L-Rol 3"}},
	{PrereqGPPostArrangement, "Huisartsenpost geïnformeerd of gecontracteerd; SO/AVG bereikbaar voor de post", Required, []string{"T", "L-Rol 3", "L-Conv 4"}},
	{PrereqPeriodicEvaluation, "Een terugkerende evaluatie van de samenwerking is afgesproken", Required, []string{"L-Conv 6"}},
	{PrereqFixedTeam, "Een vast team van (paramedische) zorgverleners", Advised, []string{"T 2.3.2.4"}},
}

// PrerequisiteByKey returns the definition of key.
func PrerequisiteByKey(key PrerequisiteKey) (PrerequisiteDef, bool) {
	for _, d := range Prerequisites {
		if d.Key == key {
			return d, true
		}
	}
	return PrerequisiteDef{}, false
}

// PrerequisiteStatus is the state of one prerequisite at a location.
type PrerequisiteStatus string

// The statuses of §5.
const (
	StatusMet     PrerequisiteStatus = "met"
	StatusNotMet  PrerequisiteStatus = "not_met"
	StatusUnknown PrerequisiteStatus = "unknown"
)

// PrerequisiteStatuses lists the statuses with Dutch names.
var PrerequisiteStatuses = newEnum(
	Option[PrerequisiteStatus]{StatusMet, "Op orde"},
	Option[PrerequisiteStatus]{StatusNotMet, "Niet op orde"},
	Option[PrerequisiteStatus]{StatusUnknown, "Onbekend"},
)

// Label returns the Dutch name of the status.
func (s PrerequisiteStatus) Label() string { return PrerequisiteStatuses.Label(s) }

// ExpiryWarning is how long before its end date an item is flagged (issue: prerequisites).
const ExpiryWarning = 30 * 24 * time.Hour

// PrerequisiteItem is the recorded state of one prerequisite at a location: its status, the
// evidence (a note and/or a document), who confirmed it and when, and until when it holds. Each
// change is kept in the item's history.
type PrerequisiteItem struct {
	ID         int64              `json:"id"` // the history row of this version
	LocationID int64              `json:"location_id"`
	Key        PrerequisiteKey    `json:"key"`
	Status     PrerequisiteStatus `json:"status"`
	Note       string             `json:"note"`
	DocumentID *int64             `json:"document_id"`
	// ValidUntil is the last day the item holds (a date; nil: no end).
	ValidUntil  *time.Time `json:"valid_until"`
	ConfirmedBy int64      `json:"confirmed_by"` // user id
	// ConfirmedByName is the user's name as it was when they confirmed.
	ConfirmedByName string    `json:"confirmed_by_name"`
	ConfirmedAt     time.Time `json:"confirmed_at"`
	Revision        int64     `json:"revision"` // of the item after this version: 1 + versions up to it (see service)
}

const maxNote = 2000

// Normalise validates an item a user records; when is now, for the end date.
func (it *PrerequisiteItem) Normalise(now time.Time) error {
	fe := fieldErrors{}
	if _, ok := PrerequisiteByKey(it.Key); !ok {
		keys := make([]string, len(Prerequisites))
		for i, d := range Prerequisites {
			keys[i] = string(d.Key)
		}
		fe.add("key", "Onbekende randvoorwaarde "+quote(string(it.Key))+". Kies uit: "+strings.Join(keys, ", ")+".")
	}
	if !PrerequisiteStatuses.Valid(it.Status) {
		fe.add("status", "Kies een status: "+PrerequisiteStatuses.List()+".")
	}
	it.Note = strings.TrimSpace(it.Note)
	if utf8.RuneCountInString(it.Note) > maxNote {
		fe.add("note", fmt.Sprintf("De toelichting is te lang: hoogstens %d tekens. Voeg een document toe voor meer.", maxNote))
	}
	if it.Status == StatusMet && it.Note == "" && it.DocumentID == nil {
		fe.add("note", "Leg vast waaruit blijkt dat dit op orde is: een korte toelichting of een document.")
	}
	if it.ValidUntil != nil {
		d := time.Date(it.ValidUntil.Year(), it.ValidUntil.Month(), it.ValidUntil.Day(), 0, 0, 0, 0, time.UTC)
		it.ValidUntil = &d
		if it.Status == StatusMet && d.Before(dateOf(now)) {
			fe.add("valid_until", "Deze datum is al voorbij: het bewijs geldt niet meer. Kies een datum in de toekomst of zet de status op niet op orde.")
		}
	}
	return fe.err()
}

// dateOf is the calendar date of t in its own location, as midnight UTC.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ItemState is one row of a location's checklist: the definition, the recorded item (Status
// unknown when nothing is recorded), and whether it has expired or expires soon.
type ItemState struct {
	Def         PrerequisiteDef  `json:"definition"`
	Item        PrerequisiteItem `json:"item"`
	Recorded    bool             `json:"recorded"`
	Expired     bool             `json:"expired"`
	ExpiresSoon bool             `json:"expires_soon"`
	// Inconsistent is set when the item is recorded as met but the register says otherwise
	// (issue 13 item 4); InconsistentReason says what is missing, in Dutch.
	Inconsistent       bool   `json:"inconsistent"`
	InconsistentReason string `json:"inconsistent_reason,omitempty"`
}

// Met reports whether the item counts as met today: status met, not expired and not contradicted
// by the register.
func (s ItemState) Met() bool { return s.Item.Status == StatusMet && !s.Expired && !s.Inconsistent }

// RegisterFacts is what the register says about a location for the prerequisites it can check
// (issue 13 item 4). A prerequisite confirmed as met whose fact is false is inconsistent.
type RegisterFacts struct {
	// FirstLine24h: a first_line contact point with hours 24_7, or a first_line roster, of the
	// location or of its care provider (T 2.3.2.3).
	FirstLine24h bool `json:"first_line_24h"`
	// BehaviourSpecialist: a behaviour_specialist contact point or roster of the location or of its
	// care provider (T 2.3.2.2).
	BehaviourSpecialist bool `json:"behaviour_specialist"`
	// PhysicianService: the location is linked to an SO/AVG service (L-Rol 2).
	PhysicianService bool `json:"physician_service"`
	// GPPost: a GP post serves the care office region of the location's provider (L-Conv 4).
	GPPost bool `json:"gp_post"`
}

// UncheckedRegister is the facts that flag nothing: every checkable prerequisite is taken as
// the user recorded it.
var UncheckedRegister = RegisterFacts{FirstLine24h: true, BehaviourSpecialist: true, PhysicianService: true, GPPost: true}

// inconsistency returns the Dutch reason why key, recorded as met, contradicts facts ("" if not).
func (f RegisterFacts) inconsistency(key PrerequisiteKey) string {
	switch {
	case key == PrereqFirstLine24h && !f.FirstLine24h:
		return "Als voldaan gemeld, maar er staat geen voorwacht die dag en nacht bereikbaar is in het register (contactpunt 24/7 of rooster). Leg de voorwacht vast of pas de randvoorwaarde aan."
	case key == PrereqBehaviourSpecialist24h && !f.BehaviourSpecialist:
		return "Als voldaan gemeld, maar er staat geen gedragskundige in het register (contactpunt of rooster). Leg de gedragskundige vast of pas de randvoorwaarde aan."
	case key == PrereqPhysicianContract && !f.PhysicianService:
		return "Als voldaan gemeld, maar de locatie is in het register niet gekoppeld aan een SO/AVG-dienst. Koppel de dienst of pas de randvoorwaarde aan."
	case key == PrereqGPPostArrangement && !f.GPPost:
		return "Als voldaan gemeld, maar er staat geen huisartsenpost in het register voor de zorgkantoorregio van de zorgaanbieder. Leg de huisartsenpost vast of pas de randvoorwaarde aan."
	}
	return ""
}

// Readiness is a location's checklist evaluated on a day.
type Readiness struct {
	LocationID int64       `json:"location_id"`
	Ready      bool        `json:"ready"`
	Items      []ItemState `json:"items"`
	// Open lists the required items that keep the location from being ready.
	Open []PrerequisiteKey `json:"open"`
	// Expiring lists the items that are met but end within ExpiryWarning.
	Expiring []PrerequisiteKey `json:"expiring"`
	// Inconsistent lists the items recorded as met that the register contradicts.
	Inconsistent []PrerequisiteKey `json:"inconsistent"`
}

// Evaluate computes readiness from the current items of a location (§5): ready when every
// required item is met and not expired; an advised item is shown but never blocks. today is a
// date in the region's time zone (the time of day is ignored). It does not check the register:
// see EvaluateWithRegister.
func Evaluate(locationID int64, items []PrerequisiteItem, today time.Time) Readiness {
	return EvaluateWithRegister(locationID, items, today, UncheckedRegister)
}

// EvaluateWithRegister is Evaluate that also checks the items recorded as met against what the
// register says (facts): an item the register contradicts is inconsistent and not met.
func EvaluateWithRegister(locationID int64, items []PrerequisiteItem, today time.Time, facts RegisterFacts) Readiness {
	day := dateOf(today)
	byKey := make(map[PrerequisiteKey]PrerequisiteItem, len(items))
	for _, it := range items {
		byKey[it.Key] = it
	}
	r := Readiness{LocationID: locationID, Ready: true, Items: make([]ItemState, 0, len(Prerequisites)), Open: []PrerequisiteKey{}, Expiring: []PrerequisiteKey{}, Inconsistent: []PrerequisiteKey{}}
	for _, d := range Prerequisites {
		st := ItemState{Def: d, Item: PrerequisiteItem{LocationID: locationID, Key: d.Key, Status: StatusUnknown}}
		if it, ok := byKey[d.Key]; ok {
			st.Item, st.Recorded = it, true
		}
		if v := st.Item.ValidUntil; v != nil && st.Item.Status == StatusMet {
			end := dateOf(*v)
			st.Expired = day.After(end)
			st.ExpiresSoon = !st.Expired && !end.After(day.Add(ExpiryWarning))
		}
		if st.Item.Status == StatusMet && !st.Expired {
			if why := facts.inconsistency(d.Key); why != "" {
				st.Inconsistent, st.InconsistentReason = true, why
				r.Inconsistent = append(r.Inconsistent, d.Key)
			}
		}
		if st.ExpiresSoon {
			r.Expiring = append(r.Expiring, d.Key)
		}
		if d.Strength == Required && !st.Met() {
			r.Ready = false
			r.Open = append(r.Open, d.Key)
		}
		r.Items = append(r.Items, st)
	}
	return r
}

// Document is evidence uploaded for a prerequisite: a PDF or an image, checked by its content.
type Document struct {
	ID          int64           `json:"id"`
	LocationID  int64           `json:"location_id"`
	Key         PrerequisiteKey `json:"key"`
	Name        string          `json:"name"`
	ContentType string          `json:"content_type"`
	Size        int64           `json:"size"`
	SHA256      string          `json:"sha256"`
	UploadedBy  int64           `json:"uploaded_by"`
	UploadedAt  time.Time       `json:"uploaded_at"`
}

// MaxDocumentSize bounds an uploaded document.
const MaxDocumentSize = 5 << 20

// DocumentTypes are the content types accepted as evidence, as detected from the bytes.
var DocumentTypes = map[string]string{"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}

// PrerequisiteStore keeps the checklist items, their history and their documents.
type PrerequisiteStore interface {
	// Items returns the current item per key of a location.
	Items(ctx context.Context, locationID int64) ([]PrerequisiteItem, error)
	// History returns every recorded version of a location's items, newest first; key "" for all.
	History(ctx context.Context, locationID int64, key PrerequisiteKey) ([]PrerequisiteItem, error)
	// Record stores a new version of an item and makes it current.
	Record(ctx context.Context, it *PrerequisiteItem) error
	AddDocument(ctx context.Context, d *Document, content []byte) error
	Document(ctx context.Context, id int64) (Document, []byte, error)
	// ItemsOf returns the current items of many locations, for lists of readiness.
	ItemsOf(ctx context.Context, locationIDs []int64) (map[int64][]PrerequisiteItem, error)
	// RegisterFactsOf returns what the register says of many locations, for EvaluateWithRegister.
	RegisterFactsOf(ctx context.Context, locationIDs []int64) (map[int64]RegisterFacts, error)
}
