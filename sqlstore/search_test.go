package sqlstore

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestStoreListsRefuseSearchTermsOver200Characters(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	lists := map[string]func(q string) error{
		"organisations": func(q string) error {
			_, _, err := db.Register().Organisations(ctx, mgz.OrganisationFilter{Query: q})
			return err
		},
		"locations": func(q string) error {
			_, _, err := db.Register().Locations(ctx, mgz.LocationFilter{Query: q})
			return err
		},
		"patients": func(q string) error {
			_, _, err := db.Store().Patients().Patients(ctx, mgz.PatientFilter{Query: q})
			return err
		},
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			if err := list(strings.Repeat("%_\\", 66) + "abc"); mgz.ErrorCode(err) != mgz.ECodeInvalid {
				t.Fatalf("201 characters: %v, want invalid_request", err)
			}
			var e *mgz.Error
			if err := list(strings.Repeat("x", 201)); !errors.As(err, &e) || e.Fields["q"] == "" {
				t.Fatalf("201 characters: %v, want an error naming q", err)
			}
			if err := list(strings.Repeat("%_\\", 66) + "ab"); err != nil {
				t.Fatalf("200 characters: %v, want a search like any other", err)
			}
		})
	}
}
