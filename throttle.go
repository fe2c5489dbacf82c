package mgz

import (
	"context"
	"time"
)

// FailureStore keeps the failed attempts that throttles count (logins, current passwords, BSN
// matching) where every instance of mgz serving the same database sees them, so that attempts
// spread over several instances behind a load balancer count together.
//
// Keys reach the store only as keyed hashes (auth.Throttle hashes them): the store never holds an
// e-mail address, a network address or a BSN in clear.
type FailureStore interface {
	// AddFailure records a failure of key at at; it may be forgotten after expires.
	AddFailure(ctx context.Context, key string, at, expires time.Time) error
	// NthRecentFailure returns the time of key's n-th most recent failure after since (n counts
	// from 1), and false when key has fewer than n failures after since.
	NthRecentFailure(ctx context.Context, key string, since time.Time, n int) (time.Time, bool, error)
	// ForgetFailures forgets every failure of key, after a success.
	ForgetFailures(ctx context.Context, key string) error
	// PruneFailures forgets the failures that expired at or before before.
	PruneFailures(ctx context.Context, before time.Time) error
}
