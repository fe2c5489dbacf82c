package sqlstore

import (
	"context"
	"database/sql"

	"github.com/regio-mgz/mgz"
)

// Store implements mgz.Store: every service of the database, inside one transaction or not.
type Store struct{ scope }

var _ mgz.Store = (*Store)(nil)

// Store returns the whole store of db.
func (db *DB) Store() *Store { return &Store{scope{db: db}} }

// Register implements mgz.Tx.
func (s *Store) Register() mgz.RegisterService { return &Register{s.scope} }

// Accounts implements mgz.Tx.
func (s *Store) Accounts() mgz.AccountStore { return &Accounts{s.scope} }

// Audit implements mgz.Tx.
func (s *Store) Audit() mgz.AuditLog { return &AuditLog{s.scope} }

// AuditLog returns the audit log with its verification.
func (s *Store) AuditLog() *AuditLog { return &AuditLog{s.scope} }

// Settings implements mgz.Tx.
func (s *Store) Settings() mgz.SettingsService { return &Settings{s.scope} }

// Atomic implements mgz.Store.
func (s *Store) Atomic(ctx context.Context, fn func(mgz.Tx) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return fn(&Store{scope{db: s.db, tx: tx}}) })
}

// Ping implements mgz.Store: it reports whether the database answers and can take writes
// (DB.Ready), for readiness.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ready(ctx) }
