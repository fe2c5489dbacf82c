package directory

import (
	"errors"
	"testing"
	"time"
)

// The cache keeps a read for the generation and epoch it was made in: a new generation or an
// epoch older than the TTL reads again, a read that began before the epoch is not kept, and
// errors are never kept.
func TestReadCacheKeepsReadsOfOneGenerationForAtMostTheTTL(t *testing.T) {
	gen := uint64(1)
	now := time.Date(2026, 10, 7, 12, 0, 0, 0, time.UTC)
	d := &Directory{}
	WithCache(func() uint64 { return gen }, time.Hour)(d) // capped at MaxCacheTTL
	d.cache.now = func() time.Time { return now }
	loads := 0
	read := func() int {
		t.Helper()
		v, err := cachedRead(d, cacheKey{what: "k"}, func() (int, error) { loads++; return loads, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if read() != 1 || read() != 1 {
		t.Fatal("the second read within the generation was not reused")
	}
	gen++
	if read() != 2 {
		t.Fatal("a new generation reused the old read")
	}
	now = now.Add(MaxCacheTTL - time.Millisecond)
	if read() != 2 {
		t.Fatal("a read within the TTL was not reused")
	}
	now = now.Add(2 * time.Millisecond)
	if read() != 3 {
		t.Fatalf("a read older than MaxCacheTTL (%s) was reused", MaxCacheTTL)
	}
	if _, err := cachedRead(d, cacheKey{what: "e"}, func() (int, error) { return 0, errors.New("weg") }); err == nil {
		t.Fatal("the error was lost")
	}
	if v, _ := cachedRead(d, cacheKey{what: "e"}, func() (int, error) { return 7, nil }); v != 7 {
		t.Fatal("an error was kept")
	}
	// A read that began in an older generation is not kept for the new one.
	g0 := gen
	v, _ := cachedRead(d, cacheKey{what: "slow"}, func() (int, error) { gen++; return 1, nil })
	if v != 1 {
		t.Fatal(v)
	}
	d.cache.lookup(cacheKey{what: "other"}, gen) // the next answer starts the new generation's epoch
	if _, ok := d.cache.lookup(cacheKey{what: "slow"}, gen); ok || gen == g0 {
		t.Fatal("a read made while a change committed was kept for the generation after it")
	}
}
