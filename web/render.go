package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/agreement"
	"github.com/regio-mgz/mgz/rules"
	"github.com/regio-mgz/mgz/service"
)

// Form holds what a person typed and the Dutch message per field, so a refused form comes back
// with their input kept and each problem next to its field.
type Form struct {
	Values url.Values
	Errors map[string]string
}

// Get returns the typed value of a field.
func (f Form) Get(name string) string { return f.Values.Get(name) }

// Has reports whether a multi-valued field (checkboxes) holds v.
func (f Form) Has(name, v string) bool {
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Err returns the message for a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// ErrorList returns the messages in the order of the form's fields, for the summary at the top.
func (f Form) ErrorList(order ...string) []fieldDetail {
	var out []fieldDetail
	seen := map[string]bool{}
	for _, name := range order {
		if msg, ok := f.Errors[name]; ok {
			out = append(out, fieldDetail{name, msg})
			seen[name] = true
		}
	}
	rest := make([]string, 0, len(f.Errors))
	for name := range f.Errors {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		out = append(out, fieldDetail{name, f.Errors[name]})
	}
	return out
}

// pageData is what every page template receives.
type pageData struct {
	Title   string
	Nav     string // the menu item to mark as current
	Notice  string // a confirmation after a change
	Problem string // a Dutch error for the whole page
	Data    any
	Form    Form
	// Actor is who is signed in (zero on the login page); CSRF the token every form posts back.
	Actor mgz.Actor
	CSRF  string
	// Unread is the number of unread notices of the signed-in user's organisation, for the header.
	Unread int
}

// noticeTable is a table of notices; CSRF is set when each row has a "mark read" form.
type noticeTable struct {
	Caption string
	Items   []mgz.Notice
	CSRF    string
}

// SignedIn reports whether someone is signed in.
func (d pageData) SignedIn() bool { return d.Actor.User.ID != 0 }

// Can reports whether the signed-in user may do act ("create", "update", "delete") on a resource
// of kind owned by org: the same policy the service enforces, used to show or hide buttons.
func (d pageData) Can(act, kind string, org int64) bool {
	return service.Allowed(d.Actor, access.Action(act), access.Resource{Kind: access.Kind(kind), OrganisationID: org})
}

// PhysicianOrg reports whether the signed-in user's organisation can have physicians (GP practice,
// GP post, SO/AVG service), to offer the physician role only there.
func (d pageData) PhysicianOrg() bool {
	switch d.Actor.OrgKind {
	case mgz.KindGPPractice, mgz.KindGPPost, mgz.KindPhysicianService:
		return true
	}
	return false
}

// Kind reports whether the signed-in user's organisation is of one of kinds, for the menu.
func (d pageData) Kind(kinds ...string) bool {
	for _, k := range kinds {
		if string(d.Actor.OrgKind) == k {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the signed-in user administers their organisation.
func (d pageData) IsAdmin() bool { return d.Actor.User.Has(mgz.RoleAdmin) }

// HasRole reports whether the signed-in user has role (or a role that implies it).
func (d pageData) HasRole(role string) bool { return d.Actor.User.Has(mgz.UserRole(role)) }

// orgSelectView is a labelled select of organisations; Locked shows it but keeps its value.
type orgSelectView struct {
	Name, Label, Value, Error string
	Orgs                      []mgz.Organisation
	Locked                    bool
}

// contactList is what the "contacts" partial shows: the contact points, and whether the viewer
// may change them.
type contactList struct {
	Items []mgz.ContactPoint
	Edit  bool
}

var notices = map[string]string{
	"opgeslagen":          "De gegevens zijn opgeslagen.",
	"verwijderd":          "Het gegeven is verwijderd.",
	"toegevoegd":          "Het contactpunt is toegevoegd.",
	"aangemaakt":          "De nieuwe gegevens zijn opgeslagen.",
	"contactweg":          "Het contactpunt is verwijderd.",
	"locatieweg":          "De locatie is verwijderd.",
	"organisatieweg":      "De organisatie is verwijderd.",
	"uitgelogd":           "U bent uitgelogd.",
	"ingeschreven":        "De cliënt is ingeschreven.",
	"ingeschreven-let-op": "De cliënt is ingeschreven, met een waarschuwing: uw praktijk staat op (bijna) vol, of de Wlz-raadpleging is ouder dan 90 dagen.",
	"verhuisd":            "De verhuizing is vastgelegd. De ingeschreven praktijk blijft verantwoordelijk tot een andere praktijk de zorg overneemt.",
	"verlopen":            "Uw sessie is verlopen. Log opnieuw in.",
	"ingetrokken":         "Het API-token is ingetrokken.",
	"wachtwoord":          "Uw nieuwe wachtwoord is opgeslagen. Andere sessies van uw account zijn beëindigd.",
}

var funcs = template.FuncMap{
	"phone":        mgz.FormatPhone,
	"tel":          func(p string) string { return "tel:" + p },
	"kindLabel":    func(k mgz.OrgKind) string { return k.Label() },
	"orgKinds":     mgz.OrgKinds.Options,
	"settings":     mgz.Settings.Options,
	"sectors":      mgz.Sectors.Options,
	"deliveries":   mgz.Deliveries.Options,
	"roles":        mgz.ContactRoles.Options,
	"arrangements": mgz.Arrangements.Options,
	"hoursOptions": mgz.HoursOptions.Options,
	"str":          func(v any) string { return fmt.Sprint(v) },
	"id": func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	},
	"add":        func(a, b int) int { return a + b },
	"lower":      strings.ToLower,
	"field":      field,
	"roleLabel":  roleLabel,
	"valueLabel": valueLabel,
	"modeLabel":  func(m rules.Mode) string { return modeLabels[m] },
	"join":       strings.Join,
	"dutchTime":  dutchTime,
	"contacts": func(items []mgz.ContactPoint, edit bool) contactList {
		return contactList{Items: items, Edit: edit}
	},
	"rolesText": rolesText,
	"noticeTable": func(caption string, items []mgz.Notice, csrf string) noticeTable {
		return noticeTable{caption, items, csrf}
	},
	"userRoles":      mgz.UserRoles.Options,
	"actionLabel":    func(a mgz.AuditAction) string { return a.Label() },
	"objectLabel":    objectLabel,
	"agreementTypes": mgz.AgreementTypes.Options,
	"orgSelect": func(f Form, name, label string, orgs []mgz.Organisation, locked int64) orgSelectView {
		return orgSelectView{Name: name, Label: label, Orgs: orgs, Value: f.Get(name), Error: f.Err(name), Locked: locked != 0}
	},
	"agreementLabel": func(t agreement.Type) string { return agreement.Labels[t] },
	"day": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("02-01-2006")
	},
	"wlzLabel": func(w mgz.WlzIndication) string { return w.Label() },
	"wlzCheck": func(p mgz.Patient) string { return p.WlzCheckNote(time.Now()) },
	"wlzStale": func(p mgz.Patient) bool { return p.WlzCheckStale(time.Now()) },
	"deref": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
	"neg":             func(n int64) int64 { return -n },
	"wlzOptions":      mgz.WlzIndications.Options,
	"sourceOptions":   mgz.WlzSources.Options,
	"leadOptions":     mgz.LeadPhysicians.Options,
	"groundOptions":   mgz.PriorityGrounds.Options,
	"capacityOptions": mgz.Capacities.Options,
	"sectorOptions":   mgz.Sectors.Options,
	"deliveryOptions": mgz.Deliveries.Options,
	"prereqLabel": func(k any) string {
		if d, ok := mgz.PrerequisiteByKey(mgz.PrerequisiteKey(fmt.Sprint(k))); ok {
			return d.Requirement
		}
		return fmt.Sprint(k)
	},
	"auditRoles": auditRoles,
	"outcomeLabel": func(o mgz.EscalationOutcome) string {
		return map[mgz.EscalationOutcome]string{mgz.OutcomeMovedOn: "Doorgezet", mgz.OutcomeResolvedS: "Opgelost", mgz.OutcomeWithdrawn: "Ingetrokken"}[o]
	},
	"openStep": func(e mgz.Escalation) *mgz.EscalationStep {
		if st, ok := e.Current(); ok {
			return &st
		}
		return nil
	},
	"deref2": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"date":          personDate,
	"overviewSorts": mgz.OverviewSorts.Options,
	"lifecycles":    mgz.Lifecycles.Options,
	"plural":        plural,
	"actorName":     actorName,
	"kindNoun":      kindNoun,
	"timePtr": func(t *time.Time) string {
		if t == nil {
			return "nooit"
		}
		return dutchTime(*t)
	},
}

// parsePages parses each page template together with the shared layout and partials.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/[a-z]*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		pages[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return pages, nil
}

// render writes a page; it renders into a buffer first so a template error never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("unknown template", "name", name)
		http.Error(w, "Er ging intern iets mis.", http.StatusInternalServerError)
		return
	}
	if d.Notice == "" {
		d.Notice = notices[r.URL.Query().Get("melding")]
	}
	d.Actor, d.CSRF = actorOf(r), authOf(r).csrf
	if d.SignedIn() {
		// One indexed count per page view; a failure costs the count, never the page.
		n, err := s.cfg.Service.UnreadNotices(r.Context(), d.Actor)
		if err != nil {
			s.log.Warn("counting unread notices failed", "err", err)
		}
		d.Unread = n
	}
	if d.Form.Values == nil {
		d.Form.Values = url.Values{}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		s.log.Error("render failed", "template", name, "err", err)
		http.Error(w, "Er ging intern iets mis bij het tonen van deze pagina.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// page adapts a page handler that returns an error: errors become a Dutch error page.
func (s *Server) page(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkQueryLengths(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.pageError(w, r, err)
		}
	})
}

// pageError answers err with a Dutch error page whose status and title follow its code.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientLeft(w, r, err) {
		return
	}
	status := httpStatus(err)
	if status >= http.StatusInternalServerError {
		s.log.Error("page request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	title := "Er ging iets mis"
	switch status {
	case http.StatusNotFound:
		title = "Niet gevonden"
	case http.StatusUnprocessableEntity:
		title = "Dit klopt niet"
	case http.StatusMethodNotAllowed:
		title = "Dit kan hier niet"
	case http.StatusConflict:
		title = "Dit kan niet"
	case http.StatusForbidden:
		title = "Geen toegang"
	case http.StatusTooManyRequests:
		title = "Te veel pogingen"
		w.Header().Set("Retry-After", retryAfterSeconds)
	case http.StatusServiceUnavailable:
		title = "Tijdelijk niet beschikbaar"
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	s.render(w, r, status, "error", pageData{Title: title, Problem: mgz.ErrorMessage(err)})
}

// fail answers err the way the request expects: the JSON error object for the API, a Dutch
// page otherwise. It is for middleware, before a request reaches its api or page handler.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isFHIR(r) {
		s.writeFHIRError(w, r, err)
		return
	}
	if isAPI(r) {
		s.writeAPIError(w, r, err)
		return
	}
	s.pageError(w, r, err)
}

// errUnreadableForm answers a form body that cannot be parsed.
var errUnreadableForm = mgz.Errorf(mgz.ECodeBadRequest, "Het formulier kon niet gelezen worden. Probeer het opnieuw.")

// parseForm parses a posted form, with the Dutch answer when that fails.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errUnreadableForm
	}
	return nil
}

// redirect answers a successful form post (post/redirect/get), with a notice for the next page.
func redirect(w http.ResponseWriter, r *http.Request, to, notice string) {
	if notice != "" {
		to += "?melding=" + url.QueryEscape(notice)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pager is the paging of a list page.
type pager struct {
	Total, From, To int
	Prev, Next      string
}

func newPager(r *http.Request, p mgz.Page, shown, total int) pager {
	pg := pager{Total: total, From: p.Offset + 1, To: p.Offset + shown}
	if shown == 0 {
		pg.From = 0
	}
	link := func(offset int) string {
		q := r.URL.Query()
		q.Del("melding")
		if offset <= 0 {
			q.Del("vanaf")
		} else {
			q.Set("vanaf", strconv.Itoa(offset))
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Offset > 0 {
		pg.Prev = link(p.Offset - p.Limit)
	}
	if p.Offset+shown < total {
		pg.Next = link(p.Offset + p.Limit)
	}
	return pg
}

// listPage reads the offset ("vanaf") of a list page; nonsense means the first page.
func listPage(r *http.Request) mgz.Page {
	off, _ := strconv.Atoi(r.URL.Query().Get("vanaf"))
	return mgz.Page{Limit: mgz.DefaultLimit, Offset: off}.Clamp()
}

// personDate writes a calendar date the way people read it everywhere on the pages: dd-mm-jjjj,
// e.g. 10-03-1935, in a span that keeps it on one line. It takes mgz.Date and time.Time, also as
// pointers; nil and zero give "".
// Form fields keep the ISO form their input type needs.
func personDate(v any) template.HTML {
	var t time.Time
	switch d := v.(type) {
	case mgz.Date:
		t = d.Time
	case *mgz.Date:
		if d == nil {
			return ""
		}
		t = d.Time
	case time.Time:
		t = d
	case *time.Time:
		if d == nil {
			return ""
		}
		t = *d
	default:
		return template.HTML(template.HTMLEscapeString(fmt.Sprint(v)))
	}
	if t.IsZero() {
		return ""
	}
	// A date never breaks at its hyphens on a narrow screen.
	return template.HTML(`<span class="date">` + t.Format("02-01-2006") + `</span>`)
}

// plural writes n with the singular or plural noun: "1 cliënt", "2 cliënten", "0 cliënten".
func plural(n any, one, many string) string {
	s := fmt.Sprint(n)
	if s == "1" {
		return s + " " + one
	}
	return s + " " + many
}

// kindPlurals are the plural names of the organisation kinds, in lower case as in a sentence.
var kindPlurals = map[mgz.OrgKind][2]string{
	mgz.KindGPPractice:          {"huisartsenpraktijk", "huisartsenpraktijken"},
	mgz.KindCareProvider:        {"zorgaanbieder", "zorgaanbieders"},
	mgz.KindGPPost:              {"huisartsenpost", "huisartsenposten"},
	mgz.KindPhysicianService:    {"SO/AVG-dienst", "SO/AVG-diensten"},
	mgz.KindCareOffice:          {"zorgkantoor", "zorgkantoren"},
	mgz.KindRegionalGPOrg:       {"regionale huisartsenorganisatie (RHO)", "regionale huisartsenorganisaties (RHO)"},
	mgz.KindPublicHealthService: {"GGD", "GGD's"},
}

// kindNoun names the kind in the singular or plural that goes with n: "huisartsenpost" after 1,
// "huisartsenpraktijken" after 20.
func kindNoun(n int, k mgz.OrgKind) string {
	names, ok := kindPlurals[k]
	if !ok {
		return k.Label()
	}
	if n == 1 {
		return names[0]
	}
	return names[1]
}

// actorName shows who did something; the server's own command-line actor is stored as
// "opdrachtregel", which means nothing to the people reading the page.
func actorName(name string) string {
	if name == "opdrachtregel" || name == "system" {
		return "mgz zelf (beheer op de server)"
	}
	return name
}
