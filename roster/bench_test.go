package roster

import (
	"fmt"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// threeShifts returns three 8-hour daily shifts (07–15, 15–23, 23–07) that started on since.
func threeShifts(since time.Time) []mgz.Shift {
	loc := calendar.Location()
	y, m, d := since.Date()
	out := make([]mgz.Shift, 0, 3)
	for i, h := range []int{7, 15, 23} {
		st := time.Date(y, m, d, h, 0, 0, 0, loc)
		out = append(out, mgz.Shift{ID: int64(i + 1), Person: fmt.Sprintf("Team %d", i+1),
			Start: st, End: st.Add(8 * time.Hour), TimeZone: mgz.DefaultTimeZone, RRule: "FREQ=DAILY"})
	}
	return out
}

// nationalRegister is the national-scale register: 10,000 locations with their own
// first_line and behaviour_specialist rosters, ~500 SO/AVG services and 31 regions with a GP
// post each, every roster three 8-hour daily shifts started months before the window.
func nationalRegister(since time.Time) RegionRegister {
	const locations, services, regions = 10000, 500, 31
	reg := RegionRegister{Organisations: map[int64]mgz.Organisation{}, GPPosts: map[string][]int64{}}
	id := int64(0)
	next := func() int64 { id++; return id }
	var rosters []mgz.Roster
	addRoster := func(role mgz.RosterRole, org, loc *int64) {
		rosters = append(rosters, mgz.Roster{ID: next(), Role: role, OrganisationID: org, LocationID: loc,
			Shifts: threeShifts(since)})
	}
	var regionNames []string
	for i := 0; i < regions; i++ {
		name := fmt.Sprintf("Regio %d", i)
		regionNames = append(regionNames, name)
		post := next()
		reg.Organisations[post] = mgz.Organisation{ID: post, Kind: mgz.KindGPPost, CareOfficeRegion: name}
		reg.GPPosts[name] = []int64{post}
		addRoster(mgz.RosterGPPostElderly, &post, nil)
		addRoster(mgz.RosterGPPostDisability, &post, nil)
	}
	var svcs []int64
	for i := 0; i < services; i++ {
		svc := next()
		svcs = append(svcs, svc)
		reg.Organisations[svc] = mgz.Organisation{ID: svc, Kind: mgz.KindPhysicianService, CareOfficeRegion: regionNames[i%regions]}
		addRoster(mgz.RosterPhysicianOnCall, &svc, nil)
	}
	var providers []int64
	for i := 0; i < 1000; i++ {
		p := next()
		providers = append(providers, p)
		reg.Organisations[p] = mgz.Organisation{ID: p, Kind: mgz.KindCareProvider, CareOfficeRegion: regionNames[i%regions]}
	}
	for i := 0; i < locations; i++ {
		l := next()
		svc := svcs[i%services]
		sector := mgz.SectorElderly
		if i%3 == 0 {
			sector = mgz.SectorDisability
		}
		reg.Locations = append(reg.Locations, mgz.Location{ID: l, ProviderID: providers[i%len(providers)],
			Sector: sector, PhysicianServiceID: &svc, Lifecycle: mgz.LifecycleOpen})
		addRoster(mgz.RosterFirstLine, nil, &l)
		addRoster(mgz.RosterBehaviourSpecialist, nil, &l)
	}
	reg.Rosters = rosters
	return reg
}

// BenchmarkGaps10kLocations is the target: coverage of a national-scale register
// (10,000 locations × 4 roles × 14 days, a shift change every 8 hours) in under 1 s.
func BenchmarkGaps10kLocations(b *testing.B) {
	loc := calendar.Location()
	from := time.Date(2026, 3, 23, 0, 0, 0, 0, loc) // the window holds the DST start night
	reg := nationalRegister(from.AddDate(0, -6, 0))
	free := calendar.Default().FreeDays
	b.ResetTimer()
	for b.Loop() {
		duties := Duties(reg)
		gaps, err := Gaps(duties, from, from.AddDate(0, 0, 14), free)
		if err != nil {
			b.Fatal(err)
		}
		if len(gaps) != 0 {
			b.Fatalf("%d gaps in a fully covered register, first %v", len(gaps), gaps[0])
		}
	}
}

// BenchmarkOnCall is the routing answer: who is on call for one location at a moment, in
// under 50 µs.
func BenchmarkOnCall(b *testing.B) {
	loc := calendar.Location()
	l := int64(1)
	rosters := []mgz.Roster{
		{ID: 1, Role: mgz.RosterFirstLine, LocationID: &l, Shifts: threeShifts(time.Date(2025, 9, 1, 0, 0, 0, 0, loc))},
		{ID: 2, Role: mgz.RosterBehaviourSpecialist, LocationID: &l, Shifts: threeShifts(time.Date(2025, 9, 1, 0, 0, 0, 0, loc))},
	}
	at := time.Date(2026, 3, 29, 2, 30, 0, 0, loc)
	free := calendar.Default().FreeDays
	for b.Loop() {
		occ, err := OnCall(rosters, at, free)
		if err != nil {
			b.Fatal(err)
		}
		if len(occ) != 2 {
			b.Fatalf("%d on call, want 2", len(occ))
		}
	}
}
