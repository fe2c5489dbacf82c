package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/audit"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

// testPassword is every test user's password.
const testPassword = "paard batterij nietje correct"

// fixture is a service over a fresh database with three organisations, a clock the test moves,
// and a check of the audit log's hash chain when the test ends.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	db       *sqlstore.DB
	s        *Service
	clock    time.Time
	rho      mgz.Organisation
	practice mgz.Organisation
	provider mgz.Organisation
	n        int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, ctx: ctx, db: db, clock: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.s = New(db.Store(), Config{SessionIdle: 30 * time.Minute, SessionMax: 12 * time.Hour,
		Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	f.s.now = func() time.Time { return f.clock }
	f.rho = f.org(mgz.KindRegionalGPOrg, "Huisartsen Testregio (RHO)", "")
	f.practice = f.org(mgz.KindGPPractice, "Huisartsenpraktijk De Linde", "01000001")
	f.provider = f.org(mgz.KindCareProvider, "Zorggroep Noord", "")
	// Registered after db.Close, so it runs before it: every test leaves a chain that verifies.
	t.Cleanup(func() {
		n, err := db.Store().AuditLog().Verify(ctx)
		if err != nil {
			t.Errorf("audit log's hash chain does not verify after %d entries: %v", n, err)
		}
	})
	return f
}

// org creates an organisation in the store directly, without the policy or an audit entry.
func (f *fixture) org(kind mgz.OrgKind, name, agb string) mgz.Organisation {
	f.t.Helper()
	f.n++
	o := mgz.Organisation{Kind: kind, Name: name, AGB: agb, KvK: fmt.Sprintf("770000%02d", f.n), Address: "Regioweg 1",
		Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := f.db.Register().CreateOrganisation(f.ctx, &o); err != nil {
		f.t.Fatalf("creating organisation %s: %v", name, err)
	}
	return o
}

// user creates an account of org with testPassword and returns it with its actor.
func (f *fixture) user(org mgz.Organisation, roles ...mgz.UserRole) (mgz.User, mgz.Actor) {
	f.t.Helper()
	f.n++
	u, _, err := f.s.CreateUser(f.ctx, System(), NewUser{OrganisationID: org.ID, Email: fmt.Sprintf("gebruiker%d@test.example", f.n),
		Name: fmt.Sprintf("Gebruiker %d", f.n), Roles: roles, Password: testPassword})
	if err != nil {
		f.t.Fatalf("creating user of %s: %v", org.Name, err)
	}
	return u, f.actor(u)
}

func (f *fixture) actor(u mgz.User) mgz.Actor {
	f.t.Helper()
	a, err := f.s.actorFor(f.ctx, u, "192.0.2.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *fixture) storedUser(id int64) mgz.User {
	f.t.Helper()
	u, err := f.db.Store().Accounts().User(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// entries returns the whole audit log, oldest first.
func (f *fixture) entries() []mgz.AuditEntry {
	f.t.Helper()
	var out []mgz.AuditEntry
	err := f.db.Store().AuditLog().Each(f.ctx, mgz.AuditFilter{}, func(e mgz.AuditEntry) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// since returns the entries appended after the log held n entries.
func (f *fixture) since(n int) []mgz.AuditEntry {
	f.t.Helper()
	all := f.entries()
	if len(all) < n {
		f.t.Fatalf("audit log shrank from %d to %d entries", n, len(all))
	}
	return all[n:]
}

// oneEntry fails unless exactly one entry was appended after the log held n entries, and returns it.
func (f *fixture) oneEntry(n int) mgz.AuditEntry {
	f.t.Helper()
	es := f.since(n)
	if len(es) != 1 {
		f.t.Fatalf("want exactly 1 new audit entry, got %d: %+v", len(es), es)
	}
	return es[0]
}

// snapshot is everything a change could touch, to compare before and after a refused change.
func (f *fixture) snapshot() string {
	f.t.Helper()
	all := mgz.Page{Limit: mgz.MaxLimit}
	orgs, _, err1 := f.db.Register().Organisations(f.ctx, mgz.OrganisationFilter{Page: all})
	locs, _, err2 := f.db.Register().Locations(f.ctx, mgz.LocationFilter{Page: all})
	cps, _, err3 := f.db.Register().ContactPoints(f.ctx, mgz.ContactPointFilter{Page: all})
	users, _, err4 := f.db.Store().Accounts().Users(f.ctx, mgz.UserFilter{Page: all})
	cs, err5 := f.db.Store().Settings().CalendarSettings(f.ctx)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		f.t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"organisations": orgs, "locations": locs, "contact_points": cps, "users": users,
		"settings": fmt.Sprintf("%+v", cs)})
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *fixture) location(providerID int64, name string) mgz.Location {
	f.t.Helper()
	l := mgz.Location{ProviderID: providerID, Name: name, Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 12}
	if err := f.db.Register().CreateLocation(f.ctx, &l); err != nil {
		f.t.Fatalf("creating location %s: %v", name, err)
	}
	return l
}

func (f *fixture) contactPoint(orgID, locID *int64) mgz.ContactPoint {
	f.t.Helper()
	c := mgz.ContactPoint{OrganisationID: orgID, LocationID: locID, Role: mgz.RoleReception, Name: "Receptie",
		Phone: "0120 555001", Hours: mgz.HoursOffice}
	if err := f.db.Register().CreateContactPoint(f.ctx, &c); err != nil {
		f.t.Fatalf("creating contact point: %v", err)
	}
	return c
}

// wantCode fails unless err is an *mgz.Error with code (and, if field is set, naming field).
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error with code %s, got nil", code)
	}
	var e *mgz.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want error with code %s, got %v (code %s)", code, err, mgz.ErrorCode(err))
	}
	if field != "" {
		if _, ok := e.Fields[field]; !ok {
			t.Fatalf("want field %q named in %v, got fields %v", field, err, e.FieldNames())
		}
	}
}

// wantLoginRefused fails unless err is ErrLogin itself, with its one message.
func wantLoginRefused(t *testing.T, in SignedIn, err error) {
	t.Helper()
	if !errors.Is(err, ErrLogin) {
		t.Fatalf("want ErrLogin, got %v", err)
	}
	if mgz.ErrorCode(err) != mgz.ECodeUnauthenticated || mgz.ErrorMessage(err) != ErrLogin.Message || err.Error() != ErrLogin.Error() {
		t.Fatalf("refused login answers %q (%s), want the one message %q", err.Error(), mgz.ErrorCode(err), ErrLogin.Error())
	}
	if in.Secret != "" || in.CSRF != "" || in.Actor.User.ID != 0 {
		t.Fatalf("refused login still returned a session: %+v", in)
	}
}

func TestLoginStartsASessionAndIsAudited(t *testing.T) {
	f := newFixture(t)
	u, _ := f.user(f.practice, mgz.RoleEditor)
	n := len(f.entries())
	in, err := f.s.Login(f.ctx, "  "+strings.ToUpper(u.Email)+" ", testPassword, "192.0.2.10")
	if err != nil {
		t.Fatalf("Login with the right password: %v", err)
	}
	if in.Secret == "" || in.CSRF == "" {
		t.Fatalf("Login returned no session secret or CSRF token: %+v", in)
	}
	if in.Actor.User.ID != u.ID || in.Actor.OrgKind != mgz.KindGPPractice || in.Actor.Address != "192.0.2.10" {
		t.Fatalf("Login actor = %+v, want user %d of a GP practice from 192.0.2.10", in.Actor, u.ID)
	}
	e := f.oneEntry(n)
	if e.Action != mgz.AuditLogin || e.Outcome != mgz.OutcomeAllowed || e.UserID != u.ID || e.OrganisationID != f.practice.ID ||
		e.ClientAddress != "192.0.2.10" {
		t.Fatalf("login entry = %+v, want action login, allowed, user %d of organisation %d from 192.0.2.10", e, u.ID, f.practice.ID)
	}
	a, sess, err := f.s.Authenticate(f.ctx, in.Secret, "192.0.2.10")
	if err != nil || a.User.ID != u.ID || sess.CSRFToken != in.CSRF {
		t.Fatalf("Authenticate(new session) = user %d, csrf %q, %v; want user %d, csrf %q", a.User.ID, sess.CSRFToken, err, u.ID, in.CSRF)
	}
	if got := f.storedUser(u.ID); got.LastLoginAt == nil || !got.LastLoginAt.Equal(f.clock) {
		t.Fatalf("last login = %v, want %v", got.LastLoginAt, f.clock)
	}
}

func TestEveryFailedLoginGetsTheSameAnswerAndALoginFailedEntry(t *testing.T) {
	f := newFixture(t)
	active, _ := f.user(f.practice, mgz.RoleViewer)
	disabled, _ := f.user(f.practice, mgz.RoleViewer)
	disabled.Disabled = true
	if err := f.s.UpdateUser(f.ctx, System(), &disabled); err != nil {
		t.Fatal(err)
	}
	const wrong = "dit is het verkeerde wachtwoord"
	cases := []struct {
		name, email, password string
		userID                int64
	}{
		{"wrong password", active.Email, wrong, active.ID},
		{"unknown account", "niemand@test.example", testPassword, 0},
		{"disabled account with the right password", disabled.Email, testPassword, disabled.ID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(f.entries())
			in, err := f.s.Login(f.ctx, c.email, c.password, "192.0.2.20")
			wantLoginRefused(t, in, err)
			e := f.oneEntry(n)
			if e.Action != mgz.AuditLoginFailed || e.Outcome != mgz.OutcomeDenied || e.UserEmail != c.email ||
				e.UserID != c.userID || e.ClientAddress != "192.0.2.20" || e.Reason == "" {
				t.Fatalf("entry = %+v, want login_failed, denied, %s (user %d) from 192.0.2.20 with a reason", e, c.email, c.userID)
			}
		})
	}
	t.Run("no audit entry holds a password", func(t *testing.T) {
		for _, e := range f.entries() {
			b, _ := json.Marshal(e)
			for _, pw := range []string{testPassword, wrong} {
				if strings.Contains(string(b), pw) {
					t.Errorf("audit entry %d holds a password: %s", e.ID, b)
				}
			}
		}
	})
}

func TestFiveWrongPasswordsBlockTheAccountEvenWithTheRightPassword(t *testing.T) {
	f := newFixture(t)
	u, _ := f.user(f.practice, mgz.RoleViewer)
	other, _ := f.user(f.practice, mgz.RoleViewer)
	for i := range 5 {
		in, err := f.s.Login(f.ctx, u.Email, fmt.Sprintf("verkeerd wachtwoord %d", i), "192.0.2.30")
		wantLoginRefused(t, in, err)
	}
	// A minute on, so that the address's window of failures written in full has closed.
	f.clock = f.clock.Add(failureWindow)
	for _, addr := range []string{"192.0.2.30", "192.0.2.31"} {
		n := len(f.entries())
		in, err := f.s.Login(f.ctx, u.Email, testPassword, addr)
		wantLoginRefused(t, in, err)
		if e := f.oneEntry(n); e.Action != mgz.AuditLoginFailed || e.UserID != u.ID {
			t.Fatalf("throttled login from %s wrote %+v, want a login_failed entry for user %d", addr, e, u.ID)
		}
	}
	// The block is the account's: another account signs in from the same address.
	if _, err := f.s.Login(f.ctx, other.Email, testPassword, "192.0.2.30"); err != nil {
		t.Fatalf("another account from the same address: %v, want signed in", err)
	}
}

func TestTwentyFailuresFromOneAddressBlockThatAddressOnly(t *testing.T) {
	f := newFixture(t)
	u1, _ := f.user(f.practice, mgz.RoleViewer)
	u2, _ := f.user(f.provider, mgz.RoleViewer)
	const attacker, elsewhere = "203.0.113.66", "203.0.113.67"
	// Every attempt names another e-mail address, so no single account reaches its own limit.
	for i := range 19 {
		in, err := f.s.Login(f.ctx, fmt.Sprintf("onbekend%d@test.example", i), testPassword, attacker)
		wantLoginRefused(t, in, err)
	}
	if _, err := f.s.Login(f.ctx, u2.Email, testPassword, attacker); err != nil {
		t.Fatalf("after 19 failures from an address, a right password from it: %v, want signed in", err)
	}
	in, err := f.s.Login(f.ctx, "onbekend19@test.example", testPassword, attacker)
	wantLoginRefused(t, in, err)

	for _, u := range []mgz.User{u1, u2} {
		in, err := f.s.Login(f.ctx, u.Email, testPassword, attacker)
		wantLoginRefused(t, in, err)
	}
	if _, err := f.s.Login(f.ctx, u1.Email, testPassword, elsewhere); err != nil {
		t.Fatalf("right password from another address: %v, want signed in", err)
	}
}

func TestSessions(t *testing.T) {
	f := newFixture(t)
	u, _ := f.user(f.practice, mgz.RoleEditor)
	login := func(t *testing.T) SignedIn {
		t.Helper()
		in, err := f.s.Login(f.ctx, u.Email, testPassword, "192.0.2.40")
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	authenticate := func(secret string) error {
		_, _, err := f.s.Authenticate(f.ctx, secret, "192.0.2.40")
		return err
	}

	t.Run("no or an unknown secret is no session", func(t *testing.T) {
		for _, secret := range []string{"", "onbekend-geheim"} {
			if err := authenticate(secret); !errors.Is(err, ErrNoSession) {
				t.Errorf("Authenticate(%q) = %v, want ErrNoSession", secret, err)
			}
		}
	})
	t.Run("idle timeout ends the session", func(t *testing.T) {
		in := login(t)
		f.clock = f.clock.Add(f.s.cfg.SessionIdle - time.Minute)
		if err := authenticate(in.Secret); err != nil {
			t.Fatalf("just within the idle timeout: %v", err)
		}
		f.clock = f.clock.Add(f.s.cfg.SessionIdle + time.Second)
		if err := authenticate(in.Secret); !errors.Is(err, ErrSessionExpired) {
			t.Fatalf("past the idle timeout: %v, want ErrSessionExpired", err)
		}
		if err := authenticate(in.Secret); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after expiry: %v, want ErrNoSession (the session was ended)", err)
		}
	})
	t.Run("absolute timeout ends a session that is used all the time", func(t *testing.T) {
		in := login(t)
		step := f.s.cfg.SessionIdle / 2
		for elapsed := step; elapsed <= f.s.cfg.SessionMax; elapsed += step {
			f.clock = f.clock.Add(step)
			if err := authenticate(in.Secret); err != nil {
				t.Fatalf("%v after login, used every %v: %v", elapsed, step, err)
			}
		}
		f.clock = f.clock.Add(step)
		if err := authenticate(in.Secret); !errors.Is(err, ErrSessionExpired) {
			t.Fatalf("past the absolute timeout of %v: %v, want ErrSessionExpired", f.s.cfg.SessionMax, err)
		}
	})
	t.Run("logout ends the session and is audited", func(t *testing.T) {
		in := login(t)
		n := len(f.entries())
		if err := f.s.Logout(f.ctx, in.Actor, in.Secret); err != nil {
			t.Fatal(err)
		}
		if e := f.oneEntry(n); e.Action != mgz.AuditLogout || e.UserID != u.ID {
			t.Fatalf("logout entry = %+v, want action logout of user %d", e, u.ID)
		}
		if err := authenticate(in.Secret); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after logout: %v, want ErrNoSession", err)
		}
	})
	t.Run("disabling a user ends their sessions", func(t *testing.T) {
		in := login(t)
		d := f.storedUser(u.ID)
		d.Disabled = true
		if err := f.s.UpdateUser(f.ctx, System(), &d); err != nil {
			t.Fatal(err)
		}
		if err := authenticate(in.Secret); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session of a disabled user: %v, want ErrNoSession", err)
		}
	})
}

func TestTokens(t *testing.T) {
	f := newFixture(t)
	_, a := f.user(f.practice, mgz.RoleViewer)
	newToken := func(t *testing.T, a mgz.Actor) (mgz.APIToken, string) {
		t.Helper()
		tok, secret, err := f.s.CreateToken(f.ctx, a, a.User.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		return tok, secret
	}

	t.Run("a token authenticates its user", func(t *testing.T) {
		_, secret := newToken(t, a)
		got, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.50")
		if err != nil || got.User.ID != a.User.ID || got.OrgKind != mgz.KindGPPractice {
			t.Fatalf("AuthenticateToken = user %d (%s), %v; want user %d of a GP practice", got.User.ID, got.OrgKind, err, a.User.ID)
		}
	})
	t.Run("unknown and malformed tokens fail", func(t *testing.T) {
		for _, secret := range []string{"", "geen-token", auth.NewToken()} {
			if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.50"); !errors.Is(err, ErrBadToken) {
				t.Errorf("AuthenticateToken(%q) = %v, want ErrBadToken", secret, err)
			}
		}
	})
	t.Run("a revoked token fails", func(t *testing.T) {
		tok, secret := newToken(t, a)
		n := len(f.entries())
		if err := f.s.RevokeToken(f.ctx, a, tok.ID); err != nil {
			t.Fatal(err)
		}
		if e := f.oneEntry(n); e.Action != mgz.AuditDelete || e.ObjectType != "api_token" || e.ObjectID != tok.ID || e.Outcome != mgz.OutcomeAllowed {
			t.Fatalf("revoke entry = %+v, want delete of api_token %d, allowed", e, tok.ID)
		}
		if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.50"); !errors.Is(err, ErrBadToken) {
			t.Fatalf("revoked token: %v, want ErrBadToken", err)
		}
	})
	t.Run("a token of a disabled user fails", func(t *testing.T) {
		_, b := f.user(f.practice, mgz.RoleViewer)
		_, secret := newToken(t, b)
		u := f.storedUser(b.User.ID)
		u.Disabled = true
		if err := f.s.UpdateUser(f.ctx, System(), &u); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.50"); !errors.Is(err, ErrBadToken) {
			t.Fatalf("token of a disabled user: %v, want ErrBadToken", err)
		}
	})
}

func TestRevokingSomeoneElsesTokenIsNotFoundAndAuditedAsDenied(t *testing.T) {
	f := newFixture(t)
	_, owner := f.user(f.practice, mgz.RoleViewer)
	tok, secret, err := f.s.CreateToken(f.ctx, owner, owner.User.ID, "script")
	if err != nil {
		t.Fatal(err)
	}
	_, colleagueAdmin := f.user(f.practice, mgz.RoleAdmin)
	_, stranger := f.user(f.provider, mgz.RoleAdmin)
	_, rhoAdmin := f.user(f.rho, mgz.RoleAdmin)
	// What a caller is told about a token that does not exist at all.
	missing := f.s.RevokeToken(f.ctx, stranger, tok.ID+1000)
	wantCode(t, missing, mgz.ECodeNotFound, "")

	for _, c := range []struct {
		name string
		a    mgz.Actor
	}{{"admin of the owner's organisation", colleagueAdmin}, {"admin of another organisation", stranger}, {"admin of the RHO", rhoAdmin}} {
		a := c.a
		t.Run(c.name, func(t *testing.T) {
			n := len(f.entries())
			err := f.s.RevokeToken(f.ctx, a, tok.ID)
			wantCode(t, err, mgz.ECodeNotFound, "")
			if mgz.ErrorMessage(err) != mgz.ErrorMessage(missing) {
				t.Errorf("message %q differs from that of a missing token %q: it reveals the token exists", mgz.ErrorMessage(err), mgz.ErrorMessage(missing))
			}
			e := f.oneEntry(n)
			if e.Outcome != mgz.OutcomeDenied || e.Action != mgz.AuditDelete || e.ObjectType != "api_token" || e.ObjectID != tok.ID ||
				e.UserID != a.User.ID || e.Reason == "" {
				t.Fatalf("entry = %+v, want a denied delete of api_token %d by user %d with a reason", e, tok.ID, a.User.ID)
			}
			if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.50"); err != nil {
				t.Fatalf("the owner's token stopped working: %v", err)
			}
		})
	}
}

func TestUpdateUser(t *testing.T) {
	f := newFixture(t)
	admin, adminActor := f.user(f.practice, mgz.RoleAdmin)
	editor, editorActor := f.user(f.practice, mgz.RoleEditor)
	colleague, _ := f.user(f.practice, mgz.RoleViewer)
	_, strangerAdmin := f.user(f.provider, mgz.RoleAdmin)
	cases := []struct {
		name      string
		a         mgz.Actor
		target    mgz.User
		change    func(*mgz.User)
		code      string // "" for success
		wantRoles []mgz.UserRole
		denied    bool // a denied entry is written
	}{
		{"admin cannot remove own admin role", adminActor, admin,
			func(u *mgz.User) { u.Roles = []mgz.UserRole{mgz.RoleEditor} }, mgz.ECodeConflict, []mgz.UserRole{mgz.RoleAdmin}, false},
		{"admin cannot disable themselves", adminActor, admin,
			func(u *mgz.User) { u.Disabled = true }, mgz.ECodeConflict, []mgz.UserRole{mgz.RoleAdmin}, false},
		{"non-admin cannot give themselves the admin role", editorActor, editor,
			func(u *mgz.User) { u.Roles = []mgz.UserRole{mgz.RoleAdmin} }, mgz.ECodeForbidden, []mgz.UserRole{mgz.RoleEditor}, true},
		{"non-admin cannot change a colleague's roles", editorActor, colleague,
			func(u *mgz.User) { u.Roles = []mgz.UserRole{mgz.RoleEditor} }, mgz.ECodeForbidden, []mgz.UserRole{mgz.RoleViewer}, true},
		{"admin of another organisation does not see the user", strangerAdmin, colleague,
			func(u *mgz.User) { u.Roles = []mgz.UserRole{mgz.RoleAdmin} }, mgz.ECodeNotFound, []mgz.UserRole{mgz.RoleViewer}, true},
		{"admin changes a colleague's roles", adminActor, colleague,
			func(u *mgz.User) { u.Roles = []mgz.UserRole{mgz.RoleEditor} }, "", []mgz.UserRole{mgz.RoleEditor}, false},
		{"admin changes own name and keeps the admin role", adminActor, admin,
			func(u *mgz.User) { u.Name = "Nieuwe naam" }, "", []mgz.UserRole{mgz.RoleAdmin}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(f.entries())
			u := f.storedUser(c.target.ID)
			c.change(&u)
			err := f.s.UpdateUser(f.ctx, c.a, &u)
			got := f.storedUser(c.target.ID)
			if fmt.Sprint(got.Roles) != fmt.Sprint(c.wantRoles) {
				t.Errorf("stored roles = %v, want %v", got.Roles, c.wantRoles)
			}
			if c.code == "" {
				if err != nil {
					t.Fatalf("UpdateUser: %v", err)
				}
				if e := f.oneEntry(n); e.Action != mgz.AuditUpdate || e.ObjectType != "user" || e.ObjectID != c.target.ID || e.Outcome != mgz.OutcomeAllowed {
					t.Fatalf("entry = %+v, want an allowed update of user %d", e, c.target.ID)
				}
				return
			}
			wantCode(t, err, c.code, "")
			if got.Disabled {
				t.Errorf("user %d was disabled by a refused change", c.target.ID)
			}
			es := f.since(n)
			switch {
			case c.denied && (len(es) != 1 || es[0].Outcome != mgz.OutcomeDenied):
				t.Fatalf("want one denied entry, got %+v", es)
			case !c.denied && len(es) != 0:
				t.Fatalf("a refused change wrote audit entries: %+v", es)
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	f := newFixture(t)
	u, oneTime, err := f.s.CreateUser(f.ctx, System(), NewUser{OrganisationID: f.practice.ID, Email: "nieuw@test.example",
		Name: "Nieuwe collega", Roles: []mgz.UserRole{mgz.RoleViewer}})
	if err != nil {
		t.Fatal(err)
	}
	if oneTime == "" || !u.MustChangePassword {
		t.Fatalf("new user without a password: one-time password %q, must change %v; want one, and true", oneTime, u.MustChangePassword)
	}
	in, err := f.s.Login(f.ctx, u.Email, oneTime, "192.0.2.60")
	if err != nil {
		t.Fatalf("login with the one-time password: %v", err)
	}
	a := in.Actor
	const next = "mijn eigen lange wachtwoord"
	refused := []struct {
		name, current, next, field string
		denied                     bool // a wrong current password is audited as denied
	}{
		{"wrong current password", "niet het huidige wachtwoord", next, "current", true},
		{"new password too short", oneTime, "kort", "password", false},
		{"new password the same as the current", oneTime, oneTime, "password", false},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			n := len(f.entries())
			wantCode(t, f.s.ChangePassword(f.ctx, a, c.current, c.next), mgz.ECodeInvalid, c.field)
			if !f.storedUser(u.ID).MustChangePassword {
				t.Error("a refused change cleared must-change-password")
			}
			es := f.since(n)
			switch {
			case c.denied && (len(es) != 1 || es[0].Outcome != mgz.OutcomeDenied || es[0].ObjectID != u.ID):
				t.Errorf("want one denied entry about user %d, got %+v", u.ID, es)
			case !c.denied && len(es) != 0:
				t.Errorf("a refused change wrote audit entries: %+v", es)
			}
		})
	}
	t.Run("success clears must-change-password", func(t *testing.T) {
		n := len(f.entries())
		if err := f.s.ChangePassword(f.ctx, a, oneTime, next); err != nil {
			t.Fatal(err)
		}
		if f.storedUser(u.ID).MustChangePassword {
			t.Fatal("must-change-password still set after choosing a password")
		}
		if e := f.oneEntry(n); e.Action != mgz.AuditUpdate || e.ObjectType != "user" || e.ObjectID != u.ID {
			t.Fatalf("entry = %+v, want an update of user %d", e, u.ID)
		}
		if _, err := f.s.Login(f.ctx, u.Email, next, "192.0.2.60"); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		in, err := f.s.Login(f.ctx, u.Email, oneTime, "192.0.2.60")
		wantLoginRefused(t, in, err)
		for _, e := range f.entries() {
			b, _ := json.Marshal(e)
			if strings.Contains(string(b), next) || strings.Contains(string(b), oneTime) {
				t.Errorf("audit entry %d holds a password: %s", e.ID, b)
			}
		}
	})
}

// registerChange is a change through the service, by an actor, and the audit entry it must write.
type registerChange struct {
	name       string
	a          mgz.Actor
	action     mgz.AuditAction
	objectType string
	objectOrg  int64
	// do makes the change; set-up it needs goes to the store directly, which writes no entries.
	// It returns the changed object's id.
	do func(t *testing.T) (int64, error)
}

func TestEveryRegisterChangeWritesExactlyOneAuditEntry(t *testing.T) {
	f := newFixture(t)
	_, rhoEditor := f.user(f.rho, mgz.RoleEditor)
	_, rhoAdmin := f.user(f.rho, mgz.RoleAdmin)
	_, gpEditor := f.user(f.practice, mgz.RoleEditor)
	_, cpEditor := f.user(f.provider, mgz.RoleEditor)
	reg := func(a mgz.Actor) mgz.RegisterService { return f.s.Register(a) }
	cases := []registerChange{
		{"RHO editor creates an organisation", rhoEditor, mgz.AuditCreate, "organisation", 0, func(t *testing.T) (int64, error) {
			o := mgz.Organisation{Kind: mgz.KindGPPost, Name: "Huisartsenpost Regio", AGB: "02000002", KvK: "77000099",
				Address: "Postweg 3", Postcode: "9900 AC", City: "Teststad", Phone: "0120 555002", CareOfficeRegion: "Regio Test"}
			err := reg(rhoEditor).CreateOrganisation(f.ctx, &o)
			return o.ID, err
		}},
		{"RHO editor updates another organisation", rhoEditor, mgz.AuditUpdate, "organisation", f.practice.ID, func(t *testing.T) (int64, error) {
			o := f.practice
			o.City = "Andere stad"
			return o.ID, reg(rhoEditor).UpdateOrganisation(f.ctx, &o)
		}},
		{"practice editor updates its own organisation", gpEditor, mgz.AuditUpdate, "organisation", f.practice.ID, func(t *testing.T) (int64, error) {
			o, _ := f.db.Register().Organisation(f.ctx, f.practice.ID)
			o.Phone = "0120 555099"
			return o.ID, reg(gpEditor).UpdateOrganisation(f.ctx, &o)
		}},
		{"RHO admin deletes an organisation", rhoAdmin, mgz.AuditDelete, "organisation", 0, func(t *testing.T) (int64, error) {
			o := f.org(mgz.KindCareOffice, "Zorgkantoor Test", "")
			return o.ID, reg(rhoAdmin).DeleteOrganisation(f.ctx, o.ID)
		}},
		{"care provider editor creates a location", cpEditor, mgz.AuditCreate, "location", f.provider.ID, func(t *testing.T) (int64, error) {
			l := mgz.Location{ProviderID: f.provider.ID, Name: "De Wilg", Address: "Wilgenlaan 1", Postcode: "9900 AD",
				Municipality: "Teststad", Setting: mgz.SettingInstitution, Sector: mgz.SectorDisability,
				Deliveries: []mgz.Delivery{mgz.DeliveryStayWithTreatment}, Places: 30}
			err := reg(cpEditor).CreateLocation(f.ctx, &l)
			return l.ID, err
		}},
		{"care provider editor updates its location", cpEditor, mgz.AuditUpdate, "location", f.provider.ID, func(t *testing.T) (int64, error) {
			l := f.location(f.provider.ID, "De Eik")
			l.Places = 40
			return l.ID, reg(cpEditor).UpdateLocation(f.ctx, &l)
		}},
		{"care provider editor deletes its location", cpEditor, mgz.AuditDelete, "location", f.provider.ID, func(t *testing.T) (int64, error) {
			l := f.location(f.provider.ID, "De Beuk")
			return l.ID, reg(cpEditor).DeleteLocation(f.ctx, l.ID)
		}},
		{"practice editor adds a contact point to its organisation", gpEditor, mgz.AuditCreate, "contact_point", f.practice.ID, func(t *testing.T) (int64, error) {
			c := mgz.ContactPoint{OrganisationID: &f.practice.ID, Role: mgz.RoleReception, Name: "Assistente", Phone: "0120 555003", Hours: mgz.HoursOffice}
			err := reg(gpEditor).CreateContactPoint(f.ctx, &c)
			return c.ID, err
		}},
		{"care provider editor adds a contact point to its location", cpEditor, mgz.AuditCreate, "contact_point", f.provider.ID, func(t *testing.T) (int64, error) {
			l := f.location(f.provider.ID, "De Linde")
			c := mgz.ContactPoint{LocationID: &l.ID, Role: mgz.RoleFirstLine, Name: "Voorwacht", Phone: "0120 555004", Hours: mgz.Hours24x7}
			err := reg(cpEditor).CreateContactPoint(f.ctx, &c)
			return c.ID, err
		}},
		{"practice editor updates its contact point", gpEditor, mgz.AuditUpdate, "contact_point", f.practice.ID, func(t *testing.T) (int64, error) {
			c := f.contactPoint(&f.practice.ID, nil)
			c.Name = "Balie"
			return c.ID, reg(gpEditor).UpdateContactPoint(f.ctx, &c)
		}},
		{"practice editor deletes its contact point", gpEditor, mgz.AuditDelete, "contact_point", f.practice.ID, func(t *testing.T) (int64, error) {
			c := f.contactPoint(&f.practice.ID, nil)
			return c.ID, reg(gpEditor).DeleteContactPoint(f.ctx, c.ID)
		}},
		{"RHO admin changes the region's settings", rhoAdmin, mgz.AuditUpdate, "settings", 0, func(t *testing.T) (int64, error) {
			cs := calendar.Default()
			cs.OfficeStart = calendar.At(7, 30)
			return 0, f.s.Settings(rhoAdmin).SetCalendarSettings(f.ctx, cs)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(f.entries())
			id, err := c.do(t)
			if err != nil {
				t.Fatalf("change refused: %v", err)
			}
			e := f.oneEntry(n)
			if e.Action != c.action || e.ObjectType != c.objectType || e.ObjectID != id || e.Outcome != mgz.OutcomeAllowed ||
				e.UserID != c.a.User.ID || e.OrganisationID != c.a.User.OrganisationID || e.ClientAddress != c.a.Address {
				t.Fatalf("entry = %+v\nwant %s of %s %d, allowed, by user %d of organisation %d from %s",
					e, c.action, c.objectType, id, c.a.User.ID, c.a.User.OrganisationID, c.a.Address)
			}
			if c.objectOrg != 0 && e.ObjectOrganisationID != c.objectOrg {
				t.Errorf("entry's object organisation = %d, want %d", e.ObjectOrganisationID, c.objectOrg)
			}
		})
	}
}

func TestARefusedChangeLeavesRegisterAndAuditLogUnchanged(t *testing.T) {
	f := newFixture(t)
	_, rhoEditor := f.user(f.rho, mgz.RoleEditor)
	_, rhoAdmin := f.user(f.rho, mgz.RoleAdmin)
	_, gpEditor := f.user(f.practice, mgz.RoleEditor)
	_, cpEditor := f.user(f.provider, mgz.RoleEditor)
	loc := f.location(f.provider.ID, "De Eik")
	cases := []struct {
		name, code, field string
		do                func() error
	}{
		{"organisation without a name", mgz.ECodeInvalid, "name", func() error {
			o := f.practice
			o.ID, o.Name, o.AGB, o.KvK = 0, "", "03000003", "77000098"
			return f.s.Register(rhoEditor).CreateOrganisation(f.ctx, &o)
		}},
		{"own organisation with a bad postcode", mgz.ECodeInvalid, "postcode", func() error {
			o := f.practice
			o.Postcode = "0000 XX"
			return f.s.Register(gpEditor).UpdateOrganisation(f.ctx, &o)
		}},
		{"organisation with another's AGB code", mgz.ECodeConflict, "agb", func() error {
			o := f.practice
			o.ID, o.Name, o.KvK = 0, "Dubbele praktijk", "77000097"
			return f.s.Register(rhoEditor).CreateOrganisation(f.ctx, &o)
		}},
		{"organisation that still has users", mgz.ECodeConflict, "", func() error {
			return f.s.Register(rhoAdmin).DeleteOrganisation(f.ctx, f.practice.ID)
		}},
		{"location without deliveries", mgz.ECodeInvalid, "deliveries", func() error {
			l := loc
			l.ID, l.Deliveries = 0, nil
			return f.s.Register(cpEditor).CreateLocation(f.ctx, &l)
		}},
		{"own location with too many places", mgz.ECodeInvalid, "places", func() error {
			l := loc
			l.Places = 1_000_000
			return f.s.Register(cpEditor).UpdateLocation(f.ctx, &l)
		}},
		{"contact point without a role", mgz.ECodeInvalid, "role", func() error {
			c := mgz.ContactPoint{OrganisationID: &f.practice.ID, Name: "Receptie", Phone: "0120 555001", Hours: mgz.HoursOffice}
			return f.s.Register(gpEditor).CreateContactPoint(f.ctx, &c)
		}},
		{"settings with office hours ending before they start", mgz.ECodeInvalid, "", func() error {
			cs := calendar.Default()
			cs.OfficeStart, cs.OfficeEnd = calendar.At(17, 0), calendar.At(8, 0)
			return f.s.Settings(rhoAdmin).SetCalendarSettings(f.ctx, cs)
		}},
		{"several changes in one transaction, the last invalid", mgz.ECodeInvalid, "name", func() error {
			return f.s.Register(cpEditor).Atomic(f.ctx, func(reg mgz.RegisterService) error {
				l := loc
				l.ID, l.Name = 0, "Nieuwe locatie"
				if err := reg.CreateLocation(f.ctx, &l); err != nil {
					return err
				}
				l2 := loc
				l2.ID, l2.Name = 0, ""
				return reg.CreateLocation(f.ctx, &l2)
			})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, n := f.snapshot(), len(f.entries())
			wantCode(t, c.do(), c.code, c.field)
			if es := f.since(n); len(es) != 0 {
				t.Errorf("a refused change wrote audit entries: %+v", es)
			}
			if after := f.snapshot(); after != before {
				t.Errorf("a refused change changed the data:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestADeniedChangeWritesOneDeniedEntryAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	_, rhoAdmin := f.user(f.rho, mgz.RoleAdmin)
	_, gpViewer := f.user(f.practice, mgz.RoleViewer)
	_, gpEditor := f.user(f.practice, mgz.RoleEditor)
	_, gpAdmin := f.user(f.practice, mgz.RoleAdmin)
	_, cpEditor := f.user(f.provider, mgz.RoleEditor)
	_, cpAdmin := f.user(f.provider, mgz.RoleAdmin)
	other := f.org(mgz.KindCareProvider, "Zorggroep Zuid", "")
	otherLoc := f.location(other.ID, "De Populier")
	cases := []struct {
		name       string
		a          mgz.Actor
		action     mgz.AuditAction
		objectType string
		do         func(reg mgz.RegisterService) error
	}{
		{"viewer updates own organisation", gpViewer, mgz.AuditUpdate, "organisation", func(reg mgz.RegisterService) error {
			o := f.practice
			o.City = "Elders"
			return reg.UpdateOrganisation(f.ctx, &o)
		}},
		{"practice editor creates an organisation", gpEditor, mgz.AuditCreate, "organisation", func(reg mgz.RegisterService) error {
			o := f.provider
			o.ID, o.Name, o.KvK = 0, "Eigen zorggroep", "77000096"
			return reg.CreateOrganisation(f.ctx, &o)
		}},
		{"practice editor updates another organisation", gpEditor, mgz.AuditUpdate, "organisation", func(reg mgz.RegisterService) error {
			o := f.provider
			o.Name = "Overgenomen"
			return reg.UpdateOrganisation(f.ctx, &o)
		}},
		{"practice admin deletes another organisation", gpAdmin, mgz.AuditDelete, "organisation", func(reg mgz.RegisterService) error {
			return reg.DeleteOrganisation(f.ctx, other.ID)
		}},
		{"RHO admin deletes the RHO itself", rhoAdmin, mgz.AuditDelete, "organisation", func(reg mgz.RegisterService) error {
			return reg.DeleteOrganisation(f.ctx, f.rho.ID)
		}},
		{"practice editor creates a location", gpEditor, mgz.AuditCreate, "location", func(reg mgz.RegisterService) error {
			l := otherLoc
			l.ID, l.ProviderID = 0, f.practice.ID
			return reg.CreateLocation(f.ctx, &l)
		}},
		{"care provider editor creates a location for another provider", cpEditor, mgz.AuditCreate, "location", func(reg mgz.RegisterService) error {
			l := otherLoc
			l.ID = 0
			return reg.CreateLocation(f.ctx, &l)
		}},
		{"care provider editor updates another provider's location", cpEditor, mgz.AuditUpdate, "location", func(reg mgz.RegisterService) error {
			l := otherLoc
			l.Places = 1
			return reg.UpdateLocation(f.ctx, &l)
		}},
		{"care provider editor takes over another provider's location", cpEditor, mgz.AuditUpdate, "location", func(reg mgz.RegisterService) error {
			l := otherLoc
			l.ProviderID = f.provider.ID
			return reg.UpdateLocation(f.ctx, &l)
		}},
		{"care provider admin deletes another provider's location", cpAdmin, mgz.AuditDelete, "location", func(reg mgz.RegisterService) error {
			return reg.DeleteLocation(f.ctx, otherLoc.ID)
		}},
		{"practice editor adds a contact point to another's location", gpEditor, mgz.AuditCreate, "contact_point", func(reg mgz.RegisterService) error {
			c := mgz.ContactPoint{LocationID: &otherLoc.ID, Role: mgz.RoleFirstLine, Name: "Voorwacht", Phone: "0120 555004", Hours: mgz.Hours24x7}
			return reg.CreateContactPoint(f.ctx, &c)
		}},
		{"care provider admin changes the region's settings", cpAdmin, mgz.AuditUpdate, "settings", func(mgz.RegisterService) error {
			cs := calendar.Default()
			cs.OfficeStart = calendar.At(6, 0)
			return f.s.Settings(cpAdmin).SetCalendarSettings(f.ctx, cs)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, n := f.snapshot(), len(f.entries())
			err := c.do(f.s.Register(c.a))
			wantCode(t, err, mgz.ECodeForbidden, "")
			e := f.oneEntry(n)
			if e.Outcome != mgz.OutcomeDenied || e.Action != c.action || e.ObjectType != c.objectType || e.UserID != c.a.User.ID || e.Reason == "" {
				t.Fatalf("entry = %+v\nwant a denied %s of %s by user %d with a reason", e, c.action, c.objectType, c.a.User.ID)
			}
			if !strings.Contains(mgz.ErrorMessage(err), e.Reason) {
				t.Errorf("the error %q does not tell the user the policy's reason %q", mgz.ErrorMessage(err), e.Reason)
			}
			if after := f.snapshot(); after != before {
				t.Errorf("a denied change changed the data:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// The RHO keeps the register: its kind is what gives an organisation that right, so an editor of
// any other organisation must not be able to give their own organisation the RHO's kind.
func TestAnOrganisationCannotMakeItselfTheRHO(t *testing.T) {
	f := newFixture(t)
	for _, org := range []mgz.Organisation{f.practice, f.provider} {
		t.Run(string(org.Kind), func(t *testing.T) {
			_, editor := f.user(org, mgz.RoleEditor)
			o := org
			o.Kind, o.AGB = mgz.KindRegionalGPOrg, ""
			err := f.s.Register(editor).UpdateOrganisation(f.ctx, &o)
			stored, gerr := f.db.Register().Organisation(f.ctx, org.ID)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if err == nil || stored.Kind != org.Kind {
				// Show what the change gave away: the editor, signed in again, now keeps the register.
				again := f.actor(f.storedUser(editor.User.ID))
				t.Fatalf("an editor of a %s changed its kind to %s (err %v, stored kind %s); signed in again, "+
					"the editor may add organisations to the register: %v, and update any organisation: %v",
					org.Kind, mgz.KindRegionalGPOrg, err, stored.Kind,
					Allowed(again, access.Create, access.Resource{Kind: access.Organisation}),
					Allowed(again, access.Update, access.Resource{Kind: access.Organisation, OrganisationID: f.rho.ID}))
			}
			wantCode(t, err, mgz.ECodeForbidden, "")
		})
	}
}

func TestAuditLogIsReadOnlyByOwnAdminAndScopedToOwnOrganisation(t *testing.T) {
	f := newFixture(t)
	_, gpAdmin := f.user(f.practice, mgz.RoleAdmin)
	_, gpEditor := f.user(f.practice, mgz.RoleEditor)
	_, cpEditor := f.user(f.provider, mgz.RoleEditor)
	// Some activity of both organisations.
	for _, u := range []mgz.Actor{gpAdmin, gpEditor, cpEditor} {
		if _, err := f.s.Login(f.ctx, u.User.Email, testPassword, "192.0.2.70"); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("editor is forbidden, and the attempt audited", func(t *testing.T) {
		n := len(f.entries())
		_, _, err := f.s.Audit(f.ctx, gpEditor, mgz.AuditFilter{})
		wantCode(t, err, mgz.ECodeForbidden, "")
		if e := f.oneEntry(n); e.Outcome != mgz.OutcomeDenied || e.ObjectType != "audit_log" {
			t.Fatalf("entry = %+v, want a denied read of the audit log", e)
		}
	})
	t.Run("admin sees only entries of their organisation, even when asking for another", func(t *testing.T) {
		es, _, err := f.s.Audit(f.ctx, gpAdmin, mgz.AuditFilter{OrganisationID: f.provider.ID, Page: mgz.Page{Limit: mgz.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			t.Fatal("admin sees no entries of their own organisation")
		}
		for _, e := range es {
			if e.OrganisationID != f.practice.ID && e.ObjectOrganisationID != f.practice.ID {
				t.Errorf("admin of organisation %d sees entry %+v", f.practice.ID, e)
			}
		}
	})
	t.Run("export is audited before it is written", func(t *testing.T) {
		var buf bytes.Buffer
		n := len(f.entries())
		count, err := f.s.ExportAudit(f.ctx, gpAdmin, mgz.AuditFilter{}, audit.NewJSONLinesWriter(&buf))
		if err != nil {
			t.Fatal(err)
		}
		e := f.oneEntry(n)
		if e.Action != mgz.AuditExport || e.Outcome != mgz.OutcomeAllowed {
			t.Fatalf("entry = %+v, want an allowed export", e)
		}
		if lines := strings.Count(buf.String(), "\n"); count == 0 || lines != count || !strings.Contains(buf.String(), e.Hash) {
			t.Fatalf("export wrote %d of %d entries, want all, including its own entry %d", lines, count, e.ID)
		}
	})
}
