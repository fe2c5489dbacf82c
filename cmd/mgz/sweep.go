package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/regio-mgz/mgz/service"
)

// switchSweepEvery is how often serve completes the switch requests whose period has passed.
// Every read of a client, a list or a start page settles them too, so the sweep only makes the
// registration move on time for clients nobody looks at; correctness never depends on it.
const switchSweepEvery = time.Hour

// sweepSwitches settles due switch requests at start and then every switchSweepEvery, until ctx
// ends.
func sweepSwitches(ctx context.Context, log *slog.Logger, svc *service.Service) {
	t := time.NewTicker(switchSweepEvery)
	defer t.Stop()
	for {
		if err := svc.SettleDueSwitches(ctx); err != nil && ctx.Err() == nil {
			log.Error("settling due switch requests failed; they settle on the next read", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
