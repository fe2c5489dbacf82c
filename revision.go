package mgz

import (
	"context"
	"time"
)

// RecordChange is one stored revision of an editable record, in Dutch, so that an editor whose
// edit was made on an older revision learns what changed since (StaleEdit).
type RecordChange struct {
	ObjectType string    `json:"object_type"` // as in the audit log: "agreement", "organisation", …
	ObjectID   int64     `json:"object_id"`   // 0 for the region's settings
	Revision   int64     `json:"revision"`
	Summary    string    `json:"summary"` // e.g. "ondertekend door Huisartsenpraktijk De Linde"
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// ChangeLog keeps a RecordChange per stored revision. Like the audit log it is only appended to.
type ChangeLog interface {
	Add(ctx context.Context, c RecordChange) error
	// Since returns the changes of a record after revision rev, oldest first.
	Since(ctx context.Context, objectType string, objectID, rev int64) ([]RecordChange, error)
}

// Stale reports whether an edit made on revision yours must be refused because the stored
// revision is current: yours 0 means the editor did not say (a blind write, accepted).
func Stale(yours, current int64) bool { return yours != 0 && yours != current }
