package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/audit"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/service"
)

// accountRoutes are the API of accounts, tokens and the audit log.
func (s *Server) accountRoutes() []route {
	return []route{
		{"GET", "/api/v1/me", s.apiMe},
		{"GET", "/api/v1/users", s.apiUsers},
		{"POST", "/api/v1/users", s.apiCreateUser},
		{"GET", "/api/v1/users/{id}", s.apiUser},
		{"PUT", "/api/v1/users/{id}", s.apiUpdateUser},
		{"GET", "/api/v1/tokens", s.apiTokens},
		{"POST", "/api/v1/tokens", s.apiCreateToken},
		{"DELETE", "/api/v1/tokens/{id}", s.apiRevokeToken},
		{"GET", "/api/v1/audit", s.apiAudit},
		{"GET", "/api/v1/audit/export", s.apiAuditExport},
	}
}

type me struct {
	User         mgz.User    `json:"user"`
	Organisation string      `json:"organisation"`
	Kind         mgz.OrgKind `json:"organisation_kind"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	o, err := s.reg(r).Organisation(r.Context(), a.User.OrganisationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, me{a.User, o.Name, o.Kind})
	return nil
}

// apiUsers lists the users of the actor's organisation (or of organisation_id, which the policy
// allows only for one's own).
func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	org := q.int("organisation_id")
	if err := q.err(); err != nil {
		return err
	}
	if org == 0 {
		org = actorOf(r).User.OrganisationID
	}
	us, err := s.cfg.Service.Users(r.Context(), actorOf(r), org)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.User]{Items: us, Total: len(us), Limit: len(us), Offset: 0})
	return nil
}

type newUserJSON struct {
	OrganisationID int64          `json:"organisation_id"`
	Email          string         `json:"email"`
	Name           string         `json:"name"`
	Roles          []mgz.UserRole `json:"roles"`
}

type createdUser struct {
	User mgz.User `json:"user"`
	// OneTimePassword is shown once; the user chooses their own at first login.
	OneTimePassword string `json:"one_time_password"`
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in newUserJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.OrganisationID == 0 {
		in.OrganisationID = actorOf(r).User.OrganisationID
	}
	u, pw, err := s.cfg.Service.CreateUser(r.Context(), actorOf(r), service.NewUser{OrganisationID: in.OrganisationID,
		Email: in.Email, Name: in.Name, Roles: in.Roles})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, createdUser{u, pw})
	return nil
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Gebruiker")
	if err != nil {
		return err
	}
	u, err := s.cfg.Service.User(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	setETag(w, u.Revision)
	writeJSON(w, http.StatusOK, u)
	return nil
}

type userUpdateJSON struct {
	Name     string         `json:"name"`
	Roles    []mgz.UserRole `json:"roles"`
	Disabled bool           `json:"disabled"`
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Gebruiker")
	if err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	var in userUpdateJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u := mgz.User{ID: id, Name: in.Name, Roles: in.Roles, Disabled: in.Disabled, Revision: rev}
	if err := s.cfg.Service.UpdateUser(r.Context(), actorOf(r), &u); err != nil {
		return err
	}
	u, err = s.cfg.Service.User(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	setETag(w, u.Revision)
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.cfg.Service.Tokens(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[mgz.APIToken]{Items: ts, Total: len(ts), Limit: len(ts), Offset: 0})
	return nil
}

type createdToken struct {
	Token  mgz.APIToken `json:"token"`
	Secret string       `json:"secret"`
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := actorOf(r)
	t, secret, err := s.cfg.Service.CreateToken(r.Context(), a, a.User.ID, in.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, createdToken{t, secret})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Token")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.RevokeToken(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// auditFilter reads the audit filters of a query: user_id, patient_id, from and to (dates or
// RFC 3339 instants; a date means midnight in Europe/Amsterdam, and to is inclusive for a date).
func auditFilter(q *queryParams) mgz.AuditFilter {
	f := mgz.AuditFilter{UserID: q.int("user_id"), PatientID: q.int("patient_id"), Page: q.page()}
	f.From = q.moment("from", false)
	f.To = q.moment("to", true)
	return f
}

func (q *queryParams) moment(name string, endOfDay bool) time.Time {
	s := q.str(name)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	d, err := time.ParseInLocation("2006-01-02", s, calendar.Location())
	if err != nil {
		q.errs[name] = "Vul een datum in als jjjj-mm-dd, of een tijdstip in RFC 3339."
		return time.Time{}
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := auditFilter(q)
	if err := q.err(); err != nil {
		return err
	}
	es, total, err := s.cfg.Service.Audit(r.Context(), actorOf(r), f)
	return writeList(w, es, total, f.Page, err)
}

func (s *Server) apiAuditExport(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := auditFilter(q)
	format := q.str("format")
	if format == "" {
		format = "jsonl"
	}
	if format != "csv" && format != "jsonl" {
		q.errs["format"] = "Kies csv of jsonl."
	}
	if err := q.err(); err != nil {
		return err
	}
	return s.exportAudit(w, r, f, format)
}

// exportAudit streams the audit log as a download. The export is authorised and audited before
// the first byte is written, so a refusal is still a proper error.
func (s *Server) exportAudit(w http.ResponseWriter, r *http.Request, f mgz.AuditFilter, format string) error {
	var aw audit.Writer
	name := "auditlog-" + time.Now().In(calendar.Location()).Format("2006-01-02")
	lazy := &lazyWriter{w: w, start: func() {
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		} else {
			w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.jsonl"`)
		}
		w.Header().Set("Cache-Control", "no-store")
	}}
	if format == "csv" {
		aw = &deferredCSV{out: lazy}
	} else {
		aw = audit.NewJSONLinesWriter(lazy)
	}
	_, err := s.cfg.Service.ExportAudit(r.Context(), actorOf(r), f, aw)
	if err != nil && !lazy.started {
		return err
	}
	if !lazy.started {
		lazy.Write(nil) // an empty export is still a file
	}
	return nil
}

// lazyWriter sets the download headers at the first write, so an error before it can still be
// answered as an error page.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// deferredCSV writes the CSV header row together with the first entry (or at Flush).
type deferredCSV struct {
	out io.Writer
	w   audit.Writer
}

func (d *deferredCSV) init() error {
	if d.w != nil {
		return nil
	}
	var err error
	d.w, err = audit.NewCSVWriter(d.out)
	return err
}

func (d *deferredCSV) Write(e mgz.AuditEntry) error {
	if err := d.init(); err != nil {
		return err
	}
	return d.w.Write(e)
}

func (d *deferredCSV) Flush() error {
	if err := d.init(); err != nil {
		return err
	}
	return d.w.Flush()
}

// ---- pages: my account, users, audit ----

type accountData struct {
	User         mgz.User
	Organisation mgz.Organisation
	Tokens       []mgz.APIToken
	NewSecret    string
}

func (s *Server) accountData(r *http.Request) (accountData, error) {
	a := actorOf(r)
	d := accountData{User: a.User}
	var err error
	if d.Organisation, err = s.reg(r).Organisation(r.Context(), a.User.OrganisationID); err != nil {
		return d, err
	}
	d.Tokens, err = s.cfg.Service.Tokens(r.Context(), a)
	return d, err
}

func (s *Server) pageAccount(w http.ResponseWriter, r *http.Request) error {
	d, err := s.accountData(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account", pageData{Title: "Mijn account", Nav: "account", Data: d})
	return nil
}

func (s *Server) pageCreateToken(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	_, secret, err := s.cfg.Service.CreateToken(r.Context(), a, a.User.ID, r.PostFormValue("name"))
	if fields, msg, ok := formProblem(err); ok {
		d, derr := s.accountData(r)
		if derr != nil {
			return derr
		}
		s.render(w, r, http.StatusUnprocessableEntity, "account", pageData{Title: "Mijn account", Nav: "account", Problem: msg,
			Data: d, Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	d, err := s.accountData(r)
	if err != nil {
		return err
	}
	d.NewSecret = secret
	// Rendered, not redirected: the secret must not travel in a URL, and is shown this once.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "account", pageData{Title: "Mijn account", Nav: "account", Data: d})
	return nil
}

func (s *Server) pageRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Token")
	if err != nil {
		return err
	}
	if err := s.cfg.Service.RevokeToken(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	redirect(w, r, "/account", "ingetrokken")
	return nil
}

func (s *Server) pagePassword(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "password", pageData{Title: "Wachtwoord wijzigen", Nav: "account", Data: actorOf(r).User})
	return nil
}

func (s *Server) pagePasswordPost(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	next := r.PostFormValue("password")
	var err error
	if next != r.PostFormValue("repeat") {
		// Checked first: nothing may change when the two differ.
		err = &mgz.Error{Code: mgz.ECodeInvalid, Message: "De wachtwoorden verschillen.", Fields: map[string]string{"repeat": "Herhaal precies hetzelfde nieuwe wachtwoord."}}
	} else {
		err = s.cfg.Service.ChangePassword(r.Context(), a, r.PostFormValue("current"), next)
	}
	if fields, msg, ok := formProblem(err); ok || mgz.ErrorCode(err) == mgz.ECodeTooManyRequests {
		status := http.StatusUnprocessableEntity
		if !ok {
			status, msg = http.StatusTooManyRequests, mgz.ErrorMessage(err)
			w.Header().Set("Retry-After", retryAfterSeconds)
		}
		s.render(w, r, status, "password", pageData{Title: "Wachtwoord wijzigen", Nav: "account", Problem: msg,
			Data: a.User, Form: Form{Values: url.Values{}, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	// Other sessions end; this one goes on under a new secret.
	secret, _, err := s.cfg.Service.EndOtherSessions(r.Context(), a, authOf(r).secret)
	if err != nil {
		return err
	}
	s.setCookie(w, r, secret)
	redirect(w, r, "/account", "wachtwoord")
	return nil
}

type usersData struct {
	Users        []mgz.User
	Organisation mgz.Organisation
	Created      *mgz.User
	Password     string
}

func (s *Server) pageUsers(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	us, err := s.cfg.Service.Users(r.Context(), a, a.User.OrganisationID)
	if err != nil {
		return err
	}
	org, err := s.reg(r).Organisation(r.Context(), a.User.OrganisationID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users", pageData{Title: "Gebruikers van " + org.Name, Nav: "gebruikers",
		Data: usersData{Users: us, Organisation: org}, Form: Form{Values: url.Values{"roles": {string(mgz.RoleViewer)}}}})
	return nil
}

func rolesOf(v url.Values) []mgz.UserRole {
	var rs []mgz.UserRole
	for _, x := range v["roles"] {
		rs = append(rs, mgz.UserRole(x))
	}
	return rs
}

func (s *Server) pageCreateUser(w http.ResponseWriter, r *http.Request) error {
	a := actorOf(r)
	u, pw, err := s.cfg.Service.CreateUser(r.Context(), a, service.NewUser{OrganisationID: a.User.OrganisationID,
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Roles: rolesOf(r.PostForm)})
	us, lerr := s.cfg.Service.Users(r.Context(), a, a.User.OrganisationID)
	if lerr != nil {
		return lerr
	}
	org, oerr := s.reg(r).Organisation(r.Context(), a.User.OrganisationID)
	if oerr != nil {
		return oerr
	}
	if fields, msg, ok := formProblem(err); ok || mgz.ErrorCode(err) == mgz.ECodeTooManyRequests {
		if !ok {
			msg = mgz.ErrorMessage(err)
			w.Header().Set("Retry-After", retryAfterSeconds)
		}
		s.render(w, r, httpStatus(err), "users", pageData{Title: "Gebruikers van " + org.Name, Nav: "gebruikers", Problem: msg,
			Data: usersData{Users: us, Organisation: org}, Form: Form{Values: r.PostForm, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "users", pageData{Title: "Gebruikers van " + org.Name, Nav: "gebruikers",
		Data: usersData{Users: us, Organisation: org, Created: &u, Password: pw}, Form: Form{Values: url.Values{"roles": {string(mgz.RoleViewer)}}}})
	return nil
}

func (s *Server) pageUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Gebruiker")
	if err != nil {
		return err
	}
	u, err := s.cfg.Service.User(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if !s.canManageUsers(r, u.OrganisationID) {
		return mgz.Errorf(mgz.ECodeForbidden, "Geen toegang: alleen een beheerder van uw organisatie beheert gebruikers.")
	}
	s.render(w, r, http.StatusOK, "user", pageData{Title: u.Name, Nav: "gebruikers", Data: u, Form: Form{Values: userForm(u)}})
	return nil
}

// userForm fills the colleague form with u, and the revision the edit is made on.
func userForm(u mgz.User) url.Values {
	v := url.Values{"name": {u.Name}, revisionField: {strconv.FormatInt(u.Revision, 10)}}
	for _, x := range u.Roles {
		v.Add("roles", string(x))
	}
	if u.Disabled {
		v.Set("disabled", "1")
	}
	return v
}

func (s *Server) pageUserPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "Gebruiker")
	if err != nil {
		return err
	}
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	u := mgz.User{ID: id, Name: r.PostFormValue("name"), Roles: rolesOf(r.PostForm), Disabled: r.PostFormValue("disabled") != "", Revision: rev}
	err = s.cfg.Service.UpdateUser(r.Context(), actorOf(r), &u)
	fields, msg, ok := formProblem(err)
	if ok || mgz.ErrorCode(err) == mgz.ECodeConflict {
		current, gerr := s.cfg.Service.User(r.Context(), actorOf(r), id)
		if gerr != nil {
			return gerr
		}
		v := url.Values{}
		for k, x := range r.PostForm {
			v[k] = x
		}
		switch {
		case !ok:
			// A stale edit: the form shows the newest version to make the change on again.
			msg, v = mgz.ErrorMessage(err), userForm(current)
		case v.Get(revisionField) == "":
			v.Set(revisionField, strconv.FormatInt(current.Revision, 10))
		}
		s.render(w, r, httpStatus(err), "user", pageData{Title: current.Name, Nav: "gebruikers", Problem: msg, Data: current,
			Form: Form{Values: v, Errors: fields}})
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/gebruikers", "opgeslagen")
	return nil
}

type auditPageData struct {
	Entries []mgz.AuditEntry
	Pager   pager
	Users   map[int64]string
	Export  string // the query for the export links
}

func (s *Server) pageAudit(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.AuditFilter{UserID: q.int("gebruiker"), PatientID: q.int("patient"), Page: listPage(r)}
	f.From = q.moment("van", false)
	f.To = q.moment("tot", true)
	form := Form{Values: r.URL.Query(), Errors: map[string]string{}}
	for k, v := range q.errs {
		form.Errors[map[string]string{"gebruiker": "gebruiker", "patient": "patient", "van": "van", "tot": "tot"}[k]] = v
	}
	a := actorOf(r)
	es, total, err := s.cfg.Service.Audit(r.Context(), a, f)
	if err != nil {
		return err
	}
	d := auditPageData{Entries: es, Pager: newPager(r, f.Page, len(es), total), Users: map[int64]string{}}
	if us, err := s.cfg.Service.Users(r.Context(), a, a.User.OrganisationID); err == nil {
		for _, u := range us {
			d.Users[u.ID] = u.Name
		}
	}
	exp := url.Values{}
	if f.UserID != 0 {
		exp.Set("user_id", strconv.FormatInt(f.UserID, 10))
	}
	if f.PatientID != 0 {
		exp.Set("patient_id", strconv.FormatInt(f.PatientID, 10))
	}
	for k, name := range map[string]string{"van": "from", "tot": "to"} {
		if v := r.URL.Query().Get(k); v != "" && form.Errors[k] == "" {
			exp.Set(name, v)
		}
	}
	d.Export = exp.Encode()
	s.render(w, r, http.StatusOK, "audit", pageData{Title: "Wie heeft wat ingezien", Nav: "audit", Data: d, Form: form})
	return nil
}

func (s *Server) pageAuditExport(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := auditFilter(q)
	f.Page = mgz.Page{}
	if err := q.err(); err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format != "csv" {
		format = "jsonl"
	}
	return s.exportAudit(w, r, f, format)
}

// canManageUsers reports whether the actor may manage the users of org, to show or hide links.
func (s *Server) canManageUsers(r *http.Request, org int64) bool {
	a := actorOf(r)
	return a.User.OrganisationID == org && a.User.Has(mgz.RoleAdmin)
}

func dutchTime(t time.Time) string { return t.In(calendar.Location()).Format("02-01-2006 15:04:05") }

func rolesText(rs []mgz.UserRole) string {
	var out []string
	for _, r := range rs {
		out = append(out, strings.ToLower(r.Label()))
	}
	return strings.Join(out, ", ")
}

// objectLabels name the audit log's object types in Dutch.
var objectLabels = map[string]string{"organisation": "organisatie", "location": "locatie", "contact_point": "contactpunt",
	"user": "gebruiker", "api_token": "API-token", "session": "sessie", "settings": "regio-instellingen",
	"audit_log": "auditlog", "decision": "regels", "agreement": "overeenkomst", "patient": "cliënt",
	"practice_profile": "praktijkprofiel", "prerequisite": "randvoorwaarde", "prerequisite_document": "bewijsstuk",
	"switch_request": "overstapverzoek"}

func objectLabel(t string) string {
	if l, ok := objectLabels[t]; ok {
		return l
	}
	return t
}

// auditRoles turns the comma-separated roles of an audit entry into Dutch.
func auditRoles(s string) string {
	if s == "system" {
		return "beheerder van de server"
	}
	var rs []mgz.UserRole
	for _, r := range strings.Split(s, ",") {
		rs = append(rs, mgz.UserRole(r))
	}
	return rolesText(rs)
}
