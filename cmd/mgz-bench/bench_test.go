package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// wrkPlain is wrk 4.1.0's report of a clean run with --latency, as captured on this machine.
const wrkPlain = `Running 1s test @ http://127.0.0.1:18299/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.25ms    1.55ms  13.97ms   87.51%
    Req/Sec     4.64k     3.15k   14.19k    90.48%
  Latency Distribution
     50%  636.00us
     75%    1.62ms
     90%    3.23ms
     99%    7.15ms
  9747 requests in 1.10s, 1.35MB read
Requests/sec:   8855.65
Transfer/sec:      1.22MB
`

// wrkErrors is a report with socket errors, non-2xx answers and a p99 in seconds.
const wrkErrors = `Running 10s test @ http://127.0.0.1:8080/api/v1/decide
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    92.01ms  120.35ms   1.90s    91.20%
    Req/Sec   171.00     40.18   260.00     68.50%
  Latency Distribution
     50%   45.43ms
     75%   80.02ms
     90%  270.30ms
     99%    1.02s
  3417 requests in 10.02s, 1.29MB read
  Socket errors: connect 0, read 2, write 1, timeout 7
  Non-2xx or 3xx responses: 64
Requests/sec:    341.02
Transfer/sec:    131.91KB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkPlain)
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{Requests: 9747, RPS: 8855.65, P50: 636 * time.Microsecond, P99: 7150 * time.Microsecond}
	if r != want {
		t.Errorf("clean run: got %+v, want %+v", r, want)
	}
	if r.Errors() != 0 {
		t.Errorf("clean run has %d errors", r.Errors())
	}

	r, err = parseWrk(wrkErrors)
	if err != nil {
		t.Fatal(err)
	}
	want = wrkResult{Requests: 3417, RPS: 341.02, P50: 45430 * time.Microsecond, P99: 1020 * time.Millisecond, Non2xx: 64, SocketErrors: 10}
	if r != want {
		t.Errorf("run with errors: got %+v, want %+v", r, want)
	}
	if r.Errors() != 74 {
		t.Errorf("errors = %d, want 64 non-2xx + 10 socket errors", r.Errors())
	}
}

func TestParseWrkRefusesIncompleteReports(t *testing.T) {
	noLatency := strings.Replace(wrkPlain, "     50%  636.00us\n", "", 1)
	for name, out := range map[string]string{
		"without --latency":    noLatency,
		"without Requests/sec": strings.Replace(wrkPlain, "Requests/sec:", "Requests per second:", 1),
		"connection refused":   "unable to connect to 127.0.0.1:18298 Connection refused\n",
		"unknown unit":         strings.Replace(wrkPlain, "7.15ms", "7.15xs", 1),
	} {
		if r, err := parseWrk(out); err == nil {
			t.Errorf("%s: parsed as %+v, want an error", name, r)
		}
	}
}

func TestWrkScript(t *testing.T) {
	s := wrkScript(request{Method: "POST", Path: "/api/v1/decide",
		Header: map[string]string{"Authorization": "Bearer mgz_x", "Content-Type": "application/json"},
		Bodies: []string{`{"a":"b\\c"}`, "two\nlines"}})
	for _, want := range []string{
		`wrk.method = "POST"`,
		`wrk.headers["Authorization"] = "Bearer mgz_x"`,
		`wrk.headers["Content-Type"] = "application/json"`,
		`"{\"a\":\"b\\\\c\"}",`,
		`"two\010lines",`,
		"i = i % #bodies + 1",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %s:\n%s", want, s)
		}
	}
	one := wrkScript(request{Method: "GET", Header: map[string]string{"Cookie": "mgz_sessie=x"}})
	if strings.Contains(one, "request = function") || strings.Contains(one, "wrk.body") {
		t.Errorf("a GET without body needs no request function nor body:\n%s", one)
	}
	if got := wrkScript(request{Method: "PUT", Bodies: []string{"x"}}); !strings.Contains(got, `wrk.body = "x"`) {
		t.Errorf("one body is wrk.body:\n%s", got)
	}
}

func TestJudge(t *testing.T) {
	cases := []struct {
		r    row
		want string
	}{
		{row{Kind: kindLatency, Name: "GET /api/v1/patients", Requests: 9, P99: 49 * time.Millisecond}, "ok"},
		{row{Kind: kindLatency, Name: "GET /api/v1/patients", Requests: 9, P99: 50 * time.Millisecond}, "MIST: p99 ≥ 50 ms"},
		{row{Kind: kindLatency, Name: "GET /api/v1/patients", Requests: 9, P99: time.Millisecond, Errors: 3}, "MIST: 3 fouten"},
		{row{Kind: kindThroughput, Name: "POST /api/v1/decide", Requests: 9, RPS: 5000}, "ok"},
		{row{Kind: kindThroughput, Name: "POST /api/v1/decide", Requests: 9, RPS: 4999}, "MIST: < ½ plafond"},
		{row{Kind: kindThroughput, Name: "POST /api/v1/decide (patient_id)", Requests: 9, RPS: 10}, ""},
		{row{Kind: kindThroughput, Name: "GET /api/v1/me", Requests: 9, RPS: 10}, ""},
		{row{Kind: kindThroughput, Name: "GET /api/v1/me", Requests: 9, RPS: 10, Errors: 1}, "MIST: 1 fouten"},
		{row{Kind: kindMixed, Name: "totaal, 90% lezen", Requests: 9, RPS: 999, P99: 10 * time.Millisecond}, "ok"},
		{row{Kind: kindMixed, Name: "totaal, 90% lezen", Requests: 9, RPS: 228, P99: 9 * time.Second, Errors: 2}, "MIST: 2 fouten, p99 ≥ 50 ms, 228 van 1000 req/s"},
		{row{Kind: kindMixed, Name: "  GET /api/v1/patients/{id}", Requests: 9, RPS: 300, P99: time.Second}, ""},
		{row{Kind: kindLatency, Name: "GET /api/v1/audit", Skipped: "status 403"}, ""},
		{row{Kind: kindLatency, Name: "GET /api/v1/coverage", First: 1500 * time.Millisecond}, "MIST: geen verzoek voltooid in de meettijd (het eerste duurde 1500.00 ms)"},
	}
	for _, c := range cases {
		c.r.judge(10000, 1000)
		if c.r.Target != c.want {
			t.Errorf("%s %s: target %q, want %q", c.r.Kind, c.r.Name, c.r.Target, c.want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	rows := []row{
		{Backend: "sqlite", Kind: kindCeiling, Name: "POST /", Requests: 100000, RPS: 10000, P50: 1500 * time.Microsecond, P99: 4 * time.Millisecond, CeilingPct: 100},
		{Backend: "sqlite", Kind: kindThroughput, Name: "POST /api/v1/decide", Requests: 60000, RPS: 6000.4, P50: 2 * time.Millisecond, P99: 9 * time.Millisecond, CeilingPct: 60.04, Target: "ok"},
		{Backend: "sqlite", Kind: kindLatency, Name: "GET /api/v1/coverage (RHO)", Requests: 20, RPS: 19.6, P50: 48 * time.Millisecond, P99: 120250 * time.Microsecond, CeilingPct: -1, Target: "MIST: p99 ≥ 50 ms"},
		{Backend: "sqlite", Kind: kindLatency, Name: "GET /api/v1/patients?cursor=…", Skipped: "het antwoord had\ngeen next_cursor", CeilingPct: -1},
		{Backend: "sqlite", Kind: kindLatency, Name: "GET /overzicht", CeilingPct: -1, Target: "MIST: geen verzoek voltooid"},
	}
	var b bytes.Buffer
	if err := writeTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("want a header and 5 rows, got %d lines:\n%s", len(lines), b.String())
	}
	for i, want := range [][]string{
		{"backend", "soort", "endpoint", "verzoeken", "req/s", "p50", "p99", "fouten", "% plafond", "doel"},
		{"sqlite", "plafond", "POST /", "100000", "10000", "1.50 ms", "4.00 ms", "0", "100%", "-"},
		{"sqlite", "doorvoer", "POST /api/v1/decide", "60000", "6000", "2.00 ms", "9.00 ms", "0", "60%", "ok"},
		{"sqlite", "latentie", "GET /api/v1/coverage (RHO)", "20", "20", "48.00 ms", "120.25 ms", "0", "-", "MIST: p99 ≥ 50 ms"},
		{"sqlite", "latentie", "GET /api/v1/patients?cursor=…", "-", "-", "-", "-", "-", "-", "overgeslagen: het antwoord had geen next_cursor"},
		{"sqlite", "latentie", "GET /overzicht", "0", "0", "-", "-", "0", "-", "MIST: geen verzoek voltooid"},
	} {
		if got := strings.Split(strings.TrimRight(lines[i], " "), "  "); !sameCells(got, want) {
			t.Errorf("line %d = %q, want the cells %q", i, lines[i], want)
		}
		if strings.HasSuffix(lines[i], " ") {
			t.Errorf("line %d ends in spaces: %q", i, lines[i])
		}
	}
	// The columns line up: every row's "p50" cell starts where the header's does.
	// (Counted in characters: tabwriter pads by characters, and "…" is three bytes.)
	col := len([]rune(lines[0][:strings.Index(lines[0], "p50")]))
	if !strings.HasPrefix(string([]rune(lines[1])[col:]), "1.50 ms") || !strings.HasPrefix(string([]rune(lines[4])[col:]), "- ") {
		t.Errorf("columns do not line up:\n%s", b.String())
	}
}

// sameCells compares the cells of a table line split on runs of two spaces.
func sameCells(got, want []string) bool {
	var cells []string
	for _, c := range got {
		if c = strings.TrimSpace(c); c != "" {
			cells = append(cells, c)
		}
	}
	if len(cells) != len(want) {
		return false
	}
	for i := range want {
		if cells[i] != want[i] {
			return false
		}
	}
	return true
}

func TestParseProcStatus(t *testing.T) {
	status := "Name:\tmgz\nVmPeak:\t 2000000 kB\nVmHWM:\t  266240 kB\nVmRSS:\t  139264 kB\nThreads:\t12\n"
	rss, peak, err := parseProcStatus([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if rss != 136<<20 || peak != 260<<20 {
		t.Errorf("rss %d, peak %d; want 136 MiB and 260 MiB", rss, peak)
	}
	if _, _, err := parseProcStatus([]byte("Name:\tmgz\nVmRSS:\t 1 kB\n")); err == nil {
		t.Error("a status without VmHWM is accepted")
	}
}

func TestMixedPlanSendsNinetyPercentReads(t *testing.T) {
	p := &mixedPlan{base: "http://x", header: http.Header{}, patientIDs: []int64{4, 6}, locIDs: []int64{16},
		decide: []string{"{}"}, writePath: "/api/v1/practices/14/profile", writeBody: `{"capacity":"open"}`}
	tr := p.targeter()
	counts := map[int]int{}
	for range 1000 {
		var tg vegeta.Target
		if err := tr(&tg); err != nil {
			t.Fatal(err)
		}
		counts[kindOf(tg.Method, tg.URL)]++
		if tg.Method == http.MethodPut && string(tg.Body) != p.writeBody {
			t.Errorf("write sends %q", tg.Body)
		}
	}
	if counts[3] != 100 || counts[0] != 300 || counts[1] != 300 || counts[2] != 300 {
		t.Errorf("per kind (patient, location, decide, write): %v; want 300/300/300/100", counts)
	}
}

func TestErrorKeyCountsAlikeFailuresTogether(t *testing.T) {
	a := errorKey(&vegeta.Result{Error: `Get "http://127.0.0.1:1/api/v1/patients/4": context deadline exceeded`})
	b := errorKey(&vegeta.Result{Error: `Get "http://127.0.0.1:1/api/v1/patients/6": context deadline exceeded`})
	if a != b || a != "context deadline exceeded" {
		t.Errorf("keys %q and %q", a, b)
	}
	if k := errorKey(&vegeta.Result{Code: 409, Body: []byte(`{"error":{"code":"conflict","message":"…"}}`)}); k != "status 409 (conflict)" {
		t.Errorf("key %q", k)
	}
}

func TestReadDecideKeepsTheRequestsTheRulesAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decide.jsonl")
	lines := `{"request": {"situation": {"setting": "home"}, "question": {"category": "gp_care"}}, "expected": {"classification": {}}}

{"request": {"situation": {"setting": "home"}}, "expected": {"error": {"code": "missing_field"}}}
{"request": {"situation": {"setting": "institution"}}, "expected": {"route": {}}}
`
	if err := os.WriteFile(path, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readDecide(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"situation":{"setting":"home"},"question":{"category":"gp_care"}}`, `{"situation":{"setting":"institution"}}`}
	if !slices.Equal(got, want) {
		t.Errorf("bodies %q, want %q", got, want)
	}
	if err := os.WriteFile(path, []byte(`{"situation": {}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readDecide(path); err == nil {
		t.Error("a line without request is accepted")
	}
}
