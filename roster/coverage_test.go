package roster

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

func id(v int64) *int64 { return &v }

// describe writes a duty as "organisation/location/role/roster ids".
func describe(d Duty) string {
	loc := int64(0)
	if d.LocationID != nil {
		loc = *d.LocationID
	}
	var ids []string
	for _, r := range d.Rosters {
		ids = append(ids, fmt.Sprint(r.ID))
	}
	return fmt.Sprintf("%d/%d/%s/%s", d.OrganisationID, loc, d.Role, strings.Join(ids, ","))
}

// Duties derives the covenant's duties: first_line and behaviour_specialist per open location,
// covered by the location's rosters and its care provider's; physician_on_call once per SO/AVG
// service however many locations share it; a location without a service its own physician duty
// with nobody to cover it; the GP posts of the provider's care_office_region their SO or AVG
// role by the location's sector; planned and closed locations nothing.
func TestDutiesDerivation(t *testing.T) {
	const (
		p1, p2     = 1, 2
		s1, s2     = 10, 11
		g1, g2, g3 = 20, 21, 22
	)
	reg := RegionRegister{
		Organisations: map[int64]mgz.Organisation{
			p1: {ID: p1, Kind: mgz.KindCareProvider, CareOfficeRegion: "Noord"},
			p2: {ID: p2, Kind: mgz.KindCareProvider, CareOfficeRegion: "Zuid"},
			s1: {ID: s1, Kind: mgz.KindPhysicianService, CareOfficeRegion: "Zuid"},
			s2: {ID: s2, Kind: mgz.KindPhysicianService, CareOfficeRegion: "Noord"},
			g1: {ID: g1, Kind: mgz.KindGPPost, CareOfficeRegion: "Noord"},
			g2: {ID: g2, Kind: mgz.KindGPPost, CareOfficeRegion: "Noord"},
			g3: {ID: g3, Kind: mgz.KindGPPost, CareOfficeRegion: "Zuid"},
		},
		GPPosts: map[string][]int64{"Noord": {g1, g2}, "Zuid": {g3}},
		Locations: []mgz.Location{
			{ID: 100, ProviderID: p1, Sector: mgz.SectorElderly, PhysicianServiceID: id(s1), Lifecycle: mgz.LifecycleOpen},
			{ID: 101, ProviderID: p1, Sector: mgz.SectorDisability, PhysicianServiceID: id(s1), Lifecycle: mgz.LifecycleClosing},
			{ID: 102, ProviderID: p2, Sector: mgz.SectorElderly, Lifecycle: mgz.LifecycleOpen},
			{ID: 103, ProviderID: p1, Sector: mgz.SectorDisability, PhysicianServiceID: id(s2), Lifecycle: mgz.LifecyclePlanned},
			{ID: 104, ProviderID: p2, Sector: mgz.SectorDisability, PhysicianServiceID: id(s2), Lifecycle: mgz.LifecycleClosed},
		},
		Rosters: []mgz.Roster{
			{ID: 1, Role: mgz.RosterFirstLine, LocationID: id(100)},
			{ID: 2, Role: mgz.RosterFirstLine, OrganisationID: id(p1)},
			{ID: 3, Role: mgz.RosterBehaviourSpecialist, OrganisationID: id(p1)},
			{ID: 4, Role: mgz.RosterPhysicianOnCall, OrganisationID: id(s1)},
			{ID: 5, Role: mgz.RosterGPPostElderly, OrganisationID: id(g1)},
			{ID: 6, Role: mgz.RosterGPPostDisability, OrganisationID: id(g1)},
			{ID: 7, Role: mgz.RosterPhysicianOnCall, OrganisationID: id(s2)},
			{ID: 8, Role: mgz.RosterFirstLine, LocationID: id(103)},
			{ID: 9, Role: mgz.RosterBehaviourSpecialist, OrganisationID: id(p2)},
		},
	}
	want := []string{
		"1/100/behaviour_specialist/3",
		"1/100/first_line/1,2",
		"1/101/behaviour_specialist/3",
		"1/101/first_line/2",
		"2/102/behaviour_specialist/9",
		"2/102/first_line/",
		"2/102/physician_on_call/",
		"10/0/physician_on_call/4",
		"20/0/gp_post_elderly_care_physician/5",
		"20/0/gp_post_id_physician/6",
		"21/0/gp_post_elderly_care_physician/",
		"21/0/gp_post_id_physician/",
		"22/0/gp_post_elderly_care_physician/",
	}
	duties := Duties(reg)
	var got []string
	for _, d := range duties {
		got = append(got, describe(d))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("duties:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The duty's rosters are the register's own, not copies.
	if duties[1].Rosters[0] != &reg.Rosters[0] {
		t.Fatal("duty points at a copy of the roster")
	}
}

// Gaps: a duty without any roster is one no_roster gap over the whole window; a duty whose
// rosters leave hours open has uncovered gaps for exactly those hours; a duty covered by the
// location's day roster and the provider's night roster together has none.
func TestGapsNoRosterAndUncovered(t *testing.T) {
	day := mgz.Roster{ID: 1, Role: mgz.RosterFirstLine, LocationID: id(100),
		Shifts: []mgz.Shift{shift(t, "Dag", "2026-01-05 07:00", "2026-01-05 23:00", "FREQ=DAILY")}}
	night := mgz.Roster{ID: 2, Role: mgz.RosterFirstLine, OrganisationID: id(1),
		Shifts: []mgz.Shift{shift(t, "Nacht", "2026-01-05 23:00", "2026-01-06 07:00", "FREQ=DAILY")}}
	behaviour := mgz.Roster{ID: 3, Role: mgz.RosterBehaviourSpecialist, OrganisationID: id(1),
		Shifts: []mgz.Shift{shift(t, "Kantoor", "2026-01-05 09:00", "2026-01-05 17:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")}}
	duties := []Duty{
		{Role: mgz.RosterFirstLine, OrganisationID: 1, LocationID: id(100), Rosters: []*mgz.Roster{&day, &night}},
		{Role: mgz.RosterBehaviourSpecialist, OrganisationID: 1, LocationID: id(100), Rosters: []*mgz.Roster{&behaviour}},
		{Role: mgz.RosterPhysicianOnCall, OrganisationID: 10},
	}
	from, to := ams(t, "2026-06-05 00:00"), ams(t, "2026-06-06 00:00") // a Friday
	gaps, err := Gaps(duties, from, to, calendar.Default().FreeDays)
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		role     mgz.RosterRole
		kind     mgz.GapKind
		org, loc int64
		from, to string
	}
	want := []g{
		{mgz.RosterBehaviourSpecialist, mgz.GapUncovered, 1, 100, "2026-06-05 00:00", "2026-06-05 09:00"},
		{mgz.RosterBehaviourSpecialist, mgz.GapUncovered, 1, 100, "2026-06-05 17:00", "2026-06-06 00:00"},
		{mgz.RosterPhysicianOnCall, mgz.GapNoRoster, 10, 0, "2026-06-05 00:00", "2026-06-06 00:00"},
	}
	if len(gaps) != len(want) {
		t.Fatalf("gaps %v, want %v", gaps, want)
	}
	for i, w := range want {
		x := gaps[i]
		loc := int64(0)
		if x.LocationID != nil {
			loc = *x.LocationID
		}
		if x.Role != w.role || x.Kind != w.kind || x.OrganisationID != w.org || loc != w.loc ||
			!x.From.Equal(ams(t, w.from)) || !x.To.Equal(ams(t, w.to)) {
			t.Fatalf("gap %d is %+v, want %+v", i, x, w)
		}
	}
}

// Gaps, which expands each shift pattern once, sweeps the duty's lists and each combination of
// patterns once, finds exactly what Expand and Uncovered find duty by duty, on random rosters that
// share patterns (and duties that share all of them), over Christmas and the DST end night.
func TestGapsMatchesExpandPerDuty(t *testing.T) {
	rnd := rand.New(rand.NewSource(13))
	rules := []string{"", "FREQ=DAILY", "FREQ=DAILY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
		"FREQ=WEEKLY;BYDAY=SA,SU", "FREQ=DAILY;COUNT=40", "FREQ=DAILY;UNTIL=20261224T120000Z"}
	holidays := []mgz.HolidayRule{mgz.HolidaysAlso, mgz.HolidaysSkip, mgz.HolidaysOnly}
	loc := calendar.Location()
	var patterns []mgz.Shift
	for i := 0; i < 25; i++ {
		start := time.Date(2026, time.Month(1+rnd.Intn(12)), 1+rnd.Intn(28), rnd.Intn(24), 15*rnd.Intn(4), 0, 0, loc)
		s := mgz.Shift{Start: start, End: start.Add(time.Duration(1+rnd.Intn(30)) * time.Hour),
			TimeZone: mgz.DefaultTimeZone, RRule: rules[rnd.Intn(len(rules))], Holidays: holidays[rnd.Intn(len(holidays))]}
		if rnd.Intn(3) == 0 {
			s.ExDates = []time.Time{start.AddDate(0, 0, rnd.Intn(60))}
		}
		patterns = append(patterns, s)
	}
	var duties []Duty
	for d := 0; d < 40; d++ {
		var rs []*mgz.Roster
		for r := 0; r < 1+rnd.Intn(3); r++ {
			ro := &mgz.Roster{ID: int64(d*10 + r)}
			for k := 0; k < 1+rnd.Intn(4); k++ {
				s := patterns[rnd.Intn(len(patterns))]
				s.Person = fmt.Sprint("Persoon ", d, r, k)
				ro.Shifts = append(ro.Shifts, s)
			}
			rs = append(rs, ro)
		}
		duties = append(duties, Duty{Role: mgz.RosterFirstLine, OrganisationID: int64(d), Rosters: rs})
	}
	// Other parties with the same shift patterns (other people on call), for the memo of duties.
	for d := 0; d < 10; d++ {
		var rs []*mgz.Roster
		for _, r := range duties[d].Rosters {
			c := *r
			c.Shifts = append([]mgz.Shift(nil), r.Shifts...)
			for k := range c.Shifts {
				c.Shifts[k].Person = "Ander"
			}
			rs = append(rs, &c)
		}
		duties = append(duties, Duty{Role: mgz.RosterBehaviourSpecialist, OrganisationID: int64(100 + d), Rosters: rs})
	}
	free := calendar.Default().FreeDays
	for _, w := range [][2]string{{"2026-10-20 00:00", "2026-10-30 00:00"}, {"2026-12-20 13:00", "2027-01-02 00:00"}} {
		from, to := ams(t, w[0]), ams(t, w[1])
		gaps, err := Gaps(duties, from, to, free)
		if err != nil {
			t.Fatal(err)
		}
		var want []mgz.CoverageGap
		for _, d := range duties {
			var rs []mgz.Roster
			for _, r := range d.Rosters {
				rs = append(rs, *r)
			}
			occ, err := Expand(rs, from, to, free)
			if err != nil {
				t.Fatal(err)
			}
			for _, iv := range Uncovered(occ, from, to) {
				want = append(want, mgz.CoverageGap{Role: d.Role, Kind: mgz.GapUncovered, OrganisationID: d.OrganisationID, From: iv.From, To: iv.To})
			}
		}
		if len(gaps) != len(want) {
			t.Fatalf("window %v: %d gaps, want %d", w, len(gaps), len(want))
		}
		for i := range want {
			if gaps[i].OrganisationID != want[i].OrganisationID || gaps[i].Role != want[i].Role || gaps[i].Kind != want[i].Kind || !gaps[i].From.Equal(want[i].From) || !gaps[i].To.Equal(want[i].To) {
				t.Fatalf("window %v: gap %d is %+v, want %+v", w, i, gaps[i], want[i])
			}
		}
		if len(want) < 10 || len(want) > 2000 {
			t.Fatalf("window %v: %d gaps; the random register should have some but not everywhere", w, len(want))
		}
	}
}
