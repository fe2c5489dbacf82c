package service

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/sqlstore"
)

// BenchmarkAuthenticateToken measures the bearer token check every API request passes.
func BenchmarkAuthenticateToken(b *testing.B) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "mgz.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := New(db.Store(), Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	org := mgz.Organisation{Kind: mgz.KindGPPractice, Name: "Huisartsenpraktijk Bank", AGB: "01000001", KvK: "77000001",
		Address: "Regioweg 1", Postcode: "9900 AA", City: "Teststad", Phone: "0120 555000", CareOfficeRegion: "Regio Test"}
	if err := db.Register().CreateOrganisation(ctx, &org); err != nil {
		b.Fatal(err)
	}
	u, _, err := s.CreateUser(ctx, System(), NewUser{OrganisationID: org.ID, Email: "bank@test.example", Name: "Bank",
		Roles: []mgz.UserRole{mgz.RoleViewer}, Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	_, token, err := s.CreateToken(ctx, System(), u.ID, "bank")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.AuthenticateToken(ctx, token, "192.0.2.1"); err != nil {
			b.Fatal(err)
		}
	}
}
