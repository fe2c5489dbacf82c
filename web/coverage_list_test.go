package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// TestCoverageIsPagedByCursorAndOffset walks GET /api/v1/coverage by next_cursor and checks that
// the pages, in name order, hold every location once, as the pages by offset do; a cursor that
// is not one is refused in Dutch, and the page shows one page with a link to the next.
func TestCoverageIsPagedByCursorAndOffset(t *testing.T) {
	ts := newTestServer(t, false)
	overviewRegion(t, ts, 120)
	rho := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	type page struct {
		Items      []mgz.LocationCoverage `json:"items"`
		Total      int                    `json:"total"`
		Limit      int                    `json:"limit"`
		NextCursor string                 `json:"next_cursor"`
	}
	var byCursor []string
	path := "/api/v1/coverage?limit=25"
	for n := 0; ; n++ {
		if n > 10 {
			t.Fatal("the cursor does not end")
		}
		var p page
		rho.do(t, "GET", path, nil).json(t, &p)
		if p.Total < 120 || p.Limit != 25 {
			t.Fatalf("total %d, limit %d", p.Total, p.Limit)
		}
		for _, c := range p.Items {
			byCursor = append(byCursor, fmt.Sprintf("%s/%d", c.Location.Name, c.Location.ID))
		}
		if p.NextCursor == "" {
			if len(p.Items) == 25 {
				t.Fatal("a full page without a next_cursor")
			}
			break
		}
		path = "/api/v1/coverage?limit=25&cursor=" + p.NextCursor
	}
	var byOffset []string
	for off := 0; off < len(byCursor)+25; off += 25 {
		var p page
		rho.do(t, "GET", fmt.Sprintf("/api/v1/coverage?limit=25&offset=%d", off), nil).json(t, &p)
		for _, c := range p.Items {
			byOffset = append(byOffset, fmt.Sprintf("%s/%d", c.Location.Name, c.Location.ID))
		}
	}
	if strings.Join(byCursor, ",") != strings.Join(byOffset, ",") {
		t.Fatalf("by cursor %d locations, by offset %d: they differ", len(byCursor), len(byOffset))
	}
	seen := map[string]bool{}
	for i, k := range byCursor {
		if seen[k] {
			t.Fatalf("%s twice", k)
		}
		seen[k] = true
		if i > 0 && strings.Split(byCursor[i-1], "/")[0] > strings.Split(k, "/")[0] {
			t.Fatalf("not in name order: %s before %s", byCursor[i-1], k)
		}
	}
	wantError(t, rho.do(t, "GET", "/api/v1/coverage?cursor=onzin", nil), 422, "invalid_request", "cursor")

	body := string(rho.do(t, "GET", "/dekking", nil).body)
	if !strings.Contains(body, "Locatie 00000") || strings.Contains(body, "Locatie 00119") || !strings.Contains(body, `rel="next"`) {
		t.Fatal("the coverage page does not show the first page with a link to the next")
	}
}
