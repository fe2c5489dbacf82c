package fhir

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
)

const base = "https://mgz.example/fhir"

func TestPatientCarriesTheBSNOnlyWhenShown(t *testing.T) {
	gp, provider := int64(3), int64(4)
	p := mgz.Patient{ID: 7, Name: "Cliënt Test", BirthDate: mgz.NewDate(1940, 1, 2), BSN: "123456782", GPPracticeID: &gp, Revision: 2}
	for _, show := range []bool{true, false} {
		out := NewPatient(PatientInput{Patient: p, ShowBSN: show, ProviderID: provider, Names: Names{gp: "Praktijk"}})
		b, _ := json.Marshal(out)
		if got := strings.Contains(string(b), p.BSN); got != show {
			t.Errorf("ShowBSN %v: BSN in the resource is %v: %s", show, got, b)
		}
		if out.GeneralPractitioner[0].Reference != "Organization/3" || out.GeneralPractitioner[0].Display != "Praktijk" ||
			out.ManagingOrganization.Reference != "Organization/4" || out.BirthDate != "1940-01-02" || out.Meta.VersionID != "2" {
			t.Errorf("patient %s", b)
		}
	}
}

func TestAuditEventFollowsBALP(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name          string
		e             mgz.AuditEntry
		typ, action   string
		subtype       string
		outcome       string
		patientEntity bool
	}{
		{"a read of a patient", mgz.AuditEntry{ID: 1, At: at, UserID: 5, UserEmail: "arts@praktijk.test", OrganisationID: 3, Action: mgz.AuditRead,
			ObjectType: "patient", ObjectID: 7, PatientID: 7, Outcome: mgz.OutcomeAllowed, ClientAddress: "127.0.0.1"}, "rest", "R", "read", "0", true},
		{"a refused update of a location", mgz.AuditEntry{ID: 2, At: at, UserID: 5, OrganisationID: 3, Action: mgz.AuditUpdate,
			ObjectType: "location", ObjectID: 9, Outcome: mgz.OutcomeDenied, Reason: "niet toegestaan"}, "rest", "U", "update", "4", false},
		{"a failed login", mgz.AuditEntry{ID: 3, At: at, UserEmail: "iemand@test", Action: mgz.AuditLoginFailed, Outcome: mgz.OutcomeDenied}, "110114", "E", "110122", "4", false},
		{"a logout", mgz.AuditEntry{ID: 4, At: at, UserID: 5, Action: mgz.AuditLogout, Outcome: mgz.OutcomeAllowed}, "110114", "E", "110123", "0", false},
		{"an export of the log", mgz.AuditEntry{ID: 5, At: at, UserID: 5, OrganisationID: 3, Action: mgz.AuditExport, ObjectType: "audit_log",
			Outcome: mgz.OutcomeAllowed}, "rest", "R", "export", "0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := NewAuditEvent(base, tc.e)
			if ev.Type.Code != tc.typ || ev.Action != tc.action || ev.Outcome != tc.outcome || ev.Recorded != "2026-11-30T10:00:00.000Z" {
				t.Errorf("type %s action %s outcome %s recorded %s", ev.Type.Code, ev.Action, ev.Outcome, ev.Recorded)
			}
			found := false
			for _, s := range ev.Subtype {
				found = found || s.Code == tc.subtype
			}
			if !found {
				t.Errorf("subtypes %+v lack %s", ev.Subtype, tc.subtype)
			}
			if len(ev.Agent) == 0 || !ev.Agent[0].Requestor || ev.Agent[0].Who == nil || ev.Source.Observer == nil {
				t.Errorf("no requesting agent or observer: %+v", ev)
			}
			hasPatient := false
			for _, en := range ev.Entity {
				hasPatient = hasPatient || (en.What != nil && en.What.Reference == "Patient/7" && en.Role.Code == "1")
			}
			if hasPatient != tc.patientEntity {
				t.Errorf("patient entity %v, want %v: %+v", hasPatient, tc.patientEntity, ev.Entity)
			}
		})
	}
}

func TestCareTeamNamesThePartiesInTheClientsCare(t *testing.T) {
	gp, lead, provider, service := int64(1), int64(2), int64(3), int64(4)
	loc := int64(10)
	p := mgz.Patient{ID: 7, GPPracticeID: &gp, LeadPhysician: mgz.LeadElderlyCarePhysician, LeadPhysicianOrgID: &lead, LocationID: &loc}
	ct := NewCareTeam(base, p, &mgz.Location{ID: loc, ProviderID: provider, PhysicianServiceID: &service}, Names{})
	var got []string
	for _, pt := range ct.Participant {
		got = append(got, pt.Role[0].Coding[0].Code+"="+pt.Member.Reference)
	}
	want := "gp_practice=Organization/1 lead_physician=PractitionerRole/lead-7 care_provider=Organization/3 physician_service=Organization/4"
	if strings.Join(got, " ") != want || ct.Subject.Reference != "Patient/7" {
		t.Errorf("care team %v, want %s", got, want)
	}
	home := NewCareTeam(base, mgz.Patient{ID: 8, GPPracticeID: &gp}, nil, Names{})
	if len(home.Participant) != 1 {
		t.Errorf("a client at home without lead physician: %+v", home.Participant)
	}
	role, ok := NewPractitionerRole(base, p, Names{})
	if !ok || role.Organization.Reference != "Organization/2" || role.Specialty[0].Coding[0].Code != "elderly_care_physician" ||
		role.Specialty[0].Coding[0].System != base+CodeSystemLeadPhysician {
		t.Errorf("lead physician role %+v", role)
	}
}

func TestConsentIDsAreStableAndParse(t *testing.T) {
	h := mgz.Handover{PatientID: 12, Version: 3, Wishes: []mgz.TreatmentWish{
		{Treatment: mgz.TreatmentICUAdmission, Decision: mgz.DecisionDeny},
		{Treatment: mgz.TreatmentOther, Decision: mgz.DecisionPermit, Specification: "Dialyse"},
		{Treatment: mgz.TreatmentOther, Decision: mgz.DecisionWithRestrictions, Specification: "Sonde", Restrictions: "tijdelijk"}}}
	cs := NewConsents("https://x/fhir", h, "")
	var got []string
	for _, c := range cs {
		got = append(got, c.ID)
		p, v, ok := ParseConsentID(c.ID)
		if !ok || p != 12 || v != 3 {
			t.Errorf("ParseConsentID(%q) = %d, %d, %v", c.ID, p, v, ok)
		}
	}
	want := []string{"12-3-icu-admission", "12-3-other", "12-3-other-2"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ids %v, want %v", got, want)
	}
	if cs[0].Provision.Type != "deny" || cs[2].Provision.Type != "permit" || len(cs[2].Provision.Extension) != 1 || cs[1].Provision.Code[0].Text != "Dialyse" {
		t.Errorf("provisions: %+v %+v %+v", cs[0].Provision, cs[1].Provision, cs[2].Provision)
	}
	for _, bad := range []string{"12-3", "x-3-other", "012-3-other", "12-0-other", ""} {
		if _, _, ok := ParseConsentID(bad); ok {
			t.Errorf("ParseConsentID(%q) accepted", bad)
		}
	}
}
