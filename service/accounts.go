package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/auth"
)

// ErrLogin is the one answer to every failed login: it does not tell whether the account exists,
// the password was wrong, the account is disabled or the attempts are throttled.
var ErrLogin = mgz.Errorf(mgz.ECodeUnauthenticated, "Het e-mailadres of het wachtwoord klopt niet, of er zijn te veel pogingen gedaan. Controleer uw gegevens en probeer het over enkele minuten opnieuw.")

// SignedIn is the result of a login: the session's secret for the cookie and its CSRF token.
type SignedIn struct {
	Secret string
	Actor  mgz.Actor
	CSRF   string
}

// actorFor builds the actor of a user, with the kind of their organisation.
func (s *Service) actorFor(ctx context.Context, u mgz.User, address string) (mgz.Actor, error) {
	org, err := s.store.Register().Organisation(ctx, u.OrganisationID)
	if err != nil {
		return mgz.Actor{}, err
	}
	return mgz.Actor{User: u, OrgKind: org.Kind, Address: address}, nil
}

// Login checks an e-mail address and password and starts a session. Failures are throttled per
// account and per address, audited as login_failed (bounded: see recordAnonymousFailure), and all
// answered with ErrLogin.
func (s *Service) Login(ctx context.Context, email, password, address string) (SignedIn, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	// No account has an address longer than this: whatever was typed beyond it is not kept, not
	// even as a throttle's key in memory.
	typed := mgz.TypedText(email)
	acctKey, addrKey := "account:"+typed, "address:"+failureClient(address)
	blockedA, _, err := s.accountLimiter.Blocked(ctx, acctKey)
	if err != nil {
		return SignedIn{}, err
	}
	blockedB, _, err := s.addressLimiter.Blocked(ctx, addrKey)
	if err != nil {
		return SignedIn{}, err
	}
	var u mgz.User
	var hash string
	found := false
	if typed == email {
		var err error
		u, hash, err = s.store.Accounts().UserByEmail(ctx, email)
		found = err == nil
		if err != nil && mgz.ErrorCode(err) != mgz.ECodeNotFound {
			return SignedIn{}, err
		}
	}
	ok := false
	switch {
	case blockedA || blockedB:
		s.hasher.VerifyMissing(password) // the same time as a real check
	case found:
		ok = s.hasher.Verify(hash, password) && !u.Disabled
	default:
		s.hasher.VerifyMissing(password)
	}
	if !ok {
		// A failure that cannot be counted is no answer to try again with: the login fails
		// with the storage's error instead.
		if err := errors.Join(s.accountLimiter.Fail(ctx, acctKey), s.addressLimiter.Fail(ctx, addrKey)); err != nil {
			return SignedIn{}, err
		}
		e := &mgz.AuditEntry{Action: mgz.AuditLoginFailed, ObjectType: "session", Outcome: mgz.OutcomeDenied,
			ClientAddress: address, UserEmail: typed, Reason: loginFailure(found, u.Disabled, blockedA || blockedB)}
		if found {
			e.UserID, e.OrganisationID = u.ID, u.OrganisationID
		}
		if err := s.recordAnonymousFailure(ctx, e); err != nil {
			return SignedIn{}, err
		}
		s.log.Warn("login failed", "address", address, "reason", e.Reason)
		return SignedIn{}, ErrLogin
	}
	if err := s.accountLimiter.Reset(ctx, acctKey); err != nil {
		s.log.Error("forgetting the failed logins of an account failed", "user_id", u.ID, "err", err)
	}
	a, err := s.actorFor(ctx, u, address)
	if err != nil {
		return SignedIn{}, err
	}
	in := SignedIn{Secret: auth.RandomString(32), CSRF: auth.RandomString(24), Actor: a}
	now := s.now()
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Accounts().CreateSession(ctx, auth.SecretHash(in.Secret), mgz.Session{UserID: u.ID, CSRFToken: in.CSRF,
			CreatedAt: now, LastSeenAt: now, Address: address}); err != nil {
			return nil, err
		}
		if err := tx.Accounts().RecordLogin(ctx, u.ID, now); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditLogin, "session", u.ID, u.OrganisationID), nil
	})
	s.auth.apply(Invalidation{UserID: u.ID}) // the cached actor's last login moved; other instances follow within the TTL
	return in, err
}

func loginFailure(found, disabled, throttled bool) string {
	switch {
	case throttled:
		return "te veel mislukte pogingen"
	case !found:
		return "onbekend e-mailadres"
	case disabled:
		return "account uitgeschakeld"
	}
	return "verkeerd wachtwoord"
}

// Authenticate returns the actor and session of a session cookie's secret. Sessions past their
// idle or absolute timeout end here. A known session of an active user is answered from the
// cache (authcache.go) without a query; logout, disabling and the other changes of accounts
// drop it from there at once.
func (s *Service) Authenticate(ctx context.Context, secret, address string) (mgz.Actor, mgz.Session, error) {
	if secret == "" {
		return mgz.Actor{}, mgz.Session{}, ErrNoSession
	}
	h := auth.SecretHash(secret)
	gen := s.auth.generation()
	sess, cached := s.auth.session(h)
	if !cached {
		var err error
		sess, err = s.store.Accounts().Session(ctx, h)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return mgz.Actor{}, sess, ErrNoSession
		}
		if err != nil {
			return mgz.Actor{}, sess, err
		}
	}
	now := s.now()
	if now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle || now.Sub(sess.CreatedAt) > s.cfg.SessionMax {
		s.endSession(ctx, h)
		return mgz.Actor{}, sess, ErrSessionExpired
	}
	u, kind, err := s.cachedUser(ctx, gen, sess.UserID)
	if err != nil {
		return mgz.Actor{}, sess, err
	}
	if u.Disabled {
		s.endSession(ctx, h)
		return mgz.Actor{}, sess, ErrNoSession
	}
	if !cached {
		s.auth.putSession(gen, h, sess)
	}
	// Move last-seen at most once a minute: a write per request would serialise every reader.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		if err := s.store.Accounts().TouchSession(ctx, h, now); err != nil {
			return mgz.Actor{}, sess, err
		}
		s.auth.touchedSession(h, now)
	}
	return mgz.Actor{User: u, OrgKind: kind, Address: address}, sess, nil
}

// endSession deletes a session that ended (expired, or its user was disabled) and drops it
// from the caches of every instance.
func (s *Service) endSession(ctx context.Context, hash string) {
	_ = s.store.Accounts().DeleteSession(ctx, hash)
	s.invalidate(ctx, Invalidation{Session: hash})
}

// cachedUser returns a user with the kind of their organisation, from the cache when it holds
// them; an active user read from the store is put there (unless an invalidation came in since
// gen). A disabled user is never cached, so that each refusal reads the store.
func (s *Service) cachedUser(ctx context.Context, gen uint64, id int64) (mgz.User, mgz.OrgKind, error) {
	if u, kind, ok := s.auth.user(id); ok {
		return u, kind, nil
	}
	u, err := s.store.Accounts().User(ctx, id)
	if err != nil {
		return u, "", err
	}
	org, err := s.store.Register().Organisation(ctx, u.OrganisationID)
	if err != nil {
		return u, "", err
	}
	if !u.Disabled {
		s.auth.putUser(gen, u, org.Kind)
	}
	return u, org.Kind, nil
}

// Errors of Authenticate.
var (
	ErrNoSession      = mgz.Errorf(mgz.ECodeUnauthenticated, "U bent niet ingelogd. Log in om verder te gaan.")
	ErrSessionExpired = mgz.Errorf(mgz.ECodeUnauthenticated, "Uw sessie is verlopen. Log opnieuw in om verder te gaan.")
	ErrBadToken       = mgz.Errorf(mgz.ECodeUnauthenticated, "Het API-token is onbekend of ingetrokken. Maak een nieuw token aan via Mijn account of met mgz token create.")
)

// Logout ends the session and records it.
func (s *Service) Logout(ctx context.Context, a mgz.Actor, secret string) error {
	err := s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Accounts().DeleteSession(ctx, auth.SecretHash(secret)); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditLogout, "session", a.User.ID, a.User.OrganisationID), nil
	})
	s.invalidate(ctx, Invalidation{Session: auth.SecretHash(secret)})
	return err
}

// AuthenticateToken returns the actor of a bearer token. A token that is not mgz's, unknown,
// revoked or of a disabled account is refused with ErrBadToken and audited as token_failed,
// without the token, bounded like failed logins.
func (s *Service) AuthenticateToken(ctx context.Context, token, address string) (mgz.Actor, error) {
	fail := func(reason string, t mgz.APIToken, u mgz.User) (mgz.Actor, error) {
		e := &mgz.AuditEntry{Action: mgz.AuditTokenFailed, ObjectType: "api_token", ObjectID: t.ID, Outcome: mgz.OutcomeDenied,
			ClientAddress: address, Reason: reason}
		if u.ID != 0 {
			e.UserID, e.UserEmail, e.OrganisationID, e.ObjectOrganisationID = u.ID, u.Email, u.OrganisationID, u.OrganisationID
		}
		if err := s.recordAnonymousFailure(ctx, e); err != nil {
			return mgz.Actor{}, err
		}
		s.log.Warn("bearer authentication failed", "address", address, "reason", reason, "token_id", t.ID)
		return mgz.Actor{}, ErrBadToken
	}
	if !strings.HasPrefix(token, auth.TokenPrefix) {
		return fail("geen API-token van mgz", mgz.APIToken{}, mgz.User{})
	}
	h := auth.SecretHash(token)
	gen := s.auth.generation()
	t, cached := s.auth.token(h)
	if !cached {
		var err error
		t, err = s.store.Accounts().TokenBySecret(ctx, h)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return fail("onbekend API-token", mgz.APIToken{}, mgz.User{})
		}
		if err != nil {
			return mgz.Actor{}, err
		}
	}
	u, kind, err := s.cachedUser(ctx, gen, t.UserID)
	if err != nil {
		return mgz.Actor{}, err
	}
	if t.RevokedAt != nil {
		return fail("ingetrokken API-token", t, u)
	}
	if u.Disabled {
		return fail("API-token van een uitgeschakeld account", t, u)
	}
	if !cached {
		s.auth.putToken(gen, h, t)
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if err := s.store.Accounts().TouchToken(ctx, t.ID, now); err != nil {
			return mgz.Actor{}, err
		}
		s.auth.touchedToken(h, now)
	}
	return mgz.Actor{User: u, OrgKind: kind, Address: address}, nil
}

// NewUser is what an admin (or the command line) fills in for a new account.
type NewUser struct {
	OrganisationID int64
	Email, Name    string
	Roles          []mgz.UserRole
	// Password is set for demo accounts; empty means a one-time password is made and returned.
	Password string
	// PasswordHash, from HashPassword, replaces Password: it saves hashing the same password
	// again when many accounts share it (the demo region).
	PasswordHash string
}

// HashPassword checks pw against the password rules and hashes it, for NewUser.PasswordHash.
func (s *Service) HashPassword(pw string) (string, error) {
	if err := mgz.CheckPassword("password", pw); err != nil {
		return "", err
	}
	return s.hasher.Hash(pw)
}

// CreateUser creates an account in actor's organisation (or any, for the command line). It returns
// the one-time password to hand over, unless n.Password or n.PasswordHash was given.
func (s *Service) CreateUser(ctx context.Context, a mgz.Actor, n NewUser) (mgz.User, string, error) {
	u := mgz.User{OrganisationID: n.OrganisationID, Email: n.Email, Name: n.Name, Roles: n.Roles}
	if err := s.authorize(ctx, s.store, a, access.Create, access.Resource{Kind: access.User, OrganisationID: n.OrganisationID}, mgz.AuditCreate, 0); err != nil {
		return u, "", err
	}
	probeKey := fmt.Sprintf("user:%d", a.User.ID)
	if !a.System {
		if blocked, wait, err := s.accountGuards.emailProbe.Blocked(ctx, probeKey); err != nil {
			return u, "", err
		} else if blocked {
			return u, "", tooManyAttempts("Er zijn te veel e-mailadressen geweigerd.",
				"controleer de adressen van uw collega's voordat u ze invoert.", wait)
		}
	}
	org, err := s.store.Register().Organisation(ctx, n.OrganisationID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return u, "", &mgz.Error{Code: mgz.ECodeInvalid, Message: "De organisatie bestaat niet.",
			Fields: map[string]string{"organisation_id": fmt.Sprintf("Organisatie %d bestaat niet. Kies een organisatie uit het register.", n.OrganisationID)}}
	}
	if err != nil {
		return u, "", err
	}
	if err := u.Normalise(org.Kind); err != nil {
		return u, "", err
	}
	password := n.Password
	u.MustChangePassword = password == "" && n.PasswordHash == ""
	if password == "" {
		password = auth.OneTimePassword()
	} else if err := mgz.CheckPassword("password", password); err != nil {
		return u, "", err
	}
	hash := n.PasswordHash
	if hash == "" {
		if hash, err = s.hasher.Hash(password); err != nil {
			return u, "", err
		}
	}
	unavailable := false
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		// Read inside the transaction: an address is free, in use in the actor's organisation,
		// or in use elsewhere, which is not said (no oracle of other organisations' accounts).
		other, _, err := tx.Accounts().UserByEmail(ctx, u.Email)
		switch {
		case err == nil && (other.OrganisationID == u.OrganisationID || a.System):
			return nil, &mgz.Error{Code: mgz.ECodeConflict, Message: "Er is al een gebruiker met dit e-mailadres.",
				Fields: map[string]string{"email": fmt.Sprintf("Dit e-mailadres is al in gebruik door %s (gebruiker %d). Elk account heeft een eigen e-mailadres.", other.Name, other.ID)}}
		case err == nil:
			unavailable = true
			return nil, emailUnavailable()
		case mgz.ErrorCode(err) != mgz.ECodeNotFound:
			return nil, err
		}
		if err := tx.Accounts().CreateUser(ctx, &u, hash); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditCreate, "user", u.ID, u.OrganisationID), nil
	})
	if unavailable {
		// Audited and counted outside the rolled-back transaction, in neutral words: the
		// organisation's own admins read this entry too.
		if err := s.accountGuards.emailProbe.Fail(ctx, probeKey); err != nil {
			return u, "", err
		}
		e := entry(a, mgz.AuditCreate, "user", 0, n.OrganisationID)
		e.Outcome, e.Reason = mgz.OutcomeDenied, "e-mailadres niet beschikbaar"
		if aerr := s.store.Audit().Append(ctx, e); aerr != nil {
			return u, "", aerr
		}
		s.log.Warn("new user refused: e-mail address not available", "user_id", a.User.ID, "organisation_id", n.OrganisationID)
	}
	if err != nil {
		return u, "", err
	}
	if !u.MustChangePassword {
		password = ""
	}
	return u, password, nil
}

// emailUnavailable answers a new account with an address that belongs to an account of another
// organisation. It is the same whoever holds it and says nothing about them.
func emailUnavailable() error {
	return &mgz.Error{Code: mgz.ECodeConflict, Message: "Dit e-mailadres kan niet voor een nieuw account worden gebruikt.",
		Fields: map[string]string{"email": "Kies een ander e-mailadres, bijvoorbeeld het persoonlijke werkadres van uw collega. Lukt dat niet, neem dan contact op met de beheerder van mgz in uw regio."}}
}

// Users lists the users of an organisation.
func (s *Service) Users(ctx context.Context, a mgz.Actor, orgID int64) ([]mgz.User, error) {
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.User, OrganisationID: orgID}, mgz.AuditRead, 0); err != nil {
		return nil, err
	}
	us, _, err := s.store.Accounts().Users(ctx, mgz.UserFilter{OrganisationID: orgID, Page: mgz.Page{Limit: mgz.MaxLimit}})
	return us, err
}

// User returns one user, if actor may see them.
func (s *Service) User(ctx context.Context, a mgz.Actor, id int64) (mgz.User, error) {
	u, err := s.store.Accounts().User(ctx, id)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return u, mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return u, err
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.User, OrganisationID: u.OrganisationID, UserID: u.ID}, mgz.AuditRead, id); err != nil {
		return mgz.User{}, err
	}
	return u, nil
}

// UpdateUser changes a user's name, roles and whether they are disabled. u.Revision is the
// revision the edit was made on (0: the current one); a stale edit is refused with
// mgz.StaleEdit. The current row is read inside the write transaction, where also an
// organisation is kept from losing its last active admin, whoever edits at the same moment. An
// admin cannot take their own admin role away or disable themselves.
func (s *Service) UpdateUser(ctx context.Context, a mgz.Actor, u *mgz.User) error {
	// A user's organisation never changes, so it can be authorised before the transaction (a
	// denial's entry must not roll back with it).
	pre, err := s.store.Accounts().User(ctx, u.ID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return err
	}
	// Only an admin changes roles: checking the organisation's admin role, not "self".
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.User, OrganisationID: pre.OrganisationID}, mgz.AuditUpdate, u.ID); err != nil {
		return err
	}
	u.Email, u.OrganisationID = pre.Email, pre.OrganisationID
	org, err := s.store.Register().Organisation(ctx, pre.OrganisationID)
	if err != nil {
		return err
	}
	if err := u.Normalise(org.Kind); err != nil {
		return err
	}
	if !a.System && a.User.ID == u.ID && (u.Disabled || !u.Has(mgz.RoleAdmin)) {
		return mgz.Errorf(mgz.ECodeConflict, "U kunt uw eigen beheerdersrol niet intrekken en uzelf niet uitschakelen: vraag dat een andere beheerder van uw organisatie.")
	}
	// Roles, disabled and name take effect on the very next request: the cached actor, sessions
	// and tokens go, even when the change fails halfway (dropping too much only costs a query).
	defer s.invalidate(ctx, Invalidation{UserID: u.ID})
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		old, err := tx.Accounts().User(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(u.Revision, old.Revision) {
			return nil, mgz.StaleEdit("De gebruiker "+old.Name, u.Revision, old.Revision, userNow(old))
		}
		activeAdmin := func(x mgz.User) bool { return !x.Disabled && x.Has(mgz.RoleAdmin) }
		if activeAdmin(old) && !activeAdmin(*u) {
			n, err := tx.Accounts().ActiveAdmins(ctx, old.OrganisationID)
			if err != nil {
				return nil, err
			}
			if n <= 1 {
				return nil, &mgz.Error{Code: mgz.ECodeConflict, Message: old.Name + " is de laatste actieve beheerder van " + org.Name +
					". Geef eerst een collega de rol beheerder; daarna kunt u deze rol intrekken of het account blokkeren.",
					Fields: map[string]string{"roles": "De organisatie houdt minstens één actieve beheerder."}}
			}
		}
		u.Revision = old.Revision
		if err := tx.Accounts().UpdateUser(ctx, u); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, "user", u.ID, u.OrganisationID)
		e.Reason = userChange(old, *u)
		return e, nil
	})
}

// userNow says in Dutch what a user's record holds now, for the answer to a stale edit.
func userNow(u mgz.User) []string {
	state := "actief"
	if u.Disabled {
		state = "geblokkeerd"
	}
	return []string{"naam nu " + u.Name, "rollen nu " + rolesText(u.Roles), "account nu " + state}
}

// userChange says in Dutch what an update changed, for its audit entry.
func userChange(old, u mgz.User) string {
	var parts []string
	if old.Name != u.Name {
		parts = append(parts, "naam gewijzigd")
	}
	if rolesText(old.Roles) != rolesText(u.Roles) {
		parts = append(parts, "rollen: "+rolesText(old.Roles)+" → "+rolesText(u.Roles))
	}
	if old.Disabled != u.Disabled {
		if u.Disabled {
			parts = append(parts, "account geblokkeerd")
		} else {
			parts = append(parts, "account weer actief")
		}
	}
	if len(parts) == 0 {
		return "niets gewijzigd"
	}
	return strings.Join(parts, "; ")
}

func rolesText(rs []mgz.UserRole) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = strings.ToLower(r.Label())
	}
	return strings.Join(out, ", ")
}

// accountGuards throttle what a signed-in user could otherwise try endlessly: guessing their
// own current password (a stolen session must not become a password) and probing which e-mail
// addresses have an account elsewhere.
type accountGuards struct {
	currentPassword *auth.Throttle
	emailProbe      *auth.Throttle
}

func newAccountGuards(throttle func(name string, limit int, window time.Duration) *auth.Throttle) accountGuards {
	return accountGuards{
		// Five wrong current passwords per account per quarter of an hour, as for logins.
		currentPassword: throttle("current-password", 5, 15*time.Minute),
		// Five refused addresses per admin per hour: enough for typing errors, too few to probe.
		emailProbe: throttle("email-probe", 5, time.Hour),
	}
}

// tooManyAttempts is the 429 answer after wait, in Dutch.
func tooManyAttempts(what, next string, wait time.Duration) error {
	minutes := int(wait.Round(time.Minute) / time.Minute)
	if minutes < 1 {
		minutes = 1
	}
	return mgz.Errorf(mgz.ECodeTooManyRequests, "%s Wacht %d minuten en probeer het dan opnieuw; %s", what, minutes, next)
}

// ChangePassword sets a user's own new password after checking the current one. Wrong current
// passwords are audited and throttled per account (5 per 15 minutes, then 429). The caller ends
// the user's other sessions (EndOtherSessions), keeping the one in use.
func (s *Service) ChangePassword(ctx context.Context, a mgz.Actor, current, next string) error {
	if err := s.authorize(ctx, s.store, a, access.Update, access.Resource{Kind: access.User, OrganisationID: a.User.OrganisationID, UserID: a.User.ID}, mgz.AuditUpdate, a.User.ID); err != nil {
		return err
	}
	key := fmt.Sprintf("user:%d", a.User.ID)
	refuse := func(reason string) {
		e := entry(a, mgz.AuditUpdate, "user", a.User.ID, a.User.OrganisationID)
		e.Outcome, e.Reason = mgz.OutcomeDenied, reason
		if err := s.store.Audit().Append(ctx, e); err != nil {
			s.log.Error("writing the audit entry of a refused password change failed", "err", err)
		}
		s.log.Warn("password change refused", "user_id", a.User.ID, "reason", reason)
	}
	if blocked, wait, err := s.accountGuards.currentPassword.Blocked(ctx, key); err != nil {
		return err
	} else if blocked {
		refuse("wachtwoord wijzigen geblokkeerd: te vaak een verkeerd huidig wachtwoord")
		return tooManyAttempts("U heeft te vaak een verkeerd huidig wachtwoord ingevuld.",
			"weet u het niet meer, vraag dan de beheerder van uw organisatie om een eenmalig wachtwoord.", wait)
	}
	_, hash, err := s.store.Accounts().UserByEmail(ctx, a.User.Email)
	if err != nil {
		return err
	}
	if !s.hasher.Verify(hash, current) {
		if err := s.accountGuards.currentPassword.Fail(ctx, key); err != nil {
			return err
		}
		refuse("huidig wachtwoord onjuist bij wachtwoord wijzigen")
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Het huidige wachtwoord klopt niet.",
			Fields: map[string]string{"current": "Het huidige wachtwoord klopt niet. Vul het wachtwoord in waarmee u net inlogde."}}
	}
	if err := mgz.CheckPassword("password", next); err != nil {
		return err
	}
	if next == current {
		return &mgz.Error{Code: mgz.ECodeInvalid, Message: "Kies een nieuw wachtwoord.",
			Fields: map[string]string{"password": "Het nieuwe wachtwoord is gelijk aan het huidige. Kies een ander."}}
	}
	newHash, err := s.hasher.Hash(next)
	if err != nil {
		return err
	}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Accounts().SetPassword(ctx, a.User.ID, newHash, false); err != nil {
			return nil, err
		}
		e := entry(a, mgz.AuditUpdate, "user", a.User.ID, a.User.OrganisationID)
		e.Reason = "wachtwoord gewijzigd"
		return e, nil
	})
	if err == nil {
		if err := s.accountGuards.currentPassword.Reset(ctx, key); err != nil {
			s.log.Error("forgetting the wrong current passwords of an account failed", "user_id", a.User.ID, "err", err)
		}
		s.invalidate(ctx, Invalidation{UserID: a.User.ID})
	}
	return err
}

// EndOtherSessions ends every session of the actor but the one with secret.
func (s *Service) EndOtherSessions(ctx context.Context, a mgz.Actor, keepSecret string) (string, string, error) {
	sess, err := s.store.Accounts().Session(ctx, auth.SecretHash(keepSecret))
	if err != nil {
		return "", "", err
	}
	err = s.store.Accounts().DeleteUserSessions(ctx, a.User.ID)
	s.invalidate(ctx, Invalidation{UserID: a.User.ID})
	if err != nil {
		return "", "", err
	}
	secret := auth.RandomString(32)
	now := s.now()
	err = s.store.Accounts().CreateSession(ctx, auth.SecretHash(secret), mgz.Session{UserID: a.User.ID, CSRFToken: sess.CSRFToken,
		CreatedAt: now, LastSeenAt: now, Address: a.Address})
	return secret, sess.CSRFToken, err
}

// CreateToken makes an API token for actor; the secret is returned once and stored only hashed.
func (s *Service) CreateToken(ctx context.Context, a mgz.Actor, userID int64, name string) (mgz.APIToken, string, error) {
	u, err := s.store.Accounts().User(ctx, userID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		// The same answer as for someone else's account: user ids must not be probed.
		return mgz.APIToken{}, "", mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return mgz.APIToken{}, "", err
	}
	if err := s.authorize(ctx, s.store, a, access.Create, access.Resource{Kind: access.Token, OrganisationID: u.OrganisationID, UserID: u.ID}, mgz.AuditCreate, 0); err != nil {
		return mgz.APIToken{}, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API-token"
	}
	if len([]rune(name)) > 100 {
		return mgz.APIToken{}, "", &mgz.Error{Code: mgz.ECodeInvalid, Message: "De naam is te lang.", Fields: map[string]string{"name": "Maximaal 100 tekens."}}
	}
	secret := auth.NewToken()
	t := mgz.APIToken{UserID: u.ID, Name: name, Prefix: secret[:len(auth.TokenPrefix)+6]}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Accounts().CreateToken(ctx, &t, auth.SecretHash(secret)); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditCreate, "api_token", t.ID, u.OrganisationID), nil
	})
	return t, secret, err
}

// Tokens lists actor's own API tokens.
func (s *Service) Tokens(ctx context.Context, a mgz.Actor) ([]mgz.APIToken, error) {
	return s.store.Accounts().Tokens(ctx, a.User.ID)
}

// RevokeToken revokes an API token; the policy lets users revoke their own. Someone else's token
// is answered as not found, and the attempt is audited.
func (s *Service) RevokeToken(ctx context.Context, a mgz.Actor, tokenID int64) error {
	t, err := s.store.Accounts().Token(ctx, tokenID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	if err != nil {
		return err
	}
	u, err := s.store.Accounts().User(ctx, t.UserID)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, s.store, a, access.Delete, access.Resource{Kind: access.Token, OrganisationID: u.OrganisationID, UserID: u.ID}, mgz.AuditDelete, tokenID); err != nil {
		return err
	}
	err = s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Accounts().RevokeToken(ctx, u.ID, tokenID, s.now()); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditDelete, "api_token", tokenID, u.OrganisationID), nil
	})
	if err == nil {
		// The token is refused from the very next request on, on every instance.
		s.invalidate(ctx, Invalidation{UserID: u.ID})
	}
	return err
}

// UserByEmail finds a user for the command line.
func (s *Service) UserByEmail(ctx context.Context, a mgz.Actor, email string) (mgz.User, error) {
	if !a.System {
		return mgz.User{}, errors.New("service: UserByEmail is for the command line")
	}
	u, _, err := s.store.Accounts().UserByEmail(ctx, email)
	return u, err
}
