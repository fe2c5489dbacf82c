package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/sqlite"
	"github.com/regio-mgz/mgz/web"
)

// shutdownGrace is how long in-flight requests may take to finish after SIGINT/SIGTERM.
const shutdownGrace = 20 * time.Second

// envDefault returns the environment variable's value, or def when it is unset.
func envDefault(env *environment, key, def string) string {
	if v := env.getenv(key); v != "" {
		return v
	}
	return def
}

func newLogger(env *environment, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("onbekend logniveau %q: kies debug, info, warn of error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(env.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(env.stderr, opts)), nil
	}
	return nil, fmt.Errorf("onbekend logformaat %q: kies text of json", format)
}

func runServe(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	addr := fs.String("addr", envDefault(env, "MGZ_ADDR", "127.0.0.1:8080"), "adres waarop de server luistert (MGZ_ADDR)")
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), "databasebestand (MGZ_DB)")
	withDemo := fs.Bool("demo", envDefault(env, "MGZ_DEMO", "") == "true", "vul een lege database met de fictieve demoregio (MGZ_DEMO=true)")
	logFormat := fs.String("log-format", envDefault(env, "MGZ_LOG_FORMAT", "text"), "logformaat: text of json (MGZ_LOG_FORMAT)")
	logLevel := fs.String("log-level", envDefault(env, "MGZ_LOG_LEVEL", "info"), "logniveau: debug, info, warn, error (MGZ_LOG_LEVEL)")
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
	log, err := newLogger(env, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 2
	}
	log.Info("mgz starting", "version", versionString(), "addr", *addr, "db", *dbPath, "demo", *withDemo,
		"log_format", *logFormat, "log_level", *logLevel)

	db, err := sqlite.Open(ctx, *dbPath)
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

	if *withDemo {
		sum, err := demo.Load(ctx, db.Register())
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			log.Info("demo region not loaded: the database already holds data")
		case err != nil:
			fmt.Fprintln(env.stderr, "mgz serve: demoregio laden:", err)
			return 1
		default:
			log.Info("demo region loaded", "region", demo.Region, "organisations", sum.Organisations,
				"locations", sum.Locations, "contact_points", sum.ContactPoints)
		}
	}

	srv, err := web.New(web.Config{Register: db.Register(), Settings: db.Settings(), Enrich: directory.New(db.Register()).Enrich,
		Ready: db.Ping, Logger: log, Version: versionString()})
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz serve:", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(env.stderr, "mgz serve: kan niet luisteren op %s: %v\nKies een ander adres met --addr of MGZ_ADDR, of stop het programma dat deze poort gebruikt.\n", *addr, err)
		return 1
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + displayAddr(ln.Addr().String())
	fmt.Fprintf(env.stdout, "mgz draait op %s — stop met Ctrl+C\n", url)
	log.Info("listening", "url", url)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
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
