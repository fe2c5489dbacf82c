package service

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/calendar"
)

// Race tests of the read-modify-writes (architecture.md, "Read-modify-write happens inside the
// write transaction"). They run on a real SQLite file with goroutines that start together, and
// count the races tried, the changes acknowledged and the acknowledged changes lost. Run them
// with -race.

const raceRounds = 50

// tally counts a race test's outcome; it is logged at the end (go test -v shows the numbers).
type tally struct {
	mu                           sync.Mutex
	races, tried, acked, refused int
	lost                         int
}

func (c *tally) add(acked, refused int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acked += acked
	c.refused += refused
}

func (c *tally) log(t *testing.T) {
	t.Helper()
	t.Logf("races tried %d, changes tried %d, acknowledged %d, refused with 409 %d, acknowledged but lost %d",
		c.races, c.tried, c.acked, c.refused, c.lost)
}

// together runs fns at the same moment and returns their errors in order.
func together(fns ...func() error) []error {
	errs := make([]error, len(fns))
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i, fn := range fns {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = fn()
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// only409 fails the test for any error other than a conflict: never a 500, never a lost lock.
func only409(t *testing.T, errs ...error) (ok, refused int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case mgz.ErrorCode(err) == mgz.ECodeConflict:
			refused++
		default:
			t.Errorf("a concurrent change failed with %q (%v); want success or 409", mgz.ErrorCode(err), err)
		}
	}
	return ok, refused
}

type agreementParties struct {
	f                          *fixture
	loc                        mgz.Location
	post                       mgz.Organisation
	provider, practice, gpPost mgz.Actor
	practiceEd                 mgz.Actor // the practice's editor; its physician signs
}

func newAgreementParties(t *testing.T) *agreementParties {
	f := newFixture(t)
	p := &agreementParties{f: f, post: f.org(mgz.KindGPPost, "Huisartsenpost Test", "05000001"), loc: f.location(f.provider.ID, "Woonvorm Het Hof")}
	_, p.provider = f.user(f.provider, mgz.RoleEditor)
	_, p.practice = f.user(f.practice, mgz.RolePhysician)
	_, p.gpPost = f.user(p.post, mgz.RoleAdmin)
	_, p.practiceEd = f.user(f.practice, mgz.RoleEditor)
	return p
}

// sent creates a cooperation agreement and offers it for signing.
func (p *agreementParties) sent(t *testing.T) mgz.Agreement {
	t.Helper()
	ag := p.f.agreementDraft(mgz.AgreementCooperation, p.loc, &p.post)
	if err := p.f.s.CreateAgreement(p.f.ctx, p.provider, &ag); err != nil {
		t.Fatal(err)
	}
	sent, err := p.f.s.SendForSigning(p.f.ctx, p.provider, ag.ID, Basis{Revision: ag.Revision, Version: ag.Version})
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

func TestThreePartiesSigningAtOnceAllCountAndTheLastActivates(t *testing.T) {
	p := newAgreementParties(t)
	var c tally
	for round := 0; round < raceRounds; round++ {
		ag := p.sent(t)
		// Each signer read the agreement as sent: the others' signatures land after that
		// revision and must not make theirs stale.
		seen := Basis{Revision: ag.Revision, Version: ag.Version}
		sign := func(a mgz.Actor) func() error {
			return func() error { _, err := p.f.s.SignAgreement(p.f.ctx, a, ag.ID, seen, "bestuurder"); return err }
		}
		errs := together(sign(p.provider), sign(p.practice), sign(p.gpPost))
		c.races++
		c.tried += 3
		ok, refused := only409(t, errs...)
		c.add(ok, refused)
		got, err := p.f.s.Agreement(p.f.ctx, p.provider, ag.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range []mgz.Actor{p.provider, p.practice, p.gpPost} {
			if errs[i] == nil && !got.SignedBy(a.User.OrganisationID) {
				c.lost++
			}
		}
		if got.Status != mgz.AgreementActive || len(got.Signatures) != 3 || ok != 3 {
			t.Errorf("round %d: status %s with %d signatures, %d of 3 acknowledged; want active with 3", round, got.Status, len(got.Signatures), ok)
		}
		if got.Revision != ag.Revision+3 {
			t.Errorf("round %d: revision %d after three signatures on revision %d", round, got.Revision, ag.Revision)
		}
	}
	c.log(t)
	if c.lost > 0 {
		t.Errorf("%d acknowledged signatures lost", c.lost)
	}
}

func TestTwoConcurrentEditsOneWinsTheOtherGets409(t *testing.T) {
	p := newAgreementParties(t)
	var c tally
	ag := p.f.agreementDraft(mgz.AgreementCooperation, p.loc, &p.post)
	if err := p.f.s.CreateAgreement(p.f.ctx, p.provider, &ag); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < raceRounds; round++ {
		cur, err := p.f.s.Agreement(p.f.ctx, p.provider, ag.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Both editors opened the same revision and change the notice period differently.
		mine, theirs := cur, cur
		mine.NoticeMonths, theirs.NoticeMonths = 1+round%12, 13+round%12
		errs := together(
			func() error { return p.f.s.UpdateAgreement(p.f.ctx, p.provider, &mine) },
			func() error { return p.f.s.UpdateAgreement(p.f.ctx, p.practiceEd, &theirs) })
		c.races++
		c.tried += 2
		ok, refused := only409(t, errs...)
		c.add(ok, refused)
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: %d edits stored and %d refused; want exactly one of each (%v)", round, ok, refused, errs)
		}
		winner := mine
		if errs[0] != nil {
			winner = theirs
			if !strings.Contains(mgz.ErrorMessage(errs[0]), "versie") {
				t.Errorf("the refusal does not say what changed: %s", mgz.ErrorMessage(errs[0]))
			}
		}
		got, err := p.f.s.Agreement(p.f.ctx, p.provider, ag.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NoticeMonths != winner.NoticeMonths || got.Version != cur.Version+1 {
			c.lost++
			t.Errorf("round %d: stored notice %d in version %d; the acknowledged edit set %d in version %d", round, got.NoticeMonths, got.Version, winner.NoticeMonths, cur.Version+1)
		}
	}
	c.log(t)
}

func TestASignatureRacingAnEditLosesNothingAndLaterEditsWork(t *testing.T) {
	p := newAgreementParties(t)
	var c tally
	for round := 0; round < raceRounds; round++ {
		ag := p.sent(t)
		edit := ag
		edit.NoticeMonths = 7
		if round%2 == 1 {
			edit.Revision = 0 // a blind write: the API without If-Match
		}
		errs := together(
			func() error {
				_, err := p.f.s.SignAgreement(p.f.ctx, p.practice, ag.ID, Basis{Revision: ag.Revision, Version: ag.Version}, "huisarts")
				return err
			},
			func() error { return p.f.s.UpdateAgreement(p.f.ctx, p.provider, &edit) })
		c.races++
		c.tried += 2
		ok, refused := only409(t, errs...)
		c.add(ok, refused)
		if ok == 0 {
			t.Errorf("round %d: neither the signature nor the edit was stored: %v", round, errs)
		}
		got, err := p.f.s.Agreement(p.f.ctx, p.provider, ag.ID)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := p.f.s.AgreementVersions(p.f.ctx, p.provider, ag.ID)
		if err != nil {
			t.Fatal(err)
		}
		if errs[1] == nil && got.NoticeMonths != 7 {
			c.lost++
			t.Errorf("round %d: the acknowledged edit vanished from the current state", round)
		}
		if errs[0] == nil {
			// The signature stays on the version it was given on, whatever came after.
			signed := false
			for _, v := range vs {
				signed = signed || (v.Version == ag.Version && v.Agreement.SignedBy(p.f.practice.ID))
			}
			if !signed {
				c.lost++
				t.Errorf("round %d: the acknowledged signature on version %d is gone", round, ag.Version)
			}
		}
		// The agreement is never stuck: an edit on the current revision is stored.
		got.NoticeMonths = 9
		if err := p.f.s.UpdateAgreement(p.f.ctx, p.provider, &got); err != nil {
			t.Fatalf("round %d: an edit after the race fails: %v", round, err)
		}
	}
	c.log(t)
	if c.lost > 0 {
		t.Errorf("%d acknowledged changes lost", c.lost)
	}
}

func TestStaleAgreementEditsAndSignaturesSayWhatChanged(t *testing.T) {
	p := newAgreementParties(t)
	ag := p.sent(t)
	opened := ag
	if _, err := p.f.s.SignAgreement(p.f.ctx, p.practice, ag.ID, Basis{Version: ag.Version}, "huisarts"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		do     func() error
		want   []string
		stored bool
	}{
		{"an edit on a revision before a signature is refused and names the signer", func() error {
			e := opened
			e.NoticeMonths = 5
			return p.f.s.UpdateAgreement(p.f.ctx, p.provider, &e)
		}, []string{"ondertekend door", "Huisartsenpraktijk De Linde", "niet opgeslagen"}, false},
		{"a signature on a revision from before a newer version is refused", func() error {
			e, _ := p.f.s.Agreement(p.f.ctx, p.provider, ag.ID)
			e.NoticeMonths = 5
			if err := p.f.s.UpdateAgreement(p.f.ctx, p.provider, &e); err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			if _, err := p.f.s.SendForSigning(p.f.ctx, p.provider, ag.ID, Basis{}); err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err := p.f.s.SignAgreement(p.f.ctx, p.gpPost, ag.ID, Basis{Revision: opened.Revision}, "directeur")
			return err
		}, []string{"versie 2", "opgesteld door", "Opzegtermijn"}, false},
		{"a signature given the version it read is refused once that version is replaced", func() error {
			_, err := p.f.s.SignAgreement(p.f.ctx, p.gpPost, ag.ID, Basis{Version: 1}, "directeur")
			return err
		}, []string{"versie 2"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if mgz.ErrorCode(err) != mgz.ECodeConflict {
				t.Fatalf("got %v (%s), want a 409", err, mgz.ErrorCode(err))
			}
			t.Logf("409: %s", mgz.ErrorMessage(err))
			for _, w := range tt.want {
				if !strings.Contains(mgz.ErrorMessage(err), w) {
					t.Errorf("message %q does not contain %q", mgz.ErrorMessage(err), w)
				}
			}
		})
	}
	got, _ := p.f.s.Agreement(p.f.ctx, p.provider, ag.ID)
	if got.SignedBy(p.post.ID) {
		t.Errorf("a refused signature was stored")
	}
}

func TestSwappingTheGPPostNeedsEverySignatureAgainAndTellsTheRemovedPost(t *testing.T) {
	p := newAgreementParties(t)
	f := p.f
	ag := p.sent(t)
	for _, a := range []mgz.Actor{p.provider, p.practice, p.gpPost} {
		if _, err := f.s.SignAgreement(f.ctx, a, ag.ID, Basis{}, "bestuurder"); err != nil {
			t.Fatal(err)
		}
	}
	other := f.org(mgz.KindGPPost, "Huisartsenpost Anders", "05000002")
	_, otherAdmin := f.user(other, mgz.RoleAdmin)
	cur, _ := f.s.Agreement(f.ctx, p.provider, ag.ID)
	swapped := cur
	swapped.GPPost = &other.ID
	if err := f.s.UpdateAgreement(f.ctx, p.practiceEd, &swapped); err != nil {
		t.Fatal(err)
	}
	t.Run("a new version in draft, without signatures, recorded with the party removed", func(t *testing.T) {
		if swapped.Version != cur.Version+1 || swapped.Status != mgz.AgreementDraft || len(swapped.Signatures) != 0 || swapped.GPPostInformedAt != nil {
			t.Fatalf("after the swap: version %d, %s, %d signatures", swapped.Version, swapped.Status, len(swapped.Signatures))
		}
		vs, _ := f.s.AgreementVersions(f.ctx, p.provider, ag.ID)
		if !strings.Contains(vs[0].Note, "partij verwijderd: Huisartsenpost Test") {
			t.Errorf("version note %q does not record the removed party", vs[0].Note)
		}
	})
	t.Run("the removed post keeps reading the versions it was party to, not the new one", func(t *testing.T) {
		old, err := f.s.Agreement(f.ctx, p.gpPost, ag.ID)
		if err != nil || old.Former == nil || old.Version != cur.Version || *old.GPPost != p.post.ID || len(old.Signatures) != 3 {
			t.Fatalf("former party reads %+v, %v", old, err)
		}
		vs, err := f.s.AgreementVersions(f.ctx, p.gpPost, ag.ID)
		if err != nil || len(vs) != cur.Version {
			t.Fatalf("former party sees %d versions (%v), want %d", len(vs), err, cur.Version)
		}
		if _, err := f.s.AgreementDocument(f.ctx, p.gpPost, ag.ID, swapped.Version); mgz.ErrorCode(err) != mgz.ECodeNotFound {
			t.Errorf("former party reads the new version's document: %v", err)
		}
		if _, err := f.s.SendForSigning(f.ctx, p.gpPost, ag.ID, Basis{}); err == nil {
			t.Errorf("the former party still acts on the agreement")
		}
	})
	t.Run("the removed post is told on its start page who removed it and when", func(t *testing.T) {
		rs, err := f.s.Reminders(f.ctx, p.gpPost, nil)
		if err != nil {
			t.Fatal(err)
		}
		var text string
		for _, r := range rs {
			if r.Kind == "removed_party" && r.AgreementID == ag.ID {
				text = r.Text
			}
		}
		for _, w := range []string{"verwijderd als partij", p.practiceEd.User.Name, "Huisartsenpraktijk De Linde", "02-03-2026"} {
			if !strings.Contains(text, w) {
				t.Errorf("notice %q does not say %q", text, w)
			}
		}
	})
	t.Run("it is active again only when every party, the new post included, signed", func(t *testing.T) {
		if _, err := f.s.SendForSigning(f.ctx, p.provider, ag.ID, Basis{}); err != nil {
			t.Fatal(err)
		}
		var got mgz.Agreement
		for _, a := range []mgz.Actor{p.provider, p.practice} {
			var err error
			if got, err = f.s.SignAgreement(f.ctx, a, ag.ID, Basis{}, "bestuurder"); err != nil {
				t.Fatal(err)
			}
		}
		if got.Status != mgz.AgreementSigning {
			t.Fatalf("active without the new GP post's signature")
		}
		if got, _ = f.s.SignAgreement(f.ctx, otherAdmin, ag.ID, Basis{}, "directeur"); got.Status != mgz.AgreementActive {
			t.Fatalf("status %s after all three signed", got.Status)
		}
	})
}

func TestConcurrentPrerequisiteRecordsOneWinsTheOtherGets409(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm Het Hof")
	_, ed1 := f.user(f.provider, mgz.RoleEditor)
	_, ed2 := f.user(f.provider, mgz.RoleEditor)
	key := mgz.Prerequisites[0].Key
	var c tally
	for round := 0; round < raceRounds; round++ {
		_, rd, err := f.s.Readiness(f.ctx, ed1, loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		rev := rd.Items[0].Item.Revision
		if rev != int64(round)+1 {
			t.Fatalf("round %d: revision %d", round, rev)
		}
		a := mgz.PrerequisiteItem{LocationID: loc.ID, Key: key, Status: mgz.StatusMet, Note: fmt.Sprintf("ronde %d: eerste", round)}
		b := mgz.PrerequisiteItem{LocationID: loc.ID, Key: key, Status: mgz.StatusNotMet, Note: fmt.Sprintf("ronde %d: tweede", round)}
		errs := together(
			func() error { return f.s.RecordPrerequisite(f.ctx, ed1, &a, nil, rev) },
			func() error { return f.s.RecordPrerequisite(f.ctx, ed2, &b, nil, rev) })
		c.races++
		c.tried += 2
		ok, refused := only409(t, errs...)
		c.add(ok, refused)
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: %d stored, %d refused; want one of each", round, ok, refused)
		}
		winner := a
		if errs[0] != nil {
			winner = b
		}
		_, rd, _ = f.s.Readiness(f.ctx, ed1, loc.ID)
		if rd.Items[0].Item.Note != winner.Note || rd.Items[0].Item.Revision != rev+1 {
			c.lost++
			t.Errorf("round %d: current note %q at revision %d, want %q at %d", round, rd.Items[0].Item.Note, rd.Items[0].Item.Revision, winner.Note, rev+1)
		}
	}
	c.log(t)
}

func TestConcurrentCalendarSettingsOneWinsTheOtherGets409(t *testing.T) {
	f := newFixture(t)
	_, admin1 := f.user(f.rho, mgz.RoleAdmin)
	_, admin2 := f.user(f.rho, mgz.RoleAdmin)
	var c tally
	for round := 0; round < raceRounds; round++ {
		rev, err := f.s.Settings(admin1).CalendarRevision(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		a, b := calendar.Default(), calendar.Default()
		a.OfficeStart, b.OfficeStart = calendar.At(7, round%60), calendar.At(9, round%60)
		var newRev [2]int64
		errs := together(
			func() (err error) {
				newRev[0], err = f.s.Settings(admin1).UpdateCalendarSettings(f.ctx, a, rev)
				return err
			},
			func() (err error) {
				newRev[1], err = f.s.Settings(admin2).UpdateCalendarSettings(f.ctx, b, rev)
				return err
			})
		c.races++
		c.tried += 2
		ok, refused := only409(t, errs...)
		c.add(ok, refused)
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: %d stored, %d refused; want one of each", round, ok, refused)
		}
		winner := a
		if errs[0] != nil {
			winner = b
			if !strings.Contains(mgz.ErrorMessage(errs[0]), "kantooruren") {
				t.Errorf("the refusal does not say what changed: %s", mgz.ErrorMessage(errs[0]))
			}
		}
		got, _ := f.s.Settings(admin1).CalendarSettings(f.ctx)
		if got.OfficeStart != winner.OfficeStart {
			c.lost++
			t.Errorf("round %d: office start %s, want %s", round, got.OfficeStart, winner.OfficeStart)
		}
	}
	c.log(t)
}

func TestConcurrentRegisterEditsOneWinsTheOtherGets409(t *testing.T) {
	f := newFixture(t)
	loc := f.location(f.provider.ID, "Woonvorm Het Hof")
	_, ed1 := f.user(f.provider, mgz.RoleAdmin)
	_, ed2 := f.user(f.provider, mgz.RoleAdmin)
	tests := []struct {
		name string
		// race reads the record, makes two edits on that revision and returns them with a
		// function that reads the stored name back.
		race func(round int) (mine, theirs func() error, names [2]string, stored func() string)
	}{
		{"location", func(round int) (func() error, func() error, [2]string, func() string) {
			cur, err := f.s.Register(ed1).Location(f.ctx, loc.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, b := cur, cur
			a.Name, b.Name = fmt.Sprintf("Het Hof %d-a", round), fmt.Sprintf("Het Hof %d-b", round)
			return func() error { return f.s.Register(ed1).UpdateLocation(f.ctx, &a) },
				func() error { return f.s.Register(ed2).UpdateLocation(f.ctx, &b) },
				[2]string{a.Name, b.Name},
				func() string { l, _ := f.s.Register(ed1).Location(f.ctx, loc.ID); return l.Name }
		}},
		{"organisation", func(round int) (func() error, func() error, [2]string, func() string) {
			cur, err := f.s.Register(ed1).Organisation(f.ctx, f.provider.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, b := cur, cur
			a.Name, b.Name = fmt.Sprintf("Zorggroep %d-a", round), fmt.Sprintf("Zorggroep %d-b", round)
			return func() error { return f.s.Register(ed1).UpdateOrganisation(f.ctx, &a) },
				func() error { return f.s.Register(ed2).UpdateOrganisation(f.ctx, &b) },
				[2]string{a.Name, b.Name},
				func() string { o, _ := f.s.Register(ed1).Organisation(f.ctx, f.provider.ID); return o.Name }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c tally
			for round := 0; round < raceRounds; round++ {
				mine, theirs, names, stored := tt.race(round)
				errs := together(mine, theirs)
				c.races++
				c.tried += 2
				ok, refused := only409(t, errs...)
				c.add(ok, refused)
				if ok != 1 || refused != 1 {
					t.Fatalf("round %d: %d stored, %d refused; want one of each", round, ok, refused)
				}
				winner, loser := 0, 1
				if errs[0] != nil {
					winner, loser = 1, 0
				}
				if msg := mgz.ErrorMessage(errs[loser]); !strings.Contains(msg, "gewijzigd door") || !strings.Contains(msg, "naam") {
					t.Errorf("the refusal does not say what changed: %s", msg)
				}
				if got := stored(); got != names[winner] {
					c.lost++
					t.Errorf("round %d: stored name %q, the acknowledged edit set %q", round, got, names[winner])
				}
			}
			c.log(t)
		})
	}
}

func TestUploadedFileNamesLoseBidiControls(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	tests := []struct{ name, in, want string }{
		{"right-to-left override hides an extension", "factuur\u202Efdp.exe", "factuurfdp.exe.pdf"},
		{"embeddings and pops", "\u202Aa\u202B\u202Cb.pdf", "ab.pdf"},
		{"isolates", "\u2066verslag\u2069\u2067x\u2068.pdf", "verslagx.pdf"},
		{"marks", "\u200Erapport\u200F.pdf", "rapport.pdf"},
		{"ordinary names stay", "VOG 2026 – locatie.pdf", "VOG 2026 – locatie.pdf"},
		{"nothing left is a document", "\u202E\u202E", "document.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := checkUpload(mgz.Prerequisites[0].Key, 1, &Upload{Name: tt.in, Content: pdf})
			if err != nil {
				t.Fatal(err)
			}
			if d.Name != tt.want {
				t.Errorf("name %q, want %q", d.Name, tt.want)
			}
		})
	}
}
