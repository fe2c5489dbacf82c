package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/audit"
	"github.com/regio-mgz/mgz/auth"
)

// storedBytes is what an entry takes in the audit table: its text columns and 8 bytes per number.
func storedBytes(e mgz.AuditEntry) int {
	n := len(e.At.Format(audit.TimeFormat)) + len(e.UserEmail) + len(e.Roles) + len(e.OnBehalfOf) + len(e.Action) +
		len(e.ObjectType) + len(e.Outcome) + len(e.ClientAddress) + len(e.Reason) + len(e.PrevHash) + len(e.Hash)
	return n + 6*8
}

func TestTypedTextIsKeptToAtMost254CharactersAndMarkedWhenCut(t *testing.T) {
	cases := []struct {
		name string
		in   string
		cut  bool
	}{
		{"empty", "", false},
		{"an ordinary address", "a@b.nl", false},
		{"exactly 254 characters", strings.Repeat("a", 250) + "@b.nl"[:4], false},
		{"255 characters", strings.Repeat("a", 255), true},
		{"200 KB", strings.Repeat("x", 200<<10) + "@a.nl", true},
		{"multi-byte characters counted as characters", strings.Repeat("é", 254), false},
		{"multi-byte characters cut on a character boundary", strings.Repeat("é", 300), true},
		{"invalid UTF-8 is made valid", "a\xffb@c.nl", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := mgz.TypedText(c.in)
			if n := utf8.RuneCountInString(got); n > mgz.MaxTypedText {
				t.Fatalf("kept %d characters, want at most %d", n, mgz.MaxTypedText)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("kept text %q is not valid UTF-8", got)
			}
			if strings.HasSuffix(got, mgz.CutMark) != c.cut {
				t.Fatalf("cut mark present = %v, want %v (%q…)", !c.cut, c.cut, got[:min(len(got), 40)])
			}
			if !c.cut && utf8.ValidString(c.in) && got != c.in {
				t.Fatalf("text that fits changed: %q, want %q", got, c.in)
			}
			if c.cut && !strings.HasPrefix(c.in, strings.TrimSuffix(got, mgz.CutMark)) {
				t.Fatalf("the kept part is not the start of the typed text")
			}
		})
	}
}

func TestAFailedLoginWithA200KBEmailKeepsAtMost254CharactersMarkedAsCut(t *testing.T) {
	f := newFixture(t)
	typed := strings.Repeat("=HYPERLINK(", 200<<10/11) + "@a.nl"
	n := len(f.entries())
	in, err := f.s.Login(f.ctx, typed, "wat dan ook maar", "192.0.2.80")
	wantLoginRefused(t, in, err)
	e := f.oneEntry(n)
	if c := utf8.RuneCountInString(e.UserEmail); c > mgz.MaxTypedText || !strings.HasSuffix(e.UserEmail, mgz.CutMark) {
		t.Fatalf("stored e-mail has %d characters, ends %q; want at most %d, ending in %q", c, e.UserEmail[len(e.UserEmail)-20:], mgz.MaxTypedText, mgz.CutMark)
	}
	t.Logf("typed %d bytes, stored entry %d bytes", len(typed), storedBytes(e))
}

// TestOneAddressWritesAFewKBAMinuteHoweverManyFailedLogins: 1000 failed logins from one address
// within a minute, each with a 200 KB e-mail, write failuresInFull entries and, once the window
// has closed, one summary that counts the rest. Before, they wrote 1000 entries of 200 KB each.
func TestOneAddressWritesAFewKBAMinuteHoweverManyFailedLogins(t *testing.T) {
	f := newFixture(t)
	const attempts = 1000
	long := strings.Repeat("x", 200<<10) + "@a.nl"
	start := f.clock
	n := len(f.entries())
	for i := range attempts {
		f.clock = start.Add(time.Duration(i) * 50 * time.Millisecond) // all within 50 s
		email := long
		if i%2 == 1 {
			email = fmt.Sprintf("onbekend%d@test.example", i)
		}
		in, err := f.s.Login(f.ctx, email, "verkeerd wachtwoord", "198.51.100.7")
		wantLoginRefused(t, in, err)
	}
	during := f.since(n)
	if len(during) != failuresInFull {
		t.Fatalf("%d entries written during the minute, want %d", len(during), failuresInFull)
	}
	// The window closes; the next read of the audit log writes the summary.
	f.clock = start.Add(failureWindow + time.Second)
	if err := f.s.CloseFailureWindows(f.ctx); err != nil {
		t.Fatal(err)
	}
	added := f.since(n)
	if len(added) != failuresInFull+1 {
		t.Fatalf("%d entries after the window closed, want %d and one summary", len(added), failuresInFull)
	}
	sum := added[len(added)-1]
	want := fmt.Sprintf("%d mislukte pogingen samengevat", attempts-failuresInFull)
	if sum.Action != mgz.AuditLoginFailed || sum.ClientAddress != "198.51.100.7" || !strings.HasPrefix(sum.Reason, want) {
		t.Fatalf("summary = %+v, want login_failed from 198.51.100.7 with reason %q…", sum, want)
	}
	bytesAdded := 0
	for _, e := range added {
		bytesAdded += storedBytes(e)
	}
	if bytesAdded > 4<<10 {
		t.Fatalf("%d failed logins added %d bytes to the audit log, want at most 4 KB", attempts, bytesAdded)
	}
	t.Logf("%d failed logins (half with a %d-byte e-mail) from one address in 50 s: %d entries, %d bytes in the audit table",
		attempts, len(long), len(added), bytesAdded)

	t.Run("another address has its own window", func(t *testing.T) {
		n := len(f.entries())
		in, err := f.s.Login(f.ctx, "iemand@test.example", "verkeerd wachtwoord", "198.51.100.8")
		wantLoginRefused(t, in, err)
		f.oneEntry(n)
	})
	t.Run("the addresses of one IPv6 /64 share a window", func(t *testing.T) {
		n := len(f.entries())
		for i := range 3 * failuresInFull {
			in, err := f.s.Login(f.ctx, "iemand@test.example", "verkeerd wachtwoord", fmt.Sprintf("2001:db8:1:2::%x", i+1))
			wantLoginRefused(t, in, err)
		}
		if got := len(f.since(n)); got != failuresInFull {
			t.Fatalf("%d entries for failures from one /64, want %d", got, failuresInFull)
		}
	})
}

func TestASummaryIsWrittenBeforeTheAuditLogIsReadOrExported(t *testing.T) {
	for _, how := range []string{"read", "export"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t)
			_, admin := f.user(f.practice, mgz.RoleAdmin)
			for range failuresInFull + 3 {
				in, err := f.s.Login(f.ctx, "iemand@test.example", "verkeerd wachtwoord", "192.0.2.90")
				wantLoginRefused(t, in, err)
			}
			f.clock = f.clock.Add(failureWindow)
			n := len(f.entries())
			var err error
			if how == "read" {
				_, _, err = f.s.Audit(f.ctx, System(), mgz.AuditFilter{})
			} else {
				_, err = f.s.ExportAudit(f.ctx, admin, mgz.AuditFilter{}, audit.NewJSONLinesWriter(&bytes.Buffer{}))
			}
			if err != nil {
				t.Fatal(err)
			}
			es := f.since(n)
			if len(es) != 2 || !strings.HasPrefix(es[0].Reason, "3 mislukte pogingen samengevat") {
				t.Fatalf("entries after the %s = %+v, want the summary of 3 failures and the %s's own entry", how, es, how)
			}
		})
	}
}

func TestAFailedBearerAuthenticationIsAuditedWithoutTheToken(t *testing.T) {
	f := newFixture(t)
	u, a := f.user(f.practice, mgz.RoleViewer)
	revoked, revokedSecret, err := f.s.CreateToken(f.ctx, a, u.ID, "oud script")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.RevokeToken(f.ctx, a, revoked.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, token, reason string
		tokenID, userID     int64
	}{
		{"not an mgz token", "Zm9vOmJhcg==", "geen API-token van mgz", 0, 0},
		{"unknown token", auth.NewToken(), "onbekend API-token", 0, 0},
		{"revoked token", revokedSecret, "ingetrokken API-token", revoked.ID, u.ID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.clock = f.clock.Add(failureWindow) // a fresh window: every case is written in full
			n := len(f.entries())
			if _, err := f.s.AuthenticateToken(f.ctx, c.token, "192.0.2.95"); !errors.Is(err, ErrBadToken) {
				t.Fatalf("AuthenticateToken = %v, want ErrBadToken", err)
			}
			e := f.oneEntry(n)
			if e.Action != mgz.AuditTokenFailed || e.Outcome != mgz.OutcomeDenied || e.Reason != c.reason ||
				e.ObjectType != "api_token" || e.ObjectID != c.tokenID || e.UserID != c.userID || e.ClientAddress != "192.0.2.95" {
				t.Fatalf("entry = %+v, want token_failed, denied, %q, token %d, user %d, from 192.0.2.95", e, c.reason, c.tokenID, c.userID)
			}
			b, _ := json.Marshal(e)
			secret := strings.TrimPrefix(c.token, auth.TokenPrefix)
			for _, part := range []string{c.token, secret, secret[len(secret)/2:]} {
				if strings.Contains(string(b), part) {
					t.Fatalf("the entry holds (part of) the token: %s", b)
				}
			}
		})
	}
	t.Run("coalesced like failed logins", func(t *testing.T) {
		f.clock = f.clock.Add(failureWindow)
		n := len(f.entries())
		for range 100 {
			if _, err := f.s.AuthenticateToken(f.ctx, auth.NewToken(), "192.0.2.96"); !errors.Is(err, ErrBadToken) {
				t.Fatal(err)
			}
		}
		if got := len(f.since(n)); got != failuresInFull {
			t.Fatalf("100 bad tokens wrote %d entries within the minute, want %d", got, failuresInFull)
		}
		f.clock = f.clock.Add(failureWindow)
		if err := f.s.CloseFailureWindows(f.ctx); err != nil {
			t.Fatal(err)
		}
		es := f.since(n)
		if last := es[len(es)-1]; last.Action != mgz.AuditTokenFailed || !strings.HasPrefix(last.Reason, "95 mislukte pogingen samengevat") {
			t.Fatalf("summary = %+v, want token_failed counting 95", last)
		}
	})
}

func TestReadingTheAuditLogIsItselfAudited(t *testing.T) {
	f := newFixture(t)
	_, admin := f.user(f.practice, mgz.RoleAdmin)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		filter mgz.AuditFilter
		want   []string
	}{
		{"no filter", mgz.AuditFilter{}, []string{"auditlog ingezien", fmt.Sprintf("organisatie %d", f.practice.ID), "de nieuwste regels 1 tot en met"}},
		{"user and patient", mgz.AuditFilter{UserID: 7, PatientID: 12, Page: mgz.Page{Limit: 20, Offset: 40}},
			[]string{"gebruiker 7", "patiënt 12 (intern nummer)", "regels 41 tot en met 60"}},
		{"period", mgz.AuditFilter{From: from, To: from.AddDate(0, 0, 1)}, []string{"vanaf 2026-03-01T00:00:00.000Z", "tot 2026-03-02T00:00:00.000Z"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(f.entries())
			if _, _, err := f.s.Audit(f.ctx, admin, c.filter); err != nil {
				t.Fatal(err)
			}
			e := f.oneEntry(n)
			if e.Action != mgz.AuditRead || e.ObjectType != "audit_log" || e.UserID != admin.User.ID || e.Outcome != mgz.OutcomeAllowed ||
				e.ObjectOrganisationID != f.practice.ID || e.PatientID != 0 {
				t.Fatalf("entry = %+v, want an allowed read of the audit log by user %d about organisation %d, no patient column", e, admin.User.ID, f.practice.ID)
			}
			for _, w := range c.want {
				if !strings.Contains(e.Reason, w) {
					t.Errorf("reason %q does not say %q", e.Reason, w)
				}
			}
		})
	}
	t.Run("the export names its filter too", func(t *testing.T) {
		n := len(f.entries())
		if _, err := f.s.ExportAudit(f.ctx, admin, mgz.AuditFilter{PatientID: 12}, audit.NewJSONLinesWriter(&bytes.Buffer{})); err != nil {
			t.Fatal(err)
		}
		if e := f.oneEntry(n); e.Action != mgz.AuditExport || !strings.Contains(e.Reason, "patiënt 12 (intern nummer)") {
			t.Fatalf("export entry = %+v, want its filter in the reason", e)
		}
	})
}

// TestConcurrentFailuresFromOneAddressAreCountedExactly: failed logins and bad tokens from one
// address arrive at once; the window is read and changed inside the write transaction, so exactly
// failuresInFull of each kind are written and the summary counts every other one.
func TestConcurrentFailuresFromOneAddressAreCountedExactly(t *testing.T) {
	f := newFixture(t)
	const workers, each = 8, 25
	n := len(f.entries())
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := f.s.Login(f.ctx, fmt.Sprintf("w%d-%d@test.example", w, i), "verkeerd wachtwoord", "203.0.113.9"); !errors.Is(err, ErrLogin) {
					errs <- err
				}
				if _, err := f.s.AuthenticateToken(f.ctx, auth.NewToken(), "203.0.113.9"); !errors.Is(err, ErrBadToken) {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a failure was answered with %v", err)
	}
	if got := len(f.since(n)); got != 2*failuresInFull {
		t.Fatalf("%d entries written during the minute, want %d", got, 2*failuresInFull)
	}
	f.clock = f.clock.Add(failureWindow)
	if err := f.s.CloseFailureWindows(f.ctx); err != nil {
		t.Fatal(err)
	}
	counted := map[mgz.AuditAction]string{}
	for _, e := range f.since(n)[2*failuresInFull:] {
		counted[e.Action] = e.Reason
	}
	want := fmt.Sprintf("%d mislukte pogingen samengevat", workers*each-failuresInFull)
	for _, act := range []mgz.AuditAction{mgz.AuditLoginFailed, mgz.AuditTokenFailed} {
		if !strings.HasPrefix(counted[act], want) {
			t.Errorf("summary of %s = %q, want %q…", act, counted[act], want)
		}
	}
}
