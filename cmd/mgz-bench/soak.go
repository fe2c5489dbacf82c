package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"
)

// soakLine is one interval of the soak test.
type soakLine struct {
	Elapsed    time.Duration
	Requests   uint64
	RPS        float64
	Errors     int64
	P50, P99   time.Duration
	RSS, Peak  int64
	ServerErrs int64 // ERROR lines in the server's log so far
}

// writeSoak prints the soak test's lines as a table.
func writeSoak(w io.Writer, lines []soakLine) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "na\tverzoeken\treq/s\tfouten\tp50\tp99\tRSS\tpiek RSS\tserverfouten")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%d\t%s\t%s\t%s\t%s\t%d\n", l.Elapsed.Round(time.Second), l.Requests, l.RPS, l.Errors,
			ms(l.P50), ms(l.P99), mib(l.RSS), mib(l.Peak), l.ServerErrs)
	}
	return tw.Flush()
}

// soak runs the mixed load at c.rate for c.soak in intervals of c.soakInterval, and after each
// interval reads the memory of the mgz process from /proc: a leak shows as an RSS that keeps
// growing, a slowdown as a growing p99.
func soak(ctx context.Context, c config, srv *process, plan *mixedPlan, stdout io.Writer) error {
	started := time.Now()
	var out bytes.Buffer
	fmt.Fprintf(&out, "mgz-bench duurtest %s — %s, schaal %s, database %s, backend %s\n", started.Format("2006-01-02 15:04 MST"),
		mgzVersion(ctx, c.mgz), c.scale, c.db, c.label)
	fmt.Fprintf(&out, "gemengde belasting (90%% lezen / 10%% schrijven) op %d/s gedurende %s, een regel per %s\n\n", c.rate, c.soak, c.soakInterval)
	stdout.Write(out.Bytes())
	rss0, _, err := memory(srv.Pid())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "RSS van mgz bij de start: %s\n", mib(rss0))
	var lines []soakLine
	var total int64
	for elapsed := time.Duration(0); elapsed < c.soak && ctx.Err() == nil; {
		d := min(c.soakInterval, c.soak-elapsed)
		t := plan.attack(ctx, c.rate, d)
		elapsed += d
		rss, peak, err := memory(srv.Pid())
		if err != nil {
			return fmt.Errorf("mgz draait niet meer? %w", err)
		}
		l := soakLine{Elapsed: elapsed, Requests: t.total.Requests, RPS: t.total.Rate, Errors: t.errors[4],
			P50: t.total.Latencies.P50, P99: t.total.Latencies.P99, RSS: rss, Peak: peak, ServerErrs: srv.errs.Load()}
		total += l.Errors
		lines = append(lines, l)
		fmt.Fprintf(stdout, "na %s: %d verzoeken, %.0f/s, %d fouten, p50 %s, p99 %s, RSS %s (piek %s)\n", l.Elapsed.Round(time.Second),
			l.Requests, l.RPS, l.Errors, ms(l.P50), ms(l.P99), mib(l.RSS), mib(l.Peak))
		for _, msg := range slices.Sorted(maps.Keys(t.samples)) {
			fmt.Fprintf(stdout, "  fout: %s (%d×)\n", msg, t.samples[msg])
		}
	}
	var sum bytes.Buffer
	if err := writeSoak(&sum, lines); err != nil {
		return err
	}
	fmt.Fprintf(&sum, "\nfouten in totaal: %d; serverlog: %d waarschuwingen, %d fouten\n", total, srv.warnings.Load(), srv.errs.Load())
	fmt.Fprintln(stdout)
	stdout.Write(sum.Bytes())
	fmt.Fprintf(&out, "RSS van mgz bij de start: %s\n\n", mib(rss0))
	out.Write(sum.Bytes())
	file := filepath.Join(c.out, "soak-"+started.Format("2006-01-02-150405")+".txt")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Geschreven:", file)
	return ctx.Err()
}
