// Package web is mgz's HTTP adapter: the JSON API under /api/v1/ and the server-rendered Dutch
// pages, with templates and assets embedded in the binary. It never writes SQL: everything goes
// through the service interfaces of package mgz.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/rules"
	"github.com/regio-mgz/mgz/service"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// maxBodyBytes bounds every request body: register records are small.
const maxBodyBytes = 1 << 20

// Config wires a Server to its services.
type Config struct {
	// Service is the one way in to the data: policy, audit and store.
	Service *service.Service
	// Enrich adds the register's contacts to decisions about a location (package directory).
	Enrich rules.Enricher
	// Resolver answers decisions about a client (patient_id) or a location from the register
	// (directory.Directory.Resolver); the server gives it a reader of clients for the signed-in
	// user, so every client read passes the access policy and is audited.
	Resolver func(directory.PatientReader) rules.Resolver
	// SecureCookies marks the session cookie Secure even when TLS ends before mgz (a proxy);
	// requests that arrive over TLS always get a Secure cookie.
	SecureCookies bool
	Logger        *slog.Logger
	Version       string
	// MailEnabled says whether an SMTP server is configured: without one the outbox waits, and
	// the admins' e-mail page says so.
	MailEnabled bool
	// RequestTimeout bounds every request (0: DefaultRequestTimeout): its context ends then,
	// which stops its queries, and it is answered 503 with a Dutch message.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout is the deadline of a request when Config.RequestTimeout is not set.
const DefaultRequestTimeout = 30 * time.Second

// Server serves the API and the pages.
type Server struct {
	cfg   Config
	log   *slog.Logger
	mux   *http.ServeMux
	pages map[string]*template.Template
	// engines holds the rules engine of the latest settings (decide.go).
	engines atomic.Pointer[engineCache]
}

// New returns a Server for cfg, with its templates parsed.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("web: Config.Service is nil")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux()}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	for _, rt := range s.apiRoutes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.api(rt.Handler))
	}
	for _, rt := range s.pageRoutes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.page(pastDeadline(rt.Handler)))
	}
	s.registerFHIR()
	static, _ := fs.Sub(staticFiles, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	// Readiness: 503 while the database does not answer or cannot take writes (a full disk, a
	// read-only or corrupt file); it turns 200 again by itself once writes succeed.
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Service.Ping(ctx); err != nil {
			s.log.Error("readiness check failed", "err", err)
			w.Header().Set("Retry-After", retryAfterSeconds)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "niet gereed: de database kan nu niet schrijven of antwoordt niet")
			return
		}
		fmt.Fprintln(w, "ok")
	})
	s.mux.Handle(apiCatchAll, s.api(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.methodNotAllowed(w, r, apiCatchAll); err != nil {
			return err
		}
		return mgz.Errorf(mgz.ECodeNotFound, "Onbekend API-adres %s %s. Zie /api/v1/openapi.json voor de adressen die er zijn.", r.Method, r.URL.Path)
	}))
	s.mux.Handle(pageCatchAll, s.page(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.methodNotAllowed(w, r, pageCatchAll); err != nil {
			return err
		}
		return mgz.Errorf(mgz.ECodeNotFound, "Deze pagina bestaat niet. Ga naar de startpagina of gebruik het menu.")
	}))
}

// The catch-all patterns answer paths no route claims. ServeMux would answer a known path with
// a wrong method 405 itself, but these patterns match every method first; methodNotAllowed
// restores that answer.
const (
	apiCatchAll  = "/api/"
	pageCatchAll = "/"
)

// codeMethodNotAllowed is the error code of a known path asked with a method it does not take
// (HTTP 405, with an Allow header listing the methods it does take).
const codeMethodNotAllowed = "method_not_allowed"

// methods are the methods a route of mgz may take; HEAD comes with GET.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// methodNotAllowed returns the 405 error, and sets Allow, when r's path is a route for other
// methods than r's: the mux would send r to a route other than catchAll if only its method
// differed. It returns nil for a path that no route claims.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, catchAll string) error {
	var allow []string
	for _, m := range methods {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != catchAll && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		return nil
	}
	list := strings.Join(allow, ", ")
	w.Header().Set("Allow", list)
	if isAPI(r) {
		return mgz.Errorf(codeMethodNotAllowed, "%s kan niet op %s. Dit adres neemt alleen %s; zie /api/v1/openapi.json.", r.Method, r.URL.Path, list)
	}
	return mgz.Errorf(codeMethodNotAllowed, "Deze pagina kan zo niet gebruikt worden (%s). Ga terug, laad de pagina opnieuw en gebruik de knoppen en formulieren op de pagina.", r.Method)
}

// Handler returns the server's handler with its middleware: panic recovery, request logging,
// security headers, cross-origin protection for state-changing requests, and a body size limit.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.authenticate(h)
	h = limitBodies(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path)
		s.fail(w, r, mgz.Errorf(mgz.ECodeForbidden, "Dit verzoek komt van een andere website en is geweigerd. Gebruik het formulier op deze site."))
	}))
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.withDeadline(h)
	h = prettyJSON(h)
	h = s.logRequests(h)
	return h
}

// withDeadline gives every request a deadline (Config.RequestTimeout): a query still running
// then is interrupted, and the request is answered 503 (see pastDeadline). A client that leaves
// ends the request's context as well, with the same effect on its queries.
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(&requestContext{Context: ctx}))
	})
}

// requestContext is the context a request runs in from withDeadline on: its deadline, and who
// is signed in once authenticate has found out (signIn). Holding both in one value saves
// authenticate a value context, a signedIn and a copy of the request per request.
type requestContext struct {
	context.Context
	signedIn signedIn
	set      bool
}

// signIn records who is signed in; false when the context already holds someone (a request
// authenticated twice: the caller then adds a context of its own).
func (c *requestContext) signIn(si signedIn) bool {
	if c.set {
		return false
	}
	c.signedIn, c.set = si, true
	return true
}

// Value answers authKey with the signedIn once there is one, as context.WithValue would.
func (c *requestContext) Value(key any) any {
	if c.set && key == any(authKey) {
		return &c.signedIn
	}
	return c.Context.Value(key)
}

// statusClientClosedRequest is logged for a request whose client left before the answer (the
// code nginx uses); nobody receives it.
const statusClientClosedRequest = 499

// clientLeft reports whether err only says that the request's client went away (its context
// was cancelled by the server because the connection closed). That is no failure of mgz: it is
// logged as information with status 499, not as an error, and no answer is written.
func (s *Server) clientLeft(w http.ResponseWriter, r *http.Request, err error) bool {
	// The client is gone when its request's context is canceled, whatever error that caused on
	// the way: context.Canceled from SQLite, or PostgreSQL's query_canceled (57014) when pgx
	// cancelled the statement on the server.
	if err == nil || !errors.Is(r.Context().Err(), context.Canceled) {
		return false
	}
	s.log.Info("client left before the answer", "method", r.Method, "path", r.URL.Path, "err", err)
	w.WriteHeader(statusClientClosedRequest)
	return true
}

// codeTimeout is the error code of a request that passed its deadline (HTTP 503 with
// Retry-After).
const codeTimeout = "timeout"

// errDeadline is the answer to a request past its deadline.
var errDeadline = mgz.Errorf(codeTimeout, "Het verzoek duurde te lang en is afgebroken; er is niets gewijzigd dat niet is afgerond. "+
	"Probeer het over enkele ogenblikken opnieuw, of vraag minder tegelijk op (een kleinere pagina of een nauwere zoekopdracht).")

// deadlineError is err of a request past its deadline: the Dutch answer for people (an
// *mgz.Error in its chain) and the original error for the log and for errors.Is.
type deadlineError struct{ err error }

func (e deadlineError) Error() string   { return errDeadline.Message + " (" + e.err.Error() + ")" }
func (e deadlineError) Unwrap() []error { return []error{errDeadline, e.err} }

// timedOut returns err as a deadlineError when the request's deadline has passed.
func timedOut(r *http.Request, err error) error {
	if err == nil {
		return nil
	}
	var d deadlineError
	if errors.As(err, &d) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		return deadlineError{err}
	}
	return err
}

// pastDeadline turns a page handler's error after the request's deadline into the 503 answer.
func pastDeadline(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error { return timedOut(r, h(w, r)) }
}

// prettyJSON marks the response of a request with ?pretty=1 (or FHIR's _pretty=true) for
// indented JSON; every other JSON answer is compact.
func prettyJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" && strings.Contains(r.URL.RawQuery, "pretty") {
			q := r.URL.Query()
			if p := q.Get("pretty"); p == "1" || p == "true" || q.Get("_pretty") == "true" {
				w = prettyWriter{w}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// prettyWriter is the response writer of a request that asked for indented JSON.
type prettyWriter struct{ http.ResponseWriter }

// Unwrap lets http.ResponseController reach the writer underneath.
func (p prettyWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// wantsPretty reports whether w, or a writer it wraps, is a prettyWriter.
func wantsPretty(w http.ResponseWriter) bool {
	for {
		switch x := w.(type) {
		case prettyWriter:
			return true
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return false
		}
	}
}

// securityHeaders sets the headers every answer carries. Their values are shared slices (see
// jsonContentType): setting them is then a map assignment without allocations.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.TLS != nil || s.cfg.SecureCookies {
			h["Strict-Transport-Security"] = hstsValue
		}
		h["Content-Security-Policy"] = cspValue
		h["X-Content-Type-Options"] = nosniffValue
		h["X-Frame-Options"] = denyValue
		h["Referrer-Policy"] = sameOriginValue
		next.ServeHTTP(w, r)
	})
}

var (
	hstsValue = []string{"max-age=31536000"}[:1:1]
	cspValue  = []string{"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}[:1:1]
	nosniffValue    = []string{"nosniff"}[:1:1]
	denyValue       = []string{"DENY"}[:1:1]
	sameOriginValue = []string{"same-origin"}[:1:1]
)

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// logRequests logs each request's method, path (never the query: it may hold search terms that
// name people), status and duration, and turns a panic into a 500.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic while serving", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					s.fail(rec, r, errors.New("panic")) // the JSON error object or a Dutch page, as for any 500
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			// LogAttrs with typed attributes: no boxing of each value in an interface, and
			// nothing to build when the level is off.
			if ctx := r.Context(); s.log.Enabled(ctx, level) {
				s.log.LogAttrs(ctx, level, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
					slog.Int64("duration_ms", time.Since(start).Milliseconds()))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// httpStatus maps a domain error code to its HTTP status.
func httpStatus(err error) int {
	switch mgz.ErrorCode(err) {
	case mgz.ECodeInvalid:
		return http.StatusUnprocessableEntity
	case mgz.ECodeBadRequest:
		return http.StatusBadRequest
	case mgz.ECodeNotFound:
		return http.StatusNotFound
	case mgz.ECodeConflict:
		return http.StatusConflict
	case mgz.ECodeForbidden, mgz.ECodeBreakGlass:
		return http.StatusForbidden
	case mgz.ECodeUnauthenticated:
		return http.StatusUnauthorized
	case mgz.ECodeTooManyRequests:
		return http.StatusTooManyRequests
	case mgz.ECodeStorageUnavailable:
		return http.StatusServiceUnavailable
	case codeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case codeTimeout:
		return http.StatusServiceUnavailable
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}
