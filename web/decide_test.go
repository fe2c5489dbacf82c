package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/regio-mgz/mgz"
	"github.com/regio-mgz/mgz/service"
)

// subset reports where got differs from the fields want lists (contract.md examples leave texts,
// sources and contacts out): maps must hold every wanted key, arrays must match element by element.
func subset(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path + ": want an object"}
		}
		var diffs []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, path+"."+k+": missing")
				continue
			}
			diffs = append(diffs, subset(path+"."+k, wv, gv)...)
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{path + ": want " + mustJSON(w) + ", got " + mustJSON(got)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, subset(path+"["+strconv.Itoa(i)+"]", w[i], g[i])...)
		}
		return diffs
	default:
		if mustJSON(want) != mustJSON(got) {
			return []string{path + ": want " + mustJSON(want) + ", got " + mustJSON(got)}
		}
	}
	return nil
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestDecideAPIAnswersTheContractExamples posts every example of contract.md and compares the
// fields it lists; rejected examples give 422 with the error object.
func TestDecideAPIAnswersTheContractExamples(t *testing.T) {
	ts := newTestServer(t, false)
	b, err := os.ReadFile("../rules/testdata/decide.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var ex struct {
			Request  json.RawMessage `json:"request"`
			Expected map[string]any  `json:"expected"`
		}
		if err := json.Unmarshal(line, &ex); err != nil {
			t.Fatal(err)
		}
		r := ts.do(t, "POST", "/api/v1/decide", string(ex.Request))
		want := 200
		if _, rejected := ex.Expected["error"]; rejected {
			want = 422
		}
		if r.status != want {
			t.Errorf("example %d: status %d, want %d: %s", i+1, r.status, want, r.body)
			continue
		}
		var got map[string]any
		r.json(t, &got)
		for _, d := range subset("", ex.Expected, got) {
			t.Errorf("example %d: %s", i+1, d)
		}
	}
	wantError(t, ts.do(t, "POST", "/api/v1/decide", "geen json"), 400, "bad_request")
}

func TestDecideAPIUsesTheRegionsCalendarSettings(t *testing.T) {
	ts := newTestServer(t, false)
	req := `{"situation":{"setting":"clustered_housing","wlz":"without_treatment","delivery":"vpt","sector":"elderly"},
		"question":{"category":"gp_care","at":"2026-11-24T17:30:00+01:00"}}`
	period := func() string {
		var resp struct {
			Route struct{ Period string } `json:"route"`
		}
		ts.do(t, "POST", "/api/v1/decide", req).json(t, &resp)
		return resp.Route.Period
	}
	if p := period(); p != "out_of_hours" {
		t.Fatalf("17:30 with the §4.1 defaults = %s, want out_of_hours", p)
	}
	var cs map[string]any
	ts.do(t, "GET", "/api/v1/settings/calendar", nil).json(t, &cs)
	if cs["office_end"] != "17:00" || len(cs["free_days"].([]any)) != 9 {
		t.Fatalf("default settings = %v", cs)
	}
	nza := map[string]any{"office_start": "08:00", "office_end": "18:00", "free_days": []string{"new_years_day", "good_friday",
		"easter_sunday", "easter_monday", "kings_day", "liberation_day", "ascension_day", "whit_sunday", "whit_monday", "christmas_day", "boxing_day"}}
	if r := ts.do(t, "PUT", "/api/v1/settings/calendar", nza); r.status != 200 {
		t.Fatalf("PUT settings: %d %s", r.status, r.body)
	}
	if p := period(); p != "office_hours" {
		t.Fatalf("17:30 with the NZa 2023 preset = %s, want office_hours", p)
	}
	bad := map[string]any{"office_start": "8 uur", "office_end": "18:00", "free_days": []string{"carnaval"}}
	wantError(t, ts.do(t, "PUT", "/api/v1/settings/calendar", bad), 422, "invalid_request", "office_start", "free_days")
	ends := map[string]any{"office_start": "18:00", "office_end": "08:00", "free_days": []string{}}
	wantError(t, ts.do(t, "PUT", "/api/v1/settings/calendar", ends), 422, "invalid_request")
}

func TestDecidePageGivesPhoneNumbersFirst(t *testing.T) {
	ts := newTestServer(t, true)
	ls, _, _ := ts.reg.Locations(context.Background(), mgz.LocationFilter{Query: "De Zonnebloem"})
	q := url.Values{"location_id": {itoa(ls[0].ID)}, "wlz": {"without_treatment"}, "delivery": {"pgb"},
		"category": {"wzd"}, "at": {"2026-12-25T03:10"}}
	r := ts.do(t, "GET", "/wie-is-verantwoordelijk?"+q.Encode(), nil)
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	body := string(r.body)
	steps := body[strings.Index(body, "Wie u belt"):]
	for _, want := range []string{"Eerste Kerstdag", "Buiten kantooruren", `href="tel:`, "Niet verantwoordelijk", "Bron: L-Rol 2", "PGB in een geclusterde woonvorm"} {
		if !strings.Contains(body, want) {
			t.Errorf("answer lacks %q", want)
		}
	}
	if strings.Index(steps, "Voorwacht") > strings.Index(steps, "Arts verstandelijk gehandicapten") {
		t.Errorf("steps out of order")
	}
	if strings.Index(body, "Wie u belt") > strings.Index(body, "Niet verantwoordelijk") ||
		strings.Index(body, "Niet verantwoordelijk") > strings.Index(body, "Waarom") {
		t.Errorf("the page must show the steps first, then who is not responsible, then the reasons")
	}

	bad := url.Values{"setting": {"home"}, "wlz": {"with_treatment"}, "delivery": {"stay_with_treatment"}, "sector": {"elderly"}, "category": {"gp_care"}, "at": {"2026-12-25T03:10"}}
	r = ts.do(t, "GET", "/wie-is-verantwoordelijk?"+bad.Encode(), nil)
	if r.status != 422 || !strings.Contains(string(r.body), `id="f-setting-error"`) {
		t.Fatalf("§3.4 with_treatment at home: status %d, no error at the setting field", r.status)
	}
	r = ts.do(t, "GET", "/wie-is-verantwoordelijk", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `type="datetime-local"`) {
		t.Fatalf("empty form: %d", r.status)
	}
}

func TestSettingsPagePresetsAndValidation(t *testing.T) {
	ts := newTestServer(t, false)
	if r := ts.postForm(t, "/instellingen", url.Values{"preset": {"nza2023"}}); r.status != 303 {
		t.Fatalf("preset: %d", r.status)
	}
	page := string(ts.do(t, "GET", "/instellingen", nil).body)
	if !strings.Contains(page, `value="18:00"`) || !strings.Contains(page, `value="good_friday" checked`) {
		t.Fatalf("NZa 2023 preset not shown")
	}
	r := ts.postForm(t, "/instellingen", url.Values{"office_start": {"17:00"}, "office_end": {"08:00"}})
	if r.status != 422 || !strings.Contains(string(r.body), "Er is een probleem") {
		t.Fatalf("office hours ending before they start: %d", r.status)
	}
}

// The switch period (issue 9: a switch completes after the region's period without objection)
// is set by the RHO's admins on the settings page; others see it without a way to change it.
func TestSettingsPageSetsTheSwitchPeriod(t *testing.T) {
	ts := newTestServer(t, false)
	page := string(ts.do(t, "GET", "/instellingen", nil).body)
	if !strings.Contains(page, `name="switch_period_days" type="number" value="14"`) {
		t.Fatalf("the settings page does not show the default switch period of 14 days")
	}
	if r := ts.postForm(t, "/instellingen/overstaptermijn", url.Values{"switch_period_days": {"21"}}); r.status != 303 {
		t.Fatalf("saving 21 days: %d\n%s", r.status, r.body)
	}
	if days, err := ts.svc.SwitchPeriodDays(context.Background(), service.System()); err != nil || days != 21 {
		t.Fatalf("stored period = %d, %v; want 21", days, err)
	}
	for _, bad := range []string{"abc", "0", "91", ""} {
		r := ts.postForm(t, "/instellingen/overstaptermijn", url.Values{"switch_period_days": {bad}})
		if r.status != 422 || !strings.Contains(string(r.body), `id="f-switch_period_days"`) || !strings.Contains(string(r.body), `aria-invalid="true"`) {
			t.Fatalf("period %q: %d, want 422 with the message at the field\n%s", bad, r.status, r.body)
		}
	}
	viewer := ts.as(t, ts.rho.ID, mgz.RoleViewer)
	if r := viewer.postForm(t, "/instellingen/overstaptermijn", url.Values{"switch_period_days": {"30"}}); r.status != 403 {
		t.Fatalf("a viewer changing the period: %d, want 403", r.status)
	}
	if days, _ := ts.svc.SwitchPeriodDays(context.Background(), service.System()); days != 21 {
		t.Fatalf("a refused change altered the period to %d", days)
	}
}
