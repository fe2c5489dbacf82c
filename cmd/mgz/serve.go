package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/internal/logbuf"
	"github.com/regio-mgz/mgz/outbox"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/web"
)

// shutdownGrace is how long in-flight requests may take to finish after SIGINT/SIGTERM.
const shutdownGrace = 20 * time.Second

// The garbage collector's target in mgz serve, unless the operator sets GOGC or GOMEMLIMIT
// (issue 14). A request allocates a few kilobytes that die with it and the live heap is small
// (about 13 MiB at national scale between requests), so with Go's default GOGC=100 the
// collector runs every few thousand requests and takes 7–9% of the CPU of GET location and
// decide (pprof under wrk). Twice the room halves that work: decide +4–10% requests per second,
// for about 30 MiB more RSS under full load (mgz-bench national: peak 115–120 MiB instead of
// 84–94). The soft limit bounds what the percentage allows when the live heap grows (a large
// overview or import): above it the collector runs as often as it must to stay under it.
const (
	serveGCPercent   = 200
	serveMemoryLimit = 384 << 20
)

// tuneGC applies serveGCPercent and serveMemoryLimit where the environment does not set GOGC or
// GOMEMLIMIT (the runtime has read those itself), and returns the values in force, for the log.
func tuneGC() (gogc, memLimit string) {
	gogc = os.Getenv("GOGC")
	if gogc == "" {
		debug.SetGCPercent(serveGCPercent)
		gogc = strconv.Itoa(serveGCPercent)
	}
	memLimit = os.Getenv("GOMEMLIMIT")
	if memLimit == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
		memLimit = strconv.Itoa(serveMemoryLimit>>20) + "MiB"
	}
	return gogc, memLimit
}

// envDefault returns the environment variable's value, or def when it is unset.
func envDefault(env *environment, key, def string) string {
	if v := env.getenv(key); v != "" {
		return v
	}
	return def
}

// newLogger returns the serve command's logger, writing to out. The lines go through a
// logbuf.Writer (the caller closes it, after the last line): a line per request written to
// standard error one by one cost 7–8% of the CPU under load (issue 14). Lines at level WARN and
// above are written at once, with everything before them.
func newLogger(out *logbuf.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("onbekend logniveau %q: kies debug, info, warn of error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(flushingHandler{slog.NewTextHandler(out, opts), out}), nil
	case "json":
		return slog.New(flushingHandler{slog.NewJSONHandler(out, opts), out}), nil
	}
	return nil, fmt.Errorf("onbekend logformaat %q: kies text of json", format)
}

// flushingHandler flushes its buffered output after every record at level WARN or above, so
// that warnings and errors are seen when they happen.
type flushingHandler struct {
	slog.Handler
	out *logbuf.Writer
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.out.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(as), h.out}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.out}
}

// newLogWriter buffers the serve command's log lines to stderr (see logbuf). A line waits at
// most 100 ms; when standard error is stuck and 256 KiB are waiting, a line waits at most a
// second for room and is then dropped, counted, and the count logged once lines flow again.
func newLogWriter(stderr io.Writer, log func() *slog.Logger) *logbuf.Writer {
	return logbuf.New(stderr, logbuf.Config{Interval: 100 * time.Millisecond, MaxBuffer: 256 << 10, MaxWait: time.Second,
		OnDrop: func(total uint64) {
			if l := log(); l != nil {
				l.Warn("log lines dropped: standard error did not take them in time", "dropped_total", total)
			}
		}})
}

func runServe(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	addr := fs.String("addr", envDefault(env, "MGZ_ADDR", "127.0.0.1:8080"), "adres waarop de server luistert (MGZ_ADDR)")
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), dbFlagUsage)
	withDemo := fs.Bool("demo", envDefault(env, "MGZ_DEMO", "") == "true", "vul een lege database met de fictieve demoregio (MGZ_DEMO=true)")
	logFormat := fs.String("log-format", envDefault(env, "MGZ_LOG_FORMAT", "text"), "logformaat: text of json (MGZ_LOG_FORMAT)")
	logLevel := fs.String("log-level", envDefault(env, "MGZ_LOG_LEVEL", "info"), "logniveau: debug, info, warn, error (MGZ_LOG_LEVEL)")
	idle := fs.String("session-idle", envDefault(env, "MGZ_SESSION_IDLE", service.DefaultConfig.SessionIdle.String()),
		"een sessie die zo lang niet gebruikt is, vervalt (MGZ_SESSION_IDLE)")
	maxAge := fs.String("session-max", envDefault(env, "MGZ_SESSION_MAX", service.DefaultConfig.SessionMax.String()),
		"elke sessie vervalt zo lang na het inloggen (MGZ_SESSION_MAX)")
	secure := fs.Bool("secure-cookies", envDefault(env, "MGZ_SECURE_COOKIES", "") == "true",
		"markeer het sessiecookie altijd Secure, ook als TLS vóór mgz eindigt in een proxy (MGZ_SECURE_COOKIES=true)")
	// The SMTP URL may hold a password: its environment variable is read after parsing, so
	// --help never prints it.
	smtpURL := fs.String("smtp-url", "", "SMTP-server voor e-mail: smtp://gebruiker:wachtwoord@server:587, smtps://… voor TLS vanaf het begin; leeg: geen e-mail, berichten wachten (MGZ_SMTP_URL)")
	publicURL := fs.String("public-url", envDefault(env, "MGZ_PUBLIC_URL", ""), "adres van mgz zoals gebruikers het openen, voor links in e-mails, bijvoorbeeld https://mgz.regio.nl (MGZ_PUBLIC_URL; leeg: het luisteradres)")
	requestTimeout := fs.String("request-timeout", envDefault(env, "MGZ_REQUEST_TIMEOUT", web.DefaultRequestTimeout.String()),
		"elk verzoek wordt na zo lang afgebroken en beantwoord met 503; een lopende databasevraag stopt dan (MGZ_REQUEST_TIMEOUT)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Gebruik: mgz serve [opties]\n\nStart de webserver. Opties (met hun omgevingsvariabele):")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var logp atomic.Pointer[slog.Logger] // for the flusher's report of dropped lines
	logw := newLogWriter(env.stderr, logp.Load)
	// Deferred first, so it runs last: every line, down to "database closed", is written.
	defer logw.Close()
	log, err := newLogger(logw, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 2
	}
	logp.Store(log)
	// What serve itself prints to stderr from here on goes through the same buffer, after the
	// log lines before it; loadDemo keeps the terminal (it asks whether stderr is one).
	demoEnv := env
	env = &environment{stdin: env.stdin, stdout: env.stdout, stderr: logw, getenv: env.getenv}
	if *smtpURL == "" {
		*smtpURL = env.getenv("MGZ_SMTP_URL")
	}
	var smtpCfg *outbox.SMTPConfig
	mailSetting := "uit: e-mails wachten in de wachtrij"
	if *smtpURL != "" {
		c, err := outbox.ParseSMTPURL(*smtpURL)
		if err != nil {
			fmt.Fprintln(env.stderr, "mgz serve: --smtp-url:", err)
			return 2
		}
		smtpCfg, mailSetting = &c, c.String()
	}
	sessionIdle, err1 := parseDuration("--session-idle", *idle)
	sessionMax, err2 := parseDuration("--session-max", *maxAge)
	reqTimeout, err3 := parseDuration("--request-timeout", *requestTimeout)
	if err := errors.Join(err1, err2, err3); err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 2
	}
	if sessionIdle > sessionMax {
		fmt.Fprintln(env.stderr, "mgz serve: --session-idle mag niet langer zijn dan --session-max.")
		return 2
	}
	gogc, memLimit := tuneGC()
	log.Info("mgz starting", "version", versionString(), "addr", *addr, "db", showDB(*dbPath), "demo", *withDemo,
		"log_format", *logFormat, "log_level", *logLevel, "smtp", mailSetting, "public_url", *publicURL,
		"request_timeout", reqTimeout.String(), "gogc", gogc, "gomemlimit", memLimit)

	db, err := sqlstore.Open(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 1
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("closing database", "err", err)
		} else {
			log.Info("database closed")
		}
	}()

	// Failed logins are counted in the database, and caches are invalidated through it, so that
	// several instances behind a load balancer act as one (on PostgreSQL).
	svcCfg := service.Config{SessionIdle: sessionIdle, SessionMax: sessionMax, Logger: log, Failures: db.Store()}
	inv, stopListening, err := invalidator(ctx, log, db, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 1
	}
	defer stopListening()
	svcCfg.Invalidator = inv
	svc := service.New(db.Store(), svcCfg)
	if *withDemo {
		if err := loadDemo(ctx, demoEnv, log, db.Store(), svcCfg, svc); err != nil {
			fmt.Fprintln(env.stderr, "mgz serve: demoregio laden:", err)
			return 1
		}
	}

	// Rosters say who is on call (issue 13); every signed-in user may read them, so the store is
	// read directly, like the register under the system actor.
	// What an answer reads is kept in memory until the next change made through this process, and
	// at most directory.MaxCacheTTL, the bound for changes made through another instance.
	dir := directory.New(svc.Register(service.System()), directory.WithRosters(db.Store().Rosters().WithShifts,
		func(ctx context.Context) (calendar.HolidaySet, error) {
			s, err := db.Settings().CalendarSettings(ctx)
			return s.OrDefault().FreeDays, err
		}), directory.WithCache(svc.Generation, directory.MaxCacheTTL))
	srv, err := web.New(web.Config{Service: svc, Enrich: dir.Enrich, Resolver: dir.Resolver,
		SecureCookies: *secure, Logger: log, Version: versionString(), MailEnabled: smtpCfg != nil, RequestTimeout: reqTimeout})
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(env.stderr, "mgz serve: kan niet luisteren op %s: %v\nKies een ander adres met --addr of MGZ_ADDR, of stop het programma dat deze poort gebruikt.\n", *addr, err)
		return 1
	}
	// The connection's limits sit around the request's deadline: a slow client cannot hold a
	// connection with half a header or body, and the answer to a request that ran until its
	// deadline (503) still has time to be written.
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       max(30*time.Second, reqTimeout),
		WriteTimeout:      max(60*time.Second, reqTimeout+30*time.Second),
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + displayAddr(ln.Addr().String())
	fmt.Fprintf(env.stdout, "mgz draait op %s — stop met Ctrl+C\n", url)
	log.Info("listening", "url", url)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	go housekeeping(ctx, log, svc)
	mailerDone := make(chan struct{})
	mctx, stopMailer := context.WithCancel(ctx)
	if smtpCfg != nil {
		public := *publicURL
		if public == "" {
			public = url
		}
		m := outbox.New(db.Store().Outbox(), outbox.NewSMTP(*smtpCfg, hostOf(public)), outbox.Config{PublicURL: public, Logger: log})
		go func() { defer close(mailerDone); m.Run(mctx) }()
	} else {
		close(mailerDone)
	}
	// The mailer stops before the database closes; a mail it was sending is sent again after
	// its lease.
	defer func() { stopMailer(); <-mailerDone }()
	select {
	case err := <-errc:
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil {
		log.Error("shutdown incomplete", "err", err)
		return 1
	}
	log.Info("server stopped")
	return 0
}

// invalidator returns the Invalidator of a server on db: on PostgreSQL, other instances may
// serve the same database, and invalidations travel between them by LISTEN/NOTIFY; a SQLite file
// is served by one process. stop ends the listening.
func invalidator(ctx context.Context, log *slog.Logger, db *sqlstore.DB, dsn string) (inv service.Invalidator, stop func(), err error) {
	if !db.Notifies() {
		return service.NewLocalInvalidator(), func() {}, nil
	}
	n := publisher(db)
	// Listening goes on while requests in flight finish after a signal; stop ends it.
	l, err := sqlstore.Listen(context.WithoutCancel(ctx), dsn, service.InvalidationChannel, sqlstore.Subscription{
		Deliver: n.Receive,
		Resumed: func() {
			log.Info("listening to the other instances again; cached credentials and settings are read afresh")
			n.Resumed()
		},
		Lost: func(err error) {
			log.Warn("lost the connection that listens to the other instances; reconnecting, meanwhile credentials and settings are read from the database on every request", "err", err)
			n.Lost()
		},
	})
	if err != nil {
		return nil, nil, err
	}
	log.Info("listening to the other instances on the database", "channel", service.InvalidationChannel)
	return n, l.Close, nil
}

// publisher returns an Invalidator that tells the instances serving db (PostgreSQL) what a
// change made through it invalidates, without listening itself: for a command that changes
// accounts or settings while servers run. Nil on SQLite.
func publisher(db *sqlstore.DB) *service.NotifyInvalidator {
	if !db.Notifies() {
		return nil
	}
	return service.NewNotifyInvalidator(func(ctx context.Context, payload []byte) error {
		return db.Notify(ctx, service.InvalidationChannel, payload)
	})
}

// loadDemo fills an empty database with the whole demo region and its users in one
// transaction, and prints the demo logins; a database that holds data is left alone, and its
// demo logins, if any, are printed. An interrupted load leaves the database empty, so the next
// start loads the region whole.
func loadDemo(ctx context.Context, env *environment, log *slog.Logger, store mgz.Store, cfg service.Config, svc *service.Service) error {
	var accounts []demo.Account
	if isTerminal(env.stderr) {
		fmt.Fprintln(env.stderr, "Demoregio laden als de database leeg is…")
	}
	loaded, err := demo.LoadRegion(ctx, store, cfg, nil)
	switch {
	case errors.Is(err, demo.ErrNotEmpty):
		log.Info("demo region not loaded: the database already holds data")
		if accounts, err = demo.Accounts(ctx, svc); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		accounts = loaded.Accounts
		log.Info("demo region loaded", "region", demo.Region, "organisations", loaded.Organisations,
			"locations", loaded.Locations, "contact_points", loaded.ContactPoints, "users", len(loaded.Accounts),
			"checklists", loaded.Checklists, "clients", loaded.Clients, "rosters", loaded.Rosters,
			"roster_gap", demo.GapLocation+", voorwacht "+demo.GapStart(svc.Today()).Format("Mon 2006-01-02 15:04")+"–07:00")
	}
	if len(accounts) == 0 {
		return nil
	}
	fmt.Fprintf(env.stdout, "Demo-accounts, één per organisatie (beheerder; artsen ook met de rol arts). Wachtwoord voor allemaal: %s\n", demo.Password)
	width := 0
	for _, a := range accounts {
		width = max(width, utf8.RuneCountInString(a.Kind.Label()))
	}
	for _, a := range accounts {
		fmt.Fprintf(env.stdout, "  %-*s  %s\n", width, a.Kind.Label(), a.Email)
	}
	return nil
}

func parseDuration(flag, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s %q is geen geldige duur: gebruik bijvoorbeeld 30m of 12h", flag, v)
	}
	return d, nil
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host + ":" + port
}

// hostOf is the host name of a URL, for the sender and Message-ID of mails.
func hostOf(raw string) string {
	if u, err := neturl.Parse(raw); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
}
