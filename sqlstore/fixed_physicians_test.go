package sqlstore

import (
	"context"
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestFixedPhysicianStore(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	prov := provider("Zorggroep Vast", "")
	gp := practice("Praktijk Vast", "01000019")
	svc := provider("SO-dienst Vast", "")
	svc.Kind = mgz.KindPhysicianService
	for _, o := range []*mgz.Organisation{prov, gp, svc} {
		if err := db.Register().CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	loc := location(prov.ID, "De Eik")
	if err := db.Register().CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	fs := st.FixedPhysicians()

	f := &mgz.FixedPhysician{LocationID: &loc.ID, Sector: mgz.SectorElderly, Name: " Dr. A. de Vries ", Phone: "030-7654321", ServiceID: &svc.ID}
	if err := fs.Create(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, err := fs.Get(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Dr. A. de Vries" || got.Phone != f.Phone || got.Phone == "030-7654321" || got.Revision != 1 ||
		got.LocationID == nil || *got.LocationID != loc.ID || got.OrganisationID != nil || got.ServiceID == nil || *got.ServiceID != svc.ID {
		t.Fatalf("round trip: %+v", got)
	}

	t.Run("a second one for the same location and sector is a conflict", func(t *testing.T) {
		err := fs.Create(ctx, &mgz.FixedPhysician{LocationID: &loc.ID, Sector: mgz.SectorElderly, Name: "B", Phone: "0301112233"})
		mustCode(t, err, mgz.ECodeConflict, "")
		if e, _ := err.(*mgz.Error); e == nil || e.Message == "" {
			t.Fatalf("want a Dutch message, got %v", err)
		}
	})
	t.Run("another sector at the same location is fine", func(t *testing.T) {
		if err := fs.Create(ctx, &mgz.FixedPhysician{LocationID: &loc.ID, Sector: mgz.SectorDisability, Name: "C", Phone: "0301112233"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a GP practice may own one, a care provider may not", func(t *testing.T) {
		if err := fs.Create(ctx, &mgz.FixedPhysician{OrganisationID: &gp.ID, Sector: mgz.SectorElderly, Name: "D", Phone: "0301112233"}); err != nil {
			t.Fatal(err)
		}
		mustCode(t, fs.Create(ctx, &mgz.FixedPhysician{OrganisationID: &gp.ID, Sector: mgz.SectorElderly, Name: "E", Phone: "0301112233"}),
			mgz.ECodeConflict, "")
		mustCode(t, fs.Create(ctx, &mgz.FixedPhysician{OrganisationID: &prov.ID, Sector: mgz.SectorElderly, Name: "E", Phone: "0301112233"}),
			mgz.ECodeInvalid, "organisation_id")
		missing := int64(9999)
		mustCode(t, fs.Create(ctx, &mgz.FixedPhysician{LocationID: &missing, Sector: mgz.SectorElderly, Name: "E", Phone: "0301112233"}),
			mgz.ECodeInvalid, "location_id")
	})
	t.Run("the service is an SO/AVG service or a care provider", func(t *testing.T) {
		mustCode(t, fs.Create(ctx, &mgz.FixedPhysician{OrganisationID: &gp.ID, Sector: mgz.SectorDisability, Name: "E", Phone: "0301112233", ServiceID: &gp.ID}),
			mgz.ECodeInvalid, "service_id")
		if err := fs.Create(ctx, &mgz.FixedPhysician{OrganisationID: &gp.ID, Sector: mgz.SectorDisability, Name: "E", Phone: "0301112233", ServiceID: &prov.ID}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("listing filters by owner", func(t *testing.T) {
		at, err := fs.List(ctx, mgz.FixedPhysicianFilter{LocationID: loc.ID})
		if err != nil || len(at) != 2 || at[0].Sector != mgz.SectorElderly {
			t.Fatalf("location: %+v, %v", at, err)
		}
		of, err := fs.List(ctx, mgz.FixedPhysicianFilter{OrganisationID: gp.ID})
		if err != nil || len(of) != 2 {
			t.Fatalf("practice: %+v, %v", of, err)
		}
	})
	t.Run("update keeps the owner and refuses a stale revision", func(t *testing.T) {
		other := gp.ID
		up := &mgz.FixedPhysician{ID: f.ID, OrganisationID: &other, Sector: mgz.SectorElderly, Name: "Dr. B. Jansen", Phone: "06-12345678", Revision: 1}
		if err := fs.Update(ctx, up); err != nil {
			t.Fatal(err)
		}
		got, _ := fs.Get(ctx, f.ID)
		if got.Name != "Dr. B. Jansen" || got.Revision != 2 || got.LocationID == nil || got.OrganisationID != nil || got.ServiceID != nil {
			t.Fatalf("after update: %+v", got)
		}
		mustCode(t, fs.Update(ctx, &mgz.FixedPhysician{ID: f.ID, Sector: mgz.SectorElderly, Name: "X", Phone: "0301112233", Revision: 1}),
			mgz.ECodeConflict, "")
		mustCode(t, fs.Update(ctx, &mgz.FixedPhysician{ID: f.ID, Sector: mgz.SectorDisability, Name: "X", Phone: "0301112233", Revision: 2}),
			mgz.ECodeConflict, "")
	})
	t.Run("delete", func(t *testing.T) {
		if err := fs.Delete(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		mustCode(t, fs.Delete(ctx, f.ID), mgz.ECodeNotFound, "")
		mustCode(t, func() error { _, err := fs.Get(ctx, f.ID); return err }(), mgz.ECodeNotFound, "")
	})
}
