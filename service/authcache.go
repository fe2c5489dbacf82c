package service

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/calendar"
)

// Invalidation says which cached credentials or settings no longer hold. It is small and plain
// so that it can travel between instances of mgz (PostgreSQL NOTIFY carries it as JSON).
type Invalidation struct {
	// UserID drops the user's actor and every session and API token of theirs.
	UserID int64 `json:"user_id,omitempty"`
	// OrganisationID drops the actors of the organisation's users (its kind shapes their rights).
	OrganisationID int64 `json:"organisation_id,omitempty"`
	// Session drops one session, by the hash of its secret.
	Session string `json:"session,omitempty"`
	// Settings drops the region's settings.
	Settings bool `json:"settings,omitempty"`
	// All drops everything, e.g. after an instance lost its connection to the others.
	All bool `json:"all,omitempty"`
}

// Invalidator carries invalidations to every instance of mgz that serves the same database. The
// instance that changes something applies the invalidation to its own cache at once, then
// publishes it; the others apply it when it arrives. A lost message is bounded by the caches'
// time to live (authCacheTTL).
type Invalidator interface {
	Publish(ctx context.Context, inv Invalidation) error
	Subscribe(fn func(Invalidation))
}

// LocalInvalidator is the Invalidator of instances in one process: Publish calls every
// subscriber before it returns.
type LocalInvalidator struct {
	mu   sync.RWMutex
	subs []func(Invalidation)
}

// NewLocalInvalidator returns an Invalidator within the process.
func NewLocalInvalidator() *LocalInvalidator { return &LocalInvalidator{} }

// Publish implements Invalidator.
func (l *LocalInvalidator) Publish(_ context.Context, inv Invalidation) error {
	l.mu.RLock()
	subs := l.subs
	l.mu.RUnlock()
	for _, fn := range subs {
		fn(inv)
	}
	return nil
}

// Subscribe implements Invalidator.
func (l *LocalInvalidator) Subscribe(fn func(Invalidation)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.subs = append(l.subs[:len(l.subs):len(l.subs)], fn)
}

// InvalidationChannel is the PostgreSQL NOTIFY channel of NotifyInvalidator.
const InvalidationChannel = "mgz_invalidate"

// NotifyInvalidator is the Invalidator of instances of mgz on one PostgreSQL database: Publish
// sends the invalidation as JSON through NOTIFY (send); the listener of each instance hands what
// arrives to Receive. An instance skips what it sent itself (it applied that at once).
//
// While the listener's connection is lost (Lost, until Resumed), what the others send is missed:
// the cache then holds nothing and every request reads the store, and after Resumed it starts
// empty.
type NotifyInvalidator struct {
	send   func(ctx context.Context, payload []byte) error
	origin string
	local  LocalInvalidator
	lost   atomic.Bool
}

// notification is what travels: the invalidation and the instance that sent it.
type notification struct {
	Origin string `json:"origin"`
	Invalidation
}

// NewNotifyInvalidator returns an Invalidator that publishes through send (a NOTIFY on
// InvalidationChannel).
func NewNotifyInvalidator(send func(ctx context.Context, payload []byte) error) *NotifyInvalidator {
	return &NotifyInvalidator{send: send, origin: auth.RandomString(12)}
}

// Publish implements Invalidator.
func (n *NotifyInvalidator) Publish(ctx context.Context, inv Invalidation) error {
	payload, err := json.Marshal(notification{Origin: n.origin, Invalidation: inv})
	if err != nil {
		return err
	}
	return n.send(ctx, payload)
}

// Subscribe implements Invalidator.
func (n *NotifyInvalidator) Subscribe(fn func(Invalidation)) { n.local.Subscribe(fn) }

// Receive applies a notification of another instance. One that cannot be read drops everything:
// dropping too much costs only queries.
func (n *NotifyInvalidator) Receive(payload []byte) {
	var m notification
	if err := json.Unmarshal(payload, &m); err != nil {
		m = notification{Invalidation: Invalidation{All: true}}
	}
	if m.Origin == n.origin {
		return
	}
	_ = n.local.Publish(context.Background(), m.Invalidation)
}

// Lost says that the listener's connection is lost: nothing is cached until Resumed.
func (n *NotifyInvalidator) Lost() {
	n.lost.Store(true)
	_ = n.local.Publish(context.Background(), Invalidation{All: true})
}

// Resumed says that the listener listens again. What was cached before is dropped (again): a
// read from before the gap is never stored after it.
func (n *NotifyInvalidator) Resumed() {
	n.lost.Store(false)
	_ = n.local.Publish(context.Background(), Invalidation{All: true})
}

// Delivering reports whether invalidations from the other instances arrive now.
func (n *NotifyInvalidator) Delivering() bool { return !n.lost.Load() }

// The bounds of the caches: an entry is used for at most authCacheTTL after it was read from
// the store, so a change whose invalidation got lost on its way to another instance holds there
// within that time; and each map holds at most authCacheMax entries.
const (
	authCacheTTL = 5 * time.Second
	authCacheMax = 10000
)

// authCache keeps what authenticating a request needs, so that a request with a known token
// or session does no query: token → user, session → user, user → actor, and the region's
// calendar settings. Only what succeeded is kept; unknown, revoked and disabled are read from
// the store every time, and audited there.
//
// Every invalidation moves gen on; a value read from the store before that is not stored, so
// that a read racing with a change cannot put the old state back.
type authCache struct {
	ttl   time.Duration
	max   int
	clock func() time.Time // real time: the service's clock may be stopped by tests
	// delivering reports whether invalidations of other instances arrive (nil: always); while
	// they do not, nothing is looked up or stored.
	delivering func() bool

	mu       sync.Mutex
	gen      uint64
	tokens   map[string]cached[mgz.APIToken]
	sessions map[string]cached[mgz.Session]
	users    map[int64]cached[userOfKind]
	calendar *cached[calendar.Settings]
}

// cached is a value read from the store, with when it was read.
type cached[V any] struct {
	v    V
	read time.Time
}

// userOfKind is a user with the kind of their organisation, what an actor is made of.
type userOfKind struct {
	u    mgz.User
	kind mgz.OrgKind
}

func newAuthCache(ttl time.Duration, max int) *authCache {
	return &authCache{ttl: ttl, max: max, clock: time.Now,
		tokens: map[string]cached[mgz.APIToken]{}, sessions: map[string]cached[mgz.Session]{}, users: map[int64]cached[userOfKind]{}}
}

// lookup returns m's fresh value of k. The caller holds c.mu.
func lookup[K comparable, V any](c *authCache, m map[K]cached[V], k K) (V, bool) {
	e, ok := m[k]
	if !ok || !c.fresh(e.read) || !c.live() {
		var zero V
		return zero, false
	}
	return e.v, true
}

// store keeps v as m's value of k when it was read at generation gen (see generation): a value
// read before an invalidation is not stored. The caller holds c.mu.
func store[K comparable, V any](c *authCache, gen uint64, m map[K]cached[V], k K, v V) {
	if gen != c.gen || !c.live() {
		return
	}
	makeRoom(m, c.max)
	m[k] = cached[V]{v, c.clock()}
}

// generation returns the generation to pass to the put methods after reading from the store.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *authCache) fresh(read time.Time) bool { return c.clock().Sub(read) < c.ttl }

// live reports whether the cache may be used: whether the invalidations of other instances
// arrive.
func (c *authCache) live() bool { return c.delivering == nil || c.delivering() }

func (c *authCache) token(hash string) (mgz.APIToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return lookup(c, c.tokens, hash)
}

func (c *authCache) putToken(gen uint64, hash string, t mgz.APIToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	store(c, gen, c.tokens, hash, t)
}

// touchedToken records that the token's last use was stored as at.
func (c *authCache) touchedToken(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.tokens[hash]; ok {
		e.v.LastUsedAt = &at
		c.tokens[hash] = e
	}
}

func (c *authCache) session(hash string) (mgz.Session, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return lookup(c, c.sessions, hash)
}

func (c *authCache) putSession(gen uint64, hash string, s mgz.Session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	store(c, gen, c.sessions, hash, s)
}

// touchedSession records that the session's last-seen time was stored as at.
func (c *authCache) touchedSession(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.sessions[hash]; ok {
		e.v.LastSeenAt = at
		c.sessions[hash] = e
	}
}

func (c *authCache) user(id int64) (mgz.User, mgz.OrgKind, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := lookup(c, c.users, id)
	return e.u, e.kind, ok
}

func (c *authCache) putUser(gen uint64, u mgz.User, kind mgz.OrgKind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	store(c, gen, c.users, u.ID, userOfKind{u, kind})
}

func (c *authCache) calendarSettings() (calendar.Settings, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calendar == nil || !c.fresh(c.calendar.read) || !c.live() {
		return calendar.Settings{}, false
	}
	return c.calendar.v, true
}

func (c *authCache) putCalendarSettings(gen uint64, cs calendar.Settings) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || !c.live() {
		return
	}
	c.calendar = &cached[calendar.Settings]{cs, c.clock()}
}

// apply drops what inv names.
func (c *authCache) apply(inv Invalidation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if inv.All {
		clear(c.tokens)
		clear(c.sessions)
		clear(c.users)
		c.calendar = nil
		return
	}
	if inv.Settings {
		c.calendar = nil
	}
	if inv.Session != "" {
		delete(c.sessions, inv.Session)
	}
	if inv.UserID != 0 {
		delete(c.users, inv.UserID)
		for h, e := range c.sessions {
			if e.v.UserID == inv.UserID {
				delete(c.sessions, h)
			}
		}
		for h, e := range c.tokens {
			if e.v.UserID == inv.UserID {
				delete(c.tokens, h)
			}
		}
	}
	if inv.OrganisationID != 0 {
		for id, e := range c.users {
			if e.v.u.OrganisationID == inv.OrganisationID {
				delete(c.users, id)
			}
		}
	}
}

// size returns the number of tokens, sessions and users held, for tests.
func (c *authCache) size() (tokens, sessions, users int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.tokens), len(c.sessions), len(c.users)
}

// makeRoom drops entries of a full map until one more fits. The map's random iteration order
// makes that a random eviction, which is enough to bound memory: an entry dropped too early is
// read from the store again when it is needed.
func makeRoom[K comparable, V any](m map[K]V, max int) {
	if len(m) < max {
		return
	}
	n := 0
	for k := range m {
		delete(m, k)
		n++
		if len(m) < max || n >= 64 {
			break
		}
	}
}

// invalidate applies inv to this instance's cache at once and tells the other instances. A
// failure to tell them is logged: their copies end within authCacheTTL.
func (s *Service) invalidate(ctx context.Context, inv Invalidation) {
	s.auth.apply(inv)
	if s.invalidator == nil {
		return
	}
	if err := s.invalidator.Publish(context.WithoutCancel(ctx), inv); err != nil {
		s.log.Error("publishing a cache invalidation failed; other instances follow within the cache's time to live",
			"err", err, "ttl", authCacheTTL.String())
	}
}

// InvalidateCaches drops whatever inv names from this instance's caches, for the Invalidator of
// several instances (and for the command line after it changed accounts in the database).
func (s *Service) InvalidateCaches(inv Invalidation) { s.auth.apply(inv) }

// initCaches sets up the caches of the request path and subscribes them to cfg's Invalidator.
func (s *Service) initCaches(cfg Config) {
	s.auth = newAuthCache(authCacheTTL, authCacheMax)
	s.invalidator = cfg.Invalidator
	if s.invalidator != nil {
		s.invalidator.Subscribe(s.auth.apply)
	}
	if d, ok := s.invalidator.(interface{ Delivering() bool }); ok {
		s.auth.delivering = d.Delivering
	}
}
