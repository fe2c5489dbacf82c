package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// backupSource opens a SQLite store with a few audit entries and returns it with its path.
func backupSource(t *testing.T) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mgz.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seedRegion(t, db, 10)
	for i := 0; i < 5; i++ {
		if err := db.Store().AuditLog().Append(ctx, &mgz.AuditEntry{UserID: 1, UserEmail: "beheer@voorbeeld.test", Action: mgz.AuditUpdate,
			ObjectType: "location", ObjectID: int64(i + 1), Outcome: mgz.OutcomeAllowed}); err != nil {
			t.Fatal(err)
		}
	}
	return db, path
}

func TestBackupCopiesAndChecksAndCheckBackupFindsTampering(t *testing.T) {
	ctx := context.Background()
	_, path := backupSource(t)
	to := filepath.Join(t.TempDir(), "backup.db")
	res, err := Backup(ctx, path, to)
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if res.AuditEntries != 5 || res.Bytes == 0 || res.SchemaVersion != len(mustMigrations(t)) {
		t.Errorf("result %+v", res)
	}
	// The check opens the copy read-only: nothing is created beside it.
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(to + suffix); err == nil {
			t.Errorf("%s was created beside the backup", to+suffix)
		}
	}
	raw, err := sql.Open("sqlite", to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE audit_log SET user_email = 'iemand@anders.test' WHERE id = 3"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := CheckBackup(ctx, to); err == nil || !strings.Contains(err.Error(), "regel 3") {
		t.Fatalf("CheckBackup of a tampered copy: %v, want row 3 named", err)
	}
}

func TestBackupRefusesAnExistingFileAPostgresURLAndAMissingSource(t *testing.T) {
	ctx := context.Background()
	_, path := backupSource(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "bestaat.db")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, path, existing); !errors.Is(err, ErrBackupExists) {
		t.Errorf("an existing (empty) file: %v, want ErrBackupExists", err)
	}
	if _, err := Backup(ctx, "postgres://mgz@localhost/mgz", filepath.Join(dir, "pg.db")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("a PostgreSQL URL: %v, want pg_dump named", err)
	}
	if _, err := Backup(ctx, filepath.Join(dir, "weg.db"), filepath.Join(dir, "b.db")); err == nil {
		t.Error("a missing source was backed up")
	}
	if _, err := Backup(ctx, path, filepath.Join(dir, "geen-map", "b.db")); err == nil {
		t.Error("a backup into a missing directory was made")
	}
	for _, name := range []string{"weg.db", "b.db", "pg.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was created", name)
		}
	}
}

func mustMigrations(t *testing.T) []migration {
	t.Helper()
	ms, err := loadMigrations(migrationFiles, dialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
