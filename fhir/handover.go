package fhir

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
)

// ProfileTreatmentDirective is the canonical of zib Behandelaanwijzing (domain.md §9).
const ProfileTreatmentDirective = "http://nictiz.nl/fhir/StructureDefinition/nl-core-TreatmentDirective2"

// Local code systems and extensions of the handover, under the server's base URL.
const (
	CodeSystemTreatment        = "/CodeSystem/treatment"
	CodeSystemHandoverSection  = "/CodeSystem/handover-section"
	ExtensionTreatmentRestrict = "/StructureDefinition/treatment-restrictions"
	NamingSystemHandover       = "/NamingSystem/handover"
)

// Code systems of the Consent and the Composition.
const (
	systemConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
	systemLOINC        = "http://loinc.org"
	systemSNOMED       = "http://snomed.info/sct"
)

// Narrative is a resource's or section's human-readable XHTML.
type Narrative struct {
	Status string `json:"status"`
	Div    string `json:"div"`
}

// Extension is an extension with a string value.
type Extension struct {
	URL         string `json:"url"`
	ValueString string `json:"valueString,omitempty"`
}

// Period is a time range.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// ProfiledMeta is Meta with the profiles a resource claims.
type ProfiledMeta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
}

// Consent is one treatment wish (zib Behandelaanwijzing, nl-core-TreatmentDirective2).
type Consent struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *ProfiledMeta     `json:"meta,omitempty"`
	Text         *Narrative        `json:"text,omitempty"`
	Status       string            `json:"status"`
	Scope        CodeableConcept   `json:"scope"`
	Category     []CodeableConcept `json:"category"`
	Patient      *Reference        `json:"patient,omitempty"`
	DateTime     string            `json:"dateTime,omitempty"`
	Performer    []Reference       `json:"performer,omitempty"`
	Organization []Reference       `json:"organization,omitempty"`
	PolicyRule   *CodeableConcept  `json:"policyRule,omitempty"`
	Provision    *ConsentProvision `json:"provision,omitempty"`
}

// ConsentProvision is the decision: permit or deny the treatment, with its restrictions.
type ConsentProvision struct {
	Extension []Extension       `json:"extension,omitempty"`
	Type      string            `json:"type,omitempty"`
	Code      []CodeableConcept `json:"code,omitempty"`
}

// ConsentID is the stable id of a wish: patient, version, treatment (with "_" as "-"), and for
// the second and later "other" wishes their position among them.
func ConsentID(patient, version int64, t mgz.Treatment, nth int) string {
	id := ID(patient) + "-" + strconv.FormatInt(version, 10) + "-" + strings.ReplaceAll(string(t), "_", "-")
	if nth > 0 {
		id += "-" + strconv.Itoa(nth+1)
	}
	return id
}

// ParseConsentID splits a Consent id into patient and version; the caller finds the wish by
// comparing the ids of the version's Consents.
func ParseConsentID(id string) (patient, version int64, ok bool) {
	parts := strings.SplitN(id, "-", 3)
	if len(parts) != 3 {
		return 0, 0, false
	}
	p, err1 := strconv.ParseInt(parts[0], 10, 64)
	v, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || p <= 0 || v <= 0 || ID(p) != parts[0] || strconv.FormatInt(v, 10) != parts[1] {
		return 0, 0, false
	}
	return p, v, true
}

func xhtml(inner string) string {
	return `<div xmlns="http://www.w3.org/1999/xhtml">` + inner + `</div>`
}

func paragraphs(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		b.WriteString("<p>" + html.EscapeString(line) + "</p>")
	}
	return b.String()
}

// NewConsents maps the treatment wishes of one handover version, in the handover's order.
func NewConsents(base string, h mgz.Handover, orgName string) []Consent {
	var out []Consent
	others := 0
	for _, w := range h.Wishes {
		nth := 0
		if w.Treatment == mgz.TreatmentOther {
			nth = others
			others++
		}
		out = append(out, newConsent(base, h, w, nth, orgName))
	}
	return out
}

func newConsent(base string, h mgz.Handover, w mgz.TreatmentWish, nth int, orgName string) Consent {
	name := w.Treatment.Label()
	if w.Treatment == mgz.TreatmentOther && w.Specification != "" {
		name = w.Specification
	}
	c := Consent{ResourceType: "Consent", ID: ConsentID(h.PatientID, h.Version, w.Treatment, nth),
		Meta:   &ProfiledMeta{VersionID: "1", LastUpdated: instant(h.CreatedAt), Profile: []string{ProfileTreatmentDirective}},
		Text:   &Narrative{Status: "generated", Div: xhtml("<p>" + html.EscapeString(w.Summary()) + "</p>")},
		Status: "active",
		Scope: CodeableConcept{Coding: []Coding{{System: systemConsentScope, Code: "treatment", Display: "Treatment"}},
			Text: "Behandelaanwijzing"},
		Category: []CodeableConcept{
			{Coding: []Coding{{System: systemSNOMED, Code: "11291000146105", Display: "Behandelingsinstructies"}}},
			{Coding: []Coding{{System: systemLOINC, Code: "59284-0", Display: "Patient Consent"}}},
		},
		Patient:    Ref("Patient", h.PatientID),
		DateTime:   w.AgreedOn.String(),
		PolicyRule: &CodeableConcept{Text: "Behandelaanwijzing (zib), afgesproken met " + w.AgreedWith.Label()},
	}
	if h.LeadOrganisationID != 0 {
		c.Organization = []Reference{*orgRef(h.LeadOrganisationID, orgName)}
	}
	switch w.AgreedWith {
	case mgz.AgreedWithClient:
		c.Performer = []Reference{*Ref("Patient", h.PatientID)}
	case mgz.AgreedWithRepresentative:
		c.Performer = []Reference{{Type: "RelatedPerson", Display: "Wettelijk vertegenwoordiger"}}
	case mgz.AgreedWithBoth:
		c.Performer = []Reference{*Ref("Patient", h.PatientID), {Type: "RelatedPerson", Display: "Wettelijk vertegenwoordiger"}}
	}
	p := &ConsentProvision{Type: "permit",
		Code: []CodeableConcept{{Coding: []Coding{{System: base + CodeSystemTreatment, Code: string(w.Treatment), Display: w.Treatment.Label()}}, Text: name}}}
	switch w.Decision {
	case mgz.DecisionDeny:
		p.Type = "deny"
	case mgz.DecisionWithRestrictions:
		p.Extension = []Extension{{URL: base + ExtensionTreatmentRestrict, ValueString: w.Restrictions}}
	}
	c.Provision = p
	return c
}

// Composition is the handover document's first entry.
type Composition struct {
	ResourceType string               `json:"resourceType"`
	ID           string               `json:"id,omitempty"`
	Identifier   *Identifier          `json:"identifier,omitempty"`
	Status       string               `json:"status"`
	Type         CodeableConcept      `json:"type"`
	Subject      *Reference           `json:"subject,omitempty"`
	Date         string               `json:"date"`
	Author       []Reference          `json:"author"`
	Title        string               `json:"title"`
	Custodian    *Reference           `json:"custodian,omitempty"`
	Section      []CompositionSection `json:"section,omitempty"`
}

// CompositionSection is one section of the handover: text, entries or both.
type CompositionSection struct {
	Title string           `json:"title,omitempty"`
	Code  *CodeableConcept `json:"code,omitempty"`
	Text  *Narrative       `json:"text,omitempty"`
	Entry []Reference      `json:"entry,omitempty"`
}

// DocumentBundle is a FHIR document: a Bundle of type document with identifier and timestamp.
type DocumentBundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Identifier   *Identifier   `json:"identifier,omitempty"`
	Type         string        `json:"type"`
	Timestamp    string        `json:"timestamp"`
	Entry        []BundleEntry `json:"entry"`
}

// HandoverDocument is what a handover document is made of; the web package reads each part
// through the service and maps the register's records.
type HandoverDocument struct {
	Handover mgz.Handover
	Patient  Patient
	Orgs     []Organization
	Role     *PractitionerRole
	OrgName  string
	Now      time.Time
}

func section(base, code, title, text string) CompositionSection {
	s := CompositionSection{Title: title, Code: &CodeableConcept{Coding: []Coding{{System: base + CodeSystemHandoverSection, Code: code, Display: title}}}}
	if strings.TrimSpace(text) == "" {
		s.Text = &Narrative{Status: "generated", Div: xhtml("<p>Niet ingevuld.</p>")}
	} else {
		s.Text = &Narrative{Status: "additional", Div: xhtml(paragraphs(text))}
	}
	return s
}

// NewHandoverDocument maps one handover version to a document Bundle: the Composition first,
// then the Patient, the organisations, the lead physician's role and the Consents.
func NewHandoverDocument(base string, d HandoverDocument, marshal func(any) ([]byte, error)) (DocumentBundle, error) {
	h := d.Handover
	docID := ID(h.PatientID) + "-" + strconv.FormatInt(h.Version, 10)
	consents := NewConsents(base, h, d.OrgName)
	comp := Composition{ResourceType: "Composition", ID: "handover-" + docID, Status: "final",
		Identifier: &Identifier{System: base + NamingSystemHandover, Value: docID},
		Type:       CodeableConcept{Coding: []Coding{{System: systemLOINC, Code: "34133-9", Display: "Summary of episode note"}}, Text: "Overdracht met behandelwensen"},
		Subject:    Ref("Patient", h.PatientID), Date: instant(h.ConfirmedAt),
		Title: "Overdracht met behandelwensen"}
	if d.Role != nil {
		comp.Author = append(comp.Author, Reference{Reference: "PractitionerRole/" + d.Role.ID, Type: "PractitionerRole", Display: h.LeadName})
	}
	if h.LeadOrganisationID != 0 {
		comp.Author = append(comp.Author, *orgRef(h.LeadOrganisationID, d.OrgName))
		comp.Custodian = orgRef(h.LeadOrganisationID, d.OrgName)
	}
	wishes := CompositionSection{Title: "Behandelwensen",
		Code: &CodeableConcept{Coding: []Coding{{System: base + CodeSystemHandoverSection, Code: "treatment_wishes", Display: "Behandelwensen"}}}}
	var lines strings.Builder
	for _, c := range consents {
		wishes.Entry = append(wishes.Entry, Reference{Reference: "Consent/" + c.ID, Type: "Consent"})
	}
	for _, w := range h.Wishes {
		lines.WriteString("<li>" + html.EscapeString(w.Summary()) + " (afgesproken op " + w.AgreedOn.String() + " met " + html.EscapeString(w.AgreedWith.Label()) + ")</li>")
	}
	if len(h.Wishes) == 0 {
		wishes.Text = &Narrative{Status: "generated", Div: xhtml("<p>Geen behandelwensen vastgelegd.</p>")}
	} else {
		wishes.Text = &Narrative{Status: "generated", Div: xhtml("<ul>" + lines.String() + "</ul>")}
	}
	lead := "Regiebehandelaar: " + h.LeadName + "\nBereikbaar: " + h.LeadReach
	comp.Section = []CompositionSection{wishes,
		section(base, "problems", "Probleemlijst en relevante problemen", h.Problems),
		section(base, "medication", "Medicatie", h.Medication),
		section(base, "allergies", "Allergieën", h.Allergies),
		section(base, "contacts", "Contactpersonen en wettelijk vertegenwoordiger", strings.TrimSpace(h.ContactPersons+"\n"+h.Representative)),
		section(base, "lead_physician", "Regiebehandelaar", lead),
	}
	b := DocumentBundle{ResourceType: "Bundle", ID: "handover-" + docID, Type: "document", Timestamp: instant(d.Now),
		Identifier: &Identifier{System: base + NamingSystemHandover, Value: docID}}
	add := func(typ, id string, res any) error {
		raw, err := marshal(res)
		if err != nil {
			return err
		}
		b.Entry = append(b.Entry, BundleEntry{FullURL: base + "/" + typ + "/" + id, Resource: raw})
		return nil
	}
	if err := add("Composition", comp.ID, comp); err != nil {
		return b, err
	}
	if err := add("Patient", d.Patient.ID, d.Patient); err != nil {
		return b, err
	}
	for _, o := range d.Orgs {
		if err := add("Organization", o.ID, o); err != nil {
			return b, err
		}
	}
	if d.Role != nil {
		if err := add("PractitionerRole", d.Role.ID, *d.Role); err != nil {
			return b, err
		}
	}
	for _, c := range consents {
		if err := add("Consent", c.ID, c); err != nil {
			return b, err
		}
	}
	return b, nil
}
