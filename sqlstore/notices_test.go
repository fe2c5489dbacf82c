package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

func TestNoticeArrivesOnceWithItsMails(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	org := practice("De Beuk", "01000009")
	if err := st.Register().CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	for i, email := range []string{"a@example.nl", "b@example.nl", "weg@example.nl"} {
		u := &mgz.User{OrganisationID: org.ID, Email: email, Name: "Gebruiker", Roles: []mgz.UserRole{mgz.RoleViewer}, Disabled: i == 2}
		if err := st.Accounts().CreateUser(ctx, u, "x"); err != nil {
			t.Fatal(err)
		}
	}
	n := func() *mgz.Notice {
		return &mgz.Notice{OrganisationID: org.ID, Kind: mgz.NoticeEscalationOverdue, Subject: "Reactietermijn van melding 1 verstreken",
			Link: "/meldingen/1", DedupeKey: "overdue:1:1"}
	}
	for i, want := range []bool{true, false} {
		created, err := st.Notices().Add(ctx, n())
		if err != nil || created != want {
			t.Fatalf("Add #%d = %v, %v; want %v", i+1, created, err, want)
		}
	}
	var notices, mails int
	if err := db.sql.QueryRow(`SELECT count(*) FROM notices`).Scan(&notices); err != nil {
		t.Fatal(err)
	}
	if err := db.sql.QueryRow(`SELECT count(*) FROM mail_outbox WHERE link = '/meldingen/1' AND sent_at IS NULL`).Scan(&mails); err != nil {
		t.Fatal(err)
	}
	if notices != 1 || mails != 2 {
		t.Fatalf("got %d notices and %d mails, want 1 notice and a mail for each of the 2 active users", notices, mails)
	}
}

func TestInboxListsNewestFirstAndMarksReadOnlyInItsOrganisation(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	a, b := practice("De Beuk", "01000009"), practice("De Eik", "01000010")
	for _, o := range []*mgz.Organisation{a, b} {
		if err := st.Register().CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	for i := range 3 {
		n := &mgz.Notice{OrganisationID: a.ID, Kind: mgz.NoticeSwitchRequest, Subject: fmt.Sprintf("Overstapverzoek %d", i+1), Link: fmt.Sprintf("/overstappen/%d", i+1)}
		if _, err := st.Notices().Add(ctx, n); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
	}
	if _, err := st.Notices().Add(ctx, &mgz.Notice{OrganisationID: b.ID, Kind: mgz.NoticeSwitchRequest, Subject: "ander", Link: "/overstappen/9"}); err != nil {
		t.Fatal(err)
	}
	got, total, err := st.Notices().List(ctx, mgz.NoticeFilter{OrganisationID: a.ID, Page: mgz.Page{Limit: 2}})
	if err != nil || total != 3 || len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] {
		t.Fatalf("List = %+v, %d, %v; want the 2 newest of 3", got, total, err)
	}
	older, _, err := st.Notices().List(ctx, mgz.NoticeFilter{OrganisationID: a.ID, Before: got[1].ID})
	if err != nil || len(older) != 1 || older[0].ID != ids[0] {
		t.Fatalf("List before %d = %+v, %v; want the oldest", got[1].ID, older, err)
	}
	if err := st.Notices().MarkRead(ctx, ids[0], b.ID, 0, time.Now()); mgz.ErrorCode(err) != mgz.ECodeNotFound {
		t.Fatalf("MarkRead by another organisation = %v, want not found", err)
	}
	if err := st.Notices().MarkRead(ctx, ids[0], a.ID, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if c, err := st.Notices().UnreadCount(ctx, a.ID); err != nil || c != 2 {
		t.Fatalf("UnreadCount = %d, %v; want 2", c, err)
	}
	unread, total, err := st.Notices().List(ctx, mgz.NoticeFilter{OrganisationID: a.ID, Unread: true})
	if err != nil || total != 2 || len(unread) != 2 {
		t.Fatalf("unread List = %d, %d, %v; want 2", len(unread), total, err)
	}
	if n, err := st.Notices().MarkAllRead(ctx, a.ID, 0, time.Now()); err != nil || n != 2 {
		t.Fatalf("MarkAllRead = %d, %v; want 2", n, err)
	}
	if c, _ := st.Notices().UnreadCount(ctx, b.ID); c != 1 {
		t.Fatalf("the other organisation's notice was marked read too (unread %d)", c)
	}
}

func TestOutboxClaimLeasesARowToOneWorker(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	org := practice("De Beuk", "01000009")
	if err := st.Register().CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	if err := st.Accounts().CreateUser(ctx, &mgz.User{OrganisationID: org.ID, Email: "a@example.nl", Name: "A", Roles: []mgz.UserRole{mgz.RoleViewer}}, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Notices().Add(ctx, &mgz.Notice{OrganisationID: org.ID, Kind: mgz.NoticeSwitchRequest, Subject: "x", Link: "/overstappen/1"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(time.Minute)
	first, err := st.Outbox().Claim(ctx, now, 5*time.Minute, 10)
	if err != nil || len(first) != 1 || first[0].Attempts != 1 {
		t.Fatalf("first Claim = %+v, %v; want the one mail at attempt 1", first, err)
	}
	if again, err := st.Outbox().Claim(ctx, now.Add(time.Minute), 5*time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("Claim within the lease = %+v, %v; want nothing", again, err)
	}
	// The worker died: after the lease the mail is due again, and the late worker's report is ignored.
	second, err := st.Outbox().Claim(ctx, now.Add(6*time.Minute), 5*time.Minute, 10)
	if err != nil || len(second) != 1 || second[0].Attempts != 2 {
		t.Fatalf("Claim after the lease = %+v, %v; want the mail at attempt 2", second, err)
	}
	if ok, err := st.Outbox().Sent(ctx, first[0].ID, 1, now); err != nil || ok {
		t.Fatalf("Sent for a stale attempt = %v, %v; want false", ok, err)
	}
	if ok, err := st.Outbox().Sent(ctx, first[0].ID, 2, now); err != nil || !ok {
		t.Fatalf("Sent = %v, %v; want true", ok, err)
	}
	st2, err := st.Outbox().Status(ctx, 0)
	if err != nil || st2.Pending != 0 || st2.Failed != 0 {
		t.Fatalf("Status = %+v, %v; want nothing waiting", st2, err)
	}
}

func TestOutboxHoldsOnlyTheKindAndTheLinkOfANoticeAboutAClient(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	st := db.Store()
	org := practice("De Beuk", "01000009")
	if err := st.Register().CreateOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	if err := st.Accounts().CreateUser(ctx, &mgz.User{OrganisationID: org.ID, Email: "a@example.nl", Name: "A", Roles: []mgz.UserRole{mgz.RoleViewer}}, "x"); err != nil {
		t.Fatal(err)
	}
	// A subject that breaks the rule on purpose: the mail must not carry it either way.
	n := &mgz.Notice{OrganisationID: org.ID, Kind: mgz.NoticeEscalationFiled, Subject: "Dhr. Pietersen (BSN 123456782) valt vaak",
		Link: "/meldingen/7", ObjectType: "patient", ObjectID: 7}
	if _, err := st.Notices().Add(ctx, n); err != nil {
		t.Fatal(err)
	}
	var subject, body, link string
	if err := db.sql.QueryRow(`SELECT subject, body, link FROM mail_outbox WHERE notice_id = $1`, n.ID).Scan(&subject, &body, &link); err != nil {
		t.Fatal(err)
	}
	all := subject + "\n" + body + "\n" + link
	for _, never := range []string{"Pietersen", "123456782", "valt", "patient"} {
		if strings.Contains(all, never) {
			t.Fatalf("the outbox holds %q:\n%s", never, all)
		}
	}
	if subject != "Er staat iets voor u klaar in mgz" || !strings.Contains(body, mgz.NoticeEscalationFiled.Label()) || link != "/meldingen/7" {
		t.Fatalf("mail = %q / %q / %q; want the fixed subject, the kind and the link", subject, body, link)
	}
}
