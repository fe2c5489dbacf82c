package web_test

import (
	"html"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// A prerequisite confirmed as met while the register says otherwise is marked on the location
// page with its reason, is open in the readiness API and in the regional overview (issue 13 item 4).
func TestPrereqConsistencyMarkerOnLocationPage(t *testing.T) {
	ts := newTestServer(t, true)
	// The demo's parent initiative: no voorwacht, no behaviour specialist, no SO/AVG service.
	var loc mgz.Location
	for _, l := range demoLocations(t, ts, mgz.LocationFilter{}, 30) {
		if l.Name == "Wooninitiatief Samen Thuis" {
			loc = l
		}
	}
	if loc.ID == 0 || loc.PhysicianServiceID != nil {
		t.Fatalf("the demo's location without an SO/AVG service changed: %+v", loc)
	}
	pc := ts.as(t, loc.ProviderID, mgz.RoleEditor)
	base := "/api/v1/locations/" + itoa(loc.ID) + "/prerequisites"
	if r := pc.do(t, "POST", base+"/physician_contract", map[string]any{"status": "met", "note": "Contract getekend."}); r.status != 201 {
		t.Fatalf("record physician_contract: %d %s", r.status, r.body)
	}
	if r := pc.do(t, "POST", base+"/quality_standard", map[string]any{"status": "met", "note": "Op orde."}); r.status != 201 {
		t.Fatalf("record quality_standard: %d %s", r.status, r.body)
	}

	var rd mgz.Readiness
	pc.do(t, "GET", base, nil).json(t, &rd)
	if rd.Ready || len(rd.Inconsistent) != 1 || rd.Inconsistent[0] != mgz.PrereqPhysicianContract {
		t.Fatalf("readiness: ready %v, inconsistent %v", rd.Ready, rd.Inconsistent)
	}
	open := false
	for _, k := range rd.Open {
		open = open || k == mgz.PrereqPhysicianContract
	}
	var reason string
	for _, st := range rd.Items {
		if st.Def.Key == mgz.PrereqPhysicianContract {
			reason = st.InconsistentReason
		}
		if st.Def.Key == mgz.PrereqQualityStandard && st.Inconsistent {
			t.Errorf("quality_standard cannot be checked against the register, yet it is inconsistent")
		}
	}
	if !open || !strings.Contains(reason, "SO/AVG-dienst") {
		t.Fatalf("physician_contract open %v, reason %q", open, reason)
	}

	page := html.UnescapeString(string(pc.do(t, "GET", "/locaties/"+itoa(loc.ID), nil).body))
	if !strings.Contains(page, "Klopt niet met het register") || !strings.Contains(page, reason) {
		t.Fatalf("location page lacks the marker or its reason %q", reason)
	}
	item := html.UnescapeString(string(pc.do(t, "GET", "/locaties/"+itoa(loc.ID)+"/randvoorwaarden/physician_contract", nil).body))
	if !strings.Contains(item, "Klopt niet met het register") {
		t.Fatal("the item's page lacks the marker")
	}
	// An item the register backs carries no marker.
	other := html.UnescapeString(string(pc.do(t, "GET", "/locaties/"+itoa(loc.ID)+"/randvoorwaarden/quality_standard", nil).body))
	if strings.Contains(other, "Klopt niet met het register") {
		t.Fatal("quality_standard's page shows the marker")
	}

	// The regional overview lists it among the location's open items.
	var rows struct {
		Rows []mgz.OverviewRow `json:"location_rows"`
	}
	ts.client.do(t, "GET", "/api/v1/overview?provider_id="+itoa(loc.ProviderID), nil).json(t, &rows)
	found := false
	for _, r := range rows.Rows {
		if r.LocationID == loc.ID {
			found = true
			if r.Ready || len(r.Inconsistent) != 1 || r.Inconsistent[0] != mgz.PrereqPhysicianContract {
				t.Fatalf("overview row: ready %v, inconsistent %v, open %v", r.Ready, r.Inconsistent, r.Open)
			}
		}
	}
	if !found {
		t.Fatalf("overview lacks the location: %+v", rows)
	}
}
