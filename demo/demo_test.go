package demo_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

func load(t *testing.T) (mgz.RegisterService, demo.Summary) {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum, err := demo.Load(context.Background(), db.Register())
	if err != nil {
		t.Fatal(err)
	}
	return db.Register(), sum
}

func TestDemoRegionShape(t *testing.T) {
	ctx := context.Background()
	reg, sum := load(t)
	ov, err := reg.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[mgz.OrgKind][2]int{
		mgz.KindCareOffice: {1, 1}, mgz.KindRegionalGPOrg: {1, 1}, mgz.KindGPPost: {1, 1}, mgz.KindPhysicianService: {2, 2},
		mgz.KindGPPractice: {18, 22}, mgz.KindCareProvider: {7, 9}, mgz.KindPublicHealthService: {1, 1},
	}
	for k, r := range want {
		if n := ov.Organisations[k]; n < r[0] || n > r[1] {
			t.Errorf("%s: %d, want %d–%d", k, n, r[0], r[1])
		}
	}
	if ov.Locations < 28 || ov.Locations > 32 || sum.Locations != ov.Locations {
		t.Errorf("locations = %d (summary %d), want about 30", ov.Locations, sum.Locations)
	}
	if ov.WithoutFixedGP == 0 || ov.WithoutFirstLine == 0 {
		t.Errorf("the demo must show gaps on the start page: %+v", ov)
	}
	for _, s := range []mgz.Setting{mgz.SettingInstitution, mgz.SettingClusteredHousing} {
		for _, sec := range []mgz.Sector{mgz.SectorElderly, mgz.SectorDisability} {
			if _, n, _ := reg.Locations(ctx, mgz.LocationFilter{Setting: s, Sector: sec}); n == 0 {
				t.Errorf("no demo location of setting %s in sector %s", s, sec)
			}
		}
	}
}

func TestDemoIsDeterministic(t *testing.T) {
	ctx := context.Background()
	a, _ := load(t)
	b, _ := load(t)
	la, _, _ := a.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	lb, _, _ := b.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	// Only the timestamps may differ between two loads.
	for i := range la {
		la[i].CreatedAt, la[i].UpdatedAt = time.Time{}, time.Time{}
	}
	for i := range lb {
		lb[i].CreatedAt, lb[i].UpdatedAt = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(la, lb) {
		t.Fatal("two demo loads differ")
	}
}

func TestDemoNeverTouchesANonEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	reg, sum := load(t)
	_, err := demo.Load(ctx, reg)
	if !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("second load: %v, want ErrNotEmpty", err)
	}
	ov, _ := reg.Overview(ctx)
	if ov.Locations != sum.Locations {
		t.Fatalf("second load changed the register: %d locations, was %d", ov.Locations, sum.Locations)
	}
}

func TestDemoRecordsMakeSomeLocationsReadyAndSomeNot(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	if _, err := demo.Load(ctx, svc.Register(service.System())); err != nil {
		t.Fatal(err)
	}
	locs, patients, err := demo.LoadRecords(ctx, svc)
	if err != nil || locs < 25 || patients < 3 {
		t.Fatalf("records: %d locations, %d clients, %v", locs, patients, err)
	}
	all, _, _ := db.Register().Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	rs, err := svc.ReadinessOf(ctx, service.System(), all)
	if err != nil {
		t.Fatal(err)
	}
	ready, expiring := 0, 0
	for _, r := range rs {
		if r.Ready {
			ready++
		}
		expiring += len(r.Expiring)
	}
	if ready == 0 || ready == len(all) || expiring == 0 {
		t.Fatalf("%d of %d locations ready, %d expiring: the demo should show both and a flag", ready, len(all), expiring)
	}
}
