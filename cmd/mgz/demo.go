package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

func demoUsage(w io.Writer) {
	fmt.Fprintf(w, `Gebruik: mgz demo --scale national|region --db bestand|postgres://… [--seed N] [--clients N] [--patients-csv bestand]

Vult een lege database met fictieve gegevens om mgz uit te proberen of te meten.

  --scale region    de demoregio "Regio Voorbeeld", dezelfde als mgz serve --demo laadt
  --scale national  een landelijke set: 31 zorgkantoorregio's met hun zorgkantoren en RHO's,
                    ongeveer 5.000 huisartsenpraktijken, 10.000 locaties van zorgaanbieders
                    (veel kleine, enkele met honderden locaties), 105 huisartsenposten, SO- en
                    AVG-diensten, randvoorwaarden per locatie, overeenkomsten en %d cliënten.
                    Eén praktijk heeft %d cliënten: het zwaarste geval voor metingen.
                    Met minder cliënten (--clients) worden praktijken, locaties en posten naar
                    verhouding minder. Dezelfde --seed geeft dezelfde gegevens.

Met --patients-csv worden de cliënten niet opgeslagen maar als bestand voor
mgz import patients geschreven, zodat de import op hetzelfde register gemeten kan worden.

Alle demo-accounts hebben het wachtwoord %q. De database moet leeg zijn: een bestaande
database met gegevens wordt nooit aangevuld of overschreven. Een databasebestand wordt
aangemaakt als het niet bestaat; een PostgreSQL-database (--db postgres://gebruiker@server/naam)
maakt u eerst zelf aan, leeg (CREATE DATABASE naam).

Opties:
`, demo.NationalClients, demo.StressClients, demo.Password)
}

func runDemo(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz demo", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	scale := fs.String("scale", "", "national of region")
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", ""), "databasebestand (wordt aangemaakt als het niet bestaat) of PostgreSQL-adres postgres://gebruiker@server/database (MGZ_DB)")
	seed := fs.Uint64("seed", demo.DefaultNationalSeed, "startwaarde van de toevalsgenerator (alleen national)")
	clients := fs.Int("clients", demo.NationalClients, "aantal cliënten (alleen national)")
	csvPath := fs.String("patients-csv", "", "schrijf de cliënten naar dit CSV-bestand voor mgz import patients in plaats van ze op te slaan (alleen national)")
	fs.Usage = func() {
		demoUsage(env.stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(env.stderr, "mgz demo: onverwacht argument %q. Meer: mgz demo -h\n", fs.Arg(0))
		return 2
	case *scale != "national" && *scale != "region":
		fmt.Fprintln(env.stderr, "mgz demo: kies --scale national of --scale region. Meer: mgz demo -h")
		return 2
	case *dbPath == "":
		fmt.Fprintln(env.stderr, "mgz demo: geef het databasebestand met --db (of MGZ_DB), bijvoorbeeld --db nationaal.db, of een lege PostgreSQL-database: --db postgres://gebruiker@server/nationaal")
		return 2
	case *clients < 1:
		fmt.Fprintf(env.stderr, "mgz demo: --clients moet minstens 1 zijn, niet %d\n", *clients)
		return 2
	case *scale == "region" && *csvPath != "":
		fmt.Fprintln(env.stderr, "mgz demo: --patients-csv hoort bij --scale national")
		return 2
	}
	db, err := openDB(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz demo:", err)
		return 1
	}
	defer db.Close()
	cfg := service.DefaultConfig
	start := time.Now()

	if *scale == "region" {
		loaded, err := demo.LoadRegion(ctx, db.Store(), cfg, nil)
		if err != nil {
			return demoFailed(env, *dbPath, err)
		}
		fmt.Fprintf(env.stdout, "Demoregio %s geladen in %s: %s, %d cliënten, %d roosters.\n", demo.Region,
			time.Since(start).Round(time.Second), loaded.Summary, loaded.Clients, loaded.Rosters)
		printDemoAccounts(env.stdout, "Demo-accounts, één per organisatie (beheerder; artsen ook met de rol arts).", loaded.Accounts)
		return 0
	}

	opt := demo.NationalOptions{Seed: *seed, Clients: *clients, Progress: demoProgress(env.stderr)}
	var csvFile *os.File
	var csvBuf *bufio.Writer
	if *csvPath != "" {
		if csvFile, err = os.Create(*csvPath); err != nil {
			fmt.Fprintf(env.stderr, "mgz demo: CSV-bestand %s aanmaken: %v\n", *csvPath, err)
			return 1
		}
		defer csvFile.Close()
		csvBuf = bufio.NewWriterSize(csvFile, 1<<20)
		opt.PatientsCSV = csvBuf
	}
	n, err := demo.LoadNational(ctx, db.Store(), cfg, opt)
	if err == nil && csvBuf != nil {
		if err = csvBuf.Flush(); err == nil {
			err = csvFile.Close()
		}
	}
	if err != nil {
		return demoFailed(env, *dbPath, err)
	}
	w := env.stdout
	fmt.Fprintf(w, "Landelijke demoset geladen in %s (seed %d):\n", time.Since(start).Round(time.Second), *seed)
	fmt.Fprintf(w, "  %d zorgkantoorregio's: %d zorgkantoren, %d RHO's, %d SO/AVG-diensten, %d huisartsenposten\n",
		n.Regions, n.CareOffices, n.RHOs, n.PhysicianServices, n.GPPosts)
	fmt.Fprintf(w, "  %d huisartsenpraktijken, %d zorgaanbieders met %d locaties, %d contactpunten\n",
		n.Practices, n.Providers, n.Locations, n.ContactPoints)
	fmt.Fprintf(w, "  %d randvoorwaarden, %d overeenkomsten, %d accounts\n", n.Prerequisites, n.Agreements, n.Users)
	if *csvPath != "" {
		fmt.Fprintf(w, "  %d cliënten geschreven naar %s (niet opgeslagen); importeer ze met: mgz import patients %s --db %s\n",
			n.ClientsInCSV, *csvPath, *csvPath, showDB(*dbPath))
	} else {
		fmt.Fprintf(w, "  %d cliënten\n", n.Clients)
	}
	if n.StressPractice != "" {
		fmt.Fprintf(w, "  grootste praktijk (zwaarste geval): %s, %d cliënten\n", n.StressPractice, n.StressClients)
	}
	printDemoAccounts(w, "Demo-accounts voor metingen en uitproberen.", n.Named)
	fmt.Fprintf(w, "Daarnaast één beheerder per organisatie (%d), met het adres naar de naam van de organisatie, bijvoorbeeld:\n", len(n.Admins))
	seen := map[string]bool{}
	var examples []demo.Account
	for _, a := range n.Admins {
		if !seen[string(a.Kind)] {
			seen[string(a.Kind)] = true
			examples = append(examples, a)
		}
	}
	printDemoAccounts(w, "", examples)
	return 0
}

// printDemoAccounts prints accounts as mgz serve --demo does: the kind of organisation, then the
// address, with the password on the heading.
func printDemoAccounts(w io.Writer, heading string, accounts []demo.Account) {
	if heading != "" {
		fmt.Fprintf(w, "%s Wachtwoord voor allemaal: %s\n", heading, demo.Password)
	}
	width := 0
	for _, a := range accounts {
		width = max(width, utf8.RuneCountInString(a.Kind.Label()))
	}
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-*s  %s\n", width, a.Kind.Label(), a.Email)
	}
}

func demoFailed(env *environment, dsn string, err error) int {
	path := showDB(dsn)
	// What to do about a database that holds data: a file is removed, a PostgreSQL database
	// dropped and created again.
	fresh := fmt.Sprintf("Geef met --db een nieuw bestand (het wordt aangemaakt), of verwijder %s eerst als u het niet meer nodig hebt.", path)
	redo := "verwijder hem en begin opnieuw."
	if sqlstore.IsPostgres(dsn) {
		fresh = "Geef met --db een nieuwe, lege PostgreSQL-database (CREATE DATABASE), of maak deze opnieuw aan (DROP DATABASE en CREATE DATABASE) als u hem niet meer nodig hebt."
		redo = "verwijder hem (DROP DATABASE), maak hem opnieuw aan en begin opnieuw."
	}
	switch {
	case errors.Is(err, demo.ErrNotEmpty):
		fmt.Fprintf(env.stderr, "mgz demo: de database %s bevat al gegevens; er is niets veranderd. %s\n", path, fresh)
		return 1
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(env.stderr, "mgz demo: afgebroken. De database %s kan half gevuld zijn: %s\n", path, redo)
		return 1
	}
	fmt.Fprintf(env.stderr, "mgz demo: %v\nDe database %s kan half gevuld zijn: %s\n", err, path, redo)
	return 1
}

// demoProgress reports each step on stderr: on a terminal as one line that is rewritten, in a
// log or a pipe as a line at each tenth of a step.
func demoProgress(w io.Writer) func(step string, done, total int) {
	term := isTerminal(w)
	last := map[string]int{}
	return func(step string, done, total int) {
		if term {
			fmt.Fprintf(w, "\r\033[K%s %d/%d", step, done, total)
			if done == total {
				fmt.Fprintln(w)
			}
			return
		}
		tenth := 10
		if total > 0 {
			tenth = done * 10 / total
		}
		if prev, ok := last[step]; ok && prev == tenth && done != total {
			return
		}
		if prev, ok := last[step]; ok && prev == 10 {
			return
		}
		last[step] = tenth
		fmt.Fprintln(w, step+" "+strconv.Itoa(done)+"/"+strconv.Itoa(total))
	}
}
