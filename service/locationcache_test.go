package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// readLocation reads location id as a through the service, failing the test on an error.
func (f *fixture) readLocation(a mgz.Actor, id int64) mgz.Location {
	f.t.Helper()
	l, err := f.s.Register(a).Location(f.ctx, id)
	if err != nil {
		f.t.Fatalf("reading location %d: %v", id, err)
	}
	return l
}

func TestACachedLocationNeverOutlivesAChangeThroughTheService(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm De Es")
	_, editor := f.user(f.provider, mgz.RoleEditor)
	_, reader := f.user(f.practice, mgz.RoleViewer)

	f.readLocation(reader, loc.ID) // warm the cache
	f.readLocation(reader, loc.ID)

	cur := f.readLocation(editor, loc.ID)
	cur.Name, cur.Deliveries = "Woonvorm De Eik", []mgz.Delivery{mgz.DeliveryVPT, mgz.DeliveryMPT}
	if err := f.s.Register(editor).UpdateLocation(f.ctx, &cur); err != nil {
		t.Fatal(err)
	}
	got := f.readLocation(reader, loc.ID)
	if got.Name != "Woonvorm De Eik" || !slices.Equal(got.Deliveries, []mgz.Delivery{mgz.DeliveryVPT, mgz.DeliveryMPT}) ||
		got.Revision != cur.Revision {
		t.Fatalf("after the update the read gives %q %v revision %d; want the updated name, deliveries and revision %d",
			got.Name, got.Deliveries, got.Revision, cur.Revision)
	}

	if err := f.s.Register(editor).DeleteLocation(f.ctx, loc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Register(reader).Location(f.ctx, loc.ID); err == nil {
		t.Fatal("a deleted location is still read (from the cache); want not found")
	}
}

func TestAWarmLocationCacheStillAsksThePolicyEveryTime(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm De Es")
	_, reader := f.user(f.practice, mgz.RoleViewer)
	f.readLocation(reader, loc.ID) // warm the cache

	n := len(f.entries())
	l, err := f.s.Register(mgz.Actor{Address: "192.0.2.9"}).Location(f.ctx, loc.ID)
	var me *mgz.Error
	if !errors.As(err, &me) || l.Name != "" {
		t.Fatalf("a caller who is not signed in read %+v, err %v; want a refusal and nothing of the location", l, err)
	}
	if e := f.oneEntry(n); e.Outcome != mgz.OutcomeDenied {
		t.Fatalf("the refusal's audit entry has outcome %q; want %q", e.Outcome, mgz.OutcomeDenied)
	}
}

func TestReadsInsideATransactionNeitherUseNorFillTheLocationCache(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm De Es")
	_, editor := f.user(f.provider, mgz.RoleEditor)

	rollback := errors.New("roll back")
	err := f.s.Register(editor).Atomic(f.ctx, func(reg mgz.RegisterService) error {
		cur, err := reg.Location(f.ctx, loc.ID)
		if err != nil {
			return err
		}
		cur.Name = "Woonvorm Uncommitted"
		if err := reg.UpdateLocation(f.ctx, &cur); err != nil {
			return err
		}
		if got, err := reg.Location(f.ctx, loc.ID); err != nil || got.Name != cur.Name {
			t.Errorf("inside the transaction the location reads %q, %v; want its own change %q", got.Name, err, cur.Name)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("Atomic: %v; want the rollback", err)
	}
	f.s.locations.mu.RLock()
	kept := len(f.s.locations.entries)
	f.s.locations.mu.RUnlock()
	if kept != 0 {
		t.Fatalf("reads inside a transaction left %d locations in the cache; want none", kept)
	}
	if got := f.readLocation(editor, loc.ID); got.Name != "Woonvorm De Es" {
		t.Fatalf("after the rollback the location reads %q; want the committed name", got.Name)
	}
}

// A read outside a register transaction, after its change but before its commit, reads the old
// row at the generation the change already moved; the commit must move the generation again.
func TestALocationReadWhileATransactionCommitsIsNotKeptAsCurrent(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm De Es")
	_, editor := f.user(f.provider, mgz.RoleEditor)
	_, reader := f.user(f.practice, mgz.RoleViewer)

	err := f.s.Register(editor).Atomic(f.ctx, func(reg mgz.RegisterService) error {
		cur, err := reg.Location(f.ctx, loc.ID)
		if err != nil {
			return err
		}
		cur.Name = "Woonvorm De Eik"
		if err := reg.UpdateLocation(f.ctx, &cur); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(f.ctx, 5*time.Second)
		defer cancel()
		if old, err := f.s.Register(reader).Location(ctx, loc.ID); err != nil || old.Name != "Woonvorm De Es" {
			t.Logf("a read beside the transaction gave %q, %v (the store serialises reads and writes)", old.Name, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.readLocation(reader, loc.ID); got.Name != "Woonvorm De Eik" {
		t.Fatalf("after the commit the location reads %q; want the committed change", got.Name)
	}
}

func TestACachedLocationIsACopy(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm De Es")
	_, reader := f.user(f.practice, mgz.RoleViewer)
	first := f.readLocation(reader, loc.ID)
	first.Deliveries[0] = mgz.DeliveryMPT
	first.Deliveries = append(first.Deliveries, mgz.DeliveryPGB)
	if got := f.readLocation(reader, loc.ID); !slices.Equal(got.Deliveries, loc.Deliveries) {
		t.Fatalf("a caller's change of a read location showed in the next read: %v; want %v", got.Deliveries, loc.Deliveries)
	}
}

func TestTheLocationCacheIsBoundedAndExpires(t *testing.T) {
	c := newLocationCache()
	now := time.Now()
	for id := range int64(locationCacheMax + 10) {
		c.put(mgz.Location{ID: id + 1}, 1, now)
	}
	if n := len(c.entries); n > locationCacheMax {
		t.Fatalf("the cache holds %d locations; want at most %d", n, locationCacheMax)
	}
	c.put(mgz.Location{ID: 1, Name: "x"}, 1, now)
	if _, ok := c.get(1, 1, now.Add(locationCacheTTL+time.Millisecond)); ok {
		t.Fatal("an entry older than the TTL was served; want a miss (changes by other processes)")
	}
	if _, ok := c.get(1, 2, now); ok {
		t.Fatal("an entry of an older generation was served; want a miss")
	}
	c.put(mgz.Location{ID: 2}, 1, now) // read before generation 2 was seen: not kept
	if _, ok := c.get(2, 2, now); ok {
		t.Fatal("an entry read at an older generation was kept as current")
	}
}

// Concurrent readers and writers (run with -race): once an update has returned, no read that
// starts afterwards sees an older name.
func TestLocationReadsUnderConcurrentUpdatesNeverGoBack(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm 0")
	_, editor := f.user(f.provider, mgz.RoleEditor)
	_, reader := f.user(f.practice, mgz.RoleViewer)

	var mu sync.Mutex
	committed := 0 // the highest round whose update has returned
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				mu.Lock()
				min := committed
				mu.Unlock()
				l, err := f.s.Register(reader).Location(f.ctx, loc.ID)
				if err != nil {
					t.Error(err)
					return
				}
				var round int
				fmt.Sscanf(l.Name, "Woonvorm %d", &round)
				if round < min {
					t.Errorf("read %q after round %d had been committed", l.Name, min)
					return
				}
			}
		}()
	}
	for round := 1; round <= 20; round++ {
		cur := f.readLocation(editor, loc.ID)
		cur.Name = fmt.Sprintf("Woonvorm %d", round)
		if err := f.s.Register(editor).UpdateLocation(f.ctx, &cur); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		committed = round
		mu.Unlock()
	}
	close(done)
	wg.Wait()
}
