package service

import (
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

func overviewIDs(rows []mgz.OverviewRow) []int64 {
	ids := []int64{}
	for _, r := range rows {
		ids = append(ids, r.LocationID)
	}
	return ids
}

func TestRegionalOverviewIsScopedByWhoAsks(t *testing.T) {
	f := newFixture(t)
	e, _ := rules.NewEngine(calendar.Default())
	other := f.org(mgz.KindCareProvider, "Zorggroep Zuid", "")
	office := f.org(mgz.KindCareOffice, "Zorgkantoor Test", "")
	own := f.location(f.provider.ID, "Het Hof")
	foreign := f.location(other.ID, "De Wei")
	_, rho := f.user(f.rho, mgz.RoleViewer)
	_, co := f.user(office, mgz.RoleViewer)
	_, providerViewer := f.user(f.provider, mgz.RoleViewer)
	_, tableMember := f.user(other, mgz.RoleRegionalTable)
	_, gp := f.user(f.practice, mgz.RoleAdmin)
	for name, c := range map[string]struct {
		a    mgz.Actor
		want []int64
	}{
		"RHO sees the region":                       {rho, []int64{foreign.ID, own.ID}},
		"zorgkantoor sees the region":               {co, []int64{foreign.ID, own.ID}},
		"regional table member sees the region":     {tableMember, []int64{foreign.ID, own.ID}},
		"care provider sees its own locations only": {providerViewer, []int64{own.ID}},
	} {
		t.Run(name, func(t *testing.T) {
			// The care provider asks for the other provider's locations: it still gets only its own.
			ov, err := f.s.RegionalOverview(f.ctx, c.a, e, mgz.OverviewFilter{}, OverviewParts{Totals: true, Trends: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := overviewIDs(ov.Rows); len(got) != len(c.want) || got[0] != c.want[0] || ov.Total != len(c.want) {
				t.Fatalf("rows %v (total %d), want %v", got, ov.Total, c.want)
			}
			if len(ov.Quarters) != TrendQuarters {
				t.Errorf("quarters: %+v", ov.Quarters)
			}
			asked, err := f.s.RegionalOverview(f.ctx, c.a, e, mgz.OverviewFilter{ProviderID: other.ID}, OverviewParts{})
			if err != nil {
				t.Fatal(err)
			}
			if c.a.OrgKind == mgz.KindCareProvider && c.a.User.OrganisationID == f.provider.ID && len(asked.Rows) != 0 {
				t.Fatalf("a care provider read another provider's rows: %v", overviewIDs(asked.Rows))
			}
		})
	}
	t.Run("a GP practice gets no rows", func(t *testing.T) {
		_, err := f.s.RegionalOverview(f.ctx, gp, e, mgz.OverviewFilter{}, OverviewParts{})
		wantCode(t, err, mgz.ECodeForbidden, "")
	})
}

// L-Rol 3: agreements before opening. A planned location whose expected opening is within 90
// days, without an active agreement of each type it needs, is flagged; one further away, or one
// whose agreement is active, is not.
func TestAgreementsBeforeOpeningWarnsPlannedLocationsWithin90Days(t *testing.T) {
	f := newFixture(t)
	e, _ := rules.NewEngine(calendar.Default())
	today := mgz.DateOf(f.clock) // 2 March 2026
	planned := func(name string, opening mgz.Date) mgz.Location {
		l := mgz.Location{ProviderID: f.provider.ID, Name: name, Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
			Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT},
			Lifecycle: mgz.LifecyclePlanned, ExpectedOpening: opening}
		if err := f.db.Register().CreateLocation(f.ctx, &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	soon := planned("Nieuwbouw Zuid", mgz.NewDate(2026, 5, 1))
	later := planned("Nieuwbouw Noord", mgz.NewDate(2026, 9, 1))
	covered := planned("Nieuwbouw Oost", mgz.NewDate(2026, 4, 1))
	open := f.location(f.provider.ID, "Bestaand")
	active := mgz.AgreementMeta{Type: mgz.AgreementCooperation, Status: mgz.AgreementActive, LocationIDs: []int64{covered.ID}}
	draft := mgz.AgreementMeta{Type: mgz.AgreementCooperation, Status: mgz.AgreementDraft, LocationIDs: []int64{soon.ID}}
	metas := []mgz.AgreementMeta{active, draft}
	if got := OpeningMissing(e, soon, metas, today); len(got) != 1 || got[0] != mgz.AgreementCooperation {
		t.Errorf("planned within 90 days with only a draft: missing %v, want [cooperation]", got)
	}
	if got := OpeningMissing(e, later, metas, today); len(got) != 0 {
		t.Errorf("planned in 6 months: missing %v, want none yet", got)
	}
	if got := OpeningMissing(e, covered, metas, today); len(got) != 0 {
		t.Errorf("planned with an active agreement: missing %v, want none", got)
	}
	if got := OpeningMissing(e, open, nil, today); len(got) != 0 {
		t.Errorf("an open location: missing %v, want none (the reminders cover it)", got)
	}
	_, rho := f.user(f.rho, mgz.RoleViewer)
	ov, err := f.s.RegionalOverview(f.ctx, rho, e, mgz.OverviewFilter{}, OverviewParts{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ov.Rows {
		if want := r.LocationID == soon.ID || r.LocationID == covered.ID; r.OpeningWarning != want {
			t.Errorf("%s: warning %v, want %v (no agreements stored at all)", r.Name, r.OpeningWarning, want)
		}
	}
}

func TestLocationLifecycleMovesOneStepForward(t *testing.T) {
	f := newFixture(t)
	l := mgz.Location{ProviderID: f.provider.ID, Name: "Nieuw", Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Lifecycle: mgz.LifecyclePlanned}
	wantCode(t, f.db.Register().CreateLocation(f.ctx, &l), mgz.ECodeInvalid, "expected_opening")
	l.ExpectedOpening = mgz.NewDate(2026, 6, 1)
	if err := f.db.Register().CreateLocation(f.ctx, &l); err != nil {
		t.Fatal(err)
	}
	// A form that does not know the field leaves the lifecycle as it is.
	l.Lifecycle, l.ExpectedOpening = "", mgz.Date{}
	if err := f.db.Register().UpdateLocation(f.ctx, &l); err != nil || l.Lifecycle != mgz.LifecyclePlanned {
		t.Fatalf("update without lifecycle: %v, %s", err, l.Lifecycle)
	}
	got, _ := f.db.Register().Location(f.ctx, l.ID)
	if got.Lifecycle != mgz.LifecyclePlanned || got.ExpectedOpening.String() != "2026-06-01" {
		t.Fatalf("stored: %s %s", got.Lifecycle, got.ExpectedOpening)
	}
	got.Lifecycle = mgz.LifecycleClosing
	wantCode(t, f.db.Register().UpdateLocation(f.ctx, &got), mgz.ECodeInvalid, "lifecycle")
	got, _ = f.db.Register().Location(f.ctx, l.ID)
	for _, next := range []mgz.Lifecycle{mgz.LifecycleOpen, mgz.LifecycleClosing, mgz.LifecycleClosed} {
		got.Lifecycle = next
		if err := f.db.Register().UpdateLocation(f.ctx, &got); err != nil {
			t.Fatalf("to %s: %v", next, err)
		}
	}
	if !got.ExpectedOpening.IsZero() {
		t.Errorf("a location that opened keeps an expected opening: %s", got.ExpectedOpening)
	}
	got.Lifecycle = mgz.LifecycleOpen
	wantCode(t, f.db.Register().UpdateLocation(f.ctx, &got), mgz.ECodeInvalid, "lifecycle")
	stale := got
	stale.Lifecycle, stale.Revision = mgz.LifecycleClosed, 1
	wantCode(t, f.db.Register().UpdateLocation(f.ctx, &stale), mgz.ECodeConflict, "")
}

// The RHO and the zorgkantoor read an agreement's type, status and dates in the overview, never
// its text: the agreement itself stays hidden from them.
func TestRHOAndCareOfficeReadAgreementMetadataNotText(t *testing.T) {
	f := newFixture(t)
	e, _ := rules.NewEngine(calendar.Default())
	post := f.org(mgz.KindGPPost, "Huisartsenpost Test", "05000001")
	office := f.org(mgz.KindCareOffice, "Zorgkantoor Test", "")
	loc := f.location(f.provider.ID, "Het Hof")
	_, providerEd := f.user(f.provider, mgz.RoleEditor)
	ag := f.agreementDraft(mgz.AgreementCooperation, loc, &post)
	if err := f.s.CreateAgreement(f.ctx, providerEd, &ag); err != nil {
		t.Fatal(err)
	}
	_, rho := f.user(f.rho, mgz.RoleAdmin)
	_, co := f.user(office, mgz.RoleViewer)
	for _, a := range []mgz.Actor{rho, co} {
		ov, err := f.s.RegionalOverview(f.ctx, a, e, mgz.OverviewFilter{}, OverviewParts{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Rows) != 1 || len(ov.Rows[0].Agreements) != 1 {
			t.Fatalf("%s: rows %+v", a.OrgKind, ov.Rows)
		}
		m := ov.Rows[0].Agreements[0]
		if m.Type != mgz.AgreementCooperation || m.Status != mgz.AgreementDraft || m.NextEvaluation.String() != "2027-01-01" || m.End.String() != "2027-12-31" {
			t.Errorf("%s: metadata %+v", a.OrgKind, m)
		}
		_, err = f.s.Agreement(f.ctx, a, ag.ID)
		wantCode(t, err, mgz.ECodeNotFound, "")
		_, err = f.s.AgreementVersions(f.ctx, a, ag.ID)
		wantCode(t, err, mgz.ECodeNotFound, "")
	}
}
