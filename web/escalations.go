package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// Reports (meldingen) along the covenant's route (domain.md §7, issue 11): filed by a GP
// practice or by the RHO on its behalf, answered by the addressee of each step, moved on by the
// reporter, and forwarded nationally only as an anonymised summary.

func (s *Server) escalationRoutes() []route {
	return []route{
		{"GET", "/api/v1/escalations", s.apiEscalations},
		{"POST", "/api/v1/escalations", s.apiFileEscalation},
		{"GET", "/api/v1/escalations/summary", s.apiEscalationSummary},
		{"GET", "/api/v1/escalations/{id}", s.apiEscalation},
		{"GET", "/api/v1/escalations/{id}/steps", s.apiEscalationSteps},
		{"POST", "/api/v1/escalations/{id}/steps", s.apiMoveOnEscalation},
		{"POST", "/api/v1/escalations/{id}/steps/{step}/response", s.apiRespondEscalation},
		{"POST", "/api/v1/escalations/{id}/resolve", s.apiCloseEscalation(mgz.StateResolved)},
		{"POST", "/api/v1/escalations/{id}/withdraw", s.apiCloseEscalation(mgz.StateWithdrawn)},
		{"GET", "/api/v1/escalations/{id}/attachments", s.apiEscalationAttachments},
		{"POST", "/api/v1/escalations/{id}/attachments", s.apiAddEscalationAttachment},
		{"GET", "/api/v1/escalations/{id}/attachments/{aid}", s.serveEscalationAttachment},
		{"GET", "/api/v1/settings/escalation", s.apiEscalationSettings},
		{"PUT", "/api/v1/settings/escalation", s.apiSetEscalationSettings},
	}
}

func (s *Server) escalationPageRoutes() []route {
	return []route{
		{"GET", "/meldingen", s.pageEscalations},
		{"GET", "/meldingen/nieuw", s.pageNewEscalation},
		{"POST", "/meldingen", s.pageFileEscalation},
		{"GET", "/meldingen/landelijk-overzicht", s.pageEscalationSummary},
		{"GET", "/meldingen/{id}", s.pageEscalation},
		{"POST", "/meldingen/{id}/reactie", s.pageRespondEscalation},
		{"POST", "/meldingen/{id}/doorzetten", s.pageMoveOnEscalation},
		{"POST", "/meldingen/{id}/oplossen", s.pageCloseEscalation(mgz.StateResolved)},
		{"POST", "/meldingen/{id}/intrekken", s.pageCloseEscalation(mgz.StateWithdrawn)},
		{"POST", "/meldingen/{id}/bijlagen", s.pageAddEscalationAttachment},
		{"GET", "/meldingen/{id}/bijlagen/{aid}", s.serveEscalationAttachment},
		{"POST", "/instellingen/meldtermijn", s.pageEscalationTermSave},
	}
}

// escalationStep is a step in the API, with its overdue flag.
type escalationStep struct {
	mgz.EscalationStep
	Overdue bool `json:"overdue"`
}

// escalationJSON is a report in the API, shaped to map onto a FHIR R4 Task: status is
// Task.status, business_status Task.businessStatus (the covenant step), owner Task.owner (the
// organisation the current step is addressed to).
type escalationJSON struct {
	ID                 int64                      `json:"id"`
	Status             string                     `json:"status"`
	BusinessStatus     mgz.EscalationState        `json:"business_status"`
	Owner              *int64                     `json:"owner"`
	ReporterPracticeID int64                      `json:"reporter_practice_id"`
	FiledByOrgID       int64                      `json:"filed_by_organisation_id"`
	OnBehalf           bool                       `json:"on_behalf"`
	CareProviderID     int64                      `json:"care_provider_id"`
	LocationID         *int64                     `json:"location_id"`
	Category           mgz.EscalationCategory     `json:"category"`
	Description        string                     `json:"description"`
	PeriodStart        mgz.Date                   `json:"period_start"`
	PeriodEnd          mgz.Date                   `json:"period_end"`
	Steps              []escalationStep           `json:"steps"`
	PatientIDs         []int64                    `json:"patient_ids,omitempty"`
	HiddenPatients     int                        `json:"hidden_patients,omitempty"`
	Attachments        []mgz.EscalationAttachment `json:"attachments,omitempty"`
	Revision           int64                      `json:"revision"`
	CreatedAt          time.Time                  `json:"created_at"`
	UpdatedAt          time.Time                  `json:"updated_at"`
	ClosedAt           *time.Time                 `json:"closed_at"`
}

func steps(e mgz.Escalation, now time.Time) []escalationStep {
	out := make([]escalationStep, len(e.Steps))
	for i, st := range e.Steps {
		out[i] = escalationStep{st, st.Overdue(now)}
	}
	return out
}

// toJSON shapes e for the API. Linked clients appear only in the detail, and only those the
// reader may read (d); a list names none.
func toJSON(e mgz.Escalation, d *service.EscalationDetail, now time.Time) escalationJSON {
	j := escalationJSON{ID: e.ID, Status: e.State.TaskStatus(), BusinessStatus: e.State, ReporterPracticeID: e.ReporterPracticeID,
		FiledByOrgID: e.FiledByOrgID, OnBehalf: e.FiledByOrgID != e.ReporterPracticeID, CareProviderID: e.CareProviderID, LocationID: e.LocationID,
		Category: e.Category, Description: e.Description, PeriodStart: e.PeriodStart, PeriodEnd: e.PeriodEnd, Steps: steps(e, now),
		Revision: e.Revision, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, ClosedAt: e.ClosedAt}
	if o := e.Owner(); o != 0 {
		j.Owner = &o
	}
	if d != nil {
		for _, p := range d.Patients {
			j.PatientIDs = append(j.PatientIDs, p.ID)
		}
		j.HiddenPatients, j.Attachments = d.HiddenPatients, d.Attachments
	}
	return j
}

func (s *Server) apiEscalations(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.EscalationFilter{State: enumParam(q, "state", mgz.EscalationStates), CareProviderID: q.int("care_provider_id"), LocationID: q.int("location_id")}
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	es, total, err := s.cfg.Service.Escalations(r.Context(), actorOf(r), f, p)
	if err != nil {
		return err
	}
	now := s.cfg.Service.Today()
	items := make([]escalationJSON, len(es))
	for i, e := range es {
		items[i] = toJSON(e, nil, now)
	}
	return writeList(w, items, total, p, nil)
}

// escalationInput is a new report in the API.
type escalationInput struct {
	ReporterPracticeID int64                  `json:"reporter_practice_id"`
	CareProviderID     int64                  `json:"care_provider_id"`
	LocationID         *int64                 `json:"location_id"`
	Category           mgz.EscalationCategory `json:"category"`
	Description        string                 `json:"description"`
	PeriodStart        mgz.Date               `json:"period_start"`
	PeriodEnd          mgz.Date               `json:"period_end"`
	PatientIDs         []int64                `json:"patient_ids"`
}

func (in escalationInput) escalation() mgz.Escalation {
	return mgz.Escalation{ReporterPracticeID: in.ReporterPracticeID, CareProviderID: in.CareProviderID, LocationID: in.LocationID,
		Category: in.Category, Description: in.Description, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, PatientIDs: in.PatientIDs}
}

func (s *Server) apiFileEscalation(w http.ResponseWriter, r *http.Request) error {
	var in escalationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e := in.escalation()
	if err := s.cfg.Service.FileEscalation(r.Context(), actorOf(r), &e); err != nil {
		return err
	}
	return s.writeEscalation(w, r, e.ID, http.StatusCreated)
}

// writeEscalation answers with report id as the reader may see it, and its ETag.
func (s *Server) writeEscalation(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	d, err := s.cfg.Service.Escalation(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	setETag(w, d.Revision)
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/escalations/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, toJSON(d.Escalation, &d, s.cfg.Service.Today()))
	return nil
}

func (s *Server) apiEscalation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	return s.writeEscalation(w, r, id, http.StatusOK)
}

func (s *Server) apiEscalationSteps(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	d, err := s.cfg.Service.Escalation(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	st := steps(d.Escalation, s.cfg.Service.Today())
	setETag(w, d.Revision)
	writeJSON(w, http.StatusOK, list[escalationStep]{Items: st, Total: len(st), Limit: len(st), Offset: 0})
	return nil
}

// noteInput is the optional note of a move-on, resolve or withdraw, or the text of a response.
type noteInput struct {
	Note     string `json:"note"`
	Response string `json:"response"`
}

func readNote(r *http.Request) (noteInput, int64, error) {
	var in noteInput
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return in, 0, err
		}
	}
	rev, err := expectedRevision(r)
	return in, rev, err
}

func (s *Server) apiMoveOnEscalation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	in, rev, err := readNote(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Service.MoveOnEscalation(r.Context(), actorOf(r), id, rev, in.Note); err != nil {
		return err
	}
	return s.writeEscalation(w, r, id, http.StatusCreated)
}

func (s *Server) apiRespondEscalation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	stepID, err := strconv.ParseInt(r.PathValue("step"), 10, 64)
	if err != nil || stepID <= 0 {
		return mgz.Errorf(mgz.ECodeNotFound, "Stap %q bestaat niet. Gebruik het nummer uit de lijst van stappen.", r.PathValue("step"))
	}
	in, rev, err := readNote(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Service.RespondEscalation(r.Context(), actorOf(r), id, stepID, rev, in.Response); err != nil {
		return err
	}
	return s.writeEscalation(w, r, id, http.StatusOK)
}

func (s *Server) apiCloseEscalation(end mgz.EscalationState) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "Melding")
		if err != nil {
			return err
		}
		in, rev, err := readNote(r)
		if err != nil {
			return err
		}
		if _, err := s.cfg.Service.CloseEscalation(r.Context(), actorOf(r), id, rev, end, in.Note); err != nil {
			return err
		}
		return s.writeEscalation(w, r, id, http.StatusOK)
	}
}

func (s *Server) apiEscalationAttachments(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	d, err := s.cfg.Service.Escalation(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.EscalationAttachment]{Items: d.Attachments, Total: len(d.Attachments), Limit: len(d.Attachments), Offset: 0})
	return nil
}

// uploadJSON is an attachment sent as JSON by a program: the file name and the bytes (base64).
type uploadJSON struct {
	Name    string `json:"name"`
	Content []byte `json:"content"`
}

// readUpload reads the multipart field "document", or a JSON body {"name", "content"} with the
// content in base64.
func readUpload(r *http.Request) (*service.Upload, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		var in uploadJSON
		if err := decodeJSON(r, &in); err != nil {
			return nil, err
		}
		return &service.Upload{Name: in.Name, Content: in.Content}, nil
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het document is te groot.",
				Fields: map[string]string{"document": fmt.Sprintf("Hoogstens %d MB. Verklein het bestand of maak er een pdf van.", mgz.MaxDocumentSize>>20)}}
		}
		return nil, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "Stuur de bijlage als multipart/form-data in het veld \"document\"."}
	}
	f, h, err := r.FormFile("document")
	if err != nil {
		return nil, &mgz.Error{Code: mgz.ECodeInvalid, Message: "Er is geen bestand meegestuurd.", Fields: map[string]string{"document": "Kies een pdf of afbeelding."}}
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, mgz.MaxDocumentSize+1))
	if err != nil {
		return nil, err
	}
	return &service.Upload{Name: h.Filename, Content: content}, nil
}

func (s *Server) apiAddEscalationAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	up, err := readUpload(r)
	if err != nil {
		return err
	}
	at, err := s.cfg.Service.AddEscalationAttachment(r.Context(), actorOf(r), id, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, at)
	return nil
}

// serveEscalationAttachment sends an attachment as a download, never inline.
func (s *Server) serveEscalationAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		return mgz.Errorf(mgz.ECodeNotFound, "Bijlage %q bestaat niet.", r.PathValue("aid"))
	}
	at, content, err := s.cfg.Service.EscalationAttachment(r.Context(), actorOf(r), id, aid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", at.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": at.Name}))
	w.Header().Set("Content-Length", fmt.Sprint(len(content)))
	w.Write(content)
	return nil
}

// summaryPeriod reads from and to (jjjj-mm-dd, both optional).
func summaryPeriod(r *http.Request) (mgz.Date, mgz.Date, error) {
	from, err := mgz.ParseDate(r.URL.Query().Get("from"))
	if err != nil {
		return from, from, err
	}
	to, err := mgz.ParseDate(r.URL.Query().Get("to"))
	return from, to, err
}

func (s *Server) writeSummary(w http.ResponseWriter, r *http.Request, download bool) error {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		return mgz.Errorf(mgz.ECodeBadRequest, "Onbekend formaat %q: kies json of csv.", format)
	}
	from, to, err := summaryPeriod(r)
	if err != nil {
		return err
	}
	sum, err := s.cfg.Service.SummariseEscalations(r.Context(), actorOf(r), from, to)
	if err != nil {
		return err
	}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		download = true
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	if download {
		ext := "json"
		if format == "csv" {
			ext = "csv"
		}
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "meldingen-landelijk." + ext}))
	}
	return service.WriteEscalationSummary(w, sum, format)
}

func (s *Server) apiEscalationSummary(w http.ResponseWriter, r *http.Request) error {
	return s.writeSummary(w, r, false)
}

// escalationSettings is the region's response term in the API.
type escalationSettings struct {
	ResponseDays int `json:"escalation_response_days"`
}

func (s *Server) apiEscalationSettings(w http.ResponseWriter, r *http.Request) error {
	n, err := s.cfg.Service.EscalationResponseDays(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, escalationSettings{n})
	return nil
}

func (s *Server) apiSetEscalationSettings(w http.ResponseWriter, r *http.Request) error {
	var in escalationSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.cfg.Service.SetEscalationResponseDays(r.Context(), actorOf(r), in.ResponseDays); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// ---- pages ----

var escalationNotices = map[string]string{
	"gemeld":      "De melding is opgeslagen en de zorgaanbieder is ingelicht.",
	"gereageerd":  "Uw reactie is opgeslagen; de melder is ingelicht.",
	"doorgezet":   "De melding is doorgezet naar de volgende stap; de geadresseerde is ingelicht.",
	"opgelost":    "De melding is afgesloten als opgelost.",
	"ingetrokken": "De melding is ingetrokken.",
	"bijlage":     "De bijlage is toegevoegd.",
}

type escalationsPageData struct {
	Items     []mgz.Escalation
	Names     names
	Now       time.Time
	CanFile   bool
	CanExport bool
	Pager     pager
	State     string
	States    []mgz.Option[mgz.EscalationState]
}

// escalationRefs adds the organisations an escalation's pages name: who reported and filed it,
// the care provider, and to whom each step was addressed.
func escalationRefs(rf *refs, e mgz.Escalation) {
	rf.org(e.ReporterPracticeID, e.FiledByOrgID, e.CareProviderID)
	for _, st := range e.Steps {
		rf.orgPtr(st.AddresseeOrgID)
	}
}

func canFile(a mgz.Actor) bool {
	return (a.OrgKind == mgz.KindGPPractice && (a.User.Has(mgz.RoleEditor) || a.User.Has(mgz.RolePhysician))) ||
		(a.OrgKind == mgz.KindRegionalGPOrg && a.User.Has(mgz.RoleEditor))
}

func (s *Server) pageEscalations(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	p := listPage(r)
	state := mgz.EscalationState(r.URL.Query().Get("stand"))
	if !mgz.EscalationStates.Valid(state) {
		state = ""
	}
	loc, _ := strconv.ParseInt(r.URL.Query().Get("locatie"), 10, 64)
	es, total, err := s.cfg.Service.Escalations(r.Context(), a, mgz.EscalationFilter{State: state, LocationID: loc}, p)
	if err != nil {
		return err
	}
	var rf refs
	for _, e := range es {
		escalationRefs(&rf, e)
	}
	n, err := s.namesOf(r, rf)
	if err != nil {
		return err
	}
	d := escalationsPageData{Items: es, Names: n, Now: s.cfg.Service.Today(), CanFile: canFile(a), CanExport: a.OrgKind == mgz.KindRegionalGPOrg,
		Pager: newPager(r, p, len(es), total), State: string(state), States: mgz.EscalationStates.Options()}
	s.render(w, r, http.StatusOK, "meldingen", pageData{Title: "Meldingen", Nav: "meldingen", Data: d, Notice: escalationNotices[r.URL.Query().Get("melding")]})
	return nil
}

type newEscalationData struct {
	Practices, Providers []mgz.Organisation
	Locations            []mgz.Location
	Namens               bool // the RHO picks the practice it reports for
	Categories           []mgz.Option[mgz.EscalationCategory]
	ResponseDays         int
}

func (s *Server) renderNewEscalation(w http.ResponseWriter, r *http.Request, status int, form Form, problem string) error {
	a := actorOf(r)
	if err := s.cfg.Service.MayFileEscalation(r.Context(), a); err != nil {
		return err
	}
	d := newEscalationData{Namens: a.OrgKind == mgz.KindRegionalGPOrg, Categories: mgz.EscalationCategories.Options()}
	var err error
	if d.Namens {
		if d.Practices, _, err = s.orgNames(r, mgz.KindGPPractice); err != nil {
			return err
		}
	}
	if d.Providers, _, err = s.orgNames(r, mgz.KindCareProvider); err != nil {
		return err
	}
	if d.Locations, _, err = s.reg(r).Locations(r.Context(), mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}}); err != nil {
		return err
	}
	if d.ResponseDays, err = s.cfg.Service.EscalationResponseDays(r.Context(), a); err != nil {
		return err
	}
	s.render(w, r, status, "melding_form", pageData{Title: "Nieuwe melding", Nav: "meldingen", Data: d, Form: form, Problem: problem})
	return nil
}

func (s *Server) pageNewEscalation(w http.ResponseWriter, r *http.Request) error {
	v := url.Values{}
	v.Set("period_start", s.cfg.Service.Today().Format("2006-01-02"))
	if id := r.URL.Query().Get("zorgaanbieder"); id != "" {
		v.Set("care_provider_id", id)
	}
	// A link from the coverage page (/beschikbaarheid) names the gap: location, subject, text.
	for param, field := range map[string]string{"locatie": "location_id", "onderwerp": "category", "omschrijving": "description", "begin": "period_start"} {
		if x := r.URL.Query().Get(param); x != "" {
			v.Set(field, x)
		}
	}
	return s.renderNewEscalation(w, r, http.StatusOK, Form{Values: v}, "")
}

func formID(v url.Values, name string) (int64, bool) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func (s *Server) pageFileEscalation(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	fe := map[string]string{}
	e := mgz.Escalation{Category: mgz.EscalationCategory(v.Get("category")), Description: v.Get("description")}
	var ok bool
	if e.ReporterPracticeID, ok = formID(v, "reporter_practice_id"); !ok {
		fe["reporter_practice_id"] = "Kies de huisartsenpraktijk."
	}
	if e.CareProviderID, ok = formID(v, "care_provider_id"); !ok {
		fe["care_provider_id"] = "Kies de zorgaanbieder."
	}
	if lid, ok := formID(v, "location_id"); !ok {
		fe["location_id"] = "Kies een locatie of geen."
	} else if lid != 0 {
		e.LocationID = &lid
	}
	var err error
	if e.PeriodStart, err = mgz.ParseDate(v.Get("period_start")); err != nil {
		fe["period_start"] = "Vul een datum in als jjjj-mm-dd."
	}
	if e.PeriodEnd, err = mgz.ParseDate(v.Get("period_end")); err != nil {
		fe["period_end"] = "Vul een datum in als jjjj-mm-dd, of laat het leeg."
	}
	if actorOf(r).OrgKind == mgz.KindRegionalGPOrg && e.ReporterPracticeID == 0 {
		fe["reporter_practice_id"] = "Kies de huisartsenpraktijk namens wie u meldt."
	}
	if len(fe) > 0 {
		return s.renderNewEscalation(w, r, http.StatusUnprocessableEntity, Form{Values: v, Errors: fe}, "De melding kan niet worden opgeslagen.")
	}
	err = s.cfg.Service.FileEscalation(r.Context(), actorOf(r), &e)
	if fields, msg, ok := formProblem(err); ok {
		return s.renderNewEscalation(w, r, httpStatus(err), Form{Values: v, Errors: fields}, msg)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/meldingen/"+strconv.FormatInt(e.ID, 10), "gemeld")
	return nil
}

type escalationPageData struct {
	service.EscalationDetail
	Names      names
	Location   *mgz.Location
	Steps      []escalationStep
	Current    *escalationStep
	MayMoveOn  bool // the current step was answered or is overdue, and there is a next step
	NextLabel  string
	DeadlineOn string
}

func (s *Server) renderEscalation(w http.ResponseWriter, r *http.Request, status int, id int64, form Form, problem string) error {
	d, err := s.cfg.Service.Escalation(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	now := s.cfg.Service.Today()
	pd := escalationPageData{EscalationDetail: d, Steps: steps(d.Escalation, now)}
	var rf refs
	escalationRefs(&rf, d.Escalation)
	if pd.Names, err = s.namesOf(r, rf); err != nil {
		return err
	}
	if d.LocationID != nil {
		if l, err := s.reg(r).Location(r.Context(), *d.LocationID); err == nil {
			pd.Location = &l
		}
	}
	if cur, ok := d.Current(); ok {
		st := pd.Steps[len(pd.Steps)-1]
		pd.Current = &st
		next := cur.Step.NextStep()
		pd.MayMoveOn = next != "" && (cur.RespondedAt != nil || st.Overdue)
		pd.NextLabel = strings.ToLower(next.Label())
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	form.Values.Set(revisionField, strconv.FormatInt(d.Revision, 10))
	s.render(w, r, status, "melding", pageData{Title: fmt.Sprintf("Melding %d", d.ID), Nav: "meldingen", Data: pd, Form: form,
		Problem: problem, Notice: escalationNotices[r.URL.Query().Get("melding")]})
	return nil
}

func (s *Server) pageEscalation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	return s.renderEscalation(w, r, http.StatusOK, id, Form{}, "")
}

// escalationPost runs an action from a form on the report's page.
func (s *Server) escalationPost(w http.ResponseWriter, r *http.Request, notice string, do func(id, rev int64) error) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err == nil {
		err = do(id, rev)
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.renderEscalation(w, r, httpStatus(err), id, Form{Values: r.PostForm, Errors: fields}, msg)
	}
	if mgz.ErrorCode(err) == mgz.ECodeConflict {
		return s.renderEscalation(w, r, http.StatusConflict, id, Form{}, mgz.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/meldingen/"+strconv.FormatInt(id, 10), notice)
	return nil
}

func (s *Server) pageRespondEscalation(w http.ResponseWriter, r *http.Request) error {
	return s.escalationPost(w, r, "gereageerd", func(id, rev int64) error {
		stepID, _ := strconv.ParseInt(r.PostForm.Get("step_id"), 10, 64)
		_, err := s.cfg.Service.RespondEscalation(r.Context(), actorOf(r), id, stepID, rev, r.PostForm.Get("response"))
		return err
	})
}

func (s *Server) pageMoveOnEscalation(w http.ResponseWriter, r *http.Request) error {
	return s.escalationPost(w, r, "doorgezet", func(id, rev int64) error {
		_, err := s.cfg.Service.MoveOnEscalation(r.Context(), actorOf(r), id, rev, r.PostForm.Get("note"))
		return err
	})
}

func (s *Server) pageCloseEscalation(end mgz.EscalationState) func(http.ResponseWriter, *http.Request) error {
	notice := "opgelost"
	if end == mgz.StateWithdrawn {
		notice = "ingetrokken"
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.escalationPost(w, r, notice, func(id, rev int64) error {
			_, err := s.cfg.Service.CloseEscalation(r.Context(), actorOf(r), id, rev, end, r.PostForm.Get("close_note"))
			return err
		})
	}
}

func (s *Server) pageAddEscalationAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Melding")
	if err != nil {
		return err
	}
	up, err := readUpload(r)
	if err != nil {
		// Without a readable file the service still decides first whether the actor may attach
		// anything (refusals are audited), and then names the missing file.
		up = &service.Upload{}
	}
	_, err = s.cfg.Service.AddEscalationAttachment(r.Context(), actorOf(r), id, up)
	if fields, msg, ok := formProblem(err); ok {
		return s.renderEscalation(w, r, httpStatus(err), id, Form{Errors: fields}, msg)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/meldingen/"+strconv.FormatInt(id, 10), "bijlage")
	return nil
}

func (s *Server) pageEscalationSummary(w http.ResponseWriter, r *http.Request) error {
	return s.writeSummary(w, r, true)
}

// escalationTermForm is the settings page's form of the response term, with the stored term.
func (s *Server) escalationTermForm(r *http.Request) (Form, error) {
	days, err := s.cfg.Service.EscalationResponseDays(r.Context(), actorOf(r))
	if err != nil {
		return Form{}, err
	}
	return Form{Values: url.Values{"escalation_response_days": {strconv.Itoa(days)}}}, nil
}

// pageEscalationTermSave stores the region's response term from the settings page.
func (s *Server) pageEscalationTermSave(w http.ResponseWriter, r *http.Request) error {
	return s.saveIntSetting(w, r, "escalation_response_days", "De reactietermijn is geen getal.", "Vul een aantal dagen in, bijvoorbeeld 14.",
		s.cfg.Service.SetEscalationResponseDays, func(d *settingsPageData) *Form { return &d.Escalation })
}
