package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/regio-mgz/mgz/calendar"
)

// hmSituations are the situations of group HM (domain.md §4.3): a Wlz client
// at home, and clients without Wlz at home or living in a setting.
var hmSituations = []Situation{
	sitHM,
	{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryPGB, Sector: SectorDisability},
	sitNo,
	{Setting: SettingInstitution, Wlz: WlzNone, Sector: SectorElderly, Need: NeedPermanent24h},
	{Setting: SettingClusteredHousing, Wlz: WlzNone, Sector: SectorDisability, Need: NeedExtraNot24h},
}

// TestRoute_HMTextsFitTheGroup: group HM has no voorwacht, no agreements with
// a location and no "residents"; its texts must also be true for a client
// without Wlz who lives in a setting, so none may begin with "Thuis". The
// exception are the residentRoutes (rules v2): a resident of a setting follows
// the location's route for those categories, voorwacht and all.
func TestRoute_HMTextsFitTheGroup(t *testing.T) {
	forbidden := []string{"voorwacht", "woonlocatie", "bewoners", "afspraken met de"}
	for _, sit := range hmSituations {
		for _, c := range categoryValues {
			if _, ok := residentRoutes[c]; ok && sit.Setting != SettingHome {
				continue
			}
			for _, at := range []string{"2026-09-09T14:00:00+02:00", "2026-09-09T22:00:00+02:00"} {
				name := fmt.Sprintf("§4.3_HM_%s_%s_%s_%s_%s", sit.Setting, sit.Wlz, sit.Sector, c, at)
				r := decideOK(t, Request{Situation: sit, Question: &Question{Category: c, At: mustTime(at)}}).Route
				type entry struct{ role, why string }
				var texts []entry
				for _, s := range r.Steps {
					texts = append(texts, entry{"step " + string(s.Role), s.Why})
				}
				for _, n := range r.NotResponsible {
					texts = append(texts, entry{"not_responsible " + string(n.Role), n.Why})
				}
				for _, e := range texts {
					for _, f := range forbidden {
						if strings.Contains(strings.ToLower(e.why), f) {
							t.Errorf("%s: %s says %q, which does not hold for group HM: %q", name, e.role, f, e.why)
						}
					}
					if strings.HasPrefix(e.why, "Thuis ") && sit.Setting != SettingHome {
						t.Errorf("%s: %s starts with \"Thuis\" for a client in %s: %q", name, e.role, sit.Setting, e.why)
					}
				}
				if len(r.Summary) == 0 || utf8.RuneCountInString(r.Summary) >= MaxSummary {
					t.Errorf("%s: summary %q", name, r.Summary)
				}
			}
		}
	}
}

// TestRoute_citationPerRole pins the source of key steps (domain.md §4.3
// "Where the table comes from").
func TestRoute_citationPerRole(t *testing.T) {
	office, anw := mustTime("2026-09-09T14:00:00+02:00"), mustTime("2026-09-09T22:00:00+02:00")
	cases := []struct {
		name     string
		sit      Situation
		category Category
		at       string
		role     Role
		mode     Mode
		want     []string // exact sources
		contains string   // or: a source the step must carry
	}{
		{"§4.3_behaviour_specialist_T_2.3.2.2", sitAT, CategoryBehaviour, "office", RoleBehaviourSpecialist, ModeCall, []string{"T 2.3.2.2"}, ""},
		{"§4.3_first_line_T_2.3.2.3", sitAT, CategoryGPCare, "anw", RoleFirstLine, ModeCall, nil, "T 2.3.2.3"},
		{"§4.3_first_line_IN_T_2.3.2.3", sitIN, CategoryNursing, "office", RoleFirstLine, ModeCall, nil, "T 2.3.2.3"},
		{"§4.3_public_health_service_L-Rol_2", sitAT, CategoryInfectionPrevention, "office", RolePublicHealthService, ModeConsult, []string{"L-Rol 2"}, ""},
		{"§4.3_public_health_service_HM_L-Rol_2", sitHM, CategoryInfectionPrevention, "anw", RolePublicHealthService, ModeConsult, []string{"L-Rol 2"}, ""},
		{"§4.3_care_provider_nursing_L-Rol_3", sitAT, CategoryNursing, "office", RoleCareProvider, ModeCall, []string{"L-Rol 3"}, ""},
		{"§4.3_care_provider_nursing_HM_L-Rol_3", sitNo, CategoryNursing, "anw", RoleCareProvider, ModeCall, []string{"L-Rol 3"}, ""},
		{"§4.3_HM_gp_post_consults_SP_L-Rol_1_L-Conv_5", sitHM, CategoryBehaviour, "anw", RoleElderlyCarePhysician, ModeConsult, []string{"L-Rol 1", "L-Conv 5"}, ""},
		{"§4.3_HM_gp_post_condition_consults_SP_L-Rol_1_L-Conv_5", sitNo, CategoryConditionTreatment, "anw", RoleElderlyCarePhysician, ModeConsult, []string{"L-Rol 1", "L-Conv 5"}, ""},
		{"§4.3_HM_gp_post_gp_care_T_L-Rol_1", sitHM, CategoryGPCare, "anw", RoleGPPost, ModeCall, []string{"T", "L-Rol 1"}, ""},
		{"§4.3_emergency_L-Rol_2_category_list_only", sitHM, CategoryEmergency, "anw", RoleEmergencyServices, ModeCall, []string{"L-Rol 2"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := office
			if c.at == "anw" {
				at = anw
			}
			r := decideOK(t, Request{Situation: c.sit, Question: &Question{Category: c.category, At: at}}).Route
			var found *Step
			for i := range r.Steps {
				if r.Steps[i].Role == c.role && r.Steps[i].Mode == c.mode {
					found = &r.Steps[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s step (%s) in %s", c.role, c.mode, stepString(r.Steps, c.sit.Sector))
			}
			if c.want != nil && !reflect.DeepEqual(found.Sources, c.want) {
				t.Errorf("%s sources %v, want %v", c.role, found.Sources, c.want)
			}
			if c.contains != "" && !contains(found.Sources, c.contains) {
				t.Errorf("%s sources %v lack %s", c.role, found.Sources, c.contains)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestRoute_emergencyIsProductChoice: no source mentions 112, so the why must
// not claim that one does. It is read by a care worker in an emergency: it
// says to call 112 at once, holds for every group, and carries no note for
// developers (the product choice is documented in the code).
func TestRoute_emergencyIsProductChoice(t *testing.T) {
	for _, sit := range []Situation{sitAT, sitIN, sitHM, sitNo} {
		r := decideOK(t, Request{Situation: sit, Question: &Question{Category: CategoryEmergency, At: anwMoment}}).Route
		if len(r.Steps) != 1 || r.Steps[0].Role != RoleEmergencyServices {
			t.Fatalf("emergency steps %+v", r.Steps)
		}
		why := r.Steps[0].Why
		if !strings.Contains(why, "bel direct 112") || strings.Contains(why, "voorwacht") {
			t.Errorf("§4.3 emergency why %q must say to call 112 at once and hold for every group", why)
		}
		for _, note := range []string{"productkeuze", "toepassing", "bron", "L-Rol"} {
			if strings.Contains(why, note) {
				t.Errorf("§4.3 emergency why %q holds a note for developers (%q); a care worker needs only what to do", why, note)
			}
		}
	}
}

// TestRoute_everyReasonUsed: every row of whyTable and notResponsibleWhy is
// reachable, so no stale text is left behind.
func TestRoute_everyReasonUsed(t *testing.T) {
	used := map[whyKey]bool{}
	usedNR := map[notResponsibleKey]bool{}
	rows := append([]routeRow(nil), routeTable...)
	for _, row := range routeTable {
		if g, ok := residentRoutes[row.category]; ok && row.group == g {
			row.group = grpResident
			rows = append(rows, row)
		}
	}
	for _, row := range rows {
		for _, st := range row.steps {
			for _, k := range [...]whyKey{{row.category, row.group, st.who, st.mode}, {row.category, anyGroup, st.who, st.mode}, {anyCategory, row.group, st.who, st.mode}, {anyCategory, anyGroup, st.who, st.mode}} {
				if _, ok := whyTable[k]; ok {
					used[k] = true
					break
				}
			}
		}
		for _, g := range notResponsibleTable[row.category] {
			if g != row.group {
				continue
			}
			for _, role := range []Role{RoleGP, RoleGPPost} {
				k := notResponsibleKey{row.category, row.group, role}
				if _, ok := notResponsibleWhy[k]; !ok {
					k.group = anyGroup
				}
				usedNR[k] = true
			}
		}
	}
	for k := range whyTable {
		if !used[k] {
			t.Errorf("whyTable row %+v is never used", k)
		}
	}
	for k := range notResponsibleWhy {
		if !usedNR[k] {
			t.Errorf("notResponsibleWhy row %+v is never used", k)
		}
	}
}

// TestClassify_agreementCitation: the rule "no agreement at home" comes from
// domain.md §3.3 [T; L-Rol 3], not L-Rol 1.
func TestClassify_agreementCitation(t *testing.T) {
	c := decideOK(t, Request{Situation: sitHM}).Classification
	for _, r := range c.Reasons {
		if strings.Contains(r.Text, "geen overeenkomst") {
			if !reflect.DeepEqual(r.Sources, []string{"T", "L-Rol 3"}) {
				t.Errorf("§3.3 agreement reason cites %v, want [T L-Rol 3]", r.Sources)
			}
			return
		}
	}
	t.Fatal("§3.3 no agreement reason for a Wlz client at home")
}

// TestClassify_prerequisitesWording: Dutch "controleer ze", not "check ze".
func TestClassify_prerequisitesWording(t *testing.T) {
	for _, sit := range []Situation{sitAT, sitIN} {
		found := false
		for _, r := range decideOK(t, Request{Situation: sit}).Classification.Reasons {
			if strings.Contains(r.Text, "randvoorwaarden") {
				found = true
				if !strings.Contains(r.Text, "controleer ze") || strings.Contains(r.Text, "check ze") {
					t.Errorf("§5 prerequisites reason %q", r.Text)
				}
			}
		}
		if !found {
			t.Errorf("§5 no prerequisites reason for %+v", sit)
		}
	}
}

// TestRequestError_sharedSentenceOnce: when setting and delivery conflict
// (§3.4), both are named but the explanation is written once.
func TestRequestError_sharedSentenceOnce(t *testing.T) {
	for _, sit := range []string{
		`"setting":"home","wlz":"without_treatment","delivery":"stay_without_treatment"`,
		`"setting":"institution","wlz":"without_treatment","delivery":"pgb"`,
	} {
		_, err := Parse([]byte(`{"situation":{` + sit + `,"sector":"elderly"}}`))
		re := requestErr(t, err)
		if !reflect.DeepEqual(re.Fields, []string{FieldSetting, FieldDelivery}) || len(re.Details) != 2 {
			t.Fatalf("§3.4 fields %v details %d", re.Fields, len(re.Details))
		}
		msg := re.Details[0].Message
		if re.Details[1].Message != msg {
			t.Fatalf("the two details differ; test assumes one shared explanation")
		}
		if n := strings.Count(re.Message, msg); n != 1 {
			t.Errorf("§3.4 message repeats the explanation %d times: %q", n, re.Message)
		}
		if !strings.Contains(re.Message, "situation.setting en situation.delivery: ") {
			t.Errorf("§3.4 message does not name both fields before the explanation: %q", re.Message)
		}
		checkDutchError(t, re)
	}
	// Different explanations are all kept, in field order.
	_, err := Parse([]byte(`{"situation":{"setting":"tent","wlz":"none","sector":"x","need":"temporary_24h"}}`))
	re := requestErr(t, err)
	if len(re.Details) != 2 || strings.Count(re.Message, "onbekende waarde") != 2 {
		t.Errorf("distinct explanations lost: %q", re.Message)
	}
}

// TestEnumUnknown_cutsAtCharacterBoundary: a long unknown value is shortened
// in the message without splitting a UTF-8 character.
func TestEnumUnknown_cutsAtCharacterBoundary(t *testing.T) {
	for pad := 55; pad <= 61; pad++ {
		v := strings.Repeat("a", pad) + "éééé€€€"
		msg := specSetting.unknown(v)
		if !utf8.ValidString(msg) || strings.Contains(msg, `\x`) || strings.Contains(msg, "\uFFFD") {
			t.Errorf("pad %d: message splits a character: %q", pad, msg)
		}
		quoted := msg[strings.Index(msg, `"`)+1:]
		quoted = quoted[:strings.Index(quoted, `"`)]
		if !strings.HasSuffix(quoted, "…") || !strings.HasPrefix(v, strings.TrimSuffix(quoted, "…")) {
			t.Errorf("pad %d: quoted %q is not a prefix of the value", pad, quoted)
		}
	}
	// Through Parse, with an escaped non-ASCII value.
	_, err := Parse([]byte(`{"situation":{"setting":"` + strings.Repeat("b", 59) + `\u00e9\u00e9","wlz":"none","sector":"elderly","need":"temporary_24h"}}`))
	re := requestErr(t, err)
	if !utf8.ValidString(re.Message) || strings.Contains(re.Message, `\x`) {
		t.Errorf("message %q", re.Message)
	}
}

// TestDecide_ascensionOnLiberationDay: 5 May 2016 is Ascension Day and
// Liberation Day; Ascension Day is a free day (§4.1), so the route is the
// out-of-hours one and names Hemelvaartsdag.
func TestDecide_ascensionOnLiberationDay(t *testing.T) {
	req, err := Parse([]byte(`{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},"question":{"category":"gp_care","at":"2016-05-05T10:00:00+02:00"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := decideOK(t, req).Route
	if r.Period != calendar.OutOfHours || r.Holiday != "Hemelvaartsdag" {
		t.Errorf("§4.1 2016-05-05 10:00: %s %q, want out_of_hours Hemelvaartsdag", r.Period, r.Holiday)
	}
	if got := stepString(r.Steps, SectorElderly); got != "first_line gp_post" {
		t.Errorf("steps %q, want first_line gp_post", got)
	}
}
