package service

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/access"
)

// route is a fixture with everyone on a report's route: the practice (physician and viewer),
// the provider (editor and viewer), the zorgkantoor of the region, the RHO and a member of the
// regional table.
type route struct {
	*fixture
	office                                 mgz.Organisation
	loc                                    mgz.Location
	gp, gpViewer, cp, cpViewer, zk, rhoEd  mgz.Actor
	tableMember, otherGP, otherZK, rhoView mgz.Actor
}

func newRoute(t *testing.T) *route {
	f := newFixture(t)
	r := &route{fixture: f, office: f.org(mgz.KindCareOffice, "Zorgkantoor Test", ""), loc: f.location(f.provider.ID, "Woonvorm De Es")}
	_, r.gp = f.user(f.practice, mgz.RolePhysician)
	_, r.gpViewer = f.user(f.practice, mgz.RoleViewer)
	_, r.cp = f.user(f.provider, mgz.RoleEditor)
	_, r.cpViewer = f.user(f.provider, mgz.RoleViewer)
	_, r.zk = f.user(r.office, mgz.RoleEditor)
	_, r.rhoEd = f.user(f.rho, mgz.RoleEditor)
	_, r.rhoView = f.user(f.rho, mgz.RoleViewer)
	other := f.org(mgz.KindGPPractice, "Huisartsenpraktijk Elders", "01000099")
	_, r.otherGP = f.user(other, mgz.RoleAdmin)
	_, r.tableMember = f.user(other, mgz.RoleRegionalTable)
	zk2 := f.org(mgz.KindCareOffice, "Zorgkantoor Elders", "")
	zk2.CareOfficeRegion = "Regio Elders"
	if err := f.db.Register().UpdateOrganisation(f.ctx, &zk2); err != nil {
		t.Fatal(err)
	}
	_, r.otherZK = f.user(zk2, mgz.RoleAdmin)
	return r
}

// file files a report by the practice's physician about the provider's location.
func (r *route) file(t *testing.T) mgz.Escalation {
	t.Helper()
	lid := r.loc.ID
	e := mgz.Escalation{CareProviderID: r.provider.ID, LocationID: &lid, Category: mgz.CategoryFirstLineAvailability,
		Description: "De voorwacht is 's nachts niet bereikbaar.", PeriodStart: mgz.NewDate(2026, 2, 1)}
	if err := r.s.FileEscalation(r.ctx, r.gp, &e); err != nil {
		t.Fatalf("filing a report: %v", err)
	}
	return e
}

func (r *route) get(t *testing.T, a mgz.Actor, id int64) mgz.Escalation {
	t.Helper()
	d, err := r.s.Escalation(r.ctx, a, id)
	if err != nil {
		t.Fatalf("reading report %d: %v", id, err)
	}
	return d.Escalation
}

func current(t *testing.T, e mgz.Escalation) mgz.EscalationStep {
	t.Helper()
	st, ok := e.Current()
	if !ok {
		t.Fatalf("report %d has no open step (state %s)", e.ID, e.State)
	}
	return st
}

// notices returns the subjects of org's notices about report id.
func (r *route) notices(t *testing.T, org, id int64) []string {
	t.Helper()
	all, err := r.db.EscalationNotices(r.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return all[org]
}

func wantErr(t *testing.T, what string, err error, code string) {
	t.Helper()
	if mgz.ErrorCode(err) != code {
		t.Fatalf("%s: got %v (%s), want %s", what, err, mgz.ErrorCode(err), code)
	}
}

func TestEscalationRouteFromProviderToRegionalTable(t *testing.T) {
	r := newRoute(t)
	e := r.file(t)
	st := current(t, e)
	if e.State != mgz.StateCareProvider || *st.AddresseeOrgID != r.provider.ID || e.State.TaskStatus() != "in-progress" {
		t.Fatalf("new report: state %s, addressee %v; want care_provider at the provider", e.State, st.AddresseeOrgID)
	}
	// Filed Monday 2 March 2026 with the default term of 14 calendar days.
	if want := mgz.NewDate(2026, 3, 16); !st.Deadline.Equal(want.Time) {
		t.Fatalf("deadline %s, want %s", st.Deadline, want)
	}
	if got := r.notices(t, r.provider.ID, e.ID); len(got) != 1 || !strings.HasPrefix(got[0], "escalation_filed: Melding") {
		t.Fatalf("the provider's notices: %q, want one escalation_filed", got)
	}

	// Moving on before a response or the deadline is refused with the date it can.
	_, err := r.s.MoveOnEscalation(r.ctx, r.gp, e.ID, e.Revision, "")
	wantErr(t, "moving on before the deadline", err, mgz.ECodeConflict)
	if !strings.Contains(err.Error(), "16-03-2026") || !strings.Contains(err.Error(), "Zorggroep Noord") {
		t.Errorf("refusal %q does not name the addressee and the deadline", err)
	}
	// The provider answers; a second answer to the same step is refused.
	e, err = r.s.RespondEscalation(r.ctx, r.cp, e.ID, st.ID, e.Revision, "We zoeken extra nachtdiensten.")
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.s.RespondEscalation(r.ctx, r.cp, e.ID, st.ID, e.Revision, "Nog iets.")
	wantErr(t, "a second response", err, mgz.ECodeConflict)
	if got := r.notices(t, r.practice.ID, e.ID); len(got) != 1 || !strings.HasPrefix(got[0], "escalation_answer") {
		t.Fatalf("the practice's notices: %q, want one escalation_answer", got)
	}
	// After the response the practice moves it on to the zorgkantoor of the region.
	e, err = r.s.MoveOnEscalation(r.ctx, r.gp, e.ID, e.Revision, "Reactie onvoldoende.")
	if err != nil {
		t.Fatal(err)
	}
	st2 := current(t, e)
	if e.State != mgz.StateCareOffice || *st2.AddresseeOrgID != r.office.ID || e.Steps[0].Outcome != mgz.OutcomeMovedOn || e.Steps[0].ClosedAt == nil {
		t.Fatalf("after moving on: state %s, steps %+v", e.State, e.Steps)
	}
	if got := r.notices(t, r.office.ID, e.ID); len(got) != 1 || !strings.HasPrefix(got[0], "escalation_step") {
		t.Fatalf("the zorgkantoor's notices: %q", got)
	}
	// The provider may no longer respond; the zorgkantoor of another region does not see it.
	_, err = r.s.RespondEscalation(r.ctx, r.cp, e.ID, st2.ID, e.Revision, "x")
	wantErr(t, "the provider responding at the zorgkantoor's step", err, mgz.ECodeForbidden)
	_, err = r.s.Escalation(r.ctx, r.otherZK, e.ID)
	wantErr(t, "another region's zorgkantoor reading", err, mgz.ECodeNotFound)
	// The zorgkantoor does not answer; after its deadline the RHO moves it on namens the practice.
	r.clock = r.clock.Add(10 * 24 * time.Hour)
	_, err = r.s.MoveOnEscalation(r.ctx, r.rhoEd, e.ID, e.Revision, "")
	wantErr(t, "moving on before the zorgkantoor's deadline", err, mgz.ECodeConflict)
	r.clock = r.clock.Add(10 * 24 * time.Hour)
	e, err = r.s.MoveOnEscalation(r.ctx, r.rhoEd, e.ID, e.Revision, "Geen reactie van het zorgkantoor.")
	if err != nil {
		t.Fatal(err)
	}
	st3 := current(t, e)
	if e.State != mgz.StateRegionalTable || *st3.AddresseeOrgID != r.rho.ID {
		t.Fatalf("after moving on again: state %s, addressee %v", e.State, st3.AddresseeOrgID)
	}
	// The last step has no next one.
	_, err = r.s.MoveOnEscalation(r.ctx, r.gp, e.ID, e.Revision, "")
	wantErr(t, "moving on from the regional table", err, mgz.ECodeConflict)
	// A member of the regional table now reads and answers it.
	e, err = r.s.RespondEscalation(r.ctx, r.tableMember, e.ID, st3.ID, e.Revision, "Geagendeerd voor de regiotafel.")
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.s.MoveOnEscalation(r.ctx, r.gp, e.ID, e.Revision, "")
	wantErr(t, "moving on from the regional table after its response", err, mgz.ECodeConflict)
	// A zorgkantoor may not close it; the practice resolves it.
	_, err = r.s.CloseEscalation(r.ctx, r.zk, e.ID, e.Revision, mgz.StateResolved, "")
	wantErr(t, "the zorgkantoor resolving", err, mgz.ECodeForbidden)
	e, err = r.s.CloseEscalation(r.ctx, r.gp, e.ID, e.Revision, mgz.StateResolved, "Er is nu een vaste voorwacht.")
	if err != nil {
		t.Fatal(err)
	}
	if e.State != mgz.StateResolved || e.State.TaskStatus() != "completed" || e.ClosedAt == nil || e.Steps[2].Outcome != mgz.OutcomeResolvedS || e.Owner() != 0 {
		t.Fatalf("after resolving: %+v", e)
	}
	if got := r.notices(t, r.rho.ID, e.ID); len(got) == 0 || !strings.HasPrefix(got[len(got)-1], "escalation_closed") {
		t.Fatalf("the table's RHO was not told of the end: %q", got)
	}
	// A closed report takes nothing more.
	for name, try := range map[string]func() error{
		"respond":  func() error { _, err := r.s.RespondEscalation(r.ctx, r.rhoEd, e.ID, st3.ID, 0, "x"); return err },
		"move on":  func() error { _, err := r.s.MoveOnEscalation(r.ctx, r.gp, e.ID, 0, ""); return err },
		"withdraw": func() error { _, err := r.s.CloseEscalation(r.ctx, r.gp, e.ID, 0, mgz.StateWithdrawn, ""); return err },
		"resolve": func() error {
			_, err := r.s.CloseEscalation(r.ctx, r.rhoEd, e.ID, 0, mgz.StateResolved, "")
			return err
		},
	} {
		wantErr(t, name+" on a resolved report", try(), mgz.ECodeConflict)
	}
	// Every change was audited: filed, responded twice, moved on twice, resolved.
	var changes []string
	for _, en := range r.entries() {
		if en.ObjectType == escalationObject && en.ObjectID == e.ID && en.Outcome == mgz.OutcomeAllowed && en.Action != mgz.AuditRead {
			changes = append(changes, string(en.Action)+" "+en.Reason)
		}
	}
	if len(changes) != 6 {
		t.Errorf("audited changes of the report: %d, want 6: %q", len(changes), changes)
	}
}

func TestEscalationRefusedTransitions(t *testing.T) {
	cases := []struct {
		name string
		do   func(r *route, e mgz.Escalation) error
		code string
	}{
		{"the reporter's viewer moves on", func(r *route, e mgz.Escalation) error {
			r.clock = r.clock.Add(30 * 24 * time.Hour)
			_, err := r.s.MoveOnEscalation(r.ctx, r.gpViewer, e.ID, 0, "")
			return err
		}, mgz.ECodeForbidden},
		{"the provider moves its own report on", func(r *route, e mgz.Escalation) error {
			r.clock = r.clock.Add(30 * 24 * time.Hour)
			_, err := r.s.MoveOnEscalation(r.ctx, r.cp, e.ID, 0, "")
			return err
		}, mgz.ECodeForbidden},
		{"the provider's viewer responds", func(r *route, e mgz.Escalation) error {
			_, err := r.s.RespondEscalation(r.ctx, r.cpViewer, e.ID, e.Steps[0].ID, 0, "x")
			return err
		}, mgz.ECodeForbidden},
		{"the reporter responds to its own report", func(r *route, e mgz.Escalation) error {
			_, err := r.s.RespondEscalation(r.ctx, r.gp, e.ID, e.Steps[0].ID, 0, "x")
			return err
		}, mgz.ECodeForbidden},
		{"an empty response", func(r *route, e mgz.Escalation) error {
			_, err := r.s.RespondEscalation(r.ctx, r.cp, e.ID, e.Steps[0].ID, 0, "  ")
			return err
		}, mgz.ECodeInvalid},
		{"a response to another step", func(r *route, e mgz.Escalation) error {
			_, err := r.s.RespondEscalation(r.ctx, r.cp, e.ID, e.Steps[0].ID+999, 0, "x")
			return err
		}, mgz.ECodeConflict},
		{"a stale revision", func(r *route, e mgz.Escalation) error {
			_, err := r.s.RespondEscalation(r.ctx, r.cp, e.ID, e.Steps[0].ID, e.Revision+1, "x")
			return err
		}, mgz.ECodeConflict},
		{"another practice withdraws", func(r *route, e mgz.Escalation) error {
			_, err := r.s.CloseEscalation(r.ctx, r.otherGP, e.ID, 0, mgz.StateWithdrawn, "")
			return err
		}, mgz.ECodeNotFound},
		{"closing as something other than resolved or withdrawn", func(r *route, e mgz.Escalation) error {
			_, err := r.s.CloseEscalation(r.ctx, r.gp, e.ID, 0, mgz.StateCareOffice, "")
			return err
		}, mgz.ECodeInvalid},
		{"the zorgkantoor reads the report before its step", func(r *route, e mgz.Escalation) error {
			_, err := r.s.Escalation(r.ctx, r.zk, e.ID)
			return err
		}, mgz.ECodeNotFound},
		{"a table member reads the report before the third step", func(r *route, e mgz.Escalation) error {
			_, err := r.s.Escalation(r.ctx, r.tableMember, e.ID)
			return err
		}, mgz.ECodeNotFound},
		{"moving on without a zorgkantoor in the provider's region", func(r *route, e mgz.Escalation) error {
			r.office.CareOfficeRegion = "Regio Ver Weg"
			if err := r.db.Register().UpdateOrganisation(r.ctx, &r.office); err != nil {
				return err
			}
			r.clock = r.clock.Add(30 * 24 * time.Hour)
			_, err := r.s.MoveOnEscalation(r.ctx, r.gp, e.ID, 0, "")
			if err != nil && !strings.Contains(err.Error(), "niet in het register") {
				return fmt.Errorf("refusal does not say the zorgkantoor must be registered: %w", err)
			}
			return err
		}, mgz.ECodeConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newRoute(t)
			e := r.file(t)
			before := r.get(t, r.gp, e.ID)
			wantErr(t, c.name, c.do(r, e), c.code)
			after := r.get(t, r.gp, e.ID)
			if after.Revision != before.Revision || after.State != before.State || len(after.Steps) != len(before.Steps) {
				t.Errorf("a refused transition changed the report: revision %d→%d, state %s→%s", before.Revision, after.Revision, before.State, after.State)
			}
		})
	}
}

func TestEscalationWithdrawnAtTheFirstStepTellsTheProvider(t *testing.T) {
	r := newRoute(t)
	e := r.file(t)
	e, err := r.s.CloseEscalation(r.ctx, r.rhoEd, e.ID, e.Revision, mgz.StateWithdrawn, "Opgelost in overleg.")
	if err != nil {
		t.Fatal(err)
	}
	if e.State != mgz.StateWithdrawn || e.State.TaskStatus() != "cancelled" || e.Steps[0].Outcome != mgz.OutcomeWithdrawn {
		t.Fatalf("after withdrawing: %+v", e)
	}
	got := r.notices(t, r.provider.ID, e.ID)
	if len(got) != 2 || !strings.HasPrefix(got[1], "escalation_closed") {
		t.Fatalf("the provider's notices: %q", got)
	}
}

func TestEscalationFiledNamensByTheRHO(t *testing.T) {
	r := newRoute(t)
	e := mgz.Escalation{ReporterPracticeID: r.practice.ID, CareProviderID: r.provider.ID, Category: mgz.CategoryStaffing,
		Description: "Te weinig personeel.", PeriodStart: mgz.NewDate(2026, 1, 1)}
	if err := r.s.FileEscalation(r.ctx, r.rhoEd, &e); err != nil {
		t.Fatal(err)
	}
	if e.FiledByOrgID != r.rho.ID || e.ReporterPracticeID != r.practice.ID {
		t.Fatalf("filed by %d for %d", e.FiledByOrgID, e.ReporterPracticeID)
	}
	if got := r.notices(t, r.practice.ID, e.ID); len(got) != 1 || !strings.Contains(got[0], "namens uw praktijk") {
		t.Fatalf("the practice's notices: %q", got)
	}
	// The RHO's viewer may not file; the RHO may not file for an organisation that is no practice.
	bad := e
	bad.ID = 0
	wantErr(t, "the RHO's viewer filing", r.s.FileEscalation(r.ctx, r.rhoView, &bad), mgz.ECodeForbidden)
	bad.ReporterPracticeID = r.provider.ID
	wantErr(t, "filing namens a care provider", r.s.FileEscalation(r.ctx, r.rhoEd, &bad), mgz.ECodeInvalid)
	// A location of another provider is refused.
	other := r.org(mgz.KindCareProvider, "Zorg Elders", "")
	lid := r.location(other.ID, "Elders").ID
	bad = mgz.Escalation{CareProviderID: r.provider.ID, LocationID: &lid, Category: mgz.CategoryOther, Description: "x", PeriodStart: mgz.NewDate(2026, 1, 1)}
	wantErr(t, "a location of another provider", r.s.FileEscalation(r.ctx, r.gp, &bad), mgz.ECodeInvalid)
}

func TestEscalationListShowsOnlyWhatTheCallerMaySee(t *testing.T) {
	r := newRoute(t)
	e1, e2 := r.file(t), r.file(t)
	r.clock = r.clock.Add(20 * 24 * time.Hour)
	if _, err := r.s.MoveOnEscalation(r.ctx, r.gp, e2.ID, 0, ""); err != nil {
		t.Fatal(err)
	}
	ids := func(a mgz.Actor, f mgz.EscalationFilter) []int64 {
		t.Helper()
		es, total, err := r.s.Escalations(r.ctx, a, f, mgz.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(es) {
			t.Fatalf("total %d, page %d", total, len(es))
		}
		var out []int64
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for name, c := range map[string]struct {
		a    mgz.Actor
		f    mgz.EscalationFilter
		want string
	}{
		"the practice sees both":                  {r.gp, mgz.EscalationFilter{}, fmt.Sprint([]int64{e2.ID, e1.ID})},
		"the provider sees both":                  {r.cpViewer, mgz.EscalationFilter{}, fmt.Sprint([]int64{e2.ID, e1.ID})},
		"the zorgkantoor sees the one sent to it": {r.zk, mgz.EscalationFilter{}, fmt.Sprint([]int64{e2.ID})},
		"another practice sees none":              {r.otherGP, mgz.EscalationFilter{}, "[]"},
		"a table member sees none yet":            {r.tableMember, mgz.EscalationFilter{}, "[]"},
		"filtered by state":                       {r.rhoView, mgz.EscalationFilter{State: mgz.StateCareProvider}, fmt.Sprint([]int64{e1.ID})},
		"filtered by location":                    {r.rhoView, mgz.EscalationFilter{LocationID: r.loc.ID + 1000}, "[]"},
	} {
		if got := fmt.Sprint(ids(c.a, c.f)); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}

func TestOverdueScanTellsAddresseeAndReporterOnce(t *testing.T) {
	r := newRoute(t)
	e := r.file(t)
	answered := r.file(t)
	if _, err := r.s.RespondEscalation(r.ctx, r.cp, answered.ID, answered.Steps[0].ID, 0, "Opgepakt."); err != nil {
		t.Fatal(err)
	}
	n, err := r.s.ScanOverdueEscalations(r.ctx)
	if err != nil || n != 0 {
		t.Fatalf("scan before the deadline: %d, %v", n, err)
	}
	r.clock = time.Date(2026, 3, 16, 22, 59, 0, 0, time.UTC) // 23:59 on the deadline in Amsterdam
	if n, _ := r.s.ScanOverdueEscalations(r.ctx); n != 0 {
		t.Fatalf("scan on the deadline found %d overdue", n)
	}
	r.clock = time.Date(2026, 3, 16, 23, 1, 0, 0, time.UTC) // 00:01 the next day in Amsterdam
	if n, err := r.s.ScanOverdueEscalations(r.ctx); err != nil || n != 1 {
		t.Fatalf("scan after the deadline: %d, %v; want 1", n, err)
	}
	if n, _ := r.s.ScanOverdueEscalations(r.ctx); n != 0 {
		t.Fatalf("a second scan found %d new", n)
	}
	for _, org := range []int64{r.provider.ID, r.practice.ID} {
		var overdue int
		for _, s := range r.notices(t, org, e.ID) {
			if strings.HasPrefix(s, "escalation_overdue: Melding") && strings.HasSuffix(s, "reactietermijn verstreken") {
				overdue++
			}
		}
		if overdue != 1 {
			t.Errorf("organisation %d got %d overdue notices, want 1", org, overdue)
		}
	}
	if got := r.notices(t, r.provider.ID, answered.ID); len(got) != 1 {
		t.Errorf("an answered step was reported overdue: %q", got)
	}
	if !current(t, r.get(t, r.gp, e.ID)).Overdue(r.clock) {
		t.Error("the step is not flagged overdue")
	}
}

func TestTwoConcurrentMoveOnsOneWins(t *testing.T) {
	r := newRoute(t)
	var c tally
	for round := 0; round < 20; round++ {
		e := r.file(t)
		if _, err := r.s.RespondEscalation(r.ctx, r.cp, e.ID, e.Steps[0].ID, 0, "Gezien."); err != nil {
			t.Fatal(err)
		}
		e = r.get(t, r.gp, e.ID)
		rev := e.Revision
		if round%2 == 1 {
			rev = 0 // without a revision the state itself refuses the second
		}
		move := func(a mgz.Actor) func() error {
			return func() error { _, err := r.s.MoveOnEscalation(context.Background(), a, e.ID, rev, ""); return err }
		}
		errs := together(move(r.gp), move(r.rhoEd))
		c.races++
		c.tried += 2
		ok, refused := only409(t, errs...)
		c.add(ok, refused)
		if ok != 1 || refused != 1 {
			t.Fatalf("round %d: %d succeeded, %d refused; want exactly one each", round, ok, refused)
		}
		got := r.get(t, r.gp, e.ID)
		if got.State != mgz.StateCareOffice || len(got.Steps) != 2 {
			t.Fatalf("round %d: state %s with %d steps, want care_office with 2", round, got.State, len(got.Steps))
		}
	}
	c.log(t)
}

func TestEscalationResponseDaysSetting(t *testing.T) {
	r := newRoute(t)
	_, rhoAdmin := r.user(r.rho, mgz.RoleAdmin)
	wantErr(t, "the RHO's editor setting the term", r.s.SetEscalationResponseDays(r.ctx, r.rhoEd, 7), mgz.ECodeForbidden)
	wantErr(t, "a term of 0 days", r.s.SetEscalationResponseDays(r.ctx, rhoAdmin, 0), mgz.ECodeInvalid)
	wantErr(t, "a term of 91 days", r.s.SetEscalationResponseDays(r.ctx, rhoAdmin, 91), mgz.ECodeInvalid)
	if err := r.s.SetEscalationResponseDays(r.ctx, rhoAdmin, 5); err != nil {
		t.Fatal(err)
	}
	if n, err := r.s.EscalationResponseDays(r.ctx, r.gpViewer); err != nil || n != 5 {
		t.Fatalf("term %d, %v", n, err)
	}
	// Monday 2 March + 5 is Saturday 7 March: Monday 9 March.
	if d := r.file(t).Steps[0].Deadline; !d.Equal(mgz.NewDate(2026, 3, 9).Time) {
		t.Fatalf("deadline %s, want 2026-03-09", d)
	}
}

func TestEscalationPatientLinksGoThroughThePolicy(t *testing.T) {
	r := newRoute(t)
	lid, pid := r.loc.ID, r.practice.ID
	p := mgz.Patient{Name: "Mevrouw Gekoppeld", BirthDate: mgz.NewDate(1940, 1, 1), LocationID: &lid, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment,
		WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 2, 1), Delivery: mgz.DeliveryVPT, GPPracticeID: &pid}
	if err := r.db.Store().Patients().CreatePatient(r.ctx, &p); err != nil {
		t.Fatal(err)
	}
	e := mgz.Escalation{CareProviderID: r.provider.ID, Category: mgz.CategoryOther, Description: "x", PeriodStart: mgz.NewDate(2026, 2, 1), PatientIDs: []int64{p.ID}}
	// The RHO is no party in the client's care: it may not link the client.
	namens := e
	namens.ReporterPracticeID = r.practice.ID
	wantErr(t, "the RHO linking a client it may not read", r.s.FileEscalation(r.ctx, r.rhoEd, &namens), mgz.ECodeNotFound)
	n := len(r.entries())
	if err := r.s.FileEscalation(r.ctx, r.gp, &e); err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, en := range r.since(n) {
		if en.PatientID == p.ID && en.Action == mgz.AuditRead {
			linked++
		}
	}
	if linked != 1 {
		t.Errorf("linking the client was audited %d times, want once", linked)
	}
	d, err := r.s.Escalation(r.ctx, r.gp, e.ID)
	if err != nil || len(d.Patients) != 1 || d.HiddenPatients != 0 {
		t.Fatalf("the practice sees %d linked clients, %d hidden (%v)", len(d.Patients), d.HiddenPatients, err)
	}
	d, err = r.s.Escalation(r.ctx, r.rhoView, e.ID)
	if err != nil || len(d.Patients) != 0 || d.HiddenPatients != 1 {
		t.Fatalf("the RHO sees %d linked clients, %d hidden (%v); want 0 and 1", len(d.Patients), d.HiddenPatients, err)
	}
}

func TestEscalationAttachmentsFollowTheDocumentRules(t *testing.T) {
	r := newRoute(t)
	e := r.file(t)
	_, err := r.s.AddEscalationAttachment(r.ctx, r.gp, e.ID, &Upload{Name: "rooster.pdf", Content: []byte("MZ\x90\x00 not a pdf")})
	wantErr(t, "an executable named .pdf", err, mgz.ECodeInvalid)
	_, err = r.s.AddEscalationAttachment(r.ctx, r.cp, e.ID, &Upload{Name: "x.pdf", Content: []byte("%PDF-1.4\n")})
	wantErr(t, "the provider attaching", err, mgz.ECodeForbidden)
	at, err := r.s.AddEscalationAttachment(r.ctx, r.gp, e.ID, &Upload{Name: "rooster", Content: []byte("%PDF-1.4\n%%EOF\n")})
	if err != nil || at.Name != "rooster.pdf" || at.ContentType != "application/pdf" {
		t.Fatalf("attachment %+v, %v", at, err)
	}
	if _, _, err := r.s.EscalationAttachment(r.ctx, r.cpViewer, e.ID, at.ID); err != nil {
		t.Fatalf("the provider reading the attachment: %v", err)
	}
	_, _, err = r.s.EscalationAttachment(r.ctx, r.zk, e.ID, at.ID)
	wantErr(t, "the zorgkantoor reading an attachment before its step", err, mgz.ECodeNotFound)
	other := r.file(t)
	_, _, err = r.s.EscalationAttachment(r.ctx, r.gp, other.ID, at.ID)
	wantErr(t, "an attachment read through another report", err, mgz.ECodeNotFound)
}

func TestEscalationSummaryIsAnonymous(t *testing.T) {
	r := newRoute(t)
	// Every text a person wrote or a name carries a marker; none may reach the summary.
	markers := []string{"MARKER-PRAKTIJK", "MARKER-AANBIEDER", "MARKER-OMSCHRIJVING", "MARKER-REACTIE", "MARKER-TOELICHTING",
		"MARKER-CLIENT", "123456782", "01999999", "Gebruiker", "Woonvorm De Es", "test.example"}
	r.practice.Name = "Huisartsenpraktijk MARKER-PRAKTIJK"
	r.practice.AGB = "01999999"
	if err := r.db.Register().UpdateOrganisation(r.ctx, &r.practice); err != nil {
		t.Fatal(err)
	}
	r.provider.Name = "Zorggroep MARKER-AANBIEDER"
	if err := r.db.Register().UpdateOrganisation(r.ctx, &r.provider); err != nil {
		t.Fatal(err)
	}
	lid, pid := r.loc.ID, r.practice.ID
	p := mgz.Patient{Name: "MARKER-CLIENT", BSN: "123456782", BirthDate: mgz.NewDate(1940, 1, 1), LocationID: &lid, Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment,
		WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 2, 1), Delivery: mgz.DeliveryVPT, GPPracticeID: &pid}
	if err := r.db.Store().Patients().CreatePatient(r.ctx, &p); err != nil {
		t.Fatal(err)
	}
	e := mgz.Escalation{CareProviderID: r.provider.ID, LocationID: &lid, Category: mgz.CategoryStaffing, PatientIDs: []int64{p.ID},
		Description: "MARKER-OMSCHRIJVING bij cliënt MARKER-CLIENT, BSN 123456782, huisarts AGB 01999999", PeriodStart: mgz.NewDate(2026, 2, 1)}
	if err := r.s.FileEscalation(r.ctx, r.gp, &e); err != nil {
		t.Fatal(err)
	}
	if _, err := r.s.RespondEscalation(r.ctx, r.cp, e.ID, e.Steps[0].ID, 0, "MARKER-REACTIE over MARKER-CLIENT"); err != nil {
		t.Fatal(err)
	}
	r.clock = r.clock.Add(24 * time.Hour)
	if _, err := r.s.CloseEscalation(r.ctx, r.gp, e.ID, 0, mgz.StateResolved, "MARKER-TOELICHTING"); err != nil {
		t.Fatal(err)
	}
	open := r.file(t)
	_ = open
	_, err := r.s.SummariseEscalations(r.ctx, r.gp, mgz.Date{}, mgz.Date{})
	wantErr(t, "a practice exporting", err, mgz.ECodeForbidden)
	sum, err := r.s.SummariseEscalations(r.ctx, r.rhoView, mgz.Date{}, mgz.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 2 || sum.ByCategory["staffing"] != 1 || sum.ByState["resolved"] != 1 || sum.ByState["care_provider"] != 1 ||
		sum.BySector["elderly"] != 2 || sum.ByCareOfficeRegion["Regio Test"] != 2 || sum.MedianDaysToResolution == nil || *sum.MedianDaysToResolution != 1 ||
		sum.ReportsWithLinkedClients != 1 {
		t.Errorf("summary counts: %+v", sum)
	}
	for _, format := range []string{"json", "csv"} {
		var b strings.Builder
		if err := WriteEscalationSummary(&b, sum, format); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "staffing") {
			t.Fatalf("%s export lacks the counts: %s", format, out)
		}
		for _, m := range markers {
			if strings.Contains(out, m) {
				t.Errorf("%s export contains %q:\n%s", format, m, out)
			}
		}
		for _, id := range []int64{r.practice.ID, r.provider.ID, p.ID} {
			if strings.Contains(out, fmt.Sprintf(`"id":%d`, id)) {
				t.Errorf("%s export names an id", format)
			}
		}
	}
	if !access.Decide(r.rhoView, access.Export, access.Resource{Kind: access.Escalation}).Allow {
		t.Error("the policy refuses the RHO the export")
	}
}
