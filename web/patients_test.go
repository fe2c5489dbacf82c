package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// patientFixture is a demo region with a practice, a care provider with a location that is not
// ready, and users of the organisations involved.
type patientFixture struct {
	ts       *testServer
	gp, gp2  mgz.Organisation
	provider mgz.Organisation
	loc      mgz.Location
	other    mgz.Location // another location, of another provider
	gpDoc    *client      // a physician of the practice
	gp2Doc   *client      // a physician of another practice
	carer    *client      // an editor of the care provider
	rho      *client
}

func newPatientFixture(t *testing.T) *patientFixture {
	return patientFixtureOn(t, newTestServer(t, true))
}

// patientFixtureOn builds the fixture on a test server with the demo region.
func patientFixtureOn(t *testing.T, ts *testServer) *patientFixture {
	ctx := context.Background()
	f := &patientFixture{ts: ts, rho: ts.client}
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 2}})
	f.gp, f.gp2 = gps[0], gps[1]
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{Setting: mgz.SettingClusteredHousing, Page: mgz.Page{Limit: mgz.MaxLimit}})
	f.loc = locs[0]
	for _, l := range locs {
		if l.ProviderID != f.loc.ProviderID {
			f.other = l
			break
		}
	}
	f.provider, _ = ts.reg.Organisation(ctx, f.loc.ProviderID)
	f.gpDoc = ts.as(t, f.gp.ID, mgz.RolePhysician)
	f.gp2Doc = ts.as(t, f.gp2.ID, mgz.RolePhysician)
	f.carer = ts.as(t, f.provider.ID, mgz.RoleEditor)
	return f
}

func (f *patientFixture) client(name string) map[string]any {
	return map[string]any{"name": name, "birth_date": "1941-03-02", "location_id": f.loc.ID, "sector": string(f.loc.Sector),
		"wlz": "without_treatment", "wlz_source": "vecozo", "wlz_checked_on": "2026-11-20", "delivery": "vpt"}
}

func TestRegistrationByNameAtAnUnreadyLocation(t *testing.T) {
	f := newPatientFixture(t)
	var rd mgz.Readiness
	f.gpDoc.do(t, "GET", "/api/v1/locations/"+itoa(f.loc.ID)+"/prerequisites", nil).json(t, &rd)
	if rd.Ready {
		t.Fatal("the demo location should not be ready")
	}
	reg := map[string]any{"patient": f.client("Mevrouw Eerste"), "registration": map[string]any{}}
	t.Run("§6 an unready location needs every open item acknowledged", func(t *testing.T) {
		r := f.gpDoc.do(t, "POST", "/api/v1/registrations", reg)
		wantError(t, r, 422, "invalid_request", "open_items_acknowledged")
	})
	t.Run("§6 priority needs one of the grounds", func(t *testing.T) {
		bad := map[string]any{"patient": f.client("Mevrouw Voorrang"), "registration": map[string]any{"priority": true, "open_items_acknowledged": rd.Open}}
		wantError(t, f.gpDoc.do(t, "POST", "/api/v1/registrations", bad), 422, "invalid_request", "priority_ground")
	})
	t.Run("§3.2 a client with treatment is not registered by name", func(t *testing.T) {
		insts, _, _ := f.ts.reg.Locations(context.Background(), mgz.LocationFilter{Setting: mgz.SettingInstitution, Page: mgz.Page{Limit: 1}})
		inst := f.client("Meneer Behandeling")
		inst["location_id"], inst["sector"] = insts[0].ID, string(insts[0].Sector)
		inst["wlz"], inst["delivery"] = "with_treatment", "stay_with_treatment"
		r := f.gpDoc.do(t, "POST", "/api/v1/registrations", map[string]any{"patient": inst, "registration": map[string]any{}})
		wantError(t, r, 422, "invalid_request", "wlz")
		if !strings.Contains(string(r.body), "niet op naam") {
			t.Fatalf("the refusal does not explain §3.2: %s", r.body)
		}
	})
	t.Run("a care provider does not register by name", func(t *testing.T) {
		wantError(t, f.carer.do(t, "POST", "/api/v1/registrations", reg), 403, "forbidden")
	})
	var res struct {
		Patient      mgz.Patient      `json:"patient"`
		Registration mgz.Registration `json:"registration"`
	}
	reg["registration"] = map[string]any{"open_items_acknowledged": rd.Open, "priority": true, "priority_ground": "outside_municipality_no_gp"}
	p := f.client("Mevrouw Eerste")
	p["bsn"] = "123456782"
	reg["patient"] = p
	r := f.gpDoc.do(t, "POST", "/api/v1/registrations", reg)
	if r.status != 201 {
		t.Fatalf("register with acknowledgement: %d %s", r.status, r.body)
	}
	r.json(t, &res)
	if len(res.Registration.OpenItemsAcknowledged) != len(rd.Open) || res.Patient.GPPracticeID == nil || *res.Patient.GPPracticeID != f.gp.ID {
		t.Fatalf("registration %+v, patient practice %v", res.Registration, res.Patient.GPPracticeID)
	}
	if strings.Contains(string(r.body), "123456782") {
		t.Fatal("the BSN came back unmasked")
	}
	id := itoa(res.Patient.ID)

	t.Run("§6 a switch from another practice needs the client's consent", func(t *testing.T) {
		again := map[string]any{"patient": p, "registration": map[string]any{"open_items_acknowledged": rd.Open}}
		wantError(t, f.gp2Doc.do(t, "POST", "/api/v1/registrations", again), 422, "invalid_request", "switch_consent_method", "switch_consent_on", "switch_consent_by")
		// Nothing changed: the first practice still has the patient.
		var v mgz.Patient
		f.gpDoc.do(t, "GET", "/api/v1/patients/"+id, nil).json(t, &v)
		if *v.GPPracticeID != f.gp.ID {
			t.Fatal("a refused switch moved the patient")
		}
	})

	t.Run("who may see the patient", func(t *testing.T) {
		for _, tc := range []struct {
			who    string
			c      *client
			status int
		}{
			{"the registered practice", f.gpDoc, 200},
			{"the care provider of the location", f.carer, 200},
			{"another practice", f.gp2Doc, 404},
			{"the RHO", f.rho, 404},
		} {
			before := lastAudit(t, f.ts)
			r := tc.c.do(t, "GET", "/api/v1/patients/"+id, nil)
			if r.status != tc.status {
				t.Fatalf("%s: %d, want %d", tc.who, r.status, tc.status)
			}
			e := lastAudit(t, f.ts)
			if e.ID == before.ID || e.PatientID != res.Patient.ID || e.UserID != tc.c.user.ID {
				t.Fatalf("%s: the read was not audited with the patient: %+v", tc.who, e)
			}
			if (tc.status == 200) != (e.Outcome == mgz.OutcomeAllowed) {
				t.Fatalf("%s: audited outcome %s", tc.who, e.Outcome)
			}
		}
		var l struct {
			Total int `json:"total"`
		}
		f.gp2Doc.do(t, "GET", "/api/v1/patients", nil).json(t, &l)
		if l.Total != 0 {
			t.Fatalf("another practice lists %d patients", l.Total)
		}
	})

	var v struct {
		Classification struct {
			Group            string `json:"group"`
			RegisteredByName bool   `json:"registered_by_name"`
		} `json:"classification"`
	}
	f.gpDoc.do(t, "GET", "/api/v1/patients/"+id, nil).json(t, &v)
	if v.Classification.Group != "at_provider" || !v.Classification.RegisteredByName {
		t.Fatalf("classification shown with the patient: %+v", v.Classification)
	}

	t.Run("§6 relocation inside the practice's postcode areas", func(t *testing.T) {
		area := f.other.Postcode[:4]
		if r := f.gpDoc.do(t, "PUT", "/api/v1/practices/"+itoa(f.gp.ID)+"/profile", map[string]any{"capacity": "nearly_full", "postcode_areas": []string{area}}); r.status != 403 {
			t.Fatalf("a physician without the editor role sets the profile: %d", r.status)
		}
		ed := f.ts.as(t, f.gp.ID, mgz.RoleEditor)
		if r := ed.do(t, "PUT", "/api/v1/practices/"+itoa(f.gp.ID)+"/profile", map[string]any{"capacity": "nearly_full", "postcode_areas": []string{area}}); r.status != 200 {
			t.Fatalf("profile: %d %s", r.status, r.body)
		}
		var pv struct {
			Advice mgz.RelocationAdvice `json:"advice"`
		}
		f.gpDoc.do(t, "GET", "/api/v1/patients/"+id+"/relocation?location_id="+itoa(f.other.ID), nil).json(t, &pv)
		if !pv.Advice.StaysResponsible || len(pv.Advice.Notes) == 0 {
			t.Fatalf("inside the areas: %+v", pv.Advice)
		}
		ed.do(t, "PUT", "/api/v1/practices/"+itoa(f.gp.ID)+"/profile", map[string]any{"capacity": "open", "postcode_areas": []string{"1011"}})
		f.gpDoc.do(t, "GET", "/api/v1/patients/"+id+"/relocation?location_id="+itoa(f.other.ID), nil).json(t, &pv)
		if pv.Advice.StaysResponsible && (f.other.FixedGPPracticeID == nil || *f.other.FixedGPPracticeID != f.gp.ID) {
			t.Fatalf("outside the areas: %+v", pv.Advice)
		}
		if r := f.gpDoc.do(t, "POST", "/api/v1/patients/"+id+"/relocation", map[string]any{"location_id": f.other.ID}); r.status != 200 {
			t.Fatalf("relocate: %d %s", r.status, r.body)
		}
		var moved mgz.Patient
		f.gpDoc.do(t, "GET", "/api/v1/patients/"+id, nil).json(t, &moved)
		if moved.LocationID == nil || *moved.LocationID != f.other.ID || *moved.GPPracticeID != f.gp.ID {
			t.Fatalf("after the move: location %v, practice %v; the practice must stay", moved.LocationID, moved.GPPracticeID)
		}
		// The old provider no longer sees the client; the new one does.
		wantError(t, f.carer.do(t, "GET", "/api/v1/patients/"+id, nil), 404, "not_found")
	})

	t.Run("the RHO sees the coverage of fixed GPs, a practice does not", func(t *testing.T) {
		var cov struct {
			Items []mgz.LocationCoverage `json:"items"`
		}
		f.rho.do(t, "GET", "/api/v1/coverage", nil).json(t, &cov)
		if len(cov.Items) < 25 {
			t.Fatalf("coverage lists %d locations", len(cov.Items))
		}
		wantError(t, f.gpDoc.do(t, "GET", "/api/v1/coverage", nil), 403, "forbidden")
		page := string(f.rho.do(t, "GET", "/dekking", nil).body)
		if !strings.Contains(page, "Geen vaste huisarts") {
			t.Fatal("the coverage page does not show locations without a fixed GP")
		}
	})

	// Correcting the data through the form keeps the BSN when the field is left empty.
	form := url.Values{"name": {"Mevrouw Eerste-Verbeterd"}, "birth_date": {"1941-03-02"}, "sector": {string(f.loc.Sector)}, "wlz": {"without_treatment"},
		"wlz_source": {"ciz"}, "wlz_checked_on": {"2026-11-21"}, "delivery": {"vpt"}}
	if r := f.gpDoc.postForm(t, "/clienten/"+id+"/bewerken", form); r.status != 303 {
		t.Fatalf("edit form: %d %s", r.status, r.body)
	}
	stored, _ := f.ts.db.Store().Patients().Patient(context.Background(), res.Patient.ID)
	if stored.Name != "Mevrouw Eerste-Verbeterd" || stored.BSN != "123456782" || stored.WlzSource != mgz.WlzSourceCIZ {
		t.Fatalf("after the edit: %q, BSN kept %v, source %s", stored.Name, stored.BSN == "123456782", stored.WlzSource)
	}
	form.Set("birth_date", "2999-01-01")
	if r := f.gpDoc.postForm(t, "/clienten/"+id+"/bewerken", form); r.status != 422 || !strings.Contains(string(r.body), `id="f-birth_date-error"`) {
		t.Fatalf("a birth date in the future: %d", r.status)
	}
	if r := f.gp2Doc.do(t, "GET", "/clienten/"+id+"/bewerken", nil); r.status != 404 {
		t.Fatalf("another practice opens the edit form: %d", r.status)
	}

	// The pages render for those involved.
	for _, path := range []string{"/clienten", "/clienten/" + id, "/clienten/" + id + "/bewerken", "/clienten/" + id + "/verhuizen?naar=" + itoa(f.loc.ID), "/inschrijven", "/inschrijven?locatie=" + itoa(f.loc.ID), "/praktijk"} {
		if r := f.gpDoc.do(t, "GET", path, nil); r.status != 200 {
			t.Errorf("GET %s = %d\n%.500s", path, r.status, r.body)
		}
	}
}

func TestRegistrationFormShowsTheAcknowledgementStep(t *testing.T) {
	f := newPatientFixture(t)
	page := string(f.gpDoc.do(t, "GET", "/inschrijven?locatie="+itoa(f.loc.ID), nil).body)
	if !strings.Contains(page, "Niet klaar") || !strings.Contains(page, `name="open_items_acknowledged"`) {
		t.Fatal("the form does not show the location's readiness and the acknowledgement")
	}
	form := url.Values{"location_id": {itoa(f.loc.ID)}, "name": {"Meneer Formulier"}, "birth_date": {"1939-12-01"}, "sector": {string(f.loc.Sector)},
		"wlz": {"without_treatment"}, "wlz_source": {"vecozo"}, "wlz_checked_on": {"2026-11-20"}, "delivery": {"vpt"}, "priority_ground": {"none"}}
	r := f.gpDoc.postForm(t, "/inschrijven", form)
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-open_items_acknowledged-error"`) || !strings.Contains(string(r.body), `value="Meneer Formulier"`) {
		t.Fatalf("without acknowledgement: %d", r.status)
	}
	var rd mgz.Readiness
	f.gpDoc.do(t, "GET", "/api/v1/locations/"+itoa(f.loc.ID)+"/prerequisites", nil).json(t, &rd)
	for _, k := range rd.Open {
		form.Add("open_items_acknowledged", string(k))
	}
	r = f.gpDoc.postForm(t, "/inschrijven", form)
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/clienten/") {
		t.Fatalf("with acknowledgement: %d %s", r.status, r.body)
	}
	page = string(f.gpDoc.do(t, "GET", strings.Split(r.header.Get("Location"), "?")[0], nil).body)
	if !strings.Contains(page, "Meneer Formulier") || !strings.Contains(page, "Open randvoorwaarden erkend") {
		t.Fatal("the patient page lacks the patient or the recorded acknowledgement")
	}
}

// TestRegistrationNeverOverwritesAnotherPracticesPatient: found by BSN, a patient switches
// practice only, through a request the current practice confirms; the data stays, a wrong birth
// date is refused, and the request cannot set the location or the practice it comes from.
func TestRegistrationNeverOverwritesAnotherPracticesPatient(t *testing.T) {
	f := newPatientFixture(t)
	var rd mgz.Readiness
	f.gpDoc.do(t, "GET", "/api/v1/locations/"+itoa(f.loc.ID)+"/prerequisites", nil).json(t, &rd)
	p := f.client("Mevrouw Origineel")
	p["bsn"] = "111222333"
	r := f.gpDoc.do(t, "POST", "/api/v1/registrations", map[string]any{"patient": p, "registration": map[string]any{"open_items_acknowledged": rd.Open}})
	if r.status != 201 {
		t.Fatalf("first registration: %d %s", r.status, r.body)
	}
	var first struct {
		Patient mgz.Patient `json:"patient"`
	}
	r.json(t, &first)
	other := f.client("Iemand Anders")
	other["bsn"], other["birth_date"] = "111222333", "1950-01-01"
	wantError(t, f.gp2Doc.do(t, "POST", "/api/v1/registrations", map[string]any{"patient": other,
		"registration": consented(map[string]any{"open_items_acknowledged": rd.Open})}), 422, "invalid_request", "bsn")
	other["birth_date"] = "1941-03-02"
	r = f.gp2Doc.do(t, "POST", "/api/v1/registrations", map[string]any{"patient": other,
		"registration": consented(map[string]any{"open_items_acknowledged": rd.Open, "location_id": f.other.ID, "switch_from_practice_id": f.gp2.ID})})
	if r.status != 202 {
		t.Fatalf("switch with consent: %d %s", r.status, r.body)
	}
	var req struct {
		SwitchRequest mgz.SwitchRequest `json:"switch_request"`
	}
	r.json(t, &req)
	if r := f.gpDoc.do(t, "POST", "/api/v1/switch-requests/"+itoa(req.SwitchRequest.ID)+"/confirm", nil); r.status != 200 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	stored, _ := f.ts.db.Store().Patients().Patient(context.Background(), first.Patient.ID)
	if stored.Name != "Mevrouw Origineel" || *stored.GPPracticeID != f.gp2.ID || *stored.LocationID != f.loc.ID {
		t.Fatalf("after the switch: name %q, practice %d, location %d; only the practice may change", stored.Name, *stored.GPPracticeID, *stored.LocationID)
	}
	regs, _ := f.ts.db.Store().Patients().Registrations(context.Background(), first.Patient.ID)
	if regs[0].SwitchFromPracticeID == nil || *regs[0].SwitchFromPracticeID != f.gp.ID || *regs[0].LocationID != f.loc.ID {
		t.Fatalf("the registration records what the request claimed: %+v", regs[0])
	}
	// The first practice's admin sees that another organisation took over and read the patient.
	admin := f.ts.as(t, f.gp.ID, mgz.RoleAdmin)
	var audit struct {
		Items []mgz.AuditEntry `json:"items"`
	}
	admin.do(t, "GET", "/api/v1/audit?patient_id="+itoa(first.Patient.ID), nil).json(t, &audit)
	seen := false
	for _, e := range audit.Items {
		seen = seen || e.OrganisationID == f.gp2.ID
	}
	if !seen {
		t.Fatal("the practice's audit view does not show the other practice's access to its patient")
	}
}

func TestPatientAPIKeepsRegistrationAndBSNSafe(t *testing.T) {
	f := newPatientFixture(t)
	p := f.client("Meneer Zonder Inschrijving")
	p["gp_practice_id"] = f.gp.ID
	wantError(t, f.carer.do(t, "POST", "/api/v1/patients", p), 422, "invalid_request", "gp_practice_id")
	delete(p, "gp_practice_id")
	p["bsn"] = "123456782"
	r := f.carer.do(t, "POST", "/api/v1/patients", p)
	if r.status != 201 {
		t.Fatalf("a provider records its resident: %d %s", r.status, r.body)
	}
	var v mgz.Patient
	r.json(t, &v)
	delete(p, "bsn")
	p["name"] = "Meneer Verbeterd"
	if r := f.carer.do(t, "PUT", "/api/v1/patients/"+itoa(v.ID), p); r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	stored, _ := f.ts.db.Store().Patients().Patient(context.Background(), v.ID)
	if stored.BSN != "123456782" {
		t.Fatal("an update without the BSN erased it")
	}
	p["lead_physician"], p["lead_physician_org_id"] = "gp", f.provider.ID
	wantError(t, f.carer.do(t, "PUT", "/api/v1/patients/"+itoa(v.ID), p), 422, "invalid_request", "lead_physician_org_id")
}

// consented adds a complete record of the client's consent to a registration.
func consented(reg map[string]any) map[string]any {
	reg["switch_consent_method"], reg["switch_consent_on"], reg["switch_consent_by"] = "in_writing", time.Now().AddDate(0, 0, -2).Format(mgz.DateLayout), "H. Jansen, praktijkondersteuner"
	return reg
}

// TestBSNAlreadyExistsIsAuditedAndThrottled: "this BSN is already in mgz" tells a care provider
// the BSN is known, so the answer is audited in its own transaction (the entry survives the
// rolled-back insert) and throttled like every BSN-matching attempt.
func TestBSNAlreadyExistsIsAuditedAndThrottled(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Mevrouw Bekend", "111222333")
	p := f.client("Iemand Anders")
	p["bsn"] = sf.bsn
	var statuses []int
	for i := 0; i < 7; i++ {
		before := lastAudit(t, f.ts)
		r := f.carer.do(t, "POST", "/api/v1/patients", p)
		statuses = append(statuses, r.status)
		if r.status == 429 {
			continue
		}
		wantError(t, r, 409, "conflict", "bsn")
		e := lastAudit(t, f.ts)
		if e.ID == before.ID || e.UserID != f.carer.user.ID || e.PatientID != sf.patientID || e.Outcome != mgz.OutcomeDenied ||
			e.ObjectOrganisationID != f.gp.ID || !strings.Contains(e.Reason, "BSN") {
			t.Fatalf("attempt %d: the answer left no audit entry for the holding practice: %+v", i+1, e)
		}
	}
	if want := []int{409, 409, 409, 409, 409, 429, 429}; fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
	// The registered practice's admin sees the attempts in its audit view.
	admin := f.ts.as(t, f.gp.ID, mgz.RoleAdmin)
	var audit struct {
		Items []mgz.AuditEntry `json:"items"`
	}
	admin.do(t, "GET", "/api/v1/audit?patient_id="+itoa(sf.patientID), nil).json(t, &audit)
	seen := 0
	for _, e := range audit.Items {
		if e.OrganisationID == f.provider.ID && e.Outcome == mgz.OutcomeDenied {
			seen++
		}
	}
	if seen < 5 {
		t.Fatalf("the practice's audit view shows %d of the provider's 5 attempts", seen)
	}
}

// TestStaleEditsOfPatientsAndProfilesAreRefused: edits carry the revision they were made on
// (If-Match in the API, a hidden field in forms); a stale one gets 409 saying what changed, and
// changes nothing.
func TestStaleEditsOfPatientsAndProfilesAreRefused(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Meneer Versie", "111222333")
	path := "/api/v1/patients/" + itoa(sf.patientID)
	r := f.gpDoc.do(t, "GET", path, nil)
	etag := r.header.Get("ETag")
	if etag != `"1"` {
		t.Fatalf("ETag of a new patient = %q", etag)
	}
	put := func(c *client, name, ifMatch string) response {
		p := f.client(name)
		req, _ := http.NewRequest("PUT", f.ts.URL+path, strings.NewReader(mustJSON(p)))
		req.Header.Set("Content-Type", "application/json")
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		return c.send(t, req)
	}
	if r := put(f.gpDoc, "Meneer Versie Twee", etag); r.status != 200 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("edit on the current revision: %d %s (ETag %q)", r.status, r.body, r.header.Get("ETag"))
	}
	for _, tc := range []struct {
		name, ifMatch string
		status        int
		code          string
	}{
		{"an edit on an older revision is refused", etag, 409, "conflict"},
		{"an unreadable If-Match is refused, not ignored", "W/abc", 422, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := put(f.carer, "Meneer Overschreven", tc.ifMatch)
			wantError(t, r, tc.status, tc.code)
			var stored mgz.Patient
			f.gpDoc.do(t, "GET", path, nil).json(t, &stored)
			if stored.Name != "Meneer Versie Twee" || stored.Revision != 2 {
				t.Fatalf("after a refused edit: %q revision %d", stored.Name, stored.Revision)
			}
		})
	}
	t.Run("a stale form shows what was typed and says what changed", func(t *testing.T) {
		v := url.Values{}
		for k, val := range f.client("Meneer Via Formulier") {
			v.Set(k, fmt.Sprint(val))
		}
		v.Set("revision", "1")
		r := f.gpDoc.postForm(t, "/clienten/"+itoa(sf.patientID)+"/bewerken", v)
		page := string(r.body)
		if r.status != 409 || !strings.Contains(page, "Meneer Via Formulier") || !strings.Contains(page, "naam") || !strings.Contains(page, `name="revision" value="2"`) {
			t.Fatalf("stale form: %d\n%s", r.status, page)
		}
		v.Set("revision", "2")
		if r := f.gpDoc.postForm(t, "/clienten/"+itoa(sf.patientID)+"/bewerken", v); r.status != 303 {
			t.Fatalf("form on the current revision: %d %s", r.status, r.body)
		}
	})
	t.Run("the practice profile", func(t *testing.T) {
		ed := f.ts.as(t, f.gp.ID, mgz.RoleEditor)
		pp := "/api/v1/practices/" + itoa(f.gp.ID) + "/profile"
		if r := ed.do(t, "PUT", pp, map[string]any{"capacity": "open", "postcode_areas": []string{}}); r.status != 200 || r.header.Get("ETag") != `"1"` {
			t.Fatalf("first profile: %d %s", r.status, r.body)
		}
		tag := ed.do(t, "GET", pp, nil).header.Get("ETag")
		req := func(body map[string]any, ifMatch string) response {
			rq, _ := http.NewRequest("PUT", f.ts.URL+pp, strings.NewReader(mustJSON(body)))
			rq.Header.Set("Content-Type", "application/json")
			rq.Header.Set("If-Match", ifMatch)
			return ed.send(t, rq)
		}
		if r := req(map[string]any{"capacity": "nearly_full", "postcode_areas": []string{"9901"}}, tag); r.status != 200 {
			t.Fatalf("profile on the current revision: %d %s", r.status, r.body)
		}
		r := req(map[string]any{"capacity": "full", "postcode_areas": []string{}}, tag)
		wantError(t, r, 409, "conflict")
		if !strings.Contains(string(r.body), "9901") {
			t.Fatalf("the conflict does not say what changed: %s", r.body)
		}
		v := url.Values{"capacity": {"open"}, "postcode_areas": {"9902"}, "revision": {strings.Trim(tag, `"`)}}
		if r := ed.postForm(t, "/praktijk", v); r.status != 409 || !strings.Contains(string(r.body), `name="revision" value="2"`) || !strings.Contains(string(r.body), "9902") {
			t.Fatalf("stale profile form: %d\n%s", r.status, r.body)
		}
		var got mgz.PracticeProfile
		ed.do(t, "GET", pp, nil).json(t, &got)
		if got.Capacity != mgz.CapacityNearlyFull || strings.Join(got.PostcodeAreas, " ") != "9901" {
			t.Fatalf("a stale edit changed the profile: %+v", got)
		}
	})
}

// TestLeadPhysicianOnlyAtPhysiciansAndRecorded: naming a lead physician makes its organisation
// a party to the client, so only a GP practice or an SO/AVG service qualifies; the change is
// recorded and the registered practice sees it.
func TestLeadPhysicianOnlyAtPhysiciansAndRecorded(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Mevrouw Regie", "111222333")
	path := "/api/v1/patients/" + itoa(sf.patientID)
	services, _, _ := f.ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: mgz.KindPhysicianService, Page: mgz.Page{Limit: 1}})
	for _, tc := range []struct {
		name   string
		kind   string
		org    int64
		status int
	}{
		{"an SO at a care provider is refused", "elderly_care_physician", f.provider.ID, 422},
		{"a GP at a care provider is refused", "gp", f.provider.ID, 422},
		{"an SO at another practice is refused", "elderly_care_physician", f.gp2.ID, 422},
		{"an SO at an SO/AVG service is accepted", "elderly_care_physician", services[0].ID, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := f.client("Mevrouw Regie")
			p["lead_physician"], p["lead_physician_org_id"] = tc.kind, tc.org
			r := f.carer.do(t, "PUT", path, p)
			if r.status != tc.status {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	var l struct {
		Items []mgz.LeadChange `json:"items"`
	}
	f.gpDoc.do(t, "GET", path+"/lead-changes", nil).json(t, &l)
	if len(l.Items) != 1 || l.Items[0].ToOrgID == nil || *l.Items[0].ToOrgID != services[0].ID || l.Items[0].ChangedByOrgID != f.provider.ID {
		t.Fatalf("lead changes = %+v", l.Items)
	}
	page := string(f.gpDoc.do(t, "GET", "/clienten/"+itoa(sf.patientID), nil).body)
	if !strings.Contains(page, "Wijzigingen van de regiebehandelaar") || !strings.Contains(page, "gewijzigd door "+f.provider.Name) {
		t.Fatal("the registered practice does not see the change of lead physician")
	}
	home := string(f.gpDoc.do(t, "GET", "/", nil).body)
	if !strings.Contains(home, "gewijzigd door "+f.provider.Name) || !strings.Contains(home, services[0].Name) {
		t.Fatal("the registered practice's start page does not show the change of lead physician")
	}
	if e := lastAuditWith(t, f.ts, "regiebehandelaar gewijzigd"); e.PatientID != sf.patientID {
		t.Fatalf("the change is not audited: %+v", e)
	}
}

// lastAuditWith returns the newest audit entry whose reason contains s.
func lastAuditWith(t *testing.T, ts *testServer, s string) mgz.AuditEntry {
	t.Helper()
	var found mgz.AuditEntry
	err := ts.db.Store().Audit().Each(context.Background(), mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		if strings.Contains(e.Reason, s) {
			found = e
		}
		return nil
	})
	if err != nil || found.ID == 0 {
		t.Fatalf("no audit entry with %q (%v)", s, err)
	}
	return found
}

// TestConcurrentPatientEditsLoseNoAcknowledgedChange races edits of one client by several users,
// each made on the revision it read (If-Match) and retried on 409, with
// relocations in between, and practice profile edits the same way: every acknowledged change is
// in the final state, and nothing answers 5xx.
func TestConcurrentPatientEditsLoseNoAcknowledgedChange(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Teller 0", "111222333")
	path := "/api/v1/patients/" + itoa(sf.patientID)
	// Users of the registered practice: they keep access wherever the client moves.
	editors := []*client{f.gpDoc, f.ts.as(t, f.gp.ID, mgz.RoleEditor), f.ts.as(t, f.gp.ID, mgz.RolePhysician), f.ts.as(t, f.gp.ID, mgz.RoleAdmin, mgz.RoleEditor)}
	const editsEach = 6
	var mu sync.Mutex
	var acked, conflicts, attempts, serverErrors, relocations int
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	var fns []func()
	for _, c := range editors {
		fns = append(fns, func() {
			for done, tries := 0, 0; done < editsEach && tries < 200; tries++ {
				st, etag, body := c.raw("GET", path, nil, "")
				if st != 200 {
					fail("read: %d %s", st, body)
					return
				}
				var p mgz.Patient
				_ = json.Unmarshal(body, &p)
				var n int
				fmt.Sscanf(p.Name, "Teller %d", &n)
				edit := f.client(fmt.Sprintf("Teller %d", n+1))
				edit["location_id"] = p.LocationID
				st, _, body = c.raw("PUT", path, edit, etag)
				mu.Lock()
				attempts++
				switch {
				case st == 200:
					acked++
					done++
				case st == 409:
					conflicts++
				case st >= 500 || st == 0:
					serverErrors++
				}
				mu.Unlock()
				if st != 200 && st != 409 {
					fail("edit: %d %s", st, body)
					return
				}
			}
		})
	}
	// The practice moves the client back and forth meanwhile; a move changes only where the client
	// lives, read inside its transaction, so it never undoes an edit.
	targets := []int64{f.other.ID, f.loc.ID, f.other.ID, f.loc.ID}
	fns = append(fns, func() {
		for _, loc := range targets {
			st, _, body := f.gpDoc.raw("POST", path+"/relocation", map[string]any{"location_id": loc}, "")
			if st != 200 {
				fail("relocation: %d %s", st, body)
				return
			}
			mu.Lock()
			relocations++
			mu.Unlock()
		}
	})
	// Two editors of the practice add postcode areas to its profile at once.
	pp := "/api/v1/practices/" + itoa(f.gp.ID) + "/profile"
	ed1, ed2 := f.ts.as(t, f.gp.ID, mgz.RoleEditor), f.ts.as(t, f.gp.ID, mgz.RoleAdmin, mgz.RoleEditor)
	if st, _, body := ed1.raw("PUT", pp, map[string]any{"capacity": "open", "postcode_areas": []string{}}, ""); st != 200 {
		t.Fatalf("first profile: %d %s", st, body)
	}
	var areasAcked []string
	for w, c := range []*client{ed1, ed2} {
		fns = append(fns, func() {
			for i := 0; i < 5; i++ {
				area := fmt.Sprintf("%d", 9100+w*100+i)
				for tries := 0; tries < 100; tries++ {
					st, etag, body := c.raw("GET", pp, nil, "")
					var cur mgz.PracticeProfile
					if st != 200 || json.Unmarshal(body, &cur) != nil {
						fail("profile read: %d %s", st, body)
						return
					}
					st, _, body = c.raw("PUT", pp, map[string]any{"capacity": "open", "postcode_areas": append(cur.PostcodeAreas, area)}, etag)
					if st == 200 {
						mu.Lock()
						areasAcked = append(areasAcked, area)
						mu.Unlock()
						break
					}
					if st != 409 {
						fail("profile edit: %d %s", st, body)
						return
					}
				}
			}
		})
	}
	parallel(fns...)
	for _, m := range failures {
		t.Error(m)
	}
	stored, err := f.ts.db.Store().Patients().Patient(context.Background(), sf.patientID)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscanf(stored.Name, "Teller %d", &n)
	if n != acked {
		t.Errorf("%d edits acknowledged, the client holds %d: %d lost", acked, n, acked-n)
	}
	if stored.LocationID == nil || *stored.LocationID != targets[len(targets)-1] {
		t.Errorf("the last acknowledged move went to %d, the client lives at %v", targets[len(targets)-1], stored.LocationID)
	}
	if int64(n+relocations+1) != stored.Revision {
		t.Errorf("revision %d after %d edits and %d moves", stored.Revision, n, relocations)
	}
	profile, _ := f.ts.db.Store().Patients().PracticeProfile(context.Background(), f.gp.ID)
	lostAreas := 0
	for _, a := range areasAcked {
		if !slices.Contains(profile.PostcodeAreas, a) {
			lostAreas++
		}
	}
	if lostAreas > 0 || len(areasAcked) != 10 {
		t.Errorf("profile: %d areas acknowledged of 10, %d lost", len(areasAcked), lostAreas)
	}
	t.Logf("patient: %d edit attempts, %d acknowledged, %d refused as stale (409), %d lost, %d moves acknowledged, 5xx %d; profile: %d edits acknowledged, %d lost",
		attempts, acked, conflicts, acked-n, relocations, serverErrors, len(areasAcked), lostAreas)
}

// The clients page names each client's location and practice, read by id: with more locations
// than one list page holds (a national register), a client living at the last location by name
// still shows where it lives.
func TestClientsPageNamesTheLocationOfEveryClientInALargeRegister(t *testing.T) {
	f := newPatientFixture(t)
	last := f.manyLocations(t)
	c := f.client("Mevrouw Achteraan")
	c["location_id"] = last.ID
	if r := f.carer.do(t, "POST", "/api/v1/patients", c); r.status != 201 {
		t.Fatalf("client at the last location: %d %s", r.status, r.body)
	}
	body := string(f.carer.do(t, "GET", "/clienten?q=Achteraan", nil).body)
	if !strings.Contains(body, "Mevrouw Achteraan") || !strings.Contains(body, last.Name) {
		t.Errorf("the clients page does not say the client lives at %q", last.Name)
	}
}

// TestClientPageNamesItsPracticeAndLocationInALargeRegister: the client's page named its
// practice and location from the first 500 organisations and locations of the register, so at
// national scale (5,000 practices, 10,000 locations) most clients' pages showed empty names. It
// reads what it names by id.
// manyLocations adds mgz.MaxLimit+1 locations named "Zzz-woning NNN" of the fixture's provider,
// more than one page of the register, and returns the last.
func (f *patientFixture) manyLocations(t *testing.T) mgz.Location {
	t.Helper()
	ctx := context.Background()
	var last mgz.Location
	err := f.ts.reg.Atomic(ctx, func(reg mgz.RegisterService) error {
		for i := range mgz.MaxLimit + 1 {
			l := mgz.Location{ProviderID: f.provider.ID, Name: fmt.Sprintf("Zzz-woning %03d", i), Address: "Laan 2", Postcode: "9900 AB",
				Municipality: "Teststad", Setting: mgz.SettingClusteredHousing, Sector: f.loc.Sector,
				Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 10}
			if err := reg.CreateLocation(ctx, &l); err != nil {
				return err
			}
			last = l
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return last
}

// TestRelocationAndRegistrationFindEveryLocationInALargeRegister: the choice of location on the
// relocation and registration pages listed the first 500 locations only. With more, the page
// says so and offers a search that finds any location, and a chosen location is always an option.
func TestRelocationAndRegistrationFindEveryLocationInALargeRegister(t *testing.T) {
	f := newPatientFixture(t)
	last := f.manyLocations(t)
	c := f.client("Mevrouw Verhuist")
	var p mgz.Patient
	f.carer.do(t, "POST", "/api/v1/patients", c).json(t, &p)
	option := `<option value="` + itoa(last.ID) + `"`
	for _, page := range []struct {
		who  *client
		path string
	}{{f.carer, "/clienten/" + itoa(p.ID) + "/verhuizen"}, {f.gpDoc, "/inschrijven"}} {
		body := string(page.who.do(t, "GET", page.path, nil).body)
		if !strings.Contains(body, "locaties passen") || !strings.Contains(body, `name="zoek"`) {
			t.Errorf("%s with more locations than one list does not say so and offer a search", page.path)
		}
		if strings.Contains(body, option) {
			t.Fatalf("%s lists the 502nd location without a search; the test needs a register larger than one list", page.path)
		}
		body = string(page.who.do(t, "GET", page.path+"?zoek="+url.QueryEscape("woning 500"), nil).body)
		if !strings.Contains(body, option) || strings.Contains(body, "locaties passen") {
			t.Errorf("%s?zoek=woning 500 does not offer %q alone", page.path, last.Name)
		}
	}
	body := string(f.carer.do(t, "GET", "/clienten/"+itoa(p.ID)+"/verhuizen?naar="+itoa(last.ID), nil).body)
	if !strings.Contains(body, option+" selected") || !strings.Contains(body, "Naar "+last.Name) {
		t.Errorf("the relocation page does not keep the chosen location %q as an option", last.Name)
	}
}

func TestClientPageNamesItsPracticeAndLocationInALargeRegister(t *testing.T) {
	f := newPatientFixture(t)
	ctx := context.Background()
	var practice mgz.Organisation
	last := f.manyLocations(t)
	err := f.ts.reg.Atomic(ctx, func(reg mgz.RegisterService) error {
		for i := range mgz.MaxLimit + 1 {
			o := mgz.Organisation{Kind: mgz.KindCareProvider, Name: fmt.Sprintf("Zzz-zorg %03d", i), KvK: fmt.Sprintf("880%05d", i),
				Address: "Weg 1", Postcode: "9901 AB", City: "Teststad", Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
			if err := reg.CreateOrganisation(ctx, &o); err != nil {
				return err
			}
		}
		practice = mgz.Organisation{Kind: mgz.KindGPPractice, Name: "Zzzz Praktijk Achteraan", AGB: "01009999", KvK: "77009999",
			Address: "Weg 1", Postcode: "9901 AB", City: "Teststad", Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
		return reg.CreateOrganisation(ctx, &practice)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := mgz.Patient{Name: "Mevrouw Achteraan", BirthDate: mgz.NewDate(1940, 1, 2), HomePostcode: "9900 AB", Sector: f.loc.Sector,
		Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, Delivery: mgz.DeliveryVPT, LocationID: &last.ID,
		GPPracticeID: &practice.ID, LeadPhysician: mgz.LeadGP, LeadPhysicianOrgID: &practice.ID}
	if err := f.ts.db.Store().Patients().CreatePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	doc := f.ts.as(t, practice.ID, mgz.RolePhysician)
	body := string(doc.do(t, "GET", "/clienten/"+itoa(p.ID), nil).body)
	for _, want := range []string{">" + practice.Name + "<", ">" + last.Name + "<"} {
		if !strings.Contains(body, want) {
			t.Errorf("the client's page does not name %q", want)
		}
	}
}
