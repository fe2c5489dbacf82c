package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
)

// fileFHIREscalation files a report of the fixture's practice about the fixture's location, which
// the care provider answers; it returns the report's id.
func fileFHIREscalation(t *testing.T, f *fhirFixture) string {
	t.Helper()
	r := f.gpDoc.do(t, "POST", "/api/v1/escalations", map[string]any{"care_provider_id": f.loc.ProviderID, "location_id": f.loc.ID,
		"category": "physician_availability", "description": "Geen SO bereikbaar in het weekend.", "period_start": "2026-10-01"})
	var e escalationJSON
	r.json(t, &e)
	if r.status != http.StatusCreated || len(e.Steps) != 1 {
		t.Fatalf("filing: %d %s", r.status, r.body)
	}
	cp := f.ts.as(t, f.loc.ProviderID, mgz.RoleEditor)
	if r := cp.do(t, "POST", "/api/v1/escalations/"+itoa(e.ID)+"/steps/"+itoa(e.Steps[0].ID)+"/response", map[string]any{"response": "We zoeken een extra SO."}); r.status != 200 {
		t.Fatalf("responding: %d %s", r.status, r.body)
	}
	return itoa(e.ID)
}

func taskOf(t *testing.T, r response) fhir.Task {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200\n%s", r.status, r.body)
	}
	var task fhir.Task
	r.json(t, &task)
	return task
}

// TestFHIRTaskOnlyForThoseOnTheRoute: a report is a Task with the covenant's step as business
// status and the addressee as owner, read and found by the reporting practice and the care
// provider, and by no one else: not the zorgkantoor before the report reaches it, not another
// practice. A status search separates open from resolved reports.
func TestFHIRTaskOnlyForThoseOnTheRoute(t *testing.T) {
	f := newFHIRFixture(t)
	id := fileFHIREscalation(t, f)
	task := taskOf(t, fhirGet(t, f.gpDoc, "/fhir/Task/"+id))
	if task.Status != "in-progress" || task.Intent != "order" || task.BusinessStatus == nil || task.BusinessStatus.Coding[0].Code != string(mgz.StateCareProvider) ||
		task.Owner == nil || task.Owner.Reference != "Organization/"+itoa(f.loc.ProviderID) || task.Requester == nil || task.Requester.Reference != "Organization/"+itoa(f.gp.ID) ||
		task.Focus == nil || task.Focus.Reference != "Location/"+itoa(f.loc.ID) || task.Restriction == nil || task.Restriction.Period.Start != "2026-10-01" ||
		len(task.Output) != 1 || task.Output[0].ValueString != "We zoeken een extra SO." || task.Code == nil || task.Code.Coding[0].Code != "escalation" {
		t.Fatalf("Task: %+v", task)
	}
	cp := f.ts.as(t, f.loc.ProviderID, mgz.RoleViewer)
	taskOf(t, fhirGet(t, cp, "/fhir/Task/"+id))
	office := f.ts.as(t, demoOrg(t, f.ts, mgz.KindCareOffice).ID, mgz.RoleViewer)
	for name, c := range map[string]*client{"the zorgkantoor before the second step": office, "another practice": f.gp2Doc} {
		wantOutcome(t, fhirGet(t, c, "/fhir/Task/"+id), http.StatusNotFound, "not-found")
		if b := bundleOf(t, fhirGet(t, c, "/fhir/Task")); slices.Contains(entryIDs(b), id) {
			t.Errorf("%s finds Task %s", name, id)
		}
	}
	if b := bundleOf(t, fhirGet(t, cp, "/fhir/Task?status=in-progress")); !slices.Contains(entryIDs(b), id) {
		t.Errorf("the care provider's open Tasks: %v", entryIDs(b))
	}
	if b := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Task?status=completed")); slices.Contains(entryIDs(b), id) {
		t.Errorf("an open report among the completed Tasks: %v", entryIDs(b))
	}
	if r := f.gpDoc.do(t, "POST", "/api/v1/escalations/"+id+"/resolve", map[string]any{"note": "Opgelost."}); r.status != 200 {
		t.Fatalf("resolving: %d %s", r.status, r.body)
	}
	if b := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Task?status=completed")); !slices.Contains(entryIDs(b), id) {
		t.Errorf("the resolved report is not among the completed Tasks: %v", entryIDs(b))
	}
	if task := taskOf(t, fhirGet(t, f.gpDoc, "/fhir/Task/"+id)); task.Status != "completed" || task.Owner != nil {
		t.Errorf("resolved Task: %+v", task)
	}
}

// TestFHIRTaskSearchPages: the Task search pages with _count and a next link, each report once.
func TestFHIRTaskSearchPages(t *testing.T) {
	f := newFHIRFixture(t)
	var want []string
	for range 3 {
		want = append(want, fileFHIREscalation(t, f))
	}
	var seen []string
	next := "/fhir/Task?_count=2"
	for i := 0; next != "" && i < 5; i++ {
		b := bundleOf(t, fhirGet(t, f.gpDoc, next))
		if *b.Total != 3 {
			t.Fatalf("total %d, want 3", *b.Total)
		}
		seen = append(seen, entryIDs(b)...)
		next = ""
		if n := link(b, "next"); n != "" {
			next = relative(t, f.ts, n)
		}
	}
	slices.Sort(seen)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Errorf("paging found %v, want %v", seen, want)
	}
}
