package mgz

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ECodeBreakGlass answers a read of a handover by an organisation that is involved in the
// client's care but has no standing access at this moment (the GP post during office hours, the
// location's fixed GP practice): it may read after stating a reason (emergency access, "break the
// glass"). HTTP 403 with this code.
const ECodeBreakGlass = "break_the_glass_required"

// Treatment is a treatment a wish is about: the treatments of zib Behandelaanwijzing
// (TreatmentDirective2, value set BehandelingCodelijst) that matter at the GP post.
type Treatment string

// The treatments, in the order a handover shows them.
const (
	TreatmentResuscitation       Treatment = "resuscitation"
	TreatmentVentilation         Treatment = "ventilation"
	TreatmentICUAdmission        Treatment = "icu_admission"
	TreatmentHospitalAdmission   Treatment = "hospital_admission"
	TreatmentAntibiotics         Treatment = "antibiotics"
	TreatmentArtificialNutrition Treatment = "artificial_nutrition"
	TreatmentOther               Treatment = "other"
)

// Treatments lists the treatments with Dutch names.
var Treatments = newEnum(
	Option[Treatment]{TreatmentResuscitation, "Reanimatie"},
	Option[Treatment]{TreatmentVentilation, "Beademing"},
	Option[Treatment]{TreatmentICUAdmission, "Opname op de intensive care"},
	Option[Treatment]{TreatmentHospitalAdmission, "Ziekenhuisopname"},
	Option[Treatment]{TreatmentAntibiotics, "Antibiotica"},
	Option[Treatment]{TreatmentArtificialNutrition, "Kunstmatige voeding en vocht"},
	Option[Treatment]{TreatmentOther, "Overige afspraak"},
)

// Label returns the Dutch name of the treatment.
func (t Treatment) Label() string { return Treatments.Label(t) }

// TreatmentDecision is the decision about a treatment (zib: BehandelBesluit; FHIR Consent
// provision.type permit/deny, with restrictions a permit with a restriction text).
type TreatmentDecision string

// The decisions. Empty means not discussed (yet).
const (
	DecisionPermit           TreatmentDecision = "permit"
	DecisionDeny             TreatmentDecision = "deny"
	DecisionWithRestrictions TreatmentDecision = "with_restrictions"
)

// TreatmentDecisions lists the decisions with Dutch names.
var TreatmentDecisions = newEnum(
	Option[TreatmentDecision]{DecisionPermit, "Ja"},
	Option[TreatmentDecision]{DecisionDeny, "Nee"},
	Option[TreatmentDecision]{DecisionWithRestrictions, "Ja, met beperkingen"},
)

// Label returns the Dutch name of the decision; "niet besproken" when none was recorded.
func (d TreatmentDecision) Label() string {
	if d == "" {
		return "Niet besproken"
	}
	return TreatmentDecisions.Label(d)
}

// AgreedWith is with whom a treatment wish was agreed (zib: AfspraakPartij).
type AgreedWith string

// The parties a wish is agreed with.
const (
	AgreedWithClient         AgreedWith = "client"
	AgreedWithRepresentative AgreedWith = "representative"
	AgreedWithBoth           AgreedWith = "client_and_representative"
)

// AgreedWithOptions lists the parties with Dutch names.
var AgreedWithOptions = newEnum(
	Option[AgreedWith]{AgreedWithClient, "de cliënt"},
	Option[AgreedWith]{AgreedWithRepresentative, "de vertegenwoordiger"},
	Option[AgreedWith]{AgreedWithBoth, "de cliënt en de vertegenwoordiger"},
)

// Label returns the Dutch name of the party.
func (w AgreedWith) Label() string { return AgreedWithOptions.Label(w) }

// TreatmentWish is one treatment directive (zib Behandelaanwijzing, nl-core-TreatmentDirective2):
// the treatment, the decision, the restrictions of a "with restrictions" decision, the day it was
// agreed (most recent review) and with whom.
type TreatmentWish struct {
	Treatment    Treatment         `json:"treatment"`
	Decision     TreatmentDecision `json:"decision"`
	Restrictions string            `json:"restrictions,omitempty"`
	// Specification names the treatment of an "other" wish (zib: SpecificatieAndereBehandeling).
	Specification string     `json:"specification,omitempty"`
	AgreedOn      Date       `json:"agreed_on"`
	AgreedWith    AgreedWith `json:"agreed_with,omitempty"`
}

// Summary is the one line a GP post reads first, e.g. "Reanimatie: NIET reanimeren".
func (w TreatmentWish) Summary() string {
	name := w.Treatment.Label()
	if w.Treatment == TreatmentOther && w.Specification != "" {
		name = w.Specification
	}
	switch w.Decision {
	case DecisionDeny:
		if w.Treatment == TreatmentResuscitation {
			return name + ": NIET reanimeren"
		}
		return name + ": NEE"
	case DecisionPermit:
		if w.Treatment == TreatmentResuscitation {
			return name + ": wel reanimeren"
		}
		return name + ": ja"
	case DecisionWithRestrictions:
		return name + ": ja, met beperkingen: " + w.Restrictions
	}
	return name + ": niet besproken"
}

// Bounds of a handover's free texts.
const (
	maxHandoverLine = 200
	maxHandoverText = 4000
)

// Handover is one version of a client's handover with treatment wishes (overdracht; domain.md
// §9, L-Conv 4), written by the lead physician's organisation. Every save is a new version; an
// old version is never changed. ConfirmedAt is the last time someone of the lead physician's
// organisation confirmed this version is still right (a save confirms it too).
type Handover struct {
	PatientID int64 `json:"patient_id"`
	Version   int64 `json:"version"`
	// LeadPhysician and LeadOrganisationID are the lead physician's kind and organisation when
	// the version was written; LeadName and LeadReach name the physician and how to reach them.
	LeadPhysician      LeadPhysician   `json:"lead_physician"`
	LeadOrganisationID int64           `json:"lead_organisation_id"`
	LeadName           string          `json:"lead_name"`
	LeadReach          string          `json:"lead_reach"`
	Wishes             []TreatmentWish `json:"treatment_wishes"`
	Problems           string          `json:"problems"`
	Medication         string          `json:"medication"`
	Allergies          string          `json:"allergies"`
	ContactPersons     string          `json:"contact_persons"`
	Representative     string          `json:"legal_representative"`
	CreatedAt          time.Time       `json:"created_at"`
	CreatedBy          string          `json:"created_by"`
	ConfirmedAt        time.Time       `json:"confirmed_at"`
	ConfirmedBy        string          `json:"confirmed_by"`
	ConfirmedByOrgID   int64           `json:"confirmed_by_organisation_id"`
}

// Wish returns the wish about t, and false when the handover has none.
func (h Handover) Wish(t Treatment) (TreatmentWish, bool) {
	for _, w := range h.Wishes {
		if w.Treatment == t {
			return w, true
		}
	}
	return TreatmentWish{}, false
}

// Outdated reports whether the last confirmation is more than maxMonths months before now.
func (h Handover) Outdated(now time.Time, maxMonths int) bool {
	if maxMonths <= 0 {
		maxMonths = DefaultHandoverMaxAgeMonths
	}
	return h.ConfirmedAt.AddDate(0, maxMonths, 0).Before(now)
}

// HandoverAges counts a location's Wlz clients without a handover and with an outdated one.
type HandoverAges struct {
	Missing  int
	Outdated int
}

// DefaultHandoverMaxAgeMonths is how old a handover's last confirmation may be before it is
// flagged as outdated, unless the region sets another limit (product choice).
const DefaultHandoverMaxAgeMonths = 12

// MaxHandoverMaxAgeMonths bounds the region's limit.
const MaxHandoverMaxAgeMonths = 60

// Normalise trims and checks a handover's content before it is stored, with a Dutch message per
// field; today bounds the agreed dates. The wishes are put in the order of Treatments; each
// treatment but "other" appears at most once.
func (h *Handover) Normalise(today Date) error {
	fe := fieldErrors{}
	h.LeadName = checkText(fe, "lead_name", "De naam van de regiebehandelaar", h.LeadName, true, maxHandoverLine)
	h.LeadReach = checkText(fe, "lead_reach", "Bereikbaarheid van de regiebehandelaar", h.LeadReach, true, maxHandoverLine)
	for _, f := range []struct {
		field, label string
		v            *string
	}{{"problems", "Relevante problemen", &h.Problems}, {"medication", "Medicatie", &h.Medication},
		{"allergies", "Allergieën", &h.Allergies}, {"contact_persons", "Contactpersonen", &h.ContactPersons},
		{"legal_representative", "Wettelijk vertegenwoordiger", &h.Representative}} {
		*f.v = strings.TrimSpace(strings.ReplaceAll(*f.v, "\r\n", "\n"))
		if utf8.RuneCountInString(*f.v) > maxHandoverText {
			fe.add(f.field, fmt.Sprintf("%s is te lang: maximaal %d tekens.", f.label, maxHandoverText))
		}
		if strings.ContainsRune(*f.v, 0) {
			fe.add(f.field, f.label+" mag geen stuurtekens bevatten.")
		}
	}
	seen := map[Treatment]bool{}
	var kept []TreatmentWish
	for i, w := range h.Wishes {
		field := fmt.Sprintf("treatment_wishes[%d]", i)
		if !Treatments.Valid(w.Treatment) {
			fe.add(field+".treatment", "Kies een behandeling uit de lijst.")
			continue
		}
		if seen[w.Treatment] && w.Treatment != TreatmentOther {
			fe.add(field+".treatment", w.Treatment.Label()+" staat er twee keer in. Houd één afspraak per behandeling.")
			continue
		}
		seen[w.Treatment] = true
		if w.Decision != "" && !TreatmentDecisions.Valid(w.Decision) {
			fe.add(field+".decision", "Kies ja, nee of ja met beperkingen.")
		}
		w.Restrictions = checkText(fe, field+".restrictions", "De beperkingen", w.Restrictions, w.Decision == DecisionWithRestrictions, maxHandoverLine)
		if w.Decision != DecisionWithRestrictions {
			w.Restrictions = ""
		}
		w.Specification = checkText(fe, field+".specification", "De naam van de overige behandeling", w.Specification, w.Treatment == TreatmentOther && w.Decision != "", maxHandoverLine)
		if w.AgreedWith != "" && !AgreedWithOptions.Valid(w.AgreedWith) {
			fe.add(field+".agreed_with", "Kies met wie het is afgesproken: de cliënt, de vertegenwoordiger of beiden.")
		}
		if w.Decision != "" {
			if w.AgreedOn.IsZero() {
				fe.add(field+".agreed_on", "Vul de datum in waarop "+strings.ToLower(w.Treatment.Label())+" is afgesproken.")
			} else if w.AgreedOn.After(today.Time) {
				fe.add(field+".agreed_on", "De datum van de afspraak ligt in de toekomst. Vul de dag in waarop het is afgesproken.")
			}
			if w.AgreedWith == "" {
				fe.add(field+".agreed_with", "Vul in met wie "+strings.ToLower(w.Treatment.Label())+" is afgesproken.")
			}
		}
		w.AgreedOn = w.AgreedOn.utc()
		if w.Decision == "" {
			continue // not discussed: not stored
		}
		kept = append(kept, w)
	}
	if err := fe.err(); err != nil {
		return err
	}
	ordered := make([]TreatmentWish, 0, len(kept))
	for _, o := range Treatments.Options() {
		for _, w := range kept {
			if w.Treatment == o.Value {
				ordered = append(ordered, w)
			}
		}
	}
	h.Wishes = ordered
	return nil
}

// HandoverVersionInfo is one line of a handover's history.
type HandoverVersionInfo struct {
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
	ConfirmedAt time.Time `json:"confirmed_at"`
	ConfirmedBy string    `json:"confirmed_by"`
}

// EmergencyAccess is a recorded break-the-glass access of one user to one client's handover,
// valid until Until.
type EmergencyAccess struct {
	ID             int64     `json:"id"`
	PatientID      int64     `json:"patient_id"`
	UserID         int64     `json:"user_id"`
	OrganisationID int64     `json:"organisation_id"`
	Reason         string    `json:"reason"`
	GrantedAt      time.Time `json:"granted_at"`
	Until          time.Time `json:"until"`
}

// HandoverStore keeps the handovers: append-only versions, their confirmations, the emergency
// accesses and the region's age limit.
type HandoverStore interface {
	// Current returns the newest version of a client's handover with its last confirmation;
	// ECodeNotFound when there is none.
	Current(ctx context.Context, patientID int64) (Handover, error)
	// Version returns one version with its last confirmation.
	Version(ctx context.Context, patientID, version int64) (Handover, error)
	// Versions lists a client's versions, newest first.
	Versions(ctx context.Context, patientID int64) ([]HandoverVersionInfo, error)
	// Add stores h as the next version (setting Version) and records its confirmation.
	Add(ctx context.Context, h *Handover, userID int64) error
	// Confirm records that version is still right, by (name, org) at at.
	Confirm(ctx context.Context, patientID, version int64, userID, orgID int64, name string, at time.Time) error
	// AddEmergencyAccess records g (setting ID).
	AddEmergencyAccess(ctx context.Context, g *EmergencyAccess) error
	// ActiveEmergencyAccess returns the user's emergency access to the client valid at t.
	ActiveEmergencyAccess(ctx context.Context, userID, patientID int64, t time.Time) (EmergencyAccess, bool, error)
	// LastConfirmed returns, for each of the clients that has a handover, the last confirmation
	// of its newest version.
	LastConfirmed(ctx context.Context, patientIDs []int64) (map[int64]time.Time, error)
	// MaxAgeMonths is the region's limit (DefaultHandoverMaxAgeMonths when none is set).
	MaxAgeMonths(ctx context.Context) (int, error)
	// AgesAt counts, per location of locationIDs, the Wlz clients living there without a
	// handover and those whose handover was last confirmed before confirmedBefore (outdated),
	// for the regional overview. Locations without such clients are left out.
	AgesAt(ctx context.Context, locationIDs []int64, confirmedBefore time.Time) (map[int64]HandoverAges, error)
	SetMaxAgeMonths(ctx context.Context, months int) error
}
