package demo_test

import (
	"context"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

func TestEveryDemoClientHasAHandoverAndOneIsOutdated(t *testing.T) {
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
	if _, _, err := demo.LoadRecords(ctx, svc); err != nil {
		t.Fatal(err)
	}
	ps, _, err := svc.Patients(ctx, service.System(), mgz.PatientFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil || len(ps) < 3 {
		t.Fatalf("demo clients: %d, %v", len(ps), err)
	}
	outdated := 0
	for _, p := range ps {
		v, err := svc.Handover(ctx, service.System(), p.ID, 0)
		if err != nil || v.Handover == nil || len(v.Handover.Wishes) == 0 {
			t.Fatalf("client %d: handover %+v, %v", p.ID, v.Handover, err)
		}
		if v.Handover.Wishes[0].Treatment != mgz.TreatmentResuscitation {
			t.Errorf("client %d: the first wish is %s, want resuscitation", p.ID, v.Handover.Wishes[0].Treatment)
		}
		if v.Outdated {
			outdated++
		}
	}
	if outdated != 1 {
		t.Fatalf("%d outdated demo handovers, want exactly 1 (older than the 12-month limit)", outdated)
	}
}
