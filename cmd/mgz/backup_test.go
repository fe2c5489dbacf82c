package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

func TestBackupWhileAWriterWritesGivesACopyThatVerifies(t *testing.T) {
	ctx := context.Background()
	path := demoRegionFile(t)
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, err := db.Store().AuditLog().Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A writer changes the register through the service (each change and its audit entry in one
	// transaction) for as long as the backups run.
	svc := service.New(db.Store(), fastHashing)
	stop := make(chan struct{})
	var written atomic.Int64
	var wg sync.WaitGroup
	var writeErr error // read after wg.Wait
	var failed atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			org := mgz.Organisation{Kind: mgz.KindGPPractice, Name: fmt.Sprintf("Praktijk %d", i), AGB: fmt.Sprintf("01%06d", 900000+i),
				KvK: "12345678", Address: "Dorpsstraat 1", Postcode: "1234 AB", City: "Voorbeeld", Phone: "030-1234567", CareOfficeRegion: "Voorbeeld"}
			if err := svc.Register(service.System()).CreateOrganisation(ctx, &org); err != nil {
				writeErr = err
				failed.Store(true)
				return
			}
			written.Add(1)
		}
	}()
	waitWrites := func(n int64) {
		for written.Load() < n && !failed.Load() {
			time.Sleep(time.Millisecond)
		}
	}

	dir := t.TempDir()
	var copies []string
	for i := 0; i < 3; i++ {
		waitWrites(int64(5 * (i + 1)))
		to := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		env, out, errb := testEnv(map[string]string{"MGZ_DB": path})
		if code := run(ctx, env, []string{"backup", "--to", to}); code != 0 {
			close(stop)
			wg.Wait()
			t.Fatalf("backup %d while writing: exit %d\n%s%s", i, code, out, errb)
		}
		if !strings.Contains(out.String(), "Back-up gemaakt en gecontroleerd") || !strings.Contains(out.String(), "de keten is ongeschonden") {
			t.Errorf("backup %d report: %s", i, out)
		}
		copies = append(copies, to)
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("the writer failed: %v", writeErr)
	}
	if written.Load() < 15 {
		t.Fatalf("only %d changes were written during the backups", written.Load())
	}
	// Each copy is a moment of the database: it verifies on its own, holds at least what was there
	// before the backups, and no copy is older than the one before it.
	last := before
	for i, c := range copies {
		res, err := sqlstore.CheckBackup(ctx, c)
		if err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		if res.AuditEntries < last {
			t.Errorf("copy %d has %d audit entries, fewer than %d", i, res.AuditEntries, last)
		}
		last = res.AuditEntries
	}
	if last == before {
		t.Errorf("the copies hold none of the %d changes written meanwhile", written.Load())
	}
	// mgz opens a copy as its database.
	restored, err := sqlstore.Open(ctx, copies[len(copies)-1])
	if err != nil {
		t.Fatalf("open the copy as a database: %v", err)
	}
	defer restored.Close()
	if n, err := restored.Store().AuditLog().Verify(ctx); err != nil || n != last {
		t.Fatalf("restored copy: %d entries, %v", n, err)
	}
}

func TestBackupRefusesToOverwriteAFile(t *testing.T) {
	path := demoRegionFile(t)
	to := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(to, []byte("de back-up van gisteren"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, out, errb := testEnv(nil)
	if code := run(context.Background(), env, []string{"backup", "--db", path, "--to", to}); code != 2 {
		t.Fatalf("backup onto an existing file: exit %d, want 2\n%s%s", code, out, errb)
	}
	if !strings.Contains(errb.String(), "bestaat al") {
		t.Errorf("refusal: %s", errb)
	}
	if b, err := os.ReadFile(to); err != nil || string(b) != "de back-up van gisteren" {
		t.Errorf("the existing file was changed: %q, %v", b, err)
	}
}

func TestBackupOfAPostgresDatabaseExplainsPgDump(t *testing.T) {
	env, out, errb := testEnv(nil)
	code := run(context.Background(), env, []string{"backup", "--db", "postgres://mgz:geheim@db.voorbeeld.test/mgz", "--to", "x.db"})
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errb)
	}
	msg := errb.String()
	for _, want := range []string{"pg_dump -Fc", "pg_restore", "postgres://mgz@db.voorbeeld.test/mgz", "mgz audit verify"} {
		if !strings.Contains(msg, want) {
			t.Errorf("advice lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "geheim") {
		t.Errorf("the password is shown:\n%s", msg)
	}
}

func TestBackupOfAMissingDatabaseCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	env, _, errb := testEnv(nil)
	if code := run(context.Background(), env, []string{"backup", "--db", filepath.Join(dir, "weg.db"), "--to", filepath.Join(dir, "b.db")}); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errb)
	}
	for _, name := range []string{"weg.db", "b.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was created", name)
		}
	}
}
