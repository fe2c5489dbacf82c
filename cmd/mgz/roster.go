package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/rosterfile"
	"github.com/regio-mgz/mgz/service"
)

func rosterUsage(w io.Writer) {
	fmt.Fprint(w, `gebruik: mgz roster import --db BESTAND|postgres://… --roster ID [--format ical|csv] ROOSTERBESTAND

Leest de diensten van een bereikbaarheidsrooster in uit een iCalendar-bestand (.ics, uit Outlook,
Google Agenda of roosterprogramma's) of een CSV-bestand (kolommen naam, telefoon, functie, begin,
einde, herhaling, uitzonderingen, feestdagen, uid). Alles of niets: bij één fout wordt niets
geïmporteerd en staan de fouten per regel op het scherm. Dezelfde import nog eens verandert niets.
Gebruik - als bestand om van standaardinvoer te lezen (geef dan --format).

`)
}

// runRoster runs "mgz roster import".
func runRoster(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			rosterUsage(env.stderr)
			return 0
		}
		rosterUsage(env.stderr)
		return 2
	}
	const prefix = "mgz roster import"
	fs := flag.NewFlagSet(prefix, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), "databasebestand (moet al bestaan) of PostgreSQL-adres postgres://gebruiker@server/database (MGZ_DB)")
	rosterID := fs.Int64("roster", 0, "nummer (id) van het rooster")
	format := fs.String("format", "", "ical of csv; standaard volgens de extensie van het bestand")
	fs.Usage = func() {
		rosterUsage(env.stderr)
		fs.PrintDefaults()
	}
	pos, code, ok := parseInterspersed(fs, args[1:])
	if !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		fmt.Fprintf(env.stderr, "%s: geef het roosterbestand, bijvoorbeeld: mgz roster import --roster 3 rooster.ics\n", prefix)
		return 2
	case len(pos) > 1:
		fmt.Fprintf(env.stderr, "%s: onverwacht argument %q; geef één bestand per keer.\n", prefix, pos[1])
		return 2
	case *rosterID <= 0:
		fmt.Fprintf(env.stderr, "%s: geef het rooster met --roster ID (het nummer van het rooster).\n", prefix)
		return 2
	}
	f := *format
	if f == "" {
		f = rosterfile.FormatOf(pos[0])
	}
	if f != rosterfile.FormatICal && f != rosterfile.FormatCSV {
		fmt.Fprintf(env.stderr, "%s: onbekend formaat voor %q. Geef --format ical of --format csv.\n", prefix, pos[0])
		return 2
	}

	// Progress on a terminal only, rewritten in place, as mgz import shows it; a log or a pipe
	// gets the summary lines alone.
	var progress io.Writer
	if isTerminal(env.stderr) {
		progress = env.stderr
	}
	data, err := readRosterInput(env, pos[0], progress)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	showProgress(progress, "roosterbestand controleren (%s MB)…", megabytes(int64(len(data))))
	res, err := rosterfile.Parse(f, bytes.NewReader(data))
	clearProgress(progress)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %s\n", prefix, mgz.ErrorMessage(err))
		return 2
	}
	what := "afspraken"
	if f == rosterfile.FormatCSV {
		what = "regels"
	}
	fmt.Fprintf(env.stderr, "%d %s gelezen, %d diensten, %d problemen.\n", res.Events, what, len(res.Shifts), len(res.Problems))
	if len(res.Problems) > 0 {
		for _, p := range res.Problems {
			fmt.Fprintf(env.stderr, "regel %d: %s\n", p.Line, p.Message)
		}
		fmt.Fprintln(env.stderr, "Niets geïmporteerd. Verbeter de genoemde regels en importeer het bestand opnieuw.")
		return 2
	}

	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{})
	showProgress(progress, "%d diensten opslaan in rooster %d…", len(res.Shifts), *rosterID)
	out, err := svc.ImportShifts(ctx, service.System(), *rosterID, rosterfile.Source(f), res.Shifts)
	clearProgress(progress)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(env.stderr, "%s: afgebroken. Niets geïmporteerd.\n", prefix)
			return 1
		}
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		fmt.Fprintln(env.stderr, "Niets geïmporteerd.")
		switch mgz.ErrorCode(err) {
		case mgz.ECodeInvalid, mgz.ECodeConflict, mgz.ECodeNotFound:
			return 2
		}
		return 1
	}
	fmt.Fprintf(env.stdout, "Rooster %d: %d toegevoegd, %d gewijzigd, %d verwijderd, %d ongewijzigd.\n",
		*rosterID, out.Added, out.Changed, out.Removed, out.Unchanged)
	return 0
}

// rosterReadChunk is how much of a roster file is read between two progress updates.
const rosterReadChunk = 64 << 10

// readRosterInput reads the roster file at path (standard input for "-") whole, showing on
// progress (nil: nowhere) how much of it has been read. A file larger than rosterfile.MaxBytes is
// read one byte past the limit, for rosterfile.Parse to refuse it with its own message.
func readRosterInput(env *environment, path string, progress io.Writer) ([]byte, error) {
	in, size, err := openImportInput(env, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	r := io.LimitReader(in, rosterfile.MaxBytes+1)
	var data []byte
	buf := make([]byte, rosterReadChunk)
	for {
		n, err := io.ReadFull(r, buf)
		data = append(data, buf[:n]...)
		if size > 0 {
			read := min(int64(len(data)), size)
			showProgress(progress, "roosterbestand inlezen: %s van %s MB (%d%%)…", megabytes(read), megabytes(size), read*100/size)
		} else {
			showProgress(progress, "roosterbestand inlezen: %s MB…", megabytes(int64(len(data))))
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return data, nil
		}
		if err != nil {
			clearProgress(progress)
			if path == "-" {
				return nil, fmt.Errorf("standaardinvoer lezen: %w", err)
			}
			return nil, fmt.Errorf("bestand %s lezen: %w", path, err)
		}
	}
}

// showProgress rewrites the progress line on w (nil: shows nothing).
func showProgress(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, "\r\033[K"+format, args...)
	}
}

// clearProgress wipes the progress line on w (nil: nothing to wipe).
func clearProgress(w io.Writer) {
	if w != nil {
		fmt.Fprint(w, "\r\033[K")
	}
}
