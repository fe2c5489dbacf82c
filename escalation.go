package mgz

import "time"

// EscalationCategory is what a report (melding) is about (domain.md §7).
type EscalationCategory string

// The categories of a report.
const (
	CategoryStaffing              EscalationCategory = "staffing"
	CategoryFirstLineAvailability EscalationCategory = "first_line_availability"
	CategoryPhysicianAvailability EscalationCategory = "physician_availability"
	CategoryBehaviourSupport      EscalationCategory = "behaviour_support"
	CategoryProtocols             EscalationCategory = "protocols"
	CategoryCommunication         EscalationCategory = "communication"
	CategoryPrerequisites         EscalationCategory = "prerequisites"
	CategoryOther                 EscalationCategory = "other"
)

// EscalationCategories lists the categories with Dutch names.
var EscalationCategories = newEnum(
	Option[EscalationCategory]{CategoryStaffing, "Personele bezetting"},
	Option[EscalationCategory]{CategoryFirstLineAvailability, "Beschikbaarheid eerstelijns verpleegkundige of gedragstriage"},
	Option[EscalationCategory]{CategoryPhysicianAvailability, "Beschikbaarheid SO/AVG"},
	Option[EscalationCategory]{CategoryBehaviourSupport, "Gedragsondersteuning"},
	Option[EscalationCategory]{CategoryProtocols, "Protocollen en werkafspraken"},
	Option[EscalationCategory]{CategoryCommunication, "Communicatie en bereikbaarheid"},
	Option[EscalationCategory]{CategoryPrerequisites, "Randvoorwaarden"},
	Option[EscalationCategory]{CategoryOther, "Overig"},
)

// Label returns the Dutch name of the category.
func (c EscalationCategory) Label() string { return EscalationCategories.Label(c) }

// EscalationState is where a report is on the covenant's route (L-Conv 2, 3, 5): one of the three
// steps, or its end. It is the FHIR Task businessStatus; Status gives the Task status.
type EscalationState string

// The states of a report. The first three are also the steps of the route.
const (
	StateCareProvider  EscalationState = "care_provider"
	StateCareOffice    EscalationState = "care_office"
	StateRegionalTable EscalationState = "regional_table"
	StateResolved      EscalationState = "resolved"
	StateWithdrawn     EscalationState = "withdrawn"
)

// EscalationStates lists the states with Dutch names.
var EscalationStates = newEnum(
	Option[EscalationState]{StateCareProvider, "Bij de zorgaanbieder"},
	Option[EscalationState]{StateCareOffice, "Bij het zorgkantoor"},
	Option[EscalationState]{StateRegionalTable, "Bij de regionale tafel"},
	Option[EscalationState]{StateResolved, "Opgelost"},
	Option[EscalationState]{StateWithdrawn, "Ingetrokken"},
)

// Label returns the Dutch name of the state.
func (s EscalationState) Label() string { return EscalationStates.Label(s) }

// Closed reports whether the report has ended.
func (s EscalationState) Closed() bool { return s == StateResolved || s == StateWithdrawn }

// TaskStatus is the FHIR R4 Task.status of a report in this state: in-progress on the route,
// completed when resolved, cancelled when withdrawn.
func (s EscalationState) TaskStatus() string {
	switch s {
	case StateResolved:
		return "completed"
	case StateWithdrawn:
		return "cancelled"
	}
	return "in-progress"
}

// NextStep is the step after s on the route, or "" after the last step.
func (s EscalationState) NextStep() EscalationState {
	switch s {
	case StateCareProvider:
		return StateCareOffice
	case StateCareOffice:
		return StateRegionalTable
	}
	return ""
}

// EscalationOutcome is how a step ended.
type EscalationOutcome string

// The outcomes of a step; "" while the step is current.
const (
	OutcomeOpen      EscalationOutcome = ""
	OutcomeMovedOn   EscalationOutcome = "moved_on"
	OutcomeResolvedS EscalationOutcome = "resolved"
	OutcomeWithdrawn EscalationOutcome = "withdrawn"
)

// Escalation is a report (melding) of structurally falling-short care and its route.
type Escalation struct {
	ID int64 `json:"id"`
	// ReporterPracticeID is the GP practice that reports; FiledByOrgID the organisation that
	// filed it: the practice itself or its RHO ("namens").
	ReporterPracticeID int64              `json:"reporter_practice_id"`
	FiledByOrgID       int64              `json:"filed_by_organisation_id"`
	FiledBy            int64              `json:"-"`
	CareProviderID     int64              `json:"care_provider_id"`
	LocationID         *int64             `json:"location_id"`
	Category           EscalationCategory `json:"category"`
	Description        string             `json:"description"`
	PeriodStart        Date               `json:"period_start"`
	PeriodEnd          Date               `json:"period_end"` // zero: still going on
	State              EscalationState    `json:"state"`
	Steps              []EscalationStep   `json:"steps"`
	PatientIDs         []int64            `json:"patient_ids,omitempty"`
	Revision           int64              `json:"revision"`
	CreatedAt          time.Time          `json:"created_at"`
	UpdatedAt          time.Time          `json:"updated_at"`
	ClosedAt           *time.Time         `json:"closed_at,omitempty"`
}

// EscalationStep is one step of a report's route: who is addressed, until when they have to
// respond, their response and how the step ended.
type EscalationStep struct {
	ID             int64             `json:"id"`
	Step           EscalationState   `json:"step"`
	AddresseeOrgID *int64            `json:"addressee_organisation_id"`
	OpenedAt       time.Time         `json:"opened_at"`
	Deadline       Date              `json:"deadline"` // the last calendar day to respond
	Response       string            `json:"response,omitempty"`
	RespondedAt    *time.Time        `json:"responded_at,omitempty"`
	Outcome        EscalationOutcome `json:"outcome"`
	OutcomeNote    string            `json:"outcome_note,omitempty"`
	ClosedAt       *time.Time        `json:"closed_at,omitempty"`
}

// Overdue reports whether the step is still open without a response after its deadline, on the
// calendar day of now (in the Dutch time zone, as the deadline is).
func (st EscalationStep) Overdue(now time.Time) bool {
	if st.ClosedAt != nil || st.RespondedAt != nil {
		return false
	}
	return DateOf(now).After(st.Deadline.Time)
}
