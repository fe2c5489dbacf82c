package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// sessionCookie holds the session's secret; the store keeps only its hash.
const sessionCookie = "mgz_sessie"

type ctxKey int

// authKey holds the request's signedIn: the actor and how it was authenticated, in one value
// so the context grows by one link per request.
const authKey ctxKey = 0

type signedIn struct {
	actor mgz.Actor
	info  authInfo
}

// authInfo is how the request was authenticated.
type authInfo struct {
	secret string // the session cookie's secret; empty for a bearer token
	csrf   string
}

func actorOf(r *http.Request) mgz.Actor {
	if si, ok := r.Context().Value(authKey).(*signedIn); ok {
		return si.actor
	}
	return mgz.Actor{}
}

func authOf(r *http.Request) authInfo {
	if si, ok := r.Context().Value(authKey).(*signedIn); ok {
		return si.info
	}
	return authInfo{}
}

// reg is the register as the request's actor may use it.
func (s *Server) reg(r *http.Request) mgz.RegisterService { return s.cfg.Service.Register(actorOf(r)) }

// settings are the region's settings as the request's actor may use them.
func (s *Server) settings(r *http.Request) mgz.SettingsService {
	return s.cfg.Service.Settings(actorOf(r))
}

// clientAddress is the address of the peer, for throttling and the audit log. Behind a reverse
// proxy this is the proxy: see the note in the README.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// public paths need no session: the login page, health checks and static assets.
func public(path string) bool {
	switch {
	case path == "/inloggen", path == "/healthz", path == "/readyz", strings.HasPrefix(path, "/static/"):
		return true
	}
	return false
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// authenticate puts the actor of a bearer token or session cookie in the request's context, and
// turns away every other request to a non-public path: 401 for the API, the login page otherwise.
// Cookie-authenticated requests that change something must carry the session's CSRF token.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if public(r.URL.Path) {
			if r.URL.Path == "/inloggen" && r.Method == http.MethodPost {
				// Whoever is not signed in may send no more than a login form holds.
				r.Body = http.MaxBytesReader(w, r.Body, maxLoginBodyBytes)
			}
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		addr := clientAddress(r)
		var a mgz.Actor
		var info authInfo
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				// Audited like any failed bearer authentication (the header itself is not kept).
				if _, err := s.cfg.Service.AuthenticateToken(ctx, "", addr); mgz.ErrorCode(err) != mgz.ECodeUnauthenticated {
					s.fail(w, r, err)
					return
				}
				s.unauthenticated(w, r, mgz.Errorf(mgz.ECodeUnauthenticated, "Gebruik Authorization: Bearer <token>."))
				return
			}
			a, err = s.cfg.Service.AuthenticateToken(ctx, strings.TrimSpace(token), addr)
		} else {
			c, cerr := r.Cookie(sessionCookie)
			if cerr != nil {
				s.unauthenticated(w, r, service.ErrNoSession)
				return
			}
			var sess mgz.Session
			a, sess, err = s.cfg.Service.Authenticate(ctx, c.Value, addr)
			info = authInfo{secret: c.Value, csrf: sess.CSRFToken}
		}
		if err != nil {
			if mgz.ErrorCode(err) == mgz.ECodeUnauthenticated {
				s.clearCookie(w, r)
				s.unauthenticated(w, r, err)
				return
			}
			s.fail(w, r, timedOut(r, err)) // e.g. 503 when the storage fails or the deadline passed, never a plain-text 500
			return
		}
		if info.secret != "" && !safeMethod(r.Method) && s.refuseOversizedForm(w, r) {
			return
		}
		if info.secret != "" && !safeMethod(r.Method) && !s.csrfOK(r, info.csrf) {
			s.log.Warn("CSRF token missing or wrong", "method", r.Method, "path", r.URL.Path, "user_id", a.User.ID)
			s.forbidden(w, r, "Het formulier is verlopen of kwam niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.")
			return
		}
		// A one-time password must be replaced before the website can be used; an API token is
		// its own credential, so a script account need never sign in to the website.
		if info.secret != "" && a.User.MustChangePassword && r.URL.Path != "/account/wachtwoord" && r.URL.Path != "/uitloggen" {
			if isAPI(r) || isFHIR(r) {
				s.fail(w, r, mgz.Errorf(mgz.ECodeForbidden, "Kies eerst een eigen wachtwoord via de website (Mijn account)."))
				return
			}
			http.Redirect(w, r, "/account/wachtwoord", http.StatusSeeOther)
			return
		}
		// What a signed-in user sees stays out of shared and browser caches, so that the back
		// button after logging out shows nothing.
		w.Header()["Cache-Control"] = noStore
		if rc, ok := ctx.(*requestContext); ok && rc.signIn(signedIn{actor: a, info: info}) {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, authKey, &signedIn{actor: a, info: info})))
	})
}

// noStore is the Cache-Control value of every signed-in answer (shared; see jsonContentType).
var noStore = []string{"no-store"}[:1:1]

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// csrfOK checks the synchronizer token: a form field for pages, a header for scripts.
func (s *Server) csrfOK(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, err error) {
	if isFHIR(r) {
		s.writeFHIRError(w, r, err) // 401 with WWW-Authenticate, as an OperationOutcome
		return
	}
	if isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mgz"`)
		s.writeAPIError(w, r, err)
		return
	}
	to := "/inloggen"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		to += "?terug=" + url.QueryEscape(r.URL.RequestURI())
	}
	if err == service.ErrSessionExpired {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "melding=verlopen"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	err := mgz.Errorf(mgz.ECodeForbidden, "%s", msg)
	if isFHIR(r) {
		s.writeFHIRError(w, r, err)
		return
	}
	if isAPI(r) {
		s.writeAPIError(w, r, err)
		return
	}
	s.render(w, r, http.StatusForbidden, "error", pageData{Title: "Geen toegang", Problem: msg})
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.cfg.SecureCookies})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || s.cfg.SecureCookies})
}

// localPath accepts only a path on this site as a place to return to after login.
func localPath(p string) string {
	// Browsers drop tabs and newlines and read a backslash as a slash, so "/\t/evil.example"
	// would become "//evil.example": refuse every control character and backslash.
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") || p == "/inloggen" {
		return "/"
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	return p
}

type loginData struct {
	Return string
}

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, _, err := s.cfg.Service.Authenticate(r.Context(), c.Value, clientAddress(r)); err == nil {
			http.Redirect(w, r, localPath(r.URL.Query().Get("terug")), http.StatusSeeOther)
			return nil
		}
	}
	s.render(w, r, http.StatusOK, "login", pageData{Title: "Inloggen", Data: loginData{Return: localPath(r.URL.Query().Get("terug"))},
		Form: Form{Values: url.Values{}}})
	return nil
}

// maxLoginBodyBytes bounds the body of the login form: an e-mail address, a password of at most
// 256 characters and the page to return to fit in a few KB; nobody signed in sends more.
const maxLoginBodyBytes = 8 << 10

func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || r.ContentLength > maxLoginBodyBytes {
			// The connection is closed after this answer: the rest of the body is not read.
			s.render(w, r, http.StatusRequestEntityTooLarge, "login", pageData{Title: "Inloggen",
				Problem: "Het formulier is te groot om te verwerken. Vul alleen uw e-mailadres en wachtwoord in en probeer het opnieuw.",
				Data:    loginData{Return: "/"}, Form: Form{Values: url.Values{}}})
			return nil
		}
		return errUnreadableForm
	}
	back := localPath(r.PostForm.Get("terug"))
	in, err := s.cfg.Service.Login(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"), clientAddress(r))
	if mgz.ErrorCode(err) == mgz.ECodeUnauthenticated {
		v := url.Values{"email": {r.PostForm.Get("email")}}
		s.render(w, r, http.StatusUnauthorized, "login", pageData{Title: "Inloggen", Problem: mgz.ErrorMessage(err),
			Data: loginData{Return: back}, Form: Form{Values: v}})
		return nil
	}
	if err != nil {
		return err
	}
	s.setCookie(w, r, in.Secret)
	if in.Actor.User.MustChangePassword {
		back = "/account/wachtwoord"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) error {
	if secret := authOf(r).secret; secret != "" {
		if err := s.cfg.Service.Logout(r.Context(), actorOf(r), secret); err != nil {
			return err
		}
	}
	s.clearCookie(w, r)
	redirect(w, r, "/inloggen", "uitgelogd")
	return nil
}
