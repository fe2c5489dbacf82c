package demo

import (
	"context"
	"fmt"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// loadHandovers writes a handover with treatment wishes for each demo client (issue 12), by its
// lead physician's practice. The first is dated 14 months back and never confirmed since, so the
// demo shows a handover the client card and the overview flag as outdated (the region's limit is
// 12 months by default).
func loadHandovers(ctx context.Context, svc *service.Service, patients []mgz.Patient) error {
	sys := service.System()
	today := svc.Today()
	for i, p := range patients {
		lead := ""
		reach := "via de praktijk"
		if p.LeadPhysicianOrgID != nil {
			if o, err := svc.Register(sys).Organisation(ctx, *p.LeadPhysicianOrgID); err == nil {
				lead, reach = o.Name, "overdag "+mgz.FormatPhone(o.Phone)+"; buiten kantoortijd via de huisartsenpost"
			}
		}
		written := today.AddDate(0, -1-2*i, 0)
		if i == 0 {
			written = today.AddDate(0, -14, 0)
		}
		agreed := mgz.DateOf(written)
		h := mgz.Handover{PatientID: p.ID, LeadName: "Huisarts van " + lead, LeadReach: reach, CreatedAt: written,
			CreatedBy: "Huisarts van " + lead + " (demo)",
			Wishes: []mgz.TreatmentWish{
				{Treatment: mgz.TreatmentResuscitation, Decision: []mgz.TreatmentDecision{mgz.DecisionDeny, mgz.DecisionPermit}[i%2], AgreedOn: agreed, AgreedWith: mgz.AgreedWithClient},
				{Treatment: mgz.TreatmentICUAdmission, Decision: mgz.DecisionDeny, AgreedOn: agreed, AgreedWith: mgz.AgreedWithBoth},
				{Treatment: mgz.TreatmentHospitalAdmission, Decision: mgz.DecisionWithRestrictions, Restrictions: "alleen voor behandeling van een fractuur", AgreedOn: agreed, AgreedWith: mgz.AgreedWithBoth},
				{Treatment: mgz.TreatmentAntibiotics, Decision: mgz.DecisionPermit, AgreedOn: agreed, AgreedWith: mgz.AgreedWithClient},
			},
			Problems:       "Dementie (Alzheimer), matig gevorderd; hartfalen NYHA II (demo)",
			Medication:     "Furosemide 40 mg 1x daags; galantamine 16 mg 1x daags (demo)",
			Allergies:      []string{"Penicilline", "Geen bekend"}[i%2],
			ContactPersons: fmt.Sprintf("Zoon of dochter (demo): 06 %08d", 10000000+i),
			Representative: "Mentor (demo), bereikbaar via de contactpersoon",
		}
		if err := svc.SaveHandover(ctx, sys, &h, 0); err != nil {
			return fmt.Errorf("overdracht van democliënt %d: %w", i+1, err)
		}
	}
	return nil
}
