package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/fhir"
)

// The FHIR R4 API under /fhir is read-only. Every resource type is one entry of fhirTypes: its
// read and search handlers and its search parameters. The routes and the CapabilityStatement are
// both made from that list, so the statement names exactly what is implemented. A type added
// later is one more entry.
//
// Authentication is the same as for /api/v1: a bearer token, or a session cookie (the API only
// reads, so a cookie cannot be abused to change anything). Every read goes through the service
// layer: the one policy decides and every client read is audited, as in the JSON API.

const fhirPrefix = "/fhir"

// Paging of searches: _count defaults to 20 and is at most 100.
const (
	fhirDefaultCount = 20
	fhirMaxCount     = 100
)

// Error codes only the FHIR API answers.
const (
	codeFHIRNotSupported  = "fhir_not_supported"  // 501: a resource type or interaction mgz does not implement
	codeFHIRNotAcceptable = "fhir_not_acceptable" // 406: a _format other than JSON
)

// fhirType is one resource type of the FHIR API. A nil read or search is not implemented.
type fhirType struct {
	name   string
	read   func(r *http.Request, id string) (any, error)
	search func(r *http.Request, q *fhirQuery) (fhirPage, error)
	params []fhir.SearchParam
	ops    []fhirOp
}

// fhirOp is an instance operation of a resource type: GET /fhir/{type}/{id}/${name}.
type fhirOp struct {
	name, doc string
	run       func(r *http.Request, id string) (any, error)
}

// fhirPage is one page of search results; next is the id the next page continues after (zero:
// this is the last page).
type fhirPage struct {
	items []fhirItem
	total int
	next  int64
}

type fhirItem struct {
	typ, id string
	res     any
}

func (s *Server) fhirTypes() []fhirType {
	return []fhirType{
		{name: "Patient", read: s.fhirReadPatient, search: s.fhirSearchPatients, params: []fhir.SearchParam{
			{Name: "_id", Type: "token", Documentation: "Nummer(s) van de cliënt, gescheiden door komma's."},
			{Name: "identifier", Type: "token", Documentation: "BSN als " + fhir.SystemBSN + "|123456782. Vindt alleen cliënten van wie u het BSN mag zien."},
		}, ops: []fhirOp{{name: "handover", run: s.fhirHandover,
			doc: "De overdracht met behandelwensen als FHIR-document (Bundle van type document). Zelfde toegang als de overdracht; tijdens kantooruren vraagt de huisartsenpost noodtoegang in mgz."}}},
		{name: "Organization", read: s.fhirReadOrganization, search: s.fhirSearchOrganizations, params: []fhir.SearchParam{
			{Name: "_id", Type: "token", Documentation: "Nummer(s) van de organisatie, gescheiden door komma's."},
			{Name: "identifier", Type: "token", Documentation: "AGB-code (" + fhir.SystemAGB + "|…) of KvK-nummer (" + fhir.SystemKvK + "|…)."},
		}},
		{name: "Location", read: s.fhirReadLocation, search: s.fhirSearchLocations, params: []fhir.SearchParam{
			{Name: "_id", Type: "token", Documentation: "Nummer(s) van de locatie, gescheiden door komma's."},
			{Name: "organization", Type: "reference", Documentation: "De zorgaanbieder: Organization/{id}."},
		}},
		{name: "PractitionerRole", read: s.fhirReadPractitionerRole},
		{name: "Consent", read: s.fhirReadConsent, search: s.fhirSearchConsents, params: []fhir.SearchParam{
			{Name: "patient", Type: "reference", Documentation: "Verplicht: de cliënt, Patient/{id}. Geeft de behandelwensen van de huidige overdracht; zelfde toegang als de overdracht."},
		}},
		{name: "CareTeam", read: s.fhirReadCareTeam, search: s.fhirSearchCareTeams, params: []fhir.SearchParam{
			{Name: "patient", Type: "reference", Documentation: "De cliënt: Patient/{id}. Zonder: de zorgteams van alle cliënten die u mag zien."},
		}},
		{name: "Task", read: s.fhirReadTask, search: s.fhirSearchTasks, params: []fhir.SearchParam{
			{Name: "status", Type: "token", Documentation: "in-progress (onderweg), completed (opgelost) of cancelled (ingetrokken). Alleen meldingen waarbij uw organisatie betrokken is."},
		}},
		{name: "AuditEvent", search: s.fhirSearchAuditEvents, params: []fhir.SearchParam{
			{Name: "patient", Type: "reference", Documentation: "Alleen regels over deze cliënt: Patient/{id}."},
		}},
	}
}

// fhirRoutes are the FHIR API's routes, made from fhirTypes.
func (s *Server) fhirRoutes() []route {
	routes := []route{{"GET", fhirPrefix + "/metadata", s.fhirMetadata}}
	for _, t := range s.fhirTypes() {
		if t.search != nil {
			routes = append(routes, route{"GET", fhirPrefix + "/" + t.name, s.fhirSearchHandler(t)})
		}
		if t.read != nil {
			read := t.read
			routes = append(routes, route{"GET", fhirPrefix + "/" + t.name + "/{id}", func(w http.ResponseWriter, r *http.Request) error {
				if err := checkFHIRParams(r, nil); err != nil {
					return err
				}
				res, err := read(r, r.PathValue("id"))
				if err != nil {
					return err
				}
				writeFHIR(w, http.StatusOK, res)
				return nil
			}})
		}
		for _, op := range t.ops {
			run := op.run
			routes = append(routes, route{"GET", fhirPrefix + "/" + t.name + "/{id}/$" + op.name, func(w http.ResponseWriter, r *http.Request) error {
				if err := checkFHIRParams(r, nil); err != nil {
					return err
				}
				res, err := run(r, r.PathValue("id"))
				if err != nil {
					return err
				}
				writeFHIR(w, http.StatusOK, res)
				return nil
			}})
		}
	}
	return routes
}

const fhirCatchAll = fhirPrefix + "/"

// registerFHIR adds the FHIR routes and the FHIR catch-all to the mux.
func (s *Server) registerFHIR() {
	for _, rt := range s.fhirRoutes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.fhirHandler(rt.Handler))
	}
	s.mux.Handle(fhirCatchAll, s.fhirHandler(s.fhirUnknown))
}

// fhirUnknown answers what no FHIR route claims: 405 for a route asked with another method
// than GET, 501 for a resource type or interaction mgz does not implement, 404 otherwise.
func (s *Server) fhirUnknown(w http.ResponseWriter, r *http.Request) error {
	if err := s.methodNotAllowed(w, r, fhirCatchAll); err != nil {
		return mgz.Errorf(codeMethodNotAllowed, "%s kan niet op %s: de FHIR-API van mgz leest alleen (GET). Zie %s/metadata.", r.Method, r.URL.Path, fhirPrefix)
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, fhirPrefix), "/")
	typ, _, _ := strings.Cut(rest, "/")
	if typ != "" && typ[0] >= 'A' && typ[0] <= 'Z' {
		return mgz.Errorf(codeFHIRNotSupported, "mgz ondersteunt dit niet (%s %s). Zie %s/metadata voor de resources en interacties die er zijn.", r.Method, r.URL.Path, fhirPrefix)
	}
	return mgz.Errorf(mgz.ECodeNotFound, "Onbekend FHIR-adres %s. Zie %s/metadata.", r.URL.Path, fhirPrefix)
}

func isFHIR(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, fhirCatchAll) }

// fhirHandler adapts a handler that returns an error: errors become an OperationOutcome.
func (s *Server) fhirHandler(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkQueryLengths(r)
		if err == nil {
			err = checkFormat(r)
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeFHIRError(w, r, err)
		}
	})
}

// checkFormat accepts _format for JSON only.
func checkFormat(r *http.Request) error {
	switch r.URL.Query().Get("_format") {
	case "", "json", "application/json", fhir.ContentType, "application/json+fhir":
		return nil
	}
	return mgz.Errorf(codeFHIRNotAcceptable, "mgz levert FHIR alleen als JSON: laat _format weg of gebruik _format=json.")
}

func writeFHIR(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", fhir.ContentType+"; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	if wantsPretty(w) { // ?pretty=1, or FHIR's own _pretty=true
		enc.SetIndent("", "  ")
	}
	_ = enc.Encode(v)
}

// writeFHIRError answers err as an OperationOutcome with a Dutch diagnostic. What the caller may
// not see is not found (404), as in the JSON API.
func (s *Server) writeFHIRError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientLeft(w, r, err) {
		return
	}
	err = timedOut(r, err)
	status, code := http.StatusInternalServerError, "exception"
	msg := "Er ging iets mis in mgz. Probeer het later opnieuw."
	switch mgz.ErrorCode(err) {
	case mgz.ECodeNotFound:
		status, code = http.StatusNotFound, "not-found"
	case mgz.ECodeInvalid, mgz.ECodeBadRequest:
		status, code = http.StatusBadRequest, "invalid"
	case mgz.ECodeForbidden:
		status, code = http.StatusForbidden, "forbidden"
	case mgz.ECodeUnauthenticated:
		status, code = http.StatusUnauthorized, "login"
		w.Header().Set("WWW-Authenticate", `Bearer realm="mgz"`)
	case mgz.ECodeTooManyRequests:
		status, code = http.StatusTooManyRequests, "throttled"
		w.Header().Set("Retry-After", retryAfterSeconds)
	case mgz.ECodeStorageUnavailable:
		status, code = http.StatusServiceUnavailable, "transient"
		w.Header().Set("Retry-After", retryAfterSeconds)
	case codeMethodNotAllowed:
		status, code = http.StatusMethodNotAllowed, "not-supported"
	case codeFHIRNotSupported:
		status, code = http.StatusNotImplemented, "not-supported"
	case codeFHIRNotAcceptable:
		status, code = http.StatusNotAcceptable, "not-supported"
	case mgz.ECodeBreakGlass:
		status, code = http.StatusForbidden, "forbidden"
	case codeTimeout:
		status, code = http.StatusServiceUnavailable, "timeout"
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status, code = http.StatusRequestEntityTooLarge, "too-costly"
	}
	if status < http.StatusInternalServerError || status == http.StatusServiceUnavailable {
		msg = mgz.ErrorMessage(err)
		var e *mgz.Error
		if errors.As(err, &e) {
			for _, f := range e.FieldNames() {
				msg += " " + f + ": " + e.Fields[f]
			}
		}
	}
	if status >= http.StatusInternalServerError {
		s.log.Error("fhir request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	out := fhir.NewOutcome(code, msg)
	if mgz.ErrorCode(err) == mgz.ECodeBreakGlass {
		// The code a client acts on: break the glass in mgz, with a reason, before reading.
		out.Issue[0].Details = &fhir.CodeableConcept{Coding: []fhir.Coding{{System: fhirBase(r) + fhir.CodeSystemError, Code: mgz.ECodeBreakGlass}},
			Text: "Noodtoegang nodig: geef in mgz een reden op om de overdracht te lezen."}
	}
	writeFHIR(w, status, out)
}

// fhirBase is the FHIR base URL of the request: the links and fullUrls of answers point there.
func fhirBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + fhirPrefix
}

func (s *Server) fhirMetadata(w http.ResponseWriter, r *http.Request) error {
	if err := checkFHIRParams(r, nil); err != nil {
		return err
	}
	var rs []fhir.RestResource
	for _, t := range s.fhirTypes() {
		rr := fhir.RestResource{Type: t.name, SearchParam: t.params}
		for _, op := range t.ops {
			rr.Operation = append(rr.Operation, fhir.Operation{Name: op.name, Definition: fhirBase(r) + "/OperationDefinition/" + t.name + "-" + op.name, Documentation: op.doc})
		}
		if t.read != nil {
			rr.Interaction = append(rr.Interaction, fhir.Interaction{Code: fhir.InteractionRead})
		}
		if t.search != nil {
			rr.Interaction = append(rr.Interaction, fhir.Interaction{Code: fhir.InteractionSearch})
			rr.SearchParam = append(rr.SearchParam, fhir.SearchParam{Name: "_count", Type: "number",
				Documentation: fmt.Sprintf("Aantal per pagina: standaard %d, hoogstens %d.", fhirDefaultCount, fhirMaxCount)})
		}
		rs = append(rs, rr)
	}
	date := mgz.DateOf(s.cfg.Service.Today()).String()
	writeFHIR(w, http.StatusOK, fhir.NewCapabilityStatement(fhirBase(r), s.cfg.Version, date, rs))
	return nil
}

// fhirQuery is a search's parameters: the page and the type's own parameters.
type fhirQuery struct {
	count int
	after int64
	v     url.Values
}

// fhirControl are the parameters every interaction takes; _count and _cursor only searches.
var fhirControl = []string{"_format", "_pretty", "pretty"} // _pretty (FHIR) and pretty=1 (as in the API): indented JSON

// checkFHIRParams refuses parameters the interaction does not take, so a client never believes
// a filter was applied that was not.
// An empty or repeated parameter is refused too: mgz would otherwise ignore it or use only one
// of the values.
func checkFHIRParams(r *http.Request, allowed []string) error {
	for name, vals := range r.URL.Query() {
		msg, field := "", ""
		switch {
		case !slices.Contains(fhirControl, name) && !slices.Contains(allowed, name):
			msg, field = fmt.Sprintf("Zoekparameter %q kent mgz hier niet. Zie %s/metadata voor de parameters die er zijn.", name, fhirPrefix), "Onbekende parameter."
		case len(vals) > 1:
			msg, field = fmt.Sprintf("Zoekparameter %q staat er meer dan eens. Noem iedere parameter één keer; _id neemt waarden gescheiden door komma's.", name), "Meer dan eens."
		case strings.TrimSpace(vals[0]) == "":
			msg, field = fmt.Sprintf("Zoekparameter %q is leeg. Geef een waarde of laat de parameter weg.", name), "Leeg."
		}
		if msg != "" {
			return &mgz.Error{Code: mgz.ECodeBadRequest, Message: msg, Fields: map[string]string{name: field}}
		}
	}
	return nil
}

// The cursor is opaque to clients: the id a page continues after. It needs no secret: every page
// is selected again by the caller's own policy query, so a changed cursor only moves through what
// the caller may see anyway.
const cursorPrefix = "k1:"

func encodeFHIRCursor(after int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(after, 10)))
}

func decodeFHIRCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if rest, ok := strings.CutPrefix(string(b), cursorPrefix); ok {
			if n, err := strconv.ParseInt(rest, 10, 64); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "De vervolglink is ongeldig. Begin de zoekopdracht opnieuw.",
		Fields: map[string]string{"_cursor": "Ongeldige vervolgcode."}}
}

func (s *Server) fhirSearchHandler(t fhirType) func(http.ResponseWriter, *http.Request) error {
	allowed := []string{"_count", "_cursor"}
	for _, p := range t.params {
		allowed = append(allowed, p.Name)
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := checkFHIRParams(r, allowed); err != nil {
			return err
		}
		v := r.URL.Query()
		q := &fhirQuery{count: fhirDefaultCount, v: v}
		if c := v.Get("_count"); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil || n < 1 {
				return &mgz.Error{Code: mgz.ECodeBadRequest, Message: fmt.Sprintf("_count is een geheel getal van 1 tot en met %d.", fhirMaxCount),
					Fields: map[string]string{"_count": "Verwacht een positief geheel getal."}}
			}
			q.count = min(n, fhirMaxCount)
		}
		if c := v.Get("_cursor"); c != "" {
			after, err := decodeFHIRCursor(c)
			if err != nil {
				return err
			}
			q.after = after
		}
		page, err := t.search(r, q)
		if err != nil {
			return err
		}
		base := fhirBase(r)
		total := page.total
		b := fhir.Bundle{ResourceType: "Bundle", Type: "searchset", Total: &total, Entry: []fhir.BundleEntry{}}
		self := url.Values{}
		for name, vals := range v {
			self[name] = vals
		}
		self.Set("_count", strconv.Itoa(q.count))
		b.Link = append(b.Link, fhir.BundleLink{Relation: "self", URL: base + "/" + t.name + "?" + self.Encode()})
		if page.next != 0 {
			self.Set("_cursor", encodeFHIRCursor(page.next))
			b.Link = append(b.Link, fhir.BundleLink{Relation: "next", URL: base + "/" + t.name + "?" + self.Encode()})
		}
		for _, it := range page.items {
			raw, err := json.Marshal(it.res)
			if err != nil {
				return err
			}
			b.Entry = append(b.Entry, fhir.BundleEntry{FullURL: base + "/" + it.typ + "/" + it.id, Resource: raw, Search: &fhir.BundleSearch{Mode: "match"}})
		}
		if len(b.Entry) == 0 {
			b.Entry = nil
		}
		writeFHIR(w, http.StatusOK, b)
		return nil
	}
}

// nextAfter returns the id a following page continues after: the last id of a full page.
func nextAfter(n, count int, last int64) int64 {
	if n < count || n == 0 {
		return 0
	}
	return last
}

// fhirID reads a resource id that is a record number; anything else is not found.
func fhirID(id, what string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, mgz.Errorf(mgz.ECodeNotFound, "%s %q bestaat niet, of u heeft er geen toegang toe.", what, id)
	}
	return n, nil
}

// idList reads a comma-separated _id; a value that is no record number matches nothing.
func idList(s string) []int64 {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || n <= 0 {
			n = -1 // no record has it: the search finds nothing for it, as FHIR expects
		}
		out = append(out, n)
	}
	return out
}

// refID reads a reference parameter to typ: "Type/123" or "123".
func refID(v, typ, param string) (int64, error) {
	s := strings.TrimPrefix(strings.TrimSpace(v), typ+"/")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, &mgz.Error{Code: mgz.ECodeBadRequest, Message: fmt.Sprintf("%s verwijst naar een %s: %s/{nummer}.", param, typ, typ),
			Fields: map[string]string{param: "Verwacht " + typ + "/{nummer}."}}
	}
	return n, nil
}

// token splits a token parameter "system|value"; hasSystem is false for a bare value.
func token(v string) (system, value string, hasSystem bool) {
	system, value, hasSystem = strings.Cut(v, "|")
	if !hasSystem {
		return "", system, false
	}
	return system, value, true
}

// fhirOrgNames looks up organisation names for the displays of references, once per request.
type fhirOrgNames struct {
	s     *Server
	r     *http.Request
	names fhir.Names
}

func (s *Server) fhirNames(r *http.Request) *fhirOrgNames {
	return &fhirOrgNames{s: s, r: r, names: fhir.Names{}}
}

// add looks up the names of ids; an organisation that cannot be read keeps no display.
func (n *fhirOrgNames) add(ids ...*int64) fhir.Names {
	for _, id := range ids {
		if id == nil || *id == 0 {
			continue
		}
		if _, ok := n.names[*id]; ok {
			continue
		}
		if o, err := n.s.reg(n.r).Organisation(n.r.Context(), *id); err == nil {
			n.names[*id] = o.Name
		} else {
			n.names[*id] = ""
		}
	}
	return n.names
}

// patientResource maps a patient the caller was allowed to read: the BSN only when the policy
// lets the caller see it, the care provider of the location as managing organisation.
func (s *Server) patientResource(r *http.Request, p mgz.Patient, names *fhirOrgNames) (fhir.Patient, error) {
	show, err := s.cfg.Service.MayReadBSN(r.Context(), actorOf(r), p)
	if err != nil {
		return fhir.Patient{}, err
	}
	in := fhir.PatientInput{Patient: p, ShowBSN: show}
	if p.LocationID != nil {
		l, err := s.reg(r).Location(r.Context(), *p.LocationID)
		if err != nil {
			return fhir.Patient{}, err
		}
		in.ProviderID = l.ProviderID
	}
	in.Names = names.add(p.GPPracticeID, &in.ProviderID)
	return fhir.NewPatient(in), nil
}

func (s *Server) fhirReadPatient(r *http.Request, id string) (any, error) {
	n, err := fhirID(id, "Patient")
	if err != nil {
		return nil, err
	}
	p, err := s.cfg.Service.Patient(r.Context(), actorOf(r), n)
	if err != nil {
		return nil, err
	}
	return s.patientResource(r, p, s.fhirNames(r))
}

// visiblePatients is one keyset page of the patients the caller may see, read (and audited)
// through the service; f selects among them.
func (s *Server) visiblePatients(r *http.Request, q *fhirQuery, f mgz.PatientFilter) ([]mgz.Patient, int, error) {
	f.Page = mgz.Page{Limit: q.count, Keyset: true, After: q.after}
	return s.cfg.Service.Patients(r.Context(), actorOf(r), f)
}

// patientFilter reads the Patient search parameters; none is false when they can match nothing.
func patientFilter(v url.Values) (f mgz.PatientFilter, none bool, err error) {
	if ids := v.Get("_id"); ids != "" {
		f.IDs = idList(ids)
	}
	if id := v.Get("identifier"); id != "" {
		system, value, hasSystem := token(id)
		if hasSystem && system != fhir.SystemBSN {
			return f, true, nil // mgz knows clients by BSN only
		}
		bsn, ok := mgz.NormaliseBSN(value)
		if !ok {
			return f, false, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "Zoek een cliënt op BSN als " + fhir.SystemBSN + "|123456782: negen cijfers die de elfproef doorstaan.",
				Fields: map[string]string{"identifier": "Geen geldig BSN."}}
		}
		f.BSN = bsn
	}
	return f, false, nil
}

func (s *Server) fhirSearchPatients(r *http.Request, q *fhirQuery) (fhirPage, error) {
	f, none, err := patientFilter(q.v)
	if err != nil || none {
		return fhirPage{}, err
	}
	ps, total, err := s.visiblePatients(r, q, f)
	if err != nil {
		return fhirPage{}, err
	}
	names := s.fhirNames(r)
	page := fhirPage{total: total}
	for _, p := range ps {
		res, err := s.patientResource(r, p, names)
		if err != nil {
			return fhirPage{}, err
		}
		page.items = append(page.items, fhirItem{"Patient", res.ID, res})
	}
	if len(ps) > 0 {
		page.next = nextAfter(len(ps), q.count, ps[len(ps)-1].ID)
	}
	return page, nil
}

func (s *Server) fhirReadOrganization(r *http.Request, id string) (any, error) {
	n, err := fhirID(id, "Organization")
	if err != nil {
		return nil, err
	}
	o, err := s.reg(r).Organisation(r.Context(), n)
	if err != nil {
		return nil, err
	}
	return fhir.NewOrganization(fhirBase(r), o), nil
}

func (s *Server) fhirSearchOrganizations(r *http.Request, q *fhirQuery) (fhirPage, error) {
	f := mgz.OrganisationFilter{Page: mgz.Page{Limit: q.count, Keyset: true, After: q.after}}
	if ids := q.v.Get("_id"); ids != "" {
		f.IDs = idList(ids)
	}
	if id := q.v.Get("identifier"); id != "" {
		system, value, hasSystem := token(id)
		switch {
		case !hasSystem:
			return fhirPage{}, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "Noem het systeem van de identifier: " + fhir.SystemAGB + "|… of " + fhir.SystemKvK + "|….",
				Fields: map[string]string{"identifier": "Systeem ontbreekt."}}
		case system == fhir.SystemAGB:
			agb, ok := mgz.NormaliseAGB(value)
			if !ok {
				return fhirPage{}, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "Een AGB-code heeft 8 cijfers.", Fields: map[string]string{"identifier": "Geen geldige AGB-code."}}
			}
			f.AGB = agb
		case system == fhir.SystemKvK:
			kvk, ok := mgz.NormaliseKvK(value)
			if !ok {
				return fhirPage{}, &mgz.Error{Code: mgz.ECodeBadRequest, Message: "Een KvK-nummer heeft 8 cijfers.", Fields: map[string]string{"identifier": "Geen geldig KvK-nummer."}}
			}
			f.KvK = kvk
		default:
			return fhirPage{}, nil // an identifier system mgz does not keep matches nothing
		}
	}
	os, total, err := s.reg(r).Organisations(r.Context(), f)
	if err != nil {
		return fhirPage{}, err
	}
	page := fhirPage{total: total}
	for _, o := range os {
		res := fhir.NewOrganization(fhirBase(r), o)
		page.items = append(page.items, fhirItem{"Organization", res.ID, res})
	}
	if len(os) > 0 {
		page.next = nextAfter(len(os), q.count, os[len(os)-1].ID)
	}
	return page, nil
}

func (s *Server) fhirReadLocation(r *http.Request, id string) (any, error) {
	n, err := fhirID(id, "Location")
	if err != nil {
		return nil, err
	}
	l, err := s.reg(r).Location(r.Context(), n)
	if err != nil {
		return nil, err
	}
	return fhir.NewLocation(l, s.fhirNames(r).add(&l.ProviderID)), nil
}

func (s *Server) fhirSearchLocations(r *http.Request, q *fhirQuery) (fhirPage, error) {
	f := mgz.LocationFilter{Page: mgz.Page{Limit: q.count, Keyset: true, After: q.after}}
	if ids := q.v.Get("_id"); ids != "" {
		f.IDs = idList(ids)
	}
	if org := q.v.Get("organization"); org != "" {
		n, err := refID(org, "Organization", "organization")
		if err != nil {
			return fhirPage{}, err
		}
		f.ProviderID = n
	}
	ls, total, err := s.reg(r).Locations(r.Context(), f)
	if err != nil {
		return fhirPage{}, err
	}
	names := s.fhirNames(r)
	page := fhirPage{total: total}
	for _, l := range ls {
		res := fhir.NewLocation(l, names.add(&l.ProviderID))
		page.items = append(page.items, fhirItem{"Location", res.ID, res})
	}
	if len(ls) > 0 {
		page.next = nextAfter(len(ls), q.count, ls[len(ls)-1].ID)
	}
	return page, nil
}

// fhirReadPractitionerRole reads the lead physician of a client: PractitionerRole/lead-{patient}.
func (s *Server) fhirReadPractitionerRole(r *http.Request, id string) (any, error) {
	rest, ok := strings.CutPrefix(id, "lead-")
	if !ok {
		return nil, mgz.Errorf(mgz.ECodeNotFound, "PractitionerRole %q bestaat niet, of u heeft er geen toegang toe.", id)
	}
	n, err := fhirID(rest, "PractitionerRole")
	if err != nil {
		return nil, err
	}
	p, err := s.cfg.Service.Patient(r.Context(), actorOf(r), n)
	if err != nil {
		return nil, err
	}
	res, ok := fhir.NewPractitionerRole(fhirBase(r), p, s.fhirNames(r).add(p.LeadPhysicianOrgID))
	if !ok {
		return nil, mgz.Errorf(mgz.ECodeNotFound, "Voor deze cliënt is geen regiebehandelaar vastgelegd.")
	}
	return res, nil
}

// careTeam maps the organisations in a patient's care.
func (s *Server) careTeam(r *http.Request, p mgz.Patient, names *fhirOrgNames) (fhir.CareTeam, error) {
	var loc *mgz.Location
	if p.LocationID != nil {
		l, err := s.reg(r).Location(r.Context(), *p.LocationID)
		if err != nil {
			return fhir.CareTeam{}, err
		}
		loc = &l
		names.add(&l.ProviderID, l.PhysicianServiceID)
	}
	return fhir.NewCareTeam(fhirBase(r), p, loc, names.add(p.GPPracticeID, p.LeadPhysicianOrgID)), nil
}

func (s *Server) fhirReadCareTeam(r *http.Request, id string) (any, error) {
	n, err := fhirID(id, "CareTeam")
	if err != nil {
		return nil, err
	}
	p, err := s.cfg.Service.Patient(r.Context(), actorOf(r), n)
	if err != nil {
		return nil, err
	}
	return s.careTeam(r, p, s.fhirNames(r))
}

func (s *Server) fhirSearchCareTeams(r *http.Request, q *fhirQuery) (fhirPage, error) {
	var f mgz.PatientFilter
	if pt := q.v.Get("patient"); pt != "" {
		n, err := refID(pt, "Patient", "patient")
		if err != nil {
			return fhirPage{}, err
		}
		f.IDs = []int64{n}
	}
	ps, total, err := s.visiblePatients(r, q, f)
	if err != nil {
		return fhirPage{}, err
	}
	names := s.fhirNames(r)
	page := fhirPage{total: total}
	for _, p := range ps {
		res, err := s.careTeam(r, p, names)
		if err != nil {
			return fhirPage{}, err
		}
		page.items = append(page.items, fhirItem{"CareTeam", res.ID, res})
	}
	if len(ps) > 0 {
		page.next = nextAfter(len(ps), q.count, ps[len(ps)-1].ID)
	}
	return page, nil
}

// fhirSearchAuditEvents lists the organisation's audit log, newest first, for its admins: the
// same service call (policy, scope and the audited read of the log) as /api/v1/audit.
func (s *Server) fhirSearchAuditEvents(r *http.Request, q *fhirQuery) (fhirPage, error) {
	f := mgz.AuditFilter{Page: mgz.Page{Limit: q.count, Keyset: true, After: q.after}}
	if pt := q.v.Get("patient"); pt != "" {
		n, err := refID(pt, "Patient", "patient")
		if err != nil {
			return fhirPage{}, err
		}
		f.PatientID = n
	}
	es, total, err := s.cfg.Service.Audit(r.Context(), actorOf(r), f)
	if err != nil {
		return fhirPage{}, err
	}
	page := fhirPage{total: total}
	for _, e := range es {
		res := fhir.NewAuditEvent(fhirBase(r), e)
		page.items = append(page.items, fhirItem{"AuditEvent", res.ID, res})
	}
	if len(es) > 0 {
		page.next = nextAfter(len(es), q.count, es[len(es)-1].ID)
	}
	return page, nil
}
