package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/regio-mgz/mgz"
)

// Throttle counts failed attempts per key (an account, an address, a BSN) in a sliding window
// and blocks a key that failed too often, without telling whether an account exists: the caller
// throttles the typed e-mail address whether or not it belongs to someone.
//
// A throttle made by NewSharedThrottle keeps its failures in a mgz.FailureStore (the database),
// so that every instance of mgz on that database counts the attempts made through all of them;
// NewThrottle keeps them in memory, for one process.
type Throttle struct {
	limit  int
	window time.Duration
	now    func() time.Time

	// shared: the store and the throttle's name, which keeps apart the keys of throttles that
	// share the store.
	store     mgz.FailureStore
	name      string
	lastPrune time.Time

	mu    sync.Mutex
	fails map[string][]time.Time // in memory, when store is nil
}

// NewThrottle allows limit failures per key within window, counted in memory.
func NewThrottle(limit int, window time.Duration) *Throttle {
	return &Throttle{limit: limit, window: window, fails: map[string][]time.Time{}, now: time.Now}
}

// NewSharedThrottle allows limit failures per key within window, counted in store under name.
func NewSharedThrottle(name string, limit int, window time.Duration, store mgz.FailureStore) *Throttle {
	return &Throttle{limit: limit, window: window, now: time.Now, store: store, name: name}
}

// pruneEvery is how often a shared throttle removes expired failures of every key from its
// store (a key's own old failures stay out of its count by their time anyway).
const pruneEvery = 10 * time.Minute

// storeKey is what a shared throttle stores for key: a hash of a fixed prefix, the throttle's
// name and the key, so that no e-mail address, network address or BSN is stored in clear.
func (t *Throttle) storeKey(key string) string {
	h := sha256.Sum256([]byte("mgz-throttle\x00" + t.name + "\x00" + key))
	return hex.EncodeToString(h[:])
}

// recent drops failures older than the window and returns the rest. The caller holds t.mu.
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
func (t *Throttle) Blocked(ctx context.Context, key string) (bool, time.Duration, error) {
	now := t.now()
	if t.store != nil {
		at, ok, err := t.store.NthRecentFailure(ctx, t.storeKey(key), now.Add(-t.window), t.limit)
		if err != nil || !ok {
			return false, 0, err
		}
		return true, max(t.window-now.Sub(at), 0), nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(key, now)
	if len(fs) < t.limit {
		return false, 0, nil
	}
	return true, t.window - now.Sub(fs[len(fs)-t.limit]), nil
}

// Fail records a failed attempt for key.
func (t *Throttle) Fail(ctx context.Context, key string) error {
	now := t.now()
	if t.store != nil {
		if err := t.store.AddFailure(ctx, t.storeKey(key), now, now.Add(t.window)); err != nil {
			return err
		}
		t.mu.Lock()
		prune := now.Sub(t.lastPrune) >= pruneEvery
		if prune {
			t.lastPrune = now
		}
		t.mu.Unlock()
		if prune {
			return t.store.PruneFailures(ctx, now)
		}
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[key] = append(t.recent(key, now), now)
	return nil
}

// Reset forgets key's failures, after a success.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	if t.store != nil {
		return t.store.ForgetFailures(ctx, t.storeKey(key))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
	return nil
}
