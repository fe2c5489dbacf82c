package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/roster"
)

// Rosters (issue 13): who of a service is on call when. Every signed-in user reads them; the
// owner's editors change them.

func (s *Server) rosterRoutes() []route {
	return []route{
		{"GET", "/api/v1/rosters", s.apiRosters},
		{"POST", "/api/v1/rosters", s.apiCreateRoster},
		{"GET", "/api/v1/rosters/{id}", s.apiRoster},
		{"PUT", "/api/v1/rosters/{id}", s.apiUpdateRoster},
		{"DELETE", "/api/v1/rosters/{id}", s.apiDeleteRoster},
		{"POST", "/api/v1/rosters/{id}/shifts", s.apiAddShift},
		{"DELETE", "/api/v1/rosters/{id}/shifts/{shift}", s.apiDeleteShift},
		{"GET", "/api/v1/rosters/{id}/occurrences", s.apiRosterOccurrences},
	}
}

// maxOccurrenceSpan is the longest period the occurrences of a roster are listed for.
const maxOccurrenceSpan = 62 * 24 * time.Hour

// defaultOccurrenceSpan is the period listed when none is asked.
const defaultOccurrenceSpan = 14 * 24 * time.Hour

func (s *Server) apiRosters(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.RosterFilter{OrganisationID: q.int("organisation_id"), LocationID: q.int("location_id"),
		Role: enumParam(q, "role", mgz.RosterRoles), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	items, total, err := s.cfg.Service.Rosters(r.Context(), actorOf(r), f)
	if items == nil {
		items = []mgz.Roster{}
	}
	return writeList(w, items, total, f.Page, err)
}

// rosterInput is a new roster, or the changed name and phone of one.
type rosterInput struct {
	OrganisationID *int64         `json:"organisation_id"`
	LocationID     *int64         `json:"location_id"`
	Role           mgz.RosterRole `json:"role"`
	Name           string         `json:"name"`
	Phone          string         `json:"phone"`
	Revision       int64          `json:"revision"`
}

func (s *Server) apiCreateRoster(w http.ResponseWriter, r *http.Request) error {
	var in rosterInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ro := mgz.Roster{OrganisationID: in.OrganisationID, LocationID: in.LocationID, Role: in.Role, Name: in.Name, Phone: in.Phone}
	if err := s.cfg.Service.CreateRoster(r.Context(), actorOf(r), &ro); err != nil {
		return err
	}
	return s.writeRoster(w, r, ro.ID, http.StatusCreated)
}

// writeRoster answers with roster id and its shifts, and its ETag.
func (s *Server) writeRoster(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	ro, err := s.cfg.Service.Roster(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if ro.Shifts == nil {
		ro.Shifts = []mgz.Shift{}
	}
	setETag(w, ro.Revision)
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/rosters/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, rosterJSON{ro})
	return nil
}

// rosterJSON always lists the shifts of one roster, also when there are none.
type rosterJSON struct{ mgz.Roster }

func (j rosterJSON) MarshalJSON() ([]byte, error) {
	type plain mgz.Roster
	return json.Marshal(struct {
		plain
		Shifts []mgz.Shift `json:"shifts"`
	}{plain(j.Roster), j.Shifts})
}

func (s *Server) apiRoster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	return s.writeRoster(w, r, id, http.StatusOK)
}

// updateRoster changes name and phone of roster id, made on revision rev (0: not said).
func (s *Server) updateRoster(r *http.Request, id, rev int64, name, phone string) error {
	cur, err := s.cfg.Service.Roster(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	cur.Name, cur.Phone, cur.Revision, cur.Shifts = name, phone, rev, nil
	return s.cfg.Service.UpdateRoster(r.Context(), actorOf(r), &cur)
}

func (s *Server) apiUpdateRoster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	var in rosterInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if rev == 0 {
		rev = in.Revision
	}
	if err := s.updateRoster(r, id, rev, in.Name, in.Phone); err != nil {
		return err
	}
	return s.writeRoster(w, r, id, http.StatusOK)
}

func (s *Server) apiDeleteRoster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Service.DeleteRoster(r.Context(), actorOf(r), id, rev); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// shiftInput is one shift in the API. Start, end and exdates are RFC 3339 times, or wall-clock
// times "2006-01-02T15:04" in time_zone.
type shiftInput struct {
	UID      string          `json:"uid"`
	Person   string          `json:"person"`
	Function string          `json:"function"`
	Phone    string          `json:"phone"`
	Start    string          `json:"start"`
	End      string          `json:"end"`
	TimeZone string          `json:"time_zone"`
	RRule    string          `json:"rrule"`
	ExDates  []string        `json:"exdates"`
	Holidays mgz.HolidayRule `json:"holidays"`
}

// wallClockLayout is a local time without zone, as an HTML datetime-local field sends it.
const wallClockLayout = "2006-01-02T15:04"

// parseShiftTime reads an RFC 3339 time or a wall-clock time in loc.
func parseShiftTime(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	for _, layout := range []string{wallClockLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// shift turns the input into a shift of roster, naming every unreadable time.
func (in shiftInput) shift(rosterID int64) (mgz.Shift, error) {
	sh := mgz.Shift{RosterID: rosterID, UID: in.UID, Person: in.Person, Function: in.Function, Phone: in.Phone,
		TimeZone: strings.TrimSpace(in.TimeZone), RRule: in.RRule, Holidays: in.Holidays, Source: mgz.SourceManual}
	if sh.TimeZone == "" {
		sh.TimeZone = mgz.DefaultTimeZone
	}
	fe := map[string]string{}
	loc, err := time.LoadLocation(sh.TimeZone)
	if err != nil {
		fe["time_zone"] = fmt.Sprintf("Onbekende tijdzone %q. Gebruik bijvoorbeeld Europe/Amsterdam.", sh.TimeZone)
		loc = time.UTC
	}
	const hint = "Schrijf de tijd als 2026-12-01T23:00 (in de tijdzone van de dienst) of volgens RFC 3339."
	var ok bool
	if strings.TrimSpace(in.Start) == "" {
		fe["start"] = "Begin van de dienst is verplicht."
	} else if sh.Start, ok = parseShiftTime(in.Start, loc); !ok {
		fe["start"] = "Het begin is geen tijd. " + hint
	}
	if strings.TrimSpace(in.End) == "" {
		fe["end"] = "Einde van de dienst is verplicht."
	} else if sh.End, ok = parseShiftTime(in.End, loc); !ok {
		fe["end"] = "Het einde is geen tijd. " + hint
	}
	for _, x := range in.ExDates {
		t, ok := parseShiftTime(x, loc)
		if !ok {
			fe["exdates"] = fmt.Sprintf("Uitzondering %q is geen tijd. %s", x, hint)
			break
		}
		sh.ExDates = append(sh.ExDates, t)
	}
	if len(fe) > 0 {
		// Report the rest too: a person mends everything at once.
		if err := sh.Normalise(); err != nil {
			if e, ok := err.(*mgz.Error); ok {
				for k, v := range e.Fields {
					if _, seen := fe[k]; !seen && k != "start" && k != "end" {
						fe[k] = v
					}
				}
			}
		}
		return sh, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De dienst kan niet worden opgeslagen. Verbeter de gemarkeerde velden.", Fields: fe}
	}
	return sh, nil
}

func (s *Server) apiAddShift(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	var in shiftInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	// Like the service, the input is checked before who sends it.
	sh, err := in.shift(id)
	if err != nil {
		return err
	}
	if err := s.cfg.Service.AddShift(r.Context(), actorOf(r), &sh, rev); err != nil {
		return err
	}
	ro, err := s.cfg.Service.Roster(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	setETag(w, ro.Revision)
	w.Header().Set("Location", fmt.Sprintf("/api/v1/rosters/%d/shifts/%d", id, sh.ID))
	writeJSON(w, http.StatusCreated, sh)
	return nil
}

func (s *Server) apiDeleteShift(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	shiftID, err := strconv.ParseInt(r.PathValue("shift"), 10, 64)
	if err != nil || shiftID <= 0 {
		return mgz.Errorf(mgz.ECodeNotFound, "Dienst %q bestaat niet. Gebruik het nummer uit het rooster.", r.PathValue("shift"))
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Service.DeleteShift(r.Context(), actorOf(r), id, shiftID, rev); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// occurrenceJSON is one time somebody is on call on a roster.
type occurrenceJSON struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	ShiftID  int64     `json:"shift_id"`
	Person   string    `json:"person"`
	Function string    `json:"function,omitempty"`
	Phone    string    `json:"phone"` // the shift's phone, else the roster's
}

// occurrences expands roster ro over [from, to) with the region's free days.
func (s *Server) occurrences(r *http.Request, ro mgz.Roster, from, to time.Time) ([]occurrenceJSON, error) {
	cs, err := s.settings(r).CalendarSettings(r.Context())
	if err != nil {
		return nil, err
	}
	occ, err := roster.Expand([]mgz.Roster{ro}, from, to, cs.FreeDays)
	if err != nil {
		return nil, err
	}
	out := make([]occurrenceJSON, len(occ))
	for i, o := range occ {
		phone := o.Shift.Phone
		if phone == "" {
			phone = ro.Phone
		}
		out[i] = occurrenceJSON{From: o.From, To: o.To, ShiftID: o.Shift.ID, Person: o.Shift.Person, Function: o.Shift.Function, Phone: phone}
	}
	return out, nil
}

// occurrencePeriod reads from and to: RFC 3339 times or dates (jjjj-mm-dd, midnight in
// Amsterdam); from defaults to now, to to 14 days after from, and the period is at most 62 days.
func occurrencePeriod(r *http.Request, now time.Time) (time.Time, time.Time, error) {
	loc, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		loc = time.UTC
	}
	read := func(v string) (time.Time, bool) {
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			return t, true
		}
		return parseShiftTime(v, loc)
	}
	fe := map[string]string{}
	q := r.URL.Query()
	from, to := now, time.Time{}
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		t, ok := read(v)
		if !ok {
			fe["from"] = "Verwacht een datum (jjjj-mm-dd) of een tijd volgens RFC 3339."
		}
		from = t
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		t, ok := read(v)
		if !ok {
			fe["to"] = "Verwacht een datum (jjjj-mm-dd) of een tijd volgens RFC 3339."
		}
		to = t
	} else {
		to = from.Add(defaultOccurrenceSpan)
	}
	if len(fe) == 0 {
		switch {
		case !to.After(from):
			fe["to"] = "Het einde van de periode moet na het begin liggen."
		case to.Sub(from) > maxOccurrenceSpan:
			fe["to"] = "Vraag hoogstens 62 dagen tegelijk op."
		}
	}
	if len(fe) > 0 {
		return from, to, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De periode klopt niet.", Fields: fe}
	}
	return from, to, nil
}

func (s *Server) apiRosterOccurrences(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	from, to, err := occurrencePeriod(r, s.cfg.Service.Now())
	if err != nil {
		return err
	}
	ro, err := s.cfg.Service.Roster(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	items, err := s.occurrences(r, ro, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[occurrenceJSON]{Items: items, Total: len(items), Limit: len(items), Offset: 0})
	return nil
}

// ---- pages ----

var rosterNotices = map[string]string{
	"aangemaakt": "Het rooster is aangemaakt. Voeg nu de diensten toe.",
	"opgeslagen": "De naam en het telefoonnummer van het rooster zijn opgeslagen.",
	"dienst":     "De dienst is toegevoegd.",
	"dienstweg":  "De dienst is verwijderd.",
	"roosterweg": "Het rooster is verwijderd.",
}

// rosterRow is a roster in the list page.
type rosterRow struct {
	mgz.Roster
	Owner  string
	Shifts int
}

type rostersPageData struct {
	Items     []rosterRow
	CanCreate bool
	Role      string
	Roles     []mgz.Option[mgz.RosterRole]
	Pager     pager
}

// ownerName names the owner of ro: the organisation, or the location with its care provider.
// rosterOwners names the owner of each roster: its organisation, or its location with the
// location's care provider; an owner the actor may not read stays unnamed.
func (s *Server) rosterOwners(r *http.Request, ros ...mgz.Roster) ([]string, error) {
	var rf refs
	locs := map[int64]mgz.Location{}
	for _, ro := range ros {
		rf.orgPtr(ro.OrganisationID)
		if ro.LocationID != nil {
			if l, err := s.reg(r).Location(r.Context(), *ro.LocationID); err == nil {
				locs[l.ID] = l
				rf.org(l.ProviderID)
			}
		}
	}
	n, err := s.namesOf(r, rf)
	if err != nil {
		return nil, err
	}
	owners := make([]string, len(ros))
	for i, ro := range ros {
		if ro.OrganisationID != nil {
			owners[i] = n.Of(ro.OrganisationID)
		} else if ro.LocationID != nil {
			if l, ok := locs[*ro.LocationID]; ok {
				owners[i] = l.Name + " (" + n.Name(l.ProviderID) + ")"
			}
		}
	}
	return owners, nil
}

func (s *Server) pageRosters(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	p := listPage(r)
	role := mgz.RosterRole(r.URL.Query().Get("dienst"))
	if !mgz.RosterRoles.Valid(role) {
		role = ""
	}
	items, total, err := s.cfg.Service.Rosters(r.Context(), a, mgz.RosterFilter{Role: role, Page: p})
	if err != nil {
		return err
	}
	owners, err := s.rosterOwners(r, items...)
	if err != nil {
		return err
	}
	rows := make([]rosterRow, len(items))
	for i, ro := range items {
		full, err := s.cfg.Service.Roster(r.Context(), a, ro.ID)
		if err != nil {
			return err
		}
		rows[i] = rosterRow{Roster: ro, Owner: owners[i], Shifts: len(full.Shifts)}
	}
	d := rostersPageData{Items: rows, CanCreate: a.User.Has(mgz.RoleEditor) && len(rosterRolesOf(a.OrgKind)) > 0, Role: string(role), Roles: mgz.RosterRoles.Options(),
		Pager: newPager(r, p, len(items), total)}
	s.render(w, r, http.StatusOK, "rosters", pageData{Title: "Roosters", Nav: "roosters", Data: d, Notice: rosterNotices[r.URL.Query().Get("melding")]})
	return nil
}

// ownerOption is an owner a user may pick for a new roster: "organisatie-<id>" or "locatie-<id>".
type ownerOption struct {
	Value, Label string
}

// rosterRolesOf are the roster roles an organisation of kind may own.
func rosterRolesOf(kind mgz.OrgKind) []mgz.Option[mgz.RosterRole] {
	var out []mgz.Option[mgz.RosterRole]
	for _, o := range mgz.RosterRoles.Options() {
		for _, k := range o.Value.OwnerKinds() {
			if k == kind {
				out = append(out, o)
			}
		}
	}
	return out
}

type rosterFormData struct {
	Owners []ownerOption
	Roles  []mgz.Option[mgz.RosterRole]
}

func (s *Server) renderNewRoster(w http.ResponseWriter, r *http.Request, status int, form Form, problem string) error {
	a := actorOf(r)
	if err := s.cfg.Service.Authorize(r.Context(), a, access.Create, access.Resource{Kind: access.Roster, OrganisationID: a.User.OrganisationID}); err != nil {
		return err
	}
	own, err := s.reg(r).Organisation(r.Context(), a.User.OrganisationID)
	if err != nil {
		return err
	}
	d := rosterFormData{Roles: rosterRolesOf(own.Kind),
		Owners: []ownerOption{{"organisatie-" + strconv.FormatInt(own.ID, 10), own.Name + " (hele organisatie)"}}}
	if own.Kind == mgz.KindCareProvider {
		locs, _, err := s.reg(r).Locations(r.Context(), mgz.LocationFilter{ProviderID: own.ID, Page: mgz.Page{Limit: mgz.MaxLimit}})
		if err != nil {
			return err
		}
		for _, l := range locs {
			d.Owners = append(d.Owners, ownerOption{"locatie-" + strconv.FormatInt(l.ID, 10), "Locatie " + l.Name})
		}
	}
	s.render(w, r, status, "roster_form", pageData{Title: "Nieuw rooster", Nav: "roosters", Data: d, Form: form, Problem: problem})
	return nil
}

func (s *Server) pageNewRoster(w http.ResponseWriter, r *http.Request) error {
	return s.renderNewRoster(w, r, http.StatusOK, Form{}, "")
}

// ownerFields moves the service's messages about the owner to the form's single owner field.
func ownerFields(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if k == "organisation_id" || k == "location_id" {
			k = "owner"
		}
		out[k] = v
	}
	return out
}

func (s *Server) pageCreateRoster(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v := r.PostForm
	ro := mgz.Roster{Role: mgz.RosterRole(v.Get("role")), Name: v.Get("name"), Phone: v.Get("phone")}
	kind, idText, _ := strings.Cut(v.Get("owner"), "-")
	id, _ := strconv.ParseInt(idText, 10, 64)
	fe := map[string]string{}
	switch {
	case kind == "organisatie" && id > 0:
		ro.OrganisationID = &id
	case kind == "locatie" && id > 0:
		ro.LocationID = &id
	default:
		fe["owner"] = "Kies of het rooster van de hele organisatie is of van één locatie."
	}
	var err error
	if len(fe) == 0 {
		err = s.cfg.Service.CreateRoster(r.Context(), actorOf(r), &ro)
	} else if nerr := ro.Normalise(); nerr != nil {
		if fields, _, ok := formProblem(nerr); ok {
			for k, m := range ownerFields(fields) {
				if _, seen := fe[k]; !seen {
					fe[k] = m
				}
			}
		}
	}
	if len(fe) > 0 {
		return s.renderNewRoster(w, r, http.StatusUnprocessableEntity, Form{Values: v, Errors: fe}, "Het rooster kan niet worden opgeslagen.")
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.renderNewRoster(w, r, httpStatus(err), Form{Values: v, Errors: ownerFields(fields)}, msg)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/roosters/"+strconv.FormatInt(ro.ID, 10), "aangemaakt")
	return nil
}

// shiftView is a shift on the roster's page.
type shiftView struct {
	mgz.Shift
	Repeat     string // the recurrence in words, or the RRULE
	Exceptions []string
}

// occurrenceView is a row of "who is on call".
type occurrenceView struct {
	occurrenceJSON
	Day, FromTo string
}

type rosterPageData struct {
	Roster      mgz.Roster
	Owner       string
	OwnerID     int64
	Shifts      []shiftView
	Occurrences []occurrenceView
	Repeats     []ownerOption
	Holidays    []mgz.Option[mgz.HolidayRule]
}

var dutchDays = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
var rruleDays = map[string]string{"MO": "ma", "TU": "di", "WE": "wo", "TH": "do", "FR": "vr", "SA": "za", "SU": "zo"}

// repeatWords says a simple recurrence rule in Dutch ("dagelijks", "wekelijks op ma, di"), and
// returns any other rule as it is.
func repeatWords(rule string, start time.Time) string {
	if rule == "" {
		return "eenmalig"
	}
	parts := map[string]string{}
	for _, p := range strings.Split(rule, ";") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return rule
		}
		parts[strings.ToUpper(k)] = strings.ToUpper(v)
	}
	until := ""
	if u, ok := parts["UNTIL"]; ok {
		t, err := time.Parse("20060102", u[:min(8, len(u))])
		if err != nil {
			return rule
		}
		until = " tot en met " + t.Format("02-01-2006")
		delete(parts, "UNTIL")
	}
	freq := parts["FREQ"]
	delete(parts, "FREQ")
	if i, ok := parts["INTERVAL"]; ok && i == "1" {
		delete(parts, "INTERVAL")
	}
	byday, hasDays := parts["BYDAY"]
	delete(parts, "BYDAY")
	if len(parts) > 0 {
		return rule
	}
	switch {
	case freq == "DAILY" && !hasDays:
		return "dagelijks" + until
	case freq == "WEEKLY" || (freq == "DAILY" && hasDays):
		if !hasDays {
			return "wekelijks op " + rruleDays[strings.ToUpper(start.Weekday().String()[:2])] + until
		}
		switch byday {
		case "MO,TU,WE,TH,FR":
			return "werkdagen (ma t/m vr)" + until
		case "SA,SU", "SU,SA":
			return "weekend (za, zo)" + until
		}
		var days []string
		for _, d := range strings.Split(byday, ",") {
			w, ok := rruleDays[d]
			if !ok {
				return rule
			}
			days = append(days, w)
		}
		return "wekelijks op " + strings.Join(days, ", ") + until
	}
	return rule
}

// The repeat choices of the add-shift form and their rules.
var repeatChoices = []ownerOption{{"", "Eenmalig"}, {"daily", "Dagelijks"}, {"weekdays", "Werkdagen (ma t/m vr)"}, {"weekend", "Weekend (za, zo)"}, {"weekly", "Wekelijks (op de dag van het begin)"}}
var repeatRules = map[string]string{"daily": "FREQ=DAILY", "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "weekend": "FREQ=WEEKLY;BYDAY=SA,SU", "weekly": "FREQ=WEEKLY"}

func (s *Server) renderRoster(w http.ResponseWriter, r *http.Request, status int, id int64, form Form, problem string) error {
	a := actorOf(r)
	ro, err := s.cfg.Service.Roster(r.Context(), a, id)
	if err != nil {
		return err
	}
	owners, err := s.rosterOwners(r, ro)
	if err != nil {
		return err
	}
	d := rosterPageData{Roster: ro, Owner: owners[0], Repeats: repeatChoices, Holidays: mgz.HolidayRules.Options()}
	if d.OwnerID, err = s.cfg.Service.RosterOwner(r.Context(), ro); err != nil {
		return err
	}
	for _, sh := range ro.Shifts {
		v := shiftView{Shift: sh, Repeat: repeatWords(sh.RRule, sh.Start)}
		for _, x := range sh.ExDates {
			v.Exceptions = append(v.Exceptions, x.Format("02-01-2006 15:04"))
		}
		d.Shifts = append(d.Shifts, v)
	}
	now := s.cfg.Service.Now()
	occ, err := s.occurrences(r, ro, now, now.Add(defaultOccurrenceSpan))
	if err != nil {
		return err
	}
	for _, o := range occ {
		from, to := o.From, o.To
		ft := from.Format("15:04") + "–" + to.Format("15:04")
		if to.YearDay() != from.YearDay() || to.Year() != from.Year() {
			ft = from.Format("15:04") + " – " + dutchDays[to.Weekday()][:2] + " " + to.Format("02-01 15:04")
		}
		d.Occurrences = append(d.Occurrences, occurrenceView{occurrenceJSON: o, Day: dutchDays[from.Weekday()] + " " + from.Format("02-01-2006"), FromTo: ft})
	}
	if form.Values == nil {
		form.Values = url.Values{"name": {ro.Name}, "phone": {ro.Phone}}
	}
	if form.Values.Get("name") == "" && form.Values.Get("person") != "" {
		form.Values.Set("name", ro.Name)
		form.Values.Set("phone", ro.Phone)
	}
	form.Values.Set(revisionField, strconv.FormatInt(ro.Revision, 10))
	s.render(w, r, status, "roster", pageData{Title: ro.Name, Nav: "roosters", Data: d, Form: form, Problem: problem,
		Notice: rosterNotices[r.URL.Query().Get("melding")]})
	return nil
}

func (s *Server) pageRoster(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	return s.renderRoster(w, r, http.StatusOK, id, Form{}, "")
}

// rosterPost runs an action from a form on the roster's page and goes back to it (or to to).
func (s *Server) rosterPost(w http.ResponseWriter, r *http.Request, notice string, do func(id, rev int64) (string, error)) error {
	id, err := pathID(r, "Rooster")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	to := "/roosters/" + strconv.FormatInt(id, 10)
	if err == nil {
		var next string
		next, err = do(id, rev)
		if next != "" {
			to = next
		}
	}
	if fields, msg, ok := formProblem(err); ok {
		return s.renderRoster(w, r, httpStatus(err), id, Form{Values: r.PostForm, Errors: fields}, msg)
	}
	if mgz.ErrorCode(err) == mgz.ECodeConflict {
		return s.renderRoster(w, r, http.StatusConflict, id, Form{}, mgz.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	redirect(w, r, to, notice)
	return nil
}

func (s *Server) pageUpdateRoster(w http.ResponseWriter, r *http.Request) error {
	return s.rosterPost(w, r, "opgeslagen", func(id, rev int64) (string, error) {
		return "", s.updateRoster(r, id, rev, r.PostForm.Get("name"), r.PostForm.Get("phone"))
	})
}

func (s *Server) pageDeleteRoster(w http.ResponseWriter, r *http.Request) error {
	return s.rosterPost(w, r, "roosterweg", func(id, rev int64) (string, error) {
		return "/roosters", s.cfg.Service.DeleteRoster(r.Context(), actorOf(r), id, rev)
	})
}

func (s *Server) pageDeleteShift(w http.ResponseWriter, r *http.Request) error {
	return s.rosterPost(w, r, "dienstweg", func(id, rev int64) (string, error) {
		shiftID, err := strconv.ParseInt(r.PathValue("shift"), 10, 64)
		if err != nil || shiftID <= 0 {
			return "", mgz.Errorf(mgz.ECodeNotFound, "Dienst %q bestaat niet.", r.PathValue("shift"))
		}
		return "", s.cfg.Service.DeleteShift(r.Context(), actorOf(r), id, shiftID, rev)
	})
}

// formShift reads the add-shift form: dates and times apart, an end before the start time on
// the same day meaning the next day (a night shift), and the repeat choice or an own RRULE.
func formShift(v url.Values, rosterID int64) (mgz.Shift, error) {
	in := shiftInput{Person: v.Get("person"), Function: v.Get("function"), Phone: v.Get("shift_phone"),
		TimeZone: mgz.DefaultTimeZone, Holidays: mgz.HolidayRule(v.Get("holidays"))}
	fe := map[string]string{}
	sd, st := strings.TrimSpace(v.Get("start_date")), strings.TrimSpace(v.Get("start_time"))
	ed, et := strings.TrimSpace(v.Get("end_date")), strings.TrimSpace(v.Get("end_time"))
	if sd != "" && st != "" {
		in.Start = sd + "T" + st
	}
	if ed == "" && sd != "" && et != "" {
		ed = sd
		if et <= st {
			if d, err := time.Parse("2006-01-02", sd); err == nil {
				ed = d.AddDate(0, 0, 1).Format("2006-01-02")
			}
		}
	}
	if ed != "" && et != "" {
		in.End = ed + "T" + et
	}
	rule := strings.TrimSpace(v.Get("rrule"))
	if rule == "" {
		if c := v.Get("repeat"); c != "" {
			var ok bool
			if rule, ok = repeatRules[c]; !ok {
				fe["repeat"] = "Kies een herhaling uit de lijst."
			}
		}
	}
	if u := strings.TrimSpace(v.Get("until")); u != "" {
		d, err := time.Parse("2006-01-02", u)
		switch {
		case err != nil:
			fe["until"] = "Vul een datum in als jjjj-mm-dd."
		case rule == "":
			fe["until"] = "Een einddatum hoort bij een herhalende dienst. Kies ook een herhaling."
		case strings.Contains(strings.ToUpper(rule), "UNTIL=") || strings.Contains(strings.ToUpper(rule), "COUNT="):
			fe["until"] = "De eigen herhaling (RRULE) heeft al een einde. Laat dit veld leeg."
		default:
			rule += ";UNTIL=" + d.Format("20060102") + "T235959"
		}
	}
	in.RRule = rule
	sh, err := in.shift(rosterID)
	if err != nil {
		if e, ok := err.(*mgz.Error); ok {
			for k, m := range e.Fields {
				fe[k] = m
			}
		}
	}
	if len(fe) > 0 {
		return sh, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De dienst kan niet worden opgeslagen. Verbeter de gemarkeerde velden.", Fields: shiftFormFields(fe)}
	}
	return sh, nil
}

// shiftFormFields names the add-shift form's fields for messages about the shift.
func shiftFormFields(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, m := range fields {
		switch k {
		case "start":
			k = "start_date"
		case "end":
			k = "end_time"
		case "phone":
			k = "shift_phone"
		}
		out[k] = m
	}
	return out
}

func (s *Server) pageAddShift(w http.ResponseWriter, r *http.Request) error {
	return s.rosterPost(w, r, "dienst", func(id, rev int64) (string, error) {
		sh, err := formShift(r.PostForm, id)
		if err != nil {
			return "", err
		}
		err = s.cfg.Service.AddShift(r.Context(), actorOf(r), &sh, rev)
		if fields, msg, ok := formProblem(err); ok {
			return "", &mgz.Error{Code: mgz.ErrorCode(err), Message: msg, Fields: shiftFormFields(fields)}
		}
		return "", err
	})
}
