package web_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
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

	// The document of version 1 (signed by all) is the same every time, as HTML and as PDF.
	html := practice.do(t, "GET", path+"/document?versie=1", nil)
	if html.status != 200 || !strings.Contains(string(html.body), provs[0].Name) || !strings.Contains(string(html.body), "Protocol infectiepreventie") ||
		!strings.HasPrefix(html.header.Get("Content-Security-Policy"), "default-src 'none'") || strings.Contains(string(html.body), "<script") {
		t.Fatalf("HTML document: %d, CSP %q", html.status, html.header.Get("Content-Security-Policy"))
	}
	pdf1 := practice.do(t, "GET", api+"/document?format=pdf&version=1", nil)
	pdf2 := provider.do(t, "GET", path+"/document.pdf?versie=1", nil)
	if pdf1.status != 200 || pdf1.header.Get("Content-Type") != "application/pdf" || !bytes.Equal(pdf1.body, pdf2.body) {
		t.Fatalf("PDF: %d %q, reproducible %v", pdf1.status, pdf1.header.Get("Content-Type"), bytes.Equal(pdf1.body, pdf2.body))
	}
	wantError(t, outsider.do(t, "GET", api+"/document?format=pdf", nil), 404, "not_found")
	text := pdfText(t, pdf1.body)
	for _, want := range []string{provs[0].Name, gps[0].Name, posts[0].Name, "Protocol infectiepreventie", "Pagina 1 van"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils). Without it the test is skipped,
// except under CI=true, where .ci/run installs it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but pdftotext is missing: .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	cmd := exec.Command(bin, "-raw", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ") // table cells wrap: compare words
}
