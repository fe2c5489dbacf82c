package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// TestDecideWithDBNamesWhoIsOnCallFromAnImportedRoster: the command line's answer (mgz decide
// --db) names who is on call (issue 13). The SO service of Verpleeghuis De Hofstede gets the
// roster ical-generator wrote (rosterfile/testdata/ical/gen.mjs) through mgz roster import; inside
// its Monday night shift the SO step names Dr. A. de Vries, and the same hour a week later, which
// the file's EXDATE leaves out, the answer warns on_call_gap and the step is not reachable now.
func TestDecideWithDBNamesWhoIsOnCallFromAnImportedRoster(t *testing.T) {
	path, orgs := importDB(t)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svcID := orgs["Ouderengeneeskunde Voorbeeld (SO-dienst)"].ID
	r := mgz.Roster{OrganisationID: &svcID, Role: mgz.RosterPhysicianOnCall, Name: "SO-dienst", Phone: "0201234567"}
	err = service.New(db.Store(), service.Config{}).CreateRoster(ctx, service.System(), &r)
	ls, _, lerr := db.Register().Locations(ctx, mgz.LocationFilter{Query: "Verpleeghuis De Hofstede"})
	db.Close()
	if err != nil || lerr != nil || len(ls) != 1 || ls[0].PhysicianServiceID == nil || *ls[0].PhysicianServiceID != svcID {
		t.Fatalf("roster %v; location %v %v", err, ls, lerr)
	}
	fixture, err := filepath.Abs(filepath.Join("..", "..", "rosterfile", "testdata", "ical-generator.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errs := importRun(path, "roster", "import", "--roster", itoa64(r.ID), fixture); code != 0 || !strings.Contains(out, "5 toegevoegd") {
		t.Fatalf("roster import: exit %d %q %q", code, out, errs)
	}

	type answer struct {
		Route struct {
			Steps []struct {
				Role    string `json:"role"`
				Contact struct {
					NotReachableNow bool `json:"not_reachable_now"`
					OnCall          *struct {
						Name, Function string
					} `json:"on_call"`
				} `json:"contact"`
			} `json:"steps"`
		} `json:"route"`
		Warnings []struct{ Code, Message string } `json:"warnings"`
	}
	decide := func(at string) answer {
		t.Helper()
		env, out, errb := testEnv(nil)
		env.stdin = strings.NewReader(`{"situation":{"setting":"institution","wlz":"without_treatment","delivery":"stay_without_treatment","sector":"elderly"},` +
			`"question":{"category":"condition_treatment","at":"` + at + `"},"location_id":"` + strconv.FormatInt(ls[0].ID, 10) + `"}`)
		if code := run(ctx, env, []string{"decide", "--db", path}); code != 0 {
			t.Fatalf("decide at %s: exit %d %s %s", at, code, out.String(), errb.String())
		}
		var a answer
		if err := json.Unmarshal([]byte(out.String()), &a); err != nil {
			t.Fatalf("decide at %s: %v\n%s", at, err, out.String())
		}
		return a
	}
	gapWarning := func(a answer) string {
		for _, w := range a.Warnings {
			if w.Code == "on_call_gap" {
				return w.Message
			}
		}
		return ""
	}
	soStep := func(a answer) (onCall string, notReachable bool) {
		t.Helper()
		for _, s := range a.Route.Steps {
			if s.Role == "elderly_care_physician" {
				if s.Contact.OnCall != nil {
					onCall = s.Contact.OnCall.Name + " (" + s.Contact.OnCall.Function + ")"
				}
				return onCall, s.Contact.NotReachableNow
			}
		}
		t.Fatalf("no SO step: %+v", a.Route.Steps)
		return "", false
	}

	in := decide("2026-11-30T23:30:00+01:00")
	if who, nr := soStep(in); who != "Dr. A. de Vries (SO)" || nr || gapWarning(in) != "" {
		t.Errorf("inside the imported night shift: on call %q, not reachable %v, on_call_gap %q", who, nr, gapWarning(in))
	}
	gap := decide("2026-12-07T23:30:00+01:00")
	who, nr := soStep(gap)
	msg := gapWarning(gap)
	if who != "" || !nr || !strings.Contains(msg, "07-12-2026 17:00") || !strings.Contains(msg, "08-12-2026 08:00") || !strings.Contains(msg, "zorgkantoor") {
		t.Errorf("in the EXDATE's gap: on call %q, not reachable %v, on_call_gap %q", who, nr, msg)
	}
}
