package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestServeTunesGCUnlessTheEnvironmentDoes guards mgz serve's garbage-collector target: its own
// GOGC and soft memory limit when the environment sets neither, and the operator's GOGC and
// GOMEMLIMIT left alone (the runtime applied them) when it does.
func TestServeTunesGCUnlessTheEnvironmentDoes(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	gogc, memLimit := tuneGC()
	if gogc != "200" || memLimit != "384MiB" {
		t.Errorf("tuneGC() = %q, %q; want 200, 384MiB", gogc, memLimit)
	}
	if got := debug.SetGCPercent(100); got != serveGCPercent {
		t.Errorf("GC percent %d after tuneGC, want %d", got, serveGCPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != serveMemoryLimit {
		t.Errorf("memory limit %d after tuneGC, want %d", got, serveMemoryLimit)
	}

	t.Setenv("GOGC", "50")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(50)
	debug.SetMemoryLimit(1 << 30)
	gogc, memLimit = tuneGC()
	if gogc != "50" || memLimit != "1GiB" {
		t.Errorf("with GOGC=50 GOMEMLIMIT=1GiB: tuneGC() = %q, %q", gogc, memLimit)
	}
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GC percent %d with GOGC=50, want it left at 50", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 1<<30 {
		t.Errorf("memory limit %d with GOMEMLIMIT=1GiB, want it left at 1 GiB", got)
	}
}
