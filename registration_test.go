package mgz

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPracticeProfileNormalise(t *testing.T) {
	t.Run("§6 areas are trimmed, deduplicated and sorted", func(t *testing.T) {
		pp := PracticeProfile{OrganisationID: 3, Capacity: CapacityNearlyFull, PostcodeAreas: []string{" 9902", "9901", "", "9902", "1011 "}}
		if err := pp.Normalise(); err != nil {
			t.Fatalf("valid profile refused: %v", err)
		}
		if want := []string{"1011", "9901", "9902"}; !slices.Equal(pp.PostcodeAreas, want) {
			t.Errorf("areas = %v, want %v", pp.PostcodeAreas, want)
		}
	})
	t.Run("a practice may have no areas yet", func(t *testing.T) {
		pp := PracticeProfile{OrganisationID: 3, Capacity: CapacityFull}
		if err := pp.Normalise(); err != nil {
			t.Fatalf("profile without areas refused: %v", err)
		}
	})
	for _, tc := range []struct {
		name  string
		edit  func(*PracticeProfile)
		field string
		says  string
	}{
		{"§10 an area does not start with 0", func(pp *PracticeProfile) { pp.PostcodeAreas = []string{"9901", "0991"} }, "postcode_areas", "“0991”"},
		{"§10 an area has 4 digits, not 3", func(pp *PracticeProfile) { pp.PostcodeAreas = []string{"990"} }, "postcode_areas", "“990”"},
		{"§10 an area has 4 digits, not 5", func(pp *PracticeProfile) { pp.PostcodeAreas = []string{"99011"} }, "postcode_areas", "“99011”"},
		{"§10 an area is only digits", func(pp *PracticeProfile) { pp.PostcodeAreas = []string{"99A1"} }, "postcode_areas", "“99A1”"},
		{"§10 an area is not a whole postcode", func(pp *PracticeProfile) { pp.PostcodeAreas = []string{"9901 AB"} }, "postcode_areas", "4 cijfers"},
		{"capacity is required", func(pp *PracticeProfile) { pp.Capacity = "" }, "capacity", "verplicht"},
		{"capacity is known", func(pp *PracticeProfile) { pp.Capacity = "overflowing" }, "capacity", "Onbekende"},
		{"the practice is required", func(pp *PracticeProfile) { pp.OrganisationID = 0 }, "organisation_id", "huisartsenpraktijk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pp := PracticeProfile{OrganisationID: 3, Capacity: CapacityOpen, PostcodeAreas: []string{"9901"}}
			tc.edit(&pp)
			fields := fieldsOf(t, pp.Normalise())
			if !strings.Contains(fields[tc.field], tc.says) {
				t.Fatalf("field %s: message %q does not say %q (all: %v)", tc.field, fields[tc.field], tc.says, fields)
			}
		})
	}
}

func TestPracticeProfileServes(t *testing.T) {
	pp := PracticeProfile{PostcodeAreas: []string{"9901", "9903"}}
	for _, tc := range []struct {
		postcode string
		want     bool
	}{
		{"9901 AB", true},
		{"9901ab", true},
		{" 9903  zz ", true},
		{"9902 AB", false},
		{"1011 AB", false},
		{"9901", false}, // an area alone is no postcode
		{"0901 AB", false},
		{"", false},
		{"garbage", false},
	} {
		t.Run("§6 postcode area of "+tc.postcode, func(t *testing.T) {
			if got := pp.Serves(tc.postcode); got != tc.want {
				t.Errorf("Serves(%q) = %v, want %v", tc.postcode, got, tc.want)
			}
		})
	}
	if (PracticeProfile{}).Serves("9901 AB") {
		t.Error("a practice without areas serves a postcode")
	}
}

// validRegistration is a registration without priority, switch or open items.
func validRegistration() Registration {
	return Registration{PatientID: 1, PracticeID: 3, LocationID: patientRef(7), RegisteredBy: 11}
}

func TestRegistrationValid(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(*Registration)
		openItems []string
		check     func(*testing.T, Registration)
	}{
		{"§6 registration by name without priority", func(*Registration) {}, nil,
			func(t *testing.T, r Registration) {
				if r.PriorityGround != PriorityNone {
					t.Errorf("empty ground not read as none: %q", r.PriorityGround)
				}
			}},
		{"§6 priority for a client from outside the municipality without a GP nearby", func(r *Registration) {
			r.Priority, r.PriorityGround = true, PriorityOutsideMunicipalityNoGP
		}, nil, nil},
		{"§6 priority for residents of a location as a community", func(r *Registration) {
			r.Priority, r.PriorityGround = true, PriorityLocationCommunity
		}, nil, nil},
		{"§6 a switch with the client's consent", func(r *Registration) {
			r.SwitchFromPracticeID, r.SwitchConsent = patientRef(4), true
		}, nil, nil},
		{"§6 practice 0 from a form is no switch", func(r *Registration) { r.SwitchFromPracticeID = patientRef(0) }, nil,
			func(t *testing.T, r Registration) {
				if r.SwitchFromPracticeID != nil {
					t.Errorf("switch not cleared: %v", *r.SwitchFromPracticeID)
				}
			}},
		{"§5 every open item acknowledged", func(r *Registration) {
			r.OpenItemsAcknowledged = []string{"first_line_24h", " physician_contract", "first_line_24h", "fixed_team"}
		}, []string{"physician_contract", "first_line_24h"},
			func(t *testing.T, r Registration) {
				// Duplicates and items that are not open are dropped: the record says what was open.
				if want := []string{"first_line_24h", "physician_contract"}; !slices.Equal(r.OpenItemsAcknowledged, want) {
					t.Errorf("acknowledged = %v, want %v", r.OpenItemsAcknowledged, want)
				}
			}},
		{"§5 a ready location needs no acknowledgement", func(*Registration) {}, []string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRegistration()
			tc.edit(&r)
			if err := r.Validate(tc.openItems); err != nil {
				t.Fatalf("valid registration refused: %v", err)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestRegistrationInvalid(t *testing.T) {
	for _, tc := range []struct {
		name      string
		edit      func(*Registration)
		openItems []string
		fields    []string
		says      []string // in the message of the first field
	}{
		{"§6 priority needs a ground", func(r *Registration) { r.Priority = true }, nil,
			[]string{"priority_ground"}, []string{"geen voorrang geven, behalve", "buiten de gemeente", "ACM"}},
		{"§6 a ground needs priority", func(r *Registration) { r.PriorityGround = PriorityLocationCommunity }, nil,
			[]string{"priority", "priority_ground"}, []string{"voorrang staat uit", "geen voorrang geven, behalve"}},
		{"§6 the ground is one of the §6 grounds", func(r *Registration) { r.Priority, r.PriorityGround = true, "friend_of_the_doctor" }, nil,
			[]string{"priority_ground"}, []string{"Onbekende grond"}},
		{"§6 a switch needs the client's consent", func(r *Registration) { r.SwitchFromPracticeID = patientRef(4) }, nil,
			[]string{"switch_consent"}, []string{"nooit", "toestemming"}},
		{"§6 a switch comes from another practice", func(r *Registration) { r.SwitchFromPracticeID, r.SwitchConsent = patientRef(3), true }, nil,
			[]string{"switch_from_practice_id"}, []string{"niet overstappen"}},
		{"§5 open items must be acknowledged", func(r *Registration) { r.OpenItemsAcknowledged = []string{"first_line_24h"} },
			[]string{"first_line_24h", "physician_contract", "wzd_protocol"},
			[]string{"open_items_acknowledged"}, []string{"nog niet klaar", "physician_contract, wzd_protocol."}},
		{"§5 nothing acknowledged while items are open", func(*Registration) {}, []string{"gp_post_arrangement"},
			[]string{"open_items_acknowledged"}, []string{"Bevestig", "gp_post_arrangement"}},
		{"the patient is required", func(r *Registration) { r.PatientID = 0 }, nil, []string{"patient_id"}, []string{"cliënt"}},
		{"the practice is required", func(r *Registration) { r.PracticeID = 0 }, nil, []string{"practice_id"}, []string{"praktijk"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRegistration()
			tc.edit(&r)
			fields := fieldsOf(t, r.Validate(tc.openItems))
			for _, f := range tc.fields {
				if fields[f] == "" {
					t.Errorf("field %s not named (all: %v)", f, fields)
				}
			}
			if len(fields) != len(tc.fields) {
				t.Errorf("named %d fields, want %d: %v", len(fields), len(tc.fields), fields)
			}
			for _, s := range tc.says {
				if msg := fields[tc.fields[0]]; !strings.Contains(msg, s) {
					t.Errorf("field %s: message %q does not say %q", tc.fields[0], msg, s)
				}
			}
		})
	}
	t.Run("§6 capacity is not checked when registering", func(t *testing.T) {
		// Validate has no capacity to see: a full practice may register a replacement resident.
		r := validRegistration()
		if err := r.Validate(nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAdviseRelocation(t *testing.T) {
	const current = int64(3)
	profile := PracticeProfile{OrganisationID: current, Capacity: CapacityOpen, PostcodeAreas: []string{"9901"}}
	for _, tc := range []struct {
		name     string
		postcode string
		fixedGP  *int64
		stays    bool
		switchTo *int64
		says     []string // each in some note
	}{
		{"§6 same postcode area: the practice stays responsible", "9901 CD", nil, true, nil,
			[]string{"postcodegebied 9901", "blijft verantwoordelijk", "tot een andere praktijk"}},
		{"§6 outside the areas: discuss a practice nearby, never without a GP", "1011 AB", nil, false, nil,
			[]string{"buiten de postcodegebieden", "in de buurt", "blijft verantwoordelijk", "nooit zonder huisarts"}},
		{"§6 same area, another fixed GP: suggest discussing a switch", "9901 CD", patientRef(8), true, patientRef(8),
			[]string{"blijft verantwoordelijk", "andere vaste huisartsenpraktijk", "dwing een overstap nooit af"}},
		{"§6 outside the areas, another fixed GP: suggest discussing a switch", "1011 AB", patientRef(8), false, patientRef(8),
			[]string{"buiten de postcodegebieden", "dwing een overstap nooit af"}},
		{"§6 the practice is the location's fixed GP: it stays responsible", "1011 AB", patientRef(current), true, nil,
			[]string{"vaste huisarts van de nieuwe locatie"}},
		{"§6 the practice is the fixed GP in its own area: no switch", "9901 CD", patientRef(current), true, nil,
			[]string{"vaste huisarts van de nieuwe locatie"}},
		{"§6 an unreadable postcode lies outside the areas", "99", nil, false, nil,
			[]string{"buiten de postcodegebieden"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := Location{ID: 9, Name: "De Wilg", Postcode: tc.postcode, Setting: SettingClusteredHousing, FixedGPPracticeID: tc.fixedGP}
			a := AdviseRelocation(profile, loc, current)
			if a.StaysResponsible != tc.stays {
				t.Errorf("StaysResponsible = %v, want %v", a.StaysResponsible, tc.stays)
			}
			switch {
			case tc.switchTo == nil && a.SuggestSwitchTo != nil:
				t.Errorf("SuggestSwitchTo = %d, want none", *a.SuggestSwitchTo)
			case tc.switchTo != nil && (a.SuggestSwitchTo == nil || *a.SuggestSwitchTo != *tc.switchTo):
				t.Errorf("SuggestSwitchTo = %v, want %d", a.SuggestSwitchTo, *tc.switchTo)
			}
			all := strings.Join(a.Notes, "\n")
			for _, s := range tc.says {
				if !strings.Contains(all, s) {
					t.Errorf("no note says %q:\n%s", s, all)
				}
			}
			if len(a.Notes) == 0 || !strings.Contains(a.Notes[len(a.Notes)-1], "randvoorwaarden") {
				t.Errorf("§6 the last note does not ask to check the new location's prerequisites:\n%s", all)
			}
		})
	}
	t.Run("§6 the suggestion does not alias the location", func(t *testing.T) {
		loc := Location{Name: "De Wilg", Postcode: "9901 CD", FixedGPPracticeID: patientRef(8)}
		a := AdviseRelocation(profile, loc, current)
		*a.SuggestSwitchTo = 99
		if *loc.FixedGPPracticeID != 8 {
			t.Error("changing the advice changed the location")
		}
	})
}

func TestRegistrationConsentToSwitch(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	ok := func() Registration {
		return Registration{SwitchConsentMethod: ConsentInWriting, SwitchConsentOn: NewDate(2026, 11, 28), SwitchConsentBy: " H. Jansen, praktijkondersteuner "}
	}
	for _, tc := range []struct {
		name   string
		change func(*Registration)
		fields []string
	}{
		{"complete consent is accepted and trimmed", func(*Registration) {}, nil},
		{"consent given today is accepted", func(r *Registration) { r.SwitchConsentOn = NewDate(2026, 11, 30) }, nil},
		{"the way consent was obtained is required", func(r *Registration) { r.SwitchConsentMethod = "" }, []string{"switch_consent_method"}},
		{"an unknown way is refused", func(r *Registration) { r.SwitchConsentMethod = "by_phone_call" }, []string{"switch_consent_method"}},
		{"the day is required", func(r *Registration) { r.SwitchConsentOn = Date{} }, []string{"switch_consent_on"}},
		{"consent in the future is refused", func(r *Registration) { r.SwitchConsentOn = NewDate(2026, 12, 1) }, []string{"switch_consent_on"}},
		{"consent older than a year is refused", func(r *Registration) { r.SwitchConsentOn = NewDate(2025, 11, 29) }, []string{"switch_consent_on"}},
		{"who obtained it is required", func(r *Registration) { r.SwitchConsentBy = "  " }, []string{"switch_consent_by"}},
		{"who obtained it is bounded", func(r *Registration) { r.SwitchConsentBy = strings.Repeat("a", maxName+1) }, []string{"switch_consent_by"}},
		{"who obtained it is one line", func(r *Registration) { r.SwitchConsentBy = "H. Jansen\n=HYPERLINK()" }, []string{"switch_consent_by"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ok()
			tc.change(&r)
			err := r.ValidateConsent(now)
			if len(tc.fields) == 0 {
				if err != nil || !r.SwitchConsent || r.SwitchConsentBy != "H. Jansen, praktijkondersteuner" {
					t.Fatalf("err %v, consent %v, by %q", err, r.SwitchConsent, r.SwitchConsentBy)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != ECodeInvalid || r.SwitchConsent {
				t.Fatalf("err = %v, consent %v", err, r.SwitchConsent)
			}
			for _, f := range tc.fields {
				if e.Fields[f] == "" {
					t.Fatalf("field %s not named: %v", f, e.Fields)
				}
			}
		})
	}
}

func TestObjectionReason(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		ok           bool
	}{
		{"a reason is kept, trimmed", "  De cliënt wil blijven.  ", true},
		{"an empty reason is refused", "   ", false},
		{"a reason is bounded", strings.Repeat("x", maxReason+1), false},
		{"a reason may span lines", "De cliënt belde.\nZij wil blijven.", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckObjectionReason(tc.reason)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if tc.ok && got != strings.TrimSpace(tc.reason) {
				t.Fatalf("reason = %q", got)
			}
		})
	}
}

func TestSwitchRequestDue(t *testing.T) {
	requested := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	sr := SwitchRequest{State: SwitchOpen, RequestedAt: requested, DueAt: requested.AddDate(0, 0, DefaultSwitchPeriodDays)}
	for _, tc := range []struct {
		name string
		now  time.Time
		st   SwitchState
		due  bool
	}{
		{"an open request before its period is not due", requested.AddDate(0, 0, 13), SwitchOpen, false},
		{"an open request at the end of its period is due", sr.DueAt, SwitchOpen, true},
		{"an objected request is never due", sr.DueAt.AddDate(0, 1, 0), SwitchObjected, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sr
			r.State = tc.st
			if got := r.Due(tc.now); got != tc.due {
				t.Fatalf("Due = %v", got)
			}
		})
	}
}
