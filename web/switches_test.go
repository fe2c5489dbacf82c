package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/directory"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
	"github.com/regio-mgz/mgz/sqlstore/storetest"
	"github.com/regio-mgz/mgz/web"
)

// testClock is a clock the test moves forward.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newClockedTestServer is newTestServer with the demo region and a service running on clock.
func newClockedTestServer(t *testing.T, clock *testClock) *testServer {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := service.New(db.Store(), service.Config{Params: testParams, Now: clock.Now})
	ts := &testServer{db: db, reg: db.Register(), svc: svc}
	if _, err := demo.Load(ctx, svc.Register(service.System())); err != nil {
		t.Fatal(err)
	}
	orgs, _, err := db.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindRegionalGPOrg})
	if err != nil || len(orgs) != 1 {
		t.Fatalf("demo RHO: %v %v", orgs, err)
	}
	ts.rho = orgs[0]
	srv, err := web.New(web.Config{Service: svc, Enrich: directory.New(db.Register()).Enrich, Resolver: directory.New(db.Register()).Resolver, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	ts.Server = httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Server.Close)
	ts.client = ts.as(t, ts.rho.ID, mgz.RoleAdmin)
	return ts
}

// switchFixture is a client registered at practice gp, and the readiness of its location.
type switchFixture struct {
	*patientFixture
	open      []mgz.PrerequisiteKey
	patientID int64
	bsn       string
	birth     string
}

// registerAtFirstPractice registers a client with bsn at f.gp.
func registerAtFirstPractice(t *testing.T, f *patientFixture, name, bsn string) *switchFixture {
	t.Helper()
	var rd mgz.Readiness
	f.gpDoc.do(t, "GET", "/api/v1/locations/"+itoa(f.loc.ID)+"/prerequisites", nil).json(t, &rd)
	p := f.client(name)
	p["bsn"] = bsn
	r := f.gpDoc.do(t, "POST", "/api/v1/registrations", map[string]any{"patient": p, "registration": map[string]any{"open_items_acknowledged": rd.Open}})
	if r.status != 201 {
		t.Fatalf("first registration: %d %s", r.status, r.body)
	}
	var res struct {
		Patient mgz.Patient `json:"patient"`
	}
	r.json(t, &res)
	return &switchFixture{patientFixture: f, open: rd.Open, patientID: res.Patient.ID, bsn: bsn, birth: p["birth_date"].(string)}
}

// request asks for a switch of the fixture's client as c, with the given birth date and
// registration fields.
func (sf *switchFixture) request(t *testing.T, c *client, birth string, reg map[string]any) response {
	t.Helper()
	p := sf.client("Naam Zoals Getypt")
	p["bsn"], p["birth_date"] = sf.bsn, birth
	reg["open_items_acknowledged"] = sf.open
	return c.do(t, "POST", "/api/v1/registrations", map[string]any{"patient": p, "registration": reg})
}

func switchOf(t *testing.T, r response) mgz.SwitchRequest {
	t.Helper()
	if r.status != 202 {
		t.Fatalf("switch request: %d, want 202\n%s", r.status, r.body)
	}
	var out struct {
		SwitchRequest mgz.SwitchRequest `json:"switch_request"`
	}
	r.json(t, &out)
	if out.SwitchRequest.ID == 0 || out.SwitchRequest.State != mgz.SwitchOpen {
		t.Fatalf("switch request = %+v", out.SwitchRequest)
	}
	return out.SwitchRequest
}

func practiceOf(t *testing.T, c *client, patientID int64) (int, int64) {
	t.Helper()
	r := c.do(t, "GET", "/api/v1/patients/"+itoa(patientID), nil)
	if r.status != 200 {
		return r.status, 0
	}
	var p mgz.Patient
	r.json(t, &p)
	if p.GPPracticeID == nil {
		return r.status, 0
	}
	return r.status, *p.GPPracticeID
}

// TestSwitchIsATwoSidedStepNeverATakeover walks the switch flow over HTTP: the request, the notice
// on the current practice's start page and client list, its full access while the request is
// open, an objection with a reason, a second request and its confirmation, and the history both
// practices see.
func TestSwitchIsATwoSidedStepNeverATakeover(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Mevrouw Overstap", "111222333")
	id := itoa(sf.patientID)

	sr := switchOf(t, sf.request(t, f.gp2Doc, sf.birth, consented(map[string]any{})))
	if sr.FromPracticeID != f.gp.ID || sr.ToPracticeID != f.gp2.ID || sr.ConsentMethod != mgz.ConsentInWriting || sr.ConsentBy == "" {
		t.Fatalf("the request does not record who, from where and the consent: %+v", sr)
	}
	if !sr.DueAt.After(sr.RequestedAt.Add(13 * 24 * time.Hour)) {
		t.Fatalf("the request is due at %v, requested %v: want the default 14 days", sr.DueAt, sr.RequestedAt)
	}
	srPath := "/api/v1/switch-requests/" + itoa(sr.ID)

	t.Run("the current practice keeps the client and full access while the request is open", func(t *testing.T) {
		if status, gp := practiceOf(t, f.gpDoc, sf.patientID); status != 200 || gp != f.gp.ID {
			t.Fatalf("the current practice gets %d, practice %d", status, gp)
		}
		p := f.client("Mevrouw Overstap Verbeterd")
		if r := f.gpDoc.do(t, "PUT", "/api/v1/patients/"+id, p); r.status != 200 {
			t.Fatalf("the current practice cannot edit its client: %d %s", r.status, r.body)
		}
		wantError(t, f.gp2Doc.do(t, "GET", "/api/v1/patients/"+id, nil), 404, "not_found")
	})
	t.Run("the current practice is told on its start page and in its client list", func(t *testing.T) {
		home := string(f.gpDoc.do(t, "GET", "/", nil).body)
		if !strings.Contains(home, "Overstappen en regiebehandelaars van uw cliënten") || !strings.Contains(home, "/overstappen/"+itoa(sr.ID)) || !strings.Contains(home, f.gp2.Name) {
			t.Fatal("the start page of the current practice does not tell about the request")
		}
		var l struct {
			Items []struct {
				ID            int64              `json:"id"`
				SwitchPending *mgz.SwitchRequest `json:"switch_pending"`
			} `json:"items"`
		}
		f.gpDoc.do(t, "GET", "/api/v1/patients", nil).json(t, &l)
		marked := false
		for _, it := range l.Items {
			marked = marked || (it.ID == sf.patientID && it.SwitchPending != nil && it.SwitchPending.ID == sr.ID)
		}
		if !marked {
			t.Fatal("the client list of the API does not mark the pending switch")
		}
		if page := string(f.gpDoc.do(t, "GET", "/clienten", nil).body); !strings.Contains(page, "uw reactie gevraagd") {
			t.Fatal("the client list page does not mark the pending switch")
		}
		page := string(f.gpDoc.do(t, "GET", "/clienten/"+id, nil).body)
		if !strings.Contains(page, "Overstap aangevraagd") || !strings.Contains(page, f.gp.Name) {
			t.Fatal("the patient page does not say who holds the registration and that a switch is pending")
		}
		if page := string(f.gpDoc.do(t, "GET", "/overstappen/"+itoa(sr.ID), nil).body); !strings.Contains(page, "Overstap bevestigen") || !strings.Contains(page, `for="f-reason"`) {
			t.Fatal("the request page offers the current practice no confirmation or labelled objection")
		}
	})
	t.Run("only the two practices see the request; only the right side decides", func(t *testing.T) {
		if r := f.gp2Doc.do(t, "GET", srPath, nil); r.status != 200 {
			t.Fatalf("the requester cannot see its request: %d", r.status)
		}
		wantError(t, f.carer.do(t, "GET", srPath, nil), 404, "not_found")
		wantError(t, f.rho.do(t, "GET", srPath, nil), 404, "not_found")
		wantError(t, f.gp2Doc.do(t, "POST", srPath+"/confirm", nil), 403, "forbidden")
		wantError(t, f.gpDoc.do(t, "POST", srPath+"/withdraw", nil), 403, "forbidden")
		viewer := f.ts.as(t, f.gp.ID, mgz.RoleViewer)
		wantError(t, viewer.do(t, "POST", srPath+"/confirm", nil), 403, "forbidden")
		wantError(t, f.gpDoc.do(t, "POST", srPath+"/object", map[string]any{"reason": "  "}), 422, "invalid_request", "reason")
	})
	t.Run("an objection keeps the client where it is, with the reason for both", func(t *testing.T) {
		r := f.gpDoc.postForm(t, "/overstappen/"+itoa(sr.ID)+"/bezwaar", url.Values{"reason": {"De cliënt heeft ons gebeld: zij wil blijven."}})
		if r.status != 303 {
			t.Fatalf("object by form: %d %s", r.status, r.body)
		}
		var got mgz.SwitchRequest
		f.gp2Doc.do(t, "GET", srPath, nil).json(t, &got)
		if got.State != mgz.SwitchObjected || !strings.Contains(got.Reason, "blijven") {
			t.Fatalf("after the objection the requester sees %+v", got)
		}
		if _, gp := practiceOf(t, f.gpDoc, sf.patientID); gp != f.gp.ID {
			t.Fatal("an objected switch moved the client")
		}
		wantError(t, f.gpDoc.do(t, "POST", srPath+"/confirm", nil), 409, "conflict")
	})
	var second mgz.SwitchRequest
	t.Run("a confirmed switch completes at once and the former practice loses access", func(t *testing.T) {
		second = switchOf(t, sf.request(t, f.gp2Doc, sf.birth, consented(map[string]any{})))
		wantError(t, f.carer.do(t, "POST", "/api/v1/switch-requests/"+itoa(second.ID)+"/confirm", nil), 404, "not_found")
		r := f.gpDoc.do(t, "POST", "/api/v1/switch-requests/"+itoa(second.ID)+"/confirm", nil)
		if r.status != 200 {
			t.Fatalf("confirm: %d %s", r.status, r.body)
		}
		var done mgz.SwitchRequest
		r.json(t, &done)
		if done.State != mgz.SwitchCompleted || done.RegistrationID == nil || done.DecidedBy != f.gpDoc.user.ID {
			t.Fatalf("confirmed request = %+v", done)
		}
		if status, gp := practiceOf(t, f.gp2Doc, sf.patientID); status != 200 || gp != f.gp2.ID {
			t.Fatalf("the new practice gets %d, practice %d", status, gp)
		}
		wantError(t, f.gpDoc.do(t, "GET", "/api/v1/patients/"+id, nil), 404, "not_found")
		var stored mgz.Patient
		f.gp2Doc.do(t, "GET", "/api/v1/patients/"+id, nil).json(t, &stored)
		if stored.Name != "Mevrouw Overstap Verbeterd" {
			t.Fatalf("the switch changed the client's data: name %q", stored.Name)
		}
	})
	t.Run("both practices see the history", func(t *testing.T) {
		for _, c := range []*client{f.gpDoc, f.gp2Doc} {
			var l struct {
				Items []mgz.SwitchRequest `json:"items"`
				Total int                 `json:"total"`
			}
			c.do(t, "GET", "/api/v1/switch-requests", nil).json(t, &l)
			if l.Total != 2 || l.Items[0].State != mgz.SwitchCompleted || l.Items[1].State != mgz.SwitchObjected {
				t.Fatalf("organisation %d sees %+v", c.user.OrganisationID, l.Items)
			}
			if page := string(c.do(t, "GET", "/overstappen", nil).body); !strings.Contains(page, "Bezwaar gemaakt") || !strings.Contains(page, "Overgestapt") {
				t.Fatalf("the switches page of organisation %d lacks the outcomes", c.user.OrganisationID)
			}
		}
		var l struct {
			Items []mgz.SwitchRequest `json:"items"`
		}
		f.gp2Doc.do(t, "GET", "/api/v1/patients/"+id+"/switch-requests", nil).json(t, &l)
		if len(l.Items) != 2 {
			t.Fatalf("the patient's switch history holds %d requests", len(l.Items))
		}
	})
	t.Run("a withdrawn request leaves the client where it is", func(t *testing.T) {
		third := switchOf(t, sf.request(t, f.gpDoc, sf.birth, consented(map[string]any{})))
		if r := f.gpDoc.postForm(t, "/overstappen/"+itoa(third.ID)+"/intrekken", url.Values{}); r.status != 303 {
			t.Fatalf("withdraw by form: %d %s", r.status, r.body)
		}
		if _, gp := practiceOf(t, f.gp2Doc, sf.patientID); gp != f.gp2.ID {
			t.Fatal("a withdrawn request moved the client")
		}
	})
}

// TestSwitchCompletesAfterTheRegionsPeriodWithoutObjection: with no answer from the current
// practice the switch completes by itself once the region's period has passed, evaluated when
// anyone reads, without a background job.
func TestSwitchCompletesAfterTheRegionsPeriodWithoutObjection(t *testing.T) {
	clock := &testClock{now: time.Now().UTC()}
	f := patientFixtureOn(t, newClockedTestServer(t, clock))
	practiceAdmin := f.ts.as(t, f.gp.ID, mgz.RoleAdmin)
	wantError(t, practiceAdmin.do(t, "PUT", "/api/v1/settings/switch", map[string]any{"switch_period_days": 5}), 403, "forbidden")
	wantError(t, f.rho.do(t, "PUT", "/api/v1/settings/switch", map[string]any{"switch_period_days": 0}), 422, "invalid_request", "switch_period_days")
	if r := f.rho.do(t, "PUT", "/api/v1/settings/switch", map[string]any{"switch_period_days": 7}); r.status != 200 {
		t.Fatalf("set the period: %d %s", r.status, r.body)
	}
	var set struct {
		Days int `json:"switch_period_days"`
	}
	f.gpDoc.do(t, "GET", "/api/v1/settings/switch", nil).json(t, &set)
	if set.Days != 7 {
		t.Fatalf("period read back as %d", set.Days)
	}
	sf := registerAtFirstPractice(t, f, "Meneer Termijn", "123456782")
	sr := switchOf(t, sf.request(t, f.gp2Doc, sf.birth, consented(map[string]any{})))

	for _, tc := range []struct {
		name     string
		after    time.Duration
		holder   int64
		formerOK bool
	}{
		{"one day in, the current practice still holds the client", 24 * time.Hour, f.gp.ID, true},
		{"a minute before the period ends, still open", 7*24*time.Hour - 24*time.Hour - 2*time.Minute, f.gp.ID, true},
		{"once the period has passed, the switch has completed", 3 * time.Minute, f.gp2.ID, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock.Add(tc.after)
			status, _ := practiceOf(t, f.gpDoc, sf.patientID)
			if tc.formerOK != (status == 200) {
				t.Fatalf("the current practice gets %d", status)
			}
			var got mgz.SwitchRequest
			f.gp2Doc.do(t, "GET", "/api/v1/switch-requests/"+itoa(sr.ID), nil).json(t, &got)
			if tc.holder == f.gp.ID && got.State != mgz.SwitchOpen {
				t.Fatalf("state %s before the period ended", got.State)
			}
			if tc.holder == f.gp2.ID {
				if got.State != mgz.SwitchCompleted || got.DecidedBy != 0 || !strings.Contains(got.Reason, "automatisch") || got.RegistrationID == nil {
					t.Fatalf("after the period: %+v", got)
				}
				if status, gp := practiceOf(t, f.gp2Doc, sf.patientID); status != 200 || gp != f.gp2.ID {
					t.Fatalf("the new practice gets %d, practice %d", status, gp)
				}
				if home := string(f.gpDoc.do(t, "GET", "/", nil).body); !strings.Contains(home, "vanzelf na de termijn zonder bezwaar") {
					t.Fatal("the former practice is not told on its start page that its client left")
				}
			}
		})
	}
	t.Run("many readers at the due moment complete a request exactly once", func(t *testing.T) {
		other := registerAtFirstPractice(t, f, "Meneer Gelijktijdig", "111222333")
		sr := switchOf(t, other.request(t, f.gp2Doc, other.birth, consented(map[string]any{})))
		clock.Add(7*24*time.Hour + time.Minute)
		statuses := make([]int, 12)
		var fns []func()
		for i := range statuses {
			c, path := f.gp2Doc, "/api/v1/switch-requests/"+itoa(sr.ID)
			switch i % 3 {
			case 1:
				c, path = f.gpDoc, "/api/v1/patients"
			case 2:
				c, path = f.gp2Doc, "/api/v1/patients/"+itoa(other.patientID)
			}
			fns = append(fns, func() { statuses[i], _, _ = c.raw("GET", path, nil, "") })
		}
		parallel(fns...)
		for i, st := range statuses {
			if st != 200 {
				t.Errorf("reader %d: %d", i, st)
			}
		}
		regs, err := f.ts.db.Store().Patients().Registrations(context.Background(), other.patientID)
		if err != nil || len(regs) != 2 || regs[0].PracticeID != f.gp2.ID {
			t.Fatalf("registrations after the concurrent completion: %+v (%v); want the first and one for the switch", regs, err)
		}
	})
}

// TestSwitchAnswersGiveNoBirthDateOracle: until consent and the request are in, a wrong and a
// right birth date get the same answer, byte for byte, for a client at another practice and for
// one without a practice.
func TestSwitchAnswersGiveNoBirthDateOracle(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Mevrouw Geheim", "111222333")
	p := f.client("Meneer Zonder Praktijk")
	p["bsn"] = "123456782"
	if r := f.carer.do(t, "POST", "/api/v1/patients", p); r.status != 201 {
		t.Fatalf("a provider records its resident: %d %s", r.status, r.body)
	}
	noPractice := &switchFixture{patientFixture: f, open: sf.open, bsn: "123456782", birth: p["birth_date"].(string)}
	for _, tc := range []struct {
		name string
		sf   *switchFixture
	}{{"registered at another practice", sf}, {"registered nowhere", noPractice}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, reg := range []map[string]any{{}, {"switch_consent": true}} {
				right := tc.sf.request(t, f.gp2Doc, tc.sf.birth, reg)
				wrong := tc.sf.request(t, f.gp2Doc, "1950-01-01", reg)
				if right.status != 422 || right.status != wrong.status || string(right.body) != string(wrong.body) {
					t.Fatalf("right birth date: %d %s\nwrong birth date: %d %s", right.status, right.body, wrong.status, wrong.body)
				}
				wantError(t, wrong, 422, "invalid_request", "switch_consent_method")
			}
		})
	}
	if _, gp := practiceOf(t, f.gpDoc, sf.patientID); gp != f.gp.ID {
		t.Fatal("a refused registration moved the client")
	}
}

// TestBSNMatchingIsThrottledAndMissesAreShown: repeated misses are refused with 429 per BSN and
// per account, and the practice holding the registration sees them, by organisation.
func TestBSNMatchingIsThrottledAndMissesAreShown(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Mevrouw Doelwit", "111222333")
	t.Run("per BSN, across accounts", func(t *testing.T) {
		statuses := []int{}
		for i := 0; i < 7; i++ {
			c := f.gp2Doc
			if i%2 == 1 {
				c = f.ts.as(t, f.gp2.ID, mgz.RolePhysician)
			}
			birth := fmt.Sprintf("1940-01-%02d", i+1)
			statuses = append(statuses, sf.request(t, c, birth, consented(map[string]any{})).status)
		}
		want := []int{422, 422, 422, 422, 422, 429, 429}
		if fmt.Sprint(statuses) != fmt.Sprint(want) {
			t.Fatalf("statuses %v, want %v", statuses, want)
		}
		r := sf.request(t, f.gp2Doc, sf.birth, consented(map[string]any{}))
		wantError(t, r, 429, "too_many_requests")
		if r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "Probeer het over") {
			t.Fatalf("the 429 lacks Retry-After or a Dutch next step: %v %s", r.header, r.body)
		}
	})
	t.Run("the holding practice sees the misses by organisation", func(t *testing.T) {
		home := string(f.gpDoc.do(t, "GET", "/", nil).body)
		if !strings.Contains(home, "Mislukte pogingen") || !strings.Contains(home, "5 keer door "+f.gp2.Name) {
			t.Fatal("the start page of the holding practice does not show the misses")
		}
		page := string(f.gpDoc.do(t, "GET", "/clienten/"+itoa(sf.patientID), nil).body)
		if !strings.Contains(page, "5 keer door "+f.gp2.Name) {
			t.Fatal("the patient page does not show the misses")
		}
		if home := string(f.gp2Doc.do(t, "GET", "/", nil).body); strings.Contains(home, "Mislukte pogingen") {
			t.Fatal("the guessing practice sees the misses")
		}
	})
	t.Run("per account, across BSNs", func(t *testing.T) {
		guesser := f.ts.as(t, f.gp2.ID, mgz.RoleEditor)
		var bsns []string
		for i := 0; len(bsns) < 11; i++ {
			b, ok := elevenProof(10000000 + i*7919)
			if !ok {
				continue
			}
			bsns = append(bsns, b)
			p := f.client("Cliënt " + itoa(int64(i)))
			p["bsn"] = b
			// Recorded by a care provider, so every BSN is known in mgz.
			if r := f.carer.do(t, "POST", "/api/v1/patients", p); r.status != 201 {
				t.Fatalf("record a client: %d %s", r.status, r.body)
			}
		}
		var last response
		for i, b := range bsns {
			s := &switchFixture{patientFixture: f, open: sf.open, bsn: b}
			last = s.request(t, guesser, "1950-01-01", map[string]any{})
			if i < 10 && last.status != 422 {
				t.Fatalf("attempt %d: %d %s", i+1, last.status, last.body)
			}
		}
		wantError(t, last, 429, "too_many_requests")
	})
}

// elevenProof returns the BSN that starts with the eight digits of prefix and passes the eleven
// test, or false when no ninth digit makes it pass.
func elevenProof(prefix int) (string, bool) {
	d := fmt.Sprintf("%08d", prefix)
	sum := 0
	for i, c := range d {
		sum += (9 - i) * int(c-'0')
	}
	last := sum % 11
	if last == 10 {
		return "", false
	}
	return d + string(rune('0'+last)), true
}

// raw sends a JSON request as c without a *testing.T, for goroutines; it returns the status (0
// when the request failed), the ETag and the body.
func (c *client) raw(method, path string, body any, ifMatch string) (int, string, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.ts.URL+path, rd)
	if err != nil {
		return 0, "", nil
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", []byte(err.Error())
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("ETag"), b
}

// parallel runs fns at once and waits for all.
func parallel(fns ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn()
		}()
	}
	close(start)
	wg.Wait()
}

// TestConcurrentSwitchRequestsAndDecisionsKeepOneOutcome races three practices requesting the same
// client at once, then a confirmation, an objection and a withdrawal of the one open request
// while the current practice reads its client: one request and one decision win, the others get
// 409, nothing answers 5xx, and the current practice never gets 404 while the request is open.
func TestConcurrentSwitchRequestsAndDecisionsKeepOneOutcome(t *testing.T) {
	f := newPatientFixture(t)
	gps, _, _ := f.ts.reg.Organisations(context.Background(), mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 4}})
	requesters := []*client{f.gp2Doc, f.ts.as(t, gps[2].ID, mgz.RolePhysician), f.ts.as(t, gps[3].ID, mgz.RoleEditor)}
	const races = 10
	var requestsTried, requestsAcked, decisionsTried, decisionsAcked, lost, serverErrors, readsWhileOpen, notFoundWhileOpen int
	prefix := 20000000
	for race := 0; race < races; race++ {
		var bsn string
		for ok := false; !ok; prefix++ {
			bsn, ok = elevenProof(prefix)
		}
		sf := registerAtFirstPractice(t, f, fmt.Sprintf("Cliënt Race %d", race), bsn)
		p := sf.client("Naam Zoals Getypt")
		p["bsn"] = bsn
		body := map[string]any{"patient": p, "registration": consented(map[string]any{"open_items_acknowledged": sf.open})}

		statuses := make([]int, len(requesters))
		bodies := make([][]byte, len(requesters))
		var fns []func()
		for i, c := range requesters {
			fns = append(fns, func() { statuses[i], _, bodies[i] = c.raw("POST", "/api/v1/registrations", body, "") })
		}
		parallel(fns...)
		winner := -1
		for i, st := range statuses {
			requestsTried++
			switch {
			case st == 202:
				requestsAcked++
				if winner >= 0 {
					t.Fatalf("race %d: two open requests for one client", race)
				}
				winner = i
			case st >= 500 || st == 0:
				serverErrors++
				t.Errorf("race %d: request answered %d %s", race, st, bodies[i])
			case st != 409:
				t.Fatalf("race %d: a losing request answered %d %s", race, st, bodies[i])
			}
		}
		if winner < 0 {
			t.Fatalf("race %d: no request won: %v", race, statuses)
		}
		var won struct {
			SwitchRequest mgz.SwitchRequest `json:"switch_request"`
		}
		if err := json.Unmarshal(bodies[winner], &won); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/switch-requests/" + itoa(won.SwitchRequest.ID)

		// Every other race includes a confirmation; without one the request stays with the
		// current practice, which must then read its client all along.
		type decision struct {
			c      *client
			action string
			body   any
		}
		ds := []decision{{f.gpDoc, "object", map[string]any{"reason": "De cliënt wil blijven."}}, {requesters[winner], "withdraw", nil}}
		if race%2 == 0 {
			ds = append(ds, decision{f.gpDoc, "confirm", nil})
		}
		results := make([]int, len(ds))
		reads := make([]int, 4)
		fns = nil
		for i, d := range ds {
			fns = append(fns, func() { results[i], _, _ = d.c.raw("POST", path+"/"+d.action, d.body, "") })
		}
		for i := range reads {
			fns = append(fns, func() { reads[i], _, _ = f.gpDoc.raw("GET", "/api/v1/patients/"+itoa(sf.patientID), nil, "") })
		}
		parallel(fns...)
		acked := ""
		for i, st := range results {
			decisionsTried++
			switch {
			case st == 200:
				decisionsAcked++
				if acked != "" {
					t.Fatalf("race %d: two decisions acknowledged (%s and %s)", race, acked, ds[i].action)
				}
				acked = ds[i].action
			case st >= 500 || st == 0:
				serverErrors++
				t.Errorf("race %d: %s answered %d", race, ds[i].action, st)
			case st != 409:
				t.Fatalf("race %d: a losing %s answered %d", race, ds[i].action, st)
			}
		}
		var final mgz.SwitchRequest
		requesters[winner].do(t, "GET", path, nil).json(t, &final)
		want := map[string]mgz.SwitchState{"object": mgz.SwitchObjected, "withdraw": mgz.SwitchWithdrawn, "confirm": mgz.SwitchCompleted}[acked]
		holder := f.gp.ID
		if want == mgz.SwitchCompleted {
			holder = requesters[winner].user.OrganisationID
		}
		stored, _ := f.ts.db.Store().Patients().Patient(context.Background(), sf.patientID)
		if final.State != want || stored.GPPracticeID == nil || *stored.GPPracticeID != holder {
			lost++
			t.Errorf("race %d: acknowledged %s, but the request is %s and the client at %v", race, acked, final.State, stored.GPPracticeID)
		}
		for _, st := range reads {
			if st >= 500 || st == 0 {
				serverErrors++
				t.Errorf("race %d: a read answered %d", race, st)
			}
			if want != mgz.SwitchCompleted {
				readsWhileOpen++
				if st != 200 {
					notFoundWhileOpen++
					t.Errorf("race %d: the current practice got %d on its own client while no switch completed", race, st)
				}
			}
		}
	}
	t.Logf("%d races: requests tried %d, acknowledged %d; decisions tried %d, acknowledged %d, lost %d; 5xx %d; reads by the current practice while the switch did not complete %d, of which not 200: %d",
		races, requestsTried, requestsAcked, decisionsTried, decisionsAcked, lost, serverErrors, readsWhileOpen, notFoundWhileOpen)
}

// TestSwitchRequestThroughTheRegistrationForm: the page asks how, when and by whom consent was
// obtained (labelled fields, no script needed), and a registration of a client at another
// practice leads to the request's page.
func TestSwitchRequestThroughTheRegistrationForm(t *testing.T) {
	f := newPatientFixture(t)
	sf := registerAtFirstPractice(t, f, "Mevrouw Formulier", "111222333")
	page := string(f.gp2Doc.do(t, "GET", "/inschrijven?locatie="+itoa(f.loc.ID), nil).body)
	for _, want := range []string{`for="f-consent-method"`, `for="f-switch_consent_on"`, `for="f-switch_consent_by"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the registration form lacks %s", want)
		}
	}
	v := url.Values{}
	for k, val := range f.client("Mevrouw Formulier") {
		v.Set(k, fmt.Sprint(val))
	}
	v.Set("bsn", sf.bsn)
	for _, k := range sf.open {
		v.Add("open_items_acknowledged", string(k))
	}
	r := f.gp2Doc.postForm(t, "/inschrijven", v)
	if r.status != 422 || !strings.Contains(string(r.body), "vraagt u een overstap aan") {
		t.Fatalf("without consent: %d", r.status)
	}
	v.Set("switch_consent_method", "in_person")
	v.Set("switch_consent_on", time.Now().Format(mgz.DateLayout))
	v.Set("switch_consent_by", "Dr. P. de Vries, huisarts")
	r = f.gp2Doc.postForm(t, "/inschrijven", v)
	if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/overstappen/") {
		t.Fatalf("with consent: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	page = string(f.gp2Doc.do(t, "GET", r.header.Get("Location"), nil).body)
	if !strings.Contains(page, "De overstap is aangevraagd") || !strings.Contains(page, "Verzoek intrekken") || !strings.Contains(page, "Dr. P. de Vries") {
		t.Fatal("the request's page does not confirm the request or offer to withdraw it")
	}
}
