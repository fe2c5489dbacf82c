package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
)

// fhirEndpoints are the permission matrix's rows of the FHIR API (web/fhir.go): the same policy
// as the JSON API, so the same rules.
func fhirEndpoints() []endpoint {
	patient := func(prefix string) func(*matrix, *cell) string {
		return func(m *matrix, _ *cell) string { return prefix + itoa(m.patient.ID) }
	}
	return []endpoint{
		{name: "FHIR: CapabilityStatement", method: "GET", path: p("/fhir/metadata"), rule: everyone},
		{name: "FHIR: cliënten zoeken (alleen betrokkenen komen in de bundel)", method: "GET", path: p("/fhir/Patient"), rule: everyone, only: onlyFHIRPartyPatients},
		{name: "FHIR: cliënt lezen", shown: "/fhir/Patient/{cliënt}", method: "GET", path: patient("/fhir/Patient/"), rule: patientReader, denied: 404},
		{name: "FHIR: organisaties zoeken", method: "GET", path: p("/fhir/Organization"), rule: everyone},
		{name: "FHIR: organisatie lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/fhir/Organization/" + itoa(c.other.ID) }, rule: everyone},
		{name: "FHIR: locaties zoeken", method: "GET", path: p("/fhir/Location"), rule: everyone},
		{name: "FHIR: locatie lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/fhir/Location/" + itoa(c.otherLoc.ID) }, rule: everyone},
		{name: "FHIR: regiebehandelaar van een cliënt (PractitionerRole)", shown: "/fhir/PractitionerRole/lead-{cliënt}", method: "GET",
			path: patient("/fhir/PractitionerRole/lead-"), rule: patientReader, denied: 404},
		{name: "FHIR: zorgteam van een cliënt (CareTeam)", shown: "/fhir/CareTeam/{cliënt}", method: "GET", path: patient("/fhir/CareTeam/"), rule: patientReader, denied: 404},
		{name: "FHIR: zorgteams zoeken (alleen betrokkenen komen in de bundel)", method: "GET", path: p("/fhir/CareTeam"), rule: everyone, only: onlyFHIRPartyCareTeams},
		{name: "FHIR: meldingen zoeken (Task; alleen die waarbij de eigen organisatie betrokken is)", method: "GET", path: p("/fhir/Task?_count=100"), rule: everyone, only: onlyVisibleFHIRTasks},
		{name: "FHIR: melding lezen (Task, eerste stap)", shown: "/fhir/Task/{melding}", method: "GET",
			path: func(m *matrix, _ *cell) string { return "/fhir/Task/" + itoa(m.escOpen.ID) }, rule: escReader, denied: 404},
		{name: "FHIR: melding lezen (Task, bij de regionale tafel)", shown: "/fhir/Task/{melding}", method: "GET",
			path: func(m *matrix, _ *cell) string { return "/fhir/Task/" + itoa(m.escTable.ID) }, rule: escAtTable, denied: 404},
		{name: "FHIR: auditlog van de eigen organisatie (AuditEvent)", method: "GET", path: p("/fhir/AuditEvent"), rule: ownAdmin, only: onlyOwnFHIRAudit},
	}
}

// bundleResources decodes the resources of a searchset Bundle.
func bundleResources[T any](r response) ([]T, string) {
	var b fhir.Bundle
	if err := json.Unmarshal(r.body, &b); err != nil || b.ResourceType != "Bundle" || b.Total == nil {
		return nil, fmt.Sprintf("the answer is no searchset Bundle with a total: %v %.200s", err, r.body)
	}
	var out []T
	for _, e := range b.Entry {
		var v T
		if err := json.Unmarshal(e.Resource, &v); err != nil {
			return nil, fmt.Sprintf("entry %s: %v", e.FullURL, err)
		}
		out = append(out, v)
	}
	return out, ""
}

// onlyFHIRPatientIDs: every patient id has the caller's organisation as a party, and a party of
// the matrix patient finds it by _id.
func onlyFHIRPatientIDs(m *matrix, c *cell, ids []string, findPath string) string {
	for _, id := range ids {
		n, _ := strconv.ParseInt(id, 10, 64)
		p, err := m.ts.db.Store().Patients().Patient(context.Background(), n)
		if err != nil {
			return fmt.Sprintf("patient %s: %v", id, err)
		}
		if !slices.Contains(m.patientParties(p), c.own.ID) {
			return fmt.Sprintf("patient %d is in the bundle, but organisation %d is not one of its parties %v", p.ID, c.own.ID, m.patientParties(p))
		}
	}
	if patientParty(c.who) {
		r := c.c.do(m.t, "GET", findPath+itoa(m.patient.ID), nil)
		type res struct{ ID string }
		found, bad := bundleResources[res](r)
		if bad != "" {
			return bad
		}
		if len(found) != 1 {
			return fmt.Sprintf("a party does not find patient %d with %s", m.patient.ID, findPath)
		}
	}
	return ""
}

func onlyFHIRPartyPatients(m *matrix, c *cell, r response) string {
	ps, bad := bundleResources[fhir.Patient](r)
	if bad != "" {
		return bad
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return onlyFHIRPatientIDs(m, c, ids, "/fhir/Patient?_id=")
}

func onlyFHIRPartyCareTeams(m *matrix, c *cell, r response) string {
	cts, bad := bundleResources[fhir.CareTeam](r)
	if bad != "" {
		return bad
	}
	var ids []string
	for _, ct := range cts {
		if ct.Subject == nil || ct.Subject.Reference != "Patient/"+ct.ID {
			return fmt.Sprintf("care team %s has subject %+v", ct.ID, ct.Subject)
		}
		ids = append(ids, ct.ID)
	}
	return onlyFHIRPatientIDs(m, c, ids, "/fhir/CareTeam?patient=Patient/")
}

// onlyOwnFHIRAudit: every AuditEvent is an entry by the caller's organisation or about its
// objects, and there is at least one.
func onlyOwnFHIRAudit(m *matrix, c *cell, r response) string {
	evs, bad := bundleResources[fhir.AuditEvent](r)
	if bad != "" {
		return bad
	}
	if len(evs) == 0 {
		return "no audit events, though the caller's own requests are in the log"
	}
	for _, ev := range evs {
		n, _ := strconv.ParseInt(ev.ID, 10, 64)
		es, _, err := m.ts.db.Store().Audit().Entries(context.Background(), mgz.AuditFilter{Page: mgz.Page{Keyset: true, After: n + 1, Limit: 1}})
		if err != nil || len(es) != 1 || es[0].ID != n {
			return fmt.Sprintf("audit entry %d: %v %v", n, es, err)
		}
		if !visibleEntry(c.own.ID, es[0]) {
			return fmt.Sprintf("audit event %d (by organisation %d, about organisation %d) is shown to organisation %d", n, es[0].OrganisationID, es[0].ObjectOrganisationID, c.own.ID)
		}
	}
	return ""
}

// fhirHandoverEndpoints are the FHIR rows of the handover (issue 12): the same access as the
// handover read. They run before the emergency-access rows, in office hours, so the region's GP
// post is told to break the glass (403).
func fhirHandoverEndpoints() []endpoint {
	consent := func(m *matrix, _ *cell) string {
		h, err := m.ts.db.Store().Handovers().Current(context.Background(), m.patient.ID)
		if err != nil {
			m.t.Fatal(err)
		}
		return "/fhir/Consent/" + fhir.ConsentID(m.patient.ID, h.Version, h.Wishes[0].Treatment, 0)
	}
	return []endpoint{
		{name: "FHIR: overdracht als document (Patient/$handover)", shown: "/fhir/Patient/{cliënt}/$handover", method: "GET",
			path: func(m *matrix, _ *cell) string { return "/fhir/Patient/" + itoa(m.patient.ID) + "/$handover" }, rule: handoverReader, deniedFor: handoverDenied},
		{name: "FHIR: behandelwens lezen (Consent)", shown: "/fhir/Consent/{cliënt}-{versie}-{behandeling}", method: "GET", path: consent,
			rule: handoverReader, deniedFor: handoverDenied},
		{name: "FHIR: behandelwensen van een cliënt zoeken (alleen betrokkenen vinden ze)", shown: "/fhir/Consent?patient=Patient/{cliënt}", method: "GET",
			path: func(m *matrix, _ *cell) string { return "/fhir/Consent?patient=Patient/" + itoa(m.patient.ID) },
			rule: consentSearcher, deniedFor: handoverDenied, only: onlyPartyConsents},
	}
}

// consentSearcher: everyone may search; the region's GP post in office hours is told to break
// the glass first.
var consentSearcher = rule{"iedereen (alleen betrokkenen vinden behandelwensen); de huisartsenpost van de regio buiten de ANW-uren krijgt 403 (noodtoegang)", func(w who) bool {
	return w.kind != mgz.KindGPPost
}}

// onlyPartyConsents: the client's parties find the wishes of the matrix patient, anyone else
// an empty Bundle.
func onlyPartyConsents(m *matrix, c *cell, r response) string {
	cs, bad := bundleResources[fhir.Consent](r)
	if bad != "" {
		return bad
	}
	if !patientParty(c.who) {
		if len(cs) != 0 {
			return fmt.Sprintf("%d Consents of a client the caller has no part in", len(cs))
		}
		return ""
	}
	if len(cs) == 0 {
		return "a party of the client finds none of its treatment wishes"
	}
	for _, x := range cs {
		if x.Patient == nil || x.Patient.Reference != "Patient/"+itoa(m.patient.ID) {
			return fmt.Sprintf("Consent %s is about %+v", x.ID, x.Patient)
		}
	}
	return ""
}

// onlyVisibleFHIRTasks: the Task search finds as many reports as the caller's JSON list of
// reports, and only reports in it.
func onlyVisibleFHIRTasks(m *matrix, c *cell, r response) string {
	var b fhir.Bundle
	if err := json.Unmarshal(r.body, &b); err != nil || b.Total == nil {
		return fmt.Sprintf("no searchset Bundle: %v", err)
	}
	tasks, bad := bundleResources[fhir.Task](r)
	if bad != "" {
		return bad
	}
	all, bad := listItems[struct {
		ID int64 `json:"id"`
	}](c.c.do(m.t, "GET", "/api/v1/escalations?limit=500", nil))
	if bad != "" {
		return bad
	}
	if *b.Total != len(all) {
		return fmt.Sprintf("Task search total %d, the caller's list of reports %d", *b.Total, len(all))
	}
	for _, t := range tasks {
		if !slices.ContainsFunc(all, func(x struct {
			ID int64 `json:"id"`
		}) bool {
			return itoa(x.ID) == t.ID
		}) {
			return fmt.Sprintf("Task %s is not among the caller's reports", t.ID)
		}
	}
	return ""
}
