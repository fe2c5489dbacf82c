package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/agreementdoc"
	"github.com/regio-mgz/mgz/service"
)

func (s *Server) agreementRoutes() []route {
	return []route{
		{"GET", "/api/v1/agreements", s.apiAgreements},
		{"POST", "/api/v1/agreements", s.apiCreateAgreement},
		{"GET", "/api/v1/agreements/{id}", s.apiAgreement},
		{"PUT", "/api/v1/agreements/{id}", s.apiUpdateAgreement},
		{"GET", "/api/v1/agreements/{id}/versions", s.apiAgreementVersions},
		{"POST", "/api/v1/agreements/{id}/{step}", s.apiAgreementStep},
		{"GET", "/api/v1/reminders", s.apiReminders},
		{"GET", "/api/v1/agreements/{id}/document", s.serveAgreementDocument},
	}
}

func (s *Server) apiAgreements(w http.ResponseWriter, r *http.Request) error {
	ags, err := s.cfg.Service.Agreements(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.Agreement]{Items: ags, Total: len(ags), Limit: len(ags), Offset: 0})
	return nil
}

func (s *Server) apiCreateAgreement(w http.ResponseWriter, r *http.Request) error {
	var ag mgz.Agreement
	if err := decodeJSON(r, &ag); err != nil {
		return err
	}
	if err := s.cfg.Service.CreateAgreement(r.Context(), actorOf(r), &ag); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/agreements/%d", ag.ID))
	setETag(w, ag.Revision)
	writeJSON(w, http.StatusCreated, ag)
	return nil
}

func (s *Server) apiAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	ag, err := s.cfg.Service.Agreement(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if ag.Former == nil { // a former party reads an old version, which it cannot edit
		setETag(w, ag.Revision)
	}
	writeJSON(w, http.StatusOK, ag)
	return nil
}

func (s *Server) apiUpdateAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	var ag mgz.Agreement
	if err := decodeJSON(r, &ag); err != nil {
		return err
	}
	ag.ID = id
	// The revision the edit was made on: If-Match, else the body's own revision (a GET sent back).
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if rev != 0 {
		ag.Revision = rev
	}
	if err := s.cfg.Service.UpdateAgreement(r.Context(), actorOf(r), &ag); err != nil {
		return err
	}
	setETag(w, ag.Revision)
	writeJSON(w, http.StatusOK, ag)
	return nil
}

type versionJSON struct {
	mgz.AgreementVersion
	Changes []mgz.Change `json:"changes"`
}

func withChanges(vs []mgz.AgreementVersion) []versionJSON {
	out := make([]versionJSON, len(vs))
	for i, v := range vs {
		out[i] = versionJSON{AgreementVersion: v, Changes: []mgz.Change{}}
		if i+1 < len(vs) {
			out[i].Changes = mgz.Diff(vs[i+1].Agreement, v.Agreement)
		}
	}
	return out
}

func (s *Server) apiAgreementVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	vs, err := s.cfg.Service.AgreementVersions(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	out := withChanges(vs)
	writeJSON(w, http.StatusOK, list[versionJSON]{Items: out, Total: len(out), Limit: len(out), Offset: 0})
	return nil
}

// stepInput is the body of a lifecycle step.
type stepInput struct {
	// Version is the version whose terms the caller read; a step on a replaced version is refused.
	Version int    `json:"version"`
	Role    string `json:"role"`
	On      string `json:"on"`
	Note    string `json:"note"`
	Reason  string `json:"reason"`
}

func stepDate(s, field string) (mgz.Date, error) {
	if s == "" {
		return mgz.Date{}, nil
	}
	d, err := mgz.ParseDate(s)
	if err != nil {
		return d, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De datum klopt niet.", Fields: map[string]string{field: "Vul een datum in als jjjj-mm-dd."}}
	}
	return d, nil
}

// step runs a lifecycle step: send, sign, inform-gp-post, evaluate or end.
//
// The step is based on what the caller saw: the revision (If-Match, or the form's hidden field)
// and the version; a step on terms that a newer version replaced is refused (409).
func (s *Server) step(r *http.Request, id int64, step string, in stepInput) (mgz.Agreement, error) {
	ctx, a := r.Context(), actorOf(r)
	rev, err := expectedRevision(r)
	if err != nil {
		return mgz.Agreement{}, err
	}
	seen := service.Basis{Revision: rev, Version: in.Version}
	switch step {
	case "send":
		return s.cfg.Service.SendForSigning(ctx, a, id, seen)
	case "sign":
		return s.cfg.Service.SignAgreement(ctx, a, id, seen, in.Role)
	case "inform-gp-post":
		return s.cfg.Service.InformGPPost(ctx, a, id, seen)
	case "evaluate":
		d, err := stepDate(in.On, "evaluated_on")
		if err != nil {
			return mgz.Agreement{}, err
		}
		return s.cfg.Service.EvaluateAgreement(ctx, a, id, seen, d, in.Note)
	case "end":
		d, err := stepDate(in.On, "ended_on")
		if err != nil {
			return mgz.Agreement{}, err
		}
		return s.cfg.Service.EndAgreement(ctx, a, id, seen, d, in.Reason)
	}
	return mgz.Agreement{}, mgz.Errorf(mgz.ECodeNotFound, "Onbekende stap %q. Kies send, sign, inform-gp-post, evaluate of end.", step)
}

func (s *Server) apiAgreementStep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	var in stepInput
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	ag, err := s.step(r, id, r.PathValue("step"), in)
	if err != nil {
		return err
	}
	setETag(w, ag.Revision)
	writeJSON(w, http.StatusOK, ag)
	return nil
}

// reminders are the actor's reminders, with the rules engine for missing agreements.
func (s *Server) reminders(r *http.Request) ([]service.Reminder, error) {
	e, err := s.engine(r)
	if err != nil {
		return nil, err
	}
	return s.cfg.Service.Reminders(r.Context(), actorOf(r), e)
}

func (s *Server) apiReminders(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.reminders(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[service.Reminder]{Items: rs, Total: len(rs), Limit: len(rs), Offset: 0})
	return nil
}

// ---- pages ----

type agreementsPageData struct {
	Agreements []mgz.Agreement
	Reminders  []service.Reminder
	Names      names
}

func (s *Server) pageAgreements(w http.ResponseWriter, r *http.Request) error {
	ags, err := s.cfg.Service.Agreements(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	d := agreementsPageData{Agreements: ags}
	if d.Reminders, err = s.reminders(r); err != nil {
		return err
	}
	var rf refs
	for _, ag := range ags {
		rf.org(ag.Provider, ag.Practice)
	}
	if d.Names, err = s.namesOf(r, rf); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "agreements", pageData{Title: "Overeenkomsten", Nav: "overeenkomsten", Data: d})
	return nil
}

type agreementFormData struct {
	Agreement mgz.Agreement
	Action    string
	Providers []mgz.Organisation
	Practices []mgz.Organisation
	Posts     []mgz.Organisation
	Locations []mgz.Location
}

func (s *Server) agreementForm(r *http.Request, ag mgz.Agreement, action string) (agreementFormData, error) {
	d := agreementFormData{Agreement: ag, Action: action}
	var err error
	if d.Providers, _, err = s.orgNames(r, mgz.KindCareProvider); err != nil {
		return d, err
	}
	if d.Practices, _, err = s.orgNames(r, mgz.KindGPPractice); err != nil {
		return d, err
	}
	if d.Posts, _, err = s.orgNames(r, mgz.KindGPPost); err != nil {
		return d, err
	}
	d.Locations, _, err = s.reg(r).Locations(r.Context(), mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	return d, err
}

func agreementToForm(ag mgz.Agreement) url.Values {
	v := url.Values{"type": {string(ag.Type)}, "provider_id": {idStr(ag.Provider)}, "practice_id": {idStr(ag.Practice)},
		"start": {ag.Start.String()}, "term_months": {strconv.Itoa(ag.TermMonths)}, "notice_months": {strconv.Itoa(ag.NoticeMonths)},
		"evaluation_months": {strconv.Itoa(ag.EvaluationMonths)}, "tariff": {""}, "tariff_unit": {ag.TariffUnit}, "hours_covered": {ag.HoursCovered},
		"revision": {""}}
	if ag.Revision > 0 {
		v.Set("revision", strconv.FormatInt(ag.Revision, 10))
	}
	if ag.Start.IsZero() {
		v.Set("start", "")
	}
	if ag.TariffCents > 0 {
		v.Set("tariff", fmt.Sprintf("%d,%02d", ag.TariffCents/100, ag.TariffCents%100))
	}
	if ag.GPPost != nil {
		v.Set("gp_post_id", idStr(*ag.GPPost))
	}
	for _, l := range ag.Locations {
		v.Add("location_ids", idStr(l))
	}
	return v
}

func idStr(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// agreementFromForm reads the form; bad numbers are reported per field.
func agreementFromForm(v url.Values) (mgz.Agreement, map[string]string) {
	bad := map[string]string{}
	ag := mgz.Agreement{Type: mgz.AgreementType(v.Get("type")), TariffUnit: v.Get("tariff_unit"), HoursCovered: v.Get("hours_covered")}
	num := func(name string) int64 {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad[name] = "Vul een geheel getal in."
		}
		return n
	}
	ag.Provider, ag.Practice = num("provider_id"), num("practice_id")
	if p := num("gp_post_id"); p > 0 {
		ag.GPPost = &p
	}
	ag.TermMonths, ag.NoticeMonths, ag.EvaluationMonths = int(num("term_months")), int(num("notice_months")), int(num("evaluation_months"))
	for _, l := range v["location_ids"] {
		if id, err := strconv.ParseInt(l, 10, 64); err == nil {
			ag.Locations = append(ag.Locations, id)
		}
	}
	if s := strings.TrimSpace(v.Get("start")); s != "" {
		d, err := mgz.ParseDate(s)
		if err != nil {
			bad["start"] = "Vul een datum in."
		}
		ag.Start = d
	}
	if s := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v.Get("tariff")), "€")); s != "" {
		euros, cents, _ := strings.Cut(strings.ReplaceAll(s, ".", ""), ",")
		e, err1 := strconv.ParseInt(strings.TrimSpace(euros), 10, 64)
		c := int64(0)
		var err2 error
		if cents != "" {
			if len(cents) == 1 {
				cents += "0"
			}
			c, err2 = strconv.ParseInt(cents, 10, 64)
		}
		if err1 != nil || err2 != nil || len(cents) > 2 || e < 0 {
			bad["tariff_cents"] = "Vul het bedrag in euro's in, bijvoorbeeld 95,00."
		}
		ag.TariffCents = e*100 + c
	}
	return ag, bad
}

func (s *Server) pageAgreementNew(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	ag := mgz.Agreement{Type: mgz.AgreementType(r.URL.Query().Get("soort")), EvaluationMonths: 12, TermMonths: 24, NoticeMonths: 3}
	switch a.OrgKind {
	case mgz.KindCareProvider:
		ag.Provider = a.User.OrganisationID
	case mgz.KindGPPractice:
		ag.Practice = a.User.OrganisationID
	}
	d, err := s.agreementForm(r, ag, "/overeenkomsten")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "agreement_form", pageData{Title: "Nieuwe overeenkomst", Nav: "overeenkomsten", Data: d, Form: Form{Values: agreementToForm(ag)}})
	return nil
}

func (s *Server) saveAgreement(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ag, bad := agreementFromForm(r.PostForm)
	ag.ID = id
	rev, err := expectedRevision(r)
	ag.Revision = rev
	switch {
	case err != nil:
	case len(bad) > 0:
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "Niet alle gegevens kloppen.", Fields: bad}
	case id == 0:
		err = s.cfg.Service.CreateAgreement(r.Context(), actorOf(r), &ag)
	default:
		err = s.cfg.Service.UpdateAgreement(r.Context(), actorOf(r), &ag)
	}
	if fields, msg, ok := formProblem(err); ok {
		action := "/overeenkomsten"
		if id != 0 {
			action = fmt.Sprintf("/overeenkomsten/%d/bewerken", id)
		}
		d, derr := s.agreementForm(r, ag, action)
		if derr != nil {
			return derr
		}
		if fields["tariff_cents"] != "" {
			fields["tariff"] = fields["tariff_cents"]
		}
		s.render(w, r, httpStatus(err), "agreement_form", pageData{Title: "Overeenkomst", Nav: "overeenkomsten", Problem: msg, Data: d,
			Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/overeenkomsten/%d", ag.ID), "opgeslagen")
	return nil
}

func (s *Server) pageAgreementCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveAgreement(w, r, 0)
}

func (s *Server) pageAgreementEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	ag, err := s.cfg.Service.Agreement(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	d, err := s.agreementForm(r, ag, fmt.Sprintf("/overeenkomsten/%d/bewerken", id))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "agreement_form", pageData{Title: "Overeenkomst wijzigen", Nav: "overeenkomsten", Data: d, Form: Form{Values: agreementToForm(ag)}})
	return nil
}

func (s *Server) pageAgreementUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	return s.saveAgreement(w, r, id)
}

type agreementPageData struct {
	Agreement mgz.Agreement
	Versions  []versionJSON
	Names     names
	MySigned  bool
	MyParty   bool
	Today     string
}

func (s *Server) renderAgreement(w http.ResponseWriter, r *http.Request, id int64, status int, problem string, form Form) error {
	a := actorOf(r)
	ag, err := s.cfg.Service.Agreement(r.Context(), a, id)
	if err != nil {
		return err
	}
	vs, err := s.cfg.Service.AgreementVersions(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := agreementPageData{Agreement: ag, Versions: withChanges(vs), MySigned: ag.SignedBy(a.User.OrganisationID), Today: s.today()}
	for _, p := range ag.Parties() {
		d.MyParty = d.MyParty || (p == a.User.OrganisationID && ag.Former == nil)
	}
	var rf refs
	rf.org(ag.Provider, ag.Practice)
	rf.orgPtr(ag.GPPost)
	rf.loc(ag.Locations...)
	for _, sig := range ag.Signatures {
		rf.org(sig.OrganisationID)
	}
	if d.Names, err = s.namesOf(r, rf); err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{"on": {d.Today}}
	}
	s.render(w, r, status, "agreement", pageData{Title: ag.Type.Label() + " " + strconv.FormatInt(ag.ID, 10), Nav: "overeenkomsten", Problem: problem, Data: d, Form: form})
	return nil
}

func (s *Server) pageAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	return s.renderAgreement(w, r, id, http.StatusOK, "", Form{})
}

func (s *Server) pageAgreementStep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	version, _ := strconv.Atoi(v.Get("version"))
	_, err = s.step(r, id, r.PathValue("step"), stepInput{Version: version, Role: v.Get("role"), On: v.Get("on"), Note: v.Get("note"), Reason: v.Get("reason")})
	if fields, msg, ok := formProblem(err); ok {
		return s.renderAgreement(w, r, id, httpStatus(err), msg, Form{Values: v, Errors: fields})
	}
	if mgz.ErrorCode(err) == mgz.ECodeConflict {
		return s.renderAgreement(w, r, id, http.StatusConflict, mgz.ErrorMessage(err), Form{Values: v})
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/overeenkomsten/%d", id), "opgeslagen")
	return nil
}

// serveAgreementDocument sends a version of an agreement as print-ready HTML or as PDF
// (?format=pdf, or a path ending in .pdf); ?version= (API) or ?versie= (pages) picks a version.
func (s *Server) serveAgreementDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Overeenkomst")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vs := q.Get("version")
	if vs == "" {
		vs = q.Get("versie")
	}
	version := 0
	if vs != "" {
		if version, err = strconv.Atoi(vs); err != nil || version < 1 {
			return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Onbekende versie.", Fields: map[string]string{"version": "Kies een versienummer vanaf 1."}}
		}
	}
	pdf := q.Get("format") == "pdf" || strings.HasSuffix(r.URL.Path, ".pdf")
	if f := q.Get("format"); f != "" && f != "pdf" && f != "html" {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Onbekend formaat.", Fields: map[string]string{"format": "Kies html of pdf."}}
	}
	doc, err := s.cfg.Service.AgreementDocument(r.Context(), actorOf(r), id, version)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("overeenkomst-%d-versie-%d", id, doc.Version)
	if pdf {
		if err := agreementdoc.WritePDF(&buf, doc); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	} else {
		if err := agreementdoc.WriteHTML(&buf, doc); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// The document carries its own print styles inline and no scripts at all.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	}
	w.Write(buf.Bytes())
	return nil
}
