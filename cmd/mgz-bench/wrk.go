package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// request is one HTTP request a load generator sends over and over; with several bodies, wrk
// sends them in turn.
type request struct {
	Method string
	Path   string // with its query
	Header map[string]string
	Bodies []string
}

// wrkResult is what the harness reads from wrk's --latency report.
type wrkResult struct {
	Requests     int64
	RPS          float64
	P50, P99     time.Duration
	Non2xx       int64 // "Non-2xx or 3xx responses"
	SocketErrors int64 // connect + read + write + timeout
}

// Errors is every request that did not get a 2xx answer.
func (r wrkResult) Errors() int64 { return r.Non2xx + r.SocketErrors }

var (
	reRequests = regexp.MustCompile(`(?m)^\s*(\d+) requests in `)
	reRPS      = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	reNon2xx   = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses:\s+(\d+)`)
	reSocket   = regexp.MustCompile(`(?m)^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	rePercent  = regexp.MustCompile(`(?m)^\s*(50|99)(?:\.000)?%\s+([0-9.]+[a-z]+)\s*$`)
)

// parseWrk reads the report wrk prints with --latency. The latency distribution is required: a
// run without --latency cannot be compared.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := reRequests.FindStringSubmatch(out)
	if m == nil {
		return r, errors.New("geen regel \"N requests in …\" in de uitvoer van wrk")
	}
	r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	if m = reRPS.FindStringSubmatch(out); m == nil {
		return r, errors.New("geen regel \"Requests/sec:\" in de uitvoer van wrk")
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	if m = reNon2xx.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m = reSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.SocketErrors += n
		}
	}
	found := 0
	for _, m := range rePercent.FindAllStringSubmatch(out, -1) {
		d, err := parseWrkDuration(m[2])
		if err != nil {
			return r, err
		}
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
		found++
	}
	if found != 2 {
		return r, errors.New("geen latentieverdeling (50% en 99%) in de uitvoer van wrk: draai wrk met --latency")
	}
	return r, nil
}

// parseWrkDuration reads wrk's units: us, ms, s, m, h.
func parseWrkDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("onleesbare duur %q in de uitvoer van wrk", s)
	}
	return d, nil
}

// luaString quotes s as a Lua string literal.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wrkScript is the Lua script that makes wrk send req: method, headers and body; with more than
// one body, each request takes the next body in turn (per wrk thread).
func wrkScript(req request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %s\n", luaString(req.Method))
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(k), luaString(req.Header[k]))
	}
	switch len(req.Bodies) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "wrk.body = %s\n", luaString(req.Bodies[0]))
	default:
		b.WriteString("local bodies = {\n")
		for _, body := range req.Bodies {
			fmt.Fprintf(&b, "  %s,\n", luaString(body))
		}
		b.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n")
	}
	return b.String()
}

// wrkLoad is how hard wrk pushes: threads, open connections, duration.
type wrkLoad struct {
	Threads, Connections int
	Duration             time.Duration
}

// runWrk drives base+req.Path with wrk and returns its parsed report and the raw text.
func runWrk(ctx context.Context, dir, base string, req request, load wrkLoad) (wrkResult, string, error) {
	f, err := os.CreateTemp(dir, "wrk-*.lua")
	if err != nil {
		return wrkResult{}, "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(wrkScript(req)); err != nil {
		f.Close()
		return wrkResult{}, "", err
	}
	if err := f.Close(); err != nil {
		return wrkResult{}, "", err
	}
	secs := max(1, int(load.Duration.Round(time.Second)/time.Second))
	args := []string{"-t" + strconv.Itoa(load.Threads), "-c" + strconv.Itoa(load.Connections),
		"-d" + strconv.Itoa(secs) + "s", "--latency", "--timeout", "5s", "-s", filepath.Clean(f.Name()), base + req.Path}
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return wrkResult{}, string(out), fmt.Errorf("wrk: %v: %s", err, firstLine(string(out)))
	}
	r, err := parseWrk(string(out))
	return r, string(out), err
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	if sc.Scan() {
		return sc.Text()
	}
	return ""
}
