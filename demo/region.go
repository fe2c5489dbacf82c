package demo

import (
	"context"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// Step names a part of the demo region, for progress reports while it loads.
type Step string

// The parts of the demo region, in the order they are loaded.
const (
	StepRegister Step = "register" // organisations, locations and contact points
	StepUsers    Step = "users"    // one account per organisation
	StepRecords  Step = "records"  // checklists, clients, a draft agreement and the on-call rosters
)

// Loaded tells what LoadRegion loaded.
type Loaded struct {
	Summary
	Accounts []Account
	// Checklists is the number of locations with recorded prerequisites; Clients the number
	// of fictional clients.
	Checklists, Clients int
	// Rosters is the number of on-call rosters (LoadRosters).
	Rosters int
}

// LoadRegion loads the whole demo region — the register, an account per organisation, the
// checklists, a few clients and a draft agreement — in one transaction of store, with a
// service made from cfg working inside it: all of it or nothing. An interrupted load (a killed
// process, a cancelled ctx, a failure) leaves the database as empty as it was, so the next
// start loads the region whole. It returns ErrNotEmpty, and changes nothing, when the register
// holds data. done, when not nil, is called after each part, and an error it returns stops the
// load; nothing is committed before the last part is done.
func LoadRegion(ctx context.Context, store mgz.Store, cfg service.Config, done func(Step) error) (Loaded, error) {
	var out Loaded
	report := func(s Step) error {
		if done == nil {
			return nil
		}
		return done(s)
	}
	err := store.Atomic(ctx, func(tx mgz.Tx) error {
		svc := service.New(joined{Tx: tx, parent: store}, cfg)
		sum, err := Load(ctx, svc.Register(service.System()))
		if err != nil {
			return err
		}
		if err := report(StepRegister); err != nil {
			return err
		}
		accounts, err := LoadUsers(ctx, svc)
		if err != nil {
			return err
		}
		if err := report(StepUsers); err != nil {
			return err
		}
		checklists, clients, err := LoadRecords(ctx, svc)
		if err != nil {
			return err
		}
		rosters, err := LoadRosters(ctx, svc)
		if err != nil {
			return err
		}
		// Three reports, begun three weeks ago: one of them is past its response deadline.
		earlier := cfg
		earlier.Now = func() time.Time { return svc.Today().AddDate(0, 0, -21) }
		if _, err := LoadEscalations(ctx, svc, service.New(joined{Tx: tx, parent: store}, earlier)); err != nil {
			return err
		}
		if err := report(StepRecords); err != nil {
			return err
		}
		out = Loaded{Summary: sum, Accounts: accounts, Checklists: checklists, Clients: clients, Rosters: rosters}
		return ctx.Err() // interrupted after the last part: commit nothing
	})
	if err != nil {
		return Loaded{}, err
	}
	return out, nil
}

// joined is a transaction seen as a store: Atomic inside it joins the transaction, so every
// change the service makes, audit entries included, commits with the whole region.
type joined struct {
	mgz.Tx
	parent mgz.Store
}

func (j joined) Atomic(ctx context.Context, fn func(mgz.Tx) error) error { return fn(j.Tx) }
func (j joined) Ping(ctx context.Context) error                          { return j.parent.Ping(ctx) }
