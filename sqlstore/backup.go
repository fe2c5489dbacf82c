package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// A backup of a SQLite store is made while mgz serves it: VACUUM INTO writes the database as one
// read transaction sees it into a new file, so the copy is of one moment and writers go on
// meanwhile (WAL). The copy is then opened read-only and checked (SQLite's integrity and foreign
// key checks, the audit log's hash chain) before it counts as a backup. The source is not
// migrated: a backup taken by a newer mgz leaves a database served by an older one as it is.

// BackupResult describes a verified backup.
type BackupResult struct {
	// SchemaVersion is the schema version of the copy.
	SchemaVersion int
	// AuditEntries is the number of audit log entries whose chain verified in the copy.
	AuditEntries int
	// Bytes is the size of the backup file.
	Bytes int64
}

// ErrBackupExists refuses to overwrite a file with a backup.
var ErrBackupExists = errors.New("het backupbestand bestaat al: een back-up overschrijft nooit een bestand. Kies een nieuwe naam, bijvoorbeeld met de datum erin")

// Backup writes a consistent copy of the SQLite database file at path to the new file to, and
// checks the copy. The database may be in use by a running mgz. When the check fails, the copy
// is kept (it is still what the database held) and the error says what is wrong with it.
func Backup(ctx context.Context, path, to string) (BackupResult, error) {
	if IsPostgres(path) {
		return BackupResult{}, errors.New("een PostgreSQL-database wordt niet met mgz backup gekopieerd, maar met pg_dump")
	}
	for _, p := range []string{path, to} {
		if p == "" {
			return BackupResult{}, errors.New("geef de database met --db en het backupbestand met --to")
		}
		if strings.ContainsAny(p, "?#") {
			return BackupResult{}, fmt.Errorf("pad %q bevat ? of #: kies een pad zonder die tekens", p)
		}
	}
	if _, err := os.Stat(path); err != nil {
		return BackupResult{}, fmt.Errorf("database %s niet gevonden: geef het bestand met --db of MGZ_DB", path)
	}
	if _, err := os.Lstat(to); err == nil {
		return BackupResult{}, fmt.Errorf("%s: %w", to, ErrBackupExists)
	} else if !errors.Is(err, os.ErrNotExist) {
		return BackupResult{}, fmt.Errorf("backupbestand %s: %w", to, err)
	}
	if st, err := os.Stat(filepath.Dir(to)); err != nil || !st.IsDir() {
		return BackupResult{}, fmt.Errorf("de map van het backupbestand %s bestaat niet: maak hem eerst aan", to)
	}

	src, err := openPlain(ctx, path, "_pragma=busy_timeout(10000)")
	if err != nil {
		return BackupResult{}, err
	}
	defer src.Close()
	if _, err := currentVersion(ctx, src); err != nil {
		return BackupResult{}, fmt.Errorf("%s is geen database van mgz: %w", path, err)
	}
	// VACUUM INTO refuses an existing, non-empty file itself, so a file created meanwhile is
	// not overwritten either.
	if _, err := src.ExecContext(ctx, "VACUUM INTO $1", to); err != nil {
		return BackupResult{}, fmt.Errorf("back-up van %s maken: %w", path, err)
	}
	// VACUUM INTO does not flush the new file: a backup that is reported must be on disk.
	if err := syncFile(to); err != nil {
		return BackupResult{}, fmt.Errorf("backupbestand %s wegschrijven: %w", to, err)
	}
	res, err := CheckBackup(ctx, to)
	if err != nil {
		return res, fmt.Errorf("de back-up %s is gemaakt maar NIET in orde: %w", to, err)
	}
	return res, nil
}

// CheckBackup opens the SQLite backup file at path read-only and checks it: SQLite's integrity
// and foreign key checks and the audit log's hash chain.
func CheckBackup(ctx context.Context, path string) (BackupResult, error) {
	res := BackupResult{}
	st, err := os.Stat(path)
	if err != nil {
		return res, fmt.Errorf("backupbestand %s: %w", path, err)
	}
	res.Bytes = st.Size()
	// A backup written by VACUUM INTO is in rollback-journal mode, so it opens read-only
	// without creating files beside it.
	sqldb, err := openPlain(ctx, "file:"+path, "mode=ro&_pragma=foreign_keys(1)")
	if err != nil {
		return res, err
	}
	defer sqldb.Close()
	db := &DB{sql: sqldb, dialect: dialectSQLite, now: func() time.Time { return time.Now().UTC() }}
	if res.SchemaVersion, err = db.SchemaVersion(ctx); err != nil {
		return res, err
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		return res, err
	}
	if res.AuditEntries, err = db.Store().AuditLog().Verify(ctx); err != nil {
		return res, err
	}
	return res, nil
}

// openPlain opens a SQLite file with params and without migrating it.
func openPlain(ctx context.Context, name, params string) (*sql.DB, error) {
	connector, err := sqlite.NewConnector(name + "?" + params)
	if err != nil {
		return nil, fmt.Errorf("database %s openen: %w", name, err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s openen: %w", strings.TrimPrefix(name, "file:"), err)
	}
	return db, nil
}

// syncFile flushes the file at path and the directory entry that names it.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
