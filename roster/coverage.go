package roster

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Duty is a required role of one party: somebody must be on call for it around the clock. Rosters
// are the rosters that may cover it (a location's own and its care provider's, an SO/AVG
// service's, a GP post's); none means nobody is known to be on call.
type Duty struct {
	Role           mgz.RosterRole
	OrganisationID int64  // whose rosters should cover it: care provider, SO/AVG service, GP post
	LocationID     *int64 // set where the duty is a location's
	Rosters        []*mgz.Roster
}

// RegionRegister is what the coverage finder needs of the register.
type RegionRegister struct {
	// Locations are the locations whose duties count; planned and closed ones are skipped.
	Locations []mgz.Location
	// Organisations are at least the locations' care providers, SO/AVG services and the GP posts,
	// by id.
	Organisations map[int64]mgz.Organisation
	// GPPosts are the GP posts by zorgkantoor region (care_office_region).
	GPPosts map[string][]int64
	// Rosters are the rosters of those locations and organisations, with their shifts.
	Rosters []mgz.Roster
}

type dutyKey struct {
	role mgz.RosterRole
	org  int64
	loc  int64
}

// Duties derives the duties of the covenant from the register, ordered by organisation, location
// and role:
//   - per open location: first_line (T 2.3.2.3) and behaviour_specialist (T 2.3.2.2), covered by
//     the location's rosters and its care provider's;
//   - per SO/AVG service linked to an open location: physician_on_call (L-Rol 2); a location
//     without a service has that duty itself, with nobody to cover it;
//   - per GP post of the region of an open location: its SO (elderly) or AVG (disability) for
//     consultation (L-Conv 5), for the sectors of the region's locations.
func Duties(reg RegionRegister) []Duty {
	byOrg := map[dutyKey][]*mgz.Roster{}
	byLoc := map[dutyKey][]*mgz.Roster{}
	for i := range reg.Rosters {
		r := &reg.Rosters[i]
		switch {
		case r.LocationID != nil:
			byLoc[dutyKey{role: r.Role, loc: *r.LocationID}] = append(byLoc[dutyKey{role: r.Role, loc: *r.LocationID}], r)
		case r.OrganisationID != nil:
			byOrg[dutyKey{role: r.Role, org: *r.OrganisationID}] = append(byOrg[dutyKey{role: r.Role, org: *r.OrganisationID}], r)
		}
	}
	seen := map[dutyKey]bool{}
	var out []Duty
	add := func(d Duty) {
		k := dutyKey{role: d.Role, org: d.OrganisationID}
		if d.LocationID != nil {
			k.loc = *d.LocationID
		}
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, d)
	}
	for _, l := range reg.Locations {
		if l.Lifecycle == mgz.LifecyclePlanned || l.Lifecycle == mgz.LifecycleClosed {
			continue
		}
		id := l.ID
		for _, role := range []mgz.RosterRole{mgz.RosterFirstLine, mgz.RosterBehaviourSpecialist} {
			rs := append(append([]*mgz.Roster(nil), byLoc[dutyKey{role: role, loc: id}]...), byOrg[dutyKey{role: role, org: l.ProviderID}]...)
			add(Duty{Role: role, OrganisationID: l.ProviderID, LocationID: &id, Rosters: rs})
		}
		if l.PhysicianServiceID != nil {
			svc := *l.PhysicianServiceID
			add(Duty{Role: mgz.RosterPhysicianOnCall, OrganisationID: svc, Rosters: byOrg[dutyKey{role: mgz.RosterPhysicianOnCall, org: svc}]})
		} else {
			add(Duty{Role: mgz.RosterPhysicianOnCall, OrganisationID: l.ProviderID, LocationID: &id})
		}
		if prov, ok := reg.Organisations[l.ProviderID]; ok {
			role := mgz.GPPostRosterRole(l.Sector)
			for _, post := range reg.GPPosts[prov.CareOfficeRegion] {
				add(Duty{Role: role, OrganisationID: post, Rosters: byOrg[dutyKey{role: role, org: post}]})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.OrganisationID != b.OrganisationID {
			return a.OrganisationID < b.OrganisationID
		}
		al, bl := int64(0), int64(0)
		if a.LocationID != nil {
			al = *a.LocationID
		}
		if b.LocationID != nil {
			bl = *b.LocationID
		}
		if al != bl {
			return al < bl
		}
		return a.Role < b.Role
	})
	return out
}

// Gaps returns every interval of [from, to) in which a duty has nobody on call, duty by duty. A
// duty without any roster is one no_roster gap over the whole window.
//
// A national register has tens of thousands of rosters with the same few shift patterns (three
// 8-hour shifts a day), so Gaps expands each distinct pattern once per call (patternKey), sweeps
// the duty's sorted interval lists without copying rosters or occurrences, and sweeps each
// distinct combination of patterns once.
func Gaps(duties []Duty, from, to time.Time, free calendar.HolidaySet) ([]mgz.CoverageGap, error) {
	var out []mgz.CoverageGap
	memo := map[string]int{}            // pattern key → index in patterns
	var patterns [][]Interval           // expanded shift patterns
	dutyMemo := map[string][]Interval{} // pattern indices of a duty → its uncovered intervals
	var key, dkey []byte
	var lists [][]Interval
	for _, d := range duties {
		gap := func(kind mgz.GapKind, iv Interval) {
			out = append(out, mgz.CoverageGap{Role: d.Role, Kind: kind, OrganisationID: d.OrganisationID,
				LocationID: d.LocationID, From: iv.From, To: iv.To})
		}
		if len(d.Rosters) == 0 {
			gap(mgz.GapNoRoster, Interval{From: from, To: to})
			continue
		}
		lists, dkey = lists[:0], dkey[:0]
		for _, r := range d.Rosters {
			for j := range r.Shifts {
				s := &r.Shifts[j]
				key = patternKey(key[:0], s)
				p, ok := memo[string(key)]
				if !ok {
					ivs, err := shiftIntervals(s, from, to, free)
					if err != nil {
						return nil, fmt.Errorf("rooster %d, dienst %d: %w", r.ID, s.ID, err)
					}
					p = len(patterns)
					patterns = append(patterns, ivs)
					memo[string(key)] = p
				}
				dkey = strconv.AppendInt(append(dkey, ' '), int64(p), 36)
				if len(patterns[p]) > 0 {
					lists = append(lists, patterns[p])
				}
			}
		}
		ivs, ok := dutyMemo[string(dkey)]
		if !ok {
			ivs = uncoveredLists(lists, from, to)
			dutyMemo[string(dkey)] = ivs
		}
		for _, iv := range ivs {
			gap(mgz.GapUncovered, iv)
		}
	}
	return out, nil
}

// uncoveredLists is Uncovered over several interval lists, each ordered by start: it takes the
// earliest head of the lists in turn instead of merging them. It consumes lists.
func uncoveredLists(lists [][]Interval, from, to time.Time) []Interval {
	var gaps []Interval
	cursor := from
	for cursor.Before(to) {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || l[0].From.Before(lists[best][0].From)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		o := lists[best][0]
		lists[best] = lists[best][1:]
		if !o.To.After(cursor) {
			continue
		}
		if o.From.After(cursor) {
			end := o.From
			if end.After(to) {
				end = to
			}
			gaps = append(gaps, Interval{From: cursor, To: end})
		}
		cursor = o.To
	}
	if cursor.Before(to) {
		gaps = append(gaps, Interval{From: cursor, To: to})
	}
	return gaps
}
