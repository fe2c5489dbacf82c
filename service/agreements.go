package service

import (
	"context"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/agreement"
	"github.com/regio-mgz/mgz/rules"
)

// ProposeAgreements says which model agreements a location needs (domain.md §8), from its
// deliveries and its residents' situations. Residents are counted, never shown, so no patient
// data leaves the store and nothing about a patient is audited.
func (s *Service) ProposeAgreements(ctx context.Context, a mgz.Actor, e *rules.Engine, locationID int64) (mgz.Location, []agreement.Proposal, error) {
	l, err := s.location(ctx, locationID)
	if err != nil {
		return l, nil, err
	}
	if err := s.authorize(ctx, s.store, a, access.Read, access.Resource{Kind: access.AgreementProposal, OrganisationID: l.ProviderID}, mgz.AuditRead, l.ID); err != nil {
		return l, nil, err
	}
	var residents []mgz.Patient
	for page := (mgz.Page{Limit: mgz.MaxLimit}); ; page.Offset += page.Limit {
		ps, total, err := s.store.Patients().Patients(ctx, mgz.PatientFilter{LocationID: l.ID, Page: page})
		if err != nil {
			return l, nil, err
		}
		residents = append(residents, ps...)
		if page.Offset+len(ps) >= total || len(ps) == 0 {
			break
		}
	}
	return l, agreement.Propose(e, l, residents), nil
}
