package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/demo"
	"github.com/regio-mgz/mgz/service"
	"github.com/regio-mgz/mgz/sqlstore"
)

// examples are the contract's examples, kept beside the rules' tests.
func examples(t testing.TB) []struct {
	Request  json.RawMessage `json:"request"`
	Expected json.RawMessage `json:"expected"`
} {
	t.Helper()
	b, err := os.ReadFile("../../rules/testdata/decide.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []struct {
		Request  json.RawMessage `json:"request"`
		Expected json.RawMessage `json:"expected"`
	}
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var ex struct {
			Request  json.RawMessage `json:"request"`
			Expected json.RawMessage `json:"expected"`
		}
		if err := json.Unmarshal(line, &ex); err != nil {
			t.Fatal(err)
		}
		out = append(out, ex)
	}
	return out
}

func decideRun(t *testing.T, args []string, stdin string) (int, string, string) {
	t.Helper()
	env, out, errb := testEnv(nil)
	env.stdin = strings.NewReader(stdin)
	code := run(context.Background(), env, append([]string{"decide", "--db", filepath.Join(t.TempDir(), "none.db")}, args...))
	return code, out.String(), errb.String()
}

// TestDecideExitStatusFollowsTheContract: 0 for a decision, 2 for a rejected request with the
// error object on standard output.
func TestDecideExitStatusFollowsTheContract(t *testing.T) {
	for i, ex := range examples(t) {
		var want map[string]any
		json.Unmarshal(ex.Expected, &want)
		code, out, _ := decideRun(t, nil, string(ex.Request))
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("example %d: output is not one JSON object: %v\n%s", i+1, err, out)
		}
		if _, rejected := want["error"]; rejected {
			if code != 2 || got["error"] == nil {
				t.Errorf("example %d: code %d, output %s; want 2 and the error object", i+1, code, out)
			}
			continue
		}
		if code != 0 || got["classification"] == nil {
			t.Errorf("example %d: code %d; want 0 and a decision", i+1, code)
		}
		wc, _ := json.Marshal(want["classification"].(map[string]any)["group"])
		gc, _ := json.Marshal(got["classification"].(map[string]any)["group"])
		if string(wc) != string(gc) {
			t.Errorf("example %d: group %s, want %s", i+1, gc, wc)
		}
	}
	code, out, _ := decideRun(t, nil, "dit is geen json")
	if code != 2 || !strings.Contains(out, `"code":"bad_request"`) {
		t.Errorf("not JSON: code %d, output %s", code, out)
	}
}

func TestDecideLinesKeepsOrderAndGoesOnAfterABadLine(t *testing.T) {
	exs := examples(t)
	var in strings.Builder
	for _, ex := range exs {
		in.Write(ex.Request)
		in.WriteString("\n")
		in.WriteString("{kapot\n")
	}
	code, out, errs := decideRun(t, []string{"--lines"}, in.String())
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2*len(exs) {
		t.Fatalf("%d answers for %d lines", len(lines), 2*len(exs))
	}
	for i, ex := range exs {
		_, single, _ := decideRun(t, nil, string(ex.Request))
		single = strings.TrimSpace(single)
		if lines[2*i] != single {
			t.Errorf("line %d differs from the single decision:\n%s\n%s", 2*i+1, lines[2*i], single)
		}
		if !strings.Contains(lines[2*i+1], `"error"`) {
			t.Errorf("line %d: a bad line must be answered with its error object, got %s", 2*i+2, lines[2*i+1])
		}
	}
}

func demoDB(t testing.TB) (string, mgz.RegisterService) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mgz.db")
	db, err := sqlstore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(context.Background(), db.Register()); err != nil {
		t.Fatal(err)
	}
	return path, db.Register()
}

// TestDecideNamesContactsOfARegisteredLocation is the spot check of the issue: a clustered-housing
// PGB client in disability care with a wzd question on Christmas night.
func TestDecideNamesContactsOfARegisteredLocation(t *testing.T) {
	path, reg := demoDB(t)
	ls, _, _ := reg.Locations(context.Background(), mgz.LocationFilter{Query: "De Zonnebloem"})
	req := `{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"pgb","sector":"disability"},
		"question":{"category":"wzd","at":"2026-12-25T03:10:00+01:00"},"location_id":"` + strconv.FormatInt(ls[0].ID, 10) + `"}`
	env, out, errb := testEnv(map[string]string{"MGZ_DB": path})
	env.stdin = strings.NewReader(req)
	if code := run(context.Background(), env, []string{"decide"}); code != 0 {
		t.Fatalf("code %d: %s %s", code, out.String(), errb.String())
	}
	var resp struct {
		Route struct {
			Summary string `json:"summary"`
			Period  string `json:"period"`
			Holiday string `json:"holiday"`
			Steps   []struct {
				Role    string `json:"role"`
				Contact struct {
					Organisation, Phone string
				} `json:"contact"`
			} `json:"steps"`
		} `json:"route"`
	}
	json.Unmarshal([]byte(out.String()), &resp)
	r := resp.Route
	if r.Period != "out_of_hours" || r.Holiday != "Eerste Kerstdag" || len(r.Steps) != 2 ||
		r.Steps[0].Role != "first_line" || r.Steps[1].Role != "id_physician" || r.Steps[1].Contact.Organisation != "AVG-dienst De Brugwachter" {
		t.Fatalf("route = %+v", r)
	}
	if !strings.Contains(r.Summary, r.Steps[0].Contact.Phone) {
		t.Errorf("summary %q does not give the first number %q", r.Summary, r.Steps[0].Contact.Phone)
	}
}

// BenchmarkDecideLinesMillion runs `mgz decide --lines` in-process over 1,000,000 requests (the
// contract's examples, repeated) and reports lines per second. Target: ≥ 200,000 lines/s.
func BenchmarkDecideLinesMillion(b *testing.B) {
	exs := examples(b)
	var one bytes.Buffer
	for _, ex := range exs {
		one.Write(ex.Request)
		one.WriteByte('\n')
	}
	const total = 1_000_000
	var in bytes.Buffer
	for n := 0; n < total; n += len(exs) {
		in.Write(one.Bytes())
	}
	lines := bytes.Count(in.Bytes(), []byte{'\n'})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out countingWriter
		env := &environment{stdin: bytes.NewReader(in.Bytes()), stdout: &out, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }}
		if code := run(context.Background(), env, []string{"decide", "--lines", "--db", "/nonexistent/mgz.db"}); code != 0 {
			b.Fatalf("code %d", code)
		}
		if out.lines != lines {
			b.Fatalf("%d answers for %d lines", out.lines, lines)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

type countingWriter struct{ lines int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// TestDecideAnswersForARegisteredClient: with --db, a patient_id answers from the client's record
// (the register wins over the request, with a warning object), in one request and in --lines; an
// unknown client and a patient_id without a register are rejected (exit 2) naming patient_id.
func TestDecideAnswersForARegisteredClient(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mgz.db")
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(ctx, db.Register()); err != nil {
		t.Fatal(err)
	}
	ls, _, _ := db.Register().Locations(ctx, mgz.LocationFilter{Query: "De Boomgaard"})
	gps, _, _ := db.Register().Organisations(ctx, mgz.OrganisationFilter{Kind: mgz.KindGPPractice, Page: mgz.Page{Limit: 1}})
	p := mgz.Patient{Name: "Meneer Opdrachtregel", BirthDate: mgz.NewDate(1936, 2, 3), LocationID: &ls[0].ID, Sector: mgz.SectorElderly,
		Wlz: mgz.WlzWithoutTreatment, WlzSource: mgz.WlzSourceVECOZO, WlzCheckedOn: mgz.NewDate(2026, 11, 20), Delivery: mgz.DeliveryVPT,
		GPPracticeID: &gps[0].ID}
	if err := service.New(db.Store(), service.Config{}).CreatePatient(ctx, service.System(), &p); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(p.ID, 10)
	req := `{"patient_id":"` + id + `","situation":{"setting":"home","wlz":"none","sector":"disability","need":"temporary_24h"},"question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`

	type answer struct {
		Classification struct{ Group string } `json:"classification"`
		Route          struct {
			Steps []struct {
				Role    string
				Contact struct{ Organisation string }
			}
		} `json:"route"`
		Warnings []struct{ Code, Message string } `json:"warnings"`
		Error    *struct {
			Code   string
			Fields []string
		} `json:"error"`
	}
	check := func(t *testing.T, line string) {
		t.Helper()
		var a answer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if a.Classification.Group != "at_provider" || len(a.Route.Steps) != 2 || a.Route.Steps[1].Contact.Organisation != gps[0].Name {
			t.Errorf("not answered from the record (at_provider, the client's practice %q): %s", gps[0].Name, line)
		}
		if len(a.Warnings) == 0 || a.Warnings[0].Code != "register_overrides_request" || a.Warnings[0].Message == "" {
			t.Errorf("no register_overrides_request warning object: %s", line)
		}
	}
	runDecide := func(args []string, stdin string) (int, string) {
		env, out, _ := testEnv(map[string]string{"MGZ_DB": path})
		env.stdin = strings.NewReader(stdin)
		return run(ctx, env, append([]string{"decide"}, args...)), out.String()
	}
	t.Run("one request", func(t *testing.T) {
		code, out := runDecide(nil, req)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		check(t, out)
	})
	t.Run("lines", func(t *testing.T) {
		missing := `{"patient_id":"99999999","question":{"category":"gp_care","at":"2026-09-09T14:00:00+02:00"}}`
		code, out := runDecide([]string{"--lines"}, req+"\n"+missing+"\n"+req+"\n")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != 3 {
			t.Fatalf("exit %d, %d lines: %s", code, len(lines), out)
		}
		check(t, lines[0])
		check(t, lines[2])
		if !strings.Contains(lines[1], `"code":"not_found"`) || !strings.Contains(lines[1], `"fields":["patient_id"]`) {
			t.Errorf("unknown client: %s", lines[1])
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		code, out := runDecide(nil, `{"patient_id":"99999999"}`)
		if code != exitRejected || !strings.Contains(out, `"fields":["patient_id"]`) {
			t.Errorf("exit %d: %s", code, out)
		}
	})
	t.Run("no register", func(t *testing.T) {
		code, out, _ := decideRun(t, nil, `{"patient_id":"`+id+`"}`)
		if code != exitRejected || !strings.Contains(out, `"fields":["patient_id"]`) {
			t.Errorf("exit %d: %s", code, out)
		}
	})
}
