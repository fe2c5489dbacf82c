package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/regio-mgz/mgz/sqlstore"
)

const backupUsage = `Gebruik: mgz backup --db bestand.db --to back-up.db

Maakt een back-up van de SQLite-database van mgz, ook terwijl mgz draait: de kopie is de
database zoals die op één moment was, en wie intussen werkt, merkt er niets van. Daarna wordt de
kopie geopend en gecontroleerd (de integriteit van het bestand, de verwijzingen en de hashketen
van het auditlog); alleen een kopie die in orde is, wordt als back-up gemeld (afsluitcode 0).
Een bestaand bestand wordt nooit overschreven: kies elke keer een nieuwe naam, bijvoorbeeld
  mgz backup --db /var/lib/mgz/mgz.db --to /backup/mgz-$(date +%F-%H%M).db

Terugzetten: stop mgz, zet het huidige bestand opzij (met de bestanden -wal en -shm ernaast),
kopieer de back-up naar de plaats van de database en start mgz; controleer met mgz audit verify.

Voor een PostgreSQL-database (--db postgres://…) gebruikt u pg_dump en pg_restore; zie
mgz backup --db postgres://… voor de opdrachten.

Opties:
`

// pgBackupAdvice explains, in Dutch, how a PostgreSQL store is backed up and restored.
const pgBackupAdvice = `Een PostgreSQL-database maakt u niet met mgz backup een back-up, maar met de gereedschappen van
PostgreSQL zelf, ook terwijl mgz draait (pg_dump leest één consistent moment):

  pg_dump -Fc -f mgz-$(date +%%F-%%H%%M).dump "%s"

(het wachtwoord staat dan in ~/.pgpass of in de omgevingsvariabele PGPASSWORD, niet in de opdracht).

Terugzetten in een nieuwe, lege database (stop mgz of laat het naar de nieuwe database wijzen):

  createdb -O mgz mgz_terug
  pg_restore --no-owner -d "postgres://mgz@server/mgz_terug" mgz-….dump

Controleer daarna met mgz audit verify --db postgres://mgz@server/mgz_terug. Oefen het
terugzetten regelmatig op een testserver; voor herstel tot op de minuut gebruikt u daarnaast
WAL-archivering (pg_basebackup met archive_command), zie de handleiding van PostgreSQL.
`

func runBackup(ctx context.Context, env *environment, args []string) int {
	fs := flag.NewFlagSet("mgz backup", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", envDefault(env, "MGZ_DB", "./mgz.db"), "de database van mgz (MGZ_DB)")
	to := fs.String("to", "", "het nieuwe backupbestand; mag nog niet bestaan")
	fs.Usage = func() {
		io.WriteString(env.stderr, backupUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	const prefix = "mgz backup"
	if sqlstore.IsPostgres(*dbPath) {
		fmt.Fprintf(env.stderr, "%s: %s is een PostgreSQL-database.\n", prefix, showDB(*dbPath))
		fmt.Fprintf(env.stderr, pgBackupAdvice, withoutPassword(*dbPath, ""))
		return 2
	}
	if *to == "" {
		fmt.Fprintf(env.stderr, "%s: geef het nieuwe backupbestand met --to. Meer: mgz backup -h\n", prefix)
		return 2
	}
	start := time.Now()
	res, err := sqlstore.Backup(ctx, *dbPath, *to)
	switch {
	case errors.Is(err, sqlstore.ErrBackupExists):
		fmt.Fprintf(env.stderr, "%s: %v.\n", prefix, err)
		return 2
	case err != nil:
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return 1
	}
	fmt.Fprintf(env.stdout, "Back-up gemaakt en gecontroleerd in %s: %s (%.1f MB, schemaversie %d).\n",
		time.Since(start).Round(10*time.Millisecond), *to, float64(res.Bytes)/1e6, res.SchemaVersion)
	fmt.Fprintf(env.stdout, "Integriteit in orde; auditlog in orde: %d regels, de keten is ongeschonden.\n", res.AuditEntries)
	return 0
}
