package mgz

import (
	"errors"
	"strings"
	"testing"
)

func validOrganisation() Organisation {
	return Organisation{Kind: KindGPPractice, Name: "Huisartsenpraktijk De Linde", AGB: "01234567", KvK: "12345678",
		Address: "Lindelaan 1", Postcode: "1234ab", City: "Voorbeeld", Phone: "030 123 4567", CareOfficeRegion: "Voorbeeld"}
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != ECodeInvalid {
		t.Fatalf("want *Error with code invalid_request, got %v", err)
	}
	return e.Fields
}

func TestOrganisationValidation(t *testing.T) {
	ok := validOrganisation()
	if err := ok.Normalise(); err != nil {
		t.Fatalf("valid organisation refused: %v", err)
	}
	if ok.Postcode != "1234 AB" || ok.Phone != "0301234567" {
		t.Errorf("not normalised: %q %q", ok.Postcode, ok.Phone)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Organisation)
		field string
		says  string
	}{
		{"unknown kind", func(o *Organisation) { o.Kind = "hospital" }, "kind", "Onbekende soort"},
		{"missing kind", func(o *Organisation) { o.Kind = "" }, "kind", "verplicht"},
		{"missing name", func(o *Organisation) { o.Name = "  " }, "name", "Naam is verplicht"},
		{"name too long", func(o *Organisation) { o.Name = strings.Repeat("a", 201) }, "name", "te lang"},
		{"name with newline", func(o *Organisation) { o.Name = "a\nb" }, "name", "regeleinden"},
		{"wrong AGB", func(o *Organisation) { o.AGB = "1234" }, "agb", "8 cijfers"},
		{"practice without AGB", func(o *Organisation) { o.AGB = "" }, "agb", "verplicht"},
		{"care office with AGB", func(o *Organisation) { o.Kind = KindCareOffice }, "agb", "geen AGB-code"},
		{"wrong KvK", func(o *Organisation) { o.KvK = "1234567" }, "kvk", "8 cijfers"},
		{"missing KvK", func(o *Organisation) { o.KvK = "" }, "kvk", "verplicht"},
		{"wrong postcode", func(o *Organisation) { o.Postcode = "0123 AB" }, "postcode", "4 cijfers"},
		{"missing postcode", func(o *Organisation) { o.Postcode = "" }, "postcode", "verplicht"},
		{"wrong phone", func(o *Organisation) { o.Phone = "12345" }, "phone", "10 cijfers"},
		{"missing region", func(o *Organisation) { o.CareOfficeRegion = "" }, "care_office_region", "verplicht"},
		{"missing city", func(o *Organisation) { o.City = "" }, "city", "verplicht"},
		{"missing address", func(o *Organisation) { o.Address = "" }, "address", "verplicht"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := validOrganisation()
			tc.edit(&o)
			fields := fieldsOf(t, o.Normalise())
			if !strings.Contains(fields[tc.field], tc.says) {
				t.Fatalf("field %s: message %q does not say %q (all: %v)", tc.field, fields[tc.field], tc.says, fields)
			}
		})
	}
	t.Run("every error is named at once", func(t *testing.T) {
		o := Organisation{Kind: KindGPPractice}
		fields := fieldsOf(t, o.Normalise())
		for _, f := range []string{"name", "agb", "kvk", "address", "postcode", "city", "phone", "care_office_region"} {
			if fields[f] == "" {
				t.Errorf("field %s not named", f)
			}
		}
	})
	t.Run("optional AGB may stay empty for a care provider", func(t *testing.T) {
		o := validOrganisation()
		o.Kind, o.AGB = KindCareProvider, ""
		if err := o.Normalise(); err != nil {
			t.Fatal(err)
		}
	})
}

func validLocation() Location {
	return Location{ProviderID: 1, Name: "De Linde", Address: "Lindelaan 2", Postcode: "1234 AB", Municipality: "Voorbeeld",
		Setting: SettingInstitution, Sector: SectorElderly, Deliveries: []Delivery{DeliveryStayWithTreatment}, Places: 40}
}

// TestLocationDeliveriesFollowSetting checks the §3.4 combinations a location can offer.
func TestLocationDeliveriesFollowSetting(t *testing.T) {
	for _, tc := range []struct {
		setting  Setting
		delivery Delivery
		ok       bool
	}{
		{SettingInstitution, DeliveryStayWithTreatment, true},
		{SettingInstitution, DeliveryStayWithoutTreatment, true},
		{SettingInstitution, DeliveryVPT, false},
		{SettingInstitution, DeliveryMPT, false},
		{SettingInstitution, DeliveryPGB, false},
		{SettingClusteredHousing, DeliveryStayWithTreatment, false},
		{SettingClusteredHousing, DeliveryStayWithoutTreatment, true},
		{SettingClusteredHousing, DeliveryVPT, true},
		{SettingClusteredHousing, DeliveryMPT, true},
		{SettingClusteredHousing, DeliveryPGB, true},
	} {
		t.Run("§3.4 "+string(tc.setting)+" "+string(tc.delivery), func(t *testing.T) {
			l := validLocation()
			l.Setting, l.Deliveries = tc.setting, []Delivery{tc.delivery}
			err := l.Normalise()
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && fieldsOf(t, err)["deliveries"] == "" {
				t.Fatalf("accepted %s in %s", tc.delivery, tc.setting)
			}
		})
	}
}

func TestLocationValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Location)
		field string
	}{
		{"no provider", func(l *Location) { l.ProviderID = 0 }, "provider_id"},
		{"wrong postcode", func(l *Location) { l.Postcode = "12 AB" }, "postcode"},
		{"unknown setting", func(l *Location) { l.Setting = "home" }, "setting"},
		{"unknown sector", func(l *Location) { l.Sector = "youth" }, "sector"},
		{"no deliveries", func(l *Location) { l.Deliveries = nil }, "deliveries"},
		{"unknown delivery", func(l *Location) { l.Deliveries = []Delivery{"zzp"} }, "deliveries"},
		{"negative places", func(l *Location) { l.Places = -1 }, "places"},
		{"missing municipality", func(l *Location) { l.Municipality = "" }, "municipality"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := validLocation()
			tc.edit(&l)
			if fieldsOf(t, l.Normalise())[tc.field] == "" {
				t.Fatalf("field %s not named", tc.field)
			}
		})
	}
}

func TestContactPointValidation(t *testing.T) {
	one := int64(1)
	valid := func() ContactPoint {
		return ContactPoint{LocationID: &one, Role: RoleFirstLine, Phone: "06-12345678", Hours: Hours24x7}
	}
	c := valid()
	if err := c.Normalise(); err != nil {
		t.Fatal(err)
	}
	for _, a := range Arrangements.Options() {
		c := valid()
		c.Role, c.Arrangement = RoleGPOutOfHours, a.Value
		if err := c.Normalise(); err != nil {
			t.Errorf("arrangement %s refused: %v", a, err)
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*ContactPoint)
		field string
	}{
		{"neither organisation nor location", func(c *ContactPoint) { c.LocationID = nil }, "organisation_id"},
		{"both organisation and location", func(c *ContactPoint) { c.OrganisationID = &one }, "location_id"},
		{"unknown role", func(c *ContactPoint) { c.Role = "janitor" }, "role"},
		{"unknown hours", func(c *ContactPoint) { c.Hours = "weekdays" }, "hours"},
		{"missing phone", func(c *ContactPoint) { c.Phone = "" }, "phone"},
		{"wrong phone", func(c *ContactPoint) { c.Phone = "06-1234" }, "phone"},
		// The out-of-hours GP-care arrangement of a care provider (domain.md §3.2; T, L-Conv 4).
		{"out-of-hours GP care without an arrangement", func(c *ContactPoint) { c.Role = RoleGPOutOfHours }, "arrangement"},
		{"unknown arrangement", func(c *ContactPoint) { c.Role, c.Arrangement = RoleGPOutOfHours, "neighbour" }, "arrangement"},
		{"an arrangement on another role", func(c *ContactPoint) { c.Arrangement = ArrangementOwnStaff }, "arrangement"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.edit(&c)
			if fieldsOf(t, c.Normalise())[tc.field] == "" {
				t.Fatalf("field %s not named", tc.field)
			}
		})
	}
}
