package service

import (
	"sync"
	"time"
)

// memo keeps the results of expensive region-wide computations (the coverage gaps of the whole
// register) for a short while. A result is reused only while nothing was changed through this
// service since it was computed (Service.generation, moved by every audited change) and for at
// most ttl, which bounds how long a change made by another process (mgz roster import on the
// same file, a second instance) stays unseen.
type memo struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	entries map[string]memoEntry
}

type memoEntry struct {
	generation uint64
	at         time.Time
	value      any
}

func newMemo(ttl time.Duration, max int) *memo {
	return &memo{ttl: ttl, max: max, entries: map[string]memoEntry{}}
}

// get returns the value of key computed at generation, if it is fresh.
func (m *memo) get(key string, generation uint64, now time.Time) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || e.generation != generation || now.Sub(e.at) > m.ttl || now.Before(e.at) {
		return nil, false
	}
	return e.value, true
}

// put stores value for key as computed at generation; when full, stale entries go first and then
// everything (the memo is small and cheap to refill).
func (m *memo) put(key string, generation uint64, now time.Time, value any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= m.max {
		for k, e := range m.entries {
			if e.generation != generation || now.Sub(e.at) > m.ttl {
				delete(m.entries, k)
			}
		}
		if len(m.entries) >= m.max {
			clear(m.entries)
		}
	}
	m.entries[key] = memoEntry{generation: generation, at: now, value: value}
}

// Generation is the generation of the data coverage gaps and answers are computed from: it moves
// with every audited change, through this service, of the register, contact points, rosters,
// fixed physicians or settings, before the change's caller gets its answer. A cache of such data
// (directory.WithCache) may keep what it read while the generation stays the same.
func (s *Service) Generation() uint64 { return s.generation.Load() }
