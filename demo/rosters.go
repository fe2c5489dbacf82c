package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// GapLocation is the demo location whose voorwacht roster has the one deliberate hole of the
// demo's rosters (see LoadRosters).
const GapLocation = "Woonzorg De Boomgaard"

// rosterWeeksBefore is how many weeks before the demo's today the rosters' shifts begin.
const rosterWeeksBefore = 4

// The three 8-hour shifts of every demo roster, daily: day, evening and night (wall-clock in
// Europe/Amsterdam; the night ends the next morning).
var demoShifts = []struct {
	key         string
	start, hrs  int
	personIndex int
}{
	{"dag", 7, 8, 0},
	{"avond", 15, 8, 1},
	{"nacht", 23, 8, 2},
}

// Fictional staff, picked in turn so that the rosters do not all show the same names.
var staffNames = []string{
	"Anouk de Boer", "Sanne Kuipers", "Ruud Hendriks", "Marieke van Dijk", "Jeroen Bosman", "Fatima El Amrani",
	"Lotte Verhoeven", "Bram Jacobs", "Ingrid Postma", "Koen van Leeuwen", "Esther Brouwer", "Mehmet Yilmaz",
	"Femke Dekker", "Thijs de Graaf", "Wendy Hoekstra", "Pieter Smulders", "Naima Bouzid", "Gert-Jan Vos",
	"Karin Meijer", "Daan Willems", "Sophie van den Berg", "Hans Kramer", "Yvonne Peters", "Joost Mulder",
}

// NextWeekend is the Saturday of the coming weekend seen from today (a date in the region's
// time zone): the next Saturday, and a week later when today is a Saturday itself.
func NextWeekend(today time.Time) time.Time {
	days := (int(time.Saturday) - int(today.Weekday()) + 7) % 7
	if days == 0 {
		days = 7
	}
	return time.Date(today.Year(), today.Month(), today.Day()+days, 0, 0, 0, 0, today.Location())
}

// GapStart is the start of the deliberate gap: 23:00 on NextWeekend(today), in Europe/Amsterdam.
// The gap runs to 07:00 on the Sunday.
func GapStart(today time.Time) time.Time {
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		ams = today.Location()
	}
	sat := NextWeekend(today.In(ams))
	return time.Date(sat.Year(), sat.Month(), sat.Day(), 23, 0, 0, 0, ams)
}

// rosterLoader creates the demo's rosters through the service, so each has its audit entries.
type rosterLoader struct {
	ctx     context.Context
	svc     *service.Service
	sys     mgz.Actor
	first   time.Time // the first day of every shift, in Europe/Amsterdam
	gap     time.Time // start of the night shift left out
	n       int       // serial for phones and staff names
	rosters int
}

func slug(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// add creates a roster of role for owner (an organisation, or a location when loc) named name,
// with its day, evening and night shift recurring daily, staffed with function; withGap leaves
// out the night shift of the coming weekend.
func (l *rosterLoader) add(owner int64, loc bool, role mgz.RosterRole, name, function string, withGap bool) error {
	l.n++
	r := &mgz.Roster{Role: role, Name: name, Phone: fmt.Sprintf("0120%06d", 300000+l.n)}
	if loc {
		r.LocationID = &owner
	} else {
		r.OrganisationID = &owner
	}
	if err := l.svc.CreateRoster(l.ctx, l.sys, r); err != nil {
		return fmt.Errorf("demorooster %s: %w", name, err)
	}
	ams := l.first.Location()
	var shifts []mgz.Shift
	for _, d := range demoShifts {
		start := time.Date(l.first.Year(), l.first.Month(), l.first.Day(), d.start, 0, 0, 0, ams)
		sh := mgz.Shift{
			UID:      fmt.Sprintf("demo-%s-%s-%s@mgz.demo", slug(name), role, d.key),
			Person:   staffNames[(3*l.n+d.personIndex)%len(staffNames)],
			Function: function,
			Start:    start,
			End:      time.Date(start.Year(), start.Month(), start.Day(), d.start+d.hrs, 0, 0, 0, ams),
			TimeZone: mgz.DefaultTimeZone,
			RRule:    "FREQ=DAILY",
			Source:   mgz.SourceDemoData,
		}
		if withGap && d.key == "nacht" {
			sh.ExDates = []time.Time{l.gap}
		}
		shifts = append(shifts, sh)
	}
	if _, err := l.svc.ImportShifts(l.ctx, l.sys, r.ID, mgz.SourceDemoData, shifts); err != nil {
		return fmt.Errorf("diensten van demorooster %s: %w", name, err)
	}
	l.rosters++
	return nil
}

// LoadRosters gives the demo region its on-call rosters (issue 13), each with a day (07:00–15:00),
// evening (15:00–23:00) and night shift (23:00–07:00) repeating daily from four weeks before the
// demo's today:
//   - every location a voorwacht roster (first_line) of its own;
//   - every care provider a behaviour specialist roster for all its locations;
//   - each SO/AVG service a physician_on_call roster;
//   - the GP post an SO and an AVG roster for consultation (L-Conv 5).
//
// One gap is deliberate: the voorwacht of GapLocation has no night shift from the coming Saturday
// 23:00 to Sunday 07:00 (an EXDATE, computed from the demo's today: the next Saturday, a week
// later when today is a Saturday). The coverage check shows it as the only uncovered gap; the
// only duty without any roster is the SO/AVG of "Wooninitiatief Samen Thuis", which has no
// contracted service on purpose. It returns the number of rosters.
func LoadRosters(ctx context.Context, svc *service.Service) (int, error) {
	ams, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		return 0, err
	}
	today := svc.Today().In(ams)
	first := time.Date(today.Year(), today.Month(), today.Day()-7*rosterWeeksBefore, 0, 0, 0, 0, ams)
	l := &rosterLoader{ctx: ctx, svc: svc, sys: service.System(), first: first, gap: GapStart(today)}
	reg := svc.Register(l.sys)
	orgs := func(kind mgz.OrgKind) ([]mgz.Organisation, error) {
		os, _, err := reg.Organisations(ctx, mgz.OrganisationFilter{Kind: kind, Page: mgz.Page{Limit: mgz.MaxLimit}})
		return os, err
	}
	services, err := orgs(mgz.KindPhysicianService)
	if err != nil {
		return 0, err
	}
	for _, o := range services {
		function := "SO"
		if strings.Contains(o.Name, "AVG") {
			function = "AVG"
		}
		if err := l.add(o.ID, false, mgz.RosterPhysicianOnCall, "Dienstrooster "+o.Name, function, false); err != nil {
			return l.rosters, err
		}
	}
	posts, err := orgs(mgz.KindGPPost)
	if err != nil {
		return 0, err
	}
	for _, o := range posts {
		if err := l.add(o.ID, false, mgz.RosterGPPostElderly, "SO achterwacht "+o.Name, "SO", false); err != nil {
			return l.rosters, err
		}
		if err := l.add(o.ID, false, mgz.RosterGPPostDisability, "AVG consultatie "+o.Name, "AVG", false); err != nil {
			return l.rosters, err
		}
	}
	provs, err := orgs(mgz.KindCareProvider)
	if err != nil {
		return 0, err
	}
	for _, o := range provs {
		if err := l.add(o.ID, false, mgz.RosterBehaviourSpecialist, "Gedragskundigen "+o.Name, "gedragskundige", false); err != nil {
			return l.rosters, err
		}
	}
	locs, _, err := reg.Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return 0, err
	}
	for _, loc := range locs {
		if err := l.add(loc.ID, true, mgz.RosterFirstLine, "Voorwacht "+loc.Name, "verpleegkundige", loc.Name == GapLocation); err != nil {
			return l.rosters, err
		}
	}
	return l.rosters, nil
}
