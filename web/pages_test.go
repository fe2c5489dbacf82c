package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestEveryPageRendersWithTheDemoRegion(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	orgs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	cps, _, _ := ts.reg.ContactPoints(ctx, mgz.ContactPointFilter{Page: mgz.Page{Limit: 1}})
	// Pages that change data are shown to who may change it: the RHO keeps the organisations,
	// a care provider its locations and contact points.
	editors := map[int64]*client{}
	editor := func(org int64) *client {
		if editors[org] == nil {
			editors[org] = ts.as(t, org, mgz.RoleEditor)
		}
		return editors[org]
	}
	cpOwner := *cps[0].OrganisationID
	type visit struct {
		c    *client
		path string
	}
	visits := []visit{}
	for _, p := range []string{"/", "/organisaties", "/organisaties?q=linde&soort=gp_practice", "/organisaties/nieuw",
		"/locaties", "/locaties?zonder-vaste-huisarts=1&zonder-voorwacht=1&sector=elderly&woonvorm=clustered_housing",
		"/instellingen", "/wie-is-verantwoordelijk", "/account", "/account/wachtwoord", "/gebruikers", "/gebruikers/" + itoa(ts.user.ID),
		"/audit", "/audit?van=2026-01-01&tot=2026-12-31"} {
		visits = append(visits, visit{ts.client, p})
	}
	visits = append(visits, visit{editor(cpOwner), "/contactpunten/nieuw?organisatie=" + itoa(cpOwner)},
		visit{editor(cpOwner), "/contactpunten/" + itoa(cps[0].ID) + "/bewerken"},
		visit{editor(cpOwner), "/contactpunten/" + itoa(cps[0].ID) + "/verwijderen"})
	for _, o := range orgs {
		visits = append(visits, visit{ts.client, "/organisaties/" + itoa(o.ID)}, visit{ts.client, "/organisaties/" + itoa(o.ID) + "/bewerken"})
		if o.ID != ts.rho.ID {
			visits = append(visits, visit{ts.client, "/organisaties/" + itoa(o.ID) + "/verwijderen"})
		}
	}
	for _, l := range locs {
		c := editor(l.ProviderID)
		visits = append(visits, visit{ts.client, "/locaties/" + itoa(l.ID)}, visit{c, "/locaties/" + itoa(l.ID) + "/bewerken"},
			visit{c, "/locaties/" + itoa(l.ID) + "/verwijderen"}, visit{c, "/locaties/nieuw"})
	}
	for _, v := range visits {
		r := v.c.do(t, "GET", v.path, nil)
		if r.status != 200 {
			t.Errorf("GET %s = %d", v.path, r.status)
			continue
		}
		body := string(r.body)
		if !strings.Contains(body, `<html lang="nl">`) || !strings.Contains(body, "<h1") || !strings.Contains(body, `href="#inhoud"`) {
			t.Errorf("GET %s: not a complete Dutch page with a heading and skip link", v.path)
		}
		// Every input, select and textarea has a label.
		for _, m := range regexp.MustCompile(`<(?:input|select|textarea) id="([^"]+)"`).FindAllStringSubmatch(body, -1) {
			if !strings.Contains(body, `for="`+m[1]+`"`) {
				t.Errorf("GET %s: field %s has no label", v.path, m[1])
			}
		}
	}
	r := ts.do(t, "GET", "/", nil)
	for _, want := range []string{"Locaties zonder vaste huisarts", "Locaties zonder voorwacht", "Het Dorpshuis", "huisartsenpraktijken"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	if r := ts.do(t, "GET", "/bestaat-niet", nil); r.status != 404 || !strings.Contains(string(r.body), "bestaat niet") {
		t.Errorf("unknown page = %d, want a Dutch 404 page", r.status)
	}
	if r := ts.do(t, "GET", "/locaties/999999", nil); r.status != 404 {
		t.Errorf("unknown location page = %d, want 404", r.status)
	}
}

func TestLocationFormKeepsInputAndShowsErrorAtTheField(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	provs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	pc := ts.as(t, provs[0].ID, mgz.RoleEditor)
	before := count(t, ts)
	form := url.Values{"provider_id": {itoa(provs[0].ID)}, "name": {"Woonvorm Formuliertest"}, "address": {"Testlaan 3"},
		"postcode": {"0123 XY"}, "municipality": {"Voorbeeldstad"}, "setting": {"clustered_housing"}, "sector": {"elderly"},
		"deliveries": {"vpt", "mpt"}, "places": {"twaalf"}}
	r := pc.postForm(t, "/locaties", form)
	if r.status != 422 {
		t.Fatalf("status = %d, want 422", r.status)
	}
	body := string(r.body)
	for _, want := range []string{
		`id="f-postcode-error"`, "Postcode “0123 XY” klopt niet", `value="0123 XY"`, `aria-invalid="true"`,
		`id="f-places-error"`, "geheel getal", `value="Woonvorm Formuliertest"`, `value="vpt" checked`, `href="#f-postcode"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("refused form lacks %q", want)
		}
	}
	if n := count(t, ts); n != before {
		t.Fatalf("refused form stored something: %d records, was %d", n, before)
	}

	form.Set("postcode", "9901 xy")
	form.Set("places", "12")
	r = pc.postForm(t, "/locaties", form)
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/locaties/") {
		t.Fatalf("corrected form: status %d, Location %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	page := pc.do(t, "GET", r.header.Get("Location"), nil)
	if !strings.Contains(string(page.body), "9901 XY") || !strings.Contains(string(page.body), "De nieuwe gegevens zijn opgeslagen.") {
		t.Fatalf("detail page after saving lacks the normalised postcode or the notice")
	}
}

func TestOrganisationFormsCreateEditAndRefuseDelete(t *testing.T) {
	ts := newTestServer(t, false)
	form := url.Values{"kind": {"care_provider"}, "name": {"Zorg Formulier"}, "kvk": {"1234"}, "address": {"Weg 1"},
		"postcode": {"9901 AB"}, "city": {"Voorbeeldstad"}, "phone": {"0120 123456"}, "care_office_region": {"Regio Voorbeeld"}}
	r := ts.postForm(t, "/organisaties", form)
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-kvk-error"`) {
		t.Fatalf("wrong KvK: status %d, no error at the field", r.status)
	}
	form.Set("kvk", "12345678")
	r = ts.postForm(t, "/organisaties", form)
	if r.status != 303 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	orgPath := r.header.Get("Location")
	orgPath = orgPath[:strings.Index(orgPath, "?")]
	form.Set("name", "Zorg Formulier Hernoemd")
	if r := ts.postForm(t, orgPath, form); r.status != 303 {
		t.Fatalf("edit: %d", r.status)
	}
	id := strings.TrimPrefix(orgPath, "/organisaties/")
	pid, _ := strconv.ParseInt(id, 10, 64)
	pc := ts.as(t, pid, mgz.RoleEditor)
	loc := url.Values{"provider_id": {id}, "name": {"Locatie"}, "address": {"a 1"}, "postcode": {"9901 AB"}, "municipality": {"m"},
		"setting": {"institution"}, "sector": {"elderly"}, "deliveries": {"stay_with_treatment"}, "places": {"10"}}
	if r := ts.postForm(t, "/locaties", loc); r.status != 403 {
		t.Fatalf("the RHO adds a location of a provider: %d, want 403", r.status)
	}
	if r := pc.postForm(t, "/locaties", loc); r.status != 303 {
		t.Fatalf("location: %d %s", r.status, r.body)
	}
	r = ts.postForm(t, orgPath+"/verwijderen", url.Values{})
	if r.status != 409 || !strings.Contains(string(r.body), "locatie(s)") {
		t.Fatalf("delete provider with a location: %d, want 409 with a Dutch explanation", r.status)
	}
	cp := url.Values{"organisation_id": {id}, "role": {"first_line"}, "phone": {"06-12345678"}, "hours": {"24_7"}}
	if r := pc.postForm(t, "/contactpunten", cp); r.status != 303 || r.header.Get("Location") != orgPath+"?melding=opgeslagen" {
		t.Fatalf("contact point: %d %q", r.status, r.header.Get("Location"))
	}
	page := ts.do(t, "GET", orgPath, nil)
	if !strings.Contains(string(page.body), "06 1234 5678") || !strings.Contains(string(page.body), "Zorg Formulier Hernoemd") {
		t.Fatalf("organisation page lacks the contact point or new name")
	}
}
