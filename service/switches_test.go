package service

import (
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

// switchSetup registers a client living at home with f.practice, and asks for its switch to
// another practice; it returns the client, the request and the requesting practice's actor.
func switchSetup(t *testing.T, f *fixture) (mgz.Patient, mgz.SwitchRequest, mgz.Actor) {
	t.Helper()
	_, holder := f.user(f.practice, mgz.RolePhysician)
	other := f.org(mgz.KindGPPractice, "Huisartsenpraktijk Het Anker", "01000002")
	_, requester := f.user(other, mgz.RoleEditor)
	p := mgz.Patient{Name: "Mevrouw Thuis", BirthDate: mgz.NewDate(1940, 5, 1), BSN: "111222333", HomePostcode: "9901 AB",
		Sector: mgz.SectorElderly, Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.DateOf(f.clock), Delivery: mgz.DeliveryVPT,
		LeadPhysician: mgz.LeadGP, LeadPhysicianOrgID: &f.practice.ID}
	res, err := f.s.RegisterPatient(f.ctx, holder, &p, &mgz.Registration{})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	again := p
	again.Name, again.ID, again.GPPracticeID = "Zoals Getypt", 0, nil
	out, err := f.s.RegisterPatient(f.ctx, requester, &again, &mgz.Registration{SwitchConsentMethod: mgz.ConsentInPerson,
		SwitchConsentOn: mgz.DateOf(f.clock), SwitchConsentBy: "Dr. A. Bakker, huisarts"})
	if err != nil || out.SwitchRequest == nil {
		t.Fatalf("request: %+v %v", out, err)
	}
	return res.Patient, *out.SwitchRequest, requester
}

func TestSwitchCompletesLazilyWhenItsPeriodHasPassed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  mgz.SwitchState
	}{
		{"a minute before the period, the request is open", 14*24*time.Hour - time.Minute, mgz.SwitchOpen},
		{"at the end of the period, it has completed", 14 * 24 * time.Hour, mgz.SwitchCompleted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p, sr, requester := switchSetup(t, f)
			f.clock = f.clock.Add(tc.after)
			got, err := f.s.SwitchRequest(f.ctx, requester, sr.ID)
			if err != nil || got.State != tc.want {
				t.Fatalf("state %s (%v), want %s", got.State, err, tc.want)
			}
			stored, _ := f.db.Store().Patients().Patient(f.ctx, p.ID)
			want := f.practice.ID
			if tc.want == mgz.SwitchCompleted {
				want = sr.ToPracticeID
				if got.DecidedAt == nil || !got.DecidedAt.Equal(f.clock) || !strings.Contains(got.Reason, "14 dagen") {
					t.Fatalf("completed request = %+v", got)
				}
				// The lead GP of the practice left moves along, recorded, so the former
				// practice is no longer a party through it.
				cs, _ := f.db.Store().Patients().LeadChanges(f.ctx, p.ID)
				if stored.LeadPhysicianOrgID == nil || *stored.LeadPhysicianOrgID != want || len(cs) != 1 || *cs[0].FromOrgID != f.practice.ID {
					t.Fatalf("lead physician at %v, changes %+v", stored.LeadPhysicianOrgID, cs)
				}
			}
			if *stored.GPPracticeID != want {
				t.Fatalf("client at practice %d, want %d", *stored.GPPracticeID, want)
			}
		})
	}
}

func TestASwitchLapsesWhenTheClientLeftTheOldPracticeAnotherWay(t *testing.T) {
	f := newFixture(t)
	p, sr, requester := switchSetup(t, f)
	// An operator's import moves the registration meanwhile.
	third := f.org(mgz.KindGPPractice, "Huisartsenpraktijk De Wilg", "01000003")
	moved, _ := f.db.Store().Patients().Patient(f.ctx, p.ID)
	moved.GPPracticeID = &third.ID
	if err := f.db.Store().Patients().UpdatePatient(f.ctx, &moved); err != nil {
		t.Fatal(err)
	}
	f.clock = f.clock.AddDate(0, 0, 15)
	got, err := f.s.SwitchRequest(f.ctx, requester, sr.ID)
	if err != nil || got.State != mgz.SwitchWithdrawn || !strings.Contains(got.Reason, "vervallen") {
		t.Fatalf("request = %+v (%v)", got, err)
	}
	stored, _ := f.db.Store().Patients().Patient(f.ctx, p.ID)
	if *stored.GPPracticeID != third.ID {
		t.Fatalf("the lapsed request took the client from practice %d to %d", third.ID, *stored.GPPracticeID)
	}
}
