package rules

import (
	"strings"
	"testing"

	"github.com/regio-mgz/mgz/calendar"
)

// TestSpotChecks are the named checks of the brief.
func TestSpotChecks(t *testing.T) {
	t.Run("pgb_clustered_disability_wzd_christmas_night", func(t *testing.T) {
		req, err := Parse([]byte(`{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"pgb","sector":"disability"},"question":{"category":"wzd","at":"2026-12-25T03:10:00+01:00"}}`))
		if err != nil {
			t.Fatal(err)
		}
		resp := decideOK(t, req)
		c, r := resp.Classification, resp.Route
		if c.Group != GroupAtProvider || c.QualityOversight != OversightClient || c.GPTariff != TariffZvw || c.SpecificCareBy != RoleIDPhysician {
			t.Errorf("classification %+v", c)
		}
		if len(c.Flags) != 1 || c.Flags[0] != FlagPGBInClusteredHousing {
			t.Errorf("flags %v, want [pgb_in_clustered_housing]", c.Flags)
		}
		if r.Period != calendar.OutOfHours || r.Holiday != "Eerste Kerstdag" {
			t.Errorf("period %s holiday %q, want out_of_hours Eerste Kerstdag", r.Period, r.Holiday)
		}
		if got := stepString(r.Steps, SectorDisability); got != "first_line SP" || r.Steps[1].Role != RoleIDPhysician {
			t.Errorf("steps %q", got)
		}
		if len(r.NotResponsible) != 2 || r.NotResponsible[0].Role != RoleGP || r.NotResponsible[1].Role != RoleGPPost {
			t.Errorf("not_responsible %+v", r.NotResponsible)
		}
		if !strings.Contains(r.Summary, "voorwacht") {
			t.Errorf("summary %q", r.Summary)
		}
	})

	// An institution client with treatment and a gp_care question at 16:59
	// and 17:00 local time on Wednesday 9 September 2026 (CEST, UTC+2),
	// given in UTC.
	for _, c := range []struct {
		name, at string
		period   calendar.Period
		second   Role
	}{
		{"with_treatment_gp_care_16:59_in_UTC", "2026-09-09T14:59:00Z", calendar.OfficeHours, RoleInstitutionPhysician},
		{"with_treatment_gp_care_17:00_in_UTC", "2026-09-09T15:00:00Z", calendar.OutOfHours, RoleCareProviderOutOfHours},
		{"with_treatment_gp_care_16:59:59_in_UTC", "2026-09-09T14:59:59Z", calendar.OfficeHours, RoleInstitutionPhysician},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := Parse([]byte(`{"situation":{"setting":"institution","wlz":"with_treatment","delivery":"stay_with_treatment","sector":"elderly"},"question":{"category":"gp_care","at":"` + c.at + `"}}`))
			if err != nil {
				t.Fatal(err)
			}
			r := decideOK(t, req).Route
			if r.Period != c.period || r.Holiday != "" {
				t.Errorf("period %s holiday %q, want %s", r.Period, r.Holiday, c.period)
			}
			if len(r.Steps) != 2 || r.Steps[0].Role != RoleFirstLine || r.Steps[1].Role != c.second {
				t.Errorf("steps %+v", r.Steps)
			}
		})
	}
}

// TestEngine_settings: a region's calendar settings change the period.
func TestEngine_settings(t *testing.T) {
	req := Request{Situation: sitAT, Question: &Question{Category: CategoryGPCare, At: mustTime("2026-04-03T10:00:00+02:00")}} // Good Friday
	if r := decideOK(t, req).Route; r.Period != calendar.OfficeHours || r.Holiday != "Goede Vrijdag" {
		t.Errorf("default: %s %q", r.Period, r.Holiday)
	}
	nza, err := NewEngine(calendar.NZa2023())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := nza.Decide(req)
	if err != nil || resp.Route.Period != calendar.OutOfHours || resp.Route.Steps[1].Role != RoleGPPost {
		t.Errorf("NZa 2023 on Good Friday: %+v %v", resp.Route, err)
	}
	late := Request{Situation: sitAT, Question: &Question{Category: CategoryGPCare, At: mustTime("2026-09-09T17:30:00+02:00")}}
	if resp, _ := nza.Decide(late); resp.Route.Period != calendar.OfficeHours {
		t.Errorf("NZa 2023 at 17:30: %s, want office_hours", resp.Route.Period)
	}
	if _, err := NewEngine(calendar.Settings{OfficeStart: calendar.At(18, 0), OfficeEnd: calendar.At(8, 0)}); err == nil {
		t.Error("NewEngine accepted invalid settings")
	}
	zero, _ := NewEngine(calendar.Settings{})
	if zero.Settings() != calendar.Default() {
		t.Error("zero settings must mean calendar.Default")
	}
	var e Engine
	if resp, err := e.Decide(late); err != nil || resp.Route.Period != calendar.OutOfHours {
		t.Errorf("zero Engine at 17:30: %v %v", resp.Route, err)
	}
}

// TestDecide_concurrent: the engine is safe for concurrent use (run with
// -race).
func TestDecide_concurrent(t *testing.T) {
	in := benchLines(500)
	done := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func() {
			var out strings.Builder
			if err := DecideLines(t.Context(), strings.NewReader(string(in)), &out, calendar.Settings{}); err != nil {
				t.Error(err)
			}
			done <- out.String()
		}()
	}
	first := <-done
	for g := 1; g < 4; g++ {
		if <-done != first {
			t.Error("concurrent runs gave different output")
		}
	}
}
