package fhir

import (
	"strconv"
	"time"

	"github.com/regio-mgz/mgz"
)

// instant writes t as a FHIR instant (UTC, milliseconds).
func instant(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func meta(rev int64, updated time.Time) *Meta {
	if rev == 0 && updated.IsZero() {
		return nil
	}
	m := &Meta{}
	if rev != 0 {
		m.VersionID = strconv.FormatInt(rev, 10)
	}
	if !updated.IsZero() {
		m.LastUpdated = instant(updated)
	}
	return m
}

// ID writes a record's number as a resource id.
func ID(n int64) string { return strconv.FormatInt(n, 10) }

// Ref returns a relative reference to a resource of type typ with number id.
func Ref(typ string, id int64) *Reference {
	return &Reference{Reference: typ + "/" + ID(id), Type: typ}
}

func orgRef(id int64, name string) *Reference {
	r := Ref("Organization", id)
	r.Display = name
	return r
}

// Names gives the names of organisations by number, for the display of references; a missing
// name leaves the display out.
type Names map[int64]string

// PatientInput is what the Patient resource is made of: the record, whether the caller may see
// its BSN, and the care provider of the client's location (zero at home).
type PatientInput struct {
	Patient    mgz.Patient
	ShowBSN    bool
	ProviderID int64
	Names      Names
}

// NewPatient maps a client. The BSN is an identifier only when in.ShowBSN: the caller decides
// that with the access policy. mgz stores no gender, so none is sent.
func NewPatient(in PatientInput) Patient {
	p := in.Patient
	out := Patient{ResourceType: "Patient", ID: ID(p.ID), Meta: meta(p.Revision, p.UpdatedAt), Active: true}
	if in.ShowBSN && p.BSN != "" {
		out.Identifier = []Identifier{{System: SystemBSN, Value: p.BSN}}
	}
	if p.Name != "" {
		out.Name = []HumanName{{Use: "official", Text: p.Name}}
	}
	out.BirthDate = p.BirthDate.String()
	if p.HomePostcode != "" {
		out.Address = []Address{{Use: "home", PostalCode: p.HomePostcode, Country: "NL"}}
	}
	if p.GPPracticeID != nil {
		out.GeneralPractitioner = []Reference{*orgRef(*p.GPPracticeID, in.Names[*p.GPPracticeID])}
	}
	if in.ProviderID != 0 {
		out.ManagingOrganization = orgRef(in.ProviderID, in.Names[in.ProviderID])
	}
	return out
}

// NewOrganization maps an organisation of the register; base is the server's FHIR base URL, under
// which the code system of organisation kinds is defined.
func NewOrganization(base string, o mgz.Organisation) Organization {
	out := Organization{ResourceType: "Organization", ID: ID(o.ID), Meta: meta(o.Revision, o.UpdatedAt), Active: true, Name: o.Name}
	if o.AGB != "" {
		out.Identifier = append(out.Identifier, Identifier{System: SystemAGB, Value: o.AGB})
	}
	if o.KvK != "" {
		out.Identifier = append(out.Identifier, Identifier{System: SystemKvK, Value: o.KvK})
	}
	out.Type = []CodeableConcept{{Coding: []Coding{{System: base + CodeSystemOrgKind, Code: string(o.Kind), Display: o.Kind.Label()}}, Text: o.Kind.Label()}}
	if o.Phone != "" {
		out.Telecom = []ContactPoint{{System: "phone", Value: o.Phone, Use: "work"}}
	}
	if o.Address != "" || o.Postcode != "" || o.City != "" {
		a := Address{Use: "work", City: o.City, PostalCode: o.Postcode, Country: "NL"}
		if o.Address != "" {
			a.Line = []string{o.Address}
		}
		out.Address = []Address{a}
	}
	return out
}

// NewLocation maps a location; its managing organisation is the care provider.
func NewLocation(l mgz.Location, names Names) Location {
	out := Location{ResourceType: "Location", ID: ID(l.ID), Meta: meta(l.Revision, l.UpdatedAt), Status: "active", Name: l.Name,
		ManagingOrganization: orgRef(l.ProviderID, names[l.ProviderID])}
	if l.Setting != "" {
		out.Type = []CodeableConcept{{Text: l.Setting.Label()}}
	}
	a := &Address{Use: "work", City: l.Municipality, PostalCode: l.Postcode, Country: "NL"}
	if l.Address != "" {
		a.Line = []string{l.Address}
	}
	out.Address = a
	return out
}

// LeadRoleID is the id of the PractitionerRole of patient's lead physician.
func LeadRoleID(patient int64) string { return "lead-" + ID(patient) }

// NewPractitionerRole maps a client's lead physician (regiebehandelaar): the kind of physician as
// code and specialty, and the organisation the physician works for. ok is false when the client
// has no lead physician recorded.
func NewPractitionerRole(base string, p mgz.Patient, names Names) (out PractitionerRole, ok bool) {
	if p.LeadPhysician == "" || p.LeadPhysicianOrgID == nil {
		return out, false
	}
	kind := CodeableConcept{Coding: []Coding{{System: base + CodeSystemLeadPhysician, Code: string(p.LeadPhysician), Display: p.LeadPhysician.Label()}},
		Text: p.LeadPhysician.Label()}
	return PractitionerRole{ResourceType: "PractitionerRole", ID: LeadRoleID(p.ID), Active: true,
		Organization: orgRef(*p.LeadPhysicianOrgID, names[*p.LeadPhysicianOrgID]),
		Code:         []CodeableConcept{{Coding: []Coding{{System: base + CodeSystemCareRole, Code: "lead_physician", Display: "Regiebehandelaar"}}, Text: "Regiebehandelaar"}},
		Specialty:    []CodeableConcept{kind}}, true
}

// CareRoles are the roles of the organisations in a client's care, with their Dutch names.
var CareRoles = []Coding{
	{Code: "gp_practice", Display: "Ingeschreven huisartsenpraktijk"},
	{Code: "lead_physician", Display: "Regiebehandelaar"},
	{Code: "care_provider", Display: "Zorgaanbieder van de locatie"},
	{Code: "physician_service", Display: "SO/AVG-dienst van de locatie"},
}

func careRole(base, code string) []CodeableConcept {
	for _, c := range CareRoles {
		if c.Code == code {
			c.System = base + CodeSystemCareRole
			return []CodeableConcept{{Coding: []Coding{c}, Text: c.Display}}
		}
	}
	return nil
}

// NewCareTeam maps the organisations in a client's care: the registered practice, the lead
// physician (as PractitionerRole), the care provider of the location and the location's SO/AVG
// service. The care team's id is the patient's. loc is nil for a client at home.
func NewCareTeam(base string, p mgz.Patient, loc *mgz.Location, names Names) CareTeam {
	out := CareTeam{ResourceType: "CareTeam", ID: ID(p.ID), Status: "active", Name: "Betrokken organisaties", Subject: Ref("Patient", p.ID)}
	add := func(role string, member *Reference) {
		out.Participant = append(out.Participant, CareTeamParticipant{Role: careRole(base, role), Member: member})
	}
	if p.GPPracticeID != nil {
		add("gp_practice", orgRef(*p.GPPracticeID, names[*p.GPPracticeID]))
	}
	if _, ok := NewPractitionerRole(base, p, names); ok {
		add("lead_physician", &Reference{Reference: "PractitionerRole/" + LeadRoleID(p.ID), Type: "PractitionerRole", Display: p.LeadPhysician.Label()})
	}
	if loc != nil {
		add("care_provider", orgRef(loc.ProviderID, names[loc.ProviderID]))
		if loc.PhysicianServiceID != nil {
			add("physician_service", orgRef(*loc.PhysicianServiceID, names[*loc.PhysicianServiceID]))
		}
	}
	return out
}
