package directory

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// An answer reads a dozen records of the register and the rosters (the location, its
// organisations, their contact points and rosters, the region's free days): on SQLite most of
// an answer's time. WithCache keeps what was read for the next answers while nothing changed:
// every entry belongs to the generation of changes it was read at (the service moves it with
// every audited change of the register, contact points, rosters or settings, before the change's
// answer is sent) and to an epoch of at most ttl, which bounds how long a change made elsewhere
// (another mgz process on the same database) stays unseen.

// MaxCacheTTL is the longest an answer may rest on what another process may have changed since.
const MaxCacheTTL = 5 * time.Second

// maxCacheEntries bounds the cache: when full it starts again (it refills in one answer each).
const maxCacheEntries = 20000

// WithCache lets the Directory reuse what it read while generation (the service's change
// generation, service.Service.Generation) stays the same, for at most ttl (at most MaxCacheTTL).
func WithCache(generation func() uint64, ttl time.Duration) Option {
	return func(d *Directory) {
		d.cache = &readCache{gen: generation, ttl: min(ttl, MaxCacheTTL), now: time.Now, entries: map[cacheKey]any{}}
	}
}

// readCache holds the reads of one epoch: one generation, from start for at most ttl.
type readCache struct {
	gen     func() uint64
	ttl     time.Duration
	now     func() time.Time
	mu      sync.Mutex
	epochG  uint64
	start   time.Time
	entries map[cacheKey]any
}

// cacheKey names a read: what is read and its arguments (a key is built for every read, so it
// is a plain value rather than a formatted string).
type cacheKey struct {
	what   string
	a, b   int64
	filter string
}

// lookup returns the entry for key of generation g, starting a new epoch when g or the clock moved on.
func (c *readCache) lookup(key cacheKey, g uint64) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if g != c.epochG || now.Sub(c.start) > c.ttl || now.Before(c.start) {
		clear(c.entries)
		c.epochG, c.start = g, now
		return nil, false
	}
	v, ok := c.entries[key]
	return v, ok
}

// store keeps v for key if it was read in the current epoch (generation g, read from start).
func (c *readCache) store(key cacheKey, g uint64, readAt time.Time, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g != c.epochG || readAt.Before(c.start) {
		return // read before a change or in an older epoch: not for this one
	}
	if len(c.entries) >= maxCacheEntries {
		clear(c.entries)
	}
	c.entries[key] = v
}

// cachedRead returns load's value for key, from the cache when d has one and it holds a fresh
// value. The generation is read before the store, so a value read while a change was being made
// is kept at most under the generation before the change. Errors are not kept.
func cachedRead[T any](d *Directory, key cacheKey, load func() (T, error)) (T, error) {
	c := d.cache
	if c == nil {
		return load()
	}
	g, readAt := c.gen(), c.now()
	if v, ok := c.lookup(key, g); ok {
		return v.(T), nil
	}
	v, err := load()
	if err == nil {
		c.store(key, g, readAt, v)
	}
	return v, err
}

// The Directory's reads. What they return is shared between answers and must not be changed.

func (d *Directory) location(ctx context.Context, id int64) (mgz.Location, error) {
	return cachedRead(d, cacheKey{what: "location", a: id}, func() (mgz.Location, error) { return d.reg.Location(ctx, id) })
}

func (d *Directory) organisation(ctx context.Context, id int64) (mgz.Organisation, error) {
	return cachedRead(d, cacheKey{what: "organisation", a: id}, func() (mgz.Organisation, error) { return d.reg.Organisation(ctx, id) })
}

// firstOrganisation returns the first organisation of kind in region ("" for any), if any.
func (d *Directory) firstOrganisation(ctx context.Context, kind mgz.OrgKind, region string) ([]mgz.Organisation, error) {
	return cachedRead(d, cacheKey{what: "regional", filter: string(kind) + "|" + region}, func() ([]mgz.Organisation, error) {
		os, _, err := d.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: kind, Region: region, Page: mgz.Page{Limit: 1}})
		return os, err
	})
}

// locations returns the first page (MaxLimit) of locations of provider (0: any) in sector.
func (d *Directory) locations(ctx context.Context, provider int64, sector mgz.Sector) ([]mgz.Location, error) {
	return cachedRead(d, cacheKey{what: "locations", a: provider, filter: string(sector)}, func() ([]mgz.Location, error) {
		ls, _, err := d.reg.Locations(ctx, mgz.LocationFilter{ProviderID: provider, Sector: sector, Page: mgz.Page{Limit: mgz.MaxLimit}})
		return ls, err
	})
}

// contactPoints returns the contact points of a location (locID) or an organisation (orgID).
func (d *Directory) contactPoints(ctx context.Context, locID, orgID int64) ([]mgz.ContactPoint, error) {
	return cachedRead(d, cacheKey{what: "contacts", a: locID, b: orgID}, func() ([]mgz.ContactPoint, error) {
		f := mgz.ContactPointFilter{Page: mgz.Page{Limit: mgz.MaxLimit}}
		if locID != 0 {
			f.LocationID = locID
		} else {
			f.OrganisationID = orgID
		}
		cps, _, err := d.reg.ContactPoints(ctx, f)
		return cps, err
	})
}

func (d *Directory) readRosters(ctx context.Context, f mgz.RosterFilter) ([]mgz.Roster, error) {
	var b []byte
	for _, id := range f.LocationIDs {
		b = append(strconv.AppendInt(b, id, 10), ',')
	}
	b = append(b, '|')
	for _, id := range f.OrganisationIDs {
		b = append(strconv.AppendInt(b, id, 10), ',')
	}
	return cachedRead(d, cacheKey{what: "rosters", filter: string(b)}, func() ([]mgz.Roster, error) { return d.rosters(ctx, f) })
}

func (d *Directory) freeDays(ctx context.Context) (calendar.HolidaySet, error) {
	return cachedRead(d, cacheKey{what: "free"}, func() (calendar.HolidaySet, error) { return d.free(ctx) })
}
