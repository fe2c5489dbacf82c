package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

func TestInboxPageShowsUnreadFirstAndTheHeaderCountsThem(t *testing.T) {
	ts := newTestServer(t, false)
	ctx := context.Background()
	practice := mgz.Organisation{Kind: mgz.KindGPPractice, Name: "Praktijk Berichten", AGB: "01000077", KvK: "77000077", Address: "Weg 1",
		Postcode: "9901 AB", City: "Teststad", Phone: "0120 555001", CareOfficeRegion: "Regio Test"}
	if err := ts.reg.CreateOrganisation(ctx, &practice); err != nil {
		t.Fatal(err)
	}
	c := ts.as(t, practice.ID, mgz.RoleViewer)
	add := func(org int64, subject string) int64 {
		n := &mgz.Notice{OrganisationID: org, Kind: mgz.NoticeSwitchRequest, Subject: subject, Link: "/overstappen/1"}
		if _, err := ts.db.Store().Notices().Add(ctx, n); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	first := add(practice.ID, "Eerste bericht")
	add(practice.ID, "Tweede bericht")
	add(ts.rho.ID, "Bericht voor de RHO")

	const badge = `Berichten<span class="visually-hidden">,</span> <span class="badge">2<span class="visually-hidden"> ongelezen</span>`
	r := c.do(t, "GET", "/", nil)
	if !strings.Contains(string(r.body), badge) {
		t.Fatalf("the header does not say \"Berichten, 2 ongelezen\":\n%s", r.body)
	}
	if r = c.postForm(t, "/berichten/"+itoa(first)+"/gelezen", url.Values{}); r.status != 303 {
		t.Fatalf("mark read: %d %s", r.status, r.body)
	}
	page := string(c.do(t, "GET", "/berichten", nil).body)
	unread, read := strings.Index(page, "Tweede bericht"), strings.Index(page, "Eerste bericht")
	if unread < 0 || read < 0 || unread > read || strings.Contains(page, "Bericht voor de RHO") {
		t.Fatalf("the page shows the unread notice first and only the organisation's own:\n%s", page)
	}
	if !strings.Contains(page, `<span class="badge">1<span class="visually-hidden"> ongelezen</span>`) {
		t.Fatalf("the header does not count one unread notice after marking one:\n%s", page)
	}
	if r = c.postForm(t, "/berichten/gelezen", url.Values{}); r.status != 303 {
		t.Fatalf("mark all read: %d", r.status)
	}
	if page = string(c.do(t, "GET", "/berichten", nil).body); strings.Contains(page, `class="badge"`) || !strings.Contains(page, "Er zijn geen ongelezen berichten.") {
		t.Fatalf("after marking all read the header still counts, or the page still lists unread notices:\n%s", page)
	}
}

func TestOutboxPageShowsFailuresWithoutContentAndSaysWhenMailIsOff(t *testing.T) {
	ts := newTestServer(t, false)
	ctx := context.Background()
	admin := ts.as(t, ts.rho.ID, mgz.RoleAdmin)
	n := &mgz.Notice{OrganisationID: ts.rho.ID, Kind: mgz.NoticeAgreementReminder, Subject: "Geheim onderwerp 42", Link: "/overeenkomsten/42"}
	if _, err := ts.db.Store().Notices().Add(ctx, n); err != nil {
		t.Fatal(err)
	}
	ms, err := ts.db.Store().Outbox().Claim(ctx, time.Now().Add(time.Hour), time.Minute, 100)
	if err != nil || len(ms) == 0 {
		t.Fatalf("claim: %v %v", ms, err)
	}
	for _, m := range ms {
		if err := ts.db.Store().Outbox().Failed(ctx, m.ID, m.Attempts, "550 mailbox unavailable", m.NextAttemptAt, true, m.NextAttemptAt); err != nil {
			t.Fatal(err)
		}
	}
	page := string(admin.do(t, "GET", "/e-mail", nil).body)
	for _, want := range []string{"E-mail is niet ingesteld", "550 mailbox unavailable", "mislukt", "Opnieuw proberen", ms[0].Recipient} {
		if !strings.Contains(page, want) {
			t.Fatalf("the outbox page lacks %q:\n%s", want, page)
		}
	}
	for _, never := range []string{"Geheim onderwerp", "/overeenkomsten/42", "Er staat een bericht"} {
		if strings.Contains(page, never) {
			t.Fatalf("the outbox page shows the content of a mail (%q)", never)
		}
	}
	if r := admin.postForm(t, "/e-mail/"+itoa(ms[0].ID)+"/opnieuw", url.Values{}); r.status != 303 {
		t.Fatalf("retry: %d %s", r.status, r.body)
	}
	m, err := ts.db.Store().Outbox().Mail(ctx, ms[0].ID)
	if err != nil || m.FailedAt != nil || m.Attempts != 0 {
		t.Fatalf("after retry the mail = %+v, %v; want waiting with no attempts", m, err)
	}
}
