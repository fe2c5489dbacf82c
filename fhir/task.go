package fhir

import (
	"strconv"

	"github.com/regio-mgz/mgz"
)

// Local code systems of the escalation Task, under the server's base URL.
const (
	CodeSystemTaskCode           = "/CodeSystem/task-code"
	CodeSystemEscalationState    = "/CodeSystem/escalation-state"
	CodeSystemEscalationCategory = "/CodeSystem/escalation-category"
)

// Task is a report (melding) of falling-short care on the covenant's route (domain.md §7).
type Task struct {
	ResourceType   string           `json:"resourceType"`
	ID             string           `json:"id,omitempty"`
	Meta           *Meta            `json:"meta,omitempty"`
	Status         string           `json:"status"`
	BusinessStatus *CodeableConcept `json:"businessStatus,omitempty"`
	Intent         string           `json:"intent"`
	Code           *CodeableConcept `json:"code,omitempty"`
	Description    string           `json:"description,omitempty"`
	Focus          *Reference       `json:"focus,omitempty"`
	For            *Reference       `json:"for,omitempty"`
	AuthoredOn     string           `json:"authoredOn,omitempty"`
	LastModified   string           `json:"lastModified,omitempty"`
	Requester      *Reference       `json:"requester,omitempty"`
	Owner          *Reference       `json:"owner,omitempty"`
	ReasonCode     *CodeableConcept `json:"reasonCode,omitempty"`
	Note           []Annotation     `json:"note,omitempty"`
	Restriction    *TaskRestriction `json:"restriction,omitempty"`
	Output         []TaskOutput     `json:"output,omitempty"`
}

// Annotation is a note with its author.
type Annotation struct {
	AuthorReference *Reference `json:"authorReference,omitempty"`
	Time            string     `json:"time,omitempty"`
	Text            string     `json:"text"`
}

// TaskRestriction bounds a Task; mgz fills the period the report is about.
type TaskRestriction struct {
	Period *Period `json:"period,omitempty"`
}

// TaskOutput is a result of a Task: a step's response.
type TaskOutput struct {
	Type        CodeableConcept `json:"type"`
	ValueString string          `json:"valueString"`
}

// TaskStatuses are the Task statuses a report can have.
var TaskStatuses = []string{"in-progress", "completed", "cancelled"}

// NewTask maps a report. names gives the displays of the organisations.
func NewTask(base string, e mgz.Escalation, names Names) Task {
	t := Task{ResourceType: "Task", ID: ID(e.ID), Meta: meta(e.Revision, e.UpdatedAt), Status: e.State.TaskStatus(), Intent: "order",
		BusinessStatus: &CodeableConcept{Coding: []Coding{{System: base + CodeSystemEscalationState, Code: string(e.State), Display: e.State.Label()}}, Text: e.State.Label()},
		Code:           &CodeableConcept{Coding: []Coding{{System: base + CodeSystemTaskCode, Code: "escalation", Display: "Melding van tekortschietende zorg"}}, Text: "Melding"},
		Description:    e.Description,
		For:            orgRef(e.CareProviderID, names[e.CareProviderID]),
		AuthoredOn:     instant(e.CreatedAt), LastModified: instant(e.UpdatedAt),
		Requester:  orgRef(e.ReporterPracticeID, names[e.ReporterPracticeID]),
		ReasonCode: &CodeableConcept{Coding: []Coding{{System: base + CodeSystemEscalationCategory, Code: string(e.Category), Display: e.Category.Label()}}, Text: e.Category.Label()},
	}
	t.Focus = t.For
	if e.LocationID != nil {
		t.Focus = Ref("Location", *e.LocationID)
	}
	if o := e.Owner(); o != 0 {
		t.Owner = orgRef(o, names[o])
	}
	if e.FiledByOrgID != 0 && e.FiledByOrgID != e.ReporterPracticeID {
		// R4's Task has no onBehalfOf: the RHO that filed for the practice is a note by the RHO.
		t.Note = append(t.Note, Annotation{AuthorReference: orgRef(e.FiledByOrgID, names[e.FiledByOrgID]), Time: instant(e.CreatedAt),
			Text: "Gemeld namens de praktijk."})
	}
	if !e.PeriodStart.IsZero() {
		t.Restriction = &TaskRestriction{Period: &Period{Start: e.PeriodStart.String(), End: e.PeriodEnd.String()}}
	}
	for i, st := range e.Steps {
		if st.Response == "" {
			continue
		}
		t.Output = append(t.Output, TaskOutput{Type: CodeableConcept{Coding: []Coding{{System: base + CodeSystemEscalationState, Code: string(st.Step), Display: st.Step.Label()}},
			Text: "Reactie stap " + strconv.Itoa(i+1) + ": " + st.Step.Label()}, ValueString: st.Response})
	}
	return t
}
