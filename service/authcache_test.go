package service

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/sqlstore"
)

// token makes an API token for u and returns its secret.
func (f *fixture) token(u mgz.User) (mgz.APIToken, string) {
	f.t.Helper()
	t, secret, err := f.s.CreateToken(f.ctx, System(), u.ID, "script")
	if err != nil {
		f.t.Fatal(err)
	}
	return t, secret
}

// login signs u in and returns the session's secret.
func (f *fixture) login(u mgz.User) string {
	f.t.Helper()
	in, err := f.s.Login(f.ctx, u.Email, testPassword, "192.0.2.1")
	if err != nil {
		f.t.Fatal(err)
	}
	return in.Secret
}

// wantTokenRefused fails unless the token is refused as a bad token.
func wantTokenRefused(t *testing.T, s *Service, secret, why string) {
	t.Helper()
	if _, err := s.AuthenticateToken(context.Background(), secret, "192.0.2.1"); !errors.Is(err, ErrBadToken) {
		t.Fatalf("%s: AuthenticateToken = %v, want ErrBadToken", why, err)
	}
}

func TestCachedTokenIsRefusedRightAfterRevocation(t *testing.T) {
	f := newFixture(t)
	u, a := f.user(f.practice, mgz.RoleViewer)
	tok, secret := f.token(u)
	for i := 0; i < 3; i++ { // the first reads the store, the others the cache
		if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.1"); err != nil {
			t.Fatalf("token before revocation: %v", err)
		}
	}
	if err := f.s.RevokeToken(f.ctx, a, tok.ID); err != nil {
		t.Fatal(err)
	}
	wantTokenRefused(t, f.s, secret, "the very next request after revocation")
}

func TestDisabledUsersSessionsAndTokensStopAtOnce(t *testing.T) {
	f := newFixture(t)
	_, admin := f.user(f.practice, mgz.RoleAdmin)
	u, _ := f.user(f.practice, mgz.RoleEditor)
	_, secret := f.token(u)
	session := f.login(u)
	if _, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	u = f.storedUser(u.ID)
	u.Disabled = true
	if err := f.s.UpdateUser(f.ctx, admin, &u); err != nil {
		t.Fatal(err)
	}
	wantTokenRefused(t, f.s, secret, "token of a disabled user")
	if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session of a disabled user: %v, want ErrNoSession", err)
	}
}

func TestChangesOfAccountsTakeEffectOnTheNextRequest(t *testing.T) {
	f := newFixture(t)
	_, admin := f.user(f.practice, mgz.RoleAdmin)
	rhoAdminUser, _ := f.user(f.rho, mgz.RoleAdmin)
	rhoAdmin := f.actor(rhoAdminUser)
	u, self := f.user(f.practice, mgz.RoleViewer)
	_, secret := f.token(u)
	actor := func() mgz.Actor {
		t.Helper()
		a, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	t.Run("role change", func(t *testing.T) {
		if actor().User.Has(mgz.RoleEditor) {
			t.Fatal("a viewer is an editor")
		}
		v := f.storedUser(u.ID)
		v.Roles = []mgz.UserRole{mgz.RoleEditor}
		if err := f.s.UpdateUser(f.ctx, admin, &v); err != nil {
			t.Fatal(err)
		}
		if !actor().User.Has(mgz.RoleEditor) {
			t.Fatal("the new role is not in the next request's actor")
		}
	})
	t.Run("organisation kind change", func(t *testing.T) {
		if k := actor().OrgKind; k != mgz.KindGPPractice {
			t.Fatalf("kind = %s", k)
		}
		o, err := f.s.Register(rhoAdmin).Organisation(f.ctx, f.practice.ID)
		if err != nil {
			t.Fatal(err)
		}
		o.Kind = mgz.KindGPPost
		if err := f.s.Register(rhoAdmin).UpdateOrganisation(f.ctx, &o); err != nil {
			t.Fatal(err)
		}
		if k := actor().OrgKind; k != mgz.KindGPPost {
			t.Fatalf("kind in the next request's actor = %s, want %s", k, mgz.KindGPPost)
		}
	})
	t.Run("logout", func(t *testing.T) {
		session := f.login(u)
		a, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Logout(f.ctx, a, session); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session after logout: %v", err)
		}
	})
	t.Run("end other sessions", func(t *testing.T) {
		keep, other := f.login(u), f.login(u)
		for _, s := range []string{keep, other} {
			if _, _, err := f.s.Authenticate(f.ctx, s, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.s.EndOtherSessions(f.ctx, self, keep); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.Authenticate(f.ctx, other, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
			t.Fatalf("other session after ending the others: %v", err)
		}
	})
	t.Run("password change", func(t *testing.T) {
		session := f.login(u)
		a, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.ChangePassword(f.ctx, a, testPassword, testPassword+" nieuw"); err != nil {
			t.Fatal(err)
		}
		// The stored user changed (its hash, and no one-time password any more): the actor is
		// read again rather than kept.
		if _, _, ok := f.s.auth.user(u.ID); ok {
			t.Fatal("the user is still cached after a password change")
		}
	})
}

func TestSessionPastIdleTimeoutEndsAlthoughCached(t *testing.T) {
	f := newFixture(t)
	u, _ := f.user(f.practice, mgz.RoleViewer)
	session := f.login(u)
	if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	f.clock = f.clock.Add(31 * time.Minute)
	if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); !errors.Is(err, ErrSessionExpired) {
		t.Fatalf("session after 31 idle minutes: %v, want ErrSessionExpired", err)
	}
	if _, err := f.db.Store().Accounts().Session(f.ctx, auth.SecretHash(session)); mgz.ErrorCode(err) != mgz.ECodeNotFound {
		t.Fatalf("expired session is still stored: %v", err)
	}
	if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
		t.Fatalf("expired session used again: %v, want ErrNoSession", err)
	}
}

func TestSessionLastSeenIsStillTouchedOnceAMinute(t *testing.T) {
	f := newFixture(t)
	u, _ := f.user(f.practice, mgz.RoleViewer)
	session := f.login(u)
	h := auth.SecretHash(session)
	for i := 0; i < 25; i++ { // 25 requests, one every 2 minutes: never idle for 30 minutes
		f.clock = f.clock.Add(2 * time.Minute)
		if _, _, err := f.s.Authenticate(f.ctx, session, "192.0.2.1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	stored, err := f.db.Store().Accounts().Session(f.ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	if !stored.LastSeenAt.Equal(f.clock) {
		t.Fatalf("stored last seen = %s, want %s", stored.LastSeenAt, f.clock)
	}
}

func TestUnknownTokenIsNotCached(t *testing.T) {
	f := newFixture(t)
	secret := auth.NewToken()
	wantTokenRefused(t, f.s, secret, "unknown token")
	if n, _, _ := f.s.auth.size(); n != 0 {
		t.Fatalf("%d tokens cached after a failed lookup", n)
	}
	found := false
	for _, e := range f.entries() {
		found = found || e.Action == mgz.AuditTokenFailed
	}
	if !found {
		t.Fatal("the failed token is not audited")
	}
}

// A known token of an active user costs no query: with the database closed it still answers.
func TestCachedTokenNeedsNoQuery(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "mgz.db"))
	if err != nil {
		t.Fatal(err)
	}
	s := New(db.Store(), Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	org := mgz.Organisation{Kind: mgz.KindGPPractice, Name: "Huisartsenpraktijk Cache", AGB: "01000001", KvK: "77000001",
		Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := db.Register().CreateOrganisation(ctx, &org); err != nil {
		t.Fatal(err)
	}
	u, _, err := s.CreateUser(ctx, System(), NewUser{OrganisationID: org.ID, Email: "cache@test.example", Name: "Cache",
		Roles: []mgz.UserRole{mgz.RoleViewer}, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := s.CreateToken(ctx, System(), u.ID, "cache")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthenticateToken(ctx, secret, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Settings(mgz.Actor{User: u, OrgKind: org.Kind}).CalendarSettings(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	a, err := s.AuthenticateToken(ctx, secret, "192.0.2.1")
	if err != nil || a.User.ID != u.ID || a.OrgKind != mgz.KindGPPractice {
		t.Fatalf("cached token with the database closed: %+v, %v", a.User, err)
	}
	if _, err := s.Settings(a).CalendarSettings(ctx); err != nil {
		t.Fatalf("cached calendar settings with the database closed: %v", err)
	}
}

func TestCalendarSettingsChangeTakesEffectAtOnce(t *testing.T) {
	f := newFixture(t)
	_, admin := f.user(f.rho, mgz.RoleAdmin)
	_, viewer := f.user(f.practice, mgz.RoleViewer)
	before, err := f.s.Settings(viewer).CalendarSettings(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs := calendar.Default()
	cs.OfficeStart = calendar.At(7, 30)
	if before.OrDefault().OfficeStart == cs.OfficeStart {
		t.Fatal("test needs another start of office hours")
	}
	if err := f.s.Settings(admin).SetCalendarSettings(f.ctx, cs); err != nil {
		t.Fatal(err)
	}
	after, err := f.s.Settings(viewer).CalendarSettings(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.OfficeStart != cs.OfficeStart {
		t.Fatalf("office hours start at %s after the change, want %s", after.OfficeStart, cs.OfficeStart)
	}
}

// Two instances over one database: a revocation on one reaches the other through the
// Invalidator; without it, the other's copy ends within the cache's time to live.
func TestRevocationReachesOtherInstances(t *testing.T) {
	for _, shared := range []bool{true, false} {
		t.Run(fmt.Sprintf("invalidator %v", shared), func(t *testing.T) {
			f := newFixture(t)
			var inv Invalidator
			if shared {
				inv = NewLocalInvalidator()
				f.s = New(f.db.Store(), Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}, Invalidator: inv, Now: func() time.Time { return f.clock }})
			}
			other := New(f.db.Store(), Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}, Invalidator: inv, Now: func() time.Time { return f.clock }})
			now := time.Now()
			other.auth.clock = func() time.Time { return now }
			u, a := f.user(f.practice, mgz.RoleViewer)
			tok, secret := f.token(u)
			if _, err := other.AuthenticateToken(f.ctx, secret, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			if err := f.s.RevokeToken(f.ctx, a, tok.ID); err != nil {
				t.Fatal(err)
			}
			if shared {
				wantTokenRefused(t, other, secret, "other instance, right after the revocation")
				return
			}
			// The message is lost: the other instance answers from its copy until it is stale.
			if _, err := other.AuthenticateToken(f.ctx, secret, "192.0.2.1"); err != nil {
				t.Fatalf("within the time to live the copy holds: %v", err)
			}
			now = now.Add(authCacheTTL + time.Millisecond)
			wantTokenRefused(t, other, secret, "other instance after the time to live")
		})
	}
}

func TestAuthCacheIsBounded(t *testing.T) {
	c := newAuthCache(time.Minute, 10)
	for i := 0; i < 1000; i++ {
		gen := c.generation()
		c.putToken(gen, fmt.Sprintf("hash%d", i), mgz.APIToken{ID: int64(i), UserID: int64(i)})
		c.putSession(gen, fmt.Sprintf("hash%d", i), mgz.Session{UserID: int64(i)})
		c.putUser(gen, mgz.User{ID: int64(i)}, mgz.KindGPPractice)
	}
	if tk, ss, us := c.size(); tk > 10 || ss > 10 || us > 10 {
		t.Fatalf("cache holds %d tokens, %d sessions, %d users, want at most 10 each", tk, ss, us)
	}
	if _, ok := c.token("hash999"); !ok {
		t.Fatal("the newest token is not cached")
	}
}

// A read from the store that began before an invalidation is not put in the cache afterwards.
func TestReadBeforeInvalidationIsNotCached(t *testing.T) {
	c := newAuthCache(time.Minute, 10)
	gen := c.generation()
	c.apply(Invalidation{UserID: 7})
	c.putToken(gen, "h", mgz.APIToken{ID: 1, UserID: 7})
	c.putUser(gen, mgz.User{ID: 7}, mgz.KindGPPractice)
	if _, ok := c.token("h"); ok {
		t.Fatal("a token read before the invalidation was cached")
	}
	if _, _, ok := c.user(7); ok {
		t.Fatal("a user read before the invalidation was cached")
	}
}

// Authentications racing a revocation: every one that starts after RevokeToken returned is
// refused (run with -race).
func TestConcurrentAuthenticateAndRevoke(t *testing.T) {
	f := newFixture(t)
	u, a := f.user(f.practice, mgz.RoleViewer)
	tok, secret := f.token(u)
	var revoked sync.WaitGroup
	revoked.Add(1)
	var done bool
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				mu.Lock()
				after := done
				mu.Unlock()
				_, err := f.s.AuthenticateToken(f.ctx, secret, "192.0.2.1")
				if after && !errors.Is(err, ErrBadToken) {
					errs <- fmt.Errorf("authentication after the revocation: %v", err)
					return
				}
				if !after && err != nil && !errors.Is(err, ErrBadToken) {
					errs <- err
					return
				}
			}
		}()
	}
	go func() {
		defer revoked.Done()
		time.Sleep(time.Millisecond)
		if err := f.s.RevokeToken(f.ctx, a, tok.ID); err != nil {
			errs <- err
		}
		mu.Lock()
		done = true
		mu.Unlock()
	}()
	wg.Wait()
	revoked.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wantTokenRefused(t, f.s, secret, "after the race")
}
