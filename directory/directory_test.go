package directory_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/rules"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
)

func demoRegister(t *testing.T) mgz.RegisterService {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(context.Background(), db.Register()); err != nil {
		t.Fatal(err)
	}
	return db.Register()
}

func locationNamed(t *testing.T, reg mgz.RegisterService, name string) mgz.Location {
	t.Helper()
	ls, _, err := reg.Locations(context.Background(), mgz.LocationFilter{Query: name})
	if err != nil || len(ls) != 1 {
		t.Fatalf("demo location %q: %d found, %v", name, len(ls), err)
	}
	return ls[0]
}

var (
	weekdayAfternoon = time.Date(2026, 9, 9, 14, 0, 0, 0, time.UTC)
	christmasNight   = time.Date(2026, 12, 25, 2, 10, 0, 0, time.UTC)
)

func decide(t *testing.T, reg mgz.RegisterService, s rules.Situation, cat rules.Category, at time.Time, loc string) rules.Response {
	t.Helper()
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.WithEnricher(directory.New(reg).Enrich).DecideContext(context.Background(),
		rules.Request{Situation: s, Question: &rules.Question{Category: cat, At: at}, LocationID: loc})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestEveryStepOfAWellEquippedLocationHasAPhoneNumber checks, for every category and both periods,
// that a demo location with a voorwacht, behaviour specialist, fixed GP and SO/AVG contract gets a
// concrete contact for each step and no warning.
func TestEveryStepOfAWellEquippedLocationHasAPhoneNumber(t *testing.T) {
	reg := demoRegister(t)
	for _, tc := range []struct {
		location string
		s        rules.Situation
	}{
		{"Woonvorm De Regenboog", rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryVPT, Sector: rules.SectorDisability}},
		{"Instelling De Horizon", rules.Situation{Setting: rules.SettingInstitution, Wlz: rules.WlzWithTreatment, Delivery: rules.DeliveryStayWithTreatment, Sector: rules.SectorDisability}},
		{"Verpleeghuis De Hofstede", rules.Situation{Setting: rules.SettingInstitution, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryStayWithoutTreatment, Sector: rules.SectorElderly}},
	} {
		loc := locationNamed(t, reg, tc.location)
		for _, cat := range []rules.Category{rules.CategoryEmergency, rules.CategoryGPCare, rules.CategoryBehaviour, rules.CategoryConditionTreatment,
			rules.CategoryWzd, rules.CategoryInfectionPrevention, rules.CategoryNursing} {
			for _, at := range []time.Time{weekdayAfternoon, christmasNight} {
				t.Run(tc.location+"/"+string(cat)+"/"+at.Format("Jan 2 15h"), func(t *testing.T) {
					resp := decide(t, reg, tc.s, cat, at, strconv.FormatInt(loc.ID, 10))
					if len(resp.Warnings) > 0 {
						t.Errorf("warnings for a well-equipped location: %v", resp.Warnings)
					}
					for _, st := range resp.Route.Steps {
						if st.Contact == nil || st.Contact.Phone == "" || st.Contact.Organisation == "" {
							t.Errorf("step %d (%s) has no concrete contact: %+v", st.Order, st.Role, st.Contact)
						}
					}
					if len([]rune(resp.Route.Summary)) >= rules.MaxSummary {
						t.Errorf("summary has %d characters: %q", len([]rune(resp.Route.Summary)), resp.Route.Summary)
					}
				})
			}
		}
	}
}

func TestMissingPartiesAreWarnedAbout(t *testing.T) {
	reg := demoRegister(t)
	loc := locationNamed(t, reg, "Wooninitiatief Samen Thuis") // no voorwacht, no behaviour specialist, no AVG contract
	s := rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryPGB, Sector: rules.SectorDisability}
	resp := decide(t, reg, s, rules.CategoryBehaviour, weekdayAfternoon, strconv.FormatInt(loc.ID, 10))
	all := messages(resp.Warnings)
	for _, want := range []string{"geen voorwacht", "geen gedragskundige", "geen SO/AVG-dienst"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q: %v", want, resp.Warnings)
		}
	}
	noGP := locationNamed(t, reg, "Het Dorpshuis")
	s.Sector = rules.SectorElderly
	resp = decide(t, reg, s, rules.CategoryGPCare, weekdayAfternoon, strconv.FormatInt(noGP.ID, 10))
	if !strings.Contains(messages(resp.Warnings), "geen vaste huisarts") {
		t.Errorf("no warning about the missing fixed GP: %v", resp.Warnings)
	}
}

func TestUnknownLocationIsAWarningNotAFailure(t *testing.T) {
	reg := demoRegister(t)
	s := rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryVPT, Sector: rules.SectorElderly}
	for _, id := range []string{"999999", "abc"} {
		resp := decide(t, reg, s, rules.CategoryGPCare, weekdayAfternoon, id)
		if len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0].Message, "staat niet in het register") ||
			resp.Warnings[0].Code != rules.WarnLocationUnknown || resp.Route == nil {
			t.Errorf("location %q: warnings %v", id, resp.Warnings)
		}
	}
}

func TestEnrichingLeavesTheSharedTablesAlone(t *testing.T) {
	reg := demoRegister(t)
	loc := locationNamed(t, reg, "Woonvorm De Regenboog")
	s := rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryVPT, Sector: rules.SectorDisability}
	decide(t, reg, s, rules.CategoryGPCare, weekdayAfternoon, strconv.FormatInt(loc.ID, 10))
	plain, err := rules.Decide(rules.Request{Situation: s, Question: &rules.Question{Category: rules.CategoryGPCare, At: weekdayAfternoon}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range plain.Route.Steps {
		if st.Contact != nil {
			t.Fatalf("a decision without location_id carries a contact: the enricher changed the shared table")
		}
	}
}

// messages joins the warnings' messages, one a line, after checking that each has a stable code.
func messages(ws []rules.Warning) string {
	var b strings.Builder
	for _, w := range ws {
		if w.Code == "" || w.Message == "" {
			b.WriteString("(warning without code or message)\n")
		}
		b.WriteString(w.Message + "\n")
	}
	return b.String()
}

// TestClientOfTheOtherSector checks "decisions from the register" for a client whose sector differs
// from the location's: the physician step names a service of the client's sector when the register
// has one, and otherwise no service at all, with a physician_sector_mismatch warning that names the
// location's own service to consult (L-Rol 2, L-Rol 3).
func TestClientOfTheOtherSector(t *testing.T) {
	ctx := context.Background()
	reg := demoRegister(t)
	loc := locationNamed(t, reg, "Woonvorm De Regenboog") // disability, AVG-dienst De Brugwachter
	client := mgz.Patient{ID: 7, LocationID: &loc.ID, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, Delivery: mgz.DeliveryVPT}
	reader := func(_ context.Context, id int64) (mgz.Patient, error) {
		if id != client.ID {
			return mgz.Patient{}, mgz.Errorf(mgz.ECodeNotFound, "niet gevonden")
		}
		return client, nil
	}
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	e = e.WithResolver(directory.New(reg).Resolver(reader))
	decideClient := func(t *testing.T) rules.Response {
		t.Helper()
		resp, err := e.DecideContext(ctx, rules.Request{PatientID: "7", Question: &rules.Question{Category: rules.CategoryConditionTreatment, At: christmasNight}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	physician := func(resp rules.Response) rules.Step {
		for _, s := range resp.Route.Steps {
			if s.Role == rules.RoleElderlyCarePhysician {
				return s
			}
		}
		t.Fatalf("no elderly_care_physician step: %+v", resp.Route.Steps)
		return rules.Step{}
	}

	t.Run("a service of the client's sector is registered", func(t *testing.T) {
		resp := decideClient(t)
		if c := physician(resp).Contact; c == nil || c.Organisation == "AVG-dienst De Brugwachter" || c.Phone == "" {
			t.Errorf("SO step contact %+v, want an SO service with a number", c)
		}
		if strings.Contains(messages(resp.Warnings), "SO/AVG-dienst voor de ouderenzorg") {
			t.Errorf("warned although an SO service is registered: %v", resp.Warnings)
		}
	})

	t.Run("none is registered: physician_sector_mismatch", func(t *testing.T) {
		ls, _, err := reg.Locations(ctx, mgz.LocationFilter{Sector: mgz.SectorElderly, Page: mgz.Page{Limit: mgz.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			l.PhysicianServiceID = nil
			if err := reg.UpdateLocation(ctx, &l); err != nil {
				t.Fatal(err)
			}
		}
		resp := decideClient(t)
		if c := physician(resp).Contact; c != nil {
			t.Errorf("SO step names %+v, want no service of the wrong sector", c)
		}
		found := false
		for _, w := range resp.Warnings {
			if w.Code == rules.WarnPhysicianSectorMismatch && strings.Contains(w.Message, "AVG-dienst De Brugwachter") {
				found = true
			}
		}
		if !found {
			t.Errorf("no physician_sector_mismatch warning naming the location's service: %+v", resp.Warnings)
		}
	})

	t.Run("an unknown client is not_found, naming patient_id", func(t *testing.T) {
		_, err := e.DecideContext(ctx, rules.Request{PatientID: "8"})
		var re *rules.RequestError
		if !errors.As(err, &re) || re.Code != rules.CodeNotFound || len(re.Fields) != 1 || re.Fields[0] != rules.FieldPatient {
			t.Errorf("err %v, want not_found naming patient_id", err)
		}
	})
}

// TestNoOfficeNumberAtNight: "no silent fallback at night" (issue 10, item 2). At 03:00 on a
// weekday no step offers a number that the register records for office hours only (an
// organisation's main number counts as one); a party without a number for the moment is marked
// not reachable, with a note saying what to do and a not_reachable_now warning.
func TestNoOfficeNumberAtNight(t *testing.T) {
	ctx := context.Background()
	reg := demoRegister(t)
	night := time.Date(2026, 9, 9, 1, 0, 0, 0, time.UTC) // 03:00 in Amsterdam, a Wednesday
	cps, _, err := reg.ContactPoints(ctx, mgz.ContactPointFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	nightNumbers := map[string]bool{"112": true}
	for _, c := range cps {
		if c.Hours != mgz.HoursOffice {
			nightNumbers[mgz.FormatPhone(c.Phone)] = true
		}
	}
	cases := []struct {
		location string
		s        rules.Situation
	}{
		{"Woonvorm De Regenboog", rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryVPT, Sector: rules.SectorDisability}},
		{"Instelling De Horizon", rules.Situation{Setting: rules.SettingInstitution, Wlz: rules.WlzWithTreatment, Delivery: rules.DeliveryStayWithTreatment, Sector: rules.SectorDisability}},
		{"Verpleeghuis Testerveen", rules.Situation{Setting: rules.SettingInstitution, Wlz: rules.WlzWithTreatment, Delivery: rules.DeliveryStayWithTreatment, Sector: rules.SectorElderly}},
		{"Het Dorpshuis", rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzNone, Sector: rules.SectorElderly, Need: rules.NeedTemporary24h}},
		{"Woonzorg De Boomgaard", rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryVPT, Sector: rules.SectorElderly}},
	}
	unreachableSeen := false
	for _, tc := range cases {
		loc := locationNamed(t, reg, tc.location)
		for _, cat := range []rules.Category{rules.CategoryEmergency, rules.CategoryGPCare, rules.CategoryBehaviour, rules.CategoryConditionTreatment,
			rules.CategoryWzd, rules.CategoryInfectionPrevention, rules.CategoryNursing} {
			t.Run(tc.location+"/"+string(cat), func(t *testing.T) {
				resp := decide(t, reg, tc.s, cat, night, strconv.FormatInt(loc.ID, 10))
				if resp.Route.Period != calendar.OutOfHours {
					t.Fatalf("period %s", resp.Route.Period)
				}
				for _, st := range resp.Route.Steps {
					c := st.Contact
					if c == nil {
						continue // a missing party: warned as party_missing
					}
					if c.NotReachableNow {
						unreachableSeen = true
						if c.Phone != "" || !strings.Contains(c.Note, "Nu niet bereikbaar") {
							t.Errorf("step %d (%s): not reachable, yet phone %q / note %q", st.Order, st.Role, c.Phone, c.Note)
						}
						if !hasCode(resp.Warnings, rules.WarnNotReachableNow) {
							t.Errorf("step %d (%s) not reachable without a not_reachable_now warning: %+v", st.Order, st.Role, resp.Warnings)
						}
						continue
					}
					if !nightNumbers[c.Phone] {
						t.Errorf("step %d (%s) offers %s (%s), a number for office hours only", st.Order, st.Role, c.Phone, c.Organisation)
					}
				}
			})
		}
	}
	if !unreachableSeen {
		t.Error("no step was marked not reachable: the test does not reach the case it guards")
	}
}

// TestCareProviderOutOfHoursFollowsTheRecordedArrangement: GP care out of hours for a client with
// treatment follows the arrangement the care provider recorded (T; L-Conv 4); without one the step
// names nobody (never the SO/AVG service's line) and a party_missing warning asks for it.
func TestCareProviderOutOfHoursFollowsTheRecordedArrangement(t *testing.T) {
	reg := demoRegister(t)
	night := time.Date(2026, 9, 9, 1, 0, 0, 0, time.UTC)
	step := func(resp rules.Response) rules.Step {
		for _, s := range resp.Route.Steps {
			if s.Role == rules.RoleCareProviderOutOfHours {
				return s
			}
		}
		t.Fatalf("no care_provider_out_of_hours step: %+v", resp.Route.Steps)
		return rules.Step{}
	}
	inst := rules.Situation{Setting: rules.SettingInstitution, Wlz: rules.WlzWithTreatment, Delivery: rules.DeliveryStayWithTreatment, Sector: rules.SectorDisability}
	withArrangement := locationNamed(t, reg, "Instelling De Horizon")
	resp := decide(t, reg, inst, rules.CategoryGPCare, night, strconv.FormatInt(withArrangement.ID, 10))
	if c := step(resp).Contact; c == nil || c.Phone == "" || !strings.Contains(c.Note, mgz.ArrangementGPPost.Label()) {
		t.Errorf("recorded arrangement: contact %+v, want its number and a note naming %q", c, mgz.ArrangementGPPost.Label())
	}
	without := locationNamed(t, reg, "Verpleeghuis Testerveen")
	inst.Sector = rules.SectorElderly
	resp = decide(t, reg, inst, rules.CategoryGPCare, night, strconv.FormatInt(without.ID, 10))
	if c := step(resp).Contact; c != nil {
		t.Errorf("no arrangement recorded, yet the step names %+v", c)
	}
	if !hasCode(resp.Warnings, rules.WarnPartyMissing) || !strings.Contains(messages(resp.Warnings), "ANW-regeling") {
		t.Errorf("no party_missing warning about the arrangement: %+v", resp.Warnings)
	}
}

func hasCode(ws []rules.Warning, code string) bool {
	for _, w := range ws {
		if w.Code == code && w.Message != "" {
			return true
		}
	}
	return false
}

// A voorwacht or behaviour specialist registered only for office hours is not offered at night:
// the step says "nu niet bereikbaar" with a not_reachable_now warning and the route goes on to the
// next step (issue 10 item 2; T 2.3.2.2, T 2.3.2.3). Without any number it stays party_missing.
func TestOfficeHoursOnlyVoorwachtIsNotReachableAtNight(t *testing.T) {
	ctx := context.Background()
	reg := demoRegister(t)
	loc := locationNamed(t, reg, "Wooninitiatief Samen Thuis")
	s := rules.Situation{Setting: rules.SettingClusteredHousing, Wlz: rules.WlzWithoutTreatment, Delivery: rules.DeliveryVPT, Sector: rules.Sector(loc.Sector)}
	night := time.Date(2026, 9, 9, 1, 0, 0, 0, time.UTC) // 03:00 in Amsterdam, a Wednesday
	id := strconv.FormatInt(loc.ID, 10)

	before := decide(t, reg, s, rules.CategoryConditionTreatment, night, id)
	if !hasCode(before.Warnings, rules.WarnPartyMissing) || hasCode(before.Warnings, rules.WarnNotReachableNow) {
		t.Fatalf("without any voorwacht: warnings %+v, want party_missing only", before.Warnings)
	}
	for _, role := range []mgz.ContactRole{mgz.RoleFirstLine, mgz.RoleBehaviourSpecialist} {
		c := mgz.ContactPoint{LocationID: &loc.ID, Role: role, Phone: "0120100999", Hours: mgz.HoursOffice}
		if err := reg.CreateContactPoint(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	for _, cat := range []rules.Category{rules.CategoryConditionTreatment, rules.CategoryBehaviour} {
		resp := decide(t, reg, s, cat, night, id)
		first := resp.Route.Steps[0]
		if first.Role != rules.RoleFirstLine && first.Role != rules.RoleBehaviourSpecialist {
			t.Fatalf("%s: first step %s, want the voorwacht or behaviour specialist", cat, first.Role)
		}
		if first.Contact == nil || !first.Contact.NotReachableNow || first.Contact.Phone != "" || !strings.Contains(first.Contact.Note, "Nu niet bereikbaar") {
			t.Errorf("%s: first step contact %+v, want not reachable now without a number", cat, first.Contact)
		}
		if !hasCode(resp.Warnings, rules.WarnNotReachableNow) {
			t.Errorf("%s: warnings %+v, want not_reachable_now", cat, resp.Warnings)
		}
		if strings.Contains(resp.Route.Summary, "012 010 0999") {
			t.Errorf("%s: the summary offers the office-hours number: %q", cat, resp.Route.Summary)
		}
	}
	day := decide(t, reg, s, rules.CategoryConditionTreatment, weekdayAfternoon, id)
	if c := day.Route.Steps[0].Contact; c == nil || c.Phone != "012 010 0999" {
		t.Errorf("in office hours the voorwacht's number is offered: %+v", c)
	}
}
