package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz/calendar"
)

// expectedRoutes is domain.md §4.3 typed out again, independently of
// route.go: per category, the six cells AT office, AT out of hours, IN
// office, IN out of hours, HM office, HM out of hours. "SP" is the sector's
// physician; a step is a call unless marked "(consult)" or "(inform)".
var expectedRoutes = map[Category][6]string{
	CategoryEmergency:           {"emergency_services", "emergency_services", "emergency_services", "emergency_services", "emergency_services", "emergency_services"},
	CategoryGPCare:              {"first_line gp", "first_line gp_post", "first_line institution_physician", "first_line care_provider_out_of_hours", "gp", "gp_post"},
	CategoryBehaviour:           {"first_line behaviour_specialist SP", "first_line behaviour_specialist SP", "first_line behaviour_specialist SP", "first_line behaviour_specialist SP", "gp SP(consult)", "gp_post SP(consult)"},
	CategoryConditionTreatment:  {"first_line SP", "first_line SP", "first_line SP", "first_line SP", "gp SP(consult)", "gp_post SP(consult)"},
	CategoryWzd:                 {"first_line SP", "first_line SP", "first_line SP", "first_line SP", "SP gp(inform)", "SP gp(inform)"},
	CategoryInfectionPrevention: {"first_line SP public_health_service(consult)", "first_line SP public_health_service(consult)", "first_line SP public_health_service(consult)", "first_line SP public_health_service(consult)", "care_provider public_health_service(consult)", "care_provider public_health_service(consult)"},
	CategoryNursing:             {"first_line care_provider", "first_line care_provider", "first_line care_provider", "first_line care_provider", "care_provider", "care_provider"},
}

// expectedNotResponsible: [gp, gp_post] for wzd, infection_prevention and
// nursing in every group, for behaviour and condition_treatment in AT and IN.
func expectedNotResponsible(c Category, g Group) string {
	switch c {
	case CategoryWzd, CategoryInfectionPrevention, CategoryNursing:
		return "gp gp_post"
	case CategoryBehaviour, CategoryConditionTreatment:
		if g != GroupHome {
			return "gp gp_post"
		}
	}
	return ""
}

func stepString(steps []Step, sector Sector) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		r := string(s.Role)
		if s.Role == sectorPhysicians[sector].role {
			r = "SP"
		}
		if s.Mode != ModeCall {
			r += "(" + string(s.Mode) + ")"
		}
		parts[i] = r
	}
	return strings.Join(parts, " ")
}

// TestRoute checks every cell of the §4.3 table (7 categories × 3 groups × 2
// periods), for both sectors and for clients with and without Wlz in HM.
func TestRoute(t *testing.T) {
	groups := []struct {
		name string
		sits []Situation
		col  int
	}{
		{"AT", []Situation{sitAT, {Setting: SettingInstitution, Wlz: WlzWithoutTreatment, Delivery: DeliveryStayWithoutTreatment, Sector: SectorElderly}, {Setting: SettingClusteredHousing, Wlz: WlzWithoutTreatment, Delivery: DeliveryPGB, Sector: SectorElderly}}, 0},
		{"IN", []Situation{sitIN}, 2},
		{"HM", []Situation{sitHM, sitNo, {Setting: SettingHome, Wlz: WlzWithTreatment, Delivery: DeliveryPGB, Sector: SectorElderly}}, 4},
		// rules v2: a resident of group HM (no Wlz, living in clustered
		// housing or an institution) follows the HM route, except for
		// infection prevention, where the location's route (AT) applies.
		{"HM_resident", []Situation{{Setting: SettingInstitution, Wlz: WlzNone, Sector: SectorElderly, Need: NeedPermanent24h}, {Setting: SettingClusteredHousing, Wlz: WlzNone, Sector: SectorDisability, Need: NeedTemporary24h}}, 4},
	}
	periods := []struct {
		name   string
		offset int
		at     string
	}{
		{"office_hours", 0, "2026-09-09T14:00:00+02:00"},
		{"out_of_hours", 1, "2026-09-09T22:00:00+02:00"},
	}
	for _, c := range categoryValues {
		for _, g := range groups {
			for _, p := range periods {
				t.Run(fmt.Sprintf("§4.3_%s_%s_%s", c, g.name, p.name), func(t *testing.T) {
					want := expectedRoutes[c][g.col+p.offset]
					if g.name == "HM_resident" && c == CategoryInfectionPrevention {
						want = expectedRoutes[c][0+p.offset] // as AT
					}
					for _, base := range g.sits {
						for _, sector := range sectorValues {
							s := withSector(base, sector)
							resp := decideOK(t, Request{Situation: s, Question: &Question{Category: c, At: mustTime(p.at)}})
							r := resp.Route
							if r == nil {
								t.Fatal("no route")
							}
							if string(r.Period) != p.name {
								t.Errorf("period %s, want %s", r.Period, p.name)
							}
							if got := stepString(r.Steps, sector); got != want {
								t.Errorf("%+v: steps %q, want %q", s, got, want)
							}
							for i, st := range r.Steps {
								if st.Order != i+1 {
									t.Errorf("step %d has order %d", i, st.Order)
								}
							}
							var nr []string
							for _, n := range r.NotResponsible {
								nr = append(nr, string(n.Role))
							}
							if got := strings.Join(nr, " "); got != expectedNotResponsible(c, resp.Classification.Group) {
								t.Errorf("%+v: not_responsible %q, want %q", s, got, expectedNotResponsible(c, resp.Classification.Group))
							}
						}
					}
				})
			}
		}
	}
}

// TestRoute_sourcesAndTexts checks every precomputed cell: each step and
// not_responsible entry has a Dutch why and at least one source in the
// citation forms; the summary is one line under 140 characters.
func TestRoute_sourcesAndTexts(t *testing.T) {
	for ci, c := range categoryValues {
		for gi, g := range groupValues {
			for si, s := range sectorValues {
				for pi, p := range periodValues {
					cell := routeCells[ci][gi][si][pi]
					name := fmt.Sprintf("%s/%s/%s/%s", c, g, s, p)
					if len(cell.Steps) == 0 {
						t.Errorf("%s: no steps", name)
					}
					for _, st := range cell.Steps {
						checkText(t, name+" step "+string(st.Role), st.Why, st.Sources)
						if strings.Contains(st.Why, "{SP}") {
							t.Errorf("%s: unresolved {SP}", name)
						}
					}
					for _, n := range cell.NotResponsible {
						checkText(t, name+" not_responsible "+string(n.Role), n.Why, n.Sources)
					}
					checkSummary(t, name, cell.Summary)
				}
			}
		}
	}
}

func checkSummary(t *testing.T, name, s string) {
	t.Helper()
	if s == "" || utf8.RuneCountInString(s) >= MaxSummary || strings.ContainsAny(s, "\n\r") {
		t.Errorf("%s: summary %q must be one line under %d characters", name, s, MaxSummary)
	}
	if !strings.HasPrefix(s, "Bel ") && !strings.HasPrefix(s, "Levensbedreigend: bel direct 112") {
		t.Errorf("%s: summary %q does not say whom to call first", name, s)
	}
}

// citation matches domain.md's citation forms: T, T 2.3.2(.n), L-Wlz q,
// L-Rol q, L-Conv q.
func validCitation(s string) bool {
	switch {
	case s == "T":
		return true
	case strings.HasPrefix(s, "T 2.3.2"):
		rest := strings.TrimPrefix(s, "T 2.3.2")
		return rest == "" || (len(rest) == 2 && rest[0] == '.' && rest[1] >= '1' && rest[1] <= '4') || rest == ".1a" || rest == ".1b" || rest == ".1c"
	}
	for _, p := range []string{"L-Wlz ", "L-Rol ", "L-Conv "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return len(rest) == 1 && rest[0] >= '1' && rest[0] <= '9'
		}
	}
	return false
}

func checkText(t *testing.T, name, text string, sources []string) {
	t.Helper()
	if strings.TrimSpace(text) == "" {
		t.Errorf("%s: empty text", name)
	}
	if len(sources) == 0 {
		t.Errorf("%s: no source", name)
	}
	for _, s := range sources {
		if !validCitation(s) {
			t.Errorf("%s: source %q is not a citation form of domain.md", name, s)
		}
	}
}

func TestLookupRoute(t *testing.T) {
	cell, ok := LookupRoute(CategoryGPCare, GroupAtProvider, SectorDisability, calendar.OutOfHours)
	if !ok || stepString(cell.Steps, SectorDisability) != "first_line gp_post" {
		t.Errorf("LookupRoute gp_care AT out_of_hours = %v, %v", cell.Steps, ok)
	}
	if _, ok := LookupRoute("unknown", GroupHome, SectorElderly, calendar.OfficeHours); ok {
		t.Error("LookupRoute accepted an unknown category")
	}
	if _, ok := LookupRoute(CategoryGPCare, GroupHome, "x", calendar.OfficeHours); ok {
		t.Error("LookupRoute accepted an unknown sector")
	}
}

func TestSummarize(t *testing.T) {
	cases := []struct {
		name  string
		steps []Step
		want  string
	}{
		{"emergency", []Step{{Role: RoleEmergencyServices, Mode: ModeCall}}, "Levensbedreigend: bel direct 112."},
		{"two_calls", []Step{{Role: RoleFirstLine, Mode: ModeCall}, {Role: RoleGPPost, Mode: ModeCall}}, "Bel eerst de voorwacht, daarna de huisartsenpost."},
		{"three_calls", []Step{{Role: RoleFirstLine, Mode: ModeCall}, {Role: RoleBehaviourSpecialist, Mode: ModeCall}, {Role: RoleIDPhysician, Mode: ModeCall}}, "Bel eerst de voorwacht, daarna de gedragskundige, dan de arts VG."},
		{"consult", []Step{{Role: RoleGP, Mode: ModeCall}, {Role: RoleElderlyCarePhysician, Mode: ModeConsult}}, "Bel eerst de huisarts; die overlegt zo nodig met de specialist ouderengeneeskunde."},
		{"inform", []Step{{Role: RoleIDPhysician, Mode: ModeCall}, {Role: RoleGP, Mode: ModeInform}}, "Bel eerst de arts VG; informeer daarna de huisarts."},
		{"contacts", []Step{{Role: RoleFirstLine, Mode: ModeCall, Contact: &Contact{Organisation: "De Linde", Phone: "030 123 4567"}}, {Role: RoleGPPost, Mode: ModeCall, Contact: &Contact{Organisation: "HAP Utrecht"}}},
			"Bel eerst de voorwacht (De Linde, 030 123 4567), daarna de huisartsenpost (HAP Utrecht)."},
		{"contacts_too_long", []Step{{Role: RoleFirstLine, Mode: ModeCall, Contact: &Contact{Organisation: strings.Repeat("Zorggroep ", 15)}}, {Role: RoleGPPost, Mode: ModeCall}},
			"Bel eerst de voorwacht, daarna de huisartsenpost."},
		{"empty", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Summarize(c.steps); got != c.want {
				t.Errorf("Summarize = %q, want %q", got, c.want)
			}
		})
	}
}

// TestRoute_cloneLeavesTablesAlone guards the shared tables: an adapter that
// fills in contacts on a clone must not change the next decision.
func TestRoute_cloneLeavesTablesAlone(t *testing.T) {
	req := Request{Situation: sitAT, Question: &Question{Category: CategoryGPCare, At: officeMoment}}
	r1 := decideOK(t, req)
	c := r1.Route.Clone()
	c.Steps[0].Contact = &Contact{Organisation: "De Linde"}
	c.Steps[0].Why = "changed"
	c.Steps[0].Sources[0] = "changed"
	c.NotResponsible = append(c.NotResponsible, NotResponsible{Role: RoleGP})
	r2 := decideOK(t, req)
	if r2.Route.Steps[0].Contact != nil || r2.Route.Steps[0].Why == "changed" || r2.Route.Steps[0].Sources[0] == "changed" || len(r2.Route.NotResponsible) != 0 {
		t.Error("changing a clone changed the shared routing table")
	}
	if (*Route)(nil).Clone() != nil {
		t.Error("Clone of nil must be nil")
	}
}

// TestRoute_v2InfectionPreventionForAllResidents checks rules v2 of
// domain.md §4.3 [L-Rol 2]: a location's infection-prevention protocol covers
// all its residents, so a resident of clustered housing or an institution
// without a Wlz indication (group HM) gets the location's route — first_line,
// SP, public_health_service (consult) — day and night, while a client at home
// keeps care_provider, public_health_service (consult). The first step says
// why and cites L-Rol 2.
func TestRoute_v2InfectionPreventionForAllResidents(t *testing.T) {
	cases := []struct {
		name string
		sit  Situation
		want string
	}{
		{"clustered_housing_no_wlz", Situation{Setting: SettingClusteredHousing, Wlz: WlzNone, Sector: SectorDisability, Need: NeedTemporary24h}, "first_line SP public_health_service(consult)"},
		{"institution_no_wlz", Situation{Setting: SettingInstitution, Wlz: WlzNone, Sector: SectorElderly, Need: NeedPermanent24h}, "first_line SP public_health_service(consult)"},
		{"home_no_wlz", sitNo, "care_provider public_health_service(consult)"},
		{"home_wlz", sitHM, "care_provider public_health_service(consult)"},
	}
	for _, c := range cases {
		for _, at := range []time.Time{officeMoment, anwMoment} {
			t.Run("§4.3_v2_"+c.name+"_"+at.Format("15h"), func(t *testing.T) {
				resp := decideOK(t, Request{Situation: c.sit, Question: &Question{Category: CategoryInfectionPrevention, At: at}})
				if resp.Classification.Group != GroupHome {
					t.Fatalf("group %s, want home: the route changes, the classification does not", resp.Classification.Group)
				}
				if got := stepString(resp.Route.Steps, c.sit.Sector); got != c.want {
					t.Fatalf("steps %q, want %q", got, c.want)
				}
				if len(resp.Route.NotResponsible) != 2 {
					t.Errorf("not_responsible %+v, want gp and gp_post", resp.Route.NotResponsible)
				}
				if c.sit.Setting == SettingHome {
					return
				}
				first := resp.Route.Steps[0]
				if !strings.Contains(first.Why, "alle bewoners") || first.Sources[0] != "L-Rol 2" {
					t.Errorf("first step does not say the protocol covers all residents [L-Rol 2]: %+v", first)
				}
			})
		}
	}
}
