package service

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/roster"
)

// Coverage windows: the default look-ahead, the longest window asked for, and the look-ahead of
// the periodic scan that warns of gaps.
const (
	DefaultCoverageWindow = 14 * 24 * time.Hour
	MaxCoverageWindow     = 62 * 24 * time.Hour
	CoverageScanWindow    = 72 * time.Hour
)

// CoverageFilter selects coverage gaps. Zero fields do not filter; a zero From is now and a zero
// To is From plus 14 days.
type CoverageFilter struct {
	// LocationID selects the location's own duties and those of the organisations it depends on:
	// its SO/AVG service and the GP posts of its region for its sector.
	LocationID int64
	// OrganisationID selects the duties whose rosters are that organisation's.
	OrganisationID int64
	Role           mgz.RosterRole
	From, To       time.Time
}

// CoverageReport is the gaps of a window with the names a person needs to read them.
type CoverageReport struct {
	Gaps          []mgz.CoverageGap
	From, To      time.Time
	Organisations map[int64]string      // names of the gaps' organisations
	Locations     map[int64]string      // names of the gaps' locations
	Kinds         map[int64]mgz.OrgKind // kinds of the gaps' organisations
	// Practices are the fixed GP practices of the gaps' locations that have one: the practice the
	// RHO reports a gap on behalf of (GapEscalation).
	Practices map[int64]int64
	orgs      []mgz.Organisation // the register's organisations, for the scan's addressees
}

// NormaliseCoverageFilter fills in the window from the service clock and validates f.
func (s *Service) NormaliseCoverageFilter(f CoverageFilter) (CoverageFilter, error) {
	fe := map[string]string{}
	if f.From.IsZero() {
		// From the start of this minute: the same window for every request within it, so that a
		// computed report can be reused (coverageMemo).
		f.From = s.now().Truncate(time.Minute)
	}
	if f.To.IsZero() {
		f.To = f.From.Add(DefaultCoverageWindow)
	}
	switch {
	case !f.To.After(f.From):
		fe["to"] = "Het einde van de periode moet na het begin liggen."
	case f.To.Sub(f.From) > MaxCoverageWindow:
		fe["to"] = "De periode duurt hoogstens 62 dagen. Kies een eerder einde."
	}
	if f.Role != "" && !mgz.RosterRoles.Valid(f.Role) {
		fe["role"] = "Onbekende dienst " + strconv.Quote(string(f.Role)) + ". Kies een van: " + mgz.RosterRoles.List() + "."
	}
	if f.LocationID < 0 {
		fe["location_id"] = "Kies een locatie uit het register."
	}
	if f.OrganisationID < 0 {
		fe["organisation_id"] = "Kies een organisatie uit het register."
	}
	if len(fe) > 0 {
		return f, &mgz.Error{Code: mgz.ECodeInvalid, Message: "De filters kloppen niet. Verbeter de gemarkeerde velden en probeer het opnieuw.", Fields: fe}
	}
	f.From, f.To = f.From.UTC(), f.To.UTC()
	return f, nil
}

// CoverageGaps returns the intervals of f's window in which a required role has nobody on call,
// ordered by start. The RHO, the zorgkantoor and the regional table see the whole region; an
// organisation sees its own (OrganisationID its own id, or one of its locations).
func (s *Service) CoverageGaps(ctx context.Context, a mgz.Actor, f CoverageFilter) ([]mgz.CoverageGap, error) {
	rep, err := s.CoverageReport(ctx, a, f)
	return rep.Gaps, err
}

// CoverageReport is CoverageGaps with the window used and the names of the organisations and locations.
func (s *Service) CoverageReport(ctx context.Context, a mgz.Actor, f CoverageFilter) (CoverageReport, error) {
	f, err := s.NormaliseCoverageFilter(f)
	if err != nil {
		return CoverageReport{}, err
	}
	var loc *mgz.Location
	owner := f.OrganisationID
	if f.LocationID != 0 {
		l, err := s.store.Register().Location(ctx, f.LocationID)
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			return CoverageReport{}, mgz.FieldError("location_id", fmt.Sprintf("Locatie %d bestaat niet. Kies een locatie uit het register.", f.LocationID))
		}
		if err != nil {
			return CoverageReport{}, err
		}
		loc = &l
		if owner == 0 {
			owner = l.ProviderID
		}
	}
	if !a.System {
		if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Availability, OrganisationID: owner}, mgz.AuditRead, f.LocationID); err != nil {
			return CoverageReport{}, err
		}
	}
	if loc != nil {
		return s.coverage(ctx, s.store, f, loc) // one location: cheap, always fresh
	}
	key := fmt.Sprintf("%d|%s|%s|%s", f.OrganisationID, f.Role, f.From.Format(time.RFC3339Nano), f.To.Format(time.RFC3339Nano))
	gen, now := s.generation.Load(), time.Now()
	if v, ok := s.coverageMemo.get(key, gen, now); ok {
		return v.(CoverageReport).clone(), nil
	}
	rep, err := s.coverage(ctx, s.store, f, nil)
	if err != nil {
		return rep, err
	}
	s.coverageMemo.put(key, gen, now, rep)
	return rep.clone(), nil
}

// clone returns rep with its own list of gaps, so a caller may reorder or trim it; the name maps
// are shared and read only.
func (rep CoverageReport) clone() CoverageReport {
	rep.Gaps = append([]mgz.CoverageGap(nil), rep.Gaps...)
	return rep
}

// coverage computes the report of a normalised filter: for a location from that location alone,
// otherwise from the whole register, reading each table once.
func (s *Service) coverage(ctx context.Context, st mgz.Tx, f CoverageFilter, loc *mgz.Location) (CoverageReport, error) {
	rep := CoverageReport{From: f.From, To: f.To, Organisations: map[int64]string{}, Locations: map[int64]string{}, Kinds: map[int64]mgz.OrgKind{},
		Practices: map[int64]int64{}}
	orgs, err := allOrganisations(ctx, st)
	if err != nil {
		return rep, err
	}
	rep.orgs = orgs
	reg := roster.RegionRegister{Organisations: map[int64]mgz.Organisation{}, GPPosts: map[string][]int64{}}
	for _, o := range orgs {
		reg.Organisations[o.ID] = o
		if o.Kind == mgz.KindGPPost {
			reg.GPPosts[o.CareOfficeRegion] = append(reg.GPPosts[o.CareOfficeRegion], o.ID)
		}
	}
	var rf mgz.RosterFilter
	if loc != nil {
		reg.Locations = []mgz.Location{*loc}
		rf.LocationIDs = []int64{loc.ID}
		rf.OrganisationIDs = []int64{loc.ProviderID}
		if loc.PhysicianServiceID != nil {
			rf.OrganisationIDs = append(rf.OrganisationIDs, *loc.PhysicianServiceID)
		}
		if prov, ok := reg.Organisations[loc.ProviderID]; ok {
			rf.OrganisationIDs = append(rf.OrganisationIDs, reg.GPPosts[prov.CareOfficeRegion]...)
		}
	} else {
		reg.Locations, err = allLocations(ctx, st)
		if err != nil {
			return rep, err
		}
	}
	if reg.Rosters, err = st.Rosters().WithShifts(ctx, rf); err != nil {
		return rep, err
	}
	cs, err := st.Settings().CalendarSettings(ctx)
	if err != nil {
		return rep, err
	}
	var duties []roster.Duty
	for _, d := range roster.Duties(reg) {
		if (f.Role != "" && d.Role != f.Role) || (f.OrganisationID != 0 && d.OrganisationID != f.OrganisationID) {
			continue
		}
		duties = append(duties, d)
	}
	gaps, err := roster.Gaps(duties, f.From, f.To, cs.OrDefault().FreeDays)
	if err != nil {
		return rep, err
	}
	for i := range gaps {
		gaps[i].From, gaps[i].To = gaps[i].From.UTC(), gaps[i].To.UTC()
	}
	sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].From.Before(gaps[j].From) })
	rep.Gaps = gaps
	locName, practice := map[int64]string{}, map[int64]int64{}
	for _, l := range reg.Locations {
		locName[l.ID] = l.Name
		if l.FixedGPPracticeID != nil {
			practice[l.ID] = *l.FixedGPPracticeID
		}
	}
	for _, g := range gaps {
		if o, ok := reg.Organisations[g.OrganisationID]; ok {
			rep.Organisations[g.OrganisationID] = o.Name
			rep.Kinds[g.OrganisationID] = o.Kind
		}
		if g.LocationID != nil {
			rep.Locations[*g.LocationID] = locName[*g.LocationID]
			if p, ok := practice[*g.LocationID]; ok {
				rep.Practices[*g.LocationID] = p
			}
		}
	}
	return rep, nil
}

func allOrganisations(ctx context.Context, st mgz.Tx) ([]mgz.Organisation, error) {
	var out []mgz.Organisation
	for {
		page, total, err := st.Register().Organisations(ctx, mgz.OrganisationFilter{Page: mgz.Page{Limit: mgz.MaxLimit, Offset: len(out)}})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) == 0 || len(out) >= total {
			return out, nil
		}
	}
}

func allLocations(ctx context.Context, st mgz.Tx) ([]mgz.Location, error) {
	var out []mgz.Location
	for {
		page, total, err := st.Register().Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit, Offset: len(out)}})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) == 0 || len(out) >= total {
			return out, nil
		}
	}
}

// coverageGapKey is the dedupe key of the notice about gap g.
func coverageGapKey(g mgz.CoverageGap) string {
	var loc int64
	if g.LocationID != nil {
		loc = *g.LocationID
	}
	return fmt.Sprintf("coverage_gap:%s:%d:%d:%d", g.Role, g.OrganisationID, loc, g.From.Unix())
}

// gapLink is the availability page that lists gap g with its report button: its organisation's
// (and location's) gaps in its role, from the day it begins, over the three days of the scan's
// look-ahead and that day.
func gapLink(g mgz.CoverageGap) string {
	v := url.Values{}
	v.Set("organisation_id", strconv.FormatInt(g.OrganisationID, 10))
	if g.LocationID != nil {
		v.Set("location_id", strconv.FormatInt(*g.LocationID, 10))
	}
	v.Set("role", string(g.Role))
	v.Set("van", g.From.In(calendar.Location()).Format("2006-01-02"))
	v.Set("dagen", strconv.Itoa(int(CoverageScanWindow/(24*time.Hour))+1))
	return "/beschikbaarheid?" + v.Encode()
}

// regionalOrg returns the RHO of region (case-insensitive), else any RHO, else 0.
func regionalOrg(orgs []mgz.Organisation, region string) int64 {
	var any int64
	for _, o := range orgs {
		if o.Kind != mgz.KindRegionalGPOrg {
			continue
		}
		if region != "" && strings.EqualFold(o.CareOfficeRegion, region) {
			return o.ID
		}
		if any == 0 {
			any = o.ID
		}
	}
	return any
}

// ScanCoverageGaps puts a notice about every uncovered gap that starts within the next 72 hours
// (or began in the last day and still lasts) in the inbox of the organisation whose roster should
// cover it and of its region's RHO, once, and returns how many gaps it newly reported. The
// server's housekeeping calls it hourly.
func (s *Service) ScanCoverageGaps(ctx context.Context) (int, error) {
	now := s.now()
	start := now.Add(-24 * time.Hour)
	n := 0
	err := s.store.Atomic(ctx, func(tx mgz.Tx) error {
		rep, err := s.coverage(ctx, tx, CoverageFilter{From: start, To: now.Add(CoverageScanWindow)}, nil)
		if err != nil {
			return err
		}
		orgs := rep.orgs
		byID := map[int64]mgz.Organisation{}
		for _, o := range orgs {
			byID[o.ID] = o
		}
		for _, g := range rep.Gaps {
			// A gap clipped at the window's start began more than a day ago and was reported then.
			if g.Kind != mgz.GapUncovered || !g.From.After(start) || !g.To.After(now) {
				continue
			}
			key := coverageGapKey(g)
			subject := "Gat in de bereikbaarheid bij " + rep.Organisations[g.OrganisationID]
			if g.LocationID != nil {
				subject += ", locatie " + rep.Locations[*g.LocationID]
			}
			subject += ". " + g.String() + "."
			link := gapLink(g)
			isNew := false
			to := []int64{g.OrganisationID}
			if rho := regionalOrg(orgs, byID[g.OrganisationID].CareOfficeRegion); rho != 0 && rho != g.OrganisationID {
				to = append(to, rho)
			}
			for i, org := range to {
				k := key
				if i > 0 {
					k = fmt.Sprintf("%s:%d", key, org)
				}
				created, err := tx.Notices().Add(ctx, &mgz.Notice{OrganisationID: org, Kind: mgz.NoticeCoverageGap,
					Subject: subject, Link: link, ObjectType: rosterObject, DedupeKey: k})
				if err != nil {
					return err
				}
				isNew = isNew || created
			}
			if isNew {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		e := entry(System(), mgz.AuditCreate, "coverage_gap_notice", 0, 0)
		e.Reason = fmt.Sprintf("%d gat(en) in de bereikbaarheid gemeld", n)
		return tx.Audit().Append(ctx, e)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Coverage lists one page of the locations, by name, with their fixed GP practice and how many
// Wlz residents are registered with it, for the RHO and the zorgkantoor; with the number of
// locations.
func (s *Service) Coverage(ctx context.Context, a mgz.Actor, f mgz.CoverageFilter) ([]mgz.LocationCoverage, int, error) {
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.Coverage}, mgz.AuditRead, 0); err != nil {
		return nil, 0, err
	}
	if err := s.settleDueSwitches(ctx); err != nil { // who is registered where, as of now
		return nil, 0, err
	}
	return s.store.Patients().Coverage(ctx, f)
}
