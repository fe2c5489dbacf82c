package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// TestAPIGetLocationAnswersAsEncodingJSON guards the GET /api/v1/locations/{id} answer written
// without encoding/json: the same bytes as encoding/json gives for the stored location, with
// Content-Length, ETag and Content-Type; ?pretty=1 still indents; an unknown id is still the
// error object.
func TestAPIGetLocationAnswersAsEncodingJSON(t *testing.T) {
	hs, svc, _, token, id := leanServerWithLocation(t)
	ctx := context.Background()
	reg := svc.Register(service.System())
	l, err := reg.Location(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// Characters encoding/json escapes, and a location with several deliveries.
	l.Name = `De <Es> & "Linde" ` + "\u2028"
	l.Deliveries = []mgz.Delivery{mgz.DeliveryPGB, mgz.DeliveryVPT}
	if err := reg.UpdateLocation(ctx, &l); err != nil {
		t.Fatal(err)
	}
	if l, err = reg.Location(ctx, id); err != nil {
		t.Fatal(err)
	}

	get := func(query string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/locations/"+strconv.FormatInt(id, 10)+query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}

	resp, body := get("")
	want, _ := json.Marshal(l)
	want = append(want, '\n')
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
		t.Fatalf("GET: %d\n got %s\nwant %s", resp.StatusCode, body, want)
	}
	if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(want)) {
		t.Errorf("Content-Length %q, want %d", got, len(want))
	}
	if got := resp.Header.Get("ETag"); got != `"`+strconv.FormatInt(l.Revision, 10)+`"` {
		t.Errorf("ETag %q, want revision %d", got, l.Revision)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}

	resp, body = get("?pretty=1")
	want, _ = json.MarshalIndent(l, "", "  ")
	want = append(want, '\n')
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
		t.Fatalf("GET ?pretty=1: %d\n got %s\nwant %s", resp.StatusCode, body, want)
	}

	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/v1/locations/"+strconv.FormatInt(id+1000, 10), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if err := json.NewDecoder(r.Body).Decode(&e); err != nil || r.StatusCode != http.StatusNotFound || e.Error.Code != mgz.ECodeNotFound {
		t.Errorf("unknown location: %d %+v %v, want 404 not_found", r.StatusCode, e, err)
	}
}
