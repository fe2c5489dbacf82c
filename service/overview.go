package service

import (
	"context"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
	"github.com/regio-mgz/mgz/agreement"
	"github.com/regio-mgz/mgz/rules"
)

// RegionalOverview is one page of the regional overview (issue 11): a row per location, and on
// the first page the totals per care provider and the trends per quarter.
type RegionalOverview struct {
	Rows  []mgz.OverviewRow
	Total int
	// Next continues after the last row; nil on the last page.
	Next      *mgz.OverviewCursor
	Providers []mgz.ProviderTotals
	Quarters  []mgz.QuarterTrend
}

// TrendQuarters is how many quarters the trends show, the current one included.
const TrendQuarters = 4

// CanSeeRegionalOverview reports whether a may read the overview's rows (the counts on the start
// page are for everybody).
func CanSeeRegionalOverview(a mgz.Actor) bool {
	return Allowed(a, access.Read, access.Resource{Kind: access.RegionalOverview})
}

// scopeOverview authorises act and limits f to what a may see: a care provider sees its own
// locations only, whatever it asked for.
func (s *Service) scopeOverview(ctx context.Context, a mgz.Actor, act access.Action, f *mgz.OverviewFilter) error {
	auditAct := mgz.AuditRead
	if act == access.Export {
		auditAct = mgz.AuditExport
	}
	if err := s.authorize(ctx, s.store, a, act, access.Resource{Kind: access.RegionalOverview}, auditAct, 0); err != nil {
		return err
	}
	f.OnlyProviderID = 0
	if !a.System && a.OrgKind == mgz.KindCareProvider && !seesRegion(a) {
		f.OnlyProviderID = a.User.OrganisationID
	}
	if f.Limit <= 0 {
		f.Limit = mgz.DefaultLimit
	}
	if f.Limit > mgz.MaxLimit {
		f.Limit = mgz.MaxLimit
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	return nil
}

// seesRegion mirrors the policy: the RHO, the zorgkantoor and members of the regional table see the whole region.
func seesRegion(a mgz.Actor) bool {
	return a.OrgKind == mgz.KindRegionalGPOrg || a.OrgKind == mgz.KindCareOffice || a.User.Has(mgz.RoleRegionalTable)
}

// OverviewParts says what a page of the overview holds besides its rows. Trends read the whole
// prerequisite history of the selection (about half a second for 10,000 locations), so they are
// asked for on their own; the rows and the totals answer well within 50 ms.
type OverviewParts struct {
	Totals bool // the totals per care provider
	Trends bool // reports filed and resolved, and locations ready, per quarter
}

// RegionalOverview reads one page of the overview for a. It reads counts only: no client is
// read, so nothing about a client is audited. parts adds the provider totals and the quarterly
// trends.
func (s *Service) RegionalOverview(ctx context.Context, a mgz.Actor, e *rules.Engine, f mgz.OverviewFilter, parts OverviewParts) (RegionalOverview, error) {
	var out RegionalOverview
	if err := s.scopeOverview(ctx, a, access.Read, &f); err != nil {
		return out, err
	}
	if err := s.settleDueSwitches(ctx); err != nil { // who is registered where, as of now
		return out, err
	}
	today := mgz.DateOf(s.now())
	st := s.store.Overview()
	var err error
	if out.Total, err = st.OverviewCount(ctx, f, today); err != nil {
		return out, err
	}
	if err := st.OverviewRows(ctx, f, today, func(r mgz.OverviewRow) error {
		out.Rows = append(out.Rows, r)
		return nil
	}); err != nil {
		return out, err
	}
	if err := s.completeRows(ctx, a, e, out.Rows, today); err != nil {
		return out, err
	}
	if len(out.Rows) == f.Limit {
		last := out.Rows[len(out.Rows)-1]
		c := mgz.OverviewCursor{Text: last.Name, Text2: last.ProviderName, ID: last.LocationID}
		switch f.Sort {
		case mgz.SortReadiness:
			c.Count = last.OpenItems
		case mgz.SortOpenReports:
			c.Count = last.OpenReports
		case mgz.SortUnregistered:
			c.Count = last.WlzUnregistered
		}
		out.Next = &c
	}
	if parts.Totals {
		if out.Providers, err = st.OverviewProviders(ctx, f, today); err != nil {
			return out, err
		}
	}
	if parts.Trends {
		from := mgz.Date{Time: today.AddDate(0, -3*(TrendQuarters-1), 0)}
		if out.Quarters, err = st.OverviewQuarters(ctx, f, from, today); err != nil {
			return out, err
		}
	}
	return out, nil
}

// ExportOverview streams every row of f to fn, in batches (the CSV export): the region is never
// held in memory. The export is one entry in the audit log.
func (s *Service) ExportOverview(ctx context.Context, a mgz.Actor, e *rules.Engine, f mgz.OverviewFilter, fn func(mgz.OverviewRow) error) error {
	if err := s.scopeOverview(ctx, a, access.Export, &f); err != nil {
		return err
	}
	if err := s.settleDueSwitches(ctx); err != nil {
		return err
	}
	ent := entry(a, mgz.AuditExport, string(access.RegionalOverview), 0, f.OnlyProviderID)
	ent.Reason = "regio-overzicht als CSV"
	if err := s.store.Audit().Append(ctx, ent); err != nil {
		return err
	}
	today := mgz.DateOf(s.now())
	f.Limit, f.After, f.Offset = 0, nil, 0
	const batch = 500
	buf := make([]mgz.OverviewRow, 0, batch)
	flush := func() error {
		if err := s.completeRows(ctx, a, e, buf, today); err != nil {
			return err
		}
		for _, r := range buf {
			if err := fn(r); err != nil {
				return err
			}
		}
		buf = buf[:0]
		return nil
	}
	err := s.store.Overview().OverviewRows(ctx, f, today, func(r mgz.OverviewRow) error {
		buf = append(buf, r)
		if len(buf) == batch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// completeRows adds to rows what the store does not compute: the open items from the
// prerequisites' own evaluation against the register (mgz.EvaluateWithRegister), the agreements' metadata where a may read it,
// and the "agreements before opening" warning.
func (s *Service) completeRows(ctx context.Context, a mgz.Actor, e *rules.Engine, rows []mgz.OverviewRow, today mgz.Date) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	var providers []int64
	seen := map[int64]bool{}
	for i, r := range rows {
		ids[i] = r.LocationID
		if !seen[r.ProviderID] && Allowed(a, access.Read, access.Resource{Kind: access.AgreementMeta, OrganisationID: r.ProviderID}) {
			seen[r.ProviderID] = true
			providers = append(providers, r.ProviderID)
		}
	}
	items, err := s.store.Prerequisites().ItemsOf(ctx, ids)
	if err != nil {
		return err
	}
	facts, err := s.store.Prerequisites().RegisterFactsOf(ctx, ids)
	if err != nil {
		return err
	}
	metas, err := s.store.Overview().AgreementMetaOf(ctx, providers)
	if err != nil {
		return err
	}
	months, err := s.store.Handovers().MaxAgeMonths(ctx)
	if err != nil {
		return err
	}
	// Outdated as mgz.Handover.Outdated: last confirmed more than the limit's months ago.
	ages, err := s.store.Handovers().AgesAt(ctx, ids, s.now().AddDate(0, -months, 0))
	if err != nil {
		return err
	}
	byLoc := map[int64][]mgz.AgreementMeta{}
	for _, m := range metas {
		for _, l := range m.LocationIDs {
			byLoc[l] = append(byLoc[l], m)
		}
	}
	for i := range rows {
		r := &rows[i]
		ev := mgz.EvaluateWithRegister(r.LocationID, items[r.LocationID], today.Time, facts[r.LocationID])
		r.Open, r.Ready, r.OpenItems, r.Inconsistent = ev.Open, ev.Ready, len(ev.Open), ev.Inconsistent
		r.HandoversMissing, r.HandoversOutdated = ages[r.LocationID].Missing, ages[r.LocationID].Outdated
		r.Agreements = byLoc[r.LocationID]
		if r.Agreements == nil {
			r.Agreements = []mgz.AgreementMeta{}
		}
		if seen[r.ProviderID] {
			r.OpeningMissing = OpeningMissing(e, mgz.Location{ID: r.LocationID, ProviderID: r.ProviderID, Setting: r.Setting,
				Sector: r.Sector, Deliveries: r.Deliveries, Lifecycle: r.Lifecycle, ExpectedOpening: r.ExpectedOpening}, r.Agreements, today)
			r.OpeningWarning = len(r.OpeningMissing) > 0
		}
	}
	return nil
}

// OpeningMissing is the "Afspraken vóór opening" warning (L-Rol 3): for a planned location whose
// expected opening is within mgz.OpeningWarningDays (or has passed), the model agreements it needs
// (agreement.Propose, from its deliveries) that no active agreement covers yet. Empty otherwise.
func OpeningMissing(e *rules.Engine, l mgz.Location, agreements []mgz.AgreementMeta, today mgz.Date) []mgz.AgreementType {
	if l.Lifecycle != mgz.LifecyclePlanned || l.ExpectedOpening.IsZero() || e == nil {
		return nil
	}
	if l.ExpectedOpening.After(today.AddDate(0, 0, mgz.OpeningWarningDays)) {
		return nil
	}
	var missing []mgz.AgreementType
	for _, p := range agreement.Propose(e, l, nil) {
		t := mgz.AgreementType(p.Type)
		covered := false
		for _, m := range agreements {
			if m.Type == t && m.Status == mgz.AgreementActive {
				for _, id := range m.LocationIDs {
					covered = covered || id == l.ID
				}
			}
		}
		if !covered {
			missing = append(missing, t)
		}
	}
	return missing
}

// LocationOpeningWarning is OpeningMissing for one location's page, with the agreements a may
// read (an actor who may not read them gets no warning rather than a guess).
func (s *Service) LocationOpeningWarning(ctx context.Context, a mgz.Actor, e *rules.Engine, l mgz.Location) ([]mgz.AgreementType, error) {
	if l.Lifecycle != mgz.LifecyclePlanned || !Allowed(a, access.Read, access.Resource{Kind: access.AgreementMeta, OrganisationID: l.ProviderID}) {
		return nil, nil
	}
	metas, err := s.store.Overview().AgreementMetaOf(ctx, []int64{l.ProviderID})
	if err != nil {
		return nil, err
	}
	return OpeningMissing(e, l, metas, mgz.DateOf(s.now())), nil
}
