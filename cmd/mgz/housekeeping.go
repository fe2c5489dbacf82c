package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/regio-mgz/mgz/service"
)

// The periodic upkeep of a running server. Correctness never depends on it: every read of a
// client, a list or a start page settles due switch requests, and every read or export of the
// audit log first writes the summaries of closed windows of anonymous failures. The upkeep only
// makes both happen on time when nobody looks.
const (
	// failureWindowsEvery: a summary of coalesced failed logins waits at most this long.
	failureWindowsEvery = time.Minute
	// switchSweepEvery: a switch whose period has passed moves at most this late; a report's step
	// past its response deadline is announced (notices to addressee and reporter) as late.
	switchSweepEvery = time.Hour
	// remindersEvery: a reminder of an agreement (a signature, an evaluation, an end) arrives in
	// the parties' inboxes at most this late, and once.
	remindersEvery = time.Hour
)

// housekeeping runs the upkeep at start and then on its timers, until ctx ends. A failure is
// logged and tried again on the next tick.
func housekeeping(ctx context.Context, log *slog.Logger, svc *service.Service) {
	windows := time.NewTicker(failureWindowsEvery)
	defer windows.Stop()
	switches := time.NewTicker(switchSweepEvery)
	defer switches.Stop()
	closeWindows := func() {
		if err := svc.CloseFailureWindows(ctx); err != nil && ctx.Err() == nil {
			log.Error("writing the summaries of failed sign-ins failed; they are written on the next read of the audit log", "err", err)
		}
	}
	settleSwitches := func() {
		if err := svc.SettleDueSwitches(ctx); err != nil && ctx.Err() == nil {
			log.Error("settling due switch requests failed; they settle on the next read", "err", err)
		}
	}
	closeWindows()
	reminders := time.NewTicker(remindersEvery)
	defer reminders.Stop()
	notifyReminders := func() {
		if _, err := svc.NotifyAgreementReminders(ctx); err != nil && ctx.Err() == nil {
			log.Error("putting agreement reminders in the inboxes failed; tried again on the next tick", "err", err)
		}
	}
	settleSwitches()
	notifyReminders()
	scanOverdue := func() {
		if n, err := svc.ScanOverdueEscalations(ctx); err != nil && ctx.Err() == nil {
			log.Error("scanning reports for overdue steps failed; tried again on the next tick", "err", err)
		} else if n > 0 {
			log.Info("reports with an overdue step announced", "steps", n)
		}
	}
	scanOverdue()
	scanGaps := func() {
		if n, err := svc.ScanCoverageGaps(ctx); err != nil && ctx.Err() == nil {
			log.Error("scanning the rosters for coverage gaps failed; tried again on the next tick", "err", err)
		} else if n > 0 {
			log.Info("coverage gaps within 72 hours announced", "gaps", n)
		}
	}
	scanGaps()
	for {
		select {
		case <-ctx.Done():
			return
		case <-windows.C:
			closeWindows()
		case <-switches.C:
			settleSwitches()
			// Overdue steps are found on the same hourly tick: a deadline is a calendar day.
			scanOverdue()
			// Gaps starting within 72 hours are announced on the same hourly tick.
			scanGaps()
		case <-reminders.C:
			notifyReminders()
		}
	}
}
