// Command mgz-bench measures mgz over HTTP on a large data set (issue 14): it starts mgz serve on
// a database, drives it with wrk (throughput and latency, one endpoint at a time) and with
// vegeta (a mixed load at a constant rate), and measures a minimal net/http JSON handler the
// same way as the ceiling of this machine. It prints one table and writes it to a text file.
//
//	make bench-http                      # builds bin/mgz and bin/mgz-bench, then runs this
//	bin/mgz-bench --quick --scale region # a short run on the small demo region
//	bin/mgz-bench --soak 1h --rate 300   # the server's memory and errors over an hour
//	bin/mgz-bench ceiling                # only the ceiling handler (the harness starts it itself)
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz/demo"
)

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ceiling" {
		os.Exit(runCeiling(os.Args[2:]))
	}
	ctx, stop := signalContext()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is what the flags ask for.
type config struct {
	mgz, db, scale, label, out, decide string
	quick                              bool
	clients                            int
	throughput, latency, mixed         time.Duration
	rate, threads, connections         int
	soak, soakInterval                 time.Duration
	logLevel                           string
}

// accounts are the users the harness acts as: the stress practice (most clients), the RHO, a
// care provider with many locations; the RHO organisation's demo administrator reads the audit log.
type accounts struct {
	practice, rho, provider string
}

func accountsFor(scale string) (accounts, error) {
	switch scale {
	case "national":
		return accounts{practice: "huisarts-groot@nationaal.voorbeeld.test", rho: "rho@nationaal.voorbeeld.test",
			provider: "zorgaanbieder@nationaal.voorbeeld.test"}, nil
	case "region":
		return accounts{practice: demo.Email("Huisartsenpraktijk De Wilg"), rho: demo.Email("Huisartsen Regio Voorbeeld (RHO)"),
			provider: demo.Email("Stichting Ouderenzorg Proefhoven")}, nil
	}
	return accounts{}, fmt.Errorf("onbekende schaal %q: kies national of region", scale)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("mgz-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mgz, "mgz", "bin/mgz", "het programma mgz (de Makefile bouwt het eerst)")
	fs.StringVar(&c.db, "db", "", "database (standaard bench/<schaal>.db); ontbreekt hij, dan maakt mgz demo --scale hem aan. "+
		"Een lege PostgreSQL-database (postgres://…) vult de harness met mgz migrate-store uit bench/<schaal>.db")
	fs.StringVar(&c.scale, "scale", "national", "national (340.000 cliënten) of region (de kleine demoregio, om de harness te ontwikkelen)")
	fs.StringVar(&c.label, "label", "", "naam van de opslag achter mgz, voor de kolom backend (standaard sqlite of postgres, naar --db)")
	fs.StringVar(&c.out, "out", "bench", "map voor de resultaten (results-<datum>.txt) en het serverlog")
	fs.StringVar(&c.decide, "decide", "rules/testdata/decide.jsonl", "JSON Lines met decide-verzoeken (veld request)")
	fs.IntVar(&c.clients, "clients", 0, "aantal cliënten als de nationale database gemaakt wordt (0: de standaard van mgz demo, 340.000)")
	fs.BoolVar(&c.quick, "quick", false, "korte rookproef: elke meting een paar seconden")
	fs.DurationVar(&c.throughput, "throughput-duration", 10*time.Second, "duur van elke doorvoermeting (wrk -t2 -c32); 0: geen doorvoermetingen")
	fs.DurationVar(&c.latency, "latency-duration", 5*time.Second, "duur van elke latentiemeting (wrk -t1 -c1); 0: geen latentiemetingen")
	fs.DurationVar(&c.mixed, "mixed-duration", 30*time.Second, "duur van de gemengde belasting; 0: geen gemengde belasting")
	fs.IntVar(&c.rate, "rate", 1000, "verzoeken per seconde van de gemengde belasting en de duurtest")
	fs.IntVar(&c.threads, "threads", 2, "wrk-threads bij de doorvoermetingen")
	fs.IntVar(&c.connections, "connections", 32, "open verbindingen bij de doorvoermetingen")
	fs.DurationVar(&c.soak, "soak", 0, "duurtest in plaats van de tabel: zo lang de gemengde belasting op --rate, met het geheugen van mgz (bijvoorbeeld 1h)")
	fs.DurationVar(&c.soakInterval, "soak-interval", time.Minute, "hoe vaak de duurtest een regel met fouten, latentie en geheugen schrijft")
	fs.StringVar(&c.logLevel, "log-level", "info", "logniveau van mgz serve (info zoals in productie; verzoekregels worden alleen geteld)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Gebruik: mgz-bench [opties]\n\nMeet mgz over HTTP: doorvoer en latentie per endpoint (wrk), een gemengde belasting (vegeta)\nen een minimale net/http-JSON-handler als plafond van deze machine. Opties:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mgz-bench: onverwacht argument %q\n", fs.Arg(0))
		return 2
	}
	if c.db == "" {
		c.db = filepath.Join("bench", c.scale+".db")
	}
	if c.label == "" {
		c.label = "sqlite"
		if isPostgres(c.db) {
			c.label = "postgres"
		}
	}
	if c.quick {
		// Shorter, but a measurement switched off (duration 0) stays off.
		short := func(d *time.Duration, q time.Duration) {
			if *d > 0 {
				*d = q
			}
		}
		short(&c.throughput, 2*time.Second)
		short(&c.latency, time.Second)
		short(&c.mixed, 5*time.Second)
		if c.soakInterval == time.Minute {
			c.soakInterval = 10 * time.Second
		}
	}
	if err := bench(ctx, c, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "mgz-bench:", err)
		return 1
	}
	return 0
}

// target is one measured request: as whom, which request, and how wrk or the table names it.
type target struct {
	kind string
	name string
	c    *client
	req  request
	skip string
}

func bench(ctx context.Context, c config, stdout, stderr io.Writer) error {
	acc, err := accountsFor(c.scale)
	if err != nil {
		return err
	}
	if c.rate <= 0 {
		return errors.New("--rate moet groter zijn dan 0")
	}
	if c.soak == 0 && (c.throughput > 0 || c.latency > 0) {
		if _, err := exec.LookPath("wrk"); err != nil {
			return errors.New("wrk ontbreekt: installeer het met apt-get install wrk (Debian/Ubuntu) en probeer het opnieuw")
		}
	}
	if _, err := os.Stat(c.mgz); err != nil {
		return fmt.Errorf("%s ontbreekt: bouw het eerst met make build (of gebruik make bench-http)", c.mgz)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	decide, err := readDecide(c.decide)
	if err != nil {
		return err
	}
	if err := ensureDB(ctx, c, stderr); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "Tokens maken…")
	tokPractice, err := createToken(ctx, c.mgz, c.db, acc.practice)
	if err != nil {
		return err
	}
	tokRHO, err := createToken(ctx, c.mgz, c.db, acc.rho)
	if err != nil {
		return err
	}
	tokProvider, err := createToken(ctx, c.mgz, c.db, acc.provider)
	if err != nil {
		return err
	}

	fmt.Fprintln(stderr, "mgz serve starten…")
	serveLog := filepath.Join(c.out, "serve.log")
	srv, err := startProcess(ctx, c.mgz, []string{"serve", "--db", c.db, "--addr", "127.0.0.1:0", "--log-level", c.logLevel}, serveLog, "/readyz")
	if err != nil {
		return err
	}
	defer srv.stop()
	practice, rho, provider := newClient(srv.URL, tokPractice), newClient(srv.URL, tokRHO), newClient(srv.URL, tokProvider)

	d, err := discover(ctx, practice, rho)
	if err != nil {
		return err
	}
	d.decide = decide
	// The audit log is read by the RHO organisation's administrator (demo.Email of its name),
	// who in the region demo is the RHO account itself.
	admin := rho
	var adminSkip string
	if email := demo.Email(d.rhoOrg); email != acc.rho {
		if tok, err := createToken(ctx, c.mgz, c.db, email); err != nil {
			adminSkip = "geen beheerder: " + err.Error()
		} else {
			admin = newClient(srv.URL, tok)
		}
	}

	if c.soak > 0 {
		return soak(ctx, c, srv, d.plan(srv.URL, practice), stdout)
	}

	started := time.Now()
	var rows []row
	var notes []string
	measure := func(t target, load wrkLoad, base string, ceilingRPS float64) row {
		r := row{Backend: c.label, Kind: t.kind, Name: t.name, CeilingPct: -1, Skipped: t.skip}
		if r.Skipped == "" && t.c != nil {
			// One request first: a target that does not answer 2xx is reported, not measured.
			body := ""
			if len(t.req.Bodies) > 0 {
				body = t.req.Bodies[0]
			}
			t0 := time.Now()
			status, b, err := t.c.do(ctx, t.req.Method, t.req.Path, body)
			r.First = time.Since(t0)
			switch {
			case err != nil:
				r.Skipped = err.Error()
			case status < 200 || status >= 300:
				r.Skipped = fmt.Sprintf("status %d: %.100s", status, strings.Join(strings.Fields(string(b)), " "))
			}
		}
		if r.Skipped == "" {
			fmt.Fprintf(stderr, "  %s %s…\n", t.kind, t.name)
			res, raw, err := runWrk(ctx, c.out, base, t.req, load)
			if err != nil {
				r.Skipped = err.Error()
				notes = append(notes, fmt.Sprintf("%s: wrk-uitvoer:\n%s", t.name, raw))
			} else {
				r.Requests, r.RPS, r.P50, r.P99, r.Errors = res.Requests, res.RPS, res.P50, res.P99, res.Errors()
				if t.kind != kindLatency && ceilingRPS > 0 {
					r.CeilingPct = 100 * res.RPS / ceilingRPS
				}
			}
		}
		return r
	}
	throughput := wrkLoad{Threads: c.threads, Connections: c.connections, Duration: c.throughput}
	oneClient := wrkLoad{Threads: 1, Connections: 1, Duration: c.latency}

	var ceilingRPS float64
	if c.throughput > 0 {
		fmt.Fprintln(stderr, "Plafond starten…")
		self, err := os.Executable()
		if err != nil {
			return err
		}
		ceiling, err := startProcess(ctx, self, []string{"ceiling"}, "", "/readyz")
		if err != nil {
			return err
		}
		cr := measure(target{kind: kindCeiling, name: "POST / (net/http, kleine JSON)", c: newClient(ceiling.URL, ""),
			req: request{Method: http.MethodPost, Path: "/", Header: map[string]string{"Content-Type": "application/json"}, Bodies: decide}}, throughput, ceiling.URL, 0)
		ceiling.stop() // it waits idle otherwise, but a process less shares the cores
		ceilingRPS = cr.RPS
		if cr.Skipped == "" {
			cr.CeilingPct = 100
		}
		rows = append(rows, cr)
		for _, t := range d.throughputTargets(practice) {
			rows = append(rows, measure(t, throughput, srv.URL, ceilingRPS))
		}
	}
	if c.latency > 0 {
		for _, t := range d.latencyTargets(ctx, practice, rho, provider, admin, adminSkip) {
			rows = append(rows, measure(t, oneClient, srv.URL, ceilingRPS))
		}
	}
	if c.mixed > 0 {
		fmt.Fprintf(stderr, "  %s %d/s gedurende %s…\n", kindMixed, c.rate, c.mixed)
		t := d.plan(srv.URL, practice).attack(ctx, c.rate, c.mixed)
		rows = append(rows, t.rows(c.label, c.rate)...)
		for _, msg := range slices.Sorted(maps.Keys(t.samples)) {
			notes = append(notes, fmt.Sprintf("gemengd: %s (%d×)", msg, t.samples[msg]))
		}
	}
	for i := range rows {
		rows[i].judge(ceilingRPS, float64(c.rate))
	}
	rss, peak, memErr := memory(srv.Pid())

	var out bytes.Buffer
	fmt.Fprintf(&out, "mgz-bench %s — %s, schaal %s, database %s\n", started.Format("2006-01-02 15:04 MST"), mgzVersion(ctx, c.mgz), c.scale, redact(c.db))
	fmt.Fprintf(&out, "machine: %d cpu's (%s/%s); doorvoer wrk -t%d -c%d %s; latentie wrk -t1 -c1 %s; gemengd vegeta %d/s %s\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, c.threads, c.connections, c.throughput, c.latency, c.rate, c.mixed)
	fmt.Fprintf(&out, "doelen (issue 14): latentie p99 < 50 ms; decide ≥ 50%% van het plafond; gemengd 0 fouten, p99 < 50 ms op %d/s\n\n", c.rate)
	if err := writeTable(&out, rows); err != nil {
		return err
	}
	fmt.Fprintln(&out)
	if memErr == nil {
		fmt.Fprintf(&out, "geheugen mgz na afloop: RSS %s, piek %s\n", mib(rss), mib(peak))
	}
	fmt.Fprintf(&out, "serverlog: %d waarschuwingen, %d fouten (%s)\n", srv.warnings.Load(), srv.errs.Load(), serveLog)
	for _, n := range notes {
		fmt.Fprintln(&out, "noot:", n)
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return err
	}
	file := filepath.Join(c.out, "results-"+started.Format("2006-01-02-150405")+".txt")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "Geschreven:", file)
	return ctx.Err()
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func mgzVersion(ctx context.Context, bin string) string {
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	if err != nil {
		return "mgz (versie onbekend)"
	}
	return strings.TrimSpace(string(out))
}

// readDecide reads the decide requests (the "request" of every line) as compact JSON bodies.
func readDecide(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("decide-verzoeken: %w (geef een bestand met --decide)", err)
	}
	defer f.Close()
	var bodies []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var v struct {
			Request  json.RawMessage `json:"request"`
			Expected struct {
				Error json.RawMessage `json:"error"`
			} `json:"expected"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil || len(v.Request) == 0 {
			return nil, fmt.Errorf("%s: een regel zonder JSON-veld request", path)
		}
		if len(v.Expected.Error) > 0 {
			continue // a request the rules refuse measures the error path, not a decision
		}
		var b bytes.Buffer
		if err := json.Compact(&b, v.Request); err != nil {
			return nil, err
		}
		bodies = append(bodies, b.String())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(bodies) == 0 {
		return nil, fmt.Errorf("%s bevat geen decide-verzoeken", path)
	}
	return bodies, nil
}

// ensureDB makes the database when it is missing: national with mgz demo --scale national; the
// region by starting mgz serve --demo once, which loads the demo region into an empty database.
func ensureDB(ctx context.Context, c config, stderr io.Writer) error {
	if isPostgres(c.db) {
		return ensurePostgres(ctx, c, stderr)
	}
	if _, err := os.Stat(c.db); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.db), 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s ontbreekt: aanmaken met schaal %s (nationaal duurt minuten)…\n", c.db, c.scale)
	if c.scale == "region" {
		p, err := startProcess(ctx, c.mgz, []string{"serve", "--demo", "--db", c.db, "--addr", "127.0.0.1:0"}, "", "/readyz")
		if err != nil {
			return fmt.Errorf("demoregio laden: %w", err)
		}
		p.stop()
		return nil
	}
	args := []string{"demo", "--scale", c.scale, "--db", c.db}
	if c.clients > 0 {
		args = append(args, "--clients", strconv.Itoa(c.clients))
	}
	cmd := exec.CommandContext(ctx, c.mgz, args...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		_ = os.Remove(c.db)
		return fmt.Errorf("mgz demo --scale %s: %w", c.scale, err)
	}
	return nil
}

// discovery is what the harness reads from mgz before it measures: ids to ask for, a name part
// to search for, a cursor, and the practice profile it writes back.
type discovery struct {
	practiceOrg  int64
	rhoOrg       string
	patientIDs   []int64
	patientTotal int
	limit        int
	deepOffset   int
	deepCursor   string
	nameQuery    string
	locIDs       []int64
	municipality string
	profileBody  string
	decide       []string
}

type listAnswer struct {
	Items      []map[string]any `json:"items"`
	Total      int              `json:"total"`
	Limit      int              `json:"limit"`
	NextCursor string           `json:"next_cursor"`
}

type meAnswer struct {
	User struct {
		OrganisationID int64 `json:"organisation_id"`
	} `json:"user"`
	Organisation string `json:"organisation"`
}

func ids(items []map[string]any) []int64 {
	var out []int64
	for _, it := range items {
		if f, ok := it["id"].(float64); ok {
			out = append(out, int64(f))
		}
	}
	return out
}

func discover(ctx context.Context, practice, rho *client) (*discovery, error) {
	d := &discovery{}
	var me meAnswer
	if err := practice.getJSON(ctx, "/api/v1/me", &me); err != nil {
		return nil, err
	}
	d.practiceOrg = me.User.OrganisationID
	if err := rho.getJSON(ctx, "/api/v1/me", &me); err != nil {
		return nil, err
	}
	d.rhoOrg = me.Organisation

	var first listAnswer
	if err := practice.getJSON(ctx, "/api/v1/patients", &first); err != nil {
		return nil, err
	}
	d.patientIDs, d.patientTotal, d.limit = ids(first.Items), first.Total, max(first.Limit, 1)
	if len(d.patientIDs) == 0 {
		return nil, errors.New("de praktijk ziet geen cliënten: klopt de database bij --scale?")
	}
	if name, _ := first.Items[0]["name"].(string); name != "" {
		words := strings.Fields(name)
		last := strings.ToLower(words[len(words)-1])
		n := 0
		for i := range last {
			if n == 4 {
				last = last[:i]
				break
			}
			n++
		}
		d.nameQuery = last
	}
	// The deep page is the last full page but one, so that it still has a next page: its
	// next_cursor is the deep cursor.
	d.deepOffset = max(0, (d.patientTotal/d.limit-2)*d.limit)
	var deep listAnswer
	if err := practice.getJSON(ctx, "/api/v1/patients?offset="+strconv.Itoa(d.deepOffset), &deep); err != nil {
		return nil, err
	}
	d.deepCursor = deep.NextCursor

	var locs listAnswer
	if err := rho.getJSON(ctx, "/api/v1/locations?limit=200", &locs); err != nil {
		return nil, err
	}
	d.locIDs = ids(locs.Items)
	if len(d.locIDs) == 0 {
		return nil, errors.New("geen locaties in de database")
	}
	d.municipality, _ = locs.Items[len(locs.Items)/2]["municipality"].(string)

	var profile struct {
		Capacity      string   `json:"capacity"`
		PostcodeAreas []string `json:"postcode_areas"`
	}
	if err := practice.getJSON(ctx, fmt.Sprintf("/api/v1/practices/%d/profile", d.practiceOrg), &profile); err != nil {
		return nil, err
	}
	if profile.PostcodeAreas == nil {
		profile.PostcodeAreas = []string{}
	}
	b, _ := json.Marshal(profile)
	d.profileBody = string(b)
	return d, nil
}

// patientDecide are decide requests about the practice's own clients (decisions from the
// register: the client's situation is read from the database), with the question of the first
// decide request.
func (d *discovery) patientDecide() []string {
	var first struct {
		Question json.RawMessage `json:"question"`
	}
	_ = json.Unmarshal([]byte(d.decide[0]), &first)
	var bodies []string
	for _, id := range d.patientIDs[:min(len(d.patientIDs), 20)] {
		b, _ := json.Marshal(map[string]any{"patient_id": strconv.FormatInt(id, 10), "question": first.Question})
		bodies = append(bodies, string(b))
	}
	return bodies
}

func get(path string, c *client) request {
	return request{Method: http.MethodGet, Path: path, Header: c.header()}
}

func (d *discovery) throughputTargets(practice *client) []target {
	h := practice.header()
	h["Content-Type"] = "application/json"
	return []target{
		{kind: kindThroughput, name: "POST /api/v1/decide", c: practice, req: request{Method: http.MethodPost, Path: "/api/v1/decide", Header: h, Bodies: d.decide}},
		{kind: kindThroughput, name: "POST /api/v1/decide (patient_id)", c: practice, req: request{Method: http.MethodPost, Path: "/api/v1/decide", Header: h, Bodies: d.patientDecide()}},
		{kind: kindThroughput, name: "GET /api/v1/locations/{id}", c: practice, req: get(fmt.Sprintf("/api/v1/locations/%d", d.locIDs[0]), practice)},
		{kind: kindThroughput, name: "GET /api/v1/me", c: practice, req: get("/api/v1/me", practice)},
	}
}

// latencyTargets are every list, search, overview, coverage and reminders request, and the two
// heaviest pages, each measured with one client at a time.
func (d *discovery) latencyTargets(ctx context.Context, practice, rho, provider, admin *client, adminSkip string) []target {
	lat := func(name string, c *client, path string) target {
		return target{kind: kindLatency, name: name, c: c, req: get(path, c)}
	}
	ts := []target{
		lat("GET /api/v1/patients (praktijk, eerste pagina)", practice, "/api/v1/patients"),
		lat(fmt.Sprintf("GET /api/v1/patients?offset=%d (diep)", d.deepOffset), practice, "/api/v1/patients?offset="+strconv.Itoa(d.deepOffset)),
	}
	if d.deepCursor != "" {
		ts = append(ts, lat("GET /api/v1/patients?cursor=… (diep)", practice, "/api/v1/patients?cursor="+url.QueryEscape(d.deepCursor)))
	} else {
		ts = append(ts, target{kind: kindLatency, name: "GET /api/v1/patients?cursor=… (diep)", skip: "het antwoord had geen next_cursor"})
	}
	if d.nameQuery != "" {
		ts = append(ts, lat("GET /api/v1/patients?q="+d.nameQuery, practice, "/api/v1/patients?q="+url.QueryEscape(d.nameQuery)))
	}
	ts = append(ts,
		lat("GET /api/v1/patients (RHO)", rho, "/api/v1/patients"),
		lat("GET /api/v1/overview (RHO)", rho, "/api/v1/overview"))
	for _, s := range []string{"provider", "readiness", "open_reports", "unregistered"} {
		ts = append(ts, lat("GET /api/v1/overview?sort="+s, rho, "/api/v1/overview?sort="+s))
	}
	ts = append(ts,
		lat("GET /api/v1/overview?include=totals", rho, "/api/v1/overview?include=totals"),
		lat("GET /api/v1/coverage (RHO)", rho, "/api/v1/coverage"),
		lat("GET /api/v1/reminders (zorgaanbieder)", provider, "/api/v1/reminders"),
		lat("GET /api/v1/reminders (praktijk)", practice, "/api/v1/reminders"),
		lat("GET /api/v1/availability/gaps (RHO)", rho, "/api/v1/availability/gaps"),
		lat("GET /api/v1/locations", rho, "/api/v1/locations"),
		lat("GET /api/v1/locations?q=de", rho, "/api/v1/locations?q=de"),
		lat("GET /api/v1/locations?municipality=…", rho, "/api/v1/locations?municipality="+url.QueryEscape(d.municipality)),
		lat("GET /api/v1/locations?offset=5000", rho, "/api/v1/locations?offset=5000"),
		lat("GET /api/v1/organisations?q=huis", rho, "/api/v1/organisations?q=huis"),
		lat("GET /api/v1/organisations?kind=gp_practice", rho, "/api/v1/organisations?kind=gp_practice"),
		lat("GET /api/v1/escalations (RHO)", rho, "/api/v1/escalations"),
		lat("GET /api/v1/escalations (zorgaanbieder)", provider, "/api/v1/escalations"),
	)
	var me meAnswer
	if err := provider.getJSON(ctx, "/api/v1/me", &me); err != nil {
		ts = append(ts, target{kind: kindLatency, name: "GET /api/v1/locations?provider_id=… (zorgaanbieder)", skip: err.Error()})
	} else {
		ts = append(ts, lat("GET /api/v1/locations?provider_id=… (zorgaanbieder)", provider, "/api/v1/locations?provider_id="+strconv.FormatInt(me.User.OrganisationID, 10)))
	}
	if adminSkip != "" {
		ts = append(ts, target{kind: kindLatency, name: "GET /api/v1/audit (beheerder)", skip: adminSkip})
	} else {
		ts = append(ts, lat("GET /api/v1/audit (beheerder)", admin, "/api/v1/audit"))
	}
	// The pages, with a session cookie.
	for _, p := range []struct {
		name, path string
		c          *client
	}{{"GET /clienten (praktijk, pagina)", "/clienten", practice}, {"GET /overzicht (RHO, pagina)", "/overzicht", rho}} {
		email, err := emailOf(ctx, p.c)
		var web *client
		if err == nil {
			web, err = login(ctx, p.c.base, email, demo.Password)
		}
		if err != nil {
			ts = append(ts, target{kind: kindLatency, name: p.name, skip: err.Error()})
			continue
		}
		ts = append(ts, lat(p.name, web, p.path))
	}
	return ts
}

func emailOf(ctx context.Context, c *client) (string, error) {
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}
	if err := c.getJSON(ctx, "/api/v1/me", &me); err != nil {
		return "", err
	}
	if !utf8.ValidString(me.User.Email) || me.User.Email == "" {
		return "", errors.New("geen e-mailadres in /api/v1/me")
	}
	return me.User.Email, nil
}

func (d *discovery) plan(base string, practice *client) *mixedPlan {
	h := http.Header{}
	for k, v := range practice.header() {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json")
	return &mixedPlan{base: base, header: h, patientIDs: d.patientIDs, locIDs: d.locIDs, decide: d.decide,
		writePath: fmt.Sprintf("/api/v1/practices/%d/profile", d.practiceOrg), writeBody: d.profileBody}
}
