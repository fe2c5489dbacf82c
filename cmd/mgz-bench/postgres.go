package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// isPostgres reports whether --db names a PostgreSQL database rather than a SQLite file.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// ensurePostgres fills an empty PostgreSQL database with the same data set the SQLite runs use:
// bench/<scale>.db (made first when missing), copied by mgz migrate-store, so both backends are
// measured on identical data.
func ensurePostgres(ctx context.Context, c config, stderr io.Writer) error {
	holds, err := postgresHoldsData(ctx, c.db)
	if err != nil {
		return fmt.Errorf("PostgreSQL-database %s: %w", redact(c.db), err)
	}
	if holds {
		return nil
	}
	src := c
	src.db = filepath.Join("bench", c.scale+".db")
	if err := ensureDB(ctx, src, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s is leeg: vullen met mgz migrate-store uit %s…\n", redact(c.db), src.db)
	cmd := exec.CommandContext(ctx, c.mgz, "migrate-store", "--from", src.db, "--to", c.db)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mgz migrate-store: %w", err)
	}
	return nil
}

// postgresHoldsData reports whether the database has mgz's organisations table with rows in it.
func postgresHoldsData(ctx context.Context, dsn string) (bool, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return false, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM organisations").Scan(&n)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: never migrated
		return false, nil
	}
	return n > 0, err
}

// redact hides a password in a database URL, for the report and messages.
func redact(db string) string {
	cfg, err := pgconn.ParseConfig(db)
	if err != nil || cfg.Password == "" {
		return db
	}
	return fmt.Sprintf("postgres://%s:***@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
