package access

import (
	"testing"

	"github.com/regio-mgz/mgz"
)

// route builds the Route of a report by practiceOrg about providerOrg at step st.
func route(st mgz.EscalationState, filedBy int64) Resource {
	r := &Route{Reporter: practiceOrg, FiledBy: filedBy, Provider: providerOrg, Current: st, Addressee: providerOrg}
	switch st {
	case mgz.StateCareOffice:
		r.CareOffice, r.Addressee = officeOrg, officeOrg
	case mgz.StateRegionalTable:
		r.CareOffice, r.RegionalTable, r.AtRegionalTable, r.Addressee = officeOrg, rhoOrg, true, rhoOrg
	case mgz.StateResolved, mgz.StateWithdrawn:
		r.Addressee = 0
	}
	return Resource{Kind: Escalation, OrganisationID: practiceOrg, Route: r}
}

func TestEscalationPolicy(t *testing.T) {
	tableMember := user(901, 9, mgz.KindGPPractice, mgz.RoleRegionalTable)
	otherGP := user(902, otherOrg, mgz.KindGPPractice, mgz.RoleAdmin)
	atProvider, atOffice, atTable := route(mgz.StateCareProvider, practiceOrg), route(mgz.StateCareOffice, practiceOrg), route(mgz.StateRegionalTable, rhoOrg)
	runPolicyCases(t, []policyCase{
		// Filing.
		{"a practice's editor files for its own practice", gpEditor, Create, Resource{Kind: Escalation, OrganisationID: practiceOrg}, true, false},
		{"a practice's physician files for its own practice", gpPhysician, Create, Resource{Kind: Escalation, OrganisationID: practiceOrg}, true, false},
		{"a practice's viewer does not file", gpViewer, Create, Resource{Kind: Escalation, OrganisationID: practiceOrg}, false, false},
		{"a practice does not file for another practice", otherGP, Create, Resource{Kind: Escalation, OrganisationID: practiceOrg}, false, false},
		{"the RHO's editor files namens a practice", rhoEditor, Create, Resource{Kind: Escalation, OrganisationID: practiceOrg}, true, false},
		{"the RHO's viewer does not file", rhoViewer, Create, Resource{Kind: Escalation, OrganisationID: practiceOrg}, false, false},
		{"a care provider does not file", cpAdmin, Create, Resource{Kind: Escalation, OrganisationID: providerOrg}, false, false},
		// Reading along the route.
		{"the reporter reads", gpViewer, Read, atProvider, true, false},
		{"the RHO reads", rhoViewer, Read, atProvider, true, false},
		{"the provider reads from the start", cpViewer, Read, atProvider, true, false},
		{"the zorgkantoor does not see the first step", officeAdmin, Read, atProvider, false, true},
		{"the zorgkantoor reads from its step", officeViewer, Read, atOffice, true, false},
		{"a table member does not see the second step", tableMember, Read, atOffice, false, true},
		{"a table member reads from the third step", tableMember, Read, atTable, true, false},
		{"another practice never reads", otherGP, Read, atTable, false, true},
		{"the SO/AVG service does not read", serviceAdmin, Read, atOffice, false, true},
		// Responding.
		{"the provider's editor responds at its step", cpEditor, Respond, atProvider, true, false},
		{"the provider's viewer does not respond", cpViewer, Respond, atProvider, false, false},
		{"the provider no longer responds at the zorgkantoor's step", cpEditor, Respond, atOffice, false, false},
		{"the zorgkantoor's editor responds at its step", officeEditor, Respond, atOffice, true, false},
		{"the reporter does not respond to its own report", gpAdmin, Respond, atProvider, false, false},
		{"a table member responds at the third step", tableMember, Respond, atTable, true, false},
		{"the RHO's editor responds as addressee of the third step", rhoEditor, Respond, atTable, true, false},
		// Steering.
		{"the reporter's physician moves on", gpPhysician, Update, atProvider, true, false},
		{"the reporter's viewer does not move on", gpViewer, Update, atProvider, false, false},
		{"the RHO's editor moves on namens", rhoEditor, Update, atOffice, true, false},
		{"the provider does not move its own report on", cpAdmin, Update, atProvider, false, false},
		{"the zorgkantoor does not close a report", officeAdmin, Update, atOffice, false, false},
		// National summary.
		{"the RHO exports the summary", rhoViewer, Export, Resource{Kind: Escalation}, true, false},
		{"a practice does not export the summary", gpAdmin, Export, Resource{Kind: Escalation}, false, false},
		{"the zorgkantoor does not export the summary", officeAdmin, Export, Resource{Kind: Escalation}, false, false},
	})
}

func TestRouteOfFollowsTheSteps(t *testing.T) {
	office, rho := officeOrg, rhoOrg
	now := mgz.NewDate(2026, 1, 5).Time
	e := mgz.Escalation{ReporterPracticeID: practiceOrg, FiledByOrgID: rhoOrg, CareProviderID: providerOrg, State: mgz.StateRegionalTable,
		Steps: []mgz.EscalationStep{
			{Step: mgz.StateCareProvider, ClosedAt: &now},
			{Step: mgz.StateCareOffice, AddresseeOrgID: &office, ClosedAt: &now},
			{Step: mgz.StateRegionalTable, AddresseeOrgID: &rho},
		}}
	r := RouteOf(e)
	if r.CareOffice != office || r.RegionalTable != rho || !r.AtRegionalTable || r.Addressee != rho || r.FiledBy != rhoOrg {
		t.Fatalf("RouteOf = %+v, want the zorgkantoor %d, the table's RHO %d as current addressee", r, office, rho)
	}
}
