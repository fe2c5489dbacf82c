// Package service is the one way in to mgz's data: every call is authorised by the access policy
// and every change is written together with its audit entry in one transaction (NEN 7513). The
// web adapter and the command line use it; they never reach the store around it.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/auth"
)

// Config tunes the service.
type Config struct {
	// SessionIdle ends a session that was not used for this long; SessionMax ends every session
	// this long after login.
	SessionIdle, SessionMax time.Duration
	// Password hashing cost; tests lower it.
	Params auth.Params
	Logger *slog.Logger
	// Now is the clock; nil is the system clock. Tests move it to see a period pass.
	Now func() time.Time
	// Invalidator carries cache invalidations between instances serving one database; nil
	// for a single instance.
	Invalidator Invalidator
	// Failures keeps the failed attempts the throttles count (logins, BSN matching), so that
	// instances serving one database count the attempts made through all of them. Nil: the
	// store, when it keeps them (sqlstore does, on SQLite and PostgreSQL); else in memory.
	Failures mgz.FailureStore
}

// DefaultConfig: 30 minutes idle, 12 hours at most, OWASP's argon2id parameters.
var DefaultConfig = Config{SessionIdle: 30 * time.Minute, SessionMax: 12 * time.Hour, Params: auth.DefaultParams}

// Service wraps a store with the policy and the audit log.
type Service struct {
	store          mgz.Store
	cfg            Config
	log            *slog.Logger
	hasher         *auth.Hasher
	accountLimiter *auth.Throttle
	addressLimiter *auth.Throttle
	accountGuards  accountGuards
	// bsnAccountLimiter and bsnNumberLimiter throttle BSN-matching attempts per account and per
	// (hashed) BSN.
	bsnAccountLimiter *auth.Throttle
	bsnNumberLimiter  *auth.Throttle
	now               func() time.Time
	// auth caches credentials and settings of the request path (authcache.go).
	auth        *authCache
	invalidator Invalidator
	// generation moves with every audited change of what coverage gaps are computed from
	// (coverageInputs); coverageMemo keeps region-wide gap reports computed at a generation
	// (memo.go).
	generation   atomic.Uint64
	coverageMemo *memo
	// locations keeps locations read outside a transaction for the generation they were read
	// at (locationcache.go).
	locations *locationCache
}

// New returns a Service over store.
func New(store mgz.Store, cfg Config) *Service {
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = DefaultConfig.SessionIdle
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = DefaultConfig.SessionMax
	}
	if cfg.Params == (auth.Params{}) {
		cfg.Params = DefaultConfig.Params
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		store: store, cfg: cfg, log: cfg.Logger, hasher: auth.NewHasher(cfg.Params),
		now: func() time.Time { return time.Now().UTC() },
		// A region-wide gap report at national scale takes a few hundred milliseconds; it is
		// reused for 30 seconds at most, and never after a change through this service.
		coverageMemo: newMemo(30*time.Second, 64),
		locations:    newLocationCache(),
	}
	if cfg.Now != nil {
		s.now = func() time.Time { return cfg.Now().UTC() }
	}
	failures := cfg.Failures
	if f, ok := store.(mgz.FailureStore); ok && failures == nil {
		failures = f
	}
	throttle := func(name string, limit int, window time.Duration) *auth.Throttle {
		if failures == nil {
			return auth.NewThrottle(limit, window)
		}
		return auth.NewSharedThrottle(name, limit, window, failures)
	}
	// Five wrong passwords per account and twenty per address within a quarter of an hour.
	s.accountLimiter = throttle("login-account", 5, 15*time.Minute)
	s.addressLimiter = throttle("login-address", 20, 15*time.Minute)
	s.accountGuards = newAccountGuards(throttle)
	// Ten BSN-matching misses per account and five per BSN within an hour: a typo is mended in
	// a few tries; a year of birth dates is not.
	s.bsnAccountLimiter = throttle("bsn-account", 10, time.Hour)
	s.bsnNumberLimiter = throttle("bsn-number", 5, time.Hour)
	s.initCaches(cfg)
	return s
}

// System is the actor of the command line, run by the operator of the server.
func System() mgz.Actor { return mgz.Actor{System: true, Address: "opdrachtregel"} }

// entry starts an audit entry for actor.
func entry(a mgz.Actor, act mgz.AuditAction, objType string, objID, objOrg int64) *mgz.AuditEntry {
	e := &mgz.AuditEntry{Action: act, ObjectType: objType, ObjectID: objID, ObjectOrganisationID: objOrg,
		Outcome: mgz.OutcomeAllowed, ClientAddress: a.Address, OnBehalfOf: a.OnBehalfOf}
	if a.System {
		e.UserEmail, e.Roles = "system", "system"
		return e
	}
	e.UserID, e.UserEmail, e.OrganisationID = a.User.ID, a.User.Email, a.User.OrganisationID
	roles := make([]string, len(a.User.Roles))
	for i, r := range a.User.Roles {
		roles[i] = string(r)
	}
	e.Roles = strings.Join(roles, ",")
	return e
}

// authorize asks the policy. A denial is written to the audit log (in its own transaction, since
// nothing else happens) and logged, and returned as a forbidden or not-found error.
//
// Inside a transaction (store is then the transaction's) the denial's entry is written in it, and
// rolled back with it when the caller gives up; the service itself never nests a denial that way.
func (s *Service) authorize(ctx context.Context, store mgz.Store, a mgz.Actor, act access.Action, r access.Resource, auditAct mgz.AuditAction, objID int64) error {
	d := access.Decide(a, act, r)
	if d.Allow {
		return nil
	}
	e := entry(a, auditAct, string(r.Kind), objID, r.OrganisationID)
	e.Outcome, e.Reason = mgz.OutcomeDenied, d.Reason
	if r.Kind == access.Patient || r.Kind == access.Handover {
		e.PatientID = objID // a denial about a patient names the patient, by internal id
	}
	if err := store.Audit().Append(ctx, e); err != nil {
		s.log.Error("writing the audit entry of a denial failed", "err", err)
	}
	s.log.Warn("access denied", "user_id", a.User.ID, "organisation_id", a.User.OrganisationID, "action", act,
		"resource", r.Kind, "object_id", objID, "reason", d.Reason)
	if d.Hide {
		return mgz.Errorf(mgz.ECodeNotFound, "Dit bestaat niet, of u heeft er geen toegang toe.")
	}
	return mgz.Errorf(mgz.ECodeForbidden, "Geen toegang: %s", d.Reason)
}

// Allowed reports whether the policy allows a without writing anything, for pages that only show
// or hide a link.
func Allowed(a mgz.Actor, act access.Action, r access.Resource) bool {
	return access.Decide(a, act, r).Allow
}

// audited runs change and appends its audit entry in one transaction of store: no change without
// its entry.
func (s *Service) audited(ctx context.Context, store mgz.Store, change func(mgz.Tx) (*mgz.AuditEntry, error)) error {
	// What was computed from the kind of data this change touches is stale once it commits (and,
	// should the commit fail halfway, recomputing is only work): memo entries carry the generation.
	var objectType string
	defer func() {
		if coverageInputs[objectType] {
			s.generation.Add(1)
		}
	}()
	return store.Atomic(ctx, func(tx mgz.Tx) error {
		e, err := change(tx)
		if err != nil {
			return err
		}
		if e != nil {
			objectType = e.ObjectType
		}
		if e == nil {
			return errors.New("service: a change without an audit entry")
		}
		if err := tx.Audit().Append(ctx, e); err != nil {
			return fmt.Errorf("auditregel schrijven: %w", err)
		}
		return nil
	})
}

// coverageInputs are the kinds of object (audit entries' object types) that coverage gaps are
// computed from: a change of any other kind (a client, a report, a read) leaves a computed gap
// report valid, so a national region's steady stream of changes does not empty the memo.
var coverageInputs = map[string]bool{
	rosterObject: true, string(access.Organisation): true, string(access.Location): true,
	string(access.ContactPoint): true, string(access.Settings): true, fixedPhysicianObject: true,
}

// Ping reports whether the store answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

func asError(err error, target **mgz.Error) bool { return errors.As(err, target) }
