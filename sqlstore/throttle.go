package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
)

// The failed attempts of the throttles live in throttle_failures (migration 0018), so that every
// instance of mgz on one database counts the attempts made through all of them. Each statement
// reads or deletes through an index: (key_hash, at) for a key's failures, expires_at for pruning.

var _ mgz.FailureStore = (*Store)(nil)

// AddFailure implements mgz.FailureStore. It never joins the store's transaction: a failure
// counts even when the change it belonged to is rolled back.
func (s *Store) AddFailure(ctx context.Context, key string, at, expires time.Time) error {
	_, err := s.db.failures().ExecContext(ctx, "INSERT INTO throttle_failures (key_hash, at, expires_at) VALUES ($1, $2, $3)",
		key, formatTime(at), formatTime(expires))
	if err != nil {
		return fmt.Errorf("mislukte poging vastleggen: %w", err)
	}
	return nil
}

// NthRecentFailure implements mgz.FailureStore.
func (s *Store) NthRecentFailure(ctx context.Context, key string, since time.Time, n int) (time.Time, bool, error) {
	if n < 1 {
		return time.Time{}, false, errors.New("sqlstore: NthRecentFailure counts from 1")
	}
	var at string
	err := s.db.failures().QueryRowContext(ctx, "SELECT at FROM throttle_failures WHERE key_hash = $1 AND at > $2 ORDER BY at DESC LIMIT 1 OFFSET $3",
		key, formatTime(since), n-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("mislukte pogingen lezen: %w", err)
	}
	t, err := parseTime(at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("mislukte pogingen lezen: %w", err)
	}
	return t, true, nil
}

// ForgetFailures implements mgz.FailureStore.
func (s *Store) ForgetFailures(ctx context.Context, key string) error {
	if _, err := s.db.failures().ExecContext(ctx, "DELETE FROM throttle_failures WHERE key_hash = $1", key); err != nil {
		return fmt.Errorf("mislukte pogingen vergeten: %w", err)
	}
	return nil
}

// PruneFailures implements mgz.FailureStore.
func (s *Store) PruneFailures(ctx context.Context, before time.Time) error {
	if _, err := s.db.failures().ExecContext(ctx, "DELETE FROM throttle_failures WHERE expires_at <= $1", formatTime(before)); err != nil {
		return fmt.Errorf("verlopen mislukte pogingen opruimen: %w", err)
	}
	return nil
}

// failures runs the statements of throttle_failures outside any transaction, through the
// statement cache.
func (db *DB) failures() querier { return scope{db: db}.q() }
