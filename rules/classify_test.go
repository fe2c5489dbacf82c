package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestClassify checks each rule of domain.md §3 and contract.md "Field
// rules" by its JSON field, on every situation the rule covers.
func TestClassify(t *testing.T) {
	clustered := func(d Delivery, sector Sector) Situation {
		return Situation{Setting: SettingClusteredHousing, Wlz: WlzWithoutTreatment, Delivery: d, Sector: sector}
	}
	home := func(d Delivery, sector Sector) Situation {
		return Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: d, Sector: sector}
	}
	instSWOT := func(sector Sector) Situation {
		return Situation{Setting: SettingInstitution, Wlz: WlzWithoutTreatment, Delivery: DeliveryStayWithoutTreatment, Sector: sector}
	}
	inst := func(sector Sector) Situation {
		return Situation{Setting: SettingInstitution, Wlz: WlzWithTreatment, Delivery: DeliveryStayWithTreatment, Sector: sector}
	}
	none := func(setting Setting, sector Sector, need Need) Situation {
		return Situation{Setting: setting, Wlz: WlzNone, Sector: sector, Need: need}
	}
	// rules v2 (§3.4): with treatment, delivered as vpt, mpt or pgb at home
	// or in clustered housing.
	withTreatmentBy := func(setting Setting, d Delivery, sector Sector) Situation {
		return Situation{Setting: setting, Wlz: WlzWithTreatment, Delivery: d, Sector: sector}
	}
	var noWlz, atProvider, wlzHome []Situation
	for _, sector := range sectorValues {
		for _, setting := range settingValues {
			for _, need := range needValues[1:] {
				noWlz = append(noWlz, none(setting, sector, need))
			}
		}
		atProvider = append(atProvider, instSWOT(sector), clustered(DeliveryStayWithoutTreatment, sector), clustered(DeliveryVPT, sector), clustered(DeliveryMPT, sector), clustered(DeliveryPGB, sector))
		wlzHome = append(wlzHome, home(DeliveryVPT, sector), home(DeliveryMPT, sector), home(DeliveryPGB, sector))
		for _, d := range []Delivery{DeliveryVPT, DeliveryMPT, DeliveryPGB} {
			atProvider = append(atProvider, withTreatmentBy(SettingClusteredHousing, d, sector))
			wlzHome = append(wlzHome, withTreatmentBy(SettingHome, d, sector))
		}
	}
	withTreatment := []Situation{inst(SectorElderly), inst(SectorDisability)}
	registeredWlz := append(append([]Situation{}, atProvider...), wlzHome...)

	type rule struct {
		name string
		sits []Situation
		want func(s Situation) map[string]any
	}
	fixed := func(kv ...any) func(Situation) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return func(Situation) map[string]any { return m }
	}
	sectorPhysician := func(field string) func(Situation) map[string]any {
		return func(s Situation) map[string]any {
			return map[string]any{field: map[Sector]any{SectorElderly: "elderly_care_physician", SectorDisability: "id_physician"}[s.Sector]}
		}
	}
	rules := []rule{
		// §3.1 No Wlz indication.
		{"§3.1_no_wlz_group_home", noWlz, fixed("group", "home")},
		{"§3.1_no_wlz_gp_funding_zvw", noWlz, fixed("gp_funding", "zvw")},
		{"§3.1_no_wlz_registered_by_name", noWlz, fixed("registered_by_name", true)},
		{"§3.1_no_wlz_no_agreement", noWlz, fixed("agreement", "none")},
		{"§3.1_no_wlz_gp_tariff_zvw", noWlz, fixed("gp_tariff", "zvw")},
		{"§3.1_no_wlz_out_of_hours_gp_post", noWlz, fixed("out_of_hours_by", "gp_post")},
		{"§3.1_no_wlz_lead_gp", noWlz, fixed("lead", "gp")},
		{"§3.1_no_wlz_quality_oversight_null", noWlz, fixed("quality_oversight", nil)},
		{"§3.1_no_wlz_prerequisites_do_not_apply", noWlz, fixed("prerequisites_apply", false)},
		{"§3.1_no_wlz_specific_care_by_sector_physician", noWlz, sectorPhysician("specific_care_by")},
		{"§3.1_no_wlz_specific_care_funding_null", noWlz, fixed("specific_care_funding", nil)},
		{"§3.1_no_wlz_no_flags", noWlz, fixed("flags", []any{})},
		{"§3.1_alternatives_by_need", noWlz, func(s Situation) map[string]any {
			return map[string]any{"alternatives": map[Need][]any{
				NeedTemporary24h: {"elv", "grz"}, NeedExtraNot24h: {"gzsp"}, NeedPermanent24h: {"wlz_assessment"},
			}[s.Need]}
		}},

		// §3.2 With treatment.
		{"§3.2_with_treatment_group_with_treatment", withTreatment, fixed("group", "with_treatment")},
		{"§3.2_with_treatment_gp_funding_wlz", withTreatment, fixed("gp_funding", "wlz")},
		{"§3.2_with_treatment_not_registered_by_name", withTreatment, fixed("registered_by_name", false)},
		{"§3.2_with_treatment_agreement_subcontract", withTreatment, fixed("agreement", "subcontract")},
		{"§3.2_with_treatment_gp_tariff_free", withTreatment, fixed("gp_tariff", "free")},
		{"§3.2_with_treatment_out_of_hours_by_care_provider", withTreatment, fixed("out_of_hours_by", "care_provider")},
		{"§3.2_with_treatment_lead_sector_physician", withTreatment, sectorPhysician("lead")},
		{"§3.2_with_treatment_specific_care_by_sector_physician", withTreatment, sectorPhysician("specific_care_by")},
		{"§3.2_with_treatment_specific_care_funding_wlz", withTreatment, fixed("specific_care_funding", "wlz")},
		{"§3.2_with_treatment_quality_oversight_care_provider", withTreatment, fixed("quality_oversight", "care_provider")},
		{"§3.2_with_treatment_prerequisites_apply", withTreatment, fixed("prerequisites_apply", true)},
		{"§3.2_with_treatment_no_alternatives_no_flags", withTreatment, fixed("alternatives", []any{}, "flags", []any{})},

		// §3.3 Without treatment.
		{"§3.3_without_treatment_gp_funding_zvw", registeredWlz, fixed("gp_funding", "zvw")},
		{"§3.3_without_treatment_registered_by_name", registeredWlz, fixed("registered_by_name", true)},
		{"§3.3_without_treatment_out_of_hours_gp_post", registeredWlz, fixed("out_of_hours_by", "gp_post")},
		{"§3.3_without_treatment_lead_gp", registeredWlz, fixed("lead", "gp")},
		{"§3.3_without_treatment_specific_care_funding_wlz", registeredWlz, fixed("specific_care_funding", "wlz")},
		{"§3.3_without_treatment_specific_care_by_sector_physician", registeredWlz, sectorPhysician("specific_care_by")},
		{"§3.3_tariff_intensive_for_elderly_zvw_for_disability", registeredWlz, func(s Situation) map[string]any {
			return map[string]any{"gp_tariff": map[Sector]any{SectorElderly: "zvw_intensive_available", SectorDisability: "zvw"}[s.Sector]}
		}},
		{"§3.3_quality_oversight_client_with_pgb_else_care_provider", registeredWlz, func(s Situation) map[string]any {
			if s.Delivery == DeliveryPGB {
				return map[string]any{"quality_oversight": "client"}
			}
			return map[string]any{"quality_oversight": "care_provider"}
		}},
		{"§3.3_no_alternatives", registeredWlz, fixed("alternatives", []any{})},
		{"§3.3_at_provider_group_at_provider", atProvider, fixed("group", "at_provider")},
		{"§3.3_at_provider_agreement_cooperation", atProvider, fixed("agreement", "cooperation")},
		{"§3.3_at_provider_prerequisites_apply", atProvider, fixed("prerequisites_apply", true)},
		{"§3.3_at_home_group_home", wlzHome, fixed("group", "home")},
		{"§3.3_at_home_no_agreement", wlzHome, fixed("agreement", "none")},
		{"§3.3_at_home_prerequisites_do_not_apply", wlzHome, fixed("prerequisites_apply", false)},
		{"§3.3_flags_pgb_in_clustered_housing_and_pgb_elderly_oversight_unclear", registeredWlz, func(s Situation) map[string]any {
			flags := []any{}
			if s.Delivery == DeliveryPGB && s.Setting == SettingClusteredHousing {
				flags = append(flags, "pgb_in_clustered_housing")
			}
			if s.Delivery == DeliveryPGB && s.Sector == SectorElderly {
				flags = append(flags, "pgb_elderly_oversight_unclear")
			}
			return map[string]any{"flags": flags}
		}},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			if len(r.sits) == 0 {
				t.Fatal("rule covers no situation")
			}
			for _, s := range r.sits {
				got := toMap(t, decideOK(t, Request{Situation: s}).Classification)
				for k, v := range r.want(s) {
					compareSubset(t, fmt.Sprintf("%+v %s", s, k), v, got[k])
				}
			}
		})
	}
}

// TestClassify_everyValidSituation checks the contract's invariants on every
// valid situation: reasons with sources in citation form, [] not null, no
// route without a question, need ignored with a Wlz indication.
func TestClassify_everyValidSituation(t *testing.T) {
	n := 0
	for _, setting := range settingValues {
		for _, wlz := range wlzValues {
			for _, d := range deliveryValues {
				for _, sector := range sectorValues {
					for _, need := range needValues {
						s := Situation{Setting: setting, Wlz: wlz, Delivery: d, Sector: sector, Need: need}
						resp, err := Decide(Request{Situation: s})
						if err != nil {
							continue
						}
						n++
						c := resp.Classification
						if resp.Route != nil {
							t.Errorf("%+v: route without a question", s)
						}
						if c.Alternatives == nil || c.Flags == nil || len(c.Reasons) == 0 {
							t.Errorf("%+v: alternatives/flags must be [] and reasons present", s)
						}
						for _, r := range c.Reasons {
							checkText(t, fmt.Sprintf("%+v reason", s), r.Text, r.Sources)
						}
						if (c.Group == GroupAtProvider || c.Group == GroupWithTreatment) != c.PrerequisitesApply {
							t.Errorf("%+v: prerequisites_apply must be true exactly for at_provider and with_treatment", s)
						}
						if wlz != WlzNone && need != NeedNone {
							s2 := s
							s2.Need = NeedNone
							if base, _ := Decide(Request{Situation: s2}); string(mustJSON(t, base)) != string(mustJSON(t, resp)) {
								t.Errorf("%+v: need must be ignored with a Wlz indication", s)
							}
						}
					}
				}
			}
		}
	}
	// Without Wlz: 3 settings × 3 needs × 2 sectors. With treatment: 1 × 2
	// sectors, plus (rules v2) vpt, mpt and pgb at home or in clustered
	// housing: 6 × 2. Without treatment: 8 setting/delivery pairs × 2
	// sectors. Each Wlz situation is valid with any of the 4 need values
	// (need ignored).
	if want := 3*3*2 + (1*2+6*2+8*2)*4; n != want {
		t.Errorf("%d valid situations, want %d", n, want)
	}
}

func mustJSON(t *testing.T, r Response) []byte {
	t.Helper()
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClassify_v2WithTreatmentClassifiedByDelivery checks rules v2 of
// domain.md §3.4 [L-Wlz 9; T]: an indication with treatment delivered as
// VPT, MPT or PGB at home or in clustered housing is classified exactly like
// the same delivery without treatment, and its reasons say why, citing
// L-Wlz 9 and T.
func TestClassify_v2WithTreatmentClassifiedByDelivery(t *testing.T) {
	for _, setting := range []Setting{SettingHome, SettingClusteredHousing} {
		for _, d := range []Delivery{DeliveryVPT, DeliveryMPT, DeliveryPGB} {
			for _, sector := range sectorValues {
				with := Situation{Setting: setting, Wlz: WlzWithTreatment, Delivery: d, Sector: sector}
				t.Run(fmt.Sprintf("§3.4_v2_%s_%s_%s", setting, d, sector), func(t *testing.T) {
					without := with
					without.Wlz = WlzWithoutTreatment
					got, want := decideOK(t, Request{Situation: with}).Classification, decideOK(t, Request{Situation: without}).Classification
					gotReasons := got.Reasons
					got.Reasons, want.Reasons = nil, nil
					if g, w := toMap(t, got), toMap(t, want); !reflect.DeepEqual(g, w) {
						t.Errorf("classified as %v, want as without treatment %v", g, w)
					}
					if len(gotReasons) == 0 || !strings.Contains(gotReasons[0].Text, "beslist de leveringsvorm") ||
						!reflect.DeepEqual(gotReasons[0].Sources, []string{"L-Wlz 9", "T"}) {
						t.Errorf("first reason %+v does not explain that the delivery decides [L-Wlz 9, T]", gotReasons[0])
					}
				})
			}
		}
	}
}

// TestClassify_v2PGBElderlyOversightUnclear checks rules v2 of domain.md
// §3.3 [L-Wlz 8]: PGB in elderly care keeps quality_oversight "client" and
// adds the flag pgb_elderly_oversight_unclear with its explanation; PGB in
// disability care does not.
func TestClassify_v2PGBElderlyOversightUnclear(t *testing.T) {
	cases := []struct {
		sit      Situation
		wantFlag bool
	}{
		{Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryPGB, Sector: SectorElderly}, true},
		{Situation{Setting: SettingClusteredHousing, Wlz: WlzWithoutTreatment, Delivery: DeliveryPGB, Sector: SectorElderly}, true},
		{Situation{Setting: SettingHome, Wlz: WlzWithTreatment, Delivery: DeliveryPGB, Sector: SectorElderly}, true},
		{Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryPGB, Sector: SectorDisability}, false},
		{Situation{Setting: SettingHome, Wlz: WlzWithoutTreatment, Delivery: DeliveryVPT, Sector: SectorElderly}, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("§3.3_v2_%s_%s_%s_%s", c.sit.Setting, c.sit.Wlz, c.sit.Delivery, c.sit.Sector), func(t *testing.T) {
			cl := decideOK(t, Request{Situation: c.sit}).Classification
			has := false
			for _, f := range cl.Flags {
				has = has || f == FlagPGBElderlyOversightUnclear
			}
			if has != c.wantFlag {
				t.Fatalf("flags %v, want pgb_elderly_oversight_unclear: %v", cl.Flags, c.wantFlag)
			}
			if !c.wantFlag {
				return
			}
			if cl.QualityOversight != OversightClient {
				t.Errorf("quality_oversight %q, want client", cl.QualityOversight)
			}
			explained := false
			for _, r := range cl.Reasons {
				if strings.Contains(r.Text, "pgb in de ouderenzorg") && reflect.DeepEqual(r.Sources, []string{"L-Wlz 8"}) {
					explained = true
				}
			}
			if !explained {
				t.Errorf("no reason citing L-Wlz 8 explains the flag: %+v", cl.Reasons)
			}
		})
	}
}
