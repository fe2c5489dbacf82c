package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// LoadRecords fills the demo region's checklists and a few fictional clients, so that the
// prerequisites, registration and coverage screens have something to show: every third location
// is ready (one item of it ends within a month), the others are partly done. It runs once, right
// after Load, as the command line.
func LoadRecords(ctx context.Context, svc *service.Service) (locations, patients int, err error) {
	sys := service.System()
	locs, _, err := svc.Register(sys).Locations(ctx, mgz.LocationFilter{Page: mgz.Page{Limit: mgz.MaxLimit}})
	if err != nil {
		return 0, 0, err
	}
	for i, l := range locs {
		for j, d := range mgz.Prerequisites {
			it := mgz.PrerequisiteItem{LocationID: l.ID, Key: d.Key, Status: mgz.StatusMet, Note: "Vastgesteld bij de jaarlijkse evaluatie (demo)."}
			switch {
			case i%3 == 0 && d.Key == mgz.PrereqPhysicianContract:
				end := svc.Today().AddDate(0, 0, 21)
				it.ValidUntil = &end
			case i%3 == 1 && j%4 == 1:
				it.Status, it.Note = mgz.StatusNotMet, "Nog niet geregeld (demo)."
			case i%3 == 2 && j >= 6:
				continue // not recorded yet: unknown
			}
			if err := svc.RecordPrerequisite(ctx, sys, &it, nil, 0); err != nil {
				return locations, 0, fmt.Errorf("randvoorwaarde %s van %s: %w", d.Key, l.Name, err)
			}
		}
		locations++
	}
	// A few clients registered with the locations' fixed practices.
	names := []string{"Mevrouw A. de Vries", "Meneer B. Jansen", "Mevrouw C. Bakker", "Meneer D. Visser", "Mevrouw E. Smit", "Meneer F. Mulder"}
	n := 0
	var created []mgz.Patient
	for _, l := range locs {
		if n == len(names) {
			break
		}
		if l.FixedGPPracticeID == nil || l.Setting != mgz.SettingClusteredHousing {
			continue
		}
		gp := *l.FixedGPPracticeID
		loc := l.ID
		p := mgz.Patient{Name: names[n], BirthDate: mgz.NewDate(1935+n, time.Month(3+n), 10+n), LocationID: &loc, Sector: l.Sector,
			Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.DateOf(svc.Today().AddDate(0, 0, -10*(n+1))),
			Delivery: l.Deliveries[0], GPPracticeID: &gp, LeadPhysician: mgz.LeadGP, LeadPhysicianOrgID: &gp}
		if err := svc.CreatePatient(ctx, sys, &p); err != nil {
			return locations, n, fmt.Errorf("democliënt %d: %w", n+1, err)
		}
		created = append(created, p)
		n++
	}
	if err := loadHandovers(ctx, svc, created); err != nil {
		return locations, n, err
	}
	// One draft cooperation agreement, for a location with a fixed practice, to show the flow.
	posts, _, err := svc.Register(sys).Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPost, Page: mgz.Page{Limit: 1}})
	if err != nil || len(posts) == 0 {
		return locations, n, err
	}
	for _, l := range locs {
		if l.FixedGPPracticeID == nil || l.Setting != mgz.SettingClusteredHousing {
			continue
		}
		ag := mgz.Agreement{Type: mgz.AgreementCooperation, Provider: l.ProviderID, Practice: *l.FixedGPPracticeID, GPPost: &posts[0].ID,
			Locations: []int64{l.ID}, Start: mgz.DateOf(svc.Today()), TermMonths: 24, NoticeMonths: 3, EvaluationMonths: 12}
		if err := svc.CreateAgreement(ctx, sys, &ag); err != nil {
			return locations, n, fmt.Errorf("demo-overeenkomst: %w", err)
		}
		break
	}
	return locations, n, nil
}
