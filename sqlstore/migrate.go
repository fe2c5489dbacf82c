package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var embeddedMigrations embed.FS

// migrationFiles holds the schema migrations, named NNNN_description.sql, applied in order.
var migrationFiles, _ = fs.Sub(embeddedMigrations, "migrations")

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(fsys fs.FS, d dialect) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		num, _, ok := strings.Cut(path.Base(n), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migratie %s: naam moet beginnen met een versienummer, zoals 0001_", n)
		}
		body, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		text, err := migrationSQL(string(body), d)
		if err != nil {
			return nil, fmt.Errorf("migratie %s: %w", n, err)
		}
		ms = append(ms, migration{version: v, name: n, sql: text})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := range ms {
		if ms[i].version != i+1 {
			return nil, fmt.Errorf("migraties moeten doorlopend genummerd zijn vanaf 1; %s breekt de reeks", ms[i].name)
		}
	}
	return ms, nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`

func currentVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("schemaversie lezen: %w", err)
	}
	return int(v.Int64), nil
}

// migrate applies, each in its own transaction together with its bookkeeping row, every migration
// of fsys that the database lacks. A database that already has a newer version than fsys knows is
// refused, because this binary would not understand its data.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, d dialect) error {
	ms, err := loadMigrations(fsys, d)
	if err != nil {
		return err
	}
	if d == dialectPostgres {
		// Only when it is missing, so that a database that only serves reads (a standby) opens
		// for reading; in a transaction, so that two instances starting at once take turns: on
		// PostgreSQL a concurrent CREATE TABLE IF NOT EXISTS can fail instead of waiting.
		var exists int
		err = db.QueryRowContext(ctx, "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END").Scan(&exists)
		if err == nil && exists == 0 {
			err = inTx(ctx, db, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, translateCommon(createMigrationsTable))
				return err
			})
		}
	} else {
		// Not in a transaction: a read-only SQLite file that has the table opens for reading.
		_, err = db.ExecContext(ctx, createMigrationsTable)
	}
	if err != nil {
		return fmt.Errorf("migratietabel aanmaken: %w", err)
	}
	have, err := currentVersion(ctx, db)
	if err != nil {
		return err
	}
	if have > len(ms) {
		return &NewerSchemaError{Database: have, Binary: len(ms)}
	}
	for _, m := range ms[have:] {
		err := inTx(ctx, db, func(tx *sql.Tx) error {
			// Re-check inside the write lock: another process may have migrated meanwhile.
			v, err := currentVersion(ctx, tx)
			if err != nil {
				return err
			}
			if v >= m.version {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.version, m.name, formatTime(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migratie %s toepassen: %w", m.name, err)
		}
	}
	return nil
}

// NewerSchemaError reports a database written by a newer mgz than the running binary.
type NewerSchemaError struct {
	Database, Binary int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("de database heeft schemaversie %d, maar deze versie van mgz kent er maar %d: "+
		"de database is door een nieuwere mgz bijgewerkt. Start een nieuwere mgz, of kies een ander bestand met --db",
		e.Database, e.Binary)
}
