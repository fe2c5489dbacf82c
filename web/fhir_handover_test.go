package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
	"github.com/regio-mgz/mgz/service"
)

// writeFHIRHandover stores version 1 of p's handover: resuscitation denied, hospital admission
// with a restriction.
func writeFHIRHandover(t *testing.T, f *fhirFixture, p mgz.Patient) {
	t.Helper()
	h := handoverH
	h.PatientID = p.ID
	today := mgz.DateOf(f.ts.svc.Now())
	h.Wishes = []mgz.TreatmentWish{{Treatment: mgz.TreatmentResuscitation, Decision: mgz.DecisionDeny, AgreedOn: today, AgreedWith: mgz.AgreedWithClient},
		{Treatment: mgz.TreatmentHospitalAdmission, Decision: mgz.DecisionWithRestrictions, Restrictions: "alleen bij een fractuur", AgreedOn: today, AgreedWith: mgz.AgreedWithBoth}}
	if err := f.ts.svc.SaveHandover(context.Background(), service.System(), &h, 0); err != nil {
		t.Fatal(err)
	}
}

// documentOf decodes a document Bundle and its entries' resource types.
func documentOf(t *testing.T, r response) (fhir.DocumentBundle, []string) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200\n%.800s", r.status, r.body)
	}
	var b fhir.DocumentBundle
	r.json(t, &b)
	var types []string
	for _, e := range b.Entry {
		var res struct{ ResourceType string }
		_ = json.Unmarshal(e.Resource, &res)
		types = append(types, res.ResourceType)
		if e.FullURL == "" {
			t.Errorf("entry %s has no fullUrl", res.ResourceType)
		}
	}
	return b, types
}

func handoverOp(f *handoverFixture) string {
	return "/fhir/Patient/" + itoa(f.patient.ID) + "/$handover"
}

// TestFHIRHandoverDocumentForTheGPPostAtNight: at 03:00 the region's GP post gets the handover as
// a FHIR document — Composition first with the sections, then Patient, Organization,
// PractitionerRole and the Consents — and the read is audited as the handover read of the night.
func TestFHIRHandoverDocumentForTheGPPostAtNight(t *testing.T) {
	f := newHandoverFixture(t, atNight)
	f.write(t, atNight.AddDate(0, -1, 0))
	post := f.ts.as(t, f.post.ID, mgz.RolePhysician)
	b, types := documentOf(t, fhirGet(t, post, handoverOp(f)))
	want := []string{"Composition", "Patient", "Organization", "PractitionerRole", "Consent", "Consent"}
	if b.Type != "document" || b.Identifier == nil || b.Timestamp == "" || !slices.Equal(types, want) {
		t.Fatalf("document %s %+v %q with entries %v, want %v", b.Type, b.Identifier, b.Timestamp, types, want)
	}
	var comp fhir.Composition
	_ = json.Unmarshal(b.Entry[0].Resource, &comp)
	var titles []string
	for _, s := range comp.Section {
		titles = append(titles, s.Title)
	}
	if comp.Status != "final" || comp.Type.Coding[0].Code != "34133-9" || comp.Subject.Reference != "Patient/"+itoa(f.patient.ID) ||
		len(comp.Author) == 0 || !slices.Contains(titles, "Behandelwensen") || !slices.Contains(titles, "Medicatie") ||
		!slices.Contains(titles, "Allergieën") || len(comp.Section[0].Entry) != 2 {
		t.Errorf("composition: %+v", comp)
	}
	var c fhir.Consent
	_ = json.Unmarshal(b.Entry[4].Resource, &c)
	if c.Provision == nil || c.Provision.Type != "deny" || c.Meta == nil || !slices.Contains(c.Meta.Profile, fhir.ProfileTreatmentDirective) ||
		c.Scope.Coding[0].Code != "treatment" || c.ID != fhir.ConsentID(f.patient.ID, 1, mgz.TreatmentResuscitation, 0) {
		t.Errorf("the resuscitation Consent: %+v", c)
	}
	var p fhir.Patient
	_ = json.Unmarshal(b.Entry[1].Resource, &p)
	if len(p.Identifier) != 0 {
		t.Errorf("the GP post's document carries identifiers %v", p.Identifier)
	}
	if e := lastAudit(t, f.ts); e.Action != mgz.AuditRead || e.PatientID != f.patient.ID || !strings.Contains(e.Reason, "ANW") {
		t.Fatalf("audit entry of the night read = %+v", e)
	}
	// The Consents alone, by search and read, the same for the GP post at night.
	cs := bundleOf(t, fhirGet(t, post, "/fhir/Consent?patient="+itoa(f.patient.ID)))
	if *cs.Total != 2 || !slices.Contains(entryIDs(cs), c.ID) {
		t.Errorf("Consent search: %v", entryIDs(cs))
	}
	var read fhir.Consent
	r := fhirGet(t, post, "/fhir/Consent/"+fhir.ConsentID(f.patient.ID, 1, mgz.TreatmentHospitalAdmission, 0))
	r.json(t, &read)
	if r.status != 200 || read.Provision.Type != "permit" || len(read.Provision.Extension) != 1 || read.Provision.Extension[0].ValueString != "alleen bij een fractuur" {
		t.Errorf("Consent read: %d %s", r.status, r.body)
	}
	// A practice not involved is not told the client exists.
	other := f.ts.as(t, f.second.ID, mgz.RolePhysician)
	wantOutcome(t, fhirGet(t, other, handoverOp(f)), http.StatusNotFound, "not-found")
	wantOutcome(t, fhirGet(t, other, "/fhir/Consent/"+c.ID), http.StatusNotFound, "not-found")
	if b := bundleOf(t, fhirGet(t, other, "/fhir/Consent?patient=Patient/"+itoa(f.patient.ID))); *b.Total != 0 || len(b.Entry) != 0 {
		t.Errorf("an uninvolved practice found Consents %v", entryIDs(b))
	}
}

// TestFHIRHandoverInOfficeHoursNeedsTheGlassBroken: at 10:00 on a weekday the GP post gets a 403
// OperationOutcome whose details carry break_the_glass_required; after breaking the glass in mgz
// it gets the document.
func TestFHIRHandoverInOfficeHoursNeedsTheGlassBroken(t *testing.T) {
	f := newHandoverFixture(t, atOffice)
	f.write(t, atOffice.AddDate(0, -1, 0))
	post := f.ts.as(t, f.post.ID, mgz.RolePhysician)
	for _, path := range []string{handoverOp(f), "/fhir/Consent?patient=Patient/" + itoa(f.patient.ID)} {
		r := fhirGet(t, post, path)
		var oo fhir.OperationOutcome
		r.json(t, &oo)
		if r.status != http.StatusForbidden || len(oo.Issue) != 1 || oo.Issue[0].Code != "forbidden" || oo.Issue[0].Details == nil ||
			len(oo.Issue[0].Details.Coding) != 1 || oo.Issue[0].Details.Coding[0].Code != mgz.ECodeBreakGlass {
			t.Errorf("GET %s in office hours: %d %s", path, r.status, r.body)
		}
	}
	if r := post.postForm(t, f.page()+"/noodtoegang", map[string][]string{"reason": {"Visite bij acute benauwdheid"}}); r.status != 303 {
		t.Fatalf("emergency access: %d\n%s", r.status, r.body)
	}
	if _, types := documentOf(t, fhirGet(t, post, handoverOp(f))); len(types) == 0 || types[0] != "Composition" {
		t.Errorf("after breaking the glass: %v", types)
	}
	if e := lastAudit(t, f.ts); e.Action != mgz.AuditReadEmergency || e.PatientID != f.patient.ID {
		t.Errorf("audit entry of the emergency read = %+v", e)
	}
	wantOutcome(t, fhirGet(t, f.ts.as(t, f.second.ID, mgz.RolePhysician), handoverOp(f)), http.StatusNotFound, "not-found")
}

// TestFHIRConsentSearchNeverShowsAnotherPracticesClient: practice B, searching the Consents of
// every client of practice A by id, finds none, and reads none; practice A finds its own.
func TestFHIRConsentSearchNeverShowsAnotherPracticesClient(t *testing.T) {
	f := newFHIRFixture(t)
	for _, p := range f.a {
		writeFHIRHandover(t, f, p)
	}
	own := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Consent?patient=Patient/"+itoa(f.a[0].ID)))
	if *own.Total != 2 {
		t.Errorf("the practice's own client: %v", entryIDs(own))
	}
	for _, p := range f.a {
		b := bundleOf(t, fhirGet(t, f.gp2Doc, "/fhir/Consent?patient="+itoa(p.ID)))
		if *b.Total != 0 || len(b.Entry) != 0 {
			t.Errorf("practice B found Consents of A's client %d: %v", p.ID, entryIDs(b))
		}
		r := fhirGet(t, f.gp2Doc, "/fhir/Consent/"+fhir.ConsentID(p.ID, 1, mgz.TreatmentResuscitation, 0))
		wantOutcome(t, r, http.StatusNotFound, "not-found")
		wantOutcome(t, fhirGet(t, f.gp2Doc, "/fhir/Patient/"+itoa(p.ID)+"/$handover"), http.StatusNotFound, "not-found")
	}
}
