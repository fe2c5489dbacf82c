package mgz

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// patientNow is the fixed "now" of the patient and registration tests: 15 June 2025, noon in the
// Netherlands.
var patientNow = time.Date(2025, time.June, 15, 10, 0, 0, 0, time.UTC)

// patientRef returns a reference to an id, as the store fills *int64 fields.
func patientRef(v int64) *int64 { return &v }

// patientAtLocation is a valid client living at a location, with a Wlz indication without treatment.
func patientAtLocation() Patient {
	return Patient{
		Name: "  Jansen, A.  ", BirthDate: NewDate(1938, time.May, 14), BSN: "123456782",
		LocationID: patientRef(7), Sector: SectorElderly,
		Wlz: WlzWithoutTreatment, WlzSource: WlzSourceVECOZO, WlzCheckedOn: NewDate(2025, time.June, 1),
		Delivery: DeliveryStayWithoutTreatment, GPPracticeID: patientRef(3), LeadPhysician: LeadGP, LeadPhysicianOrgID: patientRef(3),
	}
}

// patientAtHome is a valid client living at home without a Wlz indication.
func patientAtHome() Patient {
	return Patient{Name: "De Vries, B.", BirthDate: NewDate(1950, time.January, 2), HomePostcode: "9901ab",
		Sector: SectorDisability, Wlz: WlzNone}
}

func TestPatientValid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func() Patient
		edit  func(*Patient)
		check func(*testing.T, Patient)
	}{
		{"§3.3 without treatment, stay without treatment at a location", patientAtLocation, func(*Patient) {},
			func(t *testing.T, p Patient) {
				if p.Name != "Jansen, A." {
					t.Errorf("name not trimmed: %q", p.Name)
				}
			}},
		{"§3.1 no Wlz at home needs no delivery, source or date", patientAtHome, func(*Patient) {},
			func(t *testing.T, p Patient) {
				if p.HomePostcode != "9901 AB" {
					t.Errorf("postcode not normalised (§10): %q", p.HomePostcode)
				}
			}},
		{"§3.4 without treatment, VPT at home", patientAtHome, func(p *Patient) {
			p.Wlz, p.Delivery, p.WlzSource, p.WlzCheckedOn = WlzWithoutTreatment, DeliveryVPT, WlzSourceCIZ, NewDate(2025, time.June, 15)
		}, nil},
		{"§3.4 without treatment, PGB at home", patientAtHome, func(p *Patient) {
			p.Wlz, p.Delivery, p.WlzSource, p.WlzCheckedOn = WlzWithoutTreatment, DeliveryPGB, WlzSourceOther, NewDate(2025, time.January, 1)
		}, nil},
		{"§3.4 with treatment, stay with treatment at a location (setting checked by FitsLocation)", patientAtLocation, func(p *Patient) {
			p.Wlz, p.Delivery = WlzWithTreatment, DeliveryStayWithTreatment
		}, nil},
		{"§6 a lookup that answered none may keep its source and date", patientAtHome, func(p *Patient) {
			p.WlzSource, p.WlzCheckedOn = WlzSourceVECOZO, NewDate(2025, time.June, 15)
		}, nil},
		{"§10 BSN of 8 digits gets a leading zero", patientAtLocation, func(p *Patient) { p.BSN = "12345672" },
			func(t *testing.T, p Patient) {
				if p.BSN != "012345672" {
					t.Errorf("BSN = %q, want 012345672", p.BSN)
				}
			}},
		{"§10 BSN with separators is normalised", patientAtLocation, func(p *Patient) { p.BSN = " 1234.56.782 " },
			func(t *testing.T, p Patient) {
				if p.BSN != "123456782" {
					t.Errorf("BSN = %q, want 123456782", p.BSN)
				}
			}},
		{"BSN is optional", patientAtLocation, func(p *Patient) { p.BSN = "  " },
			func(t *testing.T, p Patient) {
				if p.BSN != "" {
					t.Errorf("BSN = %q, want empty", p.BSN)
				}
			}},
		{"birth date today is not in the future", patientAtLocation, func(p *Patient) { p.BirthDate = NewDate(2025, time.June, 15) }, nil},
		{"birth date on 1 January 1900 is allowed", patientAtLocation, func(p *Patient) { p.BirthDate = NewDate(1900, time.January, 1) }, nil},
		{"lead physician is optional", patientAtLocation, func(p *Patient) { p.LeadPhysician, p.LeadPhysicianOrgID = "", nil }, nil},
		{"every lead physician kind is accepted", patientAtLocation, func(p *Patient) { p.LeadPhysician = LeadIDPhysician }, nil},
		{"ids of 0 from a form mean no reference", patientAtHome, func(p *Patient) {
			p.LocationID, p.GPPracticeID, p.LeadPhysicianOrgID = patientRef(0), patientRef(0), patientRef(-1)
		}, func(t *testing.T, p Patient) {
			if p.LocationID != nil || p.GPPracticeID != nil || p.LeadPhysicianOrgID != nil {
				t.Errorf("ids not cleared: %v %v %v", p.LocationID, p.GPPracticeID, p.LeadPhysicianOrgID)
			}
		}},
		{"dates lose their time of day and zone", patientAtLocation, func(p *Patient) {
			p.BirthDate = Date{time.Date(1938, time.May, 14, 23, 0, 0, 0, time.FixedZone("x", 3600))}
		}, func(t *testing.T, p Patient) {
			if p.BirthDate != NewDate(1938, time.May, 14) {
				t.Errorf("birth date = %v", p.BirthDate.Time)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.start()
			tc.edit(&p)
			if err := p.Normalise(patientNow); err != nil {
				t.Fatalf("valid patient refused: %v", err)
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestPatientInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		start  func() Patient
		edit   func(*Patient)
		fields []string // every field that must be named
		says   string   // in the message of the first field
	}{
		{"name is required", patientAtLocation, func(p *Patient) { p.Name = " " }, []string{"name"}, "Naam is verplicht"},
		{"name has a maximum length", patientAtLocation, func(p *Patient) { p.Name = strings.Repeat("a", maxName+1) }, []string{"name"}, "te lang"},
		{"birth date is required", patientAtLocation, func(p *Patient) { p.BirthDate = Date{} }, []string{"birth_date"}, "verplicht"},
		{"birth date not in the future", patientAtLocation, func(p *Patient) { p.BirthDate = NewDate(2025, time.June, 16) }, []string{"birth_date"}, "toekomst"},
		{"birth date not before 1900", patientAtLocation, func(p *Patient) { p.BirthDate = NewDate(1899, time.December, 31) }, []string{"birth_date"}, "1900"},
		{"§10 BSN 11-test", patientAtLocation, func(p *Patient) { p.BSN = "123456789" }, []string{"bsn"}, "elfproef"},
		{"§10 BSN has 9 digits", patientAtLocation, func(p *Patient) { p.BSN = "1234567" }, []string{"bsn"}, "9 cijfers"},
		{"§10 BSN has digits only", patientAtLocation, func(p *Patient) { p.BSN = "12345678X" }, []string{"bsn"}, "elfproef"},
		{"§10 BSN 000000000 is never issued", patientAtLocation, func(p *Patient) { p.BSN = "000000000" }, []string{"bsn"}, "BSN"},
		{"location or home postcode is required", patientAtLocation, func(p *Patient) { p.LocationID = nil }, []string{"location_id"}, "postcode van het huisadres"},
		{"not both location and home postcode", patientAtLocation, func(p *Patient) { p.HomePostcode = "9901 AB" }, []string{"home_postcode"}, "niet allebei"},
		{"§10 home postcode is a Dutch postcode", patientAtHome, func(p *Patient) { p.HomePostcode = "0901 AB" }, []string{"home_postcode"}, "4 cijfers"},
		{"sector is required", patientAtLocation, func(p *Patient) { p.Sector = "" }, []string{"sector"}, "verplicht"},
		{"sector is known", patientAtLocation, func(p *Patient) { p.Sector = "youth" }, []string{"sector"}, "Onbekende sector"},
		{"wlz is required", patientAtLocation, func(p *Patient) { p.Wlz = "" }, []string{"wlz"}, "verplicht"},
		{"wlz is known", patientAtLocation, func(p *Patient) { p.Wlz = "maybe" }, []string{"wlz"}, "Onbekende Wlz-indicatie"},
		{"§6 an indication needs its source", patientAtLocation, func(p *Patient) { p.WlzSource = "" }, []string{"wlz_source"}, "opgezocht"},
		{"§6 the source is known", patientAtLocation, func(p *Patient) { p.WlzSource = "neighbour" }, []string{"wlz_source"}, "Onbekende bron"},
		{"§6 the source is known even without an indication", patientAtHome, func(p *Patient) { p.WlzSource = "neighbour" }, []string{"wlz_source"}, "Onbekende bron"},
		{"§6 an indication needs its checked-on date", patientAtLocation, func(p *Patient) { p.WlzCheckedOn = Date{} }, []string{"wlz_checked_on"}, "datum"},
		{"§6 checked-on date not in the future", patientAtLocation, func(p *Patient) { p.WlzCheckedOn = NewDate(2025, time.June, 16) }, []string{"wlz_checked_on"}, "toekomst"},
		{"delivery is known", patientAtLocation, func(p *Patient) { p.Delivery = "zzp" }, []string{"delivery"}, "Onbekende leveringsvorm"},
		{"§3.4 an indication needs a delivery", patientAtLocation, func(p *Patient) { p.Delivery = "" }, []string{"delivery"}, "verplicht"},
		{"§3.4 with treatment needs a delivery", patientAtLocation, func(p *Patient) { p.Wlz, p.Delivery = WlzWithTreatment, "" }, []string{"delivery"}, "Verblijf met behandeling"},
		{"§3.4 no delivery without a Wlz indication", patientAtHome, func(p *Patient) { p.Delivery = DeliveryPGB }, []string{"wlz", "delivery"}, "geen leveringsvorm"},
		{"§3.4 with treatment not with stay without treatment", patientAtLocation, func(p *Patient) { p.Wlz, p.Delivery = WlzWithTreatment, DeliveryStayWithoutTreatment }, []string{"wlz", "delivery"}, "Verblijf met behandeling"},
		{"§3.4 stay with treatment only with with_treatment", patientAtLocation, func(p *Patient) { p.Delivery = DeliveryStayWithTreatment }, []string{"wlz", "delivery"}, "met verblijf en behandeling"},
		{"§3.4 with treatment not at home", patientAtHome, func(p *Patient) {
			p.Wlz, p.Delivery, p.WlzSource, p.WlzCheckedOn = WlzWithTreatment, DeliveryStayWithTreatment, WlzSourceVECOZO, NewDate(2025, time.June, 1)
		}, []string{"wlz", "delivery", "home_postcode"}, "instelling"},
		{"§3.4 stay without treatment not at home", patientAtHome, func(p *Patient) {
			p.Wlz, p.Delivery, p.WlzSource, p.WlzCheckedOn = WlzWithoutTreatment, DeliveryStayWithoutTreatment, WlzSourceVECOZO, NewDate(2025, time.June, 1)
		}, []string{"delivery", "home_postcode"}, "niet thuis"},
		{"lead physician is known", patientAtLocation, func(p *Patient) { p.LeadPhysician = "surgeon" }, []string{"lead_physician"}, "Onbekende regiebehandelaar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.start()
			tc.edit(&p)
			fields := fieldsOf(t, p.Normalise(patientNow))
			for _, f := range tc.fields {
				if fields[f] == "" {
					t.Errorf("field %s not named (all: %v)", f, fields)
				}
			}
			if len(fields) != len(tc.fields) {
				t.Errorf("named %d fields, want %d: %v", len(fields), len(tc.fields), fields)
			}
			if msg := fields[tc.fields[0]]; !strings.Contains(msg, tc.says) {
				t.Errorf("field %s: message %q does not say %q", tc.fields[0], msg, tc.says)
			}
		})
	}
}

func TestPatientBSNNeverInMessages(t *testing.T) {
	const bad = "123456789"
	p := patientAtLocation()
	p.BSN = bad
	err := p.Normalise(patientNow)
	if err == nil {
		t.Fatal("§10 BSN failing the 11-test accepted")
	}
	if strings.Contains(err.Error(), bad) || strings.Contains(ErrorMessage(err), bad) {
		t.Fatalf("§10 the message repeats the BSN: %v", err)
	}
}

func TestPatientEveryErrorNamedAtOnce(t *testing.T) {
	p := Patient{Wlz: WlzWithoutTreatment}
	fields := fieldsOf(t, p.Normalise(patientNow))
	for _, f := range []string{"name", "birth_date", "location_id", "sector", "wlz_source", "wlz_checked_on", "delivery"} {
		if fields[f] == "" {
			t.Errorf("field %s not named (all: %v)", f, fields)
		}
	}
}

// TestPatientBirthDateIsADutchDate checks that "today" is the date in the Netherlands: at 23:30 UTC
// on 14 June it is already 15 June in Amsterdam.
func TestPatientBirthDateIsADutchDate(t *testing.T) {
	p := patientAtLocation()
	p.BirthDate, p.WlzCheckedOn = NewDate(2025, time.June, 15), NewDate(2025, time.June, 15)
	if err := p.Normalise(time.Date(2025, time.June, 14, 23, 30, 0, 0, time.UTC)); err != nil {
		t.Fatalf("a date that is today in the Netherlands was refused: %v", err)
	}
}

func TestPatientFitsLocation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setting  Setting
		wlz      WlzIndication
		delivery Delivery
		fields   []string // nil when the combination is valid
	}{
		{"§3.4 with treatment in an institution", SettingInstitution, WlzWithTreatment, DeliveryStayWithTreatment, nil},
		{"§3.4 with treatment not in clustered housing", SettingClusteredHousing, WlzWithTreatment, DeliveryStayWithTreatment, []string{"wlz", "delivery", "location_id"}},
		// rules v2: with treatment delivered as VPT, MPT or PGB in clustered housing is valid; the
		// delivery decides. Not in an institution.
		{"§3.4 v2 with treatment as VPT in clustered housing", SettingClusteredHousing, WlzWithTreatment, DeliveryVPT, nil},
		{"§3.4 v2 with treatment as PGB in clustered housing", SettingClusteredHousing, WlzWithTreatment, DeliveryPGB, nil},
		{"§3.4 v2 with treatment as MPT not in an institution", SettingInstitution, WlzWithTreatment, DeliveryMPT, []string{"delivery", "location_id"}},
		{"§3.4 stay without treatment in an institution", SettingInstitution, WlzWithoutTreatment, DeliveryStayWithoutTreatment, nil},
		{"§3.4 stay without treatment in clustered housing", SettingClusteredHousing, WlzWithoutTreatment, DeliveryStayWithoutTreatment, nil},
		{"§3.4 VPT not in an institution", SettingInstitution, WlzWithoutTreatment, DeliveryVPT, []string{"delivery", "location_id"}},
		{"§3.4 MPT not in an institution", SettingInstitution, WlzWithoutTreatment, DeliveryMPT, []string{"delivery", "location_id"}},
		{"§3.4 PGB not in an institution", SettingInstitution, WlzWithoutTreatment, DeliveryPGB, []string{"delivery", "location_id"}},
		{"§3.4 PGB in clustered housing", SettingClusteredHousing, WlzWithoutTreatment, DeliveryPGB, nil},
		{"§3.1 no Wlz indication at a location", SettingClusteredHousing, WlzNone, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := patientAtLocation()
			p.Wlz, p.Delivery = tc.wlz, tc.delivery
			l := Location{ID: *p.LocationID, Name: "De Linde", Setting: tc.setting}
			err := p.FitsLocation(l)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("valid combination refused: %v", err)
				}
				return
			}
			fields := fieldsOf(t, err)
			for _, f := range tc.fields {
				if fields[f] == "" {
					t.Errorf("field %s not named (all: %v)", f, fields)
				}
			}
		})
	}
	t.Run("another location is a programming error, not a user's", func(t *testing.T) {
		p := patientAtLocation()
		err := p.FitsLocation(Location{ID: 99, Setting: SettingInstitution})
		var e *Error
		if err == nil || errors.As(err, &e) {
			t.Fatalf("want a plain error for a location that is not the patient's, got %v", err)
		}
	})
}

func TestPatientMaskedBSN(t *testing.T) {
	p := patientAtLocation()
	if got := p.MaskedBSN(); got != "••••••782" {
		t.Errorf("MaskedBSN = %q, want ••••••782", got)
	}
	p.BSN = ""
	if got := p.MaskedBSN(); got != "" {
		t.Errorf("MaskedBSN without BSN = %q, want empty", got)
	}
}

func TestPatientBSNNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	p := patientAtLocation()
	log.Info("saved", "patient", p)
	log.Info("saved", slog.Any("patient", &p))
	if strings.Contains(buf.String(), p.BSN) {
		t.Fatalf("the BSN appears in the log: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "has_bsn=true") {
		t.Errorf("log does not say a BSN is known: %s", buf.String())
	}
}

func TestPatientAge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		birth Date
		on    time.Time
		want  int
	}{
		{"day before the birthday", NewDate(1938, time.June, 16), patientNow, 86},
		{"on the birthday", NewDate(1938, time.June, 15), patientNow, 87},
		{"birthday earlier in the year", NewDate(1938, time.January, 1), patientNow, 87},
		{"29 February: not yet on 28 February", NewDate(2000, time.February, 29), time.Date(2025, time.February, 28, 12, 0, 0, 0, time.UTC), 24},
		{"29 February: a year older on 1 March", NewDate(2000, time.February, 29), time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC), 25},
		{"birthday by the Dutch date, not UTC", NewDate(1938, time.June, 15), time.Date(2025, time.June, 14, 23, 30, 0, 0, time.UTC), 87},
		{"no birth date", Date{}, patientNow, 0},
		{"before birth", NewDate(2025, time.June, 16), patientNow, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Patient{BirthDate: tc.birth}).Age(tc.on); got != tc.want {
				t.Errorf("Age = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestPatientWlzCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		checked Date
		now     time.Time
		days    int
		stale   bool
		note    string
	}{
		{"§6 never looked up is stale", Date{}, patientNow, -1, true, "nog niet opgezocht"},
		{"§6 looked up today", NewDate(2025, time.June, 15), patientNow, 0, false, "vandaag"},
		{"§6 looked up yesterday", NewDate(2025, time.June, 14), patientNow, 1, false, "gisteren"},
		{"§6 90 days old is not yet stale", NewDate(2025, time.March, 17), patientNow, 90, false, "90 dagen geleden"},
		{"§6 91 days old is stale", NewDate(2025, time.March, 16), patientNow, 91, true, "zoek de indicatie opnieuw op"},
		{"days count across daylight saving time", NewDate(2025, time.March, 29), time.Date(2025, time.March, 31, 8, 0, 0, 0, time.UTC), 2, false, "2 dagen geleden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Patient{Wlz: WlzWithoutTreatment, WlzSource: WlzSourceVECOZO, WlzCheckedOn: tc.checked}
			if got := p.WlzCheckAge(tc.now); got != tc.days {
				t.Errorf("WlzCheckAge = %d, want %d", got, tc.days)
			}
			if got := p.WlzCheckStale(tc.now); got != tc.stale {
				t.Errorf("WlzCheckStale = %v, want %v", got, tc.stale)
			}
			note := p.WlzCheckNote(tc.now)
			if !strings.Contains(note, tc.note) {
				t.Errorf("note %q does not say %q", note, tc.note)
			}
			if !tc.checked.IsZero() && (!strings.Contains(note, tc.checked.Format("02-01-2006")) || !strings.Contains(note, "loopt achter")) {
				t.Errorf("§6 note %q does not show the checked-on date and that the lookup lags", note)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	t.Run("round trip inside a patient", func(t *testing.T) {
		p := patientAtLocation()
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"birth_date":"1938-05-14"`, `"wlz_checked_on":"2025-06-01"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("JSON %s does not contain %s", b, want)
			}
		}
		var back Patient
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.BirthDate != p.BirthDate || back.WlzCheckedOn != p.WlzCheckedOn {
			t.Errorf("round trip changed the dates: %v %v", back.BirthDate, back.WlzCheckedOn)
		}
	})
	t.Run("BSN is left out of JSON when unknown", func(t *testing.T) {
		b, _ := json.Marshal(patientAtHome())
		if strings.Contains(string(b), "bsn") {
			t.Errorf("JSON %s contains an empty bsn", b)
		}
	})
	for _, tc := range []struct {
		name string
		in   string
		want Date
		ok   bool
	}{
		{"a date", `"1938-05-14"`, NewDate(1938, time.May, 14), true},
		{"null is no date", `null`, Date{}, true},
		{"empty text is no date", `""`, Date{}, true},
		{"a day that does not exist", `"1938-02-30"`, Date{}, false},
		{"Dutch order is not read", `"14-05-1938"`, Date{}, false},
		{"a time stamp is not a date", `"1938-05-14T00:00:00Z"`, Date{}, false},
		{"a number is not a date", `19380514`, Date{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d Date
			err := json.Unmarshal([]byte(tc.in), &d)
			if tc.ok != (err == nil) {
				t.Fatalf("Unmarshal(%s) error = %v, want ok %v", tc.in, err, tc.ok)
			}
			if !tc.ok {
				if ErrorCode(err) != ECodeBadRequest || !strings.Contains(ErrorMessage(err), "jjjj-mm-dd") {
					t.Errorf("error %v is not a Dutch bad_request", err)
				}
				return
			}
			if d != tc.want {
				t.Errorf("Unmarshal(%s) = %v, want %v", tc.in, d, tc.want)
			}
		})
	}
	t.Run("the zero date is null", func(t *testing.T) {
		b, err := json.Marshal(Date{})
		if err != nil || string(b) != "null" {
			t.Errorf("Marshal(zero) = %s, %v; want null", b, err)
		}
	})
	t.Run("text form", func(t *testing.T) {
		d := NewDate(2025, time.June, 1)
		b, _ := d.MarshalText()
		var back Date
		if err := back.UnmarshalText(b); err != nil || back != d || d.String() != "2025-06-01" {
			t.Errorf("text round trip: %s → %v, %v", b, back, err)
		}
		if (Date{}).String() != "" {
			t.Errorf("zero Date has String %q", Date{}.String())
		}
	})
	t.Run("DateOf uses the Dutch calendar date", func(t *testing.T) {
		if got := DateOf(time.Date(2025, time.June, 14, 23, 30, 0, 0, time.UTC)); got != NewDate(2025, time.June, 15) {
			t.Errorf("DateOf = %v, want 2025-06-15", got)
		}
		if !DateOf(time.Time{}).IsZero() {
			t.Error("DateOf(zero) is not zero")
		}
	})
}

// TestChoicesInMessagesAreDutchLabels: a message that lists the allowed values names them as the
// form does ("Ouderenzorg (VV)"), never by their codes ("elderly").
func TestChoicesInMessagesAreDutchLabels(t *testing.T) {
	list := Sectors.List()
	for _, o := range Sectors.Options() {
		if !strings.Contains(list, o.Label) {
			t.Errorf("Sectors.List() = %q lacks the label %q", list, o.Label)
		}
		if strings.Contains(list, string(o.Value)) {
			t.Errorf("Sectors.List() = %q shows the code %q", list, o.Value)
		}
	}
	if !strings.Contains(list, " of ") {
		t.Errorf("Sectors.List() = %q, want the last choice joined with \"of\"", list)
	}
}
