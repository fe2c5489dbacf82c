package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// mgz import reads a CSV file of one kind of record into the register. The command does what
// every kind shares (reading the file, checking the header, reporting bad rows, progress, the
// one transaction); an importKind knows its columns and how to check and write one row.
//
// The file is read as a stream: each row is checked and, when good, written at once inside the
// one transaction, which commits at the end or rolls back (a bad row without --skip-invalid, a
// dry run, an interrupt). Memory does not grow with the rows, only with what finding the same
// record twice needs (a few bytes per row) and the problems reported in full (at most maxProblems).

// importKind is one kind of record mgz import reads, such as "locations".
type importKind struct {
	name    string // on the command line: mgz import <name> FILE
	summary string // Dutch, one line for the usage text
	help    string // Dutch, the columns explained, for the usage text
	// columns lists every header name the kind knows, in the order problems are reported.
	columns []string
	// required columns must be in the header; of each oneOf group at least one; of each together
	// group all or none.
	required []string
	oneOf    [][]string
	together [][]string
	// atomic runs fn in one transaction of svc as actor: fn's batch checks and writes inside it,
	// and everything commits when fn returns nil, nothing otherwise.
	atomic func(ctx context.Context, svc *service.Service, actor mgz.Actor, fn func(importBatch) error) error
}

// importBatch checks and writes the rows of one file, one at a time, inside the import's
// transaction.
type importBatch interface {
	// check validates row r without writing and tells what importing it would do; problems name
	// the column (the header name) they are about. It remembers a good row for write. An error is
	// not the row's fault (the database failed) and ends the import.
	check(ctx context.Context, r csvRow) (importOutcome, []rowProblem, error)
	// write stores the row the last check found good and new or changed.
	write(ctx context.Context) error
	// flush stores what write may have held back (audit entries written in batches); it is
	// called once, after the last row.
	flush(ctx context.Context) error
}

// importOutcome is what importing a good row does.
type importOutcome int

const (
	importCreated importOutcome = iota
	importUpdated
	importUnchanged
)

// rowProblem is why one row cannot be imported. Column is "" for the row as a whole.
type rowProblem struct {
	line    int
	column  string
	message string
}

// importKinds lists the kinds mgz import reads. A new kind is one more entry here.
func importKinds() []importKind {
	return []importKind{locationImport(), patientImport()}
}

func importKindNames() string {
	var names []string
	for _, k := range importKinds() {
		names = append(names, k.name)
	}
	return strings.Join(names, ", ")
}

// progressEvery is how many rows pass between two progress updates on the terminal.
const progressEvery = 500

// maxProblems is how many problems an import keeps and reports in full; beyond it they are only
// counted, so a file of 340,000 bad rows does not fill memory or the terminal.
const maxProblems = 1000

func importUsage(w io.Writer) {
	fmt.Fprint(w, `Gebruik: mgz import <soort> <bestand.csv> [--db bestand|postgres://…] [--skip-invalid] [--dry-run]

Leest een CSV-bestand in het register. Met - als bestand leest mgz standaardinvoer.

Soorten:
`)
	for _, k := range importKinds() {
		fmt.Fprintf(w, "  %-10s %s\n", k.name, k.summary)
	}
	fmt.Fprintf(w, `
Het bestand is UTF-8 (in Excel: opslaan als "CSV UTF-8") en begint met een kopregel. De kolommen
staan in willekeurige volgorde, hoofdletters tellen niet, en worden gescheiden door komma's of
puntkomma's (mgz leest dat uit de kopregel). Een onbekende of ontbrekende kolom wordt geweigerd
voordat er een regel gelezen is.

mgz controleert elke regel en noemt elke fout als "regel N: kolom: reden" (de eerste %d fouten;
daarna telt mgz ze alleen). Heeft een regel een fout, dan wordt niets geïmporteerd, tenzij u
--skip-invalid geeft: dan worden alleen de goede regels geïmporteerd. Alles wordt in één
transactie opgeslagen, met een auditregel per wijziging; een onderbroken import (Ctrl-C) laat
niets half achter. Opnieuw importeren is veilig: wat al klopt blijft ongewijzigd. Op
standaarduitvoer komt "N nieuw, M bijgewerkt, K ongewijzigd, S overgeslagen".
`, maxProblems)
	for _, k := range importKinds() {
		fmt.Fprintf(w, "\n%s", k.help)
	}
	fmt.Fprint(w, `
Afsluitcode:
  0  geïmporteerd; met --skip-invalid ook als er regels zijn overgeslagen (ze staan op
     standaardfout), zolang er minstens één goede regel was
  1  het bestand of de database kon niet gelezen of geschreven worden; niets geïmporteerd
  2  fout in de opdracht, de kopregel of een regel (met --skip-invalid: in elke regel);
     niets geïmporteerd. Met --dry-run: 2 als er een fout is, anders 0

Opties:
`)
}

func runImport(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz import", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), "databasebestand (moet al bestaan) of PostgreSQL-adres postgres://gebruiker@server/database (MGZ_DB)")
	skipInvalid := fs.Bool("skip-invalid", false, "importeer de goede regels en sla regels met een fout over")
	dryRun := fs.Bool("dry-run", false, "controleer alles en toon wat er zou gebeuren, maar sla niets op")
	fs.Usage = func() {
		importUsage(env.stderr)
		fs.PrintDefaults()
	}
	pos, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		fs.Usage()
		return 2
	}
	var kind importKind
	for _, k := range importKinds() {
		if k.name == pos[0] {
			kind = k
		}
	}
	if kind.name == "" {
		fmt.Fprintf(env.stderr, "mgz import: onbekende soort %q. Kies uit: %s. Meer: mgz import -h\n", pos[0], importKindNames())
		return 2
	}
	prefix := "mgz import " + kind.name
	switch {
	case len(pos) < 2:
		fmt.Fprintf(env.stderr, "%s: geef het CSV-bestand, bijvoorbeeld: mgz import %s bestand.csv\n", prefix, kind.name)
		return 2
	case len(pos) > 2:
		fmt.Fprintf(env.stderr, "%s: onverwacht argument %q; geef één bestand per keer.\n", prefix, pos[2])
		return 2
	}

	input, size, err := openImportInput(env, pos[1])
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	defer input.Close()
	// The header is checked before the database is opened: a wrong header costs nothing.
	file, err := newImportReader(input, kind)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		if errors.As(err, new(*readError)) {
			return 1
		}
		return 2
	}

	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	defer db.Close()
	prepare := db.PrepareBulkImport
	if kind.name == "patients" {
		prepare = db.PreparePatientImport // checks the patients' references once, before it commits
	}
	if err := prepare(ctx); err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	svc := service.New(db.Store(), service.Config{})

	var progress *importProgress
	if isTerminal(env.stderr) {
		progress = &importProgress{w: env.stderr, size: size, read: file.bytesRead}
	}
	res, err := importRows(ctx, kind, svc, file, *skipInvalid, *dryRun, progress)
	if err != nil {
		progress.clear()
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			fmt.Fprintf(env.stderr, "%s: afgebroken. Niets geïmporteerd; start de import opnieuw.\n", prefix)
			return 1
		}
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		if errors.As(err, new(*utf8Error)) {
			fmt.Fprintln(env.stderr, "Niets geïmporteerd: de hele import is teruggedraaid.")
			return 2
		}
		fmt.Fprintln(env.stderr, "Niets geïmporteerd: de hele import is teruggedraaid. Verbeter de genoemde regel en probeer het opnieuw.")
		if errors.As(err, new(*readError)) {
			return 1
		}
		switch mgz.ErrorCode(err) {
		case mgz.ECodeInvalid, mgz.ECodeConflict, mgz.ECodeNotFound:
			return 2
		}
		return 1
	}
	return reportImport(env, res, *skipInvalid, *dryRun)
}

// importResult is what an import did, or with --dry-run would do.
type importResult struct {
	counts   [3]int       // good rows by importOutcome
	problems []rowProblem // the first maxProblems problems, by line
	unlisted int          // problems beyond those
	bad      int          // rows with a problem
	total    int          // rows after the header, readable or not, blank ones not counted
}

func (res *importResult) addProblems(ps []rowProblem) {
	res.bad++
	room := max(maxProblems-len(res.problems), 0)
	if len(ps) > room {
		res.unlisted += len(ps) - room
		ps = ps[:room]
	}
	res.problems = append(res.problems, ps...)
}

// importRows reads every row of file, checks it and, while the import can still succeed, writes
// it: all in one transaction, which commits whole, or not at all when a row was bad (without
// skipInvalid), on a dry run, or when ctx ends.
func importRows(ctx context.Context, kind importKind, svc *service.Service, file *importReader, skipInvalid, dryRun bool, progress *importProgress) (importResult, error) {
	errNoWrite := errors.New("import: nothing to write")
	var res importResult
	err := kind.atomic(ctx, svc, service.System(), func(b importBatch) error {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, unreadable, err := file.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			res.total = file.total
			progress.show(res.total)
			if unreadable != nil {
				res.addProblems([]rowProblem{*unreadable})
				continue
			}
			outcome, ps, err := b.check(ctx, r)
			if err != nil {
				return err
			}
			if len(ps) > 0 {
				sortProblems(ps, kind.columns)
				res.addProblems(ps)
				continue
			}
			res.counts[outcome]++
			// After a bad row without --skip-invalid nothing will be committed: the rest is only
			// checked, to report every bad row at once.
			if outcome != importUnchanged && (res.bad == 0 || skipInvalid) {
				if err := b.write(ctx); err != nil {
					return fmt.Errorf("regel %d: %w", r.line, err)
				}
			}
		}
		res.total = file.total
		progress.clear()
		if err := b.flush(ctx); err != nil {
			return err
		}
		if dryRun || (res.bad > 0 && !skipInvalid) || (res.bad > 0 && res.bad == res.total) {
			return errNoWrite
		}
		return nil
	})
	if errors.Is(err, errNoWrite) {
		err = nil
	}
	return res, err
}

// reportImport prints each bad row and the summary, and returns the exit status.
func reportImport(env *environment, res importResult, skipInvalid, dryRun bool) int {
	counts, bad, total := res.counts, res.bad, res.total
	for _, p := range res.problems {
		if p.column == "" {
			fmt.Fprintf(env.stderr, "regel %d: %s\n", p.line, p.message)
		} else {
			fmt.Fprintf(env.stderr, "regel %d: %s: %s\n", p.line, p.column, p.message)
		}
	}
	if res.unlisted > 0 {
		fmt.Fprintf(env.stderr, "… en nog %d fouten die hier niet genoemd zijn: mgz noemt alleen de eerste %d. Verbeter deze eerst en importeer opnieuw om de volgende te zien.\n", res.unlisted, maxProblems)
	}
	good := total - bad
	if bad > 0 && !skipInvalid {
		verb := "hebben"
		if bad == 1 {
			verb = "heeft"
		}
		fmt.Fprintf(env.stderr, "Niets geïmporteerd: %d van %d regels %s een fout. Verbeter ze, of gebruik --skip-invalid om alleen de goede regels te importeren.\n", bad, total, verb)
		return 2
	}
	if bad > 0 && good == 0 {
		fmt.Fprintf(env.stderr, "Niets geïmporteerd: alle %d regels hebben een fout. Verbeter ze en probeer het opnieuw.\n", total)
		return 2
	}
	fmt.Fprintf(env.stdout, "%d nieuw, %d bijgewerkt, %d ongewijzigd, %d overgeslagen\n",
		counts[importCreated], counts[importUpdated], counts[importUnchanged], bad)
	if bad > 0 {
		what := fmt.Sprintf("%d regels met een fout zijn", bad)
		if bad == 1 {
			what = "1 regel met een fout is"
		}
		fmt.Fprintf(env.stderr, "%s overgeslagen. Verbeter de fouten en importeer het bestand opnieuw; de goede regels blijven dan ongewijzigd.\n", what)
	}
	if dryRun {
		fmt.Fprintln(env.stderr, "Proefdraai (--dry-run): er is niets opgeslagen. Draai de opdracht zonder --dry-run om te importeren.")
	} else if total == 0 {
		fmt.Fprintln(env.stderr, "Het bestand heeft alleen een kopregel: er was niets te importeren.")
	}
	return 0
}

// parseInterspersed parses flags that may stand before, between or after the positional
// arguments ("mgz import locations file.csv --dry-run"), and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), 0, true
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// openImportInput opens the file at path, or standard input for "-", and returns its size (0
// when unknown).
func openImportInput(env *environment, path string) (io.ReadCloser, int64, error) {
	if path == "-" {
		return io.NopCloser(env.stdin), 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, fmt.Errorf("bestand %s niet gevonden. Controleer de naam en de map.", path)
		}
		return nil, 0, fmt.Errorf("bestand %s lezen: %w", path, err)
	}
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// readImportInput reads the whole file at path, or standard input for "-": for small files that
// are parsed whole (mgz roster import).
func readImportInput(env *environment, path string) ([]byte, error) {
	in, _, err := openImportInput(env, path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	data, err := io.ReadAll(in)
	if err != nil {
		if path == "-" {
			return nil, fmt.Errorf("standaardinvoer lezen: %w", err)
		}
		return nil, fmt.Errorf("bestand %s lezen: %w", path, err)
	}
	return data, nil
}

// importProgress shows on the terminal how far the import is: the rows read and, for a file,
// the share of its bytes. A nil *importProgress shows nothing.
type importProgress struct {
	w    io.Writer
	size int64        // 0 when unknown (standard input)
	read func() int64 // bytes read so far
}

func (p *importProgress) show(rows int) {
	if p == nil || rows%progressEvery != 0 {
		return
	}
	if p.size > 0 {
		read := min(p.read(), p.size)
		fmt.Fprintf(p.w, "\rimporteren: %d regels, %s van %s MB (%d%%)…", rows, megabytes(read), megabytes(p.size), read*100/p.size)
		return
	}
	fmt.Fprintf(p.w, "\rimporteren: %d regels…", rows)
}

// megabytes writes n bytes in MB with one decimal, as Dutch writes it: 14,9.
func megabytes(n int64) string {
	return strings.Replace(strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64), ".", ",", 1)
}

func (p *importProgress) clear() {
	if p != nil {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// sortProblems orders the problems of one row by the kind's column order.
func sortProblems(ps []rowProblem, columns []string) {
	slices.SortStableFunc(ps, func(a, b rowProblem) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return slices.Index(columns, a.column) - slices.Index(columns, b.column)
	})
}

// csvRow is one row of an import file.
type csvRow struct {
	line    int
	fields  []string
	columns map[string]int // header name → field index, shared by all rows of a file
}

// has reports whether the file has the column: an absent optional column leaves a value as it is,
// an empty cell clears it.
func (r csvRow) has(column string) bool {
	_, ok := r.columns[column]
	return ok
}

// value returns the row's value in column, trimmed; "" when the file lacks the column.
func (r csvRow) value(column string) string {
	i, ok := r.columns[column]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// importReader reads a CSV file for a kind, one row at a time: UTF-8 with an optional byte order
// mark, a header row whose separator (comma or semicolon) decides the file's, columns by header
// name.
type importReader struct {
	cr      *csv.Reader
	header  []string
	columns map[string]int
	sep     rune
	total   int // rows read after the header, readable or not, blank ones not counted
	counted *countingReader
}

// bytesRead is how much of the input has been read (a little ahead of the rows returned).
func (f *importReader) bytesRead() int64 { return f.counted.n }

// newImportReader reads and checks the header of the file in r. A header with unknown or missing
// columns is refused before any row is read.
func newImportReader(r io.Reader, kind importKind) (*importReader, error) {
	counted := &countingReader{r: r}
	br := bufio.NewReaderSize(&utf8Reader{r: counted, line: 1}, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
	}
	// The separator is the one the header uses most; a header longer than the buffer is read
	// as far as the buffer goes.
	head, _ := br.Peek(br.Size())
	first, _, _ := bytes.Cut(head, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // a row with too few fields is reported as that row's problem
	header, err := cr.Read()
	if err := inputError(err); err != nil {
		return nil, err
	}
	if errors.Is(err, io.EOF) {
		return nil, errors.New("het bestand is leeg. De eerste regel moet de kopregel zijn met de namen van de kolommen; zie mgz import -h.")
	}
	if err != nil {
		return nil, fmt.Errorf("de kopregel kan niet gelezen worden: %s", csvProblem(err))
	}
	// Trailing separators after the last column give empty names: ignore those.
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	columns, err := checkHeader(header, kind)
	if err != nil {
		return nil, err
	}
	return &importReader{cr: cr, header: header, columns: columns, sep: sep, counted: counted}, nil
}

// next returns the next row of the file, or the problem that makes it unreadable, or io.EOF after
// the last one. Any other error ends the import: the input could not be read, or it is not UTF-8.
func (f *importReader) next() (csvRow, *rowProblem, error) {
	for {
		fields, err := f.cr.Read()
		if errors.Is(err, io.EOF) {
			return csvRow{}, nil, io.EOF
		}
		if err := inputError(err); err != nil {
			return csvRow{}, nil, err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader goes on after the broken record, so every bad row is still reported.
			f.total++
			return csvRow{}, &rowProblem{line: pe.StartLine, message: csvProblem(err)}, nil
		}
		if err != nil {
			return csvRow{}, nil, &readError{err}
		}
		if blank(fields) {
			continue // spreadsheets leave rows of empty cells at the end
		}
		f.total++
		line, _ := f.cr.FieldPos(0)
		if len(fields) < len(f.header) || !blank(fields[min(len(f.header), len(fields)):]) {
			return csvRow{}, &rowProblem{line: line, message: fmt.Sprintf(
				"Deze regel heeft %d velden, de kopregel %d. Controleer de scheidingstekens (%q) en de aanhalingstekens in deze regel.",
				len(fields), len(f.header), f.sep)}, nil
		}
		return csvRow{line: line, fields: fields, columns: f.columns}, nil, nil
	}
}

// inputError returns err when it is the input's fault rather than one record's: not UTF-8, or
// not readable at all; nil otherwise.
func inputError(err error) error {
	var ue *utf8Error
	if errors.As(err, &ue) {
		return ue
	}
	var re *readError
	if errors.As(err, &re) {
		return re
	}
	return nil
}

// readError is an input that could not be read.
type readError struct{ err error }

func (e *readError) Error() string { return "het bestand lezen: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &readError{err}
	}
	return n, err
}

// utf8Error is an input with bytes that are not UTF-8, on line.
type utf8Error struct{ line int }

func (e *utf8Error) Error() string {
	return fmt.Sprintf("regel %d bevat tekens die geen UTF-8 zijn. Sla het bestand op als UTF-8 (in Excel: \"CSV UTF-8\") en probeer het opnieuw.", e.line)
}

// utf8Reader passes its input on up to the first byte that is not UTF-8, then fails with the
// line of that byte. A character cut in two by a read is held back until the rest has come.
type utf8Reader struct {
	r    io.Reader
	line int    // the line of the next byte
	tail []byte // the start of a character cut off at the end of the last read
	err  error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if len(p) < utf8.UTFMax {
		// Too small to hold a whole character: read through a buffer of our own.
		var buf [utf8.UTFMax]byte
		n, err := u.Read(buf[:])
		if n > len(p) {
			u.tail = append(append([]byte(nil), buf[len(p):n]...), u.tail...)
			n = len(p)
		}
		copy(p, buf[:n])
		return n, err
	}
	n := copy(p, u.tail)
	u.tail = u.tail[:0]
	m, err := u.r.Read(p[n:])
	n += m
	end := n
	if err == nil {
		// Hold back a character whose last bytes are still to come.
		for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
			if p[i]&0xC0 != 0x80 { // the first byte of a character
				if !utf8.FullRune(p[i:n]) {
					end = i
				}
				break
			}
		}
	}
	for i := 0; i < end; {
		c := p[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				u.line++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:end])
		if r == utf8.RuneError && size == 1 {
			u.err = &utf8Error{line: u.line}
			if i == 0 {
				return 0, u.err
			}
			return i, nil
		}
		i += size
	}
	u.tail = append(u.tail, p[end:n]...)
	return end, err
}

// checkHeader returns the index of every column of header, or an error naming each unknown,
// doubled and missing column.
func checkHeader(header []string, kind importKind) (map[string]int, error) {
	columns := make(map[string]int, len(header))
	var problems []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			problems = append(problems, fmt.Sprintf("kolom %d heeft geen naam: geef hem een naam of haal de kolom weg", i+1))
		case !slices.Contains(kind.columns, name):
			problems = append(problems, fmt.Sprintf("onbekende kolom %q", strings.TrimSpace(h)))
		case hasKey(columns, name):
			problems = append(problems, fmt.Sprintf("kolom %s staat er twee keer in", name))
		default:
			columns[name] = i
		}
	}
	for _, c := range kind.required {
		if !hasKey(columns, c) {
			problems = append(problems, "ontbrekende kolom "+c)
		}
	}
	for _, group := range kind.oneOf {
		if !slices.ContainsFunc(group, func(c string) bool { return hasKey(columns, c) }) {
			problems = append(problems, "ontbrekende kolom: "+strings.Join(group, " of "))
		}
	}
	for _, group := range kind.together {
		if slices.ContainsFunc(group, func(c string) bool { return hasKey(columns, c) }) {
			for _, c := range group {
				if !hasKey(columns, c) {
					problems = append(problems, fmt.Sprintf("ontbrekende kolom %s: de kolommen %s horen bij elkaar", c, strings.Join(group, " en ")))
				}
			}
		}
	}
	if len(problems) == 0 {
		return columns, nil
	}
	return nil, fmt.Errorf("de kopregel klopt niet, er is niets gelezen:\n  %s\nDe kolommen van %s zijn: %s. Verbeter de kopregel; zie mgz import -h",
		strings.Join(problems, "\n  "), kind.name, strings.Join(kind.columns, ", "))
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvProblem says in Dutch what is wrong with a record the CSV reader refused.
func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `Er staat een " midden in een veld. Zet het hele veld tussen aanhalingstekens en schrijf de " erin dubbel ("").`
	case errors.Is(err, csv.ErrQuote):
		return `De aanhalingstekens in deze regel kloppen niet: een veld tussen aanhalingstekens eindigt direct na de sluitende ", en een " in het veld schrijft u dubbel ("").`
	}
	return err.Error()
}

// ---- locations ----

func locationImport() importKind {
	return importKind{
		name:    "locations",
		summary: "locaties van zorgaanbieders (dezelfde locatie: zelfde zorgaanbieder, naam en postcode)",
		help: `Locaties (mgz import locations), één locatie per regel:
  provider_agb of provider_kvk  AGB-code of KvK-nummer van de zorgaanbieder; één van beide is genoeg
  name, address, postcode, municipality   naam, adres, postcode en gemeente van de locatie
  setting      clustered_housing of institution
  sector       elderly of disability
  deliveries   leveringsvormen, gescheiden door | of spaties: stay_with_treatment,
               stay_without_treatment, vpt, mpt, pgb
  places       aantal plaatsen (0 als u het niet weet)
  fixed_gp_agb           (kolom mag ontbreken) AGB-code van de vaste huisartsenpraktijk
  physician_service_agb  (kolom mag ontbreken) AGB-code van de SO/AVG-dienst
Een locatie met dezelfde zorgaanbieder, naam (hoofdletters tellen niet) en postcode als een
bestaande wordt bijgewerkt. Een lege cel in fixed_gp_agb of physician_service_agb wist de praktijk
of dienst; zonder die kolom blijft hij zoals hij is. Voorbeeld:
  provider_agb;name;address;postcode;municipality;setting;sector;deliveries;places;fixed_gp_agb
  73990031;Woonzorg De Linde;Lindelaan 4;9901 AB;Voorbeeldstad;clustered_housing;elderly;vpt|mpt;18;01990011
`,
		columns: []string{"provider_agb", "provider_kvk", "name", "address", "postcode", "municipality",
			"setting", "sector", "deliveries", "places", "fixed_gp_agb", "physician_service_agb"},
		required: []string{"name", "address", "postcode", "municipality", "setting", "sector", "deliveries", "places"},
		oneOf:    [][]string{{"provider_agb", "provider_kvk"}},
		atomic: func(ctx context.Context, svc *service.Service, actor mgz.Actor, fn func(importBatch) error) error {
			return svc.Register(actor).Atomic(ctx, func(reg mgz.RegisterService) error {
				b, err := loadLocationBatch(ctx, reg)
				if err != nil {
					return err
				}
				return fn(b)
			})
		},
	}
}

// locationKey identifies a location for an import: the same provider, name (trimmed, any case)
// and postcode is the same location.
type locationKey struct {
	provider       int64
	name, postcode string
}

func keyOf(l mgz.Location) locationKey {
	return locationKey{l.ProviderID, strings.ToLower(strings.TrimSpace(l.Name)), l.Postcode}
}

// locationBatch imports locations. It reads the organisations and locations once, so checking a
// row costs no query.
type locationBatch struct {
	reg      mgz.RegisterService // the import's transaction
	byAGB    map[string]mgz.Organisation
	byKvK    map[string][]mgz.Organisation
	existing map[locationKey][]mgz.Location
	seen     map[locationKey]int // the line that named a location first
	next     mgz.Location        // the last good row, for write: with the ID it updates, 0 for a new one
}

func loadLocationBatch(ctx context.Context, reg mgz.RegisterService) (*locationBatch, error) {
	orgs, err := allPages(func(p mgz.Page) ([]mgz.Organisation, int, error) {
		return reg.Organisations(ctx, mgz.OrganisationFilter{Page: p})
	})
	if err != nil {
		return nil, fmt.Errorf("organisaties lezen: %w", err)
	}
	locs, err := allPages(func(p mgz.Page) ([]mgz.Location, int, error) {
		return reg.Locations(ctx, mgz.LocationFilter{Page: p})
	})
	if err != nil {
		return nil, fmt.Errorf("locaties lezen: %w", err)
	}
	b := &locationBatch{reg: reg, byAGB: map[string]mgz.Organisation{}, byKvK: map[string][]mgz.Organisation{},
		existing: make(map[locationKey][]mgz.Location, len(locs)), seen: map[locationKey]int{}}
	for _, o := range orgs {
		if o.AGB != "" {
			b.byAGB[o.AGB] = o
		}
		b.byKvK[o.KvK] = append(b.byKvK[o.KvK], o)
	}
	for _, l := range locs {
		b.existing[keyOf(l)] = append(b.existing[keyOf(l)], l)
	}
	return b, nil
}

// allPages reads every page of a list, for the few lists an import needs whole.
func allPages[T any](list func(mgz.Page) ([]T, int, error)) ([]T, error) {
	var all []T
	for {
		page, total, err := list(mgz.Page{Limit: mgz.MaxLimit, Offset: len(all)})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// rowProblems collects the problems of one row, the first one per column.
type rowProblems struct {
	line int
	list []rowProblem
}

func (p *rowProblems) add(column, message string) {
	for _, q := range p.list {
		if q.column == column {
			return
		}
	}
	p.list = append(p.list, rowProblem{line: p.line, column: column, message: message})
}

func (b *locationBatch) check(ctx context.Context, r csvRow) (importOutcome, []rowProblem, error) {
	p := &rowProblems{line: r.line}
	l := mgz.Location{
		Name:         r.value("name"),
		Address:      r.value("address"),
		Postcode:     r.value("postcode"),
		Municipality: r.value("municipality"),
		Setting:      mgz.Setting(strings.ToLower(r.value("setting"))),
		Sector:       mgz.Sector(strings.ToLower(r.value("sector"))),
		Deliveries:   parseDeliveries(r.value("deliveries")),
	}
	providerColumn := "provider_agb"
	if !r.has(providerColumn) {
		providerColumn = "provider_kvk"
	}
	l.ProviderID = b.provider(r, p)
	if v := r.value("places"); v == "" {
		p.add("places", "Aantal plaatsen ontbreekt. Vul een heel getal in, 0 als u het niet weet.")
	} else if n, err := strconv.Atoi(v); err != nil {
		p.add("places", fmt.Sprintf("“%s” is geen heel getal. Vul het aantal plaatsen in, bijvoorbeeld 24 (0 als u het niet weet).", v))
	} else {
		l.Places = n
	}
	l.FixedGPPracticeID = b.reference(r, p, "fixed_gp_agb", mgz.KindGPPractice)
	l.PhysicianServiceID = b.reference(r, p, "physician_service_agb", mgz.KindPhysicianService)

	if err := l.Normalise(); err != nil {
		var e *mgz.Error
		if !errors.As(err, &e) {
			return 0, []rowProblem{{line: r.line, message: err.Error()}}, nil
		}
		for _, f := range e.FieldNames() {
			switch f {
			case "provider_id":
				p.add(providerColumn, e.Fields[f])
			case "fixed_gp_practice_id":
				p.add("fixed_gp_agb", e.Fields[f])
			case "physician_service_id":
				p.add("physician_service_agb", e.Fields[f])
			default:
				p.add(f, e.Fields[f])
			}
		}
	}

	// The identity needs a known provider, a name and a valid postcode.
	if l.ProviderID != 0 && !slices.ContainsFunc(p.list, func(q rowProblem) bool { return q.column == "name" || q.column == "postcode" }) {
		key := keyOf(l)
		if first, ok := b.seen[key]; ok {
			p.add("name", fmt.Sprintf("Deze locatie (zelfde zorgaanbieder, naam en postcode) staat al op regel %d. Haal een van beide regels weg of voeg ze samen.", first))
		} else {
			b.seen[key] = r.line
		}
		switch old := b.existing[key]; {
		case len(old) > 1:
			ids := make([]string, len(old))
			for i, o := range old {
				ids[i] = strconv.FormatInt(o.ID, 10)
			}
			p.add("name", fmt.Sprintf("In het register staan al %d locaties van deze zorgaanbieder met deze naam en postcode (nummers %s); mgz weet niet welke bij te werken. Geef ze op de website verschillende namen en importeer opnieuw.",
				len(old), strings.Join(ids, ", ")))
		case len(old) == 1:
			l.ID = old[0].ID
			// An absent optional column leaves the location's value as it is.
			if !r.has("fixed_gp_agb") {
				l.FixedGPPracticeID = old[0].FixedGPPracticeID
			}
			if !r.has("physician_service_agb") {
				l.PhysicianServiceID = old[0].PhysicianServiceID
			}
		}
	}
	if len(p.list) > 0 {
		return 0, p.list, nil
	}
	b.next = l
	if l.ID == 0 {
		return importCreated, nil, nil
	}
	if sameLocation(l, b.existing[keyOf(l)][0]) {
		return importUnchanged, nil, nil
	}
	return importUpdated, nil, nil
}

// provider returns the id of the row's care provider, by AGB code or KvK number, or 0 after
// adding a problem.
func (b *locationBatch) provider(r csvRow, p *rowProblems) int64 {
	agb, kvk := r.value("provider_agb"), r.value("provider_kvk")
	if agb == "" && kvk == "" {
		column := "provider_agb"
		if !r.has(column) {
			column = "provider_kvk"
		}
		p.add(column, "De zorgaanbieder ontbreekt. Vul de AGB-code (provider_agb) of het KvK-nummer (provider_kvk) van de zorgaanbieder in.")
		return 0
	}
	if agb != "" {
		o, ok := b.organisation(p, "provider_agb", agb, mgz.KindCareProvider)
		if !ok {
			return 0
		}
		if n, _ := mgz.NormaliseKvK(kvk); kvk != "" && n != o.KvK {
			p.add("provider_kvk", fmt.Sprintf("KvK-nummer %s hoort niet bij %s (AGB-code %s, KvK-nummer %s). Verbeter een van beide, of laat provider_kvk leeg.", n, o.Name, o.AGB, o.KvK))
			return 0
		}
		return o.ID
	}
	n, ok := mgz.NormaliseKvK(kvk)
	if !ok {
		p.add("provider_kvk", fmt.Sprintf("KvK-nummer “%s” klopt niet: een KvK-nummer bestaat uit 8 cijfers, bijvoorbeeld 12345678.%s", kvk, leadingZeroHint(n)))
		return 0
	}
	var providers []mgz.Organisation
	for _, o := range b.byKvK[n] {
		if o.Kind == mgz.KindCareProvider {
			providers = append(providers, o)
		}
	}
	switch {
	case len(providers) == 1:
		return providers[0].ID
	case len(providers) > 1:
		p.add("provider_kvk", fmt.Sprintf("KvK-nummer %s hoort bij %d zorgaanbieders. Gebruik de kolom provider_agb om te kiezen.", n, len(providers)))
	case len(b.byKvK[n]) > 0:
		o := b.byKvK[n][0]
		p.add("provider_kvk", fmt.Sprintf("KvK-nummer %s hoort bij %s, een %s, geen zorgaanbieder. Gebruik het KvK-nummer of de AGB-code van de zorgaanbieder.", n, o.Name, kindName(o.Kind)))
	default:
		p.add("provider_kvk", fmt.Sprintf("Er staat geen zorgaanbieder met KvK-nummer %s in het register. Controleer het nummer, of voeg de zorgaanbieder eerst toe op de website.", n))
	}
	return 0
}

// reference returns the id of the organisation of kind whose AGB code is in column: nil for an
// empty cell or an absent column, nil after adding a problem.
func (b *locationBatch) reference(r csvRow, p *rowProblems, column string, kind mgz.OrgKind) *int64 {
	v := r.value(column)
	if v == "" {
		return nil
	}
	o, ok := b.organisation(p, column, v, kind)
	if !ok {
		return nil
	}
	return &o.ID
}

// organisation finds the organisation of kind with AGB code v, or adds a problem on column.
func (b *locationBatch) organisation(p *rowProblems, column, v string, kind mgz.OrgKind) (mgz.Organisation, bool) {
	return findOrganisation(b.byAGB, p, column, v, kind)
}

// findOrganisation finds the organisation with AGB code v in byAGB, of one of kinds, or adds a
// problem on column.
func findOrganisation(byAGB map[string]mgz.Organisation, p *rowProblems, column, v string, kinds ...mgz.OrgKind) (mgz.Organisation, bool) {
	agb, ok := mgz.NormaliseAGB(v)
	if !ok {
		p.add(column, fmt.Sprintf("AGB-code “%s” klopt niet: een AGB-code bestaat uit 8 cijfers, bijvoorbeeld 01234567.%s", v, leadingZeroHint(agb)))
		return mgz.Organisation{}, false
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = kindName(k)
	}
	what := names[len(names)-1]
	if len(names) > 1 {
		what = strings.Join(names[:len(names)-1], ", ") + " of " + what
	}
	o, ok := byAGB[agb]
	switch {
	case !ok:
		p.add(column, fmt.Sprintf("Er staat geen organisatie met AGB-code %s in het register. Controleer de code, of voeg de %s eerst toe op de website.", agb, what))
		return o, false
	case !slices.Contains(kinds, o.Kind):
		p.add(column, fmt.Sprintf("AGB-code %s hoort bij %s, een %s, geen %s. Gebruik de AGB-code van de %s.", agb, o.Name, kindName(o.Kind), what, what))
		return o, false
	}
	return o, true
}

// leadingZeroHint explains a code of 7 digits: spreadsheets drop the leading 0 of a number.
func leadingZeroHint(digits string) string {
	if len(digits) == 7 && strings.Trim(digits, "0123456789") == "" {
		return " Heeft Excel de 0 vooraan weggelaten? Maak de kolom in Excel tekst, of zet de 0 ervoor."
	}
	return ""
}

// kindName is the kind's Dutch name inside a sentence: "zorgaanbieder", but "SO/AVG-dienst".
func kindName(k mgz.OrgKind) string {
	s := k.Label()
	r := []rune(s)
	if len(r) > 1 && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

func parseDeliveries(v string) []mgz.Delivery {
	var ds []mgz.Delivery
	for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == '|' || r == ',' || unicode.IsSpace(r) }) {
		ds = append(ds, mgz.Delivery(f))
	}
	return ds
}

// sameLocation reports whether importing a would change nothing of the stored location b.
func sameLocation(a, b mgz.Location) bool {
	da, db := slices.Clone(a.Deliveries), slices.Clone(b.Deliveries)
	slices.Sort(da)
	slices.Sort(db)
	return a.ProviderID == b.ProviderID && a.Name == b.Name && a.Address == b.Address && a.Postcode == b.Postcode &&
		a.Municipality == b.Municipality && a.Setting == b.Setting && a.Sector == b.Sector && a.Places == b.Places &&
		slices.Equal(da, db) && sameID(a.FixedGPPracticeID, b.FixedGPPracticeID) && sameID(a.PhysicianServiceID, b.PhysicianServiceID)
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func (b *locationBatch) write(ctx context.Context) error {
	if b.next.ID == 0 {
		return b.reg.CreateLocation(ctx, &b.next)
	}
	return b.reg.UpdateLocation(ctx, &b.next)
}

// flush has nothing to do: the register service writes each location's audit entry with it.
func (b *locationBatch) flush(context.Context) error { return nil }

// ---- patients ----

func patientImport() importKind {
	return importKind{
		name:    "patients",
		summary: "cliënten (dezelfde cliënt: zelfde BSN, of zonder BSN zelfde naam, geboortedatum en woonplek)",
		help: `Cliënten (mgz import patients), één cliënt per regel:
  name                naam van de cliënt
  birth_date          geboortedatum, als jjjj-mm-dd of dd-mm-jjjj
  bsn                 (kolom mag ontbreken) burgerservicenummer; moet voldoen aan de elfproef
  provider_agb en location_name
                      AGB-code van de zorgaanbieder en naam van de locatie waar de cliënt woont of
                      verblijft, zoals in het register (hoofdletters tellen niet)
  home_postcode       of: de postcode van het huisadres, als de cliënt thuis woont
  sector              elderly of disability
  wlz                 none, without_treatment of with_treatment, zoals de VECOZO
                      Wlz-raadpleegfunctie of het CIZ aangeeft
  wlz_source          vecozo, ciz of other; verplicht bij een Wlz-indicatie
  wlz_checked_on      datum waarop de Wlz-indicatie is opgezocht; verplicht bij een Wlz-indicatie
  delivery            stay_with_treatment, stay_without_treatment, vpt, mpt of pgb; leeg bij none
  gp_practice_agb     (kolom mag ontbreken) AGB-code van de praktijk waar de cliënt op naam staat
  lead_physician      (kolom mag ontbreken) regiebehandelaar: gp, elderly_care_physician of id_physician
  lead_physician_agb  (kolom mag ontbreken) AGB-code van de organisatie van de regiebehandelaar
Een cliënt die al in mgz staat, wordt bijgewerkt. mgz herkent hem aan het BSN; zonder BSN aan
dezelfde naam (hoofdletters tellen niet), geboortedatum en woonplek (locatie of postcode van het
huisadres). Een BSN dat nog niet in mgz staat, wordt zo bij een cliënt zonder BSN ingevuld. Een
lege bsn-cel wist nooit een bekend BSN. Een lege cel in gp_practice_agb, lead_physician of
lead_physician_agb wist de waarde; zonder die kolom blijft hij zoals hij is. De import kan een
cliënt naar een andere locatie verhuizen.
De praktijk in gp_practice_agb wordt overgenomen zoals hij in het bestand staat: zo laadt de
beheerder van een regio de inschrijvingen op naam die er al zijn. Er wordt dan geen inschrijving
met toestemming of controle van de randvoorwaarden vastgelegd; dat doet een praktijk op de website.
Elke nieuwe of bijgewerkte cliënt krijgt een auditregel met de reden "import". Meldingen noemen
nooit het BSN of de naam van een cliënt, alleen de regel en de kolom. Voorbeeld:
  name;birth_date;bsn;provider_agb;location_name;home_postcode;sector;wlz;wlz_source;wlz_checked_on;delivery;gp_practice_agb
  A. de Vries;14-05-1938;123456782;73990031;Woonzorg De Linde;;elderly;without_treatment;vecozo;2025-03-01;vpt;01990011
  B. Jansen;1941-02-03;;;;9901 AB;elderly;none;;;;01990011
`,
		columns:  patientColumns,
		required: []string{"name", "birth_date", "sector", "wlz", "wlz_source", "wlz_checked_on", "delivery"},
		oneOf:    [][]string{{"location_name", "home_postcode"}},
		together: [][]string{{"provider_agb", "location_name"}},
		atomic: func(ctx context.Context, svc *service.Service, actor mgz.Actor, fn func(importBatch) error) error {
			return svc.ImportPatients(ctx, actor, func(imp *service.PatientImport) error {
				return fn(newPatientBatch(imp, svc.Today()))
			})
		},
	}
}

// patientColumns are the columns of mgz import patients, in the order problems are reported. Most
// are named as the fields of mgz.Patient; the organisations and the location are found by AGB code.
var patientColumns = []string{"name", "birth_date", "bsn", "provider_agb", "location_name", "home_postcode", "sector", "wlz",
	"wlz_source", "wlz_checked_on", "delivery", "gp_practice_agb", "lead_physician", "lead_physician_agb"}

// locationName identifies a location for a patient import: its provider and its name, in any case
// and spacing.
type locationName struct {
	provider int64
	name     string
}

func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// patientBatch imports patients. It turns a row into an mgz.Patient with the organisations and
// locations the service read once, and leaves the rest of the checking and the writing to the
// service's import.
type patientBatch struct {
	imp       *service.PatientImport
	today     time.Time
	byAGB     map[string]mgz.Organisation
	locations map[locationName][]mgz.Location
}

func newPatientBatch(imp *service.PatientImport, today time.Time) *patientBatch {
	b := &patientBatch{imp: imp, today: today, byAGB: map[string]mgz.Organisation{}, locations: map[locationName][]mgz.Location{}}
	for _, o := range imp.Organisations() {
		if o.AGB != "" {
			b.byAGB[o.AGB] = o
		}
	}
	for _, l := range imp.Locations() {
		k := locationName{l.ProviderID, foldName(l.Name)}
		b.locations[k] = append(b.locations[k], l)
	}
	return b
}

var importOutcomes = [...]importOutcome{service.ImportCreated: importCreated, service.ImportUpdated: importUpdated, service.ImportUnchanged: importUnchanged}

func (b *patientBatch) check(ctx context.Context, r csvRow) (importOutcome, []rowProblem, error) {
	p := &rowProblems{line: r.line}
	pat := mgz.Patient{
		Name:          r.value("name"),
		BSN:           r.value("bsn"),
		HomePostcode:  r.value("home_postcode"),
		Sector:        mgz.Sector(strings.ToLower(r.value("sector"))),
		Wlz:           mgz.WlzIndication(strings.ToLower(r.value("wlz"))),
		WlzSource:     mgz.WlzSource(strings.ToLower(r.value("wlz_source"))),
		Delivery:      mgz.Delivery(strings.ToLower(r.value("delivery"))),
		LeadPhysician: mgz.LeadPhysician(strings.ToLower(r.value("lead_physician"))),
	}
	pat.BirthDate = importDate(r, p, "birth_date", "De geboortedatum")
	pat.WlzCheckedOn = importDate(r, p, "wlz_checked_on", "De datum van raadpleging")
	var placeKnown bool
	pat.LocationID, placeKnown = b.location(r, p)
	pat.GPPracticeID = b.reference(r, p, "gp_practice_agb", mgz.KindGPPractice)
	pat.LeadPhysicianOrgID = b.reference(r, p, "lead_physician_agb", mgz.KindGPPractice, mgz.KindPhysicianService, mgz.KindCareProvider)

	if len(p.list) > 0 {
		// Name the row's other problems too, without the register. Where the client lives is
		// unknown when the location was not found: that is no second problem.
		if !placeKnown {
			pat.HomePostcode = ""
		}
		if err := pat.Normalise(b.today); err != nil {
			addPatientProblems(r, p, err, placeKnown)
		}
		return 0, p.list, nil
	}

	// An absent optional column leaves the stored patient's value as it is.
	var keep []string
	for column, field := range map[string]string{"gp_practice_agb": service.KeepGPPractice,
		"lead_physician": service.KeepLeadPhysician, "lead_physician_agb": service.KeepLeadPhysicianOrg} {
		if !r.has(column) {
			keep = append(keep, field)
		}
	}
	outcome, err := b.imp.Check(ctx, r.line, pat, keep...)
	if err != nil {
		if mgz.ErrorCode(err) != mgz.ECodeInvalid {
			return 0, nil, err
		}
		addPatientProblems(r, p, err, true)
		return 0, p.list, nil
	}
	return importOutcomes[outcome], nil, nil
}

// addPatientProblems adds the field problems of err (an *mgz.Error of the service or of
// mgz.Patient.Normalise) to p, each on the column it came from.
func addPatientProblems(r csvRow, p *rowProblems, err error, placeKnown bool) {
	var e *mgz.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		p.add("", mgz.ErrorMessage(err))
		return
	}
	for _, f := range e.FieldNames() {
		column := f
		switch f {
		case "location_id":
			if !placeKnown {
				continue
			}
			column = "home_postcode"
			if r.has("location_name") {
				column = "location_name"
			}
		case "gp_practice_id":
			column = "gp_practice_agb"
		case "lead_physician_org_id":
			column = "lead_physician_agb"
		}
		if !slices.Contains(patientColumns, column) || !r.has(column) {
			column = ""
		}
		p.add(column, e.Fields[f])
	}
}

// importDate reads the date in column as jjjj-mm-dd or dd-mm-jjjj (also with / or . between), or
// adds a problem. The value is not repeated: a birth date is personal data.
func importDate(r csvRow, p *rowProblems, column, what string) mgz.Date {
	v := r.value(column)
	if v == "" {
		return mgz.Date{}
	}
	d, ok := parseImportDate(v)
	if !ok {
		p.add(column, what+" klopt niet. Schrijf een bestaande datum als jjjj-mm-dd of dd-mm-jjjj, bijvoorbeeld 1938-05-14 of 14-05-1938.")
	}
	return d
}

func parseImportDate(v string) (mgz.Date, bool) {
	s := strings.NewReplacer("/", "-", ".", "-").Replace(strings.TrimSpace(v))
	for _, layout := range []string{"2006-1-2", "2-1-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return mgz.NewDate(t.Date()), true
		}
	}
	return mgz.Date{}, false
}

// location returns the id of the row's location, found by provider AGB and location name, or nil
// for a client at home; placeKnown is false after adding a problem.
func (b *patientBatch) location(r csvRow, p *rowProblems) (id *int64, placeKnown bool) {
	name, agb := r.value("location_name"), r.value("provider_agb")
	switch {
	case name == "" && agb == "":
		return nil, true
	case name == "":
		p.add("location_name", "Vul de naam in van de locatie waar de cliënt woont, of laat provider_agb leeg als de cliënt thuis woont en vul dan home_postcode in.")
		return nil, false
	case agb == "":
		p.add("provider_agb", "Vul de AGB-code in van de zorgaanbieder van deze locatie: mgz zoekt de locatie op zorgaanbieder en naam.")
		return nil, false
	}
	o, ok := findOrganisation(b.byAGB, p, "provider_agb", agb, mgz.KindCareProvider)
	if !ok {
		return nil, false
	}
	locs := b.locations[locationName{o.ID, foldName(name)}]
	switch len(locs) {
	case 0:
		p.add("location_name", fmt.Sprintf("%s (AGB-code %s) heeft geen locatie “%s” in het register. Controleer de naam, of importeer de locatie eerst met mgz import locations.", o.Name, o.AGB, name))
		return nil, false
	case 1:
		id := locs[0].ID
		return &id, true
	}
	ids := make([]string, len(locs))
	for i, l := range locs {
		ids[i] = strconv.FormatInt(l.ID, 10)
	}
	p.add("location_name", fmt.Sprintf("%s heeft %d locaties met de naam “%s” (nummers %s); mgz weet niet welke. Geef ze op de website verschillende namen en importeer opnieuw.",
		o.Name, len(locs), name, strings.Join(ids, ", ")))
	return nil, false
}

// reference returns the id of the organisation, of one of kinds, whose AGB code is in column: nil
// for an empty cell or an absent column, nil after adding a problem.
func (b *patientBatch) reference(r csvRow, p *rowProblems, column string, kinds ...mgz.OrgKind) *int64 {
	v := r.value(column)
	if v == "" {
		return nil
	}
	o, ok := findOrganisation(b.byAGB, p, column, v, kinds...)
	if !ok {
		return nil
	}
	id := o.ID
	return &id
}

func (b *patientBatch) write(ctx context.Context) error { return b.imp.Write(ctx) }

func (b *patientBatch) flush(ctx context.Context) error { return b.imp.Flush(ctx) }
