// Package directory is the region's phone book for the rules engine: for a decision about a
// registered location it names, per step, the organisation, location and phone number from the
// register, and warns in Dutch when a party the route needs is missing (domain.md §4.3, last
// paragraph). The rules stay pure; this adapter does the lookups.
package directory

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

// Directory looks up contacts in a register.
type Directory struct {
	reg     mgz.RegisterService
	rosters RosterReader // nil: contacts come from contact points only
	free    FreeDays
	cache   *readCache // nil: every answer reads the store (WithCache)
}

// New returns a Directory over reg. Without WithRosters it names contact points only.
func New(reg mgz.RegisterService, opts ...Option) *Directory {
	d := &Directory{reg: reg}
	for _, o := range opts {
		o(d)
	}
	return d
}

// parties is everything of the register a route about one location (or one client) can need.
type parties struct {
	loc        *mgz.Location // nil for a client at home
	provider   *mgz.Organisation
	client     *mgz.Patient // nil without patient_id
	practice   *mgz.Organisation
	fixedGP    *mgz.Organisation
	physician  *mgz.Organisation
	gpPost     *mgz.Organisation
	ggd        *mgz.Organisation
	contacts   map[int64][]mgz.ContactPoint // by organisation id; location contacts under key -1
	office     bool
	warnings   []rules.Warning
	warnedRole map[rules.Role]bool
	region     string       // the zorgkantoor region
	at         time.Time    // the moment of the question
	rosters    []mgz.Roster // of the location, its provider, the SO/AVG service and the GP post
	free       calendar.HolidaySet
	warnedGap  map[string]bool
	careOffice *mgz.Organisation // read only when a roster applies
}

const locationKey = -1

// Enrich implements rules.Enricher for a request with a location_id and no client: it fills each
// step's Contact for the request's location, adds warnings for missing parties and rewrites the
// summary to name whom to call first.
func (d *Directory) Enrich(ctx context.Context, req rules.Request, resp *rules.Response) {
	d.enrich(ctx, req, resp, nil)
}

func (d *Directory) enrich(ctx context.Context, req rules.Request, resp *rules.Response, client *mgz.Patient) {
	var locID int64
	if req.LocationID != "" {
		id, err := strconv.ParseInt(strings.TrimSpace(req.LocationID), 10, 64)
		if err != nil || id <= 0 {
			resp.Warnings = append(resp.Warnings, rules.Warning{Code: rules.WarnLocationUnknown,
				Message: fmt.Sprintf("Locatie %q staat niet in het register: de stappen noemen daarom geen organisaties en telefoonnummers.", req.LocationID)})
			return
		}
		locID = id
	}
	at := time.Now()
	if req.Question != nil && !req.Question.At.IsZero() {
		at = req.Question.At
	}
	p, err := d.load(ctx, locID, client, resp.Route, at)
	if err != nil {
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			resp.Warnings = append(resp.Warnings, rules.Warning{Code: rules.WarnLocationUnknown,
				Message: fmt.Sprintf("Locatie %d staat niet in het register: de stappen noemen daarom geen organisaties en telefoonnummers.", locID)})
		} else {
			resp.Warnings = append(resp.Warnings, rules.Warning{Code: rules.WarnRegisterUnavailable,
				Message: "Het register kon niet worden geraadpleegd: de stappen noemen daarom geen telefoonnummers. Probeer het opnieuw."})
		}
		return
	}
	cloned := client != nil && applyLead(client, resp)
	if resp.Route == nil {
		resp.Warnings = append(resp.Warnings, p.warnings...)
		return
	}
	route := resp.Route
	if !cloned {
		route = resp.Route.Clone()
	}
	gaps := make([]time.Time, len(route.Steps)) // the end of a step's on-call gap, zero for none
	for i := range route.Steps {
		c, gap, ok := p.rosterContact(route.Steps[i].Role)
		if !ok {
			c = p.contactFor(route.Steps[i].Role)
		}
		route.Steps[i].Contact, gaps[i] = c, gap
	}
	reachable := make([]rules.Step, 0, len(route.Steps))
	for i, st := range route.Steps {
		c := st.Contact
		if c == nil || !c.NotReachableNow {
			reachable = append(reachable, st)
			continue
		}
		if !gaps[i].IsZero() {
			next := "bel bij spoed 112"
			if gaps[i].After(p.at) && gaps[i].Before(p.at.Add(gapWindow)) {
				next += ", anders weer vanaf " + clock(gaps[i])
			}
			if i+1 < len(route.Steps) {
				next = fmt.Sprintf("ga door naar stap %d", route.Steps[i+1].Order)
			}
			c.Note = "Nu niemand van dienst volgens het rooster: " + next + "."
			p.warnings = append(p.warnings, rules.Warning{Code: rules.WarnNotReachableNow, Message: fmt.Sprintf(
				"%s van %s is op dit moment niet bereikbaar: volgens het rooster is niemand van dienst. %s Laat het gat in het rooster dichten: %s.",
				rosterRoleOf(st.Role).Label(), c.Organisation, c.Note, p.whomToTell())})
			continue
		}
		if i+1 < len(route.Steps) {
			c.Note = fmt.Sprintf("Nu niet bereikbaar (geen nummer voor dit moment in het register): ga door naar stap %d.", route.Steps[i+1].Order)
		} else {
			c.Note = "Nu niet bereikbaar (geen nummer voor dit moment in het register): bel bij spoed 112, anders op de eerstvolgende werkdag."
		}
		p.warnings = append(p.warnings, rules.Warning{Code: rules.WarnNotReachableNow, Message: fmt.Sprintf(
			"%s is op dit moment niet bereikbaar volgens het register (alleen een nummer voor kantooruren). %s Vraag %s een nummer voor avond, nacht en weekend vast te leggen.",
			c.Organisation, c.Note, c.Organisation)})
	}
	if len(reachable) == 0 {
		reachable = route.Steps
	}
	// The summary names whom to call first among those reachable now.
	route.Summary = rules.Summarize(reachable)
	resp.Route = route
	resp.Warnings = append(resp.Warnings, p.warnings...)
}

func (d *Directory) load(ctx context.Context, locID int64, client *mgz.Patient, route *rules.Route, at time.Time) (*parties, error) {
	p := &parties{contacts: map[int64][]mgz.ContactPoint{}, warnedRole: map[rules.Role]bool{}, client: client, at: at}
	p.office = route != nil && route.Period == calendar.OfficeHours
	region := ""
	if locID != 0 {
		loc, err := d.location(ctx, locID)
		if err != nil {
			return nil, err
		}
		prov, err := d.organisation(ctx, loc.ProviderID)
		if err != nil {
			return nil, err
		}
		p.loc, p.provider, region = &loc, &prov, prov.CareOfficeRegion
	}
	if route == nil {
		return p, nil
	}
	var err error
	if p.loc != nil {
		if p.fixedGP, err = d.optionalOrg(ctx, p.loc.FixedGPPracticeID); err != nil {
			return nil, err
		}
	}
	if client != nil {
		if p.practice, err = d.optionalOrg(ctx, client.GPPracticeID); err != nil {
			return nil, err
		}
		if region == "" && p.practice != nil {
			region = p.practice.CareOfficeRegion
		}
	}
	if p.physician, err = d.physicianService(ctx, p); err != nil {
		return nil, err
	}
	if p.gpPost, err = d.regional(ctx, mgz.KindGPPost, region); err != nil {
		return nil, err
	}
	if p.ggd, err = d.regional(ctx, mgz.KindPublicHealthService, region); err != nil {
		return nil, err
	}
	p.region = region
	if d.rosters != nil {
		if err := d.loadRosters(ctx, p); err != nil {
			return nil, err
		}
	}
	if p.loc != nil {
		cps, err := d.contactPoints(ctx, p.loc.ID, 0)
		if err != nil {
			return nil, err
		}
		p.contacts[locationKey] = cps
	}
	for _, o := range []*mgz.Organisation{p.provider, p.practice, p.fixedGP, p.physician, p.gpPost, p.ggd} {
		if o == nil {
			continue
		}
		if _, done := p.contacts[o.ID]; done {
			continue
		}
		if p.contacts[o.ID], err = d.contactPoints(ctx, 0, o.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sectorLead is the kind of lead physician of each sector's physician (SO, AVG).
var sectorLead = map[mgz.Sector]mgz.LeadPhysician{
	mgz.SectorElderly:    mgz.LeadElderlyCarePhysician,
	mgz.SectorDisability: mgz.LeadIDPhysician,
}

var sectorDutch = map[mgz.Sector]string{mgz.SectorElderly: "ouderenzorg", mgz.SectorDisability: "gehandicaptenzorg"}

// physicianService returns the SO/AVG service for the route: the location's, unless the client is
// of the other sector than the location. Then it is a service of the client's sector: the client's
// own lead physician's organisation, else the service of another location of the same provider for
// that sector, else of any location for that sector; with none registered it warns
// (physician_sector_mismatch) and returns nil, so the step never names a service of the wrong sector.
func (d *Directory) physicianService(ctx context.Context, p *parties) (*mgz.Organisation, error) {
	c := p.client
	if c == nil || (p.loc != nil && p.loc.Sector == c.Sector) {
		if p.loc == nil {
			return nil, nil
		}
		return d.optionalOrg(ctx, p.loc.PhysicianServiceID)
	}
	if c.LeadPhysician == sectorLead[c.Sector] && c.LeadPhysicianOrgID != nil {
		return d.optionalOrg(ctx, c.LeadPhysicianOrgID)
	}
	if p.loc == nil {
		return nil, nil // at home: no location's service to fall back on; contactFor warns
	}
	for _, provider := range []int64{p.loc.ProviderID, 0} {
		ls, err := d.locations(ctx, provider, c.Sector)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if l.PhysicianServiceID != nil {
				return d.optionalOrg(ctx, l.PhysicianServiceID)
			}
		}
	}
	msg := fmt.Sprintf("%s is een locatie voor de %s, maar de cliënt valt onder de %s. Er staat geen SO/AVG-dienst voor de %s in het register, dus de stap noemt geen dienst.",
		p.loc.Name, sectorDutch[p.loc.Sector], sectorDutch[c.Sector], sectorDutch[c.Sector])
	if p.loc.PhysicianServiceID != nil {
		if o, err := d.optionalOrg(ctx, p.loc.PhysicianServiceID); err == nil && o != nil {
			msg += fmt.Sprintf(" Overleg zo nodig met %s van de locatie", o.Name)
			if o.Phone != "" {
				msg += " (" + mgz.FormatPhone(o.Phone) + ")"
			}
			msg += "."
		}
	}
	msg += " Vraag de zorgaanbieder een SO/AVG-dienst voor deze cliënt vast te leggen (L-Rol 2, L-Rol 3)."
	p.warnings = append(p.warnings, rules.Warning{Code: rules.WarnPhysicianSectorMismatch, Message: msg})
	for _, r := range []rules.Role{rules.RoleElderlyCarePhysician, rules.RoleIDPhysician, rules.RoleInstitutionPhysician} {
		p.warnedRole[r] = true
	}
	return nil, nil
}

func (d *Directory) optionalOrg(ctx context.Context, id *int64) (*mgz.Organisation, error) {
	if id == nil {
		return nil, nil
	}
	o, err := d.organisation(ctx, *id)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// regional returns the organisation of kind in the zorgkantoor region, or any of that kind when
// the region has none registered under its name.
func (d *Directory) regional(ctx context.Context, kind mgz.OrgKind, region string) (*mgz.Organisation, error) {
	for _, r := range []string{region, ""} {
		os, err := d.firstOrganisation(ctx, kind, r)
		if err != nil {
			return nil, err
		}
		if len(os) > 0 {
			return &os[0], nil
		}
	}
	return nil, nil
}

// covers reports whether a contact point is reachable in the route's period.
func (p *parties) covers(c mgz.ContactPoint) bool {
	switch c.Hours {
	case mgz.Hours24x7:
		return true
	case mgz.HoursOffice:
		return p.office
	}
	return !p.office
}

// find returns the first contact point of role, reachable now, among the given owners' contacts.
func (p *parties) find(role mgz.ContactRole, owners ...int64) (mgz.ContactPoint, bool) {
	for _, o := range owners {
		for _, c := range p.contacts[o] {
			if c.Role == role && p.covers(c) {
				return c, true
			}
		}
	}
	return mgz.ContactPoint{}, false
}

// has reports whether the owners have a contact point of role at all, reachable now or not.
func (p *parties) has(role mgz.ContactRole, owners ...int64) bool {
	for _, o := range owners {
		for _, c := range p.contacts[o] {
			if c.Role == role {
				return true
			}
		}
	}
	return false
}

// atLocationNow returns the location's contact of role reachable now; when the register has one
// only for other hours, a contact marked not reachable now (the route then says so, with a
// not_reachable_now warning, and names the next step); nil when the register has none at all.
func (p *parties) atLocationNow(role mgz.ContactRole, loc, prov string) *rules.Contact {
	if p.loc == nil {
		return nil
	}
	if c, ok := p.find(role, locationKey, p.provider.ID); ok {
		return &rules.Contact{Organisation: prov, Location: loc, Phone: mgz.FormatPhone(c.Phone)}
	}
	if p.has(role, locationKey, p.provider.ID) {
		return &rules.Contact{Organisation: prov, Location: loc, NotReachableNow: true}
	}
	return nil
}

func (p *parties) warn(role rules.Role, format string, args ...any) {
	if p.warnedRole[role] {
		return
	}
	p.warnedRole[role] = true
	p.warnings = append(p.warnings, rules.Warning{Code: rules.WarnPartyMissing, Message: fmt.Sprintf(format, args...)})
}

// orgContact names an organisation with the number of its contact point of role reachable now.
// Without one, in office hours it gives the organisation's main number; out of hours the main
// number (an office number) is never offered: another number of the organisation that is
// reachable now is, and otherwise the contact says "nu niet bereikbaar" with a not_reachable_now
// warning.
func (p *parties) orgContact(o *mgz.Organisation, role mgz.ContactRole) *rules.Contact {
	if c, ok := p.find(role, o.ID); ok {
		return &rules.Contact{Organisation: o.Name, Phone: mgz.FormatPhone(c.Phone)}
	}
	if p.office {
		return &rules.Contact{Organisation: o.Name, Phone: mgz.FormatPhone(o.Phone)}
	}
	for _, c := range p.contacts[o.ID] {
		if p.covers(c) && c.Hours != mgz.HoursOffice {
			note := "Geen " + strings.ToLower(role.Label()) + " buiten kantooruren in het register; dit nummer is nu wel bereikbaar"
			if c.Name != "" {
				note += " (" + c.Name + ")"
			}
			return &rules.Contact{Organisation: o.Name, Phone: mgz.FormatPhone(c.Phone), Note: note + "."}
		}
	}
	return &rules.Contact{Organisation: o.Name, NotReachableNow: true}
}

// contactFor returns the contact for a step's role, or nil with a warning when the register lacks it.
func (p *parties) contactFor(role rules.Role) *rules.Contact {
	loc, prov := "de locatie", "de zorgaanbieder"
	if p.loc != nil {
		loc, prov = p.loc.Name, p.provider.Name
	}
	atLocation := func(phone string) *rules.Contact {
		return &rules.Contact{Organisation: prov, Location: loc, Phone: mgz.FormatPhone(phone)}
	}
	switch role {
	case rules.RoleEmergencyServices:
		return &rules.Contact{Organisation: "Alarmnummer", Phone: "112"}
	case rules.RoleFirstLine:
		if c := p.atLocationNow(mgz.RoleFirstLine, loc, prov); c != nil {
			return c
		}
		p.warn(role, "Er staat geen voorwacht in het register die nu bereikbaar is, niet bij %s en niet bij %s. Vraag de zorgaanbieder de voorwacht (dag en nacht) vast te leggen (T 2.3.2.3).", loc, prov)
	case rules.RoleBehaviourSpecialist:
		if c := p.atLocationNow(mgz.RoleBehaviourSpecialist, loc, prov); c != nil {
			return c
		}
		p.warn(role, "Er staat geen gedragskundige in het register die nu bereikbaar is voor %s. De zorgaanbieder moet die overdag en in de ANW-uren bereikbaar hebben (T 2.3.2.2).", loc)
	case rules.RoleGP:
		// The client's own practice, where the client is registered by name (L-Conv 1); the
		// location's fixed GP only when the request names no client.
		if p.practice != nil {
			return p.orgContact(p.practice, mgz.RoleReception)
		}
		if p.client != nil {
			p.warn(role, "Bij deze cliënt staat geen huisartsenpraktijk in het register: bel de huisarts bij wie de cliënt op naam staat ingeschreven en leg de praktijk vast in het cliëntdossier (L-Conv 1).")
			return nil
		}
		if p.fixedGP != nil {
			return p.orgContact(p.fixedGP, mgz.RoleReception)
		}
		p.warn(role, "%s heeft geen vaste huisarts in het register: bel de huisarts bij wie de cliënt op naam staat ingeschreven (L-Conv 1).", loc)
	case rules.RoleGPPost:
		if p.gpPost != nil {
			return p.orgContact(p.gpPost, mgz.RoleGPPost)
		}
		p.warn(role, "Er staat geen huisartsenpost in het register voor deze regio. Vraag de RHO de huisartsenpost vast te leggen.")
	case rules.RoleElderlyCarePhysician, rules.RoleIDPhysician, rules.RoleInstitutionPhysician:
		if p.physician != nil {
			return p.orgContact(p.physician, mgz.RolePhysicianOnCall)
		}
		if role == rules.RoleInstitutionPhysician && p.fixedGP != nil {
			// The institution may subcontract a GP practice for office hours instead (T; L-Wlz 5).
			return p.orgContact(p.fixedGP, mgz.RoleReception)
		}
		if p.loc == nil {
			p.warn(role, "Bij deze cliënt staat geen SO/AVG als regiebehandelaar in het register. Vraag de huisarts of de zorgaanbieder welke SO/AVG-dienst 24/7 bereikbaar is voor overleg (L-Rol 2).")
			return nil
		}
		p.warn(role, "%s heeft geen SO/AVG-dienst in het register. Een locatie hoort een contract te hebben met een SO of AVG die 24/7 bereikbaar is voor overleg (L-Rol 2, L-Rol 3).", loc)
	case rules.RoleCareProviderOutOfHours:
		// The care provider's own arrangement, recorded for the location or for the provider
		// (T; L-Conv 4); never guessed from another party's number.
		if p.loc != nil {
			if c, ok := p.find(mgz.RoleGPOutOfHours, locationKey, p.provider.ID); ok {
				ct := atLocation(c.Phone)
				ct.Note = "Regeling van de zorgaanbieder: " + c.Arrangement.Label()
				if c.Name != "" {
					ct.Note += " — " + c.Name
				}
				ct.Note += "."
				return ct
			}
			if p.has(mgz.RoleGPOutOfHours, locationKey, p.provider.ID) {
				return &rules.Contact{Organisation: prov, Location: loc, NotReachableNow: true}
			}
		}
		p.warn(role, "De ANW-regeling van %s voor huisartsenzorg staat niet in het register (dienstdoende arts). De zorgaanbieder regelt die zelf: via de huisartsenpost op afspraak, een commerciële partij of intern (T; L-Conv 4).", prov)
	case rules.RolePublicHealthService:
		if p.ggd != nil {
			return p.orgContact(p.ggd, mgz.RoleInfectionControl)
		}
		p.warn(role, "Er staat geen GGD in het register voor deze regio.")
	case rules.RoleCareProvider:
		if p.loc == nil {
			p.warn(role, "Het register weet niet welke zorgaanbieder de zorg thuis levert: bel de zorgaanbieder van de cliënt.")
			return nil
		}
		if c, ok := p.find(mgz.RoleManagement, locationKey); ok {
			return atLocation(c.Phone)
		}
		c := p.orgContact(p.provider, mgz.RoleReception)
		c.Location = loc
		return c
	}
	return nil
}
