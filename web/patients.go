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
	"github.com/regio-mgz/mgz/rules"
	"github.com/regio-mgz/mgz/service"
)

func (s *Server) patientRoutes() []route {
	return []route{
		{"GET", "/api/v1/patients", s.apiPatients},
		{"POST", "/api/v1/patients", s.apiCreatePatient},
		{"GET", "/api/v1/patients/{id}", s.apiPatient},
		{"PUT", "/api/v1/patients/{id}", s.apiUpdatePatient},
		{"GET", "/api/v1/patients/{id}/registrations", s.apiRegistrations},
		{"GET", "/api/v1/patients/{id}/relocation", s.apiPreviewRelocation},
		{"POST", "/api/v1/patients/{id}/relocation", s.apiRelocate},
		{"POST", "/api/v1/registrations", s.apiRegister},
		{"GET", "/api/v1/practices/{id}/profile", s.apiPracticeProfile},
		{"PUT", "/api/v1/practices/{id}/profile", s.apiSetPracticeProfile},
		{"GET", "/api/v1/coverage", s.apiCoverage},
	}
}

// patientView is a patient as the API shows it: the BSN masked, with the rules engine's
// classification of the patient's situation (domain.md §3).
type patientView struct {
	mgz.Patient
	BSN            string                `json:"bsn,omitempty"`
	Classification *rules.Classification `json:"classification"`
	// ClassificationProblem says in Dutch why the situation could not be classified.
	ClassificationProblem string `json:"classification_problem,omitempty"`
	// SwitchPending is the open switch request of the client that involves the viewer's
	// practice (as the practice holding the registration or the one asking to take it over).
	SwitchPending *mgz.SwitchRequest `json:"switch_pending,omitempty"`
}

// openSwitches returns the open switch requests involving the actor's practice, by patient.
func (s *Server) openSwitches(r *http.Request) (map[int64]mgz.SwitchRequest, error) {
	out := map[int64]mgz.SwitchRequest{}
	srs, err := s.cfg.Service.OpenSwitches(r.Context(), actorOf(r))
	for _, sr := range srs {
		out[sr.PatientID] = sr
	}
	return out, err
}

// markSwitches sets SwitchPending on the views whose client has an open switch request.
func markSwitches(views []patientView, open map[int64]mgz.SwitchRequest) {
	for i := range views {
		if sr, ok := open[views[i].ID]; ok {
			views[i].SwitchPending = &sr
		}
	}
}

// classify runs the rules engine on a patient's situation.
func (s *Server) classify(r *http.Request, p mgz.Patient) patientView {
	locs, _ := s.locationsOfPatients(r, []mgz.Patient{p}) // an unreadable location is looked up again below
	c := s.classifier(r, locs)
	return c(p)
}

// locationsOfPatients reads the locations ps live in, in one query (a page of a large practice's
// clients lives in dozens of locations; one read each cost a round trip apiece on PostgreSQL).
func (s *Server) locationsOfPatients(r *http.Request, ps []mgz.Patient) ([]mgz.Location, error) {
	var ids []int64
	for _, p := range ps {
		if p.LocationID != nil && !slices.Contains(ids, *p.LocationID) {
			ids = append(ids, *p.LocationID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ls, _, err := s.reg(r).Locations(r.Context(), mgz.LocationFilter{IDs: ids, Page: mgz.Page{Limit: len(ids)}})
	return ls, err
}

// classifier returns a function that classifies patients with one engine and the settings of
// locs (locationsOfPatients of the page), for lists; any other location is read when first met.
func (s *Server) classifier(r *http.Request, locs []mgz.Location) func(mgz.Patient) patientView {
	e, engineErr := s.engine(r)
	settings := map[int64]rules.Setting{}
	for _, l := range locs {
		settings[l.ID] = rules.Setting(l.Setting)
	}
	return func(p mgz.Patient) patientView {
		v := patientView{Patient: p, BSN: p.MaskedBSN()}
		if engineErr != nil {
			v.ClassificationProblem = mgz.ErrorMessage(engineErr)
			return v
		}
		sit := rules.Situation{Setting: rules.SettingHome, Wlz: rules.Wlz(p.Wlz), Delivery: rules.Delivery(p.Delivery), Sector: rules.Sector(p.Sector)}
		if p.LocationID != nil {
			st, ok := settings[*p.LocationID]
			if !ok {
				if l, err := s.reg(r).Location(r.Context(), *p.LocationID); err == nil {
					st = rules.Setting(l.Setting)
					settings[*p.LocationID] = st
				}
			}
			if st != "" {
				sit.Setting = st
			}
		}
		resp, err := e.Decide(rules.Request{Situation: sit})
		if err != nil {
			v.ClassificationProblem = "De situatie kan niet worden ingedeeld: " + err.Error()
			return v
		}
		v.Classification = &resp.Classification
		return v
	}
}

func (s *Server) apiPatients(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.PatientFilter{LocationID: q.int("location_id"), GPPracticeID: q.int("gp_practice_id"), Query: q.str("q"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	if f.Cursor = q.str("cursor"); f.Cursor != "" {
		f.Offset = 0 // a cursor names the position itself
		if _, err := mgz.ParsePatientCursor(f.Cursor); err != nil {
			return err
		}
	}
	ps, total, err := s.cfg.Service.Patients(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	views := make([]patientView, len(ps))
	locs, _ := s.locationsOfPatients(r, ps) // an unreadable location is looked up again by classify
	classify := s.classifier(r, locs)
	for i, p := range ps {
		views[i] = classify(p)
	}
	open, err := s.openSwitches(r)
	if err != nil {
		return err
	}
	markSwitches(views, open)
	writeJSON(w, http.StatusOK, list[patientView]{Items: views, Total: total, Limit: f.Limit, Offset: f.Offset, NextCursor: nextPatientCursor(f.Page, ps, total)})
	return nil
}

// nextPatientCursor is the cursor of the page after ps (read with p), or "" when ps is the last
// page: a short page, or an offset page that reaches the total. A full page read by cursor may be
// followed by an empty one; the total says how many there are in all.
func nextPatientCursor(p mgz.Page, ps []mgz.Patient, total int) string {
	if len(ps) == 0 || len(ps) < p.Limit || (p.Cursor == "" && p.Offset+len(ps) >= total) {
		return ""
	}
	return mgz.PatientCursor(ps[len(ps)-1])
}

func (s *Server) apiPatient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	p, err := s.cfg.Service.Patient(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	v := []patientView{s.classify(r, p)}
	open, err := s.openSwitches(r)
	if err != nil {
		return err
	}
	markSwitches(v, open)
	setETag(w, p.Revision)
	writeJSON(w, http.StatusOK, v[0])
	return nil
}

func (s *Server) apiCreatePatient(w http.ResponseWriter, r *http.Request) error {
	var p mgz.Patient
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	if err := s.cfg.Service.CreatePatient(r.Context(), actorOf(r), &p); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/patients/%d", p.ID))
	writeJSON(w, http.StatusCreated, s.classify(r, p))
	return nil
}

func (s *Server) apiUpdatePatient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	var p mgz.Patient
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	p.ID = id
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	// The API's edits carry their revision in If-Match only; a revision in the body is the
	// record's own field, read-only, so a client echoing an old body is not refused for it.
	p.Revision = rev
	if err := s.cfg.Service.UpdatePatient(r.Context(), actorOf(r), &p); err != nil {
		return err
	}
	setETag(w, p.Revision)
	writeJSON(w, http.StatusOK, s.classify(r, p))
	return nil
}

func (s *Server) apiRegistrations(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	rs, err := s.cfg.Service.Registrations(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.Registration]{Items: rs, Total: len(rs), Limit: len(rs), Offset: 0})
	return nil
}

type registrationJSON struct {
	Patient      mgz.Patient      `json:"patient"`
	Registration mgz.Registration `json:"registration"`
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) error {
	var in registrationJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.cfg.Service.RegisterPatient(r.Context(), actorOf(r), &in.Patient, &in.Registration)
	if err != nil {
		return err
	}
	if res.SwitchRequest != nil {
		// Accepted, not done: the practice holding the registration confirms or objects.
		w.Header().Set("Location", fmt.Sprintf("/api/v1/switch-requests/%d", res.SwitchRequest.ID))
		writeJSON(w, http.StatusAccepted, struct {
			SwitchRequest *mgz.SwitchRequest `json:"switch_request"`
			Warnings      []string           `json:"warnings"`
		}{res.SwitchRequest, res.Warnings})
		return nil
	}
	res.Patient.BSN = res.Patient.MaskedBSN()
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// relocationTarget reads the new location's id of a relocation.
func relocationTarget(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Kies de nieuwe locatie.", Fields: map[string]string{"location_id": "Kies de locatie waar de cliënt naartoe verhuist."}}
	}
	return id, nil
}

func (s *Server) apiPreviewRelocation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	loc, err := relocationTarget(r.URL.Query().Get("location_id"))
	if err != nil {
		return err
	}
	pv, err := s.cfg.Service.PreviewRelocation(r.Context(), actorOf(r), id, loc)
	if err != nil {
		return err
	}
	pv.Patient.BSN = pv.Patient.MaskedBSN()
	writeJSON(w, http.StatusOK, pv)
	return nil
}

func (s *Server) apiRelocate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	var in struct {
		LocationID int64 `json:"location_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	loc, err := relocationTarget(strconv.FormatInt(in.LocationID, 10))
	if err != nil {
		return err
	}
	pv, err := s.cfg.Service.Relocate(r.Context(), actorOf(r), id, loc)
	if err != nil {
		return err
	}
	pv.Patient.BSN = pv.Patient.MaskedBSN()
	writeJSON(w, http.StatusOK, pv)
	return nil
}

func (s *Server) apiPracticeProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Praktijk")
	if err != nil {
		return err
	}
	pp, err := s.cfg.Service.PracticeProfile(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if pp.Revision > 0 { // a profile never stored has no revision to send back
		setETag(w, pp.Revision)
	}
	writeJSON(w, http.StatusOK, pp)
	return nil
}

func (s *Server) apiSetPracticeProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Praktijk")
	if err != nil {
		return err
	}
	var pp mgz.PracticeProfile
	if err := decodeJSON(r, &pp); err != nil {
		return err
	}
	pp.OrganisationID = id
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	pp.Revision = rev // from If-Match only, as for patients
	if err := s.cfg.Service.SetPracticeProfile(r.Context(), actorOf(r), &pp); err != nil {
		return err
	}
	setETag(w, pp.Revision)
	writeJSON(w, http.StatusOK, pp)
	return nil
}

// ---- pages ----

type patientsPageData struct {
	Patients []patientView
	Pager    pager
	// First and Next link to the first page and to the page after this one (by cursor); either
	// is empty when there is none.
	First, Next string
	Places      names
	// Handovers marks clients without a handover or with an outdated one (issue 12).
	Handovers map[int64]string
}

func (s *Server) pagePatients(w http.ResponseWriter, r *http.Request) error {
	f := mgz.PatientFilter{Query: r.URL.Query().Get("q"), Page: listPage(r)}
	if f.Cursor = r.URL.Query().Get("cursor"); f.Cursor != "" {
		f.Offset = 0
	}
	ps, total, err := s.cfg.Service.Patients(r.Context(), actorOf(r), f)
	if err != nil {
		return err
	}
	d := patientsPageData{Pager: newPager(r, f.Page, len(ps), total), Places: names{}}
	// The list continues by cursor (plain links, no script): the next page starts after this
	// page's last client, however many clients are added or removed meanwhile.
	link := func(cursor string) string {
		v := r.URL.Query()
		v.Del("vanaf")
		v.Del("melding")
		v.Del("cursor")
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if len(v) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + v.Encode()
	}
	if f.Cursor != "" || f.Offset > 0 {
		d.First = link("")
	}
	if c := nextPatientCursor(f.Page, ps, total); c != "" {
		d.Next = link(c)
	}
	locs, err := s.locationsOfPatients(r, ps)
	if err != nil {
		return err
	}
	classify := s.classifier(r, locs)
	for _, p := range ps {
		d.Patients = append(d.Patients, classify(p))
	}
	open, err := s.openSwitches(r)
	if err != nil {
		return err
	}
	markSwitches(d.Patients, open)
	if d.Handovers, err = s.cfg.Service.HandoverMarks(r.Context(), actorOf(r), ps); err != nil {
		return err
	}
	if err := s.namesOfPatients(r, d.Places, ps, locs); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "patients", pageData{Title: "Cliënten", Nav: "clienten", Data: d, Form: Form{Values: r.URL.Query()}})
	return nil
}

// namesOfPatients fills n with the names of locs (by negative id) and of the practices ps are
// registered with, read by id: one query, whatever the size of the register.
func (s *Server) namesOfPatients(r *http.Request, n names, ps []mgz.Patient, locs []mgz.Location) error {
	for _, l := range locs {
		n[-l.ID] = l.Name
	}
	var orgIDs []int64
	for _, p := range ps {
		if p.GPPracticeID != nil && !slices.Contains(orgIDs, *p.GPPracticeID) {
			orgIDs = append(orgIDs, *p.GPPracticeID)
		}
	}
	if len(orgIDs) > 0 {
		orgs, _, err := s.reg(r).Organisations(r.Context(), mgz.OrganisationFilter{IDs: orgIDs, Page: mgz.Page{Limit: len(orgIDs)}})
		if err != nil {
			return err
		}
		for _, o := range orgs {
			n[o.ID] = o.Name
		}
	}
	return nil
}

type patientPageData struct {
	View          patientView
	Registrations []mgz.Registration
	Names         names
	CanChange     bool
	// Switches are the client's switch requests, newest first; Pending the open one.
	Switches []mgz.SwitchRequest
	Pending  *mgz.SwitchRequest
	// Misses are BSN-matching misses on the client, shown to the registered practice.
	Misses      []mgz.BSNMiss
	LeadChanges []mgz.LeadChange
	// Card is "Nu bellen": whom to call now for this client, per question.
	Card *callCard
	// Handover is the client's treatment wishes, shown below the card to those who may read them.
	Handover *service.HandoverView
}

func (s *Server) pagePatient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	a := actorOf(r)
	rec, err := s.cfg.Service.PatientRecord(r.Context(), a, id)
	if err != nil {
		return err
	}
	p := rec.Patient
	d := patientPageData{View: s.classify(r, p), Registrations: rec.Registrations, Switches: rec.Switches, LeadChanges: rec.LeadChanges}
	if d.Card, err = s.clientCard(r, p); err != nil {
		return err
	}
	if d.Handover, err = s.cfg.Service.HandoverForCard(r.Context(), a, p); err != nil {
		return err
	}
	d.CanChange = a.User.Has(mgz.RoleEditor) || a.User.Has(mgz.RolePhysician)
	for i := range d.Switches {
		if d.Switches[i].State == mgz.SwitchOpen {
			d.Pending = &d.Switches[i]
		}
	}
	if d.Misses, err = s.cfg.Service.PatientBSNMisses(r.Context(), a, p); err != nil {
		return err
	}
	var rf refs
	rf.orgPtr(p.GPPracticeID, p.LeadPhysicianOrgID)
	if p.LocationID != nil {
		rf.loc(*p.LocationID)
	}
	for _, reg := range d.Registrations {
		rf.org(reg.PracticeID)
		rf.orgPtr(reg.SwitchFromPracticeID)
	}
	for _, sr := range d.Switches {
		rf.org(sr.FromPracticeID, sr.ToPracticeID)
	}
	rf.notices(d.Misses, d.LeadChanges)
	if d.Names, err = s.namesOf(r, rf); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "patient", pageData{Title: p.Name, Nav: "clienten", Data: d})
	return nil
}

type registerPageData struct {
	ConsentMethods []mgz.Option[mgz.ConsentMethod]
	Choice         locationChoice
	Location       *mgz.Location
	Readiness      *mgz.Readiness
	Result         *service.RegistrationResult
	Practices      []mgz.Organisation
	Physicians     []mgz.Organisation
}

func (s *Server) registerForm(r *http.Request, locID int64) (registerPageData, error) {
	d := registerPageData{ConsentMethods: mgz.ConsentMethods.Options()}
	var err error
	if d.Choice, err = s.locationChoice(r, locID); err != nil {
		return d, err
	}
	if d.Physicians, _, err = s.orgNames(r, mgz.KindPhysicianService); err != nil {
		return d, err
	}
	if locID > 0 {
		l, rd, err := s.cfg.Service.PreviewRegistration(r.Context(), actorOf(r), locID)
		if err != nil {
			return d, err
		}
		d.Location, d.Readiness = &l, &rd
	}
	return d, nil
}

// pageRegister is "Cliënt inschrijven": first the location and its readiness, then the client.
func (s *Server) pageRegister(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	if err := s.may(r, access.Create, access.Registration, a.User.OrganisationID); err != nil {
		return err
	}
	loc, _ := strconv.ParseInt(r.URL.Query().Get("locatie"), 10, 64)
	d, err := s.registerForm(r, loc)
	if err != nil {
		return err
	}
	v := url.Values{"location_id": {r.URL.Query().Get("locatie")}, "wlz_checked_on": {s.today()}, "wlz_source": {"vecozo"}}
	if d.Location != nil {
		v.Set("sector", string(d.Location.Sector))
	}
	s.render(w, r, http.StatusOK, "register", pageData{Title: "Cliënt inschrijven", Nav: "clienten", Data: d, Form: Form{Values: v}})
	return nil
}

// today is the region's date, by the service's clock.
func (s *Server) today() string { return mgz.DateOf(s.cfg.Service.Today()).String() }

func patientFromForm(v url.Values) (mgz.Patient, map[string]string) {
	bad := map[string]string{}
	p := mgz.Patient{Name: v.Get("name"), BSN: v.Get("bsn"), HomePostcode: v.Get("home_postcode"), Sector: mgz.Sector(v.Get("sector")),
		Wlz: mgz.WlzIndication(v.Get("wlz")), WlzSource: mgz.WlzSource(v.Get("wlz_source")), Delivery: mgz.Delivery(v.Get("delivery")),
		LeadPhysician: mgz.LeadPhysician(v.Get("lead_physician"))}
	if s := v.Get("birth_date"); s != "" {
		d, err := mgz.ParseDate(s)
		if err != nil {
			bad["birth_date"] = "Vul de geboortedatum in als dag, maand en jaar."
		}
		p.BirthDate = d
	}
	if s := v.Get("wlz_checked_on"); s != "" {
		d, err := mgz.ParseDate(s)
		if err != nil {
			bad["wlz_checked_on"] = "Vul de datum van de raadpleging in."
		}
		p.WlzCheckedOn = d
	}
	if id, err := strconv.ParseInt(v.Get("location_id"), 10, 64); err == nil && id > 0 {
		p.LocationID = &id
	}
	if id, err := strconv.ParseInt(v.Get("lead_physician_org_id"), 10, 64); err == nil && id > 0 {
		p.LeadPhysicianOrgID = &id
	}
	return p, bad
}

func (s *Server) pageRegisterPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	p, bad := patientFromForm(v)
	reg := mgz.Registration{Priority: v.Get("priority") == "1", PriorityGround: mgz.PriorityGround(v.Get("priority_ground")),
		SwitchConsentMethod: mgz.ConsentMethod(v.Get("switch_consent_method")), SwitchConsentBy: v.Get("switch_consent_by"),
		OpenItemsAcknowledged: v["open_items_acknowledged"]}
	if on, err := mgz.ParseDate(v.Get("switch_consent_on")); err != nil {
		bad["switch_consent_on"] = "Vul de datum van de toestemming in als dag, maand en jaar."
	} else {
		reg.SwitchConsentOn = on
	}
	var err error
	var res service.RegistrationResult
	if len(bad) > 0 {
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "Niet alle gegevens kloppen.", Fields: bad}
	} else {
		res, err = s.cfg.Service.RegisterPatient(r.Context(), actorOf(r), &p, &reg)
	}
	if fields, msg, ok := formProblem(err); ok {
		loc := int64(0)
		if p.LocationID != nil {
			loc = *p.LocationID
		}
		d, derr := s.registerForm(r, loc)
		if derr != nil {
			return derr
		}
		s.render(w, r, httpStatus(err), "register", pageData{Title: "Cliënt inschrijven", Nav: "clienten", Problem: msg, Data: d,
			Form: Form{Values: v, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	if res.SwitchRequest != nil {
		redirect(w, r, fmt.Sprintf("/overstappen/%d", res.SwitchRequest.ID), "aangevraagd")
		return nil
	}
	notice := "ingeschreven"
	if len(res.Warnings) > 0 {
		notice = "ingeschreven-let-op"
	}
	redirect(w, r, fmt.Sprintf("/clienten/%d", res.Patient.ID), notice)
	return nil
}

// locationChoice is a choice of location that stays usable in a national register of 10,000
// locations: at most mgz.MaxLimit options, narrowed by a search term (zoek), and always with the
// location already chosen.
type locationChoice struct {
	Query   string
	Options []mgz.Location
	Total   int // the locations that match Query
}

// More reports whether the options leave matching locations out.
func (c locationChoice) More() bool { return c.Total > len(c.Options) }

// Searchable reports whether the page offers the search: when there is something to narrow.
func (c locationChoice) Searchable() bool { return c.Query != "" || c.More() }

// locationChoice reads the options for the search term in the request's "zoek", with chosen (if
// any) among them.
func (s *Server) locationChoice(r *http.Request, chosen int64) (locationChoice, error) {
	c := locationChoice{Query: strings.TrimSpace(r.URL.Query().Get("zoek"))}
	var err error
	c.Options, c.Total, err = s.reg(r).Locations(r.Context(), mgz.LocationFilter{Query: c.Query, Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return c, err
	}
	if chosen > 0 && !slices.ContainsFunc(c.Options, func(l mgz.Location) bool { return l.ID == chosen }) {
		if l, err := s.reg(r).Location(r.Context(), chosen); err == nil {
			c.Options = append([]mgz.Location{l}, c.Options...)
		}
	}
	return c, nil
}

type relocatePageData struct {
	Patient mgz.Patient
	Choice  locationChoice
	Preview *service.RelocationPreview
	Names   names
}

func (s *Server) pageRelocate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	a := actorOf(r)
	p, err := s.cfg.Service.Patient(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := relocatePageData{Patient: p}
	to, _ := strconv.ParseInt(r.URL.Query().Get("naar"), 10, 64)
	if d.Choice, err = s.locationChoice(r, to); err != nil {
		return err
	}
	var rf refs
	if p.LocationID != nil {
		rf.loc(*p.LocationID)
	}
	if d.Names, err = s.namesOf(r, rf); err != nil {
		return err
	}
	form := Form{Values: url.Values{"location_id": {r.URL.Query().Get("naar")}}}
	if loc, _ := strconv.ParseInt(r.URL.Query().Get("naar"), 10, 64); loc > 0 {
		pv, err := s.cfg.Service.PreviewRelocation(r.Context(), a, id, loc)
		if err != nil {
			return err
		}
		d.Preview = &pv
	}
	s.render(w, r, http.StatusOK, "relocate", pageData{Title: p.Name + " verhuist", Nav: "clienten", Data: d, Form: form})
	return nil
}

func (s *Server) pageRelocatePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	loc, err := relocationTarget(r.PostForm.Get("location_id"))
	if err == nil {
		_, err = s.cfg.Service.Relocate(r.Context(), actorOf(r), id, loc)
	}
	if _, msg, ok := formProblem(err); ok {
		return mgz.Errorf(mgz.ECodeInvalid, "%s", msg)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clienten/%d", id), "verhuisd")
	return nil
}

func (s *Server) pagePractice(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	if a.OrgKind != mgz.KindGPPractice {
		// Capacity and postcode areas belong to a practice: asked of the policy, so the refusal
		// is audited like any other.
		if err := s.may(r, access.Update, access.PracticeProfile, a.User.OrganisationID); err != nil {
			return err
		}
	}
	pp, err := s.cfg.Service.PracticeProfile(r.Context(), a, a.User.OrganisationID)
	if err != nil {
		return err
	}
	v := url.Values{"capacity": {string(pp.Capacity)}, "postcode_areas": {strings.Join(pp.PostcodeAreas, " ")}}
	if pp.Revision > 0 {
		v.Set(revisionField, strconv.FormatInt(pp.Revision, 10))
	}
	s.render(w, r, http.StatusOK, "practice", pageData{Title: "Capaciteit en postcodegebieden", Nav: "praktijk", Data: pp, Form: Form{Values: v}})
	return nil
}

func (s *Server) pagePracticePost(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	pp := mgz.PracticeProfile{OrganisationID: a.User.OrganisationID, Capacity: mgz.Capacity(r.PostFormValue("capacity")),
		PostcodeAreas: strings.FieldsFunc(r.PostFormValue("postcode_areas"), func(c rune) bool { return c == ' ' || c == ',' || c == ';' || c == '\n' || c == '\r' })}
	rev, err := expectedRevision(r)
	if err == nil {
		pp.Revision = rev
		err = s.cfg.Service.SetPracticeProfile(r.Context(), a, &pp)
	}
	if mgz.ErrorCode(err) == mgz.ECodeConflict && len(errFields(err)) == 0 {
		// A stale edit: the form again with what was typed, on the newest revision.
		cur, cerr := s.cfg.Service.PracticeProfile(r.Context(), a, a.User.OrganisationID)
		if cerr != nil {
			return cerr
		}
		v := r.PostForm
		v.Set(revisionField, strconv.FormatInt(cur.Revision, 10))
		s.render(w, r, http.StatusConflict, "practice", pageData{Title: "Capaciteit en postcodegebieden", Nav: "praktijk", Problem: mgz.ErrorMessage(err), Data: cur,
			Form: Form{Values: v}})
		return nil
	}
	if fields, msg, ok := formProblem(err); ok {
		s.render(w, r, httpStatus(err), "practice", pageData{Title: "Capaciteit en postcodegebieden", Nav: "praktijk", Problem: msg, Data: pp,
			Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/praktijk", "opgeslagen")
	return nil
}

func patientToForm(p mgz.Patient) url.Values {
	v := url.Values{"name": {p.Name}, "birth_date": {p.BirthDate.String()}, "sector": {string(p.Sector)}, "wlz": {string(p.Wlz)},
		"wlz_source": {string(p.WlzSource)}, "delivery": {string(p.Delivery)}, "lead_physician": {string(p.LeadPhysician)}}
	if !p.WlzCheckedOn.IsZero() {
		v.Set("wlz_checked_on", p.WlzCheckedOn.String())
	}
	if p.LeadPhysicianOrgID != nil {
		v.Set("lead_physician_org_id", strconv.FormatInt(*p.LeadPhysicianOrgID, 10))
	}
	return v
}

type patientFormData struct {
	Patient mgz.Patient
	Leads   []mgz.Organisation
}

func (s *Server) patientForm(r *http.Request, p mgz.Patient) (patientFormData, error) {
	d := patientFormData{Patient: p}
	for _, k := range []mgz.OrgKind{mgz.KindGPPractice, mgz.KindPhysicianService} {
		orgs, _, err := s.orgNames(r, k)
		if err != nil {
			return d, err
		}
		d.Leads = append(d.Leads, orgs...)
	}
	return d, nil
}

// pagePatientEdit corrects a patient's data; the practice changes by registration and the
// location by relocation, so neither is on this form.
func (s *Server) pagePatientEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	p, err := s.cfg.Service.Patient(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	d, err := s.patientForm(r, p)
	if err != nil {
		return err
	}
	v := patientToForm(p)
	v.Set(revisionField, strconv.FormatInt(p.Revision, 10))
	s.render(w, r, http.StatusOK, "patient_form", pageData{Title: p.Name + " bewerken", Nav: "clienten", Data: d, Form: Form{Values: v}})
	return nil
}

func (s *Server) pagePatientEditPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	old, err := s.cfg.Service.Patient(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	p, bad := patientFromForm(r.PostForm)
	p.ID = id
	if p.BSN == "" {
		p.BSN = old.BSN // an empty field keeps the BSN: the form never shows it in full
	}
	if p.Revision, err = expectedRevision(r); err == nil {
		if len(bad) > 0 {
			err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "Niet alle gegevens kloppen.", Fields: bad}
		} else {
			err = s.cfg.Service.UpdatePatient(r.Context(), actorOf(r), &p)
		}
	}
	if mgz.ErrorCode(err) == mgz.ECodeConflict && len(errFields(err)) == 0 {
		// A stale edit: show the form again with what was typed, on the newest revision, and
		// say what changed since, so nothing typed is lost and nothing stored is overwritten.
		d, derr := s.patientForm(r, old)
		if derr != nil {
			return derr
		}
		v := r.PostForm
		v.Del("bsn")
		v.Set(revisionField, strconv.FormatInt(old.Revision, 10))
		s.render(w, r, http.StatusConflict, "patient_form", pageData{Title: old.Name + " bewerken", Nav: "clienten", Problem: mgz.ErrorMessage(err), Data: d,
			Form: Form{Values: v}})
		return nil
	}
	if fields, msg, ok := formProblem(err); ok {
		d, derr := s.patientForm(r, old)
		if derr != nil {
			return derr
		}
		v := r.PostForm
		v.Del("bsn")
		s.render(w, r, httpStatus(err), "patient_form", pageData{Title: old.Name + " bewerken", Nav: "clienten", Problem: msg, Data: d,
			Form: Form{Values: v, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clienten/%d", id), "opgeslagen")
	return nil
}

// errFields returns the field messages of an *mgz.Error in err's chain.
func errFields(err error) map[string]string {
	var e *mgz.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
