package service

import (
	"slices"
	"sync"
	"time"

	"github.com/regio-mgz/mgz"
)

// locationCacheTTL bounds how long a cached location may rest on what another process (mgz
// import on the same SQLite file, a second instance on PostgreSQL) may have changed since. A
// change made through this service invalidates the cache at once (Service.generation); reading
// the database-wide overview_generation counter instead would cost a query per request, about
// what the cache saves, so cross-process freshness is bounded by this TTL, like
// directory.MaxCacheTTL.
const locationCacheTTL = 5 * time.Second

// locationCacheMax bounds the locations kept: a national register has about 10,000; when full
// the cache is emptied and refills with what is asked for.
const locationCacheMax = 20000

// locationCache keeps locations as the store reads them (with their deliveries) for
// GET /api/v1/locations/{id}, the most-read register record (issue 14). It holds data only:
// whether an actor may read a location is decided on every request before the cache is asked.
// Every entry belongs to one generation of the service; when the generation moves, the whole
// cache is emptied on the next use.
type locationCache struct {
	mu         sync.RWMutex
	generation uint64
	entries    map[int64]locationCacheEntry
}

type locationCacheEntry struct {
	at  time.Time
	loc mgz.Location
}

func newLocationCache() *locationCache {
	return &locationCache{entries: map[int64]locationCacheEntry{}}
}

// get returns a copy of location id as read at generation, if it is no older than the TTL.
func (c *locationCache) get(id int64, generation uint64, now time.Time) (mgz.Location, bool) {
	c.mu.RLock()
	e, ok := c.entries[id]
	fresh := ok && c.generation == generation && now.Sub(e.at) <= locationCacheTTL && !now.Before(e.at)
	c.mu.RUnlock()
	if !fresh {
		return mgz.Location{}, false
	}
	return cloneLocation(e.loc), true
}

// put keeps a copy of l as read at generation (read before the store was asked, so a change that
// committed meanwhile has moved the generation and the entry is never served).
func (c *locationCache) put(l mgz.Location, generation uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if generation < c.generation {
		return // read before a change that another reader has already seen
	}
	if generation != c.generation || len(c.entries) >= locationCacheMax {
		clear(c.entries)
		c.generation = generation
	}
	c.entries[l.ID] = locationCacheEntry{at: now, loc: cloneLocation(l)}
}

// cloneLocation copies what a caller could change through l's slices and pointers, so that
// neither a caller nor the cache sees the other's changes.
func cloneLocation(l mgz.Location) mgz.Location {
	l.Deliveries = slices.Clone(l.Deliveries)
	if l.FixedGPPracticeID != nil {
		v := *l.FixedGPPracticeID
		l.FixedGPPracticeID = &v
	}
	if l.PhysicianServiceID != nil {
		v := *l.PhysicianServiceID
		l.PhysicianServiceID = &v
	}
	return l
}
