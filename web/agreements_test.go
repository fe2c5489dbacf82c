package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestAgreementLifecycleOverHTTP(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	provs, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 1}})
	gps, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 2}})
	posts, _, _ := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPost, Page: mgz.Page{Limit: 1}})
	locs, _, _ := ts.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provs[0].ID, Page: mgz.Page{Limit: 1}})
	provider := ts.as(t, provs[0].ID, mgz.RoleEditor)
	practice := ts.as(t, gps[0].ID, mgz.RolePhysician)
	outsider := ts.as(t, gps[1].ID, mgz.RoleAdmin)
	post := ts.as(t, posts[0].ID, mgz.RoleAdmin)

	// The provider drafts through the form; a wrong tariff is named at its field.
	form := url.Values{"type": {"cooperation"}, "provider_id": {itoa(provs[0].ID)}, "practice_id": {itoa(gps[0].ID)}, "gp_post_id": {itoa(posts[0].ID)},
		"location_ids": {itoa(locs[0].ID)}, "start": {"2026-01-01"}, "term_months": {"24"}, "notice_months": {"3"}, "evaluation_months": {"12"}}
	r := provider.postForm(t, "/overeenkomsten", form)
	if r.status != 303 {
		t.Fatalf("draft: %d %s", r.status, r.body)
	}
	path := strings.Split(r.header.Get("Location"), "?")[0]
	id := strings.TrimPrefix(path, "/overeenkomsten/")
	api := "/api/v1/agreements/" + id

	wantError(t, outsider.do(t, "GET", api, nil), 404, "not_found")
	if r := outsider.do(t, "GET", path, nil); r.status != 404 {
		t.Fatalf("a non-party opens the page: %d", r.status)
	}
	wantError(t, practice.do(t, "POST", api+"/sign", map[string]any{"role": "huisarts"}), 409, "conflict")
	if r := provider.postForm(t, path+"/stap/send", url.Values{}); r.status != 303 {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	if r := provider.postForm(t, path+"/stap/sign", url.Values{"role": {"bestuurder"}}); r.status != 303 {
		t.Fatalf("provider signs: %d %s", r.status, r.body)
	}
	var ag mgz.Agreement
	practice.do(t, "POST", api+"/sign", map[string]any{"role": "huisarts-eigenaar"}).json(t, &ag)
	if ag.Status != mgz.AgreementSigning {
		t.Fatalf("two of three signed: %s", ag.Status)
	}
	post.do(t, "POST", api+"/sign", map[string]any{"role": "directeur"}).json(t, &ag)
	if ag.Status != mgz.AgreementActive || len(ag.Signatures) != 3 {
		t.Fatalf("all signed: %+v", ag)
	}
	wantError(t, post.do(t, "POST", api+"/sign", map[string]any{"role": "directeur"}), 409, "conflict")
	post.do(t, "POST", api+"/inform-gp-post", nil).json(t, &ag)
	if ag.GPPostInformedAt == nil {
		t.Fatal("informing the GP post is not recorded")
	}

	// A change makes version 2 with what changed, back to draft.
	ag.NoticeMonths = 6
	provider.do(t, "PUT", api, ag).json(t, &ag)
	var vs struct {
		Items []struct {
			Version int          `json:"version"`
			Changes []mgz.Change `json:"changes"`
		} `json:"items"`
	}
	practice.do(t, "GET", api+"/versions", nil).json(t, &vs)
	if ag.Version != 2 || ag.Status != mgz.AgreementDraft || len(vs.Items) != 2 || len(vs.Items[0].Changes) != 1 {
		t.Fatalf("after a change: version %d %s, versions %+v", ag.Version, ag.Status, vs.Items)
	}
	page := string(practice.do(t, "GET", path, nil).body)
	for _, want := range []string{"Samenwerkingsovereenkomst", "Opzegtermijn (maanden): 3 → 6", "Concept", "Huisartsenpost"} {
		if !strings.Contains(page, want) {
			t.Errorf("agreement page lacks %q", want)
		}
	}
	if r := provider.do(t, "GET", "/api/v1/reminders", nil); r.status != 200 {
		t.Fatalf("reminders: %d", r.status)
	}
	if list := string(provider.do(t, "GET", "/overeenkomsten", nil).body); !strings.Contains(list, "Samenwerkingsovereenkomst") {
		t.Fatal("the list of agreements lacks the agreement")
	}
}
