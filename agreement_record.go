package mgz

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AgreementType is a model agreement of domain.md §8.
type AgreementType string

// The two model agreements.
const (
	AgreementSubcontract AgreementType = "subcontract"
	AgreementCooperation AgreementType = "cooperation"
)

// AgreementTypes lists the agreements with Dutch names.
var AgreementTypes = newEnum(
	Option[AgreementType]{AgreementSubcontract, "Onderaannemingsovereenkomst"},
	Option[AgreementType]{AgreementCooperation, "Samenwerkingsovereenkomst"},
)

// Label returns the Dutch name.
func (t AgreementType) Label() string { return AgreementTypes.Label(t) }

// AgreementStatus is where an agreement is in its life.
type AgreementStatus string

// The lifecycle: a draft is sent for signing; when every party signed it is active; an active
// agreement is evaluated (and renewed) or ended with a reason. A change to the text makes a new
// version, drops the signatures and brings it back to draft.
const (
	AgreementDraft   AgreementStatus = "draft"
	AgreementSigning AgreementStatus = "signing"
	AgreementActive  AgreementStatus = "active"
	AgreementEnded   AgreementStatus = "ended"
)

// AgreementStatuses lists the statuses with Dutch names.
var AgreementStatuses = newEnum(
	Option[AgreementStatus]{AgreementDraft, "Concept"},
	Option[AgreementStatus]{AgreementSigning, "Ter ondertekening"},
	Option[AgreementStatus]{AgreementActive, "Actief"},
	Option[AgreementStatus]{AgreementEnded, "Beëindigd"},
)

// Label returns the Dutch name.
func (s AgreementStatus) Label() string { return AgreementStatuses.Label(s) }

// Signature is one party's signature on a version.
type Signature struct {
	OrganisationID int64     `json:"organisation_id"`
	UserID         int64     `json:"user_id"`
	Name           string    `json:"name"`
	Role           string    `json:"role"`
	At             time.Time `json:"at"`
}

// Agreement is one agreement between a care provider and a GP practice (and, for cooperation,
// the region's GP post), as its current version.
type Agreement struct {
	ID       int64           `json:"id"`
	Type     AgreementType   `json:"type"`
	Status   AgreementStatus `json:"status"`
	Version  int             `json:"version"`
	Revision int64           `json:"revision"` // grows with every stored change: edit, send, sign, inform, evaluate, end
	Provider int64           `json:"provider_id"`
	Practice int64           `json:"practice_id"`
	GPPost   *int64          `json:"gp_post_id"`
	// Locations covered.
	Locations []int64 `json:"location_ids"`
	Start     Date    `json:"start"`
	// TermMonths is the duration; 0 means for an indefinite period.
	TermMonths       int `json:"term_months"`
	NoticeMonths     int `json:"notice_months"`
	EvaluationMonths int `json:"evaluation_months"`
	// Subcontract only: the free tariff and the hours covered.
	TariffCents  int64  `json:"tariff_cents"`
	TariffUnit   string `json:"tariff_unit"`
	HoursCovered string `json:"hours_covered"`
	// Signatures on the current version.
	Signatures []Signature `json:"signatures"`
	// GPPostInformedAt records when the GP post was informed of a cooperation agreement.
	GPPostInformedAt *time.Time `json:"gp_post_informed_at"`
	LastEvaluation   *Date      `json:"last_evaluation"`
	EvaluationNote   string     `json:"evaluation_note"`
	EndedOn          *Date      `json:"ended_on"`
	EndReason        string     `json:"end_reason"`
	UpdatedBy        string     `json:"updated_by"`
	UpdatedAt        time.Time  `json:"updated_at"`
	// VersionRevision is the revision at which the current version was made: a signature given
	// on an older revision than that was given on other terms and is refused.
	VersionRevision int64 `json:"version_revision"`
	// Former is set only when a former party reads the agreement: the agreement is then the
	// newest version it was party to, and Former says who removed it when. Never stored.
	Former *FormerParty `json:"former_party,omitempty"`
	// Snapshot holds the parties and locations as they were when this version was made, so the
	// version's document stays the same when the register changes later.
	Snapshot *AgreementSnapshot `json:"snapshot,omitempty"`
}

// AgreementSnapshot is the register data a version's document shows.
type AgreementSnapshot struct {
	Organisations map[int64]Organisation `json:"organisations"`
	Locations     []Location             `json:"locations"`
	Region        string                 `json:"region"`
}

// Parties are the organisations that sign.
func (a Agreement) Parties() []int64 {
	ps := []int64{a.Provider, a.Practice}
	if a.Type == AgreementCooperation && a.GPPost != nil {
		ps = append(ps, *a.GPPost)
	}
	return ps
}

// SignedBy reports whether organisation org signed the current version.
func (a Agreement) SignedBy(org int64) bool {
	for _, s := range a.Signatures {
		if s.OrganisationID == org {
			return true
		}
	}
	return false
}

// End is the last day of a fixed term (zero for an indefinite one).
func (a Agreement) End() Date {
	if a.TermMonths == 0 || a.Start.IsZero() {
		return Date{}
	}
	return Date{a.Start.AddDate(0, a.TermMonths, -1)}
}

// NextEvaluation is the day the next evaluation is due.
func (a Agreement) NextEvaluation() Date {
	from := a.Start
	if a.LastEvaluation != nil {
		from = *a.LastEvaluation
	}
	if from.IsZero() || a.EvaluationMonths <= 0 {
		return Date{}
	}
	return Date{from.AddDate(0, a.EvaluationMonths, 0)}
}

// Reminder windows: an evaluation is announced this many days before it is due, an end this
// many days before the last day.
const (
	EvaluationReminderDays = 60
	EndReminderDays        = 90
)

// RemindOn is the first day on which the agreement needs a reminder (its evaluation or its end
// comes within its window), or the zero Date when it is not active or has neither.
func (a Agreement) RemindOn() Date {
	if a.Status != AgreementActive {
		return Date{}
	}
	var on Date
	if next := a.NextEvaluation(); !next.IsZero() {
		on = Date{next.AddDate(0, 0, -EvaluationReminderDays)}
	}
	if end := a.End(); !end.IsZero() {
		if d := (Date{end.AddDate(0, 0, -EndReminderDays)}); on.IsZero() || d.Before(on.Time) {
			on = d
		}
	}
	return on
}

// Normalise validates the agreement's terms with Dutch messages per field.
func (a *Agreement) Normalise() error {
	fe := fieldErrors{}
	if !AgreementTypes.Valid(a.Type) {
		fe.add("type", "Kies de soort overeenkomst: "+AgreementTypes.List()+".")
	}
	if a.Provider <= 0 {
		fe.add("provider_id", "Kies de zorgaanbieder.")
	}
	if a.Practice <= 0 {
		fe.add("practice_id", "Kies de huisartsenpraktijk.")
	}
	if a.Type == AgreementCooperation && (a.GPPost == nil || *a.GPPost <= 0) {
		fe.add("gp_post_id", "Een samenwerkingsovereenkomst noemt de huisartsenpost van de regio, die de afspraken moet kennen (§8).")
	}
	if a.Type == AgreementSubcontract {
		a.GPPost = nil
	}
	if len(a.Locations) == 0 {
		fe.add("location_ids", "Kies minstens één locatie waarvoor de overeenkomst geldt.")
	}
	if a.Start.IsZero() {
		fe.add("start", "Vul de ingangsdatum in.")
	}
	if a.TermMonths < 0 || a.TermMonths > 120 {
		fe.add("term_months", "De looptijd is 0 (onbepaalde tijd) tot 120 maanden.")
	}
	if a.NoticeMonths < 0 || a.NoticeMonths > 24 {
		fe.add("notice_months", "De opzegtermijn is 0 tot 24 maanden.")
	}
	if a.EvaluationMonths == 0 {
		a.EvaluationMonths = 12 // yearly by default
	}
	if a.EvaluationMonths < 1 || a.EvaluationMonths > 36 {
		fe.add("evaluation_months", "Evalueer minstens eens per 36 maanden; standaard jaarlijks (12).")
	}
	a.TariffUnit, a.HoursCovered = strings.TrimSpace(a.TariffUnit), strings.TrimSpace(a.HoursCovered)
	switch a.Type {
	case AgreementSubcontract:
		if a.TariffCents <= 0 {
			fe.add("tariff_cents", "Vul het vrije tarief in dat met de instelling is afgesproken (in centen, bijvoorbeeld 9500 voor € 95,00).")
		}
		if a.TariffUnit == "" {
			fe.add("tariff_unit", "Vul de eenheid van het tarief in, bijvoorbeeld per uur of per bewoner per maand.")
		}
		if a.HoursCovered == "" {
			fe.add("hours_covered", "Vul in welke uren de onderaanneming dekt, bijvoorbeeld werkdagen 08:00–17:00. Buiten die uren regelt de zorgaanbieder de huisartsenzorg (§3.2).")
		}
	case AgreementCooperation:
		a.TariffCents, a.TariffUnit, a.HoursCovered = 0, "", ""
	}
	return fe.err()
}

// Tariff formats the tariff in Dutch, e.g. "€ 95,00 per uur".
func (a Agreement) Tariff() string {
	if a.TariffCents == 0 {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf("€ %d,%02d %s", a.TariffCents/100, a.TariffCents%100, a.TariffUnit))
}

// Change is one difference between two versions, in Dutch.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Diff lists what changed from old to new in the terms of the agreement.
func Diff(old, new Agreement) []Change {
	var cs []Change
	add := func(field, from, to string) {
		if from != to {
			cs = append(cs, Change{field, from, to})
		}
	}
	ids := func(v []int64) string { return strings.Trim(fmt.Sprint(v), "[]") }
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return fmt.Sprint(*p)
	}
	add("Soort", old.Type.Label(), new.Type.Label())
	add("Zorgaanbieder", fmt.Sprint(old.Provider), fmt.Sprint(new.Provider))
	add("Huisartsenpraktijk", fmt.Sprint(old.Practice), fmt.Sprint(new.Practice))
	add("Huisartsenpost", opt(old.GPPost), opt(new.GPPost))
	add("Locaties", ids(old.Locations), ids(new.Locations))
	add("Ingangsdatum", old.Start.String(), new.Start.String())
	add("Looptijd (maanden)", fmt.Sprint(old.TermMonths), fmt.Sprint(new.TermMonths))
	add("Opzegtermijn (maanden)", fmt.Sprint(old.NoticeMonths), fmt.Sprint(new.NoticeMonths))
	add("Evaluatie (elke … maanden)", fmt.Sprint(old.EvaluationMonths), fmt.Sprint(new.EvaluationMonths))
	add("Tarief", old.Tariff(), new.Tariff())
	add("Uren", old.HoursCovered, new.HoursCovered)
	return cs
}

// AgreementVersion is one stored version with who made it.
type AgreementVersion struct {
	Agreement Agreement `json:"agreement"`
	Version   int       `json:"version"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Note      string    `json:"note"`
}

// FormerParty is an organisation that a new version removed as a party (a swapped GP post). It
// keeps read access to the versions up to LastVersion and is told on its start page.
type FormerParty struct {
	AgreementID    int64         `json:"agreement_id"`
	AgreementType  AgreementType `json:"agreement_type"`
	OrganisationID int64         `json:"organisation_id"`
	LastVersion    int           `json:"last_version"`
	RemovedBy      string        `json:"removed_by"`     // the person, by name
	RemovedByOrg   int64         `json:"removed_by_org"` // their organisation (0: the operator)
	RemovedAt      time.Time     `json:"removed_at"`
}

// AgreementStore keeps agreements with every version.
type AgreementStore interface {
	// SaveVersion stores a as a new version (a.Version is set) and makes it current; a.ID is set
	// for a new agreement.
	SaveVersion(ctx context.Context, a *Agreement, note string) error
	// Update changes the current version's state (status, signatures, dates) without a new version.
	// Both SaveVersion and Update store a only when the stored revision is still a.Revision, and
	// raise a.Revision by one.
	Update(ctx context.Context, a *Agreement) error
	// AddFormerParty records that a new version removed an organisation as a party.
	AddFormerParty(ctx context.Context, f FormerParty) error
	// FormerParties lists the removals of agreement id (id 0: all) of organisation org (0: any),
	// newest first.
	FormerParties(ctx context.Context, id, org int64) ([]FormerParty, error)
	Agreement(ctx context.Context, id int64) (Agreement, error)
	Version(ctx context.Context, id int64, version int) (AgreementVersion, error)
	Versions(ctx context.Context, id int64) ([]AgreementVersion, error)
	// Agreements lists the agreements organisation org is a party of (0: all).
	Agreements(ctx context.Context, org int64) ([]Agreement, error)
	// DueAgreements lists, by id, the active agreements organisation org is a party of (0: all)
	// whose RemindOn is on or before today.
	DueAgreements(ctx context.Context, org int64, today Date) ([]Agreement, error)
	// ActiveAgreementsOfProvider lists, by id, the active agreements of care provider provider.
	ActiveAgreementsOfProvider(ctx context.Context, provider int64) ([]Agreement, error)
}
