package web

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/regio-mgz/mgz"
)

//go:embed openapi.json
var openAPIDoc []byte

// route is one endpoint. The API's routes are listed in one table so a test can check that the
// OpenAPI description covers every one of them.
type route struct {
	Method  string
	Path    string
	Handler func(http.ResponseWriter, *http.Request) error
}

func (s *Server) apiRoutes() []route {
	routes := []route{
		{"GET", "/api/v1/openapi.json", s.apiOpenAPI},
		{"GET", "/api/v1/overview", s.apiOverviewRegion},
		{"POST", "/api/v1/decide", s.apiDecide},
	}
	routes = append(routes,
		route{"GET", "/api/v1/settings/calendar", s.apiGetCalendarSettings},
		route{"PUT", "/api/v1/settings/calendar", s.apiPutCalendarSettings})
	routes = append(routes, resource[mgz.Organisation]{
		what: "Organisatie", path: "/api/v1/organisations", list: s.apiListOrganisations, reg: s.reg,
		get: mgz.RegisterService.Organisation, create: mgz.RegisterService.CreateOrganisation,
		update: mgz.RegisterService.UpdateOrganisation, del: mgz.RegisterService.DeleteOrganisation,
		id: func(o *mgz.Organisation) *int64 { return &o.ID }, rev: func(o *mgz.Organisation) *int64 { return &o.Revision },
	}.routes()...)
	routes = append(routes, resource[mgz.Location]{
		what: "Locatie", path: "/api/v1/locations", list: s.apiListLocations, reg: s.reg,
		get: mgz.RegisterService.Location, create: mgz.RegisterService.CreateLocation,
		update: mgz.RegisterService.UpdateLocation, del: mgz.RegisterService.DeleteLocation,
		id: func(l *mgz.Location) *int64 { return &l.ID }, rev: func(l *mgz.Location) *int64 { return &l.Revision },
		appendJSON: appendLocationJSON,
	}.routes()...)
	routes = append(routes, resource[mgz.ContactPoint]{
		what: "Contactpunt", path: "/api/v1/contact-points", list: s.apiListContactPoints, reg: s.reg,
		get: mgz.RegisterService.ContactPoint, create: mgz.RegisterService.CreateContactPoint,
		update: mgz.RegisterService.UpdateContactPoint, del: mgz.RegisterService.DeleteContactPoint,
		id: func(c *mgz.ContactPoint) *int64 { return &c.ID }, rev: func(c *mgz.ContactPoint) *int64 { return &c.Revision },
	}.routes()...)
	routes = append(routes, s.accountRoutes()...)
	routes = append(routes, s.prerequisiteRoutes()...)
	routes = append(routes, s.patientRoutes()...)
	routes = append(routes, s.switchRoutes()...)
	routes = append(routes, s.agreementRoutes()...)
	routes = append(routes, s.inboxRoutes()...)
	routes = append(routes, s.escalationRoutes()...)
	routes = append(routes, s.handoverRoutes()...)
	routes = append(routes, s.rosterImportRoutes()...)
	routes = append(routes, s.rosterRoutes()...)
	routes = append(routes, s.availabilityRoutes()...)
	routes = append(routes, s.fixedPhysicianRoutes()...)
	return routes
}

// api adapts a handler that returns an error: errors become the contract's error object.
func (s *Server) api(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkQueryLengths(r)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

// longQueryParams may be longer than a search term: the return path after logging in, which
// carries the query of the page it returns to.
var longQueryParams = map[string]int{"terug": 2048}

// checkQueryLengths bounds every query parameter of every API call and page before a handler
// reads it (mgz.MaxSearchLen characters): search terms go into LIKE patterns, and nothing a
// stranger types is unbounded. The answer is 422 naming the parameter.
func checkQueryLengths(r *http.Request) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	for name, vals := range r.URL.Query() {
		for _, v := range vals {
			if limit, ok := longQueryParams[name]; ok {
				if len(v) > limit {
					return mgz.Errorf(mgz.ECodeBadRequest, "Het adres is te lang. Ga naar de startpagina en probeer het opnieuw.")
				}
				continue
			}
			if err := mgz.CheckSearch(name, strings.TrimSpace(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

// errorBody is the error object of ../shared/contract.md, with a Dutch message per field added.
type errorBody struct {
	Error struct {
		Code    string        `json:"code"`
		Message string        `json:"message"`
		Fields  []string      `json:"fields"`
		Details []fieldDetail `json:"details,omitempty"`
	} `json:"error"`
}

type fieldDetail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientLeft(w, r, err) {
		return
	}
	err = timedOut(r, err)
	status := httpStatus(err)
	var body errorBody
	body.Error.Code = mgz.ErrorCode(err)
	body.Error.Message = mgz.ErrorMessage(err)
	body.Error.Fields = []string{}
	var e *mgz.Error
	if errors.As(err, &e) {
		for _, f := range e.FieldNames() {
			body.Error.Fields = append(body.Error.Fields, f)
			body.Error.Details = append(body.Error.Details, fieldDetail{f, e.Fields[f]})
		}
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	if status == http.StatusRequestEntityTooLarge {
		body.Error.Code = mgz.ECodeBadRequest
		body.Error.Message = fmt.Sprintf("Het verzoek is groter dan %d bytes. Stuur minder gegevens tegelijk.", maxBodyBytes)
	}
	if status >= http.StatusInternalServerError {
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, body)
}

// writeJSON answers v as compact JSON; indented only when the caller asked for it with
// ?pretty=1 (see prettyJSON), since indenting a list costs a fifth of its request. The answer is
// encoded into a pooled buffer first and sent with its Content-Length in one write: no chunked
// encoding, and no buffer to grow per request. If v cannot be encoded the answer has the status
// and no body, as when the encoder wrote to w directly.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := getBuffer()
	defer putBuffer(buf)
	enc := json.NewEncoder(buf)
	if wantsPretty(w) {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		buf.Reset()
	}
	writeBody(w, status, buf.Bytes())
}

// writeBody answers body as JSON with its length, in one write.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	if len(body) > 0 {
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// jsonContentType is the Content-Type of every JSON answer, shared by all of them: a header map
// replaces or appends to (cap 1 forces a copy) a value, never changes it in place.
var jsonContentType = []string{"application/json; charset=utf-8"}[:1:1]

// bufferPool holds the buffers JSON answers and request bodies are written into. A buffer that
// grew past maxPooledBuffer (a long list) is left to the garbage collector, so the pool keeps
// only what most requests need.
var bufferPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 4096)) }}

const maxPooledBuffer = 64 << 10

func getBuffer() *bytes.Buffer { return bufferPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	bufferPool.Put(b)
}

// decodeJSON reads one JSON object from the body into v. Unknown fields and wrong types are
// invalid input (422) naming the field; a body that is not JSON is a bad request (400).
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return mgz.Errorf(mgz.ECodeBadRequest, "Na het JSON-object staat nog meer tekst. Stuur precies één JSON-object.")
		}
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Eén gegeven heeft het verkeerde type.",
			Fields: map[string]string{field: fmt.Sprintf("Verwacht een waarde van type %s, niet een %s.", jsonType(typeErr.Type.Kind().String()), typeErr.Value)}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het verzoek bevat een onbekend veld. Zie /api/v1/openapi.json voor de velden.",
			Fields: map[string]string{field: "Onbekend veld."}}
	case errors.Is(err, io.EOF):
		return mgz.Errorf(mgz.ECodeBadRequest, "Het verzoek is leeg. Stuur een JSON-object.")
	}
	return mgz.Errorf(mgz.ECodeBadRequest, "Het verzoek is geen geldige JSON (%v). Controleer aanhalingstekens, komma's en haakjes.", err)
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "getal"
	case kind == "string":
		return "tekst"
	case kind == "slice":
		return "lijst"
	case kind == "bool":
		return "waar/onwaar"
	}
	return kind
}

// pathID reads the {id} of the path; an id that is no positive number is simply not found.
func pathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, mgz.Errorf(mgz.ECodeNotFound, "%s %q bestaat niet: een nummer is een positief geheel getal.", what, r.PathValue("id"))
	}
	return id, nil
}

// queryParams reads list parameters and reports every unreadable one at once.
type queryParams struct {
	v    url.Values
	errs map[string]string
}

func newQueryParams(r *http.Request) *queryParams {
	return &queryParams{v: r.URL.Query(), errs: map[string]string{}}
}

func (q *queryParams) str(name string) string { return strings.TrimSpace(q.v.Get(name)) }

func (q *queryParams) int(name string) int64 {
	s := q.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		q.errs[name] = "Verwacht een positief geheel getal."
	}
	return n
}

func (q *queryParams) bool(name string) bool {
	switch q.str(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	q.errs[name] = "Verwacht true of false."
	return false
}

func (q *queryParams) page() mgz.Page {
	p := mgz.Page{Limit: int(q.int("limit")), Offset: int(q.int("offset"))}
	if p.Limit > mgz.MaxLimit {
		q.errs["limit"] = fmt.Sprintf("Maximaal %d per pagina.", mgz.MaxLimit)
	}
	return p.Clamp()
}

func enumParam[T ~string](q *queryParams, name string, e mgz.Enum[T]) T {
	v := T(q.str(name))
	if v != "" && !e.Valid(v) {
		q.errs[name] = "Onbekende waarde. Kies een van: " + e.Codes() + "."
	}
	return v
}

func (q *queryParams) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Een zoekparameter klopt niet.", Fields: q.errs}
}

// list is the body of every list response.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
	// NextCursor continues a keyset-paged list after its last item; empty on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openAPIDoc)
	return err
}

// resource describes a register collection with the usual five endpoints: list, create, get,
// replace (PUT) and delete. A record is read with its revision as ETag; a PUT names the revision
// it was made on in If-Match (or in the body's "revision") and is refused with 409 when stale.
type resource[T any] struct {
	what   string // Dutch name for messages, e.g. "Locatie"
	path   string
	list   func(http.ResponseWriter, *http.Request) error
	reg    func(*http.Request) mgz.RegisterService
	get    func(mgz.RegisterService, context.Context, int64) (T, error)
	create func(mgz.RegisterService, context.Context, *T) error
	update func(mgz.RegisterService, context.Context, *T) error
	del    func(mgz.RegisterService, context.Context, int64) error
	id     func(*T) *int64
	rev    func(*T) *int64
	// appendJSON, when set, writes a record as encoding/json would, faster (see
	// appendLocationJSON); ok false falls back to encoding/json.
	appendJSON func(dst []byte, v *T) (out []byte, ok bool)
}

func (res resource[T]) routes() []route {
	return []route{
		{"GET", res.path, res.list},
		{"POST", res.path, res.handleCreate},
		{"GET", res.path + "/{id}", res.handleGet},
		{"PUT", res.path + "/{id}", res.handleUpdate},
		{"DELETE", res.path + "/{id}", res.handleDelete},
	}
}

func (res resource[T]) handleGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, res.what)
	if err != nil {
		return err
	}
	v, err := res.get(res.reg(r), r.Context(), id)
	if err != nil {
		return err
	}
	setETag(w, *res.rev(&v))
	if res.appendJSON != nil && !wantsPretty(w) {
		buf := getBuffer()
		defer putBuffer(buf)
		if out, ok := res.appendJSON(buf.AvailableBuffer(), &v); ok {
			writeBody(w, http.StatusOK, append(out, '\n')) // the newline json.Encoder ends with
			return nil
		}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (res resource[T]) handleCreate(w http.ResponseWriter, r *http.Request) error {
	var v T
	if err := decodeJSON(r, &v); err != nil {
		return err
	}
	*res.id(&v), *res.rev(&v) = 0, 0 // the store assigns ids and revisions
	if err := res.create(res.reg(r), r.Context(), &v); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/%d", res.path, *res.id(&v)))
	setETag(w, *res.rev(&v))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// handleUpdate replaces the record with the body; the id comes from the path, never the body.
func (res resource[T]) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, res.what)
	if err != nil {
		return err
	}
	var v T
	if err := decodeJSON(r, &v); err != nil {
		return err
	}
	*res.id(&v) = id
	rev, err := expectedRevision(r)
	if err != nil {
		return err
	}
	if rev != 0 {
		*res.rev(&v) = rev
	}
	if err := res.update(res.reg(r), r.Context(), &v); err != nil {
		return err
	}
	setETag(w, *res.rev(&v))
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (res resource[T]) handleDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, res.what)
	if err != nil {
		return err
	}
	if err := res.del(res.reg(r), r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiListOrganisations(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.OrganisationFilter{Kind: enumParam(q, "kind", mgz.OrgKinds), Query: q.str("q"), Region: q.str("region"), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	items, total, err := s.reg(r).Organisations(r.Context(), f)
	return writeList(w, items, total, f.Page, err)
}

func (s *Server) apiListLocations(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.LocationFilter{
		ProviderID:         q.int("provider_id"),
		FixedGPPracticeID:  q.int("fixed_gp_practice_id"),
		PhysicianServiceID: q.int("physician_service_id"),
		Setting:            enumParam(q, "setting", mgz.Settings),
		Sector:             enumParam(q, "sector", mgz.Sectors),
		Municipality:       q.str("municipality"),
		Query:              q.str("q"),
		WithoutFixedGP:     q.bool("without_fixed_gp"),
		WithoutFirstLine:   q.bool("without_first_line"),
		Page:               q.page(),
	}
	if err := q.err(); err != nil {
		return err
	}
	items, total, err := s.reg(r).Locations(r.Context(), f)
	return writeList(w, items, total, f.Page, err)
}

func (s *Server) apiListContactPoints(w http.ResponseWriter, r *http.Request) error {
	q := newQueryParams(r)
	f := mgz.ContactPointFilter{OrganisationID: q.int("organisation_id"), LocationID: q.int("location_id"),
		Role: enumParam(q, "role", mgz.ContactRoles), Page: q.page()}
	if err := q.err(); err != nil {
		return err
	}
	items, total, err := s.reg(r).ContactPoints(r.Context(), f)
	return writeList(w, items, total, f.Page, err)
}

func writeList[T any](w http.ResponseWriter, items []T, total int, p mgz.Page, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset})
	return nil
}
