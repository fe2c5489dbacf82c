package sqlstore

import (
	"context"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// A writer that read a record before another writer changed it must be refused, never write the
// old state back over the change (the cause of the lost signatures) nor fail on a constraint.
func TestAWriteOnAnOlderRevisionIsRefusedAsStale(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	reg, store := db.Register(), db.Store()
	p := provider("Zorggroep", "")
	gp := practice("De Linde", "01000001")
	if err := reg.CreateOrganisation(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := reg.CreateOrganisation(ctx, gp); err != nil {
		t.Fatal(err)
	}
	l := location(p.ID, "Het Hof")
	if err := reg.CreateLocation(ctx, l); err != nil {
		t.Fatal(err)
	}
	ag := &mgz.Agreement{Type: mgz.AgreementSubcontract, Status: mgz.AgreementDraft, Provider: p.ID, Practice: gp.ID, Locations: []int64{l.ID}}
	if err := store.Agreements().SaveVersion(ctx, ag, "opgesteld"); err != nil || ag.Revision != 1 || ag.VersionRevision != 1 {
		t.Fatalf("new agreement: revision %d, version revision %d, %v", ag.Revision, ag.VersionRevision, err)
	}
	tests := []struct {
		name  string
		write func(stale bool) error
	}{
		{"agreement state", func(stale bool) error {
			a, _ := store.Agreements().Agreement(ctx, ag.ID)
			if stale {
				a.Revision--
			}
			a.Status = mgz.AgreementSigning
			return store.Agreements().Update(ctx, &a)
		}},
		{"agreement version", func(stale bool) error {
			a, _ := store.Agreements().Agreement(ctx, ag.ID)
			if stale {
				a.Revision--
			}
			a.NoticeMonths++
			return store.Agreements().SaveVersion(ctx, &a, "gewijzigd")
		}},
		{"organisation", func(stale bool) error {
			o, _ := reg.Organisation(ctx, p.ID)
			if stale {
				o.Revision--
			}
			o.Name += " x"
			return reg.UpdateOrganisation(ctx, &o)
		}},
		{"location", func(stale bool) error {
			x, _ := reg.Location(ctx, l.ID)
			if stale {
				x.Revision--
			}
			x.Places++
			return reg.UpdateLocation(ctx, &x)
		}},
		{"calendar settings", func(stale bool) error {
			rev, _ := store.Settings().CalendarRevision(ctx)
			if stale {
				rev--
			}
			_, err := store.Settings().UpdateCalendarSettings(ctx, calendar.Default(), rev)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.write(false); err != nil {
				t.Fatalf("a write on the stored revision: %v", err)
			}
			if err := tt.write(false); err != nil {
				t.Fatalf("the revision did not follow the write: %v", err)
			}
			mustCode(t, tt.write(true), mgz.ECodeConflict, "")
		})
	}
}
