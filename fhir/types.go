// Package fhir maps mgz's records to FHIR R4 resources (JSON). It is pure: no I/O, no policy.
// The web package decides what a caller may see, reads it through the service layer (so the one
// policy and the audit log apply), and hands the records to these functions.
//
// The structs are hand-written and minimal: only the elements mgz fills, all with omitempty, so
// that what is emitted is exactly what the tests validate against the official R4 JSON schema. A
// full FHIR library would bring thousands of types for the handful of resources mgz serves.
package fhir

import "encoding/json"

// Version is the FHIR version mgz speaks.
const Version = "4.0.1"

// ContentType is the media type of FHIR JSON.
const ContentType = "application/fhir+json"

// Naming systems of Dutch identifiers (domain.md §10).
const (
	SystemBSN = "http://fhir.nl/fhir/NamingSystem/bsn"
	SystemAGB = "http://fhir.nl/fhir/NamingSystem/agb-z"
	SystemKvK = "http://fhir.nl/fhir/NamingSystem/kvk"
)

// Local code systems and naming systems live under the server's base URL; their paths are these.
const (
	CodeSystemOrgKind       = "/CodeSystem/organisation-kind"
	CodeSystemLeadPhysician = "/CodeSystem/lead-physician"
	CodeSystemCareRole      = "/CodeSystem/care-team-role"
	CodeSystemError         = "/CodeSystem/error"
	NamingSystemUser        = "/NamingSystem/user"
	NamingSystemObject      = "/NamingSystem/object"
)

// Identifier is a business identifier.
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept as codings and text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Reference points at another resource, by relative URL or by identifier.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// HumanName is a person's name; mgz keeps it as one text.
type HumanName struct {
	Use  string `json:"use,omitempty"`
	Text string `json:"text,omitempty"`
}

// Address is a postal address in the Netherlands.
type Address struct {
	Use        string   `json:"use,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// ContactPoint is a phone number.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}

// Patient is the client (cliënt).
type Patient struct {
	ResourceType         string       `json:"resourceType"`
	ID                   string       `json:"id,omitempty"`
	Meta                 *Meta        `json:"meta,omitempty"`
	Identifier           []Identifier `json:"identifier,omitempty"`
	Active               bool         `json:"active"`
	Name                 []HumanName  `json:"name,omitempty"`
	BirthDate            string       `json:"birthDate,omitempty"`
	Address              []Address    `json:"address,omitempty"`
	GeneralPractitioner  []Reference  `json:"generalPractitioner,omitempty"`
	ManagingOrganization *Reference   `json:"managingOrganization,omitempty"`
}

// Meta holds the version and time of a resource.
type Meta struct {
	VersionID   string `json:"versionId,omitempty"`
	LastUpdated string `json:"lastUpdated,omitempty"`
}

// Organization is an organisation of the register.
type Organization struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *Meta             `json:"meta,omitempty"`
	Identifier   []Identifier      `json:"identifier,omitempty"`
	Active       bool              `json:"active"`
	Type         []CodeableConcept `json:"type,omitempty"`
	Name         string            `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
	Address      []Address         `json:"address,omitempty"`
}

// Location is a care provider's location.
type Location struct {
	ResourceType         string            `json:"resourceType"`
	ID                   string            `json:"id,omitempty"`
	Meta                 *Meta             `json:"meta,omitempty"`
	Status               string            `json:"status,omitempty"`
	Name                 string            `json:"name,omitempty"`
	Type                 []CodeableConcept `json:"type,omitempty"`
	Address              *Address          `json:"address,omitempty"`
	ManagingOrganization *Reference        `json:"managingOrganization,omitempty"`
}

// PractitionerRole is a client's lead physician (regiebehandelaar): the kind of physician and
// the organisation; mgz keeps no records of individual physicians.
type PractitionerRole struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Active       bool              `json:"active"`
	Organization *Reference        `json:"organization,omitempty"`
	Code         []CodeableConcept `json:"code,omitempty"`
	Specialty    []CodeableConcept `json:"specialty,omitempty"`
}

// CareTeam is the organisations in a client's care.
type CareTeam struct {
	ResourceType string                `json:"resourceType"`
	ID           string                `json:"id,omitempty"`
	Status       string                `json:"status,omitempty"`
	Name         string                `json:"name,omitempty"`
	Subject      *Reference            `json:"subject,omitempty"`
	Participant  []CareTeamParticipant `json:"participant,omitempty"`
}

// CareTeamParticipant is one member of a care team with its role.
type CareTeamParticipant struct {
	Role   []CodeableConcept `json:"role,omitempty"`
	Member *Reference        `json:"member,omitempty"`
}

// Bundle is a searchset.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Type         string        `json:"type"`
	Total        *int          `json:"total,omitempty"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleLink is a self, next or previous link.
type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// BundleEntry is one resource of a Bundle.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Search   *BundleSearch   `json:"search,omitempty"`
}

// BundleSearch says why an entry is in a searchset.
type BundleSearch struct {
	Mode string `json:"mode,omitempty"`
}

// OperationOutcome reports an error.
type OperationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []Issue `json:"issue"`
}

// Issue is one problem of an OperationOutcome.
type Issue struct {
	Severity    string           `json:"severity"`
	Code        string           `json:"code"`
	Details     *CodeableConcept `json:"details,omitempty"`
	Diagnostics string           `json:"diagnostics,omitempty"`
}

// NewOutcome returns an OperationOutcome with one error issue.
func NewOutcome(code, diagnostics string) OperationOutcome {
	return OperationOutcome{ResourceType: "OperationOutcome", Issue: []Issue{{Severity: "error", Code: code, Diagnostics: diagnostics}}}
}
