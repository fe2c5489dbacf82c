package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// GET /api/v1/locations/{id} is answered from the service's location cache when it is warm; a
// change of the location or its deliveries through the service shows in the very next GET, with
// the new revision as ETag.
func TestAPIGetLocationShowsAChangeRightAfterAWarmRead(t *testing.T) {
	hs, svc, _, token, id := leanServerWithLocation(t)
	get := func() (mgz.Location, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/locations/"+strconv.FormatInt(id, 10), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var l mgz.Location
		if err := json.NewDecoder(resp.Body).Decode(&l); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d, %v", resp.StatusCode, err)
		}
		return l, resp.Header.Get("ETag")
	}
	before, _ := get()
	get() // warm

	reg := svc.Register(service.System())
	before.Name, before.Deliveries = "Woonvorm De Eik", []mgz.Delivery{mgz.DeliveryPGB, mgz.DeliveryVPT}
	if err := reg.UpdateLocation(context.Background(), &before); err != nil {
		t.Fatal(err)
	}
	after, etag := get()
	if after.Name != "Woonvorm De Eik" || len(after.Deliveries) != 2 || etag != `"`+strconv.FormatInt(before.Revision, 10)+`"` {
		t.Fatalf("after the update GET gives %q %v with ETag %s; want the new name, both deliveries and revision %d",
			after.Name, after.Deliveries, etag, before.Revision)
	}
}
