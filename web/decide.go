package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

// engine returns a rules engine with the region's calendar settings and the register's contacts.
// Consulting the rules is itself authorised: every signed-in user may.
func (s *Server) engine(r *http.Request) (*rules.Engine, error) { return s.engineFor(r, nil) }

// engineFor is engine for a page that has already read client known through the access policy
// (and audited that read): decisions about that client reuse the read instead of auditing one
// read per decision. Other clients are read as engine does.
func (s *Server) engineFor(r *http.Request, known *mgz.Patient) (*rules.Engine, error) {
	if err := s.cfg.Service.Authorize(r.Context(), actorOf(r), access.Read, access.Resource{Kind: access.Rules}); err != nil {
		return nil, err
	}
	settings, err := s.settings(r).CalendarSettings(r.Context())
	if err != nil {
		return nil, err
	}
	e, err := s.baseEngine(settings)
	if err != nil {
		return nil, err
	}
	if s.cfg.Resolver != nil {
		a := actorOf(r)
		e = e.WithResolver(s.cfg.Resolver(func(ctx context.Context, id int64) (mgz.Patient, error) {
			if known != nil && known.ID == id {
				return *known, nil
			}
			return s.cfg.Service.Patient(ctx, a, id)
		}))
	}
	return e, nil
}

// engineCache is the rules engine of one version of the region's settings, with the
// register's contacts; an engine is immutable, so requests share it until the settings change.
type engineCache struct {
	settings calendar.Settings
	engine   *rules.Engine
}

// baseEngine returns the engine for settings, built once per version of the settings.
func (s *Server) baseEngine(settings calendar.Settings) (*rules.Engine, error) {
	if c := s.engines.Load(); c != nil && c.settings == settings {
		return c.engine, nil
	}
	e, err := rules.NewEngine(settings)
	if err != nil {
		return nil, fmt.Errorf("regio-instellingen: %w", err)
	}
	if s.cfg.Enrich != nil {
		e = e.WithEnricher(s.cfg.Enrich)
	}
	s.engines.Store(&engineCache{settings: settings, engine: e})
	return e, nil
}

// apiDecide is POST /api/v1/decide (contract.md): 200 with the decision, 422 with the error object
// for a rejected request, 400 for a body that is not JSON. The body is read into, and the answer
// written from, pooled buffers: a decision is small and asked often.
func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) error {
	in := getBuffer()
	defer putBuffer(in)
	if _, err := in.ReadFrom(r.Body); err != nil {
		return err
	}
	e, err := s.engine(r)
	if err != nil {
		return err
	}
	var resp rules.Response
	req, err := rules.Parse(in.Bytes())
	if err == nil {
		resp, err = e.DecideContext(r.Context(), req)
	}
	var re *rules.RequestError
	if errors.As(err, &re) {
		status := http.StatusUnprocessableEntity
		switch {
		case rules.IsBadRequest(err):
			status = http.StatusBadRequest
		case re.Code == rules.CodeNotFound:
			// A client that does not exist and one the caller may not see are answered alike.
			status = http.StatusNotFound
		}
		writeAppended(w, status, rules.ErrorResponse{Error: re}.AppendJSON)
		return nil
	}
	if err != nil {
		return err
	}
	writeAppended(w, http.StatusOK, resp.AppendJSON)
	return nil
}

// writeAppended answers the JSON that appendJSON appends, with a newline as json.Encoder ends
// its output, from a pooled buffer and with its Content-Length.
func writeAppended(w http.ResponseWriter, status int, appendJSON func([]byte) []byte) {
	buf := getBuffer()
	defer putBuffer(buf)
	out := append(appendJSON(buf.AvailableBuffer()), '\n')
	writeBody(w, status, out)
	if cap(out) > buf.Cap() {
		// The answer outgrew the buffer: the pool keeps the larger array for the next one.
		*buf = *bytes.NewBuffer(out[:0])
	}
}

// Dutch labels for what the rules answer, for the page a care worker reads at night.
var (
	roleLabels = map[rules.Role]string{
		rules.RoleFirstLine:              "Voorwacht (verpleegkundige of gedragskundige)",
		rules.RoleGP:                     "Huisarts",
		rules.RoleGPPost:                 "Huisartsenpost",
		rules.RoleInstitutionPhysician:   "Arts van de instelling (SO/AVG of ingehuurde huisarts)",
		rules.RoleCareProviderOutOfHours: "ANW-regeling van de zorgaanbieder",
		rules.RoleBehaviourSpecialist:    "Gedragskundige",
		rules.RoleElderlyCarePhysician:   "Specialist ouderengeneeskunde (SO)",
		rules.RoleIDPhysician:            "Arts verstandelijk gehandicapten (AVG)",
		rules.RolePublicHealthService:    "GGD",
		rules.RoleCareProvider:           "Zorgaanbieder",
		rules.RoleEmergencyServices:      "112 (ambulance, politie, brandweer)",
	}
	modeLabels = map[rules.Mode]string{rules.ModeCall: "Bellen", rules.ModeConsult: "Overleggen", rules.ModeInform: "Informeren"}

	settingOptions = []option{{"home", "Thuis"}, {"clustered_housing", "Geclusterde woonzorgvoorziening"}, {"institution", "Instelling (verpleeghuis of gehandicapteninstelling)"}}
	wlzOptions     = []option{{"none", "Geen Wlz-indicatie"}, {"without_treatment", "Wlz zonder behandeling"}, {"with_treatment", "Wlz met verblijf en behandeling"}}
	deliveryOpts   = []option{{"stay_with_treatment", "Verblijf met behandeling"}, {"stay_without_treatment", "Verblijf zonder behandeling"},
		{"vpt", "Volledig pakket thuis (VPT)"}, {"mpt", "Modulair pakket thuis (MPT)"}, {"pgb", "Persoonsgebonden budget (PGB)"}}
	sectorOptions = []option{{"elderly", "Ouderenzorg (VV)"}, {"disability", "Gehandicaptenzorg (VG)"}}
	needOptions   = []option{{"permanent_24h", "Blijvend 24 uur per dag zorg nodig"}, {"temporary_24h", "Tijdelijk 24 uur per dag zorg nodig"}, {"extra_not_24h", "Extra zorg, niet 24 uur per dag"}}
	categoryOpts  = []option{{"emergency", "Levensbedreigend"}, {"gp_care", "Huisartsenzorg (val, diabetes, infectie)"}, {"behaviour", "Moeilijk gedrag"},
		{"condition_treatment", "Behandeling bij het ziektebeeld (dementie, epilepsie, verslikken)"}, {"wzd", "Onvrijwillige zorg (Wzd)"},
		{"infection_prevention", "Infectiepreventie of uitbraak"}, {"nursing", "Verzorging, verpleging of bezetting"}}

	valueLabels = map[string]string{
		"zvw": "Zorgverzekeringswet (Zvw)", "wlz": "Wet langdurige zorg (Wlz)",
		"subcontract": "Onderaannemingsovereenkomst", "cooperation": "Samenwerkingsovereenkomst", "none": "Geen MGZ-overeenkomst",
		"zvw_intensive_available": "Zvw, intensieve-zorgtarieven beschikbaar", "free": "Vrij tarief met de instelling",
		"care_provider": "De zorgaanbieder", "client": "De cliënt (of diens vertegenwoordiger)",
		"at_provider":    "Woont of verblijft bij een zorgaanbieder, zonder behandeling",
		"with_treatment": "Wlz met behandeling in een instelling", "home": "Thuis of zonder Wlz-indicatie",
		"elv": "Eerstelijns verblijf (ELV)", "grz": "Geriatrische revalidatiezorg (GRZ)", "gzsp": "Geneeskundige zorg voor specifieke patiëntgroepen (GZSP)",
		"wlz_assessment":                "Laat een Wlz-indicatie aanvragen bij het CIZ",
		"pgb_in_clustered_housing":      "PGB in een geclusterde woonvorm: de LHV en InEen zien hier extra belasting voor huisartsen",
		"pgb_elderly_oversight_unclear": "PGB in de ouderenzorg: onduidelijk wie toezicht houdt op de zorg; spreek het af",
	}
)

type option struct{ Value, Label string }

func roleLabel(r rules.Role) string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

func valueLabel(v any) string {
	s := fmt.Sprint(v)
	if l, ok := valueLabels[s]; ok {
		return l
	}
	if rl, ok := roleLabels[rules.Role(s)]; ok {
		return rl
	}
	return s
}

// decideData is the page "Wie is er verantwoordelijk?".
type decideData struct {
	Settings, Wlz, Deliveries, Sectors, Needs, Categories []option
	Locations                                             []locationOption
	Answer                                                *rules.Response
	Location                                              string // name of the chosen location
	// Prefill is the query of a link from a "Nu bellen" card (client=… or location=…): the page
	// then offers the answer per question for it.
	PrefillKey, PrefillID string
}

type locationOption struct {
	ID    int64
	Label string
}

// dutchTimeLayout is the value format of <input type="datetime-local">.
const dutchTimeLayout = "2006-01-02T15:04"

// formFieldOf maps the contract's field paths to the form's field names.
func formFieldOf(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (s *Server) pageDecide(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := decideData{Settings: settingOptions, Wlz: wlzOptions, Deliveries: deliveryOpts, Sectors: sectorOptions,
		Needs: needOptions, Categories: categoryOpts}
	locs, _, err := s.reg(r).Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return err
	}
	_, providers, err := s.orgNames(r, mgz.KindCareProvider)
	if err != nil {
		return err
	}
	byID := map[string]mgz.Location{}
	for _, l := range locs {
		d.Locations = append(d.Locations, locationOption{l.ID, l.Name + " — " + providers.Name(l.ProviderID) + ", " + l.Municipality})
		byID[strconv.FormatInt(l.ID, 10)] = l
	}
	// A link from a location's "Nu bellen" card (location=…) asks for a resident of the location:
	// the situation follows from the location's first Wlz delivery unless the link says otherwise.
	if lid := q.Get("location"); lid != "" && q.Get("location_id") == "" {
		l, ok := byID[strings.TrimSpace(lid)]
		if !ok {
			return mgz.Errorf(mgz.ECodeNotFound, "Deze locatie bestaat niet, of u heeft er geen toegang toe.")
		}
		q.Set("location_id", strconv.FormatInt(l.ID, 10))
		if q.Get("wlz") == "" {
			sit := residentSituation(l)
			q.Set("wlz", string(sit.Wlz))
			q.Set("delivery", string(sit.Delivery))
		}
		d.PrefillKey, d.PrefillID = "location", q.Get("location_id")
	}
	form := Form{Values: q, Errors: map[string]string{}}
	if q.Get("at") == "" {
		form.Values = url.Values{}
		for k, v := range q {
			form.Values[k] = v
		}
		form.Values.Set("at", s.cfg.Service.Today().Format(dutchTimeLayout))
	}
	pd := pageData{Title: "Wie is er verantwoordelijk?", Nav: "beslissen", Data: &d, Form: form}
	// The client's record answers for the client (patient_id; "client" is the short link form).
	patientID := q.Get("patient_id")
	if patientID == "" {
		patientID = q.Get("client")
	}
	if patientID != "" {
		form.Values.Set("patient_id", patientID)
		d.PrefillKey, d.PrefillID = "client", patientID
	}
	if q.Get("category") == "" && q.Get("setting") == "" && q.Get("location_id") == "" && patientID == "" {
		s.render(w, r, http.StatusOK, "decide", pd)
		return nil
	}

	// A chosen location tells the setting and the sector when the person did not.
	req := rules.Request{Situation: rules.Situation{Setting: rules.Setting(q.Get("setting")), Wlz: rules.Wlz(q.Get("wlz")),
		Delivery: rules.Delivery(q.Get("delivery")), Sector: rules.Sector(q.Get("sector")), Need: rules.Need(q.Get("need"))},
		LocationID: q.Get("location_id"), PatientID: patientID}
	if patientID != "" {
		d.Location = "deze cliënt (volgens het register)"
	} else if l, ok := byID[req.LocationID]; ok {
		d.Location = l.Name
		if req.Situation.Setting == "" {
			req.Situation.Setting = rules.Setting(l.Setting)
			form.Values.Set("setting", string(l.Setting))
		}
		if req.Situation.Sector == "" {
			req.Situation.Sector = rules.Sector(l.Sector)
			form.Values.Set("sector", string(l.Sector))
		}
	}
	switch req.Situation.Wlz {
	case rules.WlzNone:
		req.Situation.Delivery = ""
	case "":
		// With a client the register says whether there is a Wlz indication.
	default:
		req.Situation.Need = ""
	}
	if cat := q.Get("category"); cat != "" {
		at, err := time.ParseInLocation(dutchTimeLayout, form.Get("at"), calendar.Location())
		if err != nil {
			form.Errors["at"] = "Vul datum en tijd in, bijvoorbeeld 2026-12-25 03:10."
		}
		req.Question = &rules.Question{Category: rules.Category(cat), At: at}
	}
	e, err := s.engine(r)
	if err != nil {
		return err
	}
	var resp rules.Response
	if len(form.Errors) == 0 {
		resp, err = e.DecideContext(ctx, req)
	}
	var re *rules.RequestError
	switch {
	case len(form.Errors) > 0:
		pd.Problem = "Vul de gemarkeerde gegevens aan of verbeter ze."
	case errors.As(err, &re) && re.Code == rules.CodeNotFound:
		return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	case errors.As(err, &re):
		for _, fe := range re.Details {
			form.Errors[formFieldOf(fe.Field)] = fe.Message
		}
		for _, f := range re.Fields {
			if _, ok := form.Errors[formFieldOf(f)]; !ok {
				form.Errors[formFieldOf(f)] = re.Message
			}
		}
		pd.Problem = "Deze combinatie kan mgz niet beoordelen. Verbeter de gemarkeerde gegevens."
	case err != nil:
		return err
	default:
		d.Answer = &resp
	}
	pd.Form = form
	status := http.StatusOK
	if d.Answer == nil {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "decide", pd)
	return nil
}

// ---- region settings ----

// calendarSettingsJSON is the API form of calendar.Settings.
type calendarSettingsJSON struct {
	OfficeStart string   `json:"office_start"`
	OfficeEnd   string   `json:"office_end"`
	FreeDays    []string `json:"free_days"`
	// Revision is the stored revision (also the ETag); a PUT may send it back instead of If-Match.
	Revision int64 `json:"revision,omitempty"`
}

func toCalendarJSON(cs calendar.Settings) calendarSettingsJSON {
	out := calendarSettingsJSON{OfficeStart: cs.OfficeStart.String(), OfficeEnd: cs.OfficeEnd.String(), FreeDays: []string{}}
	for _, h := range cs.FreeDays.Holidays() {
		out.FreeDays = append(out.FreeDays, h.Key())
	}
	return out
}

// fromCalendarJSON reads settings and names every unreadable field.
func fromCalendarJSON(in calendarSettingsJSON) (calendar.Settings, error) {
	var cs calendar.Settings
	bad := map[string]string{}
	var err error
	if cs.OfficeStart, err = calendar.ParseClock(in.OfficeStart); err != nil {
		bad["office_start"] = "Vul een tijd in als uu:mm, bijvoorbeeld 08:00."
	}
	if cs.OfficeEnd, err = calendar.ParseClock(in.OfficeEnd); err != nil {
		bad["office_end"] = "Vul een tijd in als uu:mm, bijvoorbeeld 17:00."
	}
	for _, key := range in.FreeDays {
		h, ok := calendar.ParseHoliday(key)
		if !ok {
			names := []string{}
			for _, h := range calendar.AllHolidays() {
				names = append(names, h.Key())
			}
			bad["free_days"] = fmt.Sprintf("Onbekende feestdag %q. Kies uit: %s.", key, strings.Join(names, ", "))
			continue
		}
		cs.FreeDays = cs.FreeDays.With(h)
	}
	if len(bad) > 0 {
		return cs, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De instellingen kloppen niet.", Fields: bad}
	}
	return cs, nil
}

func (s *Server) apiGetCalendarSettings(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.settings(r).CalendarSettings(r.Context())
	if err != nil {
		return err
	}
	rev, err := s.settings(r).CalendarRevision(r.Context())
	if err != nil {
		return err
	}
	out := toCalendarJSON(cs)
	out.Revision = rev
	setETag(w, rev)
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiPutCalendarSettings(w http.ResponseWriter, r *http.Request) error {
	var in calendarSettingsJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cs, err := fromCalendarJSON(in)
	if err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if rev == 0 {
		rev = in.Revision
	}
	if rev, err = s.settings(r).UpdateCalendarSettings(r.Context(), cs, rev); err != nil {
		return err
	}
	out := toCalendarJSON(cs)
	out.Revision = rev
	setETag(w, rev)
	writeJSON(w, http.StatusOK, out)
	return nil
}

type settingsPageData struct {
	Holidays []option
	// Switch is the form of the region's switch period (domain of issue 9: a practice switch
	// completes after this many days without objection).
	Switch Form
	// Escalation is the form of the region's response term for reports (meldingen).
	Escalation Form
	// Handover is the form of the region's handover age limit (issue 12); without values the
	// page leaves it out.
	Handover Form
}

func holidayOptions() []option {
	var out []option
	for _, h := range calendar.AllHolidays() {
		out = append(out, option{h.Key(), h.Name()})
	}
	return out
}

// storedCalendarForm is the calendar form with the stored settings and their revision.
func (s *Server) storedCalendarForm(r *http.Request) (url.Values, error) {
	cs, err := s.settings(r).CalendarSettings(r.Context())
	if err != nil {
		return nil, err
	}
	rev, err := s.settings(r).CalendarRevision(r.Context())
	if err != nil {
		return nil, err
	}
	v := calendarForm(cs)
	v.Set(revisionField, strconv.FormatInt(rev, 10))
	return v, nil
}

func (s *Server) pageSettings(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, http.StatusOK, "", nil)
}

// renderSettings shows the settings page with each form filled from what is stored; sentBack,
// when not nil, puts a form that was sent with problems back in its place (its values and
// messages), so the other forms keep showing the stored settings.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, problem string, sentBack func(d *settingsPageData, calendar *Form)) error {
	v, err := s.storedCalendarForm(r)
	if err != nil {
		return err
	}
	sw, err := s.switchForm(r)
	if err != nil {
		return err
	}
	esc, err := s.escalationTermForm(r)
	if err != nil {
		return err
	}
	months, err := s.cfg.Service.HandoverMaxAgeMonths(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	d := settingsPageData{Holidays: holidayOptions(), Switch: sw, Escalation: esc,
		Handover: Form{Values: url.Values{"max_age_months": {strconv.Itoa(months)}}}}
	cal := Form{Values: v}
	if sentBack != nil {
		sentBack(&d, &cal)
	}
	s.render(w, r, status, "settings", pageData{Title: "Regio-instellingen", Nav: "instellingen", Problem: problem, Data: d, Form: cal})
	return nil
}

// switchForm is the switch-period form with the stored period.
func (s *Server) switchForm(r *http.Request) (Form, error) {
	days, err := s.cfg.Service.SwitchPeriodDays(r.Context(), actorOf(r))
	if err != nil {
		return Form{}, err
	}
	return Form{Values: url.Values{"switch_period_days": {strconv.Itoa(days)}}}, nil
}

// pageSwitchPeriodSave stores the region's switch period from the settings page.
func (s *Server) pageSwitchPeriodSave(w http.ResponseWriter, r *http.Request) error {
	return s.saveIntSetting(w, r, "switch_period_days", "De termijn is geen getal.", "Vul een aantal dagen in, bijvoorbeeld 14.",
		s.cfg.Service.SetSwitchPeriodDays, func(d *settingsPageData) *Form { return &d.Switch })
}

// saveIntSetting stores the integer region setting of field from the settings page with set. A
// value that is no number, or that set refuses, sends the page back with that form's problem
// (form picks it) and every other form as stored.
func (s *Server) saveIntSetting(w http.ResponseWriter, r *http.Request, field, notNumber, hint string,
	set func(context.Context, mgz.Actor, int) error, form func(*settingsPageData) *Form) error {
	if err := parseForm(r); err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(field)))
	if err != nil {
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: notNumber, Fields: map[string]string{field: hint}}
	} else {
		err = set(r.Context(), actorOf(r), n)
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.renderSettings(w, r, http.StatusUnprocessableEntity, msg, func(d *settingsPageData, _ *Form) {
			*form(d) = Form{Values: r.PostForm, Errors: fields}
		})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/instellingen", "opgeslagen")
	return nil
}

func calendarForm(cs calendar.Settings) url.Values {
	j := toCalendarJSON(cs)
	return url.Values{"office_start": {j.OfficeStart}, "office_end": {j.OfficeEnd}, "free_days": j.FreeDays}
}

func (s *Server) pageSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var cs calendar.Settings
	var err error
	switch r.PostForm.Get("preset") {
	case "default":
		cs = calendar.Default()
	case "nza2023":
		cs = calendar.NZa2023()
	default:
		cs, err = fromCalendarJSON(calendarSettingsJSON{OfficeStart: r.PostForm.Get("office_start"),
			OfficeEnd: r.PostForm.Get("office_end"), FreeDays: r.PostForm["free_days"]})
	}
	var rev int64
	if err == nil {
		rev, err = expectedRevision(r)
	}
	if err == nil {
		_, err = s.settings(r).UpdateCalendarSettings(r.Context(), cs, rev)
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.renderSettings(w, r, http.StatusUnprocessableEntity, msg, func(_ *settingsPageData, cal *Form) {
			*cal = Form{Values: r.PostForm, Errors: fields}
		})
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/instellingen", "opgeslagen")
	return nil
}
