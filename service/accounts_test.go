package service

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/regio-mgz/mgz"
)

func TestAStaleUserEditIsRefusedAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	_, admin := f.user(f.practice, mgz.RoleAdmin)
	colleague, _ := f.user(f.practice, mgz.RoleViewer)
	opened := f.storedUser(colleague.ID) // revision 1
	// Another admin renames the colleague after this form was opened.
	other := opened
	other.Name = "Door een ander gewijzigd"
	if err := f.s.UpdateUser(f.ctx, admin, &other); err != nil {
		t.Fatal(err)
	}
	if other.Revision != opened.Revision+1 {
		t.Fatalf("revision after an edit = %d, want %d", other.Revision, opened.Revision+1)
	}
	cases := []struct {
		name     string
		revision int64
		code     string
	}{
		{"made on an older revision", opened.Revision, mgz.ECodeConflict},
		{"made on a revision that never was", other.Revision + 5, mgz.ECodeConflict},
		{"made on the current revision", other.Revision, ""},
		{"without a revision (the current one)", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.storedUser(colleague.ID)
			n := len(f.entries())
			u := mgz.User{ID: colleague.ID, Name: "Mijn wijziging " + c.name, Roles: []mgz.UserRole{mgz.RoleEditor}, Revision: c.revision}
			err := f.s.UpdateUser(f.ctx, admin, &u)
			after := f.storedUser(colleague.ID)
			if c.code == "" {
				if err != nil || after.Name != u.Name || after.Revision != before.Revision+1 || u.Revision != after.Revision {
					t.Fatalf("UpdateUser = %v; stored %q revision %d (returned %d), want %q revision %d", err, after.Name, after.Revision, u.Revision, u.Name, before.Revision+1)
				}
				return
			}
			wantCode(t, err, c.code, "")
			if !strings.Contains(mgz.ErrorMessage(err), "naam nu "+before.Name) || !strings.Contains(mgz.ErrorMessage(err), "Open de nieuwste versie") {
				t.Errorf("message %q does not say what the user holds now and what to do", mgz.ErrorMessage(err))
			}
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("a stale edit changed the user: %+v → %+v", before, after)
			}
			if es := f.since(n); len(es) != 0 {
				t.Errorf("a stale edit wrote audit entries: %+v", es)
			}
		})
	}
}

func TestTheLastActiveAdminCannotBeRemoved(t *testing.T) {
	f := newFixture(t)
	_, first := f.user(f.practice, mgz.RoleAdmin)
	second, _ := f.user(f.practice, mgz.RoleAdmin)
	// The second admin is blocked by the first: allowed, one admin is left.
	u := f.storedUser(second.ID)
	u.Disabled = true
	if err := f.s.UpdateUser(f.ctx, first, &u); err != nil {
		t.Fatal(err)
	}
	// The operator (who may edit anyone) cannot take the last admin away either.
	for _, c := range []struct {
		name   string
		change func(*mgz.User)
	}{
		{"role withdrawn", func(u *mgz.User) { u.Roles = []mgz.UserRole{mgz.RoleEditor} }},
		{"account blocked", func(u *mgz.User) { u.Disabled = true }},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := f.storedUser(first.User.ID)
			c.change(&u)
			wantCode(t, f.s.UpdateUser(f.ctx, System(), &u), mgz.ECodeConflict, "roles")
			if got := f.storedUser(first.User.ID); got.Disabled || !got.Has(mgz.RoleAdmin) {
				t.Fatalf("the last admin was changed: %+v", got)
			}
		})
	}
	t.Run("a blocked admin does not count", func(t *testing.T) {
		n, err := f.db.Store().Accounts().ActiveAdmins(f.ctx, f.practice.ID)
		if err != nil || n != 1 {
			t.Fatalf("ActiveAdmins = %d, %v; want 1", n, err)
		}
	})
}

// TestConcurrentUserEditsLoseNoAcknowledgedChange: many admins edit one colleague at once, each
// on the revision they read, retrying after a 409. Every acknowledged edit must be in the chain
// of revisions (none overwritten unseen), the last one must be stored, and nothing but a conflict
// may go wrong.
func TestConcurrentUserEditsLoseNoAcknowledgedChange(t *testing.T) {
	f := newFixture(t)
	const editors, editsEach = 8, 6
	var admins []mgz.Actor
	for range editors {
		_, a := f.user(f.practice, mgz.RoleAdmin)
		admins = append(admins, a)
	}
	target, _ := f.user(f.practice, mgz.RoleViewer)
	n := len(f.entries())

	type ack struct {
		name              string
		basedOn, revision int64
	}
	var mu sync.Mutex
	var acks []ack
	var conflicts int
	var failures []error
	var wg sync.WaitGroup
	for i, a := range admins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < editsEach; {
				cur, err := f.s.User(f.ctx, a, target.ID)
				if err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
					return
				}
				u := mgz.User{ID: target.ID, Name: fmt.Sprintf("Naam van beheerder %d, wijziging %d", i, k), Roles: cur.Roles, Revision: cur.Revision}
				err = f.s.UpdateUser(f.ctx, a, &u)
				mu.Lock()
				switch {
				case err == nil:
					acks = append(acks, ack{u.Name, cur.Revision, u.Revision})
					k++
				case mgz.ErrorCode(err) == mgz.ECodeConflict:
					conflicts++
				default:
					failures = append(failures, err)
					k = editsEach
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range failures {
		t.Errorf("an edit failed with something other than a conflict: %v", err)
	}
	final := f.storedUser(target.ID)
	seen := map[int64]bool{}
	var last ack
	for _, a := range acks {
		if seen[a.revision] {
			t.Errorf("two acknowledged edits both made revision %d: one overwrote the other", a.revision)
		}
		seen[a.revision] = true
		if a.revision != a.basedOn+1 {
			t.Errorf("an edit made on revision %d was stored as revision %d: it overwrote a change its author never saw", a.basedOn, a.revision)
		}
		if a.revision > last.revision {
			last = a
		}
	}
	if len(acks) != editors*editsEach || final.Revision != int64(1+len(acks)) || final.Name != last.name {
		t.Fatalf("%d edits acknowledged, want %d; stored revision %d (want %d), name %q (want the last acknowledged %q)",
			len(acks), editors*editsEach, final.Revision, 1+len(acks), final.Name, last.name)
	}
	updates := 0
	for _, e := range f.since(n) {
		if e.Action == mgz.AuditUpdate && e.ObjectID == target.ID && e.Outcome == mgz.OutcomeAllowed {
			updates++
		}
	}
	if updates != len(acks) {
		t.Errorf("%d update entries for %d acknowledged edits", updates, len(acks))
	}
	t.Logf("%d admins × %d edits: %d acknowledged, %d answered 409 and retried, 0 lost", editors, editsEach, len(acks), conflicts)
}

// TestAdminsRemovingEachOtherAtOnceLeaveAnAdmin: in each race every admin of an organisation
// withdraws the admin role of the next one at the same moment. The check is inside the write
// transaction, so at least one active admin is always left, and the refusals are conflicts.
func TestAdminsRemovingEachOtherAtOnceLeaveAnAdmin(t *testing.T) {
	f := newFixture(t)
	const races, admins = 15, 4
	var refused, done int
	for race := range races {
		org := f.org(mgz.KindCareProvider, fmt.Sprintf("Zorggroep %d", race), "")
		var as []mgz.Actor
		for range admins {
			_, a := f.user(org, mgz.RoleAdmin)
			as = append(as, a)
		}
		errs := make([]error, admins)
		var wg sync.WaitGroup
		for i, a := range as {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := as[(i+1)%admins].User
				u := mgz.User{ID: next.ID, Name: next.Name, Disabled: i%2 == 1, Roles: []mgz.UserRole{mgz.RoleEditor}}
				if i%2 == 1 {
					u.Roles = next.Roles // blocks the next admin instead
				}
				errs[i] = f.s.UpdateUser(f.ctx, a, &u)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			switch {
			case err == nil:
				done++
			case mgz.ErrorCode(err) == mgz.ECodeConflict:
				refused++
			default:
				t.Fatalf("race %d: %v", race, err)
			}
		}
		n, err := f.db.Store().Accounts().ActiveAdmins(f.ctx, org.ID)
		if err != nil || n < 1 {
			t.Fatalf("race %d: %d active admins left (%v), want at least 1", race, n, err)
		}
	}
	t.Logf("%d races of %d admins removing each other: %d removals done, %d refused, never 0 admins left", races, admins, done, refused)
}

func TestWrongCurrentPasswordsAreThrottledPerAccount(t *testing.T) {
	f := newFixture(t)
	_, a := f.user(f.practice, mgz.RoleViewer)
	_, b := f.user(f.practice, mgz.RoleViewer)
	const next = "een heel nieuw wachtwoord"
	for i := range 5 {
		wantCode(t, f.s.ChangePassword(f.ctx, a, fmt.Sprintf("geraden wachtwoord %d", i), next), mgz.ECodeInvalid, "current")
	}
	n := len(f.entries())
	err := f.s.ChangePassword(f.ctx, a, testPassword, next) // even the right one
	wantCode(t, err, mgz.ECodeTooManyRequests, "")
	if msg := mgz.ErrorMessage(err); !strings.Contains(msg, "Wacht 15 minuten") || !strings.Contains(msg, "beheerder") {
		t.Errorf("429 message %q does not say how long to wait and whom to ask", msg)
	}
	if e := f.oneEntry(n); e.Outcome != mgz.OutcomeDenied || e.ObjectID != a.User.ID {
		t.Fatalf("blocked attempt entry = %+v, want a denied entry about user %d", e, a.User.ID)
	}
	if _, err := f.s.Login(f.ctx, a.User.Email, testPassword, "192.0.2.61"); err != nil {
		t.Fatalf("the password did not change, login with it: %v", err)
	}
	// The throttle is the account's: a colleague changes their password.
	if err := f.s.ChangePassword(f.ctx, b, testPassword, next); err != nil {
		t.Fatalf("another account: %v", err)
	}
}

func TestAnAddressOfAnotherOrganisationIsNotRevealed(t *testing.T) {
	f := newFixture(t)
	_, admin := f.user(f.practice, mgz.RoleAdmin)
	elsewhere, _ := f.user(f.provider, mgz.RoleViewer)
	colleague, _ := f.user(f.practice, mgz.RoleViewer)
	create := func(email string) error {
		_, _, err := f.s.CreateUser(f.ctx, admin, NewUser{OrganisationID: f.practice.ID, Email: email, Name: "Nieuw", Roles: []mgz.UserRole{mgz.RoleViewer}})
		return err
	}
	t.Run("an address of another organisation gets a neutral answer", func(t *testing.T) {
		n := len(f.entries())
		err := create(strings.ToUpper(elsewhere.Email))
		wantCode(t, err, mgz.ECodeConflict, "email")
		text := fmt.Sprint(err)
		for _, leak := range []string{elsewhere.Name, f.provider.Name, "in gebruik", fmt.Sprint(elsewhere.ID), "al een gebruiker"} {
			if strings.Contains(text, leak) {
				t.Errorf("answer %q reveals %q", text, leak)
			}
		}
		e := f.oneEntry(n)
		if e.Outcome != mgz.OutcomeDenied || e.Reason != "e-mailadres niet beschikbaar" || e.ObjectOrganisationID != f.practice.ID ||
			strings.Contains(fmt.Sprint(e), elsewhere.Email) {
			t.Fatalf("entry = %+v, want a neutral denied entry about the admin's own organisation", e)
		}
	})
	t.Run("an address of a colleague says so", func(t *testing.T) {
		err := create(colleague.Email)
		wantCode(t, err, mgz.ECodeConflict, "email")
		if !strings.Contains(fmt.Sprint(err), colleague.Name) {
			t.Fatalf("answer %q does not name the colleague who has the address", err)
		}
	})
	t.Run("probing is throttled", func(t *testing.T) {
		for range 4 {
			wantCode(t, create(elsewhere.Email), mgz.ECodeConflict, "email")
		}
		wantCode(t, create(elsewhere.Email), mgz.ECodeTooManyRequests, "")
		wantCode(t, create("vrij@test.example"), mgz.ECodeTooManyRequests, "")
	})
}
