package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/regio-mgz/mgz/sqlstore"
)

const migrateStoreUsage = `Gebruik: mgz migrate-store --from bestand.db --to postgres://gebruiker@server/database

Verhuist een regio van een SQLite-bestand naar een lege PostgreSQL-database: elke tabel, met
dezelfde nummers (ids), in één transactie. Gaat er iets mis of breekt u af (Ctrl-C), dan blijft
de doeldatabase leeg; u kunt het daarna gewoon opnieuw proberen.

Voor het kopiëren worden beide databases bijgewerkt naar het schema van deze versie van mgz.
Daarna wordt de kopie gecontroleerd: elke tabel heeft evenveel en dezelfde rijen als de bron, en
de hashketen van het auditlog is ongeschonden. Pas dan wordt de kopie vastgelegd.

Stop mgz op het SQLite-bestand voordat u begint: wat daarna nog in het bestand wordt geschreven,
komt niet mee. De doeldatabase moet leeg zijn (alleen aangemaakt, bijvoorbeeld met
createdb -O mgz mgz); een database met gegevens wordt nooit aangevuld of overschreven.
De gebruiker in het adres moet eigenaar van de tabellen zijn.

Opties:
`

func runMigrateStore(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz migrate-store", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	from := fs.String("from", "", "het SQLite-bestand van de regio")
	to := fs.String("to", "", "de lege PostgreSQL-database, als postgres://gebruiker@server:5432/database")
	fs.Usage = func() {
		fmt.Fprint(env.stderr, migrateStoreUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	const prefix = "mgz migrate-store"
	switch {
	case *from == "" || *to == "":
		fmt.Fprintf(env.stderr, "%s: geef de bron met --from en het doel met --to. Meer: mgz migrate-store -h\n", prefix)
		return 2
	case sqlstore.IsPostgres(*from):
		fmt.Fprintf(env.stderr, "%s: --from is een SQLite-bestand, geen PostgreSQL-adres. Meer: mgz migrate-store -h\n", prefix)
		return 2
	case !sqlstore.IsPostgres(*to):
		fmt.Fprintf(env.stderr, "%s: --to moet een PostgreSQL-adres zijn, zoals postgres://mgz@db.example:5432/mgz. Meer: mgz migrate-store -h\n", prefix)
		return 2
	}
	start := time.Now()
	src, err := openExisting(ctx, *from)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	defer src.Close()
	dst, err := sqlstore.Open(ctx, *to)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	defer dst.Close()

	p := &copyProgress{w: env.stderr, live: isTerminal(env.stderr)}
	res, err := src.CopyTo(ctx, dst, p.report)
	p.finish()
	var notEmpty *sqlstore.TargetNotEmptyError
	switch {
	case errors.As(err, &notEmpty):
		fmt.Fprintf(env.stderr, "%s: %v.\n", prefix, err)
		return 1
	case err != nil && ctx.Err() != nil:
		fmt.Fprintf(env.stderr, "%s: afgebroken; er is niets in de doeldatabase vastgelegd, die is nog leeg. Start de opdracht opnieuw om de regio te verhuizen.\n", prefix)
		return 1
	case err != nil:
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		fmt.Fprintln(env.stderr, "Er is niets in de doeldatabase vastgelegd; die is nog leeg.")
		return 1
	}
	fmt.Fprintf(env.stdout, "Regio verhuisd naar PostgreSQL in %s: %d rijen in %d tabellen, elke tabel gecontroleerd.\n",
		time.Since(start).Round(100*time.Millisecond), res.Rows, len(res.Tables))
	fmt.Fprintf(env.stdout, "Auditlog in orde: %d regels, de keten is ongeschonden.\n", res.AuditEntries)
	if res.AnalyzeErr != nil {
		fmt.Fprintf(env.stderr, "Let op: de statistieken voor PostgreSQL zijn niet bijgewerkt (%v). De kopie is volledig; voer als eigenaar van de database VACUUM (ANALYZE) uit, anders zijn de eerste opvragingen traag tot autovacuum dat gedaan heeft.\n", res.AnalyzeErr)
	}
	fmt.Fprintf(env.stdout, "Start mgz nu met --db %s (het SQLite-bestand %s blijft zoals het was; bewaar het tot u zeker bent).\n",
		showDB(*to), *from)
	return 0
}

// withoutPassword replaces the password of a connection URL by mask ("" drops it).
func withoutPassword(s, mask string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return s
	}
	if user, _, hasPw := strings.Cut(userinfo, ":"); hasPw {
		return scheme + "://" + user + mask + "@" + host
	}
	return s
}

// copyProgress shows a copy's progress on stderr: a line per copied table with its rows and the
// percentage of all rows copied; while a table is copied or compared, on a terminal a line that
// keeps changing, elsewhere (a log) a line every 10 seconds.
type copyProgress struct {
	w       io.Writer
	live    bool
	started bool
	stage   sqlstore.CopyStage
	table   string // the last table whose copy was reported complete
	last    time.Time
	shown   bool // a live line is on the screen
	copied  bool // the copy of rows has begun
}

func (p *copyProgress) report(c sqlstore.CopyProgress) {
	if !p.started || c.Stage != p.stage {
		p.finish()
		p.last = time.Now()
		p.started, p.stage = true, c.Stage
		switch c.Stage {
		case sqlstore.CopyCounting:
			fmt.Fprintln(p.w, "De bron tellen…")
		case sqlstore.CopyRows:
			p.copied = true
			fmt.Fprintln(p.w, "Tabellen kopiëren, in één transactie:")
		case sqlstore.CopyIndexes:
			fmt.Fprintln(p.w, "Indexen en verwijzingen opbouwen en controleren…")
		case sqlstore.CopyVerifying:
			fmt.Fprintln(p.w, "De kopie vergelijken met de bron…")
		case sqlstore.CopyAnalyzing:
			fmt.Fprintln(p.w, "Vastgelegd. Statistieken voor PostgreSQL bijwerken (VACUUM ANALYZE)…")
		case sqlstore.CopyAudit:
			if p.copied {
				fmt.Fprintln(p.w, "De hashketen van het auditlog in de kopie controleren…")
			} else {
				fmt.Fprintln(p.w, "De hashketen van het auditlog in de bron controleren…")
			}
		}
	}
	if c.Stage != sqlstore.CopyRows && c.Stage != sqlstore.CopyVerifying {
		return
	}
	complete := c.TableDone == c.TableRows
	switch {
	case c.Stage == sqlstore.CopyRows && complete:
		if c.Table != p.table {
			p.table = c.Table
			p.finish()
			fmt.Fprintf(p.w, "  %-26s %9d rijen, totaal %s\n", c.Table, c.TableRows, percent(c.Done, c.Total))
		}
	case p.live:
		if time.Since(p.last) < 200*time.Millisecond && !complete {
			return
		}
		p.last = time.Now()
		verb := "kopiëren"
		if c.Stage == sqlstore.CopyVerifying {
			verb = "vergelijken"
		}
		fmt.Fprintf(p.w, "\r\033[K  %s %s: %d van %d rijen (%s), totaal %s", verb, c.Table, c.TableDone, c.TableRows,
			percent(c.TableDone, c.TableRows), percent(c.Done, c.Total))
		p.shown = true
	case !complete && c.TableDone > 0 && time.Since(p.last) >= 10*time.Second:
		// A large table shows that it moves, in a log too.
		p.last = time.Now()
		fmt.Fprintf(p.w, "  %-26s %9d van %d rijen (%s), totaal %s\n", c.Table, c.TableDone, c.TableRows,
			percent(c.TableDone, c.TableRows), percent(c.Done, c.Total))
	}
}

// finish clears a live line.
func (p *copyProgress) finish() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func percent(done, total int64) string {
	if total == 0 {
		return "100%"
	}
	return fmt.Sprintf("%d%%", done*100/total)
}
