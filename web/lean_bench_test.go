package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/web"
)

// leanServer is a server with the given request timeout (0: the default) over a fresh database
// with an RHO, its admin and a bearer token of theirs.
func leanServer(b testing.TB, timeout time.Duration) (*httptest.Server, *service.Service, mgz.User, string) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "mgz.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := service.New(db.Store(), service.Config{Params: testParams})
	rho := mgz.Organisation{Kind: mgz.KindRegionalGPOrg, Name: "Huisartsen Bankregio (RHO)", KvK: "77000001",
		Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := db.Register().CreateOrganisation(ctx, &rho); err != nil {
		b.Fatal(err)
	}
	u, _, err := svc.CreateUser(ctx, service.System(), service.NewUser{OrganisationID: rho.ID, Email: "bank@test.example",
		Name: "Bank", Roles: []mgz.UserRole{mgz.RoleAdmin}, Password: "paard batterij nietje correct"})
	if err != nil {
		b.Fatal(err)
	}
	_, token, err := svc.CreateToken(ctx, service.System(), u.ID, "bank")
	if err != nil {
		b.Fatal(err)
	}
	dir := directory.New(db.Register())
	srv, err := web.New(web.Config{Service: svc, Enrich: dir.Enrich, Resolver: dir.Resolver, Logger: slog.New(slog.DiscardHandler),
		RequestTimeout: timeout})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)
	return hs, svc, u, token
}

// BenchmarkAPIDecide is POST /api/v1/decide over HTTP with a bearer token: authentication,
// settings, the rules and the JSON answer, as a script calls it.
func BenchmarkAPIDecide(b *testing.B) {
	hs, _, _, token := leanServer(b, 0)
	body := []byte(`{"situation": {"setting": "clustered_housing", "wlz": "without_treatment", "delivery": "vpt", "sector": "elderly"}, "question": {"category": "gp_care", "at": "2026-09-09T14:00:00+02:00"}}`)
	client := hs.Client()
	do := func() {
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v1/decide", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d: %s", resp.StatusCode, out)
		}
	}
	do()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		do()
	}
}

// BenchmarkAPIGetLocation is an authenticated GET /api/v1/locations/{id} over HTTP with a bearer
// token (issue 14: at least 40% of BenchmarkMinimalJSONHandler's requests per second).
func BenchmarkAPIGetLocation(b *testing.B) {
	hs, _, _, token, id := leanServerWithLocation(b)
	client := hs.Client()
	url := hs.URL + "/api/v1/locations/" + strconv.FormatInt(id, 10)
	do := func() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d: %s", resp.StatusCode, out)
		}
	}
	do()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		do()
	}
}

// leanServerWithLocation is leanServer with a care provider and one of its locations, whose id
// it returns.
func leanServerWithLocation(b testing.TB) (*httptest.Server, *service.Service, mgz.User, string, int64) {
	b.Helper()
	hs, svc, u, token := leanServer(b, 0)
	ctx := context.Background()
	reg := svc.Register(service.System())
	provider := mgz.Organisation{Kind: mgz.KindCareProvider, Name: "Zorggroep Noord", KvK: "77000002", Address: "Regioweg 2",
		Postcode: "9900 AB", City: "Teststad", Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
	if err := reg.CreateOrganisation(ctx, &provider); err != nil {
		b.Fatal(err)
	}
	l := mgz.Location{ProviderID: provider.ID, Name: "Woonvorm De Es", Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 12}
	if err := reg.CreateLocation(ctx, &l); err != nil {
		b.Fatal(err)
	}
	return hs, svc, u, token, l.ID
}

// BenchmarkMinimalJSONHandler is the yardstick of BenchmarkAPIDecide (issue 14: decide with a
// bearer token at least half its requests per second): a bare net/http handler answering JSON
// to the same POST over the same kind of connection.
func BenchmarkMinimalJSONHandler(b *testing.B) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(append(append([]byte(`{"received":`), strconv.Itoa(len(body))...), '}'))
	}))
	defer hs.Close()
	body := []byte(`{"situation": {"setting": "clustered_housing", "wlz": "without_treatment", "delivery": "vpt", "sector": "elderly"}, "question": {"category": "gp_care", "at": "2026-09-09T14:00:00+02:00"}}`)
	client := hs.Client()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest(http.MethodPost, hs.URL, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer x")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
