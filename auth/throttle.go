package auth

import (
	"sync"
	"time"
)

// Throttle counts failed logins per key (an account, an address) in a sliding window and blocks
// a key that failed too often, without telling whether an account exists: the caller throttles
// the typed e-mail address whether or not it belongs to someone.
type Throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  map[string][]time.Time
	now    func() time.Time
}

// NewThrottle allows limit failures per key within window.
func NewThrottle(limit int, window time.Duration) *Throttle {
	return &Throttle{limit: limit, window: window, fails: map[string][]time.Time{}, now: time.Now}
}

// recent drops failures older than the window and returns the rest.
func (t *Throttle) recent(key string, now time.Time) []time.Time {
	fs := t.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = fs
	}
	return fs
}

// Blocked reports whether key is blocked now, and for how long.
func (t *Throttle) Blocked(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	fs := t.recent(key, now)
	if len(fs) < t.limit {
		return false, 0
	}
	return true, t.window - now.Sub(fs[len(fs)-t.limit])
}

// Fail records a failed attempt for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.fails[key] = append(t.recent(key, now), now)
}

// Reset forgets key's failures, after a successful login.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}
