// Command mgz runs the regional MGZ system: the web server with its register, and the command-line
// tools around it. It only parses flags and wires the packages together.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the VCS revision is used.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-gewijzigd"
			}
			return "dev-" + rev
		}
	}
	return "dev"
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) int
}

// environment is what a command may touch of the outside world, so tests can run commands in-process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "start de webserver met het register en de API", runServe},
		{"decide", "wie is verantwoordelijk, wie betaalt, welke afspraak: één verzoek of JSON Lines (--lines)", runDecide},
		{"user", "gebruikers aanmaken vanaf de opdrachtregel (de eerste beheerder)", runUser},
		{"token", "API-tokens maken voor programma's", runToken},
		{"audit", "het auditlog controleren (verify) of exporteren (export)", runAudit},
		{"import", "een CSV-bestand inlezen (locations, patients): eerst elke regel gecontroleerd, dan alles of niets", runImport},
		{"roster", "diensten van een bereikbaarheidsrooster inlezen uit iCalendar (.ics) of CSV: alles of niets", runRoster},
		{"version", "toon de versie van mgz", runVersion},
		{"help", "toon deze hulp", runHelp},
		{"demo", "een lege database vullen met de demoregio of een landelijke demoset (--scale region|national)", runDemo},
		{"migrate-store", "een regio verhuizen van een SQLite-bestand naar een lege PostgreSQL-database, gecontroleerd", runMigrateStore},
		{"backup", "een gecontroleerde back-up van de SQLite-database maken, ook terwijl mgz draait", runBackup},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes the subcommand named by args[0] and returns the process exit status.
func run(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.stderr, "mgz: onbekende opdracht %q.\n\n", name)
	usage(env.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Gebruik: mgz <opdracht> [opties]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Opdrachten:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Meer over een opdracht: mgz <opdracht> -h")
}

func runHelp(ctx context.Context, env *environment, args []string) int {
	usage(env.stdout)
	return 0
}

func runVersion(ctx context.Context, env *environment, args []string) int {
	fmt.Fprintln(env.stdout, "mgz", versionString())
	return 0
}
