package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/roster"
)

// rosterObject is the audit object type of rosters and their shifts.
const rosterObject = "roster"

// rosterOwner returns the organisation that owns r: its organisation, or its location's care
// provider. A location that does not exist is an invalid field.
func rosterOwner(ctx context.Context, tx mgz.Tx, r mgz.Roster) (int64, error) {
	if r.OrganisationID != nil {
		return *r.OrganisationID, nil
	}
	if r.LocationID == nil {
		return 0, nil // Normalise names the missing owner
	}
	loc, err := tx.Register().Location(ctx, *r.LocationID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return 0, mgz.FieldError("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *r.LocationID))
	}
	if err != nil {
		return 0, err
	}
	return loc.ProviderID, nil
}

func (s *Service) authorizeRoster(ctx context.Context, a mgz.Actor, act access.Action, owner, id int64) error {
	return s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.Roster, OrganisationID: owner}, auditAction[act], id)
}

// Rosters lists rosters without their shifts; every signed-in user may read who is on call.
func (s *Service) Rosters(ctx context.Context, a mgz.Actor, f mgz.RosterFilter) ([]mgz.Roster, int, error) {
	if err := s.authorizeRoster(ctx, a, access.Read, 0, 0); err != nil {
		return nil, 0, err
	}
	return s.store.Rosters().Rosters(ctx, f)
}

// Roster returns one roster with its shifts.
func (s *Service) Roster(ctx context.Context, a mgz.Actor, id int64) (mgz.Roster, error) {
	if err := s.authorizeRoster(ctx, a, access.Read, 0, id); err != nil {
		return mgz.Roster{}, err
	}
	return s.store.Rosters().Roster(ctx, id)
}

// RosterOwner returns the organisation that owns roster r (for pages that show or hide edit links).
func (s *Service) RosterOwner(ctx context.Context, r mgz.Roster) (int64, error) {
	return rosterOwner(ctx, s.store, r)
}

// CreateRoster stores a new roster (with any shifts it carries) for its owner's editor.
func (s *Service) CreateRoster(ctx context.Context, a mgz.Actor, r *mgz.Roster) error {
	if err := r.Normalise(); err != nil {
		return err
	}
	owner, err := rosterOwner(ctx, s.store, *r)
	if err != nil {
		return err
	}
	if err := s.authorizeRoster(ctx, a, access.Create, owner, 0); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.Rosters().CreateRoster(ctx, r); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditCreate, rosterObject, r.ID, owner), nil
	})
}

// changeRoster authorises an update of roster id by its owner's editor and runs do in one
// transaction with its audit entry, refusing an edit made on an older revision than rev (0: not
// said).
func (s *Service) changeRoster(ctx context.Context, a mgz.Actor, id, rev int64, act mgz.AuditAction, reason string, do func(mgz.Tx, mgz.Roster) error) error {
	cur, err := s.store.Rosters().Roster(ctx, id)
	if err != nil {
		return err
	}
	owner, err := rosterOwner(ctx, s.store, cur)
	if err != nil {
		return err
	}
	accAct := access.Update
	if act == mgz.AuditDelete {
		accAct = access.Delete
	}
	if err := s.authorizeRoster(ctx, a, accAct, owner, id); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		cur, err := tx.Rosters().Roster(ctx, id)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(rev, cur.Revision) {
			return nil, staleEdit(ctx, tx, "Het rooster", rosterObject, id, rev, cur.Revision)
		}
		if err := do(tx, cur); err != nil {
			return nil, err
		}
		e := entry(a, act, rosterObject, id, owner)
		e.Reason = reason
		return e, nil
	})
}

// UpdateRoster changes a roster's name and phone; r.Revision is the revision the edit was made on.
func (s *Service) UpdateRoster(ctx context.Context, a mgz.Actor, r *mgz.Roster) error {
	if err := r.Normalise(); err != nil {
		return err
	}
	return s.changeRoster(ctx, a, r.ID, r.Revision, mgz.AuditUpdate, "", func(tx mgz.Tx, _ mgz.Roster) error {
		return tx.Rosters().UpdateRoster(ctx, r)
	})
}

// DeleteRoster removes a roster with its shifts.
func (s *Service) DeleteRoster(ctx context.Context, a mgz.Actor, id, rev int64) error {
	return s.changeRoster(ctx, a, id, rev, mgz.AuditDelete, "", func(tx mgz.Tx, _ mgz.Roster) error {
		return tx.Rosters().DeleteRoster(ctx, id)
	})
}

// AddShift adds a shift to its roster.
func (s *Service) AddShift(ctx context.Context, a mgz.Actor, sh *mgz.Shift, rev int64) error {
	if err := sh.Normalise(); err != nil {
		return err
	}
	if err := checkRRule(sh); err != nil {
		return err
	}
	if sh.UID == "" {
		// A shift entered by hand gets its own key, as an imported one has its file's.
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		sh.UID = hex.EncodeToString(b[:]) + "@mgz"
	}
	return s.changeRoster(ctx, a, sh.RosterID, rev, mgz.AuditUpdate, "dienst toegevoegd", func(tx mgz.Tx, _ mgz.Roster) error {
		return tx.Rosters().AddShift(ctx, sh)
	})
}

// checkRRule refuses a recurrence rule that cannot be expanded, so a stored shift always can be.
func checkRRule(sh *mgz.Shift) error {
	if sh.RRule == "" {
		return nil
	}
	if _, err := roster.Occurrences(sh, sh.Start, sh.Start.Add(time.Minute), 0); err != nil {
		return mgz.FieldError("rrule", fmt.Sprintf("De herhaling %q is geen geldige RRULE (RFC 5545). Gebruik bijvoorbeeld FREQ=WEEKLY;BYDAY=MO,TU of kies een herhaling uit de lijst.", sh.RRule))
	}
	return nil
}

// DeleteShift removes one shift from a roster.
func (s *Service) DeleteShift(ctx context.Context, a mgz.Actor, rosterID, shiftID, rev int64) error {
	return s.changeRoster(ctx, a, rosterID, rev, mgz.AuditUpdate, fmt.Sprintf("dienst %d verwijderd", shiftID), func(tx mgz.Tx, _ mgz.Roster) error {
		return tx.Rosters().DeleteShift(ctx, rosterID, shiftID)
	})
}

// ImportShifts replaces the roster's shifts of source by shifts, matched by UID, all or nothing:
// importing the same file again changes nothing (and writes no audit entry for a change).
func (s *Service) ImportShifts(ctx context.Context, a mgz.Actor, rosterID int64, source mgz.ShiftSource, shifts []mgz.Shift) (mgz.ImportResult, error) {
	var res mgz.ImportResult
	err := s.changeRoster(ctx, a, rosterID, 0, mgz.AuditUpdate, "", func(tx mgz.Tx, _ mgz.Roster) error {
		var err error
		res, err = tx.Rosters().ReplaceShifts(ctx, rosterID, source, shifts)
		return err
	})
	return res, err
}
