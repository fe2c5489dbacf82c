package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// mixedPlan is what the mixed load sends: 90% reads, evenly a client by id (audited), a location
// by id and a decide request; 10% writes, the stress practice's own profile written back as it
// is (unconditionally, so concurrent writes never conflict; each write is audited and bumps the
// revision, and the profile stays what it was).
type mixedPlan struct {
	base       string
	header     http.Header
	patientIDs []int64
	locIDs     []int64
	decide     []string
	writePath  string
	writeBody  string
	n          atomic.Uint64
}

// The kinds of request in the mixed load, as the table names them.
var mixedKinds = []string{"GET /api/v1/patients/{id}", "GET /api/v1/locations/{id}", "POST /api/v1/decide", "PUT /api/v1/practices/{id}/profile"}

func (p *mixedPlan) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		n := p.n.Add(1) - 1
		t.Header = p.header
		t.Body = nil
		if n%10 == 9 {
			t.Method, t.URL, t.Body = http.MethodPut, p.base+p.writePath, []byte(p.writeBody)
			return nil
		}
		i := n - n/10 // the how-manieth read
		switch i % 3 {
		case 0:
			t.Method, t.URL = http.MethodGet, p.base+"/api/v1/patients/"+strconv.FormatInt(p.patientIDs[(i/3)%uint64(len(p.patientIDs))], 10)
		case 1:
			t.Method, t.URL = http.MethodGet, p.base+"/api/v1/locations/"+strconv.FormatInt(p.locIDs[(i/3)%uint64(len(p.locIDs))], 10)
		default:
			t.Method, t.URL, t.Body = http.MethodPost, p.base+"/api/v1/decide", []byte(p.decide[(i/3)%uint64(len(p.decide))])
		}
		return nil
	}
}

// kindOf names the kind of a result by its method and URL.
func kindOf(method, u string) int {
	switch {
	case method == http.MethodPut:
		return 3
	case method == http.MethodPost:
		return 2
	case strings.Contains(u, "/api/v1/locations/"):
		return 1
	}
	return 0
}

// tally gathers the results of one attack, in total and per kind of request.
type tally struct {
	total   vegeta.Metrics
	kinds   [4]vegeta.Metrics
	errors  [5]int64 // per kind, the last the total
	samples map[string]int
}

func newTally() *tally { return &tally{samples: map[string]int{}} }

func (t *tally) add(r *vegeta.Result) {
	k := kindOf(r.Method, r.URL)
	t.total.Add(r)
	t.kinds[k].Add(r)
	if r.Error != "" || r.Code < 200 || r.Code >= 300 {
		t.errors[k]++
		t.errors[4]++
		key := mixedKinds[k] + ": " + errorKey(r)
		if _, ok := t.samples[key]; ok || len(t.samples) < 20 {
			t.samples[key]++
		}
	}
}

// errorKey describes a failed request without its URL or ids, so that alike failures count together.
func errorKey(r *vegeta.Result) string {
	if r.Error != "" {
		msg := r.Error
		if i := strings.LastIndex(msg, "\": "); i >= 0 {
			msg = msg[i+3:] // after `Get "http://…": `
		}
		return msg
	}
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &body)
	if body.Error.Code != "" {
		return fmt.Sprintf("status %d (%s)", r.Code, body.Error.Code)
	}
	return fmt.Sprintf("status %d", r.Code)
}

func (t *tally) close() {
	t.total.Close()
	for i := range t.kinds {
		t.kinds[i].Close()
	}
}

// rows turns the tally into table rows: the total first, then each kind.
func (t *tally) rows(backend string, rate int) []row {
	mk := func(name string, m *vegeta.Metrics, errs int64) row {
		return row{Backend: backend, Kind: kindMixed, Name: name, Requests: int64(m.Requests), RPS: m.Rate,
			P50: m.Latencies.P50, P99: m.Latencies.P99, Errors: errs, CeilingPct: -1}
	}
	rows := []row{mk(fmt.Sprintf("totaal, 90%% lezen / 10%% schrijven @ %d/s", rate), &t.total, t.errors[4])}
	for i, k := range mixedKinds {
		rows = append(rows, mk("  "+k, &t.kinds[i], t.errors[i]))
	}
	return rows
}

// attack sends the plan's requests at rate per second for d and tallies the answers.
func (p *mixedPlan) attack(ctx context.Context, rate int, d time.Duration) *tally {
	a := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.MaxWorkers(1024))
	t := newTally()
	res := a.Attack(p.targeter(), vegeta.Rate{Freq: rate, Per: time.Second}, d, "mgz-bench")
	stopped := false
	for r := range res {
		if ctx.Err() != nil && !stopped {
			a.Stop()
			stopped = true
		}
		t.add(r)
	}
	t.close()
	return t
}
