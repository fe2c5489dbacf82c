package mgz

import "testing"

func TestFixedPhysicianNormalise(t *testing.T) {
	id := int64(3)
	ok := func() FixedPhysician {
		return FixedPhysician{LocationID: &id, Sector: SectorDisability, Name: "  Dr. K. Bakker ", Phone: "030 - 123 45 67"}
	}
	f := ok()
	if err := f.Normalise(); err != nil {
		t.Fatal(err)
	}
	if f.Name != "Dr. K. Bakker" || f.Phone == "030 - 123 45 67" || f.Title() != "AVG" {
		t.Fatalf("normalised: %+v (%s)", f, f.Title())
	}
	for _, c := range []struct {
		name  string
		edit  func(*FixedPhysician)
		field string
	}{
		{"no owner", func(f *FixedPhysician) { f.LocationID = nil }, "location_id"},
		{"two owners", func(f *FixedPhysician) { f.OrganisationID = &id }, "location_id"},
		{"name required", func(f *FixedPhysician) { f.Name = " " }, "name"},
		{"phone required", func(f *FixedPhysician) { f.Phone = "" }, "phone"},
		{"phone checked", func(f *FixedPhysician) { f.Phone = "12" }, "phone"},
		{"sector required", func(f *FixedPhysician) { f.Sector = "" }, "sector"},
		{"sector known", func(f *FixedPhysician) { f.Sector = "youth" }, "sector"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := ok()
			c.edit(&f)
			err := f.Normalise()
			e, isErr := err.(*Error)
			if !isErr || e.Code != ECodeInvalid {
				t.Fatalf("want invalid, got %v", err)
			}
			if _, named := e.Fields[c.field]; !named {
				t.Fatalf("want field %s, got %v", c.field, e.FieldNames())
			}
		})
	}
}
