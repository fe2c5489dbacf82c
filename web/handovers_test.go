package web_test

import (
	"bytes"
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/service"
)

// handoverFixture is the demo region with a client at a location of a demo care provider,
// registered with a demo practice that is its lead physician's organisation, and a handover
// written at the moment the server's clock stands.
type handoverFixture struct {
	ts                     *testServer
	patient                mgz.Patient
	practice, post, second mgz.Organisation
	provider               mgz.Organisation
}

// Moments in Amsterdam: a Tuesday night and a Monday morning, both working days.
var (
	atNight   = time.Date(2026, 12, 1, 3, 0, 0, 0, calendar.Location())
	atOffice  = time.Date(2026, 11, 30, 10, 0, 0, 0, calendar.Location())
	handoverH = mgz.Handover{LeadName: "Dr. A. Bakker, huisarts", LeadReach: "0120 555123, buiten kantoortijd via de huisartsenpost",
		Problems: "Dementie", Medication: "Furosemide 40 mg", Allergies: "Penicilline", ContactPersons: "Dochter 06 12345678", Representative: "Dochter (mentor)"}
)

func newHandoverFixture(t *testing.T, at time.Time) *handoverFixture {
	t.Helper()
	ts := newTestServerAt(t, true, at)
	ctx := context.Background()
	f := &handoverFixture{ts: ts}
	orgs, _, err := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		switch {
		case o.Kind == mgz.KindGPPractice && f.practice.ID == 0:
			f.practice = o
		case o.Kind == mgz.KindGPPractice && f.second.ID == 0:
			f.second = o
		case o.Kind == mgz.KindGPPost && f.post.ID == 0:
			f.post = o
		case o.Kind == mgz.KindCareProvider && f.provider.ID == 0:
			f.provider = o
		}
	}
	l := mgz.Location{ProviderID: f.provider.ID, Name: "Woonvorm Overdracht", Address: "Laan 2", Postcode: "9902 AB", Municipality: "Proefhoven",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 8}
	if err := ts.reg.CreateLocation(ctx, &l); err != nil {
		t.Fatal(err)
	}
	f.patient = mgz.Patient{Name: "Mevrouw Overdracht", BirthDate: mgz.NewDate(1936, 2, 3), LocationID: &l.ID, Sector: mgz.SectorElderly,
		Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.DateOf(at), Delivery: mgz.DeliveryVPT,
		GPPracticeID: &f.practice.ID, LeadPhysician: mgz.LeadGP, LeadPhysicianOrgID: &f.practice.ID}
	if err := ts.db.Store().Patients().CreatePatient(ctx, &f.patient); err != nil {
		t.Fatal(err)
	}
	return f
}

// write stores a handover of the client as the operator, dated written.
func (f *handoverFixture) write(t *testing.T, written time.Time) {
	t.Helper()
	h := handoverH
	h.PatientID, h.CreatedAt = f.patient.ID, written
	h.Wishes = []mgz.TreatmentWish{{Treatment: mgz.TreatmentResuscitation, Decision: mgz.DecisionDeny, AgreedOn: mgz.DateOf(written), AgreedWith: mgz.AgreedWithClient},
		{Treatment: mgz.TreatmentHospitalAdmission, Decision: mgz.DecisionWithRestrictions, Restrictions: "alleen bij een fractuur", AgreedOn: mgz.DateOf(written), AgreedWith: mgz.AgreedWithBoth}}
	if err := f.ts.svc.SaveHandover(context.Background(), service.System(), &h, 0); err != nil {
		t.Fatal(err)
	}
}

func (f *handoverFixture) page() string {
	return "/clienten/" + strconv.FormatInt(f.patient.ID, 10) + "/overdracht"
}
func (f *handoverFixture) api() string {
	return "/api/v1/patients/" + strconv.FormatInt(f.patient.ID, 10) + "/handover"
}

func TestHandoverGPPostAtNightAndInTheDay(t *testing.T) {
	t.Run("at 03:00 the region's GP post reads the handover", func(t *testing.T) {
		f := newHandoverFixture(t, atNight)
		f.write(t, atNight.AddDate(0, -1, 0))
		post := f.ts.as(t, f.post.ID, mgz.RolePhysician)
		r := post.do(t, "GET", f.page(), nil)
		if r.status != 200 || !strings.Contains(string(r.body), "Reanimatie: NIET reanimeren") || strings.Contains(string(r.body), "Noodtoegang") {
			t.Fatalf("GP post at night: %d\n%.600s", r.status, r.body)
		}
		if e := lastAudit(t, f.ts); e.Action != mgz.AuditRead || e.PatientID != f.patient.ID || !strings.Contains(e.Reason, "ANW") {
			t.Fatalf("audit entry of the night read = %+v", e)
		}
		r = post.do(t, "GET", f.api(), nil)
		var got struct {
			Version int64               `json:"version"`
			Wishes  []mgz.TreatmentWish `json:"treatment_wishes"`
		}
		r.json(t, &got)
		if r.status != 200 || r.header.Get("ETag") != `"1"` || got.Version != 1 || len(got.Wishes) != 2 {
			t.Fatalf("API at night: %d %s %+v", r.status, r.header.Get("ETag"), got)
		}
		wantError(t, f.ts.as(t, f.second.ID, mgz.RolePhysician).do(t, "GET", f.api(), nil), 404, mgz.ECodeNotFound)
	})
	t.Run("at 10:00 on a weekday the GP post breaks the glass with a reason, audited as emergency access", func(t *testing.T) {
		f := newHandoverFixture(t, atOffice)
		f.write(t, atOffice.AddDate(0, -1, 0))
		post := f.ts.as(t, f.post.ID, mgz.RolePhysician)
		wantError(t, post.do(t, "GET", f.api(), nil), 403, mgz.ECodeBreakGlass)
		r := post.do(t, "GET", f.page(), nil)
		if r.status != 403 || !strings.Contains(string(r.body), `action="`+f.page()+`/noodtoegang"`) || strings.Contains(string(r.body), "NIET reanimeren") {
			t.Fatalf("GP post in office hours: %d\n%.800s", r.status, r.body)
		}
		r = post.postForm(t, f.page()+"/noodtoegang", url.Values{"reason": {"kort"}})
		if r.status != 422 || !strings.Contains(html.UnescapeString(string(r.body)), "minstens 10 tekens") {
			t.Fatalf("a short reason: %d\n%.800s", r.status, r.body)
		}
		r = post.postForm(t, f.page()+"/noodtoegang", url.Values{"reason": {"Visite bij acute benauwdheid"}})
		if r.status != 303 {
			t.Fatalf("emergency access: %d\n%s", r.status, r.body)
		}
		r = post.do(t, "GET", f.page(), nil)
		body := html.UnescapeString(string(r.body))
		if r.status != 200 || !strings.Contains(body, "Noodtoegang") || !strings.Contains(body, "Visite bij acute benauwdheid") || !strings.Contains(body, "Reanimatie: NIET reanimeren") {
			t.Fatalf("read under emergency access: %d\n%.800s", r.status, r.body)
		}
		if e := lastAudit(t, f.ts); e.Action != mgz.AuditReadEmergency || !strings.Contains(e.Reason, "Visite bij acute benauwdheid") || e.ObjectOrganisationID != f.practice.ID {
			t.Fatalf("audit entry of the emergency read = %+v", e)
		}
		// Another practice, not involved with the client, is not told the client exists.
		other := f.ts.as(t, f.second.ID, mgz.RolePhysician)
		if r := other.do(t, "GET", f.page(), nil); r.status != 404 {
			t.Fatalf("a practice not involved: %d", r.status)
		}
		if r := other.postForm(t, f.page()+"/noodtoegang", url.Values{"reason": {"Ik wil het gewoon zien."}}); r.status != 404 {
			t.Fatalf("a practice not involved breaking the glass: %d", r.status)
		}
		if n, err := f.ts.db.Store().AuditLog().Verify(context.Background()); err != nil {
			t.Fatalf("the audit chain does not verify after %d entries: %v", n, err)
		}
	})
}

func TestHandoverFormWritesVersionsAndRefusesAStaleOne(t *testing.T) {
	f := newHandoverFixture(t, atOffice)
	gp := f.ts.as(t, f.practice.ID, mgz.RolePhysician)
	form := func(rev string, restrictions string) url.Values {
		v := url.Values{"lead_name": {"Dr. A. Bakker"}, "lead_reach": {"0120 555123"}, "medication": {"Paracetamol zo nodig"},
			"treatment_wishes[0].decision": {"deny"}, "treatment_wishes[0].agreed_on": {"2026-11-01"}, "treatment_wishes[0].agreed_with": {"client"},
			"treatment_wishes[3].decision": {"with_restrictions"}, "treatment_wishes[3].restrictions": {restrictions},
			"treatment_wishes[3].agreed_on": {"2026-11-01"}, "treatment_wishes[3].agreed_with": {"client_and_representative"}}
		if rev != "" {
			v.Set("revision", rev)
		}
		return v
	}
	if r := gp.do(t, "GET", f.page()+"/bewerken", nil); r.status != 200 || !strings.Contains(string(r.body), `name="treatment_wishes[0].decision"`) {
		t.Fatalf("edit form: %d\n%.500s", r.status, r.body)
	}
	r := gp.postForm(t, f.page()+"/bewerken", form("", ""))
	if r.status != 422 || !strings.Contains(html.UnescapeString(string(r.body)), "De beperkingen is verplicht") {
		t.Fatalf("restrictions left out: %d\n%.800s", r.status, r.body)
	}
	if r := gp.postForm(t, f.page()+"/bewerken", form("", "alleen bij een fractuur")); r.status != 303 {
		t.Fatalf("first version: %d\n%s", r.status, r.body)
	}
	if r := gp.postForm(t, f.page()+"/bewerken", form("1", "alleen bij een fractuur of infectie")); r.status != 303 {
		t.Fatalf("second version on version 1: %d\n%s", r.status, r.body)
	}
	if r := gp.postForm(t, f.page()+"/bewerken", form("1", "ook dit")); r.status != 409 {
		t.Fatalf("an edit on version 1 after version 2: %d, want 409\n%.500s", r.status, r.body)
	}
	r = gp.do(t, "GET", f.page(), nil)
	body := html.UnescapeString(string(r.body))
	if !strings.Contains(body, "Ziekenhuisopname: ja, met beperkingen: alleen bij een fractuur of infectie") || !strings.Contains(body, "Versie 2") {
		t.Fatalf("page after two versions:\n%.1500s", body)
	}
	if r := gp.do(t, "GET", f.page()+"?versie=1", nil); !strings.Contains(html.UnescapeString(string(r.body)), "alleen bij een fractuur") {
		t.Fatalf("version 1 is not kept: %d", r.status)
	}
	// The API's PUT with a stale If-Match is refused too; the care provider only reads.
	wantError(t, gp.doMatch(t, "PUT", f.api(), handoverH, 1), 409, mgz.ECodeConflict)
	cp := f.ts.as(t, f.provider.ID, mgz.RoleEditor)
	wantError(t, cp.do(t, "PUT", f.api(), handoverH), 403, mgz.ECodeForbidden)
	if r := cp.do(t, "GET", f.api()+"/versions", nil); r.status != 200 || !strings.Contains(string(r.body), `"version":2`) {
		t.Fatalf("versions for the provider: %d %s", r.status, r.body)
	}
	if r := gp.postForm(t, f.page()+"/bevestigen", url.Values{"revision": {"2"}}); r.status != 303 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
}

func TestTheClientPageShowsTheWishesAndFlagsAnOutdatedHandover(t *testing.T) {
	f := newHandoverFixture(t, atOffice)
	f.write(t, atOffice.AddDate(0, -13, 0))
	gp := f.ts.as(t, f.practice.ID, mgz.RoleViewer)
	r := gp.do(t, "GET", "/clienten/"+strconv.FormatInt(f.patient.ID, 10), nil)
	body := html.UnescapeString(string(r.body))
	card, wishes, flag := strings.Index(body, "Nu bellen"), strings.Index(body, "Reanimatie: NIET reanimeren"), strings.Index(body, "Verouderd")
	if r.status != 200 || wishes < 0 || flag < 0 || (card >= 0 && wishes < card) {
		t.Fatalf("client page: %d, card at %d, wishes at %d, flag at %d\n%.2000s", r.status, card, wishes, flag, body)
	}
	// The client list (the overview of the organisation's clients) flags it too.
	if r := gp.do(t, "GET", "/clienten", nil); !strings.Contains(string(r.body), "overdracht verouderd") {
		t.Fatalf("the client list does not flag the outdated handover:\n%.2000s", r.body)
	}
	// Confirmed now, it is fresh again.
	if r := f.ts.as(t, f.practice.ID, mgz.RolePhysician).postForm(t, f.page()+"/bevestigen", url.Values{}); r.status != 303 {
		t.Fatalf("confirm: %d", r.status)
	}
	if r := gp.do(t, "GET", "/clienten/"+strconv.FormatInt(f.patient.ID, 10), nil); strings.Contains(string(r.body), "Verouderd") {
		t.Fatal("a confirmed handover is still flagged")
	}
	if r := gp.do(t, "GET", "/clienten", nil); strings.Contains(string(r.body), "overdracht verouderd") || strings.Contains(string(r.body), "geen overdracht") {
		t.Fatal("the client list still flags a confirmed handover")
	}
}

func TestTheHandoverPDFOverHTTP(t *testing.T) {
	f := newHandoverFixture(t, atNight)
	f.write(t, atNight.AddDate(0, -2, 0))
	post := f.ts.as(t, f.post.ID, mgz.RoleViewer)
	a := post.do(t, "GET", f.page()+".pdf", nil)
	b := post.do(t, "GET", f.api()+".pdf?version=1", nil)
	if a.status != 200 || a.header.Get("Content-Type") != "application/pdf" || !bytes.Equal(a.body, b.body) {
		t.Fatalf("PDF: %d %s; the page and the API give the same bytes for version 1: %v", a.status, a.header.Get("Content-Type"), bytes.Equal(a.body, b.body))
	}
	text := pdfToText(t, a.body)
	for _, want := range []string{"Mevrouw Overdracht, geboren 03-02-1936", "Reanimatie: NIET reanimeren", "Ziekenhuisopname: ja, met beperkingen", "Penicilline", "afgedrukt op 1 december 2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "Reanimatie") > strings.Index(text, "Penicilline") {
		t.Error("the wishes do not come first")
	}
}

func TestTheRegionSetsTheHandoverAgeLimit(t *testing.T) {
	f := newHandoverFixture(t, atOffice)
	f.write(t, atOffice.AddDate(0, -13, 0))
	if r := f.ts.client.do(t, "PUT", "/api/v1/settings/handover", map[string]int{"max_age_months": 0}); r.status != 422 {
		t.Fatalf("a limit of 0 months: %d", r.status)
	}
	if r := f.ts.client.do(t, "PUT", "/api/v1/settings/handover", map[string]int{"max_age_months": 18}); r.status != 200 {
		t.Fatalf("set: %d %s", r.status, r.body)
	}
	r := f.ts.as(t, f.practice.ID, mgz.RoleViewer).do(t, "GET", f.api(), nil)
	var got struct {
		Outdated     bool `json:"outdated"`
		MaxAgeMonths int  `json:"max_age_months"`
	}
	r.json(t, &got)
	if got.Outdated || got.MaxAgeMonths != 18 {
		t.Fatalf("with an 18-month limit a 13-month-old handover: %+v", got)
	}
}

func TestTheSettingsPageSetsTheHandoverAgeLimit(t *testing.T) {
	ts := newTestServerAt(t, true, atOffice)
	r := ts.client.do(t, "GET", "/instellingen", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `action="/instellingen/overdracht"`) || !strings.Contains(string(r.body), `name="max_age_months" type="number" value="12"`) {
		t.Fatalf("settings page: %d\n%.3000s", r.status, r.body)
	}
	if r := ts.client.postForm(t, "/instellingen/overdracht", url.Values{"max_age_months": {"18"}}); r.status != 303 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	if n, err := ts.svc.HandoverMaxAgeMonths(context.Background(), service.System()); err != nil || n != 18 {
		t.Fatalf("stored limit %d, %v", n, err)
	}
}

func TestAWrongHandoverAgeLimitComesBackWithItsMessage(t *testing.T) {
	ts := newTestServerAt(t, true, atOffice)
	r := ts.client.postForm(t, "/instellingen/overdracht", url.Values{"max_age_months": {"99"}})
	if r.status != 422 || !strings.Contains(string(r.body), "Kies een termijn van 1 tot en met 60 maanden") || !strings.Contains(string(r.body), `value="99"`) {
		t.Fatalf("a limit of 99 months: %d\n%.2000s", r.status, r.body)
	}
}
