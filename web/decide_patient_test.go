package web_test

import (
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// decision is the part of a decision these tests read.
type decision struct {
	Classification struct {
		Group string `json:"group"`
		Lead  string `json:"lead"`
	} `json:"classification"`
	Route struct {
		Steps []struct {
			Role    string `json:"role"`
			Mode    string `json:"mode"`
			Contact *struct {
				Organisation string `json:"organisation"`
				Phone        string `json:"phone"`
			} `json:"contact"`
		} `json:"steps"`
	} `json:"route"`
	Warnings []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"warnings"`
}

func (d decision) warned(code string) bool {
	for _, w := range d.Warnings {
		if w.Code == code && w.Message != "" {
			return true
		}
	}
	return false
}

func (d decision) step(role string) (org string, ok bool) {
	for _, s := range d.Route.Steps {
		if s.Role == role {
			if s.Contact != nil {
				return s.Contact.Organisation, true
			}
			return "", true
		}
	}
	return "", false
}

// createClient stores a client through the service as the command line would.
func createClient(t *testing.T, ts *testServer, p mgz.Patient) mgz.Patient {
	t.Helper()
	if p.Name == "" {
		p.Name = "Mevrouw Beslis"
	}
	p.BirthDate, p.WlzSource, p.WlzCheckedOn = mgz.NewDate(1938, 5, 14), mgz.WlzSourceVECOZO, mgz.NewDate(2026, 11, 20)
	if err := ts.svc.CreatePatient(context.Background(), service.System(), &p); err != nil {
		t.Fatalf("creating the client: %v", err)
	}
	return p
}

func orgByName(t *testing.T, ts *testServer, kind mgz.OrgKind, name string) mgz.Organisation {
	t.Helper()
	os, _, err := ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: kind, Query: name, Page: mgz.Page{Limit: 2}})
	if err != nil || len(os) != 1 {
		t.Fatalf("demo organisation %q: %d found, %v", name, len(os), err)
	}
	return os[0]
}

func locByName(t *testing.T, ts *testServer, name string) mgz.Location {
	t.Helper()
	ls, _, err := ts.reg.Locations(context.Background(), mgz.LocationFilter{Query: name, Page: mgz.Page{Limit: 2}})
	if err != nil || len(ls) != 1 {
		t.Fatalf("demo location %q: %d found, %v", name, len(ls), err)
	}
	return ls[0]
}

// TestDecideAPIForAClient checks "decisions from the register" (contract.md, patient_id): the
// situation, location, own practice and lead physician come from the client's record, and the
// register wins over the request, with a warning.
func TestDecideAPIForAClient(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: mgz.MaxLimit}})
	regenboog := locByName(t, ts, "Woonvorm De Regenboog") // disability, AVG-dienst De Brugwachter
	boomgaard := locByName(t, ts, "Woonzorg De Boomgaard") // elderly, SO service
	so := orgByName(t, ts, mgz.KindPhysicianService, "Ouderengeneeskunde Voorbeeld")
	avg := orgByName(t, ts, mgz.KindPhysicianService, "De Brugwachter")
	var ownGP mgz.Organisation // a practice that is not the location's fixed GP
	for _, g := range gps {
		if boomgaard.FixedGPPracticeID == nil || g.ID != *boomgaard.FixedGPPracticeID {
			ownGP = g
			break
		}
	}
	officeAt, nightAt := "2026-09-09T14:00:00+02:00", "2026-09-09T03:00:00+02:00"
	ask := func(t *testing.T, c *client, body map[string]any) decision {
		t.Helper()
		r := c.do(t, "POST", "/api/v1/decide", body)
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var d decision
		r.json(t, &d)
		return d
	}
	question := func(cat, at string) map[string]any { return map[string]any{"category": cat, "at": at} }
	// Care workers of the providers and a physician of the client's practice: parties in the care.
	regenboogCarer := ts.as(t, regenboog.ProviderID, mgz.RoleEditor)
	boomgaardCarer := ts.as(t, boomgaard.ProviderID, mgz.RoleEditor)
	ownDoc := ts.as(t, ownGP.ID, mgz.RolePhysician)

	t.Run("elderly client at a disability location: the SO step names an SO service, never the AVG service", func(t *testing.T) {
		p := createClient(t, ts, mgz.Patient{LocationID: &regenboog.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT})
		d := ask(t, regenboogCarer, map[string]any{"patient_id": strconv.FormatInt(p.ID, 10), "question": question("condition_treatment", nightAt)})
		org, ok := d.step("elderly_care_physician")
		if !ok {
			t.Fatalf("no elderly_care_physician step: %+v", d.Route.Steps)
		}
		if org != so.Name || org == avg.Name {
			t.Errorf("the SO step names %q, want the SO service %q", org, so.Name)
		}
		if _, ok := d.step("id_physician"); ok {
			t.Error("an elderly client is routed to the AVG")
		}
	})

	t.Run("a request that contradicts the register is answered from the register, with register_overrides_request", func(t *testing.T) {
		p := createClient(t, ts, mgz.Patient{LocationID: &boomgaard.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT, GPPracticeID: &ownGP.ID})
		d := ask(t, boomgaardCarer, map[string]any{"patient_id": strconv.FormatInt(p.ID, 10),
			"situation":   map[string]any{"setting": "institution", "wlz": "with_treatment", "delivery": "stay_with_treatment", "sector": "disability"},
			"location_id": strconv.FormatInt(regenboog.ID, 10), "question": question("gp_care", officeAt)})
		if d.Classification.Group != "at_provider" {
			t.Errorf("group %q, want at_provider (the register: clustered housing, without treatment, vpt)", d.Classification.Group)
		}
		if !d.warned("register_overrides_request") {
			t.Errorf("no register_overrides_request warning: %+v", d.Warnings)
		}
		if org, _ := d.step("first_line"); org == "" {
			t.Errorf("the voorwacht step names no organisation of the client's location: %+v", d.Route.Steps)
		}
	})

	t.Run("the gp step names the client's own registered practice", func(t *testing.T) {
		p := createClient(t, ts, mgz.Patient{LocationID: &boomgaard.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT, GPPracticeID: &ownGP.ID})
		d := ask(t, boomgaardCarer, map[string]any{"patient_id": strconv.FormatInt(p.ID, 10), "question": question("gp_care", officeAt)})
		if org, _ := d.step("gp"); org != ownGP.Name {
			t.Errorf("gp step names %q, want the client's practice %q", org, ownGP.Name)
		}
		if d.warned("register_overrides_request") {
			t.Errorf("a request without a situation contradicts nothing: %+v", d.Warnings)
		}
	})

	t.Run("an SO who took the lead at home is named as lead and called first (L-Rol 1)", func(t *testing.T) {
		p := createClient(t, ts, mgz.Patient{HomePostcode: "1234 AB", Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT,
			GPPracticeID: &ownGP.ID, LeadPhysician: mgz.LeadElderlyCarePhysician, LeadPhysicianOrgID: &so.ID})
		d := ask(t, ownDoc, map[string]any{"patient_id": strconv.FormatInt(p.ID, 10), "question": question("behaviour", officeAt)})
		if d.Classification.Lead != "elderly_care_physician" {
			t.Errorf("lead %q, want elderly_care_physician", d.Classification.Lead)
		}
		if len(d.Route.Steps) != 2 || d.Route.Steps[0].Role != "elderly_care_physician" || d.Route.Steps[0].Mode != "call" ||
			d.Route.Steps[1].Role != "gp" || d.Route.Steps[1].Mode != "inform" {
			t.Errorf("steps %+v, want the SO called first and the GP informed", d.Route.Steps)
		}
		if org, _ := d.step("elderly_care_physician"); org != so.Name {
			t.Errorf("the SO step names %q, want the lead's service %q", org, so.Name)
		}
	})

	t.Run("a client the caller may not see is answered like one that does not exist: 404", func(t *testing.T) {
		p := createClient(t, ts, mgz.Patient{LocationID: &boomgaard.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT, GPPracticeID: &ownGP.ID})
		var stranger mgz.Organisation // a practice that is not the client's
		for _, g := range gps {
			if g.ID != ownGP.ID && (boomgaard.FixedGPPracticeID == nil || g.ID != *boomgaard.FixedGPPracticeID) {
				stranger = g
				break
			}
		}
		c := ts.as(t, stranger.ID, mgz.RolePhysician)
		hidden := c.do(t, "POST", "/api/v1/decide", map[string]any{"patient_id": strconv.FormatInt(p.ID, 10), "question": question("gp_care", officeAt)})
		wantError(t, hidden, 404, "not_found", "patient_id")
		missing := c.do(t, "POST", "/api/v1/decide", map[string]any{"patient_id": "99999999", "question": question("gp_care", officeAt)})
		wantError(t, missing, 404, "not_found", "patient_id")
		if string(hidden.body) != string(missing.body) {
			t.Errorf("an unseen client and a missing one are answered differently:\n%s\n%s", hidden.body, missing.body)
		}
	})

	t.Run("the page answers for the client from the client page's link, with the register's warnings", func(t *testing.T) {
		p := createClient(t, ts, mgz.Patient{LocationID: &boomgaard.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT, GPPracticeID: &ownGP.ID})
		id := strconv.FormatInt(p.ID, 10)
		page := boomgaardCarer.do(t, "GET", "/clienten/"+id, nil)
		if !strings.Contains(string(page.body), `href="/wie-is-verantwoordelijk?client=`+id+`"`) {
			t.Errorf("the client page does not link to the answer for this client")
		}
		q := url.Values{"patient_id": {id}, "category": {"gp_care"}, "at": {"2026-09-09T14:00"}, "setting": {"institution"}}
		r := boomgaardCarer.do(t, "GET", "/wie-is-verantwoordelijk?"+q.Encode(), nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, html.EscapeString(ownGP.Name)) || !strings.Contains(body, "spreekt het register tegen") {
			t.Errorf("status %d; the page lacks the client's practice %q or the override warning", r.status, ownGP.Name)
		}
		stranger := ts.as(t, gps[len(gps)-1].ID, mgz.RolePhysician)
		if gps[len(gps)-1].ID == ownGP.ID {
			t.Fatal("test set-up: the stranger is the client's practice")
		}
		if r := stranger.do(t, "GET", "/wie-is-verantwoordelijk?"+q.Encode(), nil); r.status != 404 {
			t.Errorf("a client the caller may not see: page status %d, want 404", r.status)
		}
	})
}

// TestOutOfHoursArrangementIsRecordedInTheRegister: a care provider records how GP care out of hours
// is arranged for clients with treatment (contact point role gp_out_of_hours with an arrangement),
// over the API and on the contact point page; the decision for a client with treatment at night
// then names that arrangement.
func TestOutOfHoursArrangementIsRecordedInTheRegister(t *testing.T) {
	ts := newTestServer(t, true)
	loc := locByName(t, ts, "Verpleeghuis Testerveen") // with treatment, no arrangement in the demo
	carer := ts.as(t, loc.ProviderID, mgz.RoleEditor)
	missing := map[string]any{"location_id": loc.ID, "role": "gp_out_of_hours", "hours": "out_of_hours", "phone": "0301234567"}
	wantError(t, carer.do(t, "POST", "/api/v1/contact-points", missing), 422, "invalid_request", "arrangement")
	cp := map[string]any{"location_id": loc.ID, "role": "gp_out_of_hours", "hours": "out_of_hours", "phone": "0301234567",
		"arrangement": "commercial", "name": "Artsendienst Nacht BV"}
	r := carer.do(t, "POST", "/api/v1/contact-points", cp)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var got mgz.ContactPoint
	r.json(t, &got)
	if got.Arrangement != mgz.ArrangementCommercial {
		t.Errorf("stored arrangement %q", got.Arrangement)
	}
	form := carer.do(t, "GET", "/contactpunten/"+strconv.FormatInt(got.ID, 10)+"/bewerken", nil)
	if !strings.Contains(string(form.body), `<option value="commercial" selected>`) {
		t.Errorf("the contact point page does not show the arrangement")
	}
	var d decision
	r = carer.do(t, "POST", "/api/v1/decide", map[string]any{"location_id": strconv.FormatInt(loc.ID, 10),
		"situation": map[string]any{"setting": "institution", "wlz": "with_treatment", "delivery": "stay_with_treatment", "sector": "elderly"},
		"question":  map[string]any{"category": "gp_care", "at": "2026-09-09T03:00:00+02:00"}})
	r.json(t, &d)
	if org, _ := d.step("care_provider_out_of_hours"); org == "" || !strings.Contains(string(r.body), "Commerciële partij") {
		t.Errorf("the night answer does not follow the recorded arrangement: %s", r.body)
	}
}
