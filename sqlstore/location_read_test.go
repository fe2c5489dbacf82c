package sqlstore

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// TestLocationReadsEveryDeliveryInOneQuery guards getLocation's single query (the location and
// its deliveries joined): a location with no, one and several deliveries is read back exactly,
// deliveries in the order of the enumeration, as the list of locations reads them too; a
// missing location is not found, also next to locations that have deliveries.
func TestLocationReadsEveryDeliveryInOneQuery(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	reg := db.Register()
	p := provider("Zorggroep", "")
	gp := practice("De Linde", "01000001")
	for _, o := range []*mgz.Organisation{p, gp} {
		if err := reg.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}

	one := location(p.ID, "Het Hof")
	one.FixedGPPracticeID = &gp.ID
	one.Lifecycle = mgz.LifecyclePlanned
	one.ExpectedOpening = mgz.NewDate(2027, time.March, 1)
	several := location(p.ID, "De Es")
	// Given out of the enumeration's order: read back in it.
	several.Deliveries = []mgz.Delivery{mgz.DeliveryPGB, mgz.DeliveryStayWithoutTreatment, mgz.DeliveryMPT, mgz.DeliveryVPT}
	none := location(p.ID, "De Wilg")
	institution := location(p.ID, "Huize Berg")
	institution.Setting = mgz.SettingInstitution
	institution.Deliveries = []mgz.Delivery{mgz.DeliveryStayWithoutTreatment, mgz.DeliveryStayWithTreatment}
	for _, l := range []*mgz.Location{one, several, none, institution} {
		if err := reg.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	// The rules ask for at least one delivery; a row that has none (from before that rule, or
	// changed by hand) must still read as an empty list, not as missing or as one empty value.
	if _, err := db.sql.ExecContext(ctx, "DELETE FROM location_deliveries WHERE location_id = $1", none.ID); err != nil {
		t.Fatal(err)
	}

	want := map[int64][]mgz.Delivery{
		one.ID:         {mgz.DeliveryVPT},
		several.ID:     {mgz.DeliveryStayWithoutTreatment, mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB},
		none.ID:        {},
		institution.ID: {mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment},
	}
	listed, _, err := reg.Locations(ctx, mgz.LocationFilter{ProviderID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(want) {
		t.Fatalf("Locations: %d locations, want %d", len(listed), len(want))
	}
	for _, fromList := range listed {
		got, err := reg.Location(ctx, fromList.ID)
		if err != nil {
			t.Fatalf("Location(%d): %v", fromList.ID, err)
		}
		if got.Deliveries == nil || !reflect.DeepEqual(got.Deliveries, want[got.ID]) {
			t.Errorf("Location(%d %s).Deliveries = %#v, want %#v", got.ID, got.Name, got.Deliveries, want[got.ID])
		}
		if !reflect.DeepEqual(got, fromList) {
			t.Errorf("Location(%d) = %+v\nthe list has %+v", got.ID, got, fromList)
		}
	}

	got, err := reg.Location(ctx, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Het Hof" || got.ProviderID != p.ID || got.FixedGPPracticeID == nil || *got.FixedGPPracticeID != gp.ID ||
		got.PhysicianServiceID != nil || got.ExpectedOpening != one.ExpectedOpening || got.Places != 12 ||
		got.Revision != one.Revision || got.CreatedAt.IsZero() || !got.UpdatedAt.Equal(one.UpdatedAt) {
		t.Errorf("Location(%d) = %+v, want what was created: %+v", one.ID, got, one)
	}

	// Inside a transaction (the same query on the transaction's connection).
	err = reg.Atomic(ctx, func(tx mgz.RegisterService) error {
		got, err := tx.Location(ctx, several.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got.Deliveries, want[several.ID]) {
			t.Errorf("in a transaction: Deliveries = %v, want %v", got.Deliveries, want[several.ID])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := reg.Location(ctx, institution.ID+1000); mgz.ErrorCode(err) != mgz.ECodeNotFound {
		t.Fatalf("Location of an unknown id: err = %v, want not found", err)
	}
}
