package service

import (
	"context"
	"fmt"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
)

// fixedPhysicianObject is the audit object type of the fixed SO/AVG of locations and GP practices.
const fixedPhysicianObject = "fixed_physician"

// fixedPhysicianOwner returns the organisation that owns f: its GP practice, or its location's
// care provider. A location that does not exist is an invalid field.
func fixedPhysicianOwner(ctx context.Context, tx mgz.Tx, f mgz.FixedPhysician) (int64, error) {
	if f.OrganisationID != nil {
		return *f.OrganisationID, nil
	}
	if f.LocationID == nil {
		return 0, nil // Normalise names the missing owner
	}
	loc, err := tx.Register().Location(ctx, *f.LocationID)
	if mgz.ErrorCode(err) == mgz.ECodeNotFound {
		return 0, mgz.FieldError("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", *f.LocationID))
	}
	if err != nil {
		return 0, err
	}
	return loc.ProviderID, nil
}

func (s *Service) authorizeFixedPhysician(ctx context.Context, a mgz.Actor, act access.Action, owner, id int64) error {
	return s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.FixedPhysician, OrganisationID: owner}, auditAction[act], id)
}

// FixedPhysicians lists the fixed SO/AVG f selects; every signed-in user may read them.
func (s *Service) FixedPhysicians(ctx context.Context, a mgz.Actor, f mgz.FixedPhysicianFilter) ([]mgz.FixedPhysician, error) {
	if err := s.authorizeFixedPhysician(ctx, a, access.Read, 0, 0); err != nil {
		return nil, err
	}
	return s.store.FixedPhysicians().List(ctx, f)
}

// FixedPhysician returns one fixed SO/AVG.
func (s *Service) FixedPhysician(ctx context.Context, a mgz.Actor, id int64) (mgz.FixedPhysician, error) {
	if err := s.authorizeFixedPhysician(ctx, a, access.Read, 0, id); err != nil {
		return mgz.FixedPhysician{}, err
	}
	return s.store.FixedPhysicians().Get(ctx, id)
}

// FixedPhysicianOwner returns the organisation that owns f (for pages that show or hide forms).
func (s *Service) FixedPhysicianOwner(ctx context.Context, f mgz.FixedPhysician) (int64, error) {
	return fixedPhysicianOwner(ctx, s.store, f)
}

// MayCreateFixedPhysician checks, before a form is shown, that a may record a fixed SO/AVG for
// f's owner; a refusal is audited like a refused change.
func (s *Service) MayCreateFixedPhysician(ctx context.Context, a mgz.Actor, f mgz.FixedPhysician) error {
	owner, err := fixedPhysicianOwner(ctx, s.store, f)
	if err != nil {
		return err
	}
	return s.authorizeFixedPhysician(ctx, a, access.Create, owner, 0)
}

// CreateFixedPhysician records the fixed SO/AVG of a location or GP practice, by its owner's editor.
func (s *Service) CreateFixedPhysician(ctx context.Context, a mgz.Actor, f *mgz.FixedPhysician) error {
	if err := f.Normalise(); err != nil {
		return err
	}
	owner, err := fixedPhysicianOwner(ctx, s.store, *f)
	if err != nil {
		return err
	}
	if err := s.authorizeFixedPhysician(ctx, a, access.Create, owner, 0); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := tx.FixedPhysicians().Create(ctx, f); err != nil {
			return nil, err
		}
		return entry(a, mgz.AuditCreate, fixedPhysicianObject, f.ID, owner), nil
	})
}

// changeFixedPhysician authorises a change of fixed physician id by its owner's editor and runs do
// in one transaction with its audit entry, refusing an edit made on an older revision than rev
// (0: not said).
func (s *Service) changeFixedPhysician(ctx context.Context, a mgz.Actor, id, rev int64, act mgz.AuditAction, do func(mgz.Tx) error) error {
	cur, err := s.store.FixedPhysicians().Get(ctx, id)
	if err != nil {
		return err
	}
	owner, err := fixedPhysicianOwner(ctx, s.store, cur)
	if err != nil {
		return err
	}
	accAct := access.Update
	if act == mgz.AuditDelete {
		accAct = access.Delete
	}
	if err := s.authorizeFixedPhysician(ctx, a, accAct, owner, id); err != nil {
		return err
	}
	return s.audited(ctx, s.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		cur, err := tx.FixedPhysicians().Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if mgz.Stale(rev, cur.Revision) {
			return nil, staleEdit(ctx, tx, "De vaste SO/AVG", fixedPhysicianObject, id, rev, cur.Revision)
		}
		if err := do(tx); err != nil {
			return nil, err
		}
		return entry(a, act, fixedPhysicianObject, id, owner), nil
	})
}

// UpdateFixedPhysician changes sector, name, phone and service; f.Revision is the revision the
// edit was made on. The owner stays.
func (s *Service) UpdateFixedPhysician(ctx context.Context, a mgz.Actor, f *mgz.FixedPhysician) error {
	return s.changeFixedPhysician(ctx, a, f.ID, f.Revision, mgz.AuditUpdate, func(tx mgz.Tx) error {
		return tx.FixedPhysicians().Update(ctx, f)
	})
}

// DeleteFixedPhysician removes a fixed SO/AVG; rev is the revision the deletion was asked on (0:
// not said).
func (s *Service) DeleteFixedPhysician(ctx context.Context, a mgz.Actor, id, rev int64) error {
	return s.changeFixedPhysician(ctx, a, id, rev, mgz.AuditDelete, func(tx mgz.Tx) error {
		return tx.FixedPhysicians().Delete(ctx, id)
	})
}
