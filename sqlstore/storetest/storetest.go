// Package storetest gives tests a fresh, empty mgz database on the backend under test: a SQLite
// file in the test's temporary directory, or a scratch database on a PostgreSQL server.
//
// The backend is chosen by the environment, so one test suite runs on both:
//
//	MGZ_TEST_POSTGRES  the URL of a PostgreSQL server whose user may create databases
//	                   (.ci/postgres starts one); tests that need PostgreSQL use it.
//	MGZ_TEST_STORE     "postgres": DSN gives PostgreSQL databases; otherwise SQLite files.
//
// Under CI=true a test that needs PostgreSQL fails when MGZ_TEST_POSTGRES is missing, rather than
// skipping.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables that choose the backend under test.
const (
	ServerEnv = "MGZ_TEST_POSTGRES"
	StoreEnv  = "MGZ_TEST_STORE"
)

// Postgres reports whether DSN gives PostgreSQL databases in this run.
func Postgres() bool { return os.Getenv(StoreEnv) == "postgres" }

// DSN returns the --db value of a fresh, empty database on the backend under test; the
// database is removed when the test ends.
func DSN(t testing.TB) string {
	t.Helper()
	if Postgres() {
		return PostgresDSN(t)
	}
	return filepath.Join(t.TempDir(), "mgz.db")
}

// ServerDSN returns the URL of the PostgreSQL server for tests. Without one the test is skipped,
// or fails under CI=true.
func ServerDSN(t testing.TB) string {
	t.Helper()
	server := os.Getenv(ServerEnv)
	if server == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: under CI=true the PostgreSQL tests must run (.ci/run starts a server with .ci/postgres)", ServerEnv)
		}
		t.Skipf("no PostgreSQL server for tests: start one with eval \"$(.ci/postgres start DIR)\" and set %s", ServerEnv)
	}
	return server
}

// PostgresDSN creates an empty scratch database on the test server and returns its URL. It is
// dropped when the test ends, with any connection still open to it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	server := ServerDSN(t)
	name := "mgz_test_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := exec(ctx, server, fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		t.Fatalf("create scratch database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := exec(ctx, server, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Errorf("drop scratch database %s: %v", name, err)
		}
	})
	dsn, err := withDatabase(server, name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// withDatabase returns the server URL with its database replaced by name.
func withDatabase(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("%s is not a URL: %w", ServerEnv, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func exec(ctx context.Context, dsn, stmt string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, stmt)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
