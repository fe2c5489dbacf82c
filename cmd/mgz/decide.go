package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/rules"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// Exit statuses of mgz decide (contract.md).
const (
	exitDecision = 0
	exitFailure  = 1
	exitRejected = 2
)

func runDecide(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz decide", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	lines := fs.Bool("lines", false, "lees één verzoek per regel (JSON Lines) en schrijf één antwoord per regel")
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"),
		"register voor de regio-instellingen en de contacten bij location_id (MGZ_DB): een bestand of een PostgreSQL-adres postgres://…; ontbreekt het bestand, dan gelden de standaardinstellingen")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, `Gebruik: mgz decide [--lines] [--db bestand|postgres://…] < verzoek.json

Leest een verzoek (contract.md) van standaardinvoer en schrijft het besluit naar standaarduitvoer:
wie is verantwoordelijk, wie betaalt, welke afspraak geldt, en bij een vraag wie u belt.
Met een register (--db) mag het verzoek een cliënt noemen ("patient_id"): de situatie, locatie en
huisarts komen dan uit het cliëntdossier, en het register wint als het verzoek iets anders zegt.
Afsluitcode 0 bij een besluit, 2 bij een geweigerd verzoek (het foutobject staat op de uitvoer), 1 bij
een andere fout.

Opties:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitDecision
		}
		return exitRejected
	}
	engine, closeDB, err := decideEngine(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz decide:", err)
		return exitFailure
	}
	defer closeDB()

	if *lines {
		out := env.stdout
		if isTerminal(env.stderr) {
			out = &progressWriter{w: env.stdout, progress: env.stderr, start: time.Now()}
		}
		err := engine.DecideLines(ctx, env.stdin, out)
		if pw, ok := out.(*progressWriter); ok {
			pw.done()
		}
		if err != nil {
			fmt.Fprintln(env.stderr, "mgz decide:", err)
			return exitFailure
		}
		return exitDecision
	}

	body, err := io.ReadAll(io.LimitReader(env.stdin, rules.MaxLineBytes+1))
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz decide: standaardinvoer lezen:", err)
		return exitFailure
	}
	var resp rules.Response
	req, err := rules.Parse(body)
	if err == nil {
		resp, err = engine.DecideContext(ctx, req)
	}
	var re *rules.RequestError
	switch {
	case errors.As(err, &re):
		env.stdout.Write(append(rules.ErrorResponse{Error: re}.AppendJSON(nil), '\n'))
		return exitRejected
	case err != nil:
		fmt.Fprintln(env.stderr, "mgz decide:", err)
		return exitFailure
	}
	if _, err := env.stdout.Write(append(resp.AppendJSON(nil), '\n')); err != nil {
		fmt.Fprintln(env.stderr, "mgz decide: schrijven:", err)
		return exitFailure
	}
	return exitDecision
}

// decideEngine returns an engine with the region's calendar settings and the register's contacts
// when the database file exists, and the defaults of domain.md §4.1 without contacts otherwise.
// A PostgreSQL database (a postgres:// URL) is always opened: a server that cannot be reached is
// an error, not a reason to decide without the region's settings.
func decideEngine(ctx context.Context, dbPath string) (*rules.Engine, func(), error) {
	if _, err := os.Stat(dbPath); err != nil && !sqlstore.IsPostgres(dbPath) {
		e, err := rules.NewEngine(rulesDefaults())
		return e.WithEnricher(noRegister), func() {}, err
	}
	db, err := openDB(ctx, dbPath)
	if err != nil {
		return nil, nil, err
	}
	settings, err := db.Settings().CalendarSettings(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	e, err := rules.NewEngine(settings)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("regio-instellingen: %w", err)
	}
	// A patient_id is read through the service, so the read passes the access policy and is
	// audited under the command line's own actor.
	svc := service.New(db.Store(), service.Config{})
	dir := directory.New(db.Register(), directory.WithRosters(db.Store().Rosters().WithShifts,
		func(context.Context) (calendar.HolidaySet, error) { return settings.OrDefault().FreeDays, nil }))
	patients := func(ctx context.Context, id int64) (mgz.Patient, error) {
		return svc.Patient(ctx, service.System(), id)
	}
	return e.WithEnricher(dir.Enrich).WithResolver(dir.Resolver(patients)), func() { db.Close() }, nil
}

// noRegister warns that a location_id cannot be looked up without a register.
func noRegister(_ context.Context, req rules.Request, resp *rules.Response) {
	resp.Warnings = append(resp.Warnings, rules.Warning{Code: rules.WarnRegisterUnavailable,
		Message: fmt.Sprintf("Er is geen register (database) opgegeven of gevonden, dus locatie %q kan niet worden opgezocht: de stappen noemen geen telefoonnummers. Gebruik --db of MGZ_DB.", req.LocationID)})
}

// isTerminal reports whether w is a terminal, where progress may be shown.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressWriter counts the answers written and shows the count on the terminal now and then.
type progressWriter struct {
	w        io.Writer
	progress io.Writer
	start    time.Time
	lines    int
	last     time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.lines += bytes.Count(b, []byte{'\n'})
	if now := time.Now(); now.Sub(p.last) > 500*time.Millisecond {
		p.last = now
		fmt.Fprintf(p.progress, "\r%d verzoeken beslist…", p.lines)
	}
	return p.w.Write(b)
}

func (p *progressWriter) done() {
	fmt.Fprintf(p.progress, "\r%d verzoeken beslist in %s.\n", p.lines, time.Since(p.start).Round(time.Millisecond))
}

// rulesDefaults are the calendar settings without a register: domain.md §4.1's defaults.
func rulesDefaults() calendar.Settings { return calendar.Default() }
