package demo

import (
	"context"
	"fmt"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// LoadEscalations files three fictional reports (meldingen) so the route has something to show:
// one still at the care provider and past its response deadline, one answered and moved on to the
// zorgkantoor, filed by the RHO on a practice's behalf, and one resolved. past is the same
// service with a clock some weeks back, for what happened before today.
func LoadEscalations(ctx context.Context, svc, past *service.Service) (int, error) {
	sys := service.System()
	reg := svc.Register(sys)
	practices, _, err := reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 3}})
	if err != nil {
		return 0, err
	}
	providers, _, err := reg.Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindCareProvider, Page: mgz.Page{Limit: 3}})
	if err != nil {
		return 0, err
	}
	if len(practices) < 2 || len(providers) < 2 {
		return 0, nil
	}
	locs, _, err := reg.Locations(ctx, mgz.LocationFilter{ProviderID: providers[0].ID, Page: mgz.Page{Limit: 1}})
	if err != nil {
		return 0, err
	}
	start := mgz.DateOf(past.Today().AddDate(0, -1, 0))
	reports := []mgz.Escalation{
		{ReporterPracticeID: practices[0].ID, CareProviderID: providers[0].ID, Category: mgz.CategoryFirstLineAvailability, PeriodStart: start,
			Description: "De verpleegkundige voorwacht is 's nachts herhaaldelijk niet bereikbaar; de medewerkers bellen direct de huisartsenpost (demo)."},
		{ReporterPracticeID: practices[1].ID, CareProviderID: providers[1].ID, Category: mgz.CategoryPhysicianAvailability, PeriodStart: start,
			Description: "In het weekend is geen SO bereikbaar voor overleg over de bewoners met behandeling (demo)."},
		{ReporterPracticeID: practices[0].ID, CareProviderID: providers[1].ID, Category: mgz.CategoryProtocols, PeriodStart: start,
			Description: "Er is geen Wzd-protocol beschikbaar op de locatie (demo)."},
	}
	if len(locs) > 0 {
		reports[0].LocationID = &locs[0].ID
	}
	for i := range reports {
		if err := past.FileEscalation(ctx, sys, &reports[i]); err != nil {
			return i, fmt.Errorf("demomelding %d: %w", i+1, err)
		}
	}
	// The second: the provider answered within its term, and the practice moved it on today.
	e := reports[1]
	if _, err := past.RespondEscalation(ctx, sys, e.ID, e.Steps[0].ID, 0, "We werken aan een regionale SO-dienst; voorlopig is er geen oplossing voor het weekend (demo)."); err != nil {
		return 1, err
	}
	if _, err := svc.MoveOnEscalation(ctx, sys, e.ID, 0, "De reactie lost het probleem niet op (demo)."); err != nil {
		return 1, err
	}
	// The third: answered and resolved.
	e = reports[2]
	if _, err := past.RespondEscalation(ctx, sys, e.ID, e.Steps[0].ID, 0, "Het protocol is vastgesteld en op de locatie besproken (demo)."); err != nil {
		return 2, err
	}
	if _, err := svc.CloseEscalation(ctx, sys, e.ID, 0, mgz.StateResolved, "Protocol ontvangen (demo)."); err != nil {
		return 2, err
	}
	return len(reports), nil
}
