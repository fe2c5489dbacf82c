package directory_test

import (
	"context"
	"reflect"
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

var ams = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

// Moments on Wednesday 7 October 2026 (CEST): inside the SO service's day shift, and in its gap.
var (
	inDayShift = time.Date(2026, 10, 7, 14, 0, 0, 0, ams)
	inNightGap = time.Date(2026, 10, 7, 23, 30, 0, 0, ams)
)

// Demo location Verpleeghuis De Hofstede: elderly care, voorwacht of Zorggroep Voorbeeld, SO
// service Ouderengeneeskunde Voorbeeld (SO-dienst), GP post Huisartsenpost Voorbeeld. A
// condition_treatment question there routes voorwacht → SO.
var hofstede = rules.Situation{Setting: rules.SettingInstitution, Wlz: rules.WlzWithoutTreatment,
	Delivery: rules.DeliveryStayWithoutTreatment, Sector: rules.SectorElderly}

const (
	soService = "Ouderengeneeskunde Voorbeeld (SO-dienst)"
	gpPost    = "Huisartsenpost Voorbeeld"
	provider  = "Zorggroep Voorbeeld"
)

type rosterFixture struct {
	db  *sqlstore.DB
	reg mgz.RegisterService
	loc mgz.Location
}

func newRosterFixture(t testing.TB) *rosterFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(ctx, db.Register()); err != nil {
		t.Fatal(err)
	}
	ls, _, err := db.Register().Locations(ctx, mgz.LocationFilter{Query: "Verpleeghuis De Hofstede"})
	if err != nil || len(ls) != 1 {
		t.Fatalf("demo location: %v %v", ls, err)
	}
	return &rosterFixture{db: db, reg: db.Register(), loc: ls[0]}
}

func (f *rosterFixture) org(t testing.TB, name string) int64 {
	t.Helper()
	os, _, err := f.reg.Organisations(context.Background(), mgz.OrganisationFilter{Query: name})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("demo organisation %q not found", name)
	return 0
}

// daily is a shift every day from the wall-clock hour from to the hour to (the next day when to
// is not after from), starting 1 September 2026.
func daily(uid, person, function, phone string, from, to int) mgz.Shift {
	start := time.Date(2026, 9, 1, from, 0, 0, 0, ams)
	end := time.Date(2026, 9, 1, to, 0, 0, 0, ams)
	if to <= from {
		end = end.AddDate(0, 0, 1)
	}
	return mgz.Shift{UID: uid, Person: person, Function: function, Phone: phone, Start: start, End: end,
		TimeZone: "Europe/Amsterdam", RRule: "FREQ=DAILY"}
}

func (f *rosterFixture) roster(t testing.TB, r mgz.Roster) {
	t.Helper()
	for i := range r.Shifts {
		if err := r.Shifts[i].Normalise(); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.Store().Rosters().CreateRoster(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
}

// soDayRoster gives the SO service a day shift only, 08:00–17:00: the nights are a gap.
func (f *rosterFixture) soDayRoster(t testing.TB) {
	id := f.org(t, soService)
	f.roster(t, mgz.Roster{OrganisationID: &id, Role: mgz.RosterPhysicianOnCall, Name: "SO-dienst overdag", Phone: "012 010 0099",
		Shifts: []mgz.Shift{daily("so-day", "Dr. S. de Dag", "SO", "06 1111 2222", 8, 17)}})
}

// gpPostSORoster gives the GP post an SO for the evening and night, 17:00–08:00 (L-Conv 5).
func (f *rosterFixture) gpPostSORoster(t testing.TB) {
	id := f.org(t, gpPost)
	f.roster(t, mgz.Roster{OrganisationID: &id, Role: mgz.RosterGPPostElderly, Name: "SO voor de HAP", Phone: "012 010 0098",
		Shifts: []mgz.Shift{daily("hap-so", "Dr. N. Nacht", "SO", "", 17, 8)}})
}

func (f *rosterFixture) engine(t testing.TB, withRosters bool) *rules.Engine {
	t.Helper()
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	var opts []directory.Option
	if withRosters {
		opts = append(opts, directory.WithRosters(f.db.Store().Rosters().WithShifts,
			func(context.Context) (calendar.HolidaySet, error) { return calendar.Default().FreeDays, nil }))
	}
	return e.WithEnricher(directory.New(f.reg, opts...).Enrich)
}

func (f *rosterFixture) decide(t testing.TB, e *rules.Engine, cat rules.Category, at time.Time) rules.Response {
	t.Helper()
	resp, err := e.DecideContext(context.Background(), rules.Request{Situation: hofstede,
		Question: &rules.Question{Category: cat, At: at}, LocationID: strconv.FormatInt(f.loc.ID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func stepOf(t *testing.T, resp rules.Response, role rules.Role) rules.Step {
	t.Helper()
	for _, s := range resp.Route.Steps {
		if s.Role == role {
			return s
		}
	}
	t.Fatalf("no %s step: %+v", role, resp.Route.Steps)
	return rules.Step{}
}

func warningsOf(resp rules.Response, code string) []rules.Warning {
	var out []rules.Warning
	for _, w := range resp.Warnings {
		if w.Code == code {
			out = append(out, w)
		}
	}
	return out
}

func TestAnswerInsideAShiftNamesThePersonOnCallAndTheirPhone(t *testing.T) {
	f := newRosterFixture(t)
	f.soDayRoster(t)
	resp := f.decide(t, f.engine(t, true), rules.CategoryConditionTreatment, inDayShift)
	c := stepOf(t, resp, rules.RoleElderlyCarePhysician).Contact
	if c == nil || c.OnCall == nil {
		t.Fatalf("SO step names nobody on call: %+v", c)
	}
	if c.Organisation != soService || c.Phone != mgz.FormatPhone("06 1111 2222") || c.NotReachableNow {
		t.Errorf("SO contact %+v, want the SO service with the shift's own phone", c)
	}
	if c.OnCall.Name != "Dr. S. de Dag" || c.OnCall.Function != "SO" || c.OnCall.Phone != c.Phone ||
		!c.OnCall.Until.Equal(time.Date(2026, 10, 7, 17, 0, 0, 0, ams)) {
		t.Errorf("on call %+v, want Dr. S. de Dag (SO) until 17:00", c.OnCall)
	}
	if !strings.Contains(c.Note, "Dr. S. de Dag") {
		t.Errorf("note %q does not name the person on call", c.Note)
	}
	if len(resp.Warnings) > 0 {
		t.Errorf("warnings inside a shift: %v", resp.Warnings)
	}
	b := resp.AppendJSON(nil)
	if !strings.Contains(string(b), `"on_call":{"name":"Dr. S. de Dag","function":"SO","phone":"`+c.Phone+`","until":"2026-10-07T17:00:00+02:00"}`) {
		t.Errorf("JSON lacks the on_call object: %s", b)
	}
}

func TestAnswerInAGapNamesTheGPPostSOAndWarnsOfTheGap(t *testing.T) {
	f := newRosterFixture(t)
	f.soDayRoster(t)
	f.gpPostSORoster(t)
	resp := f.decide(t, f.engine(t, true), rules.CategoryConditionTreatment, inNightGap)
	c := stepOf(t, resp, rules.RoleElderlyCarePhysician).Contact
	if c == nil || c.OnCall == nil || c.Organisation != gpPost || c.OnCall.Name != "Dr. N. Nacht" || c.NotReachableNow {
		t.Fatalf("SO step in a gap: %+v, want the GP post's SO on call", c)
	}
	if c.Phone != mgz.FormatPhone("012 010 0098") {
		t.Errorf("phone %q, want the GP post roster's phone (the shift has none)", c.Phone)
	}
	if !strings.HasPrefix(c.Note, "Terugval: SO via de huisartsenpost (L-Conv 5)") {
		t.Errorf("note %q does not name the fallback", c.Note)
	}
	gaps := warningsOf(resp, rules.WarnOnCallGap)
	if len(gaps) != 1 {
		t.Fatalf("on_call_gap warnings %v, want one", resp.Warnings)
	}
	for _, want := range []string{soService, "07-10-2026 17:00", "08-10-2026 08:00", gpPost, "Dr. N. Nacht", "L-Conv 5"} {
		if !strings.Contains(gaps[0].Message, want) {
			t.Errorf("on_call_gap message lacks %q: %s", want, gaps[0].Message)
		}
	}
	if len(warningsOf(resp, rules.WarnNotReachableNow)) > 0 {
		t.Errorf("not_reachable_now although the GP post's SO is on call: %v", resp.Warnings)
	}
	if !strings.Contains(resp.Route.Summary, "specialist ouderengeneeskunde") {
		t.Errorf("summary %q drops the reachable SO step", resp.Route.Summary)
	}
}

func TestAnswerInAGapWithoutGPPostArrangementIsNotReachableAndNamesProviderThenCareOffice(t *testing.T) {
	f := newRosterFixture(t)
	f.soDayRoster(t)
	resp := f.decide(t, f.engine(t, true), rules.CategoryConditionTreatment, inNightGap)
	c := stepOf(t, resp, rules.RoleElderlyCarePhysician).Contact
	if c == nil || !c.NotReachableNow || c.Phone != "" || c.OnCall != nil || c.Organisation != soService {
		t.Fatalf("SO step in a gap without fallback: %+v, want not reachable now", c)
	}
	for _, code := range []string{rules.WarnNotReachableNow, rules.WarnOnCallGap} {
		ws := warningsOf(resp, code)
		if len(ws) != 1 {
			t.Fatalf("%s warnings: %v, want one", code, resp.Warnings)
		}
		m := ws[0].Message
		p, z := strings.Index(m, provider), strings.Index(m, "zorgkantoor")
		if p < 0 || z < 0 || z < p {
			t.Errorf("%s does not name the care provider, then the zorgkantoor: %s", code, m)
		}
		if !strings.Contains(m, "L-Rol 1") {
			t.Errorf("%s does not cite L-Rol 1: %s", code, m)
		}
	}
	if m := warningsOf(resp, rules.WarnOnCallGap)[0].Message; !strings.Contains(m, "07-10-2026 17:00") || !strings.Contains(m, "08-10-2026 08:00") {
		t.Errorf("on_call_gap does not give the gap's interval: %s", m)
	}
	if !strings.HasPrefix(resp.Route.Summary, "Bel eerst de voorwacht") || strings.Contains(resp.Route.Summary, "ouderengeneeskunde") {
		t.Errorf("summary %q, want the voorwacht first and not the unreachable SO", resp.Route.Summary)
	}
}

func TestWithoutAnyRosterTheAnswerIsExactlyTodays(t *testing.T) {
	f := newRosterFixture(t)
	plain, wired := f.engine(t, false), f.engine(t, true)
	for _, cat := range []rules.Category{rules.CategoryBehaviour, rules.CategoryConditionTreatment, rules.CategoryGPCare} {
		for _, at := range []time.Time{inDayShift, inNightGap, christmasNight} {
			want, got := f.decide(t, plain, cat, at), f.decide(t, wired, cat, at)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s at %s: with rosters wired but none stored\n got %+v\nwant %+v", cat, at, got, want)
			}
		}
	}
}

// TestNightShiftAcrossTheDSTChange checks a voorwacht night shift from 23:00 to 07:00 on the
// nights daylight saving time ends (9 hours) and starts (7 hours): on call until 07:00 local
// time, a gap right after.
func TestNightShiftAcrossTheDSTChange(t *testing.T) {
	f := newRosterFixture(t)
	locID := f.loc.ID
	f.roster(t, mgz.Roster{LocationID: &locID, Role: mgz.RosterFirstLine, Name: "Voorwacht nacht", Phone: "012 010 0097",
		Shifts: []mgz.Shift{daily("night", "Verpleegkundige Nachtegaal", "verpleegkundige", "", 23, 7)}})
	e := f.engine(t, true)
	for _, tc := range []struct {
		name       string
		onCall     time.Time // 06:30 local, still in the night shift
		until      time.Time
		afterwards time.Time // 07:30 local, a gap until 23:00
	}{
		{"autumn, 9-hour night", time.Date(2026, 10, 25, 5, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 6, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 6, 30, 0, 0, time.UTC)},
		// The roster starts 1 September 2026, so spring is the night of 27 to 28 March 2027.
		{"spring, 7-hour night", time.Date(2027, 3, 28, 4, 30, 0, 0, time.UTC), time.Date(2027, 3, 28, 5, 0, 0, 0, time.UTC), time.Date(2027, 3, 28, 5, 30, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.decide(t, e, rules.CategoryConditionTreatment, tc.onCall)
			c := stepOf(t, resp, rules.RoleFirstLine).Contact
			if c == nil || c.OnCall == nil || c.OnCall.Name != "Verpleegkundige Nachtegaal" || !c.OnCall.Until.Equal(tc.until) {
				t.Fatalf("at %s: first line %+v, want the night nurse until 07:00 local (%s)", tc.onCall.In(ams), c, tc.until)
			}
			if c.Phone != mgz.FormatPhone("012 010 0097") || len(warningsOf(resp, rules.WarnOnCallGap)) > 0 {
				t.Errorf("at %s: phone %q, warnings %v", tc.onCall.In(ams), c.Phone, resp.Warnings)
			}
			resp = f.decide(t, e, rules.CategoryConditionTreatment, tc.afterwards)
			st := stepOf(t, resp, rules.RoleFirstLine)
			if st.Contact == nil || !st.Contact.NotReachableNow || !strings.Contains(st.Contact.Note, "ga door naar stap 2") {
				t.Errorf("at %s: first line %+v, want not reachable now, go on to step 2", tc.afterwards.In(ams), st.Contact)
			}
			gaps := warningsOf(resp, rules.WarnOnCallGap)
			if len(gaps) != 1 || !strings.Contains(gaps[0].Message, " 07:00 tot ") || !strings.Contains(gaps[0].Message, " 23:00") ||
				!strings.Contains(gaps[0].Message, "Voorwacht") {
				t.Errorf("at %s: on_call_gap %v, want the voorwacht's gap 07:00–23:00", tc.afterwards.In(ams), resp.Warnings)
			}
			if !strings.HasPrefix(resp.Route.Summary, "Bel eerst de specialist ouderengeneeskunde") {
				t.Errorf("summary %q, want the SO first while the voorwacht is not on call", resp.Route.Summary)
			}
		})
	}
}
