package service

import (
	"context"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Optimistic concurrency (architecture.md, "Read-modify-write happens inside the write
// transaction"): a change reads the current record inside its write transaction, compares the
// revision the editor saw with the stored one, applies the change there and records one Dutch
// line in the change log, so that a later stale edit can be told what changed since.

// staleEdit is the 409 for an edit made on revision yours of a record now at current, listing
// the changes since from the change log, in the transaction tx.
func staleEdit(ctx context.Context, tx mgz.Tx, what, objType string, id, yours, current int64) error {
	lines, err := changesSince(ctx, tx, objType, id, yours)
	if err != nil {
		return err
	}
	// "Wijziging", not "versie": an agreement also has versions of its terms, and a revision
	// is not one of them.
	return mgz.StaleEdit(what, yours, current, lines)
}

// changesSince lists, in Dutch and oldest first, the changes of a record after revision rev.
func changesSince(ctx context.Context, tx mgz.Tx, objType string, id, rev int64) ([]string, error) {
	chs, err := tx.Changes().Since(ctx, objType, id, rev)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, c := range chs {
		lines = append(lines, fmt.Sprintf("%s (%s)", c.Summary, changeMoment(c.At)))
	}
	return lines, nil
}

// changeMoment is the moment of a change in a Dutch stale-edit line, to the minute.
func changeMoment(t time.Time) string { return t.In(calendar.Location()).Format("02-01-2006 15:04") }

// who names the actor for the change log and for other parties: the person with their
// organisation, e.g. "J. de Vries (Huisartsenpraktijk De Linde)". It never names a patient.
func (s *Service) who(ctx context.Context, tx mgz.Tx, a mgz.Actor) string {
	if a.System {
		return "de beheerder (opdrachtregel)"
	}
	name := a.User.Name
	if name == "" {
		name = a.User.Email
	}
	if o, err := tx.Register().Organisation(ctx, a.User.OrganisationID); err == nil {
		return name + " (" + o.Name + ")"
	}
	return name
}

// orgName is an organisation's name for a Dutch line, or its number when it is gone.
func orgName(ctx context.Context, tx mgz.Tx, id int64) string {
	if o, err := tx.Register().Organisation(ctx, id); err == nil {
		return o.Name
	}
	return fmt.Sprintf("organisatie %d", id)
}

// logChange records revision rev of a record in the change log of tx, made by by (see who; the
// caller names the actor once, for the log and for its summary).
func (s *Service) logChange(ctx context.Context, tx mgz.Tx, by, objType string, id, rev int64, summary string) error {
	return tx.Changes().Add(ctx, mgz.RecordChange{ObjectType: objType, ObjectID: id, Revision: rev,
		Summary: summary, By: by, At: s.now()})
}
