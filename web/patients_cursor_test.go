package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// TestPatientListContinuesByCursorInTheAPIAndOnThePage: GET /api/v1/patients answers a
// next_cursor that continues the list (every client once, the total unchanged), a tampered cursor
// is refused as invalid input naming "cursor", and the clients page links "Volgende pagina" with
// the cursor as a plain link.
func TestPatientListContinuesByCursorInTheAPIAndOnThePage(t *testing.T) {
	f := newCardFixture(t, christmasNight)
	for i := range 5 {
		createClient(t, f.ts, mgz.Patient{Name: fmt.Sprintf("Cliënt Cursor %02d", i), LocationID: &f.loc.ID,
			Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT})
	}
	seen := map[int64]bool{}
	path := "/api/v1/patients?limit=2"
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the list does not end")
		}
		r := f.carer.do(t, "GET", path, nil)
		if r.status != 200 {
			t.Fatalf("%s: status %d: %s", path, r.status, r.body)
		}
		var l struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Total      int    `json:"total"`
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(r.body, &l); err != nil {
			t.Fatal(err)
		}
		if l.Total != 6 {
			t.Fatalf("%s: total %d, want 6 (the fixture's client and 5 more)", path, l.Total)
		}
		for _, it := range l.Items {
			if seen[it.ID] {
				t.Fatalf("client %d listed twice", it.ID)
			}
			seen[it.ID] = true
		}
		if l.NextCursor == "" {
			break
		}
		path = "/api/v1/patients?limit=2&cursor=" + url.QueryEscape(l.NextCursor)
	}
	if len(seen) != 6 {
		t.Fatalf("the cursor pages listed %d clients, want 6", len(seen))
	}
	for _, bad := range []string{"xyz!", "AgA", strings.Repeat("A", 2000)} {
		r := f.carer.do(t, "GET", "/api/v1/patients?cursor="+url.QueryEscape(bad), nil)
		if r.status != 422 || !strings.Contains(string(r.body), `"cursor"`) {
			t.Errorf("cursor %.10q: status %d %s, want 422 naming cursor", bad, r.status, r.body)
		}
	}

	page := string(f.carer.do(t, "GET", "/clienten", nil).body)
	if strings.Contains(page, "Volgende pagina") {
		t.Error("a list of one page links a next page")
	}
	for i := range 60 {
		createClient(t, f.ts, mgz.Patient{Name: fmt.Sprintf("Cliënt Veel %02d", i), LocationID: &f.loc.ID,
			Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT})
	}
	page = string(f.carer.do(t, "GET", "/clienten", nil).body)
	i := strings.Index(page, `rel="next"`)
	if i < 0 || !strings.Contains(page[i:], "Volgende pagina") {
		t.Fatal("the clients page of 66 clients has no Volgende pagina link")
	}
	href := page[strings.LastIndex(page[:i], `href="`)+len(`href="`):]
	href = html.UnescapeString(href[:strings.Index(href, `"`)])
	if !strings.HasPrefix(href, "/clienten?cursor=") {
		t.Fatalf("next link %q, want /clienten?cursor=…", href)
	}
	next := string(f.carer.do(t, "GET", href, nil).body)
	if !strings.Contains(next, "Eerste pagina") || !strings.Contains(next, "Cliënt Veel 59") || strings.Contains(page, "Cliënt Veel 59") ||
		strings.Contains(next, "Cliënt Veel 00") {
		t.Errorf("the second page does not continue the first")
	}
}
