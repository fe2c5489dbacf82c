package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/audit"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// The commands of this file act as the operator of the server (service.System): they are
// audited as "system" and pass the policy, like any command run on the machine that holds the
// database.

// openExisting opens the database named by dsn, which must exist: an administrative command on a
// mistyped path must not create an empty database. A PostgreSQL database (a postgres:// URL) is
// never created by connecting: the server refuses a database name that does not exist.
func openExisting(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	if !sqlstore.IsPostgres(dsn) {
		if _, err := os.Stat(dsn); err != nil {
			return nil, fmt.Errorf("database %s niet gevonden: geef het bestand (of een postgres://-adres) met --db of MGZ_DB", dsn)
		}
	}
	return openDB(ctx, dsn)
}

// openDB opens the database named by dsn (sqlstore.Open). When a PostgreSQL server refuses
// the database itself, the error says in Dutch what to do.
func openDB(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	var pe *pgconn.PgError
	if err != nil && sqlstore.IsPostgres(dsn) && errors.As(err, &pe) {
		switch pe.Code {
		case "3D000": // invalid_catalog_name
			return nil, fmt.Errorf("de PostgreSQL-database %s bestaat niet. Maak hem eerst aan, leeg (CREATE DATABASE), of controleer de naam in --db of MGZ_DB. (%w)", showDB(dsn), err)
		case "28000", "28P01": // invalid_authorization_specification, invalid_password
			return nil, fmt.Errorf("de PostgreSQL-server weigert de aanmelding voor %s: controleer de gebruiker en het wachtwoord. (%w)", showDB(dsn), err)
		}
	}
	return db, err
}

// dbFlagUsage describes the --db flag of every command.
const dbFlagUsage = "databasebestand of PostgreSQL-adres postgres://gebruiker@server/database (MGZ_DB)"

// showDB returns a --db value for a message: a file path as it is, a PostgreSQL URL without its
// password (in the URL or as a password parameter).
func showDB(dsn string) string {
	if !sqlstore.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// An unparsable URL may still hold a password: show only the scheme.
		scheme, _, _ := strings.Cut(dsn, "://")
		return scheme + "://…"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// subcommand runs the named subcommand of a command group such as "mgz user".
func subcommand(ctx context.Context, env *environment, group string, args []string, subs map[string]func(context.Context, *environment, []string) int, help string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.stderr, help)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	run, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "mgz %s: onbekende opdracht %q.\n\n%s", group, args[0], help)
		return 2
	}
	return run(ctx, env, args[1:])
}

// cliError prints err for a person: the Dutch message and, for invalid input, each field.
func cliError(env *environment, prefix string, err error) int {
	var e *mgz.Error
	if !errors.As(err, &e) {
		// The operator runs this on the server: the cause helps them more than a general message.
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	fmt.Fprintf(env.stderr, "%s: %s\n", prefix, e.Message)
	{
		for _, f := range e.FieldNames() {
			fmt.Fprintf(env.stderr, "  --%s: %s\n", cliFlag(f), e.Fields[f])
		}
		if e.Code == mgz.ECodeInvalid || e.Code == mgz.ECodeConflict || e.Code == mgz.ECodeNotFound {
			return 2
		}
	}
	return 1
}

// cliFlag names the flag that carries a service field.
func cliFlag(field string) string {
	switch field {
	case "organisation_id":
		return "org"
	case "roles":
		return "role"
	}
	return field
}

func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: onverwacht argument %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

const userHelp = `Gebruik: mgz user <opdracht> [opties]

Opdrachten:
  add     maak een gebruiker aan en toon het eenmalige wachtwoord

Meer over een opdracht: mgz user add -h
`

func runUser(ctx context.Context, env *environment, args []string) int {
	return subcommand(ctx, env, "user", args, map[string]func(context.Context, *environment, []string) int{"add": runUserAdd}, userHelp)
}

func runUserAdd(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz user add", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), dbFlagUsage)
	org := fs.Int64("org", 0, "id van de organisatie van de gebruiker (zie /api/v1/organisations)")
	email := fs.String("email", "", "e-mailadres waarmee de gebruiker inlogt")
	name := fs.String("name", "", "naam van de gebruiker (standaard het deel van het e-mailadres vóór de @)")
	roles := fs.String("role", string(mgz.RoleAdmin), "rollen, met komma's: viewer, editor, admin, physician")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, `Gebruik: mgz user add --org <id> --email <adres> [--role admin] [--name <naam>]

Maakt een gebruiker aan en schrijft een eenmalig wachtwoord naar standaarduitvoer; bij de eerste
keer inloggen kiest de gebruiker een eigen wachtwoord. Zo maakt u de eerste beheerder van een
organisatie aan; die beheert daarna zelf de gebruikers op de website.

Opties:`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *name == "" {
		*name, _, _ = strings.Cut(*email, "@")
	}
	var rs []mgz.UserRole
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			rs = append(rs, mgz.UserRole(r))
		}
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz user add:", err)
		return 1
	}
	defer db.Close()
	svc := service.New(db.Store(), commandConfig(db))
	u, pw, err := svc.CreateUser(ctx, service.System(), service.NewUser{OrganisationID: *org, Email: *email, Name: *name, Roles: rs})
	if err != nil {
		return cliError(env, "mgz user add", err)
	}
	fmt.Fprintf(env.stderr, "Gebruiker %d aangemaakt: %s (%s). Eenmalig wachtwoord:\n", u.ID, u.Email, rolesList(u.Roles))
	fmt.Fprintln(env.stdout, pw)
	return 0
}

func rolesList(rs []mgz.UserRole) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = strings.ToLower(r.Label())
	}
	return strings.Join(s, ", ")
}

const tokenHelp = `Gebruik: mgz token <opdracht> [opties]

Opdrachten:
  create  maak een API-token voor een gebruiker en toon het eenmalig

Meer over een opdracht: mgz token create -h
`

func runToken(ctx context.Context, env *environment, args []string) int {
	return subcommand(ctx, env, "token", args, map[string]func(context.Context, *environment, []string) int{"create": runTokenCreate}, tokenHelp)
}

func runTokenCreate(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz token create", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), dbFlagUsage)
	email := fs.String("email", "", "e-mailadres van de gebruiker voor wie het token is")
	name := fs.String("name", "", "waarvoor het token dient, bijvoorbeeld 'koppeling roosterprogramma'")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, `Gebruik: mgz token create --email <adres> [--name <naam>]

Maakt een API-token met de rechten van de gebruiker en schrijft het naar standaarduitvoer. Het
token wordt alleen nu getoond; mgz bewaart een vingerafdruk. Gebruik het als
"Authorization: Bearer <token>". Intrekken kan op de website onder Mijn account.

Opties:`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz token create:", err)
		return 1
	}
	defer db.Close()
	svc := service.New(db.Store(), commandConfig(db))
	sys := service.System()
	u, err := svc.UserByEmail(ctx, sys, *email)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		fmt.Fprintf(env.stderr, "mgz token create: er is geen gebruiker met e-mailadres %q. Maak die eerst aan met mgz user add.\n", *email)
		return 2
	}
	if err != nil {
		return cliError(env, "mgz token create", err)
	}
	if u.Disabled {
		fmt.Fprintf(env.stderr, "mgz token create: het account %s is geblokkeerd; een token zou niet werken.\n", u.Email)
		return 2
	}
	t, secret, err := svc.CreateToken(ctx, sys, u.ID, *name)
	if err != nil {
		return cliError(env, "mgz token create", err)
	}
	fmt.Fprintf(env.stderr, "Token %d (%s) aangemaakt voor %s. Bewaar het veilig; het wordt niet nog eens getoond:\n", t.ID, t.Name, u.Email)
	fmt.Fprintln(env.stdout, secret)
	return 0
}

const auditHelp = `Gebruik: mgz audit <opdracht> [opties]

Opdrachten:
  verify  controleer dat geen regel van het auditlog is gewijzigd of verwijderd
  export  schrijf (een deel van) het auditlog als CSV of JSON Lines

Meer over een opdracht: mgz audit verify -h
`

func runAudit(ctx context.Context, env *environment, args []string) int {
	return subcommand(ctx, env, "audit", args, map[string]func(context.Context, *environment, []string) int{
		"verify": runAuditVerify, "export": runAuditExport}, auditHelp)
}

func runAuditVerify(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz audit verify", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), dbFlagUsage)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, `Gebruik: mgz audit verify [--db bestand|postgres://…]

Loopt de hashketen van het auditlog na. Afsluitcode 0 als elke regel ongeschonden is, 1 als een
regel is gewijzigd, verwijderd of toegevoegd buiten mgz om; de eerste beschadigde regel wordt genoemd.

Opties:`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz audit verify:", err)
		return 1
	}
	defer db.Close()
	n, err := db.Store().AuditLog().Verify(ctx)
	var broken *audit.BrokenError
	switch {
	case errors.As(err, &broken):
		fmt.Fprintf(env.stdout, "NIET IN ORDE: %s.\n", broken.Error())
		fmt.Fprintf(env.stdout, "De regels vóór regel %d zijn gecontroleerd en in orde (%d regels). Bewaar deze database als bewijs en meld dit aan de beveiligingsfunctionaris.\n", broken.ID, n)
		return 1
	case err != nil:
		fmt.Fprintln(env.stderr, "mgz audit verify:", err)
		return 1
	}
	fmt.Fprintf(env.stdout, "Auditlog in orde: %d regels, de keten is ongeschonden.\n", n)
	return 0
}

func runAuditExport(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz audit export", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), dbFlagUsage)
	format := fs.String("format", "jsonl", "csv of jsonl")
	user := fs.Int64("user", 0, "alleen regels van deze gebruiker (id)")
	patient := fs.Int64("patient", 0, "alleen regels over deze patiënt (intern id, nooit het BSN)")
	org := fs.Int64("org", 0, "alleen regels van gebruikers van, of over gegevens van, deze organisatie (id)")
	from := fs.String("from", "", "vanaf deze datum (jjjj-mm-dd) of dit tijdstip (RFC 3339)")
	to := fs.String("to", "", "tot en met deze datum (jjjj-mm-dd), of tot dit tijdstip (RFC 3339)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, `Gebruik: mgz audit export [--format csv|jsonl] [--user id] [--patient id] [--org id] [--from datum] [--to datum] > bestand

Schrijft de gekozen regels van het auditlog, oudste eerst, naar standaarduitvoer. Zo beantwoordt u
de vraag van een patiënt wie zijn gegevens heeft ingezien. De export zelf komt ook in het auditlog.
In CSV krijgt een cel die met =, +, -, @, tab of CR begint een ' ervoor, zodat een spreadsheet hem
niet als formule uitvoert; JSON Lines bevat de exacte tekst.

Opties:`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	f := mgz.AuditFilter{UserID: *user, PatientID: *patient, OrganisationID: *org}
	var err1, err2, err3 error
	f.From, err1 = cliMoment("--from", *from, false)
	f.To, err2 = cliMoment("--to", *to, true)
	if *format != "csv" && *format != "jsonl" {
		err3 = fmt.Errorf("--format %q: kies csv of jsonl", *format)
	}
	if err := errors.Join(err1, err2, err3); err != nil {
		fmt.Fprintln(env.stderr, "mgz audit export:", err)
		return 2
	}
	db, err := openExisting(ctx, *dbPath)
	if err != nil {
		fmt.Fprintln(env.stderr, "mgz audit export:", err)
		return 1
	}
	defer db.Close()
	out := bufio.NewWriter(env.stdout)
	var w audit.Writer
	if *format == "csv" {
		if w, err = audit.NewCSVWriter(out); err != nil {
			return cliError(env, "mgz audit export", err)
		}
	} else {
		w = audit.NewJSONLinesWriter(out)
	}
	var counter io.Writer = io.Discard
	if isTerminal(env.stderr) {
		counter = env.stderr
	}
	svc := service.New(db.Store(), commandConfig(db))
	n, err := svc.ExportAudit(ctx, service.System(), f, progressAudit{w, counter, new(int)})
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return cliError(env, "mgz audit export", err)
	}
	fmt.Fprintf(env.stderr, "\r%d regels geëxporteerd.\n", n)
	return 0
}

// progressAudit counts exported entries on a terminal.
type progressAudit struct {
	audit.Writer
	progress io.Writer
	n        *int
}

func (p progressAudit) Write(e mgz.AuditEntry) error {
	*p.n++
	if *p.n%10000 == 0 {
		fmt.Fprintf(p.progress, "\r%d regels…", *p.n)
	}
	return p.Writer.Write(e)
}

// cliMoment reads a date (midnight in Europe/Amsterdam; for an end, the next midnight, so the day
// is included) or an RFC 3339 instant.
func cliMoment(flag, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, calendar.Location())
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: gebruik een datum als 2026-11-23 of een tijdstip als 2026-11-23T09:00:00+01:00", flag, v)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// commandConfig is the service configuration of a command that changes accounts, tokens or
// settings: on PostgreSQL its changes are announced to the mgz servers running on the same
// database, so that a revoked token or a disabled user holds there at once, not only after their
// caches expire.
func commandConfig(db *sqlstore.DB) service.Config {
	var cfg service.Config
	if p := publisher(db); p != nil {
		cfg.Invalidator = p
	}
	return cfg
}
