package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/agreement"
	"github.com/regio-mgz/mgz/service"
)

func (s *Server) pageRoutes() []route {
	return append([]route{
		{"GET", "/{$}", s.pageHome},
		{"GET", "/inloggen", s.pageLogin},
		{"POST", "/inloggen", s.pageLoginPost},
		{"POST", "/uitloggen", s.pageLogout},
		{"GET", "/account", s.pageAccount},
		{"POST", "/account/tokens", s.pageCreateToken},
		{"POST", "/account/tokens/{id}/intrekken", s.pageRevokeToken},
		{"GET", "/account/wachtwoord", s.pagePassword},
		{"POST", "/account/wachtwoord", s.pagePasswordPost},
		{"GET", "/gebruikers", s.pageUsers},
		{"POST", "/gebruikers", s.pageCreateUser},
		{"GET", "/gebruikers/{id}", s.pageUser},
		{"POST", "/gebruikers/{id}", s.pageUserPost},
		{"GET", "/audit", s.pageAudit},
		{"GET", "/audit/export", s.pageAuditExport},
		{"GET", "/wie-is-verantwoordelijk", s.pageDecide},
		{"GET", "/bronnen", s.pageSources},
		{"GET", "/instellingen", s.pageSettings},
		{"POST", "/instellingen", s.pageSettingsSave},
		{"POST", "/instellingen/overstaptermijn", s.pageSwitchPeriodSave},

		{"GET", "/organisaties", s.pageOrganisations},
		{"GET", "/organisaties/nieuw", s.pageOrganisationNew},
		{"POST", "/organisaties", s.pageOrganisationCreate},
		{"GET", "/organisaties/{id}", s.pageOrganisation},
		{"GET", "/organisaties/{id}/bewerken", s.pageOrganisationEdit},
		{"POST", "/organisaties/{id}", s.pageOrganisationUpdate},
		{"GET", "/organisaties/{id}/verwijderen", s.pageOrganisationConfirmDelete},
		{"POST", "/organisaties/{id}/verwijderen", s.pageOrganisationDelete},

		{"GET", "/locaties", s.pageLocations},
		{"GET", "/locaties/nieuw", s.pageLocationNew},
		{"POST", "/locaties", s.pageLocationCreate},
		{"GET", "/locaties/{id}", s.pageLocation},
		{"GET", "/locaties/{id}/bereikbaarheidskaart", s.pageReachCard},
		{"GET", "/locaties/{id}/bereikbaarheidskaart.pdf", s.pageReachCardPDF},
		{"GET", "/locaties/{id}/bewerken", s.pageLocationEdit},
		{"POST", "/locaties/{id}", s.pageLocationUpdate},
		{"GET", "/locaties/{id}/verwijderen", s.pageLocationConfirmDelete},
		{"GET", "/locaties/{id}/randvoorwaarden/{key}", s.pagePrerequisite},
		{"POST", "/locaties/{id}/randvoorwaarden/{key}", s.pagePrerequisitePost},
		{"GET", "/documenten/{id}", s.serveDocument},
		{"GET", "/clienten", s.pagePatients},
		{"GET", "/clienten/{id}", s.pagePatient},
		{"GET", "/clienten/{id}/bewerken", s.pagePatientEdit},
		{"POST", "/clienten/{id}/bewerken", s.pagePatientEditPost},
		{"GET", "/clienten/{id}/verhuizen", s.pageRelocate},
		{"POST", "/clienten/{id}/verhuizen", s.pageRelocatePost},
		{"GET", "/inschrijven", s.pageRegister},
		{"POST", "/inschrijven", s.pageRegisterPost},
		{"GET", "/praktijk", s.pagePractice},
		{"POST", "/praktijk", s.pagePracticePost},
		{"GET", "/dekking", s.pageCoverage},
		{"GET", "/overzicht", s.pageOverview},
		{"GET", "/overeenkomsten", s.pageAgreements},
		{"GET", "/overeenkomsten/nieuw", s.pageAgreementNew},
		{"POST", "/overeenkomsten", s.pageAgreementCreate},
		{"GET", "/overeenkomsten/{id}", s.pageAgreement},
		{"GET", "/overeenkomsten/{id}/bewerken", s.pageAgreementEdit},
		{"POST", "/overeenkomsten/{id}/bewerken", s.pageAgreementUpdate},
		{"POST", "/overeenkomsten/{id}/stap/{step}", s.pageAgreementStep},
		{"GET", "/overeenkomsten/{id}/document", s.serveAgreementDocument},
		{"GET", "/overeenkomsten/{id}/document.pdf", s.serveAgreementDocument},
		{"POST", "/locaties/{id}/verwijderen", s.pageLocationDelete},

		{"GET", "/contactpunten/nieuw", s.pageContactNew},
		{"POST", "/contactpunten", s.pageContactCreate},
		{"GET", "/contactpunten/{id}/bewerken", s.pageContactEdit},
		{"POST", "/contactpunten/{id}", s.pageContactUpdate},
		{"GET", "/contactpunten/{id}/verwijderen", s.pageContactConfirmDelete},
		{"POST", "/contactpunten/{id}/verwijderen", s.pageContactDelete},
		{"GET", "/roosters/{id}/import", s.pageRosterImport},
		{"POST", "/roosters/{id}/import", s.pageRosterImportPost},
		{"GET", "/roosters", s.pageRosters},
		{"GET", "/roosters/nieuw", s.pageNewRoster},
		{"POST", "/roosters", s.pageCreateRoster},
		{"GET", "/roosters/{id}", s.pageRoster},
		{"POST", "/roosters/{id}", s.pageUpdateRoster},
		{"POST", "/roosters/{id}/verwijderen", s.pageDeleteRoster},
		{"POST", "/roosters/{id}/diensten", s.pageAddShift},
		{"POST", "/roosters/{id}/diensten/{shift}/verwijderen", s.pageDeleteShift},
	}, slices.Concat(s.switchPageRoutes(), s.inboxPageRoutes(), s.escalationPageRoutes(), s.handoverPageRoutes(),
		s.availabilityPageRoutes(), s.fixedPhysicianPageRoutes())...)
}

// formProblem returns the field messages of err when it is a refusal a person can mend in the
// form (invalid input, or a conflict tied to a field), and false for anything else.
func formProblem(err error) (map[string]string, string, bool) {
	var e *mgz.Error
	if !errors.As(err, &e) {
		return nil, "", false
	}
	if e.Code == mgz.ECodeInvalid || (e.Code == mgz.ECodeConflict && len(e.Fields) > 0) {
		return e.Fields, e.Message, true
	}
	return nil, "", false
}

// names maps organisation ids to names, for showing references.
type names map[int64]string

func (n names) Of(id *int64) string {
	if id == nil {
		return ""
	}
	return n[*id]
}

// Name returns the name for a plain id.
func (n names) Name(id int64) string { return n[id] }

// refs collects the organisations and locations a page names, for namesOf.
type refs struct{ orgs, locs []int64 }

// org adds organisations; ids of 0 or less are no reference.
func (rf *refs) org(ids ...int64) {
	for _, id := range ids {
		if id > 0 && !slices.Contains(rf.orgs, id) {
			rf.orgs = append(rf.orgs, id)
		}
	}
}

// orgPtr adds the organisations of optional references.
func (rf *refs) orgPtr(ids ...*int64) {
	for _, id := range ids {
		if id != nil {
			rf.org(*id)
		}
	}
}

// loc adds locations; ids of 0 or less are no reference.
func (rf *refs) loc(ids ...int64) {
	for _, id := range ids {
		if id > 0 && !slices.Contains(rf.locs, id) {
			rf.locs = append(rf.locs, id)
		}
	}
}

// notices adds the organisations named by BSN misses and changes of the lead physician.
func (rf *refs) notices(misses []mgz.BSNMiss, changes []mgz.LeadChange) {
	for _, m := range misses {
		rf.org(m.OrganisationID)
	}
	for _, lc := range changes {
		rf.orgPtr(lc.FromOrgID, lc.ToOrgID)
		rf.org(lc.ChangedByOrgID)
	}
}

// namesOf reads the names of the organisations and locations in rf by id (locations by negative
// id), a page at a time, so that a page names every reference however large the register is.
// What the actor may not read stays unnamed.
func (s *Server) namesOf(r *http.Request, rf refs) (names, error) {
	n := names{}
	for ids := range slices.Chunk(rf.orgs, mgz.MaxLimit) {
		orgs, _, err := s.reg(r).Organisations(r.Context(), mgz.OrganisationFilter{IDs: ids, Page: mgz.Page{Limit: len(ids)}})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			n[o.ID] = o.Name
		}
	}
	for ids := range slices.Chunk(rf.locs, mgz.MaxLimit) {
		locs, _, err := s.reg(r).Locations(r.Context(), mgz.LocationFilter{IDs: ids, Page: mgz.Page{Limit: len(ids)}})
		if err != nil {
			return nil, err
		}
		for _, l := range locs {
			n[-l.ID] = l.Name
		}
	}
	return n, nil
}

func (s *Server) orgNames(r *http.Request, kind mgz.OrgKind) ([]mgz.Organisation, names, error) {
	orgs, _, err := s.reg(r).Organisations(r.Context(), mgz.OrganisationFilter{Kind: kind, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return nil, nil, err
	}
	n := names{}
	for _, o := range orgs {
		n[o.ID] = o.Name
	}
	return orgs, n, nil
}

// ---- start page ----

type homeData struct {
	Reminders        []service.Reminder
	Switches         *switchNoticeData // a practice's switch notices (switches.go)
	Overview         mgz.Overview
	Kinds            []kindCount
	WithoutFixedGP   []mgz.Location
	WithoutFirstLine []mgz.Location
	Providers        names
	// OwnLocations are the locations the user's organisation runs, is the fixed practice of or
	// the SO/AVG service of; OwnLocationsTotal counts them all.
	OwnLocations      []mgz.Location
	OwnLocationsTotal int
	// OwnClients says the organisation has a client list; Clients are its first clients by name
	// (read through the service, so each listed client is audited as read "in een lijst", as on
	// the clients page) and ClientsTotal counts them all.
	OwnClients   bool
	Clients      []mgz.Patient
	ClientsTotal int
	// CoverageGaps counts the uncovered gaps of the next 72 hours (availability.go), for the RHO
	// and care providers.
	CoverageGaps *homeGaps
}

// homeClients is how many clients the start page lists by name; the rest are behind a link.
const homeClients = 10

type kindCount struct {
	Kind  mgz.OrgKind
	Label string
	Count int
}

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ov, err := s.reg(r).Overview(ctx)
	if err != nil {
		return err
	}
	d := homeData{Overview: ov}
	for _, o := range mgz.OrgKinds.Options() {
		d.Kinds = append(d.Kinds, kindCount{o.Value, o.Label, ov.Organisations[o.Value]})
	}
	gapPage := mgz.Page{Limit: 10}
	if d.WithoutFixedGP, _, err = s.reg(r).Locations(ctx, mgz.LocationFilter{WithoutFixedGP: true, Page: gapPage}); err != nil {
		return err
	}
	if d.WithoutFirstLine, _, err = s.reg(r).Locations(ctx, mgz.LocationFilter{WithoutFirstLine: true, Page: gapPage}); err != nil {
		return err
	}
	if _, d.Providers, err = s.orgNames(r, mgz.KindCareProvider); err != nil {
		return err
	}
	// Its own locations and clients first: on a phone at night the way to a client is short.
	me := actorOf(r)
	own := mgz.LocationFilter{Page: mgz.Page{Limit: 10}}
	switch me.OrgKind {
	case mgz.KindCareProvider:
		own.ProviderID = me.User.OrganisationID
	case mgz.KindGPPractice:
		own.FixedGPPracticeID = me.User.OrganisationID
	case mgz.KindPhysicianService:
		own.PhysicianServiceID = me.User.OrganisationID
	}
	if own.ProviderID != 0 || own.FixedGPPracticeID != 0 || own.PhysicianServiceID != 0 {
		d.OwnClients = true
		if d.OwnLocations, d.OwnLocationsTotal, err = s.reg(r).Locations(ctx, own); err != nil {
			return err
		}
		// One list read with a limit: the page stays fast with thousands of clients.
		if d.Clients, d.ClientsTotal, err = s.cfg.Service.Patients(ctx, me, mgz.PatientFilter{Page: mgz.Page{Limit: homeClients}}); err != nil {
			return err
		}
	}
	// Each party sees what to act on in its agreements (issue: agreements, reminders).
	switch actorOf(r).OrgKind {
	case mgz.KindCareProvider, mgz.KindGPPractice, mgz.KindGPPost:
		if d.Reminders, err = s.reminders(r); err != nil {
			return err
		}
	}
	if d.Switches, err = s.homeSwitchNotices(r); err != nil {
		return err
	}
	if d.CoverageGaps, err = s.homeCoverageGaps(r); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home", pageData{Title: "Regio in één oogopslag", Nav: "home", Data: d})
	return nil
}

// ---- organisations ----

type orgListData struct {
	Items []mgz.Organisation
	Pager pager
}

func (s *Server) pageOrganisations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := mgz.OrganisationFilter{Query: q.Get("q"), Kind: mgz.OrgKind(q.Get("soort")), Page: listPage(r)}
	if !mgz.OrgKinds.Valid(f.Kind) {
		f.Kind = ""
	}
	items, total, err := s.reg(r).Organisations(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "organisations", pageData{Title: "Organisaties", Nav: "organisaties",
		Data: orgListData{items, newPager(r, f.Page, len(items), total)}, Form: Form{Values: q}})
	return nil
}

type orgDetailData struct {
	Org           mgz.Organisation
	Locations     []mgz.Location // of a care provider
	FixedGPOf     []mgz.Location // of a GP practice
	ContactPoints []mgz.ContactPoint
	// FixedPhysicians is the "Vaste SO/AVG" block of a GP practice (L-Conv 5).
	FixedPhysicians htmlBlock
}

func (s *Server) pageOrganisation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "Organisatie")
	if err != nil {
		return err
	}
	d := orgDetailData{}
	if d.Org, err = s.reg(r).Organisation(ctx, id); err != nil {
		return err
	}
	all := mgz.Page{Limit: mgz.MaxLimit}
	switch d.Org.Kind {
	case mgz.KindCareProvider:
		d.Locations, _, err = s.reg(r).Locations(ctx, mgz.LocationFilter{ProviderID: id, Page: all})
	case mgz.KindGPPractice:
		d.FixedGPOf, _, err = s.reg(r).Locations(ctx, mgz.LocationFilter{FixedGPPracticeID: id, Page: all})
		if err == nil {
			d.FixedPhysicians, err = s.fixedPhysicianBlock(r, mgz.FixedPhysicianFilter{OrganisationID: id}, id)
		}
	}
	if err != nil {
		return err
	}
	if d.ContactPoints, _, err = s.reg(r).ContactPoints(ctx, mgz.ContactPointFilter{OrganisationID: id, Page: all}); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "organisation", pageData{Title: d.Org.Name, Nav: "organisaties", Data: d})
	return nil
}

func orgToForm(o mgz.Organisation) url.Values {
	return url.Values{"kind": {string(o.Kind)}, "name": {o.Name}, "agb": {o.AGB}, "kvk": {o.KvK}, "address": {o.Address},
		"postcode": {o.Postcode}, "city": {o.City}, "phone": {mgz.FormatPhone(o.Phone)}, "care_office_region": {o.CareOfficeRegion},
		"revision": {revisionValue(o.Revision)}}
}

// revisionValue is the hidden form field "revision" of a record: the revision it was read at.
func revisionValue(rev int64) string {
	if rev <= 0 {
		return ""
	}
	return strconv.FormatInt(rev, 10)
}

func orgFromForm(v url.Values) mgz.Organisation {
	return mgz.Organisation{Kind: mgz.OrgKind(v.Get("kind")), Name: v.Get("name"), AGB: v.Get("agb"), KvK: v.Get("kvk"),
		Address: v.Get("address"), Postcode: v.Get("postcode"), City: v.Get("city"), Phone: v.Get("phone"),
		CareOfficeRegion: v.Get("care_office_region")}
}

type orgFormData struct {
	Org    mgz.Organisation // ID 0 for a new one
	Action string
}

func (s *Server) pageOrganisationNew(w http.ResponseWriter, r *http.Request) error {
	if err := s.may(r, access.Create, access.Organisation, 0); err != nil {
		return err
	}
	v := url.Values{"kind": {r.URL.Query().Get("soort")}}
	// A region's organisations share a zorgkantoor region: suggest the one most used.
	if orgs, _, err := s.reg(r).Organisations(r.Context(), mgz.OrganisationFilter{Page: mgz.Page{Limit: 1}}); err == nil && len(orgs) > 0 {
		v.Set("care_office_region", orgs[0].CareOfficeRegion)
	}
	s.render(w, r, http.StatusOK, "organisation_form", pageData{Title: "Nieuwe organisatie", Nav: "organisaties",
		Data: orgFormData{Action: "/organisaties"}, Form: Form{Values: v}})
	return nil
}

func (s *Server) pageOrganisationEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Organisatie")
	if err != nil {
		return err
	}
	o, err := s.reg(r).Organisation(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Update, access.Organisation, id); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "organisation_form", pageData{Title: o.Name + " bewerken", Nav: "organisaties",
		Data: orgFormData{Org: o, Action: fmt.Sprintf("/organisaties/%d", o.ID)}, Form: Form{Values: orgToForm(o)}})
	return nil
}

func (s *Server) pageOrganisationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o := orgFromForm(r.PostForm)
	err := s.reg(r).CreateOrganisation(r.Context(), &o)
	if fields, msg, ok := formProblem(err); ok {
		s.render(w, r, httpStatus(err), "organisation_form", pageData{Title: "Nieuwe organisatie", Nav: "organisaties",
			Problem: msg, Data: orgFormData{Action: "/organisaties"}, Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/organisaties/%d", o.ID), "aangemaakt")
	return nil
}

func (s *Server) pageOrganisationUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Organisatie")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	o := orgFromForm(r.PostForm)
	o.ID = id
	if o.Revision, err = expectedRevision(r); err != nil {
		return err
	}
	err = s.reg(r).UpdateOrganisation(r.Context(), &o)
	if fields, msg, ok := formProblem(err); ok {
		s.render(w, r, httpStatus(err), "organisation_form", pageData{Title: "Organisatie bewerken", Nav: "organisaties",
			Problem: msg, Data: orgFormData{Org: o, Action: fmt.Sprintf("/organisaties/%d", id)}, Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/organisaties/%d", id), "opgeslagen")
	return nil
}

// confirmData is the body of a delete confirmation page.
type confirmData struct {
	Question    string
	Consequence string
	Action      string
	Back        string
}

func (s *Server) pageOrganisationConfirmDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Organisatie")
	if err != nil {
		return err
	}
	o, err := s.reg(r).Organisation(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Delete, access.Organisation, id); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "confirm", pageData{Title: o.Name + " verwijderen", Nav: "organisaties", Data: confirmData{
		Question:    "Weet u zeker dat u " + o.Name + " uit het register wilt verwijderen?",
		Consequence: "De contactpunten van deze organisatie worden ook verwijderd. Dit kan niet ongedaan worden gemaakt.",
		Action:      fmt.Sprintf("/organisaties/%d/verwijderen", id), Back: fmt.Sprintf("/organisaties/%d", id)}})
	return nil
}

func (s *Server) pageOrganisationDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Organisatie")
	if err != nil {
		return err
	}
	if err := s.reg(r).DeleteOrganisation(r.Context(), id); err != nil {
		return err
	}
	redirect(w, r, "/organisaties", "organisatieweg")
	return nil
}

// ---- locations ----

type locListData struct {
	Items     []mgz.Location
	Providers names
	GPs       names
	Pager     pager
}

func (s *Server) pageLocations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := mgz.LocationFilter{Query: q.Get("q"), Sector: mgz.Sector(q.Get("sector")), Setting: mgz.Setting(q.Get("woonvorm")),
		WithoutFixedGP: q.Get("zonder-vaste-huisarts") != "", WithoutFirstLine: q.Get("zonder-voorwacht") != "", Page: listPage(r)}
	if !mgz.Sectors.Valid(f.Sector) {
		f.Sector = ""
	}
	if !mgz.Settings.Valid(f.Setting) {
		f.Setting = ""
	}
	if p, err := strconv.ParseInt(q.Get("aanbieder"), 10, 64); err == nil {
		f.ProviderID = p
	}
	items, total, err := s.reg(r).Locations(ctx, f)
	if err != nil {
		return err
	}
	d := locListData{Items: items, Pager: newPager(r, f.Page, len(items), total)}
	if _, d.Providers, err = s.orgNames(r, mgz.KindCareProvider); err != nil {
		return err
	}
	if _, d.GPs, err = s.orgNames(r, mgz.KindGPPractice); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "locations", pageData{Title: "Locaties", Nav: "locaties", Data: d, Form: Form{Values: q}})
	return nil
}

type locDetailData struct {
	Readiness        *mgz.Readiness
	Proposals        []agreement.Proposal
	ShowProposals    bool
	Loc              mgz.Location
	Provider         mgz.Organisation
	FixedGP          *mgz.Organisation
	Physician        *mgz.Organisation
	ContactPoints    []mgz.ContactPoint
	ProviderContacts []mgz.ContactPoint
	HasFirstLine     bool
	// Card is "Nu bellen": whom to call now for a resident, per question.
	Card *callCard
	// OpeningMissing: the agreements a planned location still lacks close to its opening (L-Rol 3).
	OpeningMissing []mgz.AgreementType
	// Coverage is the location's gaps of the next 14 days (availability.go), for those who may see them.
	Coverage     []gapRow
	ShowCoverage bool
	// FixedPhysicians is the "Vaste SO/AVG" block (L-Conv 5).
	FixedPhysicians htmlBlock
}

func (s *Server) pageLocation(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	var d locDetailData
	if d.Loc, err = s.reg(r).Location(ctx, id); err != nil {
		return err
	}
	if d.Provider, err = s.reg(r).Organisation(ctx, d.Loc.ProviderID); err != nil {
		return err
	}
	if d.Loc.FixedGPPracticeID != nil {
		gp, err := s.reg(r).Organisation(ctx, *d.Loc.FixedGPPracticeID)
		if err != nil {
			return err
		}
		d.FixedGP = &gp
	}
	if d.Loc.PhysicianServiceID != nil {
		ps, err := s.reg(r).Organisation(ctx, *d.Loc.PhysicianServiceID)
		if err != nil {
			return err
		}
		d.Physician = &ps
	}
	if d.Card, err = s.locationCard(r, d.Loc); err != nil {
		return err
	}
	all := mgz.Page{Limit: mgz.MaxLimit}
	if d.ContactPoints, _, err = s.reg(r).ContactPoints(ctx, mgz.ContactPointFilter{LocationID: id, Page: all}); err != nil {
		return err
	}
	if d.ProviderContacts, _, err = s.reg(r).ContactPoints(ctx, mgz.ContactPointFilter{OrganisationID: d.Provider.ID, Page: all}); err != nil {
		return err
	}
	for _, c := range append(d.ContactPoints, d.ProviderContacts...) {
		d.HasFirstLine = d.HasFirstLine || c.Role == mgz.RoleFirstLine
	}
	// The checklist of §5 for those who may see it.
	if service.Allowed(actorOf(r), access.Read, access.Resource{Kind: access.Prerequisite, OrganisationID: d.Loc.ProviderID}) {
		_, rd, err := s.cfg.Service.Readiness(ctx, actorOf(r), id)
		if err != nil {
			return err
		}
		d.Readiness = &rd
	}
	if service.Allowed(actorOf(r), access.Read, access.Resource{Kind: access.AgreementProposal, OrganisationID: d.Loc.ProviderID}) {
		e, err := s.engine(r)
		if err != nil {
			return err
		}
		if _, d.Proposals, err = s.cfg.Service.ProposeAgreements(ctx, actorOf(r), e, id); err != nil {
			return err
		}
		d.ShowProposals = true
	}
	if err := s.locationOpening(r, &d); err != nil {
		return err
	}
	if d.Coverage, d.ShowCoverage, err = s.locationCoverage(r, d.Loc); err != nil {
		return err
	}
	if d.FixedPhysicians, err = s.fixedPhysicianBlock(r, mgz.FixedPhysicianFilter{LocationID: id}, d.Loc.ProviderID); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "location", pageData{Title: d.Loc.Name, Nav: "locaties", Data: d})
	return nil
}

func locToForm(l mgz.Location) url.Values {
	v := url.Values{"provider_id": {strconv.FormatInt(l.ProviderID, 10)}, "name": {l.Name}, "address": {l.Address},
		"postcode": {l.Postcode}, "municipality": {l.Municipality}, "setting": {string(l.Setting)}, "sector": {string(l.Sector)},
		"places": {strconv.Itoa(l.Places)}, "revision": {revisionValue(l.Revision)},
		"lifecycle": {string(l.Lifecycle)}, "expected_opening": {l.ExpectedOpening.String()}}
	if l.FixedGPPracticeID != nil {
		v.Set("fixed_gp_practice_id", strconv.FormatInt(*l.FixedGPPracticeID, 10))
	}
	if l.PhysicianServiceID != nil {
		v.Set("physician_service_id", strconv.FormatInt(*l.PhysicianServiceID, 10))
	}
	for _, d := range l.Deliveries {
		v.Add("deliveries", string(d))
	}
	return v
}

// locFromForm reads a location from a form; numbers that are not numbers are reported per field.
func locFromForm(v url.Values) (mgz.Location, map[string]string) {
	bad := map[string]string{}
	l := mgz.Location{Name: v.Get("name"), Address: v.Get("address"), Postcode: v.Get("postcode"),
		Municipality: v.Get("municipality"), Setting: mgz.Setting(v.Get("setting")), Sector: mgz.Sector(v.Get("sector"))}
	l.ProviderID, _ = strconv.ParseInt(v.Get("provider_id"), 10, 64)
	optionalID := func(field, msg string) *int64 {
		s := strings.TrimSpace(v.Get(field))
		if s == "" {
			return nil
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad[field] = msg
			return nil
		}
		return &id
	}
	l.FixedGPPracticeID = optionalID("fixed_gp_practice_id", "Kies een huisartsenpraktijk uit de lijst.")
	l.PhysicianServiceID = optionalID("physician_service_id", "Kies een SO/AVG-dienst uit de lijst.")
	if s := strings.TrimSpace(v.Get("places")); s == "" {
		bad["places"] = "Aantal plaatsen is verplicht. Vul een geheel getal in, bijvoorbeeld 24."
	} else if n, err := strconv.Atoi(s); err != nil {
		bad["places"] = "Vul het aantal plaatsen in als geheel getal, bijvoorbeeld 24."
	} else {
		l.Places = n
	}
	for _, d := range v["deliveries"] {
		l.Deliveries = append(l.Deliveries, mgz.Delivery(d))
	}
	l.Lifecycle = mgz.Lifecycle(strings.TrimSpace(v.Get("lifecycle")))
	if d, err := mgz.ParseDate(v.Get("expected_opening")); err != nil {
		bad["expected_opening"] = "Vul de verwachte openingsdatum in als jjjj-mm-dd, bijvoorbeeld 2027-03-01."
	} else {
		l.ExpectedOpening = d
	}
	return l, bad
}

type locFormData struct {
	Loc        mgz.Location
	Action     string
	Providers  []mgz.Organisation
	GPs        []mgz.Organisation
	Physicians []mgz.Organisation
}

func (s *Server) locForm(r *http.Request, l mgz.Location, action string) (locFormData, error) {
	d := locFormData{Loc: l, Action: action}
	var err error
	if d.Providers, _, err = s.orgNames(r, mgz.KindCareProvider); err != nil {
		return d, err
	}
	// Offer only the providers the user may add a location for, and the location's own.
	a := actorOf(r)
	mine := d.Providers[:0:0]
	for _, p := range d.Providers {
		if p.ID == l.ProviderID || service.Allowed(a, access.Create, access.Resource{Kind: access.Location, OrganisationID: p.ID}) {
			mine = append(mine, p)
		}
	}
	d.Providers = mine
	if d.GPs, _, err = s.orgNames(r, mgz.KindGPPractice); err != nil {
		return d, err
	}
	d.Physicians, _, err = s.orgNames(r, mgz.KindPhysicianService)
	return d, err
}

func (s *Server) pageLocationNew(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	provider := a.User.OrganisationID
	if p := r.URL.Query().Get("aanbieder"); p != "" {
		provider, _ = strconv.ParseInt(p, 10, 64)
	}
	if err := s.may(r, access.Create, access.Location, provider); err != nil {
		return err
	}
	d, err := s.locForm(r, mgz.Location{}, "/locaties")
	if err != nil {
		return err
	}
	v := url.Values{"provider_id": {strconv.FormatInt(provider, 10)}}
	s.render(w, r, http.StatusOK, "location_form", pageData{Title: "Nieuwe locatie", Nav: "locaties", Data: d, Form: Form{Values: v}})
	return nil
}

func (s *Server) pageLocationEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	l, err := s.reg(r).Location(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Update, access.Location, l.ProviderID); err != nil {
		return err
	}
	d, err := s.locForm(r, l, fmt.Sprintf("/locaties/%d", id))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "location_form", pageData{Title: l.Name + " bewerken", Nav: "locaties", Data: d, Form: Form{Values: locToForm(l)}})
	return nil
}

// saveLocation handles the form post of a new (id 0) or existing location.
func (s *Server) saveLocation(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := parseForm(r); err != nil {
		return err
	}
	l, bad := locFromForm(r.PostForm)
	l.ID = id
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	l.Revision = rev
	switch {
	case len(bad) > 0:
		// Report the unreadable numbers together with every other problem of the form.
		err = l.Normalise()
		fields, _, _ := formProblem(err)
		for k, v := range fields {
			if _, ok := bad[k]; !ok {
				bad[k] = v
			}
		}
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "Niet alle gegevens kloppen. Verbeter de gemarkeerde velden en probeer het opnieuw.", Fields: bad}
	case id == 0:
		err = s.reg(r).CreateLocation(r.Context(), &l)
	default:
		err = s.reg(r).UpdateLocation(r.Context(), &l)
	}
	if fields, msg, ok := formProblem(err); ok {
		action, title := "/locaties", "Nieuwe locatie"
		if id != 0 {
			action, title = fmt.Sprintf("/locaties/%d", id), "Locatie bewerken"
		}
		d, ferr := s.locForm(r, l, action)
		if ferr != nil {
			return ferr
		}
		s.render(w, r, httpStatus(err), "location_form", pageData{Title: title, Nav: "locaties", Problem: msg, Data: d,
			Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	notice := "opgeslagen"
	if id == 0 {
		notice = "aangemaakt"
	}
	redirect(w, r, fmt.Sprintf("/locaties/%d", l.ID), notice)
	return nil
}

func (s *Server) pageLocationCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveLocation(w, r, 0)
}

func (s *Server) pageLocationUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	return s.saveLocation(w, r, id)
}

func (s *Server) pageLocationConfirmDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	l, err := s.reg(r).Location(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Delete, access.Location, l.ProviderID); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "confirm", pageData{Title: l.Name + " verwijderen", Nav: "locaties", Data: confirmData{
		Question:    "Weet u zeker dat u locatie " + l.Name + " uit het register wilt verwijderen?",
		Consequence: "De contactpunten van deze locatie worden ook verwijderd. Dit kan niet ongedaan worden gemaakt.",
		Action:      fmt.Sprintf("/locaties/%d/verwijderen", id), Back: fmt.Sprintf("/locaties/%d", id)}})
	return nil
}

func (s *Server) pageLocationDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Locatie")
	if err != nil {
		return err
	}
	l, err := s.reg(r).Location(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.reg(r).DeleteLocation(r.Context(), id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/organisaties/%d", l.ProviderID), "locatieweg")
	return nil
}

// ---- contact points ----

type contactFormData struct {
	Contact mgz.ContactPoint
	Action  string
	Owner   string // name of the organisation or location it belongs to
	Back    string
}

func cpToForm(c mgz.ContactPoint) url.Values {
	v := url.Values{"role": {string(c.Role)}, "name": {c.Name}, "phone": {mgz.FormatPhone(c.Phone)}, "hours": {string(c.Hours)},
		"arrangement": {string(c.Arrangement)}, "revision": {revisionValue(c.Revision)}}
	if c.OrganisationID != nil {
		v.Set("organisation_id", strconv.FormatInt(*c.OrganisationID, 10))
	}
	if c.LocationID != nil {
		v.Set("location_id", strconv.FormatInt(*c.LocationID, 10))
	}
	return v
}

func cpFromForm(v url.Values) mgz.ContactPoint {
	c := mgz.ContactPoint{Role: mgz.ContactRole(v.Get("role")), Name: v.Get("name"), Phone: v.Get("phone"), Hours: mgz.Hours(v.Get("hours")),
		Arrangement: mgz.Arrangement(v.Get("arrangement"))}
	if id, err := strconv.ParseInt(v.Get("organisation_id"), 10, 64); err == nil {
		c.OrganisationID = &id
	}
	if id, err := strconv.ParseInt(v.Get("location_id"), 10, 64); err == nil {
		c.LocationID = &id
	}
	return c
}

// contactOwner names the organisation or location of c, the page to return to, and the
// organisation that owns c (for a location: its care provider).
func (s *Server) contactOwner(r *http.Request, c mgz.ContactPoint) (name, back string, org int64, err error) {
	switch {
	case c.LocationID != nil:
		l, err := s.reg(r).Location(r.Context(), *c.LocationID)
		if err != nil {
			return "", "", 0, err
		}
		return "locatie " + l.Name, fmt.Sprintf("/locaties/%d", l.ID), l.ProviderID, nil
	case c.OrganisationID != nil:
		o, err := s.reg(r).Organisation(r.Context(), *c.OrganisationID)
		if err != nil {
			return "", "", 0, err
		}
		return o.Name, fmt.Sprintf("/organisaties/%d", o.ID), o.ID, nil
	}
	return "", "", 0, mgz.Errorf(mgz.ECodeNotFound, "Open dit formulier vanaf de pagina van een organisatie of locatie.")
}

// may asks the policy before a form is shown, so nobody fills in a form they cannot send; a
// refusal is audited like any other.
func (s *Server) may(r *http.Request, act access.Action, kind access.Kind, org int64) error {
	return s.cfg.Service.Authorize(r.Context(), actorOf(r), act, access.Resource{Kind: kind, OrganisationID: org})
}

func (s *Server) pageContactNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := url.Values{"organisation_id": {q.Get("organisatie")}, "location_id": {q.Get("locatie")}, "hours": {string(mgz.Hours24x7)}}
	c := cpFromForm(v)
	owner, back, org, err := s.contactOwner(r, c)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Create, access.ContactPoint, org); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "contact_form", pageData{Title: "Nieuw contactpunt", Data: contactFormData{
		Contact: c, Action: "/contactpunten", Owner: owner, Back: back}, Form: Form{Values: v}})
	return nil
}

func (s *Server) pageContactEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Contactpunt")
	if err != nil {
		return err
	}
	c, err := s.reg(r).ContactPoint(r.Context(), id)
	if err != nil {
		return err
	}
	owner, back, org, err := s.contactOwner(r, c)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Update, access.ContactPoint, org); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "contact_form", pageData{Title: "Contactpunt bewerken", Data: contactFormData{
		Contact: c, Action: fmt.Sprintf("/contactpunten/%d", id), Owner: owner, Back: back}, Form: Form{Values: cpToForm(c)}})
	return nil
}

func (s *Server) saveContact(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c := cpFromForm(r.PostForm)
	c.ID = id
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	c.Revision = rev
	owner, back, _, err := s.contactOwner(r, c)
	if err != nil {
		return err
	}
	if id == 0 {
		err = s.reg(r).CreateContactPoint(r.Context(), &c)
	} else {
		err = s.reg(r).UpdateContactPoint(r.Context(), &c)
	}
	if fields, msg, ok := formProblem(err); ok {
		action := "/contactpunten"
		if id != 0 {
			action = fmt.Sprintf("/contactpunten/%d", id)
		}
		s.render(w, r, httpStatus(err), "contact_form", pageData{Title: "Contactpunt", Problem: msg, Data: contactFormData{
			Contact: c, Action: action, Owner: owner, Back: back}, Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, back, "opgeslagen")
	return nil
}

func (s *Server) pageContactCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveContact(w, r, 0)
}

func (s *Server) pageContactUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Contactpunt")
	if err != nil {
		return err
	}
	return s.saveContact(w, r, id)
}

func (s *Server) pageContactConfirmDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Contactpunt")
	if err != nil {
		return err
	}
	c, err := s.reg(r).ContactPoint(r.Context(), id)
	if err != nil {
		return err
	}
	owner, back, org, err := s.contactOwner(r, c)
	if err != nil {
		return err
	}
	if err := s.may(r, access.Delete, access.ContactPoint, org); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "confirm", pageData{Title: "Contactpunt verwijderen", Data: confirmData{
		Question:    fmt.Sprintf("Weet u zeker dat u het contactpunt %s (%s) van %s wilt verwijderen?", c.Role.Label(), mgz.FormatPhone(c.Phone), owner),
		Consequence: "Dit kan niet ongedaan worden gemaakt.",
		Action:      fmt.Sprintf("/contactpunten/%d/verwijderen", id), Back: back}})
	return nil
}

func (s *Server) pageContactDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Contactpunt")
	if err != nil {
		return err
	}
	c, err := s.reg(r).ContactPoint(r.Context(), id)
	if err != nil {
		return err
	}
	_, back, _, err := s.contactOwner(r, c)
	if err != nil {
		return err
	}
	if err := s.reg(r).DeleteContactPoint(r.Context(), id); err != nil {
		return err
	}
	redirect(w, r, back, "contactweg")
	return nil
}

// pageSources explains the sources the rules cite (T, L-Wlz, L-Rol, L-Conv), for everyone who
// reads a "Bron:" line and wants to check it.
func (s *Server) pageSources(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "sources", pageData{Title: "Bronnen van de regels", Nav: "bronnen"})
	return nil
}
