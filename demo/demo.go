// Package demo fills an empty register with "Regio Voorbeeld": a deterministic, clearly fictional
// region for trying mgz out, with a few gaps on purpose (locations without a fixed GP practice or
// without a first-line contact) so the start page has something to show.
package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/regio-mgz/mgz"
)

// Region is the zorgkantoor region of the demo.
const Region = "Regio Voorbeeld"

// ErrNotEmpty is returned when the register already holds data: the demo never touches it.
var ErrNotEmpty = errors.New("de database bevat al gegevens; de demoregio wordt alleen in een lege database geladen")

// Summary tells what was loaded.
type Summary struct {
	Organisations, Locations, ContactPoints int
}

func (s Summary) String() string {
	return fmt.Sprintf("%d organisaties, %d locaties, %d contactpunten", s.Organisations, s.Locations, s.ContactPoints)
}

var municipalities = []struct{ name, postcode string }{
	{"Voorbeeldstad", "9901"}, {"Proefhoven", "9902"}, {"Testerveen", "9903"}, {"Fictiedorp", "9904"}, {"Demowijk", "9905"},
}

var practiceNames = []string{
	"De Linde", "De Eik", "Het Anker", "De Vuurtoren", "Zonnehof", "De Brink", "Het Kompas", "De Wilg", "Parkzicht", "De Molen",
	"Het Veld", "De Beuk", "Rivierzicht", "De Hoeksteen", "Het Baken", "De Esdoorn", "Dorpsplein", "De Kastanje", "Het Ven", "De Waterlelie",
}

type providerSpec struct {
	name      string
	sector    mgz.Sector
	firstLine bool // a provider-wide voorwacht serving all its locations
	locations []locationSpec
}

type locationSpec struct {
	name      string
	setting   mgz.Setting
	places    int
	deliv     []mgz.Delivery
	noFixedGP bool
	firstLine bool // a voorwacht of its own
	// noPhysician leaves the location without a contracted SO/AVG service: a gap the rules warn about.
	noPhysician bool
}

var (
	inst       = mgz.SettingInstitution
	clustered  = mgz.SettingClusteredHousing
	withTreat  = []mgz.Delivery{mgz.DeliveryStayWithTreatment}
	instMixed  = []mgz.Delivery{mgz.DeliveryStayWithTreatment, mgz.DeliveryStayWithoutTreatment}
	stayNoTr   = []mgz.Delivery{mgz.DeliveryStayWithoutTreatment}
	housingAll = []mgz.Delivery{mgz.DeliveryStayWithoutTreatment, mgz.DeliveryVPT, mgz.DeliveryMPT, mgz.DeliveryPGB}
	housingVPT = []mgz.Delivery{mgz.DeliveryVPT, mgz.DeliveryMPT}
	housingPGB = []mgz.Delivery{mgz.DeliveryPGB, mgz.DeliveryVPT}
)

var providers = []providerSpec{
	{"Zorggroep Voorbeeld", mgz.SectorElderly, true, []locationSpec{
		{"Verpleeghuis De Hofstede", inst, 96, instMixed, false, false, false},
		{"Verpleeghuis Het Lindehuis", inst, 72, withTreat, false, false, false},
		{"Woonzorg De Boomgaard", clustered, 24, housingVPT, false, false, false},
		{"Woonzorg Het Erf", clustered, 18, housingAll, true, false, false},
		{"Woonzorg De Kapel", clustered, 20, housingVPT, false, false, false},
	}},
	{"Stichting Ouderenzorg Proefhoven", mgz.SectorElderly, true, []locationSpec{
		{"Huize Proefhoven", inst, 64, instMixed, false, false, false},
		{"Kleinschalig Wonen De Tuinen", clustered, 16, housingAll, false, false, false},
		{"Kleinschalig Wonen Het Hof", clustered, 16, housingVPT, false, false, false},
		{"Woonzorg De Dijk", clustered, 20, stayNoTr, false, false, false},
	}},
	{"Thuiszorg en Wonen Testerveen", mgz.SectorElderly, false, []locationSpec{
		{"Woonzorg De Veenhoeve", clustered, 22, housingVPT, false, true, false},
		{"Woonzorg Het Turfhuis", clustered, 14, housingAll, true, false, false}, // gap: no voorwacht anywhere
		{"Verpleeghuis Testerveen", inst, 48, instMixed, false, true, false},
	}},
	{"Woonhuizen Fictiedorp", mgz.SectorElderly, false, []locationSpec{
		{"Het Dorpshuis", clustered, 12, housingPGB, true, false, false}, // gap: no fixed GP, no voorwacht
		{"De Pastorie", clustered, 10, housingAll, false, true, false},
		{"De Smidse", clustered, 12, housingVPT, false, true, false},
		{"De Bakkerij", clustered, 9, housingAll, false, true, false},
	}},
	{"Stichting Gehandicaptenzorg Voorbeeld", mgz.SectorDisability, true, []locationSpec{
		{"Instelling De Horizon", inst, 120, instMixed, false, false, false},
		{"Instelling Het Kasteel", inst, 80, withTreat, false, false, false},
		{"Woonvorm De Regenboog", clustered, 12, housingAll, false, false, false},
		{"Woonvorm De Zonnebloem", clustered, 10, housingPGB, false, false, false},
		{"Woonvorm Het Atelier", clustered, 8, housingVPT, true, false, false},
	}},
	{"Zorg voor Wonen Demowijk", mgz.SectorDisability, true, []locationSpec{
		{"Woonvorm De Kei", clustered, 12, housingAll, false, false, false},
		{"Woonvorm De Vlinder", clustered, 10, housingPGB, false, false, false},
		{"Instelling Demohof", inst, 60, instMixed, false, false, false},
		{"Woonvorm De Ster", clustered, 9, housingVPT, false, false, false},
		{"Woonvorm Het Klaverblad", clustered, 11, housingAll, false, false, false},
	}},
	{"Ouderinitiatief Samen Thuis", mgz.SectorDisability, false, []locationSpec{
		{"Wooninitiatief Samen Thuis", clustered, 8, []mgz.Delivery{mgz.DeliveryPGB}, false, false, true}, // gaps: no voorwacht, no AVG contract
	}},
	{"Stichting Begeleid Wonen Proefhoven", mgz.SectorDisability, false, []locationSpec{
		{"Woonvorm De Brug", clustered, 14, housingAll, false, true, false},
		{"Woonvorm Het Park", clustered, 12, housingVPT, false, true, false},
		{"Woonvorm De Haven", clustered, 10, housingPGB, false, true, false},
	}},
}

// postcode returns a postcode in the municipality's area, unique per n; the letters skip S so
// that no combination PostNL does not issue (SA, SD, SS) can come out.
func postcode(digits string, n int) string {
	const letters = "ABCDEFGHJKLMNPRTVWXZ"
	return fmt.Sprintf("%s %c%c", digits, letters[n/len(letters)%len(letters)], letters[n%len(letters)])
}

// phone returns a fictional number in the unassigned 0120 range, unique per n.
func phone(n int) string { return fmt.Sprintf("0120%06d", 100000+n) }

type loader struct {
	ctx context.Context
	reg mgz.RegisterService
	sum Summary
	n   int // serial for phones, identifiers and addresses
}

func (l *loader) org(kind mgz.OrgKind, name string, agbPrefix string, muni int) (*mgz.Organisation, error) {
	l.n++
	m := municipalities[muni%len(municipalities)]
	o := &mgz.Organisation{Kind: kind, Name: name, KvK: fmt.Sprintf("9%07d", l.n), Address: fmt.Sprintf("Voorbeeldweg %d", l.n),
		Postcode: postcode(m.postcode, l.n), City: m.name, Phone: phone(l.n),
		CareOfficeRegion: Region}
	if agbPrefix != "" {
		o.AGB = fmt.Sprintf("%s99%04d", agbPrefix, l.n)
	}
	if err := l.reg.CreateOrganisation(l.ctx, o); err != nil {
		return nil, fmt.Errorf("demo-organisatie %s: %w", name, err)
	}
	l.sum.Organisations++
	return o, nil
}

func (l *loader) contact(org, loc *int64, role mgz.ContactRole, hours mgz.Hours, name string) error {
	l.n++
	c := &mgz.ContactPoint{OrganisationID: org, LocationID: loc, Role: role, Hours: hours, Name: name, Phone: phone(l.n)}
	if err := l.reg.CreateContactPoint(l.ctx, c); err != nil {
		return fmt.Errorf("demo-contactpunt %s: %w", name, err)
	}
	l.sum.ContactPoints++
	return nil
}

// Load fills reg with the demo region in one transaction. It returns ErrNotEmpty, and changes
// nothing, when the register holds any data.
func Load(ctx context.Context, reg mgz.RegisterService) (Summary, error) {
	var sum Summary
	err := reg.Atomic(ctx, func(tx mgz.RegisterService) error {
		ov, err := tx.Overview(ctx)
		if err != nil {
			return err
		}
		if !ov.Empty() {
			return ErrNotEmpty
		}
		l := &loader{ctx: ctx, reg: tx}
		if err := l.load(); err != nil {
			return err
		}
		sum = l.sum
		return nil
	})
	return sum, err
}

func (l *loader) load() error {
	if _, err := l.org(mgz.KindCareOffice, "Zorgkantoor Regio Voorbeeld", "", 0); err != nil {
		return err
	}
	if _, err := l.org(mgz.KindRegionalGPOrg, "Huisartsen Regio Voorbeeld (RHO)", "", 0); err != nil {
		return err
	}
	post, err := l.org(mgz.KindGPPost, "Huisartsenpost Voorbeeld", "05", 0)
	if err != nil {
		return err
	}
	if err := l.contact(&post.ID, nil, mgz.RoleGPPost, mgz.HoursOutOfHours, "Triage huisartsenpost"); err != nil {
		return err
	}
	so, err := l.org(mgz.KindPhysicianService, "Ouderengeneeskunde Voorbeeld (SO-dienst)", "06", 0)
	if err != nil {
		return err
	}
	if err := l.contact(&so.ID, nil, mgz.RolePhysicianOnCall, mgz.Hours24x7, "Dienstdoende specialist ouderengeneeskunde"); err != nil {
		return err
	}
	avg, err := l.org(mgz.KindPhysicianService, "AVG-dienst De Brugwachter", "06", 1)
	if err != nil {
		return err
	}
	if err := l.contact(&avg.ID, nil, mgz.RolePhysicianOnCall, mgz.Hours24x7, "Dienstdoende arts verstandelijk gehandicapten"); err != nil {
		return err
	}
	ggd, err := l.org(mgz.KindPublicHealthService, "GGD Voorbeeld", "", 0)
	if err != nil {
		return err
	}
	if err := l.contact(&ggd.ID, nil, mgz.RoleInfectionControl, mgz.HoursOffice, "Team infectieziektebestrijding"); err != nil {
		return err
	}
	if err := l.contact(&ggd.ID, nil, mgz.RoleInfectionControl, mgz.HoursOutOfHours, "Dienstdoende arts infectieziektebestrijding (ANW)"); err != nil {
		return err
	}

	practices := make([]*mgz.Organisation, len(practiceNames))
	for i, name := range practiceNames {
		p, err := l.org(mgz.KindGPPractice, "Huisartsenpraktijk "+name, "01", i)
		if err != nil {
			return err
		}
		practices[i] = p
	}

	locIndex := 0
	for pi, ps := range providers {
		p, err := l.org(mgz.KindCareProvider, ps.name, "73", pi)
		if err != nil {
			return err
		}
		if ps.firstLine {
			if err := l.contact(&p.ID, nil, mgz.RoleFirstLine, mgz.Hours24x7, "Voorwacht "+ps.name); err != nil {
				return err
			}
			if err := l.contact(&p.ID, nil, mgz.RoleBehaviourSpecialist, mgz.Hours24x7, "Gedragskundige bereikbaarheidsdienst"); err != nil {
				return err
			}
		}
		for _, ls := range ps.locations {
			locIndex++
			l.n++
			m := municipalities[(pi+locIndex)%len(municipalities)]
			loc := &mgz.Location{ProviderID: p.ID, Name: ls.name, Address: fmt.Sprintf("Zorgpad %d", l.n),
				Postcode: postcode(m.postcode, 400+l.n), Municipality: m.name,
				Setting: ls.setting, Sector: ps.sector, Deliveries: ls.deliv, Places: ls.places}
			if !ls.noFixedGP {
				loc.FixedGPPracticeID = &practices[locIndex%len(practices)].ID
			}
			if !ls.noPhysician {
				loc.PhysicianServiceID = &so.ID
				if ps.sector == mgz.SectorDisability {
					loc.PhysicianServiceID = &avg.ID
				}
			}
			if err := l.reg.CreateLocation(l.ctx, loc); err != nil {
				return fmt.Errorf("demolocatie %s: %w", ls.name, err)
			}
			l.sum.Locations++
			if ls.firstLine {
				if err := l.contact(nil, &loc.ID, mgz.RoleFirstLine, mgz.Hours24x7, "Voorwacht "+ls.name); err != nil {
					return err
				}
			}
			if err := l.contact(nil, &loc.ID, mgz.RoleManagement, mgz.HoursOffice, "Locatieleiding"); err != nil {
				return err
			}
			// GP care out of hours for clients with treatment is the provider's own arrangement
			// (T; L-Conv 4). The well-equipped providers recorded theirs; the others are gaps.
			if ps.firstLine && slices.Contains(ls.deliv, mgz.DeliveryStayWithTreatment) {
				l.n++
				c := &mgz.ContactPoint{LocationID: &loc.ID, Role: mgz.RoleGPOutOfHours, Hours: mgz.HoursOutOfHours,
					Arrangement: mgz.ArrangementGPPost, Name: "Huisartsenpost, lijn voor instellingen (op afspraak)", Phone: phone(l.n)}
				if err := l.reg.CreateContactPoint(l.ctx, c); err != nil {
					return fmt.Errorf("demo-contactpunt ANW-huisartsenzorg %s: %w", ls.name, err)
				}
				l.sum.ContactPoints++
			}
		}
	}
	return nil
}
