package web_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// printEntries returns the audit log's print entries about agreement id.
func printEntries(t *testing.T, ts *testServer, id int64) []mgz.AuditEntry {
	t.Helper()
	var out []mgz.AuditEntry
	err := ts.db.Store().Audit().Each(context.Background(), mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		if e.Action == mgz.AuditPrint && e.ObjectType == "agreement" && e.ObjectID == id {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the audit log: %v", err)
	}
	return out
}

// TestFetchingAnAgreementDocumentIsAuditedAsOnePrint checks NEN 7513's "print": every download of
// an agreement's document, as PDF or HTML, through the API or the pages, adds exactly one print
// entry naming the caller, the agreement and the version printed. A refused download prints nothing.
func TestFetchingAnAgreementDocumentIsAuditedAsOnePrint(t *testing.T) {
	ts := newTestServer(t, true)
	ctx := context.Background()
	first := func(kind mgz.OrgKind) mgz.Organisation {
		orgs, _, err := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: kind, Page: mgz.Page{Limit: 1}})
		if err != nil || len(orgs) == 0 {
			t.Fatalf("the demo region has no %s: %v", kind, err)
		}
		return orgs[0]
	}
	provider, practice, post := first(mgz.KindCareProvider), first(mgz.KindGPPractice), first(mgz.KindGPPost)
	locs, _, err := ts.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provider.ID, Page: mgz.Page{Limit: 1}})
	if err != nil || len(locs) == 0 {
		t.Fatalf("the demo care provider has no location: %v", err)
	}
	ag := mgz.Agreement{Type: mgz.AgreementCooperation, Provider: provider.ID, Practice: practice.ID, GPPost: &post.ID, Locations: []int64{locs[0].ID},
		Start: mgz.NewDate(2026, 1, 1), TermMonths: 24, NoticeMonths: 3, EvaluationMonths: 12}
	if err := ts.svc.CreateAgreement(ctx, service.System(), &ag); err != nil {
		t.Fatal(err)
	}
	ag.NoticeMonths = 6 // version 2
	if err := ts.svc.UpdateAgreement(ctx, service.System(), &ag); err != nil {
		t.Fatal(err)
	}
	if ag.Version != 2 {
		t.Fatalf("after one change the agreement is at version %d, want 2", ag.Version)
	}
	reader := ts.as(t, practice.ID, mgz.RoleViewer)
	id := itoa(ag.ID)

	for _, tc := range []struct {
		name, path string
		version    int
	}{
		{"API, PDF, current version", "/api/v1/agreements/" + id + "/document?format=pdf", 2},
		{"API, HTML, current version", "/api/v1/agreements/" + id + "/document?format=html", 2},
		{"API, HTML by default", "/api/v1/agreements/" + id + "/document", 2},
		{"API, PDF, an older version", "/api/v1/agreements/" + id + "/document?format=pdf&version=1", 1},
		{"page, HTML", "/overeenkomsten/" + id + "/document", 2},
		{"page, PDF", "/overeenkomsten/" + id + "/document.pdf", 2},
		{"page, HTML, an older version", "/overeenkomsten/" + id + "/document?versie=1", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(printEntries(t, ts, ag.ID))
			r := reader.do(t, "GET", tc.path, nil)
			if r.status != 200 || len(r.body) == 0 {
				t.Fatalf("GET %s: status %d with %d bytes, want 200 with the document", tc.path, r.status, len(r.body))
			}
			after := printEntries(t, ts, ag.ID)
			if got := len(after) - before; got != 1 {
				t.Fatalf("GET %s added %d print entries to the audit log, want exactly 1 (NEN 7513: printing is recorded)", tc.path, got)
			}
			e := after[len(after)-1]
			if e.UserID != reader.user.ID || e.Outcome == mgz.OutcomeDenied {
				t.Errorf("print entry %+v: want user %d and a successful outcome", e, reader.user.ID)
			}
			if !regexp.MustCompile(fmt.Sprintf(`\bversie %d\b`, tc.version)).MatchString(e.Reason) {
				t.Errorf("print entry reason %q does not name version %d, the version printed", e.Reason, tc.version)
			}
		})
	}

	t.Run("a non-party prints nothing", func(t *testing.T) {
		outsider := ts.as(t, first(mgz.KindCareOffice).ID, mgz.RoleAdmin)
		before := len(printEntries(t, ts, ag.ID))
		if r := outsider.do(t, "GET", "/api/v1/agreements/"+id+"/document?format=pdf", nil); r.status != 404 {
			t.Fatalf("a non-party downloads the document: status %d, want 404", r.status)
		}
		if got := len(printEntries(t, ts, ag.ID)) - before; got != 0 {
			t.Fatalf("a refused download added %d print entries, want 0", got)
		}
	})
}
