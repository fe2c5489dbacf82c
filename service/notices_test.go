package service

import (
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
)

// inbox returns the notices of org's inbox as the actor sees them.
func (f *fixture) inbox(a mgz.Actor) []mgz.Notice {
	f.t.Helper()
	ns, _, err := f.s.Inbox(f.ctx, a, mgz.NoticeFilter{})
	if err != nil {
		f.t.Fatalf("inbox: %v", err)
	}
	return ns
}

func kinds(ns []mgz.Notice) string {
	var ks []string
	for _, n := range ns {
		ks = append(ks, string(n.Kind))
	}
	return strings.Join(ks, ",")
}

func TestSwitchEventsArriveInBothPracticesInboxes(t *testing.T) {
	f := newFixture(t)
	_, holder := f.user(f.practice, mgz.RoleAdmin)
	p, sr, requester := switchSetup(t, f)
	if got := kinds(f.inbox(holder)); got != "switch_request" {
		t.Fatalf("holding practice's inbox after a request = %q, want switch_request", got)
	}
	if got := kinds(f.inbox(requester)); got != "" {
		t.Fatalf("asking practice's inbox after its own request = %q, want empty", got)
	}
	// The mails of the notice carry neither the client's name nor the BSN, nor the subject.
	mails, _, err := f.db.Store().Outbox().Mails(f.ctx, mgz.OutboxFilter{})
	if err != nil || len(mails) == 0 {
		t.Fatalf("outbox = %v, %v; want the holding practice's mails", mails, err)
	}
	for _, m := range mails {
		m, _ = f.db.Store().Outbox().Mail(f.ctx, m.ID)
		all := m.Subject + m.Body + m.Link
		for _, secret := range []string{p.Name, p.BSN, "Zoals Getypt", "overnemen", "cliënt"} {
			if strings.Contains(all, secret) {
				t.Fatalf("mail %d holds %q: %q", m.ID, secret, all)
			}
		}
		if !strings.Contains(m.Body, mgz.NoticeSwitchRequest.Label()) {
			t.Fatalf("mail %d does not name the kind: %q", m.ID, m.Body)
		}
	}

	if _, err := f.s.ObjectSwitch(f.ctx, holder, sr.ID, "De cliënt heeft ons anders laten weten."); err != nil {
		t.Fatal(err)
	}
	if got := kinds(f.inbox(requester)); got != "switch_objection" {
		t.Fatalf("asking practice's inbox after an objection = %q", got)
	}

	// A second request, confirmed: both practices hear the switch completed.
	again := p
	again.ID, again.GPPracticeID = 0, nil
	out, err := f.s.RegisterPatient(f.ctx, requester, &again, &mgz.Registration{SwitchConsentMethod: mgz.ConsentInPerson,
		SwitchConsentOn: mgz.DateOf(f.clock), SwitchConsentBy: "Dr. A. Bakker, huisarts"})
	if err != nil || out.SwitchRequest == nil {
		t.Fatalf("second request: %+v %v", out, err)
	}
	if _, err := f.s.ConfirmSwitch(f.ctx, holder, out.SwitchRequest.ID); err != nil {
		t.Fatal(err)
	}
	if got := kinds(f.inbox(holder)); got != "switch_completed,switch_request,switch_request" {
		t.Fatalf("holding practice's inbox = %q", got)
	}
	if got := kinds(f.inbox(requester)); got != "switch_completed,switch_objection" {
		t.Fatalf("asking practice's inbox = %q", got)
	}
}

func TestInboxIsTheOrganisationsOwn(t *testing.T) {
	f := newFixture(t)
	_, holder := f.user(f.practice, mgz.RoleViewer)
	_, sr, requester := switchSetup(t, f)
	ns := f.inbox(holder)
	if len(ns) != 1 || ns[0].Link == "" || ns[0].ObjectID != sr.ID {
		t.Fatalf("inbox = %+v", ns)
	}
	wantCode(t, f.s.MarkNoticeRead(f.ctx, requester, ns[0].ID), mgz.ECodeNotFound, "")
	if n, _ := f.s.UnreadNotices(f.ctx, holder); n != 1 {
		t.Fatalf("unread after another organisation's attempt = %d, want 1", n)
	}
	if err := f.s.MarkNoticeRead(f.ctx, holder, ns[0].ID); err != nil {
		t.Fatalf("a viewer marks the organisation's notice read: %v", err)
	}
	if n, _ := f.s.UnreadNotices(f.ctx, holder); n != 0 {
		t.Fatalf("unread after marking = %d, want 0", n)
	}
	e := f.entries()
	if last := e[len(e)-1]; last.ObjectType != "notice" || last.ObjectID != ns[0].ID || last.Outcome != mgz.OutcomeAllowed {
		t.Fatalf("last audit entry = %+v, want the marking", last)
	}
}

func TestAgreementRemindersArriveOncePerParty(t *testing.T) {
	// One reminder per transaction: the scan writes in batches, and every batch counts.
	defer func(b int) { reminderBatch = b }(reminderBatch)
	reminderBatch = 1
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm Het Hof")
	_, providerEd := f.user(f.provider, mgz.RoleEditor)
	_, practiceDoc := f.user(f.practice, mgz.RolePhysician)
	post := f.org(mgz.KindGPPost, "Huisartsenpost Test", "05000001")
	_, postAdmin := f.user(post, mgz.RoleAdmin)
	ag := f.agreementDraft(mgz.AgreementCooperation, loc, &post)
	if err := f.s.CreateAgreement(f.ctx, providerEd, &ag); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SendForSigning(f.ctx, providerEd, ag.ID, Basis{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SignAgreement(f.ctx, providerEd, ag.ID, Basis{}, "bestuurder"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{2, 0} {
		if n, err := f.s.NotifyAgreementReminders(f.ctx); err != nil || n != want {
			t.Fatalf("scan %d added %d (%v), want %d: the practice and the post have yet to sign, once", i+1, n, err, want)
		}
	}
	if got := kinds(f.inbox(practiceDoc)); got != "agreement_reminder" {
		t.Fatalf("practice's inbox = %q", got)
	}
	if got := kinds(f.inbox(providerEd)); got != "" {
		t.Fatalf("provider signed already; its inbox = %q", got)
	}
	for _, a := range []mgz.Actor{practiceDoc, postAdmin} {
		if _, err := f.s.SignAgreement(f.ctx, a, ag.ID, Basis{}, "huisarts"); err != nil {
			t.Fatal(err)
		}
	}
	// 21 months later the agreement of 24 months ends within 90 days, and its evaluation is due.
	f.clock = f.clock.AddDate(0, 21, 0)
	if n, err := f.s.NotifyAgreementReminders(f.ctx); err != nil || n != 6 {
		t.Fatalf("scan near the end added %d (%v), want an evaluation and an ending reminder for the three parties", n, err)
	}
}
