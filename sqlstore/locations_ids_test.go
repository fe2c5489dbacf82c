package sqlstore

import (
	"context"
	"testing"

	"github.com/regio-mgz/mgz"
)

// LocationFilter.IDs selects exactly those locations (FHIR Location?_id=…, and the patient list
// reading the settings of a page's locations at once); other filters still apply.
func TestLocationsByIDsAreExactlyThose(t *testing.T) {
	db, _ := openTestDB(t)
	seedRegion(t, db, 12)
	ctx := context.Background()
	all, total, err := db.Register().Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: 100}})
	if err != nil || total < 4 {
		t.Fatalf("seeded locations: %d (%v)", total, err)
	}
	want := []int64{all[3].ID, all[0].ID}
	got, n, err := db.Register().Locations(ctx, mgz.LocationFilter{IDs: want, Page: mgz.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(got) != 2 {
		t.Fatalf("by ids %v: %d locations (total %d), want 2", want, len(got), n)
	}
	for _, l := range got {
		if l.ID != want[0] && l.ID != want[1] {
			t.Errorf("location %d was not asked for", l.ID)
		}
	}
	other := all[0].ProviderID + 1_000_000
	if got, n, err := db.Register().Locations(ctx, mgz.LocationFilter{IDs: want, ProviderID: other, Page: mgz.Page{Limit: 100}}); err != nil || n != 0 || len(got) != 0 {
		t.Errorf("ids of another provider's locations: %d (%d, %v), want none", len(got), n, err)
	}
}
