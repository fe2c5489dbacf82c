package web_test

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// TestStartPageListsTheOrganisationsOwnClients: the start page names an organisation's own
// clients (the first ten by name, linking to the client's page with its card), counts them all,
// audits each name it shows as a list read, and shows nobody else's clients.
func TestStartPageListsTheOrganisationsOwnClients(t *testing.T) {
	f := newCardFixture(t, christmasNight)
	var made []mgz.Patient
	for i := range 11 {
		// Names out of order, so the page must sort them.
		made = append(made, createClient(t, f.ts, mgz.Patient{Name: fmt.Sprintf("Cliënt Start %02d", 11-i), LocationID: &f.loc.ID,
			Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT}))
	}
	all, total, err := f.ts.db.Store().Patients().Patients(context.Background(), mgz.PatientFilter{VisibleTo: f.loc.ProviderID, Page: mgz.Page{Limit: 10}})
	if err != nil || total != 12 || len(all) != 10 {
		t.Fatalf("the provider's clients: %d of %d, %v; want the fixture's client and the 11 made here", len(all), total, err)
	}
	listed := func(e mgz.AuditEntry) bool {
		return e.Action == mgz.AuditRead && e.Reason == "in een lijst" && e.PatientID != 0
	}
	before := auditMatching(t, f.ts, listed)

	r := f.carer.do(t, "GET", "/", nil)
	body := string(r.body)
	if r.status != 200 {
		t.Fatalf("start page: status %d", r.status)
	}
	i := strings.Index(body, `<ul class="own-clients">`)
	if i < 0 {
		t.Fatal("the start page of a care provider lists no clients")
	}
	list := body[i : i+strings.Index(body[i:], "</ul>")]
	var at []int
	for _, p := range all {
		link := `<a href="/clienten/` + strconv.FormatInt(p.ID, 10) + `">` + html.EscapeString(p.Name) + `</a>`
		j := strings.Index(list, link)
		if j < 0 {
			t.Errorf("the start page does not link %s to its page", p.Name)
		}
		at = append(at, j)
	}
	for k := 1; k < len(at); k++ {
		if at[k] < at[k-1] {
			t.Errorf("clients are not in name order: %s before %s", all[k].Name, all[k-1].Name)
		}
	}
	if n := strings.Count(list, "<li>"); n != 10 {
		t.Errorf("the start page lists %d clients, want the first 10", n)
	}
	for _, want := range []string{"Uw cliënten (12)", `<a href="/clienten">Alle 12 cliënten</a>`, `action="/clienten"`, `name="q"`, `geboren <span class="date">14-05-1938</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the start page lacks %q", want)
		}
	}
	if n := auditMatching(t, f.ts, listed) - before; n != 10 {
		t.Errorf("showing 10 names wrote %d list-read audit entries, want 10 (one per name shown, as the clients list)", n)
	}

	// The search field finds clients by birth date as well as by name, written as mgz shows it.
	odd := createClient(t, f.ts, mgz.Patient{Name: "Cliënt Geboortedatum", LocationID: &f.loc.ID,
		Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT})
	odd.BirthDate = mgz.NewDate(1931, 2, 3)
	if err := f.ts.db.Store().Patients().UpdatePatient(context.Background(), &odd); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"03-02-1931", "3-2-1931", "1931-02-03", "geboortedatum"} {
		found := string(f.carer.do(t, "GET", "/clienten?q="+q, nil).body)
		if !strings.Contains(found, `href="/clienten/`+strconv.FormatInt(odd.ID, 10)+`"`) || strings.Contains(found, "Cliënt Start 01") {
			t.Errorf("searching the clients for %q does not find exactly the client born 03-02-1931", q)
		}
	}

	// A practice with nothing to do with these clients sees none of them, and no count.
	other := string(f.stranger.do(t, "GET", "/", nil).body)
	for _, p := range made {
		if strings.Contains(other, html.EscapeString(p.Name)) {
			t.Fatalf("another practice's start page shows %s", p.Name)
		}
	}
	if !strings.Contains(other, "nog geen cliënten") {
		t.Error("a practice without clients is not told so on its start page")
	}
}

// TestClientPageAsksAQuestionWithThePrefilledForm: "Een zorgvraag voorleggen" opens the decision
// page prefilled from the client's record (client=…), not the old patient_id query.
func TestClientPageAsksAQuestionWithThePrefilledForm(t *testing.T) {
	f := newCardFixture(t, christmasNight)
	id := strconv.FormatInt(f.client.ID, 10)
	body := string(f.carer.do(t, "GET", "/clienten/"+id, nil).body)
	if !strings.Contains(body, `<a href="/wie-is-verantwoordelijk?client=`+id+`">Een zorgvraag voorleggen</a>`) {
		t.Error("the client page does not link to the prefilled question form")
	}
	if strings.Contains(body, "patient_id=") {
		t.Error("the client page still links with patient_id=")
	}
	if r := f.carer.do(t, "GET", "/wie-is-verantwoordelijk?client="+id, nil); r.status != 200 || !strings.Contains(string(r.body), "Zo zit het") {
		t.Errorf("the linked form: status %d, without the client's situation", r.status)
	}
}

// TestContactTablesShowTheOutOfHoursArrangement: a contact point for GP care out of hours shows
// how the provider arranged it, on the location page and on the organisation page.
func TestContactTablesShowTheOutOfHoursArrangement(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	loc := locByName(t, ts, "Woonzorg De Boomgaard")
	onLoc := &mgz.ContactPoint{LocationID: &loc.ID, Role: mgz.RoleGPOutOfHours, Hours: mgz.HoursOutOfHours,
		Arrangement: mgz.ArrangementCommercial, Name: "Artsendienst Nacht", Phone: "0120 777001"}
	onOrg := &mgz.ContactPoint{OrganisationID: &loc.ProviderID, Role: mgz.RoleGPOutOfHours, Hours: mgz.HoursOutOfHours,
		Arrangement: mgz.ArrangementOwnStaff, Name: "Eigen ANW-artsen", Phone: "0120 777002"}
	for _, c := range []*mgz.ContactPoint{onLoc, onOrg} {
		if err := ts.reg.CreateContactPoint(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ page, want, notWant string }{
		{"/locaties/" + strconv.FormatInt(loc.ID, 10), "Regeling: Commerciële partij", ""},
		{"/organisaties/" + strconv.FormatInt(loc.ProviderID, 10), "Regeling: Eigen artsen van de zorgaanbieder", "Regeling: Commerciële partij"},
	} {
		body := string(ts.do(t, "GET", tc.page, nil).body)
		if !strings.Contains(body, html.EscapeString(tc.want)) {
			t.Errorf("%s: the contact table lacks %q", tc.page, tc.want)
		}
		if tc.notWant != "" && strings.Contains(body, html.EscapeString(tc.notWant)) {
			t.Errorf("%s shows another contact point's arrangement %q", tc.page, tc.notWant)
		}
		if n := strings.Count(body, "Regeling: "); n == 0 || n > strings.Count(body, mgz.RoleGPOutOfHours.Label()) {
			t.Errorf("%s: %d arrangement lines for the out-of-hours contact points", tc.page, n)
		}
	}
}
