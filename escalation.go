package mgz

import (
	"context"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz/calendar"
)

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
	EscalationID   int64             `json:"escalation_id"`
	Step           EscalationState   `json:"step"`
	AddresseeOrgID *int64            `json:"addressee_organisation_id"`
	OpenedAt       time.Time         `json:"opened_at"`
	Deadline       Date              `json:"deadline"` // the last calendar day to respond
	Response       string            `json:"response,omitempty"`
	RespondedAt    *time.Time        `json:"responded_at,omitempty"`
	Outcome        EscalationOutcome `json:"outcome"`
	OutcomeNote    string            `json:"outcome_note,omitempty"`
	ClosedAt       *time.Time        `json:"closed_at,omitempty"`
	OpenedBy       int64             `json:"-"`
	RespondedBy    int64             `json:"-"`
}

// Overdue reports whether the step is still open without a response after its deadline, on the
// calendar day of now (in the Dutch time zone, as the deadline is).
func (st EscalationStep) Overdue(now time.Time) bool {
	if st.ClosedAt != nil || st.RespondedAt != nil {
		return false
	}
	return DateOf(now).After(st.Deadline.Time)
}

// Current returns the open step of the report (the last one), or false when there is none.
func (e Escalation) Current() (EscalationStep, bool) {
	if len(e.Steps) == 0 || e.Steps[len(e.Steps)-1].ClosedAt != nil {
		return EscalationStep{}, false
	}
	return e.Steps[len(e.Steps)-1], true
}

// Reached reports whether the report was ever addressed at step st.
func (e Escalation) Reached(st EscalationState) bool {
	for _, s := range e.Steps {
		if s.Step == st {
			return true
		}
	}
	return false
}

// Owner is the FHIR Task owner: the organisation the current step is addressed to (0 when closed).
func (e Escalation) Owner() int64 {
	if st, ok := e.Current(); ok && st.AddresseeOrgID != nil {
		return *st.AddresseeOrgID
	}
	return 0
}

// Bounds of a report's texts and settings.
const (
	MaxEscalationText             = 5000
	DefaultEscalationResponseDays = 14
	MinEscalationResponseDays     = 1
	MaxEscalationResponseDays     = 90
)

// Normalise validates a new report's own fields (not who may file it or the organisations it
// names, which the service checks against the register); today bounds the period.
func (e *Escalation) Normalise(today Date) error {
	fe := fieldErrors{}
	if e.CareProviderID <= 0 {
		fe.add("care_provider_id", "Kies de zorgaanbieder waarover de melding gaat.")
	}
	if !EscalationCategories.Valid(e.Category) {
		fe.add("category", "Kies een onderwerp: "+EscalationCategories.List()+".")
	}
	e.Description = checkText(fe, "description", "Omschrijving", e.Description, true, MaxEscalationText)
	switch {
	case e.PeriodStart.IsZero():
		fe.add("period_start", "Vul in vanaf wanneer de zorg tekortschiet (jjjj-mm-dd).")
	case e.PeriodStart.After(today.Time):
		fe.add("period_start", "De periode kan niet in de toekomst beginnen.")
	}
	if !e.PeriodEnd.IsZero() && !e.PeriodStart.IsZero() && e.PeriodEnd.Before(e.PeriodStart.Time) {
		fe.add("period_end", "Het einde van de periode ligt vóór het begin.")
	}
	return fe.err()
}

// EscalationDeadline is the last day for a response to a step opened on the calendar day opened:
// days calendar days later. As the Algemene termijnenwet does for statutory terms, a deadline that
// falls on a Saturday, a Sunday or a free day of the region's calendar moves to the next working
// day (product choice, domain.md §7).
func EscalationDeadline(opened Date, days int, free calendar.HolidaySet) Date {
	d := NewDate(opened.Year(), opened.Month(), opened.Day()+days)
	for {
		wd := d.Weekday()
		if wd != time.Saturday && wd != time.Sunday && calendar.HolidaysOn(d.Year(), d.Month(), d.Day())&free == 0 {
			return d
		}
		d = NewDate(d.Year(), d.Month(), d.Day()+1)
	}
}

// CheckResponseDays validates the region's response term in calendar days.
func CheckResponseDays(n int) error {
	if n < MinEscalationResponseDays || n > MaxEscalationResponseDays {
		return &Error{Code: ECodeInvalid, Message: "De reactietermijn klopt niet.",
			Fields: map[string]string{"escalation_response_days": fmt.Sprintf("Kies een reactietermijn van %d tot en met %d kalenderdagen.", MinEscalationResponseDays, MaxEscalationResponseDays)}}
	}
	return nil
}

// EscalationFilter selects reports. Zero fields do not filter.
type EscalationFilter struct {
	State          EscalationState
	CareProviderID int64
	LocationID     int64
}

// EscalationAttachment is a document attached to a report: a PDF or an image, checked by its
// content with the same rules as a prerequisite's evidence.
type EscalationAttachment struct {
	ID           int64     `json:"id"`
	EscalationID int64     `json:"escalation_id"`
	Name         string    `json:"name"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	UploadedBy   int64     `json:"-"`
	UploadedAt   time.Time `json:"uploaded_at"`
}

// EscalationStore keeps the reports, their steps, patient links and attachments.
type EscalationStore interface {
	// Create stores e with its first step (e.Steps[0]) and its patient links, setting the ids.
	Create(ctx context.Context, e *Escalation) error
	// Get returns a report with its steps and patient links.
	Get(ctx context.Context, id int64) (Escalation, error)
	// List returns the reports that f selects, newest first, with their steps and patient links.
	List(ctx context.Context, f EscalationFilter) ([]Escalation, error)
	// Update stores e's state, closing time and updated time when its revision is still rev, and
	// raises e.Revision; a report changed since is refused as stale (409).
	Update(ctx context.Context, e *Escalation, rev int64) error
	// AddStep stores a new step (setting its id); UpdateStep stores a step's response and outcome.
	AddStep(ctx context.Context, st *EscalationStep) error
	UpdateStep(ctx context.Context, st *EscalationStep) error
	// OverdueSteps returns the open steps without a response or end whose deadline is before day.
	OverdueSteps(ctx context.Context, day Date) ([]EscalationStep, error)
	AddAttachment(ctx context.Context, at *EscalationAttachment, content []byte) error
	Attachments(ctx context.Context, escalationID int64) ([]EscalationAttachment, error)
	Attachment(ctx context.Context, id int64) (EscalationAttachment, []byte, error)
	// ResponseDays is the region's response term in calendar days (default 14).
	ResponseDays(ctx context.Context) (int, error)
	SetResponseDays(ctx context.Context, n int) error
}
