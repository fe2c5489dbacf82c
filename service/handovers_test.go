package service

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/auth"
	"github.com/regio-mgz/mgz/calendar"
	"github.com/regio-mgz/mgz/rules"
)

// handoverWorld is a client at a location of f.provider, registered with f.practice, with an SO
// of a physician service as lead physician; the location has another practice as fixed GP; the
// region has a GP post, another region has one too, and one practice has nothing to do with it.
type handoverWorld struct {
	f                                         *fixture
	patient                                   mgz.Patient
	service, fixedGP, post, farPost, stranger mgz.Organisation
	lead, practice, provider, postUser, fixed mgz.Actor
	farPostUser, strangerUser, serviceViewer  mgz.Actor
	rho                                       mgz.Actor
	notices                                   *[]mgz.Notice
}

// noticeRecorder is the store with every notice added in a transaction recorded, after it was
// stored, so a test sees what the inbox got.
type noticeRecorder struct {
	mgz.Store
	got *[]mgz.Notice
}

func (r noticeRecorder) Atomic(ctx context.Context, fn func(mgz.Tx) error) error {
	return r.Store.Atomic(ctx, func(tx mgz.Tx) error { return fn(recordingTx{tx, r.got}) })
}

type recordingTx struct {
	mgz.Tx
	got *[]mgz.Notice
}

func (t recordingTx) Notices() mgz.NoticeStore { return recordingNotices{t.Tx.Notices(), t.got} }

type recordingNotices struct {
	mgz.NoticeStore
	got *[]mgz.Notice
}

func (n recordingNotices) Add(ctx context.Context, x *mgz.Notice) (bool, error) {
	ok, err := n.NoticeStore.Add(ctx, x)
	if ok && err == nil {
		*n.got = append(*n.got, *x)
	}
	return ok, err
}

func newHandoverWorld(t *testing.T) *handoverWorld {
	t.Helper()
	f := newFixture(t)
	w := &handoverWorld{f: f, notices: &[]mgz.Notice{}}
	f.s = New(noticeRecorder{f.db.Store(), w.notices}, Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	f.s.now = func() time.Time { return f.clock }
	w.service = f.org(mgz.KindPhysicianService, "SO-dienst Noord", "01000023")
	w.fixedGP = f.org(mgz.KindGPPractice, "Huisartsenpraktijk Vaste Arts", "01000009")
	w.post = f.org(mgz.KindGPPost, "Huisartsenpost Testregio", "01000021")
	w.farPost = f.org(mgz.KindGPPost, "Huisartsenpost Elders", "01000022")
	w.farPost.CareOfficeRegion = "Regio Elders"
	if err := f.db.Register().UpdateOrganisation(f.ctx, &w.farPost); err != nil {
		t.Fatal(err)
	}
	w.stranger = f.org(mgz.KindGPPractice, "Huisartsenpraktijk Onbekend", "01000008")
	l := mgz.Location{ProviderID: f.provider.ID, Name: "De Linde", Address: "Laan 2", Postcode: "9900 AB", Municipality: "Teststad",
		Setting: mgz.SettingClusteredHousing, Sector: mgz.SectorElderly, Deliveries: []mgz.Delivery{mgz.DeliveryVPT}, Places: 12,
		FixedGPPracticeID: &w.fixedGP.ID, PhysicianServiceID: &w.service.ID}
	if err := f.db.Register().CreateLocation(f.ctx, &l); err != nil {
		t.Fatal(err)
	}
	w.patient = mgz.Patient{Name: "Mevrouw Overdracht", BirthDate: mgz.NewDate(1935, 4, 3), LocationID: &l.ID,
		Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.DateOf(f.clock),
		Delivery: mgz.DeliveryVPT, GPPracticeID: &f.practice.ID, LeadPhysician: mgz.LeadElderlyCarePhysician, LeadPhysicianOrgID: &w.service.ID}
	if err := f.db.Store().Patients().CreatePatient(f.ctx, &w.patient); err != nil {
		t.Fatal(err)
	}
	_, w.lead = f.user(w.service, mgz.RolePhysician)
	_, w.serviceViewer = f.user(w.service, mgz.RoleViewer)
	_, w.practice = f.user(f.practice, mgz.RolePhysician)
	_, w.provider = f.user(f.provider, mgz.RoleEditor)
	_, w.postUser = f.user(w.post, mgz.RolePhysician)
	_, w.fixed = f.user(w.fixedGP, mgz.RolePhysician)
	_, w.farPostUser = f.user(w.farPost, mgz.RolePhysician)
	_, w.strangerUser = f.user(w.stranger, mgz.RolePhysician)
	_, w.rho = f.user(f.rho, mgz.RoleAdmin)
	return w
}

func sampleHandover(patientID int64, agreed mgz.Date) mgz.Handover {
	return mgz.Handover{PatientID: patientID, LeadName: "Dr. S. de Vries, SO", LeadReach: "0120 555123 (dag), via de SO-dienst (nacht)",
		Wishes: []mgz.TreatmentWish{
			{Treatment: mgz.TreatmentHospitalAdmission, Decision: mgz.DecisionWithRestrictions, Restrictions: "alleen bij een heupfractuur", AgreedOn: agreed, AgreedWith: mgz.AgreedWithBoth},
			{Treatment: mgz.TreatmentResuscitation, Decision: mgz.DecisionDeny, AgreedOn: agreed, AgreedWith: mgz.AgreedWithClient},
		},
		Problems: "Dementie; hartfalen", Medication: "Furosemide 40 mg 1x daags", Allergies: "Penicilline",
		ContactPersons: "Dochter: J. Jansen, 06 12345678", Representative: "Dochter J. Jansen (mentor)"}
}

// at sets the fixture's clock to a wall-clock time in Amsterdam.
func (w *handoverWorld) at(year int, month time.Month, day, hour int) {
	w.f.clock = time.Date(year, month, day, hour, 0, 0, 0, time.FixedZone("CET", 3600)).UTC()
}

func (w *handoverWorld) save(t *testing.T) mgz.Handover {
	t.Helper()
	h := sampleHandover(w.patient.ID, mgz.DateOf(w.f.clock))
	if err := w.f.s.SaveHandover(w.f.ctx, w.lead, &h, 0); err != nil {
		t.Fatalf("lead physician saving the handover: %v", err)
	}
	return h
}

func TestHandoverAccessRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		who  func(w *handoverWorld) mgz.Actor
		hour int // Amsterdam time on Monday 2 March 2026, a working day
		want string
	}{
		{"the lead physician's organisation reads", func(w *handoverWorld) mgz.Actor { return w.lead }, 10, ""},
		{"a viewer of the lead physician's organisation reads", func(w *handoverWorld) mgz.Actor { return w.serviceViewer }, 10, ""},
		{"the registered practice reads", func(w *handoverWorld) mgz.Actor { return w.practice }, 10, ""},
		{"the location's care provider reads", func(w *handoverWorld) mgz.Actor { return w.provider }, 10, ""},
		{"the region's GP post reads at 03:00", func(w *handoverWorld) mgz.Actor { return w.postUser }, 3, ""},
		{"the region's GP post reads at 17:30", func(w *handoverWorld) mgz.Actor { return w.postUser }, 18, ""},
		{"the region's GP post needs break-the-glass at 10:00 on a weekday", func(w *handoverWorld) mgz.Actor { return w.postUser }, 10, mgz.ECodeBreakGlass},
		{"the location's fixed GP practice needs break-the-glass", func(w *handoverWorld) mgz.Actor { return w.fixed }, 3, mgz.ECodeBreakGlass},
		{"a GP post of another region needs break-the-glass, even at night", func(w *handoverWorld) mgz.Actor { return w.farPostUser }, 3, mgz.ECodeBreakGlass},
		{"a practice not involved gets not found", func(w *handoverWorld) mgz.Actor { return w.strangerUser }, 3, mgz.ECodeNotFound},
		{"the RHO gets not found", func(w *handoverWorld) mgz.Actor { return w.rho }, 10, mgz.ECodeNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newHandoverWorld(t)
			w.save(t)
			w.at(2026, time.March, 2, tc.hour)
			n := len(w.f.entries())
			v, err := w.f.s.Handover(w.f.ctx, tc.who(w), w.patient.ID, 0)
			got := w.f.since(n)
			if tc.want == "" {
				if err != nil || v.Handover == nil || v.Handover.Version != 1 || v.Name != w.patient.Name {
					t.Fatalf("read = %+v, %v; want version 1", v, err)
				}
				if len(got) != 1 || got[0].Action != mgz.AuditRead || got[0].Outcome != mgz.OutcomeAllowed || got[0].PatientID != w.patient.ID || got[0].ObjectType != "handover" {
					t.Fatalf("audit entries of the read = %+v, want one allowed read of the handover", got)
				}
				return
			}
			wantCode(t, err, tc.want, "")
			if len(got) != 1 || got[0].Outcome != mgz.OutcomeDenied || got[0].PatientID != w.patient.ID {
				t.Fatalf("audit entries of the refusal = %+v, want one denied entry", got)
			}
		})
	}
}

func TestHandoverIsWrittenAndConfirmedOnlyByTheLeadPhysiciansOrganisation(t *testing.T) {
	w := newHandoverWorld(t)
	w.save(t)
	for name, a := range map[string]mgz.Actor{"registered practice": w.practice, "care provider": w.provider,
		"GP post at night": w.postUser, "viewer of the lead's organisation": w.serviceViewer} {
		h := sampleHandover(w.patient.ID, mgz.DateOf(w.f.clock))
		if err := w.f.s.SaveHandover(w.f.ctx, a, &h, 0); mgz.ErrorCode(err) != mgz.ECodeForbidden {
			t.Errorf("%s saving: %v, want forbidden", name, err)
		}
		if _, err := w.f.s.ConfirmHandover(w.f.ctx, a, w.patient.ID, 0); mgz.ErrorCode(err) != mgz.ECodeForbidden {
			t.Errorf("%s confirming: %v, want forbidden", name, err)
		}
	}
	h := sampleHandover(w.patient.ID, mgz.DateOf(w.f.clock))
	if err := w.f.s.SaveHandover(w.f.ctx, w.strangerUser, &h, 0); mgz.ErrorCode(err) != mgz.ECodeNotFound {
		t.Errorf("a practice not involved saving: %v, want not found", err)
	}
}

func TestHandoverVersionsAreKeptAndAStaleEditIsRefused(t *testing.T) {
	w := newHandoverWorld(t)
	first := w.save(t)
	if first.Version != 1 {
		t.Fatalf("first version = %d", first.Version)
	}
	w.f.clock = w.f.clock.Add(time.Hour)
	second := sampleHandover(w.patient.ID, mgz.DateOf(w.f.clock))
	second.Allergies = "Geen bekend"
	if err := w.f.s.SaveHandover(w.f.ctx, w.lead, &second, 1); err != nil || second.Version != 2 {
		t.Fatalf("second save = %d, %v", second.Version, err)
	}
	stale := sampleHandover(w.patient.ID, mgz.DateOf(w.f.clock))
	wantCode(t, w.f.s.SaveHandover(w.f.ctx, w.lead, &stale, 1), mgz.ECodeConflict, "")
	old, err := w.f.s.Handover(w.f.ctx, w.practice, w.patient.ID, 1)
	if err != nil || old.Handover.Allergies != "Penicilline" {
		t.Fatalf("version 1 = %+v, %v; want the old allergies kept", old.Handover, err)
	}
	vs, err := w.f.s.HandoverVersions(w.f.ctx, w.practice, w.patient.ID)
	if err != nil || len(vs) != 2 || vs[0].Version != 2 {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	// The wishes are kept in the order of the zib's treatments: resuscitation first.
	cur, _ := w.f.s.Handover(w.f.ctx, w.practice, w.patient.ID, 0)
	if cur.Handover.Wishes[0].Treatment != mgz.TreatmentResuscitation || cur.Handover.Wishes[0].Summary() != "Reanimatie: NIET reanimeren" {
		t.Fatalf("first wish = %+v", cur.Handover.Wishes[0])
	}
}

func TestAHandoverOlderThanTheRegionsLimitIsOutdatedUntilConfirmed(t *testing.T) {
	w := newHandoverWorld(t)
	w.save(t)
	w.f.clock = w.f.clock.AddDate(1, 0, 1)
	v, err := w.f.s.Handover(w.f.ctx, w.practice, w.patient.ID, 0)
	if err != nil || !v.Outdated || v.MaxAgeMonths != 12 {
		t.Fatalf("after a year and a day: outdated %v (limit %d), %v; want outdated", v.Outdated, v.MaxAgeMonths, err)
	}
	if err := w.f.s.SetHandoverMaxAgeMonths(w.f.ctx, w.lead, 24); mgz.ErrorCode(err) != mgz.ECodeForbidden {
		t.Fatalf("the lead physician setting the region's limit: %v, want forbidden", err)
	}
	if err := w.f.s.SetHandoverMaxAgeMonths(w.f.ctx, w.rho, 24); err != nil {
		t.Fatal(err)
	}
	if v, _ = w.f.s.Handover(w.f.ctx, w.practice, w.patient.ID, 0); v.Outdated {
		t.Fatal("with a limit of 24 months a handover of a year old is outdated")
	}
	if err := w.f.s.SetHandoverMaxAgeMonths(w.f.ctx, w.rho, 12); err != nil {
		t.Fatal(err)
	}
	h, err := w.f.s.ConfirmHandover(w.f.ctx, w.lead, w.patient.ID, 1)
	if err != nil || h.Version != 1 || !h.ConfirmedAt.Equal(w.f.clock) || !strings.Contains(h.ConfirmedBy, "SO-dienst Noord") {
		t.Fatalf("confirmation = %+v, %v", h, err)
	}
	if v, _ = w.f.s.Handover(w.f.ctx, w.practice, w.patient.ID, 0); v.Outdated || v.Handover.Version != 1 {
		t.Fatalf("after confirmation: outdated %v, version %d; want a fresh version 1", v.Outdated, v.Handover.Version)
	}
}

func TestBreakTheGlassNeedsAReasonIsAuditedAsEmergencyAndTellsTheLeadPhysician(t *testing.T) {
	w := newHandoverWorld(t)
	w.save(t)
	w.at(2026, time.March, 2, 10)
	wantCode(t, func() error { _, err := w.f.s.EmergencyAccess(w.f.ctx, w.postUser, w.patient.ID, "kort"); return err }(), mgz.ECodeInvalid, "reason")
	_, err := w.f.s.EmergencyAccess(w.f.ctx, w.strangerUser, w.patient.ID, "ik wil het gewoon zien")
	wantCode(t, err, mgz.ECodeNotFound, "")
	_, err = w.f.s.EmergencyAccess(w.f.ctx, w.practice, w.patient.ID, "ik heb al toegang tot de cliënt")
	wantCode(t, err, mgz.ECodeForbidden, "")

	n := len(w.f.entries())
	g, err := w.f.s.EmergencyAccess(w.f.ctx, w.postUser, w.patient.ID, "Acute visite na val, behandelwensen nodig")
	if err != nil || !g.Until.Equal(w.f.clock.Add(EmergencyAccessWindow)) {
		t.Fatalf("emergency access = %+v, %v", g, err)
	}
	v, err := w.f.s.Handover(w.f.ctx, w.postUser, w.patient.ID, 0)
	if err != nil || v.Emergency == nil || v.Handover == nil {
		t.Fatalf("read under emergency access = %+v, %v", v, err)
	}
	got := w.f.since(n)
	if len(got) != 2 {
		t.Fatalf("entries = %+v, want the grant and the read", got)
	}
	for _, e := range got {
		if e.Action != mgz.AuditReadEmergency || !strings.Contains(e.Reason, "Acute visite na val") || e.PatientID != w.patient.ID {
			t.Errorf("entry %+v: want read_emergency with the stated reason", e)
		}
	}
	if len(*w.notices) != 1 {
		t.Fatalf("notices = %+v, want one to the lead physician's organisation", *w.notices)
	}
	nt := (*w.notices)[0]
	if nt.OrganisationID != w.service.ID || nt.Kind != mgz.NoticeHandoverEmergencyAccess || nt.ID == 0 ||
		nt.Subject != "Noodtoegang tot een overdracht door Huisartsenpost Testregio" || nt.Link != fmt.Sprintf("/clienten/%d/overdracht", w.patient.ID) {
		t.Fatalf("notice = %+v", nt)
	}
	// A second request while the access runs records nothing new.
	if _, err := w.f.s.EmergencyAccess(w.f.ctx, w.postUser, w.patient.ID, "nogmaals, dezelfde visite"); err != nil || len(*w.notices) != 1 {
		t.Fatalf("second request: %v, %d notices", err, len(*w.notices))
	}
	// After the window the glass is whole again.
	w.f.clock = w.f.clock.Add(EmergencyAccessWindow)
	_, err = w.f.s.Handover(w.f.ctx, w.postUser, w.patient.ID, 0)
	wantCode(t, err, mgz.ECodeBreakGlass, "")
}

func TestTheClientCardShowsTheWishesOnlyToReadersAndAuditsIt(t *testing.T) {
	w := newHandoverWorld(t)
	n := len(w.f.entries())
	if v, err := w.f.s.HandoverForCard(w.f.ctx, w.practice, w.patient); err != nil || v == nil || v.Handover != nil || v.CanEdit || len(w.f.since(n)) != 0 {
		t.Fatalf("without a handover: %+v, %v, %d entries", v, err, len(w.f.since(n)))
	}
	if v, _ := w.f.s.HandoverForCard(w.f.ctx, w.lead, w.patient); v == nil || !v.CanEdit {
		t.Fatalf("the lead physician is not offered to write the handover: %+v", v)
	}
	w.save(t)
	n = len(w.f.entries())
	v, err := w.f.s.HandoverForCard(w.f.ctx, w.provider, w.patient)
	if err != nil || v == nil || len(v.Handover.Wishes) != 2 {
		t.Fatalf("card for the provider = %+v, %v", v, err)
	}
	if e := w.f.since(n); len(e) != 1 || e[0].Action != mgz.AuditRead || e[0].PatientID != w.patient.ID {
		t.Fatalf("card read entries = %+v", e)
	}
	n = len(w.f.entries())
	if v, err := w.f.s.HandoverForCard(w.f.ctx, w.fixed, w.patient); err != nil || v != nil || len(w.f.since(n)) != 0 {
		t.Fatalf("card for the fixed GP (break-the-glass only) = %+v, %v", v, err)
	}
}

func TestHandoverContentIsValidated(t *testing.T) {
	today := mgz.NewDate(2026, 3, 2)
	for _, tc := range []struct {
		name  string
		edit  func(h *mgz.Handover)
		field string
	}{
		{"restrictions are required with restrictions", func(h *mgz.Handover) { h.Wishes[0].Restrictions = "" }, "treatment_wishes[0].restrictions"},
		{"the agreed date is required", func(h *mgz.Handover) { h.Wishes[1].AgreedOn = mgz.Date{} }, "treatment_wishes[1].agreed_on"},
		{"the agreed date is not in the future", func(h *mgz.Handover) { h.Wishes[1].AgreedOn = mgz.NewDate(2026, 3, 3) }, "treatment_wishes[1].agreed_on"},
		{"with whom it was agreed is required", func(h *mgz.Handover) { h.Wishes[1].AgreedWith = "" }, "treatment_wishes[1].agreed_with"},
		{"an unknown decision is refused", func(h *mgz.Handover) { h.Wishes[1].Decision = "maybe" }, "treatment_wishes[1].decision"},
		{"a treatment appears once", func(h *mgz.Handover) { h.Wishes[0].Treatment = mgz.TreatmentResuscitation }, "treatment_wishes[1].treatment"},
		{"the lead physician's name is required", func(h *mgz.Handover) { h.LeadName = " " }, "lead_name"},
		{"texts are bounded", func(h *mgz.Handover) { h.Medication = strings.Repeat("x", 4001) }, "medication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sampleHandover(1, today)
			tc.edit(&h)
			wantCode(t, h.Normalise(today), mgz.ECodeInvalid, tc.field)
		})
	}
}

func TestWithoutAGPPostOfTheClientsRegionEveryGPPostReadsAtNight(t *testing.T) {
	w := newHandoverWorld(t)
	w.save(t)
	w.post.CareOfficeRegion = "Regio Derde"
	if err := w.f.db.Register().UpdateOrganisation(w.f.ctx, &w.post); err != nil {
		t.Fatal(err)
	}
	w.at(2026, time.March, 3, 2)
	for name, a := range map[string]mgz.Actor{"first GP post": w.postUser, "second GP post": w.farPostUser} {
		if _, err := w.f.s.Handover(w.f.ctx, a, w.patient.ID, 0); err != nil {
			t.Errorf("%s at 02:00 with no GP post of the client's region: %v", name, err)
		}
	}
}

// The regional overview flags, per location, the Wlz clients without a handover and those whose
// handover is older than the region's limit (issue 12: "flagged on the client card and the
// overview").
func TestTheOverviewCountsMissingAndOutdatedHandovers(t *testing.T) {
	w := newHandoverWorld(t)
	e, _ := rules.NewEngine(calendar.Default())
	w.save(t)
	second := mgz.Patient{Name: "Meneer Zonder Overdracht", BirthDate: mgz.NewDate(1931, 2, 1), LocationID: w.patient.LocationID,
		Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.DateOf(w.f.clock),
		Delivery: mgz.DeliveryVPT, GPPracticeID: &w.f.practice.ID}
	if err := w.f.db.Store().Patients().CreatePatient(w.f.ctx, &second); err != nil {
		t.Fatal(err)
	}
	row := func() mgz.OverviewRow {
		t.Helper()
		ov, err := w.f.s.RegionalOverview(w.f.ctx, w.rho, e, mgz.OverviewFilter{}, OverviewParts{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ov.Rows {
			if r.LocationID == *w.patient.LocationID {
				return r
			}
		}
		t.Fatalf("location %d is not in the overview", *w.patient.LocationID)
		return mgz.OverviewRow{}
	}
	if r := row(); r.HandoversMissing != 1 || r.HandoversOutdated != 0 {
		t.Fatalf("fresh: %d without, %d outdated; want 1 and 0", r.HandoversMissing, r.HandoversOutdated)
	}
	w.f.clock = w.f.clock.AddDate(1, 0, 1)
	if r := row(); r.HandoversMissing != 1 || r.HandoversOutdated != 1 {
		t.Fatalf("a year and a day later: %d without, %d outdated; want 1 and 1", r.HandoversMissing, r.HandoversOutdated)
	}
	if _, err := w.f.s.ConfirmHandover(w.f.ctx, w.lead, w.patient.ID, 1); err != nil {
		t.Fatal(err)
	}
	if r := row(); r.HandoversOutdated != 0 {
		t.Fatalf("after confirmation %d outdated, want 0", r.HandoversOutdated)
	}
}
