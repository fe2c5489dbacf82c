package auth

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// memoryFailures is a mgz.FailureStore in memory, standing in for the database.
type memoryFailures struct {
	mu    sync.Mutex
	fails map[string][]time.Time
	keys  []string
}

func (m *memoryFailures) AddFailure(_ context.Context, key string, at, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fails[key] = append(m.fails[key], at)
	m.keys = append(m.keys, key)
	return nil
}

func (m *memoryFailures) NthRecentFailure(_ context.Context, key string, since time.Time, n int) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var recent []time.Time
	for _, at := range m.fails[key] {
		if at.After(since) {
			recent = append(recent, at)
		}
	}
	sort.Slice(recent, func(i, j int) bool { return recent[i].After(recent[j]) })
	if len(recent) < n {
		return time.Time{}, false, nil
	}
	return recent[n-1], true, nil
}

func (m *memoryFailures) ForgetFailures(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.fails, key)
	return nil
}

func (m *memoryFailures) PruneFailures(context.Context, time.Time) error { return nil }

// TestSharedThrottlesCountTogetherAndStoreNoKeyInClear: two throttles of the same name over one
// store (two instances of mgz on one database) count each other's failures; a throttle of
// another name does not; the store sees hashes, never the e-mail address.
func TestSharedThrottlesCountTogetherAndStoreNoKeyInClear(t *testing.T) {
	ctx := t.Context()
	store := &memoryFailures{fails: map[string][]time.Time{}}
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, b := NewSharedThrottle("login-account", 3, 10*time.Minute, store), NewSharedThrottle("login-account", 3, 10*time.Minute, store)
	other := NewSharedThrottle("bsn-account", 3, 10*time.Minute, store)
	a.now, b.now, other.now = clock, clock, clock
	for i, th := range []*Throttle{a, b, a} {
		if blocked, _, err := th.Blocked(ctx, "account:a@x.nl"); blocked || err != nil {
			t.Fatalf("blocked after %d failures (%v)", i, err)
		}
		if err := th.Fail(ctx, "account:a@x.nl"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	if blocked, wait, _ := b.Blocked(ctx, "account:a@x.nl"); !blocked || wait != 7*time.Minute {
		t.Fatalf("after 3 failures through two throttles: blocked %v for %s, want 7m", blocked, wait)
	}
	if blocked, _, _ := other.Blocked(ctx, "account:a@x.nl"); blocked {
		t.Fatal("a throttle of another name counts the same key")
	}
	for _, k := range store.keys {
		if strings.Contains(k, "a@x.nl") || len(k) != 64 {
			t.Fatalf("the store got key %q, want a hash", k)
		}
	}
	now = now.Add(8 * time.Minute)
	if blocked, _, _ := a.Blocked(ctx, "account:a@x.nl"); blocked {
		t.Fatal("still blocked after the window passed")
	}
	for range 3 {
		_ = b.Fail(ctx, "account:a@x.nl")
	}
	if err := a.Reset(ctx, "account:a@x.nl"); err != nil {
		t.Fatal(err)
	}
	if blocked, _, _ := b.Blocked(ctx, "account:a@x.nl"); blocked {
		t.Fatal("a reset through one throttle does not hold for the other")
	}
}
