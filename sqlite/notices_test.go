package sqlite

import (
	"context"
	"testing"

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
