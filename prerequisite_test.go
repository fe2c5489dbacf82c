package mgz

import (
	"strings"
	"testing"
	"time"
)

func prereqDay(s string) *time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &d
}

// allMet records every prerequisite of §5 as met, without an end date.
func allMet() []PrerequisiteItem {
	var its []PrerequisiteItem
	for _, d := range Prerequisites {
		its = append(its, PrerequisiteItem{Key: d.Key, Status: StatusMet, Note: "op orde"})
	}
	return its
}

func TestPrerequisitesAreTheElevenOfDomain5(t *testing.T) {
	if len(Prerequisites) != 11 {
		t.Fatalf("%d prerequisites, domain.md §5 has 11", len(Prerequisites))
	}
	advised := 0
	for _, d := range Prerequisites {
		if d.Strength == Advised {
			advised++
			if d.Key != PrereqFixedTeam {
				t.Errorf("§5: only fixed_team is advised, not %s", d.Key)
			}
		}
		if d.Requirement == "" || len(d.Sources) == 0 {
			t.Errorf("%s lacks its Dutch requirement or its sources", d.Key)
		}
	}
	if advised != 1 {
		t.Fatalf("%d advised items, want 1", advised)
	}
}

func TestReadiness(t *testing.T) {
	today := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	with := func(key PrerequisiteKey, change func(*PrerequisiteItem)) []PrerequisiteItem {
		its := allMet()
		for i := range its {
			if its[i].Key == key {
				change(&its[i])
			}
		}
		return its
	}
	for _, tc := range []struct {
		name     string
		items    []PrerequisiteItem
		ready    bool
		open     []PrerequisiteKey
		expiring []PrerequisiteKey
	}{
		{"§5 ready when every required item is met", allMet(), true, nil, nil},
		{"§5 nothing recorded is unknown, not ready", nil, false, []PrerequisiteKey{PrereqQualityStandard, PrereqInfectionProtocol, PrereqWzdProtocol,
			PrereqLegalRequirements, PrereqBehaviourSpecialist24h, PrereqFirstLine24h, PrereqPhysicianContract, PrereqAgreementsBeforeOpening,
			PrereqGPPostArrangement, PrereqPeriodicEvaluation}, nil},
		{"§5 the advised item does not block readiness", with(PrereqFixedTeam, func(it *PrerequisiteItem) { it.Status = StatusNotMet }), true, nil, nil},
		{"§5 a required item not met blocks readiness", with(PrereqWzdProtocol, func(it *PrerequisiteItem) { it.Status = StatusNotMet }), false, []PrerequisiteKey{PrereqWzdProtocol}, nil},
		{"§5 a required item unknown blocks readiness", with(PrereqFirstLine24h, func(it *PrerequisiteItem) { it.Status = StatusUnknown }), false, []PrerequisiteKey{PrereqFirstLine24h}, nil},
		{"§5 an expired required item blocks readiness", with(PrereqInfectionProtocol, func(it *PrerequisiteItem) { it.ValidUntil = prereqDay("2026-11-22") }), false, []PrerequisiteKey{PrereqInfectionProtocol}, nil},
		{"§5 valid through its last day", with(PrereqInfectionProtocol, func(it *PrerequisiteItem) { it.ValidUntil = prereqDay("2026-11-23") }), true, nil, []PrerequisiteKey{PrereqInfectionProtocol}},
		{"expiring within 30 days is flagged but still met", with(PrereqPhysicianContract, func(it *PrerequisiteItem) { it.ValidUntil = prereqDay("2026-12-23") }), true, nil, []PrerequisiteKey{PrereqPhysicianContract}},
		{"expiring in 31 days is not flagged", with(PrereqPhysicianContract, func(it *PrerequisiteItem) { it.ValidUntil = prereqDay("2026-12-24") }), true, nil, nil},
		{"an expired advised item does not block", with(PrereqFixedTeam, func(it *PrerequisiteItem) { it.ValidUntil = prereqDay("2025-01-01") }), true, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Evaluate(7, tc.items, today)
			if r.Ready != tc.ready || !sameKeys(r.Open, tc.open) || !sameKeys(r.Expiring, tc.expiring) || len(r.Items) != 11 {
				t.Fatalf("ready %v open %v expiring %v (%d items); want %v %v %v", r.Ready, r.Open, r.Expiring, len(r.Items), tc.ready, tc.open, tc.expiring)
			}
		})
	}
}

func sameKeys(a, b []PrerequisiteKey) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPrerequisiteItemValidation(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	doc := int64(3)
	for _, tc := range []struct {
		name  string
		it    PrerequisiteItem
		field string
	}{
		{"met with a note", PrerequisiteItem{Key: PrereqWzdProtocol, Status: StatusMet, Note: "vastgesteld"}, ""},
		{"met with a document", PrerequisiteItem{Key: PrereqWzdProtocol, Status: StatusMet, DocumentID: &doc}, ""},
		{"not met needs no evidence", PrerequisiteItem{Key: PrereqWzdProtocol, Status: StatusNotMet}, ""},
		{"§5 met needs evidence", PrerequisiteItem{Key: PrereqWzdProtocol, Status: StatusMet}, "note"},
		{"unknown key", PrerequisiteItem{Key: "coffee", Status: StatusUnknown}, "key"},
		{"unknown status", PrerequisiteItem{Key: PrereqWzdProtocol, Status: "maybe"}, "status"},
		{"met with an end date already past", PrerequisiteItem{Key: PrereqWzdProtocol, Status: StatusMet, Note: "x", ValidUntil: prereqDay("2026-11-22")}, "valid_until"},
		{"met until today", PrerequisiteItem{Key: PrereqWzdProtocol, Status: StatusMet, Note: "x", ValidUntil: prereqDay("2026-11-23")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.it.Normalise(now)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Fields[tc.field] == "" {
				t.Fatalf("error %v, want a Dutch message at %s", err, tc.field)
			}
		})
	}
}

func TestPrereqEvaluateWithRegisterFlagsMetItemsTheRegisterContradicts(t *testing.T) {
	today := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	if r := EvaluateWithRegister(1, allMet(), today, UncheckedRegister); !r.Ready || len(r.Inconsistent) != 0 {
		t.Fatalf("nothing contradicted: ready %v, inconsistent %v", r.Ready, r.Inconsistent)
	}
	if r := Evaluate(1, allMet(), today); !r.Ready || len(r.Inconsistent) != 0 {
		t.Fatalf("Evaluate checks no register: ready %v, inconsistent %v", r.Ready, r.Inconsistent)
	}
	for _, tc := range []struct {
		key   PrerequisiteKey
		facts RegisterFacts
	}{
		{PrereqFirstLine24h, RegisterFacts{BehaviourSpecialist: true, PhysicianService: true, GPPost: true}},
		{PrereqBehaviourSpecialist24h, RegisterFacts{FirstLine24h: true, PhysicianService: true, GPPost: true}},
		{PrereqPhysicianContract, RegisterFacts{FirstLine24h: true, BehaviourSpecialist: true, GPPost: true}},
		{PrereqGPPostArrangement, RegisterFacts{FirstLine24h: true, BehaviourSpecialist: true, PhysicianService: true}},
	} {
		r := EvaluateWithRegister(1, allMet(), today, tc.facts)
		if r.Ready || len(r.Open) != 1 || r.Open[0] != tc.key || len(r.Inconsistent) != 1 || r.Inconsistent[0] != tc.key {
			t.Errorf("%s contradicted: ready %v, open %v, inconsistent %v", tc.key, r.Ready, r.Open, r.Inconsistent)
		}
		for _, st := range r.Items {
			if st.Inconsistent != (st.Def.Key == tc.key) {
				t.Errorf("%s contradicted: item %s inconsistent %v", tc.key, st.Def.Key, st.Inconsistent)
			}
			if st.Inconsistent && (st.Met() || !strings.Contains(st.InconsistentReason, "Als voldaan gemeld")) {
				t.Errorf("%s: met %v, reason %q", st.Def.Key, st.Met(), st.InconsistentReason)
			}
		}
	}
	// An item not recorded as met, or expired, is open for that reason and not inconsistent.
	its := allMet()
	for i := range its {
		switch its[i].Key {
		case PrereqFirstLine24h:
			its[i].Status = StatusNotMet
		case PrereqPhysicianContract:
			its[i].ValidUntil = prereqDay("2026-11-01")
		}
	}
	r := EvaluateWithRegister(1, its, today, RegisterFacts{})
	want := []PrerequisiteKey{PrereqBehaviourSpecialist24h, PrereqGPPostArrangement}
	if len(r.Inconsistent) != 2 || r.Inconsistent[0] != want[0] || r.Inconsistent[1] != want[1] || len(r.Open) != 4 {
		t.Fatalf("inconsistent %v (want %v), open %v", r.Inconsistent, want, r.Open)
	}
}
