package agreement

import (
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

func engine(t *testing.T) *rules.Engine {
	t.Helper()
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func types(ps []Proposal) []Type {
	var out []Type
	for _, p := range ps {
		out = append(out, p.Type)
	}
	return out
}

func resident(loc int64, wlz mgz.WlzIndication, d mgz.Delivery) mgz.Patient {
	return mgz.Patient{LocationID: &loc, Wlz: wlz, Delivery: d}
}

func TestProposalForEverySettingAndWlzSituation(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name       string
		setting    mgz.Setting
		deliveries []mgz.Delivery
		residents  []mgz.Patient
		want       []Type
		residentsN map[Type]int
	}{
		{"§3.2/§8 institution with treatment: subcontract", mgz.SettingInstitution, []mgz.Delivery{mgz.DeliveryStayWithTreatment}, nil,
			[]Type{rules.AgreementSubcontract}, nil},
		{"§3.3/§8 institution, stay without treatment: cooperation", mgz.SettingInstitution, []mgz.Delivery{mgz.DeliveryStayWithoutTreatment}, nil,
			[]Type{rules.AgreementCooperation}, nil},
		{"§8 an institution with both kinds of residents needs both", mgz.SettingInstitution, []mgz.Delivery{mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment},
			[]mgz.Patient{resident(1, mgz.WlzWithTreatment, mgz.DeliveryStayWithTreatment), resident(1, mgz.WlzWithTreatment, mgz.DeliveryStayWithTreatment),
				resident(1, mgz.WlzWithoutTreatment, mgz.DeliveryStayWithoutTreatment)},
			[]Type{rules.AgreementSubcontract, rules.AgreementCooperation}, map[Type]int{rules.AgreementSubcontract: 2, rules.AgreementCooperation: 1}},
		{"§3.3/§8 clustered housing with VPT: cooperation", mgz.SettingClusteredHousing, []mgz.Delivery{mgz.DeliveryVPT}, nil, []Type{rules.AgreementCooperation}, nil},
		{"§3.3/§8 clustered housing with MPT and PGB: one cooperation", mgz.SettingClusteredHousing, []mgz.Delivery{mgz.DeliveryMPT, mgz.DeliveryPGB}, nil,
			[]Type{rules.AgreementCooperation}, nil},
		{"§3.3 clustered housing, stay without treatment: cooperation", mgz.SettingClusteredHousing, []mgz.Delivery{mgz.DeliveryStayWithoutTreatment}, nil,
			[]Type{rules.AgreementCooperation}, nil},
		{"§3.4 treatment is not delivered in clustered housing: no agreement from it", mgz.SettingClusteredHousing, nil,
			[]mgz.Patient{resident(1, mgz.WlzWithTreatment, mgz.DeliveryStayWithTreatment)}, nil, nil},
		{"§3.1 residents without a Wlz indication need no agreement", mgz.SettingClusteredHousing, nil,
			[]mgz.Patient{resident(1, mgz.WlzNone, "")}, nil, nil},
		{"residents of another location do not count", mgz.SettingClusteredHousing, []mgz.Delivery{mgz.DeliveryVPT},
			[]mgz.Patient{resident(2, mgz.WlzWithoutTreatment, mgz.DeliveryVPT)}, []Type{rules.AgreementCooperation}, map[Type]int{rules.AgreementCooperation: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, sector := range []mgz.Sector{mgz.SectorElderly, mgz.SectorDisability} {
				loc := mgz.Location{ID: 1, Setting: tc.setting, Sector: sector, Deliveries: tc.deliveries}
				ps := Propose(e, loc, tc.residents)
				got := types(ps)
				if len(got) != len(tc.want) {
					t.Fatalf("%s: proposals %v, want %v", sector, got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("%s: proposals %v, want %v", sector, got, tc.want)
					}
					if len(ps[i].Reasons) == 0 || len(ps[i].Reasons[0].Sources) == 0 || len(ps[i].Situations) == 0 {
						t.Fatalf("%s: proposal %s without reasons, sources or situations", sector, got[i])
					}
					if n, ok := tc.residentsN[got[i]]; ok && ps[i].Residents != n {
						t.Fatalf("%s: %s counts %d residents, want %d", sector, got[i], ps[i].Residents, n)
					}
				}
			}
		})
	}
}
