package service

import (
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

func (f *fixture) agreementDraft(kind mgz.AgreementType, loc mgz.Location, post *mgz.Organisation) mgz.Agreement {
	ag := mgz.Agreement{Type: kind, Provider: f.provider.ID, Practice: f.practice.ID, Locations: []int64{loc.ID},
		Start: mgz.NewDate(2026, 1, 1), TermMonths: 24, NoticeMonths: 3}
	if kind == mgz.AgreementSubcontract {
		ag.TariffCents, ag.TariffUnit, ag.HoursCovered = 9500, "per uur", "werkdagen 08:00–17:00"
	}
	if post != nil {
		ag.GPPost = &post.ID
	}
	return ag
}

func TestAgreementLifecycleFromDraftToActiveToEnded(t *testing.T) {
	f := newFixture(t)
	post := f.org(mgz.KindGPPost, "Huisartsenpost Test", "05000001")
	stranger := f.org(mgz.KindGPPractice, "Huisartsenpraktijk Elders", "01000002")
	loc := f.location(f.provider.ID, "Woonvorm Het Hof")
	_, providerEd := f.user(f.provider, mgz.RoleEditor)
	_, practiceDoc := f.user(f.practice, mgz.RolePhysician)
	_, practiceViewer := f.user(f.practice, mgz.RoleViewer)
	_, postAdmin := f.user(post, mgz.RoleAdmin)
	_, strangerAdmin := f.user(stranger, mgz.RoleAdmin)

	ag := f.agreementDraft(mgz.AgreementCooperation, loc, &post)
	if err := f.s.CreateAgreement(f.ctx, strangerAdmin, &ag); mgz.ErrorCode(err) != mgz.ECodeNotFound {
		t.Fatalf("a non-party drafts an agreement of others: %v", err)
	}
	ag = f.agreementDraft(mgz.AgreementCooperation, loc, &post)
	if err := f.s.CreateAgreement(f.ctx, providerEd, &ag); err != nil || ag.Version != 1 || ag.Status != mgz.AgreementDraft || ag.EvaluationMonths != 12 {
		t.Fatalf("draft: %+v %v", ag, err)
	}
	t.Run("§8 only parties see an agreement", func(t *testing.T) {
		wantCode(t, func() error { _, err := f.s.Agreement(f.ctx, strangerAdmin, ag.ID); return err }(), mgz.ECodeNotFound, "")
		if _, err := f.s.Agreement(f.ctx, postAdmin, ag.ID); err != nil {
			t.Fatalf("the GP post is a party of a cooperation agreement: %v", err)
		}
	})
	t.Run("signing a draft is refused", func(t *testing.T) {
		_, err := f.s.SignAgreement(f.ctx, providerEd, ag.ID, Basis{}, "bestuurder")
		wantCode(t, err, mgz.ECodeConflict, "")
	})
	if _, err := f.s.SendForSigning(f.ctx, providerEd, ag.ID, Basis{}); err != nil {
		t.Fatal(err)
	}
	t.Run("sending twice is refused", func(t *testing.T) {
		_, err := f.s.SendForSigning(f.ctx, providerEd, ag.ID, Basis{})
		wantCode(t, err, mgz.ECodeConflict, "")
	})
	if _, err := f.s.SignAgreement(f.ctx, providerEd, ag.ID, Basis{}, "bestuurder"); err != nil {
		t.Fatal(err)
	}
	t.Run("a party signs once, and only for itself", func(t *testing.T) {
		_, err := f.s.SignAgreement(f.ctx, providerEd, ag.ID, Basis{}, "bestuurder")
		wantCode(t, err, mgz.ECodeConflict, "")
		_, err = f.s.SignAgreement(f.ctx, practiceViewer, ag.ID, Basis{}, "lezer")
		wantCode(t, err, mgz.ECodeForbidden, "")
		_, err = f.s.SignAgreement(f.ctx, strangerAdmin, ag.ID, Basis{}, "huisarts")
		wantCode(t, err, mgz.ECodeNotFound, "")
		_, err = f.s.SignAgreement(f.ctx, practiceDoc, ag.ID, Basis{}, " ")
		wantCode(t, err, mgz.ECodeInvalid, "role")
	})
	got, err := f.s.SignAgreement(f.ctx, practiceDoc, ag.ID, Basis{}, "huisarts-eigenaar")
	if err != nil || got.Status != mgz.AgreementSigning {
		t.Fatalf("two of three signed: %s %v", got.Status, err)
	}
	got, err = f.s.SignAgreement(f.ctx, postAdmin, ag.ID, Basis{}, "directeur")
	if err != nil || got.Status != mgz.AgreementActive || len(got.Signatures) != 3 || got.Signatures[1].Name == "" {
		t.Fatalf("all signed: %+v %v", got, err)
	}
	if got, err = f.s.InformGPPost(f.ctx, providerEd, ag.ID, Basis{}); err != nil || got.GPPostInformedAt == nil {
		t.Fatalf("informing the GP post is recorded with its date: %v", err)
	}

	t.Run("§8 a change makes a new version, drops the signatures and shows what changed", func(t *testing.T) {
		changed := got
		changed.NoticeMonths = 6
		if err := f.s.UpdateAgreement(f.ctx, providerEd, &changed); err != nil {
			t.Fatal(err)
		}
		if changed.Version != 2 || changed.Status != mgz.AgreementDraft || len(changed.Signatures) != 0 || changed.GPPostInformedAt == nil {
			t.Fatalf("after a change: version %d, %s, %d signatures", changed.Version, changed.Status, len(changed.Signatures))
		}
		vs, err := f.s.AgreementVersions(f.ctx, practiceViewer, ag.ID)
		// The old version keeps its terms and the signatures it had.
		if err != nil || len(vs) != 2 || vs[1].Agreement.NoticeMonths != 3 || vs[1].Agreement.Status != mgz.AgreementActive || len(vs[1].Agreement.Signatures) != 3 {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		diff := mgz.Diff(vs[1].Agreement, vs[0].Agreement)
		if len(diff) != 1 || diff[0].Field != "Opzegtermijn (maanden)" || diff[0].From != "3" || diff[0].To != "6" {
			t.Fatalf("diff %+v", diff)
		}
		same := changed
		if err := f.s.UpdateAgreement(f.ctx, providerEd, &same); err != nil || same.Version != 2 {
			t.Fatalf("saving without a change makes no version: %d %v", same.Version, err)
		}
		if err := f.s.UpdateAgreement(f.ctx, practiceViewer, &same); mgz.ErrorCode(err) != mgz.ECodeForbidden {
			t.Fatalf("a viewer changes the agreement: %v", err)
		}
	})

	t.Run("evaluation and ending", func(t *testing.T) {
		_, err := f.s.EvaluateAgreement(f.ctx, providerEd, ag.ID, Basis{}, mgz.NewDate(2026, 3, 1), "Goed")
		wantCode(t, err, mgz.ECodeConflict, "") // a draft is not evaluated
		if _, err := f.s.SendForSigning(f.ctx, providerEd, ag.ID, Basis{}); err != nil {
			t.Fatal(err)
		}
		for _, a := range []mgz.Actor{providerEd, practiceDoc, postAdmin} {
			if _, err := f.s.SignAgreement(f.ctx, a, ag.ID, Basis{}, "bestuurder"); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.s.EvaluateAgreement(f.ctx, providerEd, ag.ID, Basis{}, mgz.NewDate(2026, 3, 1), " ")
		wantCode(t, err, mgz.ECodeInvalid, "note")
		ev, err := f.s.EvaluateAgreement(f.ctx, providerEd, ag.ID, Basis{}, mgz.NewDate(2026, 3, 1), "Voortgang goed; bereikbaarheid 's nachts verbeterd.")
		if err != nil || ev.NextEvaluation().String() != "2027-03-01" {
			t.Fatalf("evaluation: next %s, %v", ev.NextEvaluation(), err)
		}
		_, err = f.s.EndAgreement(f.ctx, providerEd, ag.ID, Basis{}, mgz.NewDate(2026, 6, 30), "")
		wantCode(t, err, mgz.ECodeInvalid, "reason")
		// A physician signs for the practice but does not manage the agreement.
		_, err = f.s.EndAgreement(f.ctx, practiceDoc, ag.ID, Basis{}, mgz.NewDate(2026, 6, 30), "De locatie sluit.")
		wantCode(t, err, mgz.ECodeForbidden, "")
		end, err := f.s.EndAgreement(f.ctx, providerEd, ag.ID, Basis{}, mgz.NewDate(2026, 6, 30), "De locatie sluit.")
		if err != nil || end.Status != mgz.AgreementEnded || end.EndReason == "" {
			t.Fatalf("end: %+v %v", end, err)
		}
		changed := end
		changed.NoticeMonths = 1
		wantCode(t, f.s.UpdateAgreement(f.ctx, providerEd, &changed), mgz.ECodeConflict, "")
	})
}

func TestAgreementTermsAreValidated(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Instelling")
	other := f.org(mgz.KindCareProvider, "Andere Zorg", "")
	otherLoc := f.location(other.ID, "Elders")
	_, providerEd := f.user(f.provider, mgz.RoleEditor)
	for _, tc := range []struct {
		name  string
		edit  func(*mgz.Agreement)
		field string
	}{
		{"§8 a subcontract states the free tariff", func(a *mgz.Agreement) { a.TariffCents = 0 }, "tariff_cents"},
		{"§3.2 a subcontract states the hours it covers", func(a *mgz.Agreement) { a.HoursCovered = "" }, "hours_covered"},
		{"§8 a cooperation agreement names the GP post", func(a *mgz.Agreement) { a.Type = mgz.AgreementCooperation }, "gp_post_id"},
		{"locations are required", func(a *mgz.Agreement) { a.Locations = nil }, "location_ids"},
		{"a location of another provider is refused", func(a *mgz.Agreement) { a.Locations = []int64{otherLoc.ID} }, "location_ids"},
		{"the start date is required", func(a *mgz.Agreement) { a.Start = mgz.Date{} }, "start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ag := f.agreementDraft(mgz.AgreementSubcontract, loc, nil)
			tc.edit(&ag)
			wantCode(t, f.s.CreateAgreement(f.ctx, providerEd, &ag), mgz.ECodeInvalid, tc.field)
		})
	}
}

func TestRemindersForEvaluationsEndingsAndMissingAgreements(t *testing.T) {
	f := newFixture(t)
	e, err := rules.NewEngine(calendar.Default())
	if err != nil {
		t.Fatal(err)
	}
	loc := f.location(f.provider.ID, "Woonvorm Zonder Afspraak")
	covered := f.location(f.provider.ID, "Woonvorm Met Afspraak")
	post := f.org(mgz.KindGPPost, "Huisartsenpost Test", "05000001")
	_, providerEd := f.user(f.provider, mgz.RoleEditor)
	_, practiceDoc := f.user(f.practice, mgz.RolePhysician)
	_, postAdmin := f.user(post, mgz.RoleAdmin)
	for i, l := range []mgz.Location{loc, covered} {
		lid := l.ID
		p := mgz.Patient{Name: "Cliënt", BirthDate: mgz.NewDate(1940, 1, 1+i), LocationID: &lid, Sector: l.Sector, Wlz: mgz.WlzWithoutTreatment,
			WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 2, 1), Delivery: mgz.DeliveryVPT}
		if err := f.db.Store().Patients().CreatePatient(f.ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	// Active since 1 April 2025 for 12 months, evaluated yearly: on 2 March 2026 the evaluation
	// (1 April 2026) is due within 60 days and the end (31 March 2026) within 90.
	ag := mgz.Agreement{Type: mgz.AgreementCooperation, Provider: f.provider.ID, Practice: f.practice.ID, GPPost: &post.ID,
		Locations: []int64{covered.ID}, Start: mgz.NewDate(2025, 4, 1), TermMonths: 12}
	if err := f.s.CreateAgreement(f.ctx, providerEd, &ag); err != nil {
		t.Fatal(err)
	}
	f.s.SendForSigning(f.ctx, providerEd, ag.ID, Basis{})
	for _, a := range []mgz.Actor{providerEd, practiceDoc, postAdmin} {
		if _, err := f.s.SignAgreement(f.ctx, a, ag.ID, Basis{}, "bestuurder"); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := f.s.Reminders(f.ctx, providerEd, e)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range rs {
		kinds[r.Kind]++
		if r.Kind == "missing_agreement" && r.LocationID != loc.ID {
			t.Errorf("a covered location is reported as missing its agreement: %+v", r)
		}
	}
	if kinds["evaluation_due"] != 1 || kinds["ending"] != 1 || kinds["missing_agreement"] != 1 {
		t.Fatalf("reminders %+v", rs)
	}
	rs, _ = f.s.Reminders(f.ctx, practiceDoc, e)
	if len(rs) != 2 {
		t.Fatalf("the practice gets the evaluation and the ending: %+v", rs)
	}
}
