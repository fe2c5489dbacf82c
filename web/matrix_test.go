// The permission matrix: every route of the API and the pages, tried by every role of every
// organisation kind of the demo region, against who may use it.
//
// Adding a route? Add a row (an endpoint) for it to endpoints() below, else
// TestPermissionMatrixCoversEveryRoute fails and names the route:
//
//  1. name: what the row does, in Dutch (it is a row of docs/toegang.md).
//  2. method and path; when the path names a record made fresh for each cell, or a record of the
//     matrix (m.patient, m.agreement, m.document, ...), set shown to the path with placeholders
//     such as {overeenkomst}, so the document stays the same from run to run.
//  3. body, for POST and PUT: a value marshalled as JSON for the API, url.Values for a form.
//  4. rule: who may, written here from domain.md and the product's decisions, never copied from
//     package access. Reuse a rule below or write one: rule{"Dutch text", func(w who) bool {...}}.
//  5. ok when success is not 200/201/200/204 for GET/POST/PUT/DELETE (forms answer 303);
//     denied (or deniedFor) when a refusal is not 403, e.g. 404 where it must not reveal that the
//     record exists.
//  6. For a list (API or page), set only to a check that the body holds only what the caller may
//     see, and what it must see; the checks are in web/matrix_lists_test.go.
//
// Then run go test ./web -run TestPermissionMatrix -update-matrix and commit docs/toegang.md with
// the row. Session routes (login, logout, password) are listed in sessionRoutes with their test.

package web_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// matrixNow is the service's clock in the permission matrix: Monday 30 November 2026, 10:00 in
// Amsterdam, office hours.
var matrixNow = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

var updateMatrix = flag.Bool("update-matrix", false, "rewrite docs/toegang.md from the permission matrix")

// who is one column of the permission matrix: a role of a user of an organisation kind.
type who struct {
	kind mgz.OrgKind
	role mgz.UserRole
}

// rule is the expected answer of the access policy for a column, written here independently of
// package access so that the test checks the policy rather than repeating it.
type rule struct {
	text  string // Dutch, for docs/toegang.md
	allow func(who) bool
}

func editorRole(r mgz.UserRole) bool { return r == mgz.RoleEditor || r == mgz.RoleAdmin }

// carerRole is a role that may change a client's record or sign: editor, admin or physician.
// A member of the regional table reads (it is a viewer with a seat at the table).
func carerRole(r mgz.UserRole) bool { return editorRole(r) || r == mgz.RolePhysician }

var (
	everyone      = rule{"iedere ingelogde gebruiker", func(who) bool { return true }}
	nobody        = rule{"niemand", func(who) bool { return false }}
	ownAdmin      = rule{"beheerder van de eigen organisatie", func(w who) bool { return w.role == mgz.RoleAdmin }}
	ownEditor     = rule{"bewerker of beheerder van de eigen organisatie", func(w who) bool { return editorRole(w.role) }}
	rhoEditor     = rule{"bewerker of beheerder van de RHO", func(w who) bool { return w.kind == mgz.KindRegionalGPOrg && editorRole(w.role) }}
	rhoAdmin      = rule{"beheerder van de RHO", func(w who) bool { return w.kind == mgz.KindRegionalGPOrg && w.role == mgz.RoleAdmin }}
	prereqReaders = rule{"huisartsenpraktijken, de RHO en het zorgkantoor", func(w who) bool {
		return w.kind == mgz.KindGPPractice || w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareOffice
	}}
	prereqOwn = rule{"de eigen zorgaanbieder, huisartsenpraktijken, de RHO en het zorgkantoor", func(w who) bool {
		return w.kind == mgz.KindCareProvider || prereqReaders.allow(w)
	}}
	// The regional overview: the RHO, the zorgkantoor and members of the regional table see the
	// region; a care provider its own locations (issue 11).
	regionOverviewReaders = rule{"de RHO, het zorgkantoor, leden van de regionale tafel en zorgaanbieders (eigen locaties)", func(w who) bool {
		return w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareOffice || w.kind == mgz.KindCareProvider || w.role == mgz.RoleRegionalTable
	}}
	// Coverage gaps (issue 13): the RHO, the zorgkantoor and members of the regional table see the
	// region's; every organisation its own.
	availabilityRegion = rule{"de RHO, het zorgkantoor en leden van de regionale tafel", func(w who) bool {
		return w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareOffice || w.role == mgz.RoleRegionalTable
	}}
	providerEditor = rule{"bewerker of beheerder van de eigen zorgaanbieder", func(w who) bool { return w.kind == mgz.KindCareProvider && editorRole(w.role) }}
	// The matrix agreement's and patient's parties.
	agreementReader = rule{"iedere gebruiker van een partij", agreementParty}
	agreementEditor = rule{"bewerker of beheerder van een partij", func(w who) bool { return agreementParty(w) && editorRole(w.role) }}
	agreementSigner = rule{"bewerker, beheerder of arts van een partij (ondertekent voor de eigen organisatie)", func(w who) bool {
		return agreementParty(w) && carerRole(w.role)
	}}
	patientReader = rule{"iedere gebruiker van een betrokken organisatie", patientParty}
	patientCarer  = rule{"bewerker, beheerder of arts van een betrokken organisatie", func(w who) bool { return patientParty(w) && carerRole(w.role) }}
	gpCarer       = rule{"bewerker, beheerder of arts van een huisartsenpraktijk", func(w who) bool { return w.kind == mgz.KindGPPractice && carerRole(w.role) }}
	gpEditor      = rule{"bewerker of beheerder van de eigen huisartsenpraktijk", func(w who) bool { return w.kind == mgz.KindGPPractice && editorRole(w.role) }}
	// A patient added without a practice has the care provider of its location and that
	// location's SO/AVG service as parties.
	newPatientCarer = rule{"bewerker, beheerder of arts van de zorgaanbieder of de SO/AVG-dienst van de locatie", func(w who) bool {
		return (w.kind == mgz.KindCareProvider || w.kind == mgz.KindPhysicianService) && carerRole(w.role)
	}}
	documentReaders = rule{"de zorgaanbieder van de locatie, huisartsenpraktijken, de RHO en het zorgkantoor", prereqOwn.allow}
	// A switch request is between two practices: the one holding the registration and the one
	// asking. The GP practice columns are one of the two in each switch row.
	switchSide   = rule{"iedere gebruiker van de huidige of de aanvragende praktijk", func(w who) bool { return w.kind == mgz.KindGPPractice }}
	switchHolder = rule{"bewerker, beheerder of arts van de praktijk waar de cliënt nu staat ingeschreven", func(w who) bool {
		return w.kind == mgz.KindGPPractice && carerRole(w.role)
	}}
	switchAsker = rule{"bewerker, beheerder of arts van de praktijk die de overstap aanvroeg", switchHolder.allow}
	// A report (melding) of the demo practice about the demo care provider: the reporter and the
	// RHO steer it, the provider answers the first step, the zorgkantoor sees it from its step on
	// and members of the regional table (role T, of any organisation) from the third.
	escFiler   = rule{"bewerker, beheerder of arts van de huisartsenpraktijk; bewerker of beheerder van de RHO (namens)", escSteers}
	escReader  = rule{"iedere gebruiker van de meldende praktijk, de RHO en de zorgaanbieder", escReads}
	escAtTable = rule{"als hierboven, plus het zorgkantoor en leden van de regionale tafel (vanaf de derde stap)", func(w who) bool {
		return escReads(w) || w.kind == mgz.KindCareOffice || w.role == mgz.RoleRegionalTable
	}}
	escProvider  = rule{"bewerker of beheerder van de zorgaanbieder waaraan de stap is gericht", func(w who) bool { return w.kind == mgz.KindCareProvider && editorRole(w.role) }}
	escTableResp = rule{"leden van de regionale tafel; bewerker of beheerder van de RHO (geadresseerde van de derde stap)", func(w who) bool {
		return w.role == mgz.RoleRegionalTable || (w.kind == mgz.KindRegionalGPOrg && editorRole(w.role))
	}}
	escSteer  = rule{"bewerker, beheerder of arts van de meldende praktijk; bewerker of beheerder van de RHO", escSteers}
	escExport = rule{"iedere gebruiker van de RHO", func(w who) bool { return w.kind == mgz.KindRegionalGPOrg }}
)

func escReads(w who) bool {
	return w.kind == mgz.KindGPPractice || w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareProvider
}

func escSteers(w who) bool {
	return (w.kind == mgz.KindGPPractice && carerRole(w.role)) || (w.kind == mgz.KindRegionalGPOrg && editorRole(w.role))
}

// escDenied: who sees the report but may not do this is told so (403); anyone else does not
// learn that it exists (404).
func escDenied(w who) int {
	if escReads(w) {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

func escTableDenied(w who) int {
	if escAtTable.allow(w) {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

// switchDenied: a practice of the request that may not do something is told so (403); anyone
// else does not learn that the request exists (404).
func switchDenied(w who) int {
	if w.kind == mgz.KindGPPractice {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

// mailDenied: an admin of another organisation does not learn that a mail exists (404); a user
// who is no admin may not see the outbox at all (403).
func mailDenied(w who) int {
	if w.role == mgz.RoleAdmin {
		return http.StatusNotFound
	}
	return http.StatusForbidden
}

// newPatientDenied: the location's parties that may not add a patient are told so (403); anyone
// else does not learn more (404).
func newPatientDenied(w who) int {
	if w.kind == mgz.KindCareProvider || w.kind == mgz.KindPhysicianService {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

// cell is the data one column acts on: its own organisation, a colleague, and records made
// fresh for the actions that change or remove something.
type cell struct {
	who        who
	c          *client
	own        mgz.Organisation
	other      mgz.Organisation // another organisation, of another kind
	colleague  mgz.User
	stranger   mgz.User // a user of the other organisation
	ownLoc     mgz.Location
	otherLoc   mgz.Location // a location of another care provider
	ownCP      mgz.ContactPoint
	otherCP    mgz.ContactPoint
	ownToken   int64
	otherToken int64
}

// endpoint is one row: a request made for a cell. Denied requests answer 403, or 404 where the
// policy hides that the object exists.
type endpoint struct {
	name   string
	method string
	path   func(*matrix, *cell) string
	body   func(*matrix, *cell) any // JSON for the API, url.Values for pages
	rule   rule
	ok     int
	denied int
	// deniedFor, when set, gives the denied status per column.
	deniedFor func(who) int
	shown     string // the path in docs/toegang.md, for paths that make a fresh record
	// only, for lists, checks an allowed answer's body: it holds only what the caller may see,
	// and what it must see. It returns "" or what is wrong (see matrix_lists_test.go).
	only func(m *matrix, c *cell, r response) string
}

type matrix struct {
	t   *testing.T
	ts  *testServer
	n   int
	dem map[mgz.OrgKind]mgz.Organisation
	// patient is registered with the demo practice and lives at a location of the demo care
	// provider whose SO/AVG service is the demo physician service: those three are its parties.
	patient mgz.Patient
	// agreement is a cooperation agreement of the demo care provider, practice and GP post.
	agreement mgz.Agreement
	// active is an agreement of the same parties signed by all, whose evaluation is due within a
	// month: its parties, and only they, get a reminder.
	active mgz.Agreement
	// home is the demo care provider's location the matrix patients live at; its SO/AVG service
	// is the demo physician service.
	home mgz.Location
	// document is a prerequisite document of home.
	document int64
	// secondGP is a GP practice other than the demo practice whose users act: the other side of
	// the matrix's switch requests.
	secondGP mgz.Organisation
	// incoming is an open request of secondGP to take over switchPatient, a client living at home
	// and registered with the demo practice (so its parties are the matrix patient's); outgoing is
	// an open request of the demo practice to take over a client of secondGP.
	switchPatient      int64
	incoming, outgoing mgz.SwitchRequest
	requesters         map[int64]mgz.User
	bsns               int
	// escOpen is a report of the demo practice about the demo care provider at its first step,
	// with attachment escAttachment; escTable one at the regional table; lastEsc the report made
	// last for a cell (its form or body names its step).
	escOpen, escTable mgz.Escalation
	escAttachment     int64
	lastEsc           mgz.Escalation
	escFiler          mgz.User
}

// freshEscalation files a report of the demo practice about the demo care provider; moved on
// to: "" stays at the first step, care_office and regional_table move it there (answered by the
// system at each step). With answered the current step has a response.
func (m *matrix) freshEscalation(to mgz.EscalationState, answered bool) mgz.Escalation {
	return m.escalationAt(nil, to, answered)
}

// escalationAt is freshEscalation about location loc (nil: none).
func (m *matrix) escalationAt(loc *int64, to mgz.EscalationState, answered bool) mgz.Escalation {
	ctx := context.Background()
	if m.escFiler.ID == 0 {
		m.escFiler, _ = m.ts.newUser(m.t, m.dem[mgz.KindGPPractice].ID, "", mgz.RoleEditor)
	}
	e := mgz.Escalation{CareProviderID: m.dem[mgz.KindCareProvider].ID, LocationID: loc, Category: mgz.CategoryCommunication,
		Description: "Matrixmelding.", PeriodStart: mgz.DateOf(m.ts.svc.Today())}
	if err := m.ts.svc.FileEscalation(ctx, mgz.Actor{User: m.escFiler, OrgKind: mgz.KindGPPractice}, &e); err != nil {
		m.t.Fatal(err)
	}
	var err error
	for st := mgz.StateCareProvider; st != to && to != ""; st = st.NextStep() {
		cur, _ := e.Current()
		if e, err = m.ts.svc.RespondEscalation(ctx, service.System(), e.ID, cur.ID, 0, "Gezien."); err != nil {
			m.t.Fatal(err)
		}
		if e, err = m.ts.svc.MoveOnEscalation(ctx, service.System(), e.ID, 0, ""); err != nil {
			m.t.Fatal(err)
		}
	}
	if answered {
		cur, _ := e.Current()
		if e, err = m.ts.svc.RespondEscalation(ctx, service.System(), e.ID, cur.ID, 0, "Gezien."); err != nil {
			m.t.Fatal(err)
		}
	}
	m.lastEsc = e
	return e
}

func (m *matrix) escPath(e mgz.Escalation, tail string) string {
	return "/api/v1/escalations/" + itoa(e.ID) + tail
}
func (m *matrix) escPage(e mgz.Escalation, tail string) string {
	return "/meldingen/" + itoa(e.ID) + tail
}

// agreementParty are the organisation kinds of the matrix agreement's parties.
func agreementParty(w who) bool {
	return w.kind == mgz.KindCareProvider || w.kind == mgz.KindGPPractice || w.kind == mgz.KindGPPost
}

func agreementDenied(w who) int {
	if agreementParty(w) {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

// patientParties are the organisation kinds of the matrix patient's parties.
func patientParty(w who) bool {
	return w.kind == mgz.KindGPPractice || w.kind == mgz.KindCareProvider || w.kind == mgz.KindPhysicianService
}

// partyDenied: a party that may not do something is told so (403); anyone else does not learn
// that the patient exists (404).
func partyDenied(w who) int {
	if patientParty(w) {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

func (m *matrix) unique() int { m.n++; return m.n }

// freshOrg adds an organisation nobody refers to, for delete cells.
func (m *matrix) freshOrg() mgz.Organisation {
	n := m.unique()
	o := mgz.Organisation{Kind: mgz.KindGPPractice, Name: fmt.Sprintf("Praktijk Matrix %d", n), AGB: fmt.Sprintf("01%06d", 900000+n),
		KvK: fmt.Sprintf("%08d", 66000000+n), Address: "Matrixweg 1", Postcode: "9901 AB", City: "Voorbeeldstad", Phone: "0120 555123",
		CareOfficeRegion: "Regio Voorbeeld"}
	if err := m.ts.reg.CreateOrganisation(context.Background(), &o); err != nil {
		m.t.Fatal(err)
	}
	return o
}

func (m *matrix) freshLocation(provider int64) mgz.Location {
	l := mgz.Location{ProviderID: provider, Name: fmt.Sprintf("Woonvorm Matrix %d", m.unique()), Address: "Matrixpad 2", Postcode: "9902 AB",
		Municipality: "Proefhoven", Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 8}
	if err := m.ts.reg.CreateLocation(context.Background(), &l); err != nil {
		m.t.Fatal(err)
	}
	return l
}

func (m *matrix) freshContact(org int64) mgz.ContactPoint {
	c := mgz.ContactPoint{OrganisationID: &org, Role: mgz.RoleFirstLine, Phone: "0612345678", Hours: mgz.Hours24x7}
	if err := m.ts.reg.CreateContactPoint(context.Background(), &c); err != nil {
		m.t.Fatal(err)
	}
	return c
}

func (m *matrix) token(u mgz.User) int64 {
	tok, _, err := m.ts.svc.CreateToken(context.Background(), service.System(), u.ID, "matrix")
	if err != nil {
		m.t.Fatal(err)
	}
	return tok.ID
}

// agreementTerms are the matrix agreement's terms, for a new agreement of the same parties.
func (m *matrix) agreementTerms() mgz.Agreement {
	ag := m.agreement
	ag.ID, ag.Version, ag.Status, ag.Signatures, ag.Snapshot = 0, 0, "", nil, nil
	return ag
}

// currentAgreement is the matrix agreement as stored now, for edits made on its latest version.
func (m *matrix) currentAgreement() mgz.Agreement {
	ag, err := m.ts.svc.Agreement(context.Background(), service.System(), m.agreement.ID)
	if err != nil {
		m.t.Fatal(err)
	}
	return ag
}

// freshAgreement adds an agreement of the matrix agreement's parties, for lifecycle cells: a
// draft, or, with signing, one sent for signing.
func (m *matrix) freshAgreement(signing bool) int64 {
	ctx := context.Background()
	ag := m.agreementTerms()
	if err := m.ts.svc.CreateAgreement(ctx, service.System(), &ag); err != nil {
		m.t.Fatal(err)
	}
	if signing {
		if _, err := m.ts.svc.SendForSigning(ctx, service.System(), ag.ID, service.Basis{}); err != nil {
			m.t.Fatal(err)
		}
	}
	return ag.ID
}

// signedByAll stores ag and has an editor of each party sign it, so that it is active.
func (m *matrix) signedByAll(ag mgz.Agreement) mgz.Agreement {
	ctx := context.Background()
	if err := m.ts.svc.CreateAgreement(ctx, service.System(), &ag); err != nil {
		m.t.Fatal(err)
	}
	if _, err := m.ts.svc.SendForSigning(ctx, service.System(), ag.ID, service.Basis{}); err != nil {
		m.t.Fatal(err)
	}
	for _, party := range ag.Parties() {
		o := m.orgJSON(party)
		u, _ := m.ts.newUser(m.t, party, "", mgz.RoleEditor)
		var err error
		if ag, err = m.ts.svc.SignAgreement(ctx, mgz.Actor{User: u, OrgKind: o.Kind}, ag.ID, service.Basis{}, "bestuurder"); err != nil {
			m.t.Fatalf("%s signs agreement %d: %v", o.Name, ag.ID, err)
		}
	}
	if ag.Status != mgz.AgreementActive {
		m.t.Fatalf("agreement %d signed by every party is %s, want active", ag.ID, ag.Status)
	}
	return ag
}

// freshPatient adds a patient with the same parties as the matrix patient, for cells that move one.
func (m *matrix) freshPatient() int64 {
	p := m.patient
	p.ID, p.Name = 0, fmt.Sprintf("Cliënt Verhuizing %d", m.unique())
	if err := m.ts.db.Store().Patients().CreatePatient(context.Background(), &p); err != nil {
		m.t.Fatal(err)
	}
	return p.ID
}

// freshNotice adds a notice to org's inbox, queuing a mail to each of its active users.
func (m *matrix) freshNotice(org int64) int64 {
	n := &mgz.Notice{OrganisationID: org, Kind: mgz.NoticeAgreementReminder, Subject: fmt.Sprintf("Herinnering matrix %d", m.unique()), Link: "/overeenkomsten"}
	if _, err := m.ts.db.Store().Notices().Add(context.Background(), n); err != nil {
		m.t.Fatal(err)
	}
	return n.ID
}

// freshMail is a mail of a fresh notice to org (which has users).
func (m *matrix) freshMail(org int64) int64 {
	id := m.freshNotice(org)
	ms, _, err := m.ts.db.Store().Outbox().Mails(context.Background(), mgz.OutboxFilter{OrganisationID: org, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		m.t.Fatal(err)
	}
	for _, x := range ms {
		if x.NoticeID == id {
			return x.ID
		}
	}
	m.t.Fatalf("notice %d of organisation %d queued no mail: the organisation has no active users", id, org)
	return 0
}

// bsn returns a BSN that passes the 11-test and that no other matrix client has.
func (m *matrix) bsn() string {
	for {
		m.bsns++
		d := fmt.Sprintf("37%06d", m.bsns)
		sum := 0
		for i, c := range d {
			sum += (9 - i) * int(c-'0')
		}
		if check := sum % 11; check < 10 {
			return d + fmt.Sprint(check)
		}
	}
}

// freshSwitchRequest adds a client living at home and registered with practice from, and has an
// editor of practice to ask for its switch through the service, with the client's consent: an
// open switch request, for cells that decide one.
func (m *matrix) freshSwitchRequest(from, to int64) mgz.SwitchRequest {
	ctx := context.Background()
	bsn := m.bsn()
	p := m.patient
	p.ID, p.Name, p.BSN, p.GPPracticeID = 0, fmt.Sprintf("Cliënt Overstap %d", m.unique()), bsn, &from
	if err := m.ts.db.Store().Patients().CreatePatient(ctx, &p); err != nil {
		m.t.Fatal(err)
	}
	u, ok := m.requesters[to]
	if !ok {
		u, _ = m.ts.newUser(m.t, to, "", mgz.RoleEditor)
		m.requesters[to] = u
	}
	_, rd, err := m.ts.svc.Readiness(ctx, service.System(), m.home.ID)
	if err != nil {
		m.t.Fatal(err)
	}
	reg := mgz.Registration{SwitchConsentMethod: mgz.ConsentInWriting, SwitchConsentOn: mgz.DateOf(m.ts.svc.Today()), SwitchConsentBy: "Dr. M. Atrix, huisarts"}
	for _, k := range rd.Open {
		reg.OpenItemsAcknowledged = append(reg.OpenItemsAcknowledged, string(k))
	}
	typed := mgz.Patient{Name: "Naam Zoals Getypt", BSN: bsn, BirthDate: p.BirthDate, HomePostcode: "9901 AB", Sector: p.Sector, Wlz: p.Wlz,
		WlzSource: p.WlzSource, WlzCheckedOn: p.WlzCheckedOn, Delivery: p.Delivery}
	res, err := m.ts.svc.RegisterPatient(ctx, mgz.Actor{User: u, OrgKind: mgz.KindGPPractice}, &typed, &reg)
	if err != nil || res.SwitchRequest == nil || res.SwitchRequest.State != mgz.SwitchOpen {
		m.t.Fatalf("practice %d asks for the switch of client %d from practice %d: %+v %v", to, p.ID, from, res, err)
	}
	return *res.SwitchRequest
}

// incomingRequest is a fresh request of the second practice for a client of the demo practice.
func (m *matrix) incomingRequest() int64 {
	return m.freshSwitchRequest(m.dem[mgz.KindGPPractice].ID, m.secondGP.ID).ID
}

// outgoingRequest is a fresh request of the demo practice for a client of the second practice.
func (m *matrix) outgoingRequest() int64 {
	return m.freshSwitchRequest(m.secondGP.ID, m.dem[mgz.KindGPPractice].ID).ID
}

func agreementForm(ag mgz.Agreement) url.Values {
	v := url.Values{"type": {string(ag.Type)}, "provider_id": {itoa(ag.Provider)}, "practice_id": {itoa(ag.Practice)},
		"start": {ag.Start.String()}, "term_months": {fmt.Sprint(ag.TermMonths)}, "notice_months": {fmt.Sprint(ag.NoticeMonths)},
		"evaluation_months": {fmt.Sprint(ag.EvaluationMonths)}}
	if ag.GPPost != nil {
		v.Set("gp_post_id", itoa(*ag.GPPost))
	}
	for _, l := range ag.Locations {
		v.Add("location_ids", itoa(l))
	}
	return v
}

func registrationForm(n int) url.Values {
	return url.Values{"name": {fmt.Sprintf("Cliënt Formulier %d", n)}, "birth_date": {"1938-01-01"}, "home_postcode": {"9901 AB"},
		"sector": {"elderly"}, "wlz": {"without_treatment"}, "wlz_source": {"vecozo"}, "wlz_checked_on": {"2026-11-01"}, "delivery": {"mpt"}}
}

func (m *matrix) orgJSON(id int64) mgz.Organisation {
	o, err := m.ts.reg.Organisation(context.Background(), id)
	if err != nil {
		m.t.Fatal(err)
	}
	return o
}

func (m *matrix) locJSON(id int64) mgz.Location {
	l, err := m.ts.reg.Location(context.Background(), id)
	if err != nil {
		m.t.Fatal(err)
	}
	return l
}

func (m *matrix) newOrgJSON() mgz.Organisation {
	o := m.freshOrg()
	// Not stored: the same values with a new AGB and KvK.
	n := m.unique()
	o.ID, o.AGB, o.KvK, o.Name = 0, fmt.Sprintf("01%06d", 800000+n), fmt.Sprintf("%08d", 55000000+n), fmt.Sprintf("Praktijk Nieuw %d", n)
	return o
}

func (m *matrix) newLocJSON(provider int64) mgz.Location {
	return mgz.Location{ProviderID: provider, Name: fmt.Sprintf("Woonvorm Nieuw %d", m.unique()), Address: "Nieuwpad 3", Postcode: "9903 AB",
		Municipality: "Proefhoven", Setting: mgz.SettingInstitution, Sector: mgz.SectorDisability, Deliveries: []mgz.Delivery{mgz.DeliveryStayWithTreatment}, Places: 20}
}

func orgForm(o mgz.Organisation) url.Values {
	return url.Values{"kind": {string(o.Kind)}, "name": {o.Name}, "agb": {o.AGB}, "kvk": {o.KvK}, "address": {o.Address},
		"postcode": {o.Postcode}, "city": {o.City}, "phone": {o.Phone}, "care_office_region": {o.CareOfficeRegion}}
}

func locForm(l mgz.Location) url.Values {
	v := url.Values{"provider_id": {itoa(l.ProviderID)}, "name": {l.Name}, "address": {l.Address}, "postcode": {l.Postcode},
		"municipality": {l.Municipality}, "setting": {string(l.Setting)}, "sector": {string(l.Sector)}, "places": {fmt.Sprint(l.Places)}}
	for _, d := range l.Deliveries {
		v.Add("deliveries", string(d))
	}
	return v
}

func p(s string) func(*matrix, *cell) string { return func(*matrix, *cell) string { return s } }

// endpoints is the permission matrix: every route of the API and of the pages, each action on
// one's own data and on another organisation's. The session routes (login, logout, password) are
// tested with a browser session in auth_test.go and the browser test.
func endpoints() []endpoint {
	decide := `{"situation":{"setting":"institution","wlz":"with_treatment","delivery":"stay_with_treatment","sector":"disability"},"question":{"category":"gp_care","at":"2026-09-12T10:00:00+02:00"}}`
	settings := func(m *matrix, c *cell) any {
		r := c.c.do(m.t, "GET", "/api/v1/settings/calendar", nil)
		var v map[string]any
		r.json(m.t, &v)
		return v
	}
	return append([]endpoint{
		// The API.
		{name: "API overzicht (tellingen voor iedereen; rijen per locatie: zie regio-overzicht)", method: "GET", path: p("/api/v1/overview"), rule: everyone, only: overviewRowsScoped},
		{name: "API regio-overzicht als CSV", method: "GET", path: p("/api/v1/overview?format=csv"), rule: regionOverviewReaders, only: overviewCSVScoped},
		{name: "API-beschrijving", method: "GET", path: p("/api/v1/openapi.json"), rule: everyone},
		{name: "wie ben ik", method: "GET", path: p("/api/v1/me"), rule: everyone},
		{name: "besluit (regels)", method: "POST", path: p("/api/v1/decide"), body: func(*matrix, *cell) any { return decide }, rule: everyone, ok: 200},
		{name: "regio-instellingen lezen", method: "GET", path: p("/api/v1/settings/calendar"), rule: everyone},
		{name: "regio-instellingen wijzigen", method: "PUT", path: p("/api/v1/settings/calendar"), body: settings, rule: rhoAdmin},
		{name: "organisaties zoeken", method: "GET", path: p("/api/v1/organisations"), rule: everyone},
		{name: "eigen organisatie lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/organisations/" + itoa(c.own.ID) }, rule: everyone},
		{name: "andere organisatie lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/organisations/" + itoa(c.other.ID) }, rule: everyone},
		{name: "organisatie toevoegen", method: "POST", path: p("/api/v1/organisations"), body: func(m *matrix, _ *cell) any { return m.newOrgJSON() }, rule: rhoEditor},
		{name: "eigen organisatie wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/organisations/" + itoa(c.own.ID) },
			body: func(m *matrix, c *cell) any { return m.orgJSON(c.own.ID) }, rule: ownEditor},
		{name: "andere organisatie wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/organisations/" + itoa(c.other.ID) },
			body: func(m *matrix, c *cell) any { return m.orgJSON(c.other.ID) }, rule: rhoEditor},
		{name: "eigen organisatie verwijderen", method: "DELETE", path: func(_ *matrix, c *cell) string { return "/api/v1/organisations/" + itoa(c.own.ID) }, rule: nobody},
		{name: "andere organisatie verwijderen", shown: "/api/v1/organisations/{ander}", method: "DELETE", path: func(m *matrix, _ *cell) string { return "/api/v1/organisations/" + itoa(m.freshOrg().ID) }, rule: rhoAdmin},
		{name: "locaties zoeken", method: "GET", path: p("/api/v1/locations"), rule: everyone},
		{name: "locatie lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/locations/" + itoa(c.otherLoc.ID) }, rule: everyone},
		{name: "eigen locatie toevoegen", method: "POST", path: p("/api/v1/locations"), body: func(m *matrix, c *cell) any { return m.newLocJSON(c.own.ID) }, rule: providerEditor},
		{name: "locatie van een ander toevoegen", method: "POST", path: p("/api/v1/locations"), body: func(m *matrix, c *cell) any { return m.newLocJSON(c.otherLoc.ProviderID) }, rule: nobody},
		{name: "eigen locatie wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/locations/" + itoa(c.ownLoc.ID) },
			body: func(m *matrix, c *cell) any { return m.locJSON(c.ownLoc.ID) }, rule: providerEditor},
		{name: "locatie van een ander wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/locations/" + itoa(c.otherLoc.ID) },
			body: func(m *matrix, c *cell) any { return m.locJSON(c.otherLoc.ID) }, rule: nobody},
		{name: "eigen locatie verwijderen", shown: "/api/v1/locations/{eigen-locatie}", method: "DELETE", path: func(m *matrix, c *cell) string {
			if c.who.kind != mgz.KindCareProvider {
				return "/api/v1/locations/" + itoa(c.otherLoc.ID) // has none: tries another's
			}
			return "/api/v1/locations/" + itoa(m.freshLocation(c.own.ID).ID)
		}, rule: providerEditor},
		{name: "locatie van een ander verwijderen", method: "DELETE", path: func(_ *matrix, c *cell) string { return "/api/v1/locations/" + itoa(c.otherLoc.ID) }, rule: nobody},
		{name: "contactpunten zoeken", method: "GET", path: p("/api/v1/contact-points"), rule: everyone},
		{name: "contactpunt lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/contact-points/" + itoa(c.otherCP.ID) }, rule: everyone},
		{name: "eigen contactpunt toevoegen", method: "POST", path: p("/api/v1/contact-points"), body: func(_ *matrix, c *cell) any {
			return map[string]any{"organisation_id": c.own.ID, "role": "management", "phone": "0120 555 777", "hours": "office_hours"}
		}, rule: ownEditor},
		{name: "contactpunt van een ander toevoegen", method: "POST", path: p("/api/v1/contact-points"), body: func(_ *matrix, c *cell) any {
			return map[string]any{"organisation_id": c.other.ID, "role": "management", "phone": "0120 555 777", "hours": "office_hours"}
		}, rule: nobody},
		{name: "eigen contactpunt wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/contact-points/" + itoa(c.ownCP.ID) },
			body: func(_ *matrix, c *cell) any { return c.ownCP }, rule: ownEditor},
		{name: "contactpunt van een ander wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/contact-points/" + itoa(c.otherCP.ID) },
			body: func(_ *matrix, c *cell) any { return c.otherCP }, rule: nobody},
		{name: "eigen contactpunt verwijderen", shown: "/api/v1/contact-points/{eigen-contactpunt}", method: "DELETE", path: func(m *matrix, c *cell) string { return "/api/v1/contact-points/" + itoa(m.freshContact(c.own.ID).ID) }, rule: ownEditor},
		{name: "contactpunt van een ander verwijderen", method: "DELETE", path: func(_ *matrix, c *cell) string { return "/api/v1/contact-points/" + itoa(c.otherCP.ID) }, rule: nobody},
		{name: "vaste SO/AVG zoeken", method: "GET", path: p("/api/v1/fixed-physicians"), rule: everyone},
		{name: "vaste SO/AVG lezen", shown: "/api/v1/fixed-physicians/{vaste-arts}", method: "GET", path: func(m *matrix, c *cell) string {
			return "/api/v1/fixed-physicians/" + itoa(m.freshFixed(c.otherLoc.ID).ID)
		}, rule: everyone},
		{name: "vaste SO/AVG van een eigen locatie vastleggen", method: "POST", path: p("/api/v1/fixed-physicians"), body: func(_ *matrix, c *cell) any {
			return map[string]any{"location_id": c.ownLoc.ID, "sector": "elderly", "name": "Dr. Matrix", "phone": "0120 555 888"}
		}, rule: providerEditor},
		{name: "vaste SO/AVG van een locatie van een ander vastleggen", method: "POST", path: p("/api/v1/fixed-physicians"), body: func(_ *matrix, c *cell) any {
			return map[string]any{"location_id": c.otherLoc.ID, "sector": "elderly", "name": "Dr. Matrix", "phone": "0120 555 888"}
		}, rule: nobody},
		{name: "vaste SO/AVG van de eigen huisartsenpraktijk vastleggen", method: "POST", path: p("/api/v1/fixed-physicians"), body: func(m *matrix, c *cell) any {
			return map[string]any{"organisation_id": m.dem[mgz.KindGPPractice].ID, "sector": fixedGPSector(c.who), "name": "Dr. Matrix", "phone": "0120 555 888"}
		}, rule: gpEditor},
		{name: "vaste SO/AVG van een eigen locatie wijzigen", shown: "/api/v1/fixed-physicians/{eigen-vaste-arts}", method: "PUT", path: func(m *matrix, c *cell) string {
			return "/api/v1/fixed-physicians/" + itoa(m.freshFixed(c.ownLoc.ID).ID)
		}, body: func(*matrix, *cell) any {
			return map[string]any{"sector": "elderly", "name": "Dr. Matrix-Nieuw", "phone": "0120 555 889"}
		}, rule: providerEditor},
		{name: "vaste SO/AVG van een ander wijzigen", shown: "/api/v1/fixed-physicians/{vaste-arts}", method: "PUT", path: func(m *matrix, c *cell) string {
			return "/api/v1/fixed-physicians/" + itoa(m.freshFixed(c.otherLoc.ID).ID)
		}, body: func(*matrix, *cell) any {
			return map[string]any{"sector": "elderly", "name": "Dr. Matrix-Nieuw", "phone": "0120 555 889"}
		}, rule: nobody},
		{name: "vaste SO/AVG van een eigen locatie verwijderen", shown: "/api/v1/fixed-physicians/{eigen-vaste-arts}", method: "DELETE", path: func(m *matrix, c *cell) string {
			return "/api/v1/fixed-physicians/" + itoa(m.freshFixed(c.ownLoc.ID).ID)
		}, rule: providerEditor},
		{name: "vaste SO/AVG van een ander verwijderen", shown: "/api/v1/fixed-physicians/{vaste-arts}", method: "DELETE", path: func(m *matrix, c *cell) string {
			return "/api/v1/fixed-physicians/" + itoa(m.freshFixed(c.otherLoc.ID).ID)
		}, rule: nobody},
		{name: "gebruikers van de eigen organisatie", method: "GET", path: p("/api/v1/users"), rule: ownAdmin, only: onlyOwnUsers},
		{name: "gebruikers van een andere organisatie", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/users?organisation_id=" + itoa(c.other.ID) }, rule: nobody, denied: 404},
		{name: "gebruiker toevoegen", method: "POST", path: p("/api/v1/users"), body: func(m *matrix, _ *cell) any {
			return map[string]any{"email": fmt.Sprintf("nieuw%d@matrix.example", m.unique()), "name": "Nieuwe Collega", "roles": []string{"viewer"}}
		}, rule: ownAdmin},
		{name: "gebruiker toevoegen bij een ander", method: "POST", path: p("/api/v1/users"), body: func(m *matrix, c *cell) any {
			return map[string]any{"organisation_id": c.other.ID, "email": fmt.Sprintf("nieuw%d@matrix.example", m.unique()), "name": "Indringer", "roles": []string{"admin"}}
		}, rule: nobody, denied: 404},
		{name: "eigen account lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/users/" + itoa(c.c.user.ID) }, rule: everyone},
		{name: "collega lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/users/" + itoa(c.colleague.ID) }, rule: ownAdmin},
		{name: "gebruiker van een ander lezen", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/users/" + itoa(c.stranger.ID) }, rule: nobody, denied: 404},
		{name: "eigen rollen wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/users/" + itoa(c.c.user.ID) },
			body: func(_ *matrix, c *cell) any { return map[string]any{"name": c.c.user.Name, "roles": c.c.user.Roles} }, rule: ownAdmin},
		{name: "collega wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/users/" + itoa(c.colleague.ID) },
			body: func(_ *matrix, c *cell) any { return map[string]any{"name": "Collega", "roles": []string{"editor"}} }, rule: ownAdmin},
		{name: "gebruiker van een ander wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/users/" + itoa(c.stranger.ID) },
			body: func(_ *matrix, c *cell) any {
				return map[string]any{"name": "Overgenomen", "roles": []string{"viewer"}, "disabled": true}
			}, rule: nobody, denied: 404},
		{name: "eigen API-tokens", method: "GET", path: p("/api/v1/tokens"), rule: everyone, only: onlyOwnTokens},
		{name: "API-token maken", method: "POST", path: p("/api/v1/tokens"), body: func(*matrix, *cell) any { return map[string]any{"name": "matrix"} }, rule: everyone},
		{name: "eigen API-token intrekken", method: "DELETE", path: func(_ *matrix, c *cell) string { return "/api/v1/tokens/" + itoa(c.ownToken) }, rule: everyone},
		{name: "API-token van een ander intrekken", method: "DELETE", path: func(_ *matrix, c *cell) string { return "/api/v1/tokens/" + itoa(c.otherToken) }, rule: nobody, denied: 404},
		{name: "auditlog van de eigen organisatie", method: "GET", path: p("/api/v1/audit"), rule: ownAdmin, only: onlyOwnAudit},
		{name: "auditlog exporteren", method: "GET", path: p("/api/v1/audit/export?format=csv"), rule: ownAdmin, only: onlyOwnAuditCSV},
		{name: "randvoorwaarden van een eigen locatie", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/locations/" + itoa(c.ownLoc.ID) + "/prerequisites" }, rule: prereqOwn},
		{name: "randvoorwaarden van een locatie van een ander", method: "GET", path: func(_ *matrix, c *cell) string { return "/api/v1/locations/" + itoa(c.otherLoc.ID) + "/prerequisites" }, rule: prereqReaders},
		{name: "geschiedenis van de randvoorwaarden", method: "GET", path: func(_ *matrix, c *cell) string {
			return "/api/v1/locations/" + itoa(c.ownLoc.ID) + "/prerequisites/history"
		}, rule: prereqOwn},
		{name: "welke overeenkomst een locatie van een ander nodig heeft", method: "GET", path: func(_ *matrix, c *cell) string {
			return "/api/v1/locations/" + itoa(c.otherLoc.ID) + "/agreement-proposal"
		}, rule: prereqReaders},
		{name: "randvoorwaarde van een eigen locatie vastleggen", method: "POST", path: func(_ *matrix, c *cell) string {
			return "/api/v1/locations/" + itoa(c.ownLoc.ID) + "/prerequisites/first_line_24h"
		}, body: func(*matrix, *cell) any {
			return map[string]any{"status": "met", "note": "Voorwacht dag en nacht via de regionale dienst."}
		}, rule: providerEditor},
		{name: "randvoorwaarde van een ander vastleggen", method: "POST", path: func(_ *matrix, c *cell) string {
			return "/api/v1/locations/" + itoa(c.otherLoc.ID) + "/prerequisites/first_line_24h"
		}, body: func(*matrix, *cell) any { return map[string]any{"status": "met", "note": "Overgenomen."} }, rule: nobody},

		{name: "cliënten zoeken (alleen betrokkenen komen in de lijst)", method: "GET", path: p("/api/v1/patients"), rule: everyone, only: onlyPartyPatients},
		{name: "cliënten van een praktijk zoeken (alleen betrokkenen komen in de lijst)", shown: "/api/v1/patients?gp_practice_id={praktijk}", method: "GET",
			path: func(m *matrix, _ *cell) string {
				return "/api/v1/patients?gp_practice_id=" + itoa(m.dem[mgz.KindGPPractice].ID)
			}, rule: everyone, only: onlyPartyPatients},
		{name: "cliënt lezen", shown: "/api/v1/patients/{cliënt}", method: "GET", path: func(m *matrix, _ *cell) string { return "/api/v1/patients/" + itoa(m.patient.ID) },
			rule: rule{"iedere gebruiker van een betrokken organisatie (praktijk, zorgaanbieder, SO/AVG-dienst, regiebehandelaar)", patientParty}, denied: 404},
		{name: "cliënt wijzigen", shown: "/api/v1/patients/{cliënt}", method: "PUT", path: func(m *matrix, _ *cell) string { return "/api/v1/patients/" + itoa(m.patient.ID) },
			body: func(m *matrix, _ *cell) any { return m.patient },
			rule: rule{"bewerker, beheerder of arts van een betrokken organisatie", func(w who) bool { return patientParty(w) && carerRole(w.role) }}, deniedFor: partyDenied},
		{name: "inschrijvingen van een cliënt", shown: "/api/v1/patients/{cliënt}/registrations", method: "GET", path: func(m *matrix, _ *cell) string { return "/api/v1/patients/" + itoa(m.patient.ID) + "/registrations" },
			rule: rule{"iedere gebruiker van een betrokken organisatie", patientParty}, denied: 404},
		{name: "verhuizing bekijken", shown: "/api/v1/patients/{cliënt}/relocation?location_id={locatie-ander}", method: "GET", path: func(m *matrix, c *cell) string {
			return "/api/v1/patients/" + itoa(m.patient.ID) + "/relocation?location_id=" + itoa(c.otherLoc.ID)
		}, rule: rule{"bewerker, beheerder of arts van een betrokken organisatie", func(w who) bool { return patientParty(w) && carerRole(w.role) }}, deniedFor: partyDenied},
		{name: "cliënt toevoegen (zonder praktijk)", method: "POST", path: p("/api/v1/patients"), body: func(m *matrix, _ *cell) any {
			return map[string]any{"name": fmt.Sprintf("Cliënt Locatie %d", m.unique()), "birth_date": "1941-02-03", "location_id": m.home.ID,
				"sector": string(m.home.Sector), "wlz": "without_treatment", "wlz_source": "vecozo", "wlz_checked_on": "2026-11-01", "delivery": "vpt"}
		}, rule: newPatientCarer, deniedFor: newPatientDenied},
		{name: "cliënt verhuizen", shown: "/api/v1/patients/{cliënt}/relocation", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/patients/" + itoa(m.freshPatient()) + "/relocation"
		}, body: func(_ *matrix, c *cell) any { return map[string]any{"location_id": c.otherLoc.ID} }, rule: patientCarer, deniedFor: partyDenied, ok: 200},
		{name: "document bij een randvoorwaarde", shown: "/api/v1/prerequisite-documents/{document}", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/api/v1/prerequisite-documents/" + itoa(m.document)
		}, rule: documentReaders},
		{name: "cliënt op naam inschrijven", method: "POST", path: p("/api/v1/registrations"), body: func(m *matrix, _ *cell) any {
			return map[string]any{"patient": map[string]any{"name": fmt.Sprintf("Cliënt Thuis %d", m.unique()), "birth_date": "1938-01-01", "home_postcode": "9901 AB",
				"sector": "elderly", "wlz": "without_treatment", "wlz_source": "vecozo", "wlz_checked_on": "2026-11-01", "delivery": "mpt"}, "registration": map[string]any{}}
		}, rule: rule{"bewerker, beheerder of arts van een huisartsenpraktijk", func(w who) bool { return w.kind == mgz.KindGPPractice && carerRole(w.role) }}},
		{name: "capaciteit van een praktijk lezen", shown: "/api/v1/practices/{praktijk}/profile", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/api/v1/practices/" + itoa(m.dem[mgz.KindGPPractice].ID) + "/profile"
		}, rule: everyone},
		{name: "eigen capaciteit en postcodegebieden wijzigen", method: "PUT", path: func(_ *matrix, c *cell) string { return "/api/v1/practices/" + itoa(c.own.ID) + "/profile" },
			body: func(*matrix, *cell) any {
				return map[string]any{"capacity": "nearly_full", "postcode_areas": []string{"9901"}}
			},
			rule: rule{"bewerker of beheerder van de eigen huisartsenpraktijk", func(w who) bool { return w.kind == mgz.KindGPPractice && editorRole(w.role) }}},
		{name: "vaste huisarts per locatie", method: "GET", path: p("/api/v1/coverage"),
			rule: rule{"de RHO en het zorgkantoor", func(w who) bool { return w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareOffice }}, only: noPatientDetails},

		{name: "eigen overeenkomsten", method: "GET", path: p("/api/v1/agreements"), rule: everyone, only: onlyPartyAgreements},
		{name: "overeenkomst lezen", shown: "/api/v1/agreements/{overeenkomst}", method: "GET", path: func(m *matrix, _ *cell) string { return "/api/v1/agreements/" + itoa(m.agreement.ID) },
			rule: rule{"iedere gebruiker van een partij (zorgaanbieder, huisartsenpraktijk, huisartsenpost)", agreementParty}, denied: 404},
		{name: "versies van een overeenkomst", shown: "/api/v1/agreements/{overeenkomst}/versions", method: "GET", path: func(m *matrix, _ *cell) string { return "/api/v1/agreements/" + itoa(m.agreement.ID) + "/versions" },
			rule: rule{"iedere gebruiker van een partij", agreementParty}, denied: 404},
		{name: "overeenkomst wijzigen", shown: "/api/v1/agreements/{overeenkomst}", method: "PUT", path: func(m *matrix, _ *cell) string { return "/api/v1/agreements/" + itoa(m.agreement.ID) },
			body: func(m *matrix, _ *cell) any { return m.agreement },
			rule: rule{"bewerker of beheerder van een partij", func(w who) bool { return agreementParty(w) && editorRole(w.role) }}, deniedFor: agreementDenied},
		{name: "document van een overeenkomst (pdf)", shown: "/api/v1/agreements/{overeenkomst}/document?format=pdf", method: "GET",
			path: func(m *matrix, _ *cell) string {
				return "/api/v1/agreements/" + itoa(m.agreement.ID) + "/document?format=pdf"
			},
			rule: agreementReader, denied: 404},
		{name: "document van een overeenkomst (html)", shown: "/api/v1/agreements/{overeenkomst}/document?format=html", method: "GET",
			path: func(m *matrix, _ *cell) string {
				return "/api/v1/agreements/" + itoa(m.agreement.ID) + "/document?format=html"
			},
			rule: agreementReader, denied: 404},
		{name: "overeenkomst opstellen", method: "POST", path: p("/api/v1/agreements"), body: func(m *matrix, _ *cell) any { return m.agreementTerms() },
			rule: agreementEditor, deniedFor: agreementDenied},
		{name: "overeenkomst ter ondertekening aanbieden", shown: "/api/v1/agreements/{overeenkomst}/send", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/agreements/" + itoa(m.freshAgreement(false)) + "/send"
		}, rule: agreementEditor, deniedFor: agreementDenied, ok: 200},
		{name: "overeenkomst ondertekenen", shown: "/api/v1/agreements/{overeenkomst}/sign", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/agreements/" + itoa(m.freshAgreement(true)) + "/sign"
		}, body: func(*matrix, *cell) any { return map[string]any{"role": "bestuurder"} }, rule: agreementSigner, deniedFor: agreementDenied, ok: 200},
		{name: "herinneringen", method: "GET", path: p("/api/v1/reminders"), rule: everyone, only: onlyOwnReminders},
		{name: "berichten van de eigen organisatie", method: "GET", path: p("/api/v1/inbox"), rule: everyone, only: onlyOwnNotices},
		{name: "eigen bericht als gelezen markeren", shown: "/api/v1/inbox/{eigen-bericht}/read", method: "POST", path: func(m *matrix, c *cell) string {
			return "/api/v1/inbox/" + itoa(m.freshNotice(c.own.ID)) + "/read"
		}, rule: everyone, ok: 204},
		{name: "bericht van een andere organisatie als gelezen markeren", shown: "/api/v1/inbox/{bericht-ander}/read", method: "POST", path: func(m *matrix, c *cell) string {
			return "/api/v1/inbox/" + itoa(m.freshNotice(c.other.ID)) + "/read"
		}, rule: nobody, denied: 404},
		{name: "alle berichten als gelezen markeren", method: "POST", path: p("/api/v1/inbox/read"), rule: everyone, ok: 200},
		{name: "e-mails aan de eigen organisatie (RHO: de regio)", method: "GET", path: p("/api/v1/mail-outbox"), rule: ownAdmin, only: onlyOwnMails},
		{name: "e-mail aan de eigen organisatie opnieuw proberen", shown: "/api/v1/mail-outbox/{eigen-e-mail}/retry", method: "POST", path: func(m *matrix, c *cell) string {
			return "/api/v1/mail-outbox/" + itoa(m.freshMail(c.own.ID)) + "/retry"
		}, rule: ownAdmin, ok: 204},
		{name: "e-mail aan een andere organisatie opnieuw proberen", shown: "/api/v1/mail-outbox/{e-mail-ander}/retry", method: "POST", path: func(m *matrix, c *cell) string {
			return "/api/v1/mail-outbox/" + itoa(m.freshMail(c.other.ID)) + "/retry"
		}, rule: rhoAdmin, deniedFor: mailDenied, ok: 204},

		{name: "overstapverzoeken (alleen die van de eigen praktijk)", method: "GET", path: p("/api/v1/switch-requests"), rule: everyone, only: onlySideSwitches},
		{name: "overstapverzoek lezen", shown: "/api/v1/switch-requests/{overstap}", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/api/v1/switch-requests/" + itoa(m.incoming.ID)
		}, rule: switchSide, denied: 404},
		{name: "overstap bevestigen", shown: "/api/v1/switch-requests/{overstap}/confirm", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/switch-requests/" + itoa(m.incomingRequest()) + "/confirm"
		}, rule: switchHolder, deniedFor: switchDenied, ok: 200},
		{name: "bezwaar maken tegen een overstap", shown: "/api/v1/switch-requests/{overstap}/object", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/switch-requests/" + itoa(m.incomingRequest()) + "/object"
		}, body: func(*matrix, *cell) any { return map[string]any{"reason": "De cliënt heeft ons iets anders verteld."} }, rule: switchHolder, deniedFor: switchDenied, ok: 200},
		{name: "overstapverzoek intrekken", shown: "/api/v1/switch-requests/{eigen-overstap}/withdraw", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/switch-requests/" + itoa(m.outgoingRequest()) + "/withdraw"
		}, rule: switchAsker, deniedFor: switchDenied, ok: 200},
		{name: "eigen overstapverzoek bevestigen (de aanvrager)", shown: "/api/v1/switch-requests/{eigen-overstap}/confirm", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/switch-requests/" + itoa(m.outgoing.ID) + "/confirm"
		}, rule: nobody, deniedFor: switchDenied},
		{name: "overstapverzoek van een ander intrekken (de huidige praktijk)", shown: "/api/v1/switch-requests/{overstap}/withdraw", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/switch-requests/" + itoa(m.incoming.ID) + "/withdraw"
		}, rule: nobody, deniedFor: switchDenied},
		{name: "overstapverzoeken van een cliënt", shown: "/api/v1/patients/{cliënt-overstap}/switch-requests", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/api/v1/patients/" + itoa(m.switchPatient) + "/switch-requests"
		}, rule: patientReader, denied: 404, only: onlyPatientSwitches},
		{name: "wisselingen van regiebehandelaar van een cliënt", shown: "/api/v1/patients/{cliënt-overstap}/lead-changes", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/api/v1/patients/" + itoa(m.switchPatient) + "/lead-changes"
		}, rule: patientReader, denied: 404},
		{name: "termijn voor overstappen lezen", method: "GET", path: p("/api/v1/settings/switch"), rule: everyone},
		{name: "termijn voor overstappen wijzigen", method: "PUT", path: p("/api/v1/settings/switch"), body: func(*matrix, *cell) any {
			return map[string]any{"switch_period_days": 14}
		}, rule: rhoAdmin},

		{name: "meldingen (alleen die waarbij de eigen organisatie betrokken is)", method: "GET", path: p("/api/v1/escalations"), rule: everyone, only: onlyVisibleEscalations},
		{name: "melding doen (namens de praktijk)", method: "POST", path: p("/api/v1/escalations"), body: func(m *matrix, _ *cell) any {
			return map[string]any{"reporter_practice_id": m.dem[mgz.KindGPPractice].ID, "care_provider_id": m.dem[mgz.KindCareProvider].ID,
				"category": "staffing", "description": "Matrixmelding.", "period_start": m.ts.svc.Today().Format("2006-01-02")}
		}, rule: escFiler},
		{name: "landelijk overzicht van meldingen", method: "GET", path: p("/api/v1/escalations/summary"), rule: escExport},
		{name: "melding lezen (eerste stap)", shown: "/api/v1/escalations/{melding}", method: "GET", path: func(m *matrix, _ *cell) string { return m.escPath(m.escOpen, "") }, rule: escReader, denied: 404},
		{name: "melding lezen (bij de regionale tafel)", shown: "/api/v1/escalations/{melding-regiotafel}", method: "GET", path: func(m *matrix, _ *cell) string { return m.escPath(m.escTable, "") }, rule: escAtTable, denied: 404},
		{name: "stappen van een melding", shown: "/api/v1/escalations/{melding}/steps", method: "GET", path: func(m *matrix, _ *cell) string { return m.escPath(m.escOpen, "/steps") }, rule: escReader, denied: 404},
		{name: "melding doorzetten (na een reactie)", shown: "/api/v1/escalations/{melding}/steps", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPath(m.freshEscalation("", true), "/steps")
		}, rule: escSteer, deniedFor: escDenied},
		{name: "reageren op de eerste stap", shown: "/api/v1/escalations/{melding}/steps/{stap}/response", method: "POST", path: func(m *matrix, _ *cell) string {
			e := m.freshEscalation("", false)
			return m.escPath(e, "/steps/"+itoa(e.Steps[0].ID)+"/response")
		}, body: func(*matrix, *cell) any { return map[string]any{"response": "We pakken het op."} }, rule: escProvider, deniedFor: escDenied, ok: 200},
		{name: "reageren bij de regionale tafel", shown: "/api/v1/escalations/{melding-regiotafel}/steps/{stap}/response", method: "POST", path: func(m *matrix, _ *cell) string {
			e := m.freshEscalation(mgz.StateRegionalTable, false)
			cur, _ := e.Current()
			return m.escPath(e, "/steps/"+itoa(cur.ID)+"/response")
		}, body: func(*matrix, *cell) any { return map[string]any{"response": "Geagendeerd."} }, rule: escTableResp, deniedFor: escTableDenied, ok: 200},
		{name: "melding afsluiten als opgelost", shown: "/api/v1/escalations/{melding}/resolve", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPath(m.freshEscalation("", false), "/resolve")
		}, rule: escSteer, deniedFor: escDenied, ok: 200},
		{name: "melding intrekken", shown: "/api/v1/escalations/{melding}/withdraw", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPath(m.freshEscalation("", false), "/withdraw")
		}, rule: escSteer, deniedFor: escDenied, ok: 200},
		{name: "bijlagen van een melding", shown: "/api/v1/escalations/{melding}/attachments", method: "GET", path: func(m *matrix, _ *cell) string { return m.escPath(m.escOpen, "/attachments") }, rule: escReader, denied: 404},
		{name: "bijlage toevoegen aan een melding", shown: "/api/v1/escalations/{melding}/attachments", method: "POST", path: func(m *matrix, _ *cell) string { return m.escPath(m.escOpen, "/attachments") },
			body: func(*matrix, *cell) any { return map[string]any{"name": "verslag.pdf", "content": pdf} }, rule: escSteer, deniedFor: escDenied},
		{name: "bijlage van een melding downloaden", shown: "/api/v1/escalations/{melding}/attachments/{bijlage}", method: "GET", path: func(m *matrix, _ *cell) string {
			return m.escPath(m.escOpen, "/attachments/"+itoa(m.escAttachment))
		}, rule: escReader, denied: 404},
		{name: "reactietermijn meldingen lezen", method: "GET", path: p("/api/v1/settings/escalation"), rule: everyone},
		{name: "reactietermijn meldingen wijzigen", method: "PUT", path: p("/api/v1/settings/escalation"), body: func(*matrix, *cell) any {
			return map[string]any{"escalation_response_days": 14}
		}, rule: rhoAdmin},
		{name: "roostergaten van de hele regio", method: "GET", path: p("/api/v1/availability/gaps"), rule: availabilityRegion},
		{name: "roostergaten van de eigen organisatie", shown: "/api/v1/availability/gaps?organisation_id={eigen}", method: "GET",
			path: func(_ *matrix, c *cell) string { return "/api/v1/availability/gaps?organisation_id=" + itoa(c.own.ID) }, rule: everyone},
		{name: "roostergaten van een andere organisatie", shown: "/api/v1/availability/gaps?organisation_id={andere}", method: "GET",
			path: func(_ *matrix, c *cell) string {
				return "/api/v1/availability/gaps?organisation_id=" + itoa(c.other.ID)
			}, rule: availabilityRegion},

		// The pages.
		{name: "pagina: start", method: "GET", path: p("/"), rule: everyone, only: startPageOwn},
		{name: "pagina: organisaties", method: "GET", path: p("/organisaties"), rule: everyone},
		{name: "pagina: andere organisatie", method: "GET", path: func(_ *matrix, c *cell) string { return "/organisaties/" + itoa(c.other.ID) }, rule: everyone},
		{name: "pagina: nieuwe organisatie", method: "GET", path: p("/organisaties/nieuw"), rule: rhoEditor},
		{name: "formulier: organisatie toevoegen", method: "POST", path: p("/organisaties"), body: func(m *matrix, _ *cell) any { return orgForm(m.newOrgJSON()) }, rule: rhoEditor, ok: 303},
		{name: "pagina: eigen organisatie bewerken", method: "GET", path: func(_ *matrix, c *cell) string { return "/organisaties/" + itoa(c.own.ID) + "/bewerken" }, rule: ownEditor},
		{name: "formulier: eigen organisatie wijzigen", method: "POST", path: func(_ *matrix, c *cell) string { return "/organisaties/" + itoa(c.own.ID) },
			body: func(m *matrix, c *cell) any { return orgForm(m.orgJSON(c.own.ID)) }, rule: ownEditor, ok: 303},
		{name: "pagina: andere organisatie bewerken", method: "GET", path: func(_ *matrix, c *cell) string { return "/organisaties/" + itoa(c.other.ID) + "/bewerken" }, rule: rhoEditor},
		{name: "formulier: andere organisatie wijzigen", method: "POST", path: func(_ *matrix, c *cell) string { return "/organisaties/" + itoa(c.other.ID) },
			body: func(m *matrix, c *cell) any { return orgForm(m.orgJSON(c.other.ID)) }, rule: rhoEditor, ok: 303},
		{name: "pagina: organisatie verwijderen", method: "GET", path: func(_ *matrix, c *cell) string { return "/organisaties/" + itoa(c.other.ID) + "/verwijderen" }, rule: rhoAdmin},
		{name: "formulier: organisatie verwijderen", shown: "/organisaties/{ander}/verwijderen", method: "POST", path: func(m *matrix, _ *cell) string { return "/organisaties/" + itoa(m.freshOrg().ID) + "/verwijderen" },
			body: func(*matrix, *cell) any { return url.Values{} }, rule: rhoAdmin, ok: 303},
		{name: "pagina: locaties", method: "GET", path: p("/locaties"), rule: everyone},
		{name: "pagina: locatie", method: "GET", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.otherLoc.ID) }, rule: everyone},
		{name: "pagina: bereikbaarheidskaart van een locatie", method: "GET", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.otherLoc.ID) + "/bereikbaarheidskaart" }, rule: everyone},
		{name: "download: bereikbaarheidskaart van een locatie (PDF)", method: "GET", path: func(_ *matrix, c *cell) string {
			return "/locaties/" + itoa(c.otherLoc.ID) + "/bereikbaarheidskaart.pdf"
		}, rule: everyone},
		{name: "pagina: nieuwe locatie", method: "GET", path: p("/locaties/nieuw"), rule: providerEditor},
		{name: "formulier: eigen locatie toevoegen", method: "POST", path: p("/locaties"), body: func(m *matrix, c *cell) any { return locForm(m.newLocJSON(c.own.ID)) }, rule: providerEditor, ok: 303},
		{name: "pagina: eigen locatie bewerken", method: "GET", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.ownLoc.ID) + "/bewerken" }, rule: providerEditor},
		{name: "formulier: eigen locatie wijzigen", method: "POST", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.ownLoc.ID) },
			body: func(m *matrix, c *cell) any { return locForm(m.locJSON(c.ownLoc.ID)) }, rule: providerEditor, ok: 303},
		{name: "pagina: locatie van een ander bewerken", method: "GET", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.otherLoc.ID) + "/bewerken" }, rule: nobody},
		{name: "formulier: locatie van een ander wijzigen", method: "POST", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.otherLoc.ID) },
			body: func(m *matrix, c *cell) any { return locForm(m.locJSON(c.otherLoc.ID)) }, rule: nobody},
		{name: "pagina: locatie verwijderen", method: "GET", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.ownLoc.ID) + "/verwijderen" }, rule: providerEditor},
		{name: "formulier: locatie van een ander verwijderen", method: "POST", path: func(_ *matrix, c *cell) string { return "/locaties/" + itoa(c.otherLoc.ID) + "/verwijderen" },
			body: func(*matrix, *cell) any { return url.Values{} }, rule: nobody},
		{name: "pagina: randvoorwaarde van een eigen locatie", method: "GET", path: func(_ *matrix, c *cell) string {
			return "/locaties/" + itoa(c.ownLoc.ID) + "/randvoorwaarden/wzd_protocol"
		}, rule: prereqOwn},
		{name: "formulier: randvoorwaarde van een eigen locatie", method: "POST", path: func(_ *matrix, c *cell) string {
			return "/locaties/" + itoa(c.ownLoc.ID) + "/randvoorwaarden/wzd_protocol"
		}, body: func(*matrix, *cell) any { return url.Values{"status": {"not_met"}, "note": {"In voorbereiding."}} }, rule: providerEditor, ok: 303},
		{name: "formulier: randvoorwaarde van een ander", method: "POST", path: func(_ *matrix, c *cell) string {
			return "/locaties/" + itoa(c.otherLoc.ID) + "/randvoorwaarden/wzd_protocol"
		}, body: func(*matrix, *cell) any { return url.Values{"status": {"met"}, "note": {"Overgenomen."}} }, rule: nobody},
		{name: "pagina: nieuw eigen contactpunt", method: "GET", path: func(_ *matrix, c *cell) string { return "/contactpunten/nieuw?organisatie=" + itoa(c.own.ID) }, rule: ownEditor},
		{name: "pagina: nieuw contactpunt van een ander", method: "GET", path: func(_ *matrix, c *cell) string { return "/contactpunten/nieuw?organisatie=" + itoa(c.other.ID) }, rule: nobody},
		{name: "formulier: eigen contactpunt toevoegen", method: "POST", path: p("/contactpunten"), body: func(_ *matrix, c *cell) any {
			return url.Values{"organisation_id": {itoa(c.own.ID)}, "role": {"management"}, "phone": {"0120 555 777"}, "hours": {"office_hours"}}
		}, rule: ownEditor, ok: 303},
		{name: "pagina: eigen contactpunt bewerken", method: "GET", path: func(_ *matrix, c *cell) string { return "/contactpunten/" + itoa(c.ownCP.ID) + "/bewerken" }, rule: ownEditor},
		{name: "formulier: contactpunt van een ander wijzigen", method: "POST", path: func(_ *matrix, c *cell) string { return "/contactpunten/" + itoa(c.otherCP.ID) },
			body: func(_ *matrix, c *cell) any {
				return url.Values{"organisation_id": {itoa(c.other.ID)}, "role": {"first_line"}, "phone": {"0612345678"}, "hours": {"24_7"}}
			}, rule: nobody},
		{name: "pagina: contactpunt van een ander verwijderen", method: "GET", path: func(_ *matrix, c *cell) string { return "/contactpunten/" + itoa(c.otherCP.ID) + "/verwijderen" }, rule: nobody},
		{name: "formulier: eigen contactpunt verwijderen", shown: "/contactpunten/{eigen-contactpunt}/verwijderen", method: "POST", path: func(m *matrix, c *cell) string {
			return "/contactpunten/" + itoa(m.freshContact(c.own.ID).ID) + "/verwijderen"
		},
			body: func(*matrix, *cell) any { return url.Values{} }, rule: ownEditor, ok: 303},
		{name: "pagina: nieuwe vaste SO/AVG van een eigen locatie", shown: "/vaste-artsen/nieuw?location_id={eigen-locatie}", method: "GET", path: func(_ *matrix, c *cell) string {
			return "/vaste-artsen/nieuw?location_id=" + itoa(c.ownLoc.ID)
		}, rule: providerEditor},
		{name: "pagina: nieuwe vaste SO/AVG van een locatie van een ander", shown: "/vaste-artsen/nieuw?location_id={locatie}", method: "GET", path: func(_ *matrix, c *cell) string {
			return "/vaste-artsen/nieuw?location_id=" + itoa(c.otherLoc.ID)
		}, rule: nobody},
		{name: "formulier: vaste SO/AVG van een eigen locatie vastleggen", method: "POST", path: p("/vaste-artsen"), body: func(_ *matrix, c *cell) any {
			return url.Values{"location_id": {itoa(c.ownLoc.ID)}, "sector": {"disability"}, "name": {"Dr. Matrix"}, "phone": {"0120 555 888"}}
		}, rule: providerEditor, ok: 303},
		{name: "pagina: vaste SO/AVG", shown: "/vaste-artsen/{vaste-arts}", method: "GET", path: func(m *matrix, c *cell) string {
			return "/vaste-artsen/" + itoa(m.freshFixed(c.otherLoc.ID).ID)
		}, rule: everyone},
		{name: "formulier: vaste SO/AVG van een eigen locatie wijzigen", shown: "/vaste-artsen/{eigen-vaste-arts}", method: "POST", path: func(m *matrix, c *cell) string {
			return "/vaste-artsen/" + itoa(m.freshFixed(c.ownLoc.ID).ID)
		}, body: func(*matrix, *cell) any {
			return url.Values{"sector": {"elderly"}, "name": {"Dr. Matrix-Nieuw"}, "phone": {"0120 555 889"}, "revision": {"1"}}
		}, rule: providerEditor, ok: 303},
		{name: "formulier: vaste SO/AVG van een ander wijzigen", shown: "/vaste-artsen/{vaste-arts}", method: "POST", path: func(m *matrix, c *cell) string {
			return "/vaste-artsen/" + itoa(m.freshFixed(c.otherLoc.ID).ID)
		}, body: func(*matrix, *cell) any {
			return url.Values{"sector": {"elderly"}, "name": {"Dr. Matrix-Nieuw"}, "phone": {"0120 555 889"}, "revision": {"1"}}
		}, rule: nobody},
		{name: "formulier: vaste SO/AVG van een eigen locatie verwijderen", shown: "/vaste-artsen/{eigen-vaste-arts}/verwijderen", method: "POST", path: func(m *matrix, c *cell) string {
			return "/vaste-artsen/" + itoa(m.freshFixed(c.ownLoc.ID).ID) + "/verwijderen"
		}, body: func(*matrix, *cell) any { return url.Values{"revision": {"1"}} }, rule: providerEditor, ok: 303},
		{name: "formulier: vaste SO/AVG van een ander verwijderen", shown: "/vaste-artsen/{vaste-arts}/verwijderen", method: "POST", path: func(m *matrix, c *cell) string {
			return "/vaste-artsen/" + itoa(m.freshFixed(c.otherLoc.ID).ID) + "/verwijderen"
		}, body: func(*matrix, *cell) any { return url.Values{"revision": {"1"}} }, rule: nobody},
		{name: "pagina: wie is er verantwoordelijk", method: "GET", path: p("/wie-is-verantwoordelijk"), rule: everyone},
		{name: "pagina: bronnen van de regels", method: "GET", path: p("/bronnen"), rule: everyone},
		{name: "pagina: regio-instellingen", method: "GET", path: p("/instellingen"), rule: everyone},
		{name: "formulier: regio-instellingen", method: "POST", path: p("/instellingen"), body: func(*matrix, *cell) any { return url.Values{"preset": {"default"}} }, rule: rhoAdmin, ok: 303},
		{name: "formulier: termijn voor overstappen", method: "POST", path: p("/instellingen/overstaptermijn"), body: func(*matrix, *cell) any { return url.Values{"switch_period_days": {"14"}} }, rule: rhoAdmin, ok: 303},
		{name: "formulier: reactietermijn meldingen", method: "POST", path: p("/instellingen/meldtermijn"), body: func(*matrix, *cell) any { return url.Values{"escalation_response_days": {"14"}} }, rule: rhoAdmin, ok: 303},
		{name: "pagina: mijn account", method: "GET", path: p("/account"), rule: everyone},
		{name: "pagina: berichten", method: "GET", path: p("/berichten"), rule: everyone, only: onlyOwnNoticeLinks},
		{name: "formulier: eigen bericht als gelezen markeren", shown: "/berichten/{eigen-bericht}/gelezen", method: "POST", path: func(m *matrix, c *cell) string {
			return "/berichten/" + itoa(m.freshNotice(c.own.ID)) + "/gelezen"
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: everyone, ok: 303},
		{name: "formulier: bericht van een andere organisatie als gelezen markeren", shown: "/berichten/{bericht-ander}/gelezen", method: "POST", path: func(m *matrix, c *cell) string {
			return "/berichten/" + itoa(m.freshNotice(c.other.ID)) + "/gelezen"
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: nobody, denied: 404},
		{name: "formulier: alle berichten als gelezen markeren", method: "POST", path: p("/berichten/gelezen"), body: func(*matrix, *cell) any { return url.Values{} }, rule: everyone, ok: 303},
		{name: "pagina: e-mail uit mgz", method: "GET", path: p("/e-mail"), rule: ownAdmin},
		{name: "formulier: e-mail opnieuw proberen", shown: "/e-mail/{eigen-e-mail}/opnieuw", method: "POST", path: func(m *matrix, c *cell) string {
			return "/e-mail/" + itoa(m.freshMail(c.own.ID)) + "/opnieuw"
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: ownAdmin, ok: 303},
		{name: "formulier: API-token maken", method: "POST", path: p("/account/tokens"), body: func(*matrix, *cell) any { return url.Values{"name": {"matrix"}} }, rule: everyone, ok: 200},
		{name: "formulier: eigen API-token intrekken", shown: "/account/tokens/{eigen-token}/intrekken", method: "POST", path: func(m *matrix, c *cell) string { return "/account/tokens/" + itoa(m.token(c.c.user)) + "/intrekken" },
			body: func(*matrix, *cell) any { return url.Values{} }, rule: everyone, ok: 303},
		{name: "formulier: API-token van een ander intrekken", method: "POST", path: func(_ *matrix, c *cell) string { return "/account/tokens/" + itoa(c.otherToken) + "/intrekken" },
			body: func(*matrix, *cell) any { return url.Values{} }, rule: nobody, denied: 404},
		{name: "pagina: cliënten", method: "GET", path: p("/clienten"), rule: everyone, only: onlyPartyPatientLinks},
		{name: "pagina: cliënt", shown: "/clienten/{cliënt}", method: "GET", path: func(m *matrix, _ *cell) string { return "/clienten/" + itoa(m.patient.ID) },
			rule: rule{"iedere gebruiker van een betrokken organisatie", patientParty}, denied: 404},
		{name: "pagina: cliënt bewerken", shown: "/clienten/{cliënt}/bewerken", method: "GET", path: func(m *matrix, _ *cell) string { return "/clienten/" + itoa(m.patient.ID) + "/bewerken" },
			rule: rule{"iedere gebruiker van een betrokken organisatie (opslaan: bewerker, beheerder of arts)", patientParty}, denied: 404},
		{name: "formulier: cliënt bewerken", shown: "/clienten/{cliënt}/bewerken", method: "POST", path: func(m *matrix, _ *cell) string { return "/clienten/" + itoa(m.patient.ID) + "/bewerken" },
			body: func(m *matrix, _ *cell) any {
				return url.Values{"name": {m.patient.Name}, "birth_date": {m.patient.BirthDate.String()}, "sector": {string(m.patient.Sector)}, "wlz": {string(m.patient.Wlz)},
					"wlz_source": {string(m.patient.WlzSource)}, "wlz_checked_on": {m.patient.WlzCheckedOn.String()}, "delivery": {string(m.patient.Delivery)},
					"lead_physician": {string(m.patient.LeadPhysician)}, "lead_physician_org_id": {itoa(*m.patient.LeadPhysicianOrgID)}}
			},
			rule: rule{"bewerker, beheerder of arts van een betrokken organisatie", func(w who) bool { return patientParty(w) && carerRole(w.role) }}, deniedFor: partyDenied, ok: 303},
		{name: "pagina: cliënt verhuizen", shown: "/clienten/{cliënt}/verhuizen", method: "GET", path: func(m *matrix, _ *cell) string { return "/clienten/" + itoa(m.patient.ID) + "/verhuizen" },
			rule: rule{"iedere gebruiker van een betrokken organisatie (verhuizen: bewerker, beheerder of arts)", patientParty}, denied: 404},
		{name: "formulier: cliënt verhuizen", shown: "/clienten/{cliënt}/verhuizen", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/clienten/" + itoa(m.freshPatient()) + "/verhuizen"
		}, body: func(_ *matrix, c *cell) any { return url.Values{"location_id": {itoa(c.otherLoc.ID)}} }, rule: patientCarer, deniedFor: partyDenied, ok: 303},
		{name: "formulier: cliënt inschrijven", method: "POST", path: p("/inschrijven"), body: func(m *matrix, _ *cell) any { return registrationForm(m.unique()) },
			rule: gpCarer, ok: 303},
		{name: "formulier: capaciteit en postcodegebieden", method: "POST", path: p("/praktijk"), body: func(*matrix, *cell) any {
			return url.Values{"capacity": {"nearly_full"}, "postcode_areas": {"9901 9902"}}
		}, rule: gpEditor, ok: 303},
		{name: "pagina: document bij een randvoorwaarde", shown: "/documenten/{document}", method: "GET", path: func(m *matrix, _ *cell) string { return "/documenten/" + itoa(m.document) },
			rule: documentReaders},
		{name: "pagina: cliënt inschrijven", method: "GET", path: p("/inschrijven"),
			rule: rule{"bewerker, beheerder of arts van een huisartsenpraktijk", func(w who) bool { return w.kind == mgz.KindGPPractice && carerRole(w.role) }}},
		{name: "pagina: praktijk", method: "GET", path: p("/praktijk"), rule: rule{"iedere gebruiker van een huisartsenpraktijk", func(w who) bool { return w.kind == mgz.KindGPPractice }}},
		{name: "pagina: vaste huisarts per locatie", method: "GET", path: p("/dekking"),
			rule: rule{"de RHO en het zorgkantoor", func(w who) bool { return w.kind == mgz.KindRegionalGPOrg || w.kind == mgz.KindCareOffice }}, only: noPatientDetails},
		{name: "pagina: regio-overzicht", method: "GET", path: p("/overzicht"), rule: regionOverviewReaders, only: overviewPageScoped},
		{name: "pagina: overeenkomsten", method: "GET", path: p("/overeenkomsten"), rule: everyone, only: partyAgreementLinks},
		{name: "pagina: overeenkomst", shown: "/overeenkomsten/{overeenkomst}", method: "GET", path: func(m *matrix, _ *cell) string { return "/overeenkomsten/" + itoa(m.agreement.ID) },
			rule: agreementReader, denied: 404},
		{name: "pagina: nieuwe overeenkomst", method: "GET", path: p("/overeenkomsten/nieuw"),
			rule: rule{"iedere ingelogde gebruiker (opslaan: bewerker of beheerder van een partij)", everyone.allow}},
		{name: "formulier: overeenkomst opstellen", method: "POST", path: p("/overeenkomsten"), body: func(m *matrix, _ *cell) any { return agreementForm(m.agreementTerms()) },
			rule: agreementEditor, deniedFor: agreementDenied, ok: 303},
		{name: "pagina: overeenkomst bewerken", shown: "/overeenkomsten/{overeenkomst}/bewerken", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/overeenkomsten/" + itoa(m.agreement.ID) + "/bewerken"
		}, rule: rule{"iedere gebruiker van een partij (opslaan: bewerker of beheerder)", agreementParty}, denied: 404},
		{name: "formulier: overeenkomst wijzigen", shown: "/overeenkomsten/{overeenkomst}/bewerken", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/overeenkomsten/" + itoa(m.agreement.ID) + "/bewerken"
		}, body: func(m *matrix, _ *cell) any { return agreementForm(m.currentAgreement()) }, rule: agreementEditor, deniedFor: agreementDenied, ok: 303},
		{name: "formulier: overeenkomst ondertekenen", shown: "/overeenkomsten/{overeenkomst}/stap/sign", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/overeenkomsten/" + itoa(m.freshAgreement(true)) + "/stap/sign"
		}, body: func(*matrix, *cell) any { return url.Values{"role": {"bestuurder"}} }, rule: agreementSigner, deniedFor: agreementDenied, ok: 303},
		{name: "pagina: document van een overeenkomst (html)", shown: "/overeenkomsten/{overeenkomst}/document", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/overeenkomsten/" + itoa(m.agreement.ID) + "/document"
		}, rule: agreementReader, denied: 404},
		{name: "pagina: document van een overeenkomst (pdf)", shown: "/overeenkomsten/{overeenkomst}/document.pdf", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/overeenkomsten/" + itoa(m.agreement.ID) + "/document.pdf"
		}, rule: agreementReader, denied: 404},
		{name: "pagina: gebruikers", method: "GET", path: p("/gebruikers"), rule: ownAdmin, only: onlyOwnUserLinks},
		{name: "formulier: gebruiker toevoegen", method: "POST", path: p("/gebruikers"), body: func(m *matrix, _ *cell) any {
			return url.Values{"email": {fmt.Sprintf("pagina%d@matrix.example", m.unique())}, "name": {"Nieuwe Collega"}, "roles": {"viewer"}}
		}, rule: ownAdmin, ok: 200},
		{name: "pagina: collega", method: "GET", path: func(_ *matrix, c *cell) string { return "/gebruikers/" + itoa(c.colleague.ID) }, rule: ownAdmin},
		{name: "formulier: collega wijzigen", method: "POST", path: func(_ *matrix, c *cell) string { return "/gebruikers/" + itoa(c.colleague.ID) },
			body: func(*matrix, *cell) any { return url.Values{"name": {"Collega"}, "roles": {"viewer"}} }, rule: ownAdmin, ok: 303},
		{name: "pagina: gebruiker van een ander", method: "GET", path: func(_ *matrix, c *cell) string { return "/gebruikers/" + itoa(c.stranger.ID) }, rule: nobody, denied: 404},
		{name: "pagina: auditlog", method: "GET", path: p("/audit"), rule: ownAdmin},
		{name: "pagina: auditlog exporteren", method: "GET", path: p("/audit/export?format=csv"), rule: ownAdmin},
		{name: "pagina: overstappen (alleen die van de eigen praktijk)", method: "GET", path: p("/overstappen"), rule: everyone, only: sideSwitchLinks},
		{name: "pagina: overstapverzoek", shown: "/overstappen/{overstap}", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/overstappen/" + itoa(m.incoming.ID)
		}, rule: switchSide, denied: 404},
		{name: "formulier: overstap bevestigen", shown: "/overstappen/{overstap}/bevestigen", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/overstappen/" + itoa(m.incomingRequest()) + "/bevestigen"
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: switchHolder, deniedFor: switchDenied, ok: 303},
		{name: "formulier: bezwaar tegen een overstap", shown: "/overstappen/{overstap}/bezwaar", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/overstappen/" + itoa(m.incomingRequest()) + "/bezwaar"
		}, body: func(*matrix, *cell) any { return url.Values{"reason": {"De cliënt heeft ons iets anders verteld."}} }, rule: switchHolder, deniedFor: switchDenied, ok: 303},
		{name: "formulier: overstapverzoek intrekken", shown: "/overstappen/{eigen-overstap}/intrekken", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/overstappen/" + itoa(m.outgoingRequest()) + "/intrekken"
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: switchAsker, deniedFor: switchDenied, ok: 303},

		{name: "pagina: meldingen (alleen die waarbij de eigen organisatie betrokken is)", method: "GET", path: p("/meldingen"), rule: everyone, only: visibleEscalationLinks},
		{name: "pagina: nieuwe melding", method: "GET", path: p("/meldingen/nieuw"), rule: escFiler},
		{name: "pagina: bereikbaarheid en roostergaten (de regio, of de eigen organisatie)", method: "GET", path: p("/beschikbaarheid"), rule: everyone},
		{name: "formulier: melding over een roostergat in één klik (namens de vaste praktijk van de locatie)", method: "POST", path: p("/beschikbaarheid/melding"),
			body: func(m *matrix, _ *cell) any { return m.oneClickGap() }, rule: rhoEditor, ok: 303},
		{name: "formulier: melding doen", method: "POST", path: p("/meldingen"), body: func(m *matrix, _ *cell) any {
			return url.Values{"reporter_practice_id": {itoa(m.dem[mgz.KindGPPractice].ID)}, "care_provider_id": {itoa(m.dem[mgz.KindCareProvider].ID)},
				"category": {"protocols"}, "description": {"Matrixmelding."}, "period_start": {m.ts.svc.Today().Format("2006-01-02")}}
		}, rule: escFiler, ok: 303},
		{name: "download: landelijk overzicht van meldingen", method: "GET", path: p("/meldingen/landelijk-overzicht"), rule: escExport},
		{name: "pagina: melding (eerste stap)", shown: "/meldingen/{melding}", method: "GET", path: func(m *matrix, _ *cell) string { return m.escPage(m.escOpen, "") }, rule: escReader, denied: 404},
		{name: "pagina: melding (bij de regionale tafel)", shown: "/meldingen/{melding-regiotafel}", method: "GET", path: func(m *matrix, _ *cell) string { return m.escPage(m.escTable, "") }, rule: escAtTable, denied: 404},
		{name: "formulier: reageren op een melding", shown: "/meldingen/{melding}/reactie", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPage(m.freshEscalation("", false), "/reactie")
		}, body: func(m *matrix, _ *cell) any {
			return url.Values{"response": {"We pakken het op."}, "step_id": {itoa(m.lastEsc.Steps[0].ID)}}
		}, rule: escProvider, deniedFor: escDenied, ok: 303},
		{name: "formulier: melding doorzetten", shown: "/meldingen/{melding}/doorzetten", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPage(m.freshEscalation("", true), "/doorzetten")
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: escSteer, deniedFor: escDenied, ok: 303},
		{name: "formulier: melding afsluiten als opgelost", shown: "/meldingen/{melding}/oplossen", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPage(m.freshEscalation("", false), "/oplossen")
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: escSteer, deniedFor: escDenied, ok: 303},
		{name: "formulier: melding intrekken", shown: "/meldingen/{melding}/intrekken", method: "POST", path: func(m *matrix, _ *cell) string {
			return m.escPage(m.freshEscalation("", false), "/intrekken")
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: escSteer, deniedFor: escDenied, ok: 303},
		// The matrix sends no file: who may attach gets the form back naming the missing file (422).
		{name: "formulier: bijlage toevoegen aan een melding", shown: "/meldingen/{melding}/bijlagen", method: "POST", path: func(m *matrix, _ *cell) string { return m.escPage(m.escOpen, "/bijlagen") },
			body: func(*matrix, *cell) any { return url.Values{} }, rule: escSteer, deniedFor: escDenied, ok: 422},
		{name: "download: bijlage van een melding", shown: "/meldingen/{melding}/bijlagen/{bijlage}", method: "GET", path: func(m *matrix, _ *cell) string {
			return m.escPage(m.escOpen, "/bijlagen/"+itoa(m.escAttachment))
		}, rule: escReader, denied: 404},
	}, slices.Concat(handoverEndpoints(), fhirEndpoints(), rosterEndpoints())...)
}

// The handover rows (issue 12). The matrix patient has no lead physician organisation of its
// own: its registered practice (the demo practice) writes the handover. The matrix runs in
// office hours (matrixNow), when the region's GP post reads only by emergency access (403 with
// break_the_glass_required); out of hours it reads (TestHandoverGPPostAtNightAndInTheDay).
var (
	handoverReader = rule{"iedere gebruiker van een betrokken organisatie; de huisartsenpost van de regio in de ANW-uren, anders met noodtoegang", patientParty}
	handoverWriter = rule{"bewerker, beheerder of arts van de organisatie van de regiebehandelaar (hier de ingeschreven praktijk)", func(w who) bool {
		return w.kind == mgz.KindGPPractice && carerRole(w.role)
	}}
	handoverGlass = rule{"iedere gebruiker van de huisartsenpost van de regio buiten de ANW-uren, of van een andere betrokken organisatie zonder vaste toegang", func(w who) bool {
		return w.kind == mgz.KindGPPost
	}}
)

// handoverDenied: the client's parties and the region's GP post are told they may not (403);
// anyone else does not learn that the client exists (404).
func handoverDenied(w who) int {
	if patientParty(w) || w.kind == mgz.KindGPPost {
		return http.StatusForbidden
	}
	return http.StatusNotFound
}

func handoverEndpoints() []endpoint {
	base := func(m *matrix) string { return "/api/v1/patients/" + itoa(m.patient.ID) + "/handover" }
	page := func(m *matrix) string { return "/clienten/" + itoa(m.patient.ID) + "/overdracht" }
	return append([]endpoint{
		{name: "overdracht lezen", shown: "/api/v1/patients/{cliënt}/handover", method: "GET", path: func(m *matrix, _ *cell) string { return base(m) },
			rule: handoverReader, deniedFor: handoverDenied},
		{name: "overdracht: versies", shown: "/api/v1/patients/{cliënt}/handover/versions", method: "GET", path: func(m *matrix, _ *cell) string { return base(m) + "/versions" },
			rule: handoverReader, deniedFor: handoverDenied},
		{name: "overdracht als PDF", shown: "/api/v1/patients/{cliënt}/handover.pdf", method: "GET", path: func(m *matrix, _ *cell) string { return base(m) + ".pdf" },
			rule: handoverReader, deniedFor: handoverDenied},
		{name: "overdracht opslaan (nieuwe versie)", shown: "/api/v1/patients/{cliënt}/handover", method: "PUT", path: func(m *matrix, _ *cell) string { return base(m) },
			body: func(m *matrix, _ *cell) any { return matrixHandover(m) }, rule: handoverWriter, deniedFor: handoverDenied},
		{name: "overdracht bevestigen", shown: "/api/v1/patients/{cliënt}/handover/confirm", method: "POST", path: func(m *matrix, _ *cell) string { return base(m) + "/confirm" },
			body: func(*matrix, *cell) any { return map[string]any{} }, rule: handoverWriter, deniedFor: handoverDenied, ok: 200},
		{name: "instelling: ouderdom van een overdracht lezen", method: "GET", path: func(*matrix, *cell) string { return "/api/v1/settings/handover" }, rule: everyone},
		{name: "instelling: ouderdom van een overdracht wijzigen", method: "PUT", path: func(*matrix, *cell) string { return "/api/v1/settings/handover" },
			body: func(*matrix, *cell) any { return map[string]int{"max_age_months": 12} }, rule: rhoAdmin},
		{name: "pagina: overdracht", shown: "/clienten/{cliënt}/overdracht", method: "GET", path: func(m *matrix, _ *cell) string { return page(m) },
			rule: handoverReader, deniedFor: handoverDenied},
		{name: "pagina: overdracht als PDF", shown: "/clienten/{cliënt}/overdracht.pdf", method: "GET", path: func(m *matrix, _ *cell) string { return page(m) + ".pdf" },
			rule: handoverReader, deniedFor: handoverDenied},
		{name: "pagina: overdracht bewerken", shown: "/clienten/{cliënt}/overdracht/bewerken", method: "GET", path: func(m *matrix, _ *cell) string { return page(m) + "/bewerken" },
			rule: handoverWriter, deniedFor: handoverDenied},
		{name: "formulier: overdracht opslaan", shown: "/clienten/{cliënt}/overdracht/bewerken", method: "POST", path: func(m *matrix, _ *cell) string { return page(m) + "/bewerken" },
			body: func(m *matrix, _ *cell) any { return matrixHandoverForm(m) }, rule: handoverWriter, deniedFor: handoverDenied, ok: 303},
		{name: "formulier: overdracht bevestigen", shown: "/clienten/{cliënt}/overdracht/bevestigen", method: "POST", path: func(m *matrix, _ *cell) string { return page(m) + "/bevestigen" },
			body: func(*matrix, *cell) any { return url.Values{} }, rule: handoverWriter, deniedFor: handoverDenied, ok: 303},
		{name: "formulier: ouderdom van een overdracht", method: "POST", path: func(*matrix, *cell) string { return "/instellingen/overdracht" },
			body: func(*matrix, *cell) any { return url.Values{"max_age_months": {"12"}} }, rule: rhoAdmin, ok: 303},
		// Roster import (issue 13): the matrix roster belongs to the demo SO/AVG service. The matrix
		// sends JSON: who may import is told to send iCalendar or CSV (415); the form without a file
		// comes back naming the missing file (422). Real imports are in roster_import_test.go.
		{name: "rooster importeren (iCalendar of CSV)", shown: "/api/v1/rosters/{rooster}/import", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/api/v1/rosters/" + itoa(matrixImportRoster(m)) + "/import"
		}, body: func(*matrix, *cell) any { return map[string]any{} }, rule: rosterOwnerEditor, ok: 415},
		{name: "pagina: rooster importeren", shown: "/roosters/{rooster}/import", method: "GET", path: func(m *matrix, _ *cell) string {
			return "/roosters/" + itoa(matrixImportRoster(m)) + "/import"
		}, rule: rosterOwnerEditor},
		{name: "formulier: rooster importeren", shown: "/roosters/{rooster}/import", method: "POST", path: func(m *matrix, _ *cell) string {
			return "/roosters/" + itoa(matrixImportRoster(m)) + "/import"
		}, body: func(*matrix, *cell) any { return url.Values{} }, rule: rosterOwnerEditor, ok: 422},
	}, append(fhirHandoverEndpoints(), []endpoint{
		// Last: an emergency access lets its user read for an hour.
		{name: "noodtoegang tot een overdracht", shown: "/api/v1/patients/{cliënt}/handover/emergency-access", method: "POST", path: func(m *matrix, _ *cell) string { return base(m) + "/emergency-access" },
			body: func(*matrix, *cell) any {
				return map[string]string{"reason": "Visite in de nacht, behandelwensen nodig."}
			}, rule: handoverGlass, deniedFor: handoverDenied},
		{name: "formulier: noodtoegang tot een overdracht", shown: "/clienten/{cliënt}/overdracht/noodtoegang", method: "POST", path: func(m *matrix, _ *cell) string { return page(m) + "/noodtoegang" },
			body: func(*matrix, *cell) any { return url.Values{"reason": {"Visite in de nacht, behandelwensen nodig."}} }, rule: handoverGlass, deniedFor: handoverDenied, ok: 303},
	}...)...)
}

// matrixHandover is the content of a new version of the matrix patient's handover.
func matrixHandover(m *matrix) mgz.Handover {
	return mgz.Handover{LeadName: "Dr. A. Bakker, huisarts", LeadReach: "0120 555123", Wishes: []mgz.TreatmentWish{
		{Treatment: mgz.TreatmentResuscitation, Decision: mgz.DecisionDeny, AgreedOn: mgz.NewDate(2026, 11, 1), AgreedWith: mgz.AgreedWithClient}}}
}

func matrixHandoverForm(m *matrix) url.Values {
	return url.Values{"lead_name": {"Dr. A. Bakker, huisarts"}, "lead_reach": {"0120 555123"},
		"treatment_wishes[0].decision": {"deny"}, "treatment_wishes[0].agreed_on": {"2026-11-01"}, "treatment_wishes[0].agreed_with": {"client"}}
}

// TestPermissionMatrix runs every endpoint for every role of every organisation kind of the demo
// region over HTTP and checks allow or deny against the rules above. Every denial is audited.
// With -update-matrix it rewrites docs/toegang.md; otherwise the document must match.
func TestPermissionMatrix(t *testing.T) {
	// A fixed moment in office hours (Monday 10:00 in Amsterdam): the region's GP post reads a
	// handover only out of hours, so the matrix must not depend on when it runs.
	ts := newTestServerAt(t, true, matrixNow)
	ctx := context.Background()
	m := &matrix{t: t, ts: ts, dem: map[mgz.OrgKind]mgz.Organisation{}}
	orgs, _, err := ts.reg.Organisations(ctx, mgz.OrganisationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if _, ok := m.dem[o.Kind]; !ok {
			m.dem[o.Kind] = o
		}
	}
	// Another care provider than the one whose users act, with a location and a contact point.
	var otherProvider mgz.Organisation
	for _, o := range orgs {
		if o.Kind == mgz.KindCareProvider && o.ID != m.dem[mgz.KindCareProvider].ID {
			otherProvider = o
			break
		}
	}
	otherLoc := m.freshLocation(otherProvider.ID)
	home := m.freshLocation(m.dem[mgz.KindCareProvider].ID)
	home.PhysicianServiceID = &[]int64{m.dem[mgz.KindPhysicianService].ID}[0]
	if err := ts.reg.UpdateLocation(ctx, &home); err != nil {
		t.Fatal(err)
	}
	m.home = home
	item := mgz.PrerequisiteItem{LocationID: home.ID, Key: mgz.PrereqWzdProtocol, Status: mgz.StatusMet, Note: "Protocol in de bijlage."}
	if err := ts.svc.RecordPrerequisite(ctx, service.System(), &item, &service.Upload{Name: "wzd-protocol.pdf", Content: pdf}, 0); err != nil {
		t.Fatal(err)
	}
	if item.DocumentID == nil {
		t.Fatal("the matrix's prerequisite document was not stored")
	}
	m.document = *item.DocumentID
	gpID := m.dem[mgz.KindGPPractice].ID
	m.patient = mgz.Patient{Name: "Cliënt Matrix", BirthDate: mgz.NewDate(1940, 5, 1), LocationID: &home.ID, Sector: home.Sector,
		Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 11, 1), Delivery: mgz.DeliveryVPT, GPPracticeID: &gpID,
		LeadPhysician: mgz.LeadGP, LeadPhysicianOrgID: &gpID} // a GP of the practice leads: no party more, and a PractitionerRole to read
	if err := ts.db.Store().Patients().CreatePatient(ctx, &m.patient); err != nil {
		t.Fatal(err)
	}
	postID := m.dem[mgz.KindGPPost].ID
	m.agreement = mgz.Agreement{Type: mgz.AgreementCooperation, Provider: m.dem[mgz.KindCareProvider].ID, Practice: gpID, GPPost: &postID,
		Locations: []int64{home.ID}, Start: mgz.NewDate(2026, 1, 1), TermMonths: 24, NoticeMonths: 3, EvaluationMonths: 12}
	if err := ts.svc.CreateAgreement(ctx, service.System(), &m.agreement); err != nil {
		t.Fatal(err)
	}
	m.active = m.agreementTerms()
	m.active.Start = mgz.DateOf(ts.svc.Today().AddDate(0, -11, 0))
	m.active = m.signedByAll(m.active)
	for _, o := range orgs {
		if o.Kind == mgz.KindGPPractice && o.ID != gpID {
			m.secondGP = o
			break
		}
	}
	if m.secondGP.ID == 0 {
		t.Fatal("the demo region has one GP practice; the switch rows need two")
	}
	m.requesters = map[int64]mgz.User{}
	m.incoming = m.freshSwitchRequest(gpID, m.secondGP.ID)
	m.switchPatient = m.incoming.PatientID
	m.outgoing = m.freshSwitchRequest(m.secondGP.ID, gpID)
	// The matrix's own reports are about home, so that lists filtered by it find them among the
	// many reports the cells make.
	m.escOpen, m.escTable = m.escalationAt(&home.ID, "", false), m.escalationAt(&home.ID, mgz.StateRegionalTable, false)
	at, err := ts.svc.AddEscalationAttachment(ctx, mgz.Actor{User: m.escFiler, OrgKind: mgz.KindGPPractice}, m.escOpen.ID, &service.Upload{Name: "rooster.pdf", Content: pdf})
	if err != nil {
		t.Fatal(err)
	}
	m.escAttachment = at.ID
	first := matrixHandover(m)
	first.PatientID = m.patient.ID
	if err := ts.svc.SaveHandover(ctx, service.System(), &first, 0); err != nil {
		t.Fatal(err)
	}

	var cols []who
	for _, k := range mgz.OrgKinds.Options() {
		for _, r := range mgz.UserRoles.Options() {
			if r.Value == mgz.RolePhysician && k.Value != mgz.KindGPPractice && k.Value != mgz.KindGPPost && k.Value != mgz.KindPhysicianService {
				continue // only physicians' organisations have physicians
			}
			cols = append(cols, who{k.Value, r.Value})
		}
	}
	eps := endpoints()
	observed := make([]map[who]bool, len(eps))
	for i := range observed {
		observed[i] = map[who]bool{}
	}
	mux := newRouteMux(ts)
	deniedBefore := countDenied(t, ts)
	denials := 0
	for _, w := range cols {
		own := m.dem[w.kind]
		other := m.dem[mgz.KindCareOffice]
		if w.kind == mgz.KindCareOffice {
			other = m.dem[mgz.KindPublicHealthService]
		}
		c := &cell{who: w, c: ts.as(t, own.ID, w.role), own: own, other: other, otherLoc: otherLoc}
		c.colleague, _ = ts.newUser(t, own.ID, "", mgz.RoleViewer)
		c.stranger, _ = ts.newUser(t, other.ID, "", mgz.RoleAdmin)
		c.ownToken, c.otherToken = m.token(c.c.user), m.token(c.stranger)
		c.ownCP, c.otherCP = m.freshContact(own.ID), m.freshContact(other.ID)
		if w.kind == mgz.KindCareProvider {
			c.ownLoc = m.freshLocation(own.ID)
		} else {
			c.ownLoc = m.freshLocation(otherProvider.ID) // a non-provider has no locations of its own
		}
		for i, ep := range eps {
			_, entriesBefore := lastAuditAndCount(t, ts)
			path := ep.path(m, c)
			if got, shown := mux.pattern(ep.method, path), mux.pattern(ep.method, templatePath(ep)); got != shown {
				t.Errorf("%s: the request %s %s is served by route %q, but the path shown in docs/toegang.md (%s) by %q: fix the row's shown path",
					ep.name, ep.method, path, got, templatePath(ep), shown)
			}
			var r response
			switch b := func() any {
				if ep.body == nil {
					return nil
				}
				return ep.body(m, c)
			}().(type) {
			case url.Values:
				r = c.c.postForm(t, path, b)
			default:
				r = c.c.do(t, ep.method, path, b)
			}
			want := ep.rule.allow(w)
			okStatus := ep.ok
			if okStatus == 0 {
				okStatus = map[string]int{"GET": 200, "POST": 201, "PUT": 200, "DELETE": 204}[ep.method]
			}
			deniedStatus := ep.denied
			if ep.deniedFor != nil {
				deniedStatus = ep.deniedFor(w)
			}
			if deniedStatus == 0 {
				deniedStatus = http.StatusForbidden
			}
			switch {
			case want && r.status != okStatus:
				t.Errorf("%s (%s %s) as %s %s: status %d, want %d (allowed for %s)\n%.300s", ep.name, ep.method, path, w.kind, w.role, r.status, okStatus, ep.rule.text, r.body)
			case !want && r.status != deniedStatus:
				t.Errorf("%s (%s %s) as %s %s: status %d, want %d (only %s)\n%.300s", ep.name, ep.method, path, w.kind, w.role, r.status, deniedStatus, ep.rule.text, r.body)
			}
			if want && r.status == okStatus && ep.only != nil {
				if msg := ep.only(m, c, r); msg != "" {
					t.Errorf("%s (%s %s) as %s %s: %s", ep.name, ep.method, path, w.kind, w.role, msg)
				}
			}
			if !want {
				denials++
				if last, n := lastAuditAndCount(t, ts); n == entriesBefore || last.Outcome != mgz.OutcomeDenied || last.UserID != c.c.user.ID || last.Reason == "" {
					t.Errorf("%s (%s %s) as %s %s: denied without its audit entry; the last entry is %+v", ep.name, ep.method, path, w.kind, w.role, last)
				}
			}
			observed[i][w] = r.status == okStatus
		}
	}
	// Every denial went into the audit log, with its reason.
	if got := countDenied(t, ts) - deniedBefore; got < denials {
		t.Errorf("%d denials audited, want at least %d", got, denials)
	}
	t.Logf("%d columns × %d endpoints = %d cells, %d denied", len(cols), len(eps), len(cols)*len(eps), denials)

	doc := matrixDoc(eps, cols, observed)
	const path = "../docs/toegang.md"
	if *updateMatrix {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != doc {
		t.Errorf("docs/toegang.md is not the matrix the server enforces: run go test ./web -run TestPermissionMatrix -update-matrix (%v)", err)
	}
}

func lastAuditAndCount(t *testing.T, ts *testServer) (mgz.AuditEntry, int) {
	t.Helper()
	es, n, err := ts.db.Store().Audit().Entries(context.Background(), mgz.AuditFilter{Page: mgz.Page{Limit: 1}})
	if err != nil {
		t.Fatalf("audit log: %v", err)
	}
	if len(es) == 0 {
		return mgz.AuditEntry{}, 0
	}
	return es[0], n
}

func lastAudit(t *testing.T, ts *testServer) mgz.AuditEntry {
	t.Helper()
	e, n := lastAuditAndCount(t, ts)
	if n == 0 {
		t.Fatal("the audit log is empty")
	}
	return e
}

func countDenied(t *testing.T, ts *testServer) int {
	t.Helper()
	n := 0
	err := ts.db.Store().Audit().Each(context.Background(), mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		if e.Outcome == mgz.OutcomeDenied {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// matrixDoc writes the observed matrix as a Markdown table: one row per endpoint, one column per
// organisation kind, each cell listing the roles that were allowed.
func matrixDoc(eps []endpoint, cols []who, observed []map[who]bool) string {
	var b strings.Builder
	b.WriteString("# Wie mag wat in mgz\n\n")
	b.WriteString("Deze tabel komt uit de test `TestPermissionMatrix` (web/matrix_test.go), die elke rol van elke soort\n")
	b.WriteString("organisatie elk adres laat proberen op een server met de demoregio. Per soort organisatie staan de rollen\n")
	b.WriteString("die het mocht: **L** lezer, **B** bewerker, **H** beheerder, **A** arts, **T** lid van de regionale tafel (leest als lezer); — betekent niemand van die soort.\n")
	b.WriteString("\"Eigen\" is de organisatie van de gebruiker; \"ander\" een organisatie van een andere soort. De inlog-,\n")
	b.WriteString("uitlog- en wachtwoordpagina's horen bij een sessie en worden apart getest (web/auth_test.go). Bij lijsten\n")
	b.WriteString("(cliënten, overeenkomsten, overstapverzoeken, gebruikers, API-tokens, auditlog, herinneringen, dekking) controleert de test ook\n")
	b.WriteString("dat het antwoord alleen toont wat de gebruiker mag zien. Elk adres van mgz staat in deze tabel; een nieuw\n")
	b.WriteString("adres zonder regel laat de test falen.\n\n")
	var kinds []mgz.OrgKind
	for _, c := range cols {
		if !slices.Contains(kinds, c.kind) {
			kinds = append(kinds, c.kind)
		}
	}
	b.WriteString("| Handeling | Adres | Regel |")
	for _, k := range kinds {
		b.WriteString(" " + k.Label() + " |")
	}
	b.WriteString("\n|---|---|---|")
	for range kinds {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	letter := map[mgz.UserRole]string{mgz.RoleViewer: "L", mgz.RoleEditor: "B", mgz.RoleAdmin: "H", mgz.RolePhysician: "A", mgz.RoleRegionalTable: "T"}
	for i, ep := range eps {
		fmt.Fprintf(&b, "| %s | `%s %s` | %s |", ep.name, ep.method, templatePath(ep), ep.rule.text)
		for _, k := range kinds {
			var rs []string
			for _, c := range cols {
				if c.kind == k && observed[i][c] {
					rs = append(rs, letter[c.role])
				}
			}
			if len(rs) == 0 {
				b.WriteString(" — |")
			} else {
				b.WriteString(" " + strings.Join(rs, " ") + " |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// templatePath shows an endpoint's path with placeholders instead of the test's ids.
func templatePath(ep endpoint) (shown string) {
	if ep.shown != "" {
		return ep.shown
	}
	c := &cell{own: mgz.Organisation{ID: -1}, other: mgz.Organisation{ID: -2}, colleague: mgz.User{ID: -3}, stranger: mgz.User{ID: -4},
		ownLoc: mgz.Location{ID: -5}, otherLoc: mgz.Location{ID: -6}, ownCP: mgz.ContactPoint{ID: -7}, otherCP: mgz.ContactPoint{ID: -8},
		ownToken: -9, otherToken: -10, c: &client{user: mgz.User{ID: -11}}, who: who{kind: mgz.KindGPPractice}}
	return strings.NewReplacer("-11", "{ik}", "-10", "{token-ander}", "-1", "{eigen}", "-2", "{ander}", "-3", "{collega}", "-4", "{gebruiker-ander}",
		"-5", "{eigen-locatie}", "-6", "{locatie-ander}", "-7", "{eigen-contactpunt}", "-8", "{contactpunt-ander}", "-9", "{eigen-token}").Replace(ep.path(nil, c))
}

// sessionRoutes are the routes the matrix leaves out on purpose, each with the test that covers it.
var sessionRoutes = map[string]string{
	"GET /inloggen":            "the login page needs no session (auth_test.go)",
	"POST /inloggen":           "logging in needs no session (auth_test.go)",
	"POST /uitloggen":          "logging out ends a browser session (auth_test.go)",
	"GET /account/wachtwoord":  "the password page belongs to a browser session (auth_test.go)",
	"POST /account/wachtwoord": "changing the password belongs to a browser session (auth_test.go)",
}

// routeMux matches a request to the pattern it was registered with, using the same ServeMux rules
// as the server.
type routeMux struct{ mux *http.ServeMux }

func newRouteMux(ts *testServer) routeMux {
	mux := http.NewServeMux()
	for _, rt := range slices.Concat(ts.srv.APIRoutes(), ts.srv.PageRoutes(), ts.srv.FHIRRoutes()) {
		mux.Handle(rt, http.NotFoundHandler())
	}
	return routeMux{mux}
}

// pattern returns the registered "METHOD /path" that serves method and path, or "".
func (m routeMux) pattern(method, path string) string {
	req, err := http.NewRequest(method, "http://mgz.test"+path, nil)
	if err != nil {
		return ""
	}
	_, pat := m.mux.Handler(req)
	return pat
}

// shownPath is templatePath, false when the row's path needs the matrix's records (a row that
// should have set shown).
func shownPath(ep endpoint) (path string, ok bool) {
	defer func() {
		if recover() != nil {
			path, ok = "", false
		}
	}()
	return templatePath(ep), true
}

// TestPermissionMatrixCoversEveryRoute fails when a route of the API or the pages has no row in the
// permission matrix, so that a new route cannot be added without saying who may use it.
func TestPermissionMatrixCoversEveryRoute(t *testing.T) {
	ts := newTestServer(t, false)
	mux := newRouteMux(ts)
	covered := map[string]bool{}
	for _, ep := range endpoints() {
		shown, ok := shownPath(ep)
		if !ok {
			t.Errorf("matrix row %q makes its path from the matrix's records but has no shown path: set shown to the path with placeholders", ep.name)
			continue
		}
		pat := mux.pattern(ep.method, shown)
		if pat == "" {
			t.Errorf("matrix row %q (%s %s) matches no registered route: fix its method or path", ep.name, ep.method, shown)
			continue
		}
		covered[pat] = true
	}
	for _, rt := range slices.Concat(ts.srv.APIRoutes(), ts.srv.PageRoutes(), ts.srv.FHIRRoutes()) {
		if covered[rt] {
			continue
		}
		if _, ok := sessionRoutes[rt]; ok {
			continue
		}
		t.Errorf("route %s has no row in the permission matrix: add an endpoint for it to endpoints() in web/matrix_test.go "+
			"(see the comment at the top of that file), then run go test ./web -run TestPermissionMatrix -update-matrix", rt)
	}
	registered := slices.Concat(ts.srv.APIRoutes(), ts.srv.PageRoutes(), ts.srv.FHIRRoutes())
	for rt := range sessionRoutes {
		if !slices.Contains(registered, rt) {
			t.Errorf("sessionRoutes names %s, which is no longer a route: remove it", rt)
		}
	}
}
