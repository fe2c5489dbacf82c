package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// The kinds of measurement, as the table names them.
const (
	kindCeiling    = "plafond"  // the minimal net/http JSON handler
	kindThroughput = "doorvoer" // wrk with many connections
	kindLatency    = "latentie" // wrk with one connection
	kindMixed      = "gemengd"  // vegeta at a constant rate
	kindSoak       = "duurtest" // vegeta for hours, with the server's memory
	latencyTarget  = 50 * time.Millisecond
)

// row is one line of the results table.
type row struct {
	Backend  string // the store behind mgz: sqlite, later postgres
	Kind     string
	Name     string // method and path, or a description
	Requests int64
	RPS      float64
	P50, P99 time.Duration
	Errors   int64
	// CeilingPct is req/s as a percentage of the ceiling handler's; negative when it does not apply.
	CeilingPct float64
	Target     string // "ok", "MIST: …", or "" where issue 14 sets no target
	Skipped    string // why the row was not measured; the figures are then empty
	// First is how long the one request before the measurement took: a row whose requests are
	// slower than its measuring time completes none, and then this is the only figure there is.
	First time.Duration
}

// judge fills in the target column for the rows issue 14 sets a target for: every list, search,
// overview, coverage and reminders request p99 < 50 ms one client at a time; decide at least
// half the ceiling's req/s; the mixed load without errors, p99 < 50 ms, at the asked rate.
func (r *row) judge(ceiling float64, wantRate float64) {
	if r.Skipped != "" {
		return
	}
	var misses []string
	if r.Requests == 0 {
		r.Target = fmt.Sprintf("MIST: geen verzoek voltooid in de meettijd (het eerste duurde %s)", ms(r.First))
		return
	}
	if r.Errors > 0 {
		misses = append(misses, fmt.Sprintf("%d fouten", r.Errors))
	}
	switch {
	case r.Kind == kindLatency, r.Kind == kindMixed && strings.HasPrefix(r.Name, "totaal"):
		if r.P99 >= latencyTarget {
			misses = append(misses, "p99 ≥ 50 ms")
		}
		if r.Kind == kindMixed && wantRate > 0 && r.RPS < 0.95*wantRate {
			misses = append(misses, fmt.Sprintf("%.0f van %.0f req/s", r.RPS, wantRate))
		}
	case r.Kind == kindThroughput && r.Name == "POST /api/v1/decide": // the target is for decide itself, not for a client's
		if ceiling > 0 && r.RPS < ceiling/2 {
			misses = append(misses, "< ½ plafond")
		}
	default:
		if len(misses) == 0 {
			return
		}
	}
	if len(misses) == 0 {
		r.Target = "ok"
	} else {
		r.Target = "MIST: " + strings.Join(misses, ", ")
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// writeTable prints the rows as one aligned table.
func writeTable(w io.Writer, rows []row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "backend\tsoort\tendpoint\tverzoeken\treq/s\tp50\tp99\tfouten\t% plafond\tdoel")
	for _, r := range rows {
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\t-\t-\t-\t-\tovergeslagen: %s\n", r.Backend, r.Kind, r.Name, shorten(r.Skipped, 100))
			continue
		}
		pct := "-"
		if r.CeilingPct >= 0 {
			pct = fmt.Sprintf("%.0f%%", r.CeilingPct)
		}
		target := r.Target
		if target == "" {
			target = "-"
		}
		p50, p99 := ms(r.P50), ms(r.P99)
		if r.Requests == 0 {
			p50, p99 = "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.0f\t%s\t%s\t%d\t%s\t%s\n", r.Backend, r.Kind, r.Name, r.Requests, r.RPS,
			p50, p99, r.Errors, pct, target)
	}
	return tw.Flush()
}

// shorten keeps the first n characters of s on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
