package fhir

import (
	"github.com/regio-mgz/mgz"
)

// AuditEvent is an entry of the audit log in the shape of IHE Basic Audit Log Patterns (BALP).
type AuditEvent struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id,omitempty"`
	Type         Coding        `json:"type"`
	Subtype      []Coding      `json:"subtype,omitempty"`
	Action       string        `json:"action,omitempty"`
	Recorded     string        `json:"recorded"`
	Outcome      string        `json:"outcome,omitempty"`
	OutcomeDesc  string        `json:"outcomeDesc,omitempty"`
	Agent        []AuditAgent  `json:"agent"`
	Source       AuditSource   `json:"source"`
	Entity       []AuditEntity `json:"entity,omitempty"`
}

// AuditAgent is who took part: the user (requestor) and the organisation on whose behalf.
type AuditAgent struct {
	Type      *CodeableConcept `json:"type,omitempty"`
	Who       *Reference       `json:"who,omitempty"`
	Requestor bool             `json:"requestor"`
	Network   *AuditNetwork    `json:"network,omitempty"`
}

// AuditNetwork is the address the request came from.
type AuditNetwork struct {
	Address string `json:"address,omitempty"`
	Type    string `json:"type,omitempty"`
}

// AuditSource is the system that recorded the event.
type AuditSource struct {
	Site     string     `json:"site,omitempty"`
	Observer *Reference `json:"observer"`
	Type     []Coding   `json:"type,omitempty"`
}

// AuditEntity is what the event was about.
type AuditEntity struct {
	What        *Reference `json:"what,omitempty"`
	Type        *Coding    `json:"type,omitempty"`
	Role        *Coding    `json:"role,omitempty"`
	Description string     `json:"description,omitempty"`
}

// Code systems of the audit event.
const (
	systemAuditType   = "http://terminology.hl7.org/CodeSystem/audit-event-type"
	systemRestful     = "http://hl7.org/fhir/restful-interaction"
	systemDICOM       = "http://dicom.nema.org/resources/ontology/DCM"
	systemSourceType  = "http://terminology.hl7.org/CodeSystem/security-source-type"
	systemEntityType  = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
	systemObjectRole  = "http://terminology.hl7.org/CodeSystem/object-role"
	systemAgentType   = "http://terminology.hl7.org/CodeSystem/extra-security-role-type"
	systemParticipant = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
	// CodeSystemAuditAction holds mgz's own audit actions (read, export, print, login, …),
	// under the server's base URL.
	CodeSystemAuditAction = "/CodeSystem/audit-action"
)

// crud is the AuditEvent.action of mgz's actions; what is no create, read, update or delete is
// an execution (E): logins, logouts and failed authentications.
var crud = map[mgz.AuditAction]string{
	mgz.AuditCreate: "C", mgz.AuditRead: "R", mgz.AuditUpdate: "U", mgz.AuditDelete: "D",
	mgz.AuditExport: "R", mgz.AuditPrint: "R",
}

var restful = map[mgz.AuditAction]string{
	mgz.AuditCreate: "create", mgz.AuditRead: "read", mgz.AuditUpdate: "update", mgz.AuditDelete: "delete",
}

// resourceTypes are the FHIR resources of mgz's audited objects, where there is one.
var resourceTypes = map[string]string{"patient": "Patient", "organisation": "Organization", "location": "Location"}

// NewAuditEvent maps an audit log entry. Authentication events follow BALP's user
// authentication pattern (DICOM 110114 with login or logout); every other entry is a RESTful
// operation with the patient, when it is about one, as an entity with role Patient.
func NewAuditEvent(base string, e mgz.AuditEntry) AuditEvent {
	out := AuditEvent{ResourceType: "AuditEvent", ID: ID(e.ID), Recorded: instant(e.At), Action: "E"}
	if a, ok := crud[e.Action]; ok {
		out.Action = a
	}
	switch e.Action {
	case mgz.AuditLogin, mgz.AuditLoginFailed, mgz.AuditTokenFailed, mgz.AuditLogout:
		out.Type = Coding{System: systemDICOM, Code: "110114", Display: "User Authentication"}
		if e.Action == mgz.AuditLogout {
			out.Subtype = append(out.Subtype, Coding{System: systemDICOM, Code: "110123", Display: "Logout"})
		} else {
			out.Subtype = append(out.Subtype, Coding{System: systemDICOM, Code: "110122", Display: "Login"})
		}
	default:
		out.Type = Coding{System: systemAuditType, Code: "rest", Display: "RESTful Operation"}
		if r, ok := restful[e.Action]; ok {
			out.Subtype = append(out.Subtype, Coding{System: systemRestful, Code: r})
		}
	}
	out.Subtype = append(out.Subtype, Coding{System: base + CodeSystemAuditAction, Code: string(e.Action)})
	// 0 success, 4 minor failure (refused), 8 serious failure.
	switch e.Outcome {
	case mgz.OutcomeAllowed:
		out.Outcome = "0"
	case mgz.OutcomeDenied:
		out.Outcome = "4"
	default:
		out.Outcome = "8"
	}
	out.OutcomeDesc = e.Reason

	user := AuditAgent{Requestor: true,
		Type: &CodeableConcept{Coding: []Coding{{System: systemAgentType, Code: "humanuser", Display: "human user"}}}}
	who := &Reference{Display: e.UserEmail}
	if e.UserID != 0 {
		who.Identifier = &Identifier{System: base + NamingSystemUser, Value: ID(e.UserID)}
	}
	if who.Display == "" && who.Identifier == nil {
		who.Display = "onbekend"
	}
	user.Who = who
	if e.ClientAddress != "" {
		user.Network = &AuditNetwork{Address: e.ClientAddress, Type: "2"} // 2: IP address
	}
	out.Agent = []AuditAgent{user}
	if e.OrganisationID != 0 {
		out.Agent = append(out.Agent, AuditAgent{Who: Ref("Organization", e.OrganisationID),
			Type: &CodeableConcept{Coding: []Coding{{System: systemParticipant, Code: "PROV", Display: "healthcare provider"}}}})
	}
	out.Source = AuditSource{Site: base, Observer: &Reference{Display: "mgz"},
		Type: []Coding{{System: systemSourceType, Code: "4", Display: "Application Server"}}}

	if e.ObjectType != "" {
		ent := AuditEntity{Type: &Coding{System: systemEntityType, Code: "2", Display: "System Object"},
			Role: &Coding{System: systemObjectRole, Code: "4", Display: "Domain Resource"}, Description: e.ObjectType}
		if t, ok := resourceTypes[e.ObjectType]; ok && e.ObjectID != 0 {
			ent.What = Ref(t, e.ObjectID)
		} else if e.ObjectID != 0 {
			ent.What = &Reference{Identifier: &Identifier{System: base + NamingSystemObject + "/" + e.ObjectType, Value: ID(e.ObjectID)}}
		}
		if e.ObjectType == "patient" {
			ent.Type = &Coding{System: systemEntityType, Code: "1", Display: "Person"}
			ent.Role = &Coding{System: systemObjectRole, Code: "1", Display: "Patient"}
		}
		out.Entity = append(out.Entity, ent)
	}
	if e.PatientID != 0 && !(e.ObjectType == "patient" && e.ObjectID == e.PatientID) {
		out.Entity = append(out.Entity, AuditEntity{What: Ref("Patient", e.PatientID),
			Type: &Coding{System: systemEntityType, Code: "1", Display: "Person"},
			Role: &Coding{System: systemObjectRole, Code: "1", Display: "Patient"}})
	}
	return out
}
