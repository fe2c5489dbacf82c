package service

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
)

// Register returns the register as actor may use it: reads of the public register for every
// signed-in user, changes only where the policy allows, each with its audit entry.
func (s *Service) Register(a mgz.Actor) mgz.RegisterService {
	return &register{s: s, a: a, store: s.store}
}

type register struct {
	s     *Service
	a     mgz.Actor
	store mgz.Store // inside Atomic: the transaction's store
	// inTx is true inside Atomic: reads there may see the transaction's own uncommitted
	// changes, so they neither use nor fill the location cache.
	inTx bool
}

var _ mgz.RegisterService = (*register)(nil)

func (r *register) read(ctx context.Context, k access.Kind) error {
	return r.s.authorize(ctx, r.store, r.a, access.Read, access.Resource{Kind: k}, mgz.AuditRead, 0)
}

// change authorises act on a resource owned by org and runs do with its audit entry.
func (r *register) change(ctx context.Context, k access.Kind, act access.Action, org int64, id func() int64, do func(mgz.RegisterService) error) error {
	auditAct := auditAction[act]
	if err := r.s.authorize(ctx, r.store, r.a, act, access.Resource{Kind: k, OrganisationID: org}, auditAct, id()); err != nil {
		return err
	}
	return r.s.audited(ctx, r.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		if err := do(tx.Register()); err != nil {
			return nil, err
		}
		return entry(r.a, auditAct, string(k), id(), org), nil
	})
}

// revised runs an update of a register record owned by owner as one read-modify-write: the
// current record is read inside the write transaction (read returns it, its owner and its
// revision), an edit made on an older revision than the stored one (expected; 0: not said) is
// refused with what changed since, and the change is stored with its audit entry and a line in
// the change log naming the fields that changed.
func (r *register) revised(ctx context.Context, k access.Kind, what string, id, owner, expected int64,
	read func(mgz.RegisterService) (before any, owner, rev int64, err error),
	write func(mgz.RegisterService) (after any, rev int64, err error)) error {
	if err := r.s.authorize(ctx, r.store, r.a, access.Update, access.Resource{Kind: k, OrganisationID: owner}, mgz.AuditUpdate, id); err != nil {
		return err
	}
	return r.s.audited(ctx, r.store, func(tx mgz.Tx) (*mgz.AuditEntry, error) {
		before, nowOwner, cur, err := read(tx.Register())
		if err != nil {
			return nil, err
		}
		if mgz.Stale(expected, cur) {
			return nil, staleEdit(ctx, tx, what, string(k), id, expected, cur)
		}
		if nowOwner != owner && !Allowed(r.a, access.Update, access.Resource{Kind: k, OrganisationID: nowOwner}) {
			return nil, mgz.Errorf(mgz.ECodeConflict, "%s is intussen bij een andere organisatie ondergebracht. Er is niets opgeslagen; open de pagina opnieuw.", what)
		}
		after, rev, err := write(tx.Register())
		if err != nil {
			return nil, err
		}
		by := r.s.who(ctx, tx, r.a)
		summary := "gewijzigd door " + by
		if fields := changedFields(before, after); len(fields) > 0 {
			summary += ": " + strings.Join(fields, ", ")
		}
		if err := r.s.logChange(ctx, tx, by, string(k), id, rev, summary); err != nil {
			return nil, err
		}
		return entry(r.a, mgz.AuditUpdate, string(k), id, owner), nil
	})
}

// fieldLabels are the Dutch names of the register's fields, for the change log.
var fieldLabels = map[string]string{
	"kind": "soort", "name": "naam", "agb": "AGB-code", "kvk": "KvK-nummer", "address": "adres", "postcode": "postcode",
	"city": "plaats", "phone": "telefoonnummer", "care_office_region": "zorgkantoorregio", "provider_id": "zorgaanbieder",
	"municipality": "gemeente", "setting": "woonvorm", "sector": "sector", "deliveries": "leveringsvormen", "places": "plaatsen",
	"fixed_gp_practice_id": "vaste huisartsenpraktijk", "physician_service_id": "SO/AVG-dienst", "organisation_id": "organisatie",
	"location_id": "locatie", "role": "rol", "hours": "bereikbaarheid",
}

// changedFields names, in Dutch, the fields whose JSON values differ between two records.
func changedFields(before, after any) []string {
	asMap := func(v any) map[string]json.RawMessage {
		m := map[string]json.RawMessage{}
		if b, err := json.Marshal(v); err == nil {
			_ = json.Unmarshal(b, &m)
		}
		return m
	}
	b, a := asMap(before), asMap(after)
	var out []string
	for k, v := range a {
		label, ok := fieldLabels[k]
		if ok && string(b[k]) != string(v) {
			out = append(out, label)
		}
	}
	sort.Strings(out)
	return out
}

func (r *register) Organisation(ctx context.Context, id int64) (mgz.Organisation, error) {
	if err := r.read(ctx, access.Organisation); err != nil {
		return mgz.Organisation{}, err
	}
	return r.store.Register().Organisation(ctx, id)
}

func (r *register) Organisations(ctx context.Context, f mgz.OrganisationFilter) ([]mgz.Organisation, int, error) {
	if err := r.read(ctx, access.Organisation); err != nil {
		return nil, 0, err
	}
	return r.store.Register().Organisations(ctx, f)
}

func (r *register) CreateOrganisation(ctx context.Context, o *mgz.Organisation) error {
	return r.change(ctx, access.Organisation, access.Create, 0, func() int64 { return o.ID },
		func(reg mgz.RegisterService) error { return reg.CreateOrganisation(ctx, o) })
}

// UpdateOrganisation: an organisation keeps its own data; changing what kind of organisation it
// is re-shapes its rights (an organisation that became the RHO would keep the register), so that
// is asked of the policy as adding an organisation to the register.
func (r *register) UpdateOrganisation(ctx context.Context, o *mgz.Organisation) error {
	old, err := r.store.Register().Organisation(ctx, o.ID)
	if err != nil {
		return err
	}
	if o.Kind != old.Kind {
		if err := r.s.authorize(ctx, r.store, r.a, access.Create, access.Resource{Kind: access.Organisation}, mgz.AuditUpdate, o.ID); err != nil {
			return err
		}
	}
	defer r.s.invalidate(ctx, Invalidation{OrganisationID: o.ID}) // its users' rights follow its kind at once
	return r.revised(ctx, access.Organisation, "De organisatie", o.ID, o.ID, o.Revision,
		func(reg mgz.RegisterService) (any, int64, int64, error) {
			cur, err := reg.Organisation(ctx, o.ID)
			if err == nil && o.Revision == 0 && cur.Kind != old.Kind { // the policy was asked about the kind it had
				err = mgz.Errorf(mgz.ECodeConflict, "De soort van %s is intussen gewijzigd. Er is niets opgeslagen; open de pagina opnieuw.", cur.Name)
			}
			return cur, cur.ID, cur.Revision, err
		},
		func(reg mgz.RegisterService) (any, int64, error) {
			err := reg.UpdateOrganisation(ctx, o)
			return *o, o.Revision, err
		})
}

func (r *register) DeleteOrganisation(ctx context.Context, id int64) error {
	if _, err := r.store.Register().Organisation(ctx, id); err != nil {
		return err
	}
	return r.change(ctx, access.Organisation, access.Delete, id, func() int64 { return id },
		func(reg mgz.RegisterService) error { return reg.DeleteOrganisation(ctx, id) })
}

func (r *register) Location(ctx context.Context, id int64) (mgz.Location, error) {
	if err := r.read(ctx, access.Location); err != nil {
		return mgz.Location{}, err
	}
	if r.inTx {
		return r.store.Register().Location(ctx, id)
	}
	// The policy has allowed the read above; the cache only saves the store's work. The
	// generation is read before the store, so a change committed meanwhile is never kept as
	// current.
	gen, now := r.s.generation.Load(), time.Now()
	if l, ok := r.s.locations.get(id, gen, now); ok {
		return l, nil
	}
	l, err := r.store.Register().Location(ctx, id)
	if err != nil {
		return l, err
	}
	r.s.locations.put(l, gen, now)
	return l, nil
}

func (r *register) Locations(ctx context.Context, f mgz.LocationFilter) ([]mgz.Location, int, error) {
	if err := r.read(ctx, access.Location); err != nil {
		return nil, 0, err
	}
	return r.store.Register().Locations(ctx, f)
}

// CreateLocation: the location belongs to the care provider it names.
func (r *register) CreateLocation(ctx context.Context, l *mgz.Location) error {
	return r.change(ctx, access.Location, access.Create, l.ProviderID, func() int64 { return l.ID },
		func(reg mgz.RegisterService) error { return reg.CreateLocation(ctx, l) })
}

// UpdateLocation: the provider must own the location now, and stays its owner.
func (r *register) UpdateLocation(ctx context.Context, l *mgz.Location) error {
	old, err := r.store.Register().Location(ctx, l.ID)
	if err != nil {
		return err
	}
	if l.ProviderID != old.ProviderID {
		if err := r.s.authorize(ctx, r.store, r.a, access.Create, access.Resource{Kind: access.Location, OrganisationID: l.ProviderID}, mgz.AuditUpdate, l.ID); err != nil {
			return err
		}
	}
	return r.revised(ctx, access.Location, "De locatie", l.ID, old.ProviderID, l.Revision,
		func(reg mgz.RegisterService) (any, int64, int64, error) {
			cur, err := reg.Location(ctx, l.ID)
			return cur, cur.ProviderID, cur.Revision, err
		},
		func(reg mgz.RegisterService) (any, int64, error) {
			err := reg.UpdateLocation(ctx, l)
			return *l, l.Revision, err
		})
}

func (r *register) DeleteLocation(ctx context.Context, id int64) error {
	old, err := r.store.Register().Location(ctx, id)
	if err != nil {
		return err
	}
	return r.change(ctx, access.Location, access.Delete, old.ProviderID, func() int64 { return id },
		func(reg mgz.RegisterService) error { return reg.DeleteLocation(ctx, id) })
}

func (r *register) ContactPoint(ctx context.Context, id int64) (mgz.ContactPoint, error) {
	if err := r.read(ctx, access.ContactPoint); err != nil {
		return mgz.ContactPoint{}, err
	}
	return r.store.Register().ContactPoint(ctx, id)
}

func (r *register) ContactPoints(ctx context.Context, f mgz.ContactPointFilter) ([]mgz.ContactPoint, int, error) {
	if err := r.read(ctx, access.ContactPoint); err != nil {
		return nil, 0, err
	}
	return r.store.Register().ContactPoints(ctx, f)
}

// contactOwner is the organisation a contact point belongs to: its organisation, or its location's
// provider. An unknown location or organisation owns nothing: the store then names the field.
func (r *register) contactOwner(ctx context.Context, c mgz.ContactPoint) int64 {
	if c.OrganisationID != nil {
		return *c.OrganisationID
	}
	if c.LocationID != nil {
		if l, err := r.store.Register().Location(ctx, *c.LocationID); err == nil {
			return l.ProviderID
		}
	}
	return 0
}

func (r *register) CreateContactPoint(ctx context.Context, c *mgz.ContactPoint) error {
	return r.change(ctx, access.ContactPoint, access.Create, r.contactOwner(ctx, *c), func() int64 { return c.ID },
		func(reg mgz.RegisterService) error { return reg.CreateContactPoint(ctx, c) })
}

func (r *register) UpdateContactPoint(ctx context.Context, c *mgz.ContactPoint) error {
	old, err := r.store.Register().ContactPoint(ctx, c.ID)
	if err != nil {
		return err
	}
	if owner := r.contactOwner(ctx, *c); owner != r.contactOwner(ctx, old) {
		if err := r.s.authorize(ctx, r.store, r.a, access.Create, access.Resource{Kind: access.ContactPoint, OrganisationID: owner}, mgz.AuditUpdate, c.ID); err != nil {
			return err
		}
	}
	return r.revised(ctx, access.ContactPoint, "Het contactpunt", c.ID, r.contactOwner(ctx, old), c.Revision,
		func(reg mgz.RegisterService) (any, int64, int64, error) {
			cur, err := reg.ContactPoint(ctx, c.ID)
			return cur, r.contactOwner(ctx, cur), cur.Revision, err
		},
		func(reg mgz.RegisterService) (any, int64, error) {
			err := reg.UpdateContactPoint(ctx, c)
			return *c, c.Revision, err
		})
}

func (r *register) DeleteContactPoint(ctx context.Context, id int64) error {
	old, err := r.store.Register().ContactPoint(ctx, id)
	if err != nil {
		return err
	}
	return r.change(ctx, access.ContactPoint, access.Delete, r.contactOwner(ctx, old), func() int64 { return id },
		func(reg mgz.RegisterService) error { return reg.DeleteContactPoint(ctx, id) })
}

func (r *register) Overview(ctx context.Context) (mgz.Overview, error) {
	if err := r.read(ctx, access.Location); err != nil {
		return mgz.Overview{}, err
	}
	return r.store.Register().Overview(ctx)
}

// Atomic runs fn with a register whose changes, audit entries included, commit together.
//
// The changes' audited calls move the generation before this outer transaction commits; it is
// moved once more after the commit, so that nothing read between the two is kept as current.
func (r *register) Atomic(ctx context.Context, fn func(mgz.RegisterService) error) error {
	defer r.s.generation.Add(1)
	return r.store.Atomic(ctx, func(tx mgz.Tx) error {
		return fn(&register{s: r.s, a: r.a, store: txStore{tx, r.store}, inTx: true})
	})
}

// txStore is a transaction seen as a store: Atomic inside it joins the transaction.
type txStore struct {
	mgz.Tx
	parent mgz.Store
}

func (t txStore) Atomic(ctx context.Context, fn func(mgz.Tx) error) error { return fn(t.Tx) }
func (t txStore) Ping(ctx context.Context) error                          { return t.parent.Ping(ctx) }
