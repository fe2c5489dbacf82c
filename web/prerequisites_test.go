package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// multipartItem builds the form of one prerequisite with an optional file.
func multipartItem(t *testing.T, fields map[string]string, fileName string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatalf("writing form field %s: %v", k, err)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("document", fileName)
		if err != nil {
			t.Fatalf("adding file %s to the form: %v", fileName, err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatalf("writing file %s into the form: %v", fileName, err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatalf("closing the multipart form: %v", err)
	}
	return &buf, mw.FormDataContentType()
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestPrerequisitesChecklistDocumentsAndHistory(t *testing.T) {
	ts := newTestServer(t, true)
	// A provider whose register backs every checkable item (a 24/7 voorwacht, a behaviour
	// specialist, an SO/AVG service, the region's GP post): an item met against the register is
	// not ready (see web/prereq_consistency_test.go).
	provs := demoOrgs(t, ts, mgz.KindCareProvider, 8)
	for _, p := range provs {
		if p.Name == "Zorggroep Voorbeeld" {
			provs = []mgz.Organisation{p}
		}
	}
	loc := demoLocations(t, ts, mgz.LocationFilter{ProviderID: provs[0].ID}, 1)[0]
	pc := ts.as(t, provs[0].ID, mgz.RoleEditor)
	gps := demoOrgs(t, ts, mgz.KindGPPractice, 1)
	gp := ts.as(t, gps[0].ID, mgz.RoleViewer)
	base := "/api/v1/locations/" + itoa(loc.ID) + "/prerequisites"

	var rd mgz.Readiness
	gp.do(t, "GET", base, nil).json(t, &rd)
	if rd.Ready || len(rd.Items) != 11 || len(rd.Open) != 10 {
		t.Fatalf("nothing recorded: ready %v, %d items, %d open", rd.Ready, len(rd.Items), len(rd.Open))
	}

	// Every required item met, one with a PDF, one ending soon.
	for _, d := range mgz.Prerequisites {
		if d.Strength != mgz.Required {
			continue
		}
		body := map[string]any{"status": "met", "note": "Op orde volgens de kwaliteitsmanager."}
		if d.Key == mgz.PrereqPhysicianContract {
			body["valid_until"] = "2026-12-01"
		}
		if r := pc.do(t, "POST", base+"/"+string(d.Key), body); r.status != 201 {
			t.Fatalf("record %s: %d %s", d.Key, r.status, r.body)
		}
	}
	buf, ct := multipartItem(t, map[string]string{"status": "met"}, "wzd-protocol.pdf", pdf)
	req := newRequest(t, "POST", ts.URL+base+"/wzd_protocol", buf)
	req.Header.Set("Content-Type", ct)
	r := pc.send(t, req)
	if r.status != 201 {
		t.Fatalf("record with a PDF: %d %s", r.status, r.body)
	}
	var withDoc mgz.PrerequisiteItem
	r.json(t, &withDoc)
	if withDoc.DocumentID == nil || withDoc.ConfirmedByName != pc.user.Name {
		t.Fatalf("recorded item %+v: no document or confirmer", withDoc)
	}

	gp.do(t, "GET", base, nil).json(t, &rd)
	if !rd.Ready {
		t.Fatalf("§5 all required items met, yet not ready: open %v", rd.Open)
	}

	// Documents are judged by their content and their size; nothing is stored when refused.
	for _, tc := range []struct {
		name    string
		content []byte
	}{
		{"text posing as a PDF", []byte("dit is geen pdf maar tekst")},
		{"empty", nil},
		{"too large", append(append([]byte{}, pdf...), bytes.Repeat([]byte{' '}, mgz.MaxDocumentSize)...)},
	} {
		buf, ct := multipartItem(t, map[string]string{"status": "met"}, "protocol.pdf", tc.content)
		req := newRequest(t, "POST", ts.URL+base+"/infection_protocol", buf)
		req.Header.Set("Content-Type", ct)
		wantError(t, pc.send(t, req), 422, "invalid_request", "document")
	}

	// The document is a download for those who may read the checklist, and for nobody else.
	dl := gp.do(t, "GET", "/api/v1/prerequisite-documents/"+itoa(*withDoc.DocumentID), nil)
	if dl.status != 200 || !bytes.Equal(dl.body, pdf) || dl.header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %q %q", dl.status, dl.header.Get("Content-Type"), dl.header.Get("Content-Disposition"))
	}
	posts := demoOrgs(t, ts, mgz.KindGPPost, 1)
	post := ts.as(t, posts[0].ID, mgz.RoleAdmin)
	wantError(t, post.do(t, "GET", "/api/v1/prerequisite-documents/"+itoa(*withDoc.DocumentID), nil), 403, "forbidden")

	// Expired items make the location not ready again; the history keeps every version.
	if r := pc.do(t, "POST", base+"/infection_protocol", map[string]any{"status": "not_met", "note": "Protocol wordt herzien."}); r.status != 201 {
		t.Fatalf("record not met: %d", r.status)
	}
	gp.do(t, "GET", base, nil).json(t, &rd)
	if rd.Ready || len(rd.Open) != 1 || rd.Open[0] != mgz.PrereqInfectionProtocol {
		t.Fatalf("after one item not met: ready %v open %v", rd.Ready, rd.Open)
	}
	var hist struct {
		Items []mgz.PrerequisiteItem `json:"items"`
	}
	gp.do(t, "GET", base+"/history?key=infection_protocol", nil).json(t, &hist)
	if len(hist.Items) != 2 || hist.Items[0].Status != mgz.StatusNotMet || hist.Items[1].Status != mgz.StatusMet {
		t.Fatalf("history %+v, want not_met then met", hist.Items)
	}

	// The location page shows the checklist with the flag for what ends soon.
	page := string(gp.do(t, "GET", "/locaties/"+itoa(loc.ID), nil).body)
	for _, want := range []string{"Randvoorwaarden", "Niet klaar", "Verloopt binnen 30 dagen", "Protocol Wet zorg en dwang", "document"} {
		if !strings.Contains(page, want) {
			t.Errorf("location page lacks %q", want)
		}
	}
	if strings.Contains(page, ">Vastleggen<") || !strings.Contains(page, ">Geschiedenis<") {
		t.Errorf("a GP practice is offered to record the provider's prerequisites, or not their history")
	}
	if item := string(gp.do(t, "GET", "/locaties/"+itoa(loc.ID)+"/randvoorwaarden/infection_protocol", nil).body); strings.Contains(item, `name="status"`) || !strings.Contains(item, "Protocol wordt herzien.") {
		t.Errorf("a GP practice sees the item's history read-only")
	}
	// The form keeps what was typed and names the field.
	r = pc.postForm(t, "/locaties/"+itoa(loc.ID)+"/randvoorwaarden/fixed_team", map[string][]string{"status": {"met"}, "valid_until": {"2026-13-01"}})
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-valid_until-error"`) {
		t.Fatalf("bad form: %d", r.status)
	}
}

func TestAgreementProposalOfALocation(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	insts, _, err := ts.reg.Locations(ctx, mgz.LocationFilter{Setting: mgz.SettingInstitution, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		t.Fatalf("listing the demo's institutions: %v", err)
	}
	var both mgz.Location
	for _, l := range insts {
		if len(l.Deliveries) == 2 {
			both = l
		}
	}
	if both.ID == 0 {
		// The demo region is fixed data: losing this location loses the test's case, so it fails.
		t.Fatal("the demo region has no institution offering both stays (with and without treatment): add one to package demo")
	}
	gps := demoOrgs(t, ts, mgz.KindGPPractice, 1)
	gp := ts.as(t, gps[0].ID, mgz.RoleViewer)
	var out struct {
		Proposals []struct {
			Type    string `json:"type"`
			Reasons []struct {
				Sources []string `json:"sources"`
			} `json:"reasons"`
		} `json:"proposals"`
	}
	gp.do(t, "GET", "/api/v1/locations/"+itoa(both.ID)+"/agreement-proposal", nil).json(t, &out)
	if len(out.Proposals) != 2 || out.Proposals[0].Type != "subcontract" || out.Proposals[1].Type != "cooperation" || len(out.Proposals[0].Reasons) == 0 {
		t.Fatalf("§8 an institution with both kinds of residents needs both agreements: %+v", out.Proposals)
	}
	page := string(gp.do(t, "GET", "/locaties/"+itoa(both.ID), nil).body)
	if !strings.Contains(page, "Onderaannemingsovereenkomst") || !strings.Contains(page, "Samenwerkingsovereenkomst") {
		t.Fatal("the location page does not show both proposed agreements")
	}
}
