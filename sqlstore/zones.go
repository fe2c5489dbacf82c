package sqlstore

import (
	"sync"
	"time"
)

// zones caches loaded time zones by name: a roster's shifts all name the same zone, and
// time.LoadLocation reads and parses the zone file on every call (for a region's 60,000 shifts
// that was most of the time spent reading them).
var zones sync.Map // name → *time.Location

// loadZone is time.LoadLocation with a cache; a failed lookup is not cached.
func loadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}
