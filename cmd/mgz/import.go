package main

import (
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
	"unicode"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// mgz import reads a CSV file of one kind of record into the register. The command does what
// every kind shares (reading the file, checking the header, reporting bad rows, progress, the
// one transaction); an importKind knows its columns and how to check and write one row.

// importKind is one kind of record mgz import reads, such as "locations".
type importKind struct {
	name    string // on the command line: mgz import <name> FILE
	summary string // Dutch, one line for the usage text
	help    string // Dutch, the columns explained, for the usage text
	// columns lists every header name the kind knows, in the order problems are reported.
	columns []string
	// required columns must be in the header; of each oneOf group at least one.
	required []string
	oneOf    [][]string
	// atomic runs fn in one transaction of svc as actor: fn's batch checks and writes inside it,
	// and everything commits when fn returns nil, nothing otherwise.
	atomic func(ctx context.Context, svc *service.Service, actor mgz.Actor, fn func(importBatch) error) error
}

// importBatch checks and writes the rows of one file, inside the import's transaction.
type importBatch interface {
	// check validates row r without writing and tells what importing it would do. A row without
	// problems is kept for write; problems name the column (the header name) they are about.
	check(ctx context.Context, r csvRow) (importOutcome, []rowProblem)
	// write stores the kept rows in file order, calling progress after each written row.
	write(ctx context.Context, progress func()) error
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
	return []importKind{locationImport()}
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

func importUsage(w io.Writer) {
	fmt.Fprint(w, `Gebruik: mgz import <soort> <bestand.csv> [--db bestand] [--skip-invalid] [--dry-run]

Leest een CSV-bestand in het register. Met - als bestand leest mgz standaardinvoer.

Soorten:
`)
	for _, k := range importKinds() {
		fmt.Fprintf(w, "  %-10s %s\n", k.name, k.summary)
	}
	fmt.Fprint(w, `
Het bestand is UTF-8 (in Excel: opslaan als "CSV UTF-8") en begint met een kopregel. De kolommen
staan in willekeurige volgorde, hoofdletters tellen niet, en worden gescheiden door komma's of
puntkomma's (mgz leest dat uit de kopregel). Een onbekende of ontbrekende kolom wordt geweigerd
voordat er een regel gelezen is.

mgz controleert eerst elke regel en noemt elke fout als "regel N: kolom: reden". Heeft een regel
een fout, dan wordt niets geïmporteerd, tenzij u --skip-invalid geeft: dan worden alleen de goede
regels geïmporteerd. Alles wordt in één transactie opgeslagen, met een auditregel per wijziging;
een onderbroken import laat niets half achter. Opnieuw importeren is veilig: wat al klopt blijft
ongewijzigd. Op standaarduitvoer komt "N nieuw, M bijgewerkt, K ongewijzigd, S overgeslagen".
`)
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
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), "databasebestand (MGZ_DB); moet al bestaan")
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

	data, err := readImportInput(env, pos[1])
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	// The file is checked before the database is opened: a wrong header costs nothing.
	file, err := readImportFile(data, kind)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 2
	}

	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	defer db.Close()
	svc := service.New(db.Store(), service.Config{})

	var progress io.Writer
	if isTerminal(env.stderr) {
		progress = env.stderr
	}
	res, err := importRows(ctx, kind, svc, file, *skipInvalid, *dryRun, progress)
	if err != nil {
		clearProgress(progress)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(env.stderr, "%s: afgebroken. Niets geïmporteerd; start de import opnieuw.\n", prefix)
			return 1
		}
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		fmt.Fprintln(env.stderr, "Niets geïmporteerd: de hele import is teruggedraaid. Verbeter de genoemde regel en probeer het opnieuw.")
		switch mgz.ErrorCode(err) {
		case mgz.ECodeInvalid, mgz.ECodeConflict, mgz.ECodeNotFound:
			return 2
		}
		return 1
	}
	return reportImport(env, res, file.total, *skipInvalid, *dryRun)
}

// importResult is what an import did, or with --dry-run would do.
type importResult struct {
	counts   [3]int // good rows by importOutcome
	problems []rowProblem
}

// importRows checks every row of file and, unless that is a dry run or a row is bad without
// skipInvalid, writes the good ones: all in one transaction, so it commits whole or not at all.
func importRows(ctx context.Context, kind importKind, svc *service.Service, file *importFile, skipInvalid, dryRun bool, progress io.Writer) (importResult, error) {
	errNoWrite := errors.New("import: nothing to write")
	var res importResult
	err := kind.atomic(ctx, svc, service.System(), func(b importBatch) error {
		res = importResult{problems: slices.Clone(file.unreadable)}
		for i, r := range file.rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			outcome, ps := b.check(ctx, r)
			if len(ps) > 0 {
				res.problems = append(res.problems, ps...)
			} else {
				res.counts[outcome]++
			}
			showProgress(progress, "controleren", i+1, len(file.rows))
		}
		clearProgress(progress)
		if dryRun || (len(res.problems) > 0 && !skipInvalid) {
			return errNoWrite
		}
		writes, n := res.counts[importCreated]+res.counts[importUpdated], 0
		err := b.write(ctx, func() {
			n++
			showProgress(progress, "importeren", n, writes)
		})
		clearProgress(progress)
		return err
	})
	if errors.Is(err, errNoWrite) {
		err = nil
	}
	sortProblems(res.problems, kind.columns)
	return res, err
}

// reportImport prints each bad row and the summary, and returns the exit status.
func reportImport(env *environment, res importResult, total int, skipInvalid, dryRun bool) int {
	problems, counts := res.problems, res.counts
	bad := 0
	for i, p := range problems {
		if i == 0 || p.line != problems[i-1].line {
			bad++
		}
		if p.column == "" {
			fmt.Fprintf(env.stderr, "regel %d: %s\n", p.line, p.message)
		} else {
			fmt.Fprintf(env.stderr, "regel %d: %s: %s\n", p.line, p.column, p.message)
		}
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

func readImportInput(env *environment, path string) ([]byte, error) {
	if path == "-" {
		data, err := io.ReadAll(env.stdin)
		if err != nil {
			return nil, fmt.Errorf("standaardinvoer lezen: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("bestand %s niet gevonden. Controleer de naam en de map.", path)
		}
		return nil, fmt.Errorf("bestand %s lezen: %w", path, err)
	}
	return data, nil
}

func showProgress(w io.Writer, what string, n, total int) {
	if w != nil && n%progressEvery == 0 {
		fmt.Fprintf(w, "\r%s: %d van %d regels…", what, n, total)
	}
}

func clearProgress(w io.Writer) {
	if w != nil {
		fmt.Fprint(w, "\r\033[K")
	}
}

// sortProblems orders problems by line, and within a line by the kind's column order.
func sortProblems(ps []rowProblem, columns []string) {
	slices.SortStableFunc(ps, func(a, b rowProblem) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return slices.Index(columns, a.column) - slices.Index(columns, b.column)
	})
}

// importFile is a CSV file as mgz import reads it.
type importFile struct {
	rows       []csvRow
	unreadable []rowProblem // rows that could not be read at all
	total      int          // rows after the header, readable or not, blank ones not counted
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

// readImportFile reads a CSV file for kind: UTF-8 with an optional byte order mark, a header row
// whose separator (comma or semicolon) decides the file's, columns by header name. A header with
// unknown or missing columns is refused before any row is read.
func readImportFile(data []byte, kind importKind) (*importFile, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return nil, fmt.Errorf("regel %d bevat tekens die geen UTF-8 zijn. Sla het bestand op als UTF-8 (in Excel: \"CSV UTF-8\") en probeer het opnieuw.", line)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // a row with too few fields is reported as that row's problem
	header, err := cr.Read()
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

	f := &importFile{}
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader goes on after the broken record, so every bad row is still reported.
			f.total++
			f.unreadable = append(f.unreadable, rowProblem{line: pe.StartLine, message: csvProblem(err)})
			continue
		}
		if err != nil {
			return nil, err
		}
		if blank(fields) {
			continue // spreadsheets leave rows of empty cells at the end
		}
		f.total++
		line, _ := cr.FieldPos(0)
		if len(fields) < len(header) || !blank(fields[min(len(header), len(fields)):]) {
			f.unreadable = append(f.unreadable, rowProblem{line: line, message: fmt.Sprintf(
				"Deze regel heeft %d velden, de kopregel %d. Controleer de scheidingstekens (%q) en de aanhalingstekens in deze regel.",
				len(fields), len(header), sep)})
			continue
		}
		f.rows = append(f.rows, csvRow{line: line, fields: fields, columns: columns})
	}
	return f, nil
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

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
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
	pending  []pendingLocation
}

type pendingLocation struct {
	line int
	loc  mgz.Location // with the ID of the location it updates, 0 for a new one
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

func (b *locationBatch) check(ctx context.Context, r csvRow) (importOutcome, []rowProblem) {
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
			return 0, []rowProblem{{line: r.line, message: err.Error()}}
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
		return 0, p.list
	}
	if l.ID == 0 {
		b.pending = append(b.pending, pendingLocation{r.line, l})
		return importCreated, nil
	}
	if sameLocation(l, b.existing[keyOf(l)][0]) {
		return importUnchanged, nil
	}
	b.pending = append(b.pending, pendingLocation{r.line, l})
	return importUpdated, nil
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
	agb, ok := mgz.NormaliseAGB(v)
	if !ok {
		p.add(column, fmt.Sprintf("AGB-code “%s” klopt niet: een AGB-code bestaat uit 8 cijfers, bijvoorbeeld 01234567.%s", v, leadingZeroHint(agb)))
		return mgz.Organisation{}, false
	}
	o, ok := b.byAGB[agb]
	switch {
	case !ok:
		p.add(column, fmt.Sprintf("Er staat geen organisatie met AGB-code %s in het register. Controleer de code, of voeg de %s eerst toe op de website.", agb, kindName(kind)))
		return o, false
	case o.Kind != kind:
		p.add(column, fmt.Sprintf("AGB-code %s hoort bij %s, een %s, geen %s. Gebruik de AGB-code van de %s.", agb, o.Name, kindName(o.Kind), kindName(kind), kindName(kind)))
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

func (b *locationBatch) write(ctx context.Context, progress func()) error {
	for _, c := range b.pending {
		var err error
		if c.loc.ID == 0 {
			err = b.reg.CreateLocation(ctx, &c.loc)
		} else {
			err = b.reg.UpdateLocation(ctx, &c.loc)
		}
		if err != nil {
			return fmt.Errorf("regel %d: %w", c.line, err)
		}
		progress()
	}
	return nil
}
