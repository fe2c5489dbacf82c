package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
	"github.com/regio-mgz/mgz/service"
)

// fhirFixture is the demo region with clients of two practices at one location: the care
// provider sees them all, each practice only its own.
type fhirFixture struct {
	*patientFixture
	a, b []mgz.Patient // clients of practice gp and gp2
}

// validBSN returns the n-th valid BSN (the eleven test of domain.md §10) above 100000000.
func validBSN(t *testing.T, n int) string {
	t.Helper()
	for base, found := 10000000, 0; base < 99999999; base++ {
		s := strconv.Itoa(base)
		sum := 0
		for i, c := range s {
			sum += (9 - i) * int(c-'0')
		}
		for d := 0; d <= 9; d++ {
			if (sum-d)%11 == 0 {
				if found == n {
					return s + strconv.Itoa(d)
				}
				found++
				break
			}
		}
	}
	t.Fatal("no BSN")
	return ""
}

func newFHIRFixture(t *testing.T) *fhirFixture {
	t.Helper()
	f := &fhirFixture{patientFixture: newPatientFixture(t)}
	n := 0
	mk := func(gp int64, lead bool) mgz.Patient {
		n++
		p := mgz.Patient{Name: fmt.Sprintf("Cliënt FHIR %d", n), BirthDate: mgz.NewDate(1938, 5, n), BSN: validBSN(t, n), LocationID: &f.loc.ID,
			Sector: f.loc.Sector, Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 11, 1),
			Delivery: mgz.DeliveryVPT, GPPracticeID: &gp}
		if lead {
			p.LeadPhysician, p.LeadPhysicianOrgID = mgz.LeadGP, &gp
		}
		if err := f.ts.db.Store().Patients().CreatePatient(context.Background(), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Interleaved, so a page of practice A's clients by id always has B's clients between them.
	for i := range 3 {
		f.a = append(f.a, mk(f.gp.ID, i == 0))
		f.b = append(f.b, mk(f.gp2.ID, false))
	}
	return f
}

// fhirGet sends a GET to the FHIR API and checks the content type of the answer.
func fhirGet(t *testing.T, c *client, path string) response {
	t.Helper()
	r := c.do(t, "GET", path, nil)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, fhir.ContentType) {
		t.Fatalf("GET %s: Content-Type %q, want %s\n%s", path, ct, fhir.ContentType, r.body)
	}
	return r
}

func bundleOf(t *testing.T, r response) fhir.Bundle {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200\n%s", r.status, r.body)
	}
	var b fhir.Bundle
	r.json(t, &b)
	if b.ResourceType != "Bundle" || b.Type != "searchset" || b.Total == nil {
		t.Fatalf("not a searchset Bundle with a total: %s", r.body)
	}
	return b
}

func entryIDs(b fhir.Bundle) []string {
	var ids []string
	for _, e := range b.Entry {
		var res struct{ ID string }
		_ = json.Unmarshal(e.Resource, &res)
		ids = append(ids, res.ID)
	}
	return ids
}

func link(b fhir.Bundle, rel string) string {
	for _, l := range b.Link {
		if l.Relation == rel {
			return l.URL
		}
	}
	return ""
}

// relative turns an absolute link of the server into a path for client.do.
func relative(t *testing.T, ts *testServer, abs string) string {
	t.Helper()
	if !strings.HasPrefix(abs, ts.URL+"/fhir/") {
		t.Fatalf("link %q does not point at the server's FHIR base %s/fhir", abs, ts.URL)
	}
	return strings.TrimPrefix(abs, ts.URL)
}

func ids(ps []mgz.Patient) []string {
	var out []string
	for _, p := range ps {
		out = append(out, itoa(p.ID))
	}
	return out
}

// TestFHIRPagingNeverShowsAnotherPracticesClient: a GP practice pages through Patient one by one
// and sees exactly its own clients; a cursor changed to skip into the other practice's clients
// still yields only its own, and an unreadable cursor is refused.
func TestFHIRPagingNeverShowsAnotherPracticesClient(t *testing.T) {
	f := newFHIRFixture(t)
	var seen []string
	path := "/fhir/Patient?_count=1"
	for pages := 0; path != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		b := bundleOf(t, fhirGet(t, f.gpDoc, path))
		if *b.Total != len(f.a) {
			t.Errorf("total %d, want %d (the practice's own clients)", *b.Total, len(f.a))
		}
		if len(b.Entry) > 1 {
			t.Fatalf("_count=1 gave %d entries", len(b.Entry))
		}
		seen = append(seen, entryIDs(b)...)
		path = ""
		if next := link(b, "next"); next != "" {
			path = relative(t, f.ts, next)
		}
	}
	if !slices.Equal(seen, ids(f.a)) {
		t.Errorf("paging showed patients %v, want exactly the practice's own %v (the other practice has %v)", seen, ids(f.a), ids(f.b))
	}
	// Tampered cursors: continue right before each of the other practice's clients.
	for _, p := range f.b {
		c := base64.RawURLEncoding.EncodeToString([]byte("k1:" + itoa(p.ID-1)))
		b := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Patient?_count=5&_cursor="+c))
		for _, id := range entryIDs(b) {
			if slices.Contains(ids(f.b), id) {
				t.Errorf("a changed cursor showed patient %s of the other practice", id)
			}
		}
	}
	// The other practice's client by _id: nothing.
	if b := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Patient?_id="+itoa(f.b[0].ID))); len(b.Entry) != 0 || *b.Total != 0 {
		t.Errorf("_id of another practice's client found %v", entryIDs(b))
	}
	for _, bad := range []string{"nonsense", base64.RawURLEncoding.EncodeToString([]byte("k1:-3")), "%%%"} {
		r := fhirGet(t, f.gpDoc, "/fhir/Patient?_cursor="+url.QueryEscape(bad))
		wantOutcome(t, r, http.StatusBadRequest, "invalid")
	}
	// The care provider of the location sees all six, in pages of 4.
	b := bundleOf(t, fhirGet(t, f.carer, "/fhir/Patient?_count=4"))
	if *b.Total != 6 || len(b.Entry) != 4 || link(b, "next") == "" {
		t.Fatalf("the care provider's first page: total %d, %d entries, next %q", *b.Total, len(b.Entry), link(b, "next"))
	}
	b2 := bundleOf(t, fhirGet(t, f.carer, relative(t, f.ts, link(b, "next"))))
	if got := append(entryIDs(b), entryIDs(b2)...); len(got) != 6 || link(b2, "next") != "" {
		t.Errorf("the care provider paged through %v (next %q), want all six clients once and no further page", got, link(b2, "next"))
	}
}

func wantOutcome(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	var oo fhir.OperationOutcome
	r.json(t, &oo)
	if oo.ResourceType != "OperationOutcome" || len(oo.Issue) != 1 || oo.Issue[0].Code != code || oo.Issue[0].Severity != "error" || oo.Issue[0].Diagnostics == "" {
		t.Fatalf("want an OperationOutcome with one error issue %q and a diagnostic, got %s", code, r.body)
	}
}

// TestFHIRShowsTheBSNOnlyToThoseWhoMaySeeIt: a physician of the practice sees the BSN as
// identifier and finds the client by it; a viewer of the same practice reads the client without
// BSN and finds nobody by BSN; another practice finds nobody, the same answer as for an unknown BSN.
func TestFHIRShowsTheBSNOnlyToThoseWhoMaySeeIt(t *testing.T) {
	f := newFHIRFixture(t)
	p := f.a[0]
	viewer := f.ts.as(t, f.gp.ID, mgz.RoleViewer)
	read := func(c *client) fhir.Patient {
		t.Helper()
		r := fhirGet(t, c, "/fhir/Patient/"+itoa(p.ID))
		if r.status != http.StatusOK {
			t.Fatalf("read: %d %s", r.status, r.body)
		}
		var out fhir.Patient
		r.json(t, &out)
		return out
	}
	if got := read(f.gpDoc).Identifier; len(got) != 1 || got[0].System != fhir.SystemBSN || got[0].Value != p.BSN {
		t.Errorf("the practice's physician got identifiers %+v, want the BSN", got)
	}
	got := read(viewer)
	if len(got.Identifier) != 0 {
		t.Errorf("a viewer got identifiers %+v, want none", got.Identifier)
	}
	if got.BirthDate != p.BirthDate.String() || len(got.Name) != 1 || got.Name[0].Text != p.Name ||
		len(got.GeneralPractitioner) != 1 || got.GeneralPractitioner[0].Reference != "Organization/"+itoa(f.gp.ID) ||
		got.ManagingOrganization == nil || got.ManagingOrganization.Reference != "Organization/"+itoa(f.provider.ID) {
		t.Errorf("patient resource %+v lacks birth date, name, practice or care provider", got)
	}
	search := func(c *client, bsn string) fhir.Bundle {
		t.Helper()
		return bundleOf(t, fhirGet(t, c, "/fhir/Patient?identifier="+url.QueryEscape(fhir.SystemBSN+"|"+bsn)))
	}
	if b := search(f.gpDoc, p.BSN); !slices.Equal(entryIDs(b), []string{itoa(p.ID)}) || *b.Total != 1 {
		t.Errorf("the practice's physician found %v by BSN, want [%d]", entryIDs(b), p.ID)
	}
	if b := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Patient?identifier="+p.BSN)); !slices.Equal(entryIDs(b), []string{itoa(p.ID)}) {
		t.Errorf("a bare BSN found %v, want [%d]", entryIDs(b), p.ID)
	}
	unknown := validBSN(t, 500)
	for name, c := range map[string]*client{"a viewer": viewer, "another practice": f.gp2Doc} {
		known, missing := search(c, p.BSN), search(c, unknown)
		if len(known.Entry) != 0 || *known.Total != 0 || *missing.Total != 0 {
			t.Errorf("%s found %v by BSN", name, entryIDs(known))
		}
	}
	wantOutcome(t, fhirGet(t, f.gpDoc, "/fhir/Patient?identifier="+url.QueryEscape(fhir.SystemBSN+"|123")), http.StatusBadRequest, "invalid")
	if b := bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/Patient?identifier="+url.QueryEscape("http://example.org/mrn|"+p.BSN))); *b.Total != 0 {
		t.Errorf("another identifier system matched %v", entryIDs(b))
	}
}

// TestFHIRPatientReadsAreAuditedLikeTheAPI: a read and a search are patient reads in the audit
// log; another practice's read is 404 and its refusal is audited.
func TestFHIRPatientReadsAreAuditedLikeTheAPI(t *testing.T) {
	f := newFHIRFixture(t)
	p := f.a[1]
	before := lastAuditWith(t, f.ts, "")
	if r := fhirGet(t, f.gpDoc, "/fhir/Patient/"+itoa(p.ID)); r.status != http.StatusOK {
		t.Fatalf("read: %d", r.status)
	}
	es, _, err := f.ts.svc.Audit(context.Background(), service.System(), mgz.AuditFilter{PatientID: p.ID, Page: mgz.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 || es[0].ID <= before.ID || es[0].Action != mgz.AuditRead || es[0].UserID != f.gpDoc.user.ID || es[0].Outcome != mgz.OutcomeAllowed {
		t.Fatalf("the FHIR read is not in the audit log as a read of patient %d by user %d: %+v", p.ID, f.gpDoc.user.ID, es)
	}
	bundleOf(t, fhirGet(t, f.gpDoc, "/fhir/CareTeam?patient=Patient/"+itoa(p.ID)))
	es2, _, _ := f.ts.svc.Audit(context.Background(), service.System(), mgz.AuditFilter{PatientID: p.ID, Page: mgz.Page{Limit: 10}})
	if len(es2) != len(es)+1 || es2[0].Reason != "in een lijst" {
		t.Errorf("the CareTeam search is not audited as a listed read of the patient: %+v", es2[0])
	}
	r := fhirGet(t, f.gp2Doc, "/fhir/Patient/"+itoa(p.ID))
	wantOutcome(t, r, http.StatusNotFound, "not-found")
	if last := lastAuditWith(t, f.ts, ""); last.Outcome != mgz.OutcomeDenied || last.UserID != f.gp2Doc.user.ID || last.ObjectID != p.ID {
		t.Errorf("the refused read is not audited: %+v", last)
	}
	wantOutcome(t, fhirGet(t, f.gp2Doc, "/fhir/CareTeam/"+itoa(p.ID)), http.StatusNotFound, "not-found")
	wantOutcome(t, fhirGet(t, f.gp2Doc, "/fhir/PractitionerRole/lead-"+itoa(f.a[0].ID)), http.StatusNotFound, "not-found")
}

// TestFHIRCareTeamAndLeadPhysician: the care team names the organisations in the client's care,
// and the lead physician is a PractitionerRole of the practice with the kind of physician.
func TestFHIRCareTeamAndLeadPhysician(t *testing.T) {
	f := newFHIRFixture(t)
	p := f.a[0]
	b := bundleOf(t, fhirGet(t, f.carer, "/fhir/CareTeam?patient=Patient/"+itoa(p.ID)))
	if len(b.Entry) != 1 {
		t.Fatalf("CareTeam?patient gave %d entries", len(b.Entry))
	}
	var ct fhir.CareTeam
	_ = json.Unmarshal(b.Entry[0].Resource, &ct)
	members := map[string]string{}
	for _, pt := range ct.Participant {
		members[pt.Role[0].Coding[0].Code] = pt.Member.Reference
	}
	want := map[string]string{"gp_practice": "Organization/" + itoa(f.gp.ID), "lead_physician": "PractitionerRole/lead-" + itoa(p.ID),
		"care_provider": "Organization/" + itoa(f.provider.ID)}
	if f.loc.PhysicianServiceID != nil {
		want["physician_service"] = "Organization/" + itoa(*f.loc.PhysicianServiceID)
	}
	if ct.Subject == nil || ct.Subject.Reference != "Patient/"+itoa(p.ID) || fmt.Sprint(members) != fmt.Sprint(want) {
		t.Errorf("care team subject %+v members %v, want Patient/%d with %v", ct.Subject, members, p.ID, want)
	}
	r := fhirGet(t, f.gpDoc, "/fhir/PractitionerRole/lead-"+itoa(p.ID))
	var role fhir.PractitionerRole
	r.json(t, &role)
	if r.status != http.StatusOK || role.Organization == nil || role.Organization.Reference != "Organization/"+itoa(f.gp.ID) ||
		len(role.Specialty) != 1 || role.Specialty[0].Coding[0].Code != string(mgz.LeadGP) {
		t.Errorf("lead physician: %d %s", r.status, r.body)
	}
	wantOutcome(t, fhirGet(t, f.gpDoc, "/fhir/PractitionerRole/lead-"+itoa(f.a[1].ID)), http.StatusNotFound, "not-found")
	wantOutcome(t, fhirGet(t, f.gpDoc, "/fhir/PractitionerRole/"+itoa(p.ID)), http.StatusNotFound, "not-found")
}

// TestFHIRRegisterSearchByAGBAndKvK: organisations by AGB and KvK, locations by care provider.
func TestFHIRRegisterSearchByAGBAndKvK(t *testing.T) {
	f := newFHIRFixture(t)
	gp := f.gp
	if gp.AGB == "" || f.provider.KvK == "" {
		t.Fatalf("demo practice without AGB (%q) or provider without KvK (%q)", gp.AGB, f.provider.KvK)
	}
	b := bundleOf(t, fhirGet(t, f.gp2Doc, "/fhir/Organization?identifier="+url.QueryEscape(fhir.SystemAGB+"|"+gp.AGB)))
	if !slices.Equal(entryIDs(b), []string{itoa(gp.ID)}) {
		t.Errorf("AGB search found %v, want [%d]", entryIDs(b), gp.ID)
	}
	var o fhir.Organization
	_ = json.Unmarshal(b.Entry[0].Resource, &o)
	if !slices.Contains(o.Identifier, fhir.Identifier{System: fhir.SystemAGB, Value: gp.AGB}) || len(o.Type) != 1 ||
		o.Type[0].Coding[0].Code != string(mgz.KindGPPractice) || o.Type[0].Coding[0].System != f.ts.URL+"/fhir"+fhir.CodeSystemOrgKind {
		t.Errorf("organisation %+v lacks its AGB or its kind", o)
	}
	b = bundleOf(t, fhirGet(t, f.gp2Doc, "/fhir/Organization?identifier="+url.QueryEscape(fhir.SystemKvK+"|"+f.provider.KvK)))
	if !slices.Contains(entryIDs(b), itoa(f.provider.ID)) {
		t.Errorf("KvK search found %v, want %d among them", entryIDs(b), f.provider.ID)
	}
	wantOutcome(t, fhirGet(t, f.gp2Doc, "/fhir/Organization?identifier="+gp.AGB), http.StatusBadRequest, "invalid")
	b = bundleOf(t, fhirGet(t, f.gp2Doc, "/fhir/Location?organization=Organization/"+itoa(f.provider.ID)+"&_count=100"))
	if !slices.Contains(entryIDs(b), itoa(f.loc.ID)) || *b.Total != len(b.Entry) {
		t.Errorf("locations of the provider: %v (total %d)", entryIDs(b), *b.Total)
	}
	// _id selects exactly that location, not every location.
	if b := bundleOf(t, fhirGet(t, f.gp2Doc, "/fhir/Location?_id="+itoa(f.loc.ID))); len(b.Entry) != 1 || entryIDs(b)[0] != itoa(f.loc.ID) || *b.Total != 1 {
		t.Errorf("Location?_id=%d found %v (total %d), want only that location", f.loc.ID, entryIDs(b), *b.Total)
	}
	for _, e := range b.Entry {
		var l fhir.Location
		_ = json.Unmarshal(e.Resource, &l)
		if l.ManagingOrganization == nil || l.ManagingOrganization.Reference != "Organization/"+itoa(f.provider.ID) {
			t.Errorf("location %s is managed by %+v", l.ID, l.ManagingOrganization)
		}
	}
	// Paging through all organisations by 2 gives each exactly once.
	all := bundleOf(t, fhirGet(t, f.gp2Doc, "/fhir/Organization?_count=100"))
	var paged []string
	for path := "/fhir/Organization?_count=2"; path != ""; {
		b := bundleOf(t, fhirGet(t, f.gp2Doc, path))
		paged = append(paged, entryIDs(b)...)
		path = ""
		if n := link(b, "next"); n != "" {
			path = relative(t, f.ts, n)
		}
	}
	if !slices.Equal(paged, entryIDs(all)) || len(paged) != *all.Total {
		t.Errorf("paging by 2 gave %v, want %v", paged, entryIDs(all))
	}
}

// TestFHIRAuditEventsForTheOrganisationsAdmins: an admin reads its organisation's audit log as
// BALP-shaped AuditEvents (only its own entries); a physician is refused.
func TestFHIRAuditEventsForTheOrganisationsAdmins(t *testing.T) {
	f := newFHIRFixture(t)
	admin := f.ts.as(t, f.gp.ID, mgz.RoleAdmin)
	fhirGet(t, f.gpDoc, "/fhir/Patient/"+itoa(f.a[0].ID)) // a read of the practice's client
	b := bundleOf(t, fhirGet(t, admin, "/fhir/AuditEvent?_count=100&patient=Patient/"+itoa(f.a[0].ID)))
	if len(b.Entry) == 0 {
		t.Fatal("no audit events about the practice's client")
	}
	var read *fhir.AuditEvent
	for _, e := range b.Entry {
		var ev fhir.AuditEvent
		_ = json.Unmarshal(e.Resource, &ev)
		if ev.Action == "R" && len(ev.Agent) > 0 && ev.Agent[0].Who != nil && ev.Agent[0].Who.Identifier != nil && ev.Agent[0].Who.Identifier.Value == itoa(f.gpDoc.user.ID) {
			read = &ev
		}
	}
	if read == nil {
		t.Fatalf("the physician's read is not among the audit events %v", entryIDs(b))
	}
	if read.Type.Code != "rest" || read.Outcome != "0" || !read.Agent[0].Requestor || read.Source.Observer == nil ||
		!slices.ContainsFunc(read.Entity, func(e fhir.AuditEntity) bool {
			return e.What != nil && e.What.Reference == "Patient/"+itoa(f.a[0].ID) && e.Role != nil && e.Role.Code == "1"
		}) {
		t.Errorf("audit event not in BALP shape (type rest, outcome 0, requestor, observer, patient entity): %+v", read)
	}
	all := bundleOf(t, fhirGet(t, admin, "/fhir/AuditEvent?_count=100"))
	for _, e := range all.Entry {
		var ev fhir.AuditEvent
		_ = json.Unmarshal(e.Resource, &ev)
		n, _ := strconv.ParseInt(ev.ID, 10, 64)
		es, _, _ := f.ts.svc.Audit(context.Background(), service.System(), mgz.AuditFilter{Page: mgz.Page{Keyset: true, After: n + 1, Limit: 1}})
		if len(es) != 1 || !visibleEntry(f.gp.ID, es[0]) {
			t.Errorf("audit event %s of another organisation is shown: %+v", ev.ID, es)
		}
	}
	// Paging the log is itself a read of the log, with the page in its reason.
	first := bundleOf(t, fhirGet(t, admin, "/fhir/AuditEvent?_count=1"))
	second := bundleOf(t, fhirGet(t, admin, relative(t, f.ts, link(first, "next"))))
	if len(second.Entry) != 1 || slices.Equal(entryIDs(first), entryIDs(second)) {
		t.Errorf("second page %v after %v", entryIDs(second), entryIDs(first))
	}
	if e := lastAuditWith(t, f.ts, "ouder dan regel "+entryIDs(first)[0]); e.UserID != admin.user.ID || e.ObjectType != "audit_log" {
		t.Errorf("reading the second page is not audited as a read of the log: %+v", e)
	}
	wantOutcome(t, fhirGet(t, f.gpDoc, "/fhir/AuditEvent"), http.StatusForbidden, "forbidden")
}

// TestFHIRErrorsAreOperationOutcomes: every refusal of the FHIR API is an OperationOutcome with
// the right status.
func TestFHIRErrorsAreOperationOutcomes(t *testing.T) {
	f := newFHIRFixture(t)
	r := f.ts.anon().do(t, "GET", "/fhir/Patient", nil)
	wantOutcome(t, r, http.StatusUnauthorized, "login")
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without WWW-Authenticate: %v", r.header)
	}
	wantOutcome(t, f.ts.anon().do(t, "GET", "/fhir/metadata", nil), http.StatusUnauthorized, "login")
	c := f.gpDoc
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/fhir/Patient?_count=0", 400, "invalid"},
		{"GET", "/fhir/Patient?_count=veel", 400, "invalid"},
		{"GET", "/fhir/Patient?name=Jansen", 400, "invalid"},
		{"GET", "/fhir/Patient?identifier=", 400, "invalid"},
		{"GET", "/fhir/Patient?_id=1&_id=2", 400, "invalid"},
		{"GET", "/fhir/Patient/1?_elements=id", 400, "invalid"},
		{"GET", "/fhir/Location?organization=Patient/x", 400, "invalid"},
		{"GET", "/fhir/Patient/999999", 404, "not-found"},
		{"GET", "/fhir/Patient/abc", 404, "not-found"},
		{"GET", "/fhir/Organization/999999", 404, "not-found"},
		{"GET", "/fhir/nothing-here", 404, "not-found"},
		{"POST", "/fhir/Patient", 405, "not-supported"},
		{"DELETE", "/fhir/Organization/1", 405, "not-supported"},
		{"GET", "/fhir/Consent", 400, "invalid"},
		{"GET", "/fhir/Consent?patient=Organization/1", 400, "invalid"},
		{"GET", "/fhir/Consent/abc", 404, "not-found"},
		{"GET", "/fhir/Patient/999999/$handover", 404, "not-found"},
		{"GET", "/fhir/Patient/1/$everything", 501, "not-supported"},
		{"GET", "/fhir/Task/abc", 404, "not-found"},
		{"GET", "/fhir/Practitioner", 501, "not-supported"},
		{"GET", "/fhir/Task/999999", 404, "not-found"},
		{"GET", "/fhir/AuditEvent/1", 501, "not-supported"},
		{"GET", "/fhir/PractitionerRole", 501, "not-supported"},
		{"GET", "/fhir/metadata?_format=xml", 406, "not-supported"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := c.do(t, tc.method, tc.path, nil)
			wantOutcome(t, r, tc.status, tc.code)
			if tc.status == 405 && !strings.Contains(r.header.Get("Allow"), "GET") {
				t.Errorf("405 without Allow: GET: %v", r.header)
			}
		})
	}
	if r := fhirGet(t, c, "/fhir/metadata?_format=json"); r.status != 200 {
		t.Errorf("_format=json: %d", r.status)
	}
}

// TestFHIRCapabilityStatementListsExactlyWhatIsImplemented: every interaction the statement
// lists answers, and every resource type and interaction it leaves out answers 501.
func TestFHIRCapabilityStatementListsExactlyWhatIsImplemented(t *testing.T) {
	f := newFHIRFixture(t)
	admin := f.ts.as(t, f.gp.ID, mgz.RoleAdmin, mgz.RolePhysician)
	r := fhirGet(t, admin, "/fhir/metadata")
	var cs fhir.CapabilityStatement
	r.json(t, &cs)
	if cs.FHIRVersion != "4.0.1" || !slices.Equal(cs.Format, []string{"json"}) || len(cs.Rest) != 1 || cs.Rest[0].Mode != "server" || cs.Rest[0].Security == nil {
		t.Fatalf("statement: %s", r.body)
	}
	writeFHIRHandover(t, f, f.a[0])
	task := fileFHIREscalation(t, f)
	// A record of each type that the admin may read, and the search a type needs a parameter for.
	readable := map[string]string{"Patient": itoa(f.a[0].ID), "Organization": itoa(f.gp.ID), "Location": itoa(f.loc.ID),
		"PractitionerRole": "lead-" + itoa(f.a[0].ID), "CareTeam": itoa(f.a[0].ID), "AuditEvent": "1",
		"Consent": fhir.ConsentID(f.a[0].ID, 1, mgz.TreatmentResuscitation, 0), "Task": task}
	searchQuery := map[string]string{"Consent": "?patient=Patient/" + itoa(f.a[0].ID)}
	listed := map[string]bool{}
	operations := map[string]bool{}
	for _, res := range cs.Rest[0].Resource {
		listed[res.Type] = true
		var inter []string
		for _, i := range res.Interaction {
			inter = append(inter, i.Code)
		}
		for _, op := range res.Operation {
			operations[res.Type+"/$"+op.Name] = true
			path := "/fhir/" + res.Type + "/" + readable[res.Type] + "/$" + op.Name
			if got := admin.do(t, "GET", path, nil).status; got != http.StatusOK || op.Definition == "" {
				t.Errorf("%s lists operation %s (definition %q), but GET %s answers %d", res.Type, op.Name, op.Definition, path, got)
			}
		}
		for _, tc := range []struct{ code, path string }{{"read", "/fhir/" + res.Type + "/" + readable[res.Type]}, {"search-type", "/fhir/" + res.Type + searchQuery[res.Type]}} {
			got := admin.do(t, "GET", tc.path, nil).status
			if slices.Contains(inter, tc.code) && got != http.StatusOK {
				t.Errorf("%s lists %s, but GET %s answers %d", res.Type, tc.code, tc.path, got)
			}
			if !slices.Contains(inter, tc.code) && got != http.StatusNotImplemented {
				t.Errorf("%s does not list %s, but GET %s answers %d, not 501", res.Type, tc.code, tc.path, got)
			}
		}
		for _, sp := range res.SearchParam {
			if !slices.Contains(inter, "search-type") {
				t.Errorf("%s has search parameter %s without search", res.Type, sp.Name)
			}
		}
	}
	for _, typ := range []string{"Patient", "Organization", "Location", "PractitionerRole", "CareTeam", "AuditEvent", "Consent", "Task"} {
		if !listed[typ] {
			t.Errorf("the statement does not list %s", typ)
		}
	}
	// The one operation there is, and no other: an operation not listed answers 501.
	if !operations["Patient/$handover"] || len(operations) != 1 {
		t.Errorf("operations listed: %v, want exactly Patient/$handover", operations)
	}
	if got := admin.do(t, "GET", "/fhir/Patient/"+itoa(f.a[0].ID)+"/$everything", nil).status; got != http.StatusNotImplemented {
		t.Errorf("an operation that is not listed answers %d, not 501", got)
	}
	for _, typ := range []string{"Practitioner", "Observation"} {
		if listed[typ] {
			t.Errorf("the statement lists %s, which is not implemented", typ)
		}
	}
}
