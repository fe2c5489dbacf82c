package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/roster"
	"github.com/regio-mgz/mgz/rules"
)

// RosterReader returns the rosters f selects with their shifts (mgz.RosterStore.WithShifts).
type RosterReader func(ctx context.Context, f mgz.RosterFilter) ([]mgz.Roster, error)

// FreeDays returns the region's free days (calendar.Settings.FreeDays), for the holiday rules of
// shifts.
type FreeDays func(ctx context.Context) (calendar.HolidaySet, error)

// Option configures a Directory.
type Option func(*Directory)

// WithRosters lets the Directory name who is on call (issue 13): for the voorwacht, the behaviour
// specialist and the SO/AVG it looks up the roster of the party and names the person on call at the
// moment of the question, or warns of the gap and gives the covenant's fallback. free may be nil:
// then no day counts as free.
func WithRosters(read RosterReader, free FreeDays) Option {
	return func(d *Directory) { d.rosters, d.free = read, free }
}

// gapWindow is how far around the moment of the question a gap is traced to its start and end.
const gapWindow = 8 * 24 * time.Hour

var amsterdam = func() *time.Location {
	l, err := time.LoadLocation(mgz.DefaultTimeZone)
	if err != nil {
		return time.UTC
	}
	return l
}()

// loadRosters reads the rosters of the parties whose on-call person a route can name.
func (d *Directory) loadRosters(ctx context.Context, p *parties) error {
	var f mgz.RosterFilter
	if p.loc != nil {
		f.LocationIDs = []int64{p.loc.ID}
	}
	for _, o := range []*mgz.Organisation{p.provider, p.physician, p.gpPost} {
		if o != nil {
			f.OrganisationIDs = append(f.OrganisationIDs, o.ID)
		}
	}
	if len(f.LocationIDs)+len(f.OrganisationIDs) == 0 {
		return nil
	}
	rs, err := d.readRosters(ctx, f)
	if err != nil {
		return err
	}
	p.rosters = rs
	if len(rs) == 0 {
		return nil
	}
	// Whom to tell of a gap, after the care provider (L-Rol 1, L-Conv 5).
	if p.careOffice, err = d.regional(ctx, mgz.KindCareOffice, p.region); err != nil {
		return err
	}
	if d.free != nil {
		if p.free, err = d.freeDays(ctx); err != nil {
			return err
		}
	}
	return nil
}

// rostersOf returns the loaded rosters of role owned by the location (locID, 0 for none) or by
// the organisation.
func (p *parties) rostersOf(role mgz.RosterRole, locID, orgID int64) []mgz.Roster {
	var out []mgz.Roster
	for _, r := range p.rosters {
		if r.Role != role {
			continue
		}
		if (locID != 0 && r.LocationID != nil && *r.LocationID == locID) || (r.OrganisationID != nil && *r.OrganisationID == orgID) {
			out = append(out, r)
		}
	}
	return out
}

// onCallNow returns who of rs is on call at p.at, with the number to call: the shift's own, else
// its roster's.
func (p *parties) onCallNow(rs []mgz.Roster) (*rules.OnCall, bool) {
	occ, err := roster.OnCall(rs, p.at, p.free)
	if err != nil || len(occ) == 0 {
		return nil, false
	}
	o := occ[0]
	phone := o.Shift.Phone
	if phone == "" {
		for _, r := range rs {
			if r.ID == o.Shift.RosterID {
				phone = r.Phone
			}
		}
	}
	return &rules.OnCall{Name: o.Shift.Person, Function: o.Shift.Function, Phone: mgz.FormatPhone(phone), Until: o.To}, true
}

// gapAround returns the uncovered interval of rs around p.at, traced within gapWindow either side.
func (p *parties) gapAround(rs []mgz.Roster) roster.Interval {
	from, to := p.at.Add(-gapWindow), p.at.Add(gapWindow)
	gap := roster.Interval{From: p.at, To: p.at}
	occ, err := roster.Expand(rs, from, to, p.free)
	if err != nil {
		return gap
	}
	for _, iv := range roster.Uncovered(occ, from, to) {
		if !iv.From.After(p.at) && iv.To.After(p.at) {
			return iv
		}
	}
	return gap
}

func clock(t time.Time) string { return t.In(amsterdam).Format("02-01-2006 15:04") }

// describeGap writes the gap's interval in Dutch, saying where it runs beyond the traced window.
func describeGap(iv roster.Interval, at time.Time) string {
	from, to := clock(iv.From), clock(iv.To)
	if !iv.From.After(at.Add(-gapWindow)) {
		from = "ten minste " + from
	}
	if !iv.To.Before(at.Add(gapWindow)) {
		to = "ten minste " + to
	}
	return "van " + from + " tot " + to
}

func onCallNote(oc *rules.OnCall) string {
	who := oc.Name
	if oc.Function != "" {
		who += " (" + oc.Function + ")"
	}
	return fmt.Sprintf("Van dienst volgens het rooster: %s, tot %s.", who, clock(oc.Until))
}

// rosterContact returns the contact of a step from the rosters, when the party of the step has a
// roster of the role: the person on call now, or in a gap the covenant's fallback (for the SO/AVG:
// the GP post's SO/AVG on call, L-Conv 5) or a contact not reachable now. gap reports a contact not
// reachable now because of a gap, with the end of the gap. ok is false when no roster applies: then the contact points say.
func (p *parties) rosterContact(role rules.Role) (c *rules.Contact, gapEnd time.Time, ok bool) {
	var none time.Time
	if len(p.rosters) == 0 {
		return nil, none, false
	}
	var rrole mgz.RosterRole
	var rs []mgz.Roster
	var owner, location string
	switch role {
	case rules.RoleFirstLine, rules.RoleBehaviourSpecialist:
		if p.loc == nil {
			return nil, none, false
		}
		rrole = rosterRoleOf(role)
		rs = p.rostersOf(rrole, p.loc.ID, p.provider.ID)
		owner, location = p.provider.Name, p.loc.Name
	case rules.RoleElderlyCarePhysician, rules.RoleIDPhysician, rules.RoleInstitutionPhysician:
		if p.physician == nil {
			return nil, none, false
		}
		rrole = mgz.RosterPhysicianOnCall
		rs = p.rostersOf(rrole, 0, p.physician.ID)
		owner = p.physician.Name
	default:
		return nil, none, false
	}
	if len(rs) == 0 {
		return nil, none, false
	}
	if oc, found := p.onCallNow(rs); found {
		return &rules.Contact{Organisation: owner, Location: location, Phone: oc.Phone, Note: onCallNote(oc), OnCall: oc}, none, true
	}
	iv := p.gapAround(rs)
	msg := fmt.Sprintf("%s van %s: volgens het rooster is niemand van dienst %s (%s).",
		rrole.Label(), owner, describeGap(iv, p.at), joinSources(rrole.Sources()))
	if rrole == mgz.RosterPhysicianOnCall {
		if c := p.gpPostFallback(); c != nil {
			p.gapWarning(rrole, owner, msg+fmt.Sprintf(" Terugval: de %s van dienst bij %s, %s, %s (L-Conv 5).",
				gpPostWhat(p.gpPostRole()), p.gpPost.Name, c.OnCall.Name, c.Phone))
			return c, none, true
		}
	}
	p.gapWarning(rrole, owner, msg+" Er is geen terugval met iemand van dienst: "+p.whomToTell()+".")
	return &rules.Contact{Organisation: owner, Location: location, NotReachableNow: true}, iv.To, true
}

// rosterRoleOf is the roster role that staffs a step's role.
func rosterRoleOf(role rules.Role) mgz.RosterRole {
	switch role {
	case rules.RoleFirstLine:
		return mgz.RosterFirstLine
	case rules.RoleBehaviourSpecialist:
		return mgz.RosterBehaviourSpecialist
	}
	return mgz.RosterPhysicianOnCall
}

// gpPostRole is the GP post's SO/AVG roster role for the client's sector, else the location's.
func (p *parties) gpPostRole() mgz.RosterRole {
	switch {
	case p.client != nil:
		return mgz.GPPostRosterRole(p.client.Sector)
	case p.loc != nil:
		return mgz.GPPostRosterRole(p.loc.Sector)
	}
	return mgz.RosterGPPostElderly
}

// gpPostFallback returns the GP post's SO/AVG on call now (L-Conv 5), or nil.
func (p *parties) gpPostFallback() *rules.Contact {
	if p.gpPost == nil {
		return nil
	}
	role := p.gpPostRole()
	oc, found := p.onCallNow(p.rostersOf(role, 0, p.gpPost.ID))
	if !found {
		return nil
	}
	what := gpPostWhat(role)
	return &rules.Contact{Organisation: p.gpPost.Name, Phone: oc.Phone, OnCall: oc,
		Note: fmt.Sprintf("Terugval: %s via de huisartsenpost (L-Conv 5), want de eigen SO/AVG-dienst heeft nu niemand van dienst. %s", what, onCallNote(oc))}
}

func gpPostWhat(role mgz.RosterRole) string {
	if role == mgz.RosterGPPostDisability {
		return "AVG"
	}
	return "SO"
}

// whomToTell says whom to tell of a gap: first the care provider, then the zorgkantoor (L-Rol 1,
// L-Conv 5).
func (p *parties) whomToTell() string {
	prov := "de zorgaanbieder"
	if p.provider != nil {
		prov = "de zorgaanbieder " + p.provider.Name
	}
	office := "het zorgkantoor"
	if p.careOffice != nil {
		office = "het zorgkantoor, " + p.careOffice.Name
	}
	return "meld dit eerst bij " + prov + " en daarna bij " + office + " (L-Rol 1, L-Conv 5)"
}

// gapWarning adds one on_call_gap warning per roster role and owner.
func (p *parties) gapWarning(role mgz.RosterRole, owner, msg string) {
	k := string(role) + "\x00" + owner
	if p.warnedGap[k] {
		return
	}
	if p.warnedGap == nil {
		p.warnedGap = map[string]bool{}
	}
	p.warnedGap[k] = true
	p.warnings = append(p.warnings, rules.Warning{Code: rules.WarnOnCallGap, Message: msg})
}

func joinSources(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
