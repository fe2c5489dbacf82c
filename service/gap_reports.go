package service

import (
	"context"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Filing a report (melding) about a coverage gap in one click (issue 13): the gap is named as a
// page shows it, looked up again in the current coverage report, and the report is filed as the
// prefilled report form would file it: about the care provider whose roster has the gap, for the
// practice that files it (the RHO on behalf of the location's fixed GP practice).

// GapRef names a coverage gap as a page lists it: a role of an organisation, at one of its
// locations or not, over the interval the page showed.
type GapRef struct {
	Role           mgz.RosterRole
	OrganisationID int64
	LocationID     int64 // 0: a duty of the organisation itself
	From, To       time.Time
}

// GapCategory is the report subject of a gap in role.
func GapCategory(role mgz.RosterRole) mgz.EscalationCategory {
	switch role {
	case mgz.RosterFirstLine:
		return mgz.CategoryFirstLineAvailability
	case mgz.RosterBehaviourSpecialist:
		return mgz.CategoryBehaviourSupport
	}
	return mgz.CategoryPhysicianAvailability
}

// GapDescription is the text of a report about gap g of rep.
func GapDescription(rep CoverageReport, g mgz.CoverageGap) string {
	what := g.String()
	if g.Kind == mgz.GapNoRoster {
		loc := calendar.Location()
		what = fmt.Sprintf("%s: geen rooster vastgelegd, dus niemand van dienst van %s tot %s", g.Role.Label(),
			g.From.In(loc).Format("02-01-2006 15:04"), g.To.In(loc).Format("02-01-2006 15:04"))
	}
	desc := what + " (" + rep.Organisations[g.OrganisationID]
	if g.LocationID != nil {
		desc += ", locatie " + rep.Locations[*g.LocationID]
	}
	return desc + "). Gevonden in de roosters in mgz."
}

// GapEscalation is the report a gap of rep gives when a files it, as the prefilled report form
// has it: about the gap's organisation when that is a care provider (else CareProviderID is 0),
// at its location, with the gap's subject and text, from the day the gap begins (today for a gap
// still ahead: a report cannot begin in the future). The reporter is a practice's own practice;
// for the RHO, which reports on behalf of a practice, the location's fixed GP practice (0 when
// there is none). complete says the report can be filed as it is, without a person choosing.
func GapEscalation(rep CoverageReport, g mgz.CoverageGap, a mgz.Actor, today mgz.Date) (e mgz.Escalation, complete bool) {
	e = mgz.Escalation{Category: GapCategory(g.Role), Description: GapDescription(rep, g), LocationID: g.LocationID}
	if e.LocationID != nil {
		id := *e.LocationID
		e.LocationID = &id
	}
	if rep.Kinds[g.OrganisationID] == mgz.KindCareProvider {
		e.CareProviderID = g.OrganisationID
	}
	e.PeriodStart = mgz.DateOf(g.From)
	if e.PeriodStart.After(today.Time) {
		e.PeriodStart = today
	}
	switch a.OrgKind {
	case mgz.KindGPPractice:
		e.ReporterPracticeID = a.User.OrganisationID
	case mgz.KindRegionalGPOrg:
		if g.LocationID != nil {
			e.ReporterPracticeID = rep.Practices[*g.LocationID]
		}
	}
	return e, e.CareProviderID != 0 && e.ReporterPracticeID != 0
}

// gapGone is the refusal of a gap that is no longer in the coverage report.
func gapGone() error {
	return mgz.Errorf(mgz.ECodeConflict, "Dit gat in de bereikbaarheid bestaat niet meer zoals het werd getoond: de roosters zijn intussen gewijzigd of het gat is voorbij. Er is geen melding gemaakt. Bekijk de actuele roostergaten en meld zo nodig opnieuw.")
}

// FileGapReport files a report about the coverage gap ref names, in one step. The gap is looked up
// again in the current coverage report of its organisation (as the actor may see it) and must be
// there over exactly the interval named and still last; the report is GapEscalation's. Only who
// may file reports may do this (else forbidden); a gap that changed or passed is a conflict; a gap
// whose report needs a person's choice (no care provider, or no practice to report for) invalid.
func (s *Service) FileGapReport(ctx context.Context, a mgz.Actor, ref GapRef) (mgz.Escalation, error) {
	if err := s.MayFileEscalation(ctx, a); err != nil {
		return mgz.Escalation{}, err
	}
	if ref.OrganisationID <= 0 || ref.LocationID < 0 || !mgz.RosterRoles.Valid(ref.Role) || ref.From.IsZero() || !ref.To.After(ref.From) {
		return mgz.Escalation{}, mgz.Errorf(mgz.ECodeInvalid, "Dit gat in de bereikbaarheid is niet te herkennen. Open de roostergaten opnieuw en kies het gat daar.")
	}
	if !ref.To.After(s.now()) {
		return mgz.Escalation{}, gapGone()
	}
	f := CoverageFilter{OrganisationID: ref.OrganisationID, LocationID: ref.LocationID, Role: ref.Role, From: ref.From, To: ref.To}
	rep, err := s.CoverageReport(ctx, a, f)
	if err != nil {
		return mgz.Escalation{}, err
	}
	for _, g := range rep.Gaps {
		var loc int64
		if g.LocationID != nil {
			loc = *g.LocationID
		}
		if g.Role != ref.Role || g.OrganisationID != ref.OrganisationID || loc != ref.LocationID || !g.From.Equal(ref.From) || !g.To.Equal(ref.To) {
			continue
		}
		e, complete := GapEscalation(rep, g, a, mgz.DateOf(s.now()))
		if !complete {
			return mgz.Escalation{}, mgz.Errorf(mgz.ECodeInvalid, "Deze melding kan niet in één keer worden gemaakt: kies zelf de zorgaanbieder en de huisartsenpraktijk namens wie u meldt, met Melding aanpassen en maken.")
		}
		if err := s.FileEscalation(ctx, a, &e); err != nil {
			return mgz.Escalation{}, err
		}
		return e, nil
	}
	return mgz.Escalation{}, gapGone()
}
