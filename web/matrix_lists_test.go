package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// The checks of the list rows of the permission matrix. A status code says a caller may list; the
// body must also hold only what the caller may see, and what it may see must be there (else an
// empty list would pass every check). Each returns "" or what is wrong, in words a stranger
// understands.

// listItems decodes the items of a list answer into T.
func listItems[T any](r response) ([]T, string) {
	var l struct {
		Items []T `json:"items"`
	}
	if err := json.Unmarshal(r.body, &l); err != nil {
		return nil, fmt.Sprintf("the answer is not a list: %v", err)
	}
	return l.Items, ""
}

// patientParties are the organisations in a patient's care: the registered practice, the lead
// physician's organisation, the care provider of the location and the location's SO/AVG service.
func (m *matrix) patientParties(p mgz.Patient) []int64 {
	var ids []int64
	for _, id := range []*int64{p.GPPracticeID, p.LeadPhysicianOrgID} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	if p.LocationID != nil {
		l, err := m.ts.reg.Location(context.Background(), *p.LocationID)
		if err != nil {
			m.t.Fatalf("location %d of patient %d: %v", *p.LocationID, p.ID, err)
		}
		ids = append(ids, l.ProviderID)
		if l.PhysicianServiceID != nil {
			ids = append(ids, *l.PhysicianServiceID)
		}
	}
	return ids
}

// onlyPartyPatients: every patient listed has the caller's organisation as a party, and a party
// of the matrix patient finds it.
func onlyPartyPatients(m *matrix, c *cell, r response) string {
	ps, bad := listItems[mgz.Patient](r)
	if bad != "" {
		return bad
	}
	for _, p := range ps {
		if !slices.Contains(m.patientParties(p), c.own.ID) {
			return fmt.Sprintf("patient %d (%s) is listed, but organisation %d is not one of its parties %v", p.ID, p.Name, c.own.ID, m.patientParties(p))
		}
	}
	if patientParty(c.who) {
		found, bad := listItems[mgz.Patient](c.c.do(m.t, "GET", "/api/v1/patients?q="+url.QueryEscape(m.patient.Name), nil))
		if bad != "" {
			return bad
		}
		if !slices.ContainsFunc(found, func(p mgz.Patient) bool { return p.ID == m.patient.ID }) {
			return fmt.Sprintf("a party searching for %q does not find patient %d", m.patient.Name, m.patient.ID)
		}
	}
	return ""
}

// onlyPartyAgreements: every agreement listed has the caller's organisation as a party, and the
// matrix agreement's parties find it.
func onlyPartyAgreements(m *matrix, c *cell, r response) string {
	ags, bad := listItems[mgz.Agreement](r)
	if bad != "" {
		return bad
	}
	for _, ag := range ags {
		if !slices.Contains(ag.Parties(), c.own.ID) {
			return fmt.Sprintf("agreement %d is listed, but organisation %d is not one of its parties %v", ag.ID, c.own.ID, ag.Parties())
		}
	}
	if agreementParty(c.who) && !slices.ContainsFunc(ags, func(ag mgz.Agreement) bool { return ag.ID == m.agreement.ID }) {
		return fmt.Sprintf("party %d does not find agreement %d in its list", c.own.ID, m.agreement.ID)
	}
	return ""
}

// onlyOwnUsers: every user listed is of the caller's organisation, the colleague among them.
func onlyOwnUsers(_ *matrix, c *cell, r response) string {
	us, bad := listItems[mgz.User](r)
	if bad != "" {
		return bad
	}
	for _, u := range us {
		if u.OrganisationID != c.own.ID {
			return fmt.Sprintf("user %d (%s) of organisation %d is listed to organisation %d", u.ID, u.Email, u.OrganisationID, c.own.ID)
		}
	}
	if !slices.ContainsFunc(us, func(u mgz.User) bool { return u.ID == c.colleague.ID }) {
		return fmt.Sprintf("colleague %d is missing from the list of organisation %d's users", c.colleague.ID, c.own.ID)
	}
	return ""
}

// onlyOwnTokens: every token listed is the caller's own, its own token among them.
func onlyOwnTokens(_ *matrix, c *cell, r response) string {
	ts, bad := listItems[mgz.APIToken](r)
	if bad != "" {
		return bad
	}
	for _, tok := range ts {
		if tok.UserID != c.c.user.ID {
			return fmt.Sprintf("token %d of user %d is listed to user %d", tok.ID, tok.UserID, c.c.user.ID)
		}
	}
	if !slices.ContainsFunc(ts, func(tok mgz.APIToken) bool { return tok.ID == c.ownToken }) {
		return fmt.Sprintf("the caller's own token %d is missing from its list", c.ownToken)
	}
	return ""
}

// visibleEntry: an organisation's admin sees the entries by its own users and those about its own
// objects.
func visibleEntry(own int64, e mgz.AuditEntry) bool {
	return e.OrganisationID == own || e.ObjectOrganisationID == own
}

// onlyOwnAudit: every audit entry listed is by the caller's organisation or about its objects,
// and there is at least one (the caller's own requests are in the log).
func onlyOwnAudit(_ *matrix, c *cell, r response) string {
	es, bad := listItems[mgz.AuditEntry](r)
	if bad != "" {
		return bad
	}
	if len(es) == 0 {
		return "the audit log of the caller's organisation is empty, though its users' requests are in it"
	}
	for _, e := range es {
		if !visibleEntry(c.own.ID, e) {
			return fmt.Sprintf("audit entry %d (by organisation %d, about organisation %d) is shown to organisation %d", e.ID, e.OrganisationID, e.ObjectOrganisationID, c.own.ID)
		}
	}
	return ""
}

// onlyOwnAuditCSV is onlyOwnAudit for the CSV export: it reads the organisation columns by their
// header.
func onlyOwnAuditCSV(_ *matrix, c *cell, r response) string {
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || len(rows) < 2 {
		return fmt.Sprintf("the export is not a CSV with a header and at least one row (%d rows, %v)", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byCol, okBy := col["organisation_id"]
	aboutCol, okAbout := col["object_organisation_id"]
	if !okBy || !okAbout {
		return fmt.Sprintf("the export's header %v lacks organisation_id or object_organisation_id", rows[0])
	}
	for _, row := range rows[1:] {
		num := func(i int) int64 {
			n, _ := strconv.ParseInt(strings.TrimLeft(row[i], "'"), 10, 64) // an empty cell is no organisation
			return n
		}
		if e := (mgz.AuditEntry{OrganisationID: num(byCol), ObjectOrganisationID: num(aboutCol)}); !visibleEntry(c.own.ID, e) {
			return fmt.Sprintf("the export holds a row by organisation %d about organisation %d, for organisation %d: %v", e.OrganisationID, e.ObjectOrganisationID, c.own.ID, row)
		}
	}
	return ""
}

// onlyOwnReminders: every reminder about an agreement is about one the caller is a party to.
func onlyOwnReminders(m *matrix, c *cell, r response) string {
	type reminder struct {
		Kind        string `json:"kind"`
		AgreementID int64  `json:"agreement_id"`
		LocationID  int64  `json:"location_id"`
	}
	rs, bad := listItems[reminder](r)
	if bad != "" {
		return bad
	}
	if agreementParty(c.who) && !slices.ContainsFunc(rs, func(rm reminder) bool { return rm.AgreementID == m.active.ID }) {
		return fmt.Sprintf("party %d gets no reminder of the evaluation of agreement %d, due %s", c.own.ID, m.active.ID, m.active.NextEvaluation())
	}
	for _, rm := range rs {
		if rm.AgreementID == 0 {
			continue
		}
		ag, err := m.ts.svc.Agreement(context.Background(), service.System(), rm.AgreementID)
		if err != nil {
			m.t.Fatalf("agreement %d of a reminder: %v", rm.AgreementID, err)
		}
		if !slices.Contains(ag.Parties(), c.own.ID) {
			return fmt.Sprintf("reminder %q about agreement %d (parties %v) is shown to organisation %d", rm.Kind, ag.ID, ag.Parties(), c.own.ID)
		}
	}
	return ""
}

// onlyPartyPatientLinks: the patients page links to no patient the caller's organisation is not a
// party of.
func onlyPartyPatientLinks(m *matrix, c *cell, r response) string {
	ps, _, err := m.ts.db.Store().Patients().Patients(context.Background(), mgz.PatientFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		m.t.Fatalf("listing every patient: %v", err)
	}
	for _, p := range ps {
		if !slices.Contains(m.patientParties(p), c.own.ID) && strings.Contains(string(r.body), `href="/clienten/`+itoa(p.ID)+`"`) {
			return fmt.Sprintf("the page links to patient %d (%s), whose parties %v do not include organisation %d", p.ID, p.Name, m.patientParties(p), c.own.ID)
		}
	}
	return ""
}

// onlyOwnUserLinks: the users page links to the colleague and not to the other organisation's user.
func onlyOwnUserLinks(_ *matrix, c *cell, r response) string {
	body := string(r.body)
	if strings.Contains(body, `href="/gebruikers/`+itoa(c.stranger.ID)+`"`) || strings.Contains(body, c.stranger.Email) {
		return fmt.Sprintf("the page shows user %d (%s) of organisation %d", c.stranger.ID, c.stranger.Email, c.stranger.OrganisationID)
	}
	if !strings.Contains(body, `href="/gebruikers/`+itoa(c.colleague.ID)+`"`) {
		return fmt.Sprintf("the page does not show colleague %d", c.colleague.ID)
	}
	return ""
}

// onlyPartyAgreementLinks: a page links to no agreement the caller's organisation is not a party
// to (in its list or its reminders).
func onlyPartyAgreementLinks(m *matrix, c *cell, r response) string {
	ags, err := m.ts.svc.Agreements(context.Background(), service.System())
	if err != nil {
		m.t.Fatalf("listing every agreement: %v", err)
	}
	for _, ag := range ags {
		if !slices.Contains(ag.Parties(), c.own.ID) && strings.Contains(string(r.body), `href="/overeenkomsten/`+itoa(ag.ID)+`"`) {
			return fmt.Sprintf("the page links to agreement %d, whose parties %v do not include organisation %d", ag.ID, ag.Parties(), c.own.ID)
		}
	}
	return ""
}

// startPageOwn: the start page links to no agreement or client of others, a party to the active
// agreement sees its evaluation reminder (GP practices and the GP post too, not only the care
// provider), and a party in a client's care sees its clients by name.
func startPageOwn(m *matrix, c *cell, r response) string {
	if msg := onlyPartyAgreementLinks(m, c, r); msg != "" {
		return msg
	}
	if msg := onlyPartyPatientLinks(m, c, r); msg != "" {
		return msg
	}
	body := string(r.body)
	if agreementParty(c.who) && !strings.Contains(body, `href="/overeenkomsten/`+itoa(m.active.ID)+`"`) {
		return fmt.Sprintf("the start page of party %d has no reminder linking to agreement %d, whose evaluation is due %s", c.own.ID, m.active.ID, m.active.NextEvaluation())
	}
	if patientParty(c.who) && !strings.Contains(body, `<ul class="own-clients"><li><a href="/clienten/`) {
		return fmt.Sprintf("the start page of organisation %d, a party in the care of patient %d, lists no clients by name", c.own.ID, m.patient.ID)
	}
	return ""
}

// partyAgreementLinks is onlyPartyAgreementLinks for the agreements page, which must also link a
// party to the matrix agreement.
func partyAgreementLinks(m *matrix, c *cell, r response) string {
	if msg := onlyPartyAgreementLinks(m, c, r); msg != "" {
		return msg
	}
	if agreementParty(c.who) && !strings.Contains(string(r.body), `href="/overeenkomsten/`+itoa(m.agreement.ID)+`"`) {
		return fmt.Sprintf("the page does not link party %d to agreement %d", c.own.ID, m.agreement.ID)
	}
	return ""
}

// noPatientDetails: the region's coverage counts residents per location; neither the RHO nor the
// care office is a party in a client's care, so it names no patient and shows no birth date or BSN.
func noPatientDetails(m *matrix, _ *cell, r response) string {
	body := string(r.body)
	for _, leak := range []string{m.patient.Name, m.patient.BirthDate.String(), `"bsn"`, `"birth_date"`, `href="/clienten/`} {
		if strings.Contains(body, leak) {
			return fmt.Sprintf("the coverage answer holds %q, a detail of a patient the caller is not a party to", leak)
		}
	}
	return ""
}

// onlySideSwitches: every switch request listed has the caller's organisation as the practice
// holding the registration or the one asking, and the demo practice finds the matrix's requests
// of both directions.
func onlySideSwitches(m *matrix, c *cell, r response) string {
	srs, bad := listItems[mgz.SwitchRequest](r)
	if bad != "" {
		return bad
	}
	for _, sr := range srs {
		if sr.FromPracticeID != c.own.ID && sr.ToPracticeID != c.own.ID {
			return fmt.Sprintf("switch request %d (from practice %d to %d) is listed to organisation %d", sr.ID, sr.FromPracticeID, sr.ToPracticeID, c.own.ID)
		}
	}
	if c.who.kind == mgz.KindGPPractice {
		// The list is paged: look the matrix's requests up among the open ones.
		open, bad := listItems[mgz.SwitchRequest](c.c.do(m.t, "GET", "/api/v1/switch-requests?state=open&limit=500", nil))
		if bad != "" {
			return bad
		}
		for _, want := range []mgz.SwitchRequest{m.incoming, m.outgoing} {
			if !slices.ContainsFunc(open, func(sr mgz.SwitchRequest) bool { return sr.ID == want.ID }) {
				return fmt.Sprintf("practice %d does not find switch request %d (from practice %d to %d) in its list", c.own.ID, want.ID, want.FromPracticeID, want.ToPracticeID)
			}
		}
	}
	return ""
}

// onlyPatientSwitches: a client's switch requests are that client's, the matrix's open one among them.
func onlyPatientSwitches(m *matrix, _ *cell, r response) string {
	srs, bad := listItems[mgz.SwitchRequest](r)
	if bad != "" {
		return bad
	}
	for _, sr := range srs {
		if sr.PatientID != m.switchPatient {
			return fmt.Sprintf("switch request %d of client %d is listed among those of client %d", sr.ID, sr.PatientID, m.switchPatient)
		}
	}
	if !slices.ContainsFunc(srs, func(sr mgz.SwitchRequest) bool { return sr.ID == m.incoming.ID }) {
		return fmt.Sprintf("switch request %d is missing from those of client %d", m.incoming.ID, m.switchPatient)
	}
	return ""
}

// sideSwitchLinks: the switches page links to no request the caller's organisation is not a
// side of, and links the demo practice to its newest.
func sideSwitchLinks(m *matrix, c *cell, r response) string {
	srs, _, err := m.ts.svc.SwitchRequests(context.Background(), service.System(), mgz.SwitchFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		m.t.Fatalf("listing every switch request: %v", err)
	}
	body := string(r.body)
	for _, sr := range srs {
		if sr.FromPracticeID != c.own.ID && sr.ToPracticeID != c.own.ID && strings.Contains(body, `href="/overstappen/`+itoa(sr.ID)+`"`) {
			return fmt.Sprintf("the page links to switch request %d (from practice %d to %d), for organisation %d", sr.ID, sr.FromPracticeID, sr.ToPracticeID, c.own.ID)
		}
	}
	if c.who.kind == mgz.KindGPPractice {
		// The page shows the newest requests first, a page at a time: the newest of the caller's
		// practice must be there.
		own, _, err := m.ts.svc.SwitchRequests(context.Background(), service.System(), mgz.SwitchFilter{OrganisationID: c.own.ID, Page: mgz.Page{Limit: 1}})
		if err != nil || len(own) == 0 {
			m.t.Fatalf("the newest switch request of practice %d: %v", c.own.ID, err)
		}
		if !strings.Contains(body, `href="/overstappen/`+itoa(own[0].ID)+`"`) {
			return fmt.Sprintf("the page does not link practice %d to its newest switch request %d", c.own.ID, own[0].ID)
		}
	}
	return ""
}

// onlyOwnNotices: the inbox holds only the caller's organisation's notices, and the demo practice
// finds the notice of the matrix's incoming switch request in it.
func onlyOwnNotices(m *matrix, c *cell, r response) string {
	ns, bad := listItems[mgz.Notice](r)
	if bad != "" {
		return bad
	}
	for _, n := range ns {
		if n.OrganisationID != c.own.ID {
			return fmt.Sprintf("notice %d of organisation %d is listed to organisation %d", n.ID, n.OrganisationID, c.own.ID)
		}
	}
	if c.own.ID == m.dem[mgz.KindGPPractice].ID {
		all, bad := listItems[mgz.Notice](c.c.do(m.t, "GET", "/api/v1/inbox?limit=500", nil))
		if bad != "" {
			return bad
		}
		if !slices.ContainsFunc(all, func(n mgz.Notice) bool { return n.Kind == mgz.NoticeSwitchRequest && n.ObjectID == m.incoming.ID }) {
			return fmt.Sprintf("practice %d finds no notice of switch request %d in its inbox", c.own.ID, m.incoming.ID)
		}
	}
	return ""
}

// seesRegion is a column that sees the whole region in the overview; a care provider (not at
// the regional table) sees its own locations only.
func seesRegion(w who) bool {
	return w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareOffice || w.role == mgz.RoleRegionalTable
}

// overviewRowsScoped: the counts are for everybody; the rows per location only for the RHO, the
// zorgkantoor, the regional table (all locations) and care providers (their own), and never a
// client's details.
func overviewRowsScoped(m *matrix, c *cell, r response) string {
	if msg := noPatientDetails(m, c, r); msg != "" {
		return msg
	}
	var body struct {
		Locations int                `json:"locations"`
		Rows      *[]mgz.OverviewRow `json:"location_rows"`
		Paging    *struct{ Total int }
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		return fmt.Sprintf("the overview is not JSON: %v", err)
	}
	if body.Locations == 0 {
		return "the overview lost its counts"
	}
	if !regionOverviewReaders.allow(c.who) {
		if body.Rows != nil {
			return fmt.Sprintf("%s/%s gets %d location rows", c.who.kind, c.who.role, len(*body.Rows))
		}
		return ""
	}
	if body.Rows == nil || len(*body.Rows) == 0 {
		return "a reader of the regional overview gets no rows"
	}
	return scopedRows(c, *body.Rows)
}

func scopedRows(c *cell, rows []mgz.OverviewRow) string {
	foreign := false
	for _, row := range rows {
		if row.ProviderID != c.own.ID {
			foreign = true
			if !seesRegion(c.who) {
				return fmt.Sprintf("care provider %d sees location %d of provider %d", c.own.ID, row.LocationID, row.ProviderID)
			}
		}
	}
	if seesRegion(c.who) && !foreign && c.who.kind != mgz.KindCareProvider {
		return "the region's overview shows no other provider's locations"
	}
	return ""
}

// onlyOwnNoticeLinks: the inbox page shows no notice of the other organisation of the cell.
func onlyOwnNoticeLinks(m *matrix, c *cell, r response) string {
	ns, _, err := m.ts.db.Store().Notices().List(context.Background(), mgz.NoticeFilter{OrganisationID: c.other.ID, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		m.t.Fatal(err)
	}
	for _, n := range ns {
		if strings.Contains(string(r.body), ">"+template.HTMLEscapeString(n.Subject)+"<") {
			return fmt.Sprintf("the inbox page of organisation %d shows notice %d of organisation %d", c.own.ID, n.ID, c.other.ID)
		}
	}
	return ""
}

// onlyOwnMails: an organisation's admin sees the mails to its own users only, with no content;
// the RHO's admin sees those of the region.
func onlyOwnMails(m *matrix, c *cell, r response) string {
	if strings.Contains(string(r.body), `"body"`) || strings.Contains(string(r.body), `"link"`) {
		return "the outbox list shows the content of mails"
	}
	all, bad := listItems[mgz.OutboxMail](c.c.do(m.t, "GET", "/api/v1/mail-outbox?limit=500", nil))
	if bad != "" {
		return bad
	}
	others := 0
	for _, x := range all {
		if x.OrganisationID != c.own.ID {
			others++
		}
	}
	switch {
	case c.who.kind == mgz.KindRegionalGPOrg && others == 0:
		return "the RHO's admin sees no mails of other organisations of the region"
	case c.who.kind != mgz.KindRegionalGPOrg && others > 0:
		return fmt.Sprintf("organisation %d's admin sees %d mails to other organisations", c.own.ID, others)
	}
	return ""
}

// onlyVisibleEscalations: the list holds only reports the caller's organisation is involved in,
// and the matrix's reports exactly when the caller may read them.
func onlyVisibleEscalations(m *matrix, c *cell, r response) string {
	items, bad := listItems[struct {
		ID int64 `json:"id"`
	}](r)
	if bad != "" {
		return bad
	}
	all, bad := listItems[struct {
		ID int64 `json:"id"`
	}](c.c.do(m.t, "GET", "/api/v1/escalations?limit=500&location_id="+itoa(m.home.ID), nil))
	if bad != "" {
		return bad
	}
	has := func(id int64) bool {
		return slices.ContainsFunc(all, func(x struct {
			ID int64 `json:"id"`
		}) bool {
			return x.ID == id
		})
	}
	// Every listed report (the first ten suffice) can be read by the caller.
	for i, x := range items {
		if i == 10 {
			break
		}
		if st := c.c.do(m.t, "GET", "/api/v1/escalations/"+itoa(x.ID), nil).status; st != 200 {
			return fmt.Sprintf("report %d is listed but reading it answers %d", x.ID, st)
		}
	}
	for _, x := range []struct {
		id   int64
		want bool
	}{{m.escOpen.ID, escReader.allow(c.who)}, {m.escTable.ID, escAtTable.allow(c.who)}} {
		if has(x.id) != x.want {
			return fmt.Sprintf("report %d listed: %v, want %v", x.id, has(x.id), x.want)
		}
	}
	return ""
}

// visibleEscalationLinks: the page links the matrix's reports exactly when the caller may read them.
func visibleEscalationLinks(m *matrix, c *cell, r response) string {
	// The page is paged; the location filter narrows it to the matrix's own reports.
	body := string(c.c.do(m.t, "GET", "/meldingen?locatie="+itoa(m.home.ID), nil).body)
	for _, x := range []struct {
		id   int64
		want bool
	}{{m.escOpen.ID, escReader.allow(c.who)}, {m.escTable.ID, escAtTable.allow(c.who)}} {
		if got := strings.Contains(body, fmt.Sprintf(`href="/meldingen/%d"`, x.id)); got != x.want {
			return fmt.Sprintf("page links report %d: %v, want %v", x.id, got, x.want)
		}
	}
	return ""
}

func overviewCSVScoped(m *matrix, c *cell, r response) string {
	recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(recs) < 2 {
		return fmt.Sprintf("the CSV export has %d records: %v", len(recs), err)
	}
	if recs[0][1] != "Locatie" || recs[0][2] != "Zorgaanbieder" {
		return fmt.Sprintf("the CSV header is %v", recs[0])
	}
	var rows []mgz.OverviewRow
	for _, rec := range recs[1:] {
		id, _ := strconv.ParseInt(rec[0], 10, 64)
		l, err := m.ts.reg.Location(context.Background(), id)
		if err != nil {
			return fmt.Sprintf("the CSV names location %q: %v", rec[0], err)
		}
		rows = append(rows, mgz.OverviewRow{LocationID: id, ProviderID: l.ProviderID})
	}
	return scopedRows(c, rows)
}

func overviewPageScoped(m *matrix, c *cell, r response) string {
	body := string(r.body)
	if msg := noPatientDetails(m, c, r); msg != "" {
		return msg
	}
	own := strings.Contains(body, `href="/locaties/`+itoa(c.ownLoc.ID)+`"`)
	other := strings.Contains(body, `href="/locaties/`+itoa(c.otherLoc.ID)+`"`)
	switch {
	case c.who.kind == mgz.KindCareProvider && !seesRegion(c.who) && other:
		return fmt.Sprintf("care provider %d sees location %d of another provider on the overview page", c.own.ID, c.otherLoc.ID)
	case c.who.kind == mgz.KindCareProvider && !own:
		return fmt.Sprintf("care provider %d does not find its location %d on the overview page", c.own.ID, c.ownLoc.ID)
	}
	return ""
}
