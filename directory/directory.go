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

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

// Directory looks up contacts in a register.
type Directory struct {
	reg mgz.RegisterService
}

// New returns a Directory over reg.
func New(reg mgz.RegisterService) *Directory { return &Directory{reg: reg} }

// parties is everything of the register a route about one location can need.
type parties struct {
	loc        mgz.Location
	provider   mgz.Organisation
	fixedGP    *mgz.Organisation
	physician  *mgz.Organisation
	gpPost     *mgz.Organisation
	ggd        *mgz.Organisation
	contacts   map[int64][]mgz.ContactPoint // by organisation id; location contacts under key -1
	office     bool
	warnings   []string
	warnedRole map[rules.Role]bool
}

const locationKey = -1

// Enrich implements rules.Enricher: it fills each step's Contact for the request's location, adds
// warnings for missing parties and rewrites the summary to name whom to call first.
func (d *Directory) Enrich(ctx context.Context, req rules.Request, resp *rules.Response) {
	id, err := strconv.ParseInt(strings.TrimSpace(req.LocationID), 10, 64)
	if err != nil || id <= 0 {
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("Locatie %q staat niet in het register: de stappen noemen daarom geen organisaties en telefoonnummers.", req.LocationID))
		return
	}
	p, err := d.load(ctx, id, resp.Route)
	if err != nil {
		if mgz.ErrorCode(err) == mgz.ECodeNotFound {
			resp.Warnings = append(resp.Warnings, fmt.Sprintf("Locatie %d staat niet in het register: de stappen noemen daarom geen organisaties en telefoonnummers.", id))
		} else {
			resp.Warnings = append(resp.Warnings, "Het register kon niet worden geraadpleegd: de stappen noemen daarom geen telefoonnummers. Probeer het opnieuw.")
		}
		return
	}
	if resp.Route == nil {
		return
	}
	route := resp.Route.Clone()
	for i := range route.Steps {
		route.Steps[i].Contact = p.contactFor(route.Steps[i].Role)
	}
	route.Summary = rules.Summarize(route.Steps)
	resp.Route = route
	resp.Warnings = append(resp.Warnings, p.warnings...)
}

func (d *Directory) load(ctx context.Context, id int64, route *rules.Route) (*parties, error) {
	p := &parties{contacts: map[int64][]mgz.ContactPoint{}, warnedRole: map[rules.Role]bool{}}
	p.office = route != nil && route.Period == calendar.OfficeHours
	var err error
	if p.loc, err = d.reg.Location(ctx, id); err != nil {
		return nil, err
	}
	if p.provider, err = d.reg.Organisation(ctx, p.loc.ProviderID); err != nil {
		return nil, err
	}
	if route == nil {
		return p, nil
	}
	if p.fixedGP, err = d.optionalOrg(ctx, p.loc.FixedGPPracticeID); err != nil {
		return nil, err
	}
	if p.physician, err = d.optionalOrg(ctx, p.loc.PhysicianServiceID); err != nil {
		return nil, err
	}
	if p.gpPost, err = d.regional(ctx, mgz.KindGPPost, p.provider.CareOfficeRegion); err != nil {
		return nil, err
	}
	if p.ggd, err = d.regional(ctx, mgz.KindPublicHealthService, p.provider.CareOfficeRegion); err != nil {
		return nil, err
	}
	all := mgz.Page{Limit: mgz.MaxLimit}
	cps, _, err := d.reg.ContactPoints(ctx, mgz.ContactPointFilter{LocationID: id, Page: all})
	if err != nil {
		return nil, err
	}
	p.contacts[locationKey] = cps
	for _, o := range []*mgz.Organisation{&p.provider, p.fixedGP, p.physician, p.gpPost, p.ggd} {
		if o == nil {
			continue
		}
		if p.contacts[o.ID], _, err = d.reg.ContactPoints(ctx, mgz.ContactPointFilter{OrganisationID: o.ID, Page: all}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (d *Directory) optionalOrg(ctx context.Context, id *int64) (*mgz.Organisation, error) {
	if id == nil {
		return nil, nil
	}
	o, err := d.reg.Organisation(ctx, *id)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// regional returns the organisation of kind in the zorgkantoor region, or any of that kind when
// the region has none registered under its name.
func (d *Directory) regional(ctx context.Context, kind mgz.OrgKind, region string) (*mgz.Organisation, error) {
	for _, r := range []string{region, ""} {
		os, _, err := d.reg.Organisations(ctx, mgz.OrganisationFilter{Kind: kind, Region: r, Page: mgz.Page{Limit: 1}})
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

func (p *parties) warn(role rules.Role, format string, args ...any) {
	if p.warnedRole[role] {
		return
	}
	p.warnedRole[role] = true
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// orgContact names an organisation with the number of its contact point of role, or its main number.
func (p *parties) orgContact(o *mgz.Organisation, role mgz.ContactRole) *rules.Contact {
	phone := o.Phone
	if c, ok := p.find(role, o.ID); ok {
		phone = c.Phone
	}
	return &rules.Contact{Organisation: o.Name, Phone: mgz.FormatPhone(phone)}
}

// contactFor returns the contact for a step's role, or nil with a warning when the register lacks it.
func (p *parties) contactFor(role rules.Role) *rules.Contact {
	loc, prov := p.loc.Name, p.provider.Name
	switch role {
	case rules.RoleEmergencyServices:
		return &rules.Contact{Organisation: "Alarmnummer", Phone: "112"}
	case rules.RoleFirstLine:
		if c, ok := p.find(mgz.RoleFirstLine, locationKey, p.provider.ID); ok {
			return &rules.Contact{Organisation: prov, Location: loc, Phone: mgz.FormatPhone(c.Phone)}
		}
		p.warn(role, "Er staat geen voorwacht in het register die nu bereikbaar is, niet bij %s en niet bij %s. Vraag de zorgaanbieder de voorwacht (dag en nacht) vast te leggen (T 2.3.2.3).", loc, prov)
	case rules.RoleBehaviourSpecialist:
		if c, ok := p.find(mgz.RoleBehaviourSpecialist, locationKey, p.provider.ID); ok {
			return &rules.Contact{Organisation: prov, Location: loc, Phone: mgz.FormatPhone(c.Phone)}
		}
		p.warn(role, "Er staat geen gedragskundige in het register die nu bereikbaar is voor %s. De zorgaanbieder moet die overdag en in de ANW-uren bereikbaar hebben (T 2.3.2.2).", loc)
	case rules.RoleGP:
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
		p.warn(role, "%s heeft geen SO/AVG-dienst in het register. Een locatie hoort een contract te hebben met een SO of AVG die 24/7 bereikbaar is voor overleg (L-Rol 2, L-Rol 3).", loc)
	case rules.RoleCareProviderOutOfHours:
		if c, ok := p.find(mgz.RolePhysicianOnCall, locationKey, p.provider.ID); ok {
			return &rules.Contact{Organisation: prov, Location: loc, Phone: mgz.FormatPhone(c.Phone)}
		}
		if p.physician != nil {
			if c, ok := p.find(mgz.RolePhysicianOnCall, p.physician.ID); ok {
				return &rules.Contact{Organisation: p.physician.Name, Phone: mgz.FormatPhone(c.Phone)}
			}
		}
		p.warn(role, "De ANW-regeling van %s voor huisartsenzorg staat niet in het register (dienstdoende arts). De zorgaanbieder regelt die zelf: via de huisartsenpost op afspraak, een commerciële partij of intern (T; L-Conv 4).", prov)
	case rules.RolePublicHealthService:
		if p.ggd != nil {
			return p.orgContact(p.ggd, mgz.RoleInfectionControl)
		}
		p.warn(role, "Er staat geen GGD in het register voor deze regio.")
	case rules.RoleCareProvider:
		if c, ok := p.find(mgz.RoleManagement, locationKey); ok {
			return &rules.Contact{Organisation: prov, Location: loc, Phone: mgz.FormatPhone(c.Phone)}
		}
		c := p.orgContact(&p.provider, mgz.RoleReception)
		c.Location = loc
		return c
	}
	return nil
}
