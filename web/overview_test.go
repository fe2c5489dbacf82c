package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// overviewRegion adds a care provider with n locations (names "Locatie 0000…") to ts.
func overviewRegion(t *testing.T, ts *testServer, n int) (mgz.Organisation, []mgz.Location) {
	t.Helper()
	ctx := context.Background()
	p := mgz.Organisation{Kind: mgz.KindCareProvider, Name: "Zorggroep Overzicht", KvK: "77000042", Address: "Laan 1",
		Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := ts.reg.CreateOrganisation(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var locs []mgz.Location
	err := ts.reg.Atomic(ctx, func(reg mgz.RegisterService) error {
		for i := range n {
			l := mgz.Location{ProviderID: p.ID, Name: fmt.Sprintf("Locatie %05d", i), Address: "Laan 2", Postcode: "9900 AB",
				Municipality: "Teststad", Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly,
				Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 10}
			if err := reg.CreateLocation(ctx, &l); err != nil {
				return err
			}
			locs = append(locs, l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, locs
}

// insertingWriter is a ResponseWriter that adds a location to the register at its first write:
// an export that streams reads that location in a later batch; one that read everything before
// writing would not have it.
type insertingWriter struct {
	*httptest.ResponseRecorder
	once func()
}

func (w *insertingWriter) Write(p []byte) (int, error) {
	if w.once != nil {
		w.once()
		w.once = nil
	}
	return w.ResponseRecorder.Write(p)
}

func TestOverviewCSVStreamsAndNeutralisesFormulas(t *testing.T) {
	ts := newTestServer(t, false)
	ctx := context.Background()
	p, locs := overviewRegion(t, ts, 1100) // three batches of the export
	locs[0].Name = `=HYPERLINK("http://example.test/x","klik")`
	if err := ts.reg.UpdateLocation(ctx, &locs[0]); err != nil {
		t.Fatal(err)
	}
	rho := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	req := httptest.NewRequest("GET", "/api/v1/overview?format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+rho.token)
	w := &insertingWriter{ResponseRecorder: httptest.NewRecorder(), once: func() {
		l := mgz.Location{ProviderID: p.ID, Name: "Zzz toegevoegd tijdens de export", Address: "Laan 3", Postcode: "9900 AB",
			Municipality: "Teststad", Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly,
			Deliveries: []mgz.Delivery{mgz.DeliveryVPT}}
		if err := ts.reg.CreateLocation(ctx, &l); err != nil {
			t.Error(err)
		}
	}}
	ts.srv.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %q: %s", w.Code, w.Header().Get("Content-Type"), w.Body.String()[:min(200, w.Body.Len())])
	}
	recs, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+1100+1 {
		t.Fatalf("%d records, want the header, 1100 locations and the one added while streaming", len(recs))
	}
	if recs[0][1] != "Locatie" || recs[0][8] != "Klaar" {
		t.Errorf("header: %v", recs[0])
	}
	if last := recs[len(recs)-1][1]; last != "Zzz toegevoegd tijdens de export" {
		t.Errorf("last row %q: the export read the whole region before writing its first row", last)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("a cell a spreadsheet would run: %q", cell)
			}
		}
	}
	found := false
	for _, rec := range recs {
		found = found || rec[1] == `'=HYPERLINK("http://example.test/x","klik")`
	}
	if !found {
		t.Error("the formula-like location name is not in the export, neutralised with a leading '")
	}
}

func TestOverviewAPIPagesByCursor(t *testing.T) {
	ts := newTestServer(t, false)
	_, locs := overviewRegion(t, ts, 7)
	office := mgz.Organisation{Kind: mgz.KindCareOffice, Name: "Zorgkantoor Test", KvK: "77000043", Address: "Laan 1",
		Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := ts.reg.CreateOrganisation(context.Background(), &office); err != nil {
		t.Fatal(err)
	}
	c := ts.as(t, office.ID, mgz.RoleViewer)
	var seen []int64
	after := ""
	for page := 0; ; page++ {
		var body struct {
			Locations int               `json:"locations"`
			Rows      []mgz.OverviewRow `json:"location_rows"`
			Providers []mgz.ProviderTotals
			Quarters  []mgz.QuarterTrend
			Paging    struct {
				Total int
				Next  string
			}
		}
		include := ""
		if page == 0 {
			include = "&include=totals"
		}
		r := c.do(t, "GET", "/api/v1/overview?limit=3&sort=provider&after="+after+include, nil)
		if r.status != 200 {
			t.Fatalf("page %d: %d %s", page, r.status, r.body)
		}
		r.json(t, &body)
		if body.Locations != 7 || body.Paging.Total != 7 {
			t.Fatalf("page %d: counts %d, total %d", page, body.Locations, body.Paging.Total)
		}
		if (page == 0) != (len(body.Providers) == 1 && len(body.Quarters) == 4) {
			t.Errorf("page %d: providers %v, quarters %v (only with include=totals)", page, body.Providers, body.Quarters)
		}
		for _, row := range body.Rows {
			seen = append(seen, row.LocationID)
		}
		if body.Paging.Next == "" {
			break
		}
		after = body.Paging.Next
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 7 || seen[0] != locs[0].ID || seen[6] != locs[6].ID {
		t.Fatalf("rows %v, want the 7 locations in order", seen)
	}
	if r := c.do(t, "GET", "/api/v1/overview?sort=name&after="+after, nil); r.status != 422 {
		t.Errorf("a cursor of another order: %d, want 422", r.status)
	}
	if r := c.do(t, "GET", "/api/v1/overview?status=bijna", nil); r.status != 422 {
		t.Errorf("an unknown status: %d, want 422", r.status)
	}
}

func TestOverviewPageShowsChartsWithTablesAndNoScript(t *testing.T) {
	ts := newTestServer(t, false)
	overviewRegion(t, ts, 3)
	c := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	// Without asking, the page holds the totals and a link to the trends, not the trends.
	plain := string(c.do(t, "GET", "/overzicht", nil).body)
	if strings.Contains(plain, `<caption>Meldingen en gereedheid per kwartaal</caption>`) || !strings.Contains(plain, `href="/overzicht?trends=1#per-kwartaal"`) ||
		!strings.Contains(plain, `<caption>Totalen per zorgaanbieder</caption>`) || strings.Count(plain, "<svg") != 1 {
		t.Errorf("the first page without trends=1 should hold the totals and a link to the trends, not the trends")
	}
	r := c.do(t, "GET", "/overzicht?trends=1", nil)
	if r.status != 200 {
		t.Fatalf("%d", r.status)
	}
	body := string(r.body)
	for _, want := range []string{`<svg`, `role="img"`, `<title id="klaar-per-aanbieder-t">`, `<caption>Totalen per zorgaanbieder</caption>`,
		`<caption>Meldingen en gereedheid per kwartaal</caption>`, `Locatie 00002`, `href="/api/v1/overview?format=csv"`, `Regio-overzicht</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Count(body, "<svg") != 2 || strings.Contains(body[strings.Index(body, "<svg"):], "<script") && strings.Contains(body, "<svg><script") {
		t.Errorf("want two charts without script")
	}
}

// L-Rol 3 on the location page: a planned location opening within 90 days without an active
// cooperation agreement is warned about; once it opened, it is not.
func TestLocationPageWarnsAgreementsBeforeOpening(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ts := newTestServerAt(t, false, now)
	p, locs := overviewRegion(t, ts, 1)
	l := locs[0]
	l.Lifecycle, l.ExpectedOpening = mgz.LifecyclePlanned, mgz.NewDate(2026, 5, 1)
	ctx := context.Background()
	// A location is created open; a planned one is a new location.
	l.ID, l.Name = 0, "Nieuwbouw"
	if err := ts.reg.CreateLocation(ctx, &l); err != nil {
		t.Fatal(err)
	}
	rho := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	page := string(rho.do(t, "GET", "/locaties/"+fmt.Sprint(l.ID), nil).body)
	if !strings.Contains(page, "Afspraken vóór opening") || !strings.Contains(page, "samenwerkingsovereenkomst") {
		t.Errorf("no warning for a planned location opening on 01-05-2026 without agreements")
	}
	editor := ts.as(t, p.ID, mgz.RoleEditor)
	l.Lifecycle = mgz.LifecycleOpen
	if r := editor.do(t, "PUT", "/api/v1/locations/"+fmt.Sprint(l.ID), l); r.status != 200 {
		t.Fatalf("opening the location: %d %s", r.status, r.body)
	}
	page = string(rho.do(t, "GET", "/locaties/"+fmt.Sprint(l.ID), nil).body)
	if strings.Contains(page, "Afspraken vóór opening") {
		t.Errorf("an open location is still warned about")
	}
	if r := editor.do(t, "PUT", "/api/v1/locations/"+fmt.Sprint(l.ID), l); r.status != 409 {
		t.Errorf("an edit on an older revision: %d, want 409", r.status)
	}
	l.Lifecycle, l.Revision = mgz.LifecyclePlanned, 0
	if r := editor.do(t, "PUT", "/api/v1/locations/"+fmt.Sprint(l.ID), l); r.status != 422 {
		t.Errorf("back to planned: %d, want 422", r.status)
	}
}

// At national scale the selection has over a thousand care providers: the page's table per
// provider then shows the 25 with the most locations that are not ready, says how many it leaves
// out and links to all of them; aanbieders=1 shows every provider.
func TestOverviewPageShowsTheProvidersNeedingAttentionFirst(t *testing.T) {
	ts := newTestServer(t, false)
	ctx := context.Background()
	err := ts.reg.Atomic(ctx, func(reg mgz.RegisterService) error {
		for i := range 45 {
			p := mgz.Organisation{Kind: mgz.KindCareProvider, Name: fmt.Sprintf("Aanbieder %03d", i), KvK: fmt.Sprintf("770%05d", i),
				Address: "Laan 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
			if err := reg.CreateOrganisation(ctx, &p); err != nil {
				return err
			}
			// Provider i has i+1 locations, none of them ready: the last ones need the most attention.
			for j := range i + 1 {
				l := mgz.Location{ProviderID: p.ID, Name: fmt.Sprintf("Locatie %03d-%02d", i, j), Address: "Laan 2", Postcode: "9900 AB",
					Municipality: "Teststad", Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly,
					Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 10}
				if err := reg.CreateLocation(ctx, &l); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	body := string(c.do(t, "GET", "/overzicht", nil).body)
	table := body[strings.Index(body, "<caption>Totalen per zorgaanbieder"):]
	table = table[:strings.Index(table, "</table>")]
	if n := strings.Count(table, `data-label="Zorgaanbieder"`); n != 25 {
		t.Fatalf("the table shows %d providers, want 25", n)
	}
	first, last := strings.Index(table, "Aanbieder 044"), strings.Index(table, "Aanbieder 020")
	if first < 0 || last < first || strings.Contains(table, "Aanbieder 019") {
		t.Errorf("want providers 044 down to 020 (most locations not ready first), got %s", table)
	}
	for _, want := range []string{"20 andere zorgaanbieders staan niet in de tabel", `href="/overzicht?aanbieders=1#per-zorgaanbieder"`, "Toon alle 45 zorgaanbieders"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	all := string(c.do(t, "GET", "/overzicht?aanbieders=1", nil).body)
	all = all[strings.Index(all, "<caption>Totalen per zorgaanbieder"):]
	if n := strings.Count(all[:strings.Index(all, "</table>")], `data-label="Zorgaanbieder"`); n != 45 {
		t.Errorf("aanbieders=1 shows %d providers, want 45", n)
	}
	if r := c.do(t, "GET", "/overzicht?aanbieders=misschien", nil); r.status != 422 && r.status != 400 {
		t.Errorf("aanbieders=misschien: %d, want a refusal", r.status)
	}
}
