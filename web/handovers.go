package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/handoverdoc"
	"github.com/regio-mgz/mgz/service"
)

// A client's handover with treatment wishes (issue 12, domain.md §9): read by the client's
// parties and, out of hours, the region's GP post; others involved break the glass; written and
// confirmed by the lead physician's organisation.

func (s *Server) handoverRoutes() []route {
	return []route{
		{"GET", "/api/v1/patients/{id}/handover", s.apiHandover},
		{"PUT", "/api/v1/patients/{id}/handover", s.apiPutHandover},
		{"GET", "/api/v1/patients/{id}/handover/versions", s.apiHandoverVersions},
		{"POST", "/api/v1/patients/{id}/handover/confirm", s.apiConfirmHandover},
		{"POST", "/api/v1/patients/{id}/handover/emergency-access", s.apiHandoverEmergency},
		{"GET", "/api/v1/patients/{id}/handover.pdf", s.serveHandoverPDF},
		{"GET", "/api/v1/settings/handover", s.apiHandoverSettings},
		{"PUT", "/api/v1/settings/handover", s.apiSetHandoverSettings},
	}
}

func (s *Server) handoverPageRoutes() []route {
	return []route{
		{"GET", "/clienten/{id}/overdracht", s.pageHandover},
		{"GET", "/clienten/{id}/overdracht.pdf", s.serveHandoverPDF},
		{"POST", "/clienten/{id}/overdracht/noodtoegang", s.pageHandoverEmergency},
		{"GET", "/clienten/{id}/overdracht/bewerken", s.pageHandoverEdit},
		{"POST", "/clienten/{id}/overdracht/bewerken", s.pageHandoverSave},
		{"POST", "/clienten/{id}/overdracht/bevestigen", s.pageHandoverConfirm},
		{"POST", "/instellingen/overdracht", s.pageHandoverSettingsSave},
	}
}

// handoverJSON is a handover in the API: the version with whether it is outdated, and the
// reader's emergency access when the read was made under one. A PUT may send it back whole: the
// derived fields are ignored.
type handoverJSON struct {
	mgz.Handover
	Outdated             bool       `json:"outdated"`
	MaxAgeMonths         int        `json:"max_age_months"`
	EmergencyAccessUntil *time.Time `json:"emergency_access_until,omitempty"`
}

func handoverOut(v service.HandoverView) handoverJSON {
	out := handoverJSON{Handover: *v.Handover, Outdated: v.Outdated, MaxAgeMonths: v.MaxAgeMonths}
	if out.Wishes == nil {
		out.Wishes = []mgz.TreatmentWish{}
	}
	if v.Emergency != nil {
		out.EmergencyAccessUntil = &v.Emergency.Until
	}
	return out
}

// queryVersion reads the optional version of a handover ("version" in the API, "versie" on pages).
func queryVersion(r *http.Request) (int64, error) {
	raw := r.URL.Query().Get("version")
	if raw == "" {
		raw = r.URL.Query().Get("versie")
	}
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De versie is geen positief geheel getal.", Fields: map[string]string{"version": "Bijvoorbeeld 2."}}
	}
	return n, nil
}

func (s *Server) apiHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	version, err := queryVersion(r)
	if err != nil {
		return err
	}
	v, err := s.cfg.Service.Handover(r.Context(), actorOf(r), id, version)
	if err != nil {
		return err
	}
	if v.Handover == nil {
		return mgz.Errorf(mgz.ECodeNotFound, "Voor deze cliënt is nog geen overdracht vastgelegd.")
	}
	setETag(w, v.Handover.Version)
	writeJSON(w, http.StatusOK, handoverOut(v))
	return nil
}

func (s *Server) apiPutHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	expected, err := expectedRevision(r)
	if err != nil {
		return err
	}
	var in handoverJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	h := in.Handover
	if expected == 0 {
		expected = h.Version // the version the body was read as, like "revision" elsewhere
	}
	h.PatientID = id
	if err := s.cfg.Service.SaveHandover(r.Context(), actorOf(r), &h, expected); err != nil {
		return err
	}
	v, err := s.cfg.Service.Handover(r.Context(), actorOf(r), id, h.Version)
	if err != nil {
		return err
	}
	setETag(w, h.Version)
	writeJSON(w, http.StatusOK, handoverOut(v))
	return nil
}

func (s *Server) apiHandoverVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	vs, err := s.cfg.Service.HandoverVersions(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []mgz.HandoverVersionInfo{}
	}
	writeJSON(w, http.StatusOK, list[mgz.HandoverVersionInfo]{Items: vs, Total: len(vs), Limit: len(vs), Offset: 0})
	return nil
}

func (s *Server) apiConfirmHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	expected, err := expectedRevision(r)
	if err != nil {
		return err
	}
	h, err := s.cfg.Service.ConfirmHandover(r.Context(), actorOf(r), id, expected)
	if err != nil {
		return err
	}
	setETag(w, h.Version)
	writeJSON(w, http.StatusOK, map[string]any{"version": h.Version, "confirmed_at": h.ConfirmedAt, "confirmed_by": h.ConfirmedBy})
	return nil
}

type emergencyInput struct {
	Reason string `json:"reason"`
}

func (s *Server) apiHandoverEmergency(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	var in emergencyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	g, err := s.cfg.Service.EmergencyAccess(r.Context(), actorOf(r), id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

// serveHandoverPDF answers one version of the handover as a one-page PDF (the current one unless
// ?versie= or ?version= says otherwise); the read is audited like any other.
func (s *Server) serveHandoverPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Patiënt")
	if err != nil {
		return err
	}
	version, err := queryVersion(r)
	if err != nil {
		return err
	}
	a := actorOf(r)
	v, err := s.cfg.Service.Handover(r.Context(), a, id, version)
	if err != nil {
		return err
	}
	if v.Handover == nil {
		return mgz.Errorf(mgz.ECodeNotFound, "Voor deze cliënt is nog geen overdracht vastgelegd.")
	}
	lead := ""
	if o, err := s.reg(r).Organisation(r.Context(), v.Handover.LeadOrganisationID); err == nil {
		lead = o.Name
	}
	var buf bytes.Buffer
	err = handoverdoc.WritePDF(&buf, handoverdoc.Doc{Name: v.Name, BirthDate: v.BirthDate, Handover: *v.Handover, LeadOrganisation: lead,
		Outdated: v.Outdated, MaxAgeMonths: v.MaxAgeMonths, Printed: s.cfg.Service.Now()})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="overdracht-%d-versie-%d.pdf"`, id, v.Handover.Version))
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}

type handoverSettings struct {
	MaxAgeMonths int `json:"max_age_months"`
}

func (s *Server) apiHandoverSettings(w http.ResponseWriter, r *http.Request) error {
	n, err := s.cfg.Service.HandoverMaxAgeMonths(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, handoverSettings{n})
	return nil
}

func (s *Server) apiSetHandoverSettings(w http.ResponseWriter, r *http.Request) error {
	var in handoverSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.cfg.Service.SetHandoverMaxAgeMonths(r.Context(), actorOf(r), in.MaxAgeMonths); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// ---- pages ----

// handoverText is one free-text field of the handover form.
type handoverText struct{ Name, Label, Hint string }

func init() {
	funcs["decisionOptions"] = mgz.TreatmentDecisions.Options
	funcs["agreedWithOptions"] = mgz.AgreedWithOptions.Options
	funcs["handoverTexts"] = func() []handoverText {
		return []handoverText{
			{"problems", "Relevante problemen", "Diagnoses en problemen die de dienstdoende arts moet kennen."},
			{"medication", "Medicatie (samenvatting)", "Een korte samenvatting; het actuele medicatieoverzicht staat bij de apotheek."},
			{"allergies", "Allergieën", "Allergieën en intoleranties, of: geen bekend."},
			{"contact_persons", "Contactpersonen", "Naam, relatie en telefoonnummer."},
			{"legal_representative", "Wettelijk vertegenwoordiger", "Mentor, curator of gemachtigde, met telefoonnummer."},
		}
	}
}

var handoverNotices = map[string]string{
	"overdracht-opgeslagen": "De overdracht is opgeslagen als nieuwe versie.",
	"overdracht-bevestigd":  "U heeft bevestigd dat de overdracht nog klopt.",
	"noodtoegang":           "Noodtoegang is vastgelegd. De organisatie van de regiebehandelaar is ingelicht.",
}

type handoverPageData struct {
	View     service.HandoverView
	Versions []mgz.HandoverVersionInfo
	Lead     string
	// Current: the version shown is the newest one.
	Current bool
}

func (s *Server) pageHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Cliënt")
	if err != nil {
		return err
	}
	version, err := queryVersion(r)
	if err != nil {
		return err
	}
	a := actorOf(r)
	v, err := s.cfg.Service.Handover(r.Context(), a, id, version)
	if mgz.ErrorCode(err) == mgz.ECodeBreakGlass {
		s.render(w, r, http.StatusForbidden, "handover_glass", pageData{Title: "Noodtoegang nodig", Nav: "clienten", Problem: mgz.ErrorMessage(err),
			Data: id})
		return nil
	}
	if err != nil {
		return err
	}
	d := handoverPageData{View: v, Current: version == 0}
	if v.Handover != nil {
		if d.Versions, err = s.cfg.Service.HandoverVersions(r.Context(), a, id); err != nil {
			return err
		}
		if len(d.Versions) > 0 && d.Versions[0].Version == v.Handover.Version {
			d.Current = true
		}
	}
	if o, err := s.reg(r).Organisation(r.Context(), v.LeadOrganisationID); err == nil {
		d.Lead = o.Name
	}
	s.render(w, r, http.StatusOK, "handover", pageData{Title: "Overdracht " + v.Name, Nav: "clienten", Data: d,
		Notice: handoverNotices[r.URL.Query().Get("melding")]})
	return nil
}

func (s *Server) pageHandoverEmergency(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Cliënt")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	_, err = s.cfg.Service.EmergencyAccess(r.Context(), actorOf(r), id, reason)
	if fields, msg, ok := formProblem(err); ok {
		s.render(w, r, httpStatus(err), "handover_glass", pageData{Title: "Noodtoegang nodig", Nav: "clienten", Problem: msg, Data: id,
			Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clienten/%d/overdracht", id), "noodtoegang")
	return nil
}

// wishRow is one treatment in the edit form; its fields are named as the service names them
// ("treatment_wishes[2].decision"), so a refusal lands next to its field.
type wishRow struct {
	Index     int
	Treatment mgz.Treatment
	Label     string
}

func (w wishRow) Name(part string) string {
	return fmt.Sprintf("treatment_wishes[%d].%s", w.Index, part)
}

func wishRows() []wishRow {
	var out []wishRow
	for i, o := range mgz.Treatments.Options() {
		out = append(out, wishRow{i, o.Value, o.Label})
	}
	return out
}

type handoverFormData struct {
	PatientID int64
	Name      string
	Rows      []wishRow
	Version   int64
}

func handoverForm(h *mgz.Handover) Form {
	f := Form{Values: map[string][]string{}}
	if h == nil {
		return f
	}
	f.Values.Set("lead_name", h.LeadName)
	f.Values.Set("lead_reach", h.LeadReach)
	f.Values.Set("problems", h.Problems)
	f.Values.Set("medication", h.Medication)
	f.Values.Set("allergies", h.Allergies)
	f.Values.Set("contact_persons", h.ContactPersons)
	f.Values.Set("legal_representative", h.Representative)
	f.Values.Set(revisionField, strconv.FormatInt(h.Version, 10))
	for _, row := range wishRows() {
		if wish, ok := h.Wish(row.Treatment); ok {
			f.Values.Set(row.Name("decision"), string(wish.Decision))
			f.Values.Set(row.Name("restrictions"), wish.Restrictions)
			f.Values.Set(row.Name("specification"), wish.Specification)
			f.Values.Set(row.Name("agreed_on"), wish.AgreedOn.String())
			f.Values.Set(row.Name("agreed_with"), string(wish.AgreedWith))
		}
	}
	return f
}

func (s *Server) pageHandoverEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Cliënt")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.HandoverEditable(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	v, err := s.cfg.Service.Handover(r.Context(), actorOf(r), id, 0)
	if err != nil {
		return err
	}
	d := handoverFormData{PatientID: id, Name: v.Name, Rows: wishRows()}
	if v.Handover != nil {
		d.Version = v.Handover.Version
	}
	s.render(w, r, http.StatusOK, "handover_form", pageData{Title: "Overdracht van " + v.Name + " bewerken", Nav: "clienten", Data: d,
		Form: handoverForm(v.Handover)})
	return nil
}

func (s *Server) pageHandoverSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Cliënt")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	expected, err := expectedRevision(r)
	if err != nil {
		return err
	}
	h := mgz.Handover{PatientID: id, LeadName: r.PostFormValue("lead_name"), LeadReach: r.PostFormValue("lead_reach"),
		Problems: r.PostFormValue("problems"), Medication: r.PostFormValue("medication"), Allergies: r.PostFormValue("allergies"),
		ContactPersons: r.PostFormValue("contact_persons"), Representative: r.PostFormValue("legal_representative")}
	fe := map[string]string{}
	for _, row := range wishRows() {
		wish := mgz.TreatmentWish{Treatment: row.Treatment, Decision: mgz.TreatmentDecision(r.PostFormValue(row.Name("decision"))),
			Restrictions: r.PostFormValue(row.Name("restrictions")), Specification: r.PostFormValue(row.Name("specification")),
			AgreedWith: mgz.AgreedWith(r.PostFormValue(row.Name("agreed_with")))}
		if on, err := mgz.ParseDate(r.PostFormValue(row.Name("agreed_on"))); err != nil {
			fe[row.Name("agreed_on")] = mgz.ErrorMessage(err)
		} else {
			wish.AgreedOn = on
		}
		h.Wishes = append(h.Wishes, wish)
	}
	a := actorOf(r)
	if len(fe) == 0 {
		err = s.cfg.Service.SaveHandover(r.Context(), a, &h, expected)
	} else {
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "Een datum klopt niet. Verbeter het gemarkeerde veld.", Fields: fe}
	}
	if err == nil {
		redirect(w, r, fmt.Sprintf("/clienten/%d/overdracht", id), "overdracht-opgeslagen")
		return nil
	}
	fields, msg, ok := formProblem(err)
	if !ok && mgz.ErrorCode(err) != mgz.ECodeConflict {
		return err
	}
	if !ok {
		msg = mgz.ErrorMessage(err)
	}
	name := ""
	if v, verr := s.cfg.Service.Handover(r.Context(), a, id, 0); verr == nil {
		name = v.Name
	}
	s.render(w, r, httpStatus(err), "handover_form", pageData{Title: "Overdracht van " + name + " bewerken", Nav: "clienten", Problem: msg,
		Data: handoverFormData{PatientID: id, Name: name, Rows: wishRows(), Version: expected}, Form: Form{Values: r.PostForm, Errors: fields}})
	return nil
}

func (s *Server) pageHandoverConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Cliënt")
	if err != nil {
		return err
	}
	expected, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if _, err := s.cfg.Service.ConfirmHandover(r.Context(), actorOf(r), id, expected); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/clienten/%d/overdracht", id), "overdracht-bevestigd")
	return nil
}

// pageHandoverSettingsSave stores the region's handover age limit from the settings page.
func (s *Server) pageHandoverSettingsSave(w http.ResponseWriter, r *http.Request) error {
	return s.saveIntSetting(w, r, "max_age_months", "De termijn klopt niet.",
		fmt.Sprintf("Vul een aantal maanden in, van 1 tot en met %d.", mgz.MaxHandoverMaxAgeMonths),
		s.cfg.Service.SetHandoverMaxAgeMonths, func(d *settingsPageData) *Form { return &d.Handover })
}
