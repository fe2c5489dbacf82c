package web

import (
	"encoding/json"
	"net/http"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
)

// The handover with treatment wishes in FHIR: each wish a Consent (nl-core-TreatmentDirective2)
// and the whole handover a document Bundle (Patient/{id}/$handover). Every read is the service's
// handover read: the same access (the lead's organisation, the parties, the region's GP post out
// of hours, break-the-glass otherwise) and the same audit entry as the page and the JSON API.

func consentNotFound(id string) error {
	return mgz.Errorf(mgz.ECodeNotFound, "Consent %q bestaat niet, of u heeft er geen toegang toe.", id)
}

// fhirReadConsent reads one wish of one handover version: Consent/{patient}-{version}-{treatment}.
func (s *Server) fhirReadConsent(r *http.Request, id string) (any, error) {
	patient, version, ok := fhir.ParseConsentID(id)
	if !ok {
		return nil, consentNotFound(id)
	}
	v, err := s.cfg.Service.Handover(r.Context(), actorOf(r), patient, version)
	if err != nil {
		return nil, err
	}
	if v.Handover == nil {
		return nil, consentNotFound(id)
	}
	names := s.fhirNames(r).add(&v.Handover.LeadOrganisationID)
	for _, c := range fhir.NewConsents(fhirBase(r), *v.Handover, names[v.Handover.LeadOrganisationID]) {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, consentNotFound(id)
}

// fhirSearchConsents gives the wishes of a client's current handover. A client the caller may not
// see gives an empty Bundle, as a search does; an involved organisation that must break the glass
// first is told so (403 with break_the_glass_required).
func (s *Server) fhirSearchConsents(r *http.Request, q *fhirQuery) (fhirPage, error) {
	pt := q.v.Get("patient")
	if pt == "" {
		return fhirPage{}, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "Zoek behandelwensen per cliënt: Consent?patient=Patient/{id}.",
			Fields: map[string]string{"patient": "Verplicht."}}
	}
	n, err := refID(pt, "Patient", "patient")
	if err != nil {
		return fhirPage{}, err
	}
	if q.after != 0 {
		return fhirPage{}, nil // one page holds every wish of a handover
	}
	v, err := s.cfg.Service.Handover(r.Context(), actorOf(r), n, 0)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return fhirPage{}, nil
	}
	if err != nil {
		return fhirPage{}, err
	}
	if v.Handover == nil {
		return fhirPage{}, nil
	}
	names := s.fhirNames(r).add(&v.Handover.LeadOrganisationID)
	cs := fhir.NewConsents(fhirBase(r), *v.Handover, names[v.Handover.LeadOrganisationID])
	page := fhirPage{total: len(cs)}
	for _, c := range cs {
		page.items = append(page.items, fhirItem{"Consent", c.ID, c})
	}
	return page, nil
}

// fhirHandover is Patient/{id}/$handover: the current handover as a FHIR document. The Patient in
// it carries what the handover shows (name and birth date), no BSN: the GP post reads handovers
// without access to the client's record.
func (s *Server) fhirHandover(r *http.Request, id string) (any, error) {
	n, err := fhirID(id, "Patient")
	if err != nil {
		return nil, err
	}
	v, err := s.cfg.Service.Handover(r.Context(), actorOf(r), n, 0)
	if err != nil {
		return nil, err
	}
	if v.Handover == nil {
		return nil, mgz.Errorf(mgz.ECodeNotFound, "Voor deze cliënt is nog geen overdracht vastgelegd.")
	}
	h := *v.Handover
	base := fhirBase(r)
	names := s.fhirNames(r)
	d := fhir.HandoverDocument{Handover: h, Now: s.cfg.Service.Now(),
		Patient: fhir.Patient{ResourceType: "Patient", ID: fhir.ID(v.PatientID), Active: true,
			Name: []fhir.HumanName{{Use: "official", Text: v.Name}}, BirthDate: v.BirthDate.String()}}
	if h.LeadOrganisationID != 0 {
		o, err := s.reg(r).Organisation(r.Context(), h.LeadOrganisationID)
		if err != nil {
			return nil, err
		}
		d.OrgName = o.Name
		d.Orgs = append(d.Orgs, fhir.NewOrganization(base, o))
		names.names[o.ID] = o.Name
		lead := mgz.Patient{ID: v.PatientID, LeadPhysician: h.LeadPhysician, LeadPhysicianOrgID: &h.LeadOrganisationID}
		if role, ok := fhir.NewPractitionerRole(base, lead, names.names); ok {
			d.Role = &role
		}
	}
	return fhir.NewHandoverDocument(base, d, json.Marshal)
}
